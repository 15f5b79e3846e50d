// wasteledger correct | void: compensating entries. The original entry stays
// in the log; its effect is reversed (void) or replaced (correct) from the
// new entry's seq on. By the original actor or a regulator. One class, two
// subcommands: void is a correct without a replacement.
#include <fmt/format.h>

#include "domain_cli.h"
#include "file_access.h"
#include "wasteledger/canonical_json.h"
#include "wasteledger/domain_query.h"

namespace wasteledger::cli {
namespace {

// The body in force for `seq` (a correction's replacement, for a correct
// entry) and the kind it counts as.
Result<std::pair<std::string, Json>> BodyInForce(Ledger& ledger, uint64_t seq) {
  if (seq >= ledger.size()) {
    return Status::NotFound(fmt::format("--seq {}: the ledger has entries 0..{}", seq, ledger.size() - 1));
  }
  WL_ASSIGN_OR_RETURN(auto effect, GetEffect(ledger, seq));
  if (!effect)
    return Status::Refused(fmt::format("--seq {}: not a lifecycle entry (nothing to correct)", seq));
  // As the ledger refuses it (ledger/src/domain_correct.cc), before --mass
  // or --waste is looked for in a body that has neither.
  if (effect->kind == "import") {
    return Status::Refused(fmt::format(
        "--seq {} is an imported legacy record: it is not corrected; void it and import the right record "
        "(docs/IMPORT.md)",
        seq));
  }
  WL_ASSIGN_OR_RETURN(std::string bytes, ledger.EntryBytes(seq));
  WL_ASSIGN_OR_RETURN(ParsedEntry entry, ParseEntry(bytes));
  Json body = entry.statement.json["body"];
  if (entry.statement.kind == "correct") body = body["body"];
  return std::make_pair(effect->kind, std::move(body));
}

Result<Json*> OnlyOne(Json& body, const char* array, const std::string& option) {
  if (!body.contains(array) || body[array].size() != 1) {
    return Status::InvalidArgument(
        fmt::format("{}: the entry has {} {}; give the whole replacement with --body", option,
                    body.contains(array) ? body[array].size() : 0, array));
  }
  return &body[array][0];
}

class CorrectCommand : public Command {
 public:
  explicit CorrectCommand(bool is_void) : void_(is_void) {}

  CLI::App* Setup(CLI::App& parent) override {
    auto* app = parent.add_subcommand(
        void_ ? "void" : "correct",
        void_ ? "Cancel an entry's effect with a compensating entry (the original stays in the log)"
              : "Replace an entry's content with a compensating entry (the original stays in the log)");
    AddActorOptions(app, &o_, "The original actor's or a regulator's key file");
    app->add_option("--seq", seq_, "The entry to " + std::string(void_ ? "void" : "correct"))
        ->required()
        ->check(WholeNumber());
    app->add_option("--reason", reason_, "Why (kept in the log)")->required()->check(NonBlank("a reason"));
    if (void_) {
      app->footer(
          "Example:\n"
          "  wasteledger void --ledger city.ledger --key yuzhou-power.key --seq 14 --reason \"entered "
          "twice\"\n\n"
          "An imported legacy record is voided by a regulator, one entry at a time: its figures leave the\n"
          "balances and its manifest line goes, and the right record may then be imported again\n"
          "(docs/IMPORT.md).");
      return app;
    }
    app->add_option(
           "--mass", mass_,
           "New mass: of a generate, or of the one line / input of a dispatch, receive, utilize, dispose")
        ->check(NonBlank("a mass"));
    app->add_option("--waste", waste_, "New waste code: of a generate, or of a dispatch's one line")
        ->check(NonBlank("a waste code"));
    app->add_option("--body", body_, "The whole replacement body, as JSON or @FILE (see docs/STATEMENTS.md)")
        ->check(NonBlank("a JSON body or @FILE"));
    app->footer(
        "The replacement keeps the original's kind, actor and event time. Without --body, the original\n"
        "body is taken and --mass / --waste change it.\n\n"
        "Examples:\n"
        "  wasteledger correct --ledger city.ledger --key yuzhou-power.key --seq 14 --mass 12.05t \\\n"
        "      --reason \"weighbridge ticket 0301-17 read wrongly\"\n"
        "  wasteledger correct ... --seq 20 --body @dispatch-fixed.json --reason \"wrong receiver\"");
    return app;
  }

