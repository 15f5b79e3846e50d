// libFuzzer target for the CSV reader (OpenCsvText) and DecodeText.
// Not built by CMake: tests/fuzz/run.sh builds and runs it, e.g.
//
//   tests/fuzz/run.sh 60 csv_reader_fuzz
//
// Properties checked on every input (any failure aborts):
//   - reading never crashes; a failure is the one malformed-file error (a
//     quote never closed), and the source keeps returning it;
//   - every row has at least one cell, and row numbers follow the line ends:
//     a row starts one line after the previous row's last line;
//   - the rows written back as RFC 4180 CSV and read again give the same
//     cells (the reader and the writer agree on quoting and delimiters);
//   - DecodeText(auto) never crashes; what it returns is valid UTF-8 by the
//     ledger's own, separately written check; UTF-8 input comes back as it
//     was (less a BOM); and the readers' UTF-8 scan agrees with the ledger's.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "reader_internal.h"
#include "wasteledger/canonical_json.h"
#include "wasteledger/import/reader.h"

namespace {

using wasteledger::Result;
using wasteledger::import::Row;
using wasteledger::import::RowSource;

void Check(bool condition) {
  if (!condition) std::abort();
}

uint64_t LineEnds(std::string_view s) {
  uint64_t n = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n' || (s[i] == '\r' && (i + 1 == s.size() || s[i + 1] != '\n'))) ++n;
  }
  return n;
}

// Reads every row of `text`; false when the text has a quote never closed.
bool ReadRows(const std::string& text, std::vector<std::vector<std::string>>& cells) {
  cells.clear();
  Result<std::unique_ptr<RowSource>> source = wasteledger::import::OpenCsvText(text);
  Check(source.ok());
  Row row;
  uint64_t next_line = 1;
  for (;;) {
    Result<bool> more = (*source)->Next(row);
    if (!more.ok()) {
      Check(more.status().message().ends_with(": a quoted field is never closed"));
      Result<bool> again = (*source)->Next(row);
      Check(!again.ok() && again.status().message() == more.status().message());
      return false;
    }
    if (!*more) return true;
    Check(!row.cells.empty());
    Check(row.number == next_line);
    next_line = row.number + 1 + LineEnds(row.original);
    std::vector<std::string>& texts = cells.emplace_back();
    for (const auto& c : row.cells) {
      Check(c.kind == wasteledger::import::Cell::Kind::kText);
      texts.push_back(c.text);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);

  // The readers' UTF-8 scan and the ledger's check agree.
  const bool utf8 = wasteledger::import::internal::FindInvalidUtf8(input) == input.size();
  Check(utf8 == wasteledger::ValidateUtf8(input).ok());

  std::string detected;
  Result<std::string> decoded =
      wasteledger::import::DecodeText(input, wasteledger::import::Encoding::kAuto, &detected);
  if (decoded.ok()) {
    Check(wasteledger::ValidateUtf8(*decoded).ok());
    Check(detected == "utf-8" || detected == "gb18030");
    if (utf8) {
      Check(detected == "utf-8");
      Check(*decoded == (input.starts_with("\xEF\xBB\xBF") ? input.substr(3) : input));
    }
  } else {
    Check(!utf8);
  }

  std::vector<std::vector<std::string>> rows;
  if (!ReadRows(input, rows)) return 0;

  // Back to RFC 4180 and read again: the same cells.
  std::string csv;
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      if (i > 0) csv += ',';
      wasteledger::import::internal::AppendCsvField(row[i], csv);
    }
    csv += "\r\n";
  }
  std::vector<std::vector<std::string>> again;
  Check(ReadRows(csv, again));
  Check(again == rows);
  return 0;
}
