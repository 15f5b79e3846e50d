// wasteledger restore: rebuilds a ledger from its export (the JSONL that
// outside verifiers hold), entry by entry under this build's rules, into a
// new directory; optionally only up to a size or a signed checkpoint, which
// gives the ledger as it stood then, for its reports.
//
// The target is claimed first (created, or an empty directory given, with
// the marker file kRestoreMarker in it, made exclusively, so two restores
// cannot share it). The export is then verified as `verify --export` does
// (chain, tree, signatures, seals, and the checkpoint when given), and its
// entries appended as they stand (their logged times, signatures and
// seals) in atomic batches that never split a seal, each one checked by the
// ledger's rules and compared byte for byte with the line it came from. The
// marker goes last: until then every command refuses the directory, and a
// failure (or Ctrl-C, SIGTERM, SIGHUP) removes what the restore wrote. The
// export is opened once: both passes read the same file, and the ledger's
// root must be the one verified.
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "common.h"
#include "file_access.h"
#include "text_table.h"
#include "wasteledger/signed_note.h"
#include "wasteledger/verify.h"

namespace wasteledger::cli {
namespace {

namespace fs = std::filesystem;

constexpr size_t kRestoreBatch = 4096;
// The claimed target, for the signal handler to remove while the export is
// verified (the target holds only the marker then).
struct ClaimedTarget {
  char marker[4096] = {};
  char dir[4096] = {};
  bool remove_dir = false;  // the restore created the directory
};
ClaimedTarget g_claimed;

void UndoClaim() {
  ::unlink(g_claimed.marker);
  if (g_claimed.remove_dir) ::rmdir(g_claimed.dir);
}

// The bytes of another stream buffer up to and including its `lines`-th
// line break.
class FirstLines : public std::streambuf {
 public:
  FirstLines(std::streambuf& from, uint64_t lines) : from_(from), left_(lines) {}

 protected:
  int_type underflow() override {
    if (left_ == 0) return traits_type::eof();
    const std::streamsize n = from_.sgetn(buf_, sizeof buf_);
    if (n <= 0) return traits_type::eof();
    std::streamsize keep = n;
    for (std::streamsize i = 0; i < n; ++i) {
      if (buf_[i] == '\n' && --left_ == 0) {
        keep = i + 1;
        break;
      }
    }
    setg(buf_, buf_, buf_ + keep);
    return traits_type::to_int_type(buf_[0]);
  }

 private:
  std::streambuf& from_;
  uint64_t left_;
  char buf_[64 * 1024];
};

class RestoreCommand : public Command {
 public:
  CLI::App* Setup(CLI::App& parent) override {
    auto* app = parent.add_subcommand("restore",
                                      "Rebuild a ledger from its export (all of it, or as it stood "
                                      "at a size or checkpoint)");
    app->add_option("--export", export_, "The export to rebuild from (JSONL, `wasteledger export`; a file)")
        ->check(NonBlank("a file"))
        ->required();
    app->add_option("--ledger", dir_,
                    "The new ledger's directory: must not exist (its parent must), or be empty")
        ->check(NonBlank("a ledger directory"))
        ->required();
    size_opt_ = app->add_option("--size", size_, "Restore only the first N entries (seq 0 .. N-1), N >= 1")
                    ->check(WholeNumber());
    auto* checkpoint =
        app->add_option(
               "--checkpoint", checkpoint_,
               "A checkpoint note: restore exactly the entries it signs (its size), and check its root")
            ->check(NonBlank("a file"))
            ->excludes(size_opt_);
    auto* vkey =
        app->add_option("--vkey", vkey_, "The operator's verifier key, to check the --checkpoint signature")
            ->check(NonBlank("a verifier key"))
            ->needs(checkpoint);
    checkpoint->needs(vkey);
    app->add_flag("--quiet", quiet_, "No progress line");
    app->footer(
        "The export is verified first as `verify --export` does (exit 3 names the first bad seq);\n"
        "then every entry is appended as it stands (its logged time, signature or seal) under this\n"
        "build's rules, and must come out byte for byte as exported. The new ledger has the same\n"
        "entries, the same root and the same proofs as the one exported; its indexes (stock, lots,\n"
        "manifests, flow aggregates) are rebuilt from the log. Checkpoints signed on the original\n"
        "stay valid for it (same root); of them only the --checkpoint given is stored in the copy,\n"
        "and its key recorded as the operator's (verify checks it; checkpoint signs with that key\n"
        "only). Without --checkpoint the export is only checked against itself: give the\n"
        "operator's checkpoint to know it is the operator's log.\n\n"
        "Until the restore has finished, the directory holds the file " +
        std::string(kRestoreMarker) +
        " and every command refuses it;\n"
        "a failure, Ctrl-C, SIGTERM or SIGHUP removes what the restore wrote (exit 130 when\n"
        "interrupted; a directory it was given empty is left empty). After a kill -9, remove the\n"
        "directory and restore again.\n\n"
        "With --size N or --checkpoint, the new ledger is the original as it stood at that size, so\n"
        "every report on it is the report as of then (a manifest voided later is still live, a\n"
        "party registered later is not there).\n\n"
        "Example:\n"
        "  wasteledger export --ledger city.ledger --out city.jsonl\n"
        "  wasteledger restore --export city.jsonl --ledger city-copy.ledger\n"
        "  wasteledger restore --export city.jsonl --ledger city-2026-10.ledger \\\n"
        "      --checkpoint cp-2026-10.note --vkey \"$(cat operator.vkey)\"\n"
        "  wasteledger report reconcile --ledger city-2026-10.ledger");
    return app;
  }

