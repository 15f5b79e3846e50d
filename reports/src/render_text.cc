// Terminal rendering: columns aligned by display width (CJK characters are
// two cells wide), numbers right-aligned, ASCII rules so that terminals that
// draw ambiguous-width box characters double-wide still line up. Every text
// goes through TerminalText: a note with a line break stays on its row, and
// no text sends the terminal a control sequence.
#include <algorithm>
#include <string>
#include <vector>

#include "cells.h"
#include "wasteledger/reports/render.h"

namespace wasteledger::reports {
namespace {

using internal::FormatCell;
using internal::PadTo;
using internal::RatioStyle;

constexpr const char* kGap = "  ";

using TextRow = std::vector<std::string>;

TextRow FormatRow(const std::vector<Cell>& row, const Table& table, MassUnit unit) {
  TextRow out;
  for (size_t c = 0; c < table.columns.size(); ++c) {
    const Cell empty;
    const Cell& cell = c < row.size() ? row[c] : empty;
    out.push_back(TerminalText(FormatCell(cell, table.columns[c].type, unit, RatioStyle::kPercent)));
  }
  return out;
}

std::vector<int> ColumnWidths(const std::vector<TextRow>& rows, size_t columns) {
  std::vector<int> widths(columns, 0);
  for (const TextRow& row : rows) {
    for (size_t c = 0; c < columns; ++c) widths[c] = std::max(widths[c], DisplayWidth(row[c]));
  }
  return widths;
}

std::string RightTrimmed(std::string line) {
  while (!line.empty() && line.back() == ' ') line.pop_back();
  return line;
}

std::string JoinRow(const TextRow& row, const std::vector<int>& widths, const Table& table) {
  std::string line;
  for (size_t c = 0; c < row.size(); ++c) {
    if (c > 0) line += kGap;
    line += PadTo(row[c], widths[c], internal::IsNumeric(table.columns[c].type));
  }
  return RightTrimmed(std::move(line)) + "\n";
}

// A rule under the columns. A last text column of long findings would draw
// it hundreds of characters wide; it reaches kRuleText into that column
// (or the header's width, if wider) instead.
constexpr int kRuleText = 40;

std::string Rule(const std::vector<int>& widths, const TextRow& header, const Table& table, char ch) {
  int total = 0;
  for (size_t c = 0; c < widths.size(); ++c) {
    const bool last_text = c + 1 == widths.size() && !internal::IsNumeric(table.columns[c].type);
    total += last_text ? std::min(widths[c], std::max(kRuleText, DisplayWidth(header[c]))) : widths[c];
  }
  total += static_cast<int>((widths.empty() ? 0 : widths.size() - 1) * std::string(kGap).size());
  return std::string(static_cast<size_t>(std::max(total, 1)), ch) + "\n";
}

std::string RenderTable(const Table& table, const Document& doc) {
  std::string out = TerminalText(table.title.In(doc.lang)) + "\n";
  if (!table.note.In(doc.lang).empty()) out += TerminalText(table.note.In(doc.lang)) + "\n";

  TextRow header;
  for (const Column& col : table.columns) {
    header.push_back(TerminalText(internal::ColumnHeader(col, doc.unit, doc.lang)));
  }
  std::vector<TextRow> body, totals;
  for (const auto& row : table.rows) body.push_back(FormatRow(row, table, doc.unit));
  for (const auto& row : table.totals) totals.push_back(FormatRow(row, table, doc.unit));

  std::vector<TextRow> all = {header};
  all.insert(all.end(), body.begin(), body.end());
  all.insert(all.end(), totals.begin(), totals.end());
  const std::vector<int> widths = ColumnWidths(all, table.columns.size());

  out += JoinRow(header, widths, table) + Rule(widths, header, table, '-');
  if (body.empty()) out += std::string("(") + internal::NoDataText(doc.lang) + ")\n";
  for (const TextRow& row : body) out += JoinRow(row, widths, table);
  if (!totals.empty()) out += Rule(widths, header, table, '-');
  for (const TextRow& row : totals) out += JoinRow(row, widths, table);
  return out;
}

}  // namespace

std::string RenderText(const Document& doc) {
  const std::string title = TerminalText(doc.title.In(doc.lang));
  std::string out =
      title + "\n" + std::string(static_cast<size_t>(std::max(DisplayWidth(title), 1)), '=') + "\n";
  for (const auto& [label, value] : doc.facts) {
    out += TerminalText(label.In(doc.lang)) + ": " + TerminalText(value) + "\n";
  }
  for (const Table& table : doc.tables) out += "\n" + RenderTable(table, doc);
  return out;
}

}  // namespace wasteledger::reports
