// Internal helpers shared by the renderers: how a cell, a column header and a
// unit are shown, so the text, CSV, HTML and XLSX outputs agree.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "wasteledger/reports/document.h"

namespace wasteledger::reports::internal {

// What a cell holds once its column type is taken into account.
enum class CellKind { kEmpty, kText, kInteger, kMass, kRatio };
CellKind KindOf(const Cell& cell, ColumnType type);

// How a ratio cell is written: "87.50%" (text, HTML) or "0.875000" (CSV).
enum class RatioStyle { kPercent, kFraction };

// The cell as text: masses via FormatMass, ratios per `style`, empty cells "".
// A ratio with denominator 0 is "-" as a percentage and "" as a fraction.
std::string FormatCell(const Cell& cell, ColumnType type, MassUnit unit, RatioStyle style);

// A ratio as a decimal fraction with 6 decimals ("0.875000"), rounded half
// away from zero, exact (integer arithmetic); "" when the denominator is 0.
std::string FormatFraction(const Ratio& r);

// Right-aligned columns: integers, masses and ratios.
bool IsNumeric(ColumnType type);

// "t", "kg" or "g".
const char* UnitSymbol(MassUnit unit);
// Grams per display unit: 1e6, 1e3 or 1.
int64_t GramsPerUnit(MassUnit unit);

// The column's label in `lang`, with the unit for mass columns: "产生量 (t)".
std::string ColumnHeader(const Column& column, MassUnit unit, Lang lang);

// "无数据" / "no data".
const char* NoDataText(Lang lang);

// Display width of `utf8` padded with spaces to `width` on the right (left
// alignment) or on the left (right alignment).
std::string PadTo(std::string_view utf8, int width, bool right_align);

// Decodes the code point of `utf8` starting at byte `pos` into `*codepoint`
// and returns its length in bytes (>= 1); an invalid byte decodes as U+FFFD
// of length 1.
size_t DecodeAt(std::string_view utf8, size_t pos, int32_t* codepoint);

}  // namespace wasteledger::reports::internal
