// Training presets: the authors' per-category settings, anomalib's defaults, explicit options
// overriding them, the preset recorded in the checkpoint; and, with the model trained there,
// predict on files and folders and eval of a labels CSV without masks.
#include <filesystem>

#include "apps/apps_test_util.h"
#include "apps/cli/args.h"
#include "apps/commands/eval_command.h"
#include "apps/commands/predict_command.h"
#include "apps/commands/train_command.h"
#include "apps/model/presets.h"
#include "test_util.h"

using namespace uflow;
namespace fs = std::filesystem;

TEST_CASE("preset settings per category") {
  const auto& table = app::paper_category_settings();
  CHECK(table.size() == 15);
  int textures = 0;
  for (const auto& c : table) textures += c.texture;
  CHECK(textures == 5);

  const app::PresetSettings bottle = app::preset_settings(app::PresetKind::paper, "bottle");
  CHECK(bottle.category_known);
  CHECK(bottle.extractor == app::ExtractorKind::paper);
  CHECK(bottle.input_size == 448);
  CHECK(bottle.flow_steps == 4);
  CHECK(bottle.train.epochs == 200);
  CHECK(bottle.train.batch == 23);
  CHECK(bottle.train.lr == 1.1289990475381853e-4);
  CHECK(bottle.train.weight_decay == 1e-5);
  CHECK(bottle.label == "paper:bottle");
  const app::PresetSettings grid = app::preset_settings(app::PresetKind::paper, "grid");
  CHECK(grid.train.epochs == 500);
  CHECK(grid.train.batch == 12);

  const app::PresetSettings other = app::preset_settings(app::PresetKind::paper, "cells");
  CHECK_FALSE(other.category_known);
  CHECK(other.train.epochs == 200);
  CHECK(other.train.batch == 8);
  CHECK(other.train.lr == 1e-4);
  CHECK(other.label == "paper:default");

  const app::PresetSettings anomalib = app::preset_settings(app::PresetKind::anomalib, "bottle");
  CHECK(anomalib.train.lr == 1e-3);
  CHECK(anomalib.train.epochs == 200);
  CHECK(anomalib.label == "anomalib:bottle");

  CHECK(test::error_of([] {
          app::parse_preset("best", "--preset");
        }).find("--preset: unknown preset 'best' (use none, paper or anomalib)") !=
        std::string::npos);
  const std::string help = app::presets_help();
  CHECK(help.find("transistor     400     20  0.00112129") != std::string::npos);
}

TEST_CASE(
    "train --preset fills what is not given; the checkpoint records it; predict takes "
    "files and folders") {
  const test::ScratchDir dir("presets");
  const fs::path data = dir.path() / "bottle";
  test::write_tiny_category(data.string(), 32, 3, 1);
  const std::string out = dir.file("run");
  REQUIRE(app::train_command({data.string(), "--out", out, "--preset", "paper", "--extractor",
                              "small", "--input-size", "64", "--epochs", "1", "--device", "cpu"}) ==
          0);
  const app::CheckpointInfo info = app::read_checkpoint_info(out + "/checkpoint.h5");
  CHECK(info.train.preset == "paper:bottle");
  CHECK(info.train.epochs == 1);  // given
  CHECK(info.train.batch == 23);  // from the preset
  CHECK(info.train.lr == 1.1289990475381853e-4);
  CHECK(info.spec.extractor == app::ExtractorKind::small);  // given
  CHECK(info.spec.input_size == 64);

  // One image file, a folder of one and a category's test set (4 images): 7 rows.
  const std::string pred = dir.file("pred");
  const fs::path train = data / "train" / "good";
  REQUIRE(app::predict_command({out + "/checkpoint.h5", (train / "000.png").string(),
                                (data / "test" / "good").string(), data.string(), "--out", pred,
                                "--size", "16", "--device", "cpu"}) == 0);
  const std::string csv = test::read_all(pred + "/scores.csv");
  CHECK(std::count(csv.begin(), csv.end(), '\n') == 1 + 1 + 1 + 4);
  CHECK(test::error_of([&] {
          app::predict_command({out + "/checkpoint.h5", "--out", pred});
        }).find("missing argument <images>") != std::string::npos);

  // A labels CSV without masks: image AUROC, pixel metrics n/a in every output.
  test::write_text(dir.file("labels.csv"),
                   "path,label\nbottle/test/good/000.png,good\nbottle/test/blob/000.png,blob\n"
                   "bottle/test/scratch/000.png,anomalous\n");
  const std::string ev = dir.file("eval");
  REQUIRE(
      app::eval_command({"--labels", dir.file("labels.csv"), "--checkpoint", out + "/checkpoint.h5",
                         "--out", ev, "--size", "16", "--device", "cpu"}) == 0);
  const std::string metrics = test::read_all(ev + "/metrics.csv");
  CHECK(metrics.find("\"labels\",3,2,") != std::string::npos);
  CHECK(metrics.find(",n/a,n/a,n/a,n/a,n/a\n") != std::string::npos);
  CHECK(metrics.find("\"labels\",3,2,n/a") == std::string::npos);  // image AUROC is a number
  const std::string html = test::read_all(ev + "/report.html");
  CHECK(html.find("<h2>Image scores</h2>") != std::string::npos);
  CHECK(html.find("pixel metrics n/a") != std::string::npos);
  CHECK(test::error_of([&] {
          app::eval_command({"--out", ev});
        }).find("give a category folder, --labels FILE.csv, or --runs <dir> to merge") !=
        std::string::npos);
}
