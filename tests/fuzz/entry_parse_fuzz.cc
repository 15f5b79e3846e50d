// libFuzzer target for ParseEntry, the one-pass entry reader the verifier
// uses, against its reference (detail::ParseEntryByTree: parse to a tree,
// re-canonicalise, compare). Not built by CMake; tests/fuzz/run.sh builds it
// (seeds in tests/fuzz/corpus/entry_parse_fuzz/).
//
// Properties checked on every input (any failure aborts):
//   - both paths accept exactly the same inputs, in both modes;
//   - on acceptance they recover the same header and statement (canonical
//     bytes, hash, kind, actor, time) and, in full mode, the same JSON;
//   - on refusal they give the same message (one line).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "../ledger/entry_compare.h"
#include "wasteledger/statement.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace wasteledger;  // NOLINT(google-build-using-namespace)
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto fast = ParseEntry(bytes);
  auto lean = ParseEntry(bytes, EntryParse::kWithoutJson);
  auto ref = detail::ParseEntryByTree(bytes);
  Check(fast.ok() == ref.ok());
  Check(lean.ok() == ref.ok());
  if (!ref.ok()) {
    Check(fast.status().message() == ref.status().message());
    Check(ref.status().message().find('\n') == std::string::npos);
    return 0;
  }
  Check(testing::SameEntry(*fast, *ref));
  Check(testing::SameEntry(*lean, *ref));
  Check(fast->statement.json == ref->statement.json);
  Check(lean->statement.json.is_null());
  return 0;
}
