// The balance report against SQLite's GROUP BY over the same flows, at a
// million entries and (with --large) ten times that.
//
//   report_bench [--large] [--cache DIR]
//
// A city (a regulator, 50 producers, 5 carriers, 10 receivers with permits
// for the whole span, 20 listed waste codes) records ten years of lots day by
// day, 2016-2025: each lot is generated, dispatched on a manifest, picked up
// (hazardous waste always, general waste half the time), received (one in 40
// partly refused, the rest back at the producer) and utilized or disposed
// (incineration leaves 10% fly ash), with lags of a few days between steps,
// so stock and in-transit waste straddle period ends. The ledger is built
// the way an import fills one: per chunk of days, one sealed group per actor
// (one seal signature each), appended atomically under the CLI's rules
// (UseDomainRules), so the aggregates are the real ones. The same flows, one
// row per flow the balance report sums, go into a file-backed SQLite table.
// Both are kept under the cache directory and reused when present.
//
// Timed, warm (one untimed run first), median of WL_BENCH_REPORT_RUNS runs
// each: reports::Balance for 2025 on the ledger opened read-only, and the
// SQLite query computing the same opening, in-period and closing figures.
// The two must agree to the gram, row by row, or the benchmark fails.
//
// Settings: WL_BENCH_REPORT_ENTRIES (default 1000000; the large size is ten
// times it), WL_BENCH_LARGE=1 (as --large), WL_BENCH_CACHE (as --cache,
// default /tmp/wasteledger-bench), WL_BENCH_REPORT_RUNS (default 9, at least 5).
// RESULT lines, per size tag (small, large): <tag>.entries, <tag>.flows
// (SQLite rows), <tag>.rows (balance rows), <tag>.balance_ms, <tag>.sqlite_ms
// (medians), <tag>.sqlite_mb, and when the ledger was built in this run
// <tag>.build_seconds and <tag>.build_rate (entries/s, SQLite load excluded).
#include <fmt/ranges.h>
#include <sqlite3.h>

#include <array>
#include <fstream>
#include <future>
#include <map>
#include <optional>
#include <string_view>

#include "bench_util.h"
#include "wasteledger/manifest_number.h"
#include "wasteledger/merkle.h"
#include "wasteledger/reports/balance.h"

