#include "weights/hdf5_layout.h"

namespace uflow::h5 {

std::vector<hsize_t> chunk_dims(const std::vector<hsize_t>& dims, size_t elem_bytes,
                                size_t max_chunk_bytes) {
  std::vector<hsize_t> chunk = dims;
  const auto bytes = [&] {
    size_t b = elem_bytes;
    for (hsize_t d : chunk) b *= d;
    return b;
  };
  // Halving the leading dimension first keeps each chunk a run of whole rows as long as rows fit.
  for (size_t d = 0; d < chunk.size() && bytes() > max_chunk_bytes;) {
    if (chunk[d] == 1) {
      ++d;
      continue;
    }
    chunk[d] = (chunk[d] + 1) / 2;
  }
  return chunk;
}

Handle checksummed_creation(const std::vector<hsize_t>& dims, const std::vector<hsize_t>& chunk) {
  bool empty = dims.empty();
  for (hsize_t d : dims) empty = empty || d == 0;
  Handle plist(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  UFLOW_CHECK(plist.get() >= 0, "HDF5: cannot create dataset properties (", last_error(), ")");
  if (empty) return plist;
  UFLOW_CHECK(H5Pset_chunk(plist.get(), static_cast<int>(chunk.size()), chunk.data()) >= 0,
              "HDF5: cannot set chunked layout (", last_error(), ")");
  UFLOW_CHECK(H5Pset_fletcher32(plist.get()) >= 0, "HDF5: cannot add the Fletcher-32 filter (",
              last_error(), ")");
  return plist;
}

Handle checksummed_file_access() {
  Handle plist(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  UFLOW_CHECK(plist.get() >= 0, "HDF5: cannot create file access properties (", last_error(), ")");
  UFLOW_CHECK(H5Pset_libver_bounds(plist.get(), H5F_LIBVER_V110, H5F_LIBVER_LATEST) >= 0,
              "HDF5: cannot select the 1.10 file format (", last_error(), ")");
  return plist;
}

bool has_fletcher32(hid_t dataset) {
  Handle plist(H5Dget_create_plist(dataset), H5Pclose);
  if (plist.get() < 0) {
    last_error();
    return false;
  }
  unsigned flags = 0;
  size_t nelmts = 0;
  unsigned filter_config = 0;
  const herr_t r = H5Pget_filter_by_id2(plist.get(), H5Z_FILTER_FLETCHER32, &flags, &nelmts,
                                        nullptr, 0, nullptr, &filter_config);
  if (r < 0) last_error();  // "filter not in pipeline" is the plain answer "no"
  return r >= 0;
}

}  // namespace uflow::h5
