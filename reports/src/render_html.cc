// One self-contained HTML5 document: inline CSS (screen and A4 landscape
// print), the tables and the charts as inline SVG. Written as well-formed
// XHTML-compatible markup; loads nothing and runs no script.
#include <algorithm>
#include <array>
#include <charconv>
#include <string>
#include <variant>

#include "cells.h"
#include "html.h"
#include "wasteledger/reports/render.h"

namespace wasteledger::reports {
namespace internal {

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += ch;
    }
  }
  return out;
}

std::string Num(double value, int decimals) {
  std::array<char, 64> buf{};
  auto [end, ec] =
      std::to_chars(buf.data(), buf.data() + buf.size(), value, std::chars_format::fixed, decimals);
  if (ec != std::errc()) return "0";
  std::string out(buf.data(), end);
  if (out.find_first_not_of("-0.") == std::string::npos) return "0";  // "-0.0" and "0.0"
  return out;
}

const char* PaletteColor(size_t index) {
  static constexpr std::array<const char*, 8> kPalette = {"#2f5d7c", "#c9883a", "#5b8c5a", "#8c5a8c",
                                                          "#4f9a9a", "#a64b4b", "#7a7a52", "#5f6b7a"};
  return kPalette[index % kPalette.size()];
}

std::string NoDataSvg(int width, int height, Lang lang) {
  return "<svg class=\"chart\" viewBox=\"0 0 " + std::to_string(width) + " " + std::to_string(height) +
         "\" role=\"img\"><text class=\"no-data\" x=\"" + std::to_string(width / 2) + "\" y=\"" +
         std::to_string(height / 2) + "\" text-anchor=\"middle\">" + NoDataText(lang) + "</text></svg>";
}

}  // namespace internal

namespace {

using internal::HtmlEscape;

constexpr const char* kStyle = R"css(
@page { size: A4 landscape; margin: 12mm 12mm 14mm 12mm; }
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 24px auto; max-width: 1200px; padding: 0 24px; color: #1f2933; background: #fff;
  font: 14px/1.5 "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei",
  "Helvetica Neue", Arial, sans-serif; }
