// A one-line progress bar on stderr: count, rate, ETA and free-form status (e.g. the loss).
// On a terminal it redraws in place; otherwise it prints a line every 10% so logs stay short.
#pragma once
#include <chrono>
#include <cstdint>
#include <string>

namespace uflow::app {

class Progress {
 public:
  Progress(std::string label, int64_t total, std::string unit = "img");
  // Advances by n and redraws; status replaces the previous status text.
  void advance(int64_t n = 1, const std::string& status = "");
  // Final line with the total time.
  void finish(const std::string& status = "");
  double elapsed_seconds() const;

 private:
  void draw(bool final_line);
  std::string label_, unit_, status_;
  int64_t total_, done_ = 0;
  int last_decile_ = -1;
  bool tty_;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace uflow::app
