// Checkpoint text grammar (c2sp.org/tlog-checkpoint v1.0.0):
//
//   checkpoint = origin "\n" size "\n" root "\n" *(extension "\n")
//   origin     = 1*char                  ; non-empty; the signing key's name
//   size       = "0" / (%x31-39 *DIGIT)  ; decimal, no leading zeros, < 2^64
//   root       = base64(32 bytes)        ; standard alphabet, padded, canonical
//   extension  = 1*char                  ; non-empty
//
// The text is the body of a signed note (see signed_note.cc), so it is valid
// UTF-8 without control characters but "\n".
#include "wasteledger/checkpoint.h"

#include <array>
#include <cassert>
#include <cstring>

#include "wasteledger/signed_note.h"

namespace wasteledger {

namespace {

Status Bad(const std::string& why) { return Status::InvalidArgument("malformed checkpoint: " + why); }

Result<uint64_t> ParseSize(std::string_view s) {
  if (s.empty()) return Bad("empty tree size");
  if (s.size() > 1 && s[0] == '0') return Bad("tree size \"" + std::string(s) + "\" has a leading zero");
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return Bad("tree size \"" + std::string(s) + "\" is not decimal");
    const auto d = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return Bad("tree size \"" + std::string(s) + "\" overflows");
    v = v * 10 + d;
  }
  return v;
}

}  // namespace

std::string CheckpointText(const Checkpoint& cp) {
  assert(!cp.origin.empty() && cp.origin.find('\n') == std::string::npos);
  std::string out = cp.origin + "\n" + std::to_string(cp.size) + "\n" + ToBase64(cp.root) + "\n";
  for (const std::string& ext : cp.extensions) {
    assert(!ext.empty() && ext.find('\n') == std::string::npos);
    out += ext;
    out.push_back('\n');
  }
  assert(ValidateNoteText(out).ok());
  return out;
}

Result<Checkpoint> ParseCheckpointText(std::string_view text) {
  if (Status s = ValidateNoteText(text); !s.ok()) return Bad(s.message());
  std::vector<std::string_view> lines;
  for (std::string_view rest = text; !rest.empty();) {
    const size_t nl = rest.find('\n');  // present: the text ends in "\n"
    lines.push_back(rest.substr(0, nl));
    rest.remove_prefix(nl + 1);
  }
  if (lines.size() < 3) return Bad("fewer than three lines");
  Checkpoint cp;
  if (lines[0].empty()) return Bad("empty origin");
  cp.origin = std::string(lines[0]);
  WL_ASSIGN_OR_RETURN(cp.size, ParseSize(lines[1]));
  const std::optional<std::string> root = internal::DecodeBase64Strict(lines[2]);
  if (!root) return Bad("root hash is not valid base64");
  if (root->size() != cp.root.size()) {
    return Bad("root hash has " + std::to_string(root->size()) + " bytes, want 32");
  }
  std::memcpy(cp.root.data(), root->data(), cp.root.size());
  if (ToBase64(cp.root) != lines[2]) return Bad("root hash is not canonical base64");
  for (size_t i = 3; i < lines.size(); ++i) {
    if (lines[i].empty()) return Bad("empty extension line");
    cp.extensions.emplace_back(lines[i]);
  }
  return cp;
}

Status CheckOriginKey(const Checkpoint& cp, const VerifierKey& key) {
  if (cp.origin == key.name()) return Status::Ok();
  return Status::Refused("checkpoint origin \"" + cp.origin + "\" does not match the key name \"" +
                         key.name() + "\"");
}

std::string SignCheckpoint(const Checkpoint& cp, const SigningKey& key) {
  assert(CheckOriginKey(cp, key.verifier()).ok());
  return SignNote(CheckpointText(cp), key);
}

Result<Checkpoint> OpenCheckpoint(std::string_view note, const VerifierKey& key) {
  WL_ASSIGN_OR_RETURN(Note parsed, ParseNote(note));
  const std::array<VerifierKey, 1> known{key};
  if (Status s = VerifyNote(parsed, known); !s.ok()) return s.WithContext("checkpoint");
  WL_ASSIGN_OR_RETURN(Checkpoint cp, ParseCheckpointText(parsed.text));
  if (cp.origin != key.name()) {
    return Status::Unauthenticated("checkpoint origin \"" + cp.origin + "\" does not match the key name \"" +
                                   key.name() + "\"");
  }
  return cp;
}

}  // namespace wasteledger