  int Run() override {
    auto build = [this](Ledger& ledger, const std::string&, const Timestamp&) -> Result<Json> {
      Json body = {{"seq", seq_}, {"reason", reason_}};
      if (void_) return body;
      WL_ASSIGN_OR_RETURN(auto in_force, BodyInForce(ledger, seq_));
      auto& [kind, replacement] = in_force;
      if (!body_.empty()) {
        if (!mass_.empty() || !waste_.empty()) {
          return Status::InvalidArgument("--body replaces the whole body: give --mass and --waste inside it");
        }
        WL_ASSIGN_OR_RETURN(replacement, ReadBody());
      } else if (mass_.empty() && waste_.empty()) {
        return Status::InvalidArgument("nothing to correct: give --mass, --waste or --body");
      }
      if (!mass_.empty()) {
        const bool receive = kind == "receive";
        WL_ASSIGN_OR_RETURN(int64_t g, MassArg("--mass", mass_, receive));
        if (kind == "generate") {
          replacement["mass_g"] = g;
        } else if (kind == "dispatch" || receive) {
          WL_ASSIGN_OR_RETURN(Json * line, OnlyOne(replacement, "lines", "--mass"));
          (*line)[receive ? "received_g" : "mass_g"] = g;
        } else if (kind == "utilize" || kind == "dispose") {
          WL_ASSIGN_OR_RETURN(Json * input, OnlyOne(replacement, "inputs", "--mass"));
          (*input)["mass_g"] = g;
        } else {
          return Status::InvalidArgument(fmt::format("--mass: a {} entry has no mass; use --body", kind));
        }
      }
      if (!waste_.empty()) {
        WL_ASSIGN_OR_RETURN(std::string code, WasteArg("--waste", waste_));
        if (kind == "generate") {
          replacement["waste"] = code;
        } else if (kind == "dispatch") {
          WL_ASSIGN_OR_RETURN(Json * line, OnlyOne(replacement, "lines", "--waste"));
          (*line)["waste"] = code;
        } else {
          return Status::InvalidArgument(fmt::format("--waste: not for a {} entry; use --body", kind));
        }
      }
      body["body"] = std::move(replacement);
      return body;
    };
    auto describe = [this](Ledger&, uint64_t, const Json&) {
      return fmt::format("seq {} {} (the original stays in the log)", seq_, void_ ? "voided" : "corrected");
    };
    return AppendAsActor(o_, void_ ? "void" : "correct", build, describe);
  }

 private:
  Result<Json> ReadBody() const {
    std::string text = body_;
    if (!text.empty() && text[0] == '@') {
      auto read = ReadWholeFile(text.substr(1));
      if (!read.ok()) return read.status().WithContext("--body");
      text = std::move(*read);
    }
    auto parsed = ParseStrictJson(text);
    if (!parsed.ok()) return parsed.status().WithContext("--body");
    if (!parsed->is_object()) return Status::InvalidArgument("--body: must be a JSON object");
    return std::move(*parsed);
  }

  bool void_;
  ActorOptions o_;
  uint64_t seq_ = 0;
  std::string reason_, mass_, waste_, body_;
};

}  // namespace

std::unique_ptr<Command> MakeCorrectCommand() { return std::make_unique<CorrectCommand>(false); }
std::unique_ptr<Command> MakeVoidCommand() { return std::make_unique<CorrectCommand>(true); }

}  // namespace wasteledger::cli
