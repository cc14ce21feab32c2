// The training loop: data -> forward -> backward (gradient buckets reduced as they finish) ->
// wait -> clip -> optimizer, with evaluation at intervals. The ranks form a (dp, tp, pp) grid;
// each data-parallel replica reads its shard of every global batch and its step engine (see
// step_engine.hpp) turns it into gradients; every rank takes the same decisions; rank 0 reports.
#include "dojo/jobs/trainer.hpp"

#include <array>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <thread>

#include "checkpointing.hpp"
#include "dojo/collectives/communicator.hpp"
#include "dojo/common/error.hpp"
#include "dojo/common/log.hpp"
#include "dojo/common/stop_point.hpp"
#include "dojo/common/stop_signal.hpp"
#include "dojo/common/trace.hpp"
#include "dojo/device/registry.hpp"
#include "dojo/io/checkpoint.hpp"
#include "dojo/io/loader.hpp"
#include "dojo/io/validate.hpp"
#include "dojo/jobs/progress.hpp"
#include "dojo/model/gpt.hpp"
#include "dojo/model/gpt_partition.hpp"
#include "dojo/model/grad_clip.hpp"
#include "dojo/model/lr_schedule.hpp"
#include "dojo/model/mlp.hpp"
#include "dojo/model/optimizer.hpp"
#include "dojo/runtime/pipeline.hpp"
#include "dojo/runtime/mesh_grid.hpp"
#include "dojo/runtime/process_grid.hpp"
#include "dojo/runtime/runtime.hpp"
#include "step_engine.hpp"
#include "training_plan.hpp"

