// matmul: plans a (batched) GEMM over strided views and hands it to OpenBLAS or cuBLAS.
// Transposed operands never get copied: a matrix whose last two dims are a transposed
// contiguous layout is passed to BLAS with its transpose flag. Only layouts BLAS cannot
// express (general strides, broadcasts inside the batch) are made contiguous first.
#include <algorithm>

#include "tensor/backend.h"
#include "tensor/gemm_args.h"
#include "tensor/op_checks.h"
#include "tensor/ops.h"
#include "tensor/profiler.h"

namespace uflow::kernels {
namespace {

// The BLAS description of t's last two dims, (rows, cols), if its strides allow one.
bool matrix_layout(const Tensor& t, GemmOperand& op) {
  const int64_t rows = t.size(-2), cols = t.size(-1);
  const int64_t rs = t.stride(-2), cs = t.stride(-1);
  if ((cs == 1 || cols == 1) && (rows == 1 || rs >= std::max<int64_t>(1, cols))) {
    op.trans = false;
    op.ld = rows == 1 ? std::max<int64_t>(1, cols) : rs;
    return true;
  }
  if ((rs == 1 || rows == 1) && (cols == 1 || cs >= std::max<int64_t>(1, rows))) {
    op.trans = true;
    op.ld = cols == 1 ? std::max<int64_t>(1, rows) : cs;
    return true;
  }
  return false;
}

// One stride that steps through t's batch dims broadcast to `batch` (row-major order), if any.
bool batch_stride(const Tensor& t, const Shape& batch, int64_t& stride) {
  const int64_t nb = static_cast<int64_t>(batch.size());
  const int64_t lead = nb - (t.dim() - 2);  // batch dims t lacks (broadcast)
  Shape st(nb, 0);
  for (int64_t d = 0; d < nb; ++d)
    if (d >= lead && t.size(d - lead) != 1) st[d] = t.stride(d - lead);
  // Broadcast over every batch dim: the same matrix each time.
  if (std::all_of(st.begin(), st.end(), [](int64_t s) { return s == 0; })) {
    stride = 0;
    return true;
  }
  int64_t inner = 1;  // matrices per step of dim d
  int64_t s = -1;
  for (int64_t d = nb - 1; d >= 0; --d) {
    if (batch[d] != 1) {
      if (s < 0) s = st[d] / inner;  // fixed by the innermost non-trivial dim
      if (st[d] != s * inner) return false;
    }
    inner *= batch[d];
  }
  stride = s;
  return true;
}

// Describes t as a GEMM operand, copying it to a contiguous layout when BLAS cannot read it.
// `keep` holds any copy alive for the duration of the GEMM.
GemmOperand plan_operand(const Tensor& t, const Shape& batch, Tensor& keep) {
  GemmOperand op;
  keep = t;
  if (!matrix_layout(keep, op) || !batch_stride(keep, batch, op.batch_stride)) {
    keep = contiguous(t);
    if (!matrix_layout(keep, op) || !batch_stride(keep, batch, op.batch_stride)) {
      // Broadcast over some batch dims but not others: materialise the full batch.
      Shape full = batch;
      full.push_back(t.size(-2));
      full.push_back(t.size(-1));
      keep = clone(expand(t, full));
      matrix_layout(keep, op);
      batch_stride(keep, batch, op.batch_stride);
    }
  }
  op.data = keep.raw_data();
  return op;
}

// op(A)·op(B), plus `bias` (n) on every row when it is defined: C is then prefilled with the
// broadcast bias and the GEMM accumulates onto it (beta = 1).
Tensor plan_and_run(const Tensor& a_in, const Tensor& b_in, bool trans_a, bool trans_b,
                    const Tensor& bias) {
  check_same_kind("matmul", {&a_in, &b_in, &bias});
  UFLOW_CHECK(a_in.dim() >= 2 && b_in.dim() >= 2, "matmul: operands need at least 2 dims, got ",
              shape_str(a_in.shape()), " and ", shape_str(b_in.shape()));
  const Tensor a = trans_a ? transpose(a_in, -2, -1) : a_in;
  const Tensor b = trans_b ? transpose(b_in, -2, -1) : b_in;
  const int64_t m = a.size(-2), k = a.size(-1), n = b.size(-1);
  UFLOW_CHECK(b.size(-2) == k, "matmul: inner dimensions differ: ", shape_str(a.shape()), " · ",
              shape_str(b.shape()), trans_a || trans_b ? " (after transposes)" : "");
  const Shape batch = broadcast_shapes(Shape(a.shape().begin(), a.shape().end() - 2),
                                       Shape(b.shape().begin(), b.shape().end() - 2));
  Shape out_shape = batch;
  out_shape.push_back(m);
  out_shape.push_back(n);
  if (bias.defined())
    UFLOW_CHECK(bias.shape() == Shape{n}, "matmul_bias: bias must be ", shape_str(Shape{n}),
                " for a product of ", n, " columns, got ", shape_str(bias.shape()));
  Tensor c = Tensor::empty(out_shape, a.dtype(), a.device());
  if (c.numel() == 0) return c;
  if (bias.defined()) copy_(c, bias);
  if (k == 0) {
    if (!bias.defined()) fill_(c, 0.0);
    return c;
  }

  GemmArgs g;
  g.dtype = a.dtype();
  g.batch = shape_numel(batch);
  g.m = m;
  g.n = n;
  g.k = k;
  Tensor keep_a, keep_b;
  g.a = plan_operand(a, batch, keep_a);
  g.b = plan_operand(b, batch, keep_b);
  g.c = c.raw_data();
  g.ldc = n;
  g.batch_stride_c = m * n;
  g.beta = bias.defined() ? 1.0 : 0.0;
  // A shared right operand against a stack of row-major left matrices whose rows follow each
  // other in memory is one tall GEMM: (batch·m, k) · (k, n).
  if (g.batch > 1 && g.b.batch_stride == 0 && !g.a.trans && g.a.batch_stride == m * g.a.ld) {
    g.m = g.batch * m;
    g.batch = 1;
  }
  backend_of(c).gemm(g);
  return c;
}

}  // namespace

Tensor matmul(const Tensor& a, const Tensor& b, bool trans_a, bool trans_b) {
  profile::Scope scope(profile::Kind::gemm);
  return plan_and_run(a, b, trans_a, trans_b, Tensor());
}

Tensor matmul_bias(const Tensor& a, const Tensor& b, const Tensor& bias, bool trans_a,
                   bool trans_b) {
  profile::Scope scope(profile::Kind::gemm);
  check_defined("matmul_bias", bias);
  return plan_and_run(a, b, trans_a, trans_b, bias);
}

}  // namespace uflow::kernels
