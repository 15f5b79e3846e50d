// An independent recomputation of the flow aggregates from the exported
// entries alone (the live lifecycle entries folded in log order, a
// correction counted as the kind it corrects at that entry's date): what the
// aggregate and report tests check the stored figures against.
#pragma once

#include <catch2/catch.hpp>
#include <map>
#include <set>
#include <string>
#include <tuple>

#include "wasteledger/domain_query.h"
#include "wasteledger/ledger.h"
#include "wasteledger/statement.h"

namespace wasteledger::testing {

struct RefFlows {
  // (party, waste, date) -> totals, with reversals left at 0.
  std::map<std::tuple<std::string, std::string, std::string>, FlowTotals> parties;
  std::map<std::tuple<std::string, std::string, std::string, std::string>, PairFlow> pairs;
};

inline RefFlows ReferenceFlows(const Ledger& ledger) {
  struct E {
    std::string kind, actor, date;
    Json body;
  };
  std::map<uint64_t, E> entries;
  std::set<uint64_t> dead;
  REQUIRE(ledger
              .ScanEntries(
                  0, ledger.size(),
                  [&](uint64_t seq, std::string_view bytes) {
                    auto parsed = ParseEntry(bytes);
                    REQUIRE(parsed.ok());
                    const Json& st = parsed->statement.json;
                    E e{st["kind"], st["actor"], st["time"].get<std::string>().substr(0, 10), st["body"]};
                    if (e.kind == "void" || e.kind == "correct") {
                      const auto target = e.body["seq"].get<uint64_t>();
                      dead.insert(target);
                      if (e.kind == "correct") {
                        const E& t = entries.at(target);
                        e = E{t.kind, t.actor, t.date, e.body["body"]};
                      }
                    }
                    entries.emplace(seq, std::move(e));
                    return true;
                  })
              .ok());
  RefFlows out;
  struct L {
    std::string waste, born;
  };
  std::map<std::string, L> lots;
  struct M {
    std::string producer, receiver;
    Json lines;
  };
  std::map<std::string, M> manifests;
  for (const auto& [seq, e] : entries) {
    if (dead.count(seq)) continue;
    const Json& b = e.body;
    const std::string s = std::to_string(seq);
    auto at = [&](const std::string& party, const std::string& waste) -> FlowTotals& {
      return out.parties[{party, waste, e.date}];
    };
    if (e.kind == "generate") {
      lots[b.value("lot", "#" + s)] = {b["waste"], e.date};
      at(e.actor, b["waste"]).generated_g += b["mass_g"].get<int64_t>();
    } else if (e.kind == "dispatch") {
      for (const auto& l : b["lines"]) {
        at(e.actor, l["waste"]).dispatched_g += l["mass_g"].get<int64_t>();
        out.pairs[{e.actor, b["to"], l["waste"], e.date}].dispatched_g += l["mass_g"].get<int64_t>();
      }
      manifests[b["manifest"]] = {e.actor, b["to"], b["lines"]};
    } else if (e.kind == "receive") {
      const M& m = manifests.at(b["manifest"]);
      std::map<size_t, Json> listed;
      for (const auto& l : b.value("lines", Json::array())) listed[l["line"].get<size_t>()] = l;
      for (size_t i = 1; i <= m.lines.size(); ++i) {
        const Json& ml = m.lines[i - 1];
        const std::string waste = ml["waste"];
        const int64_t sent = ml["mass_g"];
        int64_t received = 0, refused = 0;
        if (listed.count(i)) {
          received = listed[i]["received_g"];
          refused = listed[i]["refused_g"];
        } else if (b.contains("reject")) {
          refused = sent;
        }
        const std::string born = lots.at(ml["lot"]).born;
        if (received > 0) {
          const std::string code = listed[i].value("waste", waste);
          lots["#" + s + "/" + std::to_string(i)] = {code, born};
          at(e.actor, code).received_g += received;
        }
        if (refused > 0) lots["#" + s + "/" + std::to_string(i) + "r"] = {waste, born};
        FlowTotals& p = at(m.producer, waste);
        p.returned_g += refused;
        p.settled_g += sent;
        p.transit_diff_g += sent - received - refused;
        PairFlow& pf = out.pairs[{m.producer, m.receiver, waste, e.date}];
        pf.received_g += received;
        pf.returned_g += refused;
      }
    } else if (e.kind == "utilize" || e.kind == "dispose") {
      const bool util = e.kind == "utilize";
      for (const auto& in : b["inputs"]) {
        const L& lot = lots.at(in["lot"]);
        const int64_t g = in["mass_g"];
        FlowTotals& t = at(e.actor, lot.waste);
        (util ? t.utilized_g : t.disposed_g) += g;
        if (lot.born.substr(0, 4) < e.date.substr(0, 4))
          (util ? t.utilized_prior_g : t.disposed_prior_g) += g;
      }
      size_t i = 0;
      for (const auto& o : b.value("outputs", Json::array())) {
        lots[o.value("lot", "#" + s + "/" + std::to_string(++i))] = {o["waste"], e.date};
        at(e.actor, o["waste"]).secondary_g += o["mass_g"].get<int64_t>();
      }
    }
  }
  return out;
}

inline FlowSums ReferenceSpan(const RefFlows& ref, const std::string& from, const std::string& to_exclusive) {
  FlowSums s;
  for (const auto& [k, t] : ref.parties) {
    const auto& [party, waste, date] = k;
    if (date >= from && date < to_exclusive) s.parties[{party, waste}] += t;
  }
  for (const auto& [k, p] : ref.pairs) {
    const auto& [from_p, to_p, waste, date] = k;
    if (date >= from && date < to_exclusive) s.pairs[{from_p, to_p, waste}] += p;
  }
  return s;
}

}  // namespace wasteledger::testing
