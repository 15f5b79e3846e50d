// wasteledger log: a readable listing of the entries, one a line (text from
// the entries with its control characters escaped, Shown).
#include <fmt/format.h>

#include <algorithm>

#include "common.h"
#include "text_table.h"
#include "wasteledger/mass.h"

namespace wasteledger::cli {
namespace {

// One short phrase for a statement's body, per kind.
std::string Summary(const Statement& st) {
  const Json& b = st.json["body"];
  auto str = [&](const char* k) { return b.contains(k) && b[k].is_string() ? b[k].get<std::string>() : ""; };
  if (st.kind == "genesis") return "origin " + str("origin") + ", timezone " + str("timezone");
  if (st.kind == "party") {
    std::string roles;
    for (const auto& r : b.value("roles", Json::array()))
      roles += (roles.empty() ? "" : ",") + r.get<std::string>();
    return fmt::format("{} {} [{}] {} key(s)", str("id"), str("name"), roles,
                       b.value("keys", Json::array()).size());
  }
  if (st.kind == "seal") return fmt::format("batch of {}", b.value("count", 0));
  // Lifecycle kinds: the masses in tonnes, the lots and the manifest. The
  // body was checked against its schema on append, so the fields are there.
  auto mass = [](const Json& j, const char* k) {
    return j.contains(k) && j[k].is_number_integer() ? FormatMass(j[k].get<int64_t>()) : std::string("?");
  };
  auto items = [&](const char* array, const char* name, const char* g) {
    std::string out;
    for (const auto& i : b.value(array, Json::array())) {
      out += fmt::format("{}{} {}", out.empty() ? "" : ", ", mass(i, g),
                         i.contains(name) && i[name].is_string() ? i[name].get<std::string>() : "");
    }
    return out;
  };
  if (st.kind == "generate") {
    return fmt::format("{} of {}{}", mass(b, "mass_g"), str("waste"),
                       b.contains("lot") ? ", lot " + str("lot") : "");
  }
  if (st.kind == "dispatch")
    return fmt::format("manifest {} to {}: {}", str("manifest"), str("to"),
                       items("lines", "waste", "mass_g"));
  if (st.kind == "pickup") return "manifest " + str("manifest");
  if (st.kind == "handover") return fmt::format("manifest {} to {}", str("manifest"), str("to"));
  if (st.kind == "receive") {
    if (b.contains("reject")) return fmt::format("manifest {} rejected: {}", str("manifest"), str("reject"));
    std::string lines;
    for (const auto& l : b.value("lines", Json::array())) {
      lines += fmt::format("{}line {} {} received, {} refused", lines.empty() ? "" : "; ", l.value("line", 0),
                           mass(l, "received_g"), mass(l, "refused_g"));
    }
    return fmt::format("manifest {}: {}", str("manifest"), lines);
  }
  if (st.kind == "utilize" || st.kind == "dispose") {
    std::string out = fmt::format("{} {}", str("method"), items("inputs", "lot", "mass_g"));
    if (b.contains("outputs")) out += " -> " + items("outputs", "waste", "mass_g");
    if (b.contains("products")) out += " -> " + items("products", "name", "mass_g");
    return out;
  }
  if (st.kind == "correct" || st.kind == "void") {
    return fmt::format("seq {}: {}", b.value("seq", uint64_t{0}), str("reason"));
  }
  std::string s = b.dump();
  if (s.size() > 80) s = s.substr(0, 77) + "...";
  return s;
}

class LogCommand : public Command {
 public:
  CLI::App* Setup(CLI::App& parent) override {
    auto* app = parent.add_subcommand("log", "List entries: seq, logged, kind, actor, summary");
    AddLedgerOption(app, &dir_);
    app->add_option("--from", from_, "First seq (default 0)")->check(WholeNumber());
    app->add_option("--limit", limit_, "At most this many entries (default all)")->check(WholeNumber());
    app->footer("Example:\n  wasteledger log --ledger city.ledger --from 100 --limit 20");
    return app;
  }

  int Run() override {
    auto ledger = OpenLedger(dir_, Ledger::Mode::kRead);
    if (!ledger.ok()) return Fail(ledger.status());
    uint64_t to = limit_ ? std::min((*ledger)->size(), from_ + *limit_) : (*ledger)->size();
    // The actor column as wide as the longest party id (every actor is a
    // party), so that the summaries line up without reading the log twice.
    int actor_width = 16;
    for (const auto& [id, party] : (*ledger)->parties())
      actor_width = std::max(actor_width, DisplayWidth(Shown(id)));
    Status problem;
    Status s = (*ledger)->ScanEntries(from_, to, [&](uint64_t seq, std::string_view bytes) {
      auto e = ParseEntry(bytes);
      if (!e.ok()) {
        problem = Status::Corruption(fmt::format("seq {}: {}", seq, e.status().message()));
        return false;
      }
      std::string how = e->header.sig ? "" : fmt::format(" (sealed by {})", *e->header.seal_by);
      const std::string actor = Shown(e->statement.actor);
      const std::string pad(static_cast<size_t>(std::max(0, actor_width - DisplayWidth(actor))), ' ');
      fmt::print("{:>8}  {}  {:<9} {}{} {}{}\n", seq, e->header.logged, Shown(e->statement.kind), actor, pad,
                 Shown(Summary(e->statement)), Shown(how));
      return true;
    });
    if (!s.ok()) return Fail(s);
    if (!problem.ok()) return Fail(problem);
    return kExitOk;
  }

 private:
  std::string dir_;
  uint64_t from_ = 0;
  std::optional<uint64_t> limit_;
};

}  // namespace

std::unique_ptr<Command> MakeLogCommand() { return std::make_unique<LogCommand>(); }

}  // namespace wasteledger::cli
