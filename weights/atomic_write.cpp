#include "weights/atomic_write.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>

namespace uflow {
namespace {

// Without this a crash shortly after the rename could leave the new name pointing at
// blocks the OS never wrote.
void sync_to_disk(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  UFLOW_CHECK(fd >= 0, path, ": cannot reopen the written file to flush it");
  const int rc = ::fsync(fd);
  ::close(fd);
  UFLOW_CHECK(rc == 0, path, ": cannot flush the written file to disk");
}

}  // namespace

void write_h5_atomic(const std::string& path, const std::function<void(H5File&)>& fill) {
  namespace fs = std::filesystem;
  const std::string tmp = path + ".tmp";
  try {
    {
      H5File f(tmp, 'w');
      fill(f);
      f.close();  // HDF5 writes its metadata on close: a failure must stop the rename
    }
    sync_to_disk(tmp);
    std::error_code ec;
    fs::rename(tmp, path, ec);
    UFLOW_CHECK(!ec, path, ": cannot move the new file into place (", ec.message(), ")");
  } catch (...) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    throw;
  }
}

}  // namespace uflow
