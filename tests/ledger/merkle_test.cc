// Tests of the RFC 6962 / RFC 9162 Merkle tree: published known-answer
// vectors, an exhaustive comparison with a reference written straight from
// the RFC 6962 section 2.1 recursive definitions, tampered proofs, the node
// read bound at a million leaves, and the compact range.
#include <catch2/catch.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <initializer_list>
#include <map>
#include <random>
#include <set>
#include <span>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "wasteledger/hash.h"
#include "wasteledger/merkle.h"
#include "wasteledger/merkle_tree.h"

namespace wasteledger {
namespace {

Hash H(std::string_view hex) {
  auto h = HashFromHex(hex);
  REQUIRE(h.has_value());
  return *h;
}

std::vector<Hash> Hashes(std::initializer_list<std::string_view> hexes) {
  std::vector<Hash> out;
  for (auto hex : hexes) out.push_back(H(hex));
  return out;
}

// A failed check (not an argument error).
bool Fails(const Status& s) { return s.code() == Status::Code::kCorruption; }

// A published proof: (index, size) or (size1, size2), and its hashes.
struct ProofCase {
  uint64_t first, second;
  std::vector<Hash> proof;
};

Hash FlipBit(Hash h, size_t bit) {
  h[(bit / 8) % h.size()] = static_cast<uint8_t>(h[(bit / 8) % h.size()] ^ (1u << (bit % 8)));
  return h;
}

// RFC 6962 section 2.1, transcribed: MTH, PATH, PROOF and SUBPROOF over the
// leaf data D[0:n], using only SHA-256. MTH results are memoised by (begin, end), which
// changes nothing but the running time (every tree here is a prefix of one list).
class ReferenceTree {
 public:
  explicit ReferenceTree(std::vector<std::string> data) : data_(std::move(data)) {}

  // MTH(D[begin:end]).
  Hash Mth(size_t begin, size_t end) {
    if (auto it = memo_.find({begin, end}); it != memo_.end()) return it->second;
    Hash h;
    const size_t n = end - begin;
    if (n == 0) {
      h = Sha256("");
    } else if (n == 1) {
      h = Sha256(std::string_view("\x00", 1), data_[begin]);
    } else {
      const size_t k = LargestPowerOfTwoBelow(n);
      const std::string children =
          std::string(AsBytes(Mth(begin, begin + k))) + std::string(AsBytes(Mth(begin + k, end)));
      h = Sha256(std::string_view("\x01", 1), children);
    }
    memo_.emplace(std::make_pair(begin, end), h);
    return h;
  }

  // PATH(m, D[begin:end]).
  std::vector<Hash> Path(size_t m, size_t begin, size_t end) {
    const size_t n = end - begin;
    if (n <= 1) return {};
    const size_t k = LargestPowerOfTwoBelow(n);
    std::vector<Hash> path;
    if (m < k) {
      path = Path(m, begin, begin + k);
      path.push_back(Mth(begin + k, end));
    } else {
      path = Path(m - k, begin + k, end);
      path.push_back(Mth(begin, begin + k));
    }
    return path;
  }

  // PROOF(m, D[0:n]) = SUBPROOF(m, D[0:n], true).
  std::vector<Hash> Proof(size_t m, size_t n) { return Subproof(m, 0, n, true); }

 private:
  static size_t LargestPowerOfTwoBelow(size_t n) {
    size_t k = 1;
    while (k * 2 < n) k *= 2;
    return k;
  }

  // SUBPROOF(m, D[begin:end], b).
  std::vector<Hash> Subproof(size_t m, size_t begin, size_t end, bool b) {
    const size_t n = end - begin;
    if (m == n) return b ? std::vector<Hash>{} : std::vector<Hash>{Mth(begin, end)};
    const size_t k = LargestPowerOfTwoBelow(n);
    std::vector<Hash> proof;
    if (m <= k) {
      proof = Subproof(m, begin, begin + k, b);
      proof.push_back(Mth(begin + k, end));
    } else {
      proof = Subproof(m - k, begin + k, end, false);
      proof.push_back(Mth(begin, begin + k));
    }
    return proof;
  }

