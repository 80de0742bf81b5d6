// The parameter defaults a database's SQL version trains with.
//
// One library serves every SQL version, each as that SQL declared it
// (version_check.hpp).  A default that changed (RDLAE for ease and hybrid
// over ease in 1.6) is part of train()'s behaviour: a database at an older
// SQL version keeps the one it had, the registry's "absent" value.
#pragma once

#include "core/train_params.hpp"

namespace steam_rec::pg {

// The version the last defaults changed in.
inline constexpr const char* kDefaultsChangedIn = "1.6";

// The defaults train() and evaluate() resolve parameters with here: today's,
// or those before the change when the installed SQL is older.
rec::Defaults defaults_of_installed_sql();

}  // namespace steam_rec::pg
