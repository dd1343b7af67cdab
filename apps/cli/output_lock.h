// Exclusive use of an output folder by one uflow process: two trainings writing the same
// checkpoint.h5 and loss.csv wreck each other. The lock is flock(2) on <folder>/.uflow.lock,
// which holds the owner's pid and command; the kernel drops the lock when its process ends,
// however it ends (kill -9 included), so a leftover lock file never blocks anyone.
#pragma once
#include <string>

namespace uflow::app {

class OutputLock {
 public:
  // Creates the folder when missing, then takes the lock or throws one line naming the folder
  // and the process holding it ("runs/x: output folder is in use by another uflow process
  // (pid 1234, uflow train); lock file runs/x/.uflow.lock").
  OutputLock(const std::string& folder, const std::string& command);
  ~OutputLock();
  OutputLock(const OutputLock&) = delete;
  OutputLock& operator=(const OutputLock&) = delete;

  static constexpr const char* kFileName = ".uflow.lock";

 private:
  int fd_ = -1;
};

}  // namespace uflow::app
