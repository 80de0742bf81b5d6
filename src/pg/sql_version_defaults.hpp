// The parameter defaults a database trains with.
//
// One library serves every SQL version, each as that SQL declared it
// (version_check.hpp).  A default that changed (RDLAE for ease and hybrid
// over ease in 1.6, the re-ranker in 1.7) is part of train()'s behaviour: a
// database at an older SQL version keeps the one it had, the registry's
// "absent" value.  A Citus cluster stores no re-ranker, so none is its
// default there.
#pragma once

#include "core/train_params.hpp"

namespace steam_rec::pg {

// The defaults train() and evaluate() resolve parameters with here.
rec::Defaults defaults_of_installed_sql();

}  // namespace steam_rec::pg
