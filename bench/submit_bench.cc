// Submit and verify throughput of individually signed statements.
//
//   submit_bench [PATH/TO/wasteledger]
//
// 1. Signs N "generate" statements (each by one of P producers registered
//    first) and writes them as `wasteledger sign` would (signed.jsonl).
// 2. Library submit: the loop of cli/command_submit.cc on lines held in
//    memory: Ledger::Prepare of the next batch (parse + signature checks on
//    every core) runs on another thread while Ledger::Append commits the
//    current one (one synced RocksDB write per batch).
// 2b. The same loop into a ledger under the core's rules alone (no
//    statement schemas, no domain layer): what the ledger core costs.
// 3. The parts alone, on a third ledger: ParseSubmission on one thread,
//    Prepare of every batch (kept in memory), then Append of every batch.
// 4. VerifyLedger over the whole ledger, reopened read-only (the open timed
//    apart).
// 5. With the binary: `wasteledger submit --quiet signed.jsonl` into a second
//    ledger with the same parties, then `wasteledger verify --quiet` of it.
//
// Settings (environment): WL_BENCH_N (default 100000), WL_BENCH_PRODUCERS
// (10), WL_BENCH_BATCH (1000, as submit's --batch default), WL_BENCH_PARTS_ONLY=1
// (sign, then step 3 only: for profiling the parts under perf).
// RESULT lines (per second unless named otherwise): sign, submit_lib, submit_core,
// parse_1t, prepare_only, append_only, verify_lib, submit_bin, verify_bin,
// plus submit_append_share (fraction of the submit wall time the appending
// thread spent in Append), submit_wait_share (fraction it spent waiting for
// Prepare), open_seconds (Ledger::Open read-only of the submitted ledger),
// payload_bytes, and the CPU time of the process (all threads) per statement
// in microseconds: submit_cpu_us, submit_core_cpu_us, parse_cpu_us,
// schema_cpu_us (the body schema check alone, one thread), prepare_cpu_us,
// append_cpu_us, verify_cpu_us (per entry).
//
// Every ledger is written under the rules `wasteledger submit` applies
// (bench_util.h, UseDomainRules): the statement schemas and the domain layer.
#include <future>
#include <thread>

#include "bench_util.h"
#include "wasteledger/thread_priority.h"
#include "wasteledger/verify.h"

