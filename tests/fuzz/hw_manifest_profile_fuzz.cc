// libFuzzer target for the cn-hw-manifest profile: Detect and Map over rows
// made from the input, and the cell value parsers over every cell. Not built
// by CMake. From the repository root (or through tests/fuzz/run.sh):
//
//   clang++-14 -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined \
//     -Iledger/include -Iimporters/include tests/fuzz/hw_manifest_profile_fuzz.cc \
//     importers/src/values.cc importers/src/dates.cc importers/src/profiles.cc \
//     importers/src/mapping_file.cc importers/src/mapper.cc importers/src/mapper_detect.cc \
//     ledger/src/json_parser.cc -o hw_manifest_profile_fuzz
//   ./hw_manifest_profile_fuzz -max_total_time=60 -max_len=4096
//
// Input: the first byte chooses whether the standard heading row (and a
// title row) goes first; the rest is rows split on '\n' and cells on ','
// (import_fuzz_common.h). Properties checked (any failure aborts):
//   - nothing crashes; NormalizeText is idempotent; every parsed mass is in
//     [0, 2^53-1] g and every parsed date a real YYYY-MM-DD;
//   - a heading found with the standard heading row present is that row;
//   - every record has mass_g > 0, a valid date, normalised texts, an
//     upper-case USCC, hazards in T C I R In order; a skip or an error
//     leaves no record and gives a one-line reason.

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

  static const std::vector<std::string> kHeading = {"联单编号",
                                                    "移出单位",
                                                    "统一社会信用代码",
                                                    "承运单位",
                                                    "接受单位",
                                                    "许可证编号",
                                                    "废物名称",
                                                    "废物代码",
                                                    "危险特性",
                                                    "形态",
                                                    "包装方式",
                                                    "转移量（吨）",
                                                    "实际接收量",
                                                    "转移日期",
                                                    "接收日期",
                                                    "利用处置方式",
                                                    "备注",
                                                    "计量单位",
                                                    "承运单位统一社会信用代码"};
  std::vector<Row> rows;
  if ((options & 2) != 0) rows.push_back(RowOf(0, {"2023年危险废物转移联单汇总表"}));
  if ((options & 1) != 0) rows.push_back(RowOf(1, kHeading));
  for (Row& r : RowsFrom(text, 2)) rows.push_back(std::move(r));
  for (const Row& row : rows) {
    for (const Cell& cell : row.cells) CheckValues(cell);
  }

  static const auto spec = *wasteledger::import::LoadProfile("cn-hw-manifest");
  size_t heading = 0;
  Result<Mapper> mapper = Mapper::Detect(spec, rows, &heading);
  if ((options & 1) != 0) {
    // The standard heading row is complete: it, or a complete row above it.
    Check(mapper.ok() || mapper.status().message().find("both match") != std::string::npos);
  }
  if (!mapper.ok()) {
    Check(mapper.status().message().find('\n') == std::string::npos);
    return 0;
  }
  Check(heading < rows.size());
  Check(!mapper->Describe().empty());
  for (const std::string& line : mapper->Describe()) Check(line.find('\n') == std::string::npos);
  MapAndCheck(*mapper, rows, heading, /*ledger=*/false);
  return 0;
}
