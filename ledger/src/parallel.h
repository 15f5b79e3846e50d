// ParallelFor: runs fn(begin, end) over [0, n) split into `threads` stripes,
// one on the calling thread. For CPU-bound batches (parsing, signature
// checks); fn must be safe to run concurrently on disjoint ranges.
#pragma once

#include <algorithm>
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
  const size_t stripe = (n + threads - 1) / threads;
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) {
    size_t b = std::min(n, stripe * t), e = std::min(n, stripe * (t + 1));
    pool.emplace_back([&fn, b, e] { fn(b, e); });
  }
  fn(0, std::min(n, stripe));
  for (auto& th : pool) th.join();
}

}  // namespace wasteledger