h1 { font-size: 22px; margin: 0 0 8px; padding-bottom: 6px; border-bottom: 2px solid #2f5d7c; }
h2 { font-size: 16px; margin: 28px 0 4px; color: #2f5d7c; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 8px 0 0;
  font-size: 13px; }
.facts dt { color: #52606d; }
.facts dd { margin: 0; overflow-wrap: anywhere; }
.note { margin: 0 0 8px; color: #52606d; font-size: 13px; }
table.data { border-collapse: collapse; width: 100%; font-size: 13px; }
table.data th, table.data td { padding: 4px 10px; border-bottom: 1px solid #d9e0e7; text-align: left;
  vertical-align: top; }
table.data thead th { background: #e8edf2; border-bottom: 2px solid #9aa5b1; font-weight: 600; }
table.data tbody tr:nth-child(even) { background: #f5f7fa; }
table.data tfoot td { font-weight: 700; border-top: 2px solid #52606d; border-bottom: none; }
table.data .num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
table.data td.empty { text-align: center; color: #7b8794; }
figure { margin: 8px 0 0; }
svg.chart { width: 100%; height: auto; display: block; font-size: 12px; }
svg.chart text { fill: #1f2933; }
svg.chart .axis line, svg.chart .axis path { stroke: #52606d; }
svg.chart .grid { stroke: #e4e7eb; }
svg.chart .tick, svg.chart .mass { fill: #52606d; font-variant-numeric: tabular-nums; }
svg.chart .sk-label { paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }
svg.chart .sk-link { fill-opacity: 0.35; }
svg.chart .sk-link:hover { fill-opacity: 0.6; }
svg.chart .no-data { fill: #7b8794; font-size: 16px; }
@media print {
  body { margin: 0; max-width: none; padding: 0; font-size: 11px; }
  h1 { font-size: 18px; }
  h2 { font-size: 14px; margin-top: 16px; }
  h1, h2, .note { break-after: avoid; }
  section.chart, figure { break-inside: avoid; }
  table.data { font-size: 11px; }
  table.data thead { display: table-header-group; }
  table.data tfoot { display: table-row-group; }
  table.data tr { break-inside: avoid; }
  table.data tbody tr:nth-child(even) { background: #f5f7fa; -webkit-print-color-adjust: exact;
    print-color-adjust: exact; }
  svg.chart { max-height: 160mm; }
}
)css";

std::string Head(const Document& doc) {
  return "<head>\n<meta charset=\"utf-8\"/>\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n<title>" +
         HtmlEscape(doc.title.In(doc.lang)) + "</title>\n<style>" + kStyle + "</style>\n</head>\n";
}

std::string Facts(const Document& doc) {
  if (doc.facts.empty()) return "";
  std::string out = "<dl class=\"facts\">\n";
  for (const auto& [label, value] : doc.facts) {
    out += "<dt>" + HtmlEscape(label.In(doc.lang)) + "</dt><dd>" + HtmlEscape(value) + "</dd>\n";
  }
  return out + "</dl>\n";
}

std::string CellTag(const char* tag, const std::string& text, bool numeric) {
  return std::string("<") + tag + (numeric ? " class=\"num\">" : ">") + HtmlEscape(text) + "</" + tag + ">";
}

std::string Row(const std::vector<Cell>& row, const Table& table, MassUnit unit) {
  std::string out = "<tr>";
  for (size_t c = 0; c < table.columns.size(); ++c) {
    const Cell empty;
    const ColumnType type = table.columns[c].type;
    const std::string text =
        internal::FormatCell(c < row.size() ? row[c] : empty, type, unit, internal::RatioStyle::kPercent);
    out += CellTag("td", text, internal::IsNumeric(type));
  }
  return out + "</tr>\n";
}

std::string TableHtml(const Table& table, const Document& doc) {
  std::string out =
      "<section class=\"report-table\">\n<h2>" + HtmlEscape(table.title.In(doc.lang)) + "</h2>\n";
  if (!table.note.In(doc.lang).empty())
    out += "<p class=\"note\">" + HtmlEscape(table.note.In(doc.lang)) + "</p>\n";
  out += "<table class=\"data\">\n<thead><tr>";
  for (const Column& col : table.columns) {
    out += CellTag("th", internal::ColumnHeader(col, doc.unit, doc.lang), internal::IsNumeric(col.type));
  }
  out += "</tr></thead>\n<tbody>\n";
  for (const auto& row : table.rows) out += Row(row, table, doc.unit);
  if (table.rows.empty()) {
    out += "<tr><td class=\"empty\" colspan=\"" + std::to_string(std::max<size_t>(table.columns.size(), 1)) +
           "\">" + internal::NoDataText(doc.lang) + "</td></tr>\n";
  }
  out += "</tbody>\n";
  if (!table.totals.empty()) {
    out += "<tfoot>\n";
    for (const auto& row : table.totals) out += Row(row, table, doc.unit);
    out += "</tfoot>\n";
  }
  return out + "</table>\n</section>\n";
}

std::string ChartHtml(const Chart& chart, const Document& doc) {
  const Label& title = std::visit([](const auto& c) -> const Label& { return c.title; }, chart);
  const std::string svg = std::holds_alternative<SankeyChart>(chart)
                              ? internal::SankeySvg(std::get<SankeyChart>(chart), doc)
                              : internal::BarSvg(std::get<BarChart>(chart), doc);
  return "<section class=\"chart\">\n<h2>" + HtmlEscape(title.In(doc.lang)) + "</h2>\n<figure>\n" + svg +
         "\n</figure>\n</section>\n";
}

}  // namespace

std::string RenderHtml(const Document& doc) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"";
  out += doc.lang == Lang::kEn ? "en" : "zh-CN";
  out += "\">\n" + Head(doc) + "<body>\n<header>\n<h1>" + HtmlEscape(doc.title.In(doc.lang)) + "</h1>\n";
  out += Facts(doc) + "</header>\n<main>\n";
  for (const Table& table : doc.tables) out += TableHtml(table, doc);
  for (const Chart& chart : doc.charts) out += ChartHtml(chart, doc);
  return out + "</main>\n</body>\n</html>\n";
}

}  // namespace wasteledger::reports