namespace wasteledger::bench {
namespace {

// ---- The city --------------------------------------------------------------

constexpr size_t kProducers = 50, kCarriers = 5, kReceivers = 10;
constexpr std::string_view kFlyAsh = "772-002-18";  // incineration fly ash, HW18
constexpr int kProvince = 41, kCityCode = 10;       // of the manifest numbers
constexpr int64_t kCapacityG = 1'000'000'000'000'000;

// Who takes a waste code and what they do with it.
struct Route {
  std::string_view activity;  // the statement kind: "utilize" or "dispose"
  std::string_view method;
  size_t first_receiver, receivers;
  bool hazardous;           // travels with a licensed carrier
  std::string_view output;  // secondary waste, 10% of the input; empty: none
};
constexpr Route kRoutes[] = {
    {"dispose", "D10", 0, 3, true, kFlyAsh},  // incinerators
    {"utilize", "R9", 3, 2, true, ""},        // waste oil regeneration
    {"utilize", "R5", 5, 2, false, ""},       // building materials
    {"dispose", "D1", 7, 1, false, ""},       // landfill
    {"utilize", "R5", 8, 2, false, ""},       // construction waste recycling
};

struct CodeSpec {
  std::string_view code;
  size_t route;
  uint64_t max_kg;  // a lot weighs max_kg / 10 .. max_kg * 1.1
};
// The codes producers generate; fly ash (kFlyAsh) is the twentieth.
constexpr CodeSpec kCodes[] = {
    {"900-041-49", 0, 2000}, {"900-039-49", 0, 1000}, {"900-252-12", 0, 3000}, {"900-404-06", 0, 2000},
    {"336-064-17", 0, 5000}, {"900-249-08", 1, 4000}, {"900-214-08", 1, 8000}, {"SW01", 2, 60000},
    {"SW02", 2, 80000},      {"SW04", 2, 100000},     {"SW06", 2, 40000},      {"SW03", 3, 30000},
    {"SW05", 3, 120000},     {"SW07", 3, 20000},      {"SW59", 3, 10000},      {"CW01", 4, 200000},
    {"CW03", 4, 50000},      {"CW04", 4, 80000},      {"CW05", 4, 20000},
};
constexpr size_t kCodeCount = std::size(kCodes);

struct City {
  Parties parties = MakeParties(kProducers);  // the regulator and the producers
  std::vector<SigningKey> carriers, receivers;
};

City MakeCity() {
  City city;
  for (size_t i = 0; i < kCarriers; ++i) city.carriers.push_back(MakeKey(fmt::format("carrier-{}", i)));
  for (size_t i = 0; i < kReceivers; ++i)
    city.receivers.push_back(MakeKey(fmt::format("receiver-{:02d}", i)));
  return city;
}

Json PartyRecord(const SigningKey& key, std::string_view role, Json permits) {
  const std::string& id = key.verifier().name();
  return {{"id", id},
          {"name", fmt::format("{} {}", role, id)},
          {"uscc", ""},
          {"roles", Json::array({role})},
          {"keys", Json::array({key.verifier().ToString()})},
          {"permits", std::move(permits)}};
}

// Receiver r's permit: the categories of every code routed to it.
Json ReceiverPermits(const WasteCatalogue& catalogue, size_t r) {
  Json wastes = Json::array();
  std::string_view activity;
  for (const CodeSpec& c : kCodes) {
    const Route& route = kRoutes[c.route];
    if (r < route.first_receiver || r >= route.first_receiver + route.receivers) continue;
    activity = route.activity;
    const std::string category = catalogue.Classify(c.code).category;
    if (std::find(wastes.begin(), wastes.end(), category) == wastes.end()) wastes.push_back(category);
  }
  return Json::array({{{"number", fmt::format("XK-{:02d}", r)},
                       {"activities", Json::array({activity})},
                       {"wastes", std::move(wastes)},
                       {"capacity_g", kCapacityG},
                       {"valid_from", "2015-01-01"},
                       {"valid_to", "2030-12-31"}}});
}

// Registers the carriers and receivers (the producers are in CreateLedger).
void RegisterHandlers(Ledger& ledger, const City& city, const WasteCatalogue& catalogue) {
  const SigningKey& reg = city.parties.regulator;
  std::vector<Submission> subs;
  for (const auto& k : city.carriers)
    subs.push_back(
        Sign(reg, Envelope("party", reg.verifier().name(), PartyRecord(k, "carrier", Json::array()))));
  for (size_t r = 0; r < kReceivers; ++r) {
    Json record = PartyRecord(city.receivers[r], "receiver", ReceiverPermits(catalogue, r));
    subs.push_back(Sign(reg, Envelope("party", reg.verifier().name(), std::move(record))));
  }
  Must(ledger.Append(Must(ledger.Prepare(std::move(subs)), "prepare handlers")), "append handlers");
}

// ---- The history -----------------------------------------------------------

// splitmix64: a small deterministic generator, the same on every platform.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
    z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
    return z ^ (z >> 31);
  }
  uint64_t Below(uint64_t n) { return Next() % n; }

 private:
  uint64_t state_;
};

// One lot's life, days counted from 1970-01-01.
struct Cycle {
  size_t producer = 0, receiver = 0, code = 0;
  std::optional<size_t> carrier;
  int64_t mass_g = 0, refused_g = 0;
  int64_t generated = 0, dispatched = 0, received = 0, treated = 0;
  std::string lot, manifest;

  int64_t received_g() const { return mass_g - refused_g; }
  uint64_t entries() const { return carrier ? 5 : 4; }
};

int64_t Day(int64_t y, unsigned m, unsigned d) { return DaysFromCivil(y, m, d); }

