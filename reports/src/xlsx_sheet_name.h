// Excel worksheet names: at most 31 characters, none of []:*?/\, not
// starting or ending with an apostrophe, unique without regard to case.
#pragma once

#include <set>
#include <string>
#include <string_view>

namespace wasteledger::reports::internal {

class SheetNamer {
 public:
  // A valid name not handed out before, made from `wanted` (or `fallback`
  // when nothing of `wanted` survives sanitising).
  std::string Unique(std::string_view wanted, std::string_view fallback);

 private:
  std::set<std::string> used_;  // ASCII-lowercased names, as Excel compares
};

// Replaces forbidden characters by '_', drops control characters and edge
// apostrophes, and cuts to 31 characters counted as Excel does (UTF-16 code
// units; never in the middle of a UTF-8 sequence).
std::string SanitizeSheetName(std::string_view name, size_t max_units = 31);

}  // namespace wasteledger::reports::internal
