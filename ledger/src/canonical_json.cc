// RFC 8785 (JCS) serialisation of v1 JSON values (integers only).
//
// Key order: JCS sorts member names as arrays of UTF-16 code units. For
// valid UTF-8, byte order equals code point order, and code point order
// equals UTF-16 order except when a character in U+E000..U+FFFF (UTF-8 lead
// byte EE or EF) meets a supplementary character (lead byte F0..F4; in UTF-16
// a surrogate D800..DBFF, which sorts below E000) at the first difference.
// nlohmann::json keeps object members in a std::map ordered by bytes, so the
// writer walks the map in order and re-sorts only when an adjacent pair hits
// that case.

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "wasteledger/canonical_json.h"

namespace wasteledger {
namespace {

using Member = Json::object_t::value_type;

// Bytes JCS escapes inside a string: controls, '"' and '\\'.
constexpr std::array<bool, 256> MakeEscapeTable() {
  std::array<bool, 256> table{};
  for (size_t b = 0; b < 256; ++b) table[b] = b < 0x20 || b == '"' || b == '\\';
  return table;
}
constexpr std::array<bool, 256> kNeedsEscape = MakeEscapeTable();

// True when one of the 8 bytes in `w` needs escaping (exact as a whole,
// though the per-byte flags are not; the classic SWAR zero-byte test).
inline bool BlockNeedsEscape(uint64_t w) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  const uint64_t below_space = (w - kOnes * 0x20) & ~w & kHigh;
  const uint64_t q = w ^ (kOnes * '"');
  const uint64_t b = w ^ (kOnes * '\\');
  return (below_space | ((q - kOnes) & ~q & kHigh) | ((b - kOnes) & ~b & kHigh)) != 0;
}

// True when a < b in byte order but b < a as UTF-16 (see the top comment).
// Precondition: a < b in byte order.
bool Utf16OrderDiffers(std::string_view a, std::string_view b) {
  const size_t n = std::min(a.size(), b.size());
  const auto mismatch = std::mismatch(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(n), b.begin());
  const auto i = static_cast<size_t>(mismatch.first - a.begin());
  if (i == n) return false;  // a is a prefix of b
  const auto x = static_cast<unsigned char>(a[i]);
  const auto y = static_cast<unsigned char>(b[i]);
  return (x == 0xEE || x == 0xEF) && y >= 0xF0;
}

// First UTF-16 code unit of the code point whose valid UTF-8 encoding
// starts at s[i].
uint32_t FirstUtf16Unit(std::string_view s, size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  auto cont = [&s](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(s[k]) & 0x3F); };
  if (b0 < 0x80) return b0;
  if (b0 < 0xE0) return ((b0 & 0x1Fu) << 6) | cont(i + 1);
  if (b0 < 0xF0) return ((b0 & 0x0Fu) << 12) | (cont(i + 1) << 6) | cont(i + 2);
  const uint32_t cp = ((b0 & 0x07u) << 18) | (cont(i + 1) << 12) | (cont(i + 2) << 6) | cont(i + 3);
  return 0xD800 + ((cp - 0x10000) >> 10);
}

// Orders valid UTF-8 strings as arrays of UTF-16 code units.
bool Utf16Less(std::string_view a, std::string_view b) {
  const size_t n = std::min(a.size(), b.size());
  size_t i = 0;
  while (i < n && a[i] == b[i]) ++i;
  if (i == n) return a.size() < b.size();
  // Back up to the start of the differing character (valid UTF-8: both
  // strings have a character boundary at the same place).
  while (i > 0 && (static_cast<unsigned char>(a[i]) & 0xC0) == 0x80) --i;
  const uint32_t ua = FirstUtf16Unit(a, i);
  const uint32_t ub = FirstUtf16Unit(b, i);
  if (ua != ub) return ua < ub;
  // Same high surrogate: both supplementary, where UTF-16 order is code
  // point order is byte order.
  return a.substr(i) < b.substr(i);
}

// Checks, in one pass and without building a value, that text is exactly
// what Writer produces: the canonical form of a v1 value. Mirrors Writer
// rule by rule (see IsCanonicalJson in the header).
class CanonicalScanner {
 public:
  explicit CanonicalScanner(std::string_view text) : p_(text.data()), end_(p_ + text.size()) {}

  bool Whole(std::vector<JsonMemberText>* members) {
    members_ = members;
    if (members_ != nullptr) members_->clear();
    return Value(0) && p_ == end_;
  }

 private:
  bool Value(int depth) {
    if (p_ == end_) return false;
    switch (*p_) {
      case '{':
        return Object(depth + 1);
      case '[':
        return Array(depth + 1);
      case '"': {
        std::string_view raw;
        bool escaped = false;
        return String(&raw, &escaped);
      }
      case 't':
        return Literal("true");
      case 'f':
        return Literal("false");
      case 'n':
        return Literal("null");
      default:
        return Number();
    }
  }

