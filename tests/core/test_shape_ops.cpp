// cat, split, stack, 2-d padding and pixel (un)shuffle: values by definition and from PyTorch,
// view semantics, strided inputs, errors, and float64 gradient checks.
#include <functional>

#include "core/nn_test_util.h"
#include "test_util.h"

using namespace uflow;
using test::leaf;
using test::seq;

namespace {

using Fn = std::function<Tensor(const std::vector<Tensor>&)>;

Tensor f64(const std::vector<double>& v, const Shape& s) {
  return Tensor::from_vector(v, s, DType::f64);
}

// Row-major multi-index of flat index i in shape s.
std::vector<int64_t> unravel(int64_t i, const Shape& s) {
  std::vector<int64_t> idx(s.size());
  for (int64_t d = static_cast<int64_t>(s.size()) - 1; d >= 0; --d) {
    idx[d] = i % s[d];
    i /= s[d];
  }
  return idx;
}

int64_t ravel(const std::vector<int64_t>& idx, const Shape& s) {
  int64_t i = 0;
  for (size_t d = 0; d < s.size(); ++d) i = i * s[d] + idx[d];
  return i;
}

// cat by its definition: output element idx comes from the input whose range along dim holds
// idx[dim], at idx[dim] minus that range's start.
void check_cat_by_definition(const std::vector<Tensor>& xs, int64_t dim, const Tensor& y) {
  std::vector<std::vector<double>> vals;
  for (const Tensor& x : xs) vals.push_back(x.to_vector());
  const std::vector<double> vy = y.to_vector();
  for (int64_t i = 0; i < y.numel(); ++i) {
    std::vector<int64_t> idx = unravel(i, y.shape());
    size_t k = 0;
    while (idx[dim] >= xs[k].size(dim)) idx[dim] -= xs[k++].size(dim);
    REQUIRE(vy[i] == vals[k][ravel(idx, xs[k].shape())]);
  }
}

}  // namespace

TEST_CASE("cat along every dim, with strided and empty inputs") {
  Tensor a = seq({2, 3, 4}, 0.3, 0.1);
  Tensor b = kernels::transpose(seq({4, 3, 2}, 0.7, 0.2), 0, 2);    // (2, 3, 4), not contiguous
  Tensor c = kernels::slice(seq({2, 6, 4}, 0.5, 0.3), 1, 0, 6, 2);  // (2, 3, 4), step 2
  REQUIRE_FALSE(b.is_contiguous());
  REQUIRE_FALSE(c.is_contiguous());
  for (int64_t dim : {0, 1, 2, -1}) {
    CAPTURE(dim);
    Tensor y = kernels::cat({a, b, c}, dim);
    const int64_t d = dim < 0 ? dim + 3 : dim;
    Shape expected = a.shape();
    expected[d] *= 3;
    REQUIRE(y.shape() == expected);
    check_cat_by_definition({a, b, c}, d, y);
  }
  // Parts of different lengths, one of them empty.
  Tensor e = kernels::zeros({2, 0, 4}, DType::f64);
  Tensor p = seq({2, 1, 4}, 0.9, 0.4);
  Tensor y = kernels::cat({a, e, p}, 1);
  CHECK(y.shape() == Shape{2, 4, 4});
  check_cat_by_definition({a, e, p}, 1, y);
  // f32 as well.
  Tensor y32 =
      kernels::cat({kernels::to_dtype(a, DType::f32), kernels::to_dtype(b, DType::f32)}, 0);
  CHECK(y32.dtype() == DType::f32);
  CHECK_CLOSE(y32, kernels::cat({a, b}, 0), 1e-7, 1e-6);
}

TEST_CASE("cat rejects mismatched inputs") {
  Tensor a = kernels::zeros({2, 3});
  CHECK_THROWS_AS(kernels::cat({}, 0), Error);
  CHECK_THROWS_AS(kernels::cat({a, kernels::zeros({3, 3})}, 1), Error);     // other dim differs
  CHECK_THROWS_AS(kernels::cat({a, kernels::zeros({2, 3, 1})}, 0), Error);  // rank differs
  CHECK_THROWS_AS(kernels::cat({a, kernels::zeros({2, 3}, DType::f64)}, 0), Error);
  CHECK_THROWS_AS(kernels::cat({a, a}, 2), Error);
}

