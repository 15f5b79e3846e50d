// Rows read from a legacy file: what the readers (reader.h) produce and the
// profiles and mapping files (mapper.h) consume. Every cell is UTF-8 text
// whatever the file's encoding; nothing here knows about the ledger.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace wasteledger::import {

struct Cell {
  enum class Kind { kEmpty, kText, kNumber, kBool, kError };
  Kind kind = Kind::kEmpty;
  // The cell's text, UTF-8. kNumber: the number as the file stores it
  // (XLSX "<v>" text such as "44927" or "12.5"; a CSV cell is always kText,
  // the mapper decides what a text means). kError: a spreadsheet error value
  // (#N/A), or "" for a formula never calculated. Not trimmed by the reader.
  std::string text;
};

struct Row {
  // 1-based line (CSV: the physical line the row starts on) or sheet row
  // number (XLSX: the "r" attribute), as a clerk would find it in the file.
  uint64_t number = 0;
  std::vector<Cell> cells;  // ragged rows keep their own length
  // The row as it stands in the file, decoded to UTF-8, for the errors file
  // (CSV: the raw record text without its line ending; XLSX: the cells'
  // texts joined with ',' and quoted as RFC 4180 CSV).
  std::string original;
  // CSV: the file ends inside this row, with no line break after it. Taken
  // with missing columns, the mark of a file cut short.
  bool unterminated = false;

  // The text of cell i, or "" past the end of a short row.
  const std::string& Text(size_t i) const {
    static const std::string kNone;
    return i < cells.size() ? cells[i].text : kNone;
  }
};

}  // namespace wasteledger::import
