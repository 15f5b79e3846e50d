// Fixture for the end-to-end tests of the wasteledger binary: a ledger with a
// regulator ("reg"), an operator key named after the origin, and a producer
// party ("prod"), each test working on its own copy. Also a way to run the
// binary as a background child whose stdin the test holds open (busy tests).
//
// Header-only on purpose: tests/CMakeLists.txt globs only tests/cli/*_test.cc.
// Not thread-safe (Catch2 runs test cases one after another).
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "test_util.h"

namespace wasteledger::testing {

inline constexpr char kOrigin[] = "test.example/wasteledger";

// The variables the binary reads from the environment are cleared in the
// test process, so only what a test passes explicitly reaches the child.
inline void ClearWasteledgerEnv() {
  for (const char* name : {"WASTELEDGER_LEDGER", "WASTELEDGER_KEY", "WASTELEDGER_PASSPHRASE"}) {
    ::unsetenv(name);
  }
}

// Runs the binary with `args` (without argv[0]).
inline RunResult Wl(std::vector<std::string> args, const std::string& input = "",
                    const std::vector<std::string>& env = {}) {
  ClearWasteledgerEnv();
  args.insert(args.begin(), WL_BINARY);
  return Run(args, input, env);
}

// Runs the binary with the size of the files it writes limited (RLIMIT_FSIZE
// through `ulimit -f`: blocks of 512 bytes under dash, 1,024 under bash) and
// SIGXFSZ ignored, so a write past the limit fails with EFBIG ("File too
// large"), as a write to a full disk fails.
inline RunResult WlWithFileSizeLimit(int blocks, std::vector<std::string> args, const std::string& input = "") {
  ClearWasteledgerEnv();
  std::vector<std::string> sh = {"/bin/sh", "-c",
                                 "trap '' XFSZ; ulimit -f " + std::to_string(blocks) + " && exec \"$0\" \"$@\"",
                                 WL_BINARY};
  sh.insert(sh.end(), args.begin(), args.end());
  return Run(sh, input, {});
}

inline size_t CountLines(const std::string& text) {
  size_t n = 0;
  for (char c : text) n += c == '\n' ? 1 : 0;
  return n;
}

inline std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

// A vkey is name "+" 8-hex key ID "+" base64(0x01 || pubkey). The base64
// part may itself contain '+', so split at the first two '+' (a key name has
// none), never at the last one.
inline size_t SecondPlus(const std::string& vkey) {
  const size_t first = vkey.find('+');
  if (first == std::string::npos) throw std::runtime_error("not a vkey: " + vkey);
  const size_t second = vkey.find('+', first + 1);
  if (second == std::string::npos) throw std::runtime_error("not a vkey: " + vkey);
  return second;
}
// The key reference "name+keyID" that signatures and revocations use.
inline std::string KeyRef(const std::string& vkey) { return vkey.substr(0, SecondPlus(vkey)); }
// The base64 part of a vkey.
inline std::string KeyBase64(const std::string& vkey) { return vkey.substr(SecondPlus(vkey) + 1); }

// The "vkey" member of a key file (key files are JSON; this avoids a parser).
inline std::string VkeyOfKeyFile(const std::string& path) {
  const std::string text = ReadFile(path);
  const std::string tag = "\"vkey\": \"";
  size_t at = text.find(tag);
  if (at == std::string::npos) throw std::runtime_error("no vkey in " + path);
  at += tag.size();
  return text.substr(at, text.find('"', at) - at);
}

// Every file under `dir` with its contents, to show a command left it alone.
inline std::map<std::string, std::string> Snapshot(const std::string& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) files[e.path().string()] = ReadFile(e.path().string());
  }
  return files;
}

