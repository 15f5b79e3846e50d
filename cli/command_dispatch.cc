// wasteledger dispatch: a producer sends waste to a receiver on a transfer
// manifest (联单), drawing on its lots.
#include <fmt/format.h>

#include <map>

#include "domain_cli.h"
#include "wasteledger/domain_query.h"
#include "wasteledger/manifest_number.h"
#include "wasteledger/time_util.h"

namespace wasteledger::cli {
namespace {

struct LineArg {
  std::string text;  // the --line argument as given, to quote back
  std::string waste;
  int64_t mass_g = 0;
  std::string lot;  // empty: oldest stock of the code first
};

class DispatchCommand : public Command {
 public:
  CLI::App* Setup(CLI::App& parent) override {
    auto* app = parent.add_subcommand("dispatch", "Send waste to a receiver on a transfer manifest (联单)");
    AddActorOptions(app, &o_, "The producer's key file");
    app->add_option("--to", to_, "The receiving party's id (it needs a permit for every code)")
        ->check(NonBlank("a party id"))
        ->required();
    app->add_option("--carrier", carriers_, "A carrier's party id, in the order of the legs (repeat)")
        ->check(NonBlank("a party id"));
    app->add_option("--manifest", manifest_,
                    "Manifest number, 14 digits (year, province, city, serial); default: the next serial "
                    "of the producer's city, from its USCC")
        ->check(NonBlank("a manifest number"));
    app->add_option("--line", lines_,
                    "CODE:MASS[:LOT] (repeat); without LOT the oldest stock of CODE goes first")
        ->check(NonBlank("CODE:MASS"))
        ->required();
    app->add_option("--packaging", packaging_, "Packaging of every line, e.g. 吨袋")
        ->check(NonBlank("a packaging"));
    app->footer(
        "Prints the seq and the manifest number, and which lots each line drew on. Only a carrier\n"
        "named with --carrier picks the manifest up or takes it over (handover).\n\n"
        "Example:\n"
        "  wasteledger dispatch --ledger city.ledger --key yuzhou-power.key --to xuchang-incinerator \\\n"
        "      --carrier henan-hazmat --carrier zhengzhou-rail \\\n"
        "      --line 772-002-18:5t --line 900-041-49:800kg:OIL-7");
    return app;
  }

  int Run() override {
    auto build = [this](Ledger& ledger, const std::string& actor, const Timestamp& when) -> Result<Json> {
      // The ledger's dispatch rule, first: the stock of a party that may not
      // dispatch at all is beside the point ("holds 0.000 t").
      const Party* self = ledger.FindParty(actor);
      if (self == nullptr) {
        return Status::Refused(fmt::format("dispatch: the actor \"{}\" is not a registered party", actor));
      }
      if (!self->HasRole("producer")) {
        return Status::Refused(
            fmt::format("dispatch: the actor \"{}\" does not have the producer role", actor));
      }
      std::vector<LineArg> args;
      for (const auto& text : lines_) {
        WL_ASSIGN_OR_RETURN(auto parts, SplitArg("--line", text, 2, 3));
        LineArg a;
        a.text = text;
        WL_ASSIGN_OR_RETURN(a.waste, WasteArg("--line " + text, parts[0]));
        WL_ASSIGN_OR_RETURN(a.mass_g, MassArg("--line " + text, parts[1]));
        if (parts.size() == 3) a.lot = parts[2];
        args.push_back(std::move(a));
      }
      WL_ASSIGN_OR_RETURN(Json lines, Allocate(ledger, actor, args, when));
      std::string number = manifest_;
      if (number.empty()) {
        WL_ASSIGN_OR_RETURN(number, NextNumber(ledger, actor, when));
      } else {
        WL_RETURN_IF_ERROR(ParseManifestNumber(number).status().WithContext("--manifest"));
      }
      return Json{{"manifest", number}, {"to", to_}, {"carriers", carriers_}, {"lines", std::move(lines)}};
    };
    auto describe = [](Ledger&, uint64_t, const Json& body) {
      int64_t total = 0;
      std::string drawn;
      for (const auto& l : body["lines"]) {
        total += l["mass_g"].get<int64_t>();
        drawn += fmt::format("{}{} {} from lot {}", drawn.empty() ? "" : ", ", FormatMass(l["mass_g"]),
                             l["waste"].get<std::string>(), l["lot"].get<std::string>());
      }
      return fmt::format("manifest {} to {}: {} ({})", body["manifest"].get<std::string>(),
                         body["to"].get<std::string>(), FormatMass(total), drawn);
    };
    return AppendAsActor(o_, "dispatch", build, describe);
  }

 private:
  // The year of `when` in the ledger's timezone, where its periods are cut.
  static std::string LedgerYear(const Ledger& ledger, const Timestamp& when) {
    return FormatWithOffset(when.unix_seconds, ledger.timezone_offset_minutes()).substr(0, 4);
  }

  // Whether the lot exists at `when`: made no later (the ledger refuses a
  // draw before it), an import pool of that year or before.
  static Result<bool> MadeBy(const Ledger& ledger, const Lot& lot, const Timestamp& when) {
    if (lot.source.kind == "import") return lot.id.substr(lot.id.rfind('/') + 1) <= LedgerYear(ledger, when);
    WL_ASSIGN_OR_RETURN(auto made, GetEffect(ledger, lot.source.seq));
    if (!made) return true;
    WL_ASSIGN_OR_RETURN(Timestamp t, ParseRfc3339(made->time));
    return t.unix_seconds <= when.unix_seconds;
  }

