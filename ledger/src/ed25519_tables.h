// Ed25519 signature checks with precomputed tables per verifier key.
//
// libsodium's crypto_sign_verify_detached computes [S]B - [h]A with a
// sliding-window double scalar multiplication: about 256 point doublings and
// 90 additions, plus decompressing A, for every signature. A ledger checks
// thousands of signatures under the same few hundred keys, so this file
// precomputes, once per key, the multiples j * 2^(12 k) * (-A) (k < 22,
// j <= 32: for 6-bit signed digits) as affine points, as ref10 does for the
// base point B alone (with 4-bit digits). A check is then SHA-512, about 86
// mixed additions, 6 doublings and a share of one inversion (checks made
// together share it): 2.8 times libsodium's rate on the reference machine.
//
// The accept set is libsodium 1.0.18's, exactly (tests/ledger/ed25519_test.cc
// compares the two on valid, corrupted and crafted signatures):
//   - S must be canonical (S < L);
//   - A must be a canonical encoding (y < p), not of a small-order point,
//     and on the curve;
//   - R must not encode a small-order point;
//   - the encoding of [S]B - [h mod L]A must equal R byte for byte (the
//     cofactorless equation), h = SHA-512(R || A || M).
// libsodium tests R against a list of encodings before computing; here R is
// compared with a canonical encoding first, so only the canonical small-order
// encodings can get through, and they are caught by [8]R' == identity. A key
// with a small-order or undecodable A gets no table: libsodium checks it.
//
// Variable time, like libsodium's verification: everything it touches is
// public (keys, signatures, messages).
#pragma once

#include <cstddef>
#include <cstdint>

#include "wasteledger/keys.h"

namespace wasteledger::internal {

// What crypto_sign_verify_detached(sig, msg, len, pk) == 0 says: through a
// table for `pk` once the key has been used kEd25519TableAfterUses times in
// the process (the table is then kept for the life of the process, for up to
// kMaxEd25519Tables keys), through libsodium until then and for later keys.
bool Ed25519Verify(const PublicKey& pk, const uint8_t sig[64], const uint8_t* msg, size_t len);

// Many checks at once: ok[i] is Ed25519Verify of checks[i]. Cheaper per
// check: each group of 16 shares one field inversion.
// The message signed is prefix || msg (either may be empty).
struct Ed25519Check {
  const PublicKey* pk;
  const uint8_t* sig;  // 64 bytes
  const uint8_t* msg;
  size_t len;
  const uint8_t* prefix = nullptr;
  size_t prefix_len = 0;
};
void Ed25519VerifyMany(const Ed25519Check* checks, size_t n, bool* ok);

// A table (84 KiB: 22 rows of 32 points, for 6-bit digits) costs about 13
// verifications to build; it pays for itself within a few dozen checks.
inline constexpr size_t kMaxEd25519Tables = 256;
inline constexpr uint32_t kEd25519TableAfterUses = 8;

// Off: every check goes to libsodium. On by default; the environment
// variable WASTELEDGER_ED25519_TABLES=0 turns it off for the process.
void SetEd25519Tables(bool on);
bool Ed25519TablesOn();
// For tests: build a key's table from its n-th check (default
// kEd25519TableAfterUses).
void SetEd25519TableAfterUses(uint32_t n);
// Keys with a table so far.
size_t Ed25519TableCount();

// Test support: arithmetic on encoded points, with no check that a point is
// in the prime-order subgroup (unlike libsodium's crypto_core_ed25519_*).
// False for an encoding that does not decode.
bool Ed25519PointAddForTesting(uint8_t out[32], const uint8_t p[32], const uint8_t q[32]);
// [n]P for any 256-bit little-endian n (not reduced).
bool Ed25519ScalarMultForTesting(uint8_t out[32], const uint8_t n[32], const uint8_t p[32]);

}  // namespace wasteledger::internal
