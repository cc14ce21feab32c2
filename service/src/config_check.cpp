#include "dojo/service/config_check.hpp"

#include <toml++/toml.h>

#include <set>
#include <sstream>

namespace dojo::service {

namespace {

// The options of `dojo train` a tenant may set: the model, the optimiser and the run's shape.
const std::set<std::string, std::less<>>& allowed_keys() {
  static const std::set<std::string, std::less<>> keys = {"model",
                                                          "hidden",
                                                          "activation",
                                                          "layers",
                                                          "channels",
                                                          "heads",
                                                          "context",
                                                          "tied-embedding",
                                                          "eval-split",
                                                          "eval-batches",
                                                          "optimizer",
                                                          "lr",
                                                          "min-lr",
                                                          "warmup",
                                                          "weight-decay",
                                                          "beta1",
                                                          "beta2",
                                                          "eps",
                                                          "momentum",
                                                          "grad-clip",
                                                          "global-batch",
                                                          "steps",
                                                          "epochs",
                                                          "eval-interval",
                                                          "log-interval",
                                                          "seed",
                                                          "dp",
                                                          "tp",
                                                          "pp",
                                                          "layout",
                                                          "micro-batches",
                                                          "schedule",
                                                          "stages",
                                                          "bucket-mb",
                                                          "placement",
                                                          "checkpoint-every",
                                                          "checkpoint-minutes",
                                                          "keep"};
  return keys;
}

const std::set<std::string, std::less<>>& path_keys() {
  static const std::set<std::string, std::less<>> keys = {"data",   "out",    "trace",
                                                          "resume", "device", "config"};
  return keys;
}

bool plain_string(std::string_view s) {
  if (s.size() > 64) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == ',' ||
          c == '=' || c == '.'))
      return false;
  return true;
}

bool scalar_ok(const toml::node& node) {
  if (auto s = node.as_string()) return plain_string(s->get());
  return node.is_integer() || node.is_floating_point() || node.is_boolean();
}

}  // namespace

ConfigCheck check_config(const std::string& text) {
  ConfigCheck check;
  if (text.size() > 16384) {
    check.error = "the configuration is longer than 16 KiB";
    return check;
  }
  toml::table table;
  try {
    table = toml::parse(std::string_view(text), std::string_view("config.toml"));
  } catch (const toml::parse_error& e) {
    std::ostringstream line;
    line << "the configuration is not valid TOML: " << e.description() << " (line "
         << e.source().begin.line << ")";
    check.error = line.str();
    return check;
  }
  for (auto&& [key, node] : table) {
    std::string name(key.str());
    if (path_keys().count(name)) {
      check.error = "the configuration may not set '" + name +
                    "': the service chooses the data set, output and files of a job";
      return check;
    }
    if (!allowed_keys().count(name)) {
      check.error = "the configuration has an unknown or forbidden key '" + name + "'";
      return check;
    }
    if (auto array = node.as_array()) {
      if (array->size() > 64) {
        check.error = "the configuration's '" + name + "' has more than 64 values";
        return check;
      }
      for (auto&& element : *array)
        if (!scalar_ok(element) || element.is_string()) {
          check.error = "the configuration's '" + name + "' must be a list of numbers";
          return check;
        }
    } else if (!scalar_ok(node)) {
      check.error =
          "the configuration's '" + name + "' must be a number, a boolean or a short plain word";
      return check;
    }
  }
  check.steps = table["steps"].value_or<std::int64_t>(0);
  check.global_batch = table["global-batch"].value_or<std::int64_t>(64);
  if (table["model"].value_or<std::string>("mlp") == "gpt")
    check.context = table["context"].value_or<std::int64_t>(128);
  check.checkpointing = table["checkpoint-every"].value_or<std::int64_t>(0) > 0 ||
                        table["checkpoint-minutes"].value_or<double>(0) > 0;
  for (const char* key : {"layout", "dp", "tp", "pp"})
    if (table.contains(key)) check.one_rank_checkable = false;
  if (check.steps < 0 || check.global_batch <= 0) {
    check.error = "the configuration's steps must be >= 0 and global-batch > 0";
    return check;
  }
  if (auto layout = table["layout"].value<std::string>()) {
    int product = 1;
    std::string digits;
    for (char c : *layout + ",") {
      if (std::isdigit(static_cast<unsigned char>(c))) {
        digits.push_back(c);
      } else if (c == ',') {
        if (!digits.empty()) product *= std::stoi(digits.substr(0, 6));
        digits.clear();
      } else if (c != '=' && !std::isalpha(static_cast<unsigned char>(c))) {
        break;
      }
    }
    check.ranks_needed = product;
  }
  std::ostringstream out;
  out << table << "\n";
  check.toml = out.str();
  check.ok = true;
  return check;
}

}  // namespace dojo::service