  // Manifest lines: a line with a lot as given; a line without draws on the
  // actor's lots of that code made by `when`, oldest first, as many as it needs.
  Result<Json> Allocate(Ledger& ledger, const std::string& actor, const std::vector<LineArg>& args,
                        const Timestamp& when) {
    Json lines = Json::array();
    std::map<std::string, int64_t> drawn;  // lot -> grams drawn by earlier lines
    auto add = [&](const Lot& lot, int64_t grams) {
      Json line = {{"lot", lot.id}, {"waste", lot.waste}, {"mass_g", grams}};
      if (!lot.hazards.empty()) line["hazards"] = SplitList(lot.hazards);
      if (!packaging_.empty()) line["packaging"] = packaging_;
      lines.push_back(std::move(line));
      drawn[lot.id] += grams;
    };
    for (const auto& a : args) {
      if (!a.lot.empty()) {
        WL_ASSIGN_OR_RETURN(auto lot, GetLot(ledger, a.lot));
        if (!lot) return Status::Refused(fmt::format("--line {}: no lot \"{}\"", a.text, a.lot));
        Lot l = *lot;
        l.waste = a.waste;  // the ledger checks the line's code against the lot's
        add(l, a.mass_g);
        continue;
      }
      LotFilter filter;
      filter.owner = actor;
      filter.waste = a.waste;
      WL_ASSIGN_OR_RETURN(auto all, ListLots(ledger, filter));
      std::vector<Lot> held;  // those made by the event time
      int64_t later = 0;      // what lots made after it hold
      for (auto& lot : all) {
        WL_ASSIGN_OR_RETURN(bool made, MadeBy(ledger, lot, when));
        if (made) {
          held.push_back(std::move(lot));
        } else {
          later += lot.remaining_g;
        }
      }
      int64_t need = a.mass_g, have = 0;
      for (const auto& lot : held) have += lot.remaining_g - drawn[lot.id];
      if (have < need) {
        return Status::Refused(fmt::format(
            "--line {}: \"{}\" holds {} of {} in its lots, less than {}{}", a.text, actor, FormatMass(have),
            a.waste, FormatMass(a.mass_g),
            later > 0 ? fmt::format(" (its lots made after the dispatch's time, {} more, are not drawn on)",
                                    FormatMass(later))
                      : ""));
      }
      for (const auto& lot : held) {
        const int64_t free = lot.remaining_g - drawn[lot.id];
        if (free <= 0) continue;
        const int64_t take = std::min(free, need);
        add(lot, take);
        need -= take;
        if (need == 0) break;
      }
    }
    return lines;
  }

  // The next manifest number of the producer's city: province and city from
  // the administrative division in its USCC (characters 3-6), year from the
  // event date.
  static Result<std::string> NextNumber(Ledger& ledger, const std::string& actor, const Timestamp& when) {
    const Party* p = ledger.FindParty(actor);
    if (p == nullptr) return Status::Refused(fmt::format("\"{}\" is not a registered party", actor));
    const std::string& uscc = p->uscc;
    auto digit = [&](size_t i) { return uscc.size() > i && uscc[i] >= '0' && uscc[i] <= '9'; };
    if (!(digit(2) && digit(3) && digit(4) && digit(5))) {
      return Status::InvalidArgument(fmt::format(
          "give --manifest: \"{}\" has no USCC with an administrative division to number its manifests",
          actor));
    }
    const int province = (uscc[2] - '0') * 10 + (uscc[3] - '0');
    const int city = (uscc[4] - '0') * 10 + (uscc[5] - '0');
    const int y = std::stoi(LedgerYear(ledger, when));
    // From one past the highest serial used; numbers above it may still be
    // held by imported manifests (a ledger whose imports did not raise the
    // serial), so the first free one from there; once 999999 is used, the
    // lowest free one.
    auto next = NextManifestSerial(ledger, y, province, city);
    Result<int> serial = next.ok() ? FirstFreeSerial(ledger, y, province, city, *next) : Result<int>(next.status());
    if (!serial.ok() && serial.status().code() == Status::Code::kNotFound) {
      serial = FirstFreeSerial(ledger, y, province, city, 1);
    }
    if (!serial.ok()) return serial.status();
    return FormatManifestNumber(y, province, city, *serial);
  }

  // The first serial from `from` that no manifest has, one lookup per serial
  // (the ledger keeps no list of the free ones).
  static Result<int> FirstFreeSerial(Ledger& ledger, int year, int province, int city, int from) {
    constexpr int kLastSerial = 999999;
    for (int serial = from; serial <= kLastSerial; ++serial) {
      WL_ASSIGN_OR_RETURN(auto used, GetManifest(ledger, FormatManifestNumber(year, province, city, serial)));
      if (!used) return serial;
    }
    return Status::NotFound(
        fmt::format("every manifest serial of {:04d}{:02d}{:02d} is used", year, province, city));
  }

  ActorOptions o_;
  std::string to_, manifest_, packaging_;
  std::vector<std::string> carriers_, lines_;
};

}  // namespace

std::unique_ptr<Command> MakeDispatchCommand() { return std::make_unique<DispatchCommand>(); }

}  // namespace wasteledger::cli