// The city's lots, generated in chunks of days, 2016-01-01 to 2025-12-31, at
// a rate that makes about `entries` entries.
class History {
 public:
  explicit History(uint64_t entries)
      : start_(Day(2016, 1, 1)),
        day_(start_),
        end_(Day(2026, 1, 1)),
        entries_per_day_(static_cast<double>(entries) / static_cast<double>(end_ - start_)),
        // Chunks of about 10,000 entries: one atomic batch each.
        chunk_days_(std::max<int64_t>(1, static_cast<int64_t>(10000 / entries_per_day_))) {}

  // The lots generated in the next chunk of days; empty at the end.
  std::vector<Cycle> NextChunk() {
    std::vector<Cycle> out;
    const int64_t stop = std::min(end_, day_ + chunk_days_);
    for (; day_ < stop; ++day_) {
      const double target = entries_per_day_ * static_cast<double>(day_ - start_ + 1);
      while (static_cast<double>(planned_) < target) {
        out.push_back(MakeCycle(day_));
        planned_ += out.back().entries();
      }
    }
    return out;
  }

 private:
  Cycle MakeCycle(int64_t day) {
    Cycle c;
    // Big producers generate more often: the smaller of two draws.
    c.producer = std::min(rng_.Below(kProducers), rng_.Below(kProducers));
    // Each producer has two codes.
    c.code = rng_.Below(2) == 0 ? c.producer % kCodeCount : (c.producer * 7 + 5) % kCodeCount;
    const Route& route = kRoutes[kCodes[c.code].route];
    c.receiver = route.first_receiver + rng_.Below(route.receivers);
    if (route.hazardous || rng_.Below(2) == 0) c.carrier = rng_.Below(kCarriers);
    const uint64_t max_kg = kCodes[c.code].max_kg;
    c.mass_g = static_cast<int64_t>((max_kg / 10 + rng_.Below(max_kg)) * 1000 + rng_.Below(1000));
    if (rng_.Below(40) == 0) c.refused_g = c.mass_g / 20;
    c.generated = day;
    c.dispatched = day + static_cast<int64_t>(rng_.Below(6));
    c.received = c.dispatched + static_cast<int64_t>(rng_.Below(2));
    c.treated = c.received + static_cast<int64_t>(rng_.Below(4));
    c.lot = fmt::format("L{:02d}-{:08d}", c.producer, ++lots_);
    int64_t year = 0;
    unsigned month = 0, mday = 0;
    CivilFromDays(c.dispatched, &year, &month, &mday);
    c.manifest = FormatManifestNumber(static_cast<int>(year), kProvince, kCityCode, ++serials_[year]);
    return c;
  }

  Rng rng_{20160101};
  int64_t start_, day_, end_;
  double entries_per_day_;
  int64_t chunk_days_;
  uint64_t planned_ = 0, lots_ = 0;
  std::map<int64_t, int> serials_;  // year -> last manifest serial
};

std::string DayString(int64_t day) {
  int64_t y = 0;
  unsigned m = 0, d = 0;
  CivilFromDays(day, &y, &m, &d);
  return fmt::format("{:04d}-{:02d}-{:02d}", y, m, d);
}

// Unix time of a local time of day (minutes after midnight) in the city's offset.
int64_t LocalTime(int64_t day, int64_t minutes) { return day * 86400 + (minutes - kTimezoneMinutes) * 60; }

// ---- Statements ------------------------------------------------------------

// Sealed groups in append order, with the seq each member will get.
class ChunkWriter {
 public:
  explicit ChunkWriter(uint64_t first_seq) : next_seq_(first_seq) {}
  // The seq the first member of the next group will get.
  uint64_t next_member_seq() const { return next_seq_ + 1; }
  // One seal by `key` over `members` (statements by key's party), then them.
  void Seal(const SigningKey& key, const std::vector<Json>& members) {
    if (members.empty()) return;
    std::vector<Hash> leaves;
    const size_t seal_at = subs_.size();
    subs_.emplace_back();
    for (const Json& m : members) {
      Submission& member = subs_.emplace_back();
      member.statement = Must(MakeStatement(m), "statement");
      member.seal_index = leaves.size();
      leaves.push_back(HashLeaf(AsBytes(member.statement.hash)));
    }
    Json body = {{"count", members.size()}, {"root", ToHex(RootFromLeafHashes(leaves))}};
    subs_[seal_at] = Sign(key, Envelope("seal", key.verifier().name(), std::move(body)));
    next_seq_ += members.size() + 1;
  }
  std::vector<Submission> Take() { return std::move(subs_); }

