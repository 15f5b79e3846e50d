// Canonical JSON for ledger format v1: a strict parser for outside input and
// the RFC 8785 (JCS) serialisation whose bytes are hashed and signed.
//
// v1 restricts JSON to what every verifier can reproduce exactly:
//   - numbers are integers written without fraction or exponent, with
//     |n| <= 2^53-1 (kMaxSafeInteger); "-0" reads as 0;
//   - strings (and keys) are valid UTF-8 (RFC 3629: no overlong forms, no
//     encoded surrogates, nothing above U+10FFFF);
//   - object keys are unique (compared after unescaping);
//   - containers nest at most kMaxJsonDepth deep.
// Whatever ParseStrictJson accepts, Canonicalize accepts, and
// ParseStrictJson(Canonicalize(v)) == v for every v Canonicalize accepts.
//
// Thread-safety: all functions are pure and may be called concurrently.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "wasteledger/status.h"

namespace wasteledger {

using Json = nlohmann::json;

// Largest integer magnitude v1 allows: 2^53-1, the largest integer an
// IEEE-754 double (and so a JavaScript verifier) represents exactly.
inline constexpr int64_t kMaxSafeInteger = (int64_t{1} << 53) - 1;

// Deepest nesting of arrays and objects v1 allows; a top-level container has
// depth 1, so "[[1]]" has depth 2.
inline constexpr int kMaxJsonDepth = 64;

// Parses one JSON text (RFC 8259) under the v1 rules above. Whitespace around
// the value is allowed, anything else after it is not. Integers become
// number_integer (int64) values. On failure returns InvalidArgument with a
// one-line message naming the problem and its 0-based byte offset, e.g.
//   invalid JSON at byte 17: duplicate key "mass_g"
[[nodiscard]] Result<Json> ParseStrictJson(std::string_view text);

// Serialises `v` as RFC 8785 JCS: no whitespace, object members sorted by
// key compared as UTF-16 code units, strings escaped as ECMAScript
// JSON.stringify does (only '"', '\\' and controls below U+0020; all other
// characters written literally as UTF-8), integers in plain decimal.
// Returns InvalidArgument, naming the JSON Pointer of the offending value,
// for floats, integers beyond +-(2^53-1), strings or keys that are not valid
// UTF-8, binary values, and nesting deeper than kMaxJsonDepth.
[[nodiscard]] Result<std::string> Canonicalize(const Json& v);

// One member of a JSON object as written: `key` is the name's text between
// its quotes (escapes not undone; `key_escaped` says whether it holds any),
// `value` the value's text.
struct JsonMemberText {
  std::string_view key;
  bool key_escaped = false;
  std::string_view value;
};

// True when `text` is byte for byte the canonical form of a v1 value, that
// is, exactly when ParseStrictJson(text) succeeds and Canonicalize of the
// result returns `text` again; checked in one pass without building the
// value (the verifier's and the reader's fast path). When it is true and
// `text` is an object, `members` (if given) receives its members in order,
// pointing into `text`. Only the verdict is given: for the reason, take the
// slow path.
[[nodiscard]] bool IsCanonicalJson(std::string_view text, std::vector<JsonMemberText>* members = nullptr);

// Pieces of canonical text, for writers that emit a fixed record layout
// directly (members in JCS order) instead of building a Json value: a string
// exactly as Canonicalize writes it (false, with `out` partly written, when
// `s` is not valid UTF-8), and an integer (false beyond +-(2^53-1)).
[[nodiscard]] bool AppendCanonicalString(std::string& out, std::string_view s);
[[nodiscard]] bool AppendCanonicalInteger(std::string& out, int64_t n);

// `s` as a JSON string literal for an error message, which must stay one
// printable line: quotes included, controls escaped, invalid UTF-8 shown as
// U+FFFD, cut after 64 bytes with "...".
std::string QuoteForMessage(std::string_view s);

// Ok when `s` is valid UTF-8 (RFC 3629); otherwise InvalidArgument such as
//   invalid UTF-8 at byte 3: overlong encoding
[[nodiscard]] Status ValidateUtf8(std::string_view s);

}  // namespace wasteledger
