// N-API addon: oneDNN convolution (forward, backward data, backward weights; groups for depthwise)
// and matmul (with an optional fused bias; the dense backward in one call) over float32 buffers the caller owns (tfjs wasm heap views), NHWC activations and
// tfjs filter layouts. Primitives are built once per geometry and cached: building one costs far
// more than running it on the small NAFNet tensors.
#include <node_api.h>
#include <omp.h>
#include <oneapi/dnnl/dnnl.hpp>

#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "napi_util.h"
#include "svd_pointwise.h"

using dnnl::memory;
using tag = dnnl::memory::format_tag;
using dt = dnnl::memory::data_type;

namespace {

using namespace svd;

dnnl::engine& cpuEngine() {
  static dnnl::engine eng(dnnl::engine::kind::cpu, 0);
  return eng;
}
dnnl::stream& cpuStream() {
  static dnnl::stream s(cpuEngine());
  return s;
}

// ---- convolution ---------------------------------------------------------------------------

// Geometry, in this order (one cache key):
// B H W Ci  Ho Wo Co  kh kw  groups  sh sw  dh dw (1 = no dilation)  top left bottom right
struct ConvGeom {
  int64_t B, H, W, Ci, Ho, Wo, Co, kh, kw, G, sh, sw, dh, dw, pt, pl, pb, pr;
  explicit ConvGeom(const std::vector<int64_t>& g)
      : B(g[0]), H(g[1]), W(g[2]), Ci(g[3]), Ho(g[4]), Wo(g[5]), Co(g[6]), kh(g[7]), kw(g[8]), G(g[9]),
        sh(g[10]), sw(g[11]), dh(g[12]), dw(g[13]), pt(g[14]), pl(g[15]), pb(g[16]), pr(g[17]) {}
  memory::desc src() const { return memory::desc({B, Ci, H, W}, dt::f32, tag::nhwc); }
  memory::desc dst() const { return memory::desc({B, Co, Ho, Wo}, dt::f32, tag::nhwc); }
  // tfjs filters: conv [kh,kw,Ci,Co] (hwio); depthwise [kh,kw,C,M] with output channel c*M+m,
  // i.e. groups C of (M outputs, 1 input): hwigo with i = 1.
  memory::dims weightDims() const {
    return G == 1 ? memory::dims{Co, Ci, kh, kw} : memory::dims{G, Co / G, Ci / G, kh, kw};
  }
  memory::desc weightsUser() const { return memory::desc(weightDims(), dt::f32, G == 1 ? tag::hwio : tag::hwigo); }
  memory::desc weightsAny() const { return memory::desc(weightDims(), dt::f32, tag::any); }
  memory::dims strides() const { return {sh, sw}; }
  memory::dims dilates() const { return {dh - 1, dw - 1}; }
  memory::dims padL() const { return {pt, pl}; }
  memory::dims padR() const { return {pb, pr}; }
  size_t srcSize() const { return size_t(B * H * W * Ci); }
  size_t dstSize() const { return size_t(B * Ho * Wo * Co); }
  size_t weightSize() const { return size_t(kh * kw * (Ci / G) * Co); }
};

enum ConvMode { kForward = 0, kBackwardData = 1, kBackwardWeights = 2 };

struct ConvPlan {
  dnnl::primitive prim;
  memory::desc weightsInner;  // the layout the primitive wants
  bool reorderWeights = false;
  std::unique_ptr<dnnl::reorder> reorder;
  std::unique_ptr<memory> inner;  // weights (or their gradient) in the primitive's layout
};

dnnl::convolution_forward::primitive_desc forwardPd(const ConvGeom& g, dnnl::prop_kind kind) {
  dnnl::convolution_forward::desc d(kind, dnnl::algorithm::convolution_direct, g.src(), g.weightsAny(), g.dst(), g.strides(),
                                    g.dilates(), g.padL(), g.padR());
  return dnnl::convolution_forward::primitive_desc(d, cpuEngine());
}

std::map<std::vector<int64_t>, std::unique_ptr<ConvPlan>> convPlans;

ConvPlan& convPlan(ConvMode mode, const std::vector<int64_t>& geom) {
  std::vector<int64_t> key(geom);
  key.push_back(mode);
  auto it = convPlans.find(key);
  if (it != convPlans.end()) return *it->second;
  ConvGeom g(geom);
  auto plan = std::make_unique<ConvPlan>();
  const memory::desc user = g.weightsUser();
  if (mode == kForward) {
    auto pd = forwardPd(g, dnnl::prop_kind::forward_inference);
    plan->prim = dnnl::convolution_forward(pd);
    plan->weightsInner = pd.weights_desc();
  } else if (mode == kBackwardData) {
    auto hint = forwardPd(g, dnnl::prop_kind::forward_training);
    dnnl::convolution_backward_data::desc d(dnnl::algorithm::convolution_direct, g.src(), g.weightsAny(), g.dst(), g.strides(),
                                            g.dilates(), g.padL(), g.padR());
    dnnl::convolution_backward_data::primitive_desc pd(d, cpuEngine(), hint);
    plan->prim = dnnl::convolution_backward_data(pd);
    plan->weightsInner = pd.weights_desc();
  } else {
    auto hint = forwardPd(g, dnnl::prop_kind::forward_training);
    dnnl::convolution_backward_weights::desc d(dnnl::algorithm::convolution_direct, g.src(), g.weightsAny(), g.dst(), g.strides(),
                                               g.dilates(), g.padL(), g.padR());
    dnnl::convolution_backward_weights::primitive_desc pd(d, cpuEngine(), hint);
    plan->prim = dnnl::convolution_backward_weights(pd);
    plan->weightsInner = pd.diff_weights_desc();
  }
  plan->reorderWeights = plan->weightsInner != user;
  if (plan->reorderWeights) {
    plan->inner = std::make_unique<memory>(plan->weightsInner, cpuEngine());
    memory userMem(user, cpuEngine(), DNNL_MEMORY_NONE);
    plan->reorder = mode == kBackwardWeights ? std::make_unique<dnnl::reorder>(*plan->inner, userMem)
                                             : std::make_unique<dnnl::reorder>(userMem, *plan->inner);
  }
  ConvPlan& ref = *plan;
  convPlans.emplace(std::move(key), std::move(plan));
  return ref;
}

// conv(mode, a, b, out, geom): forward x,w -> y; backward data dy,w -> dx; backward weights x,dy -> dw.
napi_value Conv(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    auto a = args(env, info, 5);
    int32_t m = 0;
    check(env, napi_get_value_int32(env, a[0], &m), "mode");
    if (m < 0 || m > 2) throw JsError{"svd_dnnl: conv mode must be 0 (forward), 1 (backward data) or 2 (backward weights), got " + std::to_string(m)};
    const ConvMode mode = ConvMode(m);
    const auto geom = ints(env, a[4], 18, "geom");
    const ConvGeom g(geom);
    if (g.G < 1 || g.Ci % g.G || g.Co % g.G) throw JsError{"svd_dnnl: channels must divide into the groups"};
    ConvPlan& plan = convPlan(mode, geom);
    auto& eng = cpuEngine();
    auto& s = cpuStream();
    const memory::desc user = g.weightsUser();
    if (mode == kForward) {
      memory src(g.src(), eng, floats(env, a[1], g.srcSize(), "x"));
      memory wts(user, eng, floats(env, a[2], g.weightSize(), "filter"));
      memory dst(g.dst(), eng, floats(env, a[3], g.dstSize(), "y"));
      if (plan.reorderWeights) plan.reorder->execute(s, wts, *plan.inner);
      plan.prim.execute(s, {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, plan.reorderWeights ? *plan.inner : wts}, {DNNL_ARG_DST, dst}});
    } else if (mode == kBackwardData) {
      memory ddst(g.dst(), eng, floats(env, a[1], g.dstSize(), "dy"));
      memory wts(user, eng, floats(env, a[2], g.weightSize(), "filter"));
      memory dsrc(g.src(), eng, floats(env, a[3], g.srcSize(), "dx"));
      if (plan.reorderWeights) plan.reorder->execute(s, wts, *plan.inner);
      plan.prim.execute(s, {{DNNL_ARG_DIFF_DST, ddst}, {DNNL_ARG_WEIGHTS, plan.reorderWeights ? *plan.inner : wts}, {DNNL_ARG_DIFF_SRC, dsrc}});
    } else {
      memory src(g.src(), eng, floats(env, a[1], g.srcSize(), "x"));
      memory ddst(g.dst(), eng, floats(env, a[2], g.dstSize(), "dy"));
      memory dw(user, eng, floats(env, a[3], g.weightSize(), "dw"));
      plan.prim.execute(s, {{DNNL_ARG_SRC, src}, {DNNL_ARG_DIFF_DST, ddst}, {DNNL_ARG_DIFF_WEIGHTS, plan.reorderWeights ? *plan.inner : dw}});
      if (plan.reorderWeights) plan.reorder->execute(s, *plan.inner, dw);
    }
    s.wait();
    return nullptr;
  });
}

