// matmul and linear: known values from PyTorch, every transpose and layout path against the
// product by definition, batch broadcasting, and float64 gradient checks.
// Expected values: the PyTorch expressions in the comments, run after
// torch.set_default_dtype(torch.float64), so torch.arange(n.) and friends are float64.
#include "nn_test_util.h"
#include "test_util.h"

using namespace uflow;
using test::leaf;
using test::matmul_ref;
using test::seq;

TEST_CASE("matmul matches PyTorch on known values") {
  for (DType dt : {DType::f64, DType::f32}) {
    const double tol = dt == DType::f64 ? 1e-12 : 1e-5;
    // a = torch.sin(0.7 * torch.arange(6.) + 0.1).reshape(2, 3)
    // b = torch.sin(1.3 * torch.arange(12.) - 0.4).reshape(3, 4);  a @ b
    Tensor c = kernels::matmul(seq({2, 3}, 0.7, 0.1, dt), seq({3, 4}, 1.3, -0.4, dt));
    CHECK(c.dtype() == dt);
    CHECK_CLOSE(c,
                Tensor::from_vector({-1.2961400440234621, -1.0041025991346797, 0.75894750584860093,
                                     1.4101377367387862, -0.31243458063609225, 1.0119077538723904,
                                     0.85380285831009584, -0.55512522492384042},
                                    {2, 4}, DType::f64),
                tol, tol);
    // a = torch.sin(0.7 * torch.arange(12.) + 0.1).reshape(2, 2, 3)
    // b = torch.sin(1.3 * torch.arange(6.) - 0.4).reshape(3, 2);  a @ b  (b broadcast over batch)
    Tensor cb = kernels::matmul(seq({2, 2, 3}, 0.7, 0.1, dt), seq({3, 2}, 1.3, -0.4, dt));
    CHECK_CLOSE(
        cb,
        Tensor::from_vector(
            {-0.45256634701341358, -0.35514046798768562, 0.31941209724450337, 0.63000296966686453,
             0.1300584409014971, -0.2809686222576312, -0.45073109176340609, -0.34631114074375646},
            {2, 2, 2}, DType::f64),
        tol, tol);
  }
}

TEST_CASE("matmul transpose flags and transposed layouts") {
  const int64_t m = 3, k = 5, n = 4;
  for (DType dt : {DType::f64, DType::f32}) {
    const double tol = dt == DType::f64 ? 1e-12 : 1e-5;
    for (bool ta : {false, true})
      for (bool tb : {false, true}) {
        CAPTURE(ta);
        CAPTURE(tb);
        // Contiguous operands stored in the shape the flags expect.
        Tensor a = seq(ta ? Shape{k, m} : Shape{m, k}, 0.3, 0.2, dt);
        Tensor b = seq(tb ? Shape{n, k} : Shape{k, n}, 0.45, -0.1, dt);
        CHECK_CLOSE(kernels::matmul(a, b, ta, tb), matmul_ref(a, b, ta, tb), tol, tol);
        // The same logical operands as transposed views (strides swapped, no copy).
        Tensor av = kernels::transpose(seq(ta ? Shape{m, k} : Shape{k, m}, 0.3, 0.2, dt), 0, 1);
        Tensor bv = kernels::transpose(seq(tb ? Shape{k, n} : Shape{n, k}, 0.45, -0.1, dt), 0, 1);
        CHECK_FALSE(av.is_contiguous());
        CHECK_CLOSE(kernels::matmul(av, bv, ta, tb), matmul_ref(av, bv, ta, tb), tol, tol);
      }
  }
}