TEST_CASE("split returns views that cover the input; stack adds a dim") {
  Tensor x = seq({3, 7}, 0.4, 0.2);
  std::vector<Tensor> parts = split(x, {2, 0, 5}, 1);
  REQUIRE(parts.size() == 3);
  CHECK(parts[0].shape() == Shape{3, 2});
  CHECK(parts[1].shape() == Shape{3, 0});
  CHECK(parts[2].shape() == Shape{3, 5});
  for (const Tensor& p : parts) CHECK(p.storage() == x.storage());  // views, no copies
  CHECK_CLOSE(kernels::cat(parts, 1), x, 0.0, 0.0);
  CHECK_THROWS_AS(split(x, {2, 4}, 1), Error);
  CHECK_THROWS_AS(split(x, {8, -1}, 1), Error);

  Tensor a = seq({2, 3}, 0.3, 0.1), b = kernels::transpose(seq({3, 2}, 0.6, 0.5), 0, 1);
  for (int64_t dim : {0, 1, 2, -1}) {
    CAPTURE(dim);
    Tensor s = stack({a, b}, dim);
    const int64_t d = dim < 0 ? dim + 3 : dim;
    Shape expected = {2, 3};
    expected.insert(expected.begin() + d, 2);
    REQUIRE(s.shape() == expected);
    // s.select(d, k) == input k.
    CHECK_CLOSE(kernels::squeeze(kernels::narrow(s, d, 0, 1), d), a, 0.0, 0.0);
    CHECK_CLOSE(kernels::squeeze(kernels::narrow(s, d, 1, 1), d), b, 0.0, 0.0);
  }
  CHECK_THROWS_AS(stack({a, kernels::zeros({3, 2}, DType::f64)}, 0), Error);
}