  int Run() override {
    if (size_opt_->count() > 0 && size_ == 0) {
      fmt::print(
          stderr,
          "wasteledger: error: --size 0: a ledger holds at least its genesis entry; give 1 or more (see "
          "wasteledger restore --help)\n");
      return kExitUsage;
    }
    // "new/" is the directory "new".
    while (dir_.size() > 1 && dir_.back() == '/') dir_.pop_back();

    // The export: a file (it is read twice, to verify and to append).
    if (Status s = CheckReadable(export_); !s.ok()) return Fail(s.WithContext("--export"));
    std::error_code ec;
    if (!fs::is_regular_file(export_, ec)) {
      return Fail(Status::InvalidArgument(fmt::format(
          "--export {}: not a regular file (a pipe or a device); restore reads the export twice, to "
          "verify it and to append it: save it to a file first",
          export_)));
    }
    // The checkpoint, when given: its signature, its size.
    VerifyOptions options;
    std::optional<Checkpoint> checkpoint;
    if (!checkpoint_.empty()) {
      auto key = VerifierKey::Parse(vkey_);
      if (!key.ok()) return Fail(key.status().WithContext("--vkey"));
      auto note = ReadWholeFile(checkpoint_);
      if (!note.ok()) return Fail(note.status().WithContext("--checkpoint"));
      auto opened = OpenCheckpoint(*note, *key);
      if (!opened.ok()) {
        Status s = opened.status().WithContext("--checkpoint " + checkpoint_);
        if (s.code() != Status::Code::kUnauthenticated) return Fail(s);
        return VerificationFailed(s.message());
      }
      checkpoint = *opened;
      checkpoint_note_ = *note;
      checkpoint_key_ = *key;
      options.checkpoint_note = std::move(*note);
      options.checkpoint_key = *key;
    }
    std::optional<uint64_t> want;
    if (checkpoint) want = checkpoint->size;
    if (size_opt_->count() > 0) want = size_;
    if (want && *want == 0) {
      return Fail(Status::InvalidArgument(
          fmt::format("--checkpoint {}: it signs the empty log; a ledger holds at least its genesis entry",
                      checkpoint_)));
    }

    if (size_opt_->count() > 0) {
      if (Status s = CheckSize(); !s.ok()) return Fail(s);
    }

    // Opened once: a file put in its place meanwhile is not read.
    std::ifstream in(export_, std::ios::binary);
    if (!in) return Fail(Status::IOError(fmt::format("--export: cannot read {}", export_)));

    // 1. The target, claimed before any work, so that a target that cannot
    // be written fails at once and a second restore into it is refused. The
    // signals that would cut the restore short are held while it is claimed,
    // then handled: at once while the export is verified (the marker and a
    // directory the restore made are removed), after the batch in hand once
    // entries are written (the replay stops, and what it wrote is removed).
    Interrupts interrupts;
    interrupts.Hold();
    Status claimed = Claim();
    if (claimed.ok())
      interrupts.Exit("wasteledger: error: restore interrupted; nothing was written\n", UndoClaim);
    interrupts.Release();
    if (!claimed.ok()) return Fail(claimed.WithContext("--ledger " + dir_));
    struct Undo {
      RestoreCommand* c;
      bool keep = false;
      ~Undo() {
        if (!keep) c->Unclaim();
      }
    } undo{this};

    // 2. The export, verified as an outside verifier does.
    const bool show_progress = !quiet_ && StderrIsTerminal();
    if (show_progress) {
      options.progress = [](uint64_t done, uint64_t) { fmt::print(stderr, "\rverifying: {} entries", done); };
    }
    Result<VerifyResult> verified = Status::InvalidArgument("unset");
    if (auto bom = ExportBomProblem(in))
      return VerificationFailed(fmt::format("--export {}: {}", export_, *bom));
    {
      // Only the lines restored: a damaged tail after them does not keep
      // a good prefix (a checkpoint's) from being restored.
      FirstLines limited(*in.rdbuf(), want.value_or(UINT64_MAX));
      std::istream prefix(&limited);
      verified = VerifyExport(prefix, options);
    }
    in.clear();
    in.seekg(0);
    if (show_progress) fmt::print(stderr, "\r\033[K");
    if (!verified.ok()) return Fail(verified.status().WithContext("--export " + export_));
    if (!verified->ok()) {
      const auto& f = *verified->failure;
      return VerificationFailed(
          fmt::format("--export {}: {}{}", export_, f.seq ? fmt::format("seq {}: ", *f.seq) : "", f.problem));
    }
    // A shorter export was refused already: by CheckSize for --size, by the
    // verification ("rollback") for a checkpoint.
    const uint64_t total = verified->size;

    // 3. The entries.
    interrupts.Stop();
    bool more = false;  // the export holds lines after the ones restored
    auto restored = Replay(in, total, verified->root, interrupts, show_progress, more);
    if (show_progress) fmt::print(stderr, "\r\033[K");
    if (!restored.ok()) {
      if (interrupts.received() != 0) {
        undo.c->Unclaim();
        undo.keep = true;
        std::fflush(stdout);
        fmt::print(stderr, "wasteledger: error: restore interrupted; what it wrote in {} is removed\n", dir_);
        return kExitInterrupted;
      }
      return Fail(restored.status());
    }
    if (*restored != verified->root) {  // the file was written to meanwhile
      return VerificationFailed(
          fmt::format("--export {} changed while it was restored: the entries appended have root {}, the "
                      "ones verified {}",
                      export_, ToHex(*restored), ToHex(verified->root)));
    }
    // 4. Finished: the marker goes, and the directory is a ledger.
    fs::remove(marker_, ec);
    if (ec) return Fail(Status::IOError(fmt::format("cannot remove {}: {}", marker_, ec.message())));
    undo.keep = true;
    fmt::print("restored {} entries ({}) into {}, root {}\n", total,
               more ? fmt::format("the first {} of {}", total, Shown(export_)) : "all of " + Shown(export_),
               Shown(dir_), ToHex(*restored));
    if (checkpoint) {
      fmt::print(
          "    the root the checkpoint in {} signs, its signature checked with --vkey; the checkpoint is "
          "stored in the copy and its key recorded as the operator's\n",
          Shown(checkpoint_));
    } else {
      fmt::print(
          "    (no --checkpoint: the export was checked against itself, not against a root the operator "
          "signed)\n");
    }
    return kExitOk;
  }

