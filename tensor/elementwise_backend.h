// The element-wise part of every backend, written once: the op and dtype switches that pick a
// functor of tensor/elementwise_math.h, run by the device's own loop over elements. A backend
// derives from ElementwiseBackend<Loop>, where Loop provides
//   template <typename T, int N, typename F>
//   static void run(const Tensor& out, const Tensor* const (&in)[N], const F& f);
// computing out[i] = f(in_0[i], ..., in_{N-1}[i]) over out's shape (inputs broadcast with
// stride 0), and
//   template <typename T, int N, typename F>
//   static void run_rows(const Tensor& out, const Tensor* const (&in)[N], int64_t rows,
//                        int64_t cols, const F& f);
// computing out[r, c] = f(in_0[r, c], in_1[c], in_2[r, c], ...) for contiguous operands, in_1
// the per-column vector. The CPU loop is in tensor/cpu/elementwise_loop.h, the CUDA kernels in
// tensor/cuda/elementwise_loop.cuh; only the files of one backend include its loop.
#pragma once
#include "tensor/backend.h"
#include "tensor/elementwise_math.h"

namespace uflow {

template <typename Loop>
class ElementwiseBackend : public Backend {
 public:
  void unary(UnaryOp op, const Tensor& out, const Tensor& x) const override {
    dispatch_dtype(out.dtype(), [&]<typename T>() {
      ew::dispatch_unary(op, [&]<UnaryOp OP>() {
        const Tensor* in[1] = {&x};
        Loop::template run<T>(out, in, ew::UnaryFn<OP>{});
      });
    });
  }

  void unary_backward(UnaryOp op, const Tensor& out, const Tensor& x, const Tensor& y,
                      const Tensor& grad) const override {
    dispatch_dtype(out.dtype(), [&]<typename T>() {
      ew::dispatch_unary(op, [&]<UnaryOp OP>() {
        const Tensor* in[3] = {&x, &y, &grad};
        Loop::template run<T>(out, in, ew::UnaryGradFn<OP>{});
      });
    });
  }

  void binary(BinaryOp op, const Tensor& out, const Tensor& a, const Tensor& b) const override {
    dispatch_dtype(out.dtype(), [&]<typename T>() {
      ew::dispatch_binary(op, [&]<BinaryOp OP>() {
        const Tensor* in[2] = {&a, &b};
        Loop::template run<T>(out, in, ew::BinaryFn<OP>{});
      });
    });
  }

  void binary_backward(BinaryOp op, Operand side, const Tensor& out, const Tensor& a,
                       const Tensor& b, const Tensor& grad) const override {
    dispatch_dtype(out.dtype(), [&]<typename T>() {
      ew::dispatch_binary(op, [&]<BinaryOp OP>() {
        ew::dispatch_side(side, [&]<Operand SIDE>() {
          const Tensor* in[3] = {&a, &b, &grad};
          Loop::template run<T>(out, in, ew::BinaryGradFn<OP, SIDE>{});
        });
      });
    });
  }

  void scalar_op(ScalarOp op, const Tensor& out, const Tensor& x, double p0,
                 double p1) const override {
    dispatch_dtype(out.dtype(), [&]<typename T>() {
      ew::dispatch_scalar(op, [&]<ScalarOp OP>() {
        const Tensor* in[1] = {&x};
        Loop::template run<T>(out, in, ew::ScalarFn<OP, T>{T(p0), T(p1)});
      });
    });
  }

  void scalar_op_backward(ScalarOp op, const Tensor& out, const Tensor& x, const Tensor& grad,
                          double p0, double p1) const override {
    dispatch_dtype(out.dtype(), [&]<typename T>() {
      ew::dispatch_scalar(op, [&]<ScalarOp OP>() {
        const Tensor* in[2] = {&x, &grad};
        Loop::template run<T>(out, in, ew::ScalarGradFn<OP, T>{T(p0), T(p1)});
      });
    });
  }

  void bias_gelu(const Tensor& out, const Tensor& u, const Tensor& b, int64_t rows,
                 int64_t cols) const override {
    dispatch_dtype(out.dtype(), [&]<typename T>() {
      const Tensor* in[2] = {&u, &b};
      Loop::template run_rows<T>(out, in, rows, cols, ew::BiasGeluFn{});
    });
  }

  void bias_gelu_backward(const Tensor& out, const Tensor& u, const Tensor& b, const Tensor& grad,
                          int64_t rows, int64_t cols) const override {
    dispatch_dtype(out.dtype(), [&]<typename T>() {
      const Tensor* in[3] = {&u, &b, &grad};
      Loop::template run_rows<T>(out, in, rows, cols, ew::BiasGeluGradFn{});
    });
  }

  void scaled_residual(const Tensor& out, const Tensor& x, const Tensor& gamma, const Tensor& y,
                       int64_t rows, int64_t cols) const override {
    dispatch_dtype(out.dtype(), [&]<typename T>() {
      const Tensor* in[3] = {&y, &gamma, &x};
      Loop::template run_rows<T>(out, in, rows, cols, ew::ScaledResidualFn{});
    });
  }

  void where(const Tensor& out, const Tensor& cond, const Tensor& a,
             const Tensor& b) const override {
    dispatch_dtype(out.dtype(), [&]<typename T>() {
      const Tensor* in[3] = {&cond, &a, &b};
      Loop::template run<T>(out, in, ew::WhereFn{});
    });
  }
};

}  // namespace uflow
