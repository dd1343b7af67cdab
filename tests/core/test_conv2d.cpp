// conv2d: known values from PyTorch (padding, stride 2, groups, 'same' with an even kernel),
// wider shape coverage against the convolution by definition, and float64 gradient checks
// w.r.t. input, weight and bias.
// Expected values: the PyTorch expressions in the comments, run after
// torch.set_default_dtype(torch.float64), so torch.arange(n.) and friends are float64.
#include "nn_test_util.h"
#include "test_util.h"

using namespace uflow;
using test::conv2d_ref;
using test::cos_seq;
using test::leaf;
using test::seq;

namespace {

// torch: bias = 0.1 * torch.arange(n, dtype=torch.float64) - 0.2
Tensor bias_seq(int64_t n, DType dt = DType::f64) {
  std::vector<double> v(n);
  for (int64_t i = 0; i < n; ++i) v[i] = 0.1 * static_cast<double>(i) - 0.2;
  return Tensor::from_vector(v, {n}, dt);
}

Conv2dOptions opts(int64_t stride, int64_t pad, int64_t groups = 1, bool same = false) {
  Conv2dOptions o;
  o.stride_h = o.stride_w = stride;
  o.pad_h = o.pad_w = pad;
  o.groups = groups;
  o.same = same;
  return o;
}

}  // namespace

TEST_CASE("conv2d matches PyTorch on known values") {
  for (DType dt : {DType::f64, DType::f32}) {
    const double tol = dt == DType::f64 ? 1e-12 : 2e-5;
    const std::string dtype = dtype_name(dt);
    CAPTURE(dtype);
    {  // 3x3, padding 1, bias
      // x = torch.sin(0.37 * torch.arange(24.) + 0.1).reshape(1, 2, 3, 4)
      // w = 0.5 * torch.cos(0.91 * torch.arange(36.)).reshape(2, 2, 3, 3)
      // F.conv2d(x, w, 0.1 * torch.arange(2.) - 0.2, padding=1)
      Tensor y = kernels::conv2d(seq({1, 2, 3, 4}, 0.37, 0.1, dt),
                                 cos_seq({2, 2, 3, 3}, 0.91, 0.5, dt), bias_seq(2, dt), opts(1, 1));
      CHECK_CLOSE(
          y,
          Tensor::from_vector({-0.37644402299808921, -0.55046960161332192,  -1.0111806878371605,
                               -0.71948807624459732, -0.62273425321488363,  -0.49031705938761155,
                               -0.24374848430062546, 0.04479245175412766,   0.89825248113253009,
                               1.2241047460512464,   1.0201084854966784,    0.76044622864951672,
                               0.24112542128753925,  0.33659972266457561,   0.77815883097384142,
                               0.82902089375524901,  0.35616387055653531,   0.48931706745094644,
                               0.32918086366435306,  -0.063099487870324655, -0.54470369038963729,
                               -1.1199616921908873,  -0.94127985048130647,  -0.92347736665186586},
                              {1, 2, 3, 4}, DType::f64),
          tol, tol);
    }
    {  // stride 2, padding 1
      // x = torch.sin(0.37 * torch.arange(50.) + 0.1).reshape(1, 2, 5, 5)
      // F.conv2d(x, 0.5 * torch.cos(0.91 * torch.arange(36.)).reshape(2, 2, 3, 3),
      //          stride=2, padding=1)
      Tensor y = kernels::conv2d(seq({1, 2, 5, 5}, 0.37, 0.1, dt),
                                 cos_seq({2, 2, 3, 3}, 0.91, 0.5, dt), Tensor(), opts(2, 1));
      CHECK_CLOSE(
          y,
          Tensor::from_vector(
              {1.0742811458740047, -0.71597493155075931, -1.3974028864294341, 1.1702864802342696,
               3.0476556654362601, 1.652975821373422, -1.9677298163348325, -1.7924834049703282,
               0.097511410895524619, -1.1490140534364246, -0.15843640264714498, 1.4705624438041176,
               0.030299452260303034, -2.2537318934745132, -2.2699143644044124, 0.99550844420014317,
               1.9790298537337283, 0.36596290692842159},
              {1, 2, 3, 3}, DType::f64),
          tol, tol);
    }
    {  // groups 2, bias
      // x = torch.sin(0.37 * torch.arange(36.) + 0.1).reshape(1, 4, 3, 3)
      // F.conv2d(x, 0.5 * torch.cos(0.91 * torch.arange(32.)).reshape(4, 2, 2, 2),
      //          0.1 * torch.arange(4.) - 0.2, groups=2)
      Tensor y =
          kernels::conv2d(seq({1, 4, 3, 3}, 0.37, 0.1, dt), cos_seq({4, 2, 2, 2}, 0.91, 0.5, dt),
                          bias_seq(4, dt), opts(1, 0, 2));
      CHECK_CLOSE(
          y,
          Tensor::from_vector(
              {-1.2336594685358133, -0.70943321530137182, 0.46558393727453862, 0.95734177726950576,
               -1.9383083904437675, -1.9352825966155116, -1.2180692204483374, -0.60095310397360036,
               -1.4915005545914191, -1.8074415006561517, -1.6957854345470449, -1.2833005471187868,
               0.31313278605810152, -0.28574362907768786, -1.2528817620602672, -1.4902458706579462},
              {1, 4, 2, 2}, DType::f64),
          tol, tol);
    }
    {  // 'same' padding with an even 2x4 kernel
      // x = torch.sin(0.37 * torch.arange(24.) + 0.1).reshape(1, 2, 3, 4)
      // F.conv2d(x, 0.5 * torch.cos(0.91 * torch.arange(16.)).reshape(1, 2, 2, 4), padding='same')
      Tensor y =
          kernels::conv2d(seq({1, 2, 3, 4}, 0.37, 0.1, dt), cos_seq({1, 2, 2, 4}, 0.91, 0.5, dt),
                          Tensor(), opts(1, 0, 1, true));
      CHECK_CLOSE(
          y,
          Tensor::from_vector({1.2753051993003426, 0.61143972300349114, 0.7089113185040834,
                               0.43142932571173603, 0.30653868842729592, 0.19095387961338309,
                               0.78062587731963284, 1.0736300130746026, -0.67410450577764491,
                               -0.23103232792102657, -0.45040505613233306, -0.43719795032887532},
                              {1, 1, 3, 4}, DType::f64),
          tol, tol);
    }
  }
}

