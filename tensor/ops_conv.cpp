// conv2d and its two backward passes: shape checks and padding resolution here, the work in
// tensor/cpu/conv2d.cpp (im2col + GEMM) or tensor/cuda/conv2d.cu (cuDNN).
#include "tensor/backend.h"
#include "tensor/conv2d_geometry.h"
#include "tensor/op_checks.h"
#include "tensor/ops.h"
#include "tensor/profiler.h"

namespace uflow {

Conv2dGeometry conv2d_geometry(const Shape& x, const Shape& w, const Conv2dOptions& opt) {
  UFLOW_CHECK(x.size() == 4, "conv2d: input must be (N, C, H, W), got ", shape_str(x));
  UFLOW_CHECK(w.size() == 4, "conv2d: weight must be (O, C/groups, KH, KW), got ", shape_str(w));
  Conv2dGeometry g{};
  g.n = x[0];
  g.c = x[1];
  g.h = x[2];
  g.w = x[3];
  g.o = w[0];
  g.kh = w[2];
  g.kw = w[3];
  g.groups = opt.groups;
  g.stride_h = opt.stride_h;
  g.stride_w = opt.stride_w;
  UFLOW_CHECK(g.groups >= 1 && g.c % g.groups == 0 && g.o % g.groups == 0, "conv2d: groups ",
              g.groups, " must divide input channels ", g.c, " and output channels ", g.o);
  UFLOW_CHECK(w[1] * g.groups == g.c, "conv2d: weight ", shape_str(w), " expects ", w[1] * g.groups,
              " input channels, input ", shape_str(x), " has ", g.c);
  UFLOW_CHECK(g.stride_h >= 1 && g.stride_w >= 1, "conv2d: strides must be positive");
  UFLOW_CHECK(g.kh >= 1 && g.kw >= 1, "conv2d: empty kernel ", shape_str(w));
  if (opt.same) {
    UFLOW_CHECK(g.stride_h == 1 && g.stride_w == 1, "conv2d: 'same' padding needs stride 1");
    g.pad_top = (g.kh - 1) / 2;
    g.pad_bottom = g.kh - 1 - g.pad_top;
    g.pad_left = (g.kw - 1) / 2;
    g.pad_right = g.kw - 1 - g.pad_left;
  } else {
    UFLOW_CHECK(opt.pad_h >= 0 && opt.pad_w >= 0, "conv2d: negative padding");
    g.pad_top = g.pad_bottom = opt.pad_h;
    g.pad_left = g.pad_right = opt.pad_w;
  }
  const int64_t eh = g.h + g.pad_top + g.pad_bottom - g.kh;
  const int64_t ew = g.w + g.pad_left + g.pad_right - g.kw;
  UFLOW_CHECK(eh >= 0 && ew >= 0, "conv2d: kernel ", g.kh, "x", g.kw,
              " larger than the padded input ", shape_str(x));
  g.oh = eh / g.stride_h + 1;
  g.ow = ew / g.stride_w + 1;
  return g;
}

}  // namespace uflow

namespace uflow::kernels {

Tensor conv2d(const Tensor& x_in, const Tensor& w_in, const Tensor& bias_in,
              const Conv2dOptions& opt) {
  profile::Scope scope(profile::Kind::conv);
  check_same_kind("conv2d", {&x_in, &w_in, &bias_in});
  const Conv2dGeometry g = conv2d_geometry(x_in.shape(), w_in.shape(), opt);
  if (bias_in.defined())
    UFLOW_CHECK(bias_in.shape() == Shape{g.o}, "conv2d: bias must be (", g.o, "), got ",
                shape_str(bias_in.shape()));
  const Tensor x = contiguous(x_in), w = contiguous(w_in);
  const Tensor bias = bias_in.defined() ? contiguous(bias_in) : bias_in;
  Tensor y = Tensor::empty({g.n, g.o, g.oh, g.ow}, x.dtype(), x.device());
  if (y.numel() == 0) return y;
  backend_of(x).conv2d_forward(y, x, w, bias, g);
  return y;
}

Tensor conv2d_backward_input(const Tensor& grad, const Tensor& w_in, const Shape& x_shape,
                             const Conv2dOptions& opt) {
  profile::Scope scope(profile::Kind::conv);
  check_same_kind("conv2d_backward_input", {&grad, &w_in});
  const Conv2dGeometry g = conv2d_geometry(x_shape, w_in.shape(), opt);
  UFLOW_CHECK(grad.shape() == (Shape{g.n, g.o, g.oh, g.ow}), "conv2d_backward_input: gradient ",
              shape_str(grad.shape()), " does not match the output shape");
  const Tensor dy = contiguous(grad), w = contiguous(w_in);
  Tensor dx = Tensor::empty(x_shape, dy.dtype(), dy.device());
  if (dx.numel() == 0) return dx;
  backend_of(dy).conv2d_backward_input(dx, dy, w, g);
  return dx;
}

Tensor conv2d_backward_weight(const Tensor& grad, const Tensor& x_in, const Shape& w_shape,
                              const Conv2dOptions& opt) {
  profile::Scope scope(profile::Kind::conv);
  check_same_kind("conv2d_backward_weight", {&grad, &x_in});
  const Conv2dGeometry g = conv2d_geometry(x_in.shape(), w_shape, opt);
  UFLOW_CHECK(grad.shape() == (Shape{g.n, g.o, g.oh, g.ow}), "conv2d_backward_weight: gradient ",
              shape_str(grad.shape()), " does not match the output shape");
  const Tensor dy = contiguous(grad), x = contiguous(x_in);
  Tensor dw = Tensor::empty(w_shape, dy.dtype(), dy.device());
  if (dw.numel() == 0) return dw;
  if (dy.numel() == 0 || x.numel() == 0) {
    fill_(dw, 0.0);
    return dw;
  }
  backend_of(dy).conv2d_backward_weight(dw, dy, x, g);
  return dw;
}

}  // namespace uflow::kernels
