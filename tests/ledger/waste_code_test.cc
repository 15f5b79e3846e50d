#include "wasteledger/waste_code.h"

#include <catch2/catch.hpp>
#include <set>
#include <string>

#include "test_util.h"

namespace wasteledger {
namespace {

using wasteledger::testing::ReadFile;
using wasteledger::testing::SharedData;
using wasteledger::testing::TempDir;
using wasteledger::testing::WriteFile;

const WasteCatalogue& Catalogue() {
  static const WasteCatalogue cat = [] {
    Result<WasteCatalogue> r = WasteCatalogue::Load(DefaultCatalogueDir());
    if (!r.ok()) FAIL("catalogue: " << r.status().message());
    return *r;
  }();
  return cat;
}

std::string Two(int n) { return (n < 10 ? "0" : "") + std::to_string(n); }

TEST_CASE("every hazardous category HW01..HW50: 41-44 malformed", "[wastecode]") {
  const WasteCatalogue& cat = Catalogue();
  for (int n = 0; n <= 99; ++n) {
    const std::string code = "900-041-" + Two(n);
    const WasteCodeInfo info = cat.Classify(code);
    INFO(code << ": " << info.message);
    const bool exists = (n >= 1 && n <= 40) || (n >= 45 && n <= 50);
    if (exists) {
      CHECK(info.kind == WasteKind::kHazardous);
      CHECK(info.code == code);
      CHECK(info.category == "HW" + Two(n));
      CHECK(info.known);
      CHECK_FALSE(info.category_name_zh.empty());
      CHECK(info.message.empty());
      CHECK(NormaliseWasteCode("900041" + Two(n)).ok());
    } else {
      CHECK(info.kind == WasteKind::kMalformed);
      CHECK_FALSE(info.known);
      CHECK(info.code.empty());
      CHECK(info.message.find("category HW" + Two(n) + " does not exist") != std::string::npos);
      CHECK_FALSE(NormaliseWasteCode("900041" + Two(n)).ok());
    }
  }
}

TEST_CASE("hazardous codes: names and normalisation", "[wastecode]") {
  const WasteCatalogue& cat = Catalogue();
  WasteCodeInfo info = cat.Classify("900-041-49");
  CHECK(info.category == "HW49");
  CHECK(info.category_name_zh == "其他废物");
  CHECK(cat.Classify("900-249-08").category_name_zh == "废矿物油与含矿物油废物");
  CHECK(cat.Classify("772-002-18").category_name_zh == "焚烧处置残渣");
  CHECK(cat.Classify("261-084-45").category_name_zh == "含有机卤化物废物");
  CHECK(cat.Classify("251-016-50").category_name_zh == "废催化剂");

  Result<std::string> n = NormaliseWasteCode("90004149");
  REQUIRE(n.ok());
  CHECK(*n == "900-041-49");
  CHECK(*NormaliseWasteCode(" 900-041-49 ") == "900-041-49");
  CHECK(cat.Classify("90004149").code == "900-041-49");
  for (const char* bad : {"900-041-4", "900-04149", "900041-49", "9000414", "900041499", "900-041-4a",
                          "900_041_49", "900-041-49-", "", "   "}) {
    INFO(bad);
    CHECK_FALSE(NormaliseWasteCode(bad).ok());
    CHECK(cat.Classify(bad).kind == WasteKind::kMalformed);
  }
  const WasteCodeInfo category_only = cat.Classify("HW49");
  CHECK(category_only.kind == WasteKind::kMalformed);
  CHECK(category_only.message.find("is a category, not a waste code") != std::string::npos);
}

TEST_CASE("2021 general industrial classes SW01..SW59", "[wastecode]") {
  const WasteCatalogue& cat = Catalogue();
  const std::set<int> listed = {1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15, 16, 17, 59};
  for (int n = 0; n <= 99; ++n) {
    const std::string code = "SW" + Two(n);
    const WasteCodeInfo info = cat.Classify(code);
    INFO(code << ": " << info.message);
    if (n >= 1 && n <= 59) {
      CHECK(info.kind == WasteKind::kGeneralIndustrial2021);
      CHECK(info.category == code);
      CHECK(info.known == (listed.count(n) == 1));
      CHECK(info.message.empty() == info.known);
      if (!info.known) CHECK(info.message.find("well formed but") != std::string::npos);
    } else {
      CHECK(info.kind == WasteKind::kMalformed);
      CHECK_FALSE(info.message.empty());
    }
  }
  CHECK(cat.Classify("SW02").category_name_zh == "粉煤灰");
  CHECK(cat.Classify("sw04").code == "SW04");
  CHECK(cat.Classify("SW4").kind == WasteKind::kMalformed);
  CHECK(cat.Classify("SW004").kind == WasteKind::kMalformed);
}

TEST_CASE("2024 codes: six digits then S01..S99", "[wastecode]") {
  const WasteCatalogue& cat = Catalogue();
  for (int n = 0; n <= 99; ++n) {
    const std::string code = "441001S" + Two(n);
    const WasteCodeInfo info = cat.Classify(code);
    INFO(code << ": " << info.message);
    if (n == 0) {
      CHECK(info.kind == WasteKind::kMalformed);
      continue;
    }
    WasteKind want = WasteKind::kSolidWaste2024;
    std::string first_level = n <= 59 ? "工业固体废物" : "其他固体废物";
    if (n >= 60 && n <= 69) {
      want = WasteKind::kHousehold;
      first_level = "生活垃圾";
    } else if (n >= 70 && n <= 79) {
      want = WasteKind::kConstruction;
      first_level = "建筑垃圾";
    } else if (n >= 80 && n <= 89) {
      want = WasteKind::kAgricultural;
      first_level = "农业固体废物";
    }
    CHECK(info.kind == want);
    CHECK(info.code == code);
    CHECK(info.category == "S" + Two(n));
    CHECK(info.known == (n != 8));  // S08 is not used in the 2024 catalogue
    if (n != 8) CHECK(info.category_name_zh == first_level);
  }
  CHECK(*NormaliseWasteCode("441-001-S07") == "441001S07");
  CHECK(*NormaliseWasteCode("441001s07") == "441001S07");
  for (const char* bad : {"44100S07", "4410011S07", "44a001S07", "441001X07", "441001S7", "441-001S07",
                          "441001-S07", "441-001-S0"}) {
    INFO(bad);
    CHECK(cat.Classify(bad).kind == WasteKind::kMalformed);
  }
}

TEST_CASE("construction codes CW01..CW05", "[wastecode]") {
  const WasteCatalogue& cat = Catalogue();
  const char* names[] = {"工程渣土", "工程泥浆", "工程垃圾", "拆除垃圾", "装修垃圾"};
  for (int n = 1; n <= 5; ++n) {
    const WasteCodeInfo info = cat.Classify("CW" + Two(n));
    CHECK(info.kind == WasteKind::kConstruction);
    CHECK(info.known);
    CHECK(info.category_name_zh == names[n - 1]);
    CHECK(cat.StreamOf("CW" + Two(n)) == kStreamConstruction);
  }
  const WasteCodeInfo unlisted = cat.Classify("CW06");
  CHECK(unlisted.kind == WasteKind::kConstruction);
  CHECK_FALSE(unlisted.known);
  CHECK(cat.Classify("CW00").kind == WasteKind::kMalformed);
  CHECK(cat.Classify("garbage").kind == WasteKind::kMalformed);
}

TEST_CASE("streams come from the catalogue data", "[wastecode]") {
  const WasteCatalogue& cat = Catalogue();
  CHECK(cat.StreamOf("SW01") == kStreamSmeltingSlag);
  CHECK(cat.StreamOf("SW02") == kStreamFlyAsh);
  CHECK(cat.StreamOf("SW04") == kStreamCoalGangue);
  CHECK(cat.StreamOf("SW06") == kStreamByproductGypsum);
  CHECK(cat.StreamOf("SW10") == kStreamByproductGypsum);
  CHECK(cat.StreamOf("SW11") == kStreamByproductGypsum);
  CHECK(cat.StreamOf("SW03") == kStreamOther);
  CHECK(cat.StreamOf("SW58") == kStreamOther);  // unlisted
  CHECK(cat.StreamOf("441001S72") == kStreamConstruction);
  CHECK(cat.StreamOf("441001S01") == kStreamOther);
  CHECK(cat.StreamOf("900-041-49") == kStreamOther);
  CHECK(cat.StreamOf("nonsense") == kStreamOther);
}

TEST_CASE("hazard characteristics", "[wastecode]") {
  Result<HazardSet> tc = ParseHazards("T,C");
  REQUIRE(tc.ok());
  CHECK(tc->Contains(Hazard::kToxicity));
  CHECK(tc->Contains(Hazard::kCorrosivity));
  CHECK_FALSE(tc->Contains(Hazard::kIgnitability));
  CHECK(tc->ToString() == "T,C");
  CHECK(ParseHazards("C,T")->ToString() == "T,C");
  CHECK(ParseHazards("In")->ToString() == "In");
  CHECK(ParseHazards("I")->ToString() == "I");
  CHECK(ParseHazards("in, t")->ToString() == "T,In");
  CHECK(ParseHazards("R/I")->ToString() == "I,R");
  CHECK(ParseHazards("C、T，In")->ToString() == "T,C,In");
  CHECK(ParseHazards("T,T")->ToString() == "T");
  CHECK(ParseHazards("T,C,I,R,In")->bits() == 31);
  CHECK_FALSE(ParseHazards("").ok());
  CHECK_FALSE(ParseHazards(" , ").ok());
  CHECK(ParseHazards("T,X").status().message().find("unknown hazard characteristic \"X\"") !=
        std::string::npos);
  CHECK_FALSE(ParseHazards("TC").ok());
  CHECK_FALSE(ParseHazards("Inf").ok());
  const WasteCatalogue& cat = Catalogue();
  CHECK(cat.HazardNameZh(Hazard::kToxicity) == "毒性");
  CHECK(cat.HazardNameZh(Hazard::kInfectivity) == "感染性");
}

TEST_CASE("catalogue files agree with the shared regulation data", "[wastecode]") {
  // The copies in schemas/catalogue keep the facts of ../shared/data/regulation.
  const std::string dir = DefaultCatalogueDir();
  CHECK(ReadFile(dir + "/hw_categories_2021.csv") == ReadFile(SharedData("regulation/hw_categories.csv")));
  CHECK(ReadFile(dir + "/hazard_characteristics.csv") ==
        ReadFile(SharedData("regulation/hazard_characteristics.csv")));
  CHECK(ReadFile(dir + "/uscc_charset.csv") ==
        ReadFile(SharedData("regulation/uscc_gb32100_charset_weights.csv")));
  // 46 HW + 17 SW + 98 S + 5 CW.
  CHECK(Catalogue().size() == 46 + 17 + 98 + 5);
}

TEST_CASE("WasteCatalogue::Load refuses bad data", "[wastecode]") {
  TempDir tmp;
  const std::string src = DefaultCatalogueDir();
  const char* files[] = {"hw_categories_2021.csv", "hazard_characteristics.csv", "sw_classes_2021.csv",
                         "s_classes_2024.csv", "construction_waste.csv"};
  auto copy_all = [&] {
    for (const char* f : files) WriteFile(tmp / f, ReadFile(src + "/" + f));
  };
  copy_all();
  REQUIRE(WasteCatalogue::Load(tmp.path().string()).ok());

  SECTION("missing file") {
    std::filesystem::remove(tmp / "sw_classes_2021.csv");
    Result<WasteCatalogue> r = WasteCatalogue::Load(tmp.path().string());
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Status::Code::kIOError);
  }
  SECTION("HW41 listed") {
    WriteFile(tmp / "hw_categories_2021.csv", "category_code,category_name_zh\nHW41,x\n");
    Result<WasteCatalogue> r = WasteCatalogue::Load(tmp.path().string());
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Status::Code::kCorruption);
    CHECK(r.status().message() == "hw_categories_2021.csv:2: malformed code \"HW41\"");
  }
  SECTION("unknown stream") {
    WriteFile(tmp / "sw_classes_2021.csv", "sw_code,name_zh,stream\r\nSW02,粉煤灰,ash\r\n");
    Result<WasteCatalogue> r = WasteCatalogue::Load(tmp.path().string());
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().message() == "sw_classes_2021.csv:2: unknown stream \"ash\"");
  }
  SECTION("duplicate and missing column") {
    WriteFile(tmp / "construction_waste.csv", "cw_code,name_zh,stream\nCW01,a,other\nCW01,b,other\n");
    CHECK(WasteCatalogue::Load(tmp.path().string()).status().message() ==
          "construction_waste.csv:3: code CW01 listed twice");
    WriteFile(tmp / "construction_waste.csv", "code,name_zh,stream\n");
    CHECK(WasteCatalogue::Load(tmp.path().string()).status().message() ==
          "construction_waste.csv: no column \"cw_code\"");
  }
  SECTION("BOM and quoted fields are read") {
    WriteFile(tmp / "construction_waste.csv",
              "\xEF\xBB\xBF"
              "cw_code,name_zh,stream\nCW01,\"渣土, \"\"工程\"\"\",construction_waste\n");
    Result<WasteCatalogue> r = WasteCatalogue::Load(tmp.path().string());
    REQUIRE(r.ok());
    CHECK(r->Classify("CW01").category_name_zh == "渣土, \"工程\"");
  }
  SECTION("hazard list incomplete") {
    WriteFile(tmp / "hazard_characteristics.csv", "code,name_zh,name_en\nT,毒性,Toxicity\n");
    CHECK(WasteCatalogue::Load(tmp.path().string()).status().code() == Status::Code::kCorruption);
  }
}

}  // namespace
}  // namespace wasteledger
