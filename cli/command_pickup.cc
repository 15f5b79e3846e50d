// wasteledger pickup: a carrier named on a manifest takes it from the producer.
#include <fmt/format.h>

#include "domain_cli.h"

namespace wasteledger::cli {
namespace {

class PickupCommand : public Command {
 public:
  CLI::App* Setup(CLI::App& parent) override {
    auto* app =
        parent.add_subcommand("pickup", "A carrier named on the manifest takes the waste from the producer");
    AddActorOptions(app, &o_, "The carrier's key file");
    app->add_option("--manifest", manifest_, "Manifest number")
        ->check(NonBlank("a manifest number"))
        ->required();
    app->footer(
        "Example:\n"
        "  wasteledger pickup --ledger city.ledger --key henan-hazmat.key --manifest 20264110000001");
    return app;
  }

  int Run() override {
    auto build = [this](Ledger&, const std::string&, const Timestamp&) -> Result<Json> {
      return Json{{"manifest", manifest_}};
    };
    auto describe = [](Ledger&, uint64_t, const Json& body) {
      return fmt::format("manifest {} picked up", body["manifest"].get<std::string>());
    };
    return AppendAsActor(o_, "pickup", build, describe);
  }

 private:
  ActorOptions o_;
  std::string manifest_;
};

}  // namespace

std::unique_ptr<Command> MakePickupCommand() { return std::make_unique<PickupCommand>(); }

}  // namespace wasteledger::cli
