// report flows: producer -> receiver -> fate links per stream class, from the
// flow aggregates. See flows.h for what each link holds.
#include "wasteledger/reports/flows.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "wasteledger/domain_query.h"
#include "wasteledger/ledger.h"
#include "wasteledger/party.h"

namespace wasteledger::reports {

std::string StreamClass(const WasteCatalogue& catalogue, const std::string& code) {
  if (catalogue.Classify(code).kind == WasteKind::kHazardous) return "hazardous";
  return std::string(catalogue.StreamOf(code));
}

namespace {

constexpr const char* kProducer = "producer:";
constexpr const char* kReceiver = "receiver:";
constexpr const char* kFate = "fate:";
constexpr const char* kTransit = "transit";
constexpr const char* kLost = "fate:lost";
constexpr const char* kOthers = "others";

using LinkKey = std::tuple<std::string, std::string, std::string>;  // from, to, stream
using LinkMap = std::map<LinkKey, int64_t>;

void AddLink(LinkMap& links, const std::string& from, const std::string& to, const std::string& stream,
             int64_t mass_g) {
  if (mass_g > 0) links[{from, to, stream}] += mass_g;
}

bool StartsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// The party of a producer or receiver node; empty for transit and fates.
std::string PartyOf(const std::string& id) {
  if (StartsWith(id, kProducer) || StartsWith(id, kReceiver)) return id.substr(id.find(':') + 1);
  return "";
}

int ColumnOf(const std::string& id) {
  if (StartsWith(id, kProducer)) return 0;
  if (StartsWith(id, kFate)) return 2;
  return 1;
}

// The period's flows per party (or pair) x code: `until` minus `before`.
template <typename Key, typename Flow>
std::map<Key, Flow> InPeriod(const std::map<Key, Flow>& until, const std::map<Key, Flow>& before) {
  std::map<Key, Flow> out;
  for (const auto& [key, total] : until) {
    Flow in = total;
    if (auto it = before.find(key); it != before.end()) in -= it->second;
    out.emplace(key, in);
  }
  return out;
}

struct Sums {
  std::map<PairWaste, PairFlow> pairs;
  std::map<PartyWaste, FlowTotals> parties;
  std::map<PartyWaste, FlowTotals> until;  // up to the end of the period
  std::set<PartyWaste> received_ever;      // receiver x code received up to the end of the period
};

Result<Sums> PeriodSums(const Ledger& ledger, const Period& period) {
  WL_ASSIGN_OR_RETURN(FlowSums before, FlowsBefore(ledger, period.from));
  WL_ASSIGN_OR_RETURN(FlowSums until, FlowsBefore(ledger, NextDay(period.to)));
  Sums s;
  s.pairs = InPeriod(until.pairs, before.pairs);
  s.parties = InPeriod(until.parties, before.parties);
  // Received under the code the receiver took it as (a receipt may name
  // another code than the dispatch's).
  for (const auto& [key, flow] : until.parties) {
    if (flow.received_g > 0) s.received_ever.insert(key);
  }
  s.until = std::move(until.parties);
  return s;
}

LinkMap PartyLinks(const Sums& s, const WasteCatalogue& catalogue, const std::string& waste) {
  LinkMap links;
  for (const auto& [key, flow] : s.pairs) {
    const auto& [from, to, code] = key;
    if (!WasteMatches(catalogue, code, waste)) continue;
    const std::string stream = StreamClass(catalogue, code);
    AddLink(links, kProducer + from, kReceiver + to, stream, flow.received_g);
  }
  for (const auto& [key, t] : s.parties) {
    const auto& [party, code] = key;
    if (!WasteMatches(catalogue, code, waste)) continue;
    const std::string stream = StreamClass(catalogue, code);
    const std::string node = (s.received_ever.count(key) != 0 ? kReceiver : kProducer) + party;
    AddLink(links, node, std::string(kFate) + "utilized", stream, t.utilized_g);
    AddLink(links, node, std::string(kFate) + "disposed", stream, t.disposed_g);
    AddLink(links, node, std::string(kFate) + "stored", stream, t.Net());
    AddLink(links, kProducer + party, kLost, stream, t.transit_diff_g);
  }
  // In transit at the end of the period, as report balance counts it: on
  // the producer's manifests not received or refused by then, whenever
  // they were dispatched.
  for (const auto& [key, t] : s.until) {
    const auto& [party, code] = key;
    if (!WasteMatches(catalogue, code, waste)) continue;
    AddLink(links, kProducer + party, kTransit, StreamClass(catalogue, code), t.dispatched_g - t.settled_g);
  }
  return links;
}

// Grams through each party's nodes.
std::map<std::string, int64_t> Throughput(const LinkMap& links) {
  std::map<std::string, int64_t> through;
  for (const auto& [key, mass] : links) {
    for (const std::string& end : {std::get<0>(key), std::get<1>(key)}) {
      if (const std::string party = PartyOf(end); !party.empty()) through[party] += mass;
    }
  }
  return through;
}

// Parties ranked by mass, then id.
std::vector<std::string> Ranked(const std::map<std::string, int64_t>& through) {
  std::vector<std::string> order;
  for (const auto& [party, mass] : through) order.push_back(party);
  std::stable_sort(order.begin(), order.end(),
                   [&](const std::string& a, const std::string& b) { return through.at(a) > through.at(b); });
  return order;
}

std::string Grouped(const std::string& id, const std::set<std::string>& kept) {
  const std::string party = PartyOf(id);
  if (party.empty() || kept.count(party) != 0) return id;
  return id.substr(0, id.find(':') + 1) + kOthers;
}

Label NodeLabel(const Ledger& ledger, const std::string& id) {
  const std::string party = PartyOf(id);
  if (party == kOthers) return {"其他单位", "others"};
  if (!party.empty()) {
    const Party* p = ledger.FindParty(party);
    return {p != nullptr && !p->name.empty() ? p->name : party, party};
  }
  if (id == kTransit) return {"在途", "in transit"};
  if (id == "fate:utilized") return {"利用", "utilized"};
  if (id == "fate:disposed") return {"处置", "disposed"};
  if (id == kLost) return {"运输差异", "transport difference"};
  return {"贮存", "stored"};
}

std::vector<FlowNode> Nodes(const Ledger& ledger, const std::vector<FlowLink>& links,
                            const std::map<std::string, int64_t>& through) {
  std::set<std::string> ids;
  for (const auto& l : links) ids.insert({l.from, l.to});
  std::vector<FlowNode> nodes;
  for (const auto& id : ids) nodes.push_back({id, PartyOf(id), NodeLabel(ledger, id), ColumnOf(id)});
  auto rank = [&](const FlowNode& n) {
    const auto it = through.find(n.party);
    return std::make_tuple(n.column, n.party == kOthers, -(it == through.end() ? 0 : it->second));
  };
  std::stable_sort(nodes.begin(), nodes.end(),
                   [&](const FlowNode& a, const FlowNode& b) { return rank(a) < rank(b); });
  return nodes;
}

}  // namespace

Result<FlowsReport> Flows(const Ledger& ledger, const WasteCatalogue& catalogue, const FlowsOptions& o) {
  WL_RETURN_IF_ERROR(CheckDate(o.period.from, "from"));
  WL_RETURN_IF_ERROR(CheckDate(o.period.to, "to"));
  if (o.top == 0) return Status::InvalidArgument("--top: must be at least 1");
  FlowsReport report;
  report.options = o;
  WL_ASSIGN_OR_RETURN(report.source, DescribeLedger(ledger));
  WL_ASSIGN_OR_RETURN(Sums sums, PeriodSums(ledger, o.period));
  const LinkMap raw = PartyLinks(sums, catalogue, o.waste);
  const std::map<std::string, int64_t> through = Throughput(raw);
  const std::vector<std::string> ranked = Ranked(through);
  const std::set<std::string> kept(
      ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(std::min(o.top, ranked.size())));
  LinkMap grouped;
  for (const auto& [key, mass] : raw) {
    const auto& [from, to, stream] = key;
    AddLink(grouped, Grouped(from, kept), Grouped(to, kept), stream, mass);
  }
  for (const auto& [key, mass] : grouped) {
    report.links.push_back({std::get<0>(key), std::get<1>(key), std::get<2>(key), mass});
  }
  std::map<std::string, int64_t> grouped_through = Throughput(grouped);
  report.nodes = Nodes(ledger, report.links, grouped_through);
  return report;
}

nlohmann::json FlowsJson(const FlowsReport& report) {
  nlohmann::json nodes = nlohmann::json::array();
  for (const auto& n : report.nodes) {
    nlohmann::json j = {{"id", n.id}, {"label", n.label.zh}, {"column", n.column}};
    if (!n.party.empty()) j["party"] = n.party;
    nodes.push_back(std::move(j));
  }
  nlohmann::json links = nlohmann::json::array();
  for (const auto& l : report.links) {
    links.push_back({{"from", l.from}, {"to", l.to}, {"stream", l.stream}, {"mass_g", l.mass_g}});
  }
  nlohmann::json filters = nlohmann::json::object();
  if (!report.options.waste.empty()) filters["waste"] = report.options.waste;
  return {{"report", "flows"},
          {"ledger", SourceJson(report.source)},
          {"period", {{"from", report.options.period.from}, {"to", report.options.period.to}}},
          {"filters", filters},
          {"top", report.options.top},
          {"nodes", nodes},
          {"links", links}};
}

namespace {

Label StreamLabel(const std::string& stream) {
  static const std::map<std::string, Label> kLabels = {
      {"hazardous", {"危险废物", "hazardous waste"}},
      {"coal_gangue", {"煤矸石", "coal gangue"}},
      {"fly_ash", {"粉煤灰", "fly ash"}},
      {"smelting_slag", {"冶炼废渣", "smelting slag"}},
      {"byproduct_gypsum", {"工业副产石膏", "by-product gypsum"}},
      {"construction_waste", {"建筑垃圾", "construction waste"}},
      {"other", {"其他一般工业固体废物", "other solid waste"}}};
  const auto it = kLabels.find(stream);
  return it != kLabels.end() ? it->second : Label{stream, stream};
}

SankeyChart FlowChart(const FlowsReport& report) {
  SankeyChart chart;
  chart.title = {"物料流向", "Material flows"};
  for (const auto& n : report.nodes) chart.nodes.push_back({n.id, n.label, n.column});
  std::map<std::pair<std::string, std::string>, int64_t> merged;
  for (const auto& l : report.links) merged[{l.from, l.to}] += l.mass_g;
  for (const auto& [ends, mass] : merged) chart.links.push_back({ends.first, ends.second, mass});
  return chart;
}

}  // namespace

Document FlowsDocument(const FlowsReport& report, Lang lang, MassUnit unit) {
  Document doc;
  doc.lang = lang;
  doc.unit = unit;
  doc.title = {"固体废物物料流向", "Solid waste material flows"};
  doc.facts = SourceFacts(report.source);
  doc.facts.push_back(
      {{"统计期间", "period"}, report.options.period.from + " .. " + report.options.period.to});
  if (!report.options.waste.empty()) doc.facts.push_back({{"废物", "waste"}, report.options.waste});
  std::map<std::string, Label> labels;
  for (const auto& n : report.nodes) labels[n.id] = n.label;
  Table t;
  t.id = "flows";
  t.title = {"流向", "Flows"};
  t.note = {
      "产生单位 → 接收单位（本期接收量）、期末在途、运输差异（本期接收的联单：转出 - 接收 - 拒收）、利用 / 处置 / "
      "贮存增加；单位克精确。",
      "producer -> receiver (received in the period), in transit at its end, transport difference (manifests "
      "received in the period: dispatched - received - refused), utilized / disposed / stock growth; exact "
      "grams."};
  t.columns = {{"from", {"来源", "from"}, ColumnType::kText},
               {"to", {"去向", "to"}, ColumnType::kText},
               {"stream", {"类别", "stream"}, ColumnType::kText},
               {"mass_g", {"质量", "mass"}, ColumnType::kMass}};
  for (const auto& l : report.links) {
    t.rows.push_back(
        {labels[l.from].In(lang), labels[l.to].In(lang), StreamLabel(l.stream).In(lang), l.mass_g});
  }
  doc.tables.push_back(std::move(t));
  doc.charts.push_back(FlowChart(report));
  return doc;
}

}  // namespace wasteledger::reports
