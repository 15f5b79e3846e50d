// DeepCheck (verify --deep): a random history of every lifecycle kind, voids
// and corrections matches its recomputation; aggregates and stock edited in
// RocksDB behind the ledger's back are named one difference per figure.
#include "wasteledger/deep_check.h"

#include <fmt/format.h>
#include <rocksdb/db.h>

#include <functional>
#include <memory>
#include <random>

#include "domain_aggregate.h"
#include "store.h"
#include "domain_fixture.h"
#include "domain_store.h"
#include "wasteledger/manifest_number.h"

namespace wasteledger::testing {
namespace {

const char* kHw = "900-041-49";
const char* kAsh = "772-002-18";

// --- A random history --------------------------------------------------------

struct HistoryCounts {
  int generates = 0, dispatches = 0, receipts = 0, refusals = 0, processes = 0, outputs = 0, voids = 0,
      corrections = 0;
};

// Lowers the first mass_g or received_g above 1 (in JSON member order) by up
// to half; false when there is none.
bool Shrink(Json& j, std::mt19937& rng) {
  if (j.is_array()) {
    for (auto& v : j) {
      if (Shrink(v, rng)) return true;
    }
    return false;
  }
  if (!j.is_object()) return false;
  for (auto& member : j.items()) {
    Json& v = member.value();
    if ((member.key() == "mass_g" || member.key() == "received_g") && v.is_number_integer() &&
        v.get<int64_t>() > 1) {
      const int64_t g = v.get<int64_t>();
      v = g - 1 - std::uniform_int_distribution<int64_t>(0, g / 2 - 1)(rng);
      return true;
    }
    if (Shrink(v, rng)) return true;
  }
  return false;
}

// Appends random statements of every lifecycle kind; the ledger refuses the
// ones its rules forbid (drawing on a voided lot, undoing a drawn-on lot...),
// which are skipped. Generation falls in 2025 or 2026; transfers and
// processing in 2026, when the receivers' permits are valid.
class RandomHistory {
 public:
  RandomHistory(DomainFixture& f, uint32_t seed) : f_(f), rng_(seed) {}

  void Run(int steps) {
    for (int i = 0; i < steps; ++i) Step();
  }
  HistoryCounts counts;

 private:
  size_t Pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
  int64_t Grams(int64_t max) { return 1 + static_cast<int64_t>(Pick(static_cast<size_t>(max))); }
  // January to November only: every date is then in the past whenever the
  // test runs (an event dated after the logged time is refused, and the
  // history would change with the day it runs).
  std::string Time(int year) {
    return fmt::format("{:04d}-{:02d}-{:02d}T10:00:00+08:00", year, Pick(11) + 1, Pick(28) + 1);
  }
  std::vector<Lot> LotsOf(const SigningKey& who) {
    auto lots = ListLots(f_.ledger(), {who.verifier().name(), "", false, false});
    REQUIRE(lots.ok());
    return *lots;
  }

  void Step() {
    const std::vector<const SigningKey*> holders = {&f_.p1, &f_.p3, &f_.r1, &f_.r2};
    const SigningKey& who = *holders[Pick(holders.size())];
    const bool producer = &who != &f_.r2;
    const std::vector<Lot> lots = LotsOf(who);
    const size_t op = Pick(7);
    if (producer && (op == 0 || lots.empty())) {
      Generate(who);
    } else if (op == 1 && producer && !lots.empty()) {
      Dispatch(who, lots);
    } else if (op == 2) {
      Receive();
    } else if (op == 3 || op == 4) {
      Undo(op == 4);
    } else if (!lots.empty()) {
      Process(who, lots);
    }
  }

  void Generate(const SigningKey& who) {
    Json body = {{"waste", Pick(3) ? kHw : kAsh}, {"mass_g", Grams(100000)}};
    if (Pick(2)) body["lot"] = fmt::format("G-{}", ++lot_ids_);
    if (Append(f_.S(who, "generate", body, Time(Pick(2) ? 2025 : 2026)))) ++counts.generates;
  }

  void Dispatch(const SigningKey& who, const std::vector<Lot>& lots) {
    Json lines = Json::array();
    for (size_t i = 0, n = std::min<size_t>(lots.size(), 1 + Pick(2)); i < n; ++i) {
      const Lot& lot = lots[i];
      lines.push_back({{"lot", lot.id}, {"waste", lot.waste}, {"mass_g", Grams(lot.remaining_g)}});
    }
    const std::string to = &who == &f_.r1 || Pick(2) ? "r2" : "r1";
    Json body = {
        {"manifest", FormatManifestNumber(2026, 41, 10, ++manifests_)}, {"to", to}, {"lines", lines}};
    if (Append(f_.S(who, "dispatch", body, Time(2026)))) ++counts.dispatches;
  }