  std::vector<std::string> data_;
  std::map<std::pair<size_t, size_t>, Hash> memo_;
};

void AppendAll(const std::vector<Hash>& leaf_hashes, CompactRange& range,
               MemoryNodeStore& store) {
  for (const Hash& leaf : leaf_hashes) {
    range.Append(leaf, [&](uint32_t level, uint64_t index, const Hash& h) {
      store.Put(level, index, h);
    });
  }
}

// The published 8-leaf set (transparency-dev/merkle testonly/constants.go,
// google/certificate-transparency merkle_tree_test.cc).
std::vector<std::string> VectorLeafData() {
  std::vector<std::string> data;
  for (std::string_view hex : {"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                               "606162636465666768696a6b6c6d6e6f"}) {
    data.push_back(FromHex(hex).value());
  }
  return data;
}

Hash SyntheticLeaf(uint64_t i) { return Sha256(std::to_string(i)); }

// The million-leaf tree is built once and shared by the sections below
// (Catch2 reruns a test case per section).
struct MillionTree {
  static constexpr uint64_t kSize = 1'000'000;
  MemoryNodeStore store;
  CompactRange range;
  // Frontier snapshots at a few arbitrary sizes, taken while appending.
  std::map<uint64_t, CompactRange> snapshots;
};

MillionTree& GetMillionTree() {
  static MillionTree tree = [] {
    MillionTree t;
    std::mt19937_64 rng(9162);
    std::set<uint64_t> sizes = {1, 2, 3, 524'287, 524'288, 524'289, t.kSize - 1, t.kSize};
    while (sizes.size() < 40) sizes.insert(1 + rng() % t.kSize);
    for (uint64_t i = 0; i < t.kSize; ++i) {
      t.range.Append(SyntheticLeaf(i), [&](uint32_t level, uint64_t index, const Hash& h) {
        t.store.Put(level, index, h);
      });
      if (sizes.count(i + 1) != 0) t.snapshots.emplace(i + 1, t.range);
    }
    return t;
  }();
  return tree;
}

}  // namespace

TEST_CASE("merkle: hasher known answers", "[merkle]") {
  CHECK(ToHex(HashLeaf("L123456")) ==
        "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56");
  // This vector's children are 4-byte strings, not hashes: it checks the 0x01 || l || r
  // construction; HashChildren itself is checked by the interior node vectors.
  CHECK(ToHex(Sha256(std::string_view("\x01", 1), "N123N456")) ==
        "aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb");
  CHECK(ToHex(EmptyRoot()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(ToBase64(HashLeaf("hello world")) == "TszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=");
  CHECK(HashLeaf("") != EmptyRoot());
  CHECK(HashChildren(HashLeaf("a"), HashLeaf("b")) != HashChildren(HashLeaf("b"), HashLeaf("a")));
}

TEST_CASE("merkle: RFC 6962 eight-leaf vectors", "[merkle]") {
  const std::vector<std::string> data = VectorLeafData();
  const std::vector<Hash> leaves = Hashes(
      {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
       "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
       "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
       "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
       "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
       "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
       "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
       "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1"});
  for (size_t i = 0; i < data.size(); ++i) {
    INFO("leaf " << i);
    CHECK(HashLeaf(data[i]) == leaves[i]);
  }

  MemoryNodeStore store;
  CompactRange range;
  AppendAll(leaves, range, store);
  CHECK(store.node_count() == 15);

  SECTION("interior nodes") {
    const std::vector<std::tuple<uint32_t, uint64_t, std::string_view>> nodes = {
        {1, 0, "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"},
        {1, 1, "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"},
        {1, 2, "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"},
        {1, 3, "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"},
        {2, 0, "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"},
        {2, 1, "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"},
        {3, 0, "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"}};
    for (const auto& [level, index, hex] : nodes) {
      INFO("node (" << level << ", " << index << ")");
      auto got = store.GetNode(level, index);
      REQUIRE(got.ok());
      CHECK(ToHex(*got) == hex);
    }
    for (uint64_t i = 0; i < 8; ++i) CHECK(*store.GetNode(0, i) == leaves[i]);
  }

  SECTION("roots of sizes 0..8") {
    const std::vector<std::pair<std::string_view, std::string_view>> roots = {
        {"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
         "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="},
        {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
         "bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0="},
        {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
         "+sVCA+fMaWzw38tCySodnbr3CtnmIfS9jZhmLwDjwSU="},
        {"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
         "rra8/idLcKFPsGel5VeCZNsPqbUa9eC6FZFY8yngbnc="},
        {"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
         "037kGJdt2VdTwcc4Yrk5j6Kiz5tP8P3+izDNlSCWFLc="},
        {"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
         "Tju7H3tHjc/nH7YxYxUZo7yhLJrvyhYSv85ME6hiZNQ="},
        {"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
         "duZ9rbzfHhDht03cYIq9L5jfsW+851J3tSMqEn8gh+8="},
        {"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
         "3bib5AOAnjJXUNPSY814kpwpQreUKjS3fhIslZSnTIw="},
        {"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
         "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg="}};
    ReferenceTree ref(data);
    CompactRange grown;
    for (size_t n = 0; n <= 8; ++n) {
      INFO("size " << n);
      const Hash want = H(roots[n].first);
      CHECK(ToBase64(want) == roots[n].second);
      CHECK(RootFromLeafHashes(std::span(leaves).first(n)) == want);
      auto at = RootAt(store, n);
      REQUIRE(at.ok());
      CHECK(*at == want);
      CHECK(grown.Root() == want);
      CHECK(ref.Mth(0, n) == want);
      if (n < 8) grown.Append(leaves[n], nullptr);
    }
  }

  SECTION("inclusion proofs") {
    const std::vector<ProofCase> cases = {
        {0, 1, {}},
        {0, 8, Hashes({"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                       "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                       "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"})},
        {5, 8, Hashes({"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                       "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                       "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"})},
        {2, 3, Hashes({"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"})},
        {1, 5, Hashes({"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                       "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                       "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"})}};
    for (const auto& [index, size, want] : cases) {
      INFO("leaf " << index << " of " << size);
      auto proof = InclusionProof(store, index, size);
      REQUIRE(proof.ok());
      CHECK(*proof == want);
      auto root = RootAt(store, size);
      REQUIRE(root.ok());
      CHECK(VerifyInclusion(index, size, leaves[index], want, *root).ok());
    }
  }

  SECTION("consistency proofs") {
    const std::vector<ProofCase> cases = {
        {1, 1, {}},
        {1, 8, Hashes({"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                       "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                       "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"})},
        {6, 8, Hashes({"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                       "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                       "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"})},
        {2, 5, Hashes({"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                       "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"})},
        {6, 7, Hashes({"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                       "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
                       "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"})}};
    for (const auto& [size1, size2, want] : cases) {
      INFO("sizes " << size1 << " -> " << size2);
      auto proof = ConsistencyProof(store, size1, size2);
      REQUIRE(proof.ok());
      CHECK(*proof == want);
      auto root1 = RootAt(store, size1);
      auto root2 = RootAt(store, size2);
      REQUIRE((root1.ok() && root2.ok()));
      CHECK(VerifyConsistency(size1, size2, want, *root1, *root2).ok());
    }
  }
}

TEST_CASE("merkle: verifier messages and argument errors", "[merkle]") {
  constexpr Status::Code kInvalid = Status::Code::kInvalidArgument;
  std::vector<Hash> leaves;
  for (int i = 0; i < 8; ++i) leaves.push_back(HashLeaf(std::to_string(i)));
  MemoryNodeStore store;
  CompactRange range;
  AppendAll(leaves, range, store);
  const Hash root = range.Root();
  auto proof = InclusionProof(store, 3, 8);
  REQUIRE(proof.ok());
  REQUIRE(proof->size() == 3);

  Status s = VerifyInclusion(3, 8, leaves[3], std::span(*proof).first(2), root);
  CHECK(Fails(s));
  CHECK(s.message() == "inclusion proof: proof has 2 hashes, expected 3");
  s = VerifyInclusion(3, 8, leaves[4], *proof, root);
  CHECK(Fails(s));
  CHECK(s.message().find("computed root") != std::string::npos);
  CHECK(s.message().find(ToHex(root).substr(0, 16)) != std::string::npos);
  CHECK(s.message().find('\n') == std::string::npos);
  CHECK(VerifyInclusion(8, 8, leaves[3], *proof, root).code() == kInvalid);
  CHECK(RootFromInclusionProof(3, 8, leaves[3], *proof).value() == root);

  CHECK(InclusionProof(store, 8, 8).status().code() == kInvalid);
  CHECK(InclusionProof(store, 0, 0).status().code() == kInvalid);
  CHECK(ConsistencyProof(store, 0, 8).status().code() == kInvalid);
  CHECK(ConsistencyProof(store, 5, 4).status().code() == kInvalid);
  CHECK(ConsistencyProof(store, 8, 8).value().empty());
  CHECK(VerifyConsistency(5, 4, {}, root, root).code() == kInvalid);

  // Size 0 (outside RFC 9162's domain) is accepted only as the empty tree, empty proof.
  CHECK(VerifyConsistency(0, 8, {}, EmptyRoot(), root).ok());
  CHECK(VerifyConsistency(0, 0, {}, EmptyRoot(), EmptyRoot()).ok());
  CHECK(Fails(VerifyConsistency(0, 8, {}, root, root)));
  CHECK(Fails(VerifyConsistency(0, 8, std::span(leaves).first(1), EmptyRoot(), root)));
  CHECK(Fails(VerifyConsistency(8, 8, {}, root, leaves[0])));
  CHECK(Fails(VerifyConsistency(8, 8, std::span(leaves).first(1), root, root)));

  // Reading past the stored tree is the store's NotFound, not a crash.
  constexpr Status::Code kNotFound = Status::Code::kNotFound;
  CHECK(RootAt(store, 9).status().code() == kNotFound);
  CHECK(InclusionProof(store, 0, 9).status().code() == kNotFound);
  CHECK(ConsistencyProof(store, 3, 12).status().code() == kNotFound);
  CHECK(CompactRange::Load(store, 10).status().code() == kNotFound);
}

TEST_CASE("merkle: every proof up to 300 leaves matches the RFC 6962 reference", "[merkle]") {
  constexpr Status::Code kInvalid = Status::Code::kInvalidArgument;
  constexpr uint64_t kMax = 300;
  // One leaf more than the largest tree, so size + 1 always has a root.
  std::vector<std::string> data;
  std::vector<Hash> leaves;
  for (uint64_t i = 0; i <= kMax; ++i) {
    data.push_back("leaf " + std::to_string(i * 7919));
    leaves.push_back(HashLeaf(data.back()));
  }
  ReferenceTree ref(data);
  MemoryNodeStore store;
  CompactRange range;
  AppendAll(leaves, range, store);

  std::vector<Hash> roots;
  for (uint64_t n = 0; n <= kMax + 1; ++n) {
    INFO("size " << n);
    store.ResetReads();
    auto root = RootAt(store, n);
    REQUIRE(root.ok());
    CHECK(store.reads() == static_cast<uint64_t>(std::popcount(n)));
    REQUIRE(*root == ref.Mth(0, n));
    REQUIRE(RootFromLeafHashes(std::span(leaves).first(n)) == *root);
    roots.push_back(*root);
  }

  SECTION("inclusion") {
    for (uint64_t n = 1; n <= kMax; ++n) {
      for (uint64_t i = 0; i < n; ++i) {
        INFO("leaf " << i << " of " << n);
        store.ResetReads();
        auto got = InclusionProof(store, i, n);
        REQUIRE(got.ok());
        const std::vector<Hash>& proof = *got;
        // At most one sibling is folded from the size decomposition.
        REQUIRE(store.reads() <= proof.size() + static_cast<uint64_t>(std::popcount(n)));
        REQUIRE(proof == ref.Path(i, 0, n));
        REQUIRE(proof.size() == InclusionProofLength(i, n));
        REQUIRE(VerifyInclusion(i, n, leaves[i], proof, roots[n]).ok());

        for (size_t j = 0; j < proof.size(); ++j) {
          std::vector<Hash> bad = proof;
          bad[j] = FlipBit(bad[j], j * 37 + i);
          REQUIRE(Fails(VerifyInclusion(i, n, leaves[i], bad, roots[n])));
        }
        REQUIRE(Fails(VerifyInclusion(i, n, FlipBit(leaves[i], i), proof, roots[n])));
        REQUIRE(Fails(VerifyInclusion(i, n, leaves[i], proof, FlipBit(roots[n], n))));
        if (n > 1) {
          const uint64_t other = (i + 1) % n;
          REQUIRE(Fails(VerifyInclusion(other, n, leaves[i], proof, roots[n])));
          REQUIRE(Fails(VerifyInclusion(i ^ 1, n, leaves[i], proof, roots[n])) == (i ^ 1) < n);
        }
        REQUIRE(Fails(VerifyInclusion(i, n + 1, leaves[i], proof, roots[n + 1])));
        if (n - 1 > i) REQUIRE(Fails(VerifyInclusion(i, n - 1, leaves[i], proof, roots[n - 1])));
        std::vector<Hash> longer = proof;
        longer.push_back(leaves[0]);
        REQUIRE(Fails(VerifyInclusion(i, n, leaves[i], longer, roots[n])));
        if (!proof.empty()) {
          REQUIRE(Fails(VerifyInclusion(i, n, leaves[i], std::span(proof).first(proof.size() - 1),
                                        roots[n])));
          REQUIRE(Fails(VerifyInclusion(i, n, leaves[i], std::span(proof).subspan(1), roots[n])));
        }
        REQUIRE(VerifyInclusion(n, n, leaves[i], proof, roots[n]).code() == kInvalid);
      }
    }
  }

  SECTION("consistency") {
    for (uint64_t n = 1; n <= kMax; ++n) {
      for (uint64_t m = 1; m <= n; ++m) {
        INFO("sizes " << m << " -> " << n);
        store.ResetReads();
        auto got = ConsistencyProof(store, m, n);
        REQUIRE(got.ok());
        const std::vector<Hash>& proof = *got;
        REQUIRE(store.reads() <= proof.size() + static_cast<uint64_t>(std::popcount(n)));
        REQUIRE(proof == ref.Proof(m, n));
        REQUIRE(proof.size() == ConsistencyProofLength(m, n));
        REQUIRE(VerifyConsistency(m, n, proof, roots[m], roots[n]).ok());

        for (size_t j = 0; j < proof.size(); ++j) {
          std::vector<Hash> bad = proof;
          bad[j] = FlipBit(bad[j], j * 37 + m);
          REQUIRE(Fails(VerifyConsistency(m, n, bad, roots[m], roots[n])));
        }
        REQUIRE(Fails(VerifyConsistency(m, n, proof, FlipBit(roots[m], m), roots[n])));
        REQUIRE(Fails(VerifyConsistency(m, n, proof, roots[m], FlipBit(roots[n], n))));
        if (m + 1 <= n) REQUIRE(Fails(VerifyConsistency(m + 1, n, proof, roots[m + 1], roots[n])));
        if (m > 1) REQUIRE(Fails(VerifyConsistency(m - 1, n, proof, roots[m - 1], roots[n])));
        REQUIRE(Fails(VerifyConsistency(m, n + 1, proof, roots[m], roots[n + 1])));
        if (n - 1 >= m) REQUIRE(Fails(VerifyConsistency(m, n - 1, proof, roots[m], roots[n - 1])));
        std::vector<Hash> longer = proof;
        longer.push_back(leaves[0]);
        REQUIRE(Fails(VerifyConsistency(m, n, longer, roots[m], roots[n])));
        if (!proof.empty()) {
          REQUIRE(Fails(VerifyConsistency(m, n, std::span(proof).first(proof.size() - 1),
                                          roots[m], roots[n])));
          REQUIRE(Fails(VerifyConsistency(m, n, std::span(proof).subspan(1), roots[m], roots[n])));
        }
      }
      REQUIRE(VerifyConsistency(0, n, {}, EmptyRoot(), roots[n]).ok());
      REQUIRE(VerifyConsistency(n + 1, n, {}, roots[n + 1], roots[n]).code() == kInvalid);
    }
  }
}

TEST_CASE("merkle: compact range emits every perfect node once", "[merkle]") {
  constexpr uint64_t kMax = 300;
  std::vector<std::string> data;
  for (uint64_t i = 0; i < kMax; ++i) data.push_back("entry-" + std::to_string(i));
  ReferenceTree ref(data);

  CompactRange range;
  std::map<std::pair<uint32_t, uint64_t>, Hash> emitted;
  for (uint64_t i = 0; i < kMax; ++i) {
    std::vector<std::pair<uint32_t, uint64_t>> order;
    range.Append(HashLeaf(data[i]), [&](uint32_t level, uint64_t index, const Hash& h) {
      REQUIRE(emitted.emplace(std::make_pair(level, index), h).second);  // once only
      order.emplace_back(level, index);
    });
    // The leaf, then the nodes it closes, bottom-up.
    std::vector<std::pair<uint32_t, uint64_t>> want;
    for (int k = 0; k <= std::countr_one(i); ++k) want.emplace_back(k, i >> k);
    REQUIRE(order == want);
    const uint64_t n = i + 1;
    REQUIRE(range.size() == n);
    REQUIRE(range.hashes().size() == static_cast<size_t>(std::popcount(n)));
    REQUIRE(range.Root() == ref.Mth(0, n));
  }
  // Exactly the perfect subtrees of [0, kMax), each with its MTH.
  CHECK(emitted.size() == 2 * kMax - static_cast<uint64_t>(std::popcount(kMax)));
  for (const auto& [key, h] : emitted) {
    const auto [level, index] = key;
    const uint64_t begin = index << level, end = (index + 1) << level;
    INFO("node (" << level << ", " << index << ")");
    REQUIRE(end <= kMax);
    CHECK(h == ref.Mth(begin, end));
  }
}

TEST_CASE("merkle: CompactRange::Load reproduces the appended frontier", "[merkle]") {
  constexpr uint64_t kMax = 300;
  std::vector<Hash> leaves;
  for (uint64_t i = 0; i < kMax; ++i) leaves.push_back(Sha256("load " + std::to_string(i)));
  MemoryNodeStore store;
  CompactRange range;
  std::vector<CompactRange> snapshots = {range};
  for (const Hash& leaf : leaves) {
    range.Append(leaf, [&](uint32_t level, uint64_t index, const Hash& h) {
      store.Put(level, index, h);
    });
    snapshots.push_back(range);
  }
  for (uint64_t n = 0; n <= kMax; ++n) {
    INFO("size " << n);
    store.ResetReads();
    auto loaded = CompactRange::Load(store, n);
    REQUIRE(loaded.ok());
    CHECK(store.reads() == static_cast<uint64_t>(std::popcount(n)));
    REQUIRE(*loaded == snapshots[n]);
    REQUIRE(loaded->Root() == snapshots[n].Root());

    // Appending onto a loaded range writes the very nodes already stored.
    CompactRange resumed = *loaded;
    for (uint64_t i = n; i < std::min(kMax, n + 9); ++i) {
      resumed.Append(leaves[i], [&](uint32_t level, uint64_t index, const Hash& h) {
        auto stored = store.GetNode(level, index);
        REQUIRE(stored.ok());
        REQUIRE(*stored == h);
      });
      REQUIRE(resumed == snapshots[i + 1]);
    }
  }
}

TEST_CASE("merkle: a million leaves, proofs read O(log n) nodes", "[merkle]") {
  constexpr uint64_t kSize = MillionTree::kSize;
  std::mt19937_64 rng(6962);
  MillionTree& tree = GetMillionTree();
  MemoryNodeStore& store = tree.store;
  REQUIRE(store.node_count() == 2 * kSize - static_cast<uint64_t>(std::popcount(kSize)));

  store.ResetReads();
  auto root = RootAt(store, kSize);
  REQUIRE(root.ok());
  CHECK(store.reads() == static_cast<uint64_t>(std::popcount(kSize)));
  CHECK(*root == tree.range.Root());

  SECTION("inclusion") {
    std::vector<uint64_t> indices = {0, 1, 524'287, 524'288, 999'423, kSize - 2, kSize - 1};
    for (int k = 0; k < 200; ++k) indices.push_back(rng() % kSize);
    for (uint64_t i : indices) {
      INFO("leaf " << i);
      store.ResetReads();
      auto proof = InclusionProof(store, i, kSize);
      REQUIRE(proof.ok());
      CHECK(static_cast<double>(store.reads()) <= 3.0 * std::log2(static_cast<double>(kSize)));
      REQUIRE(VerifyInclusion(i, kSize, SyntheticLeaf(i), *proof, *root).ok());
      CHECK_FALSE(VerifyInclusion(i, kSize, SyntheticLeaf(i + 1), *proof, *root).ok());
    }
  }

  SECTION("consistency") {
    std::vector<std::pair<uint64_t, uint64_t>> pairs = {
        {1, kSize}, {kSize - 1, kSize}, {524'288, kSize}, {524'289, kSize},
        {3, 999'999}, {kSize, kSize}};
    for (int k = 0; k < 200; ++k) {
      const uint64_t a = 1 + rng() % kSize, b = 1 + rng() % kSize;
      pairs.emplace_back(std::min(a, b), std::max(a, b));
    }
    for (const auto& [m, n] : pairs) {
      INFO("sizes " << m << " -> " << n);
      auto root1 = RootAt(store, m);
      auto root2 = RootAt(store, n);
      REQUIRE((root1.ok() && root2.ok()));
      store.ResetReads();
      auto proof = ConsistencyProof(store, m, n);
      REQUIRE(proof.ok());
      CHECK(static_cast<double>(store.reads()) <= 3.0 * std::log2(static_cast<double>(n)));
      REQUIRE(VerifyConsistency(m, n, *proof, *root1, *root2).ok());
      if (m < n) CHECK_FALSE(VerifyConsistency(m, n, *proof, *root2, *root2).ok());
    }
  }

  SECTION("load at arbitrary sizes") {
    for (const auto& [n, snapshot] : tree.snapshots) {
      INFO("size " << n);
      auto loaded = CompactRange::Load(store, n);
      REQUIRE(loaded.ok());
      CHECK(*loaded == snapshot);
      CHECK(loaded->Root() == snapshot.Root());
      auto at = RootAt(store, n);
      REQUIRE(at.ok());
      CHECK(*at == snapshot.Root());
    }
  }
}

}  // namespace wasteledger
