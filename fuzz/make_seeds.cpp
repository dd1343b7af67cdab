// Writes the seed corpora of the fuzz targets into <dir>/<target>/ (scripts/fuzz.sh --seeds
// fuzz/corpus): small valid inputs of every kind each target reads, so that fuzzing starts from
// deep inside the parsers. Inputs kept from fuzzing (regressions) live next to them.
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "apps/model/checkpoint.h"
#include "fuzz/seed_models.h"
#include "imaging/image_writers.h"
#include "tensor/ops.h"
#include "weights/atomic_write.h"

namespace fs = std::filesystem;
using namespace uflow;

namespace {

void write(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
  std::printf("%s: %zu bytes\n", path.string().c_str(), bytes.size());
}

void image_seeds(const fs::path& dir) {
  using test::pattern;
  const auto png = [&](const char* name, test::PngSpec s) {
    const int n = test::png_channels(s.color_type);
    std::vector<unsigned> v;
    for (int y = 0; y < s.height; ++y)
      for (int x = 0; x < s.width; ++x)
        for (int c = 0; c < n; ++c)
          v.push_back(pattern(x, y, c, s.width, s.height, (1u << s.bit_depth) - 1));
    write(dir / name, test::write_png(s, v));
  };
  png("grey8.png", {8, 8, PNG_COLOR_TYPE_GRAY, 8, false});
  png("grey16.png", {8, 8, PNG_COLOR_TYPE_GRAY, 16, false});
  png("grey1.png", {8, 8, PNG_COLOR_TYPE_GRAY, 1, false});
  png("grey_alpha8.png", {8, 8, PNG_COLOR_TYPE_GRAY_ALPHA, 8, false});
  png("rgb8.png", {8, 8, PNG_COLOR_TYPE_RGB, 8, false});
  png("rgba16.png", {8, 8, PNG_COLOR_TYPE_RGB_ALPHA, 16, false});
  png("palette4.png", {8, 8, PNG_COLOR_TYPE_PALETTE, 4, false});
  png("rgb8_interlaced.png", {9, 7, PNG_COLOR_TYPE_RGB, 8, true});
  const auto jpeg = [&](const char* name, test::JpegSpec s) {
    const int n = s.space == JCS_GRAYSCALE ? 1 : s.space == JCS_CMYK ? 4 : 3;
    std::vector<uint8_t> v;
    for (int y = 0; y < s.height; ++y)
      for (int x = 0; x < s.width; ++x)
        for (int c = 0; c < n; ++c)
          v.push_back(static_cast<uint8_t>(pattern(x, y, c, s.width, s.height, 255)));
    write(dir / name, test::write_jpeg(s, v));
  };
  jpeg("rgb.jpg", {16, 16, JCS_RGB, 90, false, false});
  jpeg("grey.jpg", {16, 16, JCS_GRAYSCALE, 90, false, false});
  jpeg("progressive.jpg", {16, 16, JCS_RGB, 90, true, false});
  jpeg("arithmetic.jpg", {16, 16, JCS_RGB, 90, false, true});
  jpeg("cmyk.jpg", {8, 8, JCS_CMYK, 90, false, false});
  std::vector<uint8_t> rgb;
  for (int y = 0; y < 5; ++y)
    for (int x = 0; x < 7; ++x)
      for (int c = 0; c < 3; ++c) rgb.push_back(static_cast<uint8_t>(pattern(x, y, c, 7, 5, 255)));
  write(dir / "rgb24.bmp", test::write_bmp24(7, 5, rgb));
}

void checkpoint_seeds(const fs::path& dir) {
  UFlow flow = fuzz::seed_flow();
  Adam adam(flow.parameters(), AdamOptions{});
  app::CheckpointInfo info;
  info.spec.input_size = 64;
  info.spec.small_depth = 1;
  info.epoch = 3;
  info.train.epochs = 10;
  app::save_checkpoint((dir / "checkpoint.h5").string(), info, flow, &adam);
  std::printf("%s\n", (dir / "checkpoint.h5").string().c_str());
  std::vector<std::pair<std::string, Tensor>> tensors;
  for (const auto& [key, shape] : fuzz::seed_weight_shapes())
    tensors.push_back({key, kernels::rand_normal(shape, 5, 0)});
  tensors.push_back({"head.weight", kernels::rand_normal({2, 4}, 6, 0)});
  save_weights((dir / "weights.h5").string(), tensors, {"cait_seed", 32, {0.5, 0.5, 0.5}, {}});
  std::printf("%s\n", (dir / "weights.h5").string().c_str());
}

void nfa_seeds(const fs::path& dir) {
  const auto latents = [&](const char* name, int64_t batch, int64_t channels) {
    write_h5_atomic((dir / name).string(), [&](H5File& f) {
      f.write_tensor("z1", kernels::rand_normal({batch, channels, 8, 8}, 11, 0));
      f.write_tensor("z2", kernels::rand_normal({batch, channels, 4, 4}, 12, 0));
    });
    std::printf("%s\n", (dir / name).string().c_str());
  };
  latents("latents.h5", 1, 4);
  latents("latents_batch2.h5", 2, 2);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: fuzz_make_seeds <corpus folder>\n");
    return 2;
  }
  const fs::path root = argv[1];
  for (const char* t : {"image_decode", "checkpoint_load", "nfa_input"})
    fs::create_directories(root / t);
  image_seeds(root / "image_decode");
  checkpoint_seeds(root / "checkpoint_load");
  nfa_seeds(root / "nfa_input");
  return 0;
}
