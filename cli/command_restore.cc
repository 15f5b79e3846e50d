// wasteledger restore: rebuilds a ledger from its export (the JSONL that
// outside verifiers hold), entry by entry under this build's rules, into a
// new directory; optionally only up to a size or a signed checkpoint, which
// gives the ledger as it stood then, for its reports.
//
// The export is verified first, as `verify --export` does it (chain, tree,
// signatures, seals, and the checkpoint when given). The entries are then
// appended as they stand (their logged times, signatures and seals) in
// atomic batches that never split a seal, each one checked by the ledger's
// rules and compared byte for byte with the line it came from. The work is
// done in DIR.restoring and renamed to DIR only once every entry is in and
// the root is the one expected, so a failed restore leaves no ledger.
#include <fmt/format.h>

#include <array>
#include <filesystem>
#include <fstream>

#include "common.h"
#include "file_access.h"
#include "wasteledger/signed_note.h"
#include "wasteledger/verify.h"

namespace wasteledger::cli {
namespace {

constexpr size_t kRestoreBatch = 4096;

class RestoreCommand : public Command {
 public:
  CLI::App* Setup(CLI::App& parent) override {
    auto* app = parent.add_subcommand("restore",
                                      "Rebuild a ledger from its export (all of it, or as it stood "
                                      "at a size or checkpoint)");
    app->add_option("--export", export_, "The export to rebuild from (JSONL, `wasteledger export`)")
        ->check(NonBlank("a file"))
        ->required();
    app->add_option("--ledger", dir_, "The new ledger's directory: must not exist, or be empty")
        ->check(NonBlank("a ledger directory"))
        ->required();
    size_opt_ = app->add_option("--size", size_, "Restore only the first N entries (seq 0 .. N-1)")
                    ->check(WholeNumber());
    app->add_option("--checkpoint", checkpoint_,
                    "A checkpoint note: restore exactly the entries it signs (its size), and check its root")
        ->check(NonBlank("a file"))
        ->excludes(size_opt_);
    app->add_option("--vkey", vkey_, "The operator's verifier key, to check the --checkpoint signature")
        ->check(NonBlank("a verifier key"));
    app->add_flag("--quiet", quiet_, "No progress line");
    app->footer(
        "The export is verified first as `verify --export` does (exit 3 names the first bad seq);\n"
        "then every entry is appended as it stands (its logged time, signature or seal) under this\n"
        "build's rules, and must come out byte for byte as exported. The new ledger has the same\n"
        "entries, the same root and the same proofs as the one exported; its indexes (stock, lots,\n"
        "manifests, flow aggregates) are rebuilt from the log. Checkpoints signed on the original\n"
        "stay valid for it (same root); they are not copied. The work is done in DIR.restoring and\n"
        "renamed to DIR at the end: a failed or interrupted restore leaves no ledger at DIR.\n\n"
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
    if (!checkpoint_.empty() && vkey_.empty()) {
      fmt::print(stderr,
                 "wasteledger: error: restore --checkpoint needs the operator's --vkey to check it\n");
      return kExitUsage;
    }
    namespace fs = std::filesystem;
    std::error_code ec;
    if (fs::exists(dir_, ec) && !(fs::is_directory(dir_, ec) && fs::is_empty(dir_, ec))) {
      return Fail(Status::Refused(fmt::format("--ledger {}: {}; restore makes a new ledger", dir_,
                                              fs::exists(fs::path(dir_) / "CURRENT", ec)
                                                  ? "already holds a ledger"
                                                  : "exists and is not empty")));
    }
    const std::string work = dir_ + ".restoring";
    if (fs::exists(work, ec)) {
      return Fail(Status::Refused(fmt::format(
          "{} exists (left by an interrupted restore?): remove it, then run the restore again", work)));
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
        std::fflush(stdout);
        fmt::print(stderr, "wasteledger: verification failed: {}\n", s.message());
        return kExitVerifyFailed;
      }
      checkpoint = *opened;
      options.checkpoint_note = std::move(*note);
      options.checkpoint_key = *key;
    }
    std::optional<uint64_t> want;
    if (checkpoint) want = checkpoint->size;
    if (size_opt_->count() > 0) want = size_;
    if (want && *want == 0) {
      return Fail(
          Status::InvalidArgument("a ledger holds at least its genesis entry: restore a size of 1 or more"));
    }

    // 1. The export, verified as an outside verifier does.
    if (Status s = CheckReadable(export_); !s.ok()) return Fail(s.WithContext("--export"));
    const bool show_progress = !quiet_ && StderrIsTerminal();
    if (show_progress) {
      options.progress = [](uint64_t done, uint64_t) { fmt::print(stderr, "\rverifying: {} entries", done); };
    }
    Result<VerifyResult> verified = Status::InvalidArgument("unset");
    {
      std::ifstream in(export_, std::ios::binary);
      if (!in) return Fail(Status::IOError(fmt::format("--export: cannot read {}", export_)));
      verified = VerifyExport(in, options);
    }
    if (show_progress) fmt::print(stderr, "\r\033[K");
    if (!verified.ok()) return Fail(verified.status().WithContext("--export"));
    if (!verified->ok()) {
      const auto& f = *verified->failure;
      std::fflush(stdout);
      fmt::print(stderr, "wasteledger: verification failed: --export {}: {}{}\n", export_,
                 f.seq ? fmt::format("seq {}: ", *f.seq) : "", f.problem);
      return kExitVerifyFailed;
    }
    if (want && *want > verified->size) {
      return Fail(Status::InvalidArgument(
          fmt::format("--size {}: the export holds only {} entries", *want, verified->size)));
    }
    const uint64_t total = want.value_or(verified->size);

    // 2. The entries, appended in DIR.restoring; renamed at the end.
    struct RemoveOnFailure {
      std::string dir;
      bool keep = false;
      ~RemoveOnFailure() {
        std::error_code ignored;
        if (!keep) fs::remove_all(dir, ignored);
      }
    } cleanup{work};
    auto restored = Replay(work, total, show_progress);
    if (show_progress) fmt::print(stderr, "\r\033[K");
    if (!restored.ok()) return Fail(restored.status());
    if (checkpoint && *restored != checkpoint->root) {
      std::fflush(stdout);
      fmt::print(stderr,
                 "wasteledger: verification failed: the restored ledger's root at size {} is {}, not the "
                 "checkpoint's {}\n",
                 total, ToHex(*restored), ToHex(checkpoint->root));
      return kExitVerifyFailed;
    }
    // An empty directory named by --ledger is replaced (rename(2) allows it).
    fs::rename(work, dir_, ec);
    if (ec) return Fail(Status::IOError(fmt::format("cannot rename {} to {}: {}", work, dir_, ec.message())));
    cleanup.keep = true;
    fmt::print("restored {} of the export's {} entries into {}, root {}\n", total, verified->size, dir_,
               ToHex(*restored));
    if (checkpoint) fmt::print("    the root of the checkpoint in {}\n", checkpoint_);
    return kExitOk;
  }

