// Exact number formatting (integer arithmetic, no locale) and the cell and
// header helpers of cells.h that every renderer shares.
#include <fmt/format.h>
#include <utf8proc.h>

#include <string>
#include <string_view>

#include "cells.h"
#include "wasteledger/reports/render.h"

namespace wasteledger::reports {
namespace {

__extension__ typedef unsigned __int128 Uint128;

Uint128 Magnitude(int64_t v) {
  // Negating in unsigned arithmetic is defined even for INT64_MIN.
  return v < 0 ? Uint128{0} - static_cast<Uint128>(v) : static_cast<Uint128>(v);
}

Uint128 Pow10(int n) {
  Uint128 p = 1;
  for (int i = 0; i < n; ++i) p *= 10;
  return p;
}

std::string Digits(Uint128 v) {
  std::string out;
  do {
    out.insert(out.begin(), static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
  } while (v != 0);
  return out;
}

// (num * scale) / den with `decimals` decimals, rounded half away from zero.
// den must not be 0. num * scale * 10^decimals must fit 127 bits, which holds
// for |num| < 2^63, scale <= 100 and decimals <= 6.
std::string FormatQuotient(int64_t num, unsigned scale, int64_t den, int decimals) {
  const bool negative = (num < 0) != (den < 0);
  const Uint128 a = Magnitude(num) * scale * Pow10(decimals);
  const Uint128 b = Magnitude(den);
  Uint128 q = a / b;
  if ((a % b) * 2 >= b) ++q;
  std::string out = (negative && q != 0) ? "-" : "";
  const Uint128 unit = Pow10(decimals);
  out += Digits(q / unit);
  if (decimals > 0) {
    std::string frac = Digits(q % unit);
    out += '.';
    out.append(static_cast<size_t>(decimals) - frac.size(), '0');
    out += frac;
  }
  return out;
}

int DecimalsOf(MassUnit unit) {
  switch (unit) {
    case MassUnit::kTonne:
      return 6;
    case MassUnit::kKilogram:
      return 3;
    case MassUnit::kGram:
      return 0;
  }
  return 0;
}

}  // namespace

std::string FormatMass(int64_t grams, MassUnit unit) {
  const int decimals = DecimalsOf(unit);
  return FormatQuotient(grams, 1, internal::GramsPerUnit(unit), decimals);
}

std::string FormatRatio(const Ratio& r) {
  if (r.denominator == 0) return "-";
  return FormatQuotient(r.numerator, 100, r.denominator, 2) + "%";
}

int DisplayWidth(std::string_view utf8) {
  int width = 0;
  for (size_t pos = 0; pos < utf8.size();) {
    int32_t cp = 0;
    pos += internal::DecodeAt(utf8, pos, &cp);
    width += utf8proc_charwidth(cp);
  }
  return width;
}

namespace {
// Characters that reorder or break the text around them on a terminal: the
// bidirectional marks, embeddings, overrides and isolates (a party name with
// U+202E shows its characters right to left, so "...txt.exe" can read
// "...exe.txt"), and the line and paragraph separators.
bool IsBidiOrSeparator(int32_t cp) {
  return cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x2028 && cp <= 0x202E) ||
         (cp >= 0x2066 && cp <= 0x2069);
}
}  // namespace

std::string TerminalText(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  for (size_t pos = 0; pos < utf8.size();) {
    const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(utf8.data() + pos);
    utf8proc_int32_t cp = -1;
    const utf8proc_ssize_t n = utf8proc_iterate(bytes, static_cast<utf8proc_ssize_t>(utf8.size() - pos), &cp);
    if (n <= 0 || cp < 0) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(utf8[pos]));
      ++pos;
      continue;
    }
    if (cp == '\n') {
      out += "\\n";
    } else if (cp == '\r') {
      out += "\\r";
    } else if (cp == '\t') {
      out += "\\t";
    } else if (cp < 0x20 || cp == 0x7F) {
      out += fmt::format("\\x{:02x}", cp);
    } else if ((cp >= 0x80 && cp <= 0x9F) || IsBidiOrSeparator(cp)) {
      out += fmt::format("\\u{:04x}", cp);
    } else {
      out.append(utf8.data() + pos, static_cast<size_t>(n));
    }
    pos += static_cast<size_t>(n);
  }
  return out;
}

namespace internal {

size_t DecodeAt(std::string_view utf8, size_t pos, int32_t* codepoint) {
  const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(utf8.data() + pos);
  utf8proc_int32_t cp = -1;
  const utf8proc_ssize_t n = utf8proc_iterate(bytes, static_cast<utf8proc_ssize_t>(utf8.size() - pos), &cp);
  if (n <= 0 || cp < 0) {
    *codepoint = 0xFFFD;
    return 1;
  }
  *codepoint = cp;
  return static_cast<size_t>(n);
}

std::string FormatFraction(const Ratio& r) {
  if (r.denominator == 0) return "";
  return FormatQuotient(r.numerator, 1, r.denominator, 6);
}

CellKind KindOf(const Cell& cell, ColumnType type) {
  if (std::holds_alternative<std::string>(cell)) return CellKind::kText;
  if (std::holds_alternative<Ratio>(cell)) return CellKind::kRatio;
  if (std::holds_alternative<int64_t>(cell)) {
    return type == ColumnType::kMass ? CellKind::kMass : CellKind::kInteger;
  }
  return CellKind::kEmpty;
}

std::string FormatCell(const Cell& cell, ColumnType type, MassUnit unit, RatioStyle style) {
  switch (KindOf(cell, type)) {
    case CellKind::kEmpty:
      return "";
    case CellKind::kText:
      return std::get<std::string>(cell);
    case CellKind::kInteger:
      return std::to_string(std::get<int64_t>(cell));
    case CellKind::kMass:
      return FormatMass(std::get<int64_t>(cell), unit);
    case CellKind::kRatio: {
      const Ratio& r = std::get<Ratio>(cell);
      return style == RatioStyle::kPercent ? FormatRatio(r) : FormatFraction(r);
    }
  }
  return "";
}

bool IsNumeric(ColumnType type) { return type != ColumnType::kText; }

const char* UnitSymbol(MassUnit unit) {
  switch (unit) {
    case MassUnit::kTonne:
      return "t";
    case MassUnit::kKilogram:
      return "kg";
    case MassUnit::kGram:
      return "g";
  }
  return "";
}

int64_t GramsPerUnit(MassUnit unit) {
  switch (unit) {
    case MassUnit::kTonne:
      return 1000000;
    case MassUnit::kKilogram:
      return 1000;
    case MassUnit::kGram:
      return 1;
  }
  return 1;
}

std::string ColumnHeader(const Column& column, MassUnit unit, Lang lang) {
  std::string header = column.label.In(lang);
  if (header.empty()) header = column.key;
  if (column.type == ColumnType::kMass) header += std::string(" (") + UnitSymbol(unit) + ")";
  return header;
}

const char* NoDataText(Lang lang) { return lang == Lang::kEn ? "no data" : "无数据"; }

std::string PadTo(std::string_view utf8, int width, bool right_align) {
  const int fill = width - DisplayWidth(utf8);
  const std::string pad(fill > 0 ? static_cast<size_t>(fill) : 0, ' ');
  return right_align ? pad + std::string(utf8) : std::string(utf8) + pad;
}

}  // namespace internal
}  // namespace wasteledger::reports
