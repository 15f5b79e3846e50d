// wasteledger utilize | dispose: the holder of lots uses them up (R methods)
// or disposes of them (D methods); outputs of waste become new lots (e.g.
// incinerator fly ash), products are recorded with their mass. One class,
// two subcommands: they differ only in the kind and the method family.
#include <fmt/format.h>

#include "domain_cli.h"

namespace wasteledger::cli {
namespace {

class ProcessCommand : public Command {
 public:
  explicit ProcessCommand(std::string kind) : kind_(std::move(kind)) {}

  CLI::App* Setup(CLI::App& parent) override {
    const bool utilize = kind_ == "utilize";
    auto* app = parent.add_subcommand(
        kind_, utilize
                   ? "Utilise lots the key's party holds (R methods), recording products and secondary waste"
                   : "Dispose of lots the key's party holds (D methods), recording secondary waste");
    AddActorOptions(app, &o_, "The key file of the party holding the lots");
    app->add_option("--method", method_,
                    utilize
                        ? "Utilisation method code, e.g. R4 (not starting with D)"
                        : "Disposal method code, e.g. D10 incineration, D1 landfill (not starting with R)")
        ->check(NonBlank("a method code"))
        ->required();
    app->add_option("--input", inputs_, "LOT:MASS drawn from a lot you hold (repeat)")
        ->check(NonBlank("LOT:MASS"))
        ->required();
    app->add_option("--output", outputs_, "CODE:MASS[:LOT] secondary waste, a new lot you hold (repeat)")
        ->check(NonBlank("CODE:MASS"));
    app->add_option("--product", products_, "NAME:MASS a product made (repeat)")
        ->check(NonBlank("NAME:MASS"));
    if (utilize) {
      app->footer(
          "Example: the lots of the receive --help example (received at seq 12: #12/1 is its line 1,\n"
          "`lots` lists them); fly ash into bricks:\n"
          "  wasteledger utilize --ledger city.ledger --key xuchang-incinerator.key --method R5 \\\n"
          "      --input '#12/1:4.96t' --product 蒸压粉煤灰砖:4.9t --output SW59:60kg");
    } else {
      app->footer(
          "Example: the lots of the receive --help example (received at seq 12: #12/2 is its line 2,\n"
          "`lots` lists them); incineration, the fly ash kept as a new hazardous lot:\n"
          "  wasteledger dispose --ledger city.ledger --key xuchang-incinerator.key --method D10 \\\n"
          "      --input '#12/2:800kg' --output 772-002-18:40kg:FA-INC-0301");
    }
    return app;
  }

  int Run() override {
    auto build = [this](Ledger&, const std::string&, const Timestamp&) -> Result<Json> {
      Json inputs = Json::array(), outputs = Json::array(), products = Json::array();
      for (const auto& text : inputs_) {
        WL_ASSIGN_OR_RETURN(auto lm, SplitLast("--input", text, "LOT:MASS"));
        WL_ASSIGN_OR_RETURN(int64_t g, MassArg("--input " + text, lm.second));
        inputs.push_back({{"lot", lm.first}, {"mass_g", g}});
      }
      for (const auto& text : outputs_) {
        WL_ASSIGN_OR_RETURN(auto parts, SplitArg("--output", text, 2, 3));
        WL_ASSIGN_OR_RETURN(std::string code, WasteArg("--output " + text, parts[0]));
        WL_ASSIGN_OR_RETURN(int64_t g, MassArg("--output " + text, parts[1]));
        Json o = {{"waste", code}, {"mass_g", g}};
        if (parts.size() == 3) o["lot"] = parts[2];
        outputs.push_back(std::move(o));
      }
      for (const auto& text : products_) {
        WL_ASSIGN_OR_RETURN(auto nm, SplitLast("--product", text, "NAME:MASS"));
        WL_ASSIGN_OR_RETURN(int64_t g, MassArg("--product " + text, nm.second));
        products.push_back({{"name", nm.first}, {"mass_g", g}});
      }
      Json body = {{"method", method_}, {"inputs", std::move(inputs)}};
      if (!outputs.empty()) body["outputs"] = std::move(outputs);
      if (!products.empty()) body["products"] = std::move(products);
      return body;
    };
    auto describe = [this](Ledger&, uint64_t seq, const Json& body) {
      int64_t in = 0;
      for (const auto& i : body["inputs"]) in += i["mass_g"].get<int64_t>();
      std::string out = fmt::format("{} {} by {}", kind_ == "utilize" ? "utilised" : "disposed of",
                                    FormatMass(in), body["method"].get<std::string>());
      size_t n = 0;
      for (const auto& o : body.value("outputs", Json::array())) {
        ++n;
        out += fmt::format("; new lot {}: {} of {}", o.value("lot", fmt::format("#{}/{}", seq, n)),
                           FormatMass(o["mass_g"]), o["waste"].get<std::string>());
      }
      return out;
    };
    return AppendAsActor(o_, kind_, build, describe);
  }

 private:
  std::string kind_;
  ActorOptions o_;
  std::string method_;
  std::vector<std::string> inputs_, outputs_, products_;
};

}  // namespace

std::unique_ptr<Command> MakeUtilizeCommand() { return std::make_unique<ProcessCommand>("utilize"); }
std::unique_ptr<Command> MakeDisposeCommand() { return std::make_unique<ProcessCommand>("dispose"); }

}  // namespace wasteledger::cli
