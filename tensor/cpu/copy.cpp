#include <cstring>

#include "tensor/cpu/cpu_backend.h"
#include "tensor/strided.h"

namespace uflow::cpu {

void CpuBackend::copy_strided(const Tensor& dst, const Tensor& src) const {
  const int64_t n = dst.numel();
  if (n == 0) return;
  if (dst.dtype() == src.dtype() && dst.is_contiguous() && src.is_contiguous() &&
      dst.shape() == src.shape()) {
    std::memcpy(dst.raw_data(), src.raw_data(), n * dtype_size(dst.dtype()));
    return;
  }
  const Tensor* ops[2] = {&dst, &src};
  const StridedIndexer<2> ix = make_indexer(dst.shape(), ops);
  dispatch_dtype(dst.dtype(), [&]<typename D>() {
    dispatch_dtype(src.dtype(), [&]<typename S>() {
      D* d = static_cast<D*>(dst.storage()->data());
      const S* s = static_cast<const S*>(src.storage()->data());
      // Offsets are resolved once per row of the last dim; the row is walked by strides.
      const int64_t inner = dst.dim() > 0 ? dst.shape().back() : 1;
      const int64_t rows = n / inner;
      const int64_t sd = dst.dim() > 0 ? ix.strides[0][ix.ndim - 1] : 0;
      const int64_t ss = dst.dim() > 0 ? ix.strides[1][ix.ndim - 1] : 0;
#pragma omp parallel for if (n > (1 << 15))
      for (int64_t r = 0; r < rows; ++r) {
        int64_t off[2];
        ix.offsets(r * inner, off);
        for (int64_t j = 0; j < inner; ++j) d[off[0] + j * sd] = static_cast<D>(s[off[1] + j * ss]);
      }
    });
  });
}

void CpuBackend::fill(const Tensor& dst, double value) const {
  const int64_t n = dst.numel();
  const Tensor* ops[1] = {&dst};
  const StridedIndexer<1> ix = make_indexer(dst.shape(), ops);
  dispatch_dtype(dst.dtype(), [&]<typename T>() {
    T* d = static_cast<T*>(dst.storage()->data());
    const T v = static_cast<T>(value);
    if (dst.is_contiguous()) {
      std::fill(d + dst.offset(), d + dst.offset() + n, v);
      return;
    }
    int64_t off[1];
    for (int64_t i = 0; i < n; ++i) {
      ix.offsets(i, off);
      d[off[0]] = v;
    }
  });
}

}  // namespace uflow::cpu
