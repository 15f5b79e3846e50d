// import: one record of legacy data (a manifest line or a 台账 row), signed
// by the regulator who imported it, usually under a seal (docs/IMPORT.md).
//
// Legacy files name no lots, so imported mass lives in pools: one lot per
// party x waste code x year, "#import/<party>/<code>/<year>", made on first
// use. Generation and receipt grow a pool; dispatch, utilisation and disposal
// draw on the party's pools oldest year first (years up to the event's), and
// what they cannot cover is drawn from the event year's pool, which then
// goes below zero: legacy data that breaks conservation is kept, and
// reconciliation reports it (phantom-consumption), rather than refused.
// A record already held (the same content, from any file) is refused here;
// the import command skips such rows before they reach the ledger.
#include <fmt/format.h>

#include <algorithm>

#include "domain_permit.h"
#include "domain_rules.h"
#include "wasteledger/canonical_json.h"
#include "wasteledger/domain_query.h"
#include "wasteledger/domain_state.h"
#include "wasteledger/manifest_number.h"
#include "wasteledger/statement.h"
#include "wasteledger/time_util.h"

namespace wasteledger::domain {

namespace {

constexpr std::string_view kRecordTypes[] = {"manifest", "generate", "utilize", "dispose", "transfer"};

Result<std::string> NeedDay(const BodyReader& r, const char* f) {
  WL_ASSIGN_OR_RETURN(std::string day, r.Str(f));
  if (!IsCalendarDate(day)) return r.Error(f, "must be a date YYYY-MM-DD");
  if (day < kEarliestEventDate) {
    return r.Error(
        f, fmt::format("{} is before {}, the earliest date a record may carry", day, kEarliestEventDate));
  }
  return day;
}

std::string PoolId(std::string_view party, std::string_view waste, std::string_view year) {
  return fmt::format("#import/{}/{}/{}", party, waste, year);
}

std::vector<std::string> SplitYears(const std::string& text) {
  std::vector<std::string> years;
  for (size_t at = 0; at < text.size(); at += 5) years.push_back(text.substr(at, 4));
  return years;
}

// The pools of one party x code, as one import entry changes them.
class Pools {
 public:
  Pools(const Step& step, Effect& effect, std::string party, const WasteCodeInfo& waste, std::string hazards)
      : step_(step), effect_(effect), party_(std::move(party)), waste_(waste), hazards_(std::move(hazards)) {}

  // Adds `mass` on `day`, counted as `column` (generated or received), to
  // the pool of the year of `born` (default: the day's).
  Status Grow(int64_t mass, size_t column, const std::string& day, const std::string& born = "") {
    WL_ASSIGN_OR_RETURN(Lot lot, Pool(born.empty() ? day : born));
    return step_.txn->GrowLot(lot, mass, column, day);
  }

  // Draws `mass` for `kind` on `day`, oldest pool first; the shortfall
  // takes the day's year pool below zero. Returns the first pool drawn.
  Result<std::string> Draw(int64_t mass, std::string_view kind, const std::string& day) {
    WL_ASSIGN_OR_RETURN(std::vector<std::string> years, Years());
    std::string first;
    const std::string year = day.substr(0, 4);
    for (const std::string& y : years) {
      if (mass == 0 || y > year) break;
      WL_ASSIGN_OR_RETURN(auto lot, step_.txn->GetLot(PoolId(party_, waste_.code, y)));
      if (!lot || lot->remaining_g <= 0) continue;
      const int64_t take = std::min(mass, lot->remaining_g);
      WL_RETURN_IF_ERROR(Take(*lot, take, kind, day));
      if (first.empty()) first = lot->id;
      mass -= take;
    }
    if (mass > 0) {
      WL_ASSIGN_OR_RETURN(Lot lot, Pool(day));
      WL_RETURN_IF_ERROR(Take(lot, mass, kind, day));
      if (first.empty()) first = lot.id;
    }
    return first;
  }

 private:
  Result<std::vector<std::string>> Years() const {
    WL_ASSIGN_OR_RETURN(auto text, step_.txn->get()(PoolYearsKey(party_, waste_.code)));
    return text ? SplitYears(*text) : std::vector<std::string>{};
  }

