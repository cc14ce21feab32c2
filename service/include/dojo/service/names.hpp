// The names a request may carry (tenant, job, data set, checkpoint file) and the one strict rule
// each must pass before it touches a path, the database or a Slurm argument: no "..", no "/", no
// separators that sbatch's --export or the Slurm job name would split on.
#pragma once

#include <string_view>

namespace dojo::service {

// Tenant, job and data-set names: 1-64 characters of [A-Za-z0-9_-], starting with a letter or
// digit.
bool valid_name(std::string_view name);

// Checkpoint files as dojo writes them: step-<digits>.h5.
bool valid_checkpoint_file(std::string_view name);

// Centre data sets are named "centre:<name>"; the rest of the name follows valid_name.
inline constexpr std::string_view kCentrePrefix = "centre:";

}  // namespace dojo::service
