#include "text_table.h"

#include <algorithm>

#include "wasteledger/reports/render.h"

namespace wasteledger::cli {

std::string Shown(std::string_view text) { return reports::TerminalText(text); }

int DisplayWidth(std::string_view text) { return reports::DisplayWidth(text); }

void TextTable::AddRow(const std::vector<std::string>& cells) {
  std::vector<std::string> row;
  row.reserve(columns_.size());
  for (size_t c = 0; c < columns_.size(); ++c) row.push_back(c < cells.size() ? Shown(cells[c]) : "");
  rows_.push_back(std::move(row));
}

std::string TextTable::Render(std::string_view indent) const {
  std::vector<int> widths;
  for (const Column& col : columns_) widths.push_back(DisplayWidth(col.header));
  for (const auto& row : rows_) {
    for (size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], DisplayWidth(row[c]));
  }
  auto line = [&](auto cell_at) {
    std::string out(indent);
    for (size_t c = 0; c < columns_.size(); ++c) {
      const std::string& cell = cell_at(c);
      const std::string pad(static_cast<size_t>(std::max(0, widths[c] - DisplayWidth(cell))), ' ');
      if (c > 0) out += "  ";
      out += columns_[c].align == Align::kRight ? pad + cell : cell + pad;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
  };
  std::string out = line([&](size_t c) -> const std::string& { return columns_[c].header; });
  for (const auto& row : rows_) out += line([&](size_t c) -> const std::string& { return row[c]; });
  return out;
}

}  // namespace wasteledger::cli