 private:
  static int VerificationFailed(const std::string& message) {
    std::fflush(stdout);
    fmt::print(stderr, "wasteledger: verification failed: {}\n", message);
    return kExitVerifyFailed;
  }

  // --size within the export, and not inside a sealed batch (a seal and its
  // members are appended together: no ledger had that size). Reads the
  // first --size lines, parsing the seals only.
  Status CheckSize() const {
    std::ifstream in(export_, std::ios::binary);
    if (!in) return Status::IOError(fmt::format("--export: cannot read {}", export_));
    std::string line;
    uint64_t lines = 0, seal = 0, members = 0;  // the last seal's seq and count
    while (lines < size_ && std::getline(in, line)) {
      if (line.find("\"kind\":\"seal\"") != std::string::npos) {
        auto e = ParseEntry(line, EntryParse::kFull);
        if (e.ok() && e->statement.kind == "seal") {
          seal = lines;
          members = e->statement.json["body"].value("count", uint64_t{0});
        }
      }
      ++lines;
    }
    if (lines < size_) {
      return Status::InvalidArgument(
          fmt::format("--size {}: the export holds only {} entries", size_, lines));
    }
    if (members > 0 && seal < size_ && size_ < seal + 1 + members) {
      return Status::InvalidArgument(fmt::format(
          "--size {} cuts through the sealed batch the seal at seq {} opens (a seal and its members "
          "are appended together): restore a size of {} (before the seal) or {} (after its last "
          "member)",
          size_, seal, seal, seal + 1 + members));
    }
    return Status::Ok();
  }

