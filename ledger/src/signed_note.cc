// Signed note grammar (c2sp.org/signed-note v1.0.0):
//
//   note      = text "\n" 1*sig-line          ; split at the LAST "\n\n"
//   text      = 1*line                         ; ends in "\n", may hold empty lines
//   sig-line  = "\xE2\x80\x94" SP key-name SP base64(key-id(4, big-endian) || sig) "\n"
//
// The whole note is valid UTF-8 with no control character but "\n". The
// signed bytes are `text` including its final newline.
#include "wasteledger/signed_note.h"

#include <cassert>

#include "wasteledger/hash.h"

namespace wasteledger {

namespace {

constexpr std::string_view kDashSpace = "\xE2\x80\x94 ";

Status Malformed(const std::string& why) { return Status::InvalidArgument("malformed note: " + why); }

// Valid UTF-8 with no control character (C0 or DEL) other than "\n".
Status CheckCharacters(std::string_view s) {
  size_t pos = 0;
  while (pos < s.size()) {
    const size_t at = pos;
    const int32_t c = internal::DecodeUtf8CodePoint(s, &pos);
    if (c < 0) return Malformed("invalid UTF-8 at byte " + std::to_string(at));
    if ((c < 0x20 && c != '\n') || c == 0x7F) {
      return Malformed("control character at byte " + std::to_string(at));
    }
  }
  return Status::Ok();
}

Result<NoteSignature> ParseSignatureLine(std::string_view line) {
  if (line.substr(0, kDashSpace.size()) != kDashSpace) {
    return Malformed("signature line does not start with an em dash and a space");
  }
  line.remove_prefix(kDashSpace.size());
  const size_t space = line.find(' ');
  if (space == std::string_view::npos) return Malformed("signature line has no signature");
  NoteSignature sig;
  sig.name = std::string(line.substr(0, space));
  if (Status s = ValidateKeyName(sig.name); !s.ok()) return Malformed(s.message());
  const std::optional<std::string> raw = internal::DecodeBase64Strict(line.substr(space + 1));
  if (!raw) return Malformed("signature by " + sig.name + " is not valid base64");
  if (raw->size() < 5) return Malformed("signature by " + sig.name + " is too short");
  for (size_t i = 0; i < 4; ++i) {
    sig.key_id = (sig.key_id << 8) | uint32_t{static_cast<uint8_t>((*raw)[i])};
  }
  sig.signature = raw->substr(4);
  return sig;
}

}  // namespace

Status ValidateNoteText(std::string_view text) {
  if (text.empty() || text.back() != '\n') return Malformed("text does not end in a newline");
  return CheckCharacters(text);
}

Result<Note> ParseNote(std::string_view note) {
  InitCrypto();
  if (note.empty() || note.back() != '\n') return Malformed("does not end in a newline");
  WL_RETURN_IF_ERROR(CheckCharacters(note));
  const size_t split = note.rfind("\n\n");
  if (split == std::string_view::npos) return Malformed("no blank line before the signatures");
  Note out;
  out.text = std::string(note.substr(0, split + 1));
  std::string_view rest = note.substr(split + 2);
  if (rest.empty()) return Malformed("no signature");
  while (!rest.empty()) {
    const size_t nl = rest.find('\n');  // present: the note ends in "\n"
    if (out.signatures.size() == kMaxNoteSignatures) {
      return Malformed("more than " + std::to_string(kMaxNoteSignatures) + " signatures");
    }
    WL_ASSIGN_OR_RETURN(NoteSignature sig, ParseSignatureLine(rest.substr(0, nl)));
    out.signatures.push_back(std::move(sig));
    rest.remove_prefix(nl + 1);
  }
  return out;
}

std::string FormatNote(const Note& note) {
  assert(ValidateNoteText(note.text).ok());
  std::string out = note.text;
  out.push_back('\n');
  for (const NoteSignature& sig : note.signatures) {
    std::string raw(4, '\0');
    for (size_t i = 0; i < 4; ++i) raw[i] = static_cast<char>((sig.key_id >> (24 - 8 * i)) & 0xFF);
    raw += sig.signature;
    out += kDashSpace;
    out += sig.name;
    out.push_back(' ');
    out += ToBase64(raw);
    out.push_back('\n');
  }
  return out;
}

std::string SignNote(std::string_view text, const SigningKey& key) {
  assert(ValidateNoteText(text).ok());
  Note note;
  note.text = std::string(text);
  note.signatures.push_back(NoteSignature{key.verifier().name(), key.verifier().key_id(), key.Sign(text)});
  return FormatNote(note);
}

Status VerifyNote(const Note& note, std::span<const VerifierKey> known) {
  bool verified = false;
  for (const NoteSignature& sig : note.signatures) {
    for (const VerifierKey& key : known) {
      if (key.key_id() != sig.key_id || key.name() != sig.name) continue;
      if (!key.Verify(note.text, sig.signature)) {
        return Status::Unauthenticated("note signature by " + key.Ref() + " does not verify");
      }
      verified = true;
    }
  }
  if (verified) return Status::Ok();
  std::string expected;
  for (const VerifierKey& key : known) {
    if (!expected.empty()) expected += ", ";
    expected += key.Ref();
  }
  if (expected.empty()) expected = "(no key given)";
  return Status::Unauthenticated("no signature by a known key: expected " + expected);
}

}  // namespace wasteledger
