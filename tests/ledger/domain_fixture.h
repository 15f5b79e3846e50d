// A small city for the domain tests: the LedgerFixture's regulator and
// producers p1 (producer) and p2 (receiver without permits), plus
// producer p3, carriers c1 and c2, a transfer station r1 (receiver and
// producer, permit to store and utilise HW49 and HW18) and an incinerator
// r2 (permit to utilise and dispose HW49 and HW18, 10 t a year), with a
// DomainState hooked into the ledger. Also an independent reference that
// recomputes every party's stock from the exported entries.
#pragma once

#include <catch2/catch.hpp>
#include <map>
#include <set>
#include <string>

#include "ledger_fixture.h"
#include "wasteledger/domain_query.h"
#include "wasteledger/domain_state.h"

namespace wasteledger::testing {

inline constexpr const char* kDay = "2026-03-01T08:30:00+08:00";

inline WasteCatalogue LoadCatalogueOrFail() {
  auto c = WasteCatalogue::Load(DefaultCatalogueDir());
  REQUIRE(c.ok());
  return std::move(*c);
}

inline Json Permit(const std::string& number, const std::vector<std::string>& activities,
                   const std::vector<std::string>& wastes, int64_t capacity_g,
                   const std::string& from = "2026-01-01", const std::string& to = "2026-12-31") {
  return {{"number", number},         {"activities", activities}, {"wastes", wastes},
          {"capacity_g", capacity_g}, {"valid_from", from},       {"valid_to", to}};
}

using StockMap = std::map<std::string, std::map<std::string, int64_t>>;

class DomainFixture : public LedgerFixture {
 public:
  DomainFixture()
      : domain(LoadCatalogueOrFail()),
        p3(KeyFromSeed("p3", 10)),
        c1(KeyFromSeed("c1", 11)),
        c2(KeyFromSeed("c2", 12)),
        r1(KeyFromSeed("r1", 13)),
        r2(KeyFromSeed("r2", 14)) {
    ledger().SetStateHook(&domain);
    Json r1rec = PartyRecord("r1", {"receiver", "producer"}, {&r1});
    r1rec["permits"] = {Permit("XK-R1-1", {"store", "utilize"}, {"HW49", "HW18"}, 1000000000)};
    Json r2rec = PartyRecord("r2", {"receiver"}, {&r2});
    r2rec["permits"] = {Permit("XK-R2-1", {"utilize", "dispose"}, {"HW49", "772-002-18"}, 10000000)};
    AppendOk({Sign(regulator, "party", PartyRecord("p3", {"producer"}, {&p3})),
              Sign(regulator, "party", PartyRecord("c1", {"carrier"}, {&c1})),
              Sign(regulator, "party", PartyRecord("c2", {"carrier"}, {&c2})),
              Sign(regulator, "party", r1rec), Sign(regulator, "party", r2rec)});
  }

  // Signs with a fresh nonce, so equal bodies are distinct statements.
  Submission S(const SigningKey& key, const std::string& kind, Json body, const std::string& time = kDay) {
    return Sign(key, kind, std::move(body), time, "n" + std::to_string(++nonce_));
  }
  uint64_t Ok(Submission s) { return AppendOk({std::move(s)}).at(0); }

  std::string Export() {
    std::string out;
    REQUIRE(ledger()
                .ScanEntries(0, ledger().size(),
                             [&](uint64_t, std::string_view b) {
                               out.append(b);
                               out.push_back('\n');
                               return true;
                             })
                .ok());
    return out;
  }
  StockMap AllStock() {
    auto s = StockAll(ledger());
    REQUIRE(s.ok());
    return *s;
  }
  // Appends, expects a refusal, checks the export and the stock did not
  // change; returns the message.
  std::string Refused(Submission s) {
    const std::string before = Export();
    const StockMap stock = AllStock();
    std::string msg = AppendRefused({std::move(s)});
    CHECK(Export() == before);
    CHECK(AllStock() == stock);
    return msg;
  }
  void ReopenWithDomain() {
    Reopen();
    ledger().SetStateHook(&domain);
  }
  Manifest GetManifestOrFail(const std::string& no) {
    auto m = GetManifest(ledger(), no);
    REQUIRE(m.ok());
    REQUIRE(m->has_value());
    return **m;
  }
  Lot GetLotOrFail(const std::string& id) {
    auto l = GetLot(ledger(), id);
    REQUIRE(l.ok());
    REQUIRE(l->has_value());
    return **l;
  }

  // The manifests not closed yet, in number order (for random scenarios).
  std::vector<Manifest> OpenManifests() {
    auto all = ListManifests(ledger());
    REQUIRE(all.ok());
    std::vector<Manifest> open;
    for (auto& m : *all) {
      if (!m.closed()) open.push_back(std::move(m));
    }
    return open;
  }

