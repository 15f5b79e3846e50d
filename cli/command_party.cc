// wasteledger party add|update|show|list: the regulator registers parties
// (companies and agencies), their roles and their keys.
#include <fmt/format.h>

#include <algorithm>

#include "domain_cli.h"
#include "text_table.h"
#include "wasteledger/uscc.h"

namespace wasteledger::cli {
namespace {

constexpr const char* kPermitHelp =
    "A permit NUMBER:ACTIVITIES:WASTES:CAPACITY:FROM:TO (repeat); activities of collect, store, utilize, "
    "dispose, transport and wastes (codes or categories such as HW49, SW02) comma-separated, CAPACITY a "
    "yearly mass (30000t), FROM and TO dates (2026-01-01)";

// A permit from its option text, checked as far as the option goes; the
// party schema checks the rest when the record is appended.
Result<Json> ParsePermit(const std::string& text) {
  WL_ASSIGN_OR_RETURN(auto f, SplitArg("--permit", text, 6, 6));
  std::vector<std::string> wastes;
  for (const auto& w : SplitList(f[2])) {
    // A category (HW49, SW02, S07, CW01) as it is; a code in normal form.
    bool category = w.size() <= 4 && !w.empty() && (w[0] == 'H' || w[0] == 'S' || w[0] == 'C');
    if (category) {
      wastes.push_back(w);
    } else {
      WL_ASSIGN_OR_RETURN(std::string code, WasteArg("--permit " + text, w));
      wastes.push_back(code);
    }
  }
  WL_ASSIGN_OR_RETURN(int64_t capacity, MassArg("--permit " + text, f[3]));
  return Json{{"number", f[0]},     {"activities", SplitList(f[1])},
              {"wastes", wastes},   {"capacity_g", capacity},
              {"valid_from", f[4]}, {"valid_to", f[5]}};
}

class PartyCommand : public Command {
 public:
  CLI::App* Setup(CLI::App& parent) override {
    auto* app = parent.add_subcommand("party", "Register, update and list parties");
    app->require_subcommand(1);
    app->footer(
        "Run `wasteledger party SUBCOMMAND --help` for its options.\n\n"
        "Example:\n"
        "  wasteledger party add --ledger city.ledger --key xcepb.key --id yuzhou-power \\\n"
        "      --name 禹州市热电有限公司 --role producer --vkey yuzhou-power+1f80...\n"
        "  wasteledger party list --ledger city.ledger");

    add_ = app->add_subcommand("add", "Register a new party (signed by a regulator)");
    AddLedgerOption(add_, &dir_);
    AddKeyOption(add_, &key_, "A regulator's key file");
    add_->add_option("--id", id_, "Party id: also the name of its keys")
        ->check(NonBlank("a party id"))
        ->required();
    add_->add_option("--name", name_, "Registered name, e.g. 禹州市热电有限公司")
        ->check(NonBlank("a name"))
        ->required();
    add_->add_option("--uscc", uscc_, "Unified social credit code (18 characters)")
        ->check(NonBlank("a USCC"));
    add_->add_option("--role", roles_, "producer, carrier, receiver, regulator (comma-separated)")
        ->check(NonBlank("a role"))
        ->delimiter(',')
        ->required();
    add_->add_option("--vkey", vkeys_, "Verifier key(s) of the party (from its keygen)")
        ->check(NonBlank("a verifier key"));
    add_->add_option("--permit", permits_, kPermitHelp)->check(NonBlank("a permit"));
    add_->add_flag("--wait", wait_, "Wait for another writer instead of failing with exit code 4");
    add_->footer(
        "Example:\n"
        "  wasteledger party add --ledger city.ledger --key xcepb.key --id yuzhou-power \\\n"
        "      --name 禹州市热电有限公司 --uscc 91411081MA44XXXXXX --role producer \\\n"
        "      --vkey yuzhou-power+1a2b3c4d+AbC...\n"
        "  wasteledger party add --ledger city.ledger --key xcepb.key --id xuchang-incinerator \\\n"
        "      --name 许昌危废处置中心 --role receiver --vkey xuchang-incinerator+... \\\n"
        "      --permit 'HW4110001:utilize,dispose:HW18,HW49:30000t:2026-01-01:2026-12-31'");

    update_ =
        app->add_subcommand("update", "Change a party's record: name, roles, keys (rotation, revocation)");
    AddLedgerOption(update_, &dir_);
    AddKeyOption(update_, &key_, "A regulator's key file");
    update_->add_option("--id", id_, "Party id")->check(NonBlank("a party id"))->required();
    update_->add_option("--name", name_, "New registered name")->check(NonBlank("a name"));
    update_->add_option("--uscc", uscc_, "New unified social credit code")->check(NonBlank("a USCC"));
    update_->add_option("--role", roles_, "Replace the roles (comma-separated)")
        ->check(NonBlank("a role"))
        ->delimiter(',');
    update_->add_option("--add-vkey", vkeys_, "Add a verifier key (rotation: add the new, revoke the old)")
        ->check(NonBlank("a verifier key"));
    update_->add_option("--revoke-key", revoke_, "Revoke a key, by its name+keyID or its whole vkey")
        ->check(NonBlank("a key"));
    update_
        ->add_option("--permit", permits_,
                     std::string(kPermitHelp) + "; replaces a permit of the same number")
        ->check(NonBlank("a permit"));
    update_->add_option("--drop-permit", drop_permits_, "Remove the permit with this number")
        ->check(NonBlank("a permit number"));
    update_->add_flag("--wait", wait_, "Wait for another writer instead of failing with exit code 4");
    update_->footer(
        "Example (rotate a key):\n"
        "  wasteledger party update --ledger city.ledger --key xcepb.key --id yuzhou-power \\\n"
        "      --add-vkey yuzhou-power+5e6f7a8b+AXy... --revoke-key yuzhou-power+1a2b3c4d");

    show_ = app->add_subcommand("show", "Print a party's current record and the seq it is in force from");
    AddLedgerOption(show_, &dir_);
    show_->add_option("ID", id_, "Party id")->check(NonBlank("a party id"))->required();
    AddViewOptions(show_, &format_, &unit_);
    show_->footer(
        "The text form is one field a line (capacities in --unit); --format json is one object,\n"
        "{\"record\": the party record as registered, \"in_force_since_seq\": N}.\n\n"
        "Examples:\n"
        "  wasteledger party show --ledger city.ledger yuzhou-power\n"
        "  wasteledger party show --ledger city.ledger yuzhou-power --format json");

    list_ = app->add_subcommand("list", "List the registered parties");
    AddLedgerOption(list_, &dir_);
    list_->footer("Example:\n  wasteledger party list --ledger city.ledger");
    return app;
  }

