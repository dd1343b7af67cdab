// How uflow lays out what it writes to HDF5 so that corruption is detected when reading:
// - every non-empty, non-scalar dataset is chunked with HDF5's Fletcher-32 checksum filter
//   (one checksum per chunk, verified by HDF5 on every read);
// - files are created with the HDF5 1.10 file format (superblock v3, object headers v2, the
//   1.10 chunk indexes), whose metadata (attributes, links, chunk indexes) carries Jenkins
//   lookup3 checksums.
// A flipped byte in a dataset's data or in the file's metadata is then a read error instead of
// a silently different value. Files written by other tools (h5py fixtures, older uflow) may lack
// the data checksums; H5DatasetInfo::checksummed tells.
#pragma once
#include <hdf5.h>

#include <cstddef>
#include <vector>

#include "weights/hdf5_check.h"

namespace uflow::h5 {

// Chunk dimensions for a dataset of `dims` with elements of `elem_bytes`: the whole dataset,
// halved along its leading dimensions until a chunk holds at most `max_chunk_bytes` (HDF5
// limits a chunk to 4 GiB; smaller chunks keep row reads cheap). `dims` must be non-empty and
// without zeros.
std::vector<hsize_t> chunk_dims(const std::vector<hsize_t>& dims, size_t elem_bytes,
                                size_t max_chunk_bytes = size_t{16} << 20);

// Dataset creation properties: chunked with `chunk` (see chunk_dims) and Fletcher-32. For a
// scalar or empty dataset (nothing to chunk) the default, unfiltered layout.
Handle checksummed_creation(const std::vector<hsize_t>& dims, const std::vector<hsize_t>& chunk);

// File access properties for creating files in the checksummed 1.10 format.
Handle checksummed_file_access();

// Whether a dataset was written with the Fletcher-32 filter.
bool has_fletcher32(hid_t dataset);

}  // namespace uflow::h5
