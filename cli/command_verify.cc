// wasteledger verify: checks the whole ledger (or an export) the way an
// outside verifier does, plus the stored tree and checkpoints; with --deep,
// also the stored flow aggregates and stock against the log.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <fstream>

#include "common.h"
#include "file_access.h"
#include "wasteledger/deep_check.h"
#include "wasteledger/signed_note.h"
#include "wasteledger/verify.h"

namespace wasteledger::cli {
namespace {

constexpr size_t kShownDifferences = 20;

class VerifyCommand : public Command {
 public:
  CLI::App* Setup(CLI::App& parent) override {
    auto* app =
        parent.add_subcommand("verify", "Check chain, tree, every signature and seal, and checkpoints");
    app->add_option("--ledger", dir_, "Ledger directory (env WASTELEDGER_LEDGER)")
        ->check(NonBlank("a ledger directory"))
        ->envname("WASTELEDGER_LEDGER");
    app->add_option("--export", export_,
                    "Verify an export file (JSONL) instead of a ledger directory (not with --ledger; "
                    "WASTELEDGER_LEDGER is then ignored)")
        ->check(NonBlank("a file"));
    app->add_option("--checkpoint", checkpoint_,
                    "An older checkpoint note: the ledger must extend it (no rollback, no fork)")
        ->check(NonBlank("a file"));
    app->add_option("--vkey", vkey_, "The operator's verifier key (default: the one the ledger records)")
        ->check(NonBlank("a verifier key"));
    app->add_option("--threads", threads_, "Signature-checking threads (default: one per core)");
    app->add_flag("--deep", deep_,
                  "Also recompute the flow aggregates, stock and lots from the log and compare them with "
                  "the stored ones");
    app->add_flag("--quiet", quiet_, "No progress line");
    app->footer(
        "Exit code 0 when everything checks, 3 when something does not: the message names the\n"
        "first bad seq and what is wrong with it. --deep (a ledger only) then folds the log once more\n"
        "and names every aggregate, stock figure or lot that differs from what the log adds up to.\n\n"
        "Example:\n"
        "  wasteledger verify --ledger city.ledger --checkpoint cp-2026-10.note\n"
        "  wasteledger verify --ledger city.ledger --deep\n"
        "  wasteledger verify --export city.jsonl --checkpoint cp.note --vkey "
        "xuchang.example/wasteledger+...");
    return app;
  }

  int Run() override {
    // Usage errors (exit 2), like a missing required option.
    auto usage = [](const std::string& message) {
      fmt::print(stderr, "wasteledger: error: {}\n", message);
      return kExitUsage;
    };
    if (dir_.empty() && export_.empty()) return usage("give --ledger DIR or --export FILE");
    // One or the other: only the export would be verified. WASTELEDGER_LEDGER
    // yields to --export (it is set for every command, this one included).
    const char* env_ledger = std::getenv("WASTELEDGER_LEDGER");
    if (!export_.empty() && !dir_.empty() && (env_ledger == nullptr || dir_ != env_ledger)) {
      return usage("--export and --ledger are exclusive: verify an export or a ledger, one at a time");
    }
    // An export records no operator key to check a checkpoint against.
    if (!export_.empty() && !checkpoint_.empty() && vkey_.empty()) {
      return usage("verify --export with --checkpoint needs the operator's --vkey");
    }
    // An export holds the log only: there are no stored aggregates to compare.
    if (deep_ && !export_.empty()) {
      return usage("--deep checks a ledger's stored aggregates: give --ledger, not --export");
    }
    VerifyOptions options;
    options.threads = threads_;
    if (!checkpoint_.empty()) {
      auto note = ReadWholeFile(checkpoint_);
      if (!note.ok()) return Fail(note.status().WithContext("--checkpoint"));
      options.checkpoint_note = std::move(*note);
    }
    if (!vkey_.empty()) {
      auto key = VerifierKey::Parse(vkey_);
      if (!key.ok()) return Fail(key.status().WithContext("--vkey"));
      options.checkpoint_key = *key;
    }
    const bool show_progress = !quiet_ && StderrIsTerminal();
    if (show_progress) {
      options.progress = [](uint64_t done, uint64_t total) {
        if (total > 0) {
          fmt::print(stderr, "\rverifying: {}/{} entries ({}%)", done, total, done * 100 / total);
        } else {
          fmt::print(stderr, "\rverifying: {} entries", done);
        }
      };
    }
    Result<VerifyResult> result = Status::InvalidArgument("unset");
    std::unique_ptr<Ledger> ledger;
    if (!export_.empty()) {
      if (Status s = CheckCheckpointSignature(options); !s.ok()) return NoteFailed(s);
      if (Status s = CheckReadable(export_); !s.ok()) return Fail(s.WithContext("--export"));
      std::ifstream in(export_, std::ios::binary);
      if (!in) return Fail(Status::IOError(fmt::format("--export: cannot read {}", export_)));
      if (auto bom = ExportBomProblem(in)) {
        std::fflush(stdout);
        fmt::print(stderr, "wasteledger: verification failed: {}\n", *bom);
        return kExitVerifyFailed;
      }
      result = VerifyExport(in, options);
    } else {
      auto opened = OpenLedger(dir_, Ledger::Mode::kRead);
      if (!opened.ok()) return Fail(opened.status());
      ledger = std::move(*opened);
      if (!options.checkpoint_key && options.checkpoint_note) {
        auto recorded = ledger->OperatorKey();
        if (!recorded.ok()) return Fail(recorded.status());
        options.checkpoint_key = *recorded;
      }
      if (Status s = CheckCheckpointSignature(options); !s.ok()) return NoteFailed(s);
      result = VerifyLedger(*ledger, options);
      // Then every block of the store: damage in the indexes or aggregates
      // (which the log's check does not read) would otherwise show only when
      // a report reads it.
      if (result.ok() && result->ok()) {
        if (Status s = ledger->VerifyStorage(); !s.ok()) {
          if (show_progress) fmt::print(stderr, "\r\033[K");
          return Fail(s);
        }
      }
    }
    if (show_progress) fmt::print(stderr, "\r\033[K");
    if (!result.ok()) return Fail(result.status());
    if (!result->ok()) {
      const auto& f = *result->failure;
      std::fflush(stdout);
      fmt::print(stderr, "wasteledger: verification failed: {}{}\n",
                 f.seq ? fmt::format("seq {}: ", *f.seq) : "", f.problem);
      return kExitVerifyFailed;
    }
    // With --deep, "OK" only once the recomputation agrees too.
    std::string deep_line;
    if (deep_) {
      if (int rc = RunDeep(*ledger, show_progress, deep_line); rc != kExitOk) return rc;
    }
    fmt::print("OK: {} entries, root {}\n", result->size, ToHex(result->root));
    fmt::print("    {} signatures and {} sealed statements checked, {} stored checkpoint(s) match\n",
               result->signatures, result->sealed, result->checkpoints);
    if (options.checkpoint_note) fmt::print("    consistent with the checkpoint in {}\n", checkpoint_);
    if (!deep_line.empty()) fmt::print("{}\n", deep_line);
    return kExitOk;
  }