TEST_CASE("conv2d against the convolution by definition") {
  struct Case {
    Shape x, w;
    int64_t stride, pad, groups;
    bool same, bias;
  };
  const std::vector<Case> cases = {
      {{3, 4, 7, 6}, {6, 4, 3, 3}, 1, 1, 1, false, true},       // batch > 1: parallel over samples
      {{2, 4, 7, 6}, {4, 2, 3, 3}, 2, 1, 2, false, true},       // stride 2 with groups
      {{2, 6, 5, 5}, {6, 1, 3, 3}, 1, 1, 6, false, false},      // depthwise
      {{2, 3, 5, 4}, {5, 3, 1, 1}, 1, 0, 1, false, true},       // pointwise: no im2col
      {{2, 3, 5, 4}, {5, 3, 1, 1}, 2, 0, 1, false, false},      // strided 1x1 still unfolds
      {{2, 2, 6, 5}, {3, 2, 4, 2}, 1, 0, 1, true, true},        // 'same', even kernel
      {{1, 2, 6, 7}, {2, 2, 5, 3}, 1, 0, 1, true, false},       // 'same', odd kernel
      {{2, 3, 8, 8}, {4, 3, 3, 3}, 3, 2, 1, false, true},       // stride 3, pad 2
      {{1, 2, 3, 3}, {2, 2, 3, 3}, 1, 0, 1, false, true},       // kernel the size of the input
      {{2, 16, 16, 16}, {24, 16, 5, 5}, 1, 2, 1, false, true},  // wide: batch in one GEMM
      {{11, 64, 64, 64}, {8, 64, 3, 3}, 1, 1, 1, false, true},  // wide, in two chunks
      // 3×3, stride 1, no groups, ≥ 16 channels a side: Winograd F(2×2, 3×3). Even and odd
      // sizes (partial edge tiles), every padding it takes, 'same', a 1×1 input.
      {{2, 16, 16, 16}, {16, 16, 3, 3}, 1, 1, 1, false, true},
      {{1, 16, 7, 5}, {24, 16, 3, 3}, 1, 1, 1, false, true},
      {{2, 20, 9, 8}, {16, 20, 3, 3}, 1, 0, 1, false, false},
      {{1, 16, 6, 7}, {16, 16, 3, 3}, 1, 2, 1, false, true},
      {{1, 16, 5, 6}, {16, 16, 3, 3}, 1, 0, 1, true, true},
      {{3, 17, 1, 1}, {18, 17, 3, 3}, 1, 1, 1, false, true},
  };
  for (DType dt : {DType::f64, DType::f32}) {
    const double tol = dt == DType::f64 ? 1e-12 : 3e-5;
    for (const Case& c : cases) {
      CAPTURE(shape_str(c.x));
      CAPTURE(shape_str(c.w));
      const std::string dtype = dtype_name(dt);
      CAPTURE(dtype);
      Tensor x = seq(c.x, 0.37, 0.1, dt), w = cos_seq(c.w, 0.91, 0.5, dt);
      Tensor b = c.bias ? bias_seq(c.w[0], dt) : Tensor();
      Conv2dOptions o = opts(c.stride, c.pad, c.groups, c.same);
      const int64_t pt = c.same ? (c.w[2] - 1) / 2 : c.pad, pl = c.same ? (c.w[3] - 1) / 2 : c.pad;
      const int64_t oh = c.same ? c.x[2] : (c.x[2] + 2 * c.pad - c.w[2]) / c.stride + 1;
      const int64_t ow = c.same ? c.x[3] : (c.x[3] + 2 * c.pad - c.w[3]) / c.stride + 1;
      CHECK_CLOSE(kernels::conv2d(x, w, b, o),
                  conv2d_ref(x, w, b, c.stride, c.stride, pt, pl, oh, ow, c.groups), tol, tol);
    }
  }
  // Asymmetric stride and padding.
  Conv2dOptions o;
  o.stride_h = 2;
  o.stride_w = 1;
  o.pad_h = 0;
  o.pad_w = 2;
  Tensor x = seq({2, 2, 7, 5}, 0.37, 0.1), w = cos_seq({3, 2, 3, 2}, 0.91, 0.5);
  CHECK_CLOSE(kernels::conv2d(x, w, Tensor(), o), conv2d_ref(x, w, Tensor(), 2, 1, 0, 2, 3, 8, 1),
              1e-12, 1e-12);
}

