// Options of `dojo train`, their validation and their TOML form.
#include "dojo/jobs/train_config.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <set>

#include "dojo/common/environment.hpp"
#include "dojo/common/error.hpp"
#include "dojo/config/cli.hpp"

namespace dojo::jobs {
namespace {

using config::real;
using config::real_above;
using config::real_below;
using config::whole;
using std::int64_t;

// Upper bounds of counts: no run takes more than a billion steps, evaluations or batches, and a
// bound far below the type's limit keeps products such as steps x batch inside 64 bits.
constexpr int64_t kMaxCount = 1'000'000'000;
// Model sizes (a width, a block count, heads, tokens of context); memory is checked later.
constexpr int64_t kMaxSize = 1'000'000;
// Ranks along one axis of the grid, micro-batches, checkpoints kept.
constexpr int kMaxRanks = 1'000'000;

}  // namespace

void add_train_options(CLI::App& c, TrainConfig& t) {
  auto group = [&](const char* name) { return c.add_option_group(name); };
  auto* m = group("Model");
  m->add_option("--model", t.model, "Model to train: mlp (classifier) or gpt (language model)")
      ->capture_default_str()
      ->check(CLI::IsMember({"mlp", "gpt"}));
  m->add_option("--hidden", t.hidden, "MLP hidden layer widths, e.g. --hidden 256 128")
      ->capture_default_str()
      ->check(whole<int64_t>(1, kMaxSize))
      ->expected(0, -1);
  m->add_option("--activation", t.activation, "MLP activation")
      ->capture_default_str()
      ->check(CLI::IsMember({"relu", "gelu"}));
  m->add_option("--layers", t.layers, "GPT transformer blocks")
      ->capture_default_str()
      ->check(whole<int64_t>(1, kMaxSize));
  m->add_option("--channels", t.channels, "GPT width")
      ->capture_default_str()
      ->check(whole<int64_t>(1, kMaxSize));
  m->add_option("--heads", t.heads, "GPT attention heads (divides --channels)")
      ->capture_default_str()
      ->check(whole<int64_t>(1, kMaxSize));
  m->add_option("--context", t.context, "GPT context length, tokens")
      ->capture_default_str()
      ->check(whole<int64_t>(1, kMaxSize));
  m->add_option("--tied-embedding", t.tied_embedding,
                "GPT: share the token embedding with the output layer")
      ->capture_default_str();

  auto* d = group("Data");
  d->add_option("--data", t.data, "Data set file (HDF5, from 'dojo data prepare'); required");
  d->add_option("--eval-split", t.eval_split,
                "Split to evaluate on; default test (classification) or validation (text)");
  d->add_option("--eval-batches", t.eval_batches, "Batches per evaluation; 0 = the whole split")
      ->capture_default_str()
      ->check(whole<int64_t>(0, kMaxCount));

  auto* o = group("Optimisation");
  o->add_option("--optimizer", t.optimizer, "adamw or sgd (with momentum)")
      ->capture_default_str()
      ->check(CLI::IsMember({"adamw", "sgd"}));
  o->add_option("--lr", t.lr, "Peak learning rate")
      ->capture_default_str()
      ->check(real_above<float>(0, 100));
  o->add_option("--min-lr", t.min_lr, "Learning rate at the end of the cosine decay")
      ->capture_default_str()
      ->check(real<float>(0, 100));
  o->add_option("--warmup", t.warmup, "Linear warm-up steps")
      ->capture_default_str()
      ->check(whole<int64_t>(0, kMaxCount));
  o->add_option("--weight-decay", t.weight_decay, "Decoupled weight decay (weight matrices only)")
      ->capture_default_str()
      ->check(real<float>(0, 10));
  o->add_option("--beta1", t.beta1, "AdamW beta1")
      ->capture_default_str()
      ->check(real_below<float>(0, 1));
  o->add_option("--beta2", t.beta2, "AdamW beta2")
      ->capture_default_str()
      ->check(real_below<float>(0, 1));
  o->add_option("--eps", t.eps, "AdamW epsilon")
      ->capture_default_str()
      ->check(real_above<float>(0, 1));
  o->add_option("--momentum", t.momentum, "SGD momentum")
      ->capture_default_str()
      ->check(real_below<float>(0, 1));
  o->add_option("--grad-clip", t.grad_clip, "Clip gradients to this global norm; 0 = off")
      ->capture_default_str()
      ->check(real<float>(0, 1e30f));

  auto* r = group("Run");
  r->add_option("--global-batch", t.global_batch,
                "Samples (GPT: sequences) per step over all ranks; divisible by --dp")
      ->capture_default_str()
      ->check(whole<int64_t>(1, kMaxCount));
  r->add_option("--steps", t.steps, "Optimizer steps; 0 = run --epochs")
      ->capture_default_str()
      ->check(whole<int64_t>(0, kMaxCount));
  r->add_option("--epochs", t.epochs, "Passes over the training split when --steps is 0")
      ->capture_default_str()
      ->check(real_above<double>(0, 1e6));
  r->add_option("--eval-interval", t.eval_interval,
                "Steps between evaluations; 0 = at the end only")
      ->capture_default_str()
      ->check(whole<int64_t>(0, kMaxCount));
  r->add_option("--log-interval", t.log_interval, "Steps between progress lines")
      ->capture_default_str()
      ->check(whole<int64_t>(1, kMaxCount));
  r->add_option("--seed", t.seed, "Seed of initialisation and data order")
      ->capture_default_str()
      ->check(whole<std::uint64_t>(0, UINT64_MAX));
  r->add_option("--dp", t.dp, "Data-parallel degree; 0 = the ranks left by --tp and --pp")
      ->capture_default_str()
      ->check(whole<int>(0, kMaxRanks));
  r->add_option("--tp", t.tp, "Tensor-parallel degree (GPT; divides --heads and the vocabulary)")
      ->capture_default_str()
      ->check(whole<int>(1, kMaxRanks));
  r->add_option("--pp", t.pp, "Pipeline stages (GPT; at most --layers)")
      ->capture_default_str()
      ->check(whole<int>(1, kMaxRanks));
  r->add_option("--layout", t.layout,
                "Process grid DP,TP,PP (or dp=2,tp=2,pp=1) instead of --dp/--tp/--pp; the product "
                "is the number of ranks");
  r->add_option("--micro-batches", t.micro_batches,
                "Micro-batches each data-parallel replica's batch is split into (GPT)")
      ->capture_default_str()
      ->check(whole<int>(1, kMaxRanks));
  r->add_option("--schedule", t.schedule, "Pipeline schedule: gpipe or 1f1b")
      ->capture_default_str()
      ->check(CLI::IsMember({"gpipe", "1f1b"}));
  r->add_option("--stages", t.stages,
                "Blocks per pipeline stage, e.g. 3,5,5,3 (sums to --layers); default balanced by "
                "parameter count")
      ->delimiter(',')
      ->expected(0, -1)
      ->check(whole<int64_t>(1, kMaxSize));
  r->add_flag("--dry-run", t.dry_run,
              "Print the layout, the stage split and every stage's schedule, then exit");
  r->add_option("--trace", t.trace,
                "Write a Chrome trace (JSON, for Perfetto or chrome://tracing) of the run to FILE");
  r->add_option("--out", t.out,
                "Output directory (config.toml, metrics.jsonl, checkpoints/); default "
                "runs/slurm-<job id> under Slurm, else runs/train");
  r->add_option(
       "--bucket-mb", t.bucket_mb,
       "Gradient bucket size for the overlapped allreduce, MiB (at least 1/1024: 256 floats)")
      ->capture_default_str()
      ->check(real<double>(1.0 / 1024, 1e6));
  r->add_option("--device", t.device, "Device: host, or a plugin name")->capture_default_str();
  r->add_option("--placement", t.placement,
                "Which rank takes which (dp, tp, pp) coordinate: mesh (tensor-parallel groups on "
                "neighbouring chips, pipeline stages along the mesh; see dojo topology show "
                "--layout) or rank-order (tp fastest, then dp, then pp, as Megatron)")
      ->capture_default_str()
      ->check(CLI::IsMember({"mesh", "rank-order"}));

  auto* k = group("Checkpoints");
  k->add_option("--checkpoint-every", t.checkpoint_every,
                "Steps between checkpoints (OUT/checkpoints/step-N.h5); 0 = off. A checkpoint is "
                "also written at the end and when a stop signal (SIGUSR1, SIGTERM) arrives")
      ->capture_default_str()
      ->check(whole<int64_t>(0, kMaxCount));
  k->add_option("--checkpoint-minutes", t.checkpoint_minutes,
                "Minutes between checkpoints (wall time); 0 = off")
      ->capture_default_str()
      ->check(real<double>(0, 1e6));
  k->add_option("--keep", t.keep, "Checkpoints kept; older ones are deleted")
      ->capture_default_str()
      ->check(whole<int>(1, kMaxRanks));
  k->add_option("--resume", t.resume,
                "never (start fresh), auto (the newest valid checkpoint in OUT/checkpoints, if "
                "any) or a checkpoint FILE")
      ->capture_default_str();
  k->add_flag("--overwrite", t.overwrite,
              "Start from step 0 although OUT/checkpoints holds checkpoints of an earlier run "
              "(--resume never); without it such a run stops with exit code 2 rather than "
              "replace them (e.g. a requeued job with resume disabled)");
}

bool option_applies(const TrainConfig& t, std::string_view name) {
  static const std::set<std::string_view> gpt_only = {
      "layers", "channels", "heads",         "context",  "tied-embedding",
      "tp",     "pp",       "micro-batches", "schedule", "stages"};
  static const std::set<std::string_view> mlp_only = {"hidden", "activation"};
  static const std::set<std::string_view> adamw_only = {"beta1", "beta2", "eps"};
  static const std::set<std::string_view> sgd_only = {"momentum"};
  static const std::set<std::string_view> not_settings = {"dry-run", "overwrite"};
  if (not_settings.contains(name)) return false;
  if (t.model == "mlp" && gpt_only.contains(name)) return false;
  if (t.model == "gpt" && mlp_only.contains(name)) return false;
  if (t.optimizer == "sgd" && adamw_only.contains(name)) return false;
  if (t.optimizer == "adamw" && sgd_only.contains(name)) return false;
  return true;
}

runtime::Layout resolved_layout(const TrainConfig& t, int world_size) {
  runtime::Layout layout;
  if (!t.layout.empty()) {
    layout = runtime::parse_layout(t.layout);
    if ((t.dp != 0 && t.dp != layout.dp) || (t.tp != 1 && t.tp != layout.tp) ||
        (t.pp != 1 && t.pp != layout.pp))
      user_error(str("--layout ", t.layout, " disagrees with --dp ", t.dp, " --tp ", t.tp, " --pp ",
                     t.pp, ": give one or the other"));
  } else {
    layout.tp = t.tp;
    layout.pp = t.pp;
    layout.dp = t.dp != 0 ? t.dp : std::max(1, world_size / (t.tp * t.pp));
  }
  if (layout.ranks() != world_size && t.layout.empty() && t.tp == 1 && t.pp == 1)
    user_error(str("--dp ", t.dp, " does not match the ", world_size, " ranks of the job: start ",
                   t.dp, " ranks or leave --dp at 0"));
  if (layout.ranks() != world_size)
    user_error(str("layout ", runtime::to_string(layout), " needs ", layout.ranks(),
                   " ranks but the job has ", world_size, ": start ", layout.ranks(),
                   " ranks or change --layout (--dp/--tp/--pp)"));
  return layout;
}

std::string output_directory(const TrainConfig& t) {
  if (!t.out.empty()) return t.out;
  const std::string& job = env::settings().slurm_job_id;  // digits only
  if (!job.empty()) return str("runs/slurm-", job);
  return "runs/train";
}

void validate(const TrainConfig& t, int world_size) {
  if (t.data.empty())
    user_error(
        "no data set: give --data FILE.h5 (or data = \"FILE.h5\" in the --config file); "
        "make one with 'dojo data prepare'");
  const runtime::Layout layout = resolved_layout(t, world_size);
  const int dp = layout.dp;
  if (t.global_batch % dp != 0)
    user_error(str("--global-batch ", t.global_batch, " is not divisible by the ", dp,
                   " data-parallel ranks: choose a multiple of ", dp));
  if (t.model == "mlp" && (layout.tp > 1 || layout.pp > 1 || t.micro_batches > 1))
    user_error(str("--model mlp trains with data parallelism only (layout ",
                   runtime::to_string(layout), ", --micro-batches ", t.micro_batches,
                   "): use --tp 1 --pp 1 --micro-batches 1, or --model gpt"));
  if (t.model == "mlp" && !t.stages.empty())
    user_error("--stages splits a GPT into pipeline stages: drop it for --model mlp");
  if (t.global_batch % (std::int64_t{dp} * t.micro_batches) != 0)
    user_error(str("--global-batch ", t.global_batch, " does not split into ", dp, " replica(s) x ",
                   t.micro_batches, " micro-batches of equal size: choose a multiple of ",
                   dp * t.micro_batches));
  if (t.model == "mlp")
    for (auto width : t.hidden)
      if (width < 1) user_error(str("--hidden ", width, ": layer widths must be positive"));
  if (t.model == "gpt") {
    if (t.layers < 1 || t.channels < 1 || t.heads < 1 || t.context < 1)
      user_error("--layers, --channels, --heads and --context must be positive");
    if (t.channels % t.heads != 0)
      user_error(str("--channels ", t.channels, " is not divisible by --heads ", t.heads));
    if (t.heads % layout.tp != 0)
      user_error(str("--heads ", t.heads, " is not divisible by the tensor-parallel degree ",
                     layout.tp, ": choose a tp that divides it"));
    if (!t.tied_embedding && layout.tp > 1)
      user_error("--tied-embedding false needs tp = 1 (the untied LM head is not split)");
    if (layout.pp > t.layers)
      user_error(str("--pp ", layout.pp, " is more pipeline stages than the ", t.layers,
                     " --layers: each stage needs at least one block"));
    if (!t.stages.empty()) {
      std::int64_t sum = 0;
      for (auto blocks : t.stages) {
        if (blocks < 1) user_error(str("--stages: every stage needs at least one block"));
        sum += blocks;
      }
      if (static_cast<int>(t.stages.size()) != layout.pp || sum != t.layers)
        user_error(str("--stages lists ", t.stages.size(), " stage(s) with ", sum,
                       " blocks; the layout has ", layout.pp, " stage(s) and the model ", t.layers,
                       " --layers"));
    }
  }
  if (t.min_lr > t.lr) user_error(str("--min-lr ", t.min_lr, " is above --lr ", t.lr));
  if (t.steps > 0 && t.warmup >= t.steps)
    user_error(str("--warmup ", t.warmup, " must be shorter than --steps ", t.steps));
  if (t.resume.empty()) user_error("--resume is empty: give never, auto or a checkpoint file");
  if (t.checkpoint_every > 0 || t.checkpoint_minutes > 0 || t.resume != "never")
    if (t.keep < 1) user_error(str("--keep ", t.keep, ": keep at least one checkpoint"));
}

}  // namespace dojo::jobs