  bool Literal(std::string_view word) {
    if (static_cast<size_t>(end_ - p_) < word.size() || std::memcmp(p_, word.data(), word.size()) != 0) {
      return false;
    }
    p_ += word.size();
    return true;
  }

  static bool IsDigit(char c) { return c >= '0' && c <= '9'; }

  // Plain decimal, no "-0", no leading zeros, |n| <= 2^53-1. What follows is
  // the caller's business: "01" fails there, on the '1'.
  bool Number() {
    const bool negative = *p_ == '-';
    if (negative) ++p_;
    if (p_ == end_ || !IsDigit(*p_)) return false;
    if (*p_ == '0') {
      ++p_;
      return !negative;
    }
    const char* digits = p_;
    while (p_ != end_ && IsDigit(*p_)) ++p_;
    const auto count = static_cast<size_t>(p_ - digits);
    if (count < 16) return true;
    if (count > 16) return false;
    uint64_t value = 0;
    std::from_chars(digits, p_, value);
    return value <= static_cast<uint64_t>(kMaxSafeInteger);
  }

  static int LowerHex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  }

  // At the opening quote. *raw is the text between the quotes, *escaped
  // whether it holds a backslash. Escapes must be the ones WriteString
  // writes: \" \\ \b \f \n \r \t, else \u00xx (lowercase) for the other
  // controls; everything else literal and valid UTF-8.
  bool String(std::string_view* raw, bool* escaped) {
    ++p_;
    const char* start = p_;
    uint64_t high_bits = 0;
    bool esc = false;
    for (;;) {
      while (end_ - p_ >= 8) {
        uint64_t w;
        std::memcpy(&w, p_, 8);
        if (BlockNeedsEscape(w)) break;
        high_bits |= w;
        p_ += 8;
      }
      if (p_ == end_) return false;
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') break;
      if (c < 0x20) return false;
      high_bits |= c;
      if (c != '\\') {
        ++p_;
        continue;
      }
      esc = true;
      if (end_ - p_ < 2) return false;
      const char e = p_[1];
      if (e == '"' || e == '\\' || e == 'b' || e == 'f' || e == 'n' || e == 'r' || e == 't') {
        p_ += 2;
        continue;
      }
      if (e != 'u' || end_ - p_ < 6 || p_[2] != '0' || p_[3] != '0') return false;
      const int hi = LowerHex(p_[4]);
      const int lo = LowerHex(p_[5]);
      if (hi < 0 || hi > 1 || lo < 0) return false;
      const int code = hi * 16 + lo;
      if (code == '\b' || code == '\t' || code == '\n' || code == '\f' || code == '\r') return false;
      p_ += 6;
    }
    *raw = std::string_view(start, static_cast<size_t>(p_ - start));
    *escaped = esc;
    ++p_;
    if ((high_bits & 0x8080808080808080ULL) != 0 && !ValidateUtf8(*raw).ok()) return false;
    return true;
  }

  // The value a string's text stands for (escapes undone).
  static std::string Unescape(std::string_view raw) {
    std::string out;
    out.reserve(raw.size());
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] != '\\') {
        out += raw[i];
        continue;
      }
      const char e = raw[++i];
      switch (e) {
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u':
          out += static_cast<char>(LowerHex(raw[i + 3]) * 16 + LowerHex(raw[i + 4]));
          i += 4;
          break;
        default: out += e;
      }
    }
    return out;
  }

  // Member names strictly increase as UTF-16 code units (so none repeats).
  static bool KeyAfter(std::string_view prev, bool prev_escaped, std::string_view key, bool escaped) {
    if (!prev_escaped && !escaped) return Utf16Less(prev, key);
    return Utf16Less(prev_escaped ? Unescape(prev) : std::string(prev),
                     escaped ? Unescape(key) : std::string(key));
  }

  bool Object(int depth) {
    if (depth > kMaxJsonDepth) return false;
    std::vector<JsonMemberText>* members = depth == 1 ? members_ : nullptr;
    ++p_;
    if (p_ != end_ && *p_ == '}') {
      ++p_;
      return true;
    }
    std::string_view prev;
    bool prev_escaped = false;
    for (bool first = true;; first = false) {
      if (p_ == end_ || *p_ != '"') return false;
      std::string_view key;
      bool escaped = false;
      if (!String(&key, &escaped)) return false;
      if (!first && !KeyAfter(prev, prev_escaped, key, escaped)) return false;
      prev = key;
      prev_escaped = escaped;
      if (p_ == end_ || *p_ != ':') return false;
      ++p_;
      const char* value = p_;
      if (!Value(depth)) return false;
      if (members != nullptr) {
        members->push_back({key, escaped, std::string_view(value, static_cast<size_t>(p_ - value))});
      }
      if (p_ == end_) return false;
      if (*p_ == '}') {
        ++p_;
        return true;
      }
      if (*p_ != ',') return false;
      ++p_;
    }
  }

  bool Array(int depth) {
    if (depth > kMaxJsonDepth) return false;
    ++p_;
    if (p_ != end_ && *p_ == ']') {
      ++p_;
      return true;
    }
    for (;;) {
      if (!Value(depth)) return false;
      if (p_ == end_) return false;
      if (*p_ == ']') {
        ++p_;
        return true;
      }
      if (*p_ != ',') return false;
      ++p_;
    }
  }

  const char* p_;
  const char* end_;
  std::vector<JsonMemberText>* members_ = nullptr;
};