 private:
  std::vector<Submission> subs_;
  uint64_t next_seq_;
};

Json Generate(const std::string& actor, const Cycle& c) {
  Json body = {{"waste", kCodes[c.code].code}, {"mass_g", c.mass_g}, {"lot", c.lot}};
  if (kRoutes[kCodes[c.code].route].hazardous) body["hazards"] = Json::array({"T"});
  return Envelope("generate", actor, std::move(body), LocalTime(c.generated, 8 * 60));
}

Json Dispatch(const std::string& actor, const City& city, const Cycle& c) {
  Json carriers = Json::array();
  if (c.carrier) carriers.push_back(city.carriers[*c.carrier].verifier().name());
  Json line = {{"lot", c.lot}, {"waste", kCodes[c.code].code}, {"mass_g", c.mass_g}};
  Json body = {{"manifest", c.manifest},
               {"to", city.receivers[c.receiver].verifier().name()},
               {"carriers", std::move(carriers)},
               {"lines", Json::array({std::move(line)})}};
  return Envelope("dispatch", actor, std::move(body), LocalTime(c.dispatched, 10 * 60));
}

Json Pickup(const std::string& actor, const Cycle& c) {
  return Envelope("pickup", actor, {{"manifest", c.manifest}}, LocalTime(c.dispatched, 10 * 60 + 30));
}

Json Receive(const std::string& actor, const Cycle& c) {
  Json line = {{"line", 1}, {"received_g", c.received_g()}, {"refused_g", c.refused_g}};
  if (c.refused_g > 0) line["reason"] = "moisture above the contract limit";
  Json body = {{"manifest", c.manifest}, {"lines", Json::array({std::move(line)})}};
  return Envelope("receive", actor, std::move(body), LocalTime(c.received, 15 * 60));
}

// Utilize or dispose of the lot received at `receive_seq`.
Json Treat(const std::string& actor, const Cycle& c, uint64_t receive_seq) {
  const Route& route = kRoutes[kCodes[c.code].route];
  Json input = {{"lot", fmt::format("#{}/1", receive_seq)}, {"mass_g", c.received_g()}};
  Json body = {{"method", route.method}, {"inputs", Json::array({std::move(input)})}};
  if (!route.output.empty())
    body["outputs"] = Json::array({{{"waste", route.output}, {"mass_g", c.received_g() / 10}}});
  return Envelope(std::string(route.activity), actor, std::move(body), LocalTime(c.treated, 9 * 60));
}

// A chunk's statements, first seq `first_seq`: every producer's generates
// and dispatches, every carrier's pickups, every receiver's receives and
// treatments, one sealed group each.
std::vector<Submission> ChunkStatements(const City& city, const std::vector<Cycle>& cycles,
                                        uint64_t first_seq) {
  std::vector<std::vector<const Cycle*>> by_producer(kProducers), by_carrier(kCarriers),
      by_receiver(kReceivers);
  for (const Cycle& c : cycles) {
    by_producer[c.producer].push_back(&c);
    if (c.carrier) by_carrier[*c.carrier].push_back(&c);
    by_receiver[c.receiver].push_back(&c);
  }
  ChunkWriter w(first_seq);
  for (size_t p = 0; p < kProducers; ++p) {
    const SigningKey& key = city.parties.producers[p];
    std::vector<Json> members;
    for (const Cycle* c : by_producer[p]) members.push_back(Generate(key.verifier().name(), *c));
    for (const Cycle* c : by_producer[p]) members.push_back(Dispatch(key.verifier().name(), city, *c));
    w.Seal(key, members);
  }
  for (size_t k = 0; k < kCarriers; ++k) {
    std::vector<Json> members;
    for (const Cycle* c : by_carrier[k]) members.push_back(Pickup(city.carriers[k].verifier().name(), *c));
    w.Seal(city.carriers[k], members);
  }
  for (size_t r = 0; r < kReceivers; ++r) {
    const std::string& actor = city.receivers[r].verifier().name();
    const std::vector<const Cycle*>& mine = by_receiver[r];
    const uint64_t first_receive = w.next_member_seq();
    std::vector<Json> members;
    for (const Cycle* c : mine) members.push_back(Receive(actor, *c));
    for (size_t i = 0; i < mine.size(); ++i) members.push_back(Treat(actor, *mine[i], first_receive + i));
    w.Seal(city.receivers[r], members);
  }
  return w.Take();
}

