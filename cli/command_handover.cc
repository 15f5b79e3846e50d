// wasteledger handover: the carrier holding a manifest hands it to the next
// carrier named on it (multi-leg transport).
#include <fmt/format.h>

#include "domain_cli.h"

namespace wasteledger::cli {
namespace {

class HandoverCommand : public Command {
 public:
  CLI::App* Setup(CLI::App& parent) override {
    auto* app =
        parent.add_subcommand("handover", "The carrier holding a manifest hands it to the next carrier");
    AddActorOptions(app, &o_, "The key file of the carrier that holds it");
    app->add_option("--manifest", manifest_, "Manifest number")
        ->check(NonBlank("a manifest number"))
        ->required();
    app->add_option("--to", to_, "The next carrier's party id (named on the manifest)")
        ->check(NonBlank("a party id"))
        ->required();
    app->footer(
        "Example:\n"
        "  wasteledger handover --ledger city.ledger --key henan-hazmat.key \\\n"
        "      --manifest 20264110000001 --to zhengzhou-rail");
    return app;
  }

  int Run() override {
    auto build = [this](Ledger&, const std::string&, const Timestamp&) -> Result<Json> {
      return Json{{"manifest", manifest_}, {"to", to_}};
    };
    auto describe = [](Ledger&, uint64_t, const Json& body) {
      return fmt::format("manifest {} handed over to {}", body["manifest"].get<std::string>(),
                         body["to"].get<std::string>());
    };
    return AppendAsActor(o_, "handover", build, describe);
  }

 private:
  ActorOptions o_;
  std::string manifest_, to_;
};

}  // namespace

std::unique_ptr<Command> MakeHandoverCommand() { return std::make_unique<HandoverCommand>(); }

}  // namespace wasteledger::cli
