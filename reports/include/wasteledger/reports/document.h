// A report as data, independent of how it is shown: a title, facts about
// where the figures come from, sections of typed tables and optional charts.
// The report builders (balance, reconcile, trace, indicators, flows) fill a
// Document; the renderers of render.h turn it into a terminal table, CSV,
// HTML (one self-contained file, inline SVG) or XLSX (one sheet per section).
//
// Masses are carried as exact integer grams and shown in the document's unit;
// nothing is rounded on the way in, so a figure in any format can be checked
// against the export to the gram.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace wasteledger::reports {

enum class Lang { kZh, kEn };

// Text in both languages; en falls back to zh when empty.
struct Label {
  std::string zh;
  std::string en;
  const std::string& In(Lang lang) const { return lang == Lang::kEn && !en.empty() ? en : zh; }
};

enum class ColumnType {
  kText,     // a string cell
  kInteger,  // a count or a seq (int64)
  kMass,     // int64 grams, shown in Document::unit
  kRatio,    // a rate: Ratio{numerator, denominator}, shown as a percentage
};

struct Ratio {
  int64_t numerator = 0;
  int64_t denominator = 0;  // 0: the rate is undefined and shown as "-"
};

// A cell: empty, text, an integer (kInteger and kMass columns: grams) or a ratio.
using Cell = std::variant<std::monostate, std::string, int64_t, Ratio>;

struct Column {
  std::string key;  // stable machine name (CSV header with --lang en, JSON member)
  Label label;
  ColumnType type = ColumnType::kText;
};

struct Table {
  std::string id;  // stable machine name; XLSX sheet name source
  Label title;
  Label note;  // one explanatory sentence under the title, may be empty
  std::vector<Column> columns;
  std::vector<std::vector<Cell>> rows;    // each row has columns.size() cells
  std::vector<std::vector<Cell>> totals;  // rows shown after a rule, e.g. city totals
};

// A Sankey diagram of flows between named nodes (masses in grams).
struct SankeyChart {
  Label title;
  struct Node {
    std::string id;
    Label label;
    int column = 0;  // 0 = leftmost stage
  };
  struct Link {
    std::string from;
    std::string to;
    int64_t mass_g = 0;
  };
  std::vector<Node> nodes;
  std::vector<Link> links;
};

// Grouped bars per category (e.g. month), one series per quantity.
struct BarChart {
  Label title;
  std::vector<std::string> categories;  // e.g. "2025-01" .. "2025-12"
  struct Series {
    Label label;
    std::vector<int64_t> mass_g;  // one per category
  };
  std::vector<Series> series;
};

using Chart = std::variant<SankeyChart, BarChart>;

enum class MassUnit { kTonne, kKilogram, kGram };

struct Document {
  Label title;
  // Where the figures come from, shown under the title: ledger origin and
  // size, checkpoint root, period, filters, generation time, ...
  std::vector<std::pair<Label, std::string>> facts;
  std::vector<Table> tables;
  std::vector<Chart> charts;
  MassUnit unit = MassUnit::kTonne;
  Lang lang = Lang::kZh;
};

}  // namespace wasteledger::reports