TEST_CASE("matmul reads strided, sliced and expanded operands") {
  // Every other column: neither layout BLAS accepts, so the operand is copied first.
  Tensor wide = seq({3, 10}, 0.3, 0.2);
  Tensor a = kernels::slice(wide, 1, 0, 10, 2);  // (3, 5) with column stride 2
  Tensor b = seq({5, 4}, 0.45, -0.1);
  CHECK_CLOSE(kernels::matmul(a, b), matmul_ref(a, b, false, false), 1e-12, 1e-12);
  // A row window of a bigger matrix: row-major with a leading dimension larger than its width.
  Tensor big = seq({6, 8}, 0.21, 0.5);
  Tensor win = kernels::narrow(kernels::narrow(big, 0, 1, 3), 1, 2, 5);  // (3, 5), ld 8
  CHECK_CLOSE(kernels::matmul(win, b), matmul_ref(win, b, false, false), 1e-12, 1e-12);
  CHECK_CLOSE(kernels::matmul(b, win, true, true), matmul_ref(b, win, true, true), 1e-12, 1e-12);
  // A row broadcast to a matrix (stride 0 rows).
  Tensor row = kernels::expand(seq({1, 5}, 0.8, 0.0), {3, 5});
  CHECK_CLOSE(kernels::matmul(row, b), matmul_ref(row, b, false, false), 1e-12, 1e-12);
  // Single row and single column edge shapes.
  Tensor r1 = seq({1, 5}, 0.8, 0.0), c1 = seq({5, 1}, 0.6, 0.3);
  CHECK_CLOSE(kernels::matmul(r1, c1), matmul_ref(r1, c1, false, false), 1e-12, 1e-12);
  CHECK_CLOSE(kernels::matmul(c1, r1), matmul_ref(c1, r1, false, false), 1e-12, 1e-12);
  CHECK_CLOSE(kernels::matmul(c1, c1, true, false), matmul_ref(c1, c1, true, false), 1e-12, 1e-12);
}

TEST_CASE("batched matmul with broadcasting over the batch") {
  struct Case {
    Shape a, b;
    bool ta, tb;
    Shape out;
  };
  const std::vector<Case> cases = {
      {{3, 2, 4}, {3, 4, 5}, false, false, {3, 2, 5}},
      {{3, 2, 4}, {4, 5}, false, false, {3, 2, 5}},  // shared right operand (one tall GEMM)
      {{3, 2, 4}, {5, 4}, false, true, {3, 2, 5}},
      {{3, 4, 2}, {4, 5}, true, false, {3, 2, 5}},   // transposed left cannot be stacked
      {{2, 4}, {3, 4, 5}, false, false, {3, 2, 5}},  // shared left operand
      {{1, 2, 4}, {3, 4, 5}, false, false, {3, 2, 5}},
      {{2, 1, 2, 4}, {3, 4, 5}, false, false, {2, 3, 2, 5}},  // broadcast in two batch dims
      {{2, 3, 4, 2}, {2, 3, 5, 4}, true, true, {2, 3, 2, 5}},
  };
  for (DType dt : {DType::f64, DType::f32}) {
    const double tol = dt == DType::f64 ? 1e-12 : 1e-5;
    for (const Case& c : cases) {
      CAPTURE(shape_str(c.a));
      CAPTURE(shape_str(c.b));
      Tensor a = seq(c.a, 0.37, 0.1, dt), b = seq(c.b, 0.53, -0.3, dt);
      Tensor out = kernels::matmul(a, b, c.ta, c.tb);
      CHECK(out.shape() == c.out);
      CHECK_CLOSE(out, matmul_ref(a, b, c.ta, c.tb), tol, tol);
    }
  }
  // A batch of transposed views: (B, k, m) viewed as (B, m, k) by permuting the last two dims.
  Tensor at = kernels::transpose(seq({3, 4, 2}, 0.37, 0.1), 1, 2);
  Tensor b = seq({3, 4, 5}, 0.53, -0.3);
  CHECK_CLOSE(kernels::matmul(at, b), matmul_ref(at, b, false, false), 1e-12, 1e-12);
  // Batch dims that are not in row-major order (permuted batch) fall back to a copy.
  Tensor pb = kernels::permute(seq({2, 3, 4, 5}, 0.11, 0.4), {1, 0, 2, 3});  // (3, 2, 4, 5)
  Tensor pa = seq({3, 2, 2, 4}, 0.29, 0.7);
  CHECK_CLOSE(kernels::matmul(pa, pb), matmul_ref(pa, pb, false, false), 1e-12, 1e-12);
}

TEST_CASE("matmul edge cases and errors") {
  // k = 0: an empty sum is zero.
  Tensor z = kernels::matmul(kernels::zeros({2, 0}), kernels::zeros({0, 3}));
  CHECK(z.shape() == Shape{2, 3});
  CHECK_CLOSE(z, kernels::zeros({2, 3}), 0, 0);
  CHECK(kernels::matmul(kernels::zeros({0, 4}), kernels::zeros({4, 3})).shape() == Shape{0, 3});
  CHECK_THROWS_AS(kernels::matmul(kernels::zeros({2, 3}), kernels::zeros({4, 2})), Error);
  CHECK_THROWS_AS(kernels::matmul(kernels::zeros({3}), kernels::zeros({3, 2})), Error);
  CHECK_THROWS_AS(kernels::matmul(kernels::zeros({2, 2, 3}), kernels::zeros({3, 3, 2})), Error);
  CHECK_THROWS_AS(kernels::matmul(kernels::zeros({2, 3}), kernels::zeros({3, 2}, DType::f64)),
                  Error);
}

