// wasteledger upgrade: convert a ledger written by an older build's store
// format to the current one, in place.
#include <fmt/format.h>

#include "common.h"

namespace wasteledger::cli {
namespace {

class UpgradeCommand : public Command {
 public:
  CLI::App* Setup(CLI::App& parent) override {
    auto* app =
        parent.add_subcommand("upgrade", "Convert a ledger in an older store format to the current one");
    AddLedgerOption(app, &dir_);
    app->add_flag("--wait", wait_, "Wait for another writer instead of failing with exit code 4");
    app->footer(
        "The log (every entry, byte for byte) is not touched: only the derived index RocksDB keeps\n"
        "beside it is rewritten. Builds from 2026-11-30 on keep the Merkle tree in tiles\n"
        "(wasteledger-rocksdb-v2, docs/FORMAT.md); they refuse a ledger written before\n"
        "(wasteledger-rocksdb-v1) until it is upgraded. The conversion is safe to interrupt: until\n"
        "its last, synced write the ledger is the old one, and running it again starts over.\n"
        "A ledger in the current format is left as it is.\n\n"
        "Example:\n"
        "  wasteledger upgrade --ledger city.ledger && wasteledger verify --ledger city.ledger");
    return app;
  }

  int Run() override {
    auto converted = Ledger::Upgrade(dir_, wait_);
    if (!converted.ok()) return Fail(WithWaitHint(converted.status()));
    if (*converted) {
      fmt::print("{}: converted to store format wasteledger-rocksdb-v2 (the log is unchanged)\n", dir_);
    } else {
      fmt::print("{}: already in store format wasteledger-rocksdb-v2; nothing to do\n", dir_);
    }
    return kExitOk;
  }

 private:
  std::string dir_;
  bool wait_ = false;
};

}  // namespace

std::unique_ptr<Command> MakeUpgradeCommand() { return std::make_unique<UpgradeCommand>(); }

}  // namespace wasteledger::cli