  int Run() override {
    if (show_->parsed() || list_->parsed()) return RunRead();
    auto ledger = OpenLedger(dir_, Ledger::Mode::kWrite, wait_);
    if (!ledger.ok()) return Fail(ledger.status());
    auto key = LoadSigningKey(key_);
    if (!key.ok()) return Fail(key.status());
    const Party* existing = (*ledger)->FindParty(id_);
    Json record;
    if (add_->parsed()) {
      if (existing) {
        return Fail(
            Status::Refused(fmt::format("party \"{}\" is already registered (since seq {}); use party update",
                                        id_, existing->since_seq)));
      }
      record = {{"id", id_},       {"name", name_},  {"uscc", uscc_},
                {"roles", roles_}, {"keys", vkeys_}, {"permits", Json::array()}};
      for (const auto& text : permits_) {
        auto permit = ParsePermit(text);
        if (!permit.ok()) return Fail(permit.status());
        record["permits"].push_back(std::move(*permit));
      }
    } else {
      if (!existing) return Fail(Status::NotFound(fmt::format("no party \"{}\" (use party add)", id_)));
      record = existing->record;
      if (!name_.empty()) record["name"] = name_;
      if (!uscc_.empty()) record["uscc"] = uscc_;
      if (!roles_.empty()) record["roles"] = roles_;
      std::vector<std::string> keys = record["keys"].get<std::vector<std::string>>();
      for (const auto& r : revoke_) {
        auto it = std::find_if(keys.begin(), keys.end(),
                               [&](const std::string& vk) { return vk == r || vk.rfind(r + "+", 0) == 0; });
        if (it == keys.end()) {
          return Fail(
              Status::InvalidArgument(fmt::format("--revoke-key {}: not a current key of \"{}\"", r, id_)));
        }
        keys.erase(it);
      }
      for (const auto& v : vkeys_) {
        if (std::find(keys.begin(), keys.end(), v) != keys.end()) {
          return Fail(Status::InvalidArgument(fmt::format("--add-vkey: \"{}\" already holds that key", id_)));
        }
        keys.push_back(v);
      }
      record["keys"] = keys;
      Json permits = record.value("permits", Json::array());
      for (const auto& no : drop_permits_) {
        auto it =
            std::find_if(permits.begin(), permits.end(), [&](const Json& p) { return p["number"] == no; });
        if (it == permits.end()) {
          return Fail(
              Status::InvalidArgument(fmt::format("--drop-permit {}: \"{}\" holds no such permit", no, id_)));
        }
        permits.erase(it);
      }
      for (const auto& text : permits_) {
        auto permit = ParsePermit(text);
        if (!permit.ok()) return Fail(permit.status());
        auto it = std::find_if(permits.begin(), permits.end(),
                               [&](const Json& p) { return p["number"] == (*permit)["number"]; });
        if (it != permits.end()) {
          *it = std::move(*permit);
        } else {
          permits.push_back(std::move(*permit));
        }
      }
      record["permits"] = std::move(permits);
    }
    if (!record["uscc"].get<std::string>().empty()) {
      auto check = CheckUscc(record["uscc"].get<std::string>());
      if (!check.well_formed) return Fail(Status::InvalidArgument("--uscc: " + check.message));
      if (!check.check_ok) Warn("--uscc: " + check.message);
      // One company, one party: imports and reports find a company by its
      // USCC, and a second party with it would split its records.
      for (const auto& [other_id, other] : (*ledger)->parties()) {
        if (other_id != id_ && other.uscc == record["uscc"].get<std::string>()) {
          return Fail(Status::Refused(fmt::format(
              "--uscc {}: party \"{}\" ({}) already has it; one company is one party: give that party keys "
              "or roles with `party update --id {}` instead",
              other.uscc, other_id, other.name, other_id)));
        }
      }
    }
    auto valid = PartyFromRecord(record, 0);
    if (!valid.ok()) return Fail(valid.status());
    auto sub = SignStatement(*key, "party", record, (*ledger)->timezone_offset_minutes());
    if (!sub.ok()) return Fail(sub.status());
    return AppendOne(**ledger, *sub);
  }

