// report balance: per party x waste code, opening + flows = closing.
#include "wasteledger/reports/balance.h"

#include <fmt/format.h>

#include "cells.h"
#include "wasteledger/domain_query.h"
#include "wasteledger/ledger.h"
#include "wasteledger/party.h"
#include "wasteledger/reports/render.h"

namespace wasteledger::reports {

namespace {

BalanceRow MakeRow(const FlowTotals& before, const FlowTotals& in) {
  BalanceRow r;
  r.opening_g = before.Net();
  r.generated_g = in.generated_g + in.secondary_g;
  r.secondary_g = in.secondary_g;
  r.received_g = in.received_g + in.returned_g;
  r.returned_g = in.returned_g;
  r.dispatched_g = in.dispatched_g;
  r.utilized_g = in.utilized_g;
  r.disposed_g = in.disposed_g;
  r.closing_g = r.opening_g + in.Net();
  r.corrections = in.reversals;
  return r;
}

bool Empty(const BalanceRow& r) {
  return r.opening_g == 0 && r.generated_g == 0 && r.received_g == 0 && r.dispatched_g == 0 &&
         r.utilized_g == 0 && r.disposed_g == 0 && r.closing_g == 0 && r.corrections == 0;
}

void AddRow(BalanceRow& total, const BalanceRow& r) {
  total.opening_g += r.opening_g;
  total.generated_g += r.generated_g;
  total.secondary_g += r.secondary_g;
  total.received_g += r.received_g;
  total.returned_g += r.returned_g;
  total.dispatched_g += r.dispatched_g;
  total.utilized_g += r.utilized_g;
  total.disposed_g += r.disposed_g;
  total.closing_g += r.closing_g;
  total.corrections += r.corrections;
}

}  // namespace

Result<BalanceReport> Balance(const Ledger& ledger, const WasteCatalogue& catalogue,
                              const BalanceOptions& o) {
  WL_RETURN_IF_ERROR(CheckDate(o.period.from, "from"));
  WL_RETURN_IF_ERROR(CheckDate(o.period.to, "to"));
  BalanceReport report;
  WL_ASSIGN_OR_RETURN(report.source, DescribeLedger(ledger));
  report.period = o.period;
  report.options = o;
  WL_ASSIGN_OR_RETURN(FlowSums before, FlowsBefore(ledger, o.period.from));
  WL_ASSIGN_OR_RETURN(FlowSums until, FlowsBefore(ledger, NextDay(o.period.to)));
  for (const auto& [key, total] : until.parties) {
    const auto& [party, waste] = key;
    if ((!o.party.empty() && party != o.party) || !WasteMatches(catalogue, waste, o.waste)) continue;
    const FlowTotals& opening = before.parties[key];
    FlowTotals in = total;
    in -= opening;
    BalanceRow row = MakeRow(opening, in);
    if (total.dispatched_g != total.settled_g) report.in_transit_g += total.dispatched_g - total.settled_g;
    report.transit_diff_g += in.transit_diff_g;
    if (Empty(row)) continue;
    row.party = party;
    const Party* p = ledger.FindParty(party);
    row.party_name = p != nullptr ? p->name : "";
    row.waste = waste;
    row.category = catalogue.Classify(waste).category;
    WL_ASSIGN_OR_RETURN(auto years, ImportPoolYears(ledger, party, waste));
    row.imported = !years.empty() && years.front() <= o.period.to.substr(0, 4);
    AddRow(report.totals, row);
    report.rows.push_back(std::move(row));
  }
  return report;
}

namespace {

nlohmann::json RowJson(const BalanceRow& r) {
  nlohmann::json j = {{"opening_g", r.opening_g},     {"generated_g", r.generated_g},
                      {"secondary_g", r.secondary_g}, {"received_g", r.received_g},
                      {"returned_g", r.returned_g},   {"dispatched_g", r.dispatched_g},
                      {"utilized_g", r.utilized_g},   {"disposed_g", r.disposed_g},
                      {"closing_g", r.closing_g},     {"corrections", r.corrections}};
  if (!r.party.empty()) {
    j["party"] = r.party;
    j["party_name"] = r.party_name;
    j["waste"] = r.waste;
    j["category"] = r.category;
    j["imported"] = r.imported;
  }
  return j;
}

}  // namespace

nlohmann::json BalanceJson(const BalanceReport& report) {
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& r : report.rows) rows.push_back(RowJson(r));
  nlohmann::json filters = nlohmann::json::object();
  if (!report.options.party.empty()) filters["party"] = report.options.party;
  if (!report.options.waste.empty()) filters["waste"] = report.options.waste;
  return {{"report", "balance"},
          {"ledger", SourceJson(report.source)},
          {"period", {{"from", report.period.from}, {"to", report.period.to}}},
          {"filters", filters},
          {"rows", rows},
          {"in_transit_g", report.in_transit_g},
          {"transit_diff_g", report.transit_diff_g},
          {"totals", RowJson(report.totals)}};
}