// ---- Flows -----------------------------------------------------------------

// What the balance report sums: one row per flow of a party and code.
struct Flow {
  std::string_view party, waste;
  int64_t day;
  std::string_view kind;  // generated, secondary, received, returned, dispatched, utilized, disposed
  int64_t mass_g;
};

template <typename Fn>
void ForEachFlow(const City& city, const Cycle& c, Fn&& fn) {
  const std::string_view producer = city.parties.producers[c.producer].verifier().name();
  const std::string_view receiver = city.receivers[c.receiver].verifier().name();
  const std::string_view code = kCodes[c.code].code;
  const Route& route = kRoutes[kCodes[c.code].route];
  fn(Flow{producer, code, c.generated, "generated", c.mass_g});
  fn(Flow{producer, code, c.dispatched, "dispatched", c.mass_g});
  fn(Flow{receiver, code, c.received, "received", c.received_g()});
  if (c.refused_g > 0) fn(Flow{producer, code, c.received, "returned", c.refused_g});
  fn(Flow{receiver, code, c.treated, route.activity == "utilize" ? "utilized" : "disposed", c.received_g()});
  if (!route.output.empty()) fn(Flow{receiver, route.output, c.treated, "secondary", c.received_g() / 10});
}

// ---- Building ---------------------------------------------------------------

// Builds the ledger of about `entries` entries at `dir`; returns its size.
uint64_t BuildLedger(const std::string& dir, const City& city, const WasteCatalogue& catalogue,
                     uint64_t entries) {
  const double start = Now();
  auto ledger = CreateLedger(dir, city.parties);
  RegisterHandlers(*ledger, city, catalogue);
  History history(entries);
  // The next chunk is made and sealed on another thread while this one is appended.
  auto make = [&](uint64_t first) { return ChunkStatements(city, history.NextChunk(), first); };
  uint64_t planned = ledger->size();
  auto next = std::async(std::launch::async, make, planned);
  double last_note = start;
  for (;;) {
    std::vector<Submission> subs = next.get();
    if (subs.empty()) break;
    planned += subs.size();
    next = std::async(std::launch::async, make, planned);
    Must(ledger->Append(Must(ledger->Prepare(std::move(subs)), "prepare")), "append");
    if (Now() - last_note > 10) {
      last_note = Now();
      Note(fmt::format("  {} entries, {:.0f} s", ledger->size(), last_note - start));
    }
  }
  if (ledger->size() != planned) Die(fmt::format("built {} entries, planned {}", ledger->size(), planned));
  return ledger->size();
}

struct DbClose {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
struct StmtFinalize {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using Db = std::unique_ptr<sqlite3, DbClose>;
using Stmt = std::unique_ptr<sqlite3_stmt, StmtFinalize>;

Db OpenDb(const std::string& path) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open(path.c_str(), &raw);
  Db db(raw);
  if (rc != SQLITE_OK) Die(fmt::format("sqlite open {}: {}", path, sqlite3_errmsg(raw)));
  return db;
}

void Exec(sqlite3* db, const char* sql) {
  if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK)
    Die(fmt::format("sqlite: {}: {}", sql, sqlite3_errmsg(db)));
}

Stmt PrepareSql(sqlite3* db, const char* sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &raw, nullptr) != SQLITE_OK)
    Die(fmt::format("sqlite: {}: {}", sql, sqlite3_errmsg(db)));
  return Stmt(raw);
}

void BindText(sqlite3_stmt* s, int i, std::string_view text) {
  // A null destructor (SQLITE_STATIC): the text outlives the step.
  sqlite3_bind_text(s, i, text.data(), static_cast<int>(text.size()), nullptr);
}

