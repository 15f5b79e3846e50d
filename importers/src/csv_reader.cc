// CSV reader: RFC 4180 plus what real exports do (see reader.h). Built to
// stream a million rows: the text is scanned in place with memchr and a
// tight loop, and the caller's Row is refilled without allocating once its
// cells' strings have grown to the file's widths.
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "reader_internal.h"
#include "wasteledger/csv_field.h"
#include "wasteledger/import/reader.h"

namespace wasteledger::import {
namespace {

// The delimiter: ',' unless the first record holds more tabs or semicolons
// than commas (Excel's "CSV" in European locales uses ';', and "text" exports
// use tabs). Quoted fields do not count, so a heading such as "a,b" in a
// semicolon file does not sway it; a quote opens a field only at its start,
// as in the reader, so a lone quote in a heading does not hide the rest.
char SniffDelimiter(std::string_view text) {
  size_t commas = 0, tabs = 0, semicolons = 0;
  bool field_start = true;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (field_start && c == '"') {
      // Skip to the closing quote ("" is an escaped quote inside).
      for (++i; i < text.size(); ++i) {
        if (text[i] != '"') continue;
        if (i + 1 < text.size() && text[i + 1] == '"') {
          ++i;
          continue;
        }
        break;
      }
      field_start = false;
      continue;
    }
    if (c == '\n' || c == '\r') break;
    field_start = c == ',' || c == '\t' || c == ';';
    commas += c == ',';
    tabs += c == '\t';
    semicolons += c == ';';
  }
  if (tabs > commas && tabs >= semicolons) return '\t';
  if (semicolons > commas) return ';';
  return ',';
}

// Line ends in [p, end): CRLF, LF and a lone CR count one each.
uint64_t CountLineEnds(const char* p, const char* end) {
  uint64_t n = 0;
  for (; p < end; ++p) {
    if (*p == '\n' || (*p == '\r' && (p + 1 == end || p[1] != '\n'))) ++n;
  }
  return n;
}

class CsvSource final : public RowSource {
 public:
  CsvSource(std::string text, std::string encoding)
      : owned_(std::move(text)),
        text_(owned_),
        encoding_(std::move(encoding)),
        delimiter_(SniffDelimiter(text_)) {}
  CsvSource(std::unique_ptr<internal::FileBytes> file, size_t skip)
      : file_(std::move(file)),
        text_(file_->bytes().substr(skip)),
        encoding_("utf-8"),
        delimiter_(SniffDelimiter(text_)) {}

  Result<bool> Next(Row& row) override;
  const std::string& encoding() const override { return encoding_; }
  const std::string& sheet() const override { return sheet_; }

 private:
  // The end of an unquoted field's text: the next delimiter or line end.
  const char* ScanUnquoted(const char* p, const char* end) const {
    const char d = delimiter_;
    while (p < end && *p != d && *p != '\n' && *p != '\r') ++p;
    return p;
  }

  // Cell `i` of `row`, appended when the row is shorter. Appended cells come
  // from spare_, so strings that were grown for a longer row keep their
  // buffers across ragged rows.
  Cell& CellAt(Row& row, size_t i) {
    if (i < row.cells.size()) return row.cells[i];
    if (spare_.empty()) return row.cells.emplace_back();
    row.cells.push_back(std::move(spare_.back()));
    spare_.pop_back();
    return row.cells.back();
  }

  // Shrinks `row` to `n` cells, keeping the dropped cells' buffers in spare_.
  void TrimCells(Row& row, size_t n) {
    while (row.cells.size() > n) {
      spare_.push_back(std::move(row.cells.back()));
      row.cells.pop_back();
    }
  }

  // The text is owned_, or file_'s bytes.
  std::string owned_;
  std::unique_ptr<internal::FileBytes> file_;
  std::string_view text_;
  std::string encoding_;
  std::string sheet_;
  char delimiter_;
  size_t pos_ = 0;     // where the next record starts
  uint64_t line_ = 1;  // the physical line at pos_
  Status error_;       // once a record is malformed, every later call says so
  std::vector<Cell> spare_;
};

Result<bool> CsvSource::Next(Row& row) {
  if (!error_.ok()) return error_;
  const char* const begin = text_.data();
  const char* const end = begin + text_.size();
  const char* p = begin + pos_;
  if (p >= end) return false;  // a final line end does not start a record

  const char* const start = p;
  bool multiline = false;  // a quoted field holds a line end
  size_t n = 0;
  for (;;) {
    Cell& cell = CellAt(row, n++);
    cell.kind = Cell::Kind::kText;
    std::string& text = cell.text;
    if (p < end && *p == '"') {
      text.clear();
      ++p;
      for (;;) {
        const auto* q = static_cast<const char*>(std::memchr(p, '"', static_cast<size_t>(end - p)));
        if (q == nullptr) {
          error_ = Status::InvalidArgument("row starting at line " + std::to_string(line_) +
                                           ": a quoted field is never closed");
          TrimCells(row, n);
          return error_;
        }
        const auto len = static_cast<size_t>(q - p);
        if (!multiline && (std::memchr(p, '\n', len) != nullptr || std::memchr(p, '\r', len) != nullptr)) {
          multiline = true;
        }
        text.append(p, len);
        p = q + 1;
        if (p < end && *p == '"') {  // "" is one quote
          text.push_back('"');
          ++p;
          continue;
        }
        break;
      }
      // Text after the closing quote ("a"b) is kept, as spreadsheets do.
      const char* q = ScanUnquoted(p, end);
      text.append(p, static_cast<size_t>(q - p));
      p = q;
    } else {
      // Unquoted: a quote further in is an ordinary character (5" pipe).
      const char* q = ScanUnquoted(p, end);
      text.assign(p, static_cast<size_t>(q - p));
      p = q;
    }
    if (p < end && *p == delimiter_) {
      ++p;
      continue;
    }
    break;
  }
  TrimCells(row, n);
  row.number = line_;
  row.original.assign(start, static_cast<size_t>(p - start));
  line_ += 1 + (multiline ? CountLineEnds(start, p) : 0);
  row.unterminated = p >= end;
  if (p < end) {  // at a line end: CRLF, LF or CR
    if (*p == '\r' && p + 1 < end && p[1] == '\n') ++p;
    ++p;
  }
  pos_ = static_cast<size_t>(p - begin);
  return true;
}

}  // namespace

namespace internal {

std::unique_ptr<RowSource> NewCsvSource(std::string utf8_text, std::string encoding) {
  return std::make_unique<CsvSource>(std::move(utf8_text), std::move(encoding));
}

std::unique_ptr<RowSource> NewCsvSource(std::unique_ptr<FileBytes> file, size_t skip) {
  return std::make_unique<CsvSource>(std::move(file), skip);
}

void AppendCsvField(std::string_view text, std::string& out) { wasteledger::AppendCsvField(text, out, ",;\t"); }

}  // namespace internal

Result<std::unique_ptr<RowSource>> OpenCsvText(std::string utf8_text) {
  return internal::NewCsvSource(std::move(utf8_text), "utf-8");
}

}  // namespace wasteledger::import
