// Cell values other than dates (dates.cc): text normalisation, units and
// headings, masses, hazard characteristics, method codes, party lists.
#include "wasteledger/import/values.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace wasteledger::import {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAsciiAlnum(char c) { return IsDigit(c) || IsAsciiAlpha(c); }
bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}
unsigned char Byte(std::string_view s, size_t i) {
  return i < s.size() ? static_cast<unsigned char>(s[i]) : 0;
}

std::string_view TrimAsciiSpaces(std::string_view s) {
  while (!s.empty() && IsAsciiSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsAsciiSpace(s.back())) s.remove_suffix(1);
  return s;
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// The length of the whitespace character at s[i] (ASCII whitespace, U+3000,
// U+00A0), or 0 when s[i] starts something else.
size_t SpaceAt(std::string_view s, size_t i) {
  const unsigned char b = Byte(s, i);
  if (b < 0x80) return IsAsciiSpace(static_cast<char>(b)) ? 1 : 0;
  if (b == 0xE3 && Byte(s, i + 1) == 0x80 && Byte(s, i + 2) == 0x80) return 3;
  if (b == 0xC2 && Byte(s, i + 1) == 0xA0) return 2;
  return 0;
}

// The ASCII character a full-width form at s[i] stands for, or 0.
char FullWidthAt(std::string_view s, size_t i) {
  if (Byte(s, i) != 0xEF) return 0;
  const unsigned char b1 = Byte(s, i + 1);
  const unsigned char b2 = Byte(s, i + 2);
  if (b1 == 0xBC && b2 >= 0x81 && b2 <= 0xBF) return static_cast<char>(b2 - 0x60);
  if (b1 == 0xBD && b2 >= 0x80 && b2 <= 0x9E) return static_cast<char>(b2 - 0x20);
  return 0;
}

// Bytes that may start something NormalizeText changes: ASCII whitespace and
// controls, and the lead bytes of U+00A0 (C2), U+3000 (E3) and the
// full-width forms (EF). Everything else is copied as it is.
constexpr std::array<bool, 256> kMaybeSpecial = [] {
  std::array<bool, 256> t{};
  for (size_t b = 0; b <= 0x20; ++b) t[b] = true;
  t[0xC2] = t[0xE3] = t[0xEF] = true;
  return t;
}();

// Eight bytes at a time: whether any byte of `x` is below 0x21 or one of
// C2, E3, EF (the bytes kMaybeSpecial flags).
bool MaybeSpecialWord(uint64_t x) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  auto has_zero = [](uint64_t v) { return ((v - kOnes) & ~v & kHigh) != 0; };
  const bool below = ((x - kOnes * 0x21) & ~x & kHigh) != 0;
  return below || has_zero(x ^ (kOnes * 0xC2)) || has_zero(x ^ (kOnes * 0xE3)) ||
         has_zero(x ^ (kOnes * 0xEF));
}

// True when `s` (trimmed of ASCII whitespace) is already normalised.
bool IsNormalized(std::string_view s) {
  const size_t n = s.size();
  size_t i = 0;
  // Skip whole words without a flagged byte (most of a Chinese or ASCII text).
  for (; i + 8 <= n; i += 8) {
    uint64_t word = 0;
    std::memcpy(&word, s.data() + i, 8);
    if (MaybeSpecialWord(word)) break;
  }
  for (; i < n; ++i) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (!kMaybeSpecial[b]) continue;
    if (b == ' ') {
      if (i + 1 < n && s[i + 1] == ' ') return false;
    } else if (b < 0x20) {
      if (IsAsciiSpace(static_cast<char>(b))) return false;
    } else if (SpaceAt(s, i) != 0 || FullWidthAt(s, i) != 0) {
      return false;
    }
  }
  return true;
}

