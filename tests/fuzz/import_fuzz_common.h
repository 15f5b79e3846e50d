// Shared by the importer fuzz targets (hw_manifest_profile_fuzz.cc,
// sw_ledger_profile_fuzz.cc, mapping_file_fuzz.cc): rows from fuzz bytes and
// the properties every mapped record must have. Header only, so that each
// target still builds from its one .cc (see tests/fuzz/run.sh).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "wasteledger/import/mapper.h"
#include "wasteledger/import/values.h"
#include "wasteledger/mass.h"

namespace import_fuzz {

using wasteledger::Result;
using wasteledger::import::Cell;
using wasteledger::import::Mapper;
using wasteledger::import::Record;
using wasteledger::import::RecordType;
using wasteledger::import::Row;
using wasteledger::import::RowError;

inline void Check(bool condition) {
  if (!condition) std::abort();
}

// One row per '\n', one cell per ','. A cell starting with \x01 is a number
// cell, \x02 an error cell, \x03 a boolean (the marker byte is dropped).
inline std::vector<Row> RowsFrom(std::string_view text, uint64_t first_number) {
  std::vector<Row> rows;
  uint64_t number = first_number;
  while (!text.empty() || rows.empty()) {
    const size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    Row row;
    row.number = number++;
    row.original = std::string(line);
    while (true) {
      const size_t comma = line.find(',');
      std::string_view cell_text = line.substr(0, comma);
      Cell cell;
      cell.kind = Cell::Kind::kText;
      if (!cell_text.empty() && cell_text[0] >= '\x01' && cell_text[0] <= '\x03') {
        cell.kind = cell_text[0] == '\x01'   ? Cell::Kind::kNumber
                    : cell_text[0] == '\x02' ? Cell::Kind::kError
                                             : Cell::Kind::kBool;
        cell_text.remove_prefix(1);
      }
      if (cell_text.empty() && cell.kind == Cell::Kind::kText) cell.kind = Cell::Kind::kEmpty;
      cell.text = std::string(cell_text);
      row.cells.push_back(std::move(cell));
      if (comma == std::string_view::npos) break;
      line.remove_prefix(comma + 1);
    }
    rows.push_back(std::move(row));
    if (rows.size() > 200) break;
  }
  return rows;
}

inline Row RowOf(uint64_t number, const std::vector<std::string>& texts) {
  Row row;
  row.number = number;
  for (const std::string& t : texts)
    row.cells.push_back(Cell{t.empty() ? Cell::Kind::kEmpty : Cell::Kind::kText, t});
  return row;
}

// "YYYY-MM-DD" of a real day that ParseDate reads back unchanged.
inline bool IsDate(const std::string& s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  Result<std::string> again = wasteledger::import::ParseDate(s);
  return again.ok() && *again == s;
}

inline bool IsNormalized(const std::string& s) { return wasteledger::import::NormalizeText(s) == s; }

// What holds for every cell text whatever it is.
inline void CheckValues(const Cell& cell) {
  using namespace wasteledger::import;  // NOLINT(google-build-using-namespace)
  const std::string norm = NormalizeText(cell.text);
  Check(NormalizeText(norm) == norm);
  Check(norm.empty() || (norm.front() != ' ' && norm.back() != ' '));
  Check(norm.find("  ") == std::string::npos);
  Check(IsBlankText(cell.text) == norm.empty());
  for (const auto unit : {wasteledger::MassUnit::kTonnes, wasteledger::MassUnit::kGrams}) {
    Result<int64_t> grams = ParseMass(cell.text, unit, cell.kind);
    if (grams.ok()) Check(*grams >= 0 && *grams <= wasteledger::kMaxMassGrams);
    if (!grams.ok()) Check(grams.status().message().find('\n') == std::string::npos);
  }
  for (const bool month : {false, true}) {
    Result<std::string> date = ParseDate(cell.text, cell.kind, nullptr, month);
    if (date.ok()) Check(IsDate(*date));
  }
  std::vector<std::string> hazards;
  if (ParseHazards(cell.text, hazards).ok()) {
    static const char* const kOrder[] = {"T", "C", "I", "R", "In"};
    size_t next = 0;
    for (const std::string& h : hazards) {
      while (next < 5 && h != kOrder[next]) ++next;
      Check(next < 5);
      ++next;
    }
  }
  std::string buffer;
  const std::string_view method = ExtractMethodCode(norm, buffer);
  Check(method.size() <= norm.size());
  const HeadingParts parts = SplitHeading(norm);
  Check(parts.name.size() <= norm.size());
  if (parts.unit) Check(!parts.unit_text.empty());
}

// What holds for every record a Map call makes.
inline void CheckRecord(const Record& r, const Row& row, bool ledger) {
  Check(r.row == row.number);
  Check(r.mass_g > 0 && r.mass_g <= wasteledger::kMaxMassGrams);
  Check(IsDate(r.date));
  Check(r.received_date.empty() || IsDate(r.received_date));
  Check(!r.received_g || (*r.received_g >= 0 && *r.received_g <= wasteledger::kMaxMassGrams));
  Check(!r.from.name.empty() && !r.waste.empty());
  for (const std::string* s : {&r.manifest, &r.from.name, &r.from.uscc, &r.to.name, &r.to.uscc, &r.to.permit,
                               &r.waste, &r.waste_name, &r.form, &r.packaging, &r.method, &r.note}) {
    Check(IsNormalized(*s));
  }
  for (const char c : r.from.uscc + r.to.uscc) Check(!(c >= 'a' && c <= 'z'));
  for (const auto& carrier : r.carriers) Check(!carrier.name.empty() && IsNormalized(carrier.name));
  if (ledger) {
    Check(r.type != RecordType::kManifest);
    Check(!r.column.empty());
    Check(r.type == RecordType::kTransfer || r.to.empty());
    Check(r.type != RecordType::kGenerate || r.method.empty());
    Check(r.carriers.empty() && !r.received_g && r.received_date.empty() && r.manifest.empty());
  } else {
    Check(r.type == RecordType::kManifest);
    Check(!r.manifest.empty() && !r.to.name.empty());
    Check(r.column.empty());
  }
}

// Maps every row after the heading and checks each outcome.
inline void MapAndCheck(const Mapper& mapper, const std::vector<Row>& rows, size_t heading, bool ledger) {
  std::vector<Record> out;
  RowError error;
  const size_t mass_columns = mapper.Masses(Row{}).size();
  for (size_t i = heading + 1; i < rows.size(); ++i) {
    const Mapper::Outcome outcome = mapper.Map(rows[i], out, error);
    Check(error.row == rows[i].number);
    Check(error.reason.find('\n') == std::string::npos);
    // The figures the total-row check reads: one per mass column, the same
    // a record of the row carries.
    const std::vector<Mapper::ColumnMass> masses = mapper.Masses(rows[i]);
    Check(masses.size() == mass_columns);
    for (const auto& m : masses) Check(!m.grams || (*m.grams >= 0 && *m.grams <= wasteledger::kMaxMassGrams));
    switch (outcome) {
      case Mapper::Outcome::kRecords:
        Check(!out.empty() && error.reason.empty());
        Check(ledger || out.size() == 1);
        for (const Record& r : out) {
          CheckRecord(r, rows[i], ledger);
          Check(std::any_of(masses.begin(), masses.end(), [&](const auto& m) {
            return m.grams == r.mass_g && (!ledger || m.heading == r.column);
          }));
        }
        break;
      case Mapper::Outcome::kSkip:
        Check(out.empty() && !error.reason.empty());
        break;
      case Mapper::Outcome::kError:
        Check(out.empty() && !error.reason.empty());
        break;
    }
  }
}

}  // namespace import_fuzz