// Writes one value into a caller-owned buffer. On failure records the error
// and, while unwinding, the path to the offending value.
class Writer {
 public:
  explicit Writer(std::string* out) : out_(*out) {}

  // One string, as in any value (AppendCanonicalString).
  bool String(std::string_view s) { return WriteString(s); }

  bool Write(const Json& v, int depth) {
    switch (v.type()) {
      case Json::value_t::null:
        out_ += "null";
        return true;
      case Json::value_t::boolean:
        out_ += v.get<bool>() ? "true" : "false";
        return true;
      case Json::value_t::number_integer:
        return WriteInteger(v.get<Json::number_integer_t>());
      case Json::value_t::number_unsigned: {
        const auto u = v.get<Json::number_unsigned_t>();
        if (u > static_cast<uint64_t>(kMaxSafeInteger)) {
          return Fail("integer " + std::to_string(u) + " is outside the v1 range |n| <= 2^53-1");
        }
        return WriteInteger(static_cast<int64_t>(u));
      }
      case Json::value_t::number_float:
        return Fail("floating-point number " + FloatText(v.get<Json::number_float_t>()) +
                    " (v1 allows integers only)");
      case Json::value_t::string:
        return WriteString(v.get_ref<const Json::string_t&>());
      case Json::value_t::array:
        return WriteArray(v.get_ref<const Json::array_t&>(), depth + 1);
      case Json::value_t::object:
        return WriteObject(v.get_ref<const Json::object_t&>(), depth + 1);
      case Json::value_t::binary:
        return Fail("binary value (JSON has no binary type)");
      case Json::value_t::discarded:
        break;
    }
    return Fail("discarded value");
  }

  // "cannot canonicalize /a/0/b: <reason>".
  Status TakeError() {
    std::string pointer;
    for (auto it = path_.rbegin(); it != path_.rend(); ++it) pointer += "/" + *it;
    if (pointer.empty()) pointer = "(root)";
    return Status::InvalidArgument("cannot canonicalize " + pointer + ": " + error_);
  }

 private:
  bool Fail(std::string reason) {
    error_ = std::move(reason);
    return false;
  }

  // Records one JSON Pointer reference token (RFC 6901) while unwinding.
  // Control characters (and, in a key that is not UTF-8, bytes >= 0x80) are
  // shown as escapes so the message stays one printable line.
  bool FailedIn(std::string_view token) {
    static constexpr char kHex[] = "0123456789abcdef";
    const bool utf8 = ValidateUtf8(token).ok();
    std::string escaped;
    for (char c : token) {
      const auto u = static_cast<unsigned char>(c);
      if (c == '~') {
        escaped += "~0";
      } else if (c == '/') {
        escaped += "~1";
      } else if (u < 0x20 || u == 0x7F) {
        escaped += "\\u00";
        escaped += kHex[u >> 4];
        escaped += kHex[u & 0xF];
      } else if (u >= 0x80 && !utf8) {
        escaped += "\\x";
        escaped += kHex[u >> 4];
        escaped += kHex[u & 0xF];
      } else {
        escaped += c;
      }
    }
    path_.push_back(std::move(escaped));
    return false;
  }

