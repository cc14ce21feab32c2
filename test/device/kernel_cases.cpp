// Builders of the kernel test cases: inputs from fixed seeds, the device run, the naive reference.
// Backward kernels start from non-zero gradients so the "adds into" contract is tested too.
#include "kernel_cases.hpp"

#include <cmath>
#include <map>
#include <stdexcept>

#include "device_test_util.hpp"
#include "dojo/device/buffer.hpp"

namespace dojo::device::test {
namespace {

using Floats = std::vector<float>;
using Outputs = std::vector<Floats>;
using Builder = KernelCase (*)(KernelShape);

DeviceBuffer<float> up(Device& d, const Floats& host) {
  return make_buffer(d, host);
}

DeviceBuffer<std::int32_t> up(Device& d, const std::vector<std::int32_t>& host) {
  return make_buffer(d, host);
}

Floats to_float(const Vec& values) {
  return Floats(values.begin(), values.end());
}

i64 elements(KernelShape s) {
  return s.rows * s.cols;
}

// ---- Memory and element-wise ----

KernelCase memory_ops(KernelShape s) {
  const i64 n = elements(s);
  const Floats data = random_floats(n, 11);
  const i64 half = n / 2;
  return {"memory_ops",
          0.0,
          {"copied, upper half zeroed"},
          [=](Device& d) {
            auto a = up(d, data);
            DeviceBuffer<float> b(d, n);
            d.copy_on_device(b.data(), a.data(), n * sizeof(float));
            d.memset(b.data() + half, 0, (n - half) * sizeof(float));
            return Outputs{b.download()};
          },
          [=] {
            Vec want = to_double(data);
            for (i64 i = half; i < n; ++i) want[i] = 0.0;
            return std::vector<Vec>{want};
          }};
}

KernelCase fill(KernelShape s) {
  // Fills a middle range only, so a kernel writing past its range fails.
  const i64 n = elements(s);
  const Floats data = random_floats(n, 12);
  const i64 begin = n / 3;
  const i64 count = n - n / 3 - n / 4;
  return {"fill",
          0.0,
          {"x"},
          [=](Device& d) {
            auto x = up(d, data);
            d.fill(x.data() + begin, count, 3.25f);
            return Outputs{x.download()};
          },
          [=] {
            Vec want = to_double(data);
            for (i64 i = begin; i < begin + count; ++i) want[i] = 3.25;
            return std::vector<Vec>{want};
          }};
}

KernelCase scale(KernelShape s) {
  const Floats data = random_floats(elements(s), 13);
  return {"scale",
          1e-6,
          {"x"},
          [=](Device& d) {
            auto x = up(d, data);
            d.scale(x.data(), data.size(), -0.75f);
            return Outputs{x.download()};
          },
          [=] {
            Vec want = to_double(data);
            for (double& v : want) v *= -0.75;
            return std::vector<Vec>{want};
          }};
}

KernelCase axpy(KernelShape s) {
  const Floats x0 = random_floats(elements(s), 14);
  const Floats y0 = random_floats(elements(s), 15);
  return {"axpy",
          1e-6,
          {"y"},
          [=](Device& d) {
            auto x = up(d, x0);
            auto y = up(d, y0);
            d.axpy(x0.size(), 1.5f, x.data(), y.data());
            return Outputs{y.download()};
          },
          [=] {
            Vec want(x0.size());
            for (std::size_t i = 0; i < want.size(); ++i) want[i] = y0[i] + 1.5 * x0[i];
            return std::vector<Vec>{want};
          }};
}

KernelCase binary(KernelShape s, bool multiply) {
  const Floats x0 = random_floats(elements(s), 16);
  const Floats y0 = random_floats(elements(s), 17);
  return {multiply ? "mul" : "add",
          1e-6,
          {"z"},
          [=](Device& d) {
            auto x = up(d, x0);
            auto y = up(d, y0);
            DeviceBuffer<float> z(d, x0.size());
            if (multiply) {
              d.mul(x.data(), y.data(), z.data(), x0.size());
            } else {
              d.add(x.data(), y.data(), z.data(), x0.size());
            }
            return Outputs{z.download()};
          },
          [=] {
            Vec want(x0.size());
            for (std::size_t i = 0; i < want.size(); ++i) {
              want[i] = multiply ? double{x0[i]} * y0[i] : double{x0[i]} + y0[i];
            }
            return std::vector<Vec>{want};
          }};
}

KernelCase add(KernelShape s) {
  return binary(s, false);
}
KernelCase mul(KernelShape s) {
  return binary(s, true);
}

KernelCase bias_add(KernelShape s) {
  const Floats y0 = random_floats(elements(s), 18);
  const Floats bias = random_floats(s.cols, 19);
  return {"bias_add",
          1e-6,
          {"y"},
          [=](Device& d) {
            auto y = up(d, y0);
            auto b = up(d, bias);
            d.bias_add(y.data(), b.data(), s.rows, s.cols);
            return Outputs{y.download()};
          },
          [=] {
            Vec want = to_double(y0);
            for (i64 i = 0; i < s.rows; ++i) {
              for (i64 j = 0; j < s.cols; ++j) want[i * s.cols + j] += bias[j];
            }
            return std::vector<Vec>{want};
          }};
}

KernelCase bias_backward(KernelShape s) {
  const Floats dy = random_floats(elements(s), 20);
  const Floats dbias0 = random_floats(s.cols, 21);
  return {"bias_backward",
          1e-5,
          {"dbias"},
          [=](Device& d) {
            auto g = up(d, dy);
            auto db = up(d, dbias0);
            d.bias_backward(db.data(), g.data(), s.rows, s.cols);
            return Outputs{db.download()};
          },
          [=] {
            Vec want = to_double(dbias0);
            for (i64 i = 0; i < s.rows; ++i) {
              for (i64 j = 0; j < s.cols; ++j) want[j] += dy[i * s.cols + j];
            }
            return std::vector<Vec>{want};
          }};
}

// ---- Activations ----

KernelCase relu_forward(KernelShape s) {
  const Floats x0 = random_floats(elements(s), 22);
  return {"relu_forward",
          0.0,
          {"y"},
          [=](Device& d) {
            auto x = up(d, x0);
            DeviceBuffer<float> y(d, x0.size());
            d.relu_forward(x.data(), y.data(), x0.size());
            return Outputs{y.download()};
          },
          [=] {
            Vec want(x0.size());
            for (std::size_t i = 0; i < want.size(); ++i) want[i] = x0[i] > 0 ? x0[i] : 0.0;
            return std::vector<Vec>{want};
          }};
}

KernelCase relu_backward(KernelShape s) {
  const Floats x0 = random_floats(elements(s), 23);
  const Floats dy = random_floats(elements(s), 24);
  const Floats dx0 = random_floats(elements(s), 25);
  return {"relu_backward",
          1e-6,
          {"dx"},
          [=](Device& d) {
            auto x = up(d, x0);
            auto g = up(d, dy);
            auto dx = up(d, dx0);
            d.relu_backward(x.data(), g.data(), dx.data(), x0.size());
            return Outputs{dx.download()};
          },
          [=] {
            Vec want = to_double(dx0);
            for (std::size_t i = 0; i < want.size(); ++i) want[i] += x0[i] > 0 ? dy[i] : 0.0;
            return std::vector<Vec>{want};
          }};
}

KernelCase gelu_forward(KernelShape s) {
  const Floats x0 = random_floats(elements(s), 26, -5.0f, 5.0f);  // both tails of tanh
  return {"gelu_forward",
          1e-5,
          {"y"},
          [=](Device& d) {
            auto x = up(d, x0);
            DeviceBuffer<float> y(d, x0.size());
            d.gelu_forward(x.data(), y.data(), x0.size());
            return Outputs{y.download()};
          },
          [=] {
            Vec want(x0.size());
            for (std::size_t i = 0; i < want.size(); ++i) want[i] = naive_gelu(x0[i]);
            return std::vector<Vec>{want};
          }};
}

KernelCase gelu_backward(KernelShape s) {
  const Floats x0 = random_floats(elements(s), 27, -5.0f, 5.0f);
  const Floats dy = random_floats(elements(s), 28);
  const Floats dx0 = random_floats(elements(s), 29);
  return {"gelu_backward",
          1e-5,
          {"dx"},
          [=](Device& d) {
            auto x = up(d, x0);
            auto g = up(d, dy);
            auto dx = up(d, dx0);
            d.gelu_backward(x.data(), g.data(), dx.data(), x0.size());
            return Outputs{dx.download()};
          },
          [=] {
            Vec want = to_double(dx0);
            for (std::size_t i = 0; i < want.size(); ++i) {
              want[i] += naive_gelu_derivative(x0[i]) * dy[i];
            }
            return std::vector<Vec>{want};
          }};
}

// ---- Layernorm and softmax ----

constexpr float kEps = 1e-5f;

// Rows centred at 3 so a one-pass E[x^2] - mean^2 variance would lose digits.
Floats layernorm_input(KernelShape s, std::uint32_t seed) {
  Floats x = random_floats(elements(s), seed, -2.0f, 2.0f);
  for (float& v : x) v += 3.0f;
  return x;
}

KernelCase layernorm_forward(KernelShape s) {
  const Floats x0 = layernorm_input(s, 30);
  const Floats gamma = random_floats(s.cols, 31, 0.5f, 1.5f);
  const Floats beta = random_floats(s.cols, 32);
  return {"layernorm_forward",
          1e-5,
          {"y", "mean", "rstd"},
          [=](Device& d) {
            auto x = up(d, x0);
            auto g = up(d, gamma);
            auto b = up(d, beta);
            DeviceBuffer<float> y(d, x0.size()), mean(d, s.rows), rstd(d, s.rows);
            d.layernorm_forward(x.data(), g.data(), b.data(), y.data(), mean.data(), rstd.data(),
                                s.rows, s.cols, kEps);
            return Outputs{y.download(), mean.download(), rstd.download()};
          },
          [=] {
            Vec y, mean, rstd;
            naive_layernorm(to_double(x0), to_double(gamma), to_double(beta), s.rows, s.cols, kEps,
                            y, mean, rstd);
            return std::vector<Vec>{y, mean, rstd};
          }};
}

KernelCase layernorm_backward(KernelShape s) {
  const Floats x0 = layernorm_input(s, 33);
  const Floats gamma = random_floats(s.cols, 34, 0.5f, 1.5f);
  const Floats dy = random_floats(elements(s), 35);
  const Floats dx0 = random_floats(elements(s), 36);
  const Floats dgamma0 = random_floats(s.cols, 37);
  const Floats dbeta0 = random_floats(s.cols, 38);
  Vec y, mean_d, rstd_d;
  naive_layernorm(to_double(x0), to_double(gamma), Vec(s.cols, 0.0), s.rows, s.cols, kEps, y,
                  mean_d, rstd_d);
  const Floats mean = to_float(mean_d);  // the forward pass's saved statistics, as floats
  const Floats rstd = to_float(rstd_d);
  return {"layernorm_backward",
          1e-5,
          {"dx", "dgamma", "dbeta"},
          [=](Device& d) {
            auto x = up(d, x0);
            auto g = up(d, gamma);
            auto m = up(d, mean);
            auto r = up(d, rstd);
            auto gy = up(d, dy);
            auto dx = up(d, dx0);
            auto dg = up(d, dgamma0);
            auto db = up(d, dbeta0);
            d.layernorm_backward(gy.data(), x.data(), g.data(), m.data(), r.data(), dx.data(),
                                 dg.data(), db.data(), s.rows, s.cols);
            return Outputs{dx.download(), dg.download(), db.download()};
          },
          [=] {
            Vec dx = to_double(dx0), dg = to_double(dgamma0), db = to_double(dbeta0);
            naive_layernorm_backward(to_double(dy), to_double(x0), to_double(gamma),
                                     to_double(mean), to_double(rstd), s.rows, s.cols, dx, dg, db);
            return std::vector<Vec>{dx, dg, db};
          }};
}

KernelCase softmax(KernelShape s, bool causal) {
  // Causal scores are (B*H, T, T) with T = cols: round rows up to a whole number of T blocks.
  const i64 rows = causal ? (s.rows + s.cols - 1) / s.cols * s.cols : s.rows;
  const i64 cols = s.cols;
  const float scale = causal ? 0.35f : 1.7f;
  const Floats x0 = random_floats(rows * cols, causal ? 39 : 40, -4.0f, 4.0f);
  return {
      causal ? "softmax_forward_causal" : "softmax_forward",
      1e-5,
      {"y"},
      [=](Device& d) {
        auto x = up(d, x0);
        DeviceBuffer<float> y(d, x0.size());
        d.softmax_forward(x.data(), y.data(), rows, cols, scale, causal);
        return Outputs{y.download()};
      },
      [=] { return std::vector<Vec>{naive_softmax(to_double(x0), rows, cols, scale, causal)}; }};
}

KernelCase softmax_forward(KernelShape s) {
  return softmax(s, false);
}
KernelCase softmax_forward_causal(KernelShape s) {
  return softmax(s, true);
}

KernelCase softmax_backward(KernelShape s) {
  const Floats y0 = to_float(naive_softmax(to_double(random_floats(elements(s), 41, -3.0f, 3.0f)),
                                           s.rows, s.cols, 1.0, false));
  const Floats dy = random_floats(elements(s), 42);
  const Floats dx0 = random_floats(elements(s), 43);
  const float scale = 0.6f;
  return {"softmax_backward",
          1e-5,
          {"dx"},
          [=](Device& d) {
            auto y = up(d, y0);
            auto g = up(d, dy);
            auto dx = up(d, dx0);
            d.softmax_backward(y.data(), g.data(), dx.data(), s.rows, s.cols, scale);
            return Outputs{dx.download()};
          },
          [=] {
            Vec dx = to_double(dx0);
            naive_softmax_backward(to_double(y0), to_double(dy), s.rows, s.cols, scale, dx);
            return std::vector<Vec>{dx};
          }};
}

// ---- Loss and embedding ----

KernelCase cross_entropy_forward(KernelShape s) {
  const Floats logits = random_floats(elements(s), 44, -3.0f, 3.0f);
  const auto targets = random_indices(s.rows, s.cols, 45);
  return {"cross_entropy_forward",
          1e-5,
          {"probs", "losses"},
          [=](Device& d) {
            auto x = up(d, logits);
            auto t = up(d, targets);
            DeviceBuffer<float> probs(d, logits.size()), losses(d, s.rows);
            d.cross_entropy_forward(x.data(), t.data(), probs.data(), losses.data(), s.rows,
                                    s.cols);
            return Outputs{probs.download(), losses.download()};
          },
          [=] {
            Vec probs, losses;
            naive_cross_entropy(to_double(logits), targets, s.rows, s.cols, probs, losses);
            return std::vector<Vec>{probs, losses};
          }};
}

KernelCase cross_entropy_backward(KernelShape s) {
  const Floats probs = to_float(naive_softmax(
      to_double(random_floats(elements(s), 46, -3.0f, 3.0f)), s.rows, s.cols, 1.0, false));
  const auto targets = random_indices(s.rows, s.cols, 47);
  const Floats dlogits0 = random_floats(elements(s), 48, -0.01f, 0.01f);
  const float dloss_scale = 1.0f / static_cast<float>(s.rows);  // mean over rows
  return {"cross_entropy_backward",
          1e-5,
          {"dlogits"},
          [=](Device& d) {
            auto p = up(d, probs);
            auto t = up(d, targets);
            auto dl = up(d, dlogits0);
            d.cross_entropy_backward(p.data(), t.data(), dl.data(), s.rows, s.cols, dloss_scale);
            return Outputs{dl.download()};
          },
          [=] {
            Vec want = to_double(dlogits0);
            for (i64 i = 0; i < s.rows; ++i) {
              for (i64 j = 0; j < s.cols; ++j) {
                const double onehot = j == targets[i] ? 1.0 : 0.0;
                want[i * s.cols + j] += (probs[i * s.cols + j] - onehot) * double{dloss_scale};
              }
            }
            return std::vector<Vec>{want};
          }};
}

// A table of about rows / 3 entries, so indices repeat and the backward pass must accumulate.
i64 table_rows(KernelShape s) {
  return s.rows / 3 + 1;
}

KernelCase embedding_forward(KernelShape s) {
  const i64 vocab = table_rows(s);
  const Floats table = random_floats(vocab * s.cols, 49);
  const auto indices = random_indices(s.rows, vocab, 50);
  return {"embedding_forward",
          0.0,
          {"out"},
          [=](Device& d) {
            auto tb = up(d, table);
            auto ix = up(d, indices);
            DeviceBuffer<float> out(d, elements(s));
            d.embedding_forward(tb.data(), ix.data(), out.data(), s.rows, s.cols, vocab);
            return Outputs{out.download()};
          },
          [=] {
            Vec want(elements(s));
            for (i64 i = 0; i < s.rows; ++i) {
              for (i64 j = 0; j < s.cols; ++j)
                want[i * s.cols + j] = table[indices[i] * s.cols + j];
            }
            return std::vector<Vec>{want};
          }};
}

KernelCase embedding_backward(KernelShape s) {
  const i64 vocab = table_rows(s);
  const Floats dtable0 = random_floats(vocab * s.cols, 51);
  const Floats dout = random_floats(elements(s), 52);
  const auto indices = random_indices(s.rows, vocab, 53);
  return {"embedding_backward",
          1e-6,
          {"dtable"},
          [=](Device& d) {
            auto dt = up(d, dtable0);
            auto g = up(d, dout);
            auto ix = up(d, indices);
            d.embedding_backward(g.data(), ix.data(), dt.data(), s.rows, s.cols, vocab);
            return Outputs{dt.download()};
          },
          [=] {
            Vec want = to_double(dtable0);
            for (i64 i = 0; i < s.rows; ++i) {
              for (i64 j = 0; j < s.cols; ++j)
                want[indices[i] * s.cols + j] += dout[i * s.cols + j];
            }
            return std::vector<Vec>{want};
          }};
}

// ---- Reductions and optimizers ----

KernelCase reduction(KernelShape s, bool squares) {
  const Floats x0 = random_floats(elements(s), squares ? 54 : 55);
  return {squares ? "sum_squares" : "sum",
          1e-6,
          {"result"},
          [=](Device& d) {
            auto x = up(d, x0);
            DeviceBuffer<float> result(d, 1);
            if (squares) {
              d.sum_squares(x.data(), x0.size(), result.data());
            } else {
              d.sum(x.data(), x0.size(), result.data());
            }
            return Outputs{result.download()};
          },
          [=] {
            double total = 0.0;
            for (float v : x0) total += squares ? double{v} * v : double{v};
            return std::vector<Vec>{{total}};
          }};
}

KernelCase sum(KernelShape s) {
  return reduction(s, false);
}
KernelCase sum_squares(KernelShape s) {
  return reduction(s, true);
}

KernelCase adamw_update(KernelShape s) {
  const i64 n = elements(s);
  const Floats p0 = random_floats(n, 56);
  const Floats g0 = random_floats(n, 57);
  const Floats m0 = random_floats(n, 58, -0.1f, 0.1f);
  const Floats v0 = random_floats(n, 59, 0.0f, 0.01f);
  const AdamWParams hyper{.learning_rate = 1e-2f,
                          .beta1 = 0.9f,
                          .beta2 = 0.95f,
                          .eps = 1e-8f,
                          .weight_decay = 0.1f,
                          .step = 3};
  return {"adamw_update",
          1e-6,
          {"params", "m", "v"},
          [=](Device& d) {
            auto p = up(d, p0);
            auto g = up(d, g0);
            auto m = up(d, m0);
            auto v = up(d, v0);
            d.adamw_update(p.data(), g.data(), m.data(), v.data(), n, hyper);
            return Outputs{p.download(), m.download(), v.download()};
          },
          [=] {
            Vec p(n), m(n), v(n);
            const double b1 = hyper.beta1, b2 = hyper.beta2;
            for (i64 i = 0; i < n; ++i) {
              m[i] = b1 * m0[i] + (1 - b1) * g0[i];
              v[i] = b2 * v0[i] + (1 - b2) * double{g0[i]} * g0[i];
              const double m_hat = m[i] / (1 - std::pow(b1, hyper.step));
              const double v_hat = v[i] / (1 - std::pow(b2, hyper.step));
              p[i] = p0[i] -
                     double{hyper.learning_rate} * (m_hat / (std::sqrt(v_hat) + double{hyper.eps}) +
                                                    double{hyper.weight_decay} * p0[i]);
            }
            return std::vector<Vec>{p, m, v};
          }};
}

KernelCase sgd_momentum_update(KernelShape s) {
  const i64 n = elements(s);
  const Floats p0 = random_floats(n, 60);
  const Floats g0 = random_floats(n, 61);
  const Floats vel0 = random_floats(n, 62, -0.1f, 0.1f);
  const SgdParams hyper{.learning_rate = 0.05f, .momentum = 0.9f, .weight_decay = 0.01f};
  return {"sgd_momentum_update",
          1e-6,
          {"params", "velocity"},
          [=](Device& d) {
            auto p = up(d, p0);
            auto g = up(d, g0);
            auto vel = up(d, vel0);
            d.sgd_momentum_update(p.data(), g.data(), vel.data(), n, hyper);
            return Outputs{p.download(), vel.download()};
          },
          [=] {
            Vec p(n), vel(n);
            for (i64 i = 0; i < n; ++i) {
              const double g = g0[i] + double{hyper.weight_decay} * p0[i];
              vel[i] = double{hyper.momentum} * vel0[i] + g;
              p[i] = p0[i] - double{hyper.learning_rate} * vel[i];
            }
            return std::vector<Vec>{p, vel};
          }};
}

const std::map<std::string, Builder>& builders() {
  static const std::map<std::string, Builder> all{
      {"memory_ops", memory_ops},
      {"fill", fill},
      {"scale", scale},
      {"axpy", axpy},
      {"add", add},
      {"mul", mul},
      {"bias_add", bias_add},
      {"bias_backward", bias_backward},
      {"relu_forward", relu_forward},
      {"relu_backward", relu_backward},
      {"gelu_forward", gelu_forward},
      {"gelu_backward", gelu_backward},
      {"layernorm_forward", layernorm_forward},
      {"layernorm_backward", layernorm_backward},
      {"softmax_forward", softmax_forward},
      {"softmax_forward_causal", softmax_forward_causal},
      {"softmax_backward", softmax_backward},
      {"cross_entropy_forward", cross_entropy_forward},
      {"cross_entropy_backward", cross_entropy_backward},
      {"embedding_forward", embedding_forward},
      {"embedding_backward", embedding_backward},
      {"sum", sum},
      {"sum_squares", sum_squares},
      {"adamw_update", adamw_update},
      {"sgd_momentum_update", sgd_momentum_update},
  };
  return all;
}

}  // namespace

std::vector<std::string> kernel_case_names() {
  std::vector<std::string> names;
  for (const auto& [name, builder] : builders()) names.push_back(name);
  return names;
}

KernelCase make_kernel_case(const std::string& name, KernelShape shape) {
  auto it = builders().find(name);
  if (it == builders().end()) throw std::invalid_argument("no kernel case " + name);
  return it->second(shape);
}

}  // namespace dojo::device::test
