// The single-stream invariant the CUDA caching allocator relies on (tensor/caching_allocator.h):
// every kernel launch and every asynchronous copy or fill in the sources goes to the library
// stream (cuda::stream()), and no other stream or library handle is created. A launch on the
// default stream would not be ordered with the library stream, and a block freed by one could
// be reused by the other while still being read. Checked on the source text, so it runs on
// machines without a GPU.
#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

struct Finding {
  std::string where, what;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

int line_of(const std::string& text, size_t pos) {
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + pos, '\n'));
}

std::string squeeze(std::string s) {
  s.erase(std::remove_if(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c); }),
          s.end());
  return s;
}

// The top-level comma-separated parts of s (commas inside brackets do not split).
std::vector<std::string> top_level_args(const std::string& s) {
  std::vector<std::string> out(1);
  int depth = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool arrow = c == '>' && i > 0 && s[i - 1] == '-';  // member access, not a bracket
    if (c == '(' || c == '[' || c == '{' || c == '<') ++depth;
    if (c == ')' || c == ']' || c == '}' || (c == '>' && !arrow)) --depth;
    if (c == ',' && depth == 0) {
      out.emplace_back();
      continue;
    }
    out.back() += c;
  }
  for (std::string& a : out) a = squeeze(a);
  return out;
}

// The text of a call's argument list: from the '(' at open to its matching ')'.
std::string call_args(const std::string& text, size_t open) {
  int depth = 0;
  for (size_t i = open; i < text.size(); ++i) {
    if (text[i] == '(') ++depth;
    if (text[i] == ')' && --depth == 0) return text.substr(open + 1, i - open - 1);
  }
  return text.substr(open);
}

// Counts launches and stream-ordered calls checked in one file's text; records violations.
struct Scan {
  int launches = 0, async_calls = 0;
  std::vector<Finding> findings;

  void file(const std::string& name, const std::string& text, bool is_runtime) {
    for (size_t pos = text.find("<<<"); pos != std::string::npos; pos = text.find("<<<", pos + 3)) {
      const size_t end = text.find(">>>", pos);
      const std::vector<std::string> args = top_level_args(text.substr(pos + 3, end - pos - 3));
      ++launches;
      if (args.size() != 4 || args[3] != "stream()")
        findings.push_back(
            {name + ":" + std::to_string(line_of(text, pos)),
             "kernel launch not on stream(): <<<" + text.substr(pos + 3, end - pos - 3) + ">>>"});
    }
    for (const char* call : {"cudaMemcpyAsync(", "cudaMemsetAsync(", "cudaMemcpy2DAsync(",
                             "cudaGraphLaunch(", "cudaEventRecord("}) {
      for (size_t pos = text.find(call); pos != std::string::npos; pos = text.find(call, pos + 1)) {
        ++async_calls;
        const std::vector<std::string> args =
            top_level_args(call_args(text, pos + std::string(call).size() - 1));
        const std::string last = args.back();
        if (last != "stream()" && last != "cuda::stream()" && !(is_runtime && last == "s"))
          findings.push_back({name + ":" + std::to_string(line_of(text, pos)),
                              std::string(call) + " not on the library stream"});
      }
    }
    // Synchronous copies and fills run on the legacy default stream.
    for (const char* call : {"cudaMemcpy(", "cudaMemset(", "cudaMemcpy2D(", "cudaMemcpyToSymbol("})
      for (size_t pos = text.find(call); pos != std::string::npos; pos = text.find(call, pos + 1))
        findings.push_back({name + ":" + std::to_string(line_of(text, pos)),
                            std::string(call) + " runs on the default stream"});
    if (!is_runtime)
      for (const char* call : {"cudaStreamCreate", "cublasCreate(", "cudnnCreate(",
                               "cublasSetStream(", "cudnnSetStream("})
        for (size_t pos = text.find(call); pos != std::string::npos; pos = text.find(call, pos + 1))
          findings.push_back({name + ":" + std::to_string(line_of(text, pos)),
                              std::string(call) + " outside tensor/cuda/runtime.cu"});
  }
};

fs::path source_root() {
  return fs::path(UFLOW_FIXTURES_DIR).parent_path().parent_path();
}

}  // namespace

TEST_CASE("the checker flags launches and copies off the library stream") {
  Scan s;
  s.file("bad.cu",
         "k<<<grid_for(n), 256>>>(a);\n"
         "k<<<g, b, 0, 0>>>(a);\n"
         "k<<<g, dim3(1, 2), 0, stream()>>>(a);\n"
         "cudaMemcpyAsync(d, s, n, cudaMemcpyDeviceToDevice, other);\n"
         "cudaMemcpyAsync(t.p->get(), s, n, cudaMemcpyHostToDevice, stream());\n"
         "cudaMemcpyAsync(t.p->get(), s, n, cudaMemcpyHostToDevice, t.q->s);\n"
         "cudaMemcpy(d, s, n, cudaMemcpyDeviceToDevice);\n"
         "cudaStreamCreate(&s);\n",
         false);
  CHECK(s.launches == 3);
  CHECK(s.async_calls == 3);
  CHECK(s.findings.size() == 6);
}

TEST_CASE("every CUDA launch and asynchronous copy of the sources is on the library stream") {
  const fs::path root = source_root();
  REQUIRE(fs::exists(root / "tensor" / "cuda" / "runtime.cu"));
  Scan scan;
  int files = 0;
  for (const char* dir : {"tensor", "autograd", "layers", "flow", "contrario", "apps", "weights",
                          "imaging", "metrics"}) {
    if (!fs::exists(root / dir)) continue;
    for (const auto& e : fs::recursive_directory_iterator(root / dir)) {
      const std::string ext = e.path().extension().string();
      if (ext != ".cu" && ext != ".cuh" && ext != ".cpp" && ext != ".h") continue;
      const std::string rel = fs::relative(e.path(), root).string();
      ++files;
      scan.file(rel, slurp(e.path()), rel == "tensor/cuda/runtime.cu");
    }
  }
  for (const Finding& f : scan.findings) {
    INFO(f.where, ": ", f.what);
    CHECK(false);
  }
  MESSAGE(files, " source files, ", scan.launches, " kernel launches, ", scan.async_calls,
          " stream-ordered calls checked");
  CHECK(scan.launches >= 30);  // the scan found the kernels (not an empty pass)
  CHECK(scan.async_calls >= 3);
}
