// One training per output folder: a second process is refused with the holder's pid, a killed
// holder leaves no stale lock, a folder with a checkpoint is only reused with --resume or
// --force, and a damaged loss.csv is an error naming the file and the line.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "apps/cli/output_lock.h"
#include "apps/model/checkpoint.h"
#include "test_util.h"
#include "tiny_run.h"

using namespace uflow;
using test::error_of;
namespace fs = std::filesystem;

namespace {

fs::path scratch(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("uflow_outdir_" + name);
  fs::remove_all(d);
  return d;
}

app::TrainRequest request(const fs::path& out, int64_t epochs) {
  static const fs::path data = test::tiny_category("outdir");
  return test::tiny_request(data, out, epochs);
}

}  // namespace

// First in the file: it forks, which is safest before any thread pool exists.
TEST_CASE("a folder locked by another process is refused with its pid; kill -9 frees it") {
  const fs::path dir = scratch("lock");
  int ready[2];
  REQUIRE(::pipe(ready) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    const app::OutputLock lock(dir.string(), "train");
    const char c = 1;
    if (::write(ready[1], &c, 1) != 1) ::_exit(1);
    ::pause();
    ::_exit(0);
  }
  char c = 0;
  REQUIRE(::read(ready[0], &c, 1) == 1);
  const std::string lock_file = (dir / ".uflow.lock").string();
  CHECK(error_of([&] { app::OutputLock second(dir.string(), "train"); }) ==
        dir.string() + ": output folder is in use by another uflow process (pid " +
            std::to_string(child) + ", uflow train); lock file " + lock_file);
  CHECK(
      error_of([&] {
        app::run_training(request(dir, 1));
      }).find(": output folder is in use by another uflow process (pid " + std::to_string(child)) !=
      std::string::npos);
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  CHECK(error_of([&] { app::OutputLock again(dir.string(), "train"); }) == "<no error>");
  fs::remove_all(dir);
}

TEST_CASE("within one process too, a second lock on the same folder is refused until released") {
  const fs::path dir = scratch("lock2");
  {
    const app::OutputLock first(dir.string(), "eval");
    CHECK(error_of([&] {
            app::OutputLock second(dir.string(), "predict");
          }).find("(pid " + std::to_string(::getpid()) + ", uflow eval)") != std::string::npos);
  }
  CHECK(error_of([&] { app::OutputLock third(dir.string(), "predict"); }) == "<no error>");
  fs::remove_all(dir);
}

TEST_CASE("training into a folder with a checkpoint needs --resume or --force") {
  const fs::path out = scratch("force");
  app::run_training(request(out, 2));
  const std::string ckpt = (out / "checkpoint.h5").string();
  const std::string before = test::read_all(ckpt);
  CHECK(error_of([&] { app::run_training(request(out, 1)); }) ==
        out.string() + ": already holds a trained model (" + ckpt +
            "); use --resume to continue it or --force to start over");
  CHECK(test::read_all(ckpt) == before);

  app::TrainRequest both = request(out, 3);
  both.resume = both.force = true;
  CHECK(error_of([&] { app::run_training(both); }) == "--resume and --force exclude each other");

  app::TrainRequest force = request(out, 1);
  force.force = true;
  app::run_training(force);
  CHECK(app::read_checkpoint_info(ckpt).epoch == 1);
  // The log starts over with the new run: a header and one epoch.
  const std::string log = test::read_all((out / "loss.csv").string());
  CHECK(std::count(log.begin(), log.end(), '\n') == 2);
  CHECK(log.find("\n1,") != std::string::npos);
  fs::remove_all(out);
}

TEST_CASE("a damaged loss.csv stops a resume with the file and the line") {
  const fs::path out = scratch("losscsv");
  app::run_training(request(out, 1));
  {
    std::ofstream f(out / "loss.csv", std::ios::app);
    f << "1,2.0,0.001,1.0,4.0\nabc,1,2,3,4\n";
  }
  app::TrainRequest resume = request(out, 2);
  resume.resume = true;
  CHECK(error_of([&] { app::run_training(resume); }) ==
        (out / "loss.csv").string() +
            ": line 4: 'abc' is not an epoch number (the file is damaged; fix or remove it to "
            "resume)");
  fs::remove_all(out);
}
