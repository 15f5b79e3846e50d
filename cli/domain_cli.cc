#include "domain_cli.h"

#include <fmt/format.h>

#include <random>

#include "wasteledger/import/values.h"
#include "wasteledger/mass.h"
#include "wasteledger/time_util.h"

namespace wasteledger::cli {

void AddActorOptions(CLI::App* app, ActorOptions* o, const std::string& key_what) {
  AddLedgerOption(app, &o->dir);
  AddKeyOption(app, &o->key, key_what + "; its name is the party id");
  app->add_option("--time", o->time,
                  "When it happened: RFC 3339 (2026-03-01T08:30:00+08:00) or a date (2026-03-01, midnight in "
                  "the ledger's timezone); default now")
      ->check(NonBlank("a time"));
  app->add_flag("--wait", o->wait, "Wait for another writer instead of failing with exit code 4");
}

namespace {

// The event time as written in the statement.
Result<std::string> EventTime(const std::string& given, int tz_minutes) {
  if (given.empty()) return FormatWithOffset(NowUnixSeconds(), tz_minutes);
  if (given.size() == 10 && given[4] == '-' && given[7] == '-') {
    std::string t = given + "T00:00:00" + FormatUtcOffset(tz_minutes);
    if (ParseRfc3339(t).ok()) return t;
  }
  auto parsed = ParseRfc3339(given);
  if (!parsed.ok()) {
    return Status::InvalidArgument(fmt::format(
        "--time \"{}\": not a time; write 2026-03-01T08:30:00+08:00 or a date 2026-03-01", given));
  }
  return given;
}

std::string Nonce() {
  std::random_device rd;
  return fmt::format("{:08x}{:08x}{:08x}", rd(), rd(), rd());
}

}  // namespace

int AppendAsActor(const ActorOptions& o, const std::string& kind, const BodyBuilder& build,
                  const Describer& describe) {
  auto opened = OpenLedger(o.dir, Ledger::Mode::kWrite, o.wait);
  if (!opened.ok()) return Fail(opened.status());
  Ledger& ledger = **opened;
  auto key = LoadSigningKey(o.key);
  if (!key.ok()) return Fail(key.status());
  const std::string actor = key->verifier().name();
  auto time = EventTime(o.time, ledger.timezone_offset_minutes());
  if (!time.ok()) return Fail(time.status());
  auto when = ParseRfc3339(*time);
  if (!when.ok()) return Fail(when.status());
  auto body = build(ledger, actor, *when);
  if (!body.ok()) return Fail(body.status());
  Json st = {{"v", 1},        {"kind", kind},  {"actor", actor},
             {"time", *time}, {"body", *body}, {"nonce", Nonce()}};
  auto statement = MakeStatement(std::move(st));
  if (!statement.ok()) return Fail(statement.status());
  Submission sub;
  sub.sig = Signature{key->verifier().Ref(), key->Sign(statement->Payload())};
  sub.statement = std::move(*statement);
  auto prepared = ledger.Prepare(std::vector<Submission>{sub}, 1u);
  if (!prepared.ok()) return Fail(OneStatement(prepared.status()));
  auto appended = ledger.Append(std::move(*prepared));
  if (!appended.ok()) return Fail(OneStatement(appended.status()));
  PrintDomainWarnings();
  const uint64_t seq = appended->front().seq;
  const std::string what = describe ? describe(ledger, seq, *body) : kind;
  fmt::print("seq {}: {}\n", seq, what);
  return kExitOk;
}

Result<std::vector<std::string>> SplitArg(std::string_view option, std::string_view value, size_t min_parts,
                                          size_t max_parts) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (parts.size() + 1 < max_parts) {
    size_t colon = value.find(':', start);
    if (colon == std::string_view::npos) break;
    parts.emplace_back(value.substr(start, colon - start));
    start = colon + 1;
  }
  parts.emplace_back(value.substr(start));
  if (parts.size() < min_parts) {
    return Status::InvalidArgument(
        fmt::format("{} \"{}\": expected {} fields separated by ':'", option, value, min_parts));
  }
  for (size_t i = 0; i < parts.size(); ++i) {
    if (parts[i].empty()) {
      return Status::InvalidArgument(fmt::format("{} \"{}\": field {} is empty", option, value, i + 1));
    }
  }
  return parts;
}

Result<std::pair<std::string, std::string>> SplitLast(std::string_view option, std::string_view value,
                                                      std::string_view shape) {
  const size_t colon = value.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == value.size()) {
    return Status::InvalidArgument(fmt::format("{} \"{}\": expected {}", option, value, shape));
  }
  return std::make_pair(std::string(value.substr(0, colon)), std::string(value.substr(colon + 1)));
}

std::vector<std::string> SplitList(std::string_view text, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(sep, start);
    if (end == std::string_view::npos) end = text.size();
    if (end > start) out.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

Result<int64_t> MassArg(std::string_view option, std::string_view text, bool allow_zero) {
  auto g = allow_zero ? ParseMass(text) : ParsePositiveMass(text);
  if (!g.ok()) return Status::InvalidArgument(fmt::format("{}: {}", option, g.status().message()));
  return *g;
}

Result<std::vector<std::string>> HazardsArg(std::string_view option, std::string_view text) {
  std::vector<std::string> hazards;
  if (Status s = import::ParseHazards(text, hazards); !s.ok()) {
    return Status::InvalidArgument(fmt::format("{} \"{}\": {}", option, text, s.message()));
  }
  if (hazards.empty()) {
    return Status::InvalidArgument(fmt::format(
        "{} \"{}\": names no hazard characteristic (T, C, I, R, In); leave the option out for none", option,
        text));
  }
  return hazards;
}

Result<std::string> WasteArg(std::string_view option, std::string_view text) {
  WL_ASSIGN_OR_RETURN(DomainRules * rules, LoadDomainRules());
  WasteCodeInfo info = rules->domain.catalogue().Classify(FoldWasteCode(text));
  if (info.kind == WasteKind::kMalformed) {
    return Status::InvalidArgument(fmt::format("{} \"{}\": {}", option, text, info.message));
  }
  return info.code;
}

}  // namespace wasteledger::cli
