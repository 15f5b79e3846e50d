// Readers: CSV (RFC 4180 and the habits of real exports), GB18030/GBK and
// UTF-8 text, XLSX (libzip + pugixml). A reader yields rows one at a time and
// reuses the caller's Row, so a million-row file streams without a vector of
// rows. Readers do no mapping: blank rows, title rows and total rows are
// passed through (the mapper skips them).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "wasteledger/import/table.h"
#include "wasteledger/status.h"

namespace wasteledger::import {

enum class Encoding { kAuto, kUtf8, kGb18030 };
// "auto", "utf-8" (also "utf8"), "gb18030" (also "gbk"); InvalidArgument otherwise.
Result<Encoding> ParseEncoding(std::string_view name);

// Decodes `bytes` to UTF-8. kAuto: a UTF-8 BOM or valid UTF-8 means UTF-8,
// otherwise GB18030 if it decodes cleanly, otherwise InvalidArgument naming
// the line and byte offset of the first byte neither accepts. A given
// encoding that does not decode is InvalidArgument naming line and offset.
// The UTF-8 BOM is removed. `detected` (optional) receives "utf-8" or
// "gb18030".
Result<std::string> DecodeText(std::string_view bytes, Encoding encoding, std::string* detected = nullptr);

class RowSource {
 public:
  virtual ~RowSource() = default;
  // Fills `row` with the next row: true, or false at the end of the data.
  // A malformed file (a quote never closed, a broken sheet) is
  // InvalidArgument naming the row.
  virtual Result<bool> Next(Row& row) = 0;
  // "utf-8" or "gb18030" for text; "xlsx" for a workbook.
  virtual const std::string& encoding() const = 0;
  // The sheet read ("" for CSV).
  virtual const std::string& sheet() const = 0;
  // True for a workbook in the 1904 date system (old Mac Excel: the
  // workbook's <workbookPr date1904="1"/>), whose date serials count from
  // 1904-01-01 (ParseDate's `date1904`).
  virtual bool date1904() const { return false; }
};

// CSV over decoded UTF-8 text (owned by the source). RFC 4180 with: CRLF, LF
// or CR line ends; quoted fields with doubled quotes, commas and newlines;
// a lone quote inside an unquoted field kept as text; a trailing line end or
// none; ragged rows kept ragged. The delimiter is ',' unless the first line
// holds more tabs or semicolons than commas (then that one).
Result<std::unique_ptr<RowSource>> OpenCsvText(std::string utf8_text);

// XLSX: the named sheet, or the first sheet in workbook order when `sheet`
// is empty. Shared strings (including rich-text runs), inline strings,
// numbers (kNumber, the stored text), booleans, error cells, cells skipped in
// the XML (filled with kEmpty so column positions hold). NotFound naming the
// sheets there are when the sheet does not exist; InvalidArgument when the
// bytes are not a workbook.
Result<std::unique_ptr<RowSource>> OpenXlsx(std::string bytes, std::string_view sheet = {});

// Any file: a zip container ("PK\3\4") is read as XLSX, anything else as
// CSV text in `encoding`. A file with NUL bytes that is not a zip is
// InvalidArgument ("not a CSV or XLSX file"). IOError when unreadable.
Result<std::unique_ptr<RowSource>> OpenTable(const std::string& path, Encoding encoding,
                                             std::string_view sheet = {});

}  // namespace wasteledger::import
