// conv2d on cuDNN. Descriptors are built once per shape and algorithms measured once per shape
// (cudnnFind*AlgorithmEx), both cached; the workspace comes from the caching allocator. cuDNN pads
// symmetrically, so the asymmetric 'same' padding of an even kernel runs with the larger pad and
// crops the extra leading output rows/cols (stride 1 only, which 'same' requires).
#include <algorithm>
#include <climits>
#include <map>
#include <memory>
#include <mutex>
#include <tuple>

#include "tensor/cuda/check.h"
#include "tensor/cuda/cuda_backend.h"
#include "tensor/cuda/device_buffer.h"
#include "tensor/cuda/math_mode.h"
#include "tensor/cuda/runtime.h"

namespace uflow::cuda {
namespace {

struct ConvKey {
  DType dtype;
  bool tf32;
  int64_t n, c, h, w, o, kh, kw, ph, pw, sh, sw, groups;
  auto tie() const { return std::tie(dtype, tf32, n, c, h, w, o, kh, kw, ph, pw, sh, sw, groups); }
  bool operator<(const ConvKey& r) const { return tie() < r.tie(); }
};

struct ConvPlan {
  cudnnTensorDescriptor_t x = nullptr, y = nullptr, bias = nullptr;
  cudnnFilterDescriptor_t w = nullptr;
  cudnnConvolutionDescriptor_t conv = nullptr;
  int64_t yh = 0, yw = 0;  // cuDNN's output size (symmetric padding)
  bool tf32 = false;
  bool has_fwd = false, has_bwd_data = false, has_bwd_filter = false;
  cudnnConvolutionFwdAlgo_t fwd{};
  cudnnConvolutionBwdDataAlgo_t bwd_data{};
  cudnnConvolutionBwdFilterAlgo_t bwd_filter{};
  size_t fwd_ws = 0, bwd_data_ws = 0, bwd_filter_ws = 0;

