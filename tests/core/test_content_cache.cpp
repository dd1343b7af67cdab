// The content-keyed cache behind the GPU copies of kernel tables (tensor/content_cache.h):
// one make() per distinct content wherever the bytes live, least recently used entries dropped
// beyond the budget, pinned entries kept.
#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "tensor/content_cache.h"

using namespace uflow;

namespace {

struct Made {
  int id;
  size_t nbytes;
};

class Counter {
 public:
  ContentCache<Made>::Make make() {
    return [this](const void*, size_t n) { return Made{++made_, n}; };
  }
  int made() const { return made_; }

 private:
  int made_ = 0;
};

}  // namespace

TEST_CASE("one make per distinct content, wherever the bytes are") {
  ContentCache<Made> cache(1 << 20);
  Counter c;
  std::vector<int64_t> perm{2, 0, 1, 3};
  const Made& a = cache.get(perm.data(), perm.size() * 8, c.make());
  CHECK(a.id == 1);
  const std::vector<int64_t> same = perm;  // equal bytes elsewhere: a hit
  CHECK(cache.get(same.data(), same.size() * 8, c.make()).id == 1);
  perm[0] = 3;
  perm[3] = 2;  // same address, new content: a miss
  CHECK(cache.get(perm.data(), perm.size() * 8, c.make()).id == 2);
  CHECK(cache.get(perm.data(), 3 * 8, c.make()).id == 3);  // a prefix is another content
  CHECK(c.made() == 3);
  CHECK(cache.hits() == 1);
  CHECK(cache.misses() == 3);
  CHECK(cache.entries() == 3);
  CHECK(cache.bytes() == 32 + 32 + 24);
  const char empty = 0;
  CHECK(cache.get(&empty, 0, c.make()).nbytes == 0);
  CHECK(cache.get(nullptr, 0, c.make()).id == 4);
}

TEST_CASE("least recently used entries go beyond the budget; pinned ones and the newest stay") {
  ContentCache<Made> cache(3 * 64);  // room for three 64-byte tables
  Counter c;
  std::vector<std::vector<char>> t;
  for (char k = 0; k < 6; ++k) t.emplace_back(64, k);
  auto get = [&](int k, bool pin = false) {
    return cache.get(t[k].data(), t[k].size(), c.make(), pin).id;
  };
  CHECK(get(0, true) == 1);  // pinned
  CHECK(get(1) == 2);
  CHECK(get(2) == 3);
  CHECK(get(1) == 2);  // 1 is now more recent than 2
  CHECK(get(3) == 4);  // over budget: 2 (least recent unpinned) goes, pinned 0 stays
  CHECK(cache.entries() == 3);
  CHECK(get(0) == 1);
  CHECK(get(1) == 2);
  CHECK(get(2) == 5);  // made again
  CHECK(c.made() == 5);
  // A single table larger than the budget is still kept while it is the newest.
  std::vector<char> big(1000, 9);
  CHECK(cache.get(big.data(), big.size(), c.make()).id == 6);
  CHECK(cache.get(big.data(), big.size(), c.make()).id == 6);
  CHECK(get(0) == 1);  // pinned entries survive any pressure
}