 private:
  // Appends the export's first `total` entries to a new ledger in `work`;
  // its root.
  Result<Hash> Replay(const std::string& work, uint64_t total, bool show_progress) const {
    std::ifstream in(export_, std::ios::binary);
    if (!in) return Status::IOError(fmt::format("--export: cannot read {}", export_));
    std::string line;
    uint64_t line_no = 0;
    auto next = [&]() -> bool {
      if (line_no >= total || !std::getline(in, line)) return false;
      ++line_no;
      return true;
    };
    auto at_line = [&](const Status& s) { return s.WithContext(fmt::format("--export {}", export_)); };
    if (!next()) return Status::InvalidArgument(fmt::format("--export {}: no entries", export_));
    {
      auto genesis = Ledger::InitFromExport(work, line);
      if (!genesis.ok()) return at_line(genesis.status());
    }
    WL_ASSIGN_OR_RETURN(auto opened, OpenLedger(work, Ledger::Mode::kWrite));
    Ledger& ledger = *opened;
    PreparedBatch carry;
    for (;;) {
      std::vector<std::string> lines;
      std::vector<uint64_t> numbers;
      while (lines.size() < kRestoreBatch && next()) {
        lines.push_back(std::move(line));
        numbers.push_back(line_no);
      }
      const bool done = lines.empty();
      if (!done) {
        auto prepared = ledger.PrepareExported(lines, numbers);
        if (!prepared.ok()) return at_line(prepared.status());
        carry.Append(std::move(*prepared));
      }
      PreparedBatch tail = carry.TakeIncompleteSealTail();
      if (done && !tail.empty()) {
        const uint64_t seal = total - tail.size();
        return Status::InvalidArgument(fmt::format(
            "--size {} cuts through the sealed batch the seal at seq {} opens (a batch is appended whole): "
            "restore a size of {} or more than its last member",
            total, seal, seal));
      }
      if (!carry.empty()) {
        auto appended = ledger.AppendPipelined(std::move(carry));
        if (!appended.ok()) return at_line(appended.status());
      }
      carry = std::move(tail);
      if (show_progress) fmt::print(stderr, "\rrestoring: {}/{} entries", ledger.size(), total);
      if (done) break;
    }
    WL_RETURN_IF_ERROR(ledger.WaitForWrites());
    if (ledger.size() != total) {
      return Status::Corruption(fmt::format("restored {} entries, not {}", ledger.size(), total));
    }
    return ledger.Root(total);
  }

  std::string export_, dir_, checkpoint_, vkey_;
  CLI::Option* size_opt_ = nullptr;
  uint64_t size_ = 0;
  bool quiet_ = false;
};

}  // namespace

std::unique_ptr<Command> MakeRestoreCommand() { return std::make_unique<RestoreCommand>(); }

}  // namespace wasteledger::cli
