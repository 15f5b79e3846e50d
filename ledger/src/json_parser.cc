// Strict JSON parser (RFC 8259 under the ledger format v1 rules) and UTF-8
// validation (RFC 3629). Written by hand rather than using nlohmann's parser
// because v1 must reject duplicate keys, non-integers and over-deep nesting,
// and must report where.
//
// Grammar accepted (RFC 8259 section 2 to 7, narrowed):
//   text    = ws value ws
//   value   = object / array / string / integer / "true" / "false" / "null"
//   object  = "{" ws [ member *( ws "," ws member ) ] ws "}"   keys unique
//   member  = string ws ":" ws value
//   array   = "[" ws [ value *( ws "," ws value ) ] ws "]"
//   integer = [ "-" ] ( "0" / digit1-9 *digit )                |n| <= 2^53-1
//   string  = quote *( unescaped-utf8 / escape ) quote
//   ws      = *( %x20 / %x09 / %x0A / %x0D )
// Fractions and exponents are recognised only to name them in the error.

#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

#include "wasteledger/canonical_json.h"

namespace wasteledger {
namespace {

bool IsContinuation(unsigned char b) { return (b & 0xC0) == 0x80; }

// Checks the UTF-8 sequence at p[0] (`avail` >= 1 bytes readable). Returns
// its length, or 0 with *why set to the reason it is invalid.
size_t Utf8SequenceLength(const unsigned char* p, size_t avail, const char** why) {
  const unsigned char b0 = p[0];
  if (b0 < 0x80) return 1;
  // Allowed range of the second byte (RFC 3629 section 4); it is narrower
  // than 80..BF after E0 (overlong), ED (surrogates), F0 (overlong) and
  // F4 (above U+10FFFF).
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  size_t len = 0;
  if (b0 < 0xC0) {
    *why = "unexpected continuation byte";
    return 0;
  } else if (b0 < 0xC2) {
    *why = "overlong encoding";
    return 0;
  } else if (b0 < 0xE0) {
    len = 2;
  } else if (b0 < 0xF0) {
    len = 3;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 < 0xF5) {
    len = 4;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    *why = b0 < 0xF8 ? "code point above U+10FFFF" : "byte that never appears in UTF-8";
    return 0;
  }
  for (size_t k = 1; k < len; ++k) {
    if (k >= avail || !IsContinuation(p[k])) {
      *why = "truncated sequence";
      return 0;
    }
  }
  if (p[1] < lo) {
    *why = "overlong encoding";
    return 0;
  }
  if (p[1] > hi) {
    *why = b0 == 0xED ? "encoded surrogate" : "code point above U+10FFFF";
    return 0;
  }
  return len;
}

// Index of the first invalid byte of s, or s.size(); *why as above.
size_t FindInvalidUtf8(const unsigned char* s, size_t n, const char** why) {
  size_t i = 0;
  while (i < n) {
    // ASCII fast path, 8 bytes at a time.
    while (i + 8 <= n) {
      uint64_t word;
      std::memcpy(&word, s + i, 8);
      if (word & 0x8080808080808080ULL) break;
      i += 8;
    }
    if (i >= n) break;
    if (s[i] < 0x80) {
      ++i;
      continue;
    }
    const size_t len = Utf8SequenceLength(s + i, n - i, why);
    if (len == 0) return i;
    i += len;
  }
  return n;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Shows a piece of the input in a one-line message: at most 40 bytes,
// control characters and '"' / '\\' escaped.
std::string Excerpt(std::string_view s) {
  constexpr size_t kMax = 40;
  std::string out;
  const std::string_view shown = s.substr(0, kMax);
  for (char c : shown) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\u00";
      out += kHex[u >> 4];
      out += kHex[u & 0xF];
    } else {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
  }
  if (s.size() > kMax) out += "...";
  return out;
}

// Names the byte at the error position: 'x' for printable ASCII, else 0xNN.
std::string DescribeByte(unsigned char b) {
  if (b >= 0x21 && b < 0x7F) return std::string("'") + static_cast<char>(b) + "'";
  static constexpr char kHex[] = "0123456789ABCDEF";
  return std::string("byte 0x") + kHex[b >> 4] + kHex[b & 0xF];
}

// Recursive descent over one JSON text. Recursion is bounded by
// kMaxJsonDepth. Not thread-safe; one instance per call.
class Parser {
 public:
  explicit Parser(std::string_view text)
      : p_(reinterpret_cast<const unsigned char*>(text.data())), n_(text.size()) {}

