// schemas/import/mapping.schema.json and LoadMapping agree: the example
// mappings validate against the schema and load; mappings the schema refuses
// are refused by LoadMapping too.
#define VALIJSON_USE_EXCEPTIONS 1
#include <catch2/catch.hpp>
#include <string>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>
#include <vector>

#include "test_util.h"
#include "wasteledger/canonical_json.h"
#include "wasteledger/import/mapper.h"

namespace wasteledger::import {
namespace {

const std::string kSchemaPath =
    std::string(WL_IMPORT_TEST_DATA) + "/../../../schemas/import/mapping.schema.json";

bool SchemaAccepts(const valijson::Schema& schema, const std::string& json) {
  const Json doc = Json::parse(json);
  valijson::Validator validator(valijson::Validator::kStrongTypes);
  valijson::adapters::NlohmannJsonAdapter target(doc);
  return validator.validate(schema, target, nullptr);
}

TEST_CASE("The example mappings validate against mapping.schema.json, and bad ones do not", "[mapper]") {
  const Json schema_doc = Json::parse(wasteledger::testing::ReadFile(kSchemaPath));
  valijson::Schema schema;
  valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
  valijson::adapters::NlohmannJsonAdapter schema_adapter(schema_doc);
  parser.populateSchema(schema_adapter, schema);

  const std::vector<std::string> good = {
      // docs/IMPORT-PROFILES.md, the worked example.
      R"({"$schema": "../schemas/import/mapping.schema.json", "description": "某厂出厂登记表",
          "record": "manifest", "heading_row": 3, "date_format": "%d.%m.%Y",
          "columns": {"单号": "manifest", "产废企业": "from.name", "危废名称": "waste_name", "类别": "waste",
                      "重量": {"field": "mass", "unit": "kg"}, "实收": {"field": "received", "unit": "千克"},
                      "出厂日期": "date", "到厂日期": {"field": "received_date", "format": "%Y%m%d"}},
          "constants": {"to.name": "禹州市环保科技有限公司", "to.permit": "豫环许可危废字123号", "hazards": "T",
                        "method": "D10"}})",
      R"({"record": "ledger",
          "columns": {"月份": "date", "企业": "from.name", "代码": "waste", "委托利用": {"field": "transfer", "unit": "t"},
                      "委托处置": "transfer", "自用": "utilize", "去向": "to.name"},
          "constants": {"unit": "kg", "waste_name": "炉渣"}})",
      R"({"record": "ledger", "constants": {"date": "2023年5月", "from.name": "禹州市某厂", "waste": "SW01"},
          "columns": {"产生": "generate", "利用": {"field": "utilize", "unit": "KG"}}})",
  };
  for (const std::string& json : good) {
    INFO(json);
    CHECK(SchemaAccepts(schema, json));
    CHECK(LoadMapping(json, "m.json").ok());
  }

  const std::string columns =
      R"("columns": {"单号": "manifest", "厂": "from.name", "去向": "to.name", "代码": "waste",
                                               "吨": "mass", "日期": "date")";
  const std::vector<std::string> bad = {
      R"({"record": "manifest", "colums": {}, )" + columns + "}}",
      R"({"record": "hw", )" + columns + "}}",
      R"({)" + columns + "}}",
      R"({"record": "manifest", "heading_row": 0, )" + columns + "}}",
      R"({"record": "manifest", "date_format": "%b %d %Y", )" + columns + "}}",
      R"({"record": "manifest", "date_format": "%d.%Y", )" + columns + "}}",
      R"({"record": "manifest", )" + columns + R"(, "重量": {"field": "mass", "unit": "lb"}}})",
      R"({"record": "manifest", )" + columns + R"(, "重量": {"field": "mass", "units": "kg"}}})",
      R"({"record": "manifest", )" + columns + R"(, "接收": {"field": "received_date", "unit": "kg"}}})",
      R"({"record": "manifest", )" + columns + R"(, "重量": {"field": "note", "format": "%Y-%m-%d"}}})",
      R"({"record": "manifest", )" + columns + R"(, "重量": "weight"}})",
      R"({"record": "manifest", )" + columns + R"(, "产生": "generate"}})",
      R"({"record": "manifest", )" + columns + R"(}, "constants": {"received": "5"}})",
      R"({"record": "manifest", )" + columns + R"(}, "constants": {"foo": "x"}})",
      R"({"record": "manifest", )" + columns + R"(}, "constants": {"note": 5}})",
      R"({"record": "ledger", "columns": {"月": "date", "厂": "from.name", "码": "waste", "吨": "mass"}})",
      R"({"record": "manifest", "columns": {}})",
  };
  for (const std::string& json : bad) {
    INFO(json);
    CHECK_FALSE(SchemaAccepts(schema, json));
    CHECK_FALSE(LoadMapping(json, "m.json").ok());
  }
}

}  // namespace
}  // namespace wasteledger::import