  Status Take(Lot& lot, int64_t mass, std::string_view kind, const std::string& day) {
    WL_RETURN_IF_ERROR(step_.txn->DrawPoolLot(lot, mass, kind, day));
    auto it = std::find_if(effect_.drawn.begin(), effect_.drawn.end(),
                           [&](const domain::Draw& d) { return d.lot == lot.id; });
    if (it == effect_.drawn.end()) {
      effect_.drawn.push_back({lot.id, mass});
    } else {
      it->mass_g += mass;
    }
    return Status::Ok();
  }

  // The pool of the day's year, made (empty) if new.
  Result<Lot> Pool(const std::string& day) {
    const std::string year = day.substr(0, 4);
    const std::string id = PoolId(party_, waste_.code, year);
    WL_ASSIGN_OR_RETURN(auto found, step_.txn->GetLot(id));
    if (found) return std::move(*found);
    Lot lot;
    lot.id = id;
    lot.owner = party_;
    lot.waste = waste_.code;
    lot.hazardous = waste_.kind == WasteKind::kHazardous;
    lot.hazards = hazards_;
    lot.born = day;
    lot.source.kind = "import";
    lot.source.seq = step_.seq;
    WL_RETURN_IF_ERROR(step_.txn->CreateLot(lot, day));
    effect_.created.push_back(id);
    WL_ASSIGN_OR_RETURN(std::vector<std::string> years, Years());
    years.insert(std::upper_bound(years.begin(), years.end(), year), year);
    std::string text;
    for (const auto& y : years) text += (text.empty() ? "" : ",") + y;
    WL_RETURN_IF_ERROR(step_.txn->PutRaw(PoolYearsKey(party_, waste_.code), text));
    return lot;
  }

