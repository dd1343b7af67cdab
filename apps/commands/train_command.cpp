#include "apps/commands/train_command.h"

#include <charconv>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "apps/cli/args.h"
#include "apps/cli/image_options.h"
#include "apps/cli/model_options.h"
#include "apps/cli/output_lock.h"
#include "apps/commands/device_option.h"
#include "apps/model/features.h"
#include "apps/model/presets.h"
#include "apps/model/spec_limits.h"
#include "apps/model/trainer.h"
#include "imaging/image_io.h"

namespace fs = std::filesystem;

namespace uflow::app {
namespace {

// loss.csv rows of epochs <= keep (a resumed run continues the log where the checkpoint is).
// A line that does not start with an epoch number is an error naming the file and the line:
// silently dropping it would lose history, guessing would invent it.
std::string read_loss_log(const fs::path& path, int64_t keep) {
  std::ifstream f(path);
  std::string line, out = "epoch,loss,lr,seconds,images_per_second\n";
  if (!f) return out;
  std::getline(f, line);  // header
  for (int64_t number = 2; std::getline(f, line); ++number) {
    if (line.empty()) continue;
    const std::string field = line.substr(0, line.find(','));
    int64_t epoch = -1;
    const auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), epoch);
    UFLOW_CHECK(ec == std::errc() && end == field.data() + field.size() && epoch >= 1,
                path.string(), ": line ", number, ": '", field.substr(0, 40),
                "' is not an epoch number (the file is damaged; fix or remove it to resume)");
    if (epoch <= keep) out += line + "\n";
  }
  return out;
}

}  // namespace

TrainSummary run_training(const TrainRequest& req) {
  const auto t0 = std::chrono::steady_clock::now();
  UFLOW_CHECK(!(req.resume && req.force), "--resume and --force exclude each other");
  const Category cat = scan_mvtec(req.data, ScanPart::train);
  const OutputLock lock(req.out, "train");
  const fs::path ckpt = fs::path(req.out) / "checkpoint.h5";
  const fs::path log_path = fs::path(req.out) / "loss.csv";
  if (!req.resume && fs::exists(ckpt)) {
    UFLOW_CHECK(req.force, req.out, ": already holds a trained model (", ckpt.string(),
                "); use --resume to continue it or --force to start over");
    // Starting over: the old run's files go before anything new is written, so the folder never
    // mixes two runs.
    fs::remove(ckpt);
    fs::remove(log_path);
  }

  ModelSpec spec = req.spec;
  TrainSettings settings = req.train;
  int64_t start_epoch = 0;
  if (req.resume) {
    UFLOW_CHECK(fs::exists(ckpt), ckpt.string(), ": no checkpoint to resume from");
    CheckpointInfo info = read_checkpoint_info(ckpt.string());
    UFLOW_CHECK(training_settings_recorded(info.train), ckpt.string(),
                ": records no training settings (a converted checkpoint?); it can predict and "
                "evaluate but not resume");
    spec = info.spec;
    const int64_t epochs = settings.epochs;
    settings = info.train;
    settings.epochs = std::max(epochs, info.epoch);  // --epochs may extend a finished run
    start_epoch = info.epoch;
  }
  std::printf("uflow train: %s, %zu training images, extractor %s (%lld px), device %s\n",
              cat.name.c_str(), cat.train.size(), to_string(spec.extractor),
              static_cast<long long>(spec.input_size), device_name(req.device));

  auto extractor = build_extractor(spec);
  extractor->to(req.device);
  const auto tf = std::chrono::steady_clock::now();
  const fs::path cache_path = fs::path(req.out) / "features_cache.h5";
  const FeatureSet features = extract_features(*extractor, cat.train, settings.batch, req.device,
                                               "features", {cache_path.string(), req.cache_limit});
  const double feature_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - tf).count();
  extractor.reset();  // frees its memory: epochs only need the cached features

  auto flow = build_flow(spec);
  flow->to(req.device);
  AdamOptions ao;
  ao.lr = settings.lr;
  ao.weight_decay = settings.weight_decay;
  Adam adam(flow->parameters(), ao);
  if (req.resume) load_checkpoint(ckpt.string(), *flow, &adam);

  std::string log = read_loss_log(log_path, start_epoch);
  TrainOptions opt;
  opt.epochs = settings.epochs;
  opt.batch = settings.batch;
  opt.seed = spec.seed;
  opt.device = req.device;
  opt.base_lr = settings.lr;
  opt.loss = settings.loss;

  TrainSummary sum;
  sum.images = static_cast<int64_t>(cat.train.size());
  sum.feature_seconds = feature_seconds;
  sum.checkpoint = ckpt.string();
  sum.epochs = start_epoch;
  try {
    train_flow(*flow, adam, features, opt, start_epoch, [&](const EpochStats& st) {
      char row[160];
      std::snprintf(row, sizeof row, "%lld,%.6f,%.6g,%.3f,%.2f\n", static_cast<long long>(st.epoch),
                    st.mean_loss, st.lr, st.seconds, st.images_per_second);
      log += row;
      write_file_atomic(log_path.string(), log);
      sum.epochs = st.epoch;
      sum.final_loss = st.mean_loss;
      if (st.epoch % req.checkpoint_every == 0 || st.epoch == opt.epochs)
        save_checkpoint(ckpt.string(), {spec, settings, st.epoch}, *flow, &adam);
      return true;
    });
  } catch (const Error& e) {
    // Nothing broken was saved; say what is left to resume from.
    if (!fs::exists(ckpt)) throw;
    UFLOW_FAIL(e.what(), "; ", ckpt.string(), " keeps epoch ",
               read_checkpoint_info(ckpt.string()).epoch, ", the last good one");
  }
  if (sum.epochs == start_epoch && !fs::exists(ckpt))
    save_checkpoint(ckpt.string(), {spec, settings, start_epoch}, *flow, &adam);
  if (features.disk) fs::remove(cache_path);  // closed when `features` goes; unlinking is safe
  sum.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return sum;
}

