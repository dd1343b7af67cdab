#include "apps/cli/output_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "tensor/error.h"

namespace fs = std::filesystem;

namespace uflow::app {
namespace {

// "pid 1234, uflow train" as the holder wrote it, or a placeholder while it has not yet.
std::string holder(int fd) {
  char buf[128] = {};
  const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  std::string s = n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
  while (!s.empty() && (s.back() == '\n' || s.back() == '\0')) s.pop_back();
  return s.empty() ? "pid unknown" : s;
}

}  // namespace

OutputLock::OutputLock(const std::string& folder, const std::string& command) {
  std::error_code ec;
  fs::create_directories(folder, ec);
  UFLOW_CHECK(!ec, folder, ": cannot create the output folder (", ec.message(), ")");
  const std::string path = (fs::path(folder) / kFileName).string();
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  UFLOW_CHECK(fd_ >= 0, path, ": cannot create the lock file (", std::strerror(errno), ")");
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    const std::string who = holder(fd_);
    ::close(fd_);
    fd_ = -1;
    UFLOW_CHECK(err != EWOULDBLOCK, folder, ": output folder is in use by another uflow process (",
                who, "); lock file ", path);
    UFLOW_FAIL(path, ": cannot lock (", std::strerror(err), ")");
  }
  const std::string me = "pid " + std::to_string(::getpid()) + ", uflow " + command + "\n";
  // Without the note the lock still holds; only the message a second process prints is poorer.
  const bool noted = ::ftruncate(fd_, 0) == 0 &&
                     ::pwrite(fd_, me.data(), me.size(), 0) == static_cast<ssize_t>(me.size());
  (void)noted;
}

OutputLock::~OutputLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the descriptor releases the lock
}

}  // namespace uflow::app
