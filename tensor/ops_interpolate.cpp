// Bilinear and bicubic resizing of the last two dims with PyTorch's source-index arithmetic
// (ATen UpSample.h: area_pixel_compute_scale / area_pixel_compute_source_index), and the
// antialiased bilinear filter of interpolate(..., antialias=True). Every mode is separable, so
// each call builds one 1-d table per axis and applies it along W, then along H; the backward
// applies the transposed tables along H, then W. Tables are computed in the tensor's dtype,
// as PyTorch computes them in its accumulate type, so f32 results agree to rounding.
#include <algorithm>
#include <cmath>

#include "tensor/backend.h"
#include "tensor/op_checks.h"
#include "tensor/ops.h"
#include "tensor/profiler.h"

namespace uflow::kernels {
namespace {

template <typename T>
T area_scale(int64_t n_in, int64_t n_out, bool align_corners) {
  if (align_corners) return n_out > 1 ? static_cast<T>(n_in - 1) / static_cast<T>(n_out - 1) : T(0);
  return static_cast<T>(n_in) / static_cast<T>(n_out);
}

// PyTorch's builds contract these multiply-adds into fused ones (GCC and nvcc do by default);
// the table arithmetic uses fma at the same places so that f32 weights round as they do there.

// Linear modes clamp a negative source index to 0; cubic keeps it (its weights depend on it).
template <typename T>
T source_index(T scale, int64_t o, bool align_corners, bool cubic) {
  if (align_corners) return scale * static_cast<T>(o);
  const T src = std::fma(scale, static_cast<T>(o) + T(0.5), T(-0.5));
  return (!cubic && src < T(0)) ? T(0) : src;
}

// Floor of the source index (capped at the last input) and the fraction past it, in [0, 1].
template <typename T>
void index_and_fraction(T real, int64_t n_in, int64_t& index, T& frac) {
  index = std::min(static_cast<int64_t>(std::floor(real)), n_in - 1);
  frac = std::min(std::max(real - static_cast<T>(index), T(0)), T(1));
}

template <typename T>
void linear_taps(InterpTable& t, bool align_corners) {
  const T scale = area_scale<T>(t.n_in, t.n_out, align_corners);
  for (int64_t o = 0; o < t.n_out; ++o) {
    int64_t i0;
    T l1;
    index_and_fraction(source_index(scale, o, align_corners, false), t.n_in, i0, l1);
    const int64_t i1 = i0 + (i0 < t.n_in - 1 ? 1 : 0);
    t.col.insert(t.col.end(), {i0, i1});
    t.weight.insert(t.weight.end(), {static_cast<double>(T(1) - l1), static_cast<double>(l1)});
    t.row.push_back(static_cast<int64_t>(t.col.size()));
  }
}

// Keys' cubic convolution with A = -0.75: |x| <= 1 and 1 < |x| < 2 branches.
template <typename T>
T cubic1(T x, T a) {
  // ((a + 2)x - (a + 3))x² + 1
  return std::fma(std::fma(a + 2, x, -(a + 3)) * x, x, T(1));
}
template <typename T>
T cubic2(T x, T a) {
  // ((ax - 5a)x + 8a)x - 4a
  return std::fma(std::fma(std::fma(a, x, -5 * a), x, 8 * a), x, -4 * a);
}

template <typename T>
void cubic_taps(InterpTable& t, bool align_corners) {
  const T scale = area_scale<T>(t.n_in, t.n_out, align_corners);
  const T a = T(-0.75);
  for (int64_t o = 0; o < t.n_out; ++o) {
    int64_t i;
    T f;
    index_and_fraction(source_index(scale, o, align_corners, true), t.n_in, i, f);
    const T g = T(1) - f;  // distance to the next sample, rounded as the reference rounds it
    const T c[4] = {cubic2<T>(f + T(1), a), cubic1<T>(f, a), cubic1<T>(g, a),
                    cubic2<T>(g + T(1), a)};
    for (int j = 0; j < 4; ++j) {
      t.col.push_back(std::clamp<int64_t>(i - 1 + j, 0, t.n_in - 1));  // border clamp
      t.weight.push_back(static_cast<double>(c[j]));
    }
    t.row.push_back(static_cast<int64_t>(t.col.size()));
  }
}

// PIL-style triangle filter whose support grows with the shrink factor, weights normalised to
// sum 1 (PyTorch's antialiased bilinear: support = scale when shrinking, else 1).
template <typename T>
void antialias_taps(InterpTable& t, bool align_corners) {
  const T scale = area_scale<T>(t.n_in, t.n_out, align_corners);
  const T support = scale >= T(1) ? scale : T(1);
  const T inv_scale = scale >= T(1) ? T(1) / scale : T(1);
  const int64_t max_taps = static_cast<int64_t>(std::ceil(support)) * 2 + 1;
  std::vector<T> w;
  for (int64_t o = 0; o < t.n_out; ++o) {
    const T center = scale * (static_cast<T>(o) + T(0.5));
    // Truncation toward zero, as the reference casts; the max with 0 handles the rest.
    const int64_t lo = std::max<int64_t>(static_cast<int64_t>(center - support + T(0.5)), 0);
    const int64_t hi = std::min<int64_t>(static_cast<int64_t>(center + support + T(0.5)), t.n_in);
    const int64_t n = std::clamp<int64_t>(hi - lo, 0, max_taps);
    w.assign(n, T(0));
    T total = 0;
    for (int64_t j = 0; j < n; ++j) {
      const T x = std::fabs((static_cast<T>(j + lo) - center + T(0.5)) * inv_scale);
      w[j] = x < T(1) ? T(1) - x : T(0);
      total += w[j];
    }
    for (int64_t j = 0; j < n; ++j) {
      t.col.push_back(lo + j);
      t.weight.push_back(static_cast<double>(total != T(0) ? w[j] / total : w[j]));
    }
    t.row.push_back(static_cast<int64_t>(t.col.size()));
  }
}

InterpTable make_table(int64_t n_in, int64_t n_out, InterpMode mode, bool align_corners,
                       bool antialias, DType dtype) {
  InterpTable t;
  t.n_in = n_in;
  t.n_out = n_out;
  t.row.push_back(0);
  dispatch_dtype(dtype, [&]<typename T>() {
    if (antialias)
      antialias_taps<T>(t, align_corners);
    else if (mode == InterpMode::bilinear)
      linear_taps<T>(t, align_corners);
    else
      cubic_taps<T>(t, align_corners);
  });
  return t;
}

// The adjoint operator: input index i collects every (output, weight) tap that reads it, in
// increasing output order.
InterpTable transposed(const InterpTable& t) {
  InterpTable r;
  r.n_in = t.n_out;
  r.n_out = t.n_in;
  r.row.assign(t.n_in + 1, 0);
  for (int64_t c : t.col) ++r.row[c + 1];
  for (int64_t i = 0; i < t.n_in; ++i) r.row[i + 1] += r.row[i];
  r.col.resize(t.col.size());
  r.weight.resize(t.weight.size());
  std::vector<int64_t> next(r.row.begin(), r.row.end() - 1);
  for (int64_t o = 0; o < t.n_out; ++o)
    for (int64_t e = t.row[o]; e < t.row[o + 1]; ++e) {
      const int64_t slot = next[t.col[e]]++;
      r.col[slot] = o;
      r.weight[slot] = t.weight[e];
    }
  return r;
}

// Applies t along the axis of x seen as (outer, t.n_in, inner).
Tensor apply(const Tensor& x, int64_t outer, int64_t inner, const InterpTable& t) {
  Tensor y = Tensor::empty({outer, t.n_out, inner}, x.dtype(), x.device());
  if (y.numel() == 0) return y;
  backend_of(x).interp_apply(y, x, outer, inner, t);
  return y;
}

void check_args(const Shape& s, int64_t h, int64_t w, InterpMode mode, bool antialias,
                const char* op) {
  UFLOW_CHECK(s.size() >= 2, op, ": needs at least 2 dims (…, H, W), got ", shape_str(s));
  UFLOW_CHECK(h > 0 && w > 0, op, ": sizes must be positive, got ", h, "×", w);
  UFLOW_CHECK(s[s.size() - 2] > 0 && s.back() > 0, op, ": empty spatial input ", shape_str(s));
  UFLOW_CHECK(!antialias || mode == InterpMode::bilinear, op,
              ": antialias is implemented for bilinear only");
}

Shape with_last2(const Shape& s, int64_t h, int64_t w) {
  Shape out(s.begin(), s.end() - 2);
  out.push_back(h);
  out.push_back(w);
  return out;
}

}  // namespace

Tensor interpolate(const Tensor& x_in, int64_t out_h, int64_t out_w, InterpMode mode,
                   bool align_corners, bool antialias) {
  profile::Scope scope(profile::Kind::interpolate);
  check_args(x_in.shape(), out_h, out_w, mode, antialias, "interpolate");
  const Tensor x = contiguous(x_in);
  const int64_t in_h = x.size(-2), in_w = x.size(-1);
  const int64_t planes = x.numel() / (in_h * in_w);
  const InterpTable tw = make_table(in_w, out_w, mode, align_corners, antialias, x.dtype());
  const InterpTable th = make_table(in_h, out_h, mode, align_corners, antialias, x.dtype());
  const Tensor rows = apply(x, planes * in_h, 1, tw);  // (planes·in_h, out_w)
  const Tensor y = apply(rows, planes, out_w, th);     // (planes, out_h, out_w)
  return reshape(y, with_last2(x.shape(), out_h, out_w));
}

Tensor interpolate_backward(const Tensor& grad_in, int64_t in_h, int64_t in_w, InterpMode mode,
                            bool align_corners, bool antialias) {
  profile::Scope scope(profile::Kind::interpolate);
  check_args(grad_in.shape(), in_h, in_w, mode, antialias, "interpolate_backward");
  const Tensor g = contiguous(grad_in);
  const int64_t out_h = g.size(-2), out_w = g.size(-1);
  const int64_t planes = g.numel() / (out_h * out_w);
  const InterpTable tw = make_table(in_w, out_w, mode, align_corners, antialias, g.dtype());
  const InterpTable th = make_table(in_h, out_h, mode, align_corners, antialias, g.dtype());
  const Tensor cols = apply(g, planes, out_w, transposed(th));      // (planes, in_h, out_w)
  const Tensor dx = apply(cols, planes * in_h, 1, transposed(tw));  // (planes·in_h, in_w)
  return reshape(dx, with_last2(g.shape(), in_h, in_w));
}

}  // namespace uflow::kernels
