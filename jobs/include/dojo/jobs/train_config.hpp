// Everything `dojo train` needs, as one typed struct: the model, the data, the optimizer and the
// run. CLI11 fills it from the command line and from a TOML file (`--config`); validate() checks
// it once, before any work, with one user error naming the bad field and the fix.
#pragma once

#include <CLI/CLI.hpp>

#include "dojo/runtime/process_grid.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dojo::jobs {

struct TrainConfig {
  // model
  std::string model = "mlp";                      // "mlp" or "gpt"
  std::vector<std::int64_t> hidden = {256, 128};  // MLP hidden layer widths
  std::string activation = "relu";                // MLP activation: relu or gelu
  std::int64_t layers = 4;                        // GPT blocks (L)
  std::int64_t channels = 128;                    // GPT width (C)
  std::int64_t heads = 4;                         // GPT attention heads (NH)
  std::int64_t context = 128;                     // GPT context length (T), tokens
  bool tied_embedding = true;

  // data
  std::string data;               // a dojo HDF5 data set (dojo data prepare ...)
  std::string eval_split;         // "" = test for classification, validation for tokens
  std::int64_t eval_batches = 0;  // batches per evaluation; 0 = the whole split

  // optimisation
  std::string optimizer = "adamw";  // adamw or sgd
  float lr = 1e-3f;                 // peak learning rate
  float min_lr = 0.0f;              // floor of the cosine decay
  std::int64_t warmup = 0;          // warm-up steps
  float weight_decay = 0.0f;
  float beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f;
  float momentum = 0.9f;   // SGD
  float grad_clip = 1.0f;  // max global gradient norm; 0 = off

  // run
  std::int64_t global_batch = 64;  // samples (or sequences) per step, summed over ranks
  std::int64_t steps = 0;          // optimizer steps; 0 = use epochs
  double epochs = 1.0;             // passes over the training split when steps == 0
  std::int64_t eval_interval = 0;  // steps between evaluations; 0 = only at the end
  std::int64_t log_interval = 10;  // steps between progress lines
  std::uint64_t seed = 1;
  int dp = 0;                        // data-parallel degree; 0 = the ranks left by tp and pp
  int tp = 1;                        // tensor-parallel degree (GPT)
  int pp = 1;                        // pipeline stages (GPT)
  std::string layout;                // "DP,TP,PP" or "dp=2,tp=2,pp=1"; "" = --dp/--tp/--pp
  int micro_batches = 1;             // each replica's batch split into this many (GPT)
  std::string schedule = "1f1b";     // pipeline schedule: gpipe or 1f1b
  std::vector<std::int64_t> stages;  // blocks per pipeline stage; empty = balanced
  bool dry_run = false;              // print layout, stages and schedules, then exit
  std::string trace;                 // Chrome trace file; "" = no trace
  std::string out;                   // output directory; "" = runs/slurm-<job id> or runs/train
  double bucket_mb = 25.0;           // gradient bucket size, MiB
  std::string device = "host";
  std::string placement = "mesh";  // grid coordinates of ranks: mesh (topology) or rank-order

  // checkpoints (in <out>/checkpoints)
  std::int64_t checkpoint_every = 0;  // steps between checkpoints; 0 = off
  double checkpoint_minutes = 0;      // minutes between checkpoints; 0 = off
  int keep = 3;                       // checkpoints kept
  std::string resume = "never";       // never, auto (newest valid in <out>/checkpoints) or a file
  bool overwrite = false;  // --resume never although OUT holds checkpoints: start over anyway
};

// The output directory a run uses: --out, else runs/slurm-<SLURM_JOB_ID> inside a Slurm job (a
// requeued job keeps its id, so it finds its own checkpoints), else runs/train.
std::string output_directory(const TrainConfig& config);

// Adds the options to the `train` subcommand, each with help text and its default.
void add_train_options(CLI::App& command, TrainConfig& config);

// Whether the option --name means anything for this configuration's model and optimizer (the
// GPT's sizes do not apply to the MLP, AdamW's betas not to SGD); the resolved configuration that
// is printed and saved lists only those.
bool option_applies(const TrainConfig& config, std::string_view name);

// A user error naming the field when a value is impossible (checks that need the data set, such
// as the batch against the split's size, happen when the data is opened).
void validate(const TrainConfig& config, int world_size);

// The process grid the run uses: --layout, else --dp/--tp/--pp (dp 0 = the ranks left over). A
// user error when it does not fit the job's ranks or the model.
runtime::Layout resolved_layout(const TrainConfig& config, int world_size);

}  // namespace dojo::jobs
