// The import command builds each record's body itself and Prepare does not
// check it against the import schema a second time
// (Ledger::Schemas::kTrustImportRecords), so the import tests check here
// that every record an import stored satisfies that schema.
#pragma once

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/cli_fixture.h"
#include "wasteledger/schema_validator.h"

namespace wasteledger::testing {

// Checks the body of every import entry of an export (JSONL) against the
// import schema; returns how many there were.
inline size_t CheckStoredImportsAgainstSchema(const std::string& export_jsonl) {
  static const auto schemas = SchemaValidator::Load(SchemaValidator::DefaultDir());
  REQUIRE(schemas.ok());
  size_t checked = 0;
  for (const auto& line : SplitLines(export_jsonl)) {
    const nlohmann::json st = nlohmann::json::parse(line)["statement"];
    if (st["kind"] != "import") continue;
    const Status valid = (*schemas)->ValidateBody("import", st["body"]);
    INFO(line);
    CHECK(valid.message() == "");
    ++checked;
  }
  return checked;
}

}  // namespace wasteledger::testing
