#include "apps/commands/demo_command.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "apps/cli/args.h"
#include "apps/cli/choice.h"
#include "apps/cli/output_lock.h"
#include "apps/commands/device_option.h"
#include "apps/commands/eval_command.h"
#include "apps/commands/train_command.h"
#include "apps/demo/synthetic_data.h"
#include "apps/model/spec_limits.h"

namespace fs = std::filesystem;

namespace uflow::app {

int demo_command(const std::vector<std::string>& args) {
  Args a("demo",
         "Synthetic textures with planted defects -> train -> evaluate -> report. Needs no "
         "download; the extractor is a small CaiT (or a ResNet) with seeded random weights.");
  a.option("out", "dir", "demo-run", "output folder (data/, model/, evaluation/)")
      .option("extractor", "small|resnet18|wide_resnet50_2", "small",
              "extractor, with seeded random weights: the small CaiT (448/224 px) or a ResNet's "
              "layers 1-3 (256 px)")
      .option("epochs", "n", "25", "training epochs")
      .option("batch", "n", "8", "batch size")
      .option("lr", "x", "1e-3", "learning rate")
      .option("train-images", "n", "60", "synthetic normal training images")
      .option("seed", "n", "0", "seed of the flow and the batch order")
      .option("device", "cpu|cuda|auto", "auto", "where to compute");
  if (!a.parse(args)) return 0;
  using namespace limits;
  const int64_t epochs = a.integer("epochs", kEpochs), batch = a.integer("batch", kBatch);
  const double lr = a.real("lr", kLearningRate);
  const int64_t train_images = a.integer("train-images", {1, 100000});
  const int64_t seed = a.integer("seed", kSeed);
  const auto t0 = std::chrono::steady_clock::now();
  const fs::path out = a.str("out");
  const OutputLock lock(out.string(), "demo");
  const fs::path data = out / "data" / "synthetic_texture";

  SyntheticSpec spec;
  spec.train = train_images;
  std::printf("[1/3] writing synthetic category to %s\n", data.string().c_str());
  write_synthetic_category(data.string(), spec);

  TrainRequest req;
  req.data = data.string();
  req.out = (out / "model").string();
  req.spec.extractor =
      parse_choice(a.str("extractor"),
                   {ExtractorKind::small, ExtractorKind::resnet18, ExtractorKind::wide_resnet50_2},
                   "extractor", "--extractor");
  req.spec.random_backbone = is_resnet(req.spec.extractor);
  req.spec.input_size = default_input_size(req.spec.extractor);
  req.spec.seed = static_cast<uint64_t>(seed);
  req.train.epochs = epochs;
  req.train.batch = batch;
  req.train.lr = lr;
  req.checkpoint_every = req.train.epochs;
  req.force = true;  // the demo regenerates its data, so it retrains from scratch every time
  req.device = parse_device(a.str("device"));
  std::printf("[2/3] training\n");
  const TrainSummary ts = run_training(req);

  std::printf("[3/3] evaluating\n");
  PredictOptions opt;
  opt.device = req.device;
  std::vector<CategoryEval> evals{evaluate_category(data.string(), ts.checkpoint, "", opt,
                                                    (out / "evaluation" / "images").string())};
  char subtitle[256];
  const std::string extractor =
      req.spec.extractor == ExtractorKind::small
          ? std::string("small random-weight CaiT extractor (D 192, 448/224 px)")
          : std::string("random-weight ") + to_string(req.spec.extractor) + " extractor (256 px)";
  std::snprintf(subtitle, sizeof subtitle,
                "Demo: synthetic textures, %s, %lld epochs, final loss %.4g.", extractor.c_str(),
                static_cast<long long>(ts.epochs), ts.final_loss);
  write_eval_outputs((out / "evaluation").string(), evals, subtitle);

  const EvalResult& m = evals[0].result;
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  auto f = [](std::optional<double> v) { return v ? *v : std::nan(""); };
  std::printf(
      "\ndemo finished in %.0f s\n"
      "  image AUROC        %.4f\n  pixel AUROC        %.4f\n  AUPRO (FPR<=0.3)   %.4f\n"
      "  mIoU at log NFA<0  %.4f\n  mIoU (oracle)      %.4f\n"
      "report:  %s\nmetrics: %s\n",
      secs, f(m.image_auroc), f(m.pixel_auroc), f(m.aupro), f(m.miou_nfa), f(m.miou_oracle),
      (out / "evaluation" / "report.html").string().c_str(),
      (out / "evaluation" / "metrics.json").string().c_str());
  return 0;
}

}  // namespace uflow::app
