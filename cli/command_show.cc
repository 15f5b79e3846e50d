// wasteledger show: one entry, pretty-printed, with its leaf hash.
#include <fmt/format.h>

#include "common.h"
#include "wasteledger/canonical_json.h"
#include "wasteledger/merkle.h"

namespace wasteledger::cli {
namespace {

class ShowCommand : public Command {
 public:
  CLI::App* Setup(CLI::App& parent) override {
    auto* app = parent.add_subcommand("show", "Print one entry and its leaf hash");
    AddLedgerOption(app, &dir_);
    app->add_option("SEQ", seq_, "Sequence number")->required()->check(WholeNumber());
    app->add_flag("--raw", raw_, "Print the exact stored bytes instead");
    app->footer("Example:\n  wasteledger show --ledger city.ledger 42");
    return app;
  }

  int Run() override {
    auto ledger = OpenLedger(dir_, Ledger::Mode::kRead);
    if (!ledger.ok()) return Fail(ledger.status());
    auto bytes = (*ledger)->EntryBytes(seq_);
    if (!bytes.ok()) return Fail(bytes.status());
    if (raw_) {
      fmt::print("{}\n", *bytes);
      return kExitOk;
    }
    auto j = ParseStrictJson(*bytes);
    if (!j.ok()) return Fail(Status::Corruption(fmt::format("seq {}: {}", seq_, j.status().message())));
    fmt::print("{}\n", j->dump(2));
    fmt::print("leaf hash {}\n", ToHex(HashLeaf(*bytes)));
    return kExitOk;
  }

 private:
  std::string dir_;
  uint64_t seq_ = 0;
  bool raw_ = false;
};

}  // namespace

std::unique_ptr<Command> MakeShowCommand() { return std::make_unique<ShowCommand>(); }

}  // namespace wasteledger::cli
