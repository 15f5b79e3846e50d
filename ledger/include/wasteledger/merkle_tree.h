// The ledger's Merkle tree over stored nodes: roots and RFC 9162 inclusion
// and consistency proofs computed with O(log n) node reads, and the compact
// range (append frontier) that produces the nodes to store.
//
// Storage model: every *perfect* subtree hash is stored as node
// (level, index), covering leaves [index * 2^level, (index + 1) * 2^level);
// level 0 holds the leaf hashes. A tree of any size is then the perfect
// subtrees of its size's binary decomposition, left to right (one per set
// bit, largest first), folded from the right with HashChildren. In a proof
// every subtree is perfect except at most one on the right edge, which is
// folded the same way; so a proof reads at most about 2 * log2(size) nodes.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "wasteledger/hash.h"
#include "wasteledger/merkle.h"
#include "wasteledger/status.h"

namespace wasteledger {

// Read access to stored perfect-subtree hashes. The RocksDB store implements
// it; implementations say their own thread-safety. A node that was never
// stored is NotFound.
class NodeReader {
 public:
  virtual ~NodeReader() = default;
  [[nodiscard]] virtual Result<Hash> GetNode(uint32_t level, uint64_t index) const = 0;
};

// An in-memory node store for tests and tools. Counts GetNode calls so
// tests can check the read bound. Not thread-safe (GetNode updates the
// counter).
class MemoryNodeStore final : public NodeReader {
 public:
  // Stores (or overwrites) node (level, index).
  void Put(uint32_t level, uint64_t index, const Hash& hash);
  [[nodiscard]] Result<Hash> GetNode(uint32_t level, uint64_t index) const override;

  // Number of GetNode calls (found or not) since construction or ResetReads.
  uint64_t reads() const { return reads_; }
  void ResetReads() { reads_ = 0; }
  // Number of distinct nodes stored.
  uint64_t node_count() const { return node_count_; }

 private:
  std::vector<std::vector<std::optional<Hash>>> levels_;  // [level][index]
  uint64_t node_count_ = 0;
  mutable uint64_t reads_ = 0;
};

// The root of the first `size` leaves (EmptyRoot() for 0); reads one node per
// set bit of size.
[[nodiscard]] Result<Hash> RootAt(const NodeReader& reader, uint64_t size);

// RFC 9162 2.1.3.1 PATH(index, D[0:size]), sibling of the leaf first.
// InvalidArgument if index >= size.
[[nodiscard]] Result<std::vector<Hash>> InclusionProof(const NodeReader& reader,
                                                       uint64_t index, uint64_t size);

// RFC 9162 2.1.4.1 PROOF(size1, D[0:size2]); empty when size1 == size2.
// InvalidArgument unless 0 < size1 <= size2.
[[nodiscard]] Result<std::vector<Hash>> ConsistencyProof(const NodeReader& reader,
                                                         uint64_t size1, uint64_t size2);

// The append frontier (certificate-transparency's "compact tree"): the roots
// of the perfect subtrees on the right edge, one per set bit of size(),
// enough to append a leaf and to compute the root without reading the store.
// A value type; not thread-safe for concurrent Append.
class CompactRange {
 public:
  // Receives each node an Append completes: the leaf (level 0), then every
  // perfect subtree it closes, bottom-up.
  using NodeCallback = std::function<void(uint32_t level, uint64_t index, const Hash& hash)>;

  CompactRange() = default;

  // Appends leaf number size() and reports the nodes to store through
  // `on_node` (which may be empty), so the caller can write them in the same
  // batch as the leaf.
  void Append(const Hash& leaf_hash, const NodeCallback& on_node);

  // The root of the size() leaves appended (EmptyRoot() when empty).
  Hash Root() const;
  uint64_t size() const { return size_; }
  // The frontier's perfect subtree roots, left (largest) to right.
  const std::vector<Hash>& hashes() const { return hashes_; }

  // Rebuilds the frontier of a tree of `size` leaves from stored nodes,
  // reading one node per set bit of size.
  [[nodiscard]] static Result<CompactRange> Load(const NodeReader& reader, uint64_t size);

  bool operator==(const CompactRange&) const = default;

 private:
  uint64_t size_ = 0;
  std::vector<Hash> hashes_;
};

}  // namespace wasteledger
