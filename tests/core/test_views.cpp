// View semantics: views share storage and have the expected strides and offsets, reshape
// copies only when it must, expand uses stride 0, and values read through any view are right.
#include "test_util.h"

using namespace uflow;

namespace {
Tensor grid(int64_t rows, int64_t cols) {
  return kernels::reshape(kernels::arange(rows * cols, DType::f64), {rows, cols});
}
}  // namespace

TEST_CASE("permute and transpose share storage and swap strides") {
  Tensor x = kernels::reshape(kernels::arange(24, DType::f64), {2, 3, 4});
  Tensor p = kernels::permute(x, {2, 0, 1});
  CHECK(p.storage() == x.storage());
  CHECK(p.shape() == Shape{4, 2, 3});
  CHECK(p.strides() == Shape{1, 12, 4});
  CHECK_FALSE(p.is_contiguous());
  Tensor t = kernels::transpose(x, 0, -1);
  CHECK(t.shape() == Shape{4, 3, 2});
  CHECK(t.strides() == Shape{1, 4, 12});
  // p[i, j, k] = x[j, k, i] = 12 j + 4 k + i
  std::vector<double> e;
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 2; ++j)
      for (int k = 0; k < 3; ++k) e.push_back(12 * j + 4 * k + i);
  CHECK(p.to_vector() == e);
  CHECK_THROWS_AS(kernels::permute(x, {0, 0, 1}), Error);
  CHECK_THROWS_AS(kernels::permute(x, {0, 1}), Error);
}

TEST_CASE("narrow and slice move the offset and scale the stride") {
  Tensor x = grid(4, 6);
  Tensor n = kernels::narrow(x, 1, 2, 3);
  CHECK(n.storage() == x.storage());
  CHECK(n.offset() == 2);
  CHECK(n.shape() == Shape{4, 3});
  CHECK(n.strides() == Shape{6, 1});
  Tensor s = kernels::slice(x, 0, 1, 4, 2);  // rows 1 and 3
  CHECK(s.offset() == 6);
  CHECK(s.strides() == Shape{12, 1});
  CHECK(s.to_vector() == std::vector<double>{6, 7, 8, 9, 10, 11, 18, 19, 20, 21, 22, 23});
  Tensor s2 = kernels::slice(x, 1, -3, 6, 2);  // columns 3 and 5
  CHECK(s2.offset() == 3);
  CHECK(s2.to_vector() == std::vector<double>{3, 5, 9, 11, 15, 17, 21, 23});
  // A slice of a slice composes offsets.
  Tensor ss = kernels::narrow(kernels::narrow(x, 0, 1, 3), 1, 1, 2);
  CHECK(ss.offset() == 7);
  CHECK(ss.to_vector() == std::vector<double>{7, 8, 13, 14, 19, 20});
  // Writing through a view changes the base.
  kernels::fill_(ss, -1);
  CHECK(x.to_vector()[7] == -1);
  CHECK(x.to_vector()[20] == -1);
  CHECK(x.to_vector()[9] == 9);
}

TEST_CASE("expand broadcasts with stride 0") {
  Tensor x = Tensor::from_vector({1, 2, 3}, {3, 1}, DType::f64);
  Tensor e = kernels::expand(x, {2, 3, 4});
  CHECK(e.storage() == x.storage());
  CHECK(e.strides() == Shape{0, 1, 0});
  CHECK(e.to_vector() == std::vector<double>{1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3,
                                             1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3});
  CHECK(kernels::expand(x, {3, -1}).shape() == Shape{3, 1});
  CHECK_THROWS_AS(kernels::expand(x, {2, 4}), Error);
}

TEST_CASE("reshape is a view when strides allow and a copy otherwise") {
  Tensor x = kernels::reshape(kernels::arange(24, DType::f64), {2, 3, 4});
  Tensor r = kernels::reshape(x, {6, -1});
  CHECK(r.storage() == x.storage());
  CHECK(r.shape() == Shape{6, 4});
  // Merging dims 0 and 1 of a narrowed tensor (rows stay evenly spaced) is still a view.
  Tensor n = kernels::narrow(x, 2, 1, 2);
  Tensor rn = kernels::reshape(n, {6, 2});
  CHECK(rn.storage() == x.storage());
  CHECK(rn.strides() == Shape{4, 1});
  CHECK(rn.to_vector() == n.to_vector());
  // Flattening a transpose cannot be a view.
  Tensor t = kernels::transpose(x, 1, 2);
  Tensor rt = kernels::reshape(t, {24});
  CHECK(rt.storage() != x.storage());
  CHECK(rt.to_vector() == t.to_vector());
  // Splitting a dim of a transposed tensor can.
  Tensor st = kernels::reshape(t, {2, 2, 2, 3});
  CHECK(st.storage() == x.storage());
  CHECK(st.to_vector() == t.to_vector());
  CHECK_THROWS_AS(kernels::reshape(x, {5, -1}), Error);
  CHECK_THROWS_AS(kernels::reshape(x, {-1, -1}), Error);
}