// Writes the normalised form of `s` to `out` (room for s.size() bytes; may
// be s.data() itself: the output never overtakes the input) and returns its
// length.
size_t NormalizeInto(std::string_view s, char* out) {
  size_t n = 0;
  bool pending_space = false;
  for (size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (!kMaybeSpecial[b]) {
      if (pending_space) {
        out[n++] = ' ';
        pending_space = false;
      }
      out[n++] = s[i++];
      continue;
    }
    if (const size_t len = SpaceAt(s, i); len != 0) {
      pending_space = n > 0;
      i += len;
      continue;
    }
    if (pending_space) {
      out[n++] = ' ';
      pending_space = false;
    }
    if (const char c = FullWidthAt(s, i); c != 0) {
      out[n++] = c;
      i += 3;
    } else {
      out[n++] = s[i++];
    }
  }
  return n;
}

// Normalises a short value into a stack buffer; false when it is too long
// to be a number, a unit or a date.
template <size_t N>
bool NormalizeSmall(std::string_view text, std::array<char, N>& buf, std::string_view& out) {
  const std::string_view t = TrimAsciiSpaces(text);
  if (IsNormalized(t)) {
    out = t;
    return true;
  }
  if (t.size() > N) return false;
  out = std::string_view(buf.data(), NormalizeInto(t, buf.data()));
  return true;
}

