#include "wasteledger/uscc.h"

#include <cstddef>
#include <string>

namespace wasteledger {
namespace {

int CharValue(char c) {
  const size_t at = kUsccCharset.find(c);
  return at == std::string_view::npos ? -1 : static_cast<int>(at);
}

}  // namespace

std::optional<char> UsccCheckCharacter(std::string_view first17) {
  if (first17.size() != kUsccWeights.size()) return std::nullopt;
  int sum = 0;
  for (size_t i = 0; i < first17.size(); ++i) {
    const int v = CharValue(first17[i]);
    if (v < 0) return std::nullopt;
    sum += v * kUsccWeights[i];
  }
  const int check = (31 - sum % 31) % 31;  // 31 is written as 0
  return kUsccCharset[static_cast<size_t>(check)];
}

UsccCheck CheckUscc(std::string_view code) {
  UsccCheck result;
  const std::string quoted = "USCC \"" + std::string(code) + "\"";
  if (code.size() != 18) {
    result.message =
        quoted + " has " + std::to_string(code.size()) + " characters; a unified social credit code has 18";
    return result;
  }
  for (size_t i = 0; i < code.size(); ++i) {
    const char c = code[i];
    if (CharValue(c) >= 0) continue;
    std::string why;
    if (c >= 'a' && c <= 'z') {
      why = "is lower case; write letters in upper case";
    } else if (c == 'I' || c == 'O' || c == 'S' || c == 'V' || c == 'Z') {
      why = "is not used in the code (no I, O, S, V, Z)";
    } else {
      why = "is not a digit or an upper-case letter";
    }
    result.message = quoted + ": character " + std::to_string(i + 1) + " '" + std::string(1, c) + "' " + why;
    return result;
  }
  result.well_formed = true;
  const char expected = *UsccCheckCharacter(code.substr(0, 17));
  result.check_ok = expected == code[17];
  if (!result.check_ok) {
    result.message = quoted + ": check character is " + std::string(1, code[17]) + ", computed " +
                     std::string(1, expected) +
                     " (some early codes were issued so; confirm with the registry)";
  }
  return result;
}

}  // namespace wasteledger
