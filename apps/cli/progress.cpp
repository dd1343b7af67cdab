#include "apps/cli/progress.h"

#include <unistd.h>

#include <cstdio>

namespace uflow::app {

Progress::Progress(std::string label, int64_t total, std::string unit)
    : label_(std::move(label)),
      unit_(std::move(unit)),
      total_(total),
      tty_(isatty(2)),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

double Progress::elapsed_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void Progress::advance(int64_t n, const std::string& status) {
  done_ += n;
  if (!status.empty()) status_ = status;
  const auto now = std::chrono::steady_clock::now();
  if (tty_) {
    if (now - last_draw_ > std::chrono::milliseconds(100) || done_ >= total_) draw(false);
  } else {
    const int decile = total_ > 0 ? static_cast<int>(10 * done_ / total_) : 10;
    if (decile != last_decile_) {
      last_decile_ = decile;
      draw(false);
    }
  }
}

void Progress::finish(const std::string& status) {
  if (!status.empty()) status_ = status;
  draw(true);
}

void Progress::draw(bool final_line) {
  last_draw_ = std::chrono::steady_clock::now();
  const double t = elapsed_seconds();
  const double rate = t > 0 ? done_ / t : 0;
  const double eta = rate > 0 && total_ > done_ ? (total_ - done_) / rate : 0;
  const int width = 24;
  const int filled =
      total_ > 0 ? static_cast<int>(width * std::min<int64_t>(done_, total_) / total_) : width;
  char bar[width + 1];
  for (int i = 0; i < width; ++i) bar[i] = i < filled ? '#' : '.';
  bar[width] = 0;
  std::fprintf(stderr, "%s%-12s [%s] %lld/%lld %.1f %s/s %s %s%s", tty_ ? "\r" : "", label_.c_str(),
               bar, static_cast<long long>(done_), static_cast<long long>(total_), rate,
               unit_.c_str(),
               final_line ? ("in " + std::to_string(static_cast<int>(t + 0.5)) + "s").c_str()
                          : ("ETA " + std::to_string(static_cast<int>(eta + 0.5)) + "s").c_str(),
               status_.c_str(), (final_line || !tty_) ? "\n" : "\033[K");
  std::fflush(stderr);
}

}  // namespace uflow::app
