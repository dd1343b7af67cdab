#include "apps/commands/train_command.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "apps/cli/args.h"
#include "apps/commands/device_option.h"
#include "apps/model/features.h"
#include "apps/model/presets.h"
#include "apps/model/trainer.h"
#include "imaging/image_io.h"

namespace fs = std::filesystem;

namespace uflow::app {
namespace {

// loss.csv rows of epochs <= keep (a resumed run continues the log where the checkpoint is).
std::string read_loss_log(const fs::path& path, int64_t keep) {
  std::ifstream f(path);
  std::string line, out = "epoch,loss,lr,seconds,images_per_second\n";
  if (!f) return out;
  std::getline(f, line);  // header
  while (std::getline(f, line)) {
    if (line.empty()) continue;
    if (std::stoll(line.substr(0, line.find(','))) <= keep) out += line + "\n";
  }
  return out;
}

}  // namespace

TrainSummary run_training(const TrainRequest& req) {
  const auto t0 = std::chrono::steady_clock::now();
  const Category cat = scan_mvtec(req.data, ScanPart::train);
  fs::create_directories(req.out);
  const fs::path ckpt = fs::path(req.out) / "checkpoint.h5";
  const fs::path log_path = fs::path(req.out) / "loss.csv";

  ModelSpec spec = req.spec;
  TrainSettings settings = req.train;
  int64_t start_epoch = 0;
  if (req.resume) {
    UFLOW_CHECK(fs::exists(ckpt), ckpt.string(), ": no checkpoint to resume from");
    CheckpointInfo info = read_checkpoint_info(ckpt.string());
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
              "MVTec AD category whose preset settings to use (default: the data folder's name)")
      .option("extractor", "small|paper", "paper",
              "feature extractor: the paper's MS-CaiT (needs --weights) or a small seeded "
              "random CaiT that needs no download")
      .option("weights", "dir", "weights", "folder with cait_m48_448.h5 and cait_s24_224.h5")
      .option("input-size", "px", "448", "image size of the small extractor")
      .option("epochs", "n", "100", "training epochs")
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
      .epilog(presets_help());
  if (!a.parse(args)) return 0;
  TrainRequest req;
  req.data = a.str("data");
  req.out = a.str("out");
  req.spec.extractor = parse_extractor_kind(a.str("extractor"), "--extractor");
  req.spec.weights_dir = a.str("weights");
  req.spec.input_size = a.integer("input-size");
  req.spec.seed = static_cast<uint64_t>(a.integer("seed"));
  req.spec.clamp_mode = parse_clamp_mode(a.str("clamp-mode"), "--clamp-mode");
  req.train.epochs = a.integer("epochs");
  req.train.batch = a.integer("batch");
  req.train.lr = a.real("lr");
  req.train.weight_decay = a.real("weight-decay");
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
    if (!a.has("input-size")) req.spec.input_size = p.input_size;
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
  req.checkpoint_every = a.integer("checkpoint-every");
  req.resume = a.has("resume");
  req.cache_limit = static_cast<int64_t>(a.real("cache-limit") * 1e9);
  req.device = parse_device(a.str("device"));
  UFLOW_CHECK(req.train.epochs >= 1 && req.train.batch >= 1 && req.checkpoint_every >= 1,
              "--epochs, --batch and --checkpoint-every must be at least 1");
  const TrainSummary s = run_training(req);
  std::printf(
      "trained %lld epochs on %lld images in %.0f s (features %.0f s); final loss %.4g\n"
      "checkpoint: %s\n",
      static_cast<long long>(s.epochs), static_cast<long long>(s.images), s.seconds,
      s.feature_seconds, s.final_loss, s.checkpoint.c_str());
  return 0;
}

}  // namespace uflow::app
