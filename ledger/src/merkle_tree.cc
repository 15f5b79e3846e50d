#include "wasteledger/merkle_tree.h"

#include <fmt/core.h>

#include <algorithm>
#include <bit>
#include <cassert>
#include <limits>

namespace wasteledger {

namespace {

// The perfect subtree nodes that make up leaves [begin, end), left to right,
// one per set bit of end - begin (largest first). Every subtree of the RFC
// 6962 tree has begin a multiple of bit_ceil(end - begin), so each part is
// aligned to its own size.
Result<std::vector<Hash>> ReadParts(const NodeReader& reader, uint64_t begin, uint64_t end) {
  assert(begin < end);
  const uint64_t width = end - begin;
  assert(width > (uint64_t{1} << 63) || begin % std::bit_ceil(width) == 0);
  std::vector<Hash> parts;
  parts.reserve(static_cast<size_t>(std::popcount(width)));
  uint64_t pos = begin;
  for (int bit = std::numeric_limits<uint64_t>::digits - 1; bit >= 0; --bit) {
    const uint64_t part = uint64_t{1} << bit;
    if ((width & part) == 0) continue;
    const auto level = static_cast<uint32_t>(bit);
    WL_ASSIGN_OR_RETURN(Hash node, reader.GetNode(level, pos >> level));
    parts.push_back(node);
    pos += part;
  }
  return parts;
}

// Folds perfect subtree roots (left to right) into the root of their union,
// right to left, as the RFC 6962 tree shape requires.
Hash FoldParts(const std::vector<Hash>& parts) {
  assert(!parts.empty());
  Hash root = parts.back();
  for (size_t i = parts.size() - 1; i > 0; --i) root = HashChildren(parts[i - 1], root);
  return root;
}

// MTH(D[begin:end]) for a subtree of the RFC 6962 tree: one read if it is
// perfect, otherwise one per set bit of its width.
Result<Hash> SubtreeHash(const NodeReader& reader, uint64_t begin, uint64_t end) {
  WL_ASSIGN_OR_RETURN(std::vector<Hash> parts, ReadParts(reader, begin, end));
  return FoldParts(parts);
}

// The largest power of two strictly below n (n >= 2): RFC 6962's split k.
uint64_t SplitPoint(uint64_t n) { return std::bit_floor(n - 1); }

}  // namespace

void MemoryNodeStore::Put(uint32_t level, uint64_t index, const Hash& hash) {
  if (levels_.size() <= level) levels_.resize(size_t{level} + 1);
  auto& nodes = levels_[level];
  if (nodes.size() <= index) nodes.resize(static_cast<size_t>(index) + 1);
  if (!nodes[static_cast<size_t>(index)].has_value()) ++node_count_;
  nodes[static_cast<size_t>(index)] = hash;
}

Result<Hash> MemoryNodeStore::GetNode(uint32_t level, uint64_t index) const {
  ++reads_;
  if (level < levels_.size() && index < levels_[level].size()) {
    const auto& node = levels_[level][static_cast<size_t>(index)];
    if (node.has_value()) return *node;
  }
  return Status::NotFound(fmt::format("merkle node ({}, {}) is not stored", level, index));
}

Result<Hash> RootAt(const NodeReader& reader, uint64_t size) {
  if (size == 0) return EmptyRoot();
  return SubtreeHash(reader, 0, size);
}

Result<std::vector<Hash>> InclusionProof(const NodeReader& reader, uint64_t index,
                                         uint64_t size) {
  if (index >= size) {
    return Status::InvalidArgument(
        fmt::format("inclusion proof: leaf index {} is not below tree size {}", index, size));
  }
  // PATH walked from the root down: the sibling of each subtree holding the
  // leaf, collected top-down and reversed at the end. Only a right sibling
  // taken while still on the right edge of the tree can be imperfect, and
  // after it every range is perfect, so at most one sibling is folded.
  std::vector<Hash> proof;
  proof.reserve(static_cast<size_t>(InclusionProofLength(index, size)));
  uint64_t begin = 0;
  uint64_t end = size;
  while (end - begin > 1) {
    const uint64_t mid = begin + SplitPoint(end - begin);
    if (index < mid) {
      WL_ASSIGN_OR_RETURN(Hash right, SubtreeHash(reader, mid, end));
      proof.push_back(right);
      end = mid;
    } else {
      WL_ASSIGN_OR_RETURN(Hash left, SubtreeHash(reader, begin, mid));
      proof.push_back(left);
      begin = mid;
    }
  }
  std::reverse(proof.begin(), proof.end());
  return proof;
}

Result<std::vector<Hash>> ConsistencyProof(const NodeReader& reader, uint64_t size1,
                                           uint64_t size2) {
  if (size1 == 0 || size1 > size2) {
    return Status::InvalidArgument(fmt::format(
        "consistency proof: needs 0 < old size <= new size, got {} and {}", size1, size2));
  }
  // SUBPROOF(size1, D[0:size2], true) walked from the root down, as in
  // InclusionProof; `whole_old_tree` is SUBPROOF's b flag.
  std::vector<Hash> proof;
  proof.reserve(static_cast<size_t>(ConsistencyProofLength(size1, size2)));
  uint64_t begin = 0;
  uint64_t end = size2;
  bool whole_old_tree = true;
  while (end != size1) {
    const uint64_t mid = begin + SplitPoint(end - begin);
    if (size1 <= mid) {
      WL_ASSIGN_OR_RETURN(Hash right, SubtreeHash(reader, mid, end));
      proof.push_back(right);
      end = mid;
    } else {
      WL_ASSIGN_OR_RETURN(Hash left, SubtreeHash(reader, begin, mid));
      proof.push_back(left);
      begin = mid;
      whole_old_tree = false;
    }
  }
  // [begin, end) is perfect here: end shrank at least once (size1 < size2).
  if (!whole_old_tree) {
    WL_ASSIGN_OR_RETURN(Hash old_part, SubtreeHash(reader, begin, end));
    proof.push_back(old_part);
  }
  std::reverse(proof.begin(), proof.end());
  return proof;
}

void CompactRange::Append(const Hash& leaf_hash, const NodeCallback& on_node) {
  assert(size_ < std::numeric_limits<uint64_t>::max());
  if (on_node) on_node(0, size_, leaf_hash);
  // Each 1 bit at the bottom of the old size is a left sibling on the
  // frontier that the new node completes.
  Hash node = leaf_hash;
  uint32_t level = 0;
  uint64_t index = size_;
  while ((index & 1) == 1) {
    assert(!hashes_.empty());
    node = HashChildren(hashes_.back(), node);
    hashes_.pop_back();
    ++level;
    index >>= 1;
    if (on_node) on_node(level, index, node);
  }
  hashes_.push_back(node);
  ++size_;
}

Hash CompactRange::Root() const {
  if (hashes_.empty()) return EmptyRoot();
  return FoldParts(hashes_);
}

Result<CompactRange> CompactRange::Load(const NodeReader& reader, uint64_t size) {
  CompactRange range;
  if (size == 0) return range;
  WL_ASSIGN_OR_RETURN(range.hashes_, ReadParts(reader, 0, size));
  range.size_ = size;
  return range;
}

}  // namespace wasteledger
