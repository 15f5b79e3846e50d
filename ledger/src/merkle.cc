#include "wasteledger/merkle.h"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cassert>
#include <string>
#include <vector>

namespace wasteledger {

namespace {

// First 8 bytes of a hash in hex, enough to tell two hashes apart in a
// message while keeping it on one line.
std::string Short(const Hash& h) { return ToHex(h).substr(0, 16) + ".."; }

bool IsPowerOfTwo(uint64_t n) { return n != 0 && (n & (n - 1)) == 0; }

// Shifts fn and sn right together until fn's lowest bit is set or fn is 0
// (RFC 9162 2.1.3.2 step 4b.2 and 2.1.4.2 step 6b.2): the levels where the
// node on the path is the right edge of the tree and has no sibling.
void SkipRightEdgeLevels(uint64_t& fn, uint64_t& sn) {
  while ((fn & 1) == 0 && fn != 0) {
    fn >>= 1;
    sn >>= 1;
  }
}

}  // namespace

Hash HashLeaf(std::string_view data) { return Sha256(std::string_view("\x00", 1), data); }

Hash HashChildren(const Hash& left, const Hash& right) {
  std::array<uint8_t, 1 + 2 * sizeof(Hash)> buf;
  buf[0] = 0x01;
  std::copy(left.begin(), left.end(), buf.begin() + 1);
  std::copy(right.begin(), right.end(), buf.begin() + 1 + sizeof(Hash));
  return Sha256(std::string_view(reinterpret_cast<const char*>(buf.data()), buf.size()));
}

Hash EmptyRoot() { return Sha256(std::string_view()); }

Hash RootFromLeafHashes(std::span<const Hash> leaf_hashes) {
  if (leaf_hashes.empty()) return EmptyRoot();
  // Level by level, an odd last node is promoted unchanged: this gives the
  // same tree as RFC 6962's split at the largest power of two below n.
  std::vector<Hash> level(leaf_hashes.begin(), leaf_hashes.end());
  size_t n = level.size();
  while (n > 1) {
    size_t out = 0;
    for (size_t i = 0; i + 1 < n; i += 2) level[out++] = HashChildren(level[i], level[i + 1]);
    if (n % 2 == 1) level[out++] = level[n - 1];
    n = out;
  }
  return level[0];
}

uint64_t InclusionProofLength(uint64_t index, uint64_t size) {
  assert(index < size);
  // Below bit `inner`, index and size-1 differ: the leaf is inside a perfect
  // subtree and has a sibling at every level. Above it, the path runs along
  // the right edge and has a (left) sibling only where index has a 1 bit.
  const auto inner = static_cast<uint64_t>(std::bit_width(index ^ (size - 1)));
  const auto border = static_cast<uint64_t>(std::popcount(index >> inner));
  return inner + border;
}

uint64_t ConsistencyProofLength(uint64_t size1, uint64_t size2) {
  assert(0 < size1 && size1 <= size2);
  if (size1 == size2) return 0;
  // The inclusion path of leaf size1-1 in the tree of size2, minus the
  // levels inside the largest perfect subtree that ends at size1 (its root
  // replaces them), plus that subtree's root unless it is the whole old tree.
  const uint64_t last = size1 - 1;
  const auto inner = static_cast<uint64_t>(std::bit_width(last ^ (size2 - 1)));
  const auto border = static_cast<uint64_t>(std::popcount(last >> inner));
  const auto shift = static_cast<uint64_t>(std::countr_zero(size1));
  return (IsPowerOfTwo(size1) ? 0 : 1) + (inner - shift) + border;
}

Result<Hash> RootFromInclusionProof(uint64_t index, uint64_t size, const Hash& leaf_hash,
                                    std::span<const Hash> proof) {
  if (index >= size) {
    return Status::InvalidArgument(
        fmt::format("inclusion proof: leaf index {} is not below tree size {}", index, size));
  }
  const uint64_t expected = InclusionProofLength(index, size);
  if (proof.size() != expected) {
    return Status::Corruption(fmt::format("inclusion proof: proof has {} hashes, expected {}",
                                          proof.size(), expected));
  }
  // RFC 9162 2.1.3.2 steps 2-5.
  uint64_t fn = index;
  uint64_t sn = size - 1;
  Hash r = leaf_hash;
  for (const Hash& p : proof) {
    if (sn == 0) return Status::Corruption("inclusion proof: too many hashes");
    if ((fn & 1) == 1 || fn == sn) {
      r = HashChildren(p, r);
      if ((fn & 1) == 0) SkipRightEdgeLevels(fn, sn);
    } else {
      r = HashChildren(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return Status::Corruption("inclusion proof: too few hashes");
  return r;
}

Status VerifyInclusion(uint64_t index, uint64_t size, const Hash& leaf_hash,
                       std::span<const Hash> proof, const Hash& root) {
  WL_ASSIGN_OR_RETURN(Hash computed, RootFromInclusionProof(index, size, leaf_hash, proof));
  if (computed != root) {
    return Status::Corruption(fmt::format("inclusion proof: computed root {} does not match {}",
                                          Short(computed), Short(root)));
  }
  return Status::Ok();
}

Status VerifyConsistency(uint64_t size1, uint64_t size2, std::span<const Hash> proof,
                         const Hash& root1, const Hash& root2) {
  if (size1 > size2) {
    return Status::InvalidArgument(fmt::format(
        "consistency proof: old size {} is larger than new size {}", size1, size2));
  }
  if (size1 == 0 || size1 == size2) {
    if (!proof.empty()) {
      return Status::Corruption(fmt::format(
          "consistency proof: proof has {} hashes, expected 0", proof.size()));
    }
    if (size1 == 0 && root1 != EmptyRoot()) {
      return Status::Corruption(fmt::format(
          "consistency proof: root {} of size 0 is not the empty root", Short(root1)));
    }
    if (size1 == size2 && root1 != root2) {
      return Status::Corruption(fmt::format(
          "consistency proof: roots {} and {} differ at the same size {}", Short(root1),
          Short(root2), size1));
    }
    return Status::Ok();
  }
  const uint64_t expected = ConsistencyProofLength(size1, size2);
  if (proof.size() != expected) {
    return Status::Corruption(fmt::format(
        "consistency proof: proof has {} hashes, expected {}", proof.size(), expected));
  }
  // RFC 9162 2.1.4.2 steps 2-8. Step 2 (prepend root1 when size1 is a power
  // of two) is done by choosing the seed instead of copying the proof.
  const bool old_is_perfect = IsPowerOfTwo(size1);
  const Hash& seed = old_is_perfect ? root1 : proof[0];
  std::span<const Hash> rest = old_is_perfect ? proof : proof.subspan(1);
  uint64_t fn = size1 - 1;
  uint64_t sn = size2 - 1;
  while ((fn & 1) == 1) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = seed;
  Hash sr = seed;
  for (const Hash& c : rest) {
    if (sn == 0) return Status::Corruption("consistency proof: too many hashes");
    if ((fn & 1) == 1 || fn == sn) {
      fr = HashChildren(c, fr);
      sr = HashChildren(c, sr);
      if ((fn & 1) == 0) SkipRightEdgeLevels(fn, sn);
    } else {
      sr = HashChildren(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return Status::Corruption("consistency proof: too few hashes");
  if (fr != root1) {
    return Status::Corruption(
        fmt::format("consistency proof: computed old root {} does not match {} (size {})",
                    Short(fr), Short(root1), size1));
  }
  if (sr != root2) {
    return Status::Corruption(
        fmt::format("consistency proof: computed new root {} does not match {} (size {})",
                    Short(sr), Short(root2), size2));
  }
  return Status::Ok();
}

}  // namespace wasteledger