TEST_CASE("unsqueeze and squeeze add and remove unit dims") {
  Tensor x = grid(2, 3);
  Tensor u = kernels::unsqueeze(x, 1);
  CHECK(u.shape() == Shape{2, 1, 3});
  CHECK(u.storage() == x.storage());
  CHECK(kernels::unsqueeze(x, -1).shape() == Shape{2, 3, 1});
  CHECK(kernels::squeeze(u, 1).shape() == Shape{2, 3});
  CHECK(kernels::squeeze(u, 1).strides() == x.strides());
  CHECK_THROWS_AS(kernels::squeeze(x, 0), Error);
}

TEST_CASE("contiguous and clone") {
  Tensor x = grid(3, 4);
  CHECK(kernels::contiguous(x).same(x));
  Tensor c = kernels::clone(x);
  CHECK(c.storage() != x.storage());
  Tensor t = kernels::transpose(x, 0, 1);
  Tensor tc = kernels::contiguous(t);
  CHECK(tc.is_contiguous());
  CHECK(tc.to_vector() == t.to_vector());
  CHECK(tc.storage() != x.storage());
}

TEST_CASE("to_vector reads any strides and views of other dtypes convert") {
  Tensor x = grid(3, 4);
  Tensor v = Tensor::view_of(x, {2, 2}, {5, 2}, 1);  // elements 1, 3, 6, 8
  CHECK(v.to_vector() == std::vector<double>{1, 3, 6, 8});
  Tensor f = kernels::to_dtype(v, DType::f32);
  CHECK(f.dtype() == DType::f32);
  CHECK(f.to_vector() == std::vector<double>{1, 3, 6, 8});
}

TEST_CASE("differentiable views send gradients back through the inverse geometry") {
  Tensor x = kernels::rand_uniform({2, 3, 4}, 3, 0, -1, 1, DType::f64);
  x.set_requires_grad(true);
  auto check = [&](const std::function<Tensor(const Tensor&)>& f) {
    CHECK_GRADCHECK([&](const std::vector<Tensor>& in) { return f(in[0]); },
                    std::vector<Tensor>{x});
  };
  // Each view is followed by a non-uniform op so a wrong mapping shows in the gradient.
  auto w = [](const Tensor& y) { return mul(y, y); };
  check([&](const Tensor& t) { return w(reshape(t, {4, 6})); });
  check([&](const Tensor& t) { return w(flatten(t, 1)); });
  check([&](const Tensor& t) { return w(flatten(t)); });
  check([&](const Tensor& t) { return w(permute(t, {1, 2, 0})); });
  check([&](const Tensor& t) { return w(transpose(t, 0, 2)); });
  check([&](const Tensor& t) { return w(narrow(t, 2, 1, 2)); });
  check([&](const Tensor& t) { return w(slice(t, 1, 0, 3, 2)); });
  check([&](const Tensor& t) { return w(slice(t, -1, -3, 4, 1)); });
  check([&](const Tensor& t) { return w(expand(unsqueeze(t, 1), {2, 5, 3, 4})); });
  check([&](const Tensor& t) { return w(squeeze(unsqueeze(t, 0), 0)); });
  check([&](const Tensor& t) { return w(contiguous(transpose(t, 0, 1))); });
  check([&](const Tensor& t) { return w(clone(t)); });
  check([&](const Tensor& t) { return w(to_device(t, Device::cpu)); });
}

TEST_CASE("to_dtype sends the gradient back in the input's dtype") {
  Tensor x = Tensor::from_vector({0.5, -2.0, 3.0}, {3}, DType::f64);
  x.set_requires_grad(true);
  Tensor y = to_dtype(x, DType::f32);
  CHECK(y.dtype() == DType::f32);
  backward(sum(mul(y, y)));
  CHECK(x.grad().dtype() == DType::f64);
  CHECK(x.grad().to_vector() == std::vector<double>{1.0, -4.0, 6.0});
}

TEST_CASE("narrow rejects ranges outside the dim") {
  Tensor x = grid(2, 3);
  x.set_requires_grad(true);
  CHECK_THROWS_AS(narrow(x, 1, 2, 2), Error);
  CHECK_THROWS_AS(narrow(x, 1, -1, 1), Error);
}

TEST_CASE("flatten merges a range of dims") {
  Tensor x = kernels::zeros({2, 3, 4, 5});
  CHECK(flatten(x).shape() == Shape{120});
  CHECK(flatten(x, 1, 2).shape() == Shape{2, 12, 5});
  CHECK(flatten(x, -2).shape() == Shape{2, 3, 20});
  CHECK_THROWS_AS(flatten(x, 2, 1), Error);
}

TEST_CASE("raw narrow and expand reject what PyTorch rejects") {
  Tensor x = grid(2, 3);
  CHECK_THROWS_AS(kernels::narrow(x, 1, 2, 2), Error);
  CHECK_THROWS_AS(kernels::narrow(x, 0, 0, 3), Error);
  CHECK(kernels::narrow(x, 1, 3, 0).numel() == 0);
  CHECK_THROWS_AS(kernels::expand(x, {-1, 2, 3}), Error);
  CHECK_THROWS_AS(kernels::arange(-1), Error);
}