  Status ParseText(Json* out) {
    SkipWhitespace();
    WL_RETURN_IF_ERROR(ParseValue(out, 0));
    SkipWhitespace();
    if (pos_ != n_) return Error(pos_, "unexpected " + DescribeByte(p_[pos_]) + " after the JSON value");
    return Status::Ok();
  }

 private:
  static Status Error(size_t at, const std::string& what) {
    return Status::InvalidArgument("invalid JSON at byte " + std::to_string(at) + ": " + what);
  }
  Status UnexpectedHere(const char* expected) const {
    if (pos_ >= n_) return Error(pos_, std::string("unexpected end of input, expected ") + expected);
    return Error(pos_, "unexpected " + DescribeByte(p_[pos_]) + ", expected " + expected);
  }

  void SkipWhitespace() {
    while (pos_ < n_ && (p_[pos_] == ' ' || p_[pos_] == '\n' || p_[pos_] == '\r' || p_[pos_] == '\t')) {
      ++pos_;
    }
  }

  Status ParseValue(Json* out, int depth) {
    if (pos_ >= n_) return UnexpectedHere("a value");
    switch (p_[pos_]) {
      case '{':
        return ParseObject(out, depth + 1);
      case '[':
        return ParseArray(out, depth + 1);
      case '"': {
        *out = Json::string_t();
        return ParseString(out->get_ptr<Json::string_t*>());
      }
      case 't':
        return ParseLiteral("true", Json(true), out);
      case 'f':
        return ParseLiteral("false", Json(false), out);
      case 'n':
        return ParseLiteral("null", Json(nullptr), out);
      default:
        if (p_[pos_] == '-' || (p_[pos_] >= '0' && p_[pos_] <= '9')) return ParseNumber(out);
        return UnexpectedHere("a value");
    }
  }

  Status ParseLiteral(std::string_view word, Json value, Json* out) {
    if (n_ - pos_ < word.size() || std::memcmp(p_ + pos_, word.data(), word.size()) != 0) {
      return Error(pos_, "invalid literal, expected true, false or null");
    }
    pos_ += word.size();
    *out = std::move(value);
    return Status::Ok();
  }

