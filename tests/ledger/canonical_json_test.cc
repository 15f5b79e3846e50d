// Tests of the strict v1 JSON parser, RFC 8785 canonicalisation and UTF-8
// validation: known answers (RFC 8785 examples), rejections with their
// messages, and randomised checks against simple references in this file.

#include "wasteledger/canonical_json.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

namespace wasteledger {
namespace {

using Catch::Matchers::Contains;

std::string Canon(const Json& v) {
  Result<std::string> r = Canonicalize(v);
  INFO(r.status().message());
  REQUIRE(r.ok());
  return *r;
}

Json Parse(std::string_view text) {
  Result<Json> r = ParseStrictJson(text);
  INFO(r.status().message());
  REQUIRE(r.ok());
  return *r;
}

std::string CanonText(std::string_view text) { return Canon(Parse(text)); }

std::string ParseError(std::string_view text) {
  Result<Json> r = ParseStrictJson(text);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Status::Code::kInvalidArgument);
  CHECK(r.status().message().find('\n') == std::string::npos);
  return r.status().message();
}

std::string CanonError(const Json& v) {
  Result<std::string> r = Canonicalize(v);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Status::Code::kInvalidArgument);
  CHECK(r.status().message().find('\n') == std::string::npos);
  return r.status().message();
}

// ---- Simple references, written for clarity rather than speed. ----

// UTF-8 encoding of one code point.
std::string Utf8(uint32_t cp) {
  std::string s;
  if (cp < 0x80) {
    s += static_cast<char>(cp);
  } else if (cp < 0x800) {
    s += static_cast<char>(0xC0 | (cp >> 6));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    s += static_cast<char>(0xE0 | (cp >> 12));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    s += static_cast<char>(0xF0 | (cp >> 18));
    s += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  }
  return s;
}

// Index of the first invalid sequence in `s`, or s.size(). Decodes by the
// bit patterns, then checks the decoded value (a different route from the
// library's table of second-byte ranges).
size_t RefFirstInvalidUtf8(const std::string& s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    size_t len = 0;
    uint32_t cp = 0;
    if ((b & 0x80) == 0) {
      len = 1;
      cp = b;
    } else if ((b & 0xE0) == 0xC0) {
      len = 2;
      cp = b & 0x1Fu;
    } else if ((b & 0xF0) == 0xE0) {
      len = 3;
      cp = b & 0x0Fu;
    } else if ((b & 0xF8) == 0xF0) {
      len = 4;
      cp = b & 0x07u;
    } else {
      return i;
    }
    if (i + len > s.size()) return i;
    for (size_t k = 1; k < len; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (c & 0x3Fu);
    }
    const uint32_t min_for_len[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min_for_len[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += len;
  }
  return s.size();
}

// UTF-16 code units of valid UTF-8.
std::u16string RefUtf16(const std::string& s) {
  std::u16string out;
  size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    const size_t len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    uint32_t cp = len == 1 ? b : len == 2 ? (b & 0x1Fu) : len == 3 ? (b & 0x0Fu) : (b & 0x07u);
    for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3Fu);
    if (cp >= 0x10000) {
      out += static_cast<char16_t>(0xD800 + ((cp - 0x10000) >> 10));
      out += static_cast<char16_t>(0xDC00 + ((cp - 0x10000) & 0x3FF));
    } else {
      out += static_cast<char16_t>(cp);
    }
    i += len;
  }
  return out;
}