// ---- matmul and dense (1x1 conv) ------------------------------------------------------------------

// Geometry: batchA batchB M K N transA transB. a is [batchA, M, K] (stored [batchA, K, M] when
// transA), b is [batchB, K, N] (stored [batchB, N, K] when transB), out [max batch, M, N]. A batch of
// 1 broadcasts. An optional bias [N] is added to every row inside the primitive.
std::map<std::vector<int64_t>, dnnl::matmul> matmulPlans;

struct MatmulDescs {
  memory::desc a, b, out, bias;
};

MatmulDescs matmulDescs(const std::vector<int64_t>& geom) {
  const int64_t bA = geom[0], bB = geom[1], M = geom[2], K = geom[3], N = geom[4];
  const bool tA = geom[5] != 0, tB = geom[6] != 0;
  if (bA != bB && bA != 1 && bB != 1) throw JsError{"svd_dnnl: matmul batches " + std::to_string(bA) + " and " + std::to_string(bB) + " do not broadcast"};
  const int64_t bO = bA > bB ? bA : bB;
  return {memory::desc({bA, M, K}, dt::f32, tA ? memory::dims{M * K, 1, M} : memory::dims{M * K, K, 1}),
          memory::desc({bB, K, N}, dt::f32, tB ? memory::dims{K * N, 1, K} : memory::dims{K * N, N, 1}),
          memory::desc({bO, M, N}, dt::f32, memory::dims{M * N, N, 1}), memory::desc({1, 1, N}, dt::f32, memory::dims{N, N, 1})};
}

