// The GPU float32 math setting (tensor/cuda/math_mode.h): spellings, the one-line error for an
// unknown one, the scope that restores the previous mode, and --tf32 as a synonym of tf32.
#include "tensor/cuda/math_mode.h"
#include "test_util.h"

using namespace uflow;
using cuda::Precision;

TEST_CASE("precision spellings round-trip and bad ones name the option") {
  for (const Precision p : {Precision::fp32, Precision::tf32, Precision::bf16})
    CHECK(cuda::parse_precision(cuda::to_string(p), "--precision") == p);
  const std::string e = test::error_of([] { cuda::parse_precision("fp16", "--precision"); });
  CHECK(e == "--precision: unknown precision 'fp16' (use fp32, tf32 or bf16)");
}

TEST_CASE("a precision scope restores the previous mode; tf32 and bf16 allow tensor cores") {
  REQUIRE(cuda::precision() == Precision::fp32);
  CHECK_FALSE(cuda::allow_tf32());
  {
    cuda::PrecisionScope outer(Precision::bf16);
    CHECK(cuda::allow_tf32());
    {
      cuda::PrecisionScope inner(Precision::tf32);
      CHECK(cuda::precision() == Precision::tf32);
    }
    CHECK(cuda::precision() == Precision::bf16);
  }
  CHECK(cuda::precision() == Precision::fp32);
  cuda::set_allow_tf32(true);
  CHECK(cuda::precision() == Precision::tf32);
  cuda::set_allow_tf32(false);
  CHECK(cuda::precision() == Precision::fp32);
}