TEST_CASE("conv2d reads non-contiguous inputs and weights") {
  Tensor x = kernels::transpose(seq({1, 3, 5, 4}, 0.37, 0.1), 2, 3);            // (1, 3, 4, 5)
  Tensor w = kernels::permute(cos_seq({3, 3, 3, 2}, 0.91, 0.5), {3, 2, 0, 1});  // (2, 3, 3, 3)
  CHECK_FALSE(x.is_contiguous());
  CHECK_CLOSE(kernels::conv2d(x, w, Tensor(), opts(1, 1)),
              conv2d_ref(x, w, Tensor(), 1, 1, 1, 1, 4, 5, 1), 1e-12, 1e-12);
}

TEST_CASE("conv2d rejects bad shapes and options") {
  Tensor x = seq({1, 4, 5, 5}, 0.1, 0.0), w = seq({2, 4, 3, 3}, 0.1, 0.0);
  CHECK_THROWS_AS(kernels::conv2d(seq({4, 5, 5}, 0.1, 0.0), w, Tensor(), opts(1, 0)), Error);
  CHECK_THROWS_AS(kernels::conv2d(x, seq({2, 3, 3, 3}, 0.1, 0.0), Tensor(), opts(1, 0)), Error);
  CHECK_THROWS_AS(kernels::conv2d(x, w, Tensor(), opts(1, 0, 3)), Error);  // groups ∤ channels
  CHECK_THROWS_AS(kernels::conv2d(x, w, seq({3}, 0.1, 0.0), opts(1, 0)), Error);  // bias size
  CHECK_THROWS_AS(kernels::conv2d(x, seq({2, 4, 7, 7}, 0.1, 0.0), Tensor(), opts(1, 0)), Error);
  CHECK_THROWS_AS(kernels::conv2d(x, w, Tensor(), opts(2, 0, 1, true)), Error);  // 'same', stride 2
}

