#include "wasteledger/manifest_number.h"

#include <cassert>
#include <cstddef>
#include <string>

namespace wasteledger {
namespace {

int DigitsValue(std::string_view digits) {
  int value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  return value;
}

std::string Padded(int value, size_t width) {
  std::string s = std::to_string(value);
  if (s.size() < width) s.insert(0, width - s.size(), '0');
  return s;
}

}  // namespace

Result<ManifestNumber> ParseManifestNumber(std::string_view text) {
  const std::string quoted = "manifest number \"" + std::string(text) + "\"";
  for (char c : text) {
    if (c < '0' || c > '9') return Status::InvalidArgument(quoted + " has a character that is not a digit");
  }
  if (text.size() != 14) {
    return Status::InvalidArgument(quoted + " has " + std::to_string(text.size()) +
                                   " digits; it needs 14 (year, province, city, serial)");
  }
  ManifestNumber m;
  m.year = DigitsValue(text.substr(0, 4));
  m.province = DigitsValue(text.substr(4, 2));
  m.city = DigitsValue(text.substr(6, 2));
  m.serial = DigitsValue(text.substr(8, 6));
  if (m.year < 2000 || m.year > 2100) {
    return Status::InvalidArgument(quoted + ": year " + std::to_string(m.year) + " is outside 2000..2100");
  }
  if (m.serial == 0) return Status::InvalidArgument(quoted + ": serial 000000 is not issued");
  return m;
}

std::string FormatManifestNumber(int year, int province, int city, int serial) {
  assert(year >= 2000 && year <= 2100);
  assert(province >= 0 && province <= 99);
  assert(city >= 0 && city <= 99);
  assert(serial >= 1 && serial <= 999999);
  return Padded(year, 4) + Padded(province, 2) + Padded(city, 2) + Padded(serial, 6);
}

std::string ManifestNumber::ToString() const { return FormatManifestNumber(year, province, city, serial); }

}  // namespace wasteledger