std::string RefString(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"') {
      out += "\\\"";
    } else if (c == '\\') {
      out += "\\\\";
    } else if (c == '\b') {
      out += "\\b";
    } else if (c == '\f') {
      out += "\\f";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (u < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// JCS of a valid v1 value: keys sorted by their UTF-16 code units.
std::string RefCanonical(const Json& v) {
  if (v.is_object()) {
    std::vector<std::pair<std::u16string, std::string>> keys;
    for (const auto& [k, unused] : v.items()) keys.emplace_back(RefUtf16(k), k);
    std::sort(keys.begin(), keys.end());
    std::string out = "{";
    for (const auto& [unused, k] : keys) {
      if (out.size() > 1) out += ",";
      out += RefString(k) + ":" + RefCanonical(v.at(k));
    }
    return out + "}";
  }
  if (v.is_array()) {
    std::string out = "[";
    for (const Json& e : v) {
      if (out.size() > 1) out += ",";
      out += RefCanonical(e);
    }
    return out + "]";
  }
  if (v.is_string()) return RefString(v.get<std::string>());
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  return "null";
}

// ---- Random v1 documents. ----

class DocGenerator {
 public:
  explicit DocGenerator(uint64_t seed) : rng_(seed) {}

  Json Value(int depth) {
    const size_t kind = Pick(depth >= 4 ? 5 : 7);
    switch (kind) {
      case 0: return nullptr;
      case 1: return Pick(2) == 1;
      case 2: return Integer();
      case 3:
      case 4: return Text(kStringChars, 8);
      case 5: {
        Json a = Json::array();
        for (size_t n = Pick(5); n > 0; --n) a.push_back(Value(depth + 1));
        return a;
      }
      default: {
        Json o = Json::object();
        for (size_t n = Pick(6); n > 0; --n) o[Text(kKeyChars, 3)] = Value(depth + 1);
        return o;
      }
    }
  }

  // Key characters chosen so that U+E000..U+FFFF meets supplementary
  // characters behind shared prefixes, where UTF-16 and byte order differ.
  static constexpr uint32_t kKeyChars[] = {'a', 'b', 0x80, 0xE000, 0xFB33, 0xFFFF, 0x10000, 0x1F600, 0x10FFFF};
  static constexpr uint32_t kStringChars[] = {
      'a', 'Z', '0', ' ', '"', '\\', '/', 0x00, 0x01, 0x08, 0x09, 0x0A, 0x0C, 0x0D, 0x1F, 0x7F,
      0x80, 0xE9, 0x7FF, 0x800, 0x20AC, 0x5371, 0x5E9F, 0xD7FF, 0xE000, 0xFFFD, 0xFFFF, 0x10000,
      0x1F600, 0x10FFFF};

 private:
  size_t Pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }

  template <size_t N>
  std::string Text(const uint32_t (&chars)[N], size_t max_len) {
    std::string s;
    for (size_t n = Pick(max_len + 1); n > 0; --n) s += Utf8(chars[Pick(N)]);
    return s;
  }

  int64_t Integer() {
    switch (Pick(4)) {
      case 0: return static_cast<int64_t>(Pick(21)) - 10;
      case 1: return Pick(2) == 0 ? kMaxSafeInteger : -kMaxSafeInteger;
      default: return std::uniform_int_distribution<int64_t>(-kMaxSafeInteger, kMaxSafeInteger)(rng_);
    }
  }

  std::mt19937_64 rng_;
};

// Counts objects whose UTF-16 key order differs from byte order.
int CountUtf16Reorders(const Json& v) {
  int count = 0;
  if (v.is_object()) {
    std::vector<std::u16string> keys;
    for (const auto& [k, e] : v.items()) {
      keys.push_back(RefUtf16(k));
      count += CountUtf16Reorders(e);
    }
    if (!std::is_sorted(keys.begin(), keys.end())) ++count;
  } else if (v.is_array()) {
    for (const Json& e : v) count += CountUtf16Reorders(e);
  }
  return count;
}

std::string Nested(int depth, const std::string& open, const std::string& close) {
  std::string s;
  for (int i = 0; i < depth; ++i) s += open;
  s += "1";
  for (int i = 0; i < depth; ++i) s += close;
  return s;
}

// ---- Canonicalize: known answers. ----

TEST_CASE("RFC 8785 3.2.3 sorts keys by UTF-16 code units", "[cjson]") {
  const std::string input = R"({
    "\u20ac": "Euro Sign",
    "\r": "Carriage Return",
    "\ufb33": "Hebrew Letter Dalet With Dagesh",
    "1": "One",
    "\ud83d\ude00": "Emoji: Grinning Face",
    "\u0080": "Control",
    "\u00f6": "Latin Small Letter O With Diaeresis"
  })";
  const std::string expected =
      "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\xC2\x80\":\"Control\","
      "\"\xC3\xB6\":\"Latin Small Letter O With Diaeresis\",\"\xE2\x82\xAC\":\"Euro Sign\","
      "\"\xF0\x9F\x98\x80\":\"Emoji: Grinning Face\","
      "\"\xEF\xAC\xB3\":\"Hebrew Letter Dalet With Dagesh\"}";
  CHECK(CanonText(input) == expected);
}