// `n` distinct producer statements (the nonce keeps them apart even when
// signed within the same second), one a line.
inline std::string Statements(size_t n, size_t first = 0, const std::string& tag = "s") {
  std::string out;
  for (size_t i = first; i < first + n; ++i) {
    out += "{\"kind\":\"generate\",\"nonce\":\"" + tag + std::to_string(i) +
           "\",\"body\":{\"waste\":\"900-041-49\",\"mass_g\":" + std::to_string(1000 + i) + "}}\n";
  }
  return out;
}

// A key file per party and a ledger holding: seq 0 genesis by "reg",
// seq 1 party "prod" (producer). Built once per test run, then copied.
class LedgerTemplate {
 public:
  static const LedgerTemplate& Get() {
    static const LedgerTemplate instance;
    return instance;
  }
  const TempDir& dir() const { return dir_; }
  std::string regulator_vkey, operator_vkey, producer_vkey;

 private:
  LedgerTemplate() {
    regulator_vkey = Keygen("reg", "reg.key");
    operator_vkey = Keygen(kOrigin, "operator.key");
    producer_vkey = Keygen("prod", "prod.key");
    Must({"init", "--ledger", dir_ / "city.ledger", "--origin", kOrigin, "--key", dir_ / "reg.key",
          "--regulator-name", "Test EPB"});
    Must({"party", "add", "--ledger", dir_ / "city.ledger", "--key", dir_ / "reg.key", "--id", "prod",
          "--name", "Prod Co", "--role", "producer", "--vkey", producer_vkey});
  }
  std::string Keygen(const std::string& name, const std::string& file) {
    RunResult r = Must({"keygen", "--name", name, "--out", dir_ / file, "--no-passphrase"});
    return r.out.substr(0, r.out.size() - 1);
  }
  static RunResult Must(const std::vector<std::string>& args) {
    RunResult r = Wl(args);
    if (r.exit_code != 0) throw std::runtime_error("fixture: wasteledger " + args[0] + " failed: " + r.err);
    return r;
  }
  TempDir dir_;
};

// One test's ledger: a private copy of the template in a fresh directory.
class CliLedger {
 public:
  CliLedger() {
    const auto& t = LedgerTemplate::Get();
    std::filesystem::copy(t.dir().path(), dir_.path(), std::filesystem::copy_options::recursive);
    regulator_vkey = t.regulator_vkey;
    operator_vkey = t.operator_vkey;
    producer_vkey = t.producer_vkey;
    ledger = dir_ / "city.ledger";
    regulator_key = dir_ / "reg.key";
    operator_key = dir_ / "operator.key";
    producer_key = dir_ / "prod.key";
  }

  std::string operator/(const std::string& name) const { return dir_ / name; }
  const TempDir& dir() const { return dir_; }

  // Signs `statements` with `key`; the signed lines (fails the test if sign does).
  std::string Sign(const std::string& key, const std::string& statements, bool seal = false) const {
    std::vector<std::string> args = {"sign", "--key", key};
    if (seal) args.push_back("--seal");
    RunResult r = WlWithInput(args, statements);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    REQUIRE(r.err.empty());
    return r.out;
  }
  RunResult Submit(const std::string& signed_lines, std::vector<std::string> extra = {}) const {
    std::vector<std::string> args = {"submit", "--ledger", ledger};
    args.insert(args.end(), extra.begin(), extra.end());
    return WlWithInput(args, signed_lines);
  }
  std::string Export() const {
    RunResult r = Wl({"export", "--ledger", ledger});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return r.out;
  }
  size_t Size() const { return CountLines(Export()); }
  // Writes a checkpoint note to `file` and returns it.
  std::string Checkpoint(const std::string& file) const {
    RunResult r = Wl({"checkpoint", "--ledger", ledger, "--key", operator_key, "--out", file});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return r.out;
  }
  // A new key file `file` named `name`; returns its vkey.
  std::string Keygen(const std::string& name, const std::string& file) const {
    RunResult r = Wl({"keygen", "--name", name, "--out", dir_ / file, "--no-passphrase"});
    REQUIRE(r.exit_code == 0);
    return r.out.substr(0, r.out.size() - 1);
  }

