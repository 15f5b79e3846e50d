// ParallelFor: runs fn(begin, end) over [0, n) on up to `threads` threads,
// one of them the calling thread. The range is cut into blocks that the
// threads take in turn from a shared counter, so a thread whose core is also
// busy with other work (a reader, the appending thread) takes fewer blocks
// instead of holding up the others. For CPU-bound batches (parsing,
// signature checks); fn must be safe to run concurrently on disjoint ranges,
// and may be called several times per thread.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <functional>
#include <thread>
#include <vector>

namespace wasteledger {

inline unsigned DefaultThreads() {
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : n;
}

inline void ParallelFor(size_t n, unsigned threads,
                        const std::function<void(size_t begin, size_t end)>& fn) {
  if (threads == 0) threads = DefaultThreads();
  threads = static_cast<unsigned>(std::min<size_t>(threads, std::max<size_t>(1, n / 64)));
  if (threads <= 1) {
    fn(0, n);
    return;
  }
  // About 16 blocks per thread, each at least 16 items.
  const size_t block = std::max<size_t>(16, n / (size_t{threads} * 16));
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (;;) {
      const size_t b = next.fetch_add(block, std::memory_order_relaxed);
      if (b >= n) return;
      fn(b, std::min(n, b + block));
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(threads - 1);
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& th : pool) th.join();
}

}  // namespace wasteledger
