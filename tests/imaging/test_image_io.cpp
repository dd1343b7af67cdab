// Decoding keeps each file's precision: 8-bit samples k become k/255, 16-bit samples v become
// v/65535 (a PNG written by tools/reference/make_png16_fixture.py with Python's zlib), and an
// unreadable file is one line naming it.
#include "imaging/image_io.h"
#include "test_util.h"

using namespace uflow;

TEST_CASE("8-bit images written by save_png read back as k / 255") {
  test::ScratchDir dir("image-io-8");
  const std::string path = dir.file("rgb.png");
  std::vector<double> values;
  for (int i = 0; i < 3 * 2 * 4; ++i) values.push_back((i * 11 % 256) / 255.0);
  save_png(path, Tensor::from_vector(values, {3, 2, 4}, DType::f32));
  const Tensor back = load_image_rgb(path);
  REQUIRE(back.shape() == Shape{3, 2, 4});
  const std::vector<float> got = back.to_floats();
  for (size_t i = 0; i < values.size(); ++i) {
    INFO("sample ", i);
    CHECK(got[i] == static_cast<float>(i * 11 % 256) / 255.0f);
  }
}

TEST_CASE("16-bit images keep their precision: v / 65535") {
  const Tensor g = load_image_gray(std::string(UFLOW_FIXTURES_DIR) + "/image/gray16.png");
  REQUIRE(g.shape() == Shape{1, 2, 3});
  const std::vector<float> got = g.to_floats();
  const float samples[] = {0, 1, 257, 32768, 65534, 65535};
  for (size_t i = 0; i < 6; ++i) {
    INFO("sample ", i);
    CHECK(got[i] == samples[i] / 65535.0f);
  }
  // Grey repeated to RGB.
  const Tensor rgb = load_image_rgb(std::string(UFLOW_FIXTURES_DIR) + "/image/gray16.png");
  REQUIRE(rgb.shape() == Shape{3, 2, 3});
  CHECK(rgb.to_floats()[6 + 4] == 65534 / 65535.0f);
}

TEST_CASE("an unreadable image is one line naming the file") {
  test::ScratchDir dir("image-io-bad");
  const std::string path = dir.file("broken.png");
  test::write_text(path, "not an image");
  CHECK(test::error_of([&] { load_image_rgb(path); }) ==
        path +
            ": not a PNG, JPEG or BMP image (judged by its content; other formats are not read)");
}