Document BalanceDocument(const BalanceReport& report, Lang lang, MassUnit unit) {
  Document doc;
  doc.lang = lang;
  doc.unit = unit;
  doc.title = {"固体废物物料平衡表", "Solid waste mass balance"};
  doc.facts = SourceFacts(report.source);
  doc.facts.push_back({{"统计期间", "period"}, report.period.from + " .. " + report.period.to});
  if (!report.options.party.empty()) doc.facts.push_back({{"单位", "party"}, report.options.party});
  if (!report.options.waste.empty()) doc.facts.push_back({{"废物", "waste"}, report.options.waste});
  const auto mass = [unit](int64_t g) { return FormatMass(g, unit) + " " + internal::UnitSymbol(unit); };
  doc.facts.push_back({{"期末在途量", "in transit at the end"}, mass(report.in_transit_g)});
  doc.facts.push_back(
      {{"本期运输差额（转移量 - 接收量 - 拒收量）", "transport difference (dispatched - received - refused)"},
       mass(report.transit_diff_g)});
  Table t;
  t.id = "balance";
  t.title = {"物料平衡", "Mass balance"};
  t.note = {
      "期初 + 产生 + 接收 - 转出 - 利用 - 处置 = 期末；"
      "产生含次生废物（见“其中：次生”列），"
      "接收含退回量（见“其中：退回”列）；"
      "“含导入数据”指该行数字部分来自导入的历史台账或联单，而非实时签名记录。",
      "opening + generated + received - dispatched - utilized - disposed = closing; generated "
      "includes secondary waste (\"of which secondary\"), received includes returns (\"of which "
      "returned\"); \"imported\" marks rows whose figures "
      "come in part from imported legacy records rather than live signed entries."};
  t.columns = {{"party", {"单位", "party"}, ColumnType::kText},
               {"party_name", {"单位名称", "name"}, ColumnType::kText},
               {"waste", {"废物代码", "waste"}, ColumnType::kText},
               {"category", {"类别", "category"}, ColumnType::kText},
               {"opening_g", {"期初贮存", "opening"}, ColumnType::kMass},
               {"generated_g", {"产生", "generated"}, ColumnType::kMass},
               {"secondary_g", {"其中：次生", "of which secondary"}, ColumnType::kMass},
               {"received_g", {"接收", "received"}, ColumnType::kMass},
               {"returned_g", {"其中：退回", "of which returned"}, ColumnType::kMass},
               {"dispatched_g", {"转出", "dispatched"}, ColumnType::kMass},
               {"utilized_g", {"利用", "utilized"}, ColumnType::kMass},
               {"disposed_g", {"处置", "disposed"}, ColumnType::kMass},
               {"closing_g", {"期末贮存", "closing"}, ColumnType::kMass},
               {"corrections", {"更正/作废", "corrections"}, ColumnType::kInteger},
               {"imported", {"含导入数据", "imported"}, ColumnType::kText}};
  auto cells = [lang](const BalanceRow& r) -> std::vector<Cell> {
    const std::string imported = !r.imported ? "" : lang == Lang::kEn ? "yes" : "是";
    return {r.party,       r.party_name,  r.waste,      r.category,    r.opening_g,
            r.generated_g, r.secondary_g, r.received_g, r.returned_g,  r.dispatched_g,
            r.utilized_g,  r.disposed_g,  r.closing_g,  r.corrections, imported};
  };
  for (const auto& r : report.rows) t.rows.push_back(cells(r));
  std::vector<Cell> total = cells(report.totals);
  total[0] = lang == Lang::kEn ? std::string("city total") : std::string("全市合计");
  t.totals.push_back(std::move(total));
  doc.tables.push_back(std::move(t));
  return doc;
}

}  // namespace wasteledger::reports
