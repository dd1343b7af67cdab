// scripts/reproduce-mvtec.sh on a small synthetic stand-in of the MVTec AD layout (two
// categories of 32 px images, the small extractor, one epoch): the table next to the paper's
// numbers, resuming (finished categories are skipped), and the Slurm-style split into
// per-category runs (--no-table) merged afterwards (--table-only, uflow eval --runs).
#include <cstdlib>
#include <filesystem>

#include "apps/apps_test_util.h"
#include "test_util.h"

using namespace uflow;
namespace fs = std::filesystem;

namespace {

// Runs the script with the stand-in's tiny settings; returns its exit status, output in log.
int run_script(const fs::path& data, const fs::path& runs, const std::string& extra,
               const fs::path& log) {
  const std::string cmd =
      std::string("bash '") + UFLOW_SOURCE_DIR + "/scripts/reproduce-mvtec.sh' '" + data.string() +
      "' --runs '" + runs.string() + "' --uflow '" + UFLOW_BINARY +
      "' --eval-args '--size 16 --device cpu' " + extra +
      " -- --extractor small --input-size 64 --epochs 1 --device cpu > '" + log.string() + "' 2>&1";
  const int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("reproduce-mvtec.sh trains, evaluates, resumes and prints the paper's table") {
  const test::ScratchDir dir("reproduce");
  const fs::path data = dir.path() / "mvtec";
  for (const char* c : {"grid", "bottle"}) test::write_tiny_category((data / c).string(), 32, 3, 1);
  const fs::path runs = dir.path() / "runs";
  const fs::path log = dir.path() / "log.txt";

  REQUIRE(run_script(data, runs, "--categories grid,bottle", log) == 0);
  const std::string table = test::read_all((runs / "summary" / "paper-table.md").string());
  INFO(test::read_all(log.string()));
  CHECK(contains(table, "| grid | "));
  CHECK(contains(table, " (98.49) | "));  // grid's published pixel AUROC
  CHECK(contains(table, "| bottle | "));
  CHECK(contains(table, " (95.64) | "));  // bottle's published AUPRO
  CHECK(contains(table, "| mean textures | "));
  CHECK(contains(table, "| mean objects | "));
  CHECK(contains(table, "| mean | "));
  CHECK_FALSE(contains(table, "n/a"));
  const std::string merged = test::read_all((runs / "summary" / "metrics.csv").string());
  CHECK(contains(merged, "\"bottle\",4,3,"));
  CHECK(contains(merged, "\"grid\",4,3,"));
  CHECK(contains(test::read_all((runs / "bottle" / "train.log").string()),
                 "preset paper:bottle: 1 epochs, batch 23"));

  // Again: nothing left to do.
  REQUIRE(run_script(data, runs, "--categories grid,bottle", log) == 0);
  CHECK(contains(test::read_all(log.string()), "[grid] done already"));
  CHECK(contains(test::read_all(log.string()), "[bottle] done already"));

  // As a Slurm task: bottle trained but not evaluated is only evaluated; then the merge.
  fs::remove_all(runs / "bottle" / "evaluation");
  REQUIRE(run_script(data, runs, "--categories bottle --no-table", log) == 0);
  const std::string task = test::read_all(log.string());
  CHECK_FALSE(contains(task, "[bottle] training"));
  CHECK(contains(task, "[bottle] evaluated"));
  CHECK_FALSE(contains(task, "| bottle |"));
  fs::remove(runs / "summary" / "paper-table.md");
  REQUIRE(run_script(data, runs, "--categories grid,bottle --table-only", log) == 0);
  CHECK(contains(test::read_all((runs / "summary" / "paper-table.md").string()), "| bottle | "));

  // A category that is not there is refused before anything runs.
  CHECK(run_script(data, runs, "--categories carpet", log) == 2);
  CHECK(contains(test::read_all(log.string()), "carpet/train/good: folder not found"));
}
