// `uflow nfa` on hostile latents files: NaN, ±Inf and values the NFA's float32 maps cannot hold
// are errors naming the file and the dataset, and nothing is written; shapes are checked before
// anything is read.
#include <cmath>
#include <filesystem>
#include <limits>

#include "apps/commands/study_commands.h"
#include "apps/data/map_file.h"
#include "tensor/ops.h"
#include "test_util.h"
#include "weights/hdf5_file.h"

using namespace uflow;
using test::error_of;
namespace fs = std::filesystem;

namespace {

// z1 (1, 4, 8, 8) and z2 (1, 4, 4, 4) of standard normal values; z1's element 10 set to `bad`.
void write_latents(const std::string& path, double bad) {
  H5File f(path, 'w');
  std::vector<double> z1 = kernels::rand_normal({1, 4, 8, 8}, 1, 0).to_vector();
  z1[10] = bad;
  f.write_tensor("z1", Tensor::from_vector(z1, {1, 4, 8, 8}));
  f.write_tensor("z2", kernels::rand_normal({1, 4, 4, 4}, 2, 0));
}

}  // namespace

TEST_CASE("nfa refuses NaN, Inf and overflowing latents naming the file and the dataset") {
  const fs::path dir = fs::temp_directory_path() / "uflow_test_nfa_input";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string in = (dir / "latents.h5").string(), out = (dir / "nfa.h5").string();
  const double inf = std::numeric_limits<double>::infinity();
  struct Case {
    double value;
    std::string problem;
  };
  for (const Case& c :
       {Case{std::nan(""), "holds NaN or ±Inf values"}, Case{inf, "holds NaN or ±Inf values"},
        Case{-inf, "holds NaN or ±Inf values"},
        Case{1e30,
             "holds values up to 1e+30 in magnitude (the NFA accepts |z| "
             "<= 1e+15)"},
        Case{-1e30,
             "holds values up to 1e+30 in magnitude (the NFA accepts |z| "
             "<= 1e+15)"}}) {
    write_latents(in, c.value);
    for (const char* method : {"tree", "block"}) {
      CAPTURE(method);
      CHECK(error_of([&] {
              app::nfa_command(
                  {in, "--out", out, "--method", method, "--size", "16", "--window", "3"});
            }) == in + ": dataset 'z1' " + c.problem);
      CHECK_FALSE(fs::exists(out));
    }
  }
  write_latents(in, 3.0);
  CHECK(error_of([&] { app::nfa_command({in, "--out", out, "--size", "16"}); }) == "<no error>");
  CHECK(fs::exists(out));
  fs::remove_all(dir);
}

TEST_CASE("latents files are checked for shape, type and size before reading") {
  const fs::path dir = fs::temp_directory_path() / "uflow_test_map_file";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string p = (dir / "z.h5").string();
  const auto with = [&](const std::function<void(H5File&)>& fill) {
    {
      H5File f(p, 'w');
      fill(f);
    }
    return error_of([&] { app::read_numbered_maps(p, "z", app::MapKind::latents); });
  };
  CHECK(with([](H5File& f) { f.write_tensor("x", kernels::zeros({1})); }) ==
        p + ": no dataset 'z1'");
  CHECK(with([](H5File& f) {
          f.write_tensor("z1", kernels::zeros({4, 4}));
        }) == p + ": dataset 'z1' must be (B, C, H, W), got [4, 4]");
  CHECK(with([](H5File& f) {
          f.write_ints("z1", {1, 2});
        }) == p + ": dataset 'z1' has type int64, expected float32 or float64");
  CHECK(with([](H5File& f) {
          f.write_tensor("z1", kernels::zeros({1, 0, 2, 2}));
        }) == p + ": dataset 'z1' is empty: [1, 0, 2, 2]");
  CHECK(with([](H5File& f) {
          f.write_tensor("z1", kernels::zeros({2, 1, 2, 2}));
          f.write_tensor("z2", kernels::zeros({3, 1, 1, 1}));
        }) == p + ": dataset 'z2' holds 3 samples but 'z1' holds 2");
  // A dataset too large for the limit is refused from its shape alone.
  {
    H5File f(p, 'w');
    f.create_rows("z1", 1000, {1000, 100, 100}, DType::f32);  // 10^10 values, never written
  }
  CHECK(error_of([&] { app::read_numbered_maps(p, "z", app::MapKind::latents); }) ==
        p + ": dataset 'z1' of shape [1000, 1000, 100, 100] takes the file beyond 4294967296 "
            "values in all");
  fs::remove_all(dir);
}
