// Transfer manifest numbers (联单编号): 14 digits = year(4) + province(2) +
// city(2) + serial(6), e.g. 20244110000123 for the 123rd manifest of 2024 in
// Xuchang (province 41, city 10). Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "wasteledger/status.h"

namespace wasteledger {

struct ManifestNumber {
  int year = 0;      // 2000..2100
  int province = 0;  // 00..99 (GB/T 2260 province part, not checked against a list)
  int city = 0;      // 00..99
  int serial = 0;    // 1..999999

  std::string ToString() const;
  friend bool operator==(const ManifestNumber&, const ManifestNumber&) = default;
};

// Refuses (InvalidArgument, one line) anything but exactly 14 ASCII digits,
// a year outside 2000..2100 and serial 000000. No trimming.
[[nodiscard]] Result<ManifestNumber> ParseManifestNumber(std::string_view text);

// The 14-digit form. Preconditions (asserted): year 2000..2100, province and
// city 0..99, serial 1..999999; validate outside input with
// ParseManifestNumber or these ranges first.
std::string FormatManifestNumber(int year, int province, int city, int serial);

}  // namespace wasteledger