// SQLite's best shot at the query: a covering index in GROUP BY order, so it
// reads the index alone and groups without a temporary B-tree (2.5x faster
// than one on (day), which covers 90% of the rows and then must sort them).
constexpr const char* kSqliteIndex = "CREATE INDEX flows_by_group ON flows(party, waste, day, kind, mass_g)";
// The file is named after the index, so a change of index rebuilds it.
constexpr const char* kFlowsFile = "flows-by-party-waste-day.sqlite";

// Loads the flows of the history into a new table at `path` (one
// transaction), then indexes and analyses it; returns the rows.
uint64_t BuildFlowsDb(const std::string& path, const City& city, uint64_t entries) {
  std::filesystem::remove(path);
  Db db = OpenDb(path);
  Exec(db.get(), "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF");
  Exec(db.get(), "CREATE TABLE flows(party TEXT, waste TEXT, day TEXT, kind TEXT, mass_g INTEGER)");
  Exec(db.get(), "BEGIN");
  Stmt insert = PrepareSql(db.get(), "INSERT INTO flows VALUES (?, ?, ?, ?, ?)");
  uint64_t rows = 0;
  auto add = [&](const Flow& f) {
    const std::string day = DayString(f.day);
    BindText(insert.get(), 1, f.party);
    BindText(insert.get(), 2, f.waste);
    BindText(insert.get(), 3, day);
    BindText(insert.get(), 4, f.kind);
    sqlite3_bind_int64(insert.get(), 5, f.mass_g);
    if (sqlite3_step(insert.get()) != SQLITE_DONE)
      Die(fmt::format("sqlite insert: {}", sqlite3_errmsg(db.get())));
    sqlite3_reset(insert.get());
    ++rows;
  };
  History history(entries);
  for (auto cycles = history.NextChunk(); !cycles.empty(); cycles = history.NextChunk()) {
    for (const Cycle& c : cycles) ForEachFlow(city, c, add);
  }
  Exec(db.get(), "COMMIT");
  Exec(db.get(), kSqliteIndex);
  Exec(db.get(), "ANALYZE");
  return rows;
}

// The cached ledger of about `entries` entries and its flows in SQLite,
// each built when missing (a ledger without its marker is rebuilt).
std::string CityDir(const std::string& cache, const City& city, const WasteCatalogue& catalogue,
                    uint64_t entries, const std::string& tag) {
  // v2: bump when the history, the city or the store format changes, so old
  // caches are not reused (v2: the store keeps the tree in tiles).
  const std::string dir = fmt::format("{}/report-city-v2-{}", cache, entries);
  if (std::filesystem::exists(dir + "/ledger.complete")) {
    Note(fmt::format("reusing {}/ledger", dir));
  } else {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    Note(fmt::format("building the city ledger of about {} entries in {}", entries, dir));
    const double start = Now();
    const uint64_t size = BuildLedger(dir + "/ledger", city, catalogue, entries);
    const double t = Now() - start;
    Report(tag + ".build_seconds", t);
    Report(tag + ".build_rate", static_cast<double>(size) / t);
    Note(fmt::format("built {} entries in {:.0f} s", size, t));
    std::ofstream(dir + "/ledger.complete") << size << " entries\n";
  }
  const std::string flows = dir + "/" + kFlowsFile;
  if (!std::filesystem::exists(flows)) {
    const double start = Now();
    const uint64_t rows = BuildFlowsDb(flows + ".tmp", city, entries);
    std::filesystem::rename(flows + ".tmp", flows);
    Note(fmt::format("loaded {} flows into SQLite in {:.0f} s", rows, Now() - start));
  }
  return dir;
}

// ---- The two reports ---------------------------------------------------------

// opening, generated, secondary, received, returned, dispatched, utilized, disposed, closing
using Figures = std::array<int64_t, 9>;
using BalanceTable = std::map<std::pair<std::string, std::string>, Figures>;  // party, waste

