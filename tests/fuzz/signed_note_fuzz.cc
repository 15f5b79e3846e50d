// libFuzzer target for ParseNote, ParseCheckpointText and VerifierKey::Parse.
// Not built by CMake. From the repository root:
//
//   clang++-14 -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined \
//     -Iledger/include tests/fuzz/signed_note_fuzz.cc ledger/src/keys.cc \
//     ledger/src/signed_note.cc ledger/src/checkpoint.cc ledger/src/hash.cc \
//     -lsodium -o signed_note_fuzz
//   ./signed_note_fuzz -max_total_time=60 -max_len=4096
//
// Properties checked on every input (any failure aborts):
//   - no parser crashes;
//   - an accepted note formats back to exactly the input bytes, and verifying
//     it against a fixed key returns (ok only if that key really signed it);
//   - an accepted checkpoint text is canonical: CheckpointText gives it back;
//   - an accepted vkey string is canonical: ToString gives it back;
//   - any text ValidateNoteText accepts signs, parses and verifies.

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "wasteledger/checkpoint.h"
#include "wasteledger/keys.h"
#include "wasteledger/signed_note.h"

namespace {

void Check(bool cond) {
  if (!cond) std::abort();
}

const wasteledger::SigningKey& FixedKey() {
  static const wasteledger::SigningKey* key = [] {
    auto k = wasteledger::SigningKey::FromSeed("example.com/fuzz", std::string(32, '\x07'));
    Check(k.ok());
    return new wasteledger::SigningKey(std::move(k).value());
  }();
  return *key;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace wasteledger;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const SigningKey& key = FixedKey();
  const std::array<VerifierKey, 1> known{key.verifier()};

  auto note = ParseNote(input);
  if (note.ok()) {
    Check(FormatNote(*note) == input);
    Check(!note->signatures.empty() && note->signatures.size() <= kMaxNoteSignatures);
    (void)VerifyNote(*note, known).ok();
    auto cp = ParseCheckpointText(note->text);
    if (cp.ok()) Check(CheckpointText(*cp) == note->text);
  }

  auto cp = ParseCheckpointText(input);
  if (cp.ok()) Check(CheckpointText(*cp) == input);

  auto vkey = VerifierKey::Parse(input);
  if (vkey.ok()) Check(vkey->ToString() == input);

  if (ValidateNoteText(input).ok()) {
    const std::string signed_note = SignNote(input, key);
    auto parsed = ParseNote(signed_note);
    Check(parsed.ok());
    Check(parsed->text == input);
    Check(VerifyNote(*parsed, known).ok());
  }
  return 0;
}
