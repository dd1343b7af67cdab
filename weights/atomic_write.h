// Writing an HDF5 file so that readers only ever see the old file or the complete new one:
// the content goes to "<path>.tmp", is flushed to disk, then renamed over <path>. If filling
// or renaming fails, the temporary file is removed, <path> is untouched and the error is
// rethrown.
#pragma once
#include <functional>
#include <string>

#include "weights/hdf5_file.h"

namespace uflow {

void write_h5_atomic(const std::string& path, const std::function<void(H5File&)>& fill);

}  // namespace uflow