TEST_CASE("linear is x·wᵀ + b over the last dim") {
  // torch: F.linear(x, w, b) == x @ w.T + b
  Tensor x = seq({2, 3, 4}, 0.37, 0.1), w = seq({5, 4}, 0.53, -0.3), b = seq({5}, 1.1, 0.2);
  Tensor y = linear(x, w, b);
  CHECK(y.shape() == Shape{2, 3, 5});
  Tensor ref = kernels::binary(BinaryOp::add, matmul_ref(x, w, false, true), b);
  CHECK_CLOSE(y, ref, 1e-12, 1e-12);
  CHECK_CLOSE(linear(x, w, Tensor()), matmul_ref(x, w, false, true), 1e-12, 1e-12);
  Tensor x1 = seq({4}, 0.2, 0.0);
  CHECK(linear(x1, w, b).shape() == Shape{5});
  CHECK_THROWS_AS(linear(x, seq({5, 3}, 0.1, 0.0), b), Error);
  CHECK_THROWS_AS(linear(x, w, seq({4}, 0.1, 0.0)), Error);
}

TEST_CASE("gradcheck matmul, every transpose combination") {
  for (bool ta : {false, true})
    for (bool tb : {false, true}) {
      CAPTURE(ta);
      CAPTURE(tb);
      Tensor a = leaf(seq(ta ? Shape{3, 2} : Shape{2, 3}, 0.7, 0.1));
      Tensor b = leaf(seq(tb ? Shape{4, 3} : Shape{3, 4}, 1.3, -0.4));
      CHECK_GRADCHECK([&](const std::vector<Tensor>& in) { return matmul(in[0], in[1], ta, tb); },
                      (std::vector<Tensor>{a, b}));
    }
}

TEST_CASE("gradcheck batched matmul with broadcasting and non-contiguous operands") {
  struct Case {
    Shape a, b;
    bool ta, tb;
  };
  const std::vector<Case> cases = {
      {{2, 2, 3}, {2, 3, 2}, false, false}, {{2, 2, 3}, {3, 2}, false, false},
      {{2, 3, 2}, {2, 3}, true, true},      {{2, 3}, {2, 3, 2}, false, false},
      {{3, 2}, {2, 2, 3}, true, true},      {{2, 1, 2, 3}, {2, 3, 2}, false, false},
  };
  for (const Case& c : cases) {
    CAPTURE(shape_str(c.a));
    CAPTURE(shape_str(c.b));
    Tensor a = leaf(seq(c.a, 0.37, 0.1)), b = leaf(seq(c.b, 0.53, -0.3));
    CHECK_GRADCHECK([&](const std::vector<Tensor>& in) { return matmul(in[0], in[1], c.ta, c.tb); },
                    (std::vector<Tensor>{a, b}));
  }
  // Leaves that are themselves transposed views.
  Tensor a = leaf(kernels::transpose(seq({2, 3, 2}, 0.37, 0.1), 1, 2));  // (2, 2, 3)
  Tensor b = leaf(kernels::transpose(seq({2, 3}, 0.53, -0.3), 0, 1));    // (3, 2)
  CHECK_GRADCHECK([](const std::vector<Tensor>& in) { return matmul(in[0], in[1]); },
                  (std::vector<Tensor>{a, b}));
}

TEST_CASE("gradcheck linear w.r.t. input, weight and bias") {
  Tensor x = leaf(seq({2, 2, 3}, 0.37, 0.1)), w = leaf(seq({4, 3}, 0.53, -0.3));
  Tensor b = leaf(seq({4}, 1.1, 0.2));
  CHECK_GRADCHECK([](const std::vector<Tensor>& in) { return linear(in[0], in[1], in[2]); },
                  (std::vector<Tensor>{x, w, b}));
  CHECK_GRADCHECK([](const std::vector<Tensor>& in) { return linear(in[0], in[1], Tensor()); },
                  (std::vector<Tensor>{x, w}));
  Tensor xt = leaf(kernels::transpose(seq({3, 2}, 0.37, 0.1), 0, 1));  // (2, 3), not contiguous
  CHECK_GRADCHECK([](const std::vector<Tensor>& in) { return linear(in[0], in[1], in[2]); },
                  (std::vector<Tensor>{xt, w, b}));
}