  void Receive() {
    auto all = ListManifests(f_.ledger());
    REQUIRE(all.ok());
    std::vector<Manifest> open;
    for (const auto& m : *all) {
      if (!m.closed()) open.push_back(m);
    }
    if (open.empty()) return;
    const Manifest& m = open[Pick(open.size())];
    Json body = {{"manifest", m.number}};
    bool refusal = Pick(5) == 0;
    if (refusal) {
      body["reject"] = "drums leaking";
    } else {
      body["lines"] = Json::array();
      for (size_t i = 0; i < m.lines.size(); ++i) {
        const int64_t sent = m.lines[i].mass_g;
        const int64_t received = Pick(3) ? sent : static_cast<int64_t>(Pick(static_cast<size_t>(sent + 1)));
        const int64_t refused = static_cast<int64_t>(Pick(static_cast<size_t>(sent - received + 1)));
        Json line = {{"line", i + 1}, {"received_g", received}, {"refused_g", refused}};
        if (Pick(6) == 0) line["waste"] = kAsh;  // received as another code
        refusal = refusal || refused > 0;
        body["lines"].push_back(line);
      }
    }
    const SigningKey& receiver = m.receiver == "r1" ? f_.r1 : f_.r2;
    if (!Append(f_.S(receiver, "receive", body, Time(2026)))) return;
    ++counts.receipts;
    if (refusal) ++counts.refusals;
  }

  void Process(const SigningKey& who, const std::vector<Lot>& lots) {
    const bool utilize = Pick(2) == 0;
    const Lot& lot = lots[Pick(lots.size())];
    Json body = {{"method", utilize ? "R4" : "D10"},
                 {"inputs", {{{"lot", lot.id}, {"mass_g", Grams(lot.remaining_g)}}}}};
    const bool output = Pick(2) == 0;
    if (output) {
      Json out = {{"waste", kAsh}, {"mass_g", Grams(5000)}};
      if (Pick(2)) out["lot"] = fmt::format("OUT-{}", ++lot_ids_);
      body["outputs"] = {out};
    }
    if (!Append(f_.S(who, utilize ? "utilize" : "dispose", body, Time(2026)))) return;
    ++counts.processes;
    if (output) ++counts.outputs;
  }

  // A void, or a correction with a smaller mass, of a random lifecycle entry
  // (corrections included), by the regulator.
  void Undo(bool correct) {
    if (lifecycle_.empty()) return;
    const uint64_t target = lifecycle_[Pick(lifecycle_.size())];
    Json body = {{"seq", target}, {"reason", "test"}};
    if (correct) {
      auto bytes = f_.ledger().EntryBytes(target);
      REQUIRE(bytes.ok());
      auto parsed = ParseEntry(*bytes);
      REQUIRE(parsed.ok());
      const Json& st = parsed->statement.json;
      Json replacement = st["kind"] == "correct" ? st["body"]["body"] : st["body"];
      if (!Shrink(replacement, rng_)) return;
      body["body"] = replacement;
    }
    if (!Append(f_.S(f_.regulator, correct ? "correct" : "void", body, Time(2026)))) return;
    ++(correct ? counts.corrections : counts.voids);
  }

  bool Append(Submission sub) {
    const bool lifecycle = sub.statement.kind != "void";
    auto prepared = f_.ledger().Prepare({std::move(sub)});
    REQUIRE(prepared.ok());
    auto appended = f_.ledger().Append(std::move(*prepared));
    if (!appended.ok()) return false;
    if (lifecycle) lifecycle_.push_back(appended->at(0).seq);
    return true;
  }

