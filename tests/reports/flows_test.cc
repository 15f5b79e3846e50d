// report flows: the links of a small city worked out by hand, "others"
// grouping, period and waste filtering, and the Sankey diagram in HTML.
#include "wasteledger/reports/flows.h"

#include <catch2/catch.hpp>

#include "ledger/domain_fixture.h"
#include "wasteledger/reports/render.h"

namespace wasteledger::testing {
namespace {

using reports::FlowLink;

const char* kHw = "900-041-49";
const char* kAsh = "772-002-18";
const char* kFlyAsh = "SW02";

// March 2026: p1 makes 10 t of HW49 and sends 6 t to r2, which takes 5.9 t
// and refuses 0.05 t; r2 incinerates 5 t into 0.3 t of HW18 ash. p1 makes
// 2 t of fly ash (SW02) and uses 1.5 t of it in house. p3 makes 1 t and sends
// 0.4 t to r2, not yet received. April: p1 makes 3 t more.
void SmallCity(DomainFixture& f) {
  const std::string march = "2026-03-02T09:00:00+08:00";
  f.Ok(f.S(f.p1, "generate", {{"waste", kHw}, {"mass_g", 10000000}, {"lot", "L1"}}, march));
  f.Ok(f.S(f.p1, "dispatch",
           {{"manifest", "20264110000001"},
            {"to", "r2"},
            {"lines", {{{"lot", "L1"}, {"waste", kHw}, {"mass_g", 6000000}}}}},
           march));
  const uint64_t rc = f.Ok(f.S(f.r2, "receive",
                               {{"manifest", "20264110000001"},
                                {"lines", {{{"line", 1}, {"received_g", 5900000}, {"refused_g", 50000}}}}},
                               march));
  f.Ok(f.S(f.r2, "dispose",
           {{"method", "D10"},
            {"inputs", {{{"lot", "#" + std::to_string(rc) + "/1"}, {"mass_g", 5000000}}}},
            {"outputs", {{{"waste", kAsh}, {"mass_g", 300000}}}}},
           march));
  f.Ok(f.S(f.p1, "generate", {{"waste", kFlyAsh}, {"mass_g", 2000000}, {"lot", "FA1"}}, march));
  f.Ok(f.S(f.p1, "utilize", {{"method", "R5"}, {"inputs", {{{"lot", "FA1"}, {"mass_g", 1500000}}}}}, march));
  f.Ok(f.S(f.p3, "generate", {{"waste", kHw}, {"mass_g", 1000000}, {"lot", "P3"}}, march));
  f.Ok(f.S(f.p3, "dispatch",
           {{"manifest", "20264110000002"},
            {"to", "r2"},
            {"lines", {{{"lot", "P3"}, {"waste", kHw}, {"mass_g", 400000}}}}},
           march));
  f.Ok(f.S(f.p1, "generate", {{"waste", kHw}, {"mass_g", 3000000}, {"lot", "L2"}},
           "2026-04-02T09:00:00+08:00"));
}

reports::FlowsReport FlowsOf(DomainFixture& f, const std::string& from, const std::string& to,
                             const std::string& waste = "", size_t top = 12) {
  auto r = reports::Flows(f.ledger(), f.domain.catalogue(), {{from, to}, waste, top});
  INFO(r.status().message());
  REQUIRE(r.ok());
  return *r;
}

TEST_CASE("flows of a small city, by hand", "[reports][flows]") {
  DomainFixture f;
  SmallCity(f);
  const auto march = FlowsOf(f, "2026-03-01", "2026-03-31");
  const std::vector<FlowLink> expected = {
      {"producer:p1", "fate:lost", "hazardous", 50000},  // 6 - 5.9 - 0.05: lost on the road
      {"producer:p1", "fate:stored", "fly_ash", 500000},
      {"producer:p1", "fate:stored", "hazardous", 4050000},  // 10 - 6 + 0.05 refused
      {"producer:p1", "fate:utilized", "fly_ash", 1500000},  // in house
      {"producer:p1", "receiver:r2", "hazardous", 5900000},
      {"producer:p3", "fate:stored", "hazardous", 600000},
      {"producer:p3", "transit", "hazardous", 400000},      // not yet received
      {"producer:r2", "fate:stored", "hazardous", 300000},  // the ash, secondary
      {"receiver:r2", "fate:disposed", "hazardous", 5000000},
      {"receiver:r2", "fate:stored", "hazardous", 900000},
  };
  CHECK(march.links == expected);
  std::vector<std::pair<std::string, int>> nodes;
  for (const auto& n : march.nodes) nodes.push_back({n.id, n.column});
  // By column, then by the grams through the party (r2 12.1 t, p1 12 t, p3 1 t).
  const std::vector<std::pair<std::string, int>> expected_nodes = {
      {"producer:r2", 0}, {"producer:p1", 0},   {"producer:p3", 0}, {"receiver:r2", 1},   {"transit", 1},
      {"fate:disposed", 2}, {"fate:lost", 2}, {"fate:stored", 2}, {"fate:utilized", 2}};
  CHECK(nodes == expected_nodes);

  const Json j = reports::FlowsJson(march);
  CHECK(j["report"] == "flows");
  CHECK(j["period"]["from"] == "2026-03-01");
  CHECK(j["links"].size() == expected.size());
  CHECK(j["links"][4]["from"] == "producer:p1");
  CHECK(j["links"][4]["to"] == "receiver:r2");
  CHECK(j["links"][4]["stream"] == "hazardous");
  CHECK(j["links"][4]["mass_g"] == 5900000);
  CHECK(j["nodes"][0]["column"] == 0);
}

TEST_CASE("flows: the parties past --top are merged as others", "[reports][flows]") {
  DomainFixture f;
  SmallCity(f);
  const auto top1 = FlowsOf(f, "2026-03-01", "2026-03-31", "", 1);
  const std::vector<FlowLink> expected = {
      {"producer:others", "fate:lost", "hazardous", 50000},
      {"producer:others", "fate:stored", "fly_ash", 500000},
      {"producer:others", "fate:stored", "hazardous", 4650000},
      {"producer:others", "fate:utilized", "fly_ash", 1500000},
      {"producer:others", "receiver:r2", "hazardous", 5900000},
      {"producer:others", "transit", "hazardous", 400000},
      {"producer:r2", "fate:stored", "hazardous", 300000},
      {"receiver:r2", "fate:disposed", "hazardous", 5000000},
      {"receiver:r2", "fate:stored", "hazardous", 900000},
  };
  CHECK(top1.links == expected);
  CHECK(top1.nodes[1].id == "producer:others");  // others last in its column
  CHECK(top1.nodes[1].label.en == "others");

  const auto top2 = FlowsOf(f, "2026-03-01", "2026-03-31", "", 2);
  int64_t others = 0;
  for (const auto& l : top2.links) {
    if (l.from == "producer:others") others += l.mass_g;
  }
  CHECK(others == 1000000);  // p3 alone
}

TEST_CASE("flows: period and waste filters", "[reports][flows]") {
  DomainFixture f;
  SmallCity(f);
  const auto april = FlowsOf(f, "2026-04-01", "2026-04-30");
  // p3's manifest of March is still on the road at the end of April.
  CHECK(april.links == std::vector<FlowLink>{{"producer:p1", "fate:stored", "hazardous", 3000000},
                                             {"producer:p3", "transit", "hazardous", 400000}});
  const auto feb = FlowsOf(f, "2026-02-01", "2026-02-28");
  CHECK(feb.links.empty());
  CHECK(feb.nodes.empty());
  const auto year = FlowsOf(f, "2026-01-01", "2026-12-31");
  for (const auto& l : year.links) {
    if (l.from == "producer:p1" && l.to == "fate:stored" && l.stream == "hazardous")
      CHECK(l.mass_g == 7050000);
  }
  const auto fly_ash = FlowsOf(f, "2026-01-01", "2026-12-31", "SW02");
  CHECK(fly_ash.links == std::vector<FlowLink>{{"producer:p1", "fate:stored", "fly_ash", 500000},
                                               {"producer:p1", "fate:utilized", "fly_ash", 1500000}});
  const auto ash = FlowsOf(f, "2026-01-01", "2026-12-31", kAsh);
  CHECK(ash.links == std::vector<FlowLink>{{"producer:r2", "fate:stored", "hazardous", 300000}});
  CHECK(!reports::Flows(f.ledger(), f.domain.catalogue(), {{"2026-02-30", "2026-03-01"}, "", 12}).ok());
  CHECK(!reports::Flows(f.ledger(), f.domain.catalogue(), {{"2026-01-01", "2026-03-01"}, "", 0}).ok());
}

// In transit is what is on the road at the end of the period, as report
// balance counts it, not the period's dispatched less received: a manifest
// received in a later period leaves it then, and its weighing loss is a
// transport difference. A receipt under another code still comes from the
// receiver's node.
TEST_CASE("flows: in transit at the end of each period; a loss and another code on receipt", "[reports][flows]") {
  DomainFixture f;
  SmallCity(f);
  const uint64_t rc = f.Ok(f.S(f.r2, "receive",
                               {{"manifest", "20264110000002"},
                                {"lines", {{{"line", 1}, {"received_g", 390000}, {"refused_g", 0},
                                            {"waste", "900-047-49"}, {"reason", "one drum spilt"}}}}},
                               "2026-05-06T09:00:00+08:00"));
  f.Ok(f.S(f.r2, "dispose",
           {{"method", "D10"}, {"inputs", {{{"lot", "#" + std::to_string(rc) + "/1"}, {"mass_g", 390000}}}}},
           "2026-05-07T09:00:00+08:00"));
  CHECK(FlowsOf(f, "2026-03-01", "2026-03-31").links.at(6) == FlowLink{"producer:p3", "transit", "hazardous", 400000});
  const auto may = FlowsOf(f, "2026-05-01", "2026-05-31");
  CHECK(may.links == std::vector<FlowLink>{{"producer:p3", "fate:lost", "hazardous", 10000},
                                           {"producer:p3", "receiver:r2", "hazardous", 390000},
                                           {"receiver:r2", "fate:disposed", "hazardous", 390000}});
  // Over the whole year nothing is in transit any more.
  for (const auto& l : FlowsOf(f, "2026-01-01", "2026-12-31").links) CHECK(l.to != "transit");
}

TEST_CASE("flows document: the table and a Sankey diagram", "[reports][flows]") {
  DomainFixture f;
  SmallCity(f);
  const auto march = FlowsOf(f, "2026-03-01", "2026-03-31");
  const auto doc = reports::FlowsDocument(march, reports::Lang::kEn, reports::MassUnit::kKilogram);
  REQUIRE(doc.tables.size() == 1);
  CHECK(doc.tables[0].rows.size() == march.links.size());
  REQUIRE(doc.charts.size() == 1);
  const auto& chart = std::get<reports::SankeyChart>(doc.charts[0]);
  CHECK(chart.nodes.size() == march.nodes.size());
  CHECK(chart.links.size() == 9);  // p1 -> stored merges two streams
  const std::string html = reports::RenderHtml(doc);
  CHECK(html.find("<svg") != std::string::npos);
  const std::string text = reports::RenderText(doc);
  CHECK(text.find("5900.000") != std::string::npos);
  CHECK(text.find("fly ash") != std::string::npos);
  const std::string zh =
      reports::RenderText(reports::FlowsDocument(march, reports::Lang::kZh, reports::MassUnit::kTonne));
  CHECK(zh.find("危险废物") != std::string::npos);
  CHECK(zh.find("5.900000") != std::string::npos);
}

}  // namespace
}  // namespace wasteledger::testing