BalanceTable FromBalance(const reports::BalanceReport& report) {
  BalanceTable out;
  for (const auto& r : report.rows) {
    out[{r.party, r.waste}] = {r.opening_g,    r.generated_g, r.secondary_g, r.received_g, r.returned_g,
                               r.dispatched_g, r.utilized_g,  r.disposed_g,  r.closing_g};
  }
  return out;
}

// The balance in SQL: ?1 the first day of the period, ?2 the day after it.
constexpr const char* kBalanceSql = R"(
SELECT party, waste,
  SUM(CASE WHEN day < ?1 THEN sign * mass_g ELSE 0 END),
  SUM(CASE WHEN day >= ?1 AND kind IN ('generated', 'secondary') THEN mass_g ELSE 0 END),
  SUM(CASE WHEN day >= ?1 AND kind = 'secondary' THEN mass_g ELSE 0 END),
  SUM(CASE WHEN day >= ?1 AND kind IN ('received', 'returned') THEN mass_g ELSE 0 END),
  SUM(CASE WHEN day >= ?1 AND kind = 'returned' THEN mass_g ELSE 0 END),
  SUM(CASE WHEN day >= ?1 AND kind = 'dispatched' THEN mass_g ELSE 0 END),
  SUM(CASE WHEN day >= ?1 AND kind = 'utilized' THEN mass_g ELSE 0 END),
  SUM(CASE WHEN day >= ?1 AND kind = 'disposed' THEN mass_g ELSE 0 END),
  SUM(sign * mass_g)
FROM (SELECT party, waste, day, kind, mass_g,
        CASE WHEN kind IN ('dispatched', 'utilized', 'disposed') THEN -1 ELSE 1 END AS sign
      FROM flows WHERE day < ?2)
GROUP BY party, waste)";

// Runs the bound query; rows with every figure zero are left out, as the
// balance report leaves them out.
BalanceTable RunSql(sqlite3_stmt* query) {
  BalanceTable out;
  int rc = 0;
  while ((rc = sqlite3_step(query)) == SQLITE_ROW) {
    Figures f{};
    bool any = false;
    for (size_t i = 0; i < f.size(); ++i) {
      f[i] = sqlite3_column_int64(query, static_cast<int>(i + 2));
      any = any || f[i] != 0;
    }
    if (!any) continue;
    auto text = [&](int col) {
      return std::string(reinterpret_cast<const char*>(sqlite3_column_text(query, col)));
    };
    out[{text(0), text(1)}] = f;
  }
  if (rc != SQLITE_DONE) Die("sqlite query failed");
  sqlite3_reset(query);
  return out;
}

// Fails loudly unless both reports hold the same rows and figures.
void CheckSame(const BalanceTable& ledger, const BalanceTable& sql) {
  if (ledger.empty()) Die("the balance report has no rows");
  int shown = 0;
  auto show = [&](const std::pair<std::string, std::string>& key, const std::string& what) {
    if (shown++ < 5) fmt::print(stderr, "bench:   {} {}: {}\n", key.first, key.second, what);
  };
  for (const auto& [key, f] : ledger) {
    auto it = sql.find(key);
    if (it == sql.end()) {
      show(key, "missing in SQLite");
    } else if (it->second != f) {
      show(key, fmt::format("ledger {} != SQLite {}", fmt::join(f, " "), fmt::join(it->second, " ")));
    }
  }
  for (const auto& [key, f] : sql) {
    if (!ledger.count(key)) show(key, "missing in the balance report");
  }
  if (shown > 0) Die(fmt::format("the balance report and SQLite differ on {} rows", shown));
}

// Median wall time of `runs` calls of fn, in ms, after one untimed call.
template <typename Fn>
double MedianMs(uint64_t runs, Fn&& fn) {
  fn();
  std::vector<double> ms;
  for (uint64_t i = 0; i < runs; ++i) {
    const double t0 = Now();
    fn();
    ms.push_back((Now() - t0) * 1e3);
  }
  return MedianP99(ms).first;
}