TEST_CASE("RFC 8785 3.2.2 string escaping and literals", "[cjson]") {
  const std::string input = R"({
    "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
    "literals": [null, true, false]
  })";
  CHECK(CanonText(input) ==
        "{\"literals\":[null,true,false],\"string\":\"\xE2\x82\xAC$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
  // The same example's numbers are not v1 integers.
  CHECK_THAT(ParseError(R"({"numbers": [333333333.33333329, 1E30, 4.50]})"), Contains("not an integer"));
}

TEST_CASE("UTF-16 ordering inside a shared prefix and in nested objects", "[cjson]") {
  Json inner = Json::object();
  inner["x" + Utf8(0xFFFF)] = 1;
  inner["x" + Utf8(0x10000)] = 2;
  inner["x"] = 3;
  inner["y"] = 4;
  Json outer = {{"k", inner}, {Utf8(0xE000), 5}, {Utf8(0x1F600), 6}};
  CHECK(Canon(outer) == "{\"k\":{\"x\":3,\"x" + Utf8(0x10000) + "\":2,\"x" + Utf8(0xFFFF) + "\":1,\"y\":4}," +
                            "\"" + Utf8(0x1F600) + "\":6,\"" + Utf8(0xE000) + "\":5}");
}

TEST_CASE("every control character is escaped as JSON.stringify does", "[cjson]") {
  const char* const kExpected[32] = {
      "\\u0000", "\\u0001", "\\u0002", "\\u0003", "\\u0004", "\\u0005", "\\u0006", "\\u0007",
      "\\b",     "\\t",     "\\n",     "\\u000b", "\\f",     "\\r",     "\\u000e", "\\u000f",
      "\\u0010", "\\u0011", "\\u0012", "\\u0013", "\\u0014", "\\u0015", "\\u0016", "\\u0017",
      "\\u0018", "\\u0019", "\\u001a", "\\u001b", "\\u001c", "\\u001d", "\\u001e", "\\u001f"};
  for (int c = 0; c < 32; ++c) {
    INFO("control " << c);
    const std::string s = "a" + std::string(1, static_cast<char>(c)) + "b";
    CHECK(Canon(Json(s)) == std::string("\"a") + kExpected[c] + "b\"");
  }
}

TEST_CASE("quote and backslash escaped; solidus, DEL and non-ASCII literal", "[cjson]") {
  CHECK(Canon(Json("say \"hi\"")) == R"("say \"hi\"")");
  CHECK(Canon(Json("C:\\dir")) == R"("C:\\dir")");
  CHECK(Canon(Json("a/b")) == R"("a/b")");
  CHECK(Canon(Json("\x7F")) == "\"\x7F\"");
  CHECK(Canon(Json{{"名称", "危险废物"}, {"code", "HW08"}}) == "{\"code\":\"HW08\",\"名称\":\"危险废物\"}");
  CHECK(CanonText(R"("\u5371\u9669\u5e9f\u7269")") == "\"危险废物\"");
  CHECK(Canon(Json(Utf8(0x10FFFF) + Utf8(0xFFFD))) == "\"" + Utf8(0x10FFFF) + Utf8(0xFFFD) + "\"");
}

TEST_CASE("nested, empty and scalar values", "[cjson]") {
  CHECK(Canon(Json::object()) == "{}");
  CHECK(Canon(Json::array()) == "[]");
  CHECK(Canon(Json("")) == "\"\"");
  CHECK(Canon(Json(nullptr)) == "null");
  CHECK(Canon(Json(true)) == "true");
  CHECK(CanonText(R"( { "b" : [ ] , "a" : { } , "c" : [ { "z" : 1 , "y" : [ 2 , [ ] ] } ] } )") ==
        R"({"a":{},"b":[],"c":[{"y":[2,[]],"z":1}]})");
}