  static std::string FloatText(double d) {
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, d);
    return std::string(buf, r.ptr);
  }

  bool WriteInteger(int64_t n) {
    if (!AppendCanonicalInteger(out_, n)) {
      return Fail("integer " + std::to_string(n) + " is outside the v1 range |n| <= 2^53-1");
    }
    return true;
  }

  bool CheckDepth(int depth) {
    if (depth > kMaxJsonDepth) {
      return Fail("nesting deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    }
    return true;
  }

  // Escapes as JCS / ECMAScript JSON.stringify (RFC 8785 section 3.2.2.2).
  bool WriteString(std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    // Locals, so writes to out_ do not force reloading s's size and data.
    const char* const p = s.data();
    const size_t n = s.size();
    out_ += '"';
    uint64_t high_bits = 0;  // OR of all bytes: non-ASCII when 0x80 is set
    size_t run = 0;          // start of bytes not yet copied
    size_t i = 0;
    while (i < n) {
      if (i + 8 <= n) {
        uint64_t w;
        std::memcpy(&w, p + i, 8);
        if (!BlockNeedsEscape(w)) {
          high_bits |= w;
          i += 8;
          continue;
        }
      }
      const auto c = static_cast<unsigned char>(p[i]);
      high_bits |= c;
      if (kNeedsEscape[c]) {
        out_.append(p + run, i - run);
        run = i + 1;
        out_ += '\\';
        switch (c) {
          case '"': out_ += '"'; break;
          case '\\': out_ += '\\'; break;
          case '\b': out_ += 'b'; break;
          case '\f': out_ += 'f'; break;
          case '\n': out_ += 'n'; break;
          case '\r': out_ += 'r'; break;
          case '\t': out_ += 't'; break;
          default:
            out_ += "u00";
            out_ += kHex[c >> 4];
            out_ += kHex[c & 0xF];
        }
      }
      ++i;
    }
    out_.append(p + run, n - run);
    out_ += '"';
    if ((high_bits & 0x8080808080808080ULL) != 0) {
      Status utf8 = ValidateUtf8(s);
      if (!utf8.ok()) return Fail("string is not valid UTF-8 (" + utf8.message() + ")");
    }
    return true;
  }

  bool WriteArray(const Json::array_t& elements, int depth) {
    if (!CheckDepth(depth)) return false;
    out_ += '[';
    for (size_t i = 0; i < elements.size(); ++i) {
      if (i > 0) out_ += ',';
      if (!Write(elements[i], depth)) return FailedIn(std::to_string(i));
    }
    out_ += ']';
    return true;
  }

  bool WriteMember(const Member& m, bool first, int depth) {
    if (!first) out_ += ',';
    if (!WriteString(m.first)) {
      error_ = "key " + error_;
      return FailedIn(m.first);
    }
    out_ += ':';
    if (!Write(m.second, depth)) return FailedIn(m.first);
    return true;
  }

  bool WriteObject(const Json::object_t& members, int depth) {
    if (!CheckDepth(depth)) return false;
    bool byte_order_ok = true;
    const std::string* prev = nullptr;
    for (const Member& m : members) {
      if (prev != nullptr && Utf16OrderDiffers(*prev, m.first)) {
        byte_order_ok = false;
        break;
      }
      prev = &m.first;
    }
    out_ += '{';
    if (byte_order_ok) {
      bool first = true;
      for (const Member& m : members) {
        if (!WriteMember(m, first, depth)) return false;
        first = false;
      }
    } else {
      // Rare: keys mixing U+E000..U+FFFF with supplementary characters.
      // Utf16Less needs valid UTF-8, so check the keys before sorting.
      std::vector<const Member*> sorted;
      sorted.reserve(members.size());
      for (const Member& m : members) {
        Status utf8 = ValidateUtf8(m.first);
        if (!utf8.ok()) {
          Fail("key string is not valid UTF-8 (" + utf8.message() + ")");
          return FailedIn(m.first);
        }
        sorted.push_back(&m);
      }
      std::sort(sorted.begin(), sorted.end(),
                [](const Member* a, const Member* b) { return Utf16Less(a->first, b->first); });
      for (size_t i = 0; i < sorted.size(); ++i) {
        if (!WriteMember(*sorted[i], i == 0, depth)) return false;
      }
    }
    out_ += '}';
    return true;
  }

  std::string& out_;
  std::string error_;
  std::vector<std::string> path_;  // innermost first
};

}  // namespace

bool AppendCanonicalString(std::string& out, std::string_view s) { return Writer(&out).String(s); }

bool AppendCanonicalInteger(std::string& out, int64_t n) {
  if (n > kMaxSafeInteger || n < -kMaxSafeInteger) return false;
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, n);
  out.append(buf, r.ptr);
  return true;
}

std::string QuoteForMessage(std::string_view s) {
  constexpr size_t kMaxQuotedBytes = 64;
  std::string text(s);
  if (text.size() > kMaxQuotedBytes) {
    size_t cut = kMaxQuotedBytes;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    text = text.substr(0, cut) + "...";
  }
  return Json(text).dump(-1, ' ', false, Json::error_handler_t::replace);
}

bool IsCanonicalJson(std::string_view text, std::vector<JsonMemberText>* members) {
  return CanonicalScanner(text).Whole(members);
}

Result<std::string> Canonicalize(const Json& v) {
  // Typical statements and entries are under a few KiB; one reservation
  // avoids most regrowth.
  std::string out;
  out.reserve(1024);
  Writer writer(&out);
  if (!writer.Write(v, 0)) return writer.TakeError();
  return out;
}

}  // namespace wasteledger