namespace wasteledger::bench {
namespace {

struct Chunk {
  std::vector<std::string> lines;
  std::vector<uint64_t> numbers;
};

std::vector<std::string> SignAll(const Parties& parties, uint64_t n, double* payload_bytes) {
  std::vector<std::string> lines(n);
  std::vector<uint64_t> bytes(2, 0);
  auto work = [&](unsigned t) {
    for (uint64_t i = t; i < n; i += 2) {
      const SigningKey& key = parties.producers[i % parties.producers.size()];
      Submission sub = Sign(key, GenerateStatement(key.verifier().name(), i));
      bytes[t] += sub.statement.Payload().size();
      lines[i] = FormatSubmission(sub);
    }
  };
  std::thread other(work, 1u);
  work(0);
  other.join();
  *payload_bytes = static_cast<double>(bytes[0] + bytes[1]) / static_cast<double>(n);
  return lines;
}

struct SubmitTiming {
  double total = 0, in_append = 0, waiting = 0;
  double cpu = 0;  // process CPU seconds, all threads
  uint64_t appended = 0;
};

// The loop of cli/command_submit.cc, reading from `lines` instead of a file.
SubmitTiming SubmitLikeCli(Ledger& ledger, const std::vector<std::string>& lines, size_t batch) {
  SubmitTiming timing;
  size_t next_line = 0;
  auto read_chunk = [&]() {
    Chunk c;
    while (c.lines.size() < batch && next_line < lines.size()) {
      c.lines.push_back(lines[next_line]);
      c.numbers.push_back(++next_line);
    }
    return c;
  };
  auto prepare = [&ledger](Chunk c) {
    if (std::getenv("WL_BENCH_NO_NICE") == nullptr) wasteledger::LowerThreadPriority();
    return ledger.Prepare(c.lines, c.numbers);
  };

  const double start = Now(), cpu_start = ProcessCpuNow();
  std::future<wasteledger::Result<PreparedBatch>> next = std::async(std::launch::async, prepare, read_chunk());
  PreparedBatch carry;
  for (;;) {
    const double wait_from = Now();
    auto prepared = next.get();
    timing.waiting += Now() - wait_from;
    if (!prepared.ok()) Die("prepare: " + prepared.status().message());
    const bool done = prepared->empty();
    if (!done) next = std::async(std::launch::async, prepare, read_chunk());
    carry.Append(std::move(*prepared));
    PreparedBatch tail = done ? PreparedBatch() : carry.TakeIncompleteSealTail();
    if (!carry.empty()) {
      const double append_from = Now();
      auto result = ledger.Append(std::move(carry));
      timing.in_append += Now() - append_from;
      if (!result.ok()) Die("append: " + result.status().message());
      for (const auto& e : *result) {
        if (e.replay) Die(fmt::format("line {} was a replay", e.line));
        ++timing.appended;
      }
    }
    carry = std::move(tail);
    if (done) break;
  }
  timing.total = Now() - start;
  timing.cpu = ProcessCpuNow() - cpu_start;
  return timing;
}

// The pipeline's parts one at a time, on a fresh ledger: ParseSubmission on
// one thread; Prepare of every batch (parse + signature checks on every
// core), kept in memory; then Append of those batches, one after another.
void Decompose(const std::string& dir, const Parties& parties, const std::vector<std::string>& lines,
               size_t batch) {
  const double n = static_cast<double>(lines.size());
  double start = Now(), cpu_start = ProcessCpuNow();
  for (const auto& l : lines) {
    if (!ParseSubmission(l).ok()) Die("parse failed");
  }
  Report("parse_1t", n / (Now() - start));
  Report("parse_cpu_us", (ProcessCpuNow() - cpu_start) * 1e6 / n);
  {
    std::vector<Submission> subs;
    subs.reserve(lines.size());
    for (const auto& l : lines) subs.push_back(Must(ParseSubmission(l), "parse"));
    const SchemaValidator& schemas = *LoadDomainRules().schemas;
    cpu_start = ProcessCpuNow();
    for (const auto& sub : subs) {
      const Statement& st = sub.statement;
      if (!schemas.ValidateBody(st.kind, st.json["body"]).ok()) Die("schema check failed");
    }
    Report("schema_cpu_us", (ProcessCpuNow() - cpu_start) * 1e6 / n);
  }

  auto ledger = CreateLedger(dir, parties);
  std::vector<PreparedBatch> prepared;
  start = Now();
  cpu_start = ProcessCpuNow();
  for (size_t from = 0; from < lines.size(); from += batch) {
    const size_t to = std::min(lines.size(), from + batch);
    std::vector<std::string> chunk(lines.begin() + static_cast<ptrdiff_t>(from),
                                   lines.begin() + static_cast<ptrdiff_t>(to));
    std::vector<uint64_t> numbers;
    for (size_t i = from; i < to; ++i) numbers.push_back(i + 1);
    prepared.push_back(Must(ledger->Prepare(chunk, numbers), "prepare"));
  }
  Report("prepare_only", n / (Now() - start));
  Report("prepare_cpu_us", (ProcessCpuNow() - cpu_start) * 1e6 / n);

  start = Now();
  cpu_start = ProcessCpuNow();
  for (auto& b : prepared) Must(ledger->Append(std::move(b)), "append");
  Report("append_only", n / (Now() - start));
  Report("append_cpu_us", (ProcessCpuNow() - cpu_start) * 1e6 / n);
  if (ledger->size() != lines.size() + 1 + parties.producers.size()) Die("append-only run lost entries");
}

// VerifyLedger alone (the read-only open, which replays RocksDB's log, is
// reported apart as open_seconds).
double VerifyLib(const std::string& dir, uint64_t expect_size, uint64_t expect_sigs) {
  double start = Now();
  auto ledger = Must(Ledger::Open(dir, Ledger::Mode::kRead), "open " + dir);
  Report("open_seconds", Now() - start);
  start = Now();
  const double cpu_start = ProcessCpuNow();
  VerifyOptions options;
  auto result = Must(VerifyLedger(*ledger, options), "verify");
  const double t = Now() - start;
  Report("verify_cpu_us", (ProcessCpuNow() - cpu_start) * 1e6 / static_cast<double>(result.size));
  if (!result.ok()) Die("verify found a problem: " + result.failure->problem);
  if (result.size != expect_size || result.signatures != expect_sigs) {
    Die(fmt::format("verify checked {} entries and {} signatures, expected {} and {}", result.size,
                    result.signatures, expect_size, expect_sigs));
  }
  return static_cast<double>(result.size) / t;
}

int Main(int argc, char** argv) {
  InitCrypto();
  const uint64_t n = EnvU64("WL_BENCH_N", 100000);
  const uint64_t producers = std::max<uint64_t>(1, EnvU64("WL_BENCH_PRODUCERS", 10));
  const size_t batch = std::max<size_t>(1, EnvU64("WL_BENCH_BATCH", 1000));
  const std::string binary = argc > 1 ? argv[1] : "";
  ScratchDir scratch("submit");
  const Parties parties = MakeParties(producers);
  const uint64_t setup_entries = 1 + producers;  // genesis + one party record each

  Note(fmt::format("signing {} statements by {} producers", n, producers));
  double payload_bytes = 0;
  double t0 = Now();
  const std::vector<std::string> lines = SignAll(parties, n, &payload_bytes);
  Report("sign", static_cast<double>(n) / (Now() - t0));
  Report("payload_bytes", payload_bytes);
  const std::string signed_file = scratch.Sub("signed.jsonl");
  {
    std::FILE* f = std::fopen(signed_file.c_str(), "wb");
    if (f == nullptr) Die("cannot write " + signed_file);
    for (const auto& l : lines) std::fprintf(f, "%s\n", l.c_str());
    if (std::fclose(f) != 0) Die("cannot write " + signed_file);
  }

  if (EnvU64("WL_BENCH_PARTS_ONLY", 0) != 0) {  // for profiling the parts
    Note("the parts alone: parse on one thread, Prepare, Append");
    Decompose(scratch.Sub("parts.ledger"), parties, lines, batch);
    return 0;
  }
  const std::string dir_lib = scratch.Sub("lib.ledger");
  {
    auto ledger = CreateLedger(dir_lib, parties);
    Note(fmt::format("library submit: {} statements, batches of {}", n, batch));
    const SubmitTiming t = SubmitLikeCli(*ledger, lines, batch);
    if (t.appended != n || ledger->size() != n + setup_entries) Die("library submit appended the wrong count");
    Report("submit_lib", static_cast<double>(n) / t.total);
    Report("submit_append_share", t.in_append / t.total);
    Report("submit_wait_share", t.waiting / t.total);
    Report("submit_cpu_us", t.cpu * 1e6 / static_cast<double>(n));
  }
  {
    auto ledger = CreateLedger(scratch.Sub("core.ledger"), parties, /*domain_rules=*/false);
    Note("library submit under the core's rules alone (no schemas, no domain layer)");
    const SubmitTiming t = SubmitLikeCli(*ledger, lines, batch);
    if (t.appended != n) Die("core-only submit appended the wrong count");
    Report("submit_core", static_cast<double>(n) / t.total);
    Report("submit_core_cpu_us", t.cpu * 1e6 / static_cast<double>(n));
  }
  Note("the parts alone: parse on one thread, Prepare, Append");
  Decompose(scratch.Sub("parts.ledger"), parties, lines, batch);
  Note("library verify");
  Report("verify_lib", VerifyLib(dir_lib, n + setup_entries, n + setup_entries));

  if (!binary.empty()) {
    const std::string dir_bin = scratch.Sub("bin.ledger");
    CreateLedger(dir_bin, parties).reset();
    Note("binary: wasteledger submit --quiet");
    auto [rc, t] = RunBinary({binary, "submit", "--ledger", dir_bin, "--quiet", signed_file}, "/dev/null");
    if (rc != 0) Die(fmt::format("wasteledger submit exited with {}", rc));
    {
      auto ledger = Must(Ledger::Open(dir_bin, Ledger::Mode::kRead), "open " + dir_bin);
      if (ledger->size() != n + setup_entries) Die("wasteledger submit appended the wrong count");
    }
    Report("submit_bin", static_cast<double>(n) / t);
    Note("binary: wasteledger verify --quiet");
    auto [vrc, vt] = RunBinary({binary, "verify", "--ledger", dir_bin, "--quiet"}, "/dev/null");
    if (vrc != 0) Die(fmt::format("wasteledger verify exited with {}", vrc));
    Report("verify_bin", static_cast<double>(n + setup_entries) / vt);
  }
  return 0;
}

}  // namespace
}  // namespace wasteledger::bench

int main(int argc, char** argv) { return wasteledger::bench::Main(argc, argv); }
