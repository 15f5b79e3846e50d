// wasteledger init: creates a ledger whose entry 0 is the regulator's genesis.
#include <fmt/format.h>

#include "common.h"
#include "wasteledger/uscc.h"

namespace wasteledger::cli {
namespace {

class InitCommand : public Command {
 public:
  CLI::App* Setup(CLI::App& parent) override {
    auto* app = parent.add_subcommand("init", "Create a ledger with its genesis entry");
    AddLedgerOption(app, &dir_);
    app->add_option("--origin", origin_, "Log origin, a schema-less URL naming this ledger")
        ->check(NonBlank("an origin"))
        ->required();
    AddKeyOption(app, &key_, "The first regulator's key file");
    app->add_option("--regulator-id", id_, "Regulator party id (default: the key's name)")
        ->check(NonBlank("a party id"));
    app->add_option("--regulator-name", name_, "Regulator's name (default: its id)")
        ->check(NonBlank("a name"));
    app->add_option("--regulator-uscc", uscc_, "Regulator's unified social credit code")
        ->check(NonBlank("a USCC"));
    app->add_option(
           "--timezone", timezone_,
           "The ledger's timezone: the verbs write event times in it, today's date is taken in it, and "
           "an event counts on its date in it, whatever offset it was written with "
           "(2026-06-30T20:00:00Z is 1 July in a +08:00 ledger)")
        ->default_val("+08:00");
    app->footer(
        "Example:\n"
        "  wasteledger keygen --name xcepb --out xcepb.key\n"
        "  wasteledger init --ledger city.ledger --origin xuchang.example/wasteledger \\\n"
        "      --key xcepb.key --regulator-name 许昌市生态环境局");
    return app;
  }

  int Run() override {
    auto key = LoadSigningKey(key_);
    if (!key.ok()) return Fail(key.status());
    if (id_.empty()) id_ = key->verifier().name();
    if (id_ != key->verifier().name()) {
      return Fail(Status::InvalidArgument(fmt::format(
          "--regulator-id \"{}\" differs from the key's name \"{}\" (a party's key is named after its id)",
          id_, key->verifier().name())));
    }
    if (name_.empty()) name_ = id_;
    auto tz = ParseUtcOffset(timezone_);
    if (!tz.ok()) return Fail(tz.status().WithContext("--timezone"));
    if (!uscc_.empty()) {
      auto check = CheckUscc(uscc_);
      if (!check.well_formed) return Fail(Status::InvalidArgument("--regulator-uscc: " + check.message));
      if (!check.check_ok) Warn("--regulator-uscc: " + check.message);
    }
    Json party = {{"id", id_},
                  {"name", name_},
                  {"uscc", uscc_},
                  {"roles", Json::array({"regulator"})},
                  {"keys", Json::array({key->verifier().ToString()})},
                  {"permits", Json::array()}};
    Json body = {{"origin", origin_}, {"timezone", timezone_}, {"party", party}};
    auto sub = SignStatement(*key, "genesis", body, *tz);
    if (!sub.ok()) return Fail(sub.status());
    auto ledger = Ledger::Init(dir_, *sub);
    if (!ledger.ok()) return Fail(OneStatement(ledger.status()));
    fmt::print("created ledger {} (origin {}), genesis at seq 0 by regulator {}\n", dir_, origin_, id_);
    return kExitOk;
  }

 private:
  std::string dir_, origin_, key_, id_, name_, uscc_, timezone_;
};

}  // namespace

std::unique_ptr<Command> MakeInitCommand() { return std::make_unique<InitCommand>(); }

}  // namespace wasteledger::cli
