// RFC 4180 CSV: CRLF line ends, fields quoted only when they must be.
#include <string>
#include <vector>

#include "cells.h"
#include "wasteledger/csv_field.h"
#include "wasteledger/reports/render.h"

namespace wasteledger::reports {
namespace {

constexpr const char* kCrlf = "\r\n";
constexpr const char* kBom = "\xEF\xBB\xBF";

std::string Record(const std::vector<std::string>& fields) {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ',';
    AppendCsvField(fields[i], out);
  }
  return out + kCrlf;
}

std::string DataRecord(const std::vector<Cell>& row, const Table& table, MassUnit unit) {
  std::vector<std::string> fields;
  for (size_t c = 0; c < table.columns.size(); ++c) {
    const Cell empty;
    const Cell& cell = c < row.size() ? row[c] : empty;
    fields.push_back(
        internal::FormatCell(cell, table.columns[c].type, unit, internal::RatioStyle::kFraction));
  }
  return Record(fields);
}

std::string TableRecords(const Table& table, const Document& doc) {
  std::vector<std::string> header;
  for (const Column& col : table.columns) header.push_back(internal::ColumnHeader(col, doc.unit, doc.lang));
  std::string out = Record(header);
  for (const auto& row : table.rows) out += DataRecord(row, table, doc.unit);
  for (const auto& row : table.totals) out += DataRecord(row, table, doc.unit);
  return out;
}

}  // namespace

std::string RenderCsv(const Document& doc, const CsvOptions& options) {
  std::string out = options.bom ? kBom : "";
  // Where the figures come from (the ledger's origin, size and root, the
  // period, ...), as the other formats show them under the title.
  for (const auto& [label, value] : doc.facts) out += Record({label.In(doc.lang), value});
  if (!doc.facts.empty()) out += kCrlf;
  if (doc.tables.size() == 1) return out + TableRecords(doc.tables.front(), doc);
  for (size_t i = 0; i < doc.tables.size(); ++i) {
    if (i > 0) out += kCrlf;
    out += Record({doc.tables[i].title.In(doc.lang)});
    out += TableRecords(doc.tables[i], doc);
  }
  return out;
}

}  // namespace wasteledger::reports
