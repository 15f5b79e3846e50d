// wasteledger stock | lots: what every party holds now, per waste code or
// lot by lot. One file for the two read-only views of the lots.
#include <fmt/format.h>

#include <optional>

#include "common.h"
#include "text_table.h"
#include "wasteledger/domain_query.h"
#include "wasteledger/mass.h"

namespace wasteledger::cli {
namespace {

class StockCommand : public Command {
 public:
  CLI::App* Setup(CLI::App& parent) override {
    auto* app = parent.add_subcommand("stock", "What each party holds now, per waste code");
    AddLedgerOption(app, &dir_);
    app->add_option("--party", party_, "Only this party")->check(NonBlank("a party id"));
    AddViewOptions(app, &format_, &unit_);
    app->footer(
        "A party's stock of a code is the sum of what remains in its live lots.\n\n"
        "Example:\n"
        "  wasteledger stock --ledger city.ledger --party yuzhou-power --unit kg");
    return app;
  }

  int Run() override {
    auto ledger = OpenLedger(dir_, Ledger::Mode::kRead);
    if (!ledger.ok()) return Fail(ledger.status());
    std::map<std::string, std::map<std::string, int64_t>> all;
    if (party_.empty()) {
      auto s = StockAll(**ledger);
      if (!s.ok()) return Fail(s.status());
      all = std::move(*s);
    } else {
      if ((*ledger)->FindParty(party_) == nullptr) {
        return Fail(Status::NotFound(fmt::format("--party {}: no such party", party_)));
      }
      auto s = Stock(**ledger, party_);
      if (!s.ok()) return Fail(s.status());
      if (!s->empty()) all[party_] = std::move(*s);
    }
    if (format_ == "json") {
      Json out = Json::object();
      for (const auto& [party, codes] : all) {
        for (const auto& [code, g] : codes) out[party][code] = g;
      }
      fmt::print("{}\n", Json{{"size", (*ledger)->size()}, {"stock_g", out}}.dump());
      return kExitOk;
    }
    TextTable table({{"party"}, {"waste"}, {"held", TextTable::Align::kRight}});
    for (const auto& [party, codes] : all) {
      for (const auto& [code, g] : codes) table.AddRow({party, code, FormatMass(g, ViewUnit(unit_))});
    }
    fmt::print("{}", table.Render());
    if (all.empty()) fmt::print("(nothing held)\n");
    return kExitOk;
  }

 private:
  std::string dir_, party_, format_, unit_;
};

class LotsCommand : public Command {
 public:
  CLI::App* Setup(CLI::App& parent) override {
    auto* app =
        parent.add_subcommand("lots", "The lots, oldest first: owner, code, what remains, where from");
    AddLedgerOption(app, &dir_);
    app->add_option("--party", filter_.owner, "Only lots this party holds")->check(NonBlank("a party id"));
    app->add_option("--waste", waste_, "Only lots of this code (any spelling: 90004149) or category (HW49)")
        ->check(NonBlank("a waste code or category"))
        ->transform(FoldedWasteCode());
    app->add_flag("--all", all_, "Include lots used up and lots voided");
    AddViewOptions(app, &format_, &unit_);
    app->footer(
        "Examples:\n"
        "  wasteledger lots --ledger city.ledger --party xuchang-incinerator\n"
        "  wasteledger lots --ledger city.ledger --waste HW49 --all");
    return app;
  }

  int Run() override {
    auto ledger = OpenLedger(dir_, Ledger::Mode::kRead);
    if (!ledger.ok()) return Fail(ledger.status());
    // A party that is not registered holds nothing: refused as stock
    // refuses it, not listed as if it held no lots.
    if (!filter_.owner.empty() && (*ledger)->FindParty(filter_.owner) == nullptr) {
      return Fail(Status::NotFound(fmt::format("--party {}: no such party", filter_.owner)));
    }
    // The code in its normal form, as the lots hold it; a category is
    // matched lot by lot.
    std::optional<WasteFilter> waste;
    const WasteCatalogue* catalogue = nullptr;
    if (!waste_.empty()) {
      auto rules = LoadDomainRules();
      if (!rules.ok()) return Fail(rules.status());
      catalogue = &(*rules)->domain.catalogue();
      auto filter = WasteFilterArg(*catalogue, waste_);
      if (!filter.ok()) return Fail(filter.status());
      waste = *filter;
      filter_.waste = waste->code;
    }
    filter_.include_empty = all_;
    filter_.include_voided = all_;
    auto lots = ListLots(**ledger, filter_);
    if (!lots.ok()) return Fail(lots.status());
    if (waste && waste->code.empty()) {
      std::erase_if(*lots, [&](const Lot& l) { return !waste->Matches(*catalogue, l.waste); });
    }
    if (format_ == "json") {
      Json out = Json::array();
      for (const auto& l : *lots) {
        Json j = {{"id", l.id},
                  {"owner", l.owner},
                  {"waste", l.waste},
                  {"mass_g", l.mass_g},
                  {"remaining_g", l.remaining_g},
                  {"hazardous", l.hazardous},
                  {"source", {{"kind", l.source.kind}, {"seq", l.source.seq}}}};
        if (!l.hazards.empty()) j["hazards"] = l.hazards;
        if (!l.source.manifest.empty()) j["source"]["manifest"] = l.source.manifest;
        if (l.source.line != 0) j["source"]["line"] = l.source.line;
        if (l.voided_by) j["voided_by"] = *l.voided_by;
        out.push_back(std::move(j));
      }
      fmt::print("{}\n", out.dump());
      return kExitOk;
    }
    const MassUnit unit = ViewUnit(unit_);
    TextTable table({{"lot"},
                     {"owner"},
                     {"waste"},
                     {"remaining", TextTable::Align::kRight},
                     {"of", TextTable::Align::kRight},
                     {"from"}});
    for (const auto& l : *lots) {
      std::string from = fmt::format("{} seq {}", l.source.kind, l.source.seq);
      if (!l.source.manifest.empty())
        from += fmt::format(", manifest {} line {}", l.source.manifest, l.source.line);
      if (l.voided_by) from += fmt::format(" (voided at seq {})", *l.voided_by);
      table.AddRow(
          {l.id, l.owner, l.waste, FormatMass(l.remaining_g, unit), FormatMass(l.mass_g, unit), from});
    }
    fmt::print("{}", table.Render());
    if (lots->empty()) fmt::print("(no lots)\n");
    return kExitOk;
  }

 private:
  std::string dir_, format_, unit_, waste_;
  LotFilter filter_;
  bool all_ = false;
};

}  // namespace

std::unique_ptr<Command> MakeStockCommand() { return std::make_unique<StockCommand>(); }
std::unique_ptr<Command> MakeLotsCommand() { return std::make_unique<LotsCommand>(); }

}  // namespace wasteledger::cli
