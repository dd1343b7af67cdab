// What the fuzz targets share: the fuzzer's bytes as a file (the loaders under test read
// paths, as the commands do) and the rule for exceptions.
#pragma once
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>

namespace uflow::fuzz {

// Writes the input to a file of this process in the temp folder (the same name every call)
// and returns its path.
inline std::string input_file(const uint8_t* data, size_t size, const char* suffix) {
  static const std::string path = (std::filesystem::temp_directory_path() /
                                   ("uflow-fuzz-" + std::to_string(::getpid()) + suffix))
                                      .string();
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) std::abort();
  if (size && std::fwrite(data, 1, size, f) != size) std::abort();
  std::fclose(f);
  return path;
}

}  // namespace uflow::fuzz

// Bad input must end in a uflow::Error (one line naming the file): that is caught. Anything
// else (std::bad_alloc, std::out_of_range, a crash, a sanitizer report) escapes and is a finding.
#define UFLOW_FUZZ_EXPECT_ERRORS(...) \
  try {                               \
    __VA_ARGS__;                      \
  } catch (const ::uflow::Error&) {   \
  }