TEST_CASE("integers: negatives, -0 and the 2^53-1 limit", "[cjson]") {
  CHECK(Canon(Json(-17)) == "-17");
  CHECK(Canon(Json(0)) == "0");
  CHECK(Canon(Json(kMaxSafeInteger)) == "9007199254740991");
  CHECK(Canon(Json(-kMaxSafeInteger)) == "-9007199254740991");
  CHECK(Canon(Json(uint64_t{42})) == "42");
  CHECK(Canon(Json(static_cast<uint64_t>(kMaxSafeInteger))) == "9007199254740991");
  CHECK_THAT(CanonError(Json(kMaxSafeInteger + 1)), Contains("9007199254740992 is outside"));
  CHECK_THAT(CanonError(Json(-kMaxSafeInteger - 1)), Contains("outside the v1 range"));
  CHECK_THAT(CanonError(Json(static_cast<uint64_t>(kMaxSafeInteger) + 1)), Contains("outside"));
  CHECK_THAT(CanonError(Json(INT64_MIN)), Contains("outside"));
  CHECK_THAT(CanonError(Json(UINT64_MAX)), Contains("outside"));

  const Json minus_zero = Parse("-0");
  CHECK(minus_zero.type() == Json::value_t::number_integer);
  CHECK(Canon(minus_zero) == "0");
  const Json big = Parse("9007199254740991");
  CHECK(big.type() == Json::value_t::number_integer);
  CHECK(big.get<int64_t>() == kMaxSafeInteger);
  CHECK(Parse("-9007199254740991").get<int64_t>() == -kMaxSafeInteger);
  CHECK(Parse("[0, -1, 12]") == Json::array({0, -1, 12}));
}

TEST_CASE("Canonicalize refuses what v1 cannot express and names where", "[cjson]") {
  std::string msg = CanonError(Json{{"statement", {{"body", {{"mass_g", 1.5}}}}}});
  CHECK(msg == "cannot canonicalize /statement/body/mass_g: floating-point number 1.5 "
               "(v1 allows integers only)");
  CHECK_THAT(CanonError(Json{{"a", {1, 2.0}}}), Contains("/a/1: floating-point number 2"));
  CHECK_THAT(CanonError(Json(-0.0)), Contains("(root): floating-point"));
  CHECK_THAT(CanonError(Json::binary({1, 2, 3})), Contains("binary"));
  CHECK_THAT(CanonError(Json{{"a/b~", 0.5}}), Contains("/a~1b~0:"));
  CHECK_THAT(CanonError(Json{{"s", "ok\xC0\x80"}}), Contains("/s: string is not valid UTF-8"));
  CHECK_THAT(CanonError(Json{{"s", "\xED\xA0\x80"}}), Contains("encoded surrogate"));
  CHECK_THAT(CanonError(Json{{"bad\xFFkey\n", 1}}), Contains("/bad\\xffkey\\u000a: key string is not valid"));
  // A bad key in an object that takes the UTF-16 re-sorting path.
  Json mixed = {{Utf8(0xE000), 1}, {Utf8(0x1F600), 2}, {"\xF0\x9F", 3}};
  CHECK_THAT(CanonError(mixed), Contains("key string is not valid UTF-8"));
  Json discarded(Json::value_t::discarded);
  CHECK_FALSE(Canonicalize(discarded).ok());
}

TEST_CASE("nesting: 64 levels accepted, 65 refused", "[cjson]") {
  for (const auto& [open, close] : {std::pair<std::string, std::string>{"[", "]"}, {"{\"a\":", "}"}}) {
    INFO(open);
    const Json deep = Parse(Nested(64, open, close));
    CHECK(Canon(deep) == Nested(64, open, close));
    CHECK_THAT(ParseError(Nested(65, open, close)), Contains("nesting deeper than 64 levels"));
    CHECK_THAT(CanonError(Json::array({deep})), Contains("nesting deeper than 64 levels"));
  }
}

// ---- ParseStrictJson. ----

TEST_CASE("parser accepts RFC 8259 forms and decodes escapes", "[cjson]") {
  CHECK(Parse(" \t\r\n{ \"a\" :\n[ 1 ,2 ] }\n ") == Json{{"a", {1, 2}}});
  CHECK(Parse("\"x\"") == Json("x"));
  CHECK(Parse("true") == Json(true));
  CHECK(Parse("false") == Json(false));
  CHECK(Parse("null") == Json(nullptr));
  CHECK(Parse(R"("\/\"\\\b\f\n\r\t")") == Json("/\"\\\b\f\n\r\t"));
  CHECK(Parse(R"("\u00e9\u00E9")") == Json("\xC3\xA9\xC3\xA9"));
  CHECK(Parse(R"("\ud83d\ude00")") == Json("\xF0\x9F\x98\x80"));
  CHECK(Parse(R"("\uDBFF\uDFFF")") == Json(Utf8(0x10FFFF)));
  CHECK(Parse(R"("\u0000")") == Json(std::string(1, '\0')));
  CHECK(Parse("\"\x7F\"") == Json("\x7F"));
  CHECK(Parse("\"危险废物\"") == Json("危险废物"));
  CHECK(Parse(R"({"a":1,"A":2,"a ":3})").size() == 3);
}

