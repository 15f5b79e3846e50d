// Terminal listings (stock, lots, manifest list and show): a header row and
// columns sized by the display width of what they hold (a CJK character is
// two cells), every cell shown with Shown() so that it stays on its line.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace wasteledger::cli {

// Text from the ledger or the command line as it may go to a terminal:
// control characters escaped (\n, \t, \x1b, \u009b; reports::TerminalText,
// docs/REPORTS.md), everything else as it is.
std::string Shown(std::string_view text);

// The display width of `text` on a terminal (reports::DisplayWidth).
int DisplayWidth(std::string_view text);

class TextTable {
 public:
  enum class Align { kLeft, kRight };
  struct Column {
    std::string header;
    Align align = Align::kLeft;
  };
  explicit TextTable(std::vector<Column> columns) : columns_(std::move(columns)) {}

  // One row, a cell per column (missing cells are empty); each is Shown().
  void AddRow(const std::vector<std::string>& cells);
  bool empty() const { return rows_.empty(); }

  // The header and the rows, each line starting with `indent`, columns two
  // spaces apart, no trailing spaces.
  std::string Render(std::string_view indent = "") const;

 private:
  std::vector<Column> columns_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace wasteledger::cli
