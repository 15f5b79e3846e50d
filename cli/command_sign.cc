// wasteledger sign: statements in (one JSON object a line), signed
// submissions out; offline, no ledger needed.
#include <fmt/format.h>

#include <map>

#include "common.h"
#include "wasteledger/canonical_json.h"
#include "wasteledger/merkle.h"

namespace wasteledger::cli {
namespace {

class SignCommand : public Command {
 public:
  CLI::App* Setup(CLI::App& parent) override {
    auto* app = parent.add_subcommand("sign", "Sign statements (JSON lines) for submit; works offline");
    AddKeyOption(app, &key_, "The signing party's key file");
    app->add_option("FILE", input_, "Statements, one JSON object a line (default: stdin)")
        ->check(NonBlank("a file (or - for stdin)"));
    app->add_flag("--seal", seal_, "Sign the whole input as one sealed batch: one signature for all lines");
    app->add_option("--timezone", timezone_, "Offset for a missing \"time\" (default +08:00)")
        ->default_val("+08:00");
    app->footer(
        "Each statement is {\"v\":1,\"kind\":..,\"actor\":..,\"time\":..,\"body\":{..}}; a missing v, actor\n"
        "(the key's name) or time (now) is filled in. Output lines are\n"
        "{\"sig\":{\"key\":..,\"value\":..},\"statement\":{..}}, ready for `wasteledger submit`.\n\n"
        "Example:\n"
        "  echo '{\"kind\":\"generate\",\"body\":{\"waste\":\"900-041-49\",\"mass_g\":1200000}}' \\\n"
        "    | wasteledger sign --key yuzhou-power.key | wasteledger submit --ledger city.ledger");
    return app;
  }

  int Run() override {
    auto key = LoadSigningKey(key_);
    if (!key.ok()) return Fail(key.status());
    auto tz = ParseUtcOffset(timezone_);
    if (!tz.ok()) return Fail(tz.status().WithContext("--timezone"));
    const std::string actor = key->verifier().name();
    std::vector<Statement> statements;
    std::map<Hash, uint64_t> first_line;  // statement hash -> the line that first gave it
    Status error;
    Status read = ForEachInputLine(input_, [&](uint64_t no, std::string& line) {
      auto st = Complete(line, actor, *tz);
      if (!st.ok()) {
        error = st.status().WithContext(fmt::format("line {}", no));
        return false;
      }
      // Unsealed, a repeat is signed all the same, as submit answers it with
      // the first's seq. A seal cannot hold one statement twice (the ledger
      // refuses such a batch), so under --seal the repeat is left out.
      if (auto [at, added] = first_line.emplace(st->hash, no); !added) {
        Warn(
            fmt::format("line {} repeats line {}: the ledger keeps one statement once{}; give each a "
                        "distinct \"nonce\" if "
                        "both are meant",
                        no, at->second, seal_ ? ", so it is sealed once" : ""));
        if (seal_) return true;
      }
      if (seal_) {
        statements.push_back(std::move(*st));
      } else {
        Submission sub;
        sub.sig = Signature{key->verifier().Ref(), key->Sign(st->Payload())};
        sub.statement = std::move(*st);
        fmt::print("{}\n", FormatSubmission(sub));
      }
      return true;
    });
    if (!read.ok()) return Fail(read);
    if (!error.ok()) return Fail(error);
    if (seal_) return EmitSealed(*key, statements, *tz);
    return kExitOk;
  }

 private:
  static Result<Statement> Complete(const std::string& line, const std::string& actor, int tz) {
    WL_ASSIGN_OR_RETURN(Json j, ParseStrictJson(line));
    if (!j.is_object()) return Status::InvalidArgument("a statement must be a JSON object");
    if (j.contains("statement")) {
      return Status::InvalidArgument("this line is already a signed submission; give bare statements");
    }
    if (!j.contains("v")) j["v"] = 1;
    if (!j.contains("actor")) j["actor"] = actor;
    if (!j.contains("time")) j["time"] = FormatWithOffset(NowUnixSeconds(), tz);
    if (j["actor"] != actor) {
      return Status::InvalidArgument(fmt::format(
          "statement field \"actor\" is {} but the key is \"{}\": a party signs its own statements",
          j["actor"].dump(), actor));
    }
    return MakeStatement(std::move(j));
  }

  int EmitSealed(const SigningKey& key, const std::vector<Statement>& statements, int tz) {
    if (statements.empty()) return Fail(Status::InvalidArgument("nothing to seal: the input is empty"));
    std::vector<Hash> leaves;
    for (const auto& st : statements) leaves.push_back(HashLeaf(AsBytes(st.hash)));
    Json body = {{"count", statements.size()}, {"root", ToHex(RootFromLeafHashes(leaves))}};
    auto seal = SignStatement(key, "seal", body, tz);
    if (!seal.ok()) return Fail(seal.status());
    fmt::print("{}\n", FormatSubmission(*seal));
    for (size_t i = 0; i < statements.size(); ++i) {
      Submission member;
      member.statement = statements[i];
      member.seal_index = i;
      fmt::print("{}\n", FormatSubmission(member));
    }
    return kExitOk;
  }

  std::string key_, input_, timezone_;
  bool seal_ = false;
};

}  // namespace

std::unique_ptr<Command> MakeSignCommand() { return std::make_unique<SignCommand>(); }

}  // namespace wasteledger::cli