TEST_CASE("parser error messages name the problem and the byte", "[cjson]") {
  CHECK(ParseError(R"({"mass_g":1,"mass_g":2})") == R"(invalid JSON at byte 12: duplicate key "mass_g")");
  CHECK(ParseError(R"({"m": 1.5})") ==
        "invalid JSON at byte 6: number 1.5 is not an integer (v1 allows integers only)");
  CHECK(ParseError(R"({"a":1,"\u0061":2})") == R"(invalid JSON at byte 7: duplicate key "a")");
  CHECK(ParseError("[1] x") == "invalid JSON at byte 4: unexpected 'x' after the JSON value");
}

TEST_CASE("parser rejects what v1 forbids", "[cjson]") {
  const std::pair<std::string, std::string> kCases[] = {
      {"1.0", "is not an integer"},
      {"-2.50", "is not an integer"},
      {"1e3", "has an exponent"},
      {"1E+3", "has an exponent"},
      {"01", "leading zero"},
      {"-01", "leading zero"},
      {"00", "leading zero"},
      {"9007199254740992", "outside the v1 range"},
      {"-9007199254740992", "outside the v1 range"},
      {"123456789012345678901234567890", "outside the v1 range"},
      {"-", "malformed number"},
      {"1.", "malformed number"},
      {"1e", "malformed number"},
      {"-a", "malformed number"},
      {"+1", "unexpected '+'"},
      {".5", "unexpected '.'"},
      {"NaN", "unexpected 'N'"},
      {"Infinity", "unexpected 'I'"},
      {"tru", "invalid literal"},
      {"nul", "invalid literal"},
      {"True", "unexpected 'T'"},
      {R"({"a":1,"a":1})", "duplicate key \"a\""},
      {R"({"a":{"b":1,"b":2}})", "duplicate key \"b\""},
      {R"({"\u0061":1,"a":2})", "duplicate key \"a\""},
      {R"({"\n":1,"\u000a":2})", "duplicate key \"\\u000a\""},
      {"\"\xC0\x80\"", "overlong encoding"},
      {"\"\xC1\xBF\"", "overlong encoding"},
      {"\"\xE0\x80\xAF\"", "overlong encoding"},
      {"\"\xF0\x80\x80\xAF\"", "overlong encoding"},
      {"\"\xED\xA0\x80\"", "encoded surrogate"},
      {"\"\xED\xBF\xBF\"", "encoded surrogate"},
      {"\"\xF4\x90\x80\x80\"", "above U+10FFFF"},
      {"\"\xF5\x80\x80\x80\"", "above U+10FFFF"},
      {"\"\xFF\"", "never appears in UTF-8"},
      {"\"\x80\"", "unexpected continuation byte"},
      {"\"\xE4\xB8\"", "truncated sequence"},
      {"\"\xF0\x9F\x98\"", "truncated sequence"},
      {"\"\xE4\xB8", "truncated sequence"},
      {"\"\\ud800\"", "lone high surrogate \\ud800"},
      {"\"\\ud800\\u0041\"", "lone high surrogate"},
      {"\"\\ud800\\ud800\"", "lone high surrogate"},
      {"\"\\udc00\"", "lone low surrogate"},
      {"\"\\ude00\\ud83d\"", "lone low surrogate"},
      {"\"a\nb\"", "raw control character byte 0x0A in string"},
      {"\"\t\"", "raw control character byte 0x09"},
      {std::string("\"\0\"", 3), "raw control character byte 0x00"},
      {"\"\\x\"", "invalid escape \\x"},
      {"\"\\'\"", "invalid escape"},
      {"\"\\u12\"", "expected 4 hex digits"},
      {"\"\\u12g4\"", "expected 4 hex digits"},
      {"\"abc", "unterminated string"},
      {"\"abc\\", "unterminated string"},
      {"{} x", "after the JSON value"},
      {"1 2", "after the JSON value"},
      {"{}{}", "after the JSON value"},
      {"[1]]", "after the JSON value"},
      {std::string("\"a\"\0", 4), "after the JSON value"},
      {"", "unexpected end of input"},
      {"   ", "unexpected end of input"},
      {"[", "unexpected end of input"},
      {"[1", "unexpected end of input"},
      {"{\"a\"", "unexpected end of input"},
      {"[1,]", "trailing comma before ']'"},
      {"{\"a\":1,}", "trailing comma before '}'"},
      {"[1,,2]", "unexpected ','"},
      {"[1 2]", "expected ',' or ']'"},
      {"{\"a\" 1}", "expected ':'"},
      {"{\"a\":}", "unexpected '}'"},
      {"{a:1}", "expected a string key"},
      {"{'a':1}", "expected a string key"},
      {"\xEF\xBB\xBF{}", "unexpected byte 0xEF"},
      {"/* c */ 1", "unexpected '/'"},
      {"\f1", "unexpected byte 0x0C"},
  };
  for (const auto& [input, fragment] : kCases) {
    INFO("input: " << input);
    CHECK_THAT(ParseError(input), Contains("invalid JSON at byte ") && Contains(fragment));
  }
}

