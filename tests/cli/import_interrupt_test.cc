// An import cut short by Ctrl-C, SIGTERM or SIGHUP: while the file is
// checked nothing is written and it says so; once records are appended it
// stops after the batch in hand, says how many records are in the ledger
// and from which batch on the rest are not, and exits 130. The ledger
// verifies, and the same command again imports exactly the rest.
#include <fmt/format.h>
#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "cli/cli_fixture.h"
#include "wasteledger/ledger.h"

namespace wasteledger::testing {
namespace {

using nlohmann::json;

constexpr int kRows = 20000;

// kRows manifest lines, one a day-of-the-year apart, 1..997 kg each.
std::string BigManifestFile() {
  std::string csv = "联单编号,移出单位,接受单位,废物代码,转移量(千克),转移日期\n";
  for (int i = 0; i < kRows; ++i) {
    csv += fmt::format("2023411{:07},企业{},处置中心{},900-249-08,{},2023-{:02}-{:02}\n", i + 1, i % 50,
                       i % 5, i % 997 + 1, i % 12 + 1, i % 28 + 1);
  }
  return csv;
}

int64_t FileTotalKg() {
  int64_t kg = 0;
  for (int i = 0; i < kRows; ++i) kg += i % 997 + 1;
  return kg;
}

// Whether /proc says process `pid` has `path` open.
bool HasOpen(pid_t pid, const std::string& path) {
  std::error_code ec;
  for (const auto& fd : std::filesystem::directory_iterator(fmt::format("/proc/{}/fd", pid), ec)) {
    std::error_code link_ec;
    if (std::filesystem::read_symlink(fd.path(), link_ec) == path) return true;
  }
  return false;
}

// The ledger's committed size, read as any reader does.
uint64_t CommittedSize(const std::string& dir) {
  auto ledger = Ledger::Open(dir, Ledger::Mode::kRead);
  return ledger.ok() ? (*ledger)->size() : 0;
}

class InterruptedImport : public CliLedger {
 public:
  InterruptedImport() { WriteFile(*this / "big.csv", BigManifestFile()); }
  std::vector<std::string> Args() const {
    return {"import",         "--ledger",         ledger,    "--key", regulator_key,    "--profile",
            "cn-hw-manifest", "--create-parties", "--batch", "500",   *this / "big.csv"};
  }
  // The import's manifest lines' total mass in grams, from the balance.
  int64_t DispatchedG() const {
    RunResult r = Wl({"report", "balance", "--ledger", ledger, "--year", "2023", "--format", "json"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return json::parse(r.out)["totals"]["dispatched_g"].get<int64_t>();
  }
};

TEST_CASE("import: a signal while the file is checked writes nothing and says so", "[cli][import][signal]") {
  InterruptedImport c;
  const std::string before = c.Export();
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
    INFO(sig);
    Child child(c.Args(), c.dir().path().string());
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    // The ledger is opened (its writer lock taken) once the signals are
    // handled, and the file is checked after that.
    while (!HasOpen(child.pid(), c.ledger + "/writer.lock") && child.Running() &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
    if (!child.Running()) {
      RunResult r = child.Wait(std::chrono::seconds(1));
      FAIL_CHECK(r.exit_code << " " << r.out << r.err);
    }
    REQUIRE(child.Running());
    ::kill(child.pid(), sig);
    RunResult done = child.Wait(std::chrono::seconds(30));
    CHECK(done.exit_code == 130);
    CHECK(done.err == "wasteledger: error: import interrupted; nothing was imported\n");
    CHECK(c.Export() == before);
  }
}

TEST_CASE(
    "import: a signal while records are appended stops after the batch in hand; a re-run imports the rest",
    "[cli][import][signal]") {
  InterruptedImport c;
  const uint64_t start = c.Size();
  Child child(c.Args(), c.dir().path().string());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  // Some batches in, not all (each is 500 records and its seal).
  while (CommittedSize(c.ledger) < start + 2000 && child.Running() &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  REQUIRE(child.Running());
  ::kill(child.pid(), SIGINT);
  RunResult done = child.Wait(std::chrono::seconds(60));
  INFO(done.err);
  CHECK(done.exit_code == 130);
  CHECK(done.out.empty());
  std::smatch m;
  const std::regex said(
      "wasteledger: error: import interrupted by Ctrl-C \\(SIGINT\\): ([0-9]+) of 20000 records were "
      "imported, "
      "under ([0-9]+) seals \\(entries [0-9]+\\.\\.([0-9]+)\\), and 55 parties registered; the rest, from "
      "the batch "
      "of big\\.csv dated 2023-[0-9]{2}-[0-9]{2} on, were not\\. Run the same command again to import them "
      "\\(the "
      "records already in the ledger are counted as duplicates\\)\n");
  REQUIRE(std::regex_match(done.err, m, said));
  const int imported = std::stoi(m[1]);
  const int seals = std::stoi(m[2]);
  CHECK(imported > 0);
  CHECK(imported < kRows);
  CHECK(imported == seals * 500);
  // What it says is what the ledger holds: the parties, then each seal and
  // its records, nothing of a batch half-written.
  CHECK(c.Size() == start + 55 + static_cast<size_t>(seals * 501));
  CHECK(std::stoull(m[3]) == c.Size() - 1);
  RunResult verified = Wl({"verify", "--ledger", c.ledger, "--quiet"});
  CHECK(verified.exit_code == 0);

  RunResult again = Wl(c.Args());
  INFO(again.err);
  REQUIRE(again.exit_code == 0);
  CHECK_THAT(again.out,
             Catch::Contains(fmt::format("{} imported, {} duplicates", kRows - imported, imported)));
  CHECK(c.DispatchedG() == FileTotalKg() * 1000);
}

}  // namespace
}  // namespace wasteledger::testing
