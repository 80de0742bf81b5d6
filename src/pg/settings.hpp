// The configuration settings (GUCs) steam_rec defines.
#pragma once

namespace steam_rec::pg {

// steam_rec.training_memory_limit, in megabytes: train() refuses a training
// whose estimated peak memory exceeds it.
extern int training_memory_limit_mb;

void define_settings();

}  // namespace steam_rec::pg
