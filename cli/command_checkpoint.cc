// wasteledger checkpoint: sign, store and print a C2SP checkpoint.
#include <fmt/format.h>

#include <cerrno>
#include <fstream>

#include "common.h"
#include "file_access.h"

namespace wasteledger::cli {
namespace {

class CheckpointCommand : public Command {
 public:
  CLI::App* Setup(CLI::App& parent) override {
    auto* app = parent.add_subcommand("checkpoint", "Sign a checkpoint (size and root) of the ledger");
    AddLedgerOption(app, &dir_);
    AddKeyOption(app, &key_, "The operator's key file (its name is the ledger origin)");
    app->add_option("--out", out_, "Also write the checkpoint note to this file")->check(NonBlank("a file"));
    app->add_flag("--wait", wait_, "Wait for another writer instead of failing with exit code 4");
    app->footer(
        "The checkpoint is a C2SP signed note: origin, size, base64 root, a blank line and the\n"
        "signature. Keep copies outside the ledger: `verify --checkpoint` uses one to detect a\n"
        "rollback or a rewritten history.\n\n"
        "Example:\n"
        "  wasteledger checkpoint --ledger city.ledger --key operator.key --out cp-2026-11.note");
    return app;
  }

  int Run() override {
    // Checked before the checkpoint is stored, so a path that cannot be
    // written leaves the ledger as it was.
    if (!out_.empty()) {
      if (Status s = CheckWritablePath(out_); !s.ok()) return Fail(s.WithContext("--out"));
    }
    auto ledger = OpenLedger(dir_, Ledger::Mode::kWrite, wait_);
    if (!ledger.ok()) return Fail(ledger.status());
    auto key = LoadSigningKey(key_);
    if (!key.ok()) return Fail(key.status());
    auto note = (*ledger)->SignCheckpoint(*key);
    if (!note.ok()) return Fail(note.status());
    if (!out_.empty()) {
      std::ofstream f(out_, std::ios::binary | std::ios::trunc);
      f << *note;
      if (!f.flush()) return Fail(WriteError(out_, errno).WithContext("--out"));
    }
    fmt::print("{}", *note);
    return kExitOk;
  }

 private:
  std::string dir_, key_, out_;
  bool wait_ = false;
};

}  // namespace

std::unique_ptr<Command> MakeCheckpointCommand() { return std::make_unique<CheckpointCommand>(); }

}  // namespace wasteledger::cli
