// Unified social credit code (统一社会信用代码, GB 32100-2015): the
// 18-character identifier of every registered party. Pure functions,
// thread-safe.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace wasteledger {

// The 31 code characters in value order: 0-9 then A-Z without I, O, S, V, Z.
inline constexpr std::string_view kUsccCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY";

// Weights of positions 1..17: W_i = 3^(i-1) mod 31.
inline constexpr std::array<int, 17> kUsccWeights = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                                     29, 25, 13, 8,  24, 10, 30, 28};

struct UsccCheck {
  bool well_formed = false;  // 18 characters, all from kUsccCharset
  bool check_ok = false;     // the 18th character matches the computed one
  std::string message;       // why not well formed, or the check warning; else empty
};

// Checks a code exactly as given (no trimming, upper case only). A malformed
// code is an error for the caller to refuse; a failed check is a warning,
// since some legally issued early codes fail it.
UsccCheck CheckUscc(std::string_view code);

// The check character for the first 17 characters, or nullopt when they are
// not 17 characters of kUsccCharset.
std::optional<char> UsccCheckCharacter(std::string_view first17);

}  // namespace wasteledger