  // The start of the worked examples: p1 makes 10 t of HW49 (lot L1) on
  // 2025-12-20 and sends 8 t to `receiver` on manifest 20264110000001 on
  // 2026-01-02; the receiver takes 7.9 t and refuses 0.05 t on 2026-01-05.
  // Returns the seq of the receipt (its lot is "#seq/1").
  uint64_t GenerateSendReceive(const SigningKey& receiver, const std::string& receiver_id,
                               const std::string& waste) {
    Ok(S(p1, "generate", {{"waste", waste}, {"mass_g", 10000000}, {"lot", "L1"}}, "2025-12-20T09:00:00+08:00"));
    Ok(S(p1, "dispatch",
         {{"manifest", "20264110000001"},
          {"to", receiver_id},
          {"lines", {{{"lot", "L1"}, {"waste", waste}, {"mass_g", 8000000}}}}},
         "2026-01-02T10:00:00+08:00"));
    return Ok(S(receiver, "receive",
                {{"manifest", "20264110000001"},
                 {"lines", {{{"line", 1}, {"received_g", 7900000}, {"refused_g", 50000}}}}},
                "2026-01-05T10:00:00+08:00"));
  }

  DomainState domain;
  SigningKey p3, c1, c2, r1, r2;

 private:
  int nonce_ = 0;
};

// Recomputes every party's stock from the exported entries alone: the live
// lifecycle entries (not voided or corrected; a correction counts as the
// kind it corrects, with its replacement body), folded in log order.
inline StockMap ReferenceStock(const Ledger& ledger) {
  struct E {
    uint64_t seq;
    std::string kind, actor;
    Json body;
  };
  std::map<uint64_t, E> entries;
  std::set<uint64_t> dead;
  REQUIRE(
      ledger
          .ScanEntries(0, ledger.size(),
                       [&](uint64_t seq, std::string_view bytes) {
                         auto parsed = ParseEntry(bytes);
                         REQUIRE(parsed.ok());
                         const Json& st = parsed->statement.json;
                         E e{seq, st["kind"].get<std::string>(), st["actor"].get<std::string>(), st["body"]};
                         if (e.kind == "void" || e.kind == "correct") {
                           const auto target = e.body["seq"].get<uint64_t>();
                           dead.insert(target);
                           if (e.kind == "correct") {
                             e.kind = entries.at(target).kind;
                             e.actor = entries.at(target).actor;
                             e.body = e.body["body"];
                           }
                         }
                         entries.emplace(seq, std::move(e));
                         return true;
                       })
          .ok());
  struct L {
    std::string owner, waste;
    int64_t g;
  };
  std::map<std::string, L> lots;
  std::map<std::string, std::pair<std::string, Json>> manifests;  // producer, lines
  for (const auto& [seq, e] : entries) {
    if (dead.count(seq)) continue;
    const Json& b = e.body;
    const std::string s = std::to_string(seq);
    if (e.kind == "generate") {
      lots[b.value("lot", "#" + s)] = {e.actor, b["waste"], b["mass_g"]};
    } else if (e.kind == "dispatch") {
      for (const auto& l : b["lines"]) lots.at(l["lot"]).g -= l["mass_g"].get<int64_t>();
      manifests[b["manifest"]] = {e.actor, b["lines"]};
    } else if (e.kind == "receive") {
      const auto& [producer, lines] = manifests.at(b["manifest"]);
      std::set<size_t> listed;
      for (const auto& l : b.value("lines", Json::array())) {
        const auto i = l["line"].get<size_t>();
        listed.insert(i);
        const Json& ml = lines[i - 1];
        if (l["received_g"] > 0) {
          lots["#" + s + "/" + std::to_string(i)] = {
              e.actor, l.value("waste", ml["waste"].get<std::string>()), l["received_g"]};
        }
        if (l["refused_g"] > 0)
          lots["#" + s + "/" + std::to_string(i) + "r"] = {producer, ml["waste"], l["refused_g"]};
      }
      for (size_t i = 1; b.contains("reject") && i <= lines.size(); ++i) {
        if (!listed.count(i))
          lots["#" + s + "/" + std::to_string(i) + "r"] = {producer, lines[i - 1]["waste"],
                                                           lines[i - 1]["mass_g"]};
      }
    } else if (e.kind == "utilize" || e.kind == "dispose") {
      for (const auto& in : b["inputs"]) lots.at(in["lot"]).g -= in["mass_g"].get<int64_t>();
      size_t i = 0;
      for (const auto& o : b.value("outputs", Json::array())) {
        ++i;
        lots[o.value("lot", "#" + s + "/" + std::to_string(i))] = {e.actor, o["waste"], o["mass_g"]};
      }
    }
  }
  StockMap out;
  for (const auto& [id, l] : lots) {
    REQUIRE(l.g >= 0);
    if (l.g > 0) out[l.owner][l.waste] += l.g;
  }
  return out;
}

}  // namespace wasteledger::testing
