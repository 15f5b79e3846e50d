// The RFC 6962 / RFC 9162 section 2.1 Merkle tree hasher and the proof
// verifiers. Nothing here needs the tree itself: a verifier holds only the
// hashes it is given (see merkle_tree.h for building proofs from stored nodes).
// Thread-safe: all functions are pure.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "wasteledger/hash.h"
#include "wasteledger/status.h"

namespace wasteledger {

// SHA-256(0x00 || data): the hash of one leaf.
Hash HashLeaf(std::string_view data);
// SHA-256(0x01 || left || right): the hash of an interior node.
Hash HashChildren(const Hash& left, const Hash& right);
// SHA-256 of the empty string: the root of the tree with no leaves.
Hash EmptyRoot();

// The root over `leaf_hashes` (already leaf-hashed), in O(n) time and one
// copy of the input; EmptyRoot() for an empty span.
Hash RootFromLeafHashes(std::span<const Hash> leaf_hashes);

// Number of hashes in the inclusion proof of leaf `index` in a tree of
// `size` leaves (requires index < size).
uint64_t InclusionProofLength(uint64_t index, uint64_t size);
// Number of hashes in the consistency proof between sizes (requires
// 0 < size1 <= size2); 0 when size1 == size2.
uint64_t ConsistencyProofLength(uint64_t size1, uint64_t size2);

// The root that an inclusion proof (RFC 9162 2.1.3.1 order: the leaf's
// sibling first, the root's child last) implies for `leaf_hash` at `index`.
// InvalidArgument if index >= size; Corruption if the proof has the wrong
// number of hashes.
[[nodiscard]] Result<Hash> RootFromInclusionProof(uint64_t index, uint64_t size,
                                                  const Hash& leaf_hash,
                                                  std::span<const Hash> proof);

// RFC 9162 2.1.3.2. Ok if `proof` shows `leaf_hash` is leaf `index` of the
// tree of `size` leaves with root `root`. A failed check is Corruption with a
// one-line reason; index >= size is InvalidArgument.
[[nodiscard]] Status VerifyInclusion(uint64_t index, uint64_t size, const Hash& leaf_hash,
                                     std::span<const Hash> proof, const Hash& root);

// RFC 9162 2.1.4.2. Ok if `proof` shows the tree of `size1` leaves with root
// `root1` is a prefix of the tree of `size2` leaves with root `root2`.
// size1 == size2 needs an empty proof and equal roots. size1 == 0 (outside
// the RFC's domain) is accepted with an empty proof when root1 is
// EmptyRoot(): every tree extends the empty one. size1 > size2 is
// InvalidArgument; a failed check is Corruption with a one-line reason.
[[nodiscard]] Status VerifyConsistency(uint64_t size1, uint64_t size2,
                                       std::span<const Hash> proof, const Hash& root1,
                                       const Hash& root2);

}  // namespace wasteledger