  const Step& step_;
  Effect& effect_;
  std::string party_;
  const WasteCodeInfo& waste_;
  std::string hazards_;
};

Result<std::string> JoinHazards(const BodyReader& r) {
  WL_ASSIGN_OR_RETURN(const Json* arr, r.Array("hazards", false, true));
  if (arr == nullptr) return std::string();
  std::string joined;
  for (const auto& h : *arr) {
    if (!h.is_string()) return r.Error("hazards", "must hold strings T, C, I, R or In");
    joined += (joined.empty() ? "" : ",") + h.get<std::string>();
  }
  auto set = ParseHazards(joined);
  if (!set.ok()) return r.Error("hazards", set.status().message());
  return set->ToString();
}

Result<const Party*> NeedRegistered(const Step& step, const std::string& id, std::string_view as) {
  const Party* p = step.ctx->find_party(id);
  if (p == nullptr) return step.Refuse(fmt::format("{} \"{}\" is not a registered party", as, id));
  return p;
}

// What the receiver did with it, by the method's code: R utilised, D disposed.
std::string_view Treatment(const std::string& method) {
  if (!method.empty() && method[0] == 'R') return "utilize";
  if (!method.empty() && method[0] == 'D') return "dispose";
  return {};
}

Status CheckSource(const BodyReader& r) {
  if (!r.Has("source") || !r.value("source").is_object()) return r.Error("source", "must be an object");
  BodyReader s(r.value("source"), r.Path("source"));
  WL_RETURN_IF_ERROR(s.Shape({"file", "sha256", "sheet", "row", "column"}));
  WL_RETURN_IF_ERROR(s.Str("file").status());
  WL_ASSIGN_OR_RETURN(std::string sha, s.Str("sha256"));
  if (!HashFromHex(sha)) return s.Error("sha256", "must be 64 hex digits");
  WL_RETURN_IF_ERROR(s.OptStr("sheet").status());
  WL_RETURN_IF_ERROR(s.OptStr("column").status());
  return s.Int("row", 1, int64_t{1} << 53).status();
}

// The entry's effect, and its draws indexed under each pool it drew on
// (one key per pool: the draws of one entry are summed per pool).
Status Finish(const Step& step, const Effect& e) {
  for (const auto& d : e.drawn) {
    WL_RETURN_IF_ERROR(step.txn->PutRaw(DrawKey(d.lot, step.seq), EncodeGrams(d.mass_g)));
  }
  return step.txn->PutEffect(step.seq, e);
}

}  // namespace

Result<Hash> ImportRecordHashOf(const Json& body) {
  WL_ASSIGN_OR_RETURN(std::string text, Canonicalize(body));
  return ImportRecordHashOfCanonical(text);
}

Result<Hash> ImportRecordHashOfCanonical(std::string_view body_jcs) {
  // JCS(body without "source"): the canonical body's members in order, that
  // one left out.
  std::vector<JsonMemberText> members;
  if (!IsCanonicalJson(body_jcs, &members) || body_jcs.empty() || body_jcs.front() != '{') {
    return Status::InvalidArgument("an import record must be a JSON object in canonical form");
  }
  std::string text(kImportRecordPrefix);
  text += '{';
  bool first = true;
  for (const auto& m : members) {
    if (m.key == "source" && !m.key_escaped) continue;
    text += first ? "\"" : ",\"";
    text += m.key;  // as it stands in the canonical text, escapes included
    text += "\":";
    text += m.value;
    first = false;
  }
  text += '}';
  return Sha256(text);
}

Result<Hash> ImportRecordHashOfStatement(std::string_view statement_jcs) {
  std::vector<JsonMemberText> members;
  if (IsCanonicalJson(statement_jcs, &members)) {
    for (const auto& m : members) {
      if (m.key == "body" && !m.key_escaped) return ImportRecordHashOfCanonical(m.value);
    }
  }
  return Status::InvalidArgument("not an import statement in canonical form");
}

namespace {

// The record's identity: computed when the statement was prepared, else
// from the body's canonical text inside the statement's when the body is the
// statement's own (no second canonicalisation of the tree), else from the
// tree.
Result<Hash> RecordHashOfStep(const Step& step, const Json& body) {
  if (step.where == "body") {
    if (step.precomputed) return *step.precomputed;
    auto h = ImportRecordHashOfStatement(step.statement_jcs);
    if (h.ok()) return h;
  }
  return ImportRecordHashOf(body);
}

}  // namespace

Status ApplyImport(const Step& step, const Json& body) {
  BodyReader r = step.Reader(body);
  WL_RETURN_IF_ERROR(r.Shape({"record", "source", "from", "to", "carriers", "manifest", "waste", "name",
                              "hazards", "form", "packaging", "method", "permit", "mass_g", "received_g",
                              "date", "received", "note", "repeat"}));
  const Party* actor = step.ctx->find_party(step.actor);
  if (actor == nullptr || !actor->HasRole("regulator")) {
    return step.Refuse(fmt::format("only a regulator imports legacy records; \"{}\" is not one", step.actor));
  }
  WL_ASSIGN_OR_RETURN(std::string type, r.Str("record"));
  if (std::find(std::begin(kRecordTypes), std::end(kRecordTypes), type) == std::end(kRecordTypes)) {
    return r.Error("record", "must be manifest, generate, utilize, dispose or transfer");
  }
  WL_RETURN_IF_ERROR(CheckSource(r));
  WL_ASSIGN_OR_RETURN(std::string from, r.Str("from"));
  WL_RETURN_IF_ERROR(NeedRegistered(step, from, "the party").status());
  const bool moves = type == "manifest" || type == "transfer";
  std::string to;
  if (moves) {
    WL_ASSIGN_OR_RETURN(to, r.Str("to"));
    WL_RETURN_IF_ERROR(NeedRegistered(step, to, "the receiver").status());
  } else if (r.Has("to")) {
    return r.Error("to", fmt::format("has no place in a {} record", type));
  }
  std::vector<std::string> carriers;
  WL_ASSIGN_OR_RETURN(const Json* cs, r.Array("carriers", false, false));
  if (cs != nullptr) {
    for (size_t i = 0; i < cs->size(); ++i) {
      if (!(*cs)[i].is_string()) return Status::InvalidArgument(r.Item("carriers", i) + " must be a party id");
      carriers.push_back((*cs)[i].get<std::string>());
      WL_RETURN_IF_ERROR(NeedRegistered(step, carriers.back(), "carrier").status());
    }
  }
  WL_ASSIGN_OR_RETURN(std::string code, r.Str("waste"));
  WL_ASSIGN_OR_RETURN(WasteCodeInfo waste, step.NeedWaste(code, r.Path("waste")));
  WL_ASSIGN_OR_RETURN(std::string hazards, JoinHazards(r));
  for (const char* f : {"name", "form", "packaging", "permit", "note", "manifest"}) {
    WL_RETURN_IF_ERROR(r.OptStr(f).status());
  }
  if (r.Has("repeat")) WL_RETURN_IF_ERROR(r.Int("repeat", 2, 1000).status());
  WL_ASSIGN_OR_RETURN(auto method, r.OptStr("method"));
  WL_ASSIGN_OR_RETURN(int64_t mass, r.Mass("mass_g", 1));
  WL_ASSIGN_OR_RETURN(std::string date, NeedDay(r, "date"));
  std::optional<int64_t> received;
  std::string received_day;
  if (type == "manifest") {
    if (r.Has("received_g")) {
      WL_ASSIGN_OR_RETURN(received, r.Mass("received_g", 0));
    }
    if (r.Has("received")) {
      WL_ASSIGN_OR_RETURN(received_day, NeedDay(r, "received"));
      if (!received) return r.Error("received", "needs received_g");
    }
    if (received && received_day.empty()) return r.Error("received_g", "needs the date \"received\"");
    if (!received_day.empty() && received_day < date) {
      return r.Error("received", fmt::format("{} is before the transfer date {}", received_day, date));
    }
  } else {
    for (const char* f : {"received_g", "received", "carriers", "manifest"}) {
      if (r.Has(f)) return r.Error(f, fmt::format("has no place in a {} record", type));
    }
  }

  // Like a live entry's event time, a legacy date is not after the day the
  // record is logged (the same for every row of a batch: worked out once).
  thread_local std::pair<int64_t, int> logged_at{-1, 0};
  thread_local std::string logged_day;
  if (logged_at != std::pair{step.ctx->logged_unix_seconds, step.ctx->timezone_minutes}) {
    logged_at = {step.ctx->logged_unix_seconds, step.ctx->timezone_minutes};
    logged_day = FormatWithOffset(logged_at.first, logged_at.second).substr(0, 10);
  }
  for (const auto& [f, day] : {std::pair{"date", &date}, std::pair{"received", &received_day}}) {
    if (*day > logged_day) {
      return r.Error(f, fmt::format("{} is after the day it is logged ({})", *day, logged_day));
    }
  }

  WL_ASSIGN_OR_RETURN(Hash record, RecordHashOfStep(step, body));
  WL_ASSIGN_OR_RETURN(auto held, step.txn->get()(ImportedKey(record)));
  if (held && !held->empty()) {  // empty: imported, then voided
    WL_ASSIGN_OR_RETURN(int64_t at, DecodeGrams(*held));
    return step.Refuse(fmt::format("the same record was already imported at seq {}", at));
  }
  WL_RETURN_IF_ERROR(step.txn->PutRaw(ImportedKey(record), EncodeGrams(static_cast<int64_t>(step.seq))));

  Effect e = step.NewEffect();
  e.time = date + "T00:00:00" + FormatUtcOffset(step.ctx->timezone_minutes);
  Pools own(step, e, from, waste, hazards);
  if (type == "generate") {
    WL_RETURN_IF_ERROR(own.Grow(mass, kGenerated, date));
    return Finish(step, e);
  }
  if (type == "utilize" || type == "dispose") {
    WL_RETURN_IF_ERROR(own.Draw(mass, type, date).status());
    return Finish(step, e);
  }
  WL_ASSIGN_OR_RETURN(std::string lot, own.Draw(mass, "dispatch", date));
  step.txn->AddFlow(kPairFlows, PairDims(from, to, waste.code), date, kPairDispatched, mass);
  if (type == "transfer") {
    // A 台账 transfer is handed over: received in full the same day.
    received = mass;
    received_day = date;
  }
  Manifest line_view;
  line_view.producer = from;
  line_view.receiver = to;
  ManifestLine line;
  line.lot = lot;
  line.waste = waste.code;
  line.mass_g = mass;
  line.received_g = received.value_or(0);
  line.seq = step.seq;
  line_view.lines.push_back(line);
  if (received) {
    CountSettlement(*step.txn, line_view, received_day, +1);
    if (*received > 0) {
      // Into the pool of the transfer's year, as a live receipt's lot keeps
      // its source's birth: waste sent in December and treated in January is
      // the earlier year's (综合利用往年贮存量), counted as received on its day.
      Pools theirs(step, e, to, waste, hazards);
      WL_RETURN_IF_ERROR(theirs.Grow(*received, kReceived, received_day, date));
      const std::string_view treated = Treatment(method.value_or(""));
      if (!treated.empty()) WL_RETURN_IF_ERROR(theirs.Draw(*received, treated, received_day).status());
    }
  }
  WL_ASSIGN_OR_RETURN(auto number, r.OptStr("manifest"));
  if (type == "manifest" && number) {
    e.manifest = *number;
    WL_ASSIGN_OR_RETURN(auto existing, step.txn->GetManifest(*number));
    // An imported manifest whose every line was voided is made anew.
    if (existing && existing->imported && existing->voided_by && existing->lines.empty()) existing.reset();
    Manifest m;
    if (existing) {
      m = std::move(*existing);
      if (!m.imported) {
        return step.Refuse(fmt::format("manifest {} is a live manifest (dispatched at seq {})", *number,
                                       m.dispatch_seq));
      }
      if (m.producer != from || m.receiver != to) {
        return step.Refuse(fmt::format("manifest {} was imported from \"{}\" to \"{}\" (seq {}), not from \"{}\" to \"{}\"",
                                       *number, m.producer, m.receiver, m.dispatch_seq, from, to));
      }
      // Live entries went on from the imported lines (a carrier's pickup, the
      // receiver's receipt): a line added now would never be picked up or
      // received, and in transit for ever.
      if (m.custody.size() > 1) {
        return step.Refuse(fmt::format("manifest {} has been picked up by a live entry (seq {}): an import cannot "
                                       "add a line to it",
                                       *number, m.custody[1].seq));
      }
      if (m.receive_seq) {
        WL_ASSIGN_OR_RETURN(auto receipt, step.txn->GetEffect(*m.receive_seq));
        if (receipt && receipt->kind != "import") {
          return step.Refuse(fmt::format("manifest {} was received by a live entry (seq {}): an import cannot add "
                                         "a line to it",
                                         *number, *m.receive_seq));
        }
      }
      for (const auto& l : m.lines) {
        if (l.waste == waste.code) {
          return step.Refuse(
              fmt::format("manifest {} already has a line for {} (imported at seq {}) with other figures",
                          *number, waste.code, l.seq.value_or(m.dispatch_seq)));
        }
      }
    } else {
      m.number = *number;
      m.producer = from;
      m.receiver = to;
      m.carriers = carriers;
      m.custody.push_back({from, step.seq});
      m.dispatch_seq = step.seq;
      m.imported = true;
    }
    // Live dispatches number on from the highest serial used, imported ones
    // included (a legacy number in the standard form).
    if (auto parsed = ParseManifestNumber(*number); parsed.ok()) {
      WL_RETURN_IF_ERROR(step.txn->RaiseSerial(parsed->year, parsed->province, parsed->city, parsed->serial));
    }
    m.lines.push_back(line);
    if (received) m.receive_seq = step.seq;
    m.status = m.receive_seq ? "received" : "dispatched";
    WL_RETURN_IF_ERROR(step.txn->PutManifest(m));
  }
  return Finish(step, e);
}

namespace {

// An imported record's body, as ReverseImport reads it again.
struct RecordView {
  std::string type, from, to, code, date, received_day, treated;
  int64_t mass = 0;
  std::optional<int64_t> received;
  std::optional<std::string> number;
};

Result<RecordView> ViewRecord(const Json& body) {
  BodyReader r(body, "body");
  RecordView v;
  WL_ASSIGN_OR_RETURN(v.type, r.Str("record"));
  WL_ASSIGN_OR_RETURN(v.from, r.Str("from"));
  WL_ASSIGN_OR_RETURN(v.code, r.Str("waste"));
  WL_ASSIGN_OR_RETURN(v.date, r.Str("date"));
  WL_ASSIGN_OR_RETURN(v.mass, r.Mass("mass_g", 1));
  WL_ASSIGN_OR_RETURN(v.number, r.OptStr("manifest"));
  if (v.type == "manifest" || v.type == "transfer") {
    WL_ASSIGN_OR_RETURN(v.to, r.Str("to"));
  }
  if (v.type == "transfer") {
    v.received = v.mass;
    v.received_day = v.date;
  } else if (v.type == "manifest" && r.Has("received_g")) {
    WL_ASSIGN_OR_RETURN(v.received, r.Mass("received_g", 0));
    WL_ASSIGN_OR_RETURN(v.received_day, r.Str("received"));
  }
  if (v.received && *v.received > 0) {
    WL_ASSIGN_OR_RETURN(auto method, r.OptStr("method"));
    v.treated = std::string(Treatment(method.value_or("")));
  }
  return v;
}

// An imported manifest that keeps lines after the record at `target` (one
// of its lines) is voided: its dispatch is its earliest line left, and its
// receipt the latest line left that was received (none: dispatched, not
// received). Lines imported before their entries were kept on them leave
// the manifest as it is.
Status RenumberImportedManifest(const Step& step, uint64_t target, Manifest& m) {
  if (std::any_of(m.lines.begin(), m.lines.end(), [](const ManifestLine& l) { return !l.seq; })) {
    return Status::Ok();
  }
  if (m.dispatch_seq == target) {
    const auto first =
        std::min_element(m.lines.begin(), m.lines.end(),
                         [](const ManifestLine& a, const ManifestLine& b) { return *a.seq < *b.seq; });
    m.dispatch_seq = *first->seq;
    m.custody.front().seq = *first->seq;
  }
  if (m.receive_seq != target) return Status::Ok();
  std::optional<uint64_t> latest;
  for (const auto& l : m.lines) {
    WL_ASSIGN_OR_RETURN(std::string bytes, step.ctx->entry_bytes(*l.seq));
    WL_ASSIGN_OR_RETURN(ParsedEntry entry, ParseEntry(bytes));
    auto viewed = ViewRecord(entry.statement.json["body"]);
    if (!viewed.ok()) {
      return Status::Corruption(
          fmt::format("the imported record at seq {}: {}", *l.seq, viewed.status().message()));
    }
    if (viewed->received && (!latest || *l.seq > *latest)) latest = *l.seq;
  }
  m.receive_seq = latest;
  m.status = latest ? "received" : "dispatched";
  return Status::Ok();
}

}  // namespace

Status ReverseImport(const Step& step, uint64_t target, Effect& effect) {
  if (!step.ctx->entry_bytes) return Status::Corruption("void of an import: the log cannot be read here");
  WL_ASSIGN_OR_RETURN(std::string bytes, step.ctx->entry_bytes(target));
  WL_ASSIGN_OR_RETURN(ParsedEntry entry, ParseEntry(bytes));
  const Json& body = entry.statement.json["body"];
  auto viewed = ViewRecord(body);
  if (!viewed.ok()) {
    return Status::Corruption(
        fmt::format("the imported record at seq {}: {}", target, viewed.status().message()));
  }
  const RecordView& v = *viewed;
  const bool moves = !v.to.empty();
  // A record's draws are kept summed per pool; the producer's and the
  // receiver's are told apart by the pool's owner.
  if (moves && v.from == v.to && !v.treated.empty()) {
    return step.Refuse(fmt::format(
        "seq {} cannot be undone: it moves waste from \"{}\" to itself and treats it there", target, v.to));
  }

  // The manifest first: it may refuse.
  if (v.type == "manifest" && v.number) {
    WL_ASSIGN_OR_RETURN(auto found, step.txn->GetManifest(*v.number));
    if (!found) return Status::Corruption(fmt::format("domain index: manifest {} is missing", *v.number));
    Manifest m = std::move(*found);
    if (m.custody.size() > 1) {
      return step.Refuse(
          fmt::format("seq {} cannot be undone: manifest {} has a later pickup at seq {}; undo that first",
                      target, m.number, m.custody[1].seq));
    }
    if (m.receive_seq && *m.receive_seq != target) {
      WL_ASSIGN_OR_RETURN(auto receipt, step.txn->GetEffect(*m.receive_seq));
      if (receipt && receipt->kind != "import") {
        return step.Refuse(
            fmt::format("seq {} cannot be undone: manifest {} has a later receive at seq {}; undo that first",
                        target, m.number, *m.receive_seq));
      }
    }
    auto line = std::find_if(m.lines.begin(), m.lines.end(),
                             [&](const ManifestLine& l) { return l.waste == v.code; });
    if (line == m.lines.end()) {
      return Status::Corruption(
          fmt::format("domain index: manifest {} has no line for {}", m.number, v.code));
    }
    m.lines.erase(line);
    if (m.lines.empty()) {
      m.voided_by = step.seq;
      m.status = "voided";
    } else {
      WL_RETURN_IF_ERROR(RenumberImportedManifest(step, target, m));
    }
    WL_RETURN_IF_ERROR(step.txn->PutManifest(m));
  }

  // What it grew: the party's pool of the year (generate), the receiver's
  // pool of the transfer's year (a receipt).
  const auto shrink = [&](const std::string& party, const std::string& year_of, int64_t grams, size_t column,
                          const std::string& day) -> Status {
    const std::string id = PoolId(party, v.code, year_of.substr(0, 4));
    WL_ASSIGN_OR_RETURN(auto pool, step.txn->GetLot(id));
    if (!pool) return Status::Corruption(fmt::format("domain index: pool \"{}\" is missing", id));
    // Live entries drew on what it added: a signed entry would be left
    // having used mass that was never there.
    WL_ASSIGN_OR_RETURN(int64_t live, ReadGrams(step.txn->get(), LiveDrawnKey(id)));
    if (live > 0) {
      return step.Refuse(
          fmt::format("seq {} cannot be undone: live entries drew {} g on pool \"{}\" it added to; "
                      "void those first",
                      target, live, id));
    }
    return step.txn->GrowLot(*pool, -grams, column, day);
  };
  if (v.type == "generate") WL_RETURN_IF_ERROR(shrink(v.from, v.date, v.mass, kGenerated, v.date));
  if (moves) step.txn->AddFlow(kPairFlows, PairDims(v.from, v.to, v.code), v.date, kPairDispatched, -v.mass);
  if (v.received) {
    Manifest line_view;
    line_view.producer = v.from;
    line_view.receiver = v.to;
    ManifestLine line;
    line.waste = v.code;
    line.mass_g = v.mass;
    line.received_g = *v.received;
    line_view.lines.push_back(line);
    CountSettlement(*step.txn, line_view, v.received_day, -1);
    if (*v.received > 0) WL_RETURN_IF_ERROR(shrink(v.to, v.date, *v.received, kReceived, v.received_day));
  }
  // What it drew, back into the pools it came from.
  const std::string own_kind = moves ? "dispatch" : v.type;
  for (const auto& d : effect.drawn) {
    WL_ASSIGN_OR_RETURN(auto pool, step.txn->GetLot(d.lot));
    if (!pool) return Status::Corruption(fmt::format("domain index: pool \"{}\" is missing", d.lot));
    const bool own = pool->owner == v.from;
    WL_RETURN_IF_ERROR(
        step.txn->UndrawPoolLot(*pool, d.mass_g, own ? own_kind : v.treated, own ? v.date : v.received_day));
    WL_RETURN_IF_ERROR(step.txn->AddGrams(DrawKey(d.lot, target), -d.mass_g).status());
  }
  // The record is no longer held: the right one may be imported again.
  WL_ASSIGN_OR_RETURN(Hash record, ImportRecordHashOf(body));
  WL_RETURN_IF_ERROR(step.txn->PutRaw(ImportedKey(record), ""));
  effect.voided_by = step.seq;
  return step.txn->PutEffect(target, effect);
}

}  // namespace wasteledger::domain