  std::string ledger, regulator_key, operator_key, producer_key;
  std::string regulator_vkey, operator_vkey, producer_vkey;

 private:
  // Runs a command that reads FILE or stdin. A large input goes through a
  // file: Run() writes stdin in one blocking write, which deadlocks when the
  // child fills its stdout pipe before it has read all of its input.
  RunResult WlWithInput(std::vector<std::string> args, const std::string& input) const {
    if (input.size() < 16 * 1024) return Wl(args, input);
    const std::string file = dir_ / ("input-" + std::to_string(++inputs_) + ".jsonl");
    WriteFile(file, input);
    args.push_back(file);
    return Wl(args);
  }

  TempDir dir_;
  mutable int inputs_ = 0;
};

// The binary running in the background: stdin is a pipe the test holds (so
// `submit -` keeps the ledger open until CloseStdin), stdout and stderr go to
// files in `dir`. With new_session the child has no controlling terminal.
class Child {
 public:
  Child(std::vector<std::string> args, const std::string& dir, const std::vector<std::string>& env = {},
        bool new_session = false)
      : out_path_(dir + "/child-" + std::to_string(++Counter()) + ".out"), err_path_(out_path_ + ".err") {
    ClearWasteledgerEnv();
    args.insert(args.begin(), WL_BINARY);
    // Close-on-exec, so no other child inherits the write end (which would
    // keep this child's stdin from ever reaching end of file).
    int in_pipe[2];
    if (::pipe2(in_pipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      if (new_session) ::setsid();
      int out = ::open(out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      int err = ::open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      ::dup2(in_pipe[0], 0);
      ::dup2(out, 1);
      ::dup2(err, 2);
      for (int fd : {in_pipe[0], in_pipe[1], out, err}) ::close(fd);  // 0, 1, 2 stay open
      for (const auto& kv : env) ::putenv(const_cast<char*>(kv.c_str()));
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    ::close(in_pipe[0]);
    stdin_fd_ = in_pipe[1];
  }
  ~Child() {
    CloseStdin();
    if (pid_ > 0 && !reaped_) {
      ::kill(pid_, SIGKILL);
      int status;
      ::waitpid(pid_, &status, 0);
    }
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }
  void WriteStdin(const std::string& data) {
    size_t done = 0;
    while (stdin_fd_ >= 0 && done < data.size()) {
      ssize_t n = ::write(stdin_fd_, data.data() + done, data.size() - done);
      if (n <= 0) throw std::runtime_error("writing to the child's stdin failed");
      done += static_cast<size_t>(n);
    }
  }
  void CloseStdin() {
    if (stdin_fd_ >= 0) ::close(stdin_fd_);
    stdin_fd_ = -1;
  }
  // True while the process has not exited.
  bool Running() {
    if (reaped_) return false;
    int status;
    pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      reaped_ = true;
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      return false;
    }
    return true;
  }
  // Waits (at most `timeout`) for the exit; exit_code -1 if it did not.
  RunResult Wait(std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    CloseStdin();
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (Running() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    RunResult r;
    r.exit_code = reaped_ ? exit_code_ : -1;
    r.out = ReadFile(out_path_);
    r.err = ReadFile(err_path_);
    return r;
  }

 private:
  static int& Counter() {
    static int n = 0;
    return n;
  }
  std::string out_path_, err_path_;
  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  bool reaped_ = false;
  int exit_code_ = -1;
};

// Waits until `ledger`/writer.lock names `pid` (the writer has the lock).
inline bool WaitForWriterLock(const std::string& ledger, pid_t pid,
                              std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  const std::string want = std::to_string(pid) + "\n";
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    std::error_code ec;
    if (std::filesystem::exists(ledger + "/writer.lock", ec) && ReadFile(ledger + "/writer.lock") == want) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

}  // namespace wasteledger::testing
