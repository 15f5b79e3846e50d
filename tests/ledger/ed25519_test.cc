// The table-driven Ed25519 check (ledger/src/ed25519_tables.h) must accept
// exactly what libsodium's crypto_sign_verify_detached accepts. Every case
// here asks both and compares; the crafted cases also check that they really
// reach the rule they aim at (the equation holds, yet libsodium refuses).
#include "ed25519_tables.h"

#include <sodium.h>

#include <array>
#include <catch2/catch.hpp>
#include <cstring>
#include <random>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include "wasteledger/keys.h"

namespace wasteledger {
namespace {

using Bytes32 = std::array<uint8_t, 32>;
using Sig = std::array<uint8_t, 64>;

// The group order L, little-endian.
constexpr Bytes32 kL = {0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
                        0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0x10};
constexpr Bytes32 kIdentity = {1};

// A key gets its table on its first check (not its eighth) during a test.
struct TablesAtOnce {
  TablesAtOnce() { internal::SetEd25519TableAfterUses(1); }
  ~TablesAtOnce() { internal::SetEd25519TableAfterUses(internal::kEd25519TableAfterUses); }
  TablesAtOnce(const TablesAtOnce&) = delete;
  TablesAtOnce& operator=(const TablesAtOnce&) = delete;
};

bool Sodium(const PublicKey& pk, const Sig& sig, const std::string& msg) {
  return crypto_sign_verify_detached(sig.data(), reinterpret_cast<const uint8_t*>(msg.data()), msg.size(),
                                     pk.data()) == 0;
}

bool Tables(const PublicKey& pk, const Sig& sig, const std::string& msg) {
  return internal::Ed25519Verify(pk, sig.data(), reinterpret_cast<const uint8_t*>(msg.data()), msg.size());
}

// Both verdicts; REQUIREs they agree and returns it.
bool Agree(const PublicKey& pk, const Sig& sig, const std::string& msg) {
  const bool want = Sodium(pk, sig, msg);
  INFO("message of " << msg.size() << " bytes");
  REQUIRE(Tables(pk, sig, msg) == want);
  return want;
}

struct Rng {
  std::mt19937_64 gen{20261130};
  std::string Bytes(size_t n) {
    std::string s(n, '\0');
    for (auto& c : s) c = static_cast<char>(gen() & 0xff);
    return s;
  }
  Bytes32 Scalar() {  // uniform mod L
    uint8_t wide[64];
    for (auto& b : wide) b = static_cast<uint8_t>(gen() & 0xff);
    Bytes32 out;
    crypto_core_ed25519_scalar_reduce(out.data(), wide);
    return out;
  }
};

// h = SHA-512(R || A || M) mod L.
Bytes32 Challenge(const uint8_t r[32], const PublicKey& a, const std::string& msg) {
  crypto_hash_sha512_state st;
  crypto_hash_sha512_init(&st);
  crypto_hash_sha512_update(&st, r, 32);
  crypto_hash_sha512_update(&st, a.data(), 32);
  crypto_hash_sha512_update(&st, reinterpret_cast<const uint8_t*>(msg.data()), msg.size());
  uint8_t digest[64];
  crypto_hash_sha512_final(&st, digest);
  Bytes32 h;
  crypto_core_ed25519_scalar_reduce(h.data(), digest);
  return h;
}

// A signature with secret scalar `a` for the public point `pk` (which may
// carry a torsion part) and nonce point R = [r]B, or R given outright.
Sig SignWith(const Bytes32& a, const PublicKey& pk, const Bytes32& r, const std::string& msg,
             const Bytes32* r_point = nullptr) {
  Sig sig{};
  if (r_point != nullptr) {
    std::memcpy(sig.data(), r_point->data(), 32);
  } else {
    REQUIRE(crypto_scalarmult_ed25519_base_noclamp(sig.data(), r.data()) == 0);
  }
  const Bytes32 h = Challenge(sig.data(), pk, msg);
  Bytes32 ha;
  crypto_core_ed25519_scalar_mul(ha.data(), h.data(), a.data());
  crypto_core_ed25519_scalar_add(sig.data() + 32, r.data(), ha.data());
  return sig;
}

PublicKey BasePointTimes(const Bytes32& a) {
  PublicKey pk;
  REQUIRE(crypto_scalarmult_ed25519_base_noclamp(pk.data(), a.data()) == 0);
  return pk;
}

// The points of order dividing 8, found as [L]P for decodable random P.
std::vector<Bytes32> TorsionPoints(Rng& rng) {
  std::set<Bytes32> found;
  for (int i = 0; i < 400 && found.size() < 8; ++i) {
    Bytes32 p;
    const std::string raw = rng.Bytes(32);
    std::memcpy(p.data(), raw.data(), 32);
    Bytes32 t;
    if (internal::Ed25519ScalarMultForTesting(t.data(), kL.data(), p.data())) found.insert(t);
  }
  return {found.begin(), found.end()};
}

TEST_CASE("ed25519 tables: the group arithmetic agrees with libsodium's", "[ed25519]") {
  TablesAtOnce at_once;
  Rng rng;
  Bytes32 one = {1};
  const PublicKey b = BasePointTimes(one);
  Bytes32 out;
  REQUIRE(internal::Ed25519ScalarMultForTesting(out.data(), one.data(), b.data()));
  CHECK(out == b);
  REQUIRE(internal::Ed25519ScalarMultForTesting(out.data(), kL.data(), b.data()));
  CHECK(out == kIdentity);  // B has order L
  for (int i = 0; i < 20; ++i) {
    const Bytes32 n = rng.Scalar();
    const Bytes32 m = rng.Scalar();
    REQUIRE(internal::Ed25519ScalarMultForTesting(out.data(), n.data(), b.data()));
    CHECK(out == BasePointTimes(n));
    const PublicKey p = BasePointTimes(n);
    const PublicKey q = BasePointTimes(m);
    Bytes32 sum;
    Bytes32 want;
    REQUIRE(internal::Ed25519PointAddForTesting(sum.data(), p.data(), q.data()));
    REQUIRE(crypto_core_ed25519_add(want.data(), p.data(), q.data()) == 0);
    CHECK(sum == want);
  }
  const auto torsion = TorsionPoints(rng);
  CHECK(torsion.size() == 8);
  for (const auto& t : torsion) {
    Bytes32 eight = {8};
    REQUIRE(internal::Ed25519ScalarMultForTesting(out.data(), eight.data(), t.data()));
    CHECK(out == kIdentity);
  }
}

TEST_CASE("ed25519 tables: valid signatures under many keys verify, as in libsodium", "[ed25519]") {
  TablesAtOnce at_once;
  Rng rng;
  const size_t before = internal::Ed25519TableCount();
  for (int k = 0; k < 12; ++k) {
    auto key = SigningKey::Generate("k" + std::to_string(k));
    REQUIRE(key.ok());
    for (size_t len : {0UL, 1UL, 31UL, 64UL, 111UL, 112UL, 127UL, 128UL, 300UL, 1000UL, 5000UL}) {
      const std::string msg = rng.Bytes(len);
      const std::string sig = key->Sign(msg);
      CHECK(key->verifier().Verify(msg, sig));
      Sig s;
      std::memcpy(s.data(), sig.data(), 64);
      CHECK(Agree(key->verifier().public_key(), s, msg));
    }
  }
  CHECK(internal::Ed25519TableCount() >= before + 12);  // the tables were used, not libsodium
}

TEST_CASE("ed25519 tables: every one-bit change of signature, message or key is refused by both",
          "[ed25519]") {
  TablesAtOnce at_once;
  Rng rng;
  auto key = SigningKey::Generate("flip");
  REQUIRE(key.ok());
  const PublicKey pk = key->verifier().public_key();
  for (int round = 0; round < 2; ++round) {
    const std::string msg = rng.Bytes(200);
    const std::string raw = key->Sign(msg);
    Sig sig;
    std::memcpy(sig.data(), raw.data(), 64);
    REQUIRE(Agree(pk, sig, msg));
    // A copy of `bytes` with one bit flipped.
    auto flipped = [](auto bytes, size_t bit) {
      using Byte = std::remove_reference_t<decltype(bytes[0])>;
      bytes[bit / 8] = static_cast<Byte>(static_cast<unsigned>(static_cast<uint8_t>(bytes[bit / 8])) ^ (1u << (bit % 8)));
      return bytes;
    };
    for (size_t bit = 0; bit < 512; ++bit) {
      INFO("signature bit " << bit);
      CHECK_FALSE(Agree(pk, flipped(sig, bit), msg));
    }
    for (size_t bit = 0; bit < 8 * msg.size(); bit += 7) CHECK_FALSE(Agree(pk, sig, flipped(msg, bit)));
    for (size_t bit = 0; bit < 256; ++bit) {
      INFO("key bit " << bit);
      CHECK_FALSE(Agree(flipped(pk, bit), sig, msg));
    }
  }
  // Random signatures.
  for (int i = 0; i < 200; ++i) {
    Sig junk;
    const std::string raw = rng.Bytes(64);
    std::memcpy(junk.data(), raw.data(), 64);
    CHECK_FALSE(Agree(pk, junk, "m"));
  }
}

TEST_CASE("ed25519 tables: a non-canonical S (S + L) is refused though the equation holds", "[ed25519]") {
  TablesAtOnce at_once;
  Rng rng;
  const Bytes32 a = rng.Scalar();
  const PublicKey pk = BasePointTimes(a);
  for (int i = 0; i < 20; ++i) {
    const std::string msg = rng.Bytes(50);
    Sig sig = SignWith(a, pk, rng.Scalar(), msg);
    REQUIRE(Agree(pk, sig, msg));
    // S + L, as a 256-bit integer: the same point [S]B.
    unsigned carry = 0;
    for (size_t j = 0; j < 32; ++j) {
      const unsigned v = sig[32 + j] + kL[j] + carry;
      sig[32 + j] = static_cast<uint8_t>(v);
      carry = v >> 8;
    }
    REQUIRE(carry == 0);
    CHECK_FALSE(Agree(pk, sig, msg));
  }
}

TEST_CASE("ed25519 tables: small-order and non-canonical keys are refused, as in libsodium", "[ed25519]") {
  TablesAtOnce at_once;
  Rng rng;
  auto key = SigningKey::Generate("any");
  REQUIRE(key.ok());
  const std::string msg = "statement";
  const std::string raw = key->Sign(msg);
  Sig sig;
  std::memcpy(sig.data(), raw.data(), 64);
  std::vector<PublicKey> odd_keys;
  for (const auto& t : TorsionPoints(rng)) {
    odd_keys.push_back(t);
    PublicKey flipped = t;
    flipped[31] ^= 0x80;  // the other sign, including "-0"
    odd_keys.push_back(flipped);
  }
  // y >= p: p + 1 (encodes 1), p + 3, 2^255 - 1.
  for (uint8_t low : {uint8_t{0xee}, uint8_t{0xf0}, uint8_t{0xff}}) {
    PublicKey big;
    big.fill(0xff);
    big[0] = low;
    big[31] = 0x7f;
    odd_keys.push_back(big);
  }
  int crafted = 0;
  for (const auto& pk : odd_keys) {
    CHECK_FALSE(Agree(pk, sig, msg));
    // A signature that satisfies the equation for that point: with secret
    // scalar 0, S = r and R = [r]B, so [S]B - [h]A = R when [h]A = O, about
    // one message in ord(A) for a small-order A. (A non-canonical encoding
    // of a point of large order cannot be given one: nobody knows its
    // discrete log. Such keys are covered above and in the bit flips.)
    const Bytes32 zero{};
    for (int i = 0; i < 64; ++i) {
      const std::string m = rng.Bytes(24);
      const Bytes32 r = rng.Scalar();
      const Sig forged = SignWith(zero, pk, r, m);
      const Bytes32 h = Challenge(forged.data(), pk, m);
      Bytes32 ha;
      if (!internal::Ed25519ScalarMultForTesting(ha.data(), h.data(), pk.data()) || ha != kIdentity) continue;
      CHECK_FALSE(Agree(pk, forged, m));
      ++crafted;
      break;
    }
  }
  CHECK(crafted >= 14);  // the torsion points in both signs, and p + 1
}

TEST_CASE("ed25519 tables: keys with a torsion part verify exactly when libsodium does", "[ed25519]") {
  TablesAtOnce at_once;
  Rng rng;
  const auto torsion = TorsionPoints(rng);
  REQUIRE(torsion.size() == 8);
  int accepted = 0;
  int refused = 0;
  for (const auto& t : torsion) {
    if (t == kIdentity) continue;
    const Bytes32 a = rng.Scalar();
    PublicKey pk;
    const PublicKey clean = BasePointTimes(a);
    REQUIRE(internal::Ed25519PointAddForTesting(pk.data(), clean.data(), t.data()));
    for (int i = 0; i < 40; ++i) {
      const std::string msg = rng.Bytes(40);
      const Sig sig = SignWith(a, pk, rng.Scalar(), msg);
      (Agree(pk, sig, msg) ? accepted : refused)++;
    }
  }
  // [S]B - [h]A = R - [h]T: accepted when h kills T, about 1 in ord(T).
  CHECK(accepted > 0);
  CHECK(refused > 0);
}

TEST_CASE("ed25519 tables: a small-order R is refused though the equation holds", "[ed25519]") {
  TablesAtOnce at_once;
  Rng rng;
  // R = identity, S = h a: [S]B - [h]A = O = R.
  const Bytes32 a = rng.Scalar();
  const PublicKey pk = BasePointTimes(a);
  const Bytes32 zero{};
  for (int i = 0; i < 5; ++i) {
    const std::string msg = rng.Bytes(30);
    const Sig sig = SignWith(a, pk, zero, msg, &kIdentity);
    CHECK_FALSE(Agree(pk, sig, msg));
  }
  // R of order 2, 4 or 8 through a key with a torsion part T: S = h a gives
  // [S]B - [h]A = -[h]T, which equals R for about one message in eight.
  const auto torsion = TorsionPoints(rng);
  int crafted = 0;
  for (const auto& t : torsion) {
    if (t == kIdentity) continue;
    PublicKey mixed;
    REQUIRE(internal::Ed25519PointAddForTesting(mixed.data(), pk.data(), t.data()));
    for (const auto& r : torsion) {
      for (int i = 0; i < 64; ++i) {
        const std::string msg = rng.Bytes(20);
        const Bytes32 h = Challenge(r.data(), mixed, msg);
        Bytes32 ht;
        REQUIRE(internal::Ed25519ScalarMultForTesting(ht.data(), h.data(), t.data()));
        Bytes32 sum;  // R + [h]T == O means the equation holds
        REQUIRE(internal::Ed25519PointAddForTesting(sum.data(), r.data(), ht.data()));
        if (sum != kIdentity) continue;
        const Sig sig = SignWith(a, mixed, zero, msg, &r);
        CHECK_FALSE(Agree(mixed, sig, msg));
        ++crafted;
        break;
      }
    }
  }
  CHECK(crafted >= 20);
}

TEST_CASE("ed25519 tables: many checks at once give each check's own verdict", "[ed25519]") {
  TablesAtOnce at_once;
  Rng rng;
  std::vector<SigningKey> keys;
  for (int k = 0; k < 5; ++k) {
    auto key = SigningKey::Generate("many" + std::to_string(k));
    REQUIRE(key.ok());
    keys.push_back(std::move(*key));
  }
  const auto torsion = TorsionPoints(rng);  // keys with no table: libsodium judges them
  // A mix: valid, a flipped signature byte, a flipped message byte, S + L,
  // a small-order key; every group size from 0 to 40 and a long run.
  struct Case {
    PublicKey pk;
    Sig sig;
    std::string msg;
  };
  std::vector<Case> cases;
  for (int i = 0; i < 300; ++i) {
    const auto& key = keys[static_cast<size_t>(i) % keys.size()];
    Case c{key.verifier().public_key(), {}, rng.Bytes(static_cast<size_t>(i % 97))};
    const std::string raw = key.Sign(c.msg);
    std::memcpy(c.sig.data(), raw.data(), 64);
    switch (rng.gen() % 6) {
      case 0: c.sig[rng.gen() % 64] ^= 0x10; break;
      case 1:
        if (!c.msg.empty()) c.msg[0] = static_cast<char>(c.msg[0] ^ 1);
        break;
      case 2: c.pk = torsion[rng.gen() % torsion.size()]; break;
      default: break;
    }
    cases.push_back(std::move(c));
  }
  int valid = 0;
  for (size_t n : {0UL, 1UL, 2UL, 15UL, 16UL, 17UL, 33UL, 40UL, 300UL}) {
    for (size_t start = 0; start + n <= cases.size(); start += std::max<size_t>(n, 37)) {
      std::vector<internal::Ed25519Check> checks;
      for (size_t i = start; i < start + n; ++i) {
        const Case& c = cases[i];
        checks.push_back({&c.pk, c.sig.data(), reinterpret_cast<const uint8_t*>(c.msg.data()), c.msg.size()});
      }
      std::unique_ptr<bool[]> ok(new bool[n + 1]);
      internal::Ed25519VerifyMany(checks.data(), n, ok.get());
      for (size_t i = 0; i < n; ++i) {
        const Case& c = cases[start + i];
        INFO("group of " << n << ", check " << i);
        REQUIRE(ok[i] == Sodium(c.pk, c.sig, c.msg));
        valid += ok[i] ? 1 : 0;
      }
    }
  }
  CHECK(valid > 100);  // both verdicts occur
  CHECK(valid < 800);
}

TEST_CASE("VerifyMany: a message given as prefix and rest checks as the whole", "[ed25519]") {
  TablesAtOnce at_once;
  Rng rng;
  auto key = SigningKey::Generate("prefix");
  REQUIRE(key.ok());
  const std::string whole = rng.Bytes(200);
  const std::string sig = key->Sign(whole);
  std::vector<SignatureCheck> checks;
  for (size_t cut : {0UL, 1UL, 25UL, 199UL, 200UL}) {
    checks.push_back({&key->verifier(), std::string_view(whole).substr(cut), sig,
                      std::string_view(whole).substr(0, cut)});
  }
  const std::string other = "x" + whole.substr(1);
  checks.push_back({&key->verifier(), std::string_view(other).substr(10), sig, std::string_view(other).substr(0, 10)});
  checks.push_back({&key->verifier(), whole, sig.substr(1)});  // wrong length
  bool ok[7];
  VerifyMany(checks, ok);
  for (int i = 0; i < 5; ++i) CHECK(ok[i]);
  CHECK_FALSE(ok[5]);
  CHECK_FALSE(ok[6]);
  // The same through libsodium (the prefix is joined to the rest there).
  internal::SetEd25519Tables(false);
  bool off[7];
  VerifyMany(checks, off);
  internal::SetEd25519Tables(true);
  for (int i = 0; i < 7; ++i) CHECK(off[i] == ok[i]);
}

TEST_CASE("ed25519 tables: a key gets its table on its eighth check", "[ed25519]") {
  auto key = SigningKey::Generate("eighth");
  REQUIRE(key.ok());
  internal::SetEd25519TableAfterUses(internal::kEd25519TableAfterUses);
  const std::string sig = key->Sign("m");
  const size_t before = internal::Ed25519TableCount();
  for (uint32_t i = 1; i < internal::kEd25519TableAfterUses; ++i) CHECK(key->verifier().Verify("m", sig));
  CHECK(internal::Ed25519TableCount() == before);  // libsodium so far
  CHECK(key->verifier().Verify("m", sig));
  CHECK(internal::Ed25519TableCount() == before + 1);
  CHECK_FALSE(key->verifier().Verify("n", sig));
}

TEST_CASE("ed25519 tables: switched off, every check goes to libsodium", "[ed25519]") {
  TablesAtOnce at_once;
  auto key = SigningKey::Generate("off");
  REQUIRE(key.ok());
  internal::SetEd25519Tables(false);
  const size_t before = internal::Ed25519TableCount();
  const std::string sig = key->Sign("m");
  const bool ok = key->verifier().Verify("m", sig);
  const bool bad = key->verifier().Verify("n", sig);
  const size_t after = internal::Ed25519TableCount();
  internal::SetEd25519Tables(true);
  CHECK(ok);
  CHECK_FALSE(bad);
  CHECK(after == before);
  CHECK(key->verifier().Verify("m", sig));
  CHECK(internal::Ed25519TableCount() == before + 1);
}

}  // namespace
}  // namespace wasteledger