  Status CheckDepth(int depth) const {
    if (depth > kMaxJsonDepth) {
      return Error(pos_, "nesting deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    }
    return Status::Ok();
  }

  Status ParseObject(Json* out, int depth) {
    WL_RETURN_IF_ERROR(CheckDepth(depth));
    ++pos_;  // '{'
    *out = Json::object();
    auto& members = *out->get_ptr<Json::object_t*>();
    SkipWhitespace();
    if (pos_ < n_ && p_[pos_] == '}') {
      ++pos_;
      return Status::Ok();
    }
    std::string key;
    while (true) {
      if (pos_ >= n_ || p_[pos_] != '"') {
        if (pos_ < n_ && p_[pos_] == '}') return Error(pos_, "trailing comma before '}'");
        return UnexpectedHere("a string key");
      }
      const size_t key_at = pos_;
      key.clear();
      WL_RETURN_IF_ERROR(ParseString(&key));
      SkipWhitespace();
      if (pos_ >= n_ || p_[pos_] != ':') return UnexpectedHere("':' after the key");
      ++pos_;
      SkipWhitespace();
      auto [it, inserted] = members.emplace(key, nullptr);
      if (!inserted) return Error(key_at, "duplicate key \"" + Excerpt(key) + "\"");
      WL_RETURN_IF_ERROR(ParseValue(&it->second, depth));
      SkipWhitespace();
      if (pos_ < n_ && p_[pos_] == ',') {
        ++pos_;
        SkipWhitespace();
        continue;
      }
      if (pos_ < n_ && p_[pos_] == '}') {
        ++pos_;
        return Status::Ok();
      }
      return UnexpectedHere("',' or '}' in object");
    }
  }

  Status ParseArray(Json* out, int depth) {
    WL_RETURN_IF_ERROR(CheckDepth(depth));
    ++pos_;  // '['
    *out = Json::array();
    auto& elements = *out->get_ptr<Json::array_t*>();
    SkipWhitespace();
    if (pos_ < n_ && p_[pos_] == ']') {
      ++pos_;
      return Status::Ok();
    }
    while (true) {
      if (pos_ < n_ && p_[pos_] == ']') return Error(pos_, "trailing comma before ']'");
      elements.emplace_back();
      WL_RETURN_IF_ERROR(ParseValue(&elements.back(), depth));
      SkipWhitespace();
      if (pos_ < n_ && p_[pos_] == ',') {
        ++pos_;
        SkipWhitespace();
        continue;
      }
      if (pos_ < n_ && p_[pos_] == ']') {
        ++pos_;
        return Status::Ok();
      }
      return UnexpectedHere("',' or ']' in array");
    }
  }

  // Reads 4 hex digits after "\u" at pos_ (pointing at the backslash).
  bool ReadHex4(size_t at, uint32_t* unit) const {
    if (n_ - at < 6) return false;
    uint32_t v = 0;
    for (size_t k = 2; k < 6; ++k) {
      const int h = HexValue(static_cast<char>(p_[at + k]));
      if (h < 0) return false;
      v = (v << 4) | static_cast<uint32_t>(h);
    }
    *unit = v;
    return true;
  }

  Status ParseEscape(std::string* out) {
    const size_t at = pos_;  // the backslash
    if (at + 1 >= n_) return Error(at, "unterminated string");
    const unsigned char e = p_[at + 1];
    char simple = 0;
    switch (e) {
      case '"': simple = '"'; break;
      case '\\': simple = '\\'; break;
      case '/': simple = '/'; break;
      case 'b': simple = '\b'; break;
      case 'f': simple = '\f'; break;
      case 'n': simple = '\n'; break;
      case 'r': simple = '\r'; break;
      case 't': simple = '\t'; break;
      case 'u': break;
      default:
        return Error(at, "invalid escape \\" + Excerpt(std::string(1, static_cast<char>(e))));
    }
    if (simple != 0) {
      out->push_back(simple);
      pos_ += 2;
      return Status::Ok();
    }
    uint32_t unit = 0;
    if (!ReadHex4(at, &unit)) return Error(at, "invalid \\u escape, expected 4 hex digits");
    pos_ += 6;
    if (unit >= 0xDC00 && unit <= 0xDFFF) {
      return Error(at, "lone low surrogate \\u" + Excerpt(std::string_view(
                                                      reinterpret_cast<const char*>(p_ + at + 2), 4)));
    }
    if (unit >= 0xD800 && unit <= 0xDBFF) {
      uint32_t low = 0;
      if (pos_ + 1 >= n_ || p_[pos_] != '\\' || p_[pos_ + 1] != 'u' || !ReadHex4(pos_, &low) ||
          low < 0xDC00 || low > 0xDFFF) {
        return Error(at, "lone high surrogate \\u" + Excerpt(std::string_view(
                                                         reinterpret_cast<const char*>(p_ + at + 2), 4)));
      }
      pos_ += 6;
      unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
    }
    AppendUtf8(unit, out);
    return Status::Ok();
  }

  // pos_ at the opening quote; appends the unescaped contents to *out.
  Status ParseString(std::string* out) {
    const size_t open = pos_;
    ++pos_;
    size_t run = pos_;  // start of bytes not yet copied to *out
    while (true) {
      if (pos_ >= n_) return Error(open, "unterminated string");
      const unsigned char c = p_[pos_];
      if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
        ++pos_;
        continue;
      }
      if (c >= 0x80) {
        const char* why = "";
        const size_t len = Utf8SequenceLength(p_ + pos_, n_ - pos_, &why);
        if (len == 0) return Error(pos_, std::string("invalid UTF-8 in string: ") + why);
        pos_ += len;
        continue;
      }
      out->append(reinterpret_cast<const char*>(p_ + run), pos_ - run);
      if (c == '"') {
        ++pos_;
        return Status::Ok();
      }
      if (c != '\\') {
        return Error(pos_, "raw control character " + DescribeByte(c) + " in string (must be escaped)");
      }
      WL_RETURN_IF_ERROR(ParseEscape(out));
      run = pos_;
    }
  }

  bool IsDigitAt(size_t i) const { return i < n_ && p_[i] >= '0' && p_[i] <= '9'; }

  Status ParseNumber(Json* out) {
    const size_t start = pos_;
    const bool negative = p_[pos_] == '-';
    if (negative) ++pos_;
    const size_t digits_at = pos_;
    while (IsDigitAt(pos_)) ++pos_;
    const size_t int_digits = pos_ - digits_at;
    bool fraction = false;
    bool exponent = false;
    bool malformed = int_digits == 0;
    if (!malformed && pos_ < n_ && p_[pos_] == '.') {
      fraction = true;
      ++pos_;
      if (!IsDigitAt(pos_)) malformed = true;
      while (IsDigitAt(pos_)) ++pos_;
    }
    if (!malformed && pos_ < n_ && (p_[pos_] == 'e' || p_[pos_] == 'E')) {
      exponent = true;
      ++pos_;
      if (pos_ < n_ && (p_[pos_] == '+' || p_[pos_] == '-')) ++pos_;
      if (!IsDigitAt(pos_)) malformed = true;
      while (IsDigitAt(pos_)) ++pos_;
    }
    const char* problem = nullptr;
    int64_t magnitude = 0;
    if (malformed) {
      problem = "malformed number ";
    } else if (int_digits > 1 && p_[digits_at] == '0') {
      problem = " has a leading zero";
    } else if (fraction) {
      problem = " is not an integer (v1 allows integers only)";
    } else if (exponent) {
      problem = " has an exponent (v1 allows plain integers only)";
    } else if (int_digits > 16) {  // 2^53-1 has 16 digits
      problem = " is outside the v1 range |n| <= 2^53-1";
    } else {
      for (size_t i = digits_at; i < pos_; ++i) magnitude = magnitude * 10 + (p_[i] - '0');
      if (magnitude > kMaxSafeInteger) problem = " is outside the v1 range |n| <= 2^53-1";
    }
    if (problem != nullptr) {
      const std::string text =
          Excerpt(std::string_view(reinterpret_cast<const char*>(p_ + start), pos_ - start));
      if (malformed) return Error(start, problem + text);
      return Error(start, "number " + text + problem);
    }
    *out = negative ? -magnitude : magnitude;
    return Status::Ok();
  }

  const unsigned char* p_;
  size_t n_;
  size_t pos_ = 0;
};

}  // namespace

Status ValidateUtf8(std::string_view s) {
  const char* why = "";
  const size_t bad = FindInvalidUtf8(reinterpret_cast<const unsigned char*>(s.data()), s.size(), &why);
  if (bad == s.size()) return Status::Ok();
  return Status::InvalidArgument("invalid UTF-8 at byte " + std::to_string(bad) + ": " + why);
}

Result<Json> ParseStrictJson(std::string_view text) {
  Json doc;
  Parser parser(text);
  WL_RETURN_IF_ERROR(parser.ParseText(&doc));
  return doc;
}

}  // namespace wasteledger
