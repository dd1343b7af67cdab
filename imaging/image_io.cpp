#include "imaging/image_io.h"

#include <stb_image.h>
#include <stb_image_write.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <vector>

#include "tensor/ops.h"

namespace uflow {
namespace {

// stb's interleaved pixels (H, W, channels) of a decoded image as a (channels, H, W) tensor of
// value / max_value; frees the pixels. Throws naming the file when decoding failed.
template <typename T>
Tensor planar(T* pixels, const std::string& path, int w, int h, int channels, float max_value) {
  const std::unique_ptr<T, void (*)(void*)> px(pixels, stbi_image_free);
  UFLOW_CHECK(px, path, ": cannot read image (", stbi_failure_reason(), ")");
  Tensor out = Tensor::empty({channels, h, w});
  float* o = out.data<float>();
  for (int c = 0; c < channels; ++c)
    for (int64_t i = 0; i < int64_t(w) * h; ++i)
      o[c * w * h + i] = px.get()[i * channels + c] / max_value;
  return out;
}

// Decodes to `channels` channels (1 or 3) as floats in [0, 1], keeping 16-bit precision.
Tensor decode(const std::string& path, int channels) {
  int w = 0, h = 0, n = 0;
  // Loaded before the call: w and h are only known once stb has decoded the file.
  if (stbi_is_16_bit(path.c_str())) {
    stbi_us* px = stbi_load_16(path.c_str(), &w, &h, &n, channels);
    return planar(px, path, w, h, channels, 65535.0f);
  }
  stbi_uc* px = stbi_load(path.c_str(), &w, &h, &n, channels);
  return planar(px, path, w, h, channels, 255.0f);
}

}  // namespace

Tensor load_image_rgb(const std::string& path) {
  return decode(path, 3);
}
Tensor load_image_gray(const std::string& path) {
  return decode(path, 1);
}

std::string encode_png(const Tensor& chw) {
  UFLOW_CHECK(chw.dim() == 3 && (chw.size(0) == 1 || chw.size(0) == 3),
              "encode_png needs a (1|3, H, W) tensor, got ", shape_str(chw.shape()));
  const int c = static_cast<int>(chw.size(0)), h = static_cast<int>(chw.size(1)),
            w = static_cast<int>(chw.size(2));
  const std::vector<float> v = chw.to_floats();
  std::vector<unsigned char> px(static_cast<size_t>(w) * h * c);
  for (int k = 0; k < c; ++k)
    for (int i = 0; i < w * h; ++i) {
      const float x = std::clamp(v[static_cast<size_t>(k) * w * h + i], 0.0f, 1.0f);
      px[static_cast<size_t>(i) * c + k] = static_cast<unsigned char>(std::lround(x * 255.0f));
    }
  std::string out;
  auto sink = [](void* ctx, void* data, int size) {
    static_cast<std::string*>(ctx)->append(static_cast<const char*>(data), size);
  };
  UFLOW_CHECK(stbi_write_png_to_func(sink, &out, w, h, c, px.data(), w * c), "PNG encoding failed");
  return out;
}

void save_png(const std::string& path, const Tensor& chw) {
  const std::string bytes = encode_png(chw);
  write_file_atomic(path, bytes);
}

void write_file_atomic(const std::string& path, const std::string& bytes) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    UFLOW_CHECK(f, path, ": cannot open for writing");
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    f.close();
    UFLOW_CHECK(f, path, ": write failed (disk full?)");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) std::filesystem::remove(tmp);
  UFLOW_CHECK(!ec, path, ": cannot move the written file into place (", ec.message(), ")");
}

}  // namespace uflow
