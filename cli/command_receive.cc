// wasteledger receive: the receiver named on a manifest confirms what
// arrived: all of it, part of it (the rest refused and returned), or none.
#include <fmt/format.h>

#include <map>

#include "domain_cli.h"
#include "wasteledger/domain_query.h"

namespace wasteledger::cli {
namespace {

class ReceiveCommand : public Command {
 public:
  CLI::App* Setup(CLI::App& parent) override {
    auto* app = parent.add_subcommand("receive",
                                      "The named receiver confirms (or refuses) what arrived on a manifest");
    AddActorOptions(app, &o_, "The receiver's key file");
    app->add_option("--manifest", manifest_, "Manifest number")
        ->check(NonBlank("a manifest number"))
        ->required();
    auto* mass =
        app->add_option("--mass", mass_, "Mass received, for a manifest of one line (weighbridge figure)")
            ->check(NonBlank("a mass"));
    auto* line =
        app->add_option("--line", lines_,
                        "N:RECEIVED[:REFUSED] for manifest line N (1-based; repeat); mass not received "
                        "and not refused counts as missing")
            ->check(NonBlank("N:RECEIVED"));
    auto* reject = app->add_option("--reject", reject_, "Refuse the whole manifest, giving the reason")
                       ->check(NonBlank("a reason"));
    mass->excludes(line);
    reject->excludes(mass)->excludes(line);
    app->add_option("--waste", codes_,
                    "N:CODE: line N arrived as another code than dispatched (repeat, once a line)")
        ->check(NonBlank("N:CODE"));
    app->add_option("--reason", reason_, "Why the mass differs from the manifest (kept with each line)")
        ->check(NonBlank("a reason"));
    app->footer(
        "Refused mass goes back into the producer's stock as a returned lot (#SEQ/Nr), which the\n"
        "producer can dispatch again. Without --line, --mass or --reject, every line is received in full.\n\n"
        "Examples: the manifest of the dispatch --help example, line 1 short by 40 kg, then the\n"
        "other forms on other manifests (a line refused in part; a one-line manifest; all refused):\n"
        "  wasteledger receive --ledger city.ledger --key xuchang-incinerator.key --manifest 20264110000001 "
        "\\\n"
        "      --line 1:4.96t --line 2:800kg --reason \"weighbridge 4.96 t, moisture loss\"\n"
        "  wasteledger receive ... --manifest 20264110000002 --line 1:5t --line 2:0t:800kg --reason \"drums "
        "leaking\"\n"
        "  wasteledger receive ... --manifest 20264110000003 --mass 4.96t --reason \"weighbridge\"\n"
        "  wasteledger receive ... --manifest 20264110000004 --reject \"no permit for HW08\"");
    return app;
  }

  int Run() override {
    auto build = [this](Ledger& ledger, const std::string&, const Timestamp&) -> Result<Json> {
      WL_ASSIGN_OR_RETURN(auto found, GetManifest(ledger, manifest_));
      if (!found) return Status::NotFound(fmt::format("--manifest {}: no such manifest", manifest_));
      const Manifest& m = *found;
      Json body = {{"manifest", manifest_}};
      std::map<int64_t, Json> lines;  // by line number
      if (!reject_.empty()) {
        body["reject"] = reject_;
        body["lines"] = Json::array();
        return body;
      }
      if (!mass_.empty()) {
        if (m.lines.size() != 1) {
          return Status::InvalidArgument(
              fmt::format("--mass: manifest {} has {} lines; give --line N:RECEIVED for each", manifest_,
                          m.lines.size()));
        }
        WL_ASSIGN_OR_RETURN(int64_t g, MassArg("--mass", mass_, true));
        lines[1] = {{"line", 1}, {"received_g", g}, {"refused_g", 0}};
      } else if (!lines_.empty()) {
        for (const auto& text : lines_) {
          WL_ASSIGN_OR_RETURN(auto parts, SplitArg("--line", text, 2, 3));
          int64_t n = 0;
          try {
            size_t used = 0;
            n = std::stoll(parts[0], &used);
            if (used != parts[0].size()) n = 0;
          } catch (const std::exception&) {
            n = 0;
          }
          if (n < 1)
            return Status::InvalidArgument(fmt::format("--line {}: line number must be 1 or more", text));
          WL_ASSIGN_OR_RETURN(int64_t received, MassArg("--line " + text, parts[1], true));
          int64_t refused = 0;
          if (parts.size() == 3) {
            WL_ASSIGN_OR_RETURN(refused, MassArg("--line " + text, parts[2], true));
          }
          if (lines.count(n))
            return Status::InvalidArgument(fmt::format("--line {}: line {} given twice", text, n));
          lines[n] = {{"line", n}, {"received_g", received}, {"refused_g", refused}};
        }
      } else {
        for (size_t i = 0; i < m.lines.size(); ++i) {
          lines[static_cast<int64_t>(i + 1)] = {
              {"line", i + 1}, {"received_g", m.lines[i].mass_g}, {"refused_g", 0}};
        }
      }
      for (const auto& text : codes_) {
        WL_ASSIGN_OR_RETURN(auto parts, SplitArg("--waste", text, 2, 2));
        auto it = lines.end();
        try {
          it = lines.find(std::stoll(parts[0]));
        } catch (const std::exception&) {
        }
        if (it == lines.end()) {
          return Status::InvalidArgument(fmt::format("--waste {}: no received line {}", text, parts[0]));
        }
        // As --line: a line is given once (the last one given won).
        if (it->second.contains("waste")) {
          return Status::InvalidArgument(fmt::format("--waste {}: line {} given twice", text, it->first));
        }
        WL_ASSIGN_OR_RETURN(std::string code, WasteArg("--waste " + text, parts[1]));
        it->second["waste"] = code;
      }
      Json out = Json::array();
      for (auto& [n, l] : lines) {
        if (!reason_.empty()) l["reason"] = reason_;
        out.push_back(std::move(l));
      }
      body["lines"] = std::move(out);
      return body;
    };
    auto describe = [](Ledger& ledger, uint64_t, const Json& body) {
      const std::string no = body["manifest"].get<std::string>();
      int64_t received = 0, refused = 0;
      auto m = GetManifest(ledger, no);
      if (m.ok() && m->has_value()) {
        for (const auto& l : (*m)->lines) {
          received += l.received_g;
          refused += l.refused_g;
        }
        return fmt::format("manifest {} {}: {} received, {} refused", no, (*m)->status, FormatMass(received),
                           FormatMass(refused));
      }
      return fmt::format("manifest {} received", no);
    };
    return AppendAsActor(o_, "receive", build, describe);
  }

 private:
  ActorOptions o_;
  std::string manifest_, mass_, reject_, reason_;
  std::vector<std::string> lines_, codes_;
};

}  // namespace

std::unique_ptr<Command> MakeReceiveCommand() { return std::make_unique<ReceiveCommand>(); }

}  // namespace wasteledger::cli
