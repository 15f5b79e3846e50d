// C2SP signed notes (c2sp.org/signed-note, v1.0.0): a UTF-8 text followed by
// one blank line and signature lines "— <key name> <base64(keyid || sig)>\n".
// Used for checkpoints. All functions are pure and thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "wasteledger/keys.h"
#include "wasteledger/status.h"

namespace wasteledger {

// At most this many signature lines are parsed (the spec asks for >= 16).
inline constexpr size_t kMaxNoteSignatures = 100;

struct NoteSignature {
  std::string name;
  uint32_t key_id = 0;
  std::string signature;  // the raw bytes after the 4-byte key ID
};

struct Note {
  std::string text;  // ends in "\n"; the signed bytes
  std::vector<NoteSignature> signatures;
};

// Checks that `text` can be a note text: non-empty, ends in "\n", valid UTF-8,
// no control character but "\n".
[[nodiscard]] Status ValidateNoteText(std::string_view text);

// Parses a note, splitting it at its LAST blank line. Refuses a malformed note
// (no signature, bad signature line, bad base64, control characters, invalid
// UTF-8, more than kMaxNoteSignatures signatures). Does not verify anything.
[[nodiscard]] Result<Note> ParseNote(std::string_view note);

// The note's text, a blank line and one line per signature. `note.text` must
// pass ValidateNoteText (asserted).
std::string FormatNote(const Note& note);

// The whole note `text` signed by `key`, with one signature line. `text` must
// pass ValidateNoteText (asserted).
std::string SignNote(std::string_view text, const SigningKey& key);

// Verifies `note` against the `known` keys. Signatures whose (name, key ID)
// matches no known key are ignored. A known key whose signature does not
// verify, or no verified known key at all, is Status::Unauthenticated.
[[nodiscard]] Status VerifyNote(const Note& note, std::span<const VerifierKey> known);

}  // namespace wasteledger