  // Makes the target ours: a new directory (its parent must exist), or an
  // empty one; the marker in it, created exclusively.
  Status Claim() {
    std::error_code ec;
    const fs::path dir(dir_);
    const auto status = fs::symlink_status(dir, ec);
    if (fs::exists(status)) {
      if (!fs::is_directory(fs::status(dir, ec)))
        return Status::Refused("not a directory; restore makes a ledger");
      if (fs::exists(dir / kRestoreMarker, ec)) {
        return Status::Refused(fmt::format(
            "holds {}: another restore is writing it, or one did not finish (then remove the directory "
            "and run the restore again)",
            kRestoreMarker));
      }
      fs::directory_iterator first(dir, ec);
      if (ec) return Status::Refused(fmt::format("cannot read it: {}", ec.message()));
      if (first != fs::directory_iterator()) {
        if (fs::exists(dir / "CURRENT", ec))
          return Status::Refused("already holds a ledger; restore makes a new one");
        return Status::Refused(
            fmt::format("is not empty (it holds {}); restore makes a new ledger: give a new directory in it",
                        Shown(first->path().filename().string())));
      }
    } else {
      const fs::path parent = dir.has_parent_path() ? dir.parent_path() : fs::path(".");
      if (!fs::is_directory(parent, ec)) {
        return Status::Refused(fmt::format("its parent directory {} does not exist", parent.string()));
      }
      if (!fs::create_directory(dir, ec)) {
        return Status::Refused(ec ? fmt::format("cannot create it: {}", ec.message())
                                  : std::string("was made meanwhile (another restore?)"));
      }
      created_ = true;
    }
    marker_ = (dir / kRestoreMarker).string();
    const int fd = ::open(marker_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
      const int err = errno;
      if (created_) fs::remove(dir, ec);
      created_ = false;
      marker_.clear();
      return Status::Refused(err == EEXIST ? std::string("another restore is writing it")
                                           : fmt::format("cannot write in it: {}", std::strerror(err)));
    }
    char host[256] = "?";
    ::gethostname(host, sizeof host - 1);
    const std::string text = fmt::format(
        "wasteledger restore, pid {} on {}, started {}, is writing this ledger from {}.\n"
        "Until it removes this file the directory is not a ledger. If that process is gone, remove the\n"
        "directory and run the restore again.\n",
        ::getpid(), host, FormatUtc(NowUnixSeconds()), export_);
    ssize_t written = ::write(fd, text.data(), text.size());
    (void)written;
    ::close(fd);
    struct stat st {};
    if (::stat(dir_.c_str(), &st) == 0) claimed_id_ = {st.st_dev, st.st_ino};
    std::snprintf(g_claimed.marker, sizeof g_claimed.marker, "%s", marker_.c_str());
    std::snprintf(g_claimed.dir, sizeof g_claimed.dir, "%s", dir_.c_str());
    g_claimed.remove_dir = created_;
    claimed_ = true;
    return Status::Ok();
  }