namespace {

double dot(const Tensor& a, const Tensor& b) {
  const std::vector<double> va = a.to_vector(), vb = b.to_vector();
  double s = 0;
  for (size_t i = 0; i < va.size(); ++i) s += va[i] * vb[i];
  return s;
}

}  // namespace

TEST_CASE("conv2d backward passes are the adjoints of the forward (dot-product test)") {
  // For y = conv(x, w), linear in each argument: <conv(x, w), g> = <x, dX(g)> = <w, dW(g)>.
  // The larger ungrouped shapes run one GEMM per chunk of samples (the wide layout), the
  // grouped one a big GEMM per sample, the smaller ones spread samples over threads.
  struct Case {
    Shape x, w;
    Conv2dOptions o;
  };
  const std::vector<Case> cases = {
      {{2, 16, 16, 16}, {16, 16, 3, 3}, opts(1, 1)},
      {{2, 16, 17, 15}, {24, 8, 3, 3}, opts(2, 1, 2)},
      {{2, 16, 16, 16}, {16, 16, 4, 2}, opts(1, 0, 1, true)},
      {{2, 64, 12, 12}, {64, 64, 1, 1}, opts(1, 0)},
      {{3, 4, 6, 5}, {6, 2, 3, 3}, opts(2, 1, 2)},
      {{3, 4, 6, 5}, {6, 4, 2, 2}, opts(1, 0, 1, true)},
      {{11, 64, 64, 64}, {8, 64, 3, 3}, opts(1, 1)},  // the wide layout in two chunks
      // Winograd forward and both gradients: odd sizes (partial edge tiles), padding 0 and 2,
      // and a batch in three chunks of samples.
      {{2, 16, 9, 7}, {24, 16, 3, 3}, opts(1, 1)},
      {{2, 16, 8, 9}, {16, 16, 3, 3}, opts(1, 0)},
      {{1, 16, 5, 6}, {16, 16, 3, 3}, opts(1, 2)},
      {{60, 16, 64, 64}, {16, 16, 3, 3}, opts(1, 1)},
  };
  for (DType dt : {DType::f64, DType::f32}) {
    const double tol = dt == DType::f64 ? 1e-10 : 2e-4;
    for (const Case& c : cases) {
      // The chunked cases sum ~10^8 products that cancel down to ~0.1: float32 rounding
      // alone exceeds the tolerance there, so it is checked in float64 only.
      if (dt == DType::f32 && c.x[0] > 10) continue;
      CAPTURE(shape_str(c.x));
      CAPTURE(shape_str(c.w));
      Tensor x = seq(c.x, 0.37, 0.1, dt), w = cos_seq(c.w, 0.91, 0.5, dt);
      Tensor y = kernels::conv2d(x, w, Tensor(), c.o);
      Tensor g = seq(y.shape(), 0.23, 0.7, dt);
      const double lhs = dot(y, g);
      const double via_x = dot(x, kernels::conv2d_backward_input(g, w, x.shape(), c.o));
      const double via_w = dot(w, kernels::conv2d_backward_weight(g, x, w.shape(), c.o));
      CHECK(via_x == doctest::Approx(lhs).epsilon(tol));
      CHECK(via_w == doctest::Approx(lhs).epsilon(tol));
    }
  }
}

