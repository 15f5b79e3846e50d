// libFuzzer target for JSON mapping files (LoadMapping), and for Detect and
// Map with the mappings it accepts. Not built by CMake. From the repository
// root (or through tests/fuzz/run.sh):
//
//   clang++-14 -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined \
//     -Iledger/include -Iimporters/include tests/fuzz/mapping_file_fuzz.cc \
//     importers/src/values.cc importers/src/dates.cc importers/src/profiles.cc \
//     importers/src/mapping_file.cc importers/src/mapper.cc importers/src/mapper_detect.cc \
//     ledger/src/json_parser.cc -o mapping_file_fuzz
//   ./mapping_file_fuzz -max_total_time=60 -max_len=4096
//
// Input: a mapping file, then optionally "\n\n" and rows (split on '\n' and
// ','). Properties checked (any failure aborts):
//   - LoadMapping never crashes; a refusal is one line starting "m.json: ";
//   - for an accepted mapping, a heading row made of its own column headings
//     (numbered heading_row when it has one) is always detected;
//   - the rows after it map to records with the properties of
//     import_fuzz_common.h for the mapping's record kind.

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "import_fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace import_fuzz;  // NOLINT(google-build-using-namespace)
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t split = input.find("\n\n");
  const std::string_view json = input.substr(0, split);
  const std::string_view text =
      split == std::string_view::npos ? std::string_view() : input.substr(split + 2);

  auto spec = wasteledger::import::LoadMapping(json, "m.json");
  if (!spec.ok()) {
    const std::string& message = spec.status().message();
    Check(message.rfind("m.json: ", 0) == 0);
    Check(message.find('\n') == std::string::npos);
    return 0;
  }
  // The mapping was accepted, so it is an object with "record" and "columns".
  const nlohmann::json doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  Check(doc.is_object() && doc.contains("columns") && doc["columns"].is_object());
  const bool ledger = doc["record"] == "ledger";
  uint64_t heading_number = 1;
  if (doc.contains("heading_row")) heading_number = doc["heading_row"].get<uint64_t>();

  std::vector<std::string> headings;
  for (const auto& [key, value] : doc["columns"].items()) headings.push_back(key);
  std::vector<Row> rows = {RowOf(heading_number, headings)};
  for (Row& r : RowsFrom(text, heading_number + 1)) rows.push_back(std::move(r));

  size_t heading = 99;
  Result<Mapper> mapper = Mapper::Detect(*spec, rows, &heading);
  Check(mapper.ok());
  Check(heading == 0);
  Check(mapper->Describe().size() >= headings.size());
  MapAndCheck(*mapper, rows, heading, ledger);
  return 0;
}
