// wasteledger correct | void: compensating entries. The original entry stays
// in the log; its effect is reversed (void) or replaced (correct) from the
// new entry's seq on. By the original actor or a regulator. One class, two
// subcommands: void is a correct without a replacement.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

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
    auto* seq = app->add_option("--seq", seq_, "The entry to " + std::string(void_ ? "void" : "correct"))
                    ->check(WholeNumber());
    if (!void_) seq->required();
    app->add_option("--reason", reason_, "Why (kept in the log)")->required()->check(NonBlank("a reason"));
    if (void_) {
      app->add_option("--import-file", import_file_,
                      "Void every imported record of this file still in force: the file itself (its SHA-256 "
                      "is looked for in the records' source), or its SHA-256 in hex (a regulator's key)")
          ->check(NonBlank("a file or its SHA-256"))
          ->excludes(seq);
      app->footer(
          "Example:\n"
          "  wasteledger void --ledger city.ledger --key yuzhou-power.key --seq 14 --reason \"entered "
          "twice\"\n\n"
          "  wasteledger void --ledger city.ledger --key xcepb.key --import-file 联单2023.csv \\\n"
          "      --reason \"imported in kilograms, the file is in tonnes\"\n\n"
          "An imported legacy record is voided by a regulator: its figures leave the balances and its\n"
          "manifest line goes, and the right record may then be imported again. --import-file voids\n"
          "every record a file brought in, latest first, in atomic batches (docs/IMPORT.md).");
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
    if (void_ && !import_file_.empty()) return VoidFile();
    if (void_ && seq_ == kNoSeq) {
      fmt::print(stderr, "wasteledger: error: give --seq N, or --import-file FILE\n");
      return kExitUsage;
    }
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
  // The SHA-256 (hex) of --import-file: the file's, or the hex given.
  Result<std::string> FileSha256() const {
    std::error_code ec;
    if (!std::filesystem::exists(import_file_, ec)) {
      if (auto h = HashFromHex(import_file_); h && import_file_.size() == 64) return ToHex(*h);
      return Status::NotFound(fmt::format(
          "--import-file {}: no such file (give the imported file or its SHA-256 in hex)", import_file_));
    }
    auto read = ReadWholeFile(import_file_);
    if (!read.ok()) return read.status().WithContext("--import-file");
    return ToHex(Sha256(*read));
  }

  // Every import entry of the file still in force, voided latest first, in
  // atomic batches of kVoidBatch statements.
  int VoidFile() {
    auto opened = OpenLedger(o_.dir, Ledger::Mode::kWrite, o_.wait);
    if (!opened.ok()) return Fail(opened.status());
    Ledger& ledger = **opened;
    auto key = LoadSigningKey(o_.key);
    if (!key.ok()) return Fail(key.status());
    auto sha = FileSha256();
    if (!sha.ok()) return Fail(sha.status());
    std::vector<uint64_t> targets;
    uint64_t voided_before = 0;
    Status scan_error;
    const std::string needle = "\"sha256\":\"" + *sha + "\"";
    Status s = ledger.ScanEntries(0, ledger.size(), [&](uint64_t seq, std::string_view bytes) {
      if (bytes.find("\"kind\":\"import\"") == std::string_view::npos ||
          bytes.find(needle) == std::string_view::npos) {
        return true;
      }
      auto entry = ParseEntry(bytes);
      if (!entry.ok()) {
        scan_error = entry.status();
        return false;
      }
      const Json& body = entry->statement.json["body"];
      if (entry->statement.kind != "import" || !body.contains("source") ||
          body["source"].value("sha256", "") != *sha) {
        return true;
      }
      auto effect = GetEffect(ledger, seq);
      if (!effect.ok()) {
        scan_error = effect.status();
        return false;
      }
      if (*effect && (*effect)->voided_by) {
        ++voided_before;
      } else {
        targets.push_back(seq);
      }
      return true;
    });
    if (!s.ok()) return Fail(s);
    if (!scan_error.ok()) return Fail(scan_error);
    if (targets.empty()) {
      return Fail(Status::NotFound(
          voided_before > 0
              ? fmt::format("--import-file {}: all {} imported records of it were voided before",
                            import_file_, voided_before)
              : fmt::format("--import-file {}: no imported record has its SHA-256 {}", import_file_, *sha)));
    }
    std::reverse(targets.begin(), targets.end());
    const int tz = ledger.timezone_offset_minutes();
    uint64_t done = 0;
    std::optional<uint64_t> first_entry;
    for (size_t at = 0; at < targets.size(); at += kVoidBatch) {
      std::vector<Submission> subs;
      for (size_t i = at; i < std::min(targets.size(), at + kVoidBatch); ++i) {
        auto sub = SignStatement(*key, "void", Json{{"seq", targets[i]}, {"reason", reason_}}, tz);
        if (!sub.ok()) return Fail(sub.status());
        subs.push_back(std::move(*sub));
      }
      const size_t n = subs.size();
      auto appended = [&]() -> Result<std::vector<AppendedEntry>> {
        WL_ASSIGN_OR_RETURN(PreparedBatch batch, ledger.Prepare(std::move(subs)));
        return ledger.Append(std::move(batch));
      }();
      if (!appended.ok()) {
        return Fail(appended.status().WithContext(
            fmt::format("voiding the imported records of {} ({} of {} voided before this batch of {})",
                        import_file_, done, targets.size(), n)));
      }
      if (!first_entry && !appended->empty()) first_entry = appended->front().seq;
      done += n;
    }
    PrintDomainWarnings();
    fmt::print("voided {} imported record(s) of {}{}: seqs {}..{}, by entries {}..{}{}\n", done, import_file_,
               import_file_ == *sha ? "" : fmt::format(" (SHA-256 {})", *sha), targets.back(),
               targets.front(), *first_entry, *first_entry + done - 1,
               voided_before > 0 ? fmt::format("; {} voided before", voided_before) : "");
    return kExitOk;
  }

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

  static constexpr uint64_t kNoSeq = UINT64_MAX;
  static constexpr size_t kVoidBatch = 4096;
  bool void_;
  ActorOptions o_;
  uint64_t seq_ = kNoSeq;
  std::string reason_, mass_, waste_, body_, import_file_;
};

}  // namespace

std::unique_ptr<Command> MakeCorrectCommand() { return std::make_unique<CorrectCommand>(false); }
std::unique_ptr<Command> MakeVoidCommand() { return std::make_unique<CorrectCommand>(true); }

}  // namespace wasteledger::cli
