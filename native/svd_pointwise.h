// The addon's memory-bound kernels (svd_pointwise.cc): their N-API exports, and the reduction the
// dense backward in svd_dnnl.cc reuses for the bias gradient.
#pragma once
#include <node_api.h>

#include <cstdint>
#include <vector>

namespace svd {

// out[o, c] = sum over r of x[o, r, c], x [outer, rows, inner]; float64 accumulation, threaded.
void sumMiddle(const float* x, float* out, int64_t outer, int64_t rows, int64_t inner);

std::vector<napi_property_descriptor> pointwiseExports();

}  // namespace svd
