// DeepCheck: the flow aggregates and stock recomputed from the log, compared
// with the stored ones (deep_check.h).
#include "wasteledger/deep_check.h"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "domain_aggregate.h"
#include "domain_body.h"
#include "domain_permit.h"
#include "domain_store.h"
#include "wasteledger/domain_query.h"
#include "wasteledger/ledger.h"
#include "wasteledger/statement.h"

namespace wasteledger {

namespace {

using domain::BodyReader;
using domain::Counters;

constexpr uint64_t kProgressEvery = 4096;

// One lifecycle statement as it counts: a correction carries the kind, actor
// and event date of the entry it corrects, with its replacement body; lots it
// makes are named after its own seq.
struct Fact {
  uint64_t seq = 0;
  std::string kind, actor, date;
  Json body;
};

struct LotRow {
  std::string owner, waste, born;
  int64_t remaining_g = 0;
};

struct LineRow {
  std::string lot, waste;
  int64_t mass_g = 0;
};

struct ManifestRow {
  std::string producer, receiver;
  std::vector<LineRow> lines;
};

// What a receive entry says about one manifest line.
struct Receipt {
  int64_t received_g = 0;
  int64_t refused_g = 0;
  std::optional<std::string> waste;
};

bool IsLifecycle(std::string_view kind) {
  for (std::string_view k : {"generate", "dispatch", "pickup", "handover", "receive", "utilize", "dispose"}) {
    if (kind == k) return true;
  }
  return false;
}

// The folded log: lots and manifests made by live entries, and the flows per
// family x dims x day.
class Recomputation {
 public:
  explicit Recomputation(const Ledger& ledger) : ledger_(ledger) {}

  // Folds the entry at `seq`; errors name the seq.
  Status Entry(uint64_t seq, std::string_view bytes);
  // The flows rolled up into year, month and day aggregates, by stored key.
  std::map<std::string, Counters> Aggregates() const;
  // Grams remaining in the live lots, per owner and code (zeros left out).
  std::map<PartyWaste, int64_t> Stock() const;
  // The live lots (import pools included), by id.
  const std::map<std::string, LotRow>& Lots() const { return lots_; }

 private:
  Status Fold(uint64_t seq, Statement& st);
  Result<uint64_t> TargetOf(uint64_t seq, const Statement& st) const;
  // The fact of the entry at `seq` (read again from the log).
  Result<Fact> ReadFact(uint64_t seq) const;
  Result<Fact> Resolve(uint64_t seq, Statement& st) const;
  static Result<Fact> Replacement(Fact corrected, uint64_t seq, Statement& st);

  // Counts (sign +1) or takes back (-1) what a fact did.
  Status Apply(const Fact& f, int sign);
  Status Generate(const Fact& f, int sign);
  Status Dispatch(const Fact& f, int sign);
  Status Receive(const Fact& f, int sign);
  Status Process(const Fact& f, int sign);
  Status ReceiveLine(const Fact& f, const ManifestRow& m, size_t index, const Receipt& receipt, int sign);
  // import: the party's pools (one per party x code x year; draws oldest
  // year first, the shortfall below zero in the event year's pool).
  Status Import(uint64_t seq, const Statement& st);
  // void of the import at `seq`: takes back what Import counted for it.
  Status UndoImport(uint64_t seq, const Statement& st);
  // To the pool of the year of `born` (empty: the day's); the flow on `day`.
  void PoolAdd(const std::string& party, const std::string& waste, const std::string& day, int64_t mass,
               size_t column, const std::string& born = "");
  // Returns the first pool drawn on (a manifest line's lot, as the domain
  // records it).
  std::string PoolDraw(const std::string& party, const std::string& waste, const std::string& day, int64_t mass,
                       std::string_view kind);
  // Counts `grams` drawn (sign +1) or put back (-1) on `pool` for `kind`.
  void PoolTake(LotRow& pool, const std::string& day, std::string_view kind, int64_t grams, int sign);

  Result<LotRow*> FindLot(const std::string& id, std::string_view kind);
  void MakeLot(const std::string& id, LotRow row, int sign);
  void PartyFlow(const std::string& party, const std::string& waste, const std::string& day, size_t column,
                 int64_t delta);
  void PairFlow(const std::string& from, const std::string& to, const std::string& waste,
                const std::string& day, size_t column, int64_t delta);
  void Flow(char family, std::string dims, const std::string& day, size_t column, int64_t delta);

