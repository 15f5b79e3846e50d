#include "wasteledger/mass.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace wasteledger {
namespace {

// Maps the full-width forms U+FF01..U+FF5E to ASCII 0x21..0x7E and the
// ideographic space U+3000 to ' '; every other byte is kept as it is.
std::string FoldFullWidth(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const auto b0 = static_cast<unsigned char>(text[i]);
    if (i + 2 < text.size()) {
      const auto b1 = static_cast<unsigned char>(text[i + 1]);
      const auto b2 = static_cast<unsigned char>(text[i + 2]);
      if (b0 == 0xEF && b1 == 0xBC && b2 >= 0x81 && b2 <= 0xBF) {
        out.push_back(static_cast<char>(0x21 + (b2 - 0x81)));
        i += 2;
        continue;
      }
      if (b0 == 0xEF && b1 == 0xBD && b2 >= 0x80 && b2 <= 0x9E) {
        out.push_back(static_cast<char>(0x60 + (b2 - 0x80)));
        i += 2;
        continue;
      }
      if (b0 == 0xE3 && b1 == 0x80 && b2 == 0x80) {
        out.push_back(' ');
        i += 2;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

bool IsSpace(char c) { return c == ' ' || c == '\t'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Decimal places a unit can carry before going below one gram.
struct UnitInfo {
  std::string_view name;
  int decimals;  // 6 for tonnes, 3 for kilograms, 0 for grams
};

constexpr std::array<UnitInfo, 7> kUnits = {
    {{"t", 6}, {"吨", 6}, {"kg", 3}, {"千克", 3}, {"公斤", 3}, {"g", 0}, {"克", 0}}};

constexpr std::array<uint64_t, 7> kPow10 = {1, 10, 100, 1000, 10000, 100000, 1000000};

// The value of a run of decimal digits, or UINT64_MAX when it is more than
// kMaxMassGrams.
uint64_t DigitsValue(std::string_view digits) {
  constexpr uint64_t kMax = static_cast<uint64_t>(kMaxMassGrams);
  uint64_t value = 0;
  for (char c : digits) {
    value = value * 10 + static_cast<uint64_t>(c - '0');
    if (value > kMax) return UINT64_MAX;
  }
  return value;
}

std::string Quote(std::string_view text) { return "mass \"" + std::string(text) + "\""; }

std::string Pad(uint64_t value, int width) {
  std::string s = std::to_string(value);
  if (static_cast<int>(s.size()) < width) {
    s.insert(0, static_cast<size_t>(width) - s.size(), '0');
  }
  return s;
}

}  // namespace

Result<int64_t> ParseMass(std::string_view text) {
  const std::string folded = FoldFullWidth(text);
  const std::string_view s = Trim(folded);
  const std::string quoted = Quote(text);
  if (s.empty()) return Status::InvalidArgument("mass is empty");
  if (s.front() == '-') return Status::InvalidArgument(quoted + " is negative");

  // Integer part: digits, optionally grouped by ',' in threes.
  size_t i = 0;
  std::string int_digits;
  bool grouped = false;
  bool groups_ok = true;
  size_t group_len = 0;
  while (i < s.size() && (IsDigit(s[i]) || s[i] == ',')) {
    if (s[i] == ',') {
      if ((!grouped && (group_len == 0 || group_len > 3)) || (grouped && group_len != 3)) {
        groups_ok = false;
      }
      grouped = true;
      group_len = 0;
    } else {
      int_digits.push_back(s[i]);
      ++group_len;
    }
    ++i;
  }
  if (grouped && group_len != 3) groups_ok = false;
  if (int_digits.empty()) {
    return Status::InvalidArgument(quoted + " does not start with a number (write 0.5t, not .5t)");
  }
  if (!groups_ok) {
    return Status::InvalidArgument(quoted + " has malformed thousands separators: write 12,500kg or 12500kg");
  }
  std::string frac_digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && IsDigit(s[i])) frac_digits.push_back(s[i++]);
    if (frac_digits.empty()) {
      return Status::InvalidArgument(quoted + " has no digits after the decimal point");
    }
  }
  const std::string_view number = s.substr(0, i);
  const std::string_view unit_text = Trim(s.substr(i));

  if (unit_text.empty()) {
    // Suggest the number read as tonnes, as kilograms and, when that is a
    // whole number of grams, the kilograms written in grams.
    const std::string n(number);
    const size_t sig = frac_digits.find_last_not_of('0') + 1;  // npos + 1 == 0
    const uint64_t whole = DigitsValue(int_digits);
    if (sig <= 3 && whole != UINT64_MAX && whole <= static_cast<uint64_t>(kMaxMassGrams) / 1000) {
      uint64_t grams = whole * 1000;
      if (sig > 0) grams += DigitsValue(frac_digits.substr(0, sig)) * kPow10[3 - sig];
      return Status::InvalidArgument(quoted + " has no unit: write " + n + "t, " + n + "kg or " +
                                     std::to_string(grams) + "g");
    }
    return Status::InvalidArgument(quoted + " has no unit: write " + n + "t or " + n + "kg");
  }
  if (IsDigit(unit_text.front()) || unit_text.front() == '.' || unit_text.front() == ',') {
    return Status::InvalidArgument(quoted + " is not a single number followed by a unit");
  }
  // "1e-7t", "1.5E3kg": an exponent, not a unit "e-7t".
  if ((unit_text.front() == 'e' || unit_text.front() == 'E') && unit_text.size() > 1) {
    const size_t d = (unit_text[1] == '-' || unit_text[1] == '+') ? 2 : 1;
    if (d < unit_text.size() && IsDigit(unit_text[d])) {
      return Status::InvalidArgument(quoted +
                                     " is in exponent notation, which is not accepted: write the number in "
                                     "full (0.5t, 1200kg)");
    }
  }
  const std::string unit = LowerAscii(unit_text);
  int decimals = -1;
  for (const UnitInfo& u : kUnits) {
    if (unit == u.name) decimals = u.decimals;
  }
  if (decimals < 0) {
    return Status::InvalidArgument(quoted + " has unknown unit \"" + std::string(unit_text) +
                                   "\": use t, kg or g (or 吨, 千克, 公斤, 克)");
  }

  // Trailing zeros after the point carry no precision ("1.0000kg" is 1000 g).
  const size_t significant = frac_digits.find_last_not_of('0') + 1;
  if (significant > static_cast<size_t>(decimals)) {
    return Status::InvalidArgument(quoted + " is finer than a gram");
  }
  const std::string overflow = quoted + " is more than " + std::to_string(kMaxMassGrams) + " g";
  const uint64_t whole = DigitsValue(int_digits);
  if (whole == UINT64_MAX) return Status::InvalidArgument(overflow);
  uint64_t fraction = 0;
  if (significant > 0) {
    fraction =
        DigitsValue(frac_digits.substr(0, significant)) * kPow10[static_cast<size_t>(decimals) - significant];
  }
  const uint64_t scale = kPow10[static_cast<size_t>(decimals)];
  const uint64_t max = static_cast<uint64_t>(kMaxMassGrams);
  if (whole > (max - fraction) / scale) return Status::InvalidArgument(overflow);
  return static_cast<int64_t>(whole * scale + fraction);
}

Result<int64_t> ParsePositiveMass(std::string_view text) {
  Result<int64_t> grams = ParseMass(text);
  if (grams.ok() && *grams == 0) {
    return Status::InvalidArgument(Quote(text) + " is zero; a positive mass is required");
  }
  return grams;
}

std::string FormatMass(int64_t grams, MassUnit unit) {
  // The magnitude as unsigned, which also holds -INT64_MIN.
  const uint64_t magnitude =
      grams < 0 ? static_cast<uint64_t>(-(grams + 1)) + 1 : static_cast<uint64_t>(grams);
  std::string out = grams < 0 ? "-" : "";
  switch (unit) {
    case MassUnit::kTonnes: {
      std::string frac = Pad(magnitude % 1000000, 6);
      while (frac.size() > 3 && frac.back() == '0') frac.pop_back();
      out += std::to_string(magnitude / 1000000) + "." + frac + " t";
      break;
    }
    case MassUnit::kKilograms: {
      out += std::to_string(magnitude / 1000);
      if (magnitude % 1000 != 0) {
        std::string frac = Pad(magnitude % 1000, 3);
        while (frac.back() == '0') frac.pop_back();
        out += "." + frac;
      }
      out += " kg";
      break;
    }
    case MassUnit::kGrams:
      out += std::to_string(magnitude) + " g";
      break;
  }
  return out;
}

}  // namespace wasteledger
