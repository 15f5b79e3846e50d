// Proof latency at a million entries, and how fast such a ledger is built.
//
//   proof_bench [PATH/TO/wasteledger]
//
// The ledger is built the way an import fills one: sealed batches, one
// "seal" statement (body {"count":K,"root":RFC 6962 root over the K
// statement hashes}) signed per K statements, each member carrying its
// seal_index, appended as one atomic batch per seal (what `wasteledger sign
// --seal | wasteledger submit` does). The next batch's statements are made
// and sealed on another thread while the current one is appended.
//
// Then, reopened read-only, it times Ledger::InclusionProof(index, size) at
// random indices and Ledger::ConsistencyProof(size1, size) at random older
// sizes, each one individually, and checks every proof with the RFC 9162
// verifiers (outside the timing). With the binary, it also times whole
// `wasteledger prove inclusion` runs, which is what a user waits for.
//
// Settings (environment): WL_BENCH_PROOF_ENTRIES (default 1000000),
// WL_BENCH_SEAL (10000 statements per seal), WL_BENCH_PROOFS (1000 of each),
// WL_BENCH_PROOF_LEDGER (a directory: build the ledger there once and reuse
// it on later runs, for profiling the proofs).
// RESULT lines: proof_entries, build_seconds, build_rate (entries/s),
// ledger_mb, open_seconds (Ledger::Open read-only), inclusion_median_us,
// inclusion_p99_us, consistency_median_us, consistency_p99_us, proof_hashes
// (mean inclusion proof length), and with the binary cli_prove_median_ms
// (`wasteledger prove inclusion`, 5 runs, process start to exit).
#include <future>
#include <random>

#include "bench_util.h"
#include "wasteledger/merkle.h"

namespace wasteledger::bench {
namespace {

// One sealed batch: the signed seal, then its members.
std::vector<Submission> MakeSealedBatch(const SigningKey& key, uint64_t first, uint64_t count) {
  const std::string actor = key.verifier().name();
  std::vector<Submission> subs(count + 1);
  std::vector<Hash> leaves;
  leaves.reserve(count);
  for (uint64_t m = 0; m < count; ++m) {
    Submission& member = subs[m + 1];
    member.statement = Must(MakeStatement(GenerateStatement(actor, first + m)), "statement");
    member.seal_index = m;
    leaves.push_back(HashLeaf(AsBytes(member.statement.hash)));
  }
  Json body = {{"count", count}, {"root", ToHex(RootFromLeafHashes(leaves))}};
  subs[0] = Sign(key, Envelope("seal", actor, std::move(body)));
  return subs;
}

uint64_t DirectoryBytes(const std::string& dir) {
  uint64_t total = 0;
  std::error_code ec;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir, ec)) {
    if (e.is_regular_file(ec)) total += e.file_size(ec);
  }
  return total;
}

