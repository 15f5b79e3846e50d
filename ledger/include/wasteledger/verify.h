// Whole-log verification, as an outside verifier does it (ledger-format-v1.md
// "What a verifier does"), plus the checks only the store allows: stored leaf
// hashes, stored tree nodes and stored checkpoints.
//
// Tampering is a result, not an error: VerifyResult names the first bad seq
// and what is wrong with it. A Status is returned only when verification
// could not run (I/O error, bad arguments).
#pragma once

#include <cstdint>
#include <functional>
#include <istream>
#include <optional>
#include <string>
#include <vector>

#include "wasteledger/checkpoint.h"
#include "wasteledger/hash.h"
#include "wasteledger/keys.h"
#include "wasteledger/status.h"

namespace wasteledger {

class Ledger;

struct VerifyOptions {
  unsigned threads = 0;  // 0: one per core
  // Called after each chunk with entries done and the total (0 if unknown).
  std::function<void(uint64_t done, uint64_t total)> progress;
  // An older checkpoint note to check the log against (rollback and fork
  // detection), and the key it must be signed by (default: the ledger's
  // recorded operator key).
  std::optional<std::string> checkpoint_note;
  std::optional<VerifierKey> checkpoint_key;
};

struct VerifyFailure {
  std::optional<uint64_t> seq;  // the first bad entry, when one is to blame
  std::string problem;          // one line
};

struct VerifyResult {
  uint64_t size = 0;            // entries checked
  Hash root{};                  // RFC 6962 root of all entries
  uint64_t signatures = 0;      // Ed25519 signatures checked
  uint64_t sealed = 0;          // statements covered by seals
  uint64_t checkpoints = 0;     // stored checkpoints checked
  std::optional<VerifyFailure> failure;
  bool ok() const { return !failure; }
};

Result<VerifyResult> VerifyLedger(const Ledger& ledger, const VerifyOptions& options);

// Verifies an export (JSONL of entry bytes) read from `in`.
Result<VerifyResult> VerifyExport(std::istream& in, const VerifyOptions& options);

}  // namespace wasteledger