  const Ledger& ledger_;
  std::map<std::string, LotRow> lots_;
  std::map<std::string, ManifestRow> manifests_;
  std::map<std::pair<std::string, std::string>, std::set<std::string>> pool_years_;  // party, code -> years
  std::map<std::tuple<char, std::string, std::string>, Counters> days_;  // family, dims, day
  // Each import's draws, in log order (the pools by number), so that a void
  // puts back what the record took: the domain keeps them in its index.
  struct ImportDraw {
    uint64_t seq;
    uint32_t pool;
    int64_t grams;
  };
  std::vector<ImportDraw> import_draws_;
  std::map<std::string, uint32_t> pool_numbers_;
  std::vector<std::string> pool_ids_;
  uint64_t importing_ = 0;  // the seq of the import being folded
};

Status Recomputation::Entry(uint64_t seq, std::string_view bytes) {
  auto parsed = ParseEntry(bytes);
  Status s = parsed.ok() ? Fold(seq, parsed->statement) : parsed.status();
  if (s.ok()) return s;
  return Status::Corruption(fmt::format("seq {}: {}", seq, s.message()));
}

Status Recomputation::Fold(uint64_t seq, Statement& st) {
  if (st.kind == "import") return Import(seq, st);
  if (IsLifecycle(st.kind)) {
    WL_ASSIGN_OR_RETURN(Fact f, Resolve(seq, st));
    return Apply(f, +1);
  }
  if (st.kind != "void" && st.kind != "correct") return Status::Ok();
  WL_ASSIGN_OR_RETURN(uint64_t target, TargetOf(seq, st));
  {
    WL_ASSIGN_OR_RETURN(std::string bytes, ledger_.EntryBytes(target));
    WL_ASSIGN_OR_RETURN(ParsedEntry parsed, ParseEntry(bytes));
    if (parsed.statement.kind == "import") {
      if (st.kind != "void")
        return Status::Corruption(fmt::format("a correct of the import at seq {}", target));
      return UndoImport(target, parsed.statement).WithContext(fmt::format("void of seq {}", target));
    }
  }
  WL_ASSIGN_OR_RETURN(Fact undone, ReadFact(target));
  WL_RETURN_IF_ERROR(Apply(undone, -1));
  if (st.kind == "void") return Status::Ok();
  WL_ASSIGN_OR_RETURN(Fact replacement, Replacement(std::move(undone), seq, st));
  return Apply(replacement, +1);
}

Result<uint64_t> Recomputation::TargetOf(uint64_t seq, const Statement& st) const {
  BodyReader r(st.json["body"], st.kind + ": body");
  WL_ASSIGN_OR_RETURN(int64_t target, r.Int("seq", 0, INT64_MAX));
  if (static_cast<uint64_t>(target) >= seq) {
    return Status::Corruption(fmt::format("{} names seq {}, which is not an earlier entry", st.kind, target));
  }
  return static_cast<uint64_t>(target);
}

Result<Fact> Recomputation::ReadFact(uint64_t seq) const {
  WL_ASSIGN_OR_RETURN(std::string bytes, ledger_.EntryBytes(seq));
  WL_ASSIGN_OR_RETURN(ParsedEntry parsed, ParseEntry(bytes));
  auto f = Resolve(seq, parsed.statement);
  if (f.ok()) return f;
  return f.status().WithContext(fmt::format("target seq {}", seq));
}

Result<Fact> Recomputation::Resolve(uint64_t seq, Statement& st) const {
  if (st.kind == "correct") {
    WL_ASSIGN_OR_RETURN(uint64_t target, TargetOf(seq, st));
    WL_ASSIGN_OR_RETURN(Fact corrected, ReadFact(target));
    return Replacement(std::move(corrected), seq, st);
  }
  if (!IsLifecycle(st.kind)) {
    return Status::Corruption(
        fmt::format("a {} entry is not a lifecycle entry (void and correct undo only those)", st.kind));
  }
  return Fact{seq, st.kind, st.actor, domain::EventDate(st.time, ledger_.timezone_offset_minutes()),
              std::move(st.json["body"])};
}

Result<Fact> Recomputation::Replacement(Fact corrected, uint64_t seq, Statement& st) {
  Json& body = st.json["body"];
  if (!body.contains("body") || !body["body"].is_object()) {
    return Status::Corruption("correct: body.body must be an object");
  }
  corrected.seq = seq;
  corrected.body = std::move(body["body"]);
  return corrected;
}

Status Recomputation::Apply(const Fact& f, int sign) {
  if (f.kind == "generate") return Generate(f, sign);
  if (f.kind == "dispatch") return Dispatch(f, sign);
  if (f.kind == "receive") return Receive(f, sign);
  if (f.kind == "utilize" || f.kind == "dispose") return Process(f, sign);
  return Status::Ok();  // pickup, handover: custody only, no flow
}

Status Recomputation::Generate(const Fact& f, int sign) {
  BodyReader r(f.body, f.kind + ": body");
  WL_ASSIGN_OR_RETURN(std::string waste, r.Str("waste"));
  WL_ASSIGN_OR_RETURN(int64_t mass, r.Mass("mass_g", 1));
  WL_ASSIGN_OR_RETURN(auto given, r.OptStr("lot"));
  MakeLot(given.value_or(fmt::format("#{}", f.seq)), {f.actor, waste, f.date, mass}, sign);
  PartyFlow(f.actor, waste, f.date, domain::kGenerated, sign * mass);
  return Status::Ok();
}

Status Recomputation::Dispatch(const Fact& f, int sign) {
  BodyReader r(f.body, f.kind + ": body");
  WL_ASSIGN_OR_RETURN(std::string number, r.Str("manifest"));
  WL_ASSIGN_OR_RETURN(std::string to, r.Str("to"));
  WL_ASSIGN_OR_RETURN(const Json* lines, r.Array("lines", true, true));
  ManifestRow m{f.actor, to, {}};
  for (size_t i = 0; i < lines->size(); ++i) {
    BodyReader l((*lines)[i], r.Item("lines", i));
    LineRow line;
    WL_ASSIGN_OR_RETURN(line.lot, l.Str("lot"));
    WL_ASSIGN_OR_RETURN(line.waste, l.Str("waste"));
    WL_ASSIGN_OR_RETURN(line.mass_g, l.Mass("mass_g", 1));
    WL_ASSIGN_OR_RETURN(LotRow * lot, FindLot(line.lot, f.kind));
    lot->remaining_g -= sign * line.mass_g;
    PartyFlow(f.actor, line.waste, f.date, domain::kDispatched, sign * line.mass_g);
    PairFlow(f.actor, to, line.waste, f.date, domain::kPairDispatched, sign * line.mass_g);
    m.lines.push_back(std::move(line));
  }
  if (sign > 0) {
    manifests_[number] = std::move(m);
  } else {
    manifests_.erase(number);
  }
  return Status::Ok();
}

Status Recomputation::Receive(const Fact& f, int sign) {
  BodyReader r(f.body, f.kind + ": body");
  WL_ASSIGN_OR_RETURN(std::string number, r.Str("manifest"));
  auto found = manifests_.find(number);
  if (found == manifests_.end()) {
    return Status::Corruption(fmt::format("receive: manifest {} was not dispatched by a live entry", number));
  }
  const ManifestRow& m = found->second;
  std::map<size_t, Receipt> listed;  // line (1-based) -> receipt
  WL_ASSIGN_OR_RETURN(const Json* lines, r.Array("lines", false, false));
  for (size_t i = 0; lines != nullptr && i < lines->size(); ++i) {
    BodyReader l((*lines)[i], r.Item("lines", i));
    WL_ASSIGN_OR_RETURN(int64_t index, l.Int("line", 1, static_cast<int64_t>(m.lines.size())));
    Receipt& receipt = listed[static_cast<size_t>(index)];
    WL_ASSIGN_OR_RETURN(receipt.received_g, l.Mass("received_g", 0));
    WL_ASSIGN_OR_RETURN(receipt.refused_g, l.Mass("refused_g", 0));
    WL_ASSIGN_OR_RETURN(receipt.waste, l.OptStr("waste"));
  }
  const bool reject = r.Has("reject");
  for (size_t i = 1; i <= m.lines.size(); ++i) {
    auto it = listed.find(i);
    Receipt receipt;
    if (it != listed.end()) {
      receipt = it->second;
    } else if (reject) {
      receipt.refused_g = m.lines[i - 1].mass_g;
    }
    WL_RETURN_IF_ERROR(ReceiveLine(f, m, i, receipt, sign));
  }
  return Status::Ok();
}

// Line `index` (1-based) of manifest `m`: the receiver's lot, the producer's
// returned lot, and the settlement and pair flows.
Status Recomputation::ReceiveLine(const Fact& f, const ManifestRow& m, size_t index, const Receipt& receipt,
                                  int sign) {
  const LineRow& line = m.lines[index - 1];
  WL_ASSIGN_OR_RETURN(const LotRow* source, FindLot(line.lot, f.kind));
  const std::string born = source->born;
  const std::string id = fmt::format("#{}/{}", f.seq, index);
  if (receipt.received_g > 0) {
    const std::string code = receipt.waste.value_or(line.waste);
    MakeLot(id, {f.actor, code, born, receipt.received_g}, sign);
    PartyFlow(f.actor, code, f.date, domain::kReceived, sign * receipt.received_g);
  }
  if (receipt.refused_g > 0) MakeLot(id + "r", {m.producer, line.waste, born, receipt.refused_g}, sign);
  PartyFlow(m.producer, line.waste, f.date, domain::kReturned, sign * receipt.refused_g);
  PartyFlow(m.producer, line.waste, f.date, domain::kSettled, sign * line.mass_g);
  PartyFlow(m.producer, line.waste, f.date, domain::kTransitDiff,
            sign * (line.mass_g - receipt.received_g - receipt.refused_g));
  PairFlow(m.producer, m.receiver, line.waste, f.date, domain::kPairReceived, sign * receipt.received_g);
  PairFlow(m.producer, m.receiver, line.waste, f.date, domain::kPairReturned, sign * receipt.refused_g);
  return Status::Ok();
}

// utilize and dispose: inputs drawn from lots, outputs made into lots.
Status Recomputation::Process(const Fact& f, int sign) {
  BodyReader r(f.body, f.kind + ": body");
  const bool utilize = f.kind == "utilize";
  WL_ASSIGN_OR_RETURN(const Json* inputs, r.Array("inputs", true, true));
  for (size_t i = 0; i < inputs->size(); ++i) {
    BodyReader in((*inputs)[i], r.Item("inputs", i));
    WL_ASSIGN_OR_RETURN(std::string id, in.Str("lot"));
    WL_ASSIGN_OR_RETURN(int64_t mass, in.Mass("mass_g", 1));
    WL_ASSIGN_OR_RETURN(LotRow * lot, FindLot(id, f.kind));
    lot->remaining_g -= sign * mass;
    PartyFlow(f.actor, lot->waste, f.date, utilize ? domain::kUtilized : domain::kDisposed, sign * mass);
    if (lot->born.substr(0, 4) < f.date.substr(0, 4)) {
      PartyFlow(f.actor, lot->waste, f.date, utilize ? domain::kUtilizedPrior : domain::kDisposedPrior,
                sign * mass);
    }
  }
  WL_ASSIGN_OR_RETURN(const Json* outputs, r.Array("outputs", false, false));
  for (size_t i = 0; outputs != nullptr && i < outputs->size(); ++i) {
    BodyReader o((*outputs)[i], r.Item("outputs", i));
    WL_ASSIGN_OR_RETURN(std::string waste, o.Str("waste"));
    WL_ASSIGN_OR_RETURN(int64_t mass, o.Mass("mass_g", 1));
    WL_ASSIGN_OR_RETURN(auto given, o.OptStr("lot"));
    MakeLot(given.value_or(fmt::format("#{}/{}", f.seq, i + 1)), {f.actor, waste, f.date, mass}, sign);
    PartyFlow(f.actor, waste, f.date, domain::kSecondary, sign * mass);
  }
  return Status::Ok();
}

// What every import record names: its type, party, code, mass and date.
struct ImportHead {
  std::string type, from, waste;
  int64_t mass = 0;
  std::string date;
};

Result<ImportHead> ReadImportHead(const BodyReader& r) {
  ImportHead h;
  WL_ASSIGN_OR_RETURN(h.type, r.Str("record"));
  WL_ASSIGN_OR_RETURN(h.from, r.Str("from"));
  WL_ASSIGN_OR_RETURN(h.waste, r.Str("waste"));
  WL_ASSIGN_OR_RETURN(h.mass, r.Mass("mass_g", 1));
  WL_ASSIGN_OR_RETURN(h.date, r.Str("date"));
  return h;
}

Status Recomputation::Import(uint64_t seq, const Statement& st) {
  importing_ = seq;
  const Json& body = st.json["body"];
  BodyReader r(body, "import: body");
  WL_ASSIGN_OR_RETURN(ImportHead head, ReadImportHead(r));
  const auto& [type, from, waste, mass, date] = head;
  if (type == "generate") {
    PoolAdd(from, waste, date, mass, domain::kGenerated);
    return Status::Ok();
  }
  if (type == "utilize" || type == "dispose") {
    PoolDraw(from, waste, date, mass, type);
    return Status::Ok();
  }
  WL_ASSIGN_OR_RETURN(std::string to, r.Str("to"));
  const std::string lot = PoolDraw(from, waste, date, mass, "dispatch");
  PairFlow(from, to, waste, date, domain::kPairDispatched, mass);
  int64_t received = mass;
  std::string day = date;
  if (type == "manifest") {
    // An imported manifest a live entry may receive: one whose lines left
    // are all unreceived (the domain refuses a live receipt of any other,
    // and takes a voided line off the manifest). Its unreceived lines are
    // kept, in order: those are its lines once its received ones, if any,
    // are voided. A manifest imported received has no row: a million
    // received ones take no memory.
    WL_ASSIGN_OR_RETURN(auto number, r.OptStr("manifest"));
    if (number && !r.Has("received_g")) {
      auto [m, made] = manifests_.try_emplace(*number, ManifestRow{from, to, {}});
      m->second.lines.push_back({lot, waste, mass});
    }
    if (!r.Has("received_g")) return Status::Ok();  // not received (yet)
    WL_ASSIGN_OR_RETURN(received, r.Mass("received_g", 0));
    WL_ASSIGN_OR_RETURN(day, r.Str("received"));
  }
  PartyFlow(from, waste, day, domain::kSettled, mass);
  PartyFlow(from, waste, day, domain::kTransitDiff, mass - received);
  PairFlow(from, to, waste, day, domain::kPairReceived, received);
  if (received == 0) return Status::Ok();
  PoolAdd(to, waste, day, received, domain::kReceived, date);
  WL_ASSIGN_OR_RETURN(auto method, r.OptStr("method"));
  if (method && method->front() == 'R') PoolDraw(to, waste, day, received, "utilize");
  if (method && method->front() == 'D') PoolDraw(to, waste, day, received, "dispose");
  return Status::Ok();
}

void Recomputation::PoolAdd(const std::string& party, const std::string& waste, const std::string& day,
                            int64_t mass, size_t column, const std::string& born) {
  const std::string& pool_day = born.empty() ? day : born;
  const std::string year = pool_day.substr(0, 4);
  auto [it, made] = lots_.try_emplace(fmt::format("#import/{}/{}/{}", party, waste, year),
                                      LotRow{party, waste, pool_day, 0});
  pool_years_[{party, waste}].insert(year);
  it->second.remaining_g += mass;
  PartyFlow(party, waste, day, column, mass);
}

void Recomputation::PoolTake(LotRow& pool, const std::string& day, std::string_view kind, int64_t grams,
                             int sign) {
  const size_t column = kind == "dispatch" ? domain::kDispatched
                        : kind == "utilize" ? domain::kUtilized
                                            : domain::kDisposed;
  pool.remaining_g -= sign * grams;
  PartyFlow(pool.owner, pool.waste, day, column, sign * grams);
  if (kind != "dispatch" && pool.born.substr(0, 4) < day.substr(0, 4)) {
    PartyFlow(pool.owner, pool.waste, day,
              kind == "utilize" ? domain::kUtilizedPrior : domain::kDisposedPrior, sign * grams);
  }
}

Status Recomputation::UndoImport(uint64_t seq, const Statement& st) {
  const Json& body = st.json["body"];
  BodyReader r(body, "import: body");
  WL_ASSIGN_OR_RETURN(ImportHead head, ReadImportHead(r));
  const auto& [type, from, waste, mass, date] = head;
  const bool moves = type == "manifest" || type == "transfer";
  std::string to, day = date, treated;
  std::optional<int64_t> received;
  if (moves) {
    WL_ASSIGN_OR_RETURN(to, r.Str("to"));
  }
  if (type == "transfer") received = mass;
  if (type == "manifest" && r.Has("received_g")) {
    WL_ASSIGN_OR_RETURN(received, r.Mass("received_g", 0));
    WL_ASSIGN_OR_RETURN(day, r.Str("received"));
  }
  if (received && *received > 0) {
    WL_ASSIGN_OR_RETURN(auto method, r.OptStr("method"));
    if (method && method->front() == 'R') treated = "utilize";
    if (method && method->front() == 'D') treated = "dispose";
  }
  if (type == "generate") PoolAdd(from, waste, date, -mass, domain::kGenerated);
  if (moves) PairFlow(from, to, waste, date, domain::kPairDispatched, -mass);
  if (received) {
    PartyFlow(from, waste, day, domain::kSettled, -mass);
    PartyFlow(from, waste, day, domain::kTransitDiff, -(mass - *received));
    PairFlow(from, to, waste, day, domain::kPairReceived, -*received);
    if (*received > 0) PoolAdd(to, waste, day, -*received, domain::kReceived, date);
  } else if (type == "manifest") {
    WL_ASSIGN_OR_RETURN(auto number, r.OptStr("manifest"));
    auto m = number ? manifests_.find(*number) : manifests_.end();
    if (m != manifests_.end()) {
      std::erase_if(m->second.lines, [&](const LineRow& l) { return l.waste == waste; });
      if (m->second.lines.empty()) manifests_.erase(m);
    }
  }
  const std::string own_kind = moves ? "dispatch" : type;
  auto it = std::lower_bound(import_draws_.begin(), import_draws_.end(), seq,
                             [](const ImportDraw& d, uint64_t s) { return d.seq < s; });
  for (; it != import_draws_.end() && it->seq == seq; ++it) {
    LotRow& pool = lots_[pool_ids_[it->pool]];
    const bool own = pool.owner == from;
    PoolTake(pool, own ? date : day, own ? std::string_view(own_kind) : std::string_view(treated), it->grams,
             -1);
  }
  return Status::Ok();
}

std::string Recomputation::PoolDraw(const std::string& party, const std::string& waste,
                                    const std::string& day, int64_t mass, std::string_view kind) {
  std::string first;
  const std::string year = day.substr(0, 4);
  auto take = [&](const std::string& id, int64_t grams) {
    PoolTake(lots_[id], day, kind, grams, +1);
    auto [at, fresh] = pool_numbers_.try_emplace(id, static_cast<uint32_t>(pool_ids_.size()));
    if (fresh) pool_ids_.push_back(id);
    if (!import_draws_.empty() && import_draws_.back().seq == importing_ &&
        import_draws_.back().pool == at->second) {
      import_draws_.back().grams += grams;
    } else {
      import_draws_.push_back({importing_, at->second, grams});
    }
  };
  for (const std::string& y : pool_years_[{party, waste}]) {
    if (mass == 0 || y > year) break;
    const std::string id = fmt::format("#import/{}/{}/{}", party, waste, y);
    const LotRow& pool = lots_[id];
    if (pool.remaining_g <= 0) continue;
    const int64_t grams = std::min(mass, pool.remaining_g);
    take(id, grams);
    if (first.empty()) first = fmt::format("#import/{}/{}/{}", party, waste, y);
    mass -= grams;
  }
  if (mass == 0) return first;
  PoolAdd(party, waste, day, 0, domain::kGenerated);  // the year's pool, made if new
  const std::string pool = fmt::format("#import/{}/{}/{}", party, waste, year);
  take(pool, mass);
  return first.empty() ? pool : first;
}

Result<LotRow*> Recomputation::FindLot(const std::string& id, std::string_view kind) {
  auto it = lots_.find(id);
  if (it == lots_.end()) {
    return Status::Corruption(fmt::format("{}: lot \"{}\" was not made by a live entry", kind, id));
  }
  return &it->second;
}

void Recomputation::MakeLot(const std::string& id, LotRow row, int sign) {
  if (sign > 0) {
    lots_[id] = std::move(row);
  } else {
    lots_.erase(id);
  }
}

void Recomputation::PartyFlow(const std::string& party, const std::string& waste, const std::string& day,
                              size_t column, int64_t delta) {
  Flow(domain::kPartyFlows, domain::PartyDims(party, waste), day, column, delta);
}

void Recomputation::PairFlow(const std::string& from, const std::string& to, const std::string& waste,
                             const std::string& day, size_t column, int64_t delta) {
  Flow(domain::kPairFlows, domain::PairDims(from, to, waste), day, column, delta);
}

void Recomputation::Flow(char family, std::string dims, const std::string& day, size_t column,
                         int64_t delta) {
  if (delta == 0) return;
  Counters& c = days_[{family, std::move(dims), day}];
  if (c.empty())
    c.assign(family == domain::kPartyFlows ? size_t{domain::kPartyColumns} : size_t{domain::kPairColumns}, 0);
  c[column] += delta;
}

std::map<std::string, Counters> Recomputation::Aggregates() const {
  std::map<std::string, Counters> out;
  for (const auto& [key, counters] : days_) {
    const auto& [family, dims, day] = key;
    for (char grain : domain::kGrains) {
      domain::AddCounters(out[domain::AggregateKey(family, grain, domain::PeriodOf(day, grain), dims)],
                          counters);
    }
  }
  return out;
}

std::map<PartyWaste, int64_t> Recomputation::Stock() const {
  std::map<PartyWaste, int64_t> out;
  for (const auto& [id, lot] : lots_) {
    if (lot.remaining_g != 0) out[{lot.owner, lot.waste}] += lot.remaining_g;
  }
  return out;
}

// --- Comparison -------------------------------------------------------------

constexpr std::string_view kPartyColumnNames[] = {
    "generated_g", "secondary_g",      "received_g",       "returned_g", "dispatched_g",   "utilized_g",
    "disposed_g",  "utilized_prior_g", "disposed_prior_g", "settled_g",  "transit_diff_g", "reversals"};
constexpr std::string_view kPairColumnNames[] = {"dispatched_g", "received_g", "returned_g"};
static_assert(std::size(kPartyColumnNames) == domain::kPartyColumns);
static_assert(std::size(kPairColumnNames) == domain::kPairColumns);

std::string ColumnName(bool party, size_t column) {
  if (party && column < std::size(kPartyColumnNames)) return std::string(kPartyColumnNames[column]);
  if (!party && column < std::size(kPairColumnNames)) return std::string(kPairColumnNames[column]);
  return fmt::format("column {}", column + 1);
}

std::string_view GrainName(char grain) {
  switch (grain) {
    case 'Y':
      return "year";
    case 'M':
      return "month";
    case 'D':
      return "day";
    default:
      return "?";
  }
}

std::vector<std::string_view> SplitAtNul(std::string_view s) {
  std::vector<std::string_view> parts;
  for (size_t nul = s.find('\0'); nul != std::string_view::npos; nul = s.find('\0')) {
    parts.push_back(s.substr(0, nul));
    s.remove_prefix(nul + 1);
  }
  parts.push_back(s);
  return parts;
}

// "aggregate day 2026-03-01 p1 900-041-49" or
// "pair flow month 2026-03 p1 -> r2 900-041-49" (domain_aggregate.h grammar).
std::string DescribeKey(std::string_view key) {
  if (key.size() >= 3) {
    const std::vector<std::string_view> p = SplitAtNul(key.substr(3));
    const std::string_view grain = GrainName(key[2]);
    if (key[1] == domain::kPartyFlows && p.size() == 3) {
      return fmt::format("aggregate {} {} {} {}", grain, p[0], p[1], p[2]);
    }
    if (key[1] == domain::kPairFlows && p.size() == 4) {
      return fmt::format("pair flow {} {} {} -> {} {}", grain, p[0], p[1], p[2], p[3]);
    }
  }
  std::string shown(key);
  std::replace(shown.begin(), shown.end(), '\0', '|');
  return fmt::format("aggregate key \"{}\"", shown);
}

int64_t At(const Counters* c, size_t i) { return c != nullptr && i < c->size() ? (*c)[i] : 0; }

// Calls fn(key, a's value or nullptr, b's value or nullptr) for every key of
// either map, in key order.
template <typename K, typename V, typename Fn>
void ForEachKey(const std::map<K, V>& a, const std::map<K, V>& b, Fn fn) {
  auto i = a.begin();
  auto j = b.begin();
  while (i != a.end() || j != b.end()) {
    if (j == b.end() || (i != a.end() && i->first < j->first)) {
      fn(i->first, &i->second, nullptr);
      ++i;
    } else if (i == a.end() || j->first < i->first) {
      fn(j->first, nullptr, &j->second);
      ++j;
    } else {
      fn(i->first, &i->second, &j->second);
      ++i;
      ++j;
    }
  }
}

void CompareCounters(const std::string& key, const Counters* stored, const Counters* recomputed,
                     std::vector<std::string>& out) {
  const bool party = key.size() > 1 && key[1] == domain::kPartyFlows;
  const size_t width = std::max(stored ? stored->size() : 0, recomputed ? recomputed->size() : 0);
  for (size_t column = 0; column < width; ++column) {
    if (party && column == domain::kReversals) continue;  // not recomputed
    const int64_t s = At(stored, column), r = At(recomputed, column);
    if (s != r) {
      out.push_back(
          fmt::format("{}: {} stored {} recomputed {}", DescribeKey(key), ColumnName(party, column), s, r));
    }
  }
}

void CompareAggregates(const std::map<std::string, Counters>& stored,
                       const std::map<std::string, Counters>& recomputed, DeepReport& report) {
  ForEachKey(stored, recomputed, [&](const std::string& key, const Counters* s, const Counters* r) {
    ++report.aggregates;
    CompareCounters(key, s, r, report.differences);
  });
}

void CompareStock(const std::map<PartyWaste, int64_t>& stored,
                  const std::map<PartyWaste, int64_t>& recomputed, DeepReport& report) {
  ForEachKey(stored, recomputed, [&](const PartyWaste& key, const int64_t* s, const int64_t* r) {
    ++report.stock_rows;
    const int64_t sv = s ? *s : 0, rv = r ? *r : 0;
    if (sv != rv) {
      report.differences.push_back(
          fmt::format("stock {} {}: stored {} recomputed {}", key.first, key.second, sv, rv));
    }
  });
}

// Every stored lot record against the recomputed live lots: a live record
// must be a lot the log makes, with its owner, code and remaining mass; a
// voided one must be a lot no live entry makes; and a lot the log makes
// must be stored, live.
Status CompareLots(const Ledger& ledger, const std::map<std::string, LotRow>& recomputed, DeepReport& report) {
  std::set<std::string_view> seen;
  Status scan = ledger.ScanIndex("XL", [&](std::string_view key, std::string_view value) {
    ++report.lots;
    const std::string id(key.substr(2));
    auto lot = domain::DecodeLot(value);
    if (!lot.ok()) {
      report.differences.push_back(fmt::format("lot \"{}\": the stored record does not decode: {}", id,
                                               lot.status().message()));
      return true;
    }
    auto it = recomputed.find(id);
    if (lot->voided_by) {
      if (it != recomputed.end()) {
        report.differences.push_back(
            fmt::format("lot \"{}\": stored voided (by seq {}), but the log leaves it live", id, *lot->voided_by));
        seen.insert(it->first);
      }
      return true;
    }
    if (it == recomputed.end()) {
      report.differences.push_back(fmt::format("lot \"{}\": stored live, but no live entry of the log makes it", id));
      return true;
    }
    seen.insert(it->first);
    const LotRow& r = it->second;
    if (lot->owner != r.owner || lot->waste != r.waste) {
      report.differences.push_back(fmt::format("lot \"{}\": stored as {} {}, recomputed as {} {}", id, lot->owner,
                                               lot->waste, r.owner, r.waste));
    }
    if (lot->remaining_g != r.remaining_g) {
      report.differences.push_back(
          fmt::format("lot \"{}\": remaining_g stored {} recomputed {}", id, lot->remaining_g, r.remaining_g));
    }
    return true;
  });
  WL_RETURN_IF_ERROR(scan);
  for (const auto& [id, row] : recomputed) {
    if (seen.count(id) == 0) {
      ++report.lots;
      report.differences.push_back(fmt::format("lot \"{}\": the log makes it ({} {}), but it is not stored", id,
                                               row.owner, row.waste));
    }
  }
  return Status::Ok();
}

Result<std::map<PartyWaste, int64_t>> StoredStock(const Ledger& ledger) {
  WL_ASSIGN_OR_RETURN(auto all, StockAll(ledger));
  std::map<PartyWaste, int64_t> out;
  for (const auto& [party, codes] : all) {
    for (const auto& [waste, grams] : codes) out[{party, waste}] = grams;
  }
  return out;
}

}  // namespace

Result<DeepReport> DeepCheck(const Ledger& ledger,
                             const std::function<void(uint64_t done, uint64_t total)>& progress) {
  DeepReport report;
  Recomputation fold(ledger);
  Status failed;
  WL_RETURN_IF_ERROR(ledger.ScanEntries(0, ledger.size(), [&](uint64_t seq, std::string_view bytes) {
    failed = fold.Entry(seq, bytes);
    if (!failed.ok()) return false;
    ++report.entries;
    if (progress && report.entries % kProgressEvery == 0) progress(report.entries, ledger.size());
    return true;
  }));
  WL_RETURN_IF_ERROR(failed);
  if (progress) progress(report.entries, ledger.size());
  WL_ASSIGN_OR_RETURN(auto stored, StoredAggregates(ledger));
  CompareAggregates(stored, fold.Aggregates(), report);
  WL_ASSIGN_OR_RETURN(auto stock, StoredStock(ledger));
  CompareStock(stock, fold.Stock(), report);
  WL_RETURN_IF_ERROR(CompareLots(ledger, fold.Lots(), report));
  return report;
}

}  // namespace wasteledger