int Main(int argc, char** argv) {
  InitCrypto();
  const std::string binary = argc > 1 ? argv[1] : "";
  const uint64_t target = EnvU64("WL_BENCH_PROOF_ENTRIES", 1000000);
  const uint64_t seal = std::max<uint64_t>(1, EnvU64("WL_BENCH_SEAL", 10000));
  const uint64_t proofs = std::max<uint64_t>(1, EnvU64("WL_BENCH_PROOFS", 1000));
  ScratchDir scratch("proof");
  // WL_BENCH_PROOF_LEDGER: a ledger to build once and reuse (for profiling).
  const char* reuse = std::getenv("WL_BENCH_PROOF_LEDGER");
  const std::string dir = reuse != nullptr && *reuse != '\0' ? reuse : scratch.Sub("ledger");
  const Parties parties = MakeParties(1);
  const SigningKey& producer = parties.producers[0];

  uint64_t size = 0;
  if (std::filesystem::exists(dir + "/CURRENT")) {
    size = Must(Ledger::Open(dir, Ledger::Mode::kRead), "open " + dir)->size();
    Note(fmt::format("reusing the ledger at {} ({} entries)", dir, size));
  } else {
    const double start = Now();
    auto ledger = CreateLedger(dir, parties);
    if (ledger->size() + 2 > target) Die("WL_BENCH_PROOF_ENTRIES is too small");
    Note(fmt::format("building {} entries: sealed batches of {}", target, seal));
    // Members of the batch that brings the ledger to `target` entries.
    auto members_next = [&](uint64_t at) { return std::min(seal, target - at - 1); };
    uint64_t planned = ledger->size(), statement_no = 0;
    auto make = [&producer](uint64_t first, uint64_t count) { return MakeSealedBatch(producer, first, count); };
    uint64_t count = members_next(planned);
    auto next = std::async(std::launch::async, make, statement_no, count);
    statement_no += count;
    planned += count + 1;
    double last_note = start;
    for (;;) {
      std::vector<Submission> subs = next.get();
      const bool last = planned >= target;
      if (!last) {
        count = members_next(planned);
        next = std::async(std::launch::async, make, statement_no, count);
        statement_no += count;
        planned += count + 1;
      }
      auto batch = Must(ledger->Prepare(std::move(subs)), "prepare");
      Must(ledger->Append(std::move(batch)), "append");
      if (Now() - last_note > 10) {
        last_note = Now();
        Note(fmt::format("  {} entries, {:.0f} s", ledger->size(), last_note - start));
      }
      if (last) break;
    }
    size = ledger->size();
    if (size != target) Die(fmt::format("built {} entries, wanted {}", size, target));
    const double t = Now() - start;
    Report("proof_entries", static_cast<double>(size));
    Report("build_seconds", t);
    Report("build_rate", static_cast<double>(size) / t);
  }
  Report("ledger_mb", static_cast<double>(DirectoryBytes(dir)) / 1e6);

  double t_open = Now();
  auto ledger = Must(Ledger::Open(dir, Ledger::Mode::kRead), "open " + dir);
  Report("open_seconds", Now() - t_open);
  const Hash root = Must(ledger->Root(size), "root");
  std::mt19937_64 rng(20261001);
  std::vector<double> inclusion_us, consistency_us;
  uint64_t hashes = 0;
  Note(fmt::format("{} inclusion and {} consistency proofs at size {}", proofs, proofs, size));
  for (uint64_t p = 0; p < proofs; ++p) {
    const uint64_t index = std::uniform_int_distribution<uint64_t>(0, size - 1)(rng);
    const double t0 = Now();
    auto proof = ledger->InclusionProof(index, size);
    inclusion_us.push_back((Now() - t0) * 1e6);
    const auto& path = Must(std::move(proof), "inclusion proof");
    hashes += path.size();
    const Hash leaf = Must(ledger->LeafHash(index), "leaf");
    Check(VerifyInclusion(index, size, leaf, path, root), fmt::format("inclusion proof of {}", index));
  }
  for (uint64_t p = 0; p < proofs; ++p) {
    const uint64_t size1 = std::uniform_int_distribution<uint64_t>(1, size - 1)(rng);
    const double t0 = Now();
    auto proof = ledger->ConsistencyProof(size1, size);
    consistency_us.push_back((Now() - t0) * 1e6);
    const auto& path = Must(std::move(proof), "consistency proof");
    const Hash root1 = Must(ledger->Root(size1), "root");
    Check(VerifyConsistency(size1, size, path, root1, root), fmt::format("consistency proof from {}", size1));
  }
  auto [im, ip] = MedianP99(inclusion_us);
  auto [cm, cp] = MedianP99(consistency_us);
  Report("inclusion_median_us", im);
  Report("inclusion_p99_us", ip);
  Report("consistency_median_us", cm);
  Report("consistency_p99_us", cp);
  Report("proof_hashes", static_cast<double>(hashes) / static_cast<double>(proofs));
  ledger.reset();

  if (!binary.empty()) {
    // What a user waits for: process start, opening the ledger, one proof.
    std::vector<double> cli_ms;
    for (int run = 0; run < 5; ++run) {
      const uint64_t index = std::uniform_int_distribution<uint64_t>(0, size - 1)(rng);
      auto [rc, t] = RunBinary({binary, "prove", "inclusion", "--ledger", dir, "--seq", std::to_string(index),
                                "--format", "json"},
                               "/dev/null");
      if (rc != 0) Die(fmt::format("wasteledger prove inclusion exited with {}", rc));
      cli_ms.push_back(t * 1e3);
    }
    Report("cli_prove_median_ms", MedianP99(cli_ms).first);
  }
  return 0;
}

}  // namespace
}  // namespace wasteledger::bench

int main(int argc, char** argv) { return wasteledger::bench::Main(argc, argv); }
