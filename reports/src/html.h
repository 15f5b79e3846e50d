// Internal helpers of the HTML renderer and its inline SVG charts.
#pragma once

#include <string>
#include <string_view>

#include "wasteledger/reports/document.h"

namespace wasteledger::reports::internal {

// Text and attribute values with & < > " ' escaped.
std::string HtmlEscape(std::string_view text);

// A coordinate for SVG: fixed notation, `decimals` decimals, no locale.
std::string Num(double value, int decimals = 1);

// Fill colour of series or stage `index` (a sober, colour-blind-safe palette).
const char* PaletteColor(size_t index);

// An <svg> of the given size showing only the "no data" / "无数据" text.
std::string NoDataSvg(int width, int height, Lang lang);

// Each chart as one inline <svg> element (no namespace declaration needed in
// HTML5), with <title> tooltips; labels in doc.lang, masses in doc.unit.
std::string SankeySvg(const SankeyChart& chart, const Document& doc);
std::string BarSvg(const BarChart& chart, const Document& doc);

}  // namespace wasteledger::reports::internal