int train_command(const std::vector<std::string>& args) {
  Args a("train", "Train the U-Flow on the normal images of an MVTec AD style category.");
  a.positional("data", "category folder (<data>/train/good/*.png ...)")
      .option("out", "dir", "runs/uflow", "output folder: checkpoint.h5, loss.csv")
      .option("preset", "none|paper|anomalib", "none",
              "published settings (see below); options given explicitly override them")
      .option("category", "name", "",
              "MVTec AD category whose preset settings to use (default: the data folder's name)");
  add_extractor_options(a);
  a.option("epochs", "n", "100", "training epochs")
      .option("batch", "n", "8", "batch size")
      .option("lr", "x", "1e-3", "learning rate (Adam)")
      .option("weight-decay", "x", "1e-5", "coupled L2 weight decay")
      .option("seed", "n", "0", "seed of the flow's initialisation and the batch order")
      .option("loss", "current|legacy", "current", "loss variant (legacy sums over the batch)")
      .option("clamp-mode", "pinned|scaled", "pinned",
              "coupling clamp: clamp·tanh(a) (pinned FrEIA) or clamp·tanh(a/clamp)")
      .option("checkpoint-every", "n", "10", "write checkpoint.h5 every n epochs")
      .option("device", "cpu|cuda|auto", "auto", "where to compute")
      .option("cache-limit", "GB", "8",
              "features beyond this size are cached in <out>/features_cache.h5 instead of memory")
      .flag("resume", "continue from <out>/checkpoint.h5 (its settings win, --epochs may extend)")
      .flag("force",
            "start over in an --out folder that holds a checkpoint (its checkpoint.h5 and "
            "loss.csv are removed first)")
      .epilog(presets_help());
  add_image_limit_options(a);
  if (!a.parse(args)) return 0;
  apply_image_limit_options(a);
  using namespace limits;
  TrainRequest req;
  req.data = a.str("data");
  req.out = a.str("out");
  apply_extractor_options(a, req.spec);
  req.spec.seed = static_cast<uint64_t>(a.integer("seed", kSeed));
  req.spec.clamp_mode = parse_clamp_mode(a.str("clamp-mode"), "--clamp-mode");
  req.train.epochs = a.integer("epochs", kEpochs);
  req.train.batch = a.integer("batch", kBatch);
  req.train.lr = a.real("lr", kLearningRate);
  req.train.weight_decay = a.real("weight-decay", kWeightDecay);
  req.train.loss = parse_loss_variant(a.str("loss"), "--loss");
  const PresetKind preset = parse_preset(a.str("preset"), "--preset");
  if (preset != PresetKind::none) {
    const std::string category = a.has("category") ? a.str("category") : category_name(req.data);
    const PresetSettings p = preset_settings(preset, category);
    if (!p.category_known)
      std::printf("uflow train: '%s' is no MVTec AD category: the authors' default settings\n",
                  category.c_str());
    // The preset fills every setting not given on the command line.
    if (!a.has("extractor")) req.spec.extractor = p.extractor;
    if (!a.has("input-size"))  // the presets' size is the paper extractor's
      req.spec.input_size =
          is_resnet(req.spec.extractor) ? default_input_size(req.spec.extractor) : p.input_size;
    req.spec.flow_steps = p.flow_steps;
    if (!a.has("epochs")) req.train.epochs = p.train.epochs;
    if (!a.has("batch")) req.train.batch = p.train.batch;
    if (!a.has("lr")) req.train.lr = p.train.lr;
    if (!a.has("weight-decay")) req.train.weight_decay = p.train.weight_decay;
    req.train.preset = p.label;
    std::printf("uflow train: preset %s: %lld epochs, batch %lld, lr %.6g, weight decay %.3g\n",
                p.label.c_str(), static_cast<long long>(req.train.epochs),
                static_cast<long long>(req.train.batch), req.train.lr, req.train.weight_decay);
  }
  req.checkpoint_every = a.integer("checkpoint-every", kCheckpointEvery);
  req.resume = a.has("resume");
  req.force = a.has("force");
  req.cache_limit = static_cast<int64_t>(a.real("cache-limit", kCacheLimitGb) * 1e9);
  req.device = parse_device(a.str("device"));
  const TrainSummary s = run_training(req);
  std::printf(
      "trained %lld epochs on %lld images in %.0f s (features %.0f s); final loss %.4g\n"
      "checkpoint: %s\n",
      static_cast<long long>(s.epochs), static_cast<long long>(s.images), s.seconds,
      s.feature_seconds, s.final_loss, s.checkpoint.c_str());
  return 0;
}

}  // namespace uflow::app