 private:
  // The --checkpoint note, parsed, and its signature by the operator's key
  // when the key is known, checked here so that a bad note or one signed by
  // another key is named by the file it came from (the verifier's own
  // message says "checkpoint: " twice). Ok without a note; without a key
  // the verifier says what is missing.
  Status CheckCheckpointSignature(const VerifyOptions& options) const {
    if (!options.checkpoint_note) return Status::Ok();
    const std::string context = "--checkpoint " + checkpoint_;
    auto note = ParseNote(*options.checkpoint_note);
    if (!note.ok()) return note.status().WithContext(context);
    if (!options.checkpoint_key) return Status::Ok();
    const std::array<VerifierKey, 1> known{*options.checkpoint_key};
    return VerifyNote(*note, known).WithContext(context);
  }

  // A checkpoint whose signature does not verify (forged, or edited after
  // it was signed) fails verification (exit 3); an unreadable one is an error.
  static int NoteFailed(const Status& s) {
    if (s.code() != Status::Code::kUnauthenticated) return Fail(s);
    std::fflush(stdout);
    fmt::print(stderr, "wasteledger: verification failed: {}\n", s.message());
    return kExitVerifyFailed;
  }

  // --deep: the aggregates and stock recomputed from the log, compared.
  static int RunDeep(const Ledger& ledger, bool show_progress, std::string& line) {
    std::function<void(uint64_t, uint64_t)> progress;
    if (show_progress) {
      progress = [](uint64_t done, uint64_t total) {
        fmt::print(stderr, "\rdeep check: {}/{} entries ({}%)", done, total,
                   total > 0 ? done * 100 / total : 100);
      };
    }
    auto report = DeepCheck(ledger, progress);
    if (show_progress) fmt::print(stderr, "\r\033[K");
    if (!report.ok()) return Fail(report.status());
    if (!report->ok()) return ReportDifferences(report->differences);
    line = fmt::format("deep: {} entries, {} aggregates, {} stock rows and {} lots match the log",
                       report->entries, report->aggregates, report->stock_rows, report->lots);
    return kExitOk;
  }

  static int ReportDifferences(const std::vector<std::string>& differences) {
    std::fflush(stdout);
    const size_t shown = std::min(differences.size(), kShownDifferences);
    for (size_t i = 0; i < shown; ++i) fmt::print(stderr, "deep: {}\n", differences[i]);
    if (shown < differences.size()) fmt::print(stderr, "deep: ... and {} more\n", differences.size() - shown);
    fmt::print(stderr,
               "wasteledger: verification failed: {} difference(s) between the log and the stored aggregates, "
               "stock or lots\n",
               differences.size());
    return kExitVerifyFailed;
  }

  std::string dir_, export_, checkpoint_, vkey_;
  unsigned threads_ = 0;
  bool deep_ = false;
  bool quiet_ = false;
};

}  // namespace

std::unique_ptr<Command> MakeVerifyCommand() { return std::make_unique<VerifyCommand>(); }

}  // namespace wasteledger::cli
