// wasteledger manifest show | list: a transfer manifest's lines, custody
// chain and receipt, as the ledger holds them now.
#include <fmt/format.h>

#include "common.h"
#include "text_table.h"
#include "wasteledger/domain_query.h"
#include "wasteledger/mass.h"

namespace wasteledger::cli {
namespace {

Json ManifestJson(const Manifest& m) {
  Json lines = Json::array();
  for (const auto& l : m.lines) {
    Json j = {{"lot", l.lot},
              {"waste", l.waste},
              {"mass_g", l.mass_g},
              {"received_g", l.received_g},
              {"refused_g", l.refused_g}};
    if (!l.received_waste.empty()) j["received_waste"] = l.received_waste;
    if (!l.reason.empty()) j["reason"] = l.reason;
    lines.push_back(std::move(j));
  }
  Json custody = Json::array();
  for (const auto& c : m.custody) custody.push_back({{"holder", c.holder}, {"seq", c.seq}});
  Json out = {{"number", m.number},        {"producer", m.producer},       {"receiver", m.receiver},
              {"carriers", m.carriers},    {"status", m.status},           {"dispatch_seq", m.dispatch_seq},
              {"lines", std::move(lines)}, {"custody", std::move(custody)}};
  if (m.receive_seq) out["receive_seq"] = *m.receive_seq;
  if (!m.reject.empty()) out["reject"] = m.reject;
  if (m.voided_by) out["voided_by"] = *m.voided_by;
  out["imported"] = m.imported;  // legacy data (an import entry), not a live dispatch
  return out;
}

void PrintManifest(const Manifest& m, MassUnit unit) {
  fmt::print("manifest {}: {}\n", Shown(m.number), m.status);
  fmt::print("  from {} to {}, {} at seq {}\n", Shown(m.producer), Shown(m.receiver),
             m.imported ? "imported (legacy data)" : "dispatched", m.dispatch_seq);
  std::string carriers;
  for (const auto& c : m.carriers) carriers += (carriers.empty() ? "" : ", ") + c;
  fmt::print("  carriers: {}\n", carriers.empty() ? "none named" : Shown(carriers));
  std::string custody;
  for (const auto& c : m.custody) custody += fmt::format(" {} (seq {})", c.holder, c.seq);
  fmt::print("  custody:{}\n", Shown(custody));
  if (m.receive_seq)
    fmt::print("  received at seq {}{}\n", *m.receive_seq,
               m.reject.empty() ? "" : ", rejected: " + Shown(m.reject));
  if (m.voided_by) fmt::print("  voided at seq {}\n", *m.voided_by);
  constexpr auto kRight = TextTable::Align::kRight;
  TextTable lines({{"line", kRight},
                   {"lot"},
                   {"waste"},
                   {"dispatched", kRight},
                   {"received", kRight},
                   {"refused", kRight},
                   {"note"}});
  size_t i = 0;
  for (const auto& l : m.lines) {
    std::string note = l.reason;
    if (l.code_mismatch())
      note = fmt::format("received as {}{}", l.received_waste, note.empty() ? "" : "; " + note);
    lines.AddRow({std::to_string(++i), l.lot, l.waste, FormatMass(l.mass_g, unit),
                  m.receive_seq ? FormatMass(l.received_g, unit) : "-",
                  m.receive_seq ? FormatMass(l.refused_g, unit) : "-", note});
  }
  fmt::print("{}", lines.Render("  "));
}

class ManifestCommand : public Command {
 public:
  CLI::App* Setup(CLI::App& parent) override {
    auto* app = parent.add_subcommand("manifest", "Show transfer manifests (联单)");
    app->require_subcommand(1);
    app->footer("Example:\n  wasteledger manifest show --ledger city.ledger 20264110000001");
    show_ = app->add_subcommand("show", "One manifest: lines, custody chain, receipt");
    AddLedgerOption(show_, &dir_);
    show_->add_option("NUMBER", number_, "Manifest number")->check(NonBlank("a manifest number"))->required();
    AddViewOptions(show_, &format_, &unit_);
    show_->footer(
        "Example:\n"
        "  wasteledger manifest show --ledger city.ledger 20264110000001 --unit kg\n"
        "  wasteledger manifest show --ledger city.ledger 20264110000001 --format json");
    list_ = app->add_subcommand("list", "Every manifest, one a line");
    AddLedgerOption(list_, &dir_);
    list_->add_option("--party", party_, "Only manifests this party sends, carries or receives")
        ->check(NonBlank("a party id"));
    AddViewOptions(list_, &format_, &unit_);
    list_->footer("Example:\n  wasteledger manifest list --ledger city.ledger --party yuzhou-power");
    return app;
  }

  int Run() override {
    auto ledger = OpenLedger(dir_, Ledger::Mode::kRead);
    if (!ledger.ok()) return Fail(ledger.status());
    if (show_->parsed()) {
      auto m = GetManifest(**ledger, number_);
      if (!m.ok()) return Fail(m.status());
      if (!m->has_value()) return Fail(Status::NotFound(fmt::format("no manifest {}", number_)));
      if (format_ == "json") {
        fmt::print("{}\n", ManifestJson(**m).dump());
      } else {
        PrintManifest(**m, ViewUnit(unit_));
      }
      return kExitOk;
    }
    // An unknown party is refused as stock and lots refuse it, not answered
    // with an empty list.
    if (!party_.empty() && (*ledger)->FindParty(party_) == nullptr) {
      return Fail(Status::NotFound(fmt::format("--party {}: no such party", party_)));
    }
    auto all = ListManifests(**ledger);
    if (!all.ok()) return Fail(all.status());
    Json out = Json::array();
    constexpr auto kRight = TextTable::Align::kRight;
    TextTable table({{"manifest"}, {"status"}, {"from"}, {"to"}, {"mass", kRight}, {"seq", kRight}, {""}});
    for (const auto& m : *all) {
      bool involved = party_.empty() || m.producer == party_ || m.receiver == party_ ||
                      std::find(m.carriers.begin(), m.carriers.end(), party_) != m.carriers.end();
      if (!involved) continue;
      if (format_ == "json") {
        out.push_back(ManifestJson(m));
        continue;
      }
      int64_t total = 0;
      for (const auto& l : m.lines) total += l.mass_g;
      table.AddRow({m.number, m.status, m.producer, m.receiver, FormatMass(total, ViewUnit(unit_)),
                    std::to_string(m.dispatch_seq), m.imported ? "(imported)" : ""});
    }
    if (format_ == "json") {
      fmt::print("{}\n", out.dump());
    } else {
      fmt::print("{}", table.Render());
      if (table.empty()) fmt::print("(no manifests)\n");
    }
    return kExitOk;
  }

 private:
  CLI::App *show_ = nullptr, *list_ = nullptr;
  std::string dir_, number_, format_, unit_, party_;
};

}  // namespace

std::unique_ptr<Command> MakeManifestCommand() { return std::make_unique<ManifestCommand>(); }

}  // namespace wasteledger::cli
