// wasteledger verify: checks the whole ledger (or an export) the way an
// outside verifier does, plus the stored tree and checkpoints.
#include <fmt/format.h>

#include <fstream>

#include "common.h"
#include "wasteledger/verify.h"

namespace wasteledger::cli {
namespace {

class VerifyCommand : public Command {
 public:
  CLI::App* Setup(CLI::App& parent) override {
    auto* app =
        parent.add_subcommand("verify", "Check chain, tree, every signature and seal, and checkpoints");
    app->add_option("--ledger", dir_, "Ledger directory (env WASTELEDGER_LEDGER)")
        ->envname("WASTELEDGER_LEDGER");
    app->add_option("--export", export_,
                    "Verify an export file (JSONL) instead of a ledger directory (takes precedence)");
    app->add_option("--checkpoint", checkpoint_,
                    "An older checkpoint note: the ledger must extend it (no rollback, no fork)");
    app->add_option("--vkey", vkey_, "The operator's verifier key (default: the one the ledger records)");
    app->add_option("--threads", threads_, "Signature-checking threads (default: one per core)");
    app->add_flag("--quiet", quiet_, "No progress line");
    app->footer(
        "Exit code 0 when everything checks, 3 when something does not: the message names the\n"
        "first bad seq and what is wrong with it.\n\n"
        "Example:\n"
        "  wasteledger verify --ledger city.ledger --checkpoint cp-2026-10.note\n"
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
    // An export records no operator key to check a checkpoint against.
    if (!export_.empty() && !checkpoint_.empty() && vkey_.empty()) {
      return usage("verify --export with --checkpoint needs the operator's --vkey");
    }
    VerifyOptions options;
    options.threads = threads_;
    if (!checkpoint_.empty()) {
      std::ifstream f(checkpoint_, std::ios::binary);
      if (!f) return Fail(Status::IOError(fmt::format("cannot read {}", checkpoint_)));
      options.checkpoint_note = std::string(std::istreambuf_iterator<char>(f), {});
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
    if (!export_.empty()) {
      std::ifstream in(export_, std::ios::binary);
      if (!in) return Fail(Status::IOError(fmt::format("cannot read {}", export_)));
      result = VerifyExport(in, options);
    } else {
      auto ledger = OpenLedger(dir_, Ledger::Mode::kRead);
      if (!ledger.ok()) return Fail(ledger.status());
      result = VerifyLedger(**ledger, options);
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
    fmt::print("OK: {} entries, root {}\n", result->size, ToHex(result->root));
    fmt::print("    {} signatures and {} sealed statements checked, {} stored checkpoint(s) match\n",
               result->signatures, result->sealed, result->checkpoints);
    if (options.checkpoint_note) fmt::print("    consistent with the checkpoint in {}\n", checkpoint_);
    return kExitOk;
  }

 private:
  std::string dir_, export_, checkpoint_, vkey_;
  unsigned threads_ = 0;
  bool quiet_ = false;
};

}  // namespace

std::unique_ptr<Command> MakeVerifyCommand() { return std::make_unique<VerifyCommand>(); }

}  // namespace wasteledger::cli
