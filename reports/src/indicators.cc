// report indicators: the 无废城市 rates the ledger can compute for a year.
#include <fmt/format.h>

#include <charconv>
#include <functional>
#include <map>

#include "wasteledger/domain_query.h"
#include "wasteledger/ledger.h"
#include "wasteledger/reports/balance.h"

namespace wasteledger::reports {

namespace {

// 一般工业固体废物: the 2021 SW classes and the 2024 industrial classes S01-S59.
bool GeneralIndustrial(const WasteCodeInfo& w) {
  if (w.kind == WasteKind::kGeneralIndustrial2021) return true;
  if (w.kind != WasteKind::kSolidWaste2024 || w.category.size() != 3) return false;
  int n = 0;
  std::from_chars(w.category.data() + 1, w.category.data() + 3, n);
  return n >= 1 && n <= 59;
}

// 工业危险废物: every 名录 category but HW01 医疗废物, which has its own indicator.
bool IndustrialHazardous(const WasteCodeInfo& w) {
  return w.kind == WasteKind::kHazardous && w.category != "HW01";
}

struct Stream {
  std::string id;
  Label name;
  bool hazardous = false;  // rate of utilisation and disposal, else of utilisation
  std::function<bool(const std::string& code)> member;
};

Indicator Compute(const Stream& s, const std::map<PartyWaste, FlowTotals>& year) {
  FlowTotals sum;
  for (const auto& [key, t] : year) {
    if (s.member(key.second)) sum += t;
  }
  Indicator ind;
  ind.id = s.id;
  ind.name = s.name;
  const int64_t generated = sum.generated_g + sum.secondary_g;
  if (s.hazardous) {
    ind.formula = {"利用处置量 / (产生量 + 利用处置往年贮存量)",
                   "utilized and disposed / (generated + utilized and disposed from earlier years' storage)"};
    ind.numerator_g = sum.utilized_g + sum.disposed_g;
    ind.denominator_g = generated + sum.utilized_prior_g + sum.disposed_prior_g;
    ind.parts = {{"generated_g", generated},
                 {"utilized_g", sum.utilized_g},
                 {"disposed_g", sum.disposed_g},
                 {"utilized_prior_g", sum.utilized_prior_g},
                 {"disposed_prior_g", sum.disposed_prior_g}};
  } else {
    ind.formula = {"综合利用量 / (产生量 + 综合利用往年贮存量)",
                   "utilized / (generated + utilized from earlier years' storage)"};
    ind.numerator_g = sum.utilized_g;
    ind.denominator_g = generated + sum.utilized_prior_g;
    ind.parts = {{"generated_g", generated},
                 {"utilized_g", sum.utilized_g},
                 {"utilized_prior_g", sum.utilized_prior_g}};
  }
  return ind;
}

std::vector<Stream> Streams(const WasteCatalogue& c) {
  auto classify = [&c](const std::string& code) { return c.Classify(code); };
  auto stream = [&c](std::string_view id) {
    return [&c, id](const std::string& code) { return c.StreamOf(code) == id; };
  };
  return {
      {"general_industrial_utilization",
       {"一般工业固体废物综合利用率", "general industrial solid waste utilisation rate"},
       false,
       [classify](const std::string& code) { return GeneralIndustrial(classify(code)); }},
      {"hazardous_utilization_disposal",
       {"工业危险废物利用处置率", "industrial hazardous waste utilisation and disposal rate"},
       true,
       [classify](const std::string& code) { return IndustrialHazardous(classify(code)); }},
      {"coal_gangue_utilization",
       {"煤矸石综合利用率", "coal gangue utilisation rate"},
       false,
       stream(kStreamCoalGangue)},
      {"fly_ash_utilization", {"粉煤灰综合利用率", "fly ash utilisation rate"}, false, stream(kStreamFlyAsh)},
      {"smelting_slag_utilization",
       {"冶炼废渣综合利用率", "smelting slag utilisation rate"},
       false,
       stream(kStreamSmeltingSlag)},
      {"byproduct_gypsum_utilization",
       {"工业副产石膏综合利用率", "by-product gypsum utilisation rate"},
       false,
       stream(kStreamByproductGypsum)},
      {"construction_waste_utilization",
       {"建筑垃圾资源化利用率", "construction waste utilisation rate"},
       false,
       stream(kStreamConstruction)},
  };
}

}  // namespace

Result<IndicatorReport> Indicators(const Ledger& ledger, const WasteCatalogue& catalogue, int year) {
  if (year < 1 || year > 9998) return Status::InvalidArgument(fmt::format("--year: {} is not a year", year));
  IndicatorReport report;
  report.year = year;
  WL_ASSIGN_OR_RETURN(report.source, DescribeLedger(ledger));
  WL_ASSIGN_OR_RETURN(FlowSums before, FlowsBefore(ledger, fmt::format("{:04d}-01-01", year)));
  WL_ASSIGN_OR_RETURN(FlowSums until, FlowsBefore(ledger, fmt::format("{:04d}-01-01", year + 1)));
  std::map<PartyWaste, FlowTotals> in_year;
  for (const auto& [key, t] : until.parties) {
    FlowTotals d = t;
    d -= before.parties[key];
    in_year[key] = d;
  }
  for (const auto& s : Streams(catalogue)) report.indicators.push_back(Compute(s, in_year));
  WL_ASSIGN_OR_RETURN(auto months, FlowsByMonth(ledger, year));
  for (int m = 1; m <= 12; ++m) {
    const std::string month = fmt::format("{:04d}-{:02d}", year, m);
    int64_t generated = 0, handled = 0;
    for (const auto& [key, t] : months[month].parties) {
      generated += t.generated_g + t.secondary_g;
      handled += t.utilized_g + t.disposed_g;
    }
    report.months.push_back(month);
    report.generated_by_month.push_back(generated);
    report.handled_by_month.push_back(handled);
  }
  return report;
}

nlohmann::json IndicatorsJson(const IndicatorReport& report) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& i : report.indicators) {
    nlohmann::json parts = nlohmann::json::object();
    for (const auto& [name, g] : i.parts) parts[name] = g;
    list.push_back({{"id", i.id},
                    {"name", i.name.zh},
                    {"formula", i.formula.zh},
                    {"numerator_g", i.numerator_g},
                    {"denominator_g", i.denominator_g},
                    {"rate", i.denominator_g == 0 ? nlohmann::json(nullptr)
                                                  : nlohmann::json(static_cast<double>(i.numerator_g) /
                                                                   static_cast<double>(i.denominator_g))},
                    {"parts", parts}});
  }
  nlohmann::json monthly = nlohmann::json::array();
  for (size_t m = 0; m < report.months.size(); ++m) {
    monthly.push_back({{"month", report.months[m]},
                       {"generated_g", report.generated_by_month[m]},
                       {"utilized_disposed_g", report.handled_by_month[m]}});
  }
  return {{"report", "indicators"},
          {"ledger", SourceJson(report.source)},
          {"year", report.year},
          {"indicators", list},
          {"monthly", monthly}};
}

