// The element-wise math, written once as __host__ __device__ functions: the CPU loops and the
// CUDA kernels call the same code, so the two backends cannot drift apart.
#pragma once
#include <cmath>
#include <type_traits>

#include "tensor/dtype.h"
#include "tensor/ops.h"
#if !defined(__CUDA_ARCH__)
#include "tensor/cpu/vector_math.h"
#endif

namespace uflow::ew {

using uflow::BinaryOp;
using uflow::Operand;
using uflow::ScalarOp;
using uflow::UnaryOp;

#if !defined(__CUDACC__)
// On the host, unqualified exp(float) would find only ::exp(double) from the C library and
// compute f32 math in double; the std overloads keep f32 in f32 as the device does.
using std::atan;
using std::cos;
using std::erf;
using std::erfc;
using std::exp;
using std::log;
using std::log1p;
using std::pow;
using std::sqrt;
using std::tanh;
#endif

// Φ(x), the gate of the exact GELU x·Φ(x), as erfc(−x/√2)/2: equal to PyTorch's
// (1 + erf(x/√2))/2 but without its cancellation in the lower tail. On the host, float uses the
// vectorisable tensor/cpu/vector_math.h (a scalar erfc call would stop the loop's
// vectorisation); double and the GPU use the platform's erfc.
template <typename T>
UFLOW_HD T gelu_cdf(T x) {
#if !defined(__CUDA_ARCH__)
  if constexpr (std::is_same_v<T, float>) return cpu::vec::normal_cdf(x);
#endif
  return T(0.5) * erfc(x * T(-0.70710678118654752440));
}
// e^x for the GELU's density term, vectorisable on the host in float (as above).
template <typename T>
UFLOW_HD T gelu_exp(T x) {
#if !defined(__CUDA_ARCH__)
  if constexpr (std::is_same_v<T, float>) return cpu::vec::exp(x);
#endif
  return exp(x);
}

template <UnaryOp OP, typename T>
UFLOW_HD T unary(T x) {
  if constexpr (OP == UnaryOp::neg) return -x;
  if constexpr (OP == UnaryOp::abs) return x < T(0) ? -x : x;
  if constexpr (OP == UnaryOp::exp) return exp(x);
  if constexpr (OP == UnaryOp::log) return log(x);
  if constexpr (OP == UnaryOp::log1p) return log1p(x);
  if constexpr (OP == UnaryOp::sqrt) return sqrt(x);
  if constexpr (OP == UnaryOp::rsqrt) return T(1) / sqrt(x);
  if constexpr (OP == UnaryOp::square) return x * x;
  if constexpr (OP == UnaryOp::tanh) return tanh(x);
  if constexpr (OP == UnaryOp::atan) return atan(x);
  if constexpr (OP == UnaryOp::sigmoid) return T(1) / (T(1) + exp(-x));
  if constexpr (OP == UnaryOp::relu) return x > T(0) ? x : T(0);
  if constexpr (OP == UnaryOp::gelu) return x * gelu_cdf(x);
  if constexpr (OP == UnaryOp::sign) return T((x > T(0)) - (x < T(0)));
}

// d op(x)/dx · g, using the forward output y where that is cheaper.
template <UnaryOp OP, typename T>
UFLOW_HD T unary_grad(T x, T y, T g) {
  if constexpr (OP == UnaryOp::neg) return -g;
  if constexpr (OP == UnaryOp::abs) return x > T(0) ? g : (x < T(0) ? -g : T(0));
  if constexpr (OP == UnaryOp::exp) return g * y;
  if constexpr (OP == UnaryOp::log) return g / x;
  if constexpr (OP == UnaryOp::log1p) return g / (T(1) + x);
  if constexpr (OP == UnaryOp::sqrt) return g * T(0.5) / y;
  if constexpr (OP == UnaryOp::rsqrt) return g * T(-0.5) * y * y * y;
  if constexpr (OP == UnaryOp::square) return g * T(2) * x;
  if constexpr (OP == UnaryOp::tanh) return g * (T(1) - y * y);
  if constexpr (OP == UnaryOp::atan) return g / (T(1) + x * x);
  if constexpr (OP == UnaryOp::sigmoid) return g * y * (T(1) - y);
  if constexpr (OP == UnaryOp::relu) return x > T(0) ? g : T(0);
  if constexpr (OP == UnaryOp::gelu)
    return g * (gelu_cdf(x) + x * T(0.39894228040143267794) * gelu_exp(T(-0.5) * x * x));
  if constexpr (OP == UnaryOp::sign) return T(0);
}

template <BinaryOp OP, typename T>
UFLOW_HD T binary(T a, T b) {
  if constexpr (OP == BinaryOp::add) return a + b;
  if constexpr (OP == BinaryOp::sub) return a - b;
  if constexpr (OP == BinaryOp::mul) return a * b;
  if constexpr (OP == BinaryOp::div) return a / b;
  // NaN propagates, as in PyTorch.
  if constexpr (OP == BinaryOp::maximum) return (a != a || a > b) ? a : b;
  if constexpr (OP == BinaryOp::minimum) return (a != a || a < b) ? a : b;
  if constexpr (OP == BinaryOp::eq) return T(a == b);
  if constexpr (OP == BinaryOp::ne) return T(a != b);
  if constexpr (OP == BinaryOp::lt) return T(a < b);
  if constexpr (OP == BinaryOp::le) return T(a <= b);
  if constexpr (OP == BinaryOp::gt) return T(a > b);
  if constexpr (OP == BinaryOp::ge) return T(a >= b);
}

// ∂op(a, b)/∂a · g (SIDE a) or ∂op(a, b)/∂b · g (SIDE b), at one element of the broadcast
// shape. Comparisons are piecewise constant: no gradient.
template <BinaryOp OP, Operand SIDE, typename T>
UFLOW_HD T binary_grad(T a, T b, T g) {
  constexpr bool on_a = SIDE == Operand::a;
  if constexpr (OP == BinaryOp::add) return g;
  if constexpr (OP == BinaryOp::sub) return on_a ? g : -g;
  if constexpr (OP == BinaryOp::mul) return on_a ? g * b : g * a;
  if constexpr (OP == BinaryOp::div) {
    // d(a/b)/da = 1/b; d(a/b)/db = -(a/b)/b.
    const T q = g / b;
    return on_a ? q : -(q * (a / b));
  }
  if constexpr (OP == BinaryOp::maximum || OP == BinaryOp::minimum) {
    // The gradient goes to the selected input and is split in half on ties (PyTorch's rule):
    // a's weight is (wins + not_lose) / 2, which is 1, 1/2 or 0; NaN gives a nothing.
    const bool wins = OP == BinaryOp::maximum ? a > b : a < b;
    const bool not_lose = OP == BinaryOp::maximum ? a >= b : a <= b;
    const T weight_a = (T(wins) + T(not_lose)) * T(0.5);
    return g * (on_a ? weight_a : T(-1) * weight_a + T(1));
  }
  return T(0);
}
// Sides whose gradient is g itself: the dispatcher skips the kernel and only sums g down.
constexpr bool binary_grad_is_identity(BinaryOp op, Operand side) {
  return op == BinaryOp::add || (op == BinaryOp::sub && side == Operand::a);
}

// Unary ops with two scalar parameters (p0, p1), each with its gradient next to it.
//   softplus (beta, threshold): log(1 + exp(beta x)) / beta, and x itself where beta x >
//     threshold (PyTorch's rule); derivative the logistic sigmoid of beta x.
//   pow (p, -): x^p; derivative p x^(p-1), exactly 0 for p = 0 (not 0 · x^-1, NaN at 0).
//   affine (mul, add): mul x + add; derivative mul.
//   clamp (lo, hi): NaN stays NaN (both comparisons are false), as in PyTorch; derivative 1
//     inside [lo, hi] (bounds included), 0 outside and at NaN.
template <typename T>
UFLOW_HD T softplus(T x, T beta, T threshold) {
  const T bx = beta * x;
  return bx > threshold ? x : log1p(exp(bx)) / beta;
}
template <typename T>
UFLOW_HD T softplus_grad(T x, T g, T beta, T threshold) {
  const T bx = beta * x;
  if (bx > threshold) return g;
  const T e = exp(bx);
  return g * e / (e + T(1));
}

// The common integer and half powers take exact or cheaper paths (as PyTorch does), so
// squares and square roots round exactly like square and sqrt.
template <typename T>
UFLOW_HD T pow_scalar(T x, T p) {
  if (p == T(1)) return x;
  if (p == T(2)) return x * x;
  if (p == T(0.5)) return sqrt(x);
  if (p == T(-1)) return T(1) / x;
  return pow(x, p);
}
template <typename T>
UFLOW_HD T pow_scalar_grad(T x, T g, T p) {
  if (p == T(0)) return T(0);
  return g * (p * pow_scalar(x, p - T(1)));
}

template <typename T>
UFLOW_HD T clamp(T x, T lo, T hi) {
  return x < lo ? lo : (x > hi ? hi : x);
}
template <typename T>
UFLOW_HD T clamp_grad(T x, T g, T lo, T hi) {
  return g * T(x >= lo && x <= hi);
}

template <ScalarOp OP, typename T>
UFLOW_HD T scalar_op(T x, T p0, T p1) {
  if constexpr (OP == ScalarOp::softplus) return softplus(x, p0, p1);
  if constexpr (OP == ScalarOp::pow) return pow_scalar(x, p0);
  if constexpr (OP == ScalarOp::affine) return p0 * x + p1;
  if constexpr (OP == ScalarOp::clamp) return clamp(x, p0, p1);
}
template <ScalarOp OP, typename T>
UFLOW_HD T scalar_op_grad(T x, T g, T p0, T p1) {
  if constexpr (OP == ScalarOp::softplus) return softplus_grad(x, g, p0, p1);
  if constexpr (OP == ScalarOp::pow) return pow_scalar_grad(x, g, p0);
  if constexpr (OP == ScalarOp::affine) return p0 * g;
  if constexpr (OP == ScalarOp::clamp) return clamp_grad(x, g, p0, p1);
}

// ---- functors the CPU loops and CUDA kernels are instantiated with ----
template <UnaryOp OP>
struct UnaryFn {
  template <typename T>
  UFLOW_HD T operator()(T x) const {
    return unary<OP>(x);
  }
};
template <UnaryOp OP>
struct UnaryGradFn {  // operands (x, y, g)
  template <typename T>
  UFLOW_HD T operator()(T x, T y, T g) const {
    return unary_grad<OP>(x, y, g);
  }
};
template <BinaryOp OP>
struct BinaryFn {
  template <typename T>
  UFLOW_HD T operator()(T a, T b) const {
    return binary<OP>(a, b);
  }
};
template <BinaryOp OP, Operand SIDE>
struct BinaryGradFn {  // operands (a, b, g)
  template <typename T>
  UFLOW_HD T operator()(T a, T b, T g) const {
    return binary_grad<OP, SIDE>(a, b, g);
  }
};
template <ScalarOp OP, typename T>
struct ScalarFn {
  T p0, p1;
  UFLOW_HD T operator()(T x) const { return scalar_op<OP>(x, p0, p1); }
};
template <ScalarOp OP, typename T>
struct ScalarGradFn {  // operands (x, g)
  T p0, p1;
  UFLOW_HD T operator()(T x, T g) const { return scalar_op_grad<OP>(x, g, p0, p1); }
};
// The fused row-broadcast ops (kernels::bias_gelu, kernels::scaled_residual): operand 1 is the
// per-column vector. Each computes in the same order and precision as its unfused composition
// (the intermediate u + b rounded to T before the GELU; gamma·y rounded before the add), so the
// CPU results equal gelu(u + b) and x + gamma * y bit for bit (the CPU code is never contracted
// into FMAs; nvcc may contract gamma·y + x on the GPU, which only removes one rounding).
struct BiasGeluFn {  // operands (u, b)
  template <typename T>
  UFLOW_HD T operator()(T u, T b) const {
    return unary<UnaryOp::gelu>(u + b);
  }
};
struct BiasGeluGradFn {  // operands (u, b, g): gelu'(u + b) · g
  template <typename T>
  UFLOW_HD T operator()(T u, T b, T g) const {
    const T x = u + b;
    return unary_grad<UnaryOp::gelu>(x, x, g);  // GELU's gradient reads x only
  }
};
struct ScaledResidualFn {  // operands (y, gamma, x): x + gamma · y
  template <typename T>
  UFLOW_HD T operator()(T y, T gamma, T x) const {
    return x + gamma * y;
  }
};
struct WhereFn {  // operands (cond, a, b)
  template <typename T>
  UFLOW_HD T operator()(T c, T a, T b) const {
    return c != T(0) ? a : b;
  }
};

// Calls fn.template operator()<OP>() with the op as a compile-time constant.
template <typename Fn>
decltype(auto) dispatch_unary(UnaryOp op, Fn&& fn) {
  switch (op) {
#define UFLOW_CASE(name) \
  case UnaryOp::name:    \
    return fn.template operator()<UnaryOp::name>()
    UFLOW_CASE(neg);
    UFLOW_CASE(abs);
    UFLOW_CASE(exp);
    UFLOW_CASE(log);
    UFLOW_CASE(log1p);
    UFLOW_CASE(sqrt);
    UFLOW_CASE(rsqrt);
    UFLOW_CASE(square);
    UFLOW_CASE(tanh);
    UFLOW_CASE(atan);
    UFLOW_CASE(sigmoid);
    UFLOW_CASE(relu);
    UFLOW_CASE(gelu);
    UFLOW_CASE(sign);
#undef UFLOW_CASE
  }
  UFLOW_FAIL("unknown unary op");
}

template <typename Fn>
decltype(auto) dispatch_binary(BinaryOp op, Fn&& fn) {
  switch (op) {
#define UFLOW_CASE(name) \
  case BinaryOp::name:   \
    return fn.template operator()<BinaryOp::name>()
    UFLOW_CASE(add);
    UFLOW_CASE(sub);
    UFLOW_CASE(mul);
    UFLOW_CASE(div);
    UFLOW_CASE(maximum);
    UFLOW_CASE(minimum);
    UFLOW_CASE(eq);
    UFLOW_CASE(ne);
    UFLOW_CASE(lt);
    UFLOW_CASE(le);
    UFLOW_CASE(gt);
    UFLOW_CASE(ge);
#undef UFLOW_CASE
  }
  UFLOW_FAIL("unknown binary op");
}

template <typename Fn>
decltype(auto) dispatch_scalar(ScalarOp op, Fn&& fn) {
  switch (op) {
    case ScalarOp::softplus:
      return fn.template operator()<ScalarOp::softplus>();
    case ScalarOp::pow:
      return fn.template operator()<ScalarOp::pow>();
    case ScalarOp::affine:
      return fn.template operator()<ScalarOp::affine>();
    case ScalarOp::clamp:
      return fn.template operator()<ScalarOp::clamp>();
  }
  UFLOW_FAIL("unknown scalar op");
}

template <typename Fn>
decltype(auto) dispatch_side(Operand side, Fn&& fn) {
  if (side == Operand::a) return fn.template operator()<Operand::a>();
  return fn.template operator()<Operand::b>();
}

}  // namespace uflow::ew
