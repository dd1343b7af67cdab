// Non-finite values in model files: found (NaN, +Inf, −Inf, on any position), refused by the
// weight loader naming the file and the key, never written by save_weights.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <limits>

#include "test_util.h"
#include "weights/finite_check.h"
#include "weights/hdf5_file.h"
#include "weights/weight_file.h"

using namespace uflow;
using uflow::test::error_of;

namespace {

const double kNan = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();

}  // namespace

TEST_CASE("non-finite elements are found wherever they are, in f32 and f64") {
  for (DType dt : {DType::f32, DType::f64}) {
    CHECK(first_non_finite(Tensor::from_vector({1, 2, 3e38}, {3}, dt)) == -1);
    CHECK(first_non_finite(Tensor::from_vector({1, kNan, kInf}, {3}, dt)) == 1);
    CHECK(first_non_finite(Tensor::from_vector({1, 2, -kInf}, {3}, dt)) == 2);
    CHECK(
        all_finite({Tensor::from_vector({1, -1e30}, {2}, dt), Tensor::from_vector({0}, {1}, dt)}));
    CHECK_FALSE(
        all_finite({Tensor::from_vector({1}, {1}, dt), Tensor::from_vector({kNan}, {1}, dt)}));
    CHECK_FALSE(all_finite({Tensor::from_vector({kInf, -kInf}, {2}, dt)}));
  }
  CHECK(all_finite({}));
  // 3e38 is finite in f32; the sum of such values overflows, the check does not.
  CHECK(all_finite({Tensor::from_vector(std::vector<double>(100, 3e38), {100}, DType::f32)}));
  CHECK(error_of([] {
          require_finite(Tensor::from_vector({0, 1, kNan, 2}, {2, 2}), "m.h5", "w");
        }) == "m.h5: dataset 'w' holds a non-finite value (NaN at element 2 of shape [2, 2])");
  CHECK(error_of([] { require_finite(Tensor::from_vector({-kInf}, {1}), "m.h5", "b"); }) ==
        "m.h5: dataset 'b' holds a non-finite value (-Inf at element 0 of shape [1])");
}

TEST_CASE("a weight file holding NaN is refused at load naming the key; NaN is never written") {
  uflow::test::ScratchDir dir("wfinite");
  const std::string path = dir.file("w.h5");
  {
    H5File f(path, 'w');
    f.set_attr("format", kWeightsFormat);
    f.set_attr("version", kWeightsVersion);
    f.write_tensor("a", Tensor::from_vector({1, 2}, {2}));
    f.write_tensor("b", Tensor::from_vector({3, kInf, 4}, {3}));
  }
  CHECK(error_of([&] {
          load_state(path, {{"a", {2}}, {"b", {3}}});
        }) == path + ": dataset 'b' holds a non-finite value (+Inf at element 1 of shape [3])");

  const std::string out = dir.file("out.h5");
  CHECK(error_of([&] {
          save_weights(
              out,
              {{"ok", Tensor::from_vector({1}, {1})}, {"bad", Tensor::from_vector({kNan}, {1})}},
              {"arch", 32, {}, {}});
        }) == out + ": dataset 'bad' holds a non-finite value (NaN at element 0 of shape [1])");
  CHECK_FALSE(std::filesystem::exists(out));
  CHECK_FALSE(std::filesystem::exists(out + ".tmp"));
}