TEST_CASE("pad2d reflect and zero match PyTorch") {
  Tensor x = f64({0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, {1, 1, 3, 4});
  // F.pad(torch.arange(12.).reshape(1, 1, 3, 4), (2, 1, 1, 2), mode='reflect')
  const Tensor reflect = f64({6,  5, 4, 5, 6,  7,  6,  2, 1, 0, 1, 2, 3, 2, 6, 5, 4, 5, 6, 7, 6,
                              10, 9, 8, 9, 10, 11, 10, 6, 5, 4, 5, 6, 7, 6, 2, 1, 0, 1, 2, 3, 2},
                             {1, 1, 6, 7});
  // F.pad(torch.arange(12.).reshape(1, 1, 3, 4), (2, 1, 1, 2))
  const Tensor zero = f64({0, 0, 0, 0, 0,  0,  0, 0, 0, 0, 1, 2, 3, 0, 0, 0, 4, 5, 6, 7, 0,
                           0, 0, 8, 9, 10, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
                          {1, 1, 6, 7});
  CHECK_CLOSE(kernels::pad2d(x, 2, 1, 1, 2, PadMode::reflect), reflect, 0.0, 0.0);
  CHECK_CLOSE(kernels::pad2d(x, 2, 1, 1, 2, PadMode::zero), zero, 0.0, 0.0);
  // The reflect backward sums every position that copies an element:
  //   x = torch.arange(12.).reshape(1, 1, 3, 4).requires_grad_()
  //   w = torch.arange(42.).reshape(1, 1, 6, 7)
  //   (F.pad(x, (2, 1, 1, 2), mode='reflect') * w).sum().backward(); x.grad
  const Tensor grad = f64({46, 92, 146, 52, 48, 96, 156, 57, 23, 46, 73, 26}, {1, 1, 3, 4});
  const Tensor g = kernels::arange(42, DType::f64);
  CHECK_CLOSE(kernels::pad2d_backward(kernels::reshape(g, {1, 1, 6, 7}), x.shape(), 2, 1, 1, 2,
                                      PadMode::reflect),
              grad, 0.0, 0.0);
  // Zero padding's backward is the crop.
  CHECK_CLOSE(kernels::pad2d_backward(zero, x.shape(), 2, 1, 1, 2, PadMode::zero), x, 0.0, 0.0);
  // Strided input, leading dims and f32.
  Tensor t = kernels::transpose(kernels::to_dtype(seq({2, 3, 5, 4}, 0.3, 0.2), DType::f32), 2, 3);
  CHECK_CLOSE(kernels::pad2d(t, 3, 0, 1, 2, PadMode::reflect),
              kernels::pad2d(kernels::contiguous(t), 3, 0, 1, 2, PadMode::reflect), 0.0, 0.0);
  // Reflect needs padding smaller than the dim (PyTorch's rule).
  CHECK_THROWS_AS(kernels::pad2d(x, 0, 0, 3, 0, PadMode::reflect), Error);
  CHECK_THROWS_AS(kernels::pad2d(x, -1, 0, 0, 0, PadMode::zero), Error);
  CHECK(kernels::pad2d(x, 0, 0, 3, 0, PadMode::zero).shape() == Shape{1, 1, 6, 4});
}

TEST_CASE("pixel_shuffle follows out[c, r·i+dy, r·j+dx] = in[c·r² + r·dy + dx, i, j]") {
  // F.pixel_shuffle(torch.arange(16.).reshape(1, 4, 2, 2), 2)
  CHECK_CLOSE(
      kernels::pixel_shuffle(kernels::reshape(kernels::arange(16, DType::f64), {1, 4, 2, 2}), 2),
      f64({0, 4, 1, 5, 8, 12, 9, 13, 2, 6, 3, 7, 10, 14, 11, 15}, {1, 1, 4, 4}), 0.0, 0.0);
  for (int64_t r : {2, 3}) {
    CAPTURE(r);
    const int64_t n = 2, c = 3, h = 2, w = 3;
    Tensor x = seq({n, c * r * r, h, w}, 0.37, 0.1);
    Tensor y = kernels::pixel_shuffle(x, r);
    REQUIRE(y.shape() == Shape{n, c, h * r, w * r});
    const std::vector<double> vx = x.to_vector(), vy = y.to_vector();
    for (int64_t b = 0; b < n; ++b)
      for (int64_t ch = 0; ch < c; ++ch)
        for (int64_t i = 0; i < h; ++i)
          for (int64_t j = 0; j < w; ++j)
            for (int64_t dy = 0; dy < r; ++dy)
              for (int64_t dx = 0; dx < r; ++dx)
                REQUIRE(vy[ravel({b, ch, r * i + dy, r * j + dx}, y.shape())] ==
                        vx[ravel({b, ch * r * r + r * dy + dx, i, j}, x.shape())]);
    // The inverse, both ways round, also from strided inputs.
    CHECK_CLOSE(kernels::pixel_unshuffle(y, r), x, 0.0, 0.0);
    Tensor z = kernels::transpose(seq({n, c, w * r, h * r}, 0.21, 0.3), 2, 3);
    CHECK_CLOSE(kernels::pixel_shuffle(kernels::pixel_unshuffle(z, r), r), z, 0.0, 0.0);
  }
  CHECK_THROWS_AS(kernels::pixel_shuffle(kernels::zeros({1, 6, 2, 2}), 2), Error);
  CHECK_THROWS_AS(kernels::pixel_unshuffle(kernels::zeros({1, 1, 3, 4}), 2), Error);
}

TEST_CASE("shape ops gradcheck (f64)") {
  Tensor a = leaf(seq({2, 3, 2}, 0.3, 0.1));
  Tensor b = leaf(seq({2, 2, 3}, 0.7, 0.2));  // used through a transpose: strided
  Tensor c = leaf(seq({2, 1, 2}, 0.5, 0.3));
  CHECK_GRADCHECK(Fn([](const std::vector<Tensor>& in) {
                    return cat({in[0], transpose(in[1], 1, 2), in[2]}, 1);
                  }),
                  (std::vector<Tensor>{a, b, c}));
  // The same input twice: gradients accumulate.
  CHECK_GRADCHECK(Fn([](const std::vector<Tensor>& in) {
                    return cat({in[0], in[0]}, -1);
                  }),
                  (std::vector<Tensor>{a}));
  CHECK_GRADCHECK(Fn([](const std::vector<Tensor>& in) {
                    std::vector<Tensor> p = split(in[0], {1, 2, 0}, 1);
                    return cat({p[1], p[0]}, 1);  // reordered, so each part is checked
                  }),
                  (std::vector<Tensor>{a}));
  CHECK_GRADCHECK(Fn([](const std::vector<Tensor>& in) {
                    return stack({in[0], transpose(in[1], 1, 2)}, 2);
                  }),
                  (std::vector<Tensor>{a, b}));
  for (PadMode mode : {PadMode::zero, PadMode::reflect}) {
    CAPTURE(static_cast<int>(mode));
    CHECK_GRADCHECK(Fn([mode](const std::vector<Tensor>& in) {
                      return pad2d(transpose(in[0], 2, 3), 2, 1, 0, 2, mode);
                    }),
                    (std::vector<Tensor>{leaf(seq({1, 2, 4, 3}, 0.4, 0.2))}));
  }
  CHECK_GRADCHECK(Fn([](const std::vector<Tensor>& in) { return pixel_shuffle(in[0], 2); }),
                  (std::vector<Tensor>{leaf(seq({1, 8, 2, 3}, 0.3, 0.3))}));
  CHECK_GRADCHECK(Fn([](const std::vector<Tensor>& in) { return pixel_unshuffle(in[0], 2); }),
                  (std::vector<Tensor>{leaf(seq({1, 2, 4, 2}, 0.3, 0.3))}));
}