// Runs out = a x b (+ bias) for a 7-integer geometry; the caller has checked the buffer sizes.
void runMatmul(const std::vector<int64_t>& geom, float* a, float* b, float* out, float* bias) {
  const MatmulDescs d = matmulDescs(geom);
  std::vector<int64_t> key(geom);
  key.push_back(bias != nullptr);
  auto it = matmulPlans.find(key);
  if (it == matmulPlans.end()) {
    auto desc = bias ? dnnl::matmul::desc(d.a, d.b, d.bias, d.out) : dnnl::matmul::desc(d.a, d.b, d.out);
    it = matmulPlans.emplace(key, dnnl::matmul(dnnl::matmul::primitive_desc(desc, cpuEngine()))).first;
  }
  auto& eng = cpuEngine();
  std::unordered_map<int, memory> margs{{DNNL_ARG_SRC, memory(d.a, eng, a)}, {DNNL_ARG_WEIGHTS, memory(d.b, eng, b)}, {DNNL_ARG_DST, memory(d.out, eng, out)}};
  if (bias) margs.emplace(DNNL_ARG_BIAS, memory(d.bias, eng, bias));
  it->second.execute(cpuStream(), margs);
  cpuStream().wait();
}

// matmul(a, b, out, geom[, bias]).
napi_value Matmul(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    size_t argc = 5;
    napi_value v[5];
    check(env, napi_get_cb_info(env, info, &argc, v, nullptr, nullptr), "get_cb_info");
    if (argc < 4) throw JsError{"svd_dnnl: matmul expects (a, b, out, geom[, bias]), got " + std::to_string(argc) + " arguments"};
    const auto geom = ints(env, v[3], 7, "geom");
    const int64_t bA = geom[0], bB = geom[1], M = geom[2], K = geom[3], N = geom[4];
    const int64_t bO = bA > bB ? bA : bB;
    float* bias = argc > 4 && !isNullish(env, v[4]) ? floats(env, v[4], size_t(N), "bias") : nullptr;
    runMatmul(geom, floats(env, v[0], size_t(bA * M * K), "a"), floats(env, v[1], size_t(bB * K * N), "b"), floats(env, v[2], size_t(bO * M * N), "out"), bias);
    return nullptr;
  });
}