  DomainFixture& f_;
  std::mt19937 rng_;
  std::vector<uint64_t> lifecycle_;  // seqs of generate .. dispose and correct entries
  int manifests_ = 0;
  int lot_ids_ = 0;
};

DeepReport DeepOk(const Ledger& ledger) {
  auto report = DeepCheck(ledger);
  INFO(report.status().message());
  REQUIRE(report.ok());
  return *report;
}

size_t StockRows(const StockMap& stock) {
  size_t n = 0;
  for (const auto& [party, codes] : stock) n += codes.size();
  return n;
}

TEST_CASE("deep check: a random history matches its recomputation from the log", "[deep]") {
  DomainFixture f;
  RandomHistory history(f, GENERATE(20261201u, 7u));
  history.Run(260);
  const HistoryCounts& n = history.counts;
  CHECK(n.generates > 0);
  CHECK(n.dispatches > 0);
  CHECK(n.receipts > 0);
  CHECK(n.refusals > 0);
  CHECK(n.processes > 0);
  CHECK(n.outputs > 0);
  CHECK(n.voids > 0);
  CHECK(n.corrections > 0);
  CHECK(ReferenceStock(f.ledger()) == f.AllStock());

  std::vector<uint64_t> progress;
  auto report = DeepCheck(f.ledger(), [&](uint64_t done, uint64_t total) {
    CHECK(total == f.ledger().size());
    progress.push_back(done);
  });
  INFO(report.status().message());
  REQUIRE(report.ok());
  INFO((report->differences.empty() ? "" : report->differences.front()));
  CHECK(report->differences.empty());
  CHECK(report->entries == f.ledger().size());
  auto stored = StoredAggregates(f.ledger());
  REQUIRE(stored.ok());
  CHECK(report->aggregates == stored->size());
  CHECK(report->stock_rows == StockRows(f.AllStock()));
  REQUIRE_FALSE(progress.empty());
  CHECK(progress.back() == f.ledger().size());
}

// --- Tampering ----------------------------------------------------------------

// A small worked history: p1's 900 g on 2026-03-01, 2 t from 2025 of which
// 400 g go to r2 (300 g received, 50 g refused, 200 g of it disposed of with
// 20 g of ash), and on 2026-03-05 a voided lot and a corrected one.
void SmallCity(DomainFixture& f) {
  f.Ok(f.S(f.p1, "generate", {{"waste", kHw}, {"mass_g", 900}, {"lot", "G1"}}));
  f.Ok(f.S(f.p1, "generate", {{"waste", kHw}, {"mass_g", 2000}, {"lot", "G2"}}, "2025-11-05T09:00:00+08:00"));
  f.Ok(f.S(f.p1, "dispatch",
           {{"manifest", "20264110000001"},
            {"to", "r2"},
            {"lines", {{{"lot", "G2"}, {"waste", kHw}, {"mass_g", 400}}}}},
           "2026-03-02T09:00:00+08:00"));
  const uint64_t rc = f.Ok(f.S(
      f.r2, "receive",
      {{"manifest", "20264110000001"}, {"lines", {{{"line", 1}, {"received_g", 300}, {"refused_g", 50}}}}},
      "2026-03-03T09:00:00+08:00"));
  f.Ok(f.S(f.r2, "dispose",
           {{"method", "D10"},
            {"inputs", {{{"lot", fmt::format("#{}/1", rc)}, {"mass_g", 200}}}},
            {"outputs", {{{"waste", kAsh}, {"mass_g", 20}}}}},
           "2026-03-04T09:00:00+08:00"));
  const char* later = "2026-03-05T09:00:00+08:00";
  const uint64_t g3 = f.Ok(f.S(f.p1, "generate", {{"waste", kHw}, {"mass_g", 70}, {"lot", "G3"}}, later));
  f.Ok(f.S(f.p1, "void", {{"seq", g3}, {"reason", "entered twice"}}, later));
  const uint64_t g4 = f.Ok(f.S(f.p1, "generate", {{"waste", kHw}, {"mass_g", 10}, {"lot", "G4"}}, later));
  f.Ok(f.S(f.p1, "correct",
           {{"seq", g4}, {"reason", "reweighed"}, {"body", {{"waste", kHw}, {"mass_g", 15}, {"lot", "G4"}}}},
           later));
}

std::string DayKey(const std::string& day, const std::string& party) {
  return domain::AggregateKey(domain::kPartyFlows, 'D', day, domain::PartyDims(party, kHw));
}

// Opens the closed ledger's RocksDB directly, as someone with disk access
// could, and lets `edit` change it.
void EditRaw(const std::string& dir, const std::function<void(rocksdb::DB&)>& edit) {
  rocksdb::DB* db = nullptr;
  rocksdb::Options options;
  options.merge_operator = CounterMergeOperator();  // counters are added as merges
  REQUIRE(rocksdb::DB::Open(options, dir, &db).ok());
  std::unique_ptr<rocksdb::DB> owned(db);
  edit(*db);
}

void SetCounter(rocksdb::DB& db, const std::string& key, size_t column, int64_t value) {
  std::string bytes;
  REQUIRE(db.Get(rocksdb::ReadOptions(), key, &bytes).ok());
  auto counters = domain::DecodeCounters(bytes);
  REQUIRE(counters.ok());
  REQUIRE(column < counters->size());
  (*counters)[column] = value;
  REQUIRE(db.Put(rocksdb::WriteOptions(), key, domain::EncodeCounters(*counters)).ok());
}

std::vector<std::string> DifferencesAt(const std::string& dir) {
  auto ledger = Ledger::Open(dir, Ledger::Mode::kRead);
  REQUIRE(ledger.ok());
  return DeepOk(**ledger).differences;
}

using Lines = std::vector<std::string>;

TEST_CASE("deep check: aggregates and stock edited in RocksDB are named", "[deep]") {
  DomainFixture f;
  SmallCity(f);
  const DeepReport clean = DeepOk(f.ledger());
  CHECK(clean.differences.empty());
  CHECK(clean.entries == f.ledger().size());
  auto stored = StoredAggregates(f.ledger());
  REQUIRE(stored.ok());
  CHECK(clean.aggregates == stored->size());
  CHECK(f.AllStock() == StockMap{{"p1", {{kHw, 2565}}}, {"r2", {{kHw, 100}, {kAsh, 20}}}});
  CHECK(clean.stock_rows == 3);
  f.Close();

  SECTION("one counter of a day aggregate") {
    EditRaw(f.dir(),
            [](rocksdb::DB& db) { SetCounter(db, DayKey("2026-03-01", "p1"), domain::kGenerated, 1000); });
    CHECK(DifferencesAt(f.dir()) ==
          Lines{"aggregate day 2026-03-01 p1 900-041-49: generated_g stored 1000 recomputed 900"});
  }
  SECTION("a deleted pair-flow aggregate") {
    const std::string key =
        domain::AggregateKey(domain::kPairFlows, 'M', "2026-03", domain::PairDims("p1", "r2", kHw));
    EditRaw(f.dir(), [&](rocksdb::DB& db) { REQUIRE(db.Delete(rocksdb::WriteOptions(), key).ok()); });
    CHECK(DifferencesAt(f.dir()) ==
          Lines{"pair flow month 2026-03 p1 -> r2 900-041-49: dispatched_g stored 0 recomputed 400",
                "pair flow month 2026-03 p1 -> r2 900-041-49: received_g stored 0 recomputed 300",
                "pair flow month 2026-03 p1 -> r2 900-041-49: returned_g stored 0 recomputed 50"});
  }
  SECTION("an aggregate the log does not explain") {
    const std::string key =
        domain::AggregateKey(domain::kPartyFlows, 'Y', "2024", domain::PartyDims("p1", kHw));
    domain::Counters c(domain::kPartyColumns, 0);
    c[domain::kUtilizedPrior] = 7;
    EditRaw(f.dir(), [&](rocksdb::DB& db) {
      REQUIRE(db.Put(rocksdb::WriteOptions(), key, domain::EncodeCounters(c)).ok());
    });
    CHECK(DifferencesAt(f.dir()) ==
          Lines{"aggregate year 2024 p1 900-041-49: utilized_prior_g stored 7 recomputed 0"});
  }
  SECTION("a stock row") {
    EditRaw(f.dir(), [](rocksdb::DB& db) {
      REQUIRE(db.Put(rocksdb::WriteOptions(), domain::StockKey("p1", kHw), domain::EncodeGrams(5)).ok());
    });
    CHECK(DifferencesAt(f.dir()) == Lines{"stock p1 900-041-49: stored 5 recomputed 2565"});
  }
  SECTION("the reversals column is not compared") {
    EditRaw(f.dir(),
            [](rocksdb::DB& db) { SetCounter(db, DayKey("2026-03-05", "p1"), domain::kReversals, 99); });
    CHECK(DifferencesAt(f.dir()).empty());
  }
}

TEST_CASE("deep check: an entry naming a lot no live entry made is corruption naming its seq", "[deep]") {
  DomainFixture f;
  f.ledger().SetStateHook(nullptr);  // as if the domain had never checked it
  const uint64_t seq = f.Ok(f.S(f.p1, "dispatch",
                                {{"manifest", "20264110000001"},
                                 {"to", "r2"},
                                 {"lines", {{{"lot", "NOPE"}, {"waste", kHw}, {"mass_g", 5}}}}}));
  auto report = DeepCheck(f.ledger());
  REQUIRE_FALSE(report.ok());
  CHECK(report.status().code() == Status::Code::kCorruption);
  CHECK(report.status().message() ==
        fmt::format("seq {}: dispatch: lot \"NOPE\" was not made by a live entry", seq));
}

}  // namespace
}  // namespace wasteledger::testing