// ---- UTF-8 validation. ----

TEST_CASE("ValidateUtf8 known answers", "[cjson]") {
  for (uint32_t cp : {0x00u, 0x7Fu, 0x80u, 0x7FFu, 0x800u, 0xD7FFu, 0xE000u, 0xFFFFu, 0x10000u, 0x10FFFFu}) {
    INFO(cp);
    CHECK(ValidateUtf8("x" + Utf8(cp) + "y").ok());
  }
  CHECK(ValidateUtf8("").ok());
  CHECK(ValidateUtf8("危险废物 hazardous waste").ok());
  CHECK(ValidateUtf8("abc\xC0\x80").message() == "invalid UTF-8 at byte 3: overlong encoding");
  CHECK(ValidateUtf8("\xED\xA0\x80").message() == "invalid UTF-8 at byte 0: encoded surrogate");
  CHECK(ValidateUtf8("\xF4\x90\x80\x80").message() == "invalid UTF-8 at byte 0: code point above U+10FFFF");
  CHECK(ValidateUtf8("0123456789\xE4\xB8").message() == "invalid UTF-8 at byte 10: truncated sequence");
  CHECK(ValidateUtf8("\xE4\xB8" "a").code() == Status::Code::kInvalidArgument);
}

TEST_CASE("ValidateUtf8 and the parser agree with a reference decoder", "[cjson]") {
  const unsigned char kInteresting[] = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF,
                                        0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE,
                                        0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xF7, 0xF8, 0xFF};
  std::mt19937_64 rng(20240611);
  std::uniform_int_distribution<size_t> len_dist(0, 24);
  std::uniform_int_distribution<size_t> pick(0, sizeof kInteresting - 1);
  std::uniform_int_distribution<int> byte(0, 255);
  int valid = 0;
  for (int iter = 0; iter < 50000; ++iter) {
    std::string s;
    for (size_t n = len_dist(rng); n > 0; --n) {
      s += static_cast<char>(byte(rng) < 128 ? kInteresting[pick(rng)] : byte(rng));
    }
    const size_t bad = RefFirstInvalidUtf8(s);
    const Status st = ValidateUtf8(s);
    INFO("iteration " << iter);
    REQUIRE(st.ok() == (bad == s.size()));
    if (!st.ok()) {
      REQUIRE_THAT(st.message(), Catch::StartsWith("invalid UTF-8 at byte " + std::to_string(bad) + ":"));
    } else {
      ++valid;
    }
    // Inside a JSON string (controls, quote and backslash removed).
    std::string body;
    for (char c : s) {
      if (static_cast<unsigned char>(c) >= 0x20 && c != '"' && c != '\\') body += c;
    }
    const Result<Json> parsed = ParseStrictJson("\"" + body + "\"");
    REQUIRE(parsed.ok() == (RefFirstInvalidUtf8(body) == body.size()));
    if (parsed.ok()) REQUIRE(parsed->get<std::string>() == body);
  }
  CHECK(valid > 1000);  // the sample covers both outcomes
}

// ---- Round trips against the reference. ----

