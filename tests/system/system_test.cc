// System tests through the real binary: a submit killed with SIGKILL leaves
// whole batches only and a ledger that verifies; an independent verifier
// written from the format contract (tests/interop, Node.js) accepts an export
// of tens of thousands of entries and rejects any edited line.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <iomanip>
#include <random>
#include <thread>

#include "ledger_fixture.h"
#include "wasteledger/key_file.h"
#include "wasteledger/merkle.h"
#include "wasteledger/verify.h"

using namespace wasteledger;
using namespace wasteledger::testing;

namespace {

const std::string kBin = WL_BINARY;

// A ledger made by the library, with key files the CLI can use.
struct City {
  LedgerFixture f;
  std::string p1_key, operator_key, operator_vkey, regulator_key;
  City() {
    p1_key = f.tmp_ / "p1.key";
    operator_key = f.tmp_ / "operator.key";
    regulator_key = f.tmp_ / "regulator.key";
    REQUIRE(WriteKeyFile(p1_key, f.p1, std::nullopt).ok());
    REQUIRE(WriteKeyFile(regulator_key, f.regulator, std::nullopt).ok());
    REQUIRE(WriteKeyFile(operator_key, f.operator_key, std::nullopt).ok());
    operator_vkey = f.operator_key.verifier().ToString();
    f.Close();
  }
};

// `n` generate statements signed one by one, as submission lines.
std::string SignedLines(const LedgerFixture& f, int n, int first) {
  std::string out;
  for (int i = 0; i < n; ++i) {
    Json body = {{"waste", "900-041-49"}, {"mass_g", 1000 + i}};
    out += FormatSubmission(Sign(f.p1, "generate", body, "2026-03-01T08:30:00+08:00", std::to_string(first + i)));
    out += "\n";
  }
  return out;
}

// One sealed batch of `n` statements, as submission lines.
std::string SealedLines(const LedgerFixture& f, int n, int first) {
  std::vector<Submission> members;
  std::vector<Hash> leaves;
  for (int i = 0; i < n; ++i) {
    Json body = {{"waste", "SW02"}, {"mass_g", 5000 + i}};
    members.push_back(Sign(f.p1, "generate", body, "2026-04-01T09:00:00+08:00", std::to_string(first + i)));
    leaves.push_back(HashLeaf(AsBytes(members.back().statement.hash)));
  }
  std::string out = FormatSubmission(Sign(f.p1, "seal", {{"count", n}, {"root", ToHex(RootFromLeafHashes(leaves))}},
                                          "2026-04-01T09:00:00+08:00", std::to_string(first))) + "\n";
  for (int i = 0; i < n; ++i) {
    members[static_cast<size_t>(i)].sig.reset();
    members[static_cast<size_t>(i)].seal_index = static_cast<uint64_t>(i);
    out += FormatSubmission(members[static_cast<size_t>(i)]) + "\n";
  }
  return out;
}

// Starts argv[0] with `argv`, its output thrown away; returns its pid.
pid_t StartQuietly(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    const int devnull = ::open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    dup2(devnull, 2);
    execv(args[0], args.data());
    _exit(127);
  }
  return pid;
}

uint64_t SizeOf(const std::string& dir) {
  auto ledger = Ledger::Open(dir, Ledger::Mode::kRead);
  REQUIRE(ledger.ok());
  return (*ledger)->size();
}

}  // namespace

TEST_CASE("a SIGKILLed submit leaves whole batches and a ledger that verifies", "[system][crash]") {
  City city;
  const std::string input = city.f.tmp_ / "signed.jsonl";
  const int kLines = 40000, kBatch = 500;
  WriteFile(input, SignedLines(city.f, kLines, 0));
  std::mt19937 rng(42);
  uint64_t last_size = 3;
  for (int round = 0; round < 3; ++round) {
    const pid_t pid =
        StartQuietly({kBin, "submit", "--ledger", city.f.dir(), "--batch", std::to_string(kBatch), input});
    // Let it append some batches, then kill it without warning.
    std::this_thread::sleep_for(std::chrono::milliseconds(300 + rng() % 700));
    REQUIRE(kill(pid, SIGKILL) == 0);
    int status = 0;
    waitpid(pid, &status, 0);
    const uint64_t size = SizeOf(city.f.dir());
    INFO("round " << round << ": size after kill " << size);
    CHECK((size - 3) % kBatch == 0);  // whole batches only
    CHECK(size >= last_size);
    last_size = size;
    auto r = Run({kBin, "verify", "--ledger", city.f.dir(), "--quiet"});
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());
  }
  // Re-running the submit finishes the job: what landed is answered with its
  // existing seq, the rest is appended.
  auto r = Run({kBin, "submit", "--ledger", city.f.dir(), "--quiet", input});
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.err, Catch::Contains(std::to_string(last_size - 3) + " already in the ledger"));
  CHECK(SizeOf(city.f.dir()) == 3 + kLines);
  CHECK(Run({kBin, "verify", "--ledger", city.f.dir(), "--quiet"}).exit_code == 0);
}

