#include "xlsx_sheet_name.h"

#include <string>

#include "cells.h"

namespace wasteledger::reports::internal {
namespace {

constexpr size_t kMaxUnits = 31;

std::string Folded(std::string_view name) {
  std::string out(name);
  for (char& ch : out) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  }
  return out;
}

std::string TrimApostrophes(std::string s) {
  while (!s.empty() && s.front() == '\'') s.erase(s.begin());
  while (!s.empty() && s.back() == '\'') s.pop_back();
  return s;
}

}  // namespace

std::string SanitizeSheetName(std::string_view name, size_t max_units) {
  std::string out;
  size_t units = 0;
  for (size_t pos = 0; pos < name.size();) {
    int32_t cp = 0;
    const size_t len = DecodeAt(name, pos, &cp);
    const std::string_view bytes = name.substr(pos, len);
    pos += len;
    if (cp < 0x20 || cp == 0x7F) continue;
    const size_t need = cp > 0xFFFF ? 2 : 1;
    if (units + need > max_units) break;
    units += need;
    const bool forbidden = std::string_view("[]:*?/\\").find(static_cast<char>(cp)) != std::string_view::npos;
    if (cp == 0xFFFD && len == 1) {
      out += '_';  // an invalid byte
    } else {
      out += (cp < 0x80 && forbidden) ? std::string("_") : std::string(bytes);
    }
  }
  return TrimApostrophes(std::move(out));
}

std::string SheetNamer::Unique(std::string_view wanted, std::string_view fallback) {
  std::string base = SanitizeSheetName(wanted);
  if (base.empty()) base = SanitizeSheetName(fallback);
  if (base.empty()) base = "Sheet";
  std::string name = base;
  // "History" is reserved by Excel.
  for (int n = 2; used_.count(Folded(name)) != 0 || Folded(name) == "history"; ++n) {
    const std::string suffix = " (" + std::to_string(n) + ")";
    name = SanitizeSheetName(base, kMaxUnits - suffix.size()) + suffix;
  }
  used_.insert(Folded(name));
  return name;
}

}  // namespace wasteledger::reports::internal