TEST_CASE("random long strings escape like the reference", "[cjson]") {
  // Lengths up to 40 characters put escapes at every offset of the writer's
  // 8-byte blocks.
  std::mt19937_64 rng(77);
  std::uniform_int_distribution<size_t> len_dist(0, 40);
  std::uniform_int_distribution<size_t> rare(0, 9);
  std::uniform_int_distribution<size_t> pick(0, std::size(DocGenerator::kStringChars) - 1);
  for (int iter = 0; iter < 5000; ++iter) {
    std::string s;
    for (size_t n = len_dist(rng); n > 0; --n) {
      s += rare(rng) == 0 ? Utf8(DocGenerator::kStringChars[pick(rng)]) : std::string(1, 'a' + static_cast<char>(rare(rng)));
    }
    INFO("iteration " << iter);
    REQUIRE(Canon(Json(s)) == RefString(s));
    REQUIRE(Parse(RefString(s)) == Json(s));
  }
}

TEST_CASE("random documents: Canonicalize matches the reference and round-trips", "[cjson]") {
  DocGenerator gen(0x5eed'c0de);
  int reorders = 0;
  for (int iter = 0; iter < 3000; ++iter) {
    const Json doc = gen.Value(0);
    INFO("iteration " << iter << ": " << doc.dump());
    reorders += CountUtf16Reorders(doc);
    const std::string canonical = Canon(doc);
    REQUIRE(canonical == RefCanonical(doc));
    const Json reparsed = Parse(canonical);
    REQUIRE(reparsed == doc);
    REQUIRE(Canon(reparsed) == canonical);
    // Other spellings of the same document: nlohmann's pretty printer with
    // \u escapes (surrogate pairs for supplementary characters), and compact.
    REQUIRE(Parse(doc.dump(2, ' ', true)) == doc);
    REQUIRE(Canon(Parse(doc.dump())) == canonical);
  }
  CHECK(reorders > 50);  // the UTF-16 re-sorting path was exercised
}

}  // namespace
}  // namespace wasteledger

// ---- IsCanonicalJson: the one-pass check must give exactly the verdict of
// parsing, canonicalising and comparing. ----