namespace dojo::jobs {
namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// Creates the output directory on rank 0 and agrees on the outcome, so a failure is one user
// error on every rank before any training.
void prepare_output(const std::string& out, const mpi::Comm& world, const std::string& toml) {
  int ok = 1;
  std::string problem;
  if (world.rank() == 0) {
    std::error_code error;
    std::filesystem::create_directories(out, error);
    std::ofstream file(std::filesystem::path(out) / "config.toml", std::ios::trunc);
    if (error || !(file << toml) || !file.flush()) {
      ok = 0;
      problem = error ? error.message() : std::string("cannot write config.toml");
    }
  }
  DOJO_CHECK_MPI(MPI_Bcast(&ok, 1, MPI_INT, 0, world.get()));
  if (!ok)
    user_error(str("output directory '", out, "' is not writable (", problem,
                   "): choose another with --out"));
}

// The test hook DOJO_TEST_HOLD_AFTER_STEP=N (for the fault tests, never needed in a real run): after
// step N every rank waits, polling with a small allreduce, until some rank has been sent a stop
// signal, or for DOJO_TEST_HOLD_SECONDS (default 60), whichever comes first; then training goes
// on. A test that signals or kills a rank "mid-run" thus cannot lose the race to a run that ends
// before it acts. The numbers of the run are untouched: only the time between two steps changes.
std::int64_t test_hold_step() {
  const char* value = std::getenv("DOJO_TEST_HOLD_AFTER_STEP");
  if (value == nullptr || *value == '\0') return -1;
  char* end = nullptr;
  long long step = std::strtoll(value, &end, 10);
  if (*end != '\0' || step < 0)
    user_error(str("DOJO_TEST_HOLD_AFTER_STEP='", value, "' is not a step number"));
  return step;
}

void hold_for_stop_signal(std::int64_t step, const mpi::Comm& world) {
  double limit = 60;
  if (const char* value = std::getenv("DOJO_TEST_HOLD_SECONDS")) limit = std::atof(value);
  if (world.rank() == 0)
    log::warn("test hook DOJO_TEST_HOLD_AFTER_STEP=", step, ": holding after step ", step,
              " until a stop signal arrives (at most ", limit, " s)");
  auto start = Clock::now();
  for (;;) {
    // {a rank has a stop signal, rank 0's clock has run out}: every rank leaves together.
    std::array<int, 2> state{stop_signal::requested() != 0 ? 1 : 0,
                             world.rank() == 0 && seconds_since(start) >= limit ? 1 : 0};
    DOJO_CHECK_MPI(
        MPI_Allreduce(MPI_IN_PLACE, state.data(), 2, MPI_INT, MPI_MAX, world.get()));
    if (state[0] != 0) return;
    if (state[1] != 0) {
      if (world.rank() == 0)
        log::warn("test hook: no stop signal within ", limit, " s; training goes on");
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

// Device tensors for one batch: inputs and targets, reallocated only when the shape changes.
struct DeviceBatch {
  model::Tensor inputs;
  model::Tensor targets;

  void upload(device::Device& device, const io::ClassificationBatch& b) {
    upload(device, b.samples, {b.size, b.sample_size}, b.labels, {b.size});
  }
  void upload(device::Device& device, const io::TokenBatch& b) {
    upload(device, b.inputs, {b.size, b.context_length}, b.targets, {b.size, b.context_length});
  }

 private:
  template <typename In>
  void upload(device::Device& device, const std::vector<In>& in, model::Shape in_shape,
              const std::vector<std::int32_t>& tgt, model::Shape tgt_shape) {
    if (inputs.shape() != in_shape) inputs = model::Tensor(device, model::dtype_of<In>(), in_shape);
    if (targets.shape() != tgt_shape)
      targets = model::Tensor(device, model::DType::int32, tgt_shape);
    device.copy_to_device(inputs.view().raw(), in.data(), in.size() * sizeof(In));
    device.copy_to_device(targets.view().raw(), tgt.data(), tgt.size() * sizeof(std::int32_t));
  }
};

// Loss (and accuracy) over the evaluation split, averaged over every sample of every rank.
struct EvalResult {
  double loss = 0;
  double accuracy = -1;
};

// The grid's placement on the mesh (--placement mesh; runtime/mesh_grid.hpp): the job's ranks sit
// on chips in Slurm node order (snake order within a node), tensor-parallel groups take
// neighbouring chips, pipeline stages follow the mesh, data-parallel replicas form lattices whose
// geometry the collectives' mesh algorithms use. nullopt with --placement rank-order or 1 rank.
std::optional<runtime::MeshGridPlan> plan_placement(const TrainConfig& config,
                                                    const runtime::Runtime& runtime) {
  const runtime::Layout layout = resolved_layout(config, runtime.size());
  if (config.placement != "mesh" || layout.ranks() == 1) return std::nullopt;
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

class Job {
 public:
  Job(const TrainConfig& config, const runtime::Runtime& runtime, std::string resolved_toml)
      : config_(config),
        world_(runtime.world()),
        plan_(plan_placement(config, runtime)),
        grid_(make_grid(config, world_, plan_)),
        out_(output_directory(config)),
        checkpoint_dir_(std::filesystem::path(out_) / "checkpoints"),
        resolved_toml_(std::move(resolved_toml)) {
    ScopedActivity activity("opening the data set");
    auto kind = config.model == "mlp" ? io::DatasetKind::classification : io::DatasetKind::tokens;
    info_ = io::validate(config.data, kind, world_.get());
    eval_split_ = config.eval_split.empty()
                      ? (kind == io::DatasetKind::classification ? "test" : "validation")
                      : config.eval_split;
    if (info_.find_split("train") == nullptr)
      user_error(str(config.data, " has no train split (it has: ", info_.split_list(), ")"));
    if (info_.find_split(eval_split_) == nullptr)
      user_error(str(config.data, " has no '", eval_split_, "' split to evaluate on (it has: ",
                     info_.split_list(), "): choose one with --eval-split"));

    // Every rank of a replica (its tp and pp ranks) reads the same shard of each batch.
    const mpi::Comm& dp_comm = grid_.axis(runtime::Axis::dp);
    world_collectives_ = std::make_unique<collectives::Communicator>(world_.get());
    dp_ = std::make_unique<collectives::Communicator>(dp_comm.get(), geometry(runtime::Axis::dp));
    device::DeviceOptions device_options;
    device_options.threads = runtime.threads().threads;
    device_ = device::open(config.device, device_options);

    io::LoaderOptions train_options;
    train_options.path = config.data;
    train_options.split = "train";
    train_options.global_batch = config.global_batch;
    train_options.seed = config.seed;
    auto bucket_floats = std::max<std::int64_t>(
        1, static_cast<std::int64_t>(config.bucket_mb * 1024 * 1024 / sizeof(float)));
    io::LoaderOptions eval_options = train_options;
    eval_options.split = eval_split_;
    eval_options.order = io::Order::sequential;
    if (kind == io::DatasetKind::classification) {
      model::MlpConfig m;
      m.input_dim = info_.sample_size;
      m.hidden_sizes = config.hidden;
      m.classes = info_.num_classes;
      m.activation = model::parse_activation(config.activation);
      m.seed = config.seed;
      m.validate();
      engine_ = make_data_parallel_engine(std::make_unique<model::MlpClassifier>(*device_, m), *dp_,
                                          bucket_floats);
      train_classes_ = std::make_unique<io::ClassificationLoader>(train_options, dp_comm.get());
      eval_classes_ = std::make_unique<io::ClassificationLoader>(eval_options, dp_comm.get());
      units_per_sample_ = 1;
    } else {
      const model::GptConfig g = gpt_config(config, info_.vocab_size);
      PipelineOptions options = pipeline_options(config, bucket_floats);
      options.tp_collectives = geometry(runtime::Axis::tp);
      options.dp_collectives = geometry(runtime::Axis::dp);
      engine_ = make_gpt_3d_engine(*device_, g, grid_, options);
      train_options.context_length = eval_options.context_length = config.context;
      train_tokens_ = std::make_unique<io::TokenLoader>(train_options, dp_comm.get());
      eval_tokens_ = std::make_unique<io::TokenLoader>(eval_options, dp_comm.get());
      units_per_sample_ = static_cast<double>(config.context);
    }

    if (config.optimizer == "adamw") {
      model::AdamWConfig a;
      a.beta1 = config.beta1;
      a.beta2 = config.beta2;
      a.eps = config.eps;
      a.weight_decay = config.weight_decay;
      optimizer_ = std::make_unique<model::AdamW>(engine_->model().parameters(), a);
    } else {
      model::SgdConfig s;
      s.momentum = config.momentum;
      s.weight_decay = config.weight_decay;
      optimizer_ = std::make_unique<model::SgdMomentum>(engine_->model().parameters(), s);
    }

    const auto& loader = train_classes_ ? static_cast<const io::LoaderBase&>(*train_classes_)
                                        : static_cast<const io::LoaderBase&>(*train_tokens_);
    steps_ = config.steps > 0
                 ? config.steps
                 : std::max<std::int64_t>(
                       1, static_cast<std::int64_t>(std::ceil(
                              config.epochs * static_cast<double>(loader.steps_per_epoch()))));
    schedule_.max_lr = config.lr;
    schedule_.min_lr = config.min_lr;
    schedule_.warmup_steps = config.warmup;
    schedule_.total_steps = std::max<std::int64_t>(steps_, config.warmup + 1);
    schedule_.validate();
  }

  // Collective, before any output is written: finds the checkpoint --resume asks for and loads
  // it. Bad input (a missing or incompatible file, or checkpoints none of which can be used) is a
  // user error that leaves every file as it was.
  void resume() {
    ScopedActivity activity("looking for a checkpoint to resume from");
    RunState state = run_state();
    const std::vector<io::ExpectedTensor> expected = expected_tensors(state);
    std::filesystem::path from;
    if (config_.resume == "never") {
      if (!io::list_checkpoints(checkpoint_dir_).empty() &&
          (config_.checkpoint_every > 0 || config_.checkpoint_minutes > 0))
        log::warn(checkpoint_dir_.string(),
                  " holds checkpoints of an earlier run; this run starts ",
                  "from step 0 (--resume never) and its checkpoints will replace them");
      return;
    }
    if (config_.resume == "auto") {
      auto found = io::find_latest_valid(checkpoint_dir_, expected, world_.get());
      if (!found) {
        if (!io::list_checkpoints(checkpoint_dir_).empty())
          user_error(str("--resume auto: none of the checkpoints in ", checkpoint_dir_.string(),
                         " can be resumed (see the warnings above); use another --out, or "
                         "--resume never to start again and replace them"));
        log::info("--resume auto: no checkpoint in ", checkpoint_dir_.string(),
                  ", starting from step 0");
        return;
      }
      from = *found;
    } else {
      from = config_.resume;
      std::error_code error;
      if (!std::filesystem::is_regular_file(from, error))
        user_error(str("--resume ", config_.resume,
                       ": no such checkpoint file (give a step-N.h5 file, auto or never)"));
      io::CheckpointReader reader(from, world_.get());
      if (std::string why = io::compatibility(reader, expected); !why.empty())
        user_error(str("cannot resume from ", from.string(), ": ", why));
      if (std::string bad = reader.verify(); !bad.empty())
        user_error(str("cannot resume from ", from.string(), ": ", bad));
    }
    resumed_step_ = load_training_checkpoint(from, state, world_.get());
    if (resumed_step_ > steps_)
      user_error(str("cannot resume from ", from.string(), ": it is at step ", resumed_step_,
                     ", beyond this run's ", steps_, " steps (raise --steps)"));
    last_checkpoint_ = from;
    log::info("resumed from ", from.string(), " at step ", resumed_step_);
  }

  const std::string& out() const { return out_; }

  TrainResult run() {
    const bool speaker = world_.rank() == 0;
    model::Model& model = engine_->model();
    // FLOPs of the whole step: a replica's ranks each do their part of its batch.
    double flops = model.step_flops(config_.global_batch / grid_.layout().dp).total();
    world_collectives_->allreduce(std::span<double>(&flops, 1), collectives::ReduceOp::sum);
    log::info("model ", model.kind(), ": ", model.parameters().size(), " parameters on rank 0 in ",
              engine_->bucket_count(), " gradient bucket(s); ", steps_, " steps of ",
              config_.global_batch, " ", train_tokens_ ? "sequences" : "samples", " on ",
              world_.size(), " rank(s) (", runtime::to_string(grid_.layout()), "), device ",
              device_->info().name, " (", device_->info().threads, " threads per rank)");
    TrainResult result;
    result.metrics_path = (std::filesystem::path(out_) / "metrics.jsonl").string();
    Progress progress(speaker, result.metrics_path, steps_,
                      units_per_sample_ * static_cast<double>(config_.global_batch),
                      train_tokens_ ? "tokens" : "samples", flops, resumed_step_);

    stop_signal::install();
    const bool checkpointing = config_.checkpoint_every > 0 || config_.checkpoint_minutes > 0;
    const std::int64_t hold_step = test_hold_step();
    auto loop_start = Clock::now();
    last_save_ = loop_start;
    for (std::int64_t step = resumed_step_ + 1; step <= steps_; ++step) {
      ScopedActivity activity(str("step ", step));
      StepTimes times;
      auto t0 = Clock::now();
      next_training_batch();
      times.data = seconds_since(t0);

      StepWork work = engine_->gradients(batch_.inputs.view(), batch_.targets.view());
      times.compute = work.compute_seconds;
      times.comm_wait = work.comm_wait_seconds;

      t0 = Clock::now();
      // One small allreduce over every rank carries the loss (from the ranks that have it: the
      // last pipeline stage's) and the run's decisions, so every rank takes them alike:
      // {sum of losses, ranks asked to stop by a signal, rank 0's checkpoint clock}.
      std::array<double, 3> shared{
          engine_->reports_loss() ? static_cast<double>(work.loss) : 0.0,
          stop_signal::requested() != 0 ? 1.0 : 0.0,
          speaker && config_.checkpoint_minutes > 0 &&
                  seconds_since(last_save_) >= config_.checkpoint_minutes * 60.0
              ? 1.0
              : 0.0};
      {
        trace::Span span("loss and decisions allreduce", "collective");
        world_collectives_->allreduce(std::span<double>(shared), collectives::ReduceOp::sum);
      }
      const double loss = shared[0] / static_cast<double>(grid_.layout().dp);
      const double sum_sq = engine_->grad_sum_of_squares();
      if (!std::isfinite(loss) || !std::isfinite(sum_sq))
        user_error(str("the ", std::isfinite(loss) ? "gradient norm" : "loss", " is not finite (",
                       std::isfinite(loss) ? std::sqrt(sum_sq) : loss, ") at step ", step,
                       ": training stopped",
                       last_checkpoint_.empty()
                           ? std::string(" (no checkpoint was written)")
                           : str("; the last good checkpoint is ", last_checkpoint_.string()),
                       ". Lower --lr, enable --grad-clip, or check the data"));
      const float clip = model::clip_factor(sum_sq, config_.grad_clip);
      const float lr = schedule_.at(step - 1);
      {
        trace::Span span("optimizer", "compute");
        if (clip < 1.0f) model.scale_gradients(clip);
        optimizer_->step(lr);
      }
      times.compute += seconds_since(t0);

      progress.step(step, loss, lr, times, config_.log_interval);
      if (config_.eval_interval > 0 && step % config_.eval_interval == 0 && step != steps_) {
        auto e = evaluate();
        progress.evaluation(step, eval_split_, e.loss, e.accuracy);
      }
      if (step == hold_step && shared[1] == 0 && step != steps_)
        hold_for_stop_signal(step, world_);
      const bool stop = shared[1] > 0 && step != steps_;
      if (stop || (checkpointing &&
                   (step == steps_ || shared[2] > 0 ||
                    (config_.checkpoint_every > 0 && step % config_.checkpoint_every == 0)))) {
        save(step);
      }
      if (stop) {
        result.seconds = seconds_since(loop_start);
        result.steps = step;
        // Which signal: the ranks that got one agree on the highest number.
        int signal = stop_signal::requested();
        DOJO_CHECK_MPI(MPI_Allreduce(MPI_IN_PLACE, &signal, 1, MPI_INT, MPI_MAX, world_.get()));
        result.stopped_by = stop_signal::name(signal);
        stop_signal::finishing();
        result.checkpoint = last_checkpoint_.string();
        log::warn("stopped by ", result.stopped_by, " after step ", step, " of ", steps_,
                  "; checkpoint saved to ", result.checkpoint,
                  "; run again with --resume auto to continue");
        write_trace();
        return result;
      }
    }
    result.seconds = seconds_since(loop_start);
    result.steps = steps_;
    result.checkpoint = last_checkpoint_.string();
    result.final_train_loss = progress.recent_loss();
    auto e = evaluate();
    progress.evaluation(steps_, eval_split_, e.loss, e.accuracy);
    result.eval_loss = e.loss;
    result.eval_accuracy = e.accuracy;
    write_trace();
    return result;
  }

 private:
  void next_training_batch() {
    ScopedActivity activity("reading the training batch");
    if (train_classes_) {
      train_classes_->next(class_batch_);
      batch_.upload(*device_, class_batch_);
    } else {
      train_tokens_->next(token_batch_);
      batch_.upload(*device_, token_batch_);
    }
  }

  // The collectives' configuration of this rank's `axis` group: its mesh geometry under the mesh
  // placement, else the default.
  collectives::Config geometry(runtime::Axis axis) const {
    collectives::Config c;
    if (plan_) c.geometry = plan_->geometry(axis, grid_.coord());
    return c;
  }

  static PipelineOptions pipeline_options(const TrainConfig& config, std::int64_t bucket_floats) {
    PipelineOptions options;
    options.micro_batches = config.micro_batches;
    options.schedule = *runtime::parse_schedule(config.schedule);
    options.layers_per_stage = config.stages;
    options.bucket_floats = bucket_floats;
    return options;
  }

  void write_trace() {
    if (!config_.trace.empty()) {
      trace::write(config_.trace, world_.get());
      log::info("trace written to ", config_.trace);
    }
  }

  RunState run_state() {
    io::LoaderBase& loader = train_classes_ ? static_cast<io::LoaderBase&>(*train_classes_)
                                            : static_cast<io::LoaderBase&>(*train_tokens_);
    return RunState{engine_->model(), *optimizer_, loader, engine_->all_tensors()};
  }

  void save(std::int64_t step) {
    auto t0 = Clock::now();
    RunState state = run_state();
    last_checkpoint_ =
        save_training_checkpoint(checkpoint_dir_, step, state, resolved_toml_,
                                 runtime::to_string(grid_.layout()), config_.keep, world_.get());
    last_save_ = Clock::now();
    log::info("checkpoint of step ", step, " written to ", last_checkpoint_.string(), " in ",
              seconds_since(t0), " s");
  }

  EvalResult evaluate() {
    ScopedActivity activity(str("evaluating on ", eval_split_));
    // Sums over every rank: loss * items, correct answers, items.
    std::array<double, 3> sums{0, 0, 0};
    std::int64_t batches = 0;
    auto within_budget = [&] {
      return config_.eval_batches == 0 || batches < config_.eval_batches;
    };
    if (eval_classes_) {
      auto* mlp = static_cast<model::MlpClassifier*>(&engine_->model());
      while (within_budget() && eval_classes_->next(class_batch_)) {
        ++batches;
        if (class_batch_.size == 0) continue;
        batch_.upload(*device_, class_batch_);
        auto e = mlp->evaluate(batch_.inputs.view(), batch_.targets.view());
        sums[0] += e.loss * static_cast<double>(e.count);
        sums[1] += static_cast<double>(e.correct);
        sums[2] += static_cast<double>(e.count);
      }
      if (!within_budget()) eval_classes_->seek({});  // the next evaluation starts a fresh pass
    } else {
      while (within_budget() && eval_tokens_->next(token_batch_)) {
        ++batches;
        if (token_batch_.size == 0) continue;
        batch_.upload(*device_, token_batch_);
        if (!engine_->reports_loss()) {
          engine_->evaluate(batch_.inputs.view(), batch_.targets.view());
          continue;
        }
        double n = static_cast<double>(token_batch_.size * token_batch_.context_length);
        sums[0] += engine_->evaluate(batch_.inputs.view(), batch_.targets.view()) * n;
        sums[2] += n;
      }
      if (!within_budget()) eval_tokens_->seek({});
    }
    world_collectives_->allreduce(std::span<double>(sums), collectives::ReduceOp::sum);
    EvalResult result;
    result.loss = sums[2] > 0 ? sums[0] / sums[2] : 0.0;
    if (eval_classes_) result.accuracy = sums[2] > 0 ? sums[1] / sums[2] : 0.0;
    return result;
  }

  const TrainConfig& config_;
  const mpi::Comm& world_;
  std::optional<runtime::MeshGridPlan> plan_;
  runtime::ProcessGrid grid_;
  std::string out_;
  std::filesystem::path checkpoint_dir_;
  std::string resolved_toml_;
  std::int64_t resumed_step_ = 0;
  std::filesystem::path last_checkpoint_;
  Clock::time_point last_save_;
  io::DatasetInfo info_;
  std::string eval_split_;
  std::unique_ptr<collectives::Communicator> world_collectives_;  // the loss, decisions, norms
  std::unique_ptr<collectives::Communicator> dp_;                 // this rank's replicas
  std::unique_ptr<device::Device> device_;
  std::unique_ptr<StepEngine> engine_;
  std::unique_ptr<model::Optimizer> optimizer_;
  std::unique_ptr<io::ClassificationLoader> train_classes_, eval_classes_;
  std::unique_ptr<io::TokenLoader> train_tokens_, eval_tokens_;
  model::LrSchedule schedule_;
  std::int64_t steps_ = 0;
  double units_per_sample_ = 1;
  io::ClassificationBatch class_batch_;
  io::TokenBatch token_batch_;
  DeviceBatch batch_;
};

}  // namespace

TrainResult train(const TrainConfig& config, const runtime::Runtime& runtime,
                  const std::string& resolved_toml) {
  ScopedActivity activity("training");
  const mpi::Comm& world = runtime.world();
  validate(config, world.size());
  if (!config.trace.empty()) trace::enable();
  if (config.dry_run) {
    TrainResult result;
    result.dry_run_plan = describe_training_plan(config, world);
    return result;
  }
  Job job(config, runtime, resolved_toml);
  stop_point(world, StopPoint::data);  // a stop signal so far: exit 75, nothing written yet
  job.resume();
  stop_point(world, StopPoint::resume);
  prepare_output(job.out(), world, resolved_toml);
  return job.run();
}

}  // namespace dojo::jobs
