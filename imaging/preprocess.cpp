#include "imaging/preprocess.h"

#include "tensor/ops.h"

namespace uflow {

Tensor resize_image(const Tensor& img, int64_t size) {
  const bool batched = img.dim() == 4;
  Tensor x = batched ? img : kernels::unsqueeze(img, 0);
  UFLOW_CHECK(x.dim() == 4, "resize_image: expected (3, H, W) or (B, 3, H, W), got ",
              shape_str(img.shape()));
  if (x.size(2) != size || x.size(3) != size) {
    const bool shrinking = x.size(2) > size || x.size(3) > size;
    x = kernels::interpolate(kernels::contiguous(x), size, size, kernels::InterpMode::bilinear,
                             false, shrinking);
  }
  return batched ? x : kernels::squeeze(x, 0);
}

Tensor normalize_image(const Tensor& img, const Normalization& norm) {
  const int64_t c_dim = img.dim() - 3;
  UFLOW_CHECK(img.dim() >= 3 && img.size(c_dim) == 3, "normalize_image: expected 3 channels, got ",
              shape_str(img.shape()));
  Shape stat_shape(img.dim(), 1);
  stat_shape[c_dim] = 3;
  const Tensor mean = Tensor::from_vector({norm.mean[0], norm.mean[1], norm.mean[2]}, stat_shape,
                                          img.dtype(), img.device());
  const Tensor inv_std =
      Tensor::from_vector({1.0 / norm.std[0], 1.0 / norm.std[1], 1.0 / norm.std[2]}, stat_shape,
                          img.dtype(), img.device());
  using kernels::BinaryOp;
  return kernels::binary(BinaryOp::mul, kernels::binary(BinaryOp::sub, img, mean), inv_std);
}

Tensor preprocess_image(const Tensor& rgb, int64_t size, const Normalization& norm) {
  return kernels::unsqueeze(normalize_image(resize_image(rgb, size), norm), 0);
}

}  // namespace uflow
