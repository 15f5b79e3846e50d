// The baseline every other figure is divided by: how many Ed25519
// signatures libsodium verifies per second on this machine, on one thread
// and on two, over pre-signed messages of about the size of a statement
// payload (300 bytes). Also the same through VerifierKey::Verify, the call
// the library makes, to show the wrapper costs nothing.
//
// Settings (environment): WL_BENCH_VERIFY_SECONDS (default 3) per figure.
// Prints RESULT lines: verify_1t, verify_2t, verifierkey_2t (signatures/s),
// verify_1t_cpu_us and verify_2t_cpu_us (CPU time of the verifying threads
// per signature, microseconds: what one verification costs a core, however
// loaded the machine is).
#include <sodium.h>

#include <atomic>
#include <thread>

#include "bench_util.h"

namespace wasteledger::bench {
namespace {

constexpr size_t kMessages = 4096;
constexpr size_t kMessageBytes = 300;
constexpr size_t kKeys = 10;

struct Signed {
  std::string message;
  std::string signature;  // 64 bytes
  size_t key = 0;
};

struct Corpus {
  std::vector<VerifierKey> keys;
  std::vector<Signed> items;
};

Corpus MakeCorpus() {
  Corpus c;
  std::vector<SigningKey> signers;
  for (size_t k = 0; k < kKeys; ++k) {
    signers.push_back(MakeKey(fmt::format("baseline-{:02d}", k)));
    c.keys.push_back(signers.back().verifier());
  }
  Hash h = Sha256("wasteledger bench baseline messages");
  for (size_t i = 0; i < kMessages; ++i) {
    Signed s;
    while (s.message.size() < kMessageBytes) {
      h = Sha256(AsBytes(h));
      s.message += ToHex(h);  // printable, like a JSON payload
    }
    s.message.resize(kMessageBytes);
    s.key = i % kKeys;
    s.signature = signers[s.key].Sign(s.message);
    c.items.push_back(std::move(s));
  }
  return c;
}

struct Measured {
  double rate = 0;    // verifications per second (wall clock)
  double cpu_us = 0;  // CPU time of the verifying threads per verification, microseconds
};

// Runs `verify(item)` over the corpus on `threads` threads for about
// `seconds`; returns verifications per second and the CPU time each took.
// Dies if one fails.
template <typename VerifyFn>
Measured Rate(const Corpus& c, unsigned threads, double seconds, VerifyFn verify) {
  std::atomic<bool> go{false}, stop{false};
  std::vector<uint64_t> done(threads, 0), bad(threads, 0);
  std::vector<double> ended(threads, 0), cpu(threads, 0);
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      while (!go.load(std::memory_order_acquire)) {
      }
      const double cpu_from = ThreadCpuNow();
      size_t i = t * (kMessages / threads);
      uint64_t n = 0, failed = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        for (int k = 0; k < 32; ++k) {
          if (!verify(c, c.items[i])) ++failed;
          if (++i == kMessages) i = 0;
        }
        n += 32;
      }
      ended[t] = Now();
      cpu[t] = ThreadCpuNow() - cpu_from;
      done[t] = n;
      bad[t] = failed;
    });
  }
  const double start = Now();
  go.store(true, std::memory_order_release);
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop.store(true);
  for (auto& th : pool) th.join();
  uint64_t total = 0;
  double end = start, cpu_total = 0;
  for (unsigned t = 0; t < threads; ++t) {
    if (bad[t] != 0) Die("a baseline signature did not verify");
    total += done[t];
    cpu_total += cpu[t];
    end = std::max(end, ended[t]);
  }
  return {static_cast<double>(total) / (end - start), cpu_total * 1e6 / static_cast<double>(total)};
}

bool RawVerify(const Corpus& c, const Signed& s) {
  const auto& pk = c.keys[s.key].public_key();
  return crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(s.signature.data()),
                                     reinterpret_cast<const unsigned char*>(s.message.data()),
                                     s.message.size(), pk.data()) == 0;
}

bool WrappedVerify(const Corpus& c, const Signed& s) { return c.keys[s.key].Verify(s.message, s.signature); }

int Main() {
  InitCrypto();
  const double seconds = static_cast<double>(EnvU64("WL_BENCH_VERIFY_SECONDS", 3));
  const Corpus corpus = MakeCorpus();
  Note(fmt::format("baseline: {} messages of {} bytes, {} keys, {:.0f} s per figure, {} hardware threads",
                   kMessages, kMessageBytes, kKeys, seconds, std::thread::hardware_concurrency()));
  const Measured m1 = Rate(corpus, 1, seconds, RawVerify);
  Report("verify_1t", m1.rate);
  Report("verify_1t_cpu_us", m1.cpu_us);
  const Measured m2 = Rate(corpus, 2, seconds, RawVerify);
  Report("verify_2t", m2.rate);
  Report("verify_2t_cpu_us", m2.cpu_us);
  const double r1 = m1.rate, r2 = m2.rate;
  const double w2 = Rate(corpus, 2, seconds, WrappedVerify).rate;
  Report("verifierkey_2t", w2);
  Note(fmt::format("libsodium {}: {:.0f}/s on 1 thread, {:.0f}/s on 2 ({:.2f}x); VerifierKey::Verify {:.0f}/s",
                   sodium_version_string(), r1, r2, r2 / r1, w2));
  return 0;
}

}  // namespace
}  // namespace wasteledger::bench

int main() { return wasteledger::bench::Main(); }
