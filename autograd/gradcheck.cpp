#include "autograd/gradcheck.h"

#include <cmath>

#include "autograd/node.h"
#include "tensor/ops.h"

namespace uflow {
namespace {

double weighted_sum(const Tensor& out, const std::vector<double>& w) {
  std::vector<double> v = out.to_vector();
  double s = 0;
  for (size_t i = 0; i < v.size(); ++i) s += v[i] * w[i];
  return s;
}

// Address of logical element i of a CPU f64 tensor, whatever its strides.
double* element(const Tensor& t, int64_t i) {
  int64_t off = 0;
  for (int64_t d = t.dim() - 1; d >= 0; --d) {
    off += (i % t.size(d)) * t.stride(d);
    i /= t.size(d);
  }
  return t.data<double>() + off;
}

}  // namespace

GradcheckResult gradcheck(const std::function<Tensor(const std::vector<Tensor>&)>& f,
                          const std::vector<Tensor>& inputs, double eps, double atol, double rtol) {
  for (size_t k = 0; k < inputs.size(); ++k) {
    const Tensor& x = inputs[k];
    UFLOW_CHECK(x.dtype() == DType::f64 && x.device() == Device::cpu, "gradcheck: input ", k,
                " must be f64 on the CPU, got ", describe(x));
    UFLOW_CHECK(x.is_leaf() && x.requires_grad(), "gradcheck: input ", k,
                " must be a leaf with requires_grad");
    x.zero_grad();
  }
  Tensor out = f(inputs);
  UFLOW_CHECK(out.requires_grad(), "gradcheck: the output does not depend on any input");
  const int64_t n_out = out.numel();
  Tensor w = kernels::rand_uniform(out.shape(), 1234, 0, -1.0, 1.0, DType::f64);
  const std::vector<double> wv = w.to_vector();
  backward(out, w);
  (void)n_out;

  GradcheckResult res;
  NoGradGuard no_grad;
  for (size_t k = 0; k < inputs.size(); ++k) {
    const Tensor& x = inputs[k];
    const Tensor g = x.grad();
    const std::vector<double> analytic =
        g.defined() ? g.to_vector() : std::vector<double>(x.numel(), 0.0);
    for (int64_t i = 0; i < x.numel(); ++i) {
      double* p = element(x, i);
      const double orig = *p;
      *p = orig + eps;
      const double up = weighted_sum(f(inputs), wv);
      *p = orig - eps;
      const double down = weighted_sum(f(inputs), wv);
      *p = orig;
      const double numeric = (up - down) / (2 * eps);
      const double err = std::fabs(analytic[i] - numeric);
      const bool bad = !(err <= atol + rtol * std::fabs(numeric));
      if (err > res.max_abs_error || (bad && res.ok)) {
        res.max_abs_error = std::max(res.max_abs_error, err);
        if (bad || res.ok)
          res.worst = detail::concat("input ", k, ", element ", i, ": analytic ", analytic[i],
                                     " numeric ", numeric);
      }
      if (bad) res.ok = false;
    }
  }
  return res;
}

}  // namespace uflow
