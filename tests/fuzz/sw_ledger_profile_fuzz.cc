// libFuzzer target for the cn-sw-ledger profile (一般工业固体废物台账):
// Detect and Map over rows made from the input. Not built by CMake. From the
// repository root (or through tests/fuzz/run.sh):
//
//   clang++-14 -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined \
//     -Iledger/include -Iimporters/include tests/fuzz/sw_ledger_profile_fuzz.cc \
//     importers/src/values.cc importers/src/dates.cc importers/src/profiles.cc \
//     importers/src/mapping_file.cc importers/src/mapper.cc importers/src/mapper_detect.cc \
//     ledger/src/json_parser.cc -o sw_ledger_profile_fuzz
//   ./sw_ledger_profile_fuzz -max_total_time=60 -max_len=4096
//
// Input as in hw_manifest_profile_fuzz.cc. Properties checked: nothing
// crashes; every record is a generate/utilize/dispose/transfer with
// mass_g > 0, a valid date (months read as their 1st day), the quantity
// column named, a receiver only on transfers, no method on generation; no
// more records than quantity columns; skips and errors leave no record.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "import_fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace import_fuzz;  // NOLINT(google-build-using-namespace)
  if (size == 0) return 0;
  const uint8_t options = data[0];
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);

  static const std::vector<std::string> kHeading = {
      "月份",   "企业名称",   "统一社会信用代码", "废物名称", "类别代码", "产生量(吨)", "综合利用量(千克)",
      "处置量", "委托利用量", "委托处置量(t)",    "贮存量",   "外运量",   "去向单位",   "利用处置方式",
      "备注",   "计量单位"};
  std::vector<Row> rows;
  if ((options & 2) != 0) rows.push_back(RowOf(0, {"一般工业固体废物管理台账", "", "单位：吨"}));
  if ((options & 1) != 0) rows.push_back(RowOf(1, kHeading));
  for (Row& r : RowsFrom(text, 2)) rows.push_back(std::move(r));
  for (const Row& row : rows) {
    for (const Cell& cell : row.cells) CheckValues(cell);
  }

  static const auto spec = *wasteledger::import::LoadProfile("cn-sw-ledger");
  size_t heading = 0;
  Result<Mapper> mapper = Mapper::Detect(spec, rows, &heading);
  if ((options & 1) != 0)
    Check(mapper.ok() || mapper.status().message().find("both match") != std::string::npos);
  if (!mapper.ok()) {
    Check(mapper.status().message().find('\n') == std::string::npos);
    return 0;
  }
  Check(heading < rows.size());
  MapAndCheck(*mapper, rows, heading, /*ledger=*/true);
  // Never more records than quantity columns (six at most in this profile).
  std::vector<Record> out;
  RowError error;
  for (size_t i = heading + 1; i < rows.size(); ++i) {
    if (mapper->Map(rows[i], out, error) == Mapper::Outcome::kRecords) Check(out.size() <= 6);
  }
  return 0;
}
