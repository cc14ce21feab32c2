// Building a training run: placement, grid, data, device, engine, optimizer, schedule.
#include "training_job.hpp"

#include <cmath>
#include <utility>

#include "dojo/common/error.hpp"
#include "dojo/common/log.hpp"
#include "dojo/device/registry.hpp"
#include "dojo/model/gpt.hpp"
#include "dojo/model/mlp.hpp"
#include "dojo/runtime/pipeline.hpp"
#include "training_plan.hpp"

namespace dojo::jobs {
namespace {

// The grid's placement on the mesh (--placement mesh; runtime/mesh_grid.hpp): the job's ranks sit
// on chips in Slurm node order (snake order within a node), tensor-parallel groups take
// neighbouring chips, pipeline stages follow the mesh, data-parallel replicas form lattices whose
// geometry the collectives' mesh algorithms use. nullopt with --placement rank-order or 1 rank.
std::optional<runtime::MeshGridPlan> plan_placement(const TrainConfig& config,
                                                    PlacementKind placement,
                                                    const runtime::Runtime& runtime) {
  const runtime::Layout layout = resolved_layout(config, runtime.size());
  if (placement != PlacementKind::mesh || layout.ranks() == 1) return std::nullopt;
  ScopedActivity activity("placing the process grid on the mesh");
  runtime::MeshGridPlan plan = runtime::plan_mesh_grid(runtime, layout);
  const auto hops = plan.hops(), was = plan.default_hops();
  log::info("placement on the mesh (", plan.machine().num_tiles(), " tile(s)): mean hops between ",
            "neighbours tp ", hops.tp.mean, ", pp ", hops.pp.mean, ", dp ", hops.dp.mean,
            " (rank order: ", was.tp.mean, ", ", was.pp.mean, ", ", was.dp.mean, ")");
  return plan;
}

runtime::ProcessGrid make_grid(const TrainConfig& config, const mpi::Comm& world,
                               const std::optional<runtime::MeshGridPlan>& plan) {
  if (plan) return runtime::make_process_grid(world, *plan);
  return runtime::ProcessGrid(world, resolved_layout(config, world.size()));
}

PipelineOptions pipeline_options(const TrainConfig& config, std::int64_t bucket_floats) {
  PipelineOptions options;
  options.micro_batches = config.micro_batches;
  options.schedule = *runtime::parse_schedule(config.schedule);
  options.layers_per_stage = config.stages;
  options.bucket_floats = bucket_floats;
  return options;
}

std::unique_ptr<model::Optimizer> make_optimizer(const TrainConfig& config, OptimizerKind kind,
                                                 model::Model& model) {
  if (kind == OptimizerKind::adamw) {
    model::AdamWConfig a;
    a.beta1 = config.beta1;
    a.beta2 = config.beta2;
    a.eps = config.eps;
    a.weight_decay = config.weight_decay;
    return std::make_unique<model::AdamW>(model.parameters(), a);
  }
  model::SgdConfig s;
  s.momentum = config.momentum;
  s.weight_decay = config.weight_decay;
  return std::make_unique<model::SgdMomentum>(model.parameters(), s);
}

}  // namespace

TrainingJob::TrainingJob(const TrainConfig& config_in, const runtime::Runtime& runtime,
                         std::string resolved_toml_in)
    : config(config_in),
      choices(parse_choices(config_in)),
      world(runtime.world()),
      plan(plan_placement(config_in, choices.placement, runtime)),
      grid(make_grid(config_in, world, plan)),
      out(output_directory(config_in)),
      checkpoint_dir(std::filesystem::path(out) / "checkpoints"),
      resolved_toml(std::move(resolved_toml_in)) {
  ScopedActivity activity("opening the data set");
  auto kind =
      choices.model == ModelKind::mlp ? io::DatasetKind::classification : io::DatasetKind::tokens;
  info_ = io::validate(config.data, kind, world.get());
  const std::string eval_split =
      config.eval_split.empty() ? (kind == io::DatasetKind::classification ? "test" : "validation")
                                : config.eval_split;
  if (info_.find_split("train") == nullptr)
    user_error(str(config.data, " has no train split (it has: ", info_.split_list(), ")"));
  if (info_.find_split(eval_split) == nullptr)
    user_error(str(config.data, " has no '", eval_split, "' split to evaluate on (it has: ",
                   info_.split_list(), "): choose one with --eval-split"));

  // Every rank of a replica (its tp and pp ranks) reads the same shard of each batch.
  const mpi::Comm& dp_comm = grid.axis(runtime::Axis::dp);
  world_collectives = std::make_unique<collectives::Communicator>(world.get());
  dp = std::make_unique<collectives::Communicator>(dp_comm.get(), geometry(runtime::Axis::dp));
  device::DeviceOptions device_options;
  device_options.threads = runtime.threads().threads;
  device = device::open(config.device, device_options);

  io::LoaderOptions train_options;
  train_options.path = config.data;
  train_options.split = "train";
  train_options.global_batch = config.global_batch;
  train_options.seed = config.seed;
  auto bucket_floats = std::max<std::int64_t>(
      1, static_cast<std::int64_t>(config.bucket_mb * 1024 * 1024 / sizeof(float)));
  io::LoaderOptions eval_options = train_options;
  eval_options.split = eval_split;
  eval_options.order = io::Order::sequential;
  std::unique_ptr<io::ClassificationLoader> eval_classes;
  std::unique_ptr<io::TokenLoader> eval_tokens;
  if (kind == io::DatasetKind::classification) {
    model::MlpConfig m;
    m.input_dim = info_.sample_size;
    m.hidden_sizes = config.hidden;
    m.classes = info_.num_classes;
    m.activation = model::parse_activation(config.activation);
    m.seed = config.seed;
    m.validate();
    engine = make_data_parallel_engine(std::make_unique<model::MlpClassifier>(*device, m), *dp,
                                       bucket_floats);
    train_classes_ = std::make_unique<io::ClassificationLoader>(train_options, dp_comm.get());
    eval_classes = std::make_unique<io::ClassificationLoader>(eval_options, dp_comm.get());
    units_per_sample = 1;
  } else {
    const model::GptConfig g = gpt_config(config, info_.vocab_size);
    PipelineOptions options = pipeline_options(config, bucket_floats);
    options.tp_collectives = geometry(runtime::Axis::tp);
    options.dp_collectives = geometry(runtime::Axis::dp);
    engine = make_gpt_3d_engine(*device, g, grid, options);
    train_options.context_length = eval_options.context_length = config.context;
    train_tokens_ = std::make_unique<io::TokenLoader>(train_options, dp_comm.get());
    eval_tokens = std::make_unique<io::TokenLoader>(eval_options, dp_comm.get());
    units_per_sample = static_cast<double>(config.context);
  }
  evaluator = std::make_unique<Evaluator>(eval_split, *engine, *device, *world_collectives,
                                          std::move(eval_classes), std::move(eval_tokens),
                                          config.eval_batches);
  optimizer = make_optimizer(config, choices.optimizer, engine->model());

  steps = config.steps > 0
              ? config.steps
              : std::max<std::int64_t>(
                    1, static_cast<std::int64_t>(std::ceil(
                           config.epochs * static_cast<double>(train_loader().steps_per_epoch()))));
  schedule.max_lr = config.lr;
  schedule.min_lr = config.min_lr;
  schedule.warmup_steps = config.warmup;
  schedule.total_steps = std::max<std::int64_t>(steps, config.warmup + 1);
  schedule.validate();
}

io::LoaderBase& TrainingJob::train_loader() {
  return train_classes_ ? static_cast<io::LoaderBase&>(*train_classes_)
                        : static_cast<io::LoaderBase&>(*train_tokens_);
}

RunState TrainingJob::run_state() {
  return RunState{engine->model(), *optimizer, train_loader(), engine->all_tensors()};
}

void TrainingJob::next_training_batch(DeviceBatch& batch) {
  ScopedActivity activity("reading the training batch");
  if (train_classes_) {
    train_classes_->next(class_batch_);
    batch.upload(*device, class_batch_);
  } else {
    train_tokens_->next(token_batch_);
    batch.upload(*device, token_batch_);
  }
}

// The collectives' configuration of this rank's `axis` group: its mesh geometry under the mesh
// placement, else the default.
collectives::Config TrainingJob::geometry(runtime::Axis axis) const {
  collectives::Config c;
  if (plan) c.geometry = plan->geometry(axis, grid.coord());
  return c;
}

}  // namespace dojo::jobs
