// Checkpoints (c2sp.org/tlog-checkpoint v1.0.0): the signed statement of a
// log's size and RFC 6962 root, carried as the text of a signed note whose
// Ed25519 key is named after the log's origin. Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "wasteledger/hash.h"
#include "wasteledger/keys.h"
#include "wasteledger/status.h"

namespace wasteledger {

struct Checkpoint {
  std::string origin;                   // the log's identity; equals the key name
  uint64_t size = 0;                    // number of leaves
  Hash root{};                          // RFC 6962 root of the first `size` leaves
  std::vector<std::string> extensions;  // optional non-empty extra lines

  friend bool operator==(const Checkpoint&, const Checkpoint&) = default;
};

// "origin\nsize\nbase64(root)\n" followed by one line per extension. The
// origin and the extensions must be non-empty lines without control
// characters (asserted).
std::string CheckpointText(const Checkpoint& cp);

// Parses a checkpoint note text (ending in "\n"): origin non-empty, size in
// decimal without leading zeros ("0" allowed), root the canonical base64 of
// exactly 32 bytes, then non-empty extension lines.
[[nodiscard]] Result<Checkpoint> ParseCheckpointText(std::string_view text);

// Refused unless the key's name equals the checkpoint's origin.
[[nodiscard]] Status CheckOriginKey(const Checkpoint& cp, const VerifierKey& key);

// The signed note of `cp` by `key`; the key name must equal the origin
// (asserted: check with CheckOriginKey first).
std::string SignCheckpoint(const Checkpoint& cp, const SigningKey& key);

// Parses `note`, verifies it carries a good signature by `key` (other
// signatures, e.g. witnesses', are ignored), parses its text and checks that
// the origin is the key's name.
[[nodiscard]] Result<Checkpoint> OpenCheckpoint(std::string_view note, const VerifierKey& key);

}  // namespace wasteledger
