// libFuzzer target for ParseStrictJson, Canonicalize and ValidateUtf8.
// Not built by CMake. From the repository root:
//
//   clang++-14 -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined \
//     -Iledger/include tests/fuzz/canonical_json_fuzz.cc \
//     ledger/src/json_parser.cc ledger/src/canonical_json.cc -o canonical_json_fuzz
//   ./canonical_json_fuzz -max_total_time=60 -max_len=4096
//
// Properties checked on every input (any failure aborts):
//   - parsing never crashes; an accepted document always canonicalises;
//   - canonical bytes parse back to the same document and are a fixed point;
//   - nlohmann's own (laxer) parser accepts what ours accepts, with an equal
//     value;
//   - ValidateUtf8 agrees with nlohmann's UTF-8 check on a JSON string built
//     from the input bytes;
//   - IsCanonicalJson (the one-pass check) says yes exactly when the input
//     parses and canonicalises to itself, and always for canonical bytes.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "wasteledger/canonical_json.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using wasteledger::Json;
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  // Raw bytes as a JSON string body: ours and nlohmann's UTF-8 checks agree.
  std::string quoted = "\"";
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x20 && c != '"' && c != '\\') quoted += c;
  }
  quoted += '"';
  const bool ours_valid = wasteledger::ValidateUtf8(quoted).ok();
  const Json theirs = Json::parse(quoted, nullptr, /*allow_exceptions=*/false);
  Check(ours_valid == !theirs.is_discarded());
  Check(wasteledger::ParseStrictJson(quoted).ok() == ours_valid);

  wasteledger::Result<Json> doc = wasteledger::ParseStrictJson(text);
  if (!doc.ok()) {
    Check(!wasteledger::IsCanonicalJson(text));
    return 0;
  }
  wasteledger::Result<std::string> canonical = wasteledger::Canonicalize(*doc);
  Check(canonical.ok());
  Check(wasteledger::IsCanonicalJson(text) == (*canonical == text));
  Check(wasteledger::IsCanonicalJson(*canonical));
  wasteledger::Result<Json> reparsed = wasteledger::ParseStrictJson(*canonical);
  Check(reparsed.ok() && *reparsed == *doc);
  wasteledger::Result<std::string> again = wasteledger::Canonicalize(*reparsed);
  Check(again.ok() && *again == *canonical);

  const Json lax = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  Check(!lax.is_discarded() && lax == *doc);
  return 0;
}
