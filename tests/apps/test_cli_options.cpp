// Options are checked when parsed, before any work: a value out of range (zero batches, a
// negative, NaN or infinite learning rate, a map side that cannot be allocated, an input size
// the extractor cannot take) is a one-line error naming the option and the allowed range.
#include "apps/commands/predict_command.h"
#include "apps/commands/study_commands.h"
#include "apps/commands/train_command.h"
#include "test_util.h"

using namespace uflow;

namespace {

std::string error_of(int (*command)(const std::vector<std::string>&),
                     const std::vector<std::string>& args) {
  try {
    command(args);
  } catch (const Error& e) {
    return e.what();
  }
  return "<no error>";
}

}  // namespace

TEST_CASE("train refuses out-of-range options by name") {
  const auto train = [](std::vector<std::string> extra) {
    std::vector<std::string> args{"no/such/data"};
    args.insert(args.end(), extra.begin(), extra.end());
    return error_of(app::train_command, args);
  };
  CHECK(train({"--batch", "0"}) == "option --batch: 0 is out of range [1, 4096]");
  CHECK(train({"--epochs", "-3"}) == "option --epochs: -3 is out of range [1, 1000000]");
  CHECK(train({"--lr", "-1"}) == "option --lr: '-1' is not a finite number in (0, 10]");
  CHECK(train({"--lr", "nan"}) == "option --lr: 'nan' is not a finite number in (0, 10]");
  CHECK(train({"--lr", "inf"}) == "option --lr: 'inf' is not a finite number in (0, 10]");
  CHECK(train({"--lr", "0"}) == "option --lr: '0' is not a finite number in (0, 10]");
  CHECK(train({"--weight-decay", "-1e-5"}) ==
        "option --weight-decay: '-1e-5' is not a finite number in [0, 1]");
  CHECK(train({"--input-size", "100000"}) ==
        "option --input-size: 100000 is out of range [32, 1024]");
  CHECK(train({"--input-size", "100"}) == "option --input-size: 100 is not a multiple of 32");
  CHECK(train({"--checkpoint-every", "0"}) ==
        "option --checkpoint-every: 0 is out of range [1, 1000000]");
  CHECK(train({"--seed", "-1"}) == "option --seed: -1 is out of range [0, 9223372036854775807]");
  CHECK(train({"--max-image-pixels", "0"}) ==
        "option --max-image-pixels: 0 is out of range [1, 1099511627776]");
  // Valid options get as far as the data.
  CHECK(train({"--batch", "2"}) == "no/such/data: dataset folder not found");
}

TEST_CASE("predict, features, latents and nfa refuse out-of-range options by name") {
  CHECK(error_of(app::predict_command, {"c.h5", "imgs", "--size", "100000"}) ==
        "option --size: 100000 is out of range [8, 4096]");
  CHECK(error_of(app::predict_command, {"c.h5", "imgs", "--size", "0"}) ==
        "option --size: 0 is out of range [8, 4096]");
  CHECK(error_of(app::predict_command, {"c.h5", "imgs", "--batch", "0"}) ==
        "option --batch: 0 is out of range [1, 4096]");
  CHECK(error_of(app::predict_command, {"c.h5", "imgs", "--prob", "1.5"}) ==
        "option --prob: '1.5' is not a finite number in (0, 1)");
  CHECK(error_of(app::predict_command, {"c.h5", "imgs", "--nfa", "fast"}) ==
        "--nfa: unknown NFA method 'fast' (use tree or block)");
  CHECK(error_of(app::features_command, {"imgs", "--batch", "0"}) ==
        "option --batch: 0 is out of range [1, 4096]");
  CHECK(error_of(app::latents_command, {"c.h5", "imgs", "--batch", "0"}) ==
        "option --batch: 0 is out of range [1, 4096]");
  CHECK(error_of(app::latents_command, {"c.h5", "imgs", "--size", "0"}) ==
        "option --size: 0 is out of range [8, 4096]");
  CHECK(error_of(app::nfa_command, {"z.h5", "--size", "0"}) ==
        "option --size: 0 is out of range [8, 4096]");
  CHECK(error_of(app::nfa_command, {"z.h5", "--method", "block", "--window", "0"}) ==
        "option --window: 0 is out of range [1, 255]");
  CHECK(error_of(app::nfa_command, {"z.h5", "--method", "fast"}) ==
        "--method: unknown NFA method 'fast' (use tree or block)");
  // Valid options get as far as the file.
  CHECK(error_of(app::nfa_command, {"z.h5"}) == "z.h5: file not found");
}
