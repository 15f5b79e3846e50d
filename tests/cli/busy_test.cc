// One writer at a time: exit 4 "ledger busy", --wait, and readers that run
// while a writer holds the ledger.
#include <sys/file.h>

#include <catch2/catch.hpp>

#include "cli/cli_fixture.h"

namespace wasteledger::testing {
namespace {

using std::chrono::milliseconds;

TEST_CASE("a second writer exits 4 naming the pid that holds the ledger", "[cli][busy]") {
  CliLedger l;
  const std::string before = l.Export();
  const std::string vkey = l.Keygen("p2", "p2.key");
  Child writer({"submit", "--ledger", l.ledger, "-"}, l.dir().path().string());
  REQUIRE(WaitForWriterLock(l.ledger, writer.pid()));
  const std::string busy = "wasteledger: error: ledger busy, held by pid " + std::to_string(writer.pid()) +
                           "; run again with --wait to wait until it is free\n";

  RunResult r = Wl({"party", "add", "--ledger", l.ledger, "--key", l.regulator_key, "--id", "p2", "--name", "P2",
                    "--role", "producer", "--vkey", vkey});
  CHECK(r.exit_code == 4);
  CHECK(r.out.empty());
  CHECK(r.err == busy);
  r = l.Submit(l.Sign(l.producer_key, Statements(1)));
  CHECK(r.exit_code == 4);
  CHECK(r.out.empty());
  CHECK(r.err == busy);
  r = Wl({"checkpoint", "--ledger", l.ledger, "--key", l.operator_key});
  CHECK(r.exit_code == 4);
  CHECK(r.out.empty());
  CHECK(r.err == busy);
  r = Wl({"generate", "--ledger", l.ledger, "--key", l.producer_key, "--waste", "SW02", "--mass", "1t"});
  CHECK(r.exit_code == 4);
  CHECK(r.err == busy);
  // import writes too, and has --wait like every command that writes.
  r = Wl({"import", "--ledger", l.ledger, "--key", l.regulator_key, "--profile", "cn-hw-manifest",
          std::string(WL_SOURCE_DIR) + "/tests/cli/data/legacy-manifests-gb18030.csv"});
  CHECK(r.exit_code == 4);
  CHECK(r.err == busy);

  RunResult w = writer.Wait();
  CHECK(w.exit_code == 0);
  CHECK(w.out.empty());
  CHECK(w.err == "submitted: 0 appended, 0 already in the ledger; ledger size 2\n");
  CHECK(l.Export() == before);
  // Released: the same command now succeeds.
  r = Wl({"party", "add", "--ledger", l.ledger, "--key", l.regulator_key, "--id", "p2", "--name", "P2", "--role",
          "producer", "--vkey", vkey});
  CHECK(r.exit_code == 0);
  CHECK(r.out == "seq 2\n");
}

TEST_CASE("a lock held by another process through flock is reported with its pid", "[cli][busy]") {
  CliLedger l;
  const std::string lock_path = l.ledger + "/writer.lock";
  const int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  REQUIRE(fd >= 0);
  REQUIRE(::flock(fd, LOCK_EX | LOCK_NB) == 0);
  const std::string pid = std::to_string(::getpid());
  REQUIRE(::ftruncate(fd, 0) == 0);
  REQUIRE(::pwrite(fd, (pid + "\n").data(), pid.size() + 1, 0) == static_cast<ssize_t>(pid.size() + 1));
  RunResult r = l.Submit(l.Sign(l.producer_key, Statements(1)));
  ::close(fd);  // releases the lock
  CHECK(r.exit_code == 4);
  CHECK(r.out.empty());
  CHECK(r.err == "wasteledger: error: ledger busy, held by pid " + pid +
                     "; run again with --wait to wait until it is free\n");
  CHECK(l.Size() == 2);
  r = l.Submit(l.Sign(l.producer_key, Statements(1)));
  CHECK(r.exit_code == 0);
  CHECK(r.out == "2\n");
}

TEST_CASE("with --wait a second writer waits for the first, then succeeds", "[cli][busy]") {
  CliLedger l;
  const std::string vkey = l.Keygen("p2", "p2.key");
  Child writer({"submit", "--ledger", l.ledger, "-"}, l.dir().path().string());
  REQUIRE(WaitForWriterLock(l.ledger, writer.pid()));
  writer.WriteStdin(l.Sign(l.producer_key, Statements(2)));

  Child waiter({"party", "add", "--ledger", l.ledger, "--key", l.regulator_key, "--id", "p2", "--name", "P2",
                "--role", "producer", "--vkey", vkey, "--wait"},
               l.dir().path().string());
  std::this_thread::sleep_for(milliseconds(700));
  CHECK(waiter.Running());
  CHECK(writer.Running());

  RunResult w = writer.Wait();
  CHECK(w.exit_code == 0);
  CHECK(w.out == "2\n3\n");
  RunResult r = waiter.Wait();
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(r.out == "seq 4\n");
  CHECK(l.Size() == 5);
}

TEST_CASE("submit --wait waits for the writer, then appends", "[cli][busy]") {
  CliLedger l;
  Child writer({"submit", "--ledger", l.ledger, "-"}, l.dir().path().string());
  REQUIRE(WaitForWriterLock(l.ledger, writer.pid()));
  Child waiter({"submit", "--ledger", l.ledger, "--wait", "-"}, l.dir().path().string());
  waiter.WriteStdin(l.Sign(l.producer_key, Statements(3)));
  waiter.CloseStdin();
  std::this_thread::sleep_for(milliseconds(500));
  CHECK(waiter.Running());
  CHECK(writer.Wait().exit_code == 0);
  RunResult r = waiter.Wait();
  CHECK(r.exit_code == 0);
  CHECK(r.out == "2\n3\n4\n");
  CHECK(r.err == "submitted: 3 appended (seq 2..4), 0 already in the ledger; ledger size 5\n");
}

TEST_CASE("readers work while a writer holds the ledger", "[cli][busy]") {
  CliLedger l;
  REQUIRE(l.Submit(l.Sign(l.producer_key, Statements(3))).exit_code == 0);
  l.Checkpoint(l / "cp.note");
  const std::string before = l.Export();
  const std::string log_before = Wl({"log", "--ledger", l.ledger}).out;
  Child writer({"submit", "--ledger", l.ledger, "-"}, l.dir().path().string());
  REQUIRE(WaitForWriterLock(l.ledger, writer.pid()));

  RunResult r = Wl({"export", "--ledger", l.ledger});
  CHECK(r.exit_code == 0);
  CHECK(r.err == "");
  CHECK(r.out == before);
  r = Wl({"log", "--ledger", l.ledger});
  CHECK(r.exit_code == 0);
  CHECK(r.out == log_before);
  r = Wl({"show", "--ledger", l.ledger, "--raw", "3"});
  CHECK(r.exit_code == 0);
  CHECK(r.out == SplitLines(before)[3] + "\n");
  r = Wl({"party", "list", "--ledger", l.ledger});
  CHECK(r.exit_code == 0);
  CHECK(CountLines(r.out) == 2);
  r = Wl({"verify", "--ledger", l.ledger, "--checkpoint", l / "cp.note"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.rfind("OK: 5 entries", 0) == 0);
  r = Wl({"prove", "inclusion", "--ledger", l.ledger, "--seq", "2", "--format", "json"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("\"index\":2,\"size\":5}") != std::string::npos);
  CHECK(writer.Running());
  CHECK(writer.Wait().exit_code == 0);
}

// Polls the ledger's size (as a reader sees it) until it reaches `want`;
// the last size seen. Generous: the machine may be busy.
size_t WaitForSize(const CliLedger& l, size_t want, std::chrono::seconds timeout = std::chrono::seconds(30)) {
  size_t size = 0;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while ((size = l.Size()) < want && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(50));
  }
  return size;
}

// A reader sees what a running writer has committed: submit appends each
// batch as soon as it is full, while it waits for the next input, not when
// the next batch or the end of the input arrives.
TEST_CASE("a batch is appended while submit waits for more input", "[cli][busy]") {
  CliLedger l;
  Child writer({"submit", "--ledger", l.ledger, "--batch", "1", "-"}, l.dir().path().string());
  REQUIRE(WaitForWriterLock(l.ledger, writer.pid()));
  writer.WriteStdin(l.Sign(l.producer_key, Statements(1)));
  CHECK(WaitForSize(l, 3) == 3);
  CHECK(writer.Running());
  writer.WriteStdin(l.Sign(l.producer_key, Statements(2, 1)));
  CHECK(WaitForSize(l, 5) == 5);
  CHECK(writer.Running());
  RunResult w = writer.Wait();
  CHECK(w.exit_code == 0);
  CHECK(w.out == "2\n3\n4\n");
  CHECK(w.err == "submitted: 3 appended (seq 2..4), 0 already in the ledger; ledger size 5\n");
  CHECK(l.Size() == 5);
}

// A batch that is not full is appended when the input pauses, so a live feed
// is not held back until --batch statements (default 1000) have arrived.
TEST_CASE("a partial batch is appended when the input pauses", "[cli][busy]") {
  CliLedger l;
  Child writer({"submit", "--ledger", l.ledger, "-"}, l.dir().path().string());
  REQUIRE(WaitForWriterLock(l.ledger, writer.pid()));
  writer.WriteStdin(l.Sign(l.producer_key, Statements(2)));
  CHECK(WaitForSize(l, 4) == 4);
  CHECK(writer.Running());
  writer.WriteStdin(l.Sign(l.producer_key, Statements(1, 2)));
  CHECK(WaitForSize(l, 5) == 5);
  CHECK(writer.Running());
  RunResult w = writer.Wait();
  CHECK(w.exit_code == 0);
  CHECK(w.out == "2\n3\n4\n");
  CHECK(w.err == "submitted: 3 appended (seq 2..4), 0 already in the ledger; ledger size 5\n");
}

// A batch the ledger refuses (here: "generate" by a party without the
// producer role, a rule checked when appending) ends submit at once, even
// though its input is still open and the next read would block.
TEST_CASE("a refused batch ends submit while its input is still open", "[cli][busy]") {
  CliLedger l;
  Child writer({"submit", "--ledger", l.ledger, "-"}, l.dir().path().string());
  REQUIRE(WaitForWriterLock(l.ledger, writer.pid()));
  writer.WriteStdin(l.Sign(l.regulator_key, Statements(1)));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (writer.Running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(20));
  }
  CHECK_FALSE(writer.Running());  // stdin is still open here
  RunResult w = writer.Wait();
  CHECK(w.exit_code == 1);
  CHECK(w.out.empty());
  CHECK(CountLines(w.err) == 1);
  CHECK(w.err.rfind("wasteledger: error: line 1: ", 0) == 0);
  CHECK(l.Size() == 2);
}

}  // namespace
}  // namespace wasteledger::testing
