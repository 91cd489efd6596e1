// Memory-bound kernels next to the oneDNN ones, OpenMP-threaded for large tensors: sums over a
// block of axes (bias and channel-attention gradients, which stock wasm Sum runs as a transpose and
// then a reduction, ~5x one memory pass) and the fused AdamW update (float64 arithmetic natively
// rather than through JS/wasm SIMD).
#include "svd_pointwise.h"

#include <omp.h>

#include <cmath>
#include <vector>

#include "napi_util.h"

namespace svd {
namespace {

// Below this many elements (~0.3 ms of one core) a parallel region costs more than it saves: waking
// the sleeping OpenMP worker (OMP_WAIT_POLICY passive) takes tens of microseconds on an idle
// machine and up to a scheduler time slice on a loaded one.
constexpr int64_t kParallelMin = 1 << 19;

int teamFor(int64_t elements) { return elements < kParallelMin ? 1 : omp_get_max_threads(); }

}  // namespace

void sumMiddle(const float* x, float* out, int64_t outer, int64_t rows, int64_t inner) {
  const int team = teamFor(outer * rows * inner);
  // Each thread sums a contiguous run of rows into its own float64 partials; partials are added in
  // thread order, so a given thread count always gives the same result.
  std::vector<double> partial(size_t(team) * size_t(inner));
  for (int64_t o = 0; o < outer; o++) {
    const float* xo = x + o * rows * inner;
#pragma omp parallel num_threads(team)
    {
      const int t = omp_get_thread_num(), n = omp_get_num_threads();
      double* acc = partial.data() + size_t(t) * size_t(inner);
      for (int64_t c = 0; c < inner; c++) acc[c] = 0;
      const int64_t r0 = rows * t / n, r1 = rows * (t + 1) / n;
      for (int64_t r = r0; r < r1; r++) {
        const float* row = xo + r * inner;
#pragma omp simd
        for (int64_t c = 0; c < inner; c++) acc[c] += row[c];
      }
    }
    for (int64_t c = 0; c < inner; c++) {
      double s = 0;
      for (int t = 0; t < team; t++) s += partial[size_t(t) * size_t(inner) + size_t(c)];
      out[o * inner + c] = float(s);
    }
  }
}

namespace {

// sumMiddle(x, out, [outer, rows, inner]): out[o, c] = sum over r of x[o, r, c].
napi_value SumMiddle(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    auto a = args(env, info, 3);
    const auto g = ints(env, a[2], 3, "geom");
    const int64_t outer = g[0], rows = g[1], inner = g[2];
    sumMiddle(floats(env, a[0], size_t(outer * rows * inner), "x"), floats(env, a[1], size_t(outer * inner), "out"), outer, rows, inner);
    return nullptr;
  });
}

// adamw(p, m, v, g, p2, m2, v2, [beta1, beta2, eps, decay, stepSize, sqrtC2]): PyTorch's AdamW step
// (src/train/adamw.ts), float64 intermediates:
//   m' = b1 m + (1-b1) g;  v' = b2 v + (1-b2) g^2;  p' = p decay - stepSize m' / (sqrt(v')/sqrtC2 + eps)
napi_value AdamW(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    auto a = args(env, info, 8);
    size_t n = 0;
    {
      napi_typedarray_type type;
      void* data;
      check(env, napi_get_typedarray_info(env, a[0], &type, &n, &data, nullptr, nullptr), "param");
    }
    const float* p = floats(env, a[0], n, "param");
    const float* m = floats(env, a[1], n, "m");
    const float* v = floats(env, a[2], n, "v");
    const float* g = floats(env, a[3], n, "grad");
    float* p2 = floats(env, a[4], n, "param'");
    float* m2 = floats(env, a[5], n, "m'");
    float* v2 = floats(env, a[6], n, "v'");
    const auto h = numbers(env, a[7], 6, "hyper");
    const double b1 = h[0], b2 = h[1], eps = h[2], decay = h[3], stepSize = h[4], invSqrtC2 = 1 / h[5];
    const double ob1 = 1 - b1, ob2 = 1 - b2;
    const int64_t count = int64_t(n);
#pragma omp parallel for simd num_threads(teamFor(count)) schedule(static)
    for (int64_t i = 0; i < count; i++) {
      const double gi = g[i];
      const double mi = double(m[i]) * b1 + gi * ob1;
      const double vi = double(v[i]) * b2 + gi * gi * ob2;
      m2[i] = float(mi);
      v2[i] = float(vi);
      p2[i] = float(double(p[i]) * decay - (mi / (std::sqrt(vi) * invSqrtC2 + eps)) * stepSize);
    }
    return nullptr;
  });
}

}  // namespace

std::vector<napi_property_descriptor> pointwiseExports() {
  return {
      {"sumMiddle", nullptr, SumMiddle, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"adamw", nullptr, AdamW, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
}

}  // namespace svd
