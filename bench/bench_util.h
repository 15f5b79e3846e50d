// Helpers shared by the benchmarks: timing, a scratch directory, settings
// from the environment, deterministic keys and statements, building a ledger
// with its genesis and producer parties, running the real binary, and the
// "RESULT key value" lines bench/run.sh turns into a table.
//
// Benchmarks are programs, not library code: a failed step prints one line
// and exits 1 (Check / Must), there is nothing to recover.
#pragma once

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "wasteledger/domain_state.h"
#include "wasteledger/hash.h"
#include "wasteledger/keys.h"
#include "wasteledger/ledger.h"
#include "wasteledger/schema_validator.h"
#include "wasteledger/statement.h"
#include "wasteledger/status.h"
#include "wasteledger/time_util.h"
#include "wasteledger/waste_code.h"

extern char** environ;

namespace wasteledger::bench {

inline constexpr int kTimezoneMinutes = 8 * 60;  // +08:00
// A fixed statement time, so runs produce the same statements.
inline constexpr int64_t kStatementTime = 1790000000;  // 2026-09-21

[[noreturn]] inline void Die(const std::string& what) {
  std::fflush(stdout);
  fmt::print(stderr, "bench: error: {}\n", what);
  std::exit(1);
}

inline void Check(const Status& s, const std::string& what) {
  if (!s.ok()) Die(fmt::format("{}: {}", what, s.message()));
}

template <typename T>
T Must(Result<T> r, const std::string& what) {
  if (!r.ok()) Die(fmt::format("{}: {}", what, r.status().message()));
  return std::move(r).value();
}

inline double Now() {
  using Clock = std::chrono::steady_clock;
  return std::chrono::duration<double>(Clock::now().time_since_epoch()).count();
}

// CPU time (user + system) consumed so far by the whole process, all
// threads, in seconds; its difference over a phase divided by the work done
// is that work's cost in core-seconds, which other jobs on the machine do not
// inflate the way they inflate wall time.
inline double ProcessCpuNow() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// The same for the calling thread alone.
inline double ThreadCpuNow() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

inline uint64_t EnvU64(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  char* end = nullptr;
  const unsigned long long n = std::strtoull(v, &end, 10);
  if (end == nullptr || *end != '\0') Die(fmt::format("{}={} is not a whole number", name, v));
  return n;
}

// One measured figure, for run.sh: "RESULT <key> <value>".
inline void Report(const std::string& key, double value) {
  fmt::print("RESULT {} {:.10g}\n", key, value);
  std::fflush(stdout);
}

inline void Note(const std::string& line) { fmt::print(stderr, "bench: {}\n", line); }

// A fresh directory under $WL_BENCH_TMP (default $TMPDIR, else /tmp),
// removed on destruction unless WL_BENCH_KEEP=1.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& tag) {
    const char* base = std::getenv("WL_BENCH_TMP");
    if (base == nullptr || *base == '\0') base = std::getenv("TMPDIR");
    if (base == nullptr || *base == '\0') base = "/tmp";
    std::string templ = fmt::format("{}/wl-bench-{}-XXXXXX", base, tag);
    if (mkdtemp(templ.data()) == nullptr) Die("cannot create a directory in " + std::string(base));
    path_ = templ;
  }
  ~ScratchDir() {
    if (EnvU64("WL_BENCH_KEEP", 0) != 0) {
      Note("kept " + path_);
      return;
    }
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// A key derived from its name, so every run signs the same bytes.
inline SigningKey MakeKey(const std::string& name) {
  const Hash seed = Sha256("wasteledger bench key\n" + name);
  return Must(SigningKey::FromSeed(name, AsBytes(seed)), "key " + name);
}

inline Submission Sign(const SigningKey& key, Json statement) {
  Submission sub;
  sub.statement = Must(MakeStatement(std::move(statement)), "statement");
  sub.sig = Signature{key.verifier().Ref(), key.Sign(sub.statement.Payload())};
  return sub;
}

inline Json Envelope(const std::string& kind, const std::string& actor, Json body,
                     int64_t time = kStatementTime) {
  return Json{{"v", 1},
              {"kind", kind},
              {"actor", actor},
              {"time", FormatWithOffset(time, kTimezoneMinutes)},
              {"body", std::move(body)}};
}

// A "generate" statement the domain layer accepts (registered producer, valid
// code, event time in the past, fresh lot id); its payload (prefix + JCS) is
// about 300 bytes. `i` makes it unique.
inline Json GenerateStatement(const std::string& actor, uint64_t i) {
  // Only the fields schemas/statements/generate.schema.json allows; the note
  // carries what a real producer writes there (the site and container).
  Json body = {{"waste", "900-041-49"},
               {"mass_g", 100000 + (i * 7919) % 900000},
               {"lot", fmt::format("LOT-2026-{:08d}", i)},
               {"hazards", Json::array({"T", "I"})},
               {"form", "liquid"},
               {"note", fmt::format("waste mineral oil from turbine maintenance, plant-2/store-B, drum-{:06d}",
                                    i % 1000000)}};
  return Envelope("generate", actor, std::move(body),
                  kStatementTime + static_cast<int64_t>(i % 86400));
}

// The regulator and the producers a benchmark ledger starts with.
struct Parties {
  SigningKey regulator = MakeKey("bench-regulator");
  std::vector<SigningKey> producers;
};

inline Parties MakeParties(size_t producers) {
  Parties p;
  for (size_t i = 0; i < producers; ++i) p.producers.push_back(MakeKey(fmt::format("producer-{:02d}", i)));
  return p;
}

// The rules `wasteledger` appends under (cli/common.cc, OpenLedger): the
// statement schemas, checked in Prepare, and the domain layer as the state
// hook, both from the sources' built-in directories. Loaded once and kept for
// the life of the process, so they outlive every Ledger pointing at them.
struct DomainRules {
  std::unique_ptr<SchemaValidator> schemas;
  std::unique_ptr<DomainState> domain;
};

inline DomainRules& LoadDomainRules() {
  static DomainRules rules = [] {
    DomainRules r;
    r.schemas = Must(SchemaValidator::Load(SchemaValidator::DefaultDir()), "load the statement schemas");
    r.domain = std::make_unique<DomainState>(Must(WasteCatalogue::Load(DefaultCatalogueDir()), "load the catalogue"));
    r.domain->SetSchemaValidator(r.schemas.get());
    return r;
  }();
  return rules;
}

// Puts a writable ledger under the CLI's rules, as `wasteledger submit` does.
inline void UseDomainRules(Ledger& ledger) {
  DomainRules& rules = LoadDomainRules();
  ledger.SetSchemaValidator(rules.schemas.get());
  ledger.SetStateHook(rules.domain.get());
}

// Creates a ledger at `dir` whose genesis is by the regulator and which
// registers every producer (one party statement each, one batch), under the
// CLI's rules (UseDomainRules), which stay set on the returned ledger; with
// `domain_rules` false, under the core's rules alone (no statement schemas,
// no domain layer: what the ledger core costs by itself).
inline std::unique_ptr<Ledger> CreateLedger(const std::string& dir, const Parties& parties,
                                            bool domain_rules = true) {
  const std::string reg = parties.regulator.verifier().name();
  Json reg_record = {{"id", reg},
                     {"name", "Bench Environmental Protection Bureau"},
                     {"uscc", ""},
                     {"roles", Json::array({"regulator"})},
                     {"keys", Json::array({parties.regulator.verifier().ToString()})},
                     {"permits", Json::array()}};
  Json genesis_body = {{"origin", "bench.example/wasteledger"},
                       {"timezone", FormatUtcOffset(kTimezoneMinutes)},
                       {"party", reg_record}};
  auto ledger = Must(Ledger::Init(dir, Sign(parties.regulator, Envelope("genesis", reg, genesis_body))),
                     "init " + dir);
  if (domain_rules) UseDomainRules(*ledger);
  std::vector<Submission> subs;
  for (const auto& k : parties.producers) {
    Json record = {{"id", k.verifier().name()},
                   {"name", "Producer " + k.verifier().name()},
                   {"uscc", ""},
                   {"roles", Json::array({"producer"})},
                   {"keys", Json::array({k.verifier().ToString()})},
                   {"permits", Json::array()}};
    subs.push_back(Sign(parties.regulator, Envelope("party", reg, record)));
  }
  if (!subs.empty()) {
    auto batch = Must(ledger->Prepare(std::move(subs)), "prepare parties");
    Must(ledger->Append(std::move(batch)), "append parties");
  }
  return ledger;
}

// Runs argv[0] with stdout to `stdout_path` (stderr inherited); returns its
// exit code and wall time in seconds.
inline std::pair<int, double> RunBinary(const std::vector<std::string>& args, const std::string& stdout_path) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = 0;
  const double t0 = Now();
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) Die(fmt::format("cannot run {}: {}", args[0], std::strerror(rc)));
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) Die("waitpid failed");
  const double t = Now() - t0;
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), t};
}

// Median and 99th percentile (nearest rank) of `v` (sorted in place).
inline std::pair<double, double> MedianP99(std::vector<double>& v) {
  std::sort(v.begin(), v.end());
  if (v.empty()) return {0, 0};
  const size_t n = v.size();
  const double median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  const size_t rank = std::max<size_t>(1, static_cast<size_t>(std::ceil(0.99 * static_cast<double>(n))));
  return {median, v[rank - 1]};
}

}  // namespace wasteledger::bench
