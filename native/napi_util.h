// N-API helpers shared by the addon's source files: argument checks that throw JsError with a
// message naming the argument, and `guarded`, which turns those (and oneDNN's) into JS errors.
#pragma once
#include <node_api.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace svd {

struct JsError {
  std::string msg;
};

inline void check(napi_env, napi_status st, const char* what) {
  if (st != napi_ok) throw JsError{std::string("svd_dnnl: N-API call failed: ") + what};
}

inline std::vector<napi_value> args(napi_env env, napi_callback_info info, size_t want) {
  size_t n = want;
  std::vector<napi_value> v(want);
  check(env, napi_get_cb_info(env, info, &n, v.data(), nullptr, nullptr), "get_cb_info");
  if (n < want) throw JsError{"svd_dnnl: expected " + std::to_string(want) + " arguments, got " + std::to_string(n)};
  return v;
}

// A Float32Array's data pointer, checked to hold exactly `need` elements.
inline float* floats(napi_env env, napi_value v, size_t need, const char* name) {
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

inline bool isNullish(napi_env env, napi_value v) {
  napi_valuetype t;
  check(env, napi_typeof(env, v, &t), "typeof");
  return t == napi_null || t == napi_undefined;
}

inline std::vector<double> numbers(napi_env env, napi_value v, size_t want, const char* name) {
  bool is = false;
  check(env, napi_is_array(env, v, &is), "is_array");
  if (!is) throw JsError{std::string("svd_dnnl: argument '") + name + "' must be an array of numbers"};
  uint32_t n = 0;
  check(env, napi_get_array_length(env, v, &n), "get_array_length");
  if (n != want) throw JsError{std::string("svd_dnnl: argument '") + name + "' needs " + std::to_string(want) + " numbers, got " + std::to_string(n)};
  std::vector<double> out(n);
  for (uint32_t i = 0; i < n; i++) {
    napi_value e;
    check(env, napi_get_element(env, v, i, &e), "get_element");
    check(env, napi_get_value_double(env, e, &out[i]), "get_value_double");
  }
  return out;
}

inline std::vector<int64_t> ints(napi_env env, napi_value v, size_t want, const char* name) {
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

inline napi_value number(napi_env env, double x) {
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
  } catch (const std::exception& e) {  // dnnl::error derives from std::exception
    napi_throw_error(env, nullptr, (std::string("svd_dnnl: ") + e.what()).c_str());
  }
  return nullptr;
}

}  // namespace svd