// Builds or reuses the city of `entries`, times both reports for 2025,
// checks they agree; returns the balance median in ms.
double RunSize(const std::string& tag, uint64_t entries, const std::string& cache, const City& city,
               const WasteCatalogue& catalogue, uint64_t runs) {
  const std::string dir = CityDir(cache, city, catalogue, entries, tag);
  auto ledger = Must(Ledger::Open(dir + "/ledger", Ledger::Mode::kRead), "open " + dir);
  Db db = OpenDb(dir + "/" + kFlowsFile);
  // SQLite's best shot: the whole file fits its page cache (and the run before timing fills it).
  Exec(db.get(), "PRAGMA cache_size=-1048576; PRAGMA mmap_size=4294967296");
  Stmt query = PrepareSql(db.get(), kBalanceSql);
  const reports::BalanceOptions options{reports::Period{"2025-01-01", "2025-12-31"}, "", ""};
  const std::string next_day = reports::NextDay(options.period.to);
  BindText(query.get(), 1, options.period.from);
  BindText(query.get(), 2, next_day);

  const BalanceTable from_ledger =
      FromBalance(Must(reports::Balance(*ledger, catalogue, options), "balance"));
  const BalanceTable from_sql = RunSql(query.get());
  CheckSame(from_ledger, from_sql);
  Note(fmt::format("{} entries: the balance report and SQLite agree on {} rows", ledger->size(),
                   from_ledger.size()));

  const double balance_ms =
      MedianMs(runs, [&] { Must(reports::Balance(*ledger, catalogue, options), "balance"); });
  const double sqlite_ms = MedianMs(runs, [&] { RunSql(query.get()); });
  Stmt count = PrepareSql(db.get(), "SELECT COUNT(*) FROM flows");
  if (sqlite3_step(count.get()) != SQLITE_ROW) Die("sqlite count failed");
  Report(tag + ".entries", static_cast<double>(ledger->size()));
  Report(tag + ".flows", static_cast<double>(sqlite3_column_int64(count.get(), 0)));
  Report(tag + ".rows", static_cast<double>(from_ledger.size()));
  Report(tag + ".balance_ms", balance_ms);
  Report(tag + ".sqlite_ms", sqlite_ms);
  Report(tag + ".sqlite_mb", static_cast<double>(std::filesystem::file_size(dir + "/" + kFlowsFile)) / 1e6);
  Note(fmt::format("{} entries: balance {:.2f} ms, SQLite {:.1f} ms: {:.0f}x (target >= 10x)", ledger->size(),
                   balance_ms, sqlite_ms, sqlite_ms / balance_ms));
  return balance_ms;
}

struct Options {
  bool large = EnvU64("WL_BENCH_LARGE", 0) != 0;
  std::string cache = std::getenv("WL_BENCH_CACHE") != nullptr ? std::getenv("WL_BENCH_CACHE") : "";
};

Options ParseOptions(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--large") {
      o.large = true;
    } else if (arg == "--cache" && i + 1 < argc) {
      o.cache = argv[++i];
    } else {
      Die(fmt::format("unknown argument {}; usage: report_bench [--large] [--cache DIR]", arg));
    }
  }
  if (o.cache.empty()) o.cache = "/tmp/wasteledger-bench";
  return o;
}

int Main(int argc, char** argv) {
  InitCrypto();
  const Options options = ParseOptions(argc, argv);
  const uint64_t entries = EnvU64("WL_BENCH_REPORT_ENTRIES", 1000000);
  const uint64_t runs = std::max<uint64_t>(5, EnvU64("WL_BENCH_REPORT_RUNS", 9));
  const City city = MakeCity();
  const WasteCatalogue catalogue = Must(WasteCatalogue::Load(DefaultCatalogueDir()), "load the catalogue");
  const double small_ms = RunSize("small", entries, options.cache, city, catalogue, runs);
  if (options.large) {
    const double large_ms = RunSize("large", 10 * entries, options.cache, city, catalogue, runs);
    Note(fmt::format("balance at 10x the entries: {:.2f}x the time (target <= 1.2x)", large_ms / small_ms));
  }
  return 0;
}

}  // namespace
}  // namespace wasteledger::bench

int main(int argc, char** argv) { return wasteledger::bench::Main(argc, argv); }