namespace wasteledger {
namespace {

bool ReferenceIsCanonical(std::string_view text) {
  Result<Json> parsed = ParseStrictJson(text);
  if (!parsed.ok()) return false;
  Result<std::string> canonical = Canonicalize(*parsed);
  return canonical.ok() && *canonical == text;
}

void CheckVerdict(std::string_view text) {
  INFO("text: " << Json(std::string(text)).dump(-1, ' ', true, Json::error_handler_t::replace));
  REQUIRE(IsCanonicalJson(text) == ReferenceIsCanonical(text));
}

TEST_CASE("IsCanonicalJson: each rule, both ways", "[cjson][scan]") {
  const std::vector<std::pair<std::string, bool>> cases = {
      {"{}", true}, {"[]", true}, {"0", true}, {"-1", true}, {"true", true}, {"false", true}, {"null", true},
      {"\"\"", true}, {"{\"a\":1,\"b\":[1,2,{}]}", true},
      // whitespace anywhere
      {" {}", false}, {"{} ", false}, {"{\"a\": 1}", false}, {"[1, 2]", false}, {"\n0", false},
      // member order and duplicates
      {"{\"b\":1,\"a\":2}", false}, {"{\"a\":1,\"a\":2}", false}, {"{\"a\":1,\"ab\":2}", true},
      {"{\"ab\":1,\"a\":2}", false},
      // UTF-16 order: U+FFFF sorts after U+10000's high surrogate
      {"{\"\xF0\x90\x80\x80\":1,\"\xEF\xBF\xBF\":2}", true}, {"{\"\xEF\xBF\xBF\":1,\"\xF0\x90\x80\x80\":2}", false},
      // escaped keys are compared unescaped: "\n" (0x0A) < "\\" (0x5C)
      {"{\"\\n\":1,\"\\\\\":2}", true}, {"{\"\\\\\":1,\"\\n\":2}", false},
      {"{\"\\u0001\":1,\"a\":2}", true},
      // numbers
      {"-0", false}, {"01", false}, {"1.0", false}, {"1e3", false}, {"1E3", false}, {"+1", false},
      {"9007199254740991", true}, {"-9007199254740991", true}, {"9007199254740992", false},
      {"10000000000000000", false}, {"1000000000000000", true}, {"-", false}, {"[-]", false}, {"[0,-0]", false},
      // string escapes as JSON.stringify writes them
      {"\"\\n\\t\\r\\b\\f\\\"\\\\\"", true}, {"\"\\u000a\"", false}, {"\"\\u0000\\u001f\\u000b\"", true},
      {"\"\\u001F\"", false}, {"\"\\u0020\"", false}, {"\"\\u0041\"", false}, {"\"\\/\"", false},
      {"\"/\"", true}, {"\"\x7f\"", true}, {"\"\x01\"", false}, {"\"\\x\"", false}, {"\"\\u00\"", false},
      {"\"\\", false}, {"\"abc", false}, {"\"\\u00e9\"", false},
      // UTF-8
      {"\"\xC3\xA9\"", true}, {"\"\xC0\xA9\"", false}, {"\"\xED\xA0\x80\"", false}, {"\"\xF4\x90\x80\x80\"", false},
      {"\"\xE4\xB8\"", false}, {"\"\xFF\"", false}, {"\"abcdefgh\xC3\xA9ijklmnop\"", true},
      {"\"abcdefghijklmnop\xC3\"", false},
      // structure
      {"{\"a\"}", false}, {"{\"a\":}", false}, {"{,}", false}, {"[1,]", false}, {"{\"a\":1,}", false},
      {"[1]x", false}, {"", false}, {"tru", false}, {"nul", false}, {"{1:2}", false}, {"[", false},
      {"{\"a\":1", false},
  };
  for (const auto& [text, canonical] : cases) {
    INFO("text: " << text);
    CHECK(IsCanonicalJson(text) == canonical);
    CheckVerdict(text);
  }
  const std::string deep64 = std::string(64, '[') + std::string(64, ']');
  const std::string deep65 = std::string(65, '[') + std::string(65, ']');
  CHECK(IsCanonicalJson(deep64));
  CHECK_FALSE(IsCanonicalJson(deep65));
  CheckVerdict(deep64);
  CheckVerdict(deep65);
}

TEST_CASE("IsCanonicalJson lists the members of a top-level object", "[cjson][scan]") {
  std::vector<JsonMemberText> members;
  REQUIRE(IsCanonicalJson("{\"a\":{\"x\":[1,\"}\"]},\"b\\n\":\"s\",\"c\":-5}", &members));
  REQUIRE(members.size() == 3);
  CHECK(members[0].key == "a");
  CHECK(members[0].value == "{\"x\":[1,\"}\"]}");
  CHECK_FALSE(members[0].key_escaped);
  CHECK(members[1].key == "b\\n");
  CHECK(members[1].key_escaped);
  CHECK(members[1].value == "\"s\"");
  CHECK(members[2].value == "-5");
  REQUIRE(IsCanonicalJson("[{\"a\":1}]", &members));
  CHECK(members.empty());
}

TEST_CASE("IsCanonicalJson agrees with the reference on random documents and their mutations", "[cjson][scan]") {
  DocGenerator gen(0x5ca9'7e57);
  std::mt19937_64 rng(0xb17e'f11b);
  // Bytes that matter to the grammar, the escapes, numbers and UTF-8.
  const std::string interesting = [] {
    std::string s = "{}[]\",:\\ -+.eE0159afuUntrl/";
    for (int b : {0x7f, 0x80, 0xbf, 0xc0, 0xc3, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xff, 0x01, 0x1f, 0x00}) {
      s += static_cast<char>(b);
    }
    return s;
  }();
  auto pick = [&rng](size_t n) { return static_cast<size_t>(rng() % n); };
  int canonical_mutants = 0;
  for (int iter = 0; iter < 3000; ++iter) {
    const Json doc = gen.Value(0);
    const std::string canonical = Canon(doc);
    REQUIRE(IsCanonicalJson(canonical));
    CheckVerdict(doc.dump());
    CheckVerdict(doc.dump(1));
    for (int m = 0; m < 8; ++m) {
      std::string text = canonical;
      for (size_t edits = 1 + pick(3); edits > 0; --edits) {
        const size_t at = text.empty() ? 0 : pick(text.size());
        const char byte = interesting[pick(interesting.size())];
        switch (pick(3)) {
          case 0:
            if (!text.empty()) text[at] = byte;
            break;
          case 1: text.insert(text.begin() + static_cast<std::ptrdiff_t>(at), byte); break;
          default:
            if (!text.empty()) text.erase(at, 1);
        }
      }
      CheckVerdict(text);
      canonical_mutants += ReferenceIsCanonical(text) ? 1 : 0;
    }
  }
  // Both verdicts occur among the mutants (a check that only ever says
  // "not canonical" would not pass above, but make sure it was tried).
  CHECK(canonical_mutants > 100);
}

}  // namespace
}  // namespace wasteledger
