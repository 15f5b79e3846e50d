// LogChecker: checks a log fed to it in consecutive chunks of entry bytes,
// exactly as ledger-format-v1.md's verifier does: canonical entries, seq and
// prev chain, signatures by keys valid at that position (party records
// replayed from genesis), seals, and the RFC 6962 tree. Parsing and
// signature checks run in parallel within a chunk; the chain and key state
// are followed in order. Not thread-safe; one per verification.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "wasteledger/merkle_tree.h"
#include "wasteledger/party.h"
#include "wasteledger/verify.h"

namespace wasteledger {

class LogChecker {
 public:
  explicit LogChecker(unsigned threads) : threads_(threads) {}

  // Asks for the root at `size` to be recorded when the log reaches it.
  void WantRootAt(uint64_t size) { roots_.emplace(size, std::nullopt); }

  // Checks the next entries. `stored_leaves`, when given, holds the leaf
  // hashes the store keeps for them. Returns false once a failure is found.
  bool CheckChunk(const std::vector<std::string>& entries, const std::vector<Hash>* stored_leaves);

  // Reports a failure found outside the checker (a missing entry).
  void Fail(std::optional<uint64_t> seq, std::string problem);

  // Call after the last chunk: a seal still waiting for members is a failure.
  void Finish();

  const std::optional<VerifyFailure>& failure() const { return failure_; }
  uint64_t size() const { return range_.size(); }
  Hash Root() const { return range_.Root(); }
  std::optional<Hash> RootAt(uint64_t size) const;
  uint64_t signatures() const { return signatures_; }
  // The statement hashes of the entries of the last chunk that passed, in
  // order (the verifier of a store checks its statement index with them).
  const std::vector<Hash>& chunk_statements() const { return chunk_statements_; }
  // The parties as the log has registered them so far (latest record each).
  const std::map<std::string, Party>& parties() const { return parties_; }
  // The log's origin, as its genesis names it (empty before seq 0 is read).
  const std::string& origin() const { return origin_; }
  uint64_t sealed() const { return sealed_; }

 private:
  struct OpenSeal {
    uint64_t seq = 0;
    uint64_t count = 0;
    std::string actor;
    Hash root{};
    std::vector<Hash> leaves;
  };

  unsigned threads_;
  CompactRange range_;
  Hash last_leaf_{};
  std::map<std::string, Party> parties_;
  std::string origin_;
  // Every key registered so far, by "name+keyID": which key a signature is
  // checked under in the parallel pass (validity is parties_' business).
  std::map<std::string, VerifierKey, std::less<>> known_keys_;
  std::optional<OpenSeal> seal_;
  std::map<uint64_t, std::optional<Hash>> roots_;
  uint64_t signatures_ = 0;
  uint64_t sealed_ = 0;
  std::optional<VerifyFailure> failure_;
  std::vector<Hash> chunk_statements_;
};

}  // namespace wasteledger