  ConvPlan() = default;
  ConvPlan(const ConvPlan&) = delete;
  ConvPlan& operator=(const ConvPlan&) = delete;
  ~ConvPlan() {
    if (x) cudnnDestroyTensorDescriptor(x);
    if (y) cudnnDestroyTensorDescriptor(y);
    if (bias) cudnnDestroyTensorDescriptor(bias);
    if (w) cudnnDestroyFilterDescriptor(w);
    if (conv) cudnnDestroyConvolutionDescriptor(conv);
  }
};

int to_int(int64_t v) {
  UFLOW_CHECK(v >= 0 && v <= INT_MAX, "conv2d: size ", v, " exceeds cuDNN's 32-bit interface");
  return static_cast<int>(v);
}

cudnnDataType_t cudnn_type(DType t) {
  return t == DType::f32 ? CUDNN_DATA_FLOAT : CUDNN_DATA_DOUBLE;
}

std::mutex g_cache_mu;
std::map<ConvKey, std::unique_ptr<ConvPlan>> g_cache;

ConvPlan& plan_for(const Conv2dGeometry& g, DType dtype) {
  const bool tf32 = dtype == DType::f32 && allow_tf32();
  const int64_t ph = std::max(g.pad_top, g.pad_bottom), pw = std::max(g.pad_left, g.pad_right);
  const ConvKey key{dtype, tf32, g.n, g.c, g.h,        g.w,        g.o,
                    g.kh,  g.kw, ph,  pw,  g.stride_h, g.stride_w, g.groups};
  std::lock_guard<std::mutex> lock(g_cache_mu);
  auto it = g_cache.find(key);
  if (it != g_cache.end()) return *it->second;

  auto p = std::make_unique<ConvPlan>();
  p->tf32 = tf32;
  const cudnnDataType_t dt = cudnn_type(dtype);
  UFLOW_CUDNN_CHECK(cudnnCreateTensorDescriptor(&p->x));
  UFLOW_CUDNN_CHECK(cudnnCreateTensorDescriptor(&p->y));
  UFLOW_CUDNN_CHECK(cudnnCreateTensorDescriptor(&p->bias));
  UFLOW_CUDNN_CHECK(cudnnCreateFilterDescriptor(&p->w));
  UFLOW_CUDNN_CHECK(cudnnCreateConvolutionDescriptor(&p->conv));
  UFLOW_CUDNN_CHECK(cudnnSetTensor4dDescriptor(p->x, CUDNN_TENSOR_NCHW, dt, to_int(g.n),
                                               to_int(g.c), to_int(g.h), to_int(g.w)));
  UFLOW_CUDNN_CHECK(cudnnSetFilter4dDescriptor(p->w, dt, CUDNN_TENSOR_NCHW, to_int(g.o),
                                               to_int(g.c_per_group()), to_int(g.kh),
                                               to_int(g.kw)));
  UFLOW_CUDNN_CHECK(cudnnSetConvolution2dDescriptor(p->conv, to_int(ph), to_int(pw),
                                                    to_int(g.stride_h), to_int(g.stride_w), 1, 1,
                                                    CUDNN_CROSS_CORRELATION, dt));
  UFLOW_CUDNN_CHECK(cudnnSetConvolutionGroupCount(p->conv, to_int(g.groups)));
  // Without TF32, float convolutions are restricted to FMA kernels (full float precision).
  UFLOW_CUDNN_CHECK(cudnnSetConvolutionMathType(
      p->conv, dtype == DType::f32 && !tf32 ? CUDNN_FMA_MATH : CUDNN_DEFAULT_MATH));
  int on, oc, oh, ow;
  UFLOW_CUDNN_CHECK(cudnnGetConvolution2dForwardOutputDim(p->conv, p->x, p->w, &on, &oc, &oh, &ow));
  p->yh = oh;
  p->yw = ow;
  UFLOW_CUDNN_CHECK(cudnnSetTensor4dDescriptor(p->y, CUDNN_TENSOR_NCHW, dt, on, oc, oh, ow));
  UFLOW_CUDNN_CHECK(cudnnSetTensor4dDescriptor(p->bias, CUDNN_TENSOR_NCHW, dt, 1, oc, 1, 1));
  ConvPlan& ref = *p;
  g_cache.emplace(key, std::move(p));
  return ref;
}

// The most scratch memory an algorithm may use: 1 GiB, and no more than half of what is free
// when the shape is first seen (some FFT variants want several GiB).
constexpr size_t kMaxWorkspace = size_t{1} << 30;

size_t workspace_limit() {
  return std::min(kMaxWorkspace, memory_info().free_bytes / 2);
}

// Picks the fastest algorithm cuDNN measured that succeeded, fits the workspace limit, is
// deterministic (so runs repeat bit for bit) and respects the TF32 setting; failing that, the
// fastest that succeeded and fits.
template <typename Perf>
const Perf& pick(const Perf* perf, int count, bool tf32, bool f32, size_t limit, const char* what) {
  const Perf* any = nullptr;
  for (int i = 0; i < count; ++i) {
    if (perf[i].status != CUDNN_STATUS_SUCCESS || perf[i].memory > limit) continue;
    const bool tensor_op = perf[i].mathType == CUDNN_TENSOR_OP_MATH ||
                           perf[i].mathType == CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION;
    if (f32 && !tf32 && tensor_op) continue;
    if (!any) any = &perf[i];
    if (perf[i].determinism == CUDNN_DETERMINISTIC) return perf[i];
  }
  UFLOW_CHECK(any, "conv2d: cuDNN offers no usable ", what, " algorithm for this shape");
  return *any;
}

// The algorithms are measured (cudnnFind*AlgorithmEx runs each on the call's own buffers, which
// the call then overwrites), once per shape, dtype and TF32 mode: the ConvPlan cache key. The
// search waits for the device, so it cannot happen inside a CUDA graph capture.
void check_not_capturing(const char* what) {
  UFLOW_CHECK(!capturing(), "conv2d: cuDNN ", what,
              " algorithm search for a new shape inside a CUDA graph capture; run the captured "
              "call once before capturing it");
}

void choose_fwd(ConvPlan& p, DType dtype, const void* x, const void* w, void* y) {
  std::lock_guard<std::mutex> lock(g_cache_mu);
  if (p.has_fwd) return;
  check_not_capturing("forward");
  const size_t limit = workspace_limit();
  DeviceBuffer ws(limit);
  cudnnConvolutionFwdAlgoPerf_t perf[CUDNN_CONVOLUTION_FWD_ALGO_COUNT];
  int count = 0;
  UFLOW_CUDNN_CHECK(cudnnFindConvolutionForwardAlgorithmEx(cudnn(), p.x, x, p.w, w, p.conv, p.y, y,
                                                           CUDNN_CONVOLUTION_FWD_ALGO_COUNT, &count,
                                                           perf, ws.get(), ws.size()));
  const auto& best = pick(perf, count, p.tf32, dtype == DType::f32, limit, "forward");
  p.fwd = best.algo;
  p.fwd_ws = best.memory;
  p.has_fwd = true;
}

void choose_bwd_data(ConvPlan& p, DType dtype, const void* w, const void* dy, void* dx) {
  std::lock_guard<std::mutex> lock(g_cache_mu);
  if (p.has_bwd_data) return;
  check_not_capturing("backward-data");
  const size_t limit = workspace_limit();
  DeviceBuffer ws(limit);
  cudnnConvolutionBwdDataAlgoPerf_t perf[CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT];
  int count = 0;
  UFLOW_CUDNN_CHECK(cudnnFindConvolutionBackwardDataAlgorithmEx(
      cudnn(), p.w, w, p.y, dy, p.conv, p.x, dx, CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT, &count,
      perf, ws.get(), ws.size()));
  const auto& best = pick(perf, count, p.tf32, dtype == DType::f32, limit, "backward-data");
  p.bwd_data = best.algo;
  p.bwd_data_ws = best.memory;
  p.has_bwd_data = true;
}

void choose_bwd_filter(ConvPlan& p, DType dtype, const void* x, const void* dy, void* dw) {
  std::lock_guard<std::mutex> lock(g_cache_mu);
  if (p.has_bwd_filter) return;
  check_not_capturing("backward-filter");
  const size_t limit = workspace_limit();
  DeviceBuffer ws(limit);
  cudnnConvolutionBwdFilterAlgoPerf_t perf[CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT];
  int count = 0;
  UFLOW_CUDNN_CHECK(cudnnFindConvolutionBackwardFilterAlgorithmEx(
      cudnn(), p.x, x, p.y, dy, p.conv, p.w, dw, CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT, &count,
      perf, ws.get(), ws.size()));
  const auto& best = pick(perf, count, p.tf32, dtype == DType::f32, limit, "backward-filter");
  p.bwd_filter = best.algo;
  p.bwd_filter_ws = best.memory;
  p.has_bwd_filter = true;
}

// cuDNN takes float scaling factors for float data and double ones for double data.
template <typename Fn>
void with_scalars(DType dtype, Fn&& fn) {
  if (dtype == DType::f32) {
    const float one = 1.f, zero = 0.f;
    fn(&one, &zero);
  } else {
    const double one = 1.0, zero = 0.0;
    fn(&one, &zero);
  }
}

// The part of cuDNN's (possibly larger) output that is ours: cuDNN padded max(top, bottom)
// rows on top where we pad `top`, so our first output row is its row max(top, bottom) - top.
// (Several geometries share one plan, so the offsets come from the geometry, not the plan.)
Tensor cropped(const Tensor& full, const ConvPlan& p, const Conv2dGeometry& g) {
  const int64_t crop_h = std::max(g.pad_top, g.pad_bottom) - g.pad_top;
  const int64_t crop_w = std::max(g.pad_left, g.pad_right) - g.pad_left;
  UFLOW_CHECK(crop_h + g.oh <= p.yh && crop_w + g.ow <= p.yw, "conv2d: cuDNN output ", p.yh, "x",
              p.yw, " cannot hold the requested ", g.oh, "x", g.ow);
  return kernels::narrow(kernels::narrow(full, 2, crop_h, g.oh), 3, crop_w, g.ow);
}

bool needs_crop(const ConvPlan& p, const Conv2dGeometry& g) {
  return p.yh != g.oh || p.yw != g.ow;
}

// dy laid out as cuDNN's output: dy itself, or dy placed inside zeros.
Tensor expanded_grad(const Tensor& dy, const ConvPlan& p, const Conv2dGeometry& g) {
  if (!needs_crop(p, g)) return dy;
  Tensor full = Tensor::empty({g.n, g.o, p.yh, p.yw}, dy.dtype(), dy.device());
  kernels::fill_(full, 0.0);
  kernels::copy_(cropped(full, p, g), dy);
  return full;
}

}  // namespace

void CudaBackend::conv2d_forward(const Tensor& y, const Tensor& x, const Tensor& w,
                                 const Tensor& bias, const Conv2dGeometry& g) const {
  ConvPlan& p = plan_for(g, x.dtype());
  const bool crop = needs_crop(p, g);
  Tensor out = crop ? Tensor::empty({g.n, g.o, p.yh, p.yw}, x.dtype(), x.device()) : y;
  choose_fwd(p, x.dtype(), x.raw_data(), w.raw_data(), out.raw_data());
  DeviceBuffer ws(p.fwd_ws);
  with_scalars(x.dtype(), [&](const void* one, const void* zero) {
    UFLOW_CUDNN_CHECK(cudnnConvolutionForward(cudnn(), one, p.x, x.raw_data(), p.w, w.raw_data(),
                                              p.conv, p.fwd, ws.get(), ws.size(), zero, p.y,
                                              out.raw_data()));
    if (bias.defined())
      UFLOW_CUDNN_CHECK(
          cudnnAddTensor(cudnn(), one, p.bias, bias.raw_data(), one, p.y, out.raw_data()));
  });
  if (crop) copy_strided(y, cropped(out, p, g));
}

void CudaBackend::conv2d_backward_input(const Tensor& dx, const Tensor& dy, const Tensor& w,
                                        const Conv2dGeometry& g) const {
  ConvPlan& p = plan_for(g, dy.dtype());
  const Tensor dy_full = expanded_grad(dy, p, g);
  choose_bwd_data(p, dy.dtype(), w.raw_data(), dy_full.raw_data(), dx.raw_data());
  DeviceBuffer ws(p.bwd_data_ws);
  with_scalars(dy.dtype(), [&](const void* one, const void* zero) {
    UFLOW_CUDNN_CHECK(cudnnConvolutionBackwardData(cudnn(), one, p.w, w.raw_data(), p.y,
                                                   dy_full.raw_data(), p.conv, p.bwd_data, ws.get(),
                                                   ws.size(), zero, p.x, dx.raw_data()));
  });
}

void CudaBackend::conv2d_backward_weight(const Tensor& dw, const Tensor& dy, const Tensor& x,
                                         const Conv2dGeometry& g) const {
  ConvPlan& p = plan_for(g, dy.dtype());
  const Tensor dy_full = expanded_grad(dy, p, g);
  choose_bwd_filter(p, dy.dtype(), x.raw_data(), dy_full.raw_data(), dw.raw_data());
  DeviceBuffer ws(p.bwd_filter_ws);
  with_scalars(dy.dtype(), [&](const void* one, const void* zero) {
    UFLOW_CUDNN_CHECK(cudnnConvolutionBackwardFilter(
        cudnn(), one, p.x, x.raw_data(), p.y, dy_full.raw_data(), p.conv, p.bwd_filter, ws.get(),
        ws.size(), zero, p.w, dw.raw_data()));
  });
}

}  // namespace uflow::cuda