 private:
  int RunRead() {
    auto ledger = OpenLedger(dir_, Ledger::Mode::kRead);
    if (!ledger.ok()) return Fail(ledger.status());
    if (show_->parsed()) {
      const Party* p = (*ledger)->FindParty(id_);
      if (!p) return Fail(Status::NotFound(fmt::format("no party \"{}\"", id_)));
      if (format_ == "json") {
        fmt::print("{}\n", Json{{"record", p->record}, {"in_force_since_seq", p->since_seq}}.dump());
      } else {
        PrintParty(*p, ViewUnit(unit_));
      }
      return kExitOk;
    }
    // Tab-separated, a field never holding a tab or a line break (Shown).
    for (const auto& [id, p] : (*ledger)->parties()) {
      std::string roles;
      for (const auto& r : p.roles) roles += (roles.empty() ? "" : ",") + r;
      fmt::print("{}\t{}\t{}\t{}\t{} key(s)\tsince seq {}\n", Shown(id), Shown(p.name),
                 p.uscc.empty() ? "-" : Shown(p.uscc), Shown(roles), p.keys.size(), p.since_seq);
    }
    return kExitOk;
  }

  // The record one field a line, text from it Shown.
  static void PrintParty(const Party& p, MassUnit unit) {
    const Json& r = p.record;
    auto text = [](const Json& j) { return j.is_string() ? Shown(j.get<std::string>()) : Shown(j.dump()); };
    auto list = [&](const Json& j) {
      std::string out;
      for (const auto& item : j) out += (out.empty() ? "" : ", ") + text(item);
      return out;
    };
    fmt::print("id: {}\n", Shown(p.id));
    fmt::print("name: {}\n", Shown(p.name));
    fmt::print("uscc: {}\n", p.uscc.empty() ? "-" : Shown(p.uscc));
    fmt::print("roles: {}\n", list(r.value("roles", Json::array())));
    for (const auto& k : r.value("keys", Json::array())) fmt::print("key: {}\n", text(k));
    for (const auto& permit : r.value("permits", Json::array())) {
      const Json capacity = permit.value("capacity_g", Json());
      fmt::print("permit: {}: {} of {}; {} a year; {} to {}\n", text(permit.value("number", Json(""))),
                 list(permit.value("activities", Json::array())), list(permit.value("wastes", Json::array())),
                 capacity.is_number_integer() ? FormatMass(capacity.get<int64_t>(), unit) : text(capacity),
                 text(permit.value("valid_from", Json(""))), text(permit.value("valid_to", Json(""))));
    }
    fmt::print("in force since: seq {}\n", p.since_seq);
  }

  CLI::App *add_ = nullptr, *update_ = nullptr, *show_ = nullptr, *list_ = nullptr;
  std::string dir_, key_, id_, name_, uscc_, format_, unit_;
  std::vector<std::string> roles_, vkeys_, revoke_, permits_, drop_permits_;
  bool wait_ = false;
};

}  // namespace

std::unique_ptr<Command> MakePartyCommand() { return std::make_unique<PartyCommand>(); }

}  // namespace wasteledger::cli