TEST_CASE("gradcheck conv2d w.r.t. input, weight and bias") {
  struct Case {
    Shape x, w;
    int64_t stride, pad, groups;
    bool same;
  };
  const std::vector<Case> cases = {
      {{2, 2, 4, 4}, {2, 2, 3, 3}, 1, 1, 1, false},
      {{1, 2, 5, 5}, {2, 2, 3, 3}, 2, 1, 1, false},  // stride 2
      {{1, 4, 3, 3}, {4, 2, 2, 2}, 1, 0, 2, false},  // groups
      {{1, 2, 3, 4}, {2, 2, 2, 2}, 1, 0, 1, true},   // 'same', even kernel
      {{2, 3, 3, 2}, {2, 3, 1, 1}, 1, 0, 1, false},  // pointwise
  };
  for (const Case& c : cases) {
    CAPTURE(shape_str(c.x));
    CAPTURE(shape_str(c.w));
    Tensor x = leaf(seq(c.x, 0.37, 0.1)), w = leaf(cos_seq(c.w, 0.91, 0.5));
    Tensor b = leaf(bias_seq(c.w[0]));
    const Conv2dOptions o = opts(c.stride, c.pad, c.groups, c.same);
    CHECK_GRADCHECK([&](const std::vector<Tensor>& in) { return conv2d(in[0], in[1], in[2], o); },
                    (std::vector<Tensor>{x, w, b}));
  }
  // The Winograd path (3×3, stride 1, ≥ 16 channels), odd output size, padding 1 and 0: all
  // three gradients with padding 1 (3×3 output, one partial tile a side), input and bias with
  // padding 0 (a 1×1 output).
  for (int64_t pad : {1, 0}) {
    Tensor x = leaf(seq({1, 16, 3, 3}, 0.37, 0.1)), w = leaf(cos_seq({16, 16, 3, 3}, 0.91, 0.5));
    Tensor b = leaf(bias_seq(16));
    if (pad == 1)
      CHECK_GRADCHECK(
          [&](const std::vector<Tensor>& in) { return conv2d(in[0], in[1], in[2], opts(1, pad)); },
          (std::vector<Tensor>{x, w, b}));
    else
      CHECK_GRADCHECK(
          [&](const std::vector<Tensor>& in) { return conv2d(in[0], w, in[1], opts(1, pad)); },
          (std::vector<Tensor>{x, b}));
  }
  // Without bias, from a non-contiguous input leaf.
  Tensor xt = leaf(kernels::transpose(seq({1, 2, 4, 3}, 0.37, 0.1), 2, 3));  // (1, 2, 3, 4)
  Tensor w = leaf(cos_seq({2, 2, 3, 3}, 0.91, 0.5));
  CHECK_GRADCHECK(
      [](const std::vector<Tensor>& in) { return conv2d(in[0], in[1], Tensor(), opts(1, 1)); },
      (std::vector<Tensor>{xt, w}));
}

TEST_CASE("Winograd weight gradient in float32 stays within float32 rounding of float64") {
  // The flow's shape class (3×3, 408 channels would be slow here; 64 keeps the sums long): the
  // transforms add and halve, so the float32 gradient must stay as close to the float64 one as
  // an im2col GEMM of the same length would (relative error in the norm ~1e-6).
  const Shape xs{4, 64, 14, 13}, ws{48, 64, 3, 3};
  const Conv2dOptions o = opts(1, 1);
  Tensor x64 = seq(xs, 0.37, 0.1), g64 = cos_seq({4, 48, 14, 13}, 0.23, 0.7);
  Tensor dw64 = kernels::conv2d_backward_weight(g64, x64, ws, o);
  Tensor dw32 = kernels::conv2d_backward_weight(kernels::to_dtype(g64, DType::f32),
                                                kernels::to_dtype(x64, DType::f32), ws, o);
  const std::vector<double> a = dw64.to_vector(), b = dw32.to_vector();
  double diff = 0, norm = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    diff += (a[i] - b[i]) * (a[i] - b[i]);
    norm += a[i] * a[i];
  }
  CHECK(norm > 1.0);
  CHECK(std::sqrt(diff / norm) < 1e-5);
}