Document IndicatorsDocument(const IndicatorReport& report, Lang lang, MassUnit unit) {
  Document doc;
  doc.lang = lang;
  doc.unit = unit;
  doc.title = {fmt::format("{} 年无废城市指标", report.year),
               fmt::format("Zero-waste city indicators {}", report.year)};
  doc.facts = SourceFacts(report.source);
  Table t;
  t.id = "indicators";
  t.title = {"指标", "Indicators"};
  t.note = {"按《“无废城市”建设指标体系（2021年版）》公式计算；分子分母均可由导出数据逐克复核。",
            "Per the 2021 zero-waste city indicator system; numerator and denominator can be recomputed "
            "from the export to the gram."};
  t.columns = {{"indicator", {"指标", "indicator"}, ColumnType::kText},
               {"formula", {"公式", "formula"}, ColumnType::kText},
               {"numerator_g", {"分子", "numerator"}, ColumnType::kMass},
               {"denominator_g", {"分母", "denominator"}, ColumnType::kMass},
               {"rate", {"比率", "rate"}, ColumnType::kRatio}};
  for (const auto& i : report.indicators) {
    t.rows.push_back({i.name.In(lang), i.formula.In(lang), i.numerator_g, i.denominator_g,
                      Ratio{i.numerator_g, i.denominator_g}});
  }
  doc.tables.push_back(std::move(t));
  Table monthly;
  monthly.id = "monthly";
  monthly.title = {"逐月产生与利用处置", "Monthly generation and handling"};
  monthly.columns = {{"month", {"月份", "month"}, ColumnType::kText},
                     {"generated_g", {"产生量", "generated"}, ColumnType::kMass},
                     {"utilized_disposed_g", {"利用处置量", "utilised and disposed"}, ColumnType::kMass}};
  for (size_t m = 0; m < report.months.size(); ++m) {
    monthly.rows.push_back({report.months[m], report.generated_by_month[m], report.handled_by_month[m]});
  }
  doc.tables.push_back(std::move(monthly));
  BarChart chart;
  chart.title = {"逐月产生量与利用处置量", "Generated versus utilised and disposed, by month"};
  chart.categories = report.months;
  chart.series = {{{"产生量", "generated"}, report.generated_by_month},
                  {{"利用处置量", "utilised and disposed"}, report.handled_by_month}};
  doc.charts.push_back(std::move(chart));
  return doc;
}

}  // namespace wasteledger::reports
