// The backward bookkeeping shared by the models: the hook order is checked, not assumed.
#include "dojo/model/model.hpp"

#include "dojo/common/error.hpp"

namespace dojo::model {

void Model::begin_backward() {
  check(next_ready_group_ == -1, "Model::backward re-entered");
  next_ready_group_ = static_cast<int>(parameters_.groups().size()) - 1;
}

void Model::gradients_ready(int group) {
  if (group != next_ready_group_) {
    internal_error(str("backward finished parameter group ", group, ", expected ",
                       next_ready_group_, " (groups finish in reverse forward order)"));
  }
  --next_ready_group_;
  const ParameterGroup& finished = parameters_.groups()[static_cast<std::size_t>(group)];
  if (hook_ && finished.count > 0) hook_(finished.offset, finished.count);
}

void Model::end_backward() {
  if (next_ready_group_ != -1) {
    internal_error(str("backward ended with parameter group ", next_ready_group_, " unfinished"));
  }
}

}  // namespace dojo::model
