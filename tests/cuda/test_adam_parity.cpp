// CPU vs CUDA for the fused Adam update: more parameters than one launch packs (so the pack
// loop runs twice), sizes from empty to a flow conv weight, f32 and f64, three steps with
// weight decay. Skipped without a GPU.
#include "cuda_parity_util.h"

using namespace uflow;

TEST_CASE("CUDA fused Adam update matches the CPU") {
  UFLOW_REQUIRE_CUDA_OR_SKIP();
  for (const DType dt : {DType::f32, DType::f64}) {
    CAPTURE(dtype_name(dt));
    std::vector<kernels::AdamTensors> cpu, gpu;
    for (int i = 0; i < 40; ++i) {
      const Shape s = i == 0 ? Shape{0} : i == 1 ? Shape{816, 408, 3, 3} : Shape{i * 37};
      const Tensor p = kernels::rand_normal(s, i, 0, 0.0, 1.0, dt);
      cpu.push_back({kernels::clone(p), Tensor(), kernels::zeros(s, dt), kernels::zeros(s, dt)});
      gpu.push_back({kernels::to_device(p, Device::cuda), Tensor(),
                     kernels::zeros(s, dt, Device::cuda), kernels::zeros(s, dt, Device::cuda)});
    }
    AdamStepArgs a;
    a.weight_decay = 1e-5;
    for (int64_t step = 1; step <= 3; ++step) {
      a.step = step;
      for (size_t i = 0; i < cpu.size(); ++i) {
        cpu[i].grad = kernels::rand_normal(cpu[i].param.shape(), 1000 * step + i, 0, 0.0, 1.0, dt);
        gpu[i].grad = kernels::to_device(cpu[i].grad, Device::cuda);
      }
      kernels::adam_update(cpu, a);
      kernels::adam_update(gpu, a);
    }
    const double tol = dt == DType::f32 ? 1e-6 : 1e-14;
    for (size_t i = 0; i < cpu.size(); ++i) {
      CAPTURE(i);
      CHECK_CLOSE(kernels::to_device(gpu[i].param, Device::cpu), cpu[i].param, tol, tol);
      CHECK_CLOSE(kernels::to_device(gpu[i].m, Device::cpu), cpu[i].m, tol, tol);
      CHECK_CLOSE(kernels::to_device(gpu[i].v, Device::cpu), cpu[i].v, tol, tol);
    }
  }
}