// An import appends sealed batches of 4,096 rows, each one atomic write while
// the next is applied (Ledger::AppendPipelined); killed at any point, it
// leaves whole batches, and a rerun imports the rest.
TEST_CASE("a SIGKILLed import leaves whole sealed batches and a ledger that verifies", "[system][crash]") {
  City city;
  const std::string csv = city.f.tmp_ / "manifests.csv";
  const int kRows = 60000, kBatch = 4096;
  {
    std::ofstream out(csv);
    out << "联单编号,产生单位,统一社会信用代码,接受单位,废物代码,转移量(千克),转移日期\n";
    for (int i = 0; i < kRows; ++i) {
      out << "2023411" << std::setw(7) << std::setfill('0') << i + 1 << ",第" << i % 7 << "化工厂,,第" << i % 3
          << "环保公司,900-249-08," << 100 + i % 50 << ",2023-0" << 1 + i % 9 << "-1" << i % 10 << "\n";
    }
  }
  const std::vector<std::string> import = {kBin, "import", "--ledger", city.f.dir(), "--key", city.regulator_key,
                                           "--profile", "cn-hw-manifest", "--create-parties", csv};
  auto imports = [&] {
    auto ledger = Ledger::Open(city.f.dir(), Ledger::Mode::kRead);
    REQUIRE(ledger.ok());
    int n = 0;
    REQUIRE((*ledger)
                ->ScanEntries(0, (*ledger)->size(),
                              [&](uint64_t, std::string_view bytes) {
                                n += bytes.find("\"kind\":\"import\"") != std::string_view::npos ? 1 : 0;
                                return true;
                              })
                .ok());
    return n;
  };
  std::mt19937 rng(7);
  int last = 0;
  for (int round = 0; round < 3; ++round) {
    const pid_t pid = StartQuietly(import);
    std::this_thread::sleep_for(std::chrono::milliseconds(400 + rng() % 1200));
    REQUIRE(kill(pid, SIGKILL) == 0);
    int status = 0;
    waitpid(pid, &status, 0);
    const int n = imports();
    INFO("round " << round << ": " << n << " records imported when killed");
    CHECK(n >= last);
    // Whole sealed batches (a run starts at the first row not held), unless
    // it finished.
    CHECK(((n - last) % kBatch == 0 || n == kRows));
    last = n;
    auto v = Run({kBin, "verify", "--ledger", city.f.dir(), "--deep", "--quiet"});
    INFO(v.err);
    CHECK(v.exit_code == 0);
  }
  auto r = Run(import);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(imports() == kRows);
  CHECK(Run({kBin, "verify", "--ledger", city.f.dir(), "--deep", "--quiet"}).exit_code == 0);
}

TEST_CASE("an independent verifier accepts a large export and rejects any edited line", "[system][interop]") {
  if (Run({"sh", "-c", "command -v node"}).exit_code != 0) {
    WARN("node is not installed: the interop verifier cannot run");
    return;
  }
  City city;
  const std::string input = city.f.tmp_ / "signed.jsonl";
  std::string lines = SignedLines(city.f, 3000, 0);
  for (int b = 0; b < 9; ++b) lines += SealedLines(city.f, 3000, 100000 + b * 3000);
  WriteFile(input, lines);
  auto submit = Run({kBin, "submit", "--ledger", city.f.dir(), "--quiet", input});
  REQUIRE(submit.exit_code == 0);
  const uint64_t size = SizeOf(city.f.dir());
  CHECK(size == 3 + 3000 + 9 * 3001);
  const std::string cp = city.f.tmp_ / "cp.note", exported = city.f.tmp_ / "export.jsonl";
  REQUIRE(Run({kBin, "checkpoint", "--ledger", city.f.dir(), "--key", city.operator_key, "--out", cp}).exit_code == 0);
  REQUIRE(Run({kBin, "export", "--ledger", city.f.dir(), "--out", exported}).exit_code == 0);

  const std::string verifier = std::string(WL_SOURCE_DIR) + "/tests/interop/verify-export.mjs";
  auto ok = Run({"node", verifier, exported, "--checkpoint", cp, "--vkey", city.operator_vkey});
  INFO(ok.out << ok.err);
  REQUIRE(ok.exit_code == 0);
  CHECK_THAT(ok.out, Catch::StartsWith("OK: " + std::to_string(size) + " entries"));
  // The C++ verifier agrees on the export.
  auto cxx = Run({kBin, "verify", "--export", exported, "--checkpoint", cp, "--vkey", city.operator_vkey});
  CHECK(cxx.exit_code == 0);

  // Edit one byte of a few lines chosen at random (signed, sealed, seal
  // lines): each edit is caught, by both verifiers, at that seq.
  const std::string text = ReadFile(exported);
  std::vector<size_t> starts{0};
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] == '\n') starts.push_back(i + 1);
  }
  std::mt19937 rng(7);
  for (int trial = 0; trial < 4; ++trial) {
    const size_t seq = 1 + rng() % (starts.size() - 2);  // not the last line
    std::string edited = text;
    // Change a digit inside the statement's mass or nonce.
    size_t pos = edited.find("\"statement\":", starts[seq]) + 20;
    while (!isdigit(static_cast<unsigned char>(edited[pos]))) ++pos;
    edited[pos] = edited[pos] == '9' ? '8' : static_cast<char>(edited[pos] + 1);
    const std::string bad = city.f.tmp_ / "edited.jsonl";
    WriteFile(bad, edited);
    auto js = Run({"node", verifier, bad, "--checkpoint", cp, "--vkey", city.operator_vkey});
    INFO("edited seq " << seq << ": " << js.out << js.err);
    CHECK(js.exit_code == 1);
    auto c = Run({kBin, "verify", "--export", bad, "--checkpoint", cp, "--vkey", city.operator_vkey});
    CHECK(c.exit_code == 3);
    CHECK_THAT(c.err, Catch::Contains("seq " + std::to_string(seq) + ":"));
  }
}