  // Removes what the restore wrote: the directory it created, or the
  // contents of the empty one it was given.
  void Unclaim() {
    if (!claimed_) return;
    claimed_ = false;
    // Only the directory claimed: not one made in its place meanwhile.
    struct stat st {};
    if (::stat(dir_.c_str(), &st) != 0 || std::pair{st.st_dev, st.st_ino} != claimed_id_) return;
    std::error_code ec;
    if (created_) {
      fs::remove_all(dir_, ec);
      return;
    }
    for (const auto& e : fs::directory_iterator(dir_, ec)) fs::remove_all(e.path(), ec);
  }

  // Errors about an entry name the export; the others (writing the store)
  // name the ledger.
  Status InContext(const Status& s) const {
    return s.WithContext(s.message().rfind("line ", 0) == 0 ? "--export " + export_ : "--ledger " + dir_);
  }

  // Appends the export's first `total` entries to the claimed directory;
  // the new ledger's root. When it is the root verified, the --checkpoint
  // (which signs it) is stored and its key recorded as the operator's.
  Result<Hash> Replay(std::istream& in, uint64_t total, const Hash& verified_root,
                      const Interrupts& interrupts, bool show_progress, bool& more) const {
    std::string line;
    uint64_t line_no = 0;
    auto next = [&]() -> bool {
      if (line_no >= total || !std::getline(in, line)) return false;
      ++line_no;
      return true;
    };
    if (!next()) return Status::InvalidArgument(fmt::format("--export {}: no entries", export_));
    {
      auto genesis = Ledger::InitFromExport(dir_, line);
      if (!genesis.ok()) return InContext(genesis.status());
    }
    auto opened = OpenLedger(dir_, Ledger::Mode::kWrite, false, true);
    if (!opened.ok()) return InContext(opened.status());
    Ledger& ledger = **opened;
    PreparedBatch carry;
    for (;;) {
      if (int sig = interrupts.received(); sig != 0) {
        return Status::IOError(fmt::format("interrupted by signal {}", sig));
      }
      std::vector<std::string> lines;
      std::vector<uint64_t> numbers;
      while (lines.size() < kRestoreBatch && next()) {
        lines.push_back(std::move(line));
        numbers.push_back(line_no);
      }
      const bool done = lines.empty();
      if (!done) {
        auto prepared = ledger.PrepareExported(lines, numbers);
        if (!prepared.ok()) return InContext(prepared.status());
        carry.Append(std::move(*prepared));
      }
      PreparedBatch tail = carry.TakeIncompleteSealTail();
      if (done && !tail.empty()) {  // CheckSize found it first, unless the file changed since
        return Status::InvalidArgument(
            fmt::format("the export's last seal (seq {}) lacks members", total - tail.size()));
      }
      if (!carry.empty()) {
        auto appended = ledger.AppendPipelined(std::move(carry));
        if (!appended.ok()) return InContext(appended.status());
      }
      carry = std::move(tail);
      if (show_progress) fmt::print(stderr, "\rrestoring: {}/{} entries", ledger.size(), total);
      if (done) break;
    }
    if (Status w = ledger.WaitForWrites(); !w.ok()) return InContext(w);
    if (ledger.size() != total) {
      return Status::Corruption(
          fmt::format("--export {} changed while it was restored: it now holds {} of the {} entries verified",
                      export_, ledger.size(), total));
    }
    more = static_cast<bool>(std::getline(in, line));
    WL_ASSIGN_OR_RETURN(Hash root, ledger.Root(total));
    if (root == verified_root && checkpoint_key_) {
      if (Status s = ledger.AdoptCheckpoint(checkpoint_note_, *checkpoint_key_); !s.ok()) {
        return s.WithContext("--checkpoint " + checkpoint_);
      }
    }
    return root;
  }

  std::string export_, dir_, checkpoint_, vkey_;
  // The --checkpoint's note and key, once read and parsed.
  std::string checkpoint_note_;
  std::optional<VerifierKey> checkpoint_key_;
  CLI::Option* size_opt_ = nullptr;
  uint64_t size_ = 0;
  bool quiet_ = false;
  // The claimed target.
  bool claimed_ = false;
  bool created_ = false;
  std::pair<dev_t, ino_t> claimed_id_{};  // device and inode of the directory claimed
  std::string marker_;
};

}  // namespace

std::unique_ptr<Command> MakeRestoreCommand() { return std::make_unique<RestoreCommand>(); }

}  // namespace wasteledger::cli
