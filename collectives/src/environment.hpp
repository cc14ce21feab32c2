// The one place the collectives library reads the environment: DOJO_COLL_<OPERATION>=<algorithm>
// and DOJO_COLL_DEBUG=1, applied to a Config when a Communicator is created.
#pragma once

#include "dojo/collectives/communicator.hpp"

namespace dojo::collectives::detail {

// Overrides config's preferred algorithms and debug flag from the environment; a user error
// naming the variable and the valid values when one is malformed.
void apply_environment(Config& config);

}  // namespace dojo::collectives::detail
