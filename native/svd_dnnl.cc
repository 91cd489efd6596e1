// N-API addon: oneDNN convolution (forward, backward data, backward weights; groups for depthwise)
// and matmul over float32 buffers the caller owns (tfjs wasm heap views), NHWC activations and
// tfjs filter layouts. Primitives are built once per geometry and cached: building one costs far
// more than running it on the small NAFNet tensors.
#include <node_api.h>
#include <omp.h>
#include <oneapi/dnnl/dnnl.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

using dnnl::memory;
using tag = dnnl::memory::format_tag;
using dt = dnnl::memory::data_type;

namespace {

dnnl::engine& cpuEngine() {
  static dnnl::engine eng(dnnl::engine::kind::cpu, 0);
  return eng;
}
dnnl::stream& cpuStream() {
  static dnnl::stream s(cpuEngine());
  return s;
}

// ---- N-API helpers ---------------------------------------------------------------------------

struct JsError {
  std::string msg;
};

void check(napi_env env, napi_status st, const char* what) {
  if (st != napi_ok) throw JsError{std::string("svd_dnnl: N-API call failed: ") + what};
}

std::vector<napi_value> args(napi_env env, napi_callback_info info, size_t want) {
  size_t n = want;
  std::vector<napi_value> v(want);
  check(env, napi_get_cb_info(env, info, &n, v.data(), nullptr, nullptr), "get_cb_info");
  if (n < want) throw JsError{"svd_dnnl: expected " + std::to_string(want) + " arguments, got " + std::to_string(n)};
  return v;
}

// A Float32Array's data pointer and element count.
float* floats(napi_env env, napi_value v, size_t need, const char* name) {
  bool is = false;
  check(env, napi_is_typedarray(env, v, &is), "is_typedarray");
  if (!is) throw JsError{std::string("svd_dnnl: argument '") + name + "' must be a Float32Array"};
  napi_typedarray_type type;
  size_t length = 0;
  void* data = nullptr;
  check(env, napi_get_typedarray_info(env, v, &type, &length, &data, nullptr, nullptr), "get_typedarray_info");
  if (type != napi_float32_array) throw JsError{std::string("svd_dnnl: argument '") + name + "' must be a Float32Array"};
  if (length != need)
    throw JsError{std::string("svd_dnnl: argument '") + name + "' has " + std::to_string(length) + " elements, the geometry needs " + std::to_string(need)};
  return static_cast<float*>(data);
}

std::vector<int64_t> ints(napi_env env, napi_value v, size_t want, const char* name) {
  bool is = false;
  check(env, napi_is_array(env, v, &is), "is_array");
  if (!is) throw JsError{std::string("svd_dnnl: argument '") + name + "' must be an array of integers"};
  uint32_t n = 0;
  check(env, napi_get_array_length(env, v, &n), "get_array_length");
  if (n != want) throw JsError{std::string("svd_dnnl: argument '") + name + "' needs " + std::to_string(want) + " integers, got " + std::to_string(n)};
  std::vector<int64_t> out(n);
  for (uint32_t i = 0; i < n; i++) {
    napi_value e;
    check(env, napi_get_element(env, v, i, &e), "get_element");
    check(env, napi_get_value_int64(env, e, &out[i]), "get_value_int64");
  }
  return out;
}

napi_value number(napi_env env, double x) {
  napi_value v;
  napi_create_double(env, x, &v);
  return v;
}

template <typename F>
napi_value guarded(napi_env env, F&& body) {
  try {
    return body();
  } catch (const JsError& e) {
    napi_throw_error(env, nullptr, e.msg.c_str());
  } catch (const dnnl::error& e) {
    napi_throw_error(env, nullptr, (std::string("svd_dnnl: oneDNN: ") + e.what()).c_str());
  } catch (const std::exception& e) {
    napi_throw_error(env, nullptr, (std::string("svd_dnnl: ") + e.what()).c_str());
  }
  return nullptr;
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

// ---- matmul ------------------------------------------------------------------------------------

// Geometry: batchA batchB M K N transA transB. a is [batchA, M, K] (stored [batchA, K, M] when
// transA), b is [batchB, K, N] (stored [batchB, N, K] when transB), out [max batch, M, N]. A batch of
// 1 broadcasts.
std::map<std::vector<int64_t>, dnnl::matmul> matmulPlans;

napi_value Matmul(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    auto a = args(env, info, 4);
    const auto geom = ints(env, a[3], 7, "geom");
    const int64_t bA = geom[0], bB = geom[1], M = geom[2], K = geom[3], N = geom[4];
    const bool tA = geom[5] != 0, tB = geom[6] != 0;
    if (bA != bB && bA != 1 && bB != 1) throw JsError{"svd_dnnl: matmul batches " + std::to_string(bA) + " and " + std::to_string(bB) + " do not broadcast"};
    const int64_t bO = bA > bB ? bA : bB;
    memory::desc aMd({bA, M, K}, dt::f32, tA ? memory::dims{M * K, 1, M} : memory::dims{M * K, K, 1});
    memory::desc bMd({bB, K, N}, dt::f32, tB ? memory::dims{K * N, 1, K} : memory::dims{K * N, N, 1});
    memory::desc oMd({bO, M, N}, dt::f32, memory::dims{M * N, N, 1});
    auto it = matmulPlans.find(geom);
    if (it == matmulPlans.end()) {
      dnnl::matmul::desc d(aMd, bMd, oMd);
      it = matmulPlans.emplace(geom, dnnl::matmul(dnnl::matmul::primitive_desc(d, cpuEngine()))).first;
    }
    auto& eng = cpuEngine();
    memory am(aMd, eng, floats(env, a[0], size_t(bA * M * K), "a"));
    memory bm(bMd, eng, floats(env, a[1], size_t(bB * K * N), "b"));
    memory om(oMd, eng, floats(env, a[2], size_t(bO * M * N), "out"));
    it->second.execute(cpuStream(), {{DNNL_ARG_SRC, am}, {DNNL_ARG_WEIGHTS, bm}, {DNNL_ARG_DST, om}});
    cpuStream().wait();
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
  const napi_property_descriptor props[] = {
      {"conv", nullptr, Conv, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"matmul", nullptr, Matmul, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"setThreads", nullptr, SetThreads, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"threads", nullptr, Threads, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"version", nullptr, Version, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
