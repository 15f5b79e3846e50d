// Mass: every quantity of waste in the ledger is an exact whole number of
// grams held in an int64_t. Parsing and formatting use integer arithmetic
// only (no floating point anywhere), so 12.5t is exactly 12500000 g and a
// mass written by FormatMass parses back to the same grams. The grammar and
// examples are in docs/CODES.md. All functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "wasteledger/status.h"

namespace wasteledger {

// The largest mass the ledger accepts: 2^53 - 1 grams (about 9 billion
// tonnes), so that masses survive a round trip through JSON numbers.
inline constexpr int64_t kMaxMassGrams = (int64_t{1} << 53) - 1;

enum class MassUnit { kTonnes, kKilograms, kGrams };

// Parses a mass with a unit into grams. Accepted, with optional spaces
// around the number and between number and unit:
//   number: digits, optionally grouped by ',' in threes ("12,500"),
//           optionally a '.' and decimal digits ("12.5", "1.234567");
//   unit:   t 吨 (tonne), kg 千克 公斤 (kilogram), g 克 (gram); Latin
//           letters in any case.
// Full-width digits, letters, '.', ',' and spaces (１２．５ｔ) are read as
// their ASCII forms. Zero is accepted. Refused (InvalidArgument, one line
// that quotes the input): empty, negative, no unit, unknown unit, a value
// finer than one gram, more than kMaxMassGrams, malformed digit grouping or
// any other character.
[[nodiscard]] Result<int64_t> ParseMass(std::string_view text);

// ParseMass, and refuses zero too: for quantities that must be positive
// (a generated lot, a dispatched line).
[[nodiscard]] Result<int64_t> ParsePositiveMass(std::string_view text);

// Formats grams with a unit suffix: "12.500 t", "12500 kg", "12500000 g".
// Tonnes show at least three decimals (whole kilograms) and more, up to six,
// only when the mass is not a whole number of kilograms ("12.5005 t");
// kilograms show decimals only when needed ("0.35 kg"). Nothing is ever
// rounded, so ParseMass(FormatMass(g, u)) == g for every unit. No digit
// grouping; a negative mass (a difference, a correction) gets a leading '-'.
std::string FormatMass(int64_t grams, MassUnit unit = MassUnit::kTonnes);

}  // namespace wasteledger