bool EqualsLowerAscii(std::string_view s, std::string_view lower) {
  if (s.size() != lower.size()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

int UnitPower(MassUnit unit) {
  switch (unit) {
    case MassUnit::kTonnes:
      return 6;
    case MassUnit::kKilograms:
      return 3;
    case MassUnit::kGrams:
      return 0;
  }
  return 0;
}

Status MassError(const char* reason) { return Status::InvalidArgument(reason); }

}  // namespace

// ---- Text ----------------------------------------------------------------------

std::string_view NormalizeText(std::string_view text, std::string& buffer) {
  const std::string_view t = TrimAsciiSpaces(text);
  if (IsNormalized(t)) return t;
  buffer.resize(t.size());
  buffer.resize(NormalizeInto(t, buffer.data()));
  return buffer;
}

void NormalizeTextTo(std::string_view text, std::string& out) {
  const std::string_view t = TrimAsciiSpaces(text);
  if (IsNormalized(t)) {
    out.assign(t);
    return;
  }
  if (t.data() >= out.data() && t.data() < out.data() + out.size()) {
    // `text` is a view of `out`: normalise in place (the output never
    // overtakes the input, and it starts at or before it).
    out.resize(NormalizeInto(t, out.data()));
    return;
  }
  out.resize(t.size());
  out.resize(NormalizeInto(t, out.data()));
}

std::string NormalizeText(std::string_view text) {
  std::string out;
  NormalizeTextTo(text, out);
  return out;
}

bool IsBlankText(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const size_t len = SpaceAt(text, i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

size_t CharacterCount(std::string_view utf8) {
  size_t n = 0;
  for (char c : utf8) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

bool IsPlaceholder(std::string_view s) {
  return s == "/" || s == "-" || s == "--" || s == "\u2014" || s == "\u2014\u2014" || s == "\\";
}

// ---- Units and headings ---------------------------------------------------------

std::optional<MassUnit> ParseUnitName(std::string_view text) {
  std::array<char, 32> buf{};
  std::string_view s;
  if (!NormalizeSmall(text, buf, s)) return std::nullopt;
  if (EqualsLowerAscii(s, "t") || s == "吨" || s == "公吨") return MassUnit::kTonnes;
  if (EqualsLowerAscii(s, "kg") || s == "千克" || s == "公斤") return MassUnit::kKilograms;
  if (EqualsLowerAscii(s, "g") || s == "克") return MassUnit::kGrams;
  return std::nullopt;
}

const char* UnitName(MassUnit unit) {
  switch (unit) {
    case MassUnit::kTonnes:
      return "t";
    case MassUnit::kKilograms:
      return "kg";
    case MassUnit::kGrams:
      return "g";
  }
  return "t";
}

HeadingParts SplitHeading(std::string_view s) {
  while (!s.empty() && (s.back() == '*' || s.back() == ':' || s.back() == ' ')) s.remove_suffix(1);
  HeadingParts parts;
  parts.name = s;
  // A trailing bracketed part.
  struct Pair {
    std::string_view open, close;
  };
  static constexpr std::array<Pair, 3> kBrackets = {{{"(", ")"}, {"[", "]"}, {"【", "】"}}};
  for (const Pair& p : kBrackets) {
    if (s.size() < p.close.size() || s.substr(s.size() - p.close.size()) != p.close) continue;
    const size_t open = s.rfind(p.open);
    if (open == std::string_view::npos) break;
    std::string_view inside =
        s.substr(open + p.open.size(), s.size() - p.close.size() - open - p.open.size());
    inside = TrimSpaces(inside);
    if (constexpr std::string_view kUnitWord = "单位"; inside.substr(0, kUnitWord.size()) == kUnitWord) {
      inside = TrimSpaces(inside.substr(kUnitWord.size()));
      if (!inside.empty() && inside.front() == ':') inside = TrimSpaces(inside.substr(1));
    }
    parts.name = TrimSpaces(s.substr(0, open));
    parts.unit_text = inside;
    parts.unit = ParseUnitName(inside);
    return parts;
  }
  // A trailing "/kg" or " kg".
  for (const char sep : {'/', ' '}) {
    const size_t at = s.rfind(sep);
    if (at == std::string_view::npos || at == 0) continue;
    const std::string_view after = TrimSpaces(s.substr(at + 1));
    const std::optional<MassUnit> unit = ParseUnitName(after);
    if (!unit) continue;
    parts.name = TrimSpaces(s.substr(0, at));
    parts.unit_text = after;
    parts.unit = unit;
    return parts;
  }
  // A unit glued to a Chinese name: 转移量kg, 转移重量KG, 数量千克, 转移量吨.
  // Only after a non-ASCII character ("weight" does not end in a unit),
  // and 万吨 / 千吨 / 百吨 are units of their own (unknown, so refused).
  struct Glued {
    std::string_view text;
    MassUnit unit;
  };
  static constexpr std::array<Glued, 7> kGlued = {{{"千克", MassUnit::kKilograms},
                                                   {"公斤", MassUnit::kKilograms},
                                                   {"公吨", MassUnit::kTonnes},
                                                   {"吨", MassUnit::kTonnes},
                                                   {"kg", MassUnit::kKilograms},
                                                   {"t", MassUnit::kTonnes},
                                                   {"g", MassUnit::kGrams}}};
  for (const Glued& g : kGlued) {
    if (s.size() <= g.text.size()) continue;
    const std::string_view tail = s.substr(s.size() - g.text.size());
    if (!(g.text.front() & 0x80 ? tail == g.text : EqualsLowerAscii(tail, g.text))) continue;
    std::string_view name = s.substr(0, s.size() - g.text.size());
    if (static_cast<unsigned char>(name.back()) < 0x80) continue;
    parts.unit = g.unit;
    parts.unit_text = tail;
    for (std::string_view multiple : {"万", "千", "百"}) {
      if (g.unit == MassUnit::kTonnes && name.size() > multiple.size() &&
          name.substr(name.size() - multiple.size()) == multiple) {
        name.remove_suffix(multiple.size());
        parts.unit = std::nullopt;
        parts.unit_text = s.substr(name.size());
        break;
      }
    }
    parts.name = name;
    return parts;
  }
  return parts;
}

// ---- Masses ---------------------------------------------------------------------------

Result<int64_t> ParseMass(std::string_view text, MassUnit unit, Cell::Kind kind) {
  std::array<char, 96> buf{};
  std::string_view s;
  if (!NormalizeSmall(text, buf, s) || s.empty()) return MassError("not a number");
  size_t i = 0;
  bool negative = false;
  if (s[0] == '-' || s[0] == '+') {
    negative = s[0] == '-';
    i = 1;
  }
  // Integer part, optionally grouped by ',' in threes.
  const size_t int_begin = i;
  size_t digits = 0;
  size_t group = 0;
  bool grouped = false;
  bool groups_ok = true;
  for (; i < s.size() && (IsDigit(s[i]) || s[i] == ','); ++i) {
    if (s[i] == ',') {
      if (grouped ? group != 3 : (group == 0 || group > 3)) groups_ok = false;
      grouped = true;
      group = 0;
    } else {
      ++digits;
      ++group;
    }
  }
  if (grouped && group != 3) groups_ok = false;
  const size_t int_end = i;
  size_t frac_begin = i;
  size_t frac_end = i;
  if (i < s.size() && s[i] == '.') {
    frac_begin = ++i;
    while (i < s.size() && IsDigit(s[i])) ++i;
    frac_end = i;
  }
  if (digits == 0 && frac_end == frac_begin) return MassError("not a number");
  int exponent = 0;
  if (kind == Cell::Kind::kNumber && i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) exp_negative = s[i++] == '-';
    const size_t exp_begin = i;
    for (; i < s.size() && IsDigit(s[i]); ++i) {
      if (exponent < 10000) exponent = exponent * 10 + (s[i] - '0');
    }
    if (i == exp_begin) return MassError("not a number");
    if (exp_negative) exponent = -exponent;
  }
  const std::string_view rest = TrimSpaces(s.substr(i));
  if (!rest.empty()) {
    const char c = rest[0];
    if (IsDigit(c) || c == '.' || c == ',' || c == '-' || c == '+') return MassError("not a number");
    const bool exponent_like =
        (c == 'e' || c == 'E') && rest.size() > 1 && (IsDigit(rest[1]) || rest[1] == '-' || rest[1] == '+');
    if (exponent_like) return MassError("not a number");
    const std::optional<MassUnit> own = ParseUnitName(rest);
    if (!own) {
      return Status::InvalidArgument("unknown unit \"" + std::string(rest) + "\" (use t, kg or g)");
    }
    unit = *own;
  }
  if (!groups_ok) return MassError("bad thousands separators (write 1,234.5 or 1234.5)");

  // The digits D (integer then fraction) times 10^power grams.
  const size_t frac_len = frac_end - frac_begin;
  const int64_t total = static_cast<int64_t>(digits + frac_len);
  const int64_t power = int64_t{UnitPower(unit)} + exponent - static_cast<int64_t>(frac_len);
  const int64_t kept = total + power;  // how many leading digits are whole grams
  constexpr auto kMax = static_cast<uint64_t>(kMaxMassGrams);
  uint64_t value = 0;
  bool too_large = false;
  bool nonzero = false;
  bool finer = false;
  bool round_up = false;
  int64_t k = 0;  // index of the digit in D
  auto take = [&](char c) {
    const auto d = static_cast<uint64_t>(c - '0');
    if (d != 0) nonzero = true;
    if (k < kept) {
      value = value * 10 + d;
      if (value > kMax) too_large = true;
    } else {
      if (d != 0) finer = true;
      if (k == kept && d >= 5) round_up = true;
    }
    ++k;
  };
  for (size_t j = int_begin; j < int_end && !too_large; ++j) {
    if (s[j] != ',') take(s[j]);
  }
  for (size_t j = frac_begin; j < frac_end && !too_large; ++j) take(s[j]);
  if (negative && nonzero) return MassError("negative mass");
  if (too_large) return MassError("mass too large");
  for (int64_t p = 0; p < power && value != 0; ++p) {
    value *= 10;
    if (value > kMax) return MassError("mass too large");
  }
  if (finer) {
    if (kind != Cell::Kind::kNumber) return MassError("finer than a gram");
    if (round_up && ++value > kMax) return MassError("mass too large");
  }
  return static_cast<int64_t>(value);
}

// ---- Field values ---------------------------------------------------------------------

namespace {

// The bit of a hazard characteristic token, or 0.
unsigned HazardBit(std::string_view t) {
  if (EqualsLowerAscii(t, "t") || t == "毒性") return 1;
  if (EqualsLowerAscii(t, "c") || t == "腐蚀性") return 2;
  if (EqualsLowerAscii(t, "i") || t == "易燃性") return 4;
  if (EqualsLowerAscii(t, "r") || t == "反应性") return 8;
  if (EqualsLowerAscii(t, "in") || t == "感染性") return 16;
  return 0;
}

unsigned HazardTokenBit(std::string_view t) {
  if (t.size() >= 2 && t.front() == '(' && t.back() == ')') t = TrimSpaces(t.substr(1, t.size() - 2));
  if (const unsigned bit = HazardBit(t); bit != 0) return bit;
  // "毒性(T)" or "T(毒性)": either part will do.
  const size_t open = t.find('(');
  if (open == std::string_view::npos || t.back() != ')') return 0;
  if (const unsigned bit = HazardBit(TrimSpaces(t.substr(0, open))); bit != 0) return bit;
  return HazardBit(TrimSpaces(t.substr(open + 1, t.size() - open - 2)));
}

// The length of a hazard separator at s[i], or 0.
size_t HazardSeparatorAt(std::string_view s, size_t i) {
  const char c = s[i];
  if (c == ',' || c == ';' || c == '/' || c == '|' || c == '+' || c == ' ') return 1;
  if (s.substr(i, 3) == "、") return 3;
  return 0;
}

}  // namespace

Status ParseHazards(std::string_view text, std::vector<std::string>& out) {
  out.clear();
  std::string buffer;
  const std::string_view s = NormalizeText(text, buffer);
  if (s.empty() || IsPlaceholder(s) || s == "无") return Status::Ok();
  unsigned mask = 0;
  size_t start = 0;
  for (size_t i = 0; i <= s.size();) {
    // A space before a bracket ("毒性 (T)") does not end the token.
    const bool bracket_follows = i + 1 < s.size() && s[i] == ' ' && s[i + 1] == '(';
    const size_t sep = i == s.size() ? 1 : bracket_follows ? 0 : HazardSeparatorAt(s, i);
    if (sep == 0) {
      ++i;
      continue;
    }
    const std::string_view token = s.substr(start, i - start);
    if (!token.empty()) {
      const unsigned bit = HazardTokenBit(token);
      if (bit == 0) {
        return Status::InvalidArgument("unknown hazard characteristic \"" + std::string(token) +
                                       "\" (use T, C, I, R, In)");
      }
      mask |= bit;
    }
    i += sep;
    start = i;
  }
  static constexpr std::array<const char*, 5> kCodes = {"T", "C", "I", "R", "In"};
  for (size_t b = 0; b < kCodes.size(); ++b) {
    if ((mask & (1U << b)) != 0) out.emplace_back(kCodes[b]);
  }
  return Status::Ok();
}

std::string_view ExtractMethodCode(std::string_view s, std::string& buffer) {
  if (s.empty()) return s;
  if (s.size() <= 16) {
    bool code_like = true;
    for (char c : s) code_like = code_like && (IsAsciiAlnum(c) || c == '-' || c == '.');
    if (code_like) return s;
  }
  for (size_t i = 0; i + 1 < s.size(); ++i) {
    const char c = s[i];
    if (c != 'R' && c != 'D' && c != 'r' && c != 'd') continue;
    if (i > 0 && IsAsciiAlnum(s[i - 1])) continue;
    size_t j = i + 1;
    while (j < s.size() && j < i + 3 && IsDigit(s[j])) ++j;
    if (j == i + 1 || (j < s.size() && IsAsciiAlnum(s[j]))) continue;
    buffer.assign(s.substr(i, j - i));
    buffer[0] = (c == 'r' || c == 'R') ? 'R' : 'D';
    return buffer;
  }
  return {};
}

std::string_view NextName(std::string_view& rest) {
  while (!rest.empty()) {
    size_t end = 0;
    size_t sep = 0;
    for (; end < rest.size(); ++end) {
      const char c = rest[end];
      if (c == ';' || c == '/') {
        sep = 1;
        break;
      }
      if (rest.substr(end, 3) == "、" || rest.substr(end, 3) == "；") {
        sep = 3;
        break;
      }
    }
    const std::string_view name = TrimSpaces(rest.substr(0, end));
    rest.remove_prefix(std::min(rest.size(), end + sep));
    if (!name.empty()) return name;
  }
  return {};
}

}  // namespace wasteledger::import