// denseBackward(x, w, dy, dx, dw, db | null, [M, K, N]) for y = x w + b with x [M,K], w [K,N]:
// dx = dy w^T, dw = x^T dy, db = column sums of dy, in one call.
napi_value DenseBackward(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    auto a = args(env, info, 7);
    const auto g = ints(env, a[6], 3, "geom");
    const int64_t M = g[0], K = g[1], N = g[2];
    float* x = floats(env, a[0], size_t(M * K), "x");
    float* w = floats(env, a[1], size_t(K * N), "w");
    float* dy = floats(env, a[2], size_t(M * N), "dy");
    float* dx = floats(env, a[3], size_t(M * K), "dx");
    float* dw = floats(env, a[4], size_t(K * N), "dw");
    float* db = isNullish(env, a[5]) ? nullptr : floats(env, a[5], size_t(N), "db");
    runMatmul({1, 1, M, N, K, 0, 1}, dy, w, dx, nullptr);
    runMatmul({1, 1, K, M, N, 1, 0}, x, dy, dw, nullptr);
    if (db) sumMiddle(dy, db, 1, M, N);
    return nullptr;
  });
}

// ---- threads and identity ------------------------------------------------------------------------

napi_value SetThreads(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    auto a = args(env, info, 1);
    int32_t n = 0;
    check(env, napi_get_value_int32(env, a[0], &n), "threads");
    if (n < 1) throw JsError{"svd_dnnl: thread count must be >= 1, got " + std::to_string(n)};
    omp_set_num_threads(n);
    return nullptr;
  });
}

// The OpenMP team size a parallel region really gets (not just the setting).
napi_value Threads(napi_env env, napi_callback_info) {
  int team = 0;
#pragma omp parallel
  {
#pragma omp single
    team = omp_get_num_threads();
  }
  return number(env, team);
}

napi_value Version(napi_env env, napi_callback_info) {
  const dnnl_version_t* v = dnnl_version();
  std::string s = std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch);
  napi_value out;
  napi_create_string_utf8(env, s.c_str(), s.size(), &out);
  return out;
}

napi_value Init(napi_env env, napi_value exports) {
  std::vector<napi_property_descriptor> props = {
      {"conv", nullptr, Conv, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"matmul", nullptr, Matmul, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"denseBackward", nullptr, DenseBackward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"setThreads", nullptr, SetThreads, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"threads", nullptr, Threads, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"version", nullptr, Version, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  for (const auto& p : pointwiseExports()) props.push_back(p);
  napi_define_properties(env, exports, props.size(), props.data());
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
