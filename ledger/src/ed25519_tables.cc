#include "ed25519_tables.h"

#include <sodium.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>
#include <vector>

#ifndef WL_ED25519_W
#define WL_ED25519_W 6  // measured: 4 -> 2.3x libsodium, 5 -> 2.6x, 6 -> 2.8x, 7 -> 2.8x
#endif

namespace wasteledger::internal {
namespace {

// ---------------------------------------------------------------------------
// GF(2^255 - 19): five 51-bit limbs. Mul and Sq take limbs below 2^54 and
// give limbs below 2^52; Add gives the sum of its inputs' bounds; Sub gives
// limbs below 2^52 for a second operand below 2^53.

__extension__ typedef unsigned __int128 u128;
constexpr uint64_t kMask51 = (uint64_t{1} << 51) - 1;

struct Fe {
  uint64_t v[5];
};

constexpr Fe kZero{{0, 0, 0, 0, 0}};
constexpr Fe kOne{{1, 0, 0, 0, 0}};

inline uint64_t Lo(u128 x) { return static_cast<uint64_t>(x); }
inline u128 W(uint64_t x) { return x; }

inline void Carry(Fe& r) {
  uint64_t c = 0;
  for (int i = 0; i < 5; ++i) {
    r.v[i] += c;
    c = r.v[i] >> 51;
    r.v[i] &= kMask51;
  }
  r.v[0] += 19 * c;
}

inline Fe Add(const Fe& a, const Fe& b) {
  return Fe{{a.v[0] + b.v[0], a.v[1] + b.v[1], a.v[2] + b.v[2], a.v[3] + b.v[3], a.v[4] + b.v[4]}};
}

// a + 4p - b, carried.
inline Fe Sub(const Fe& a, const Fe& b) {
  constexpr uint64_t k4p0 = (uint64_t{1} << 53) - 76;
  constexpr uint64_t k4pi = (uint64_t{1} << 53) - 4;
  Fe r{{a.v[0] + k4p0 - b.v[0], a.v[1] + k4pi - b.v[1], a.v[2] + k4pi - b.v[2], a.v[3] + k4pi - b.v[3],
        a.v[4] + k4pi - b.v[4]}};
  Carry(r);
  return r;
}

inline Fe Neg(const Fe& a) { return Sub(kZero, a); }

inline Fe Reduce(u128 t0, u128 t1, u128 t2, u128 t3, u128 t4) {
  Fe r;
  t1 += t0 >> 51;
  r.v[0] = Lo(t0) & kMask51;
  t2 += t1 >> 51;
  r.v[1] = Lo(t1) & kMask51;
  t3 += t2 >> 51;
  r.v[2] = Lo(t2) & kMask51;
  t4 += t3 >> 51;
  r.v[3] = Lo(t3) & kMask51;
  const u128 c = t4 >> 51;
  r.v[4] = Lo(t4) & kMask51;
  const u128 x = W(r.v[0]) + c * 19;
  r.v[0] = Lo(x) & kMask51;
  r.v[1] += Lo(x >> 51);
  return r;
}

inline Fe Mul(const Fe& a, const Fe& b) {
  const uint64_t b1 = 19 * b.v[1], b2 = 19 * b.v[2], b3 = 19 * b.v[3], b4 = 19 * b.v[4];
  const uint64_t* x = a.v;
  const uint64_t* y = b.v;
  const u128 t0 = W(x[0]) * y[0] + W(x[1]) * b4 + W(x[2]) * b3 + W(x[3]) * b2 + W(x[4]) * b1;
  const u128 t1 = W(x[0]) * y[1] + W(x[1]) * y[0] + W(x[2]) * b4 + W(x[3]) * b3 + W(x[4]) * b2;
  const u128 t2 = W(x[0]) * y[2] + W(x[1]) * y[1] + W(x[2]) * y[0] + W(x[3]) * b4 + W(x[4]) * b3;
  const u128 t3 = W(x[0]) * y[3] + W(x[1]) * y[2] + W(x[2]) * y[1] + W(x[3]) * y[0] + W(x[4]) * b4;
  const u128 t4 = W(x[0]) * y[4] + W(x[1]) * y[3] + W(x[2]) * y[2] + W(x[3]) * y[1] + W(x[4]) * y[0];
  return Reduce(t0, t1, t2, t3, t4);
}

inline Fe Sq(const Fe& a) {
  const uint64_t* x = a.v;
  const uint64_t d0 = 2 * x[0], d1 = 2 * x[1], d2 = 2 * x[2], d3 = 2 * x[3];
  const uint64_t x3_19 = 19 * x[3], x4_19 = 19 * x[4];
  const u128 t0 = W(x[0]) * x[0] + W(d1) * x4_19 + W(d2) * x3_19;
  const u128 t1 = W(d0) * x[1] + W(d2) * x4_19 + W(x[3]) * x3_19;
  const u128 t2 = W(d0) * x[2] + W(x[1]) * x[1] + W(d3) * x4_19;
  const u128 t3 = W(d0) * x[3] + W(d1) * x[2] + W(x[4]) * x4_19;
  const u128 t4 = W(d0) * x[4] + W(d1) * x[3] + W(x[2]) * x[2];
  return Reduce(t0, t1, t2, t3, t4);
}

inline Fe SqN(Fe a, int n) {
  for (int i = 0; i < n; ++i) a = Sq(a);
  return a;
}

// z^(2^250 - 1), and z^11 on the side: the common part of inversion and
// the square root's exponent.
Fe Pow2_250_1(const Fe& z, Fe* z11) {
  const Fe z2 = Sq(z);
  const Fe z9 = Mul(SqN(z2, 2), z);
  *z11 = Mul(z9, z2);
  const Fe z_5_0 = Mul(Sq(*z11), z9);                // 2^5 - 1
  const Fe z_10_0 = Mul(SqN(z_5_0, 5), z_5_0);       // 2^10 - 1
  const Fe z_20_0 = Mul(SqN(z_10_0, 10), z_10_0);    // 2^20 - 1
  const Fe z_40_0 = Mul(SqN(z_20_0, 20), z_20_0);    // 2^40 - 1
  const Fe z_50_0 = Mul(SqN(z_40_0, 10), z_10_0);    // 2^50 - 1
  const Fe z_100_0 = Mul(SqN(z_50_0, 50), z_50_0);   // 2^100 - 1
  const Fe z_200_0 = Mul(SqN(z_100_0, 100), z_100_0);  // 2^200 - 1
  return Mul(SqN(z_200_0, 50), z_50_0);              // 2^250 - 1
}

// z^(p - 2) = z^(2^255 - 21).
Fe Invert(const Fe& z) {
  Fe z11;
  const Fe t = Pow2_250_1(z, &z11);
  return Mul(SqN(t, 5), z11);
}

// z^((p - 5) / 8) = z^(2^252 - 3).
Fe Pow22523(const Fe& z) {
  Fe z11;
  const Fe t = Pow2_250_1(z, &z11);
  return Mul(SqN(t, 2), z);
}

// Replaces each of z[0..n) (none zero) by its inverse with one inversion
// (Montgomery's trick); `prefix` is scratch space for n elements.
void InvertAll(Fe* z, Fe* prefix, size_t n) {
  Fe acc = kOne;
  for (size_t i = 0; i < n; ++i) {
    prefix[i] = acc;  // the product of the z's before i
    acc = Mul(acc, z[i]);
  }
  Fe inv = Invert(acc);  // 1 / (the product of them all)
  for (size_t i = n; i-- > 0;) {
    const Fe zi = Mul(inv, prefix[i]);
    inv = Mul(inv, z[i]);
    z[i] = zi;
  }
}

uint64_t Load64(const uint8_t* p) {
  uint64_t x = 0;
  for (int i = 7; i >= 0; --i) x = (x << 8) | p[i];
  return x;
}

void Store64(uint8_t* p, uint64_t x) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<uint8_t>(x >> (8 * i));
}

// The low 255 bits, not reduced mod p.
Fe FromBytes(const uint8_t s[32]) {
  const uint64_t w0 = Load64(s), w1 = Load64(s + 8), w2 = Load64(s + 16), w3 = Load64(s + 24);
  return Fe{{w0 & kMask51, ((w0 >> 51) | (w1 << 13)) & kMask51, ((w1 >> 38) | (w2 << 26)) & kMask51,
             ((w2 >> 25) | (w3 << 39)) & kMask51, (w3 >> 12) & kMask51}};
}

// The canonical encoding (fully reduced).
void ToBytes(uint8_t s[32], const Fe& a) {
  Fe t = a;
  Carry(t);
  Carry(t);  // now t < 2^255 + 19 < 2p, limbs 1..4 below 2^51
  uint64_t q = (t.v[0] + 19) >> 51;
  for (int i = 1; i < 5; ++i) q = (t.v[i] + q) >> 51;  // 1 iff t >= p
  t.v[0] += 19 * q;
  uint64_t c = 0;
  for (int i = 0; i < 5; ++i) {
    t.v[i] += c;
    c = t.v[i] >> 51;
    t.v[i] &= kMask51;  // drops 2^255 when q == 1
  }
  Store64(s, t.v[0] | (t.v[1] << 51));
  Store64(s + 8, (t.v[1] >> 13) | (t.v[2] << 38));
  Store64(s + 16, (t.v[2] >> 26) | (t.v[3] << 25));
  Store64(s + 24, (t.v[3] >> 39) | (t.v[4] << 12));
}

bool IsZero(const Fe& a) {
  uint8_t s[32];
  ToBytes(s, a);
  uint8_t acc = 0;
  for (uint8_t b : s) acc |= b;
  return acc == 0;
}

bool IsNegative(const Fe& a) {
  uint8_t s[32];
  ToBytes(s, a);
  return (s[0] & 1) != 0;
}

Fe FromInt(uint64_t x) { return Fe{{x, 0, 0, 0, 0}}; }

// The curve's constants, derived rather than transcribed: d = -121665/121666,
// sqrt(-1) = 2^((p-1)/4) (2 is not a square mod p).
struct Constants {
  Fe d, d2, sqrtm1;
  Constants() {
    d = Mul(Neg(FromInt(121665)), Invert(FromInt(121666)));
    d2 = Add(d, d);
    Carry(d2);
    // (p - 1) / 4 = 2^253 - 5: bits 252..0 all set but bit 2.
    const Fe two = FromInt(2);
    Fe r = kOne;
    for (int bit = 252; bit >= 0; --bit) {
      r = Sq(r);
      if (bit != 2) r = Mul(r, two);
    }
    sqrtm1 = r;
  }
};

const Constants& K() {
  static const Constants k;
  return k;
}

// ---------------------------------------------------------------------------
// Points on -x^2 + y^2 = 1 + d x^2 y^2 (the representations of ref10).

struct P2 {  // projective: x = X/Z, y = Y/Z
  Fe X, Y, Z;
};
struct P3 {  // extended: also T = XY/Z
  Fe X, Y, Z, T;
};
struct P1P1 {  // completed: x = X/Z, y = Y/T
  Fe X, Y, Z, T;
};
struct Precomp {  // affine: y + x, y - x, 2dxy
  Fe ypx, ymx, xy2d;
};
struct Cached {  // Y + X, Y - X, Z, 2dT
  Fe ypx, ymx, Z, t2d;
};

constexpr P3 kIdentity{kZero, kOne, kOne, kZero};

inline P2 ToP2(const P1P1& p) { return P2{Mul(p.X, p.T), Mul(p.Y, p.Z), Mul(p.Z, p.T)}; }
inline P3 ToP3(const P1P1& p) { return P3{Mul(p.X, p.T), Mul(p.Y, p.Z), Mul(p.Z, p.T), Mul(p.X, p.Y)}; }
inline P2 ToP2(const P3& p) { return P2{p.X, p.Y, p.Z}; }

Cached ToCached(const P3& p) { return Cached{Add(p.Y, p.X), Sub(p.Y, p.X), p.Z, Mul(p.T, K().d2)}; }

inline P1P1 Dbl(const P2& p) {
  const Fe xx = Sq(p.X);
  const Fe yy = Sq(p.Y);
  const Fe zz2 = Add(Sq(p.Z), Sq(p.Z));
  const Fe aa = Sq(Add(p.X, p.Y));
  P1P1 r;
  r.Y = Add(yy, xx);
  r.Z = Sub(yy, xx);
  r.X = Sub(aa, r.Y);
  r.T = Sub(zz2, r.Z);
  return r;
}

// p + q, or p - q (-q swaps y + x and y - x and negates 2dxy).
template <bool kMinus>
inline P1P1 AddPrecomp(const P3& p, const Precomp& q) {
  const Fe a = Mul(Add(p.Y, p.X), kMinus ? q.ymx : q.ypx);
  const Fe b = Mul(Sub(p.Y, p.X), kMinus ? q.ypx : q.ymx);
  const Fe c = Mul(q.xy2d, p.T);
  const Fe d = Add(p.Z, p.Z);
  if (kMinus) return P1P1{Sub(a, b), Add(a, b), Sub(d, c), Add(d, c)};
  return P1P1{Sub(a, b), Add(a, b), Add(d, c), Sub(d, c)};
}

P1P1 AddCached(const P3& p, const Cached& q) {
  const Fe a = Mul(Add(p.Y, p.X), q.ypx);
  const Fe b = Mul(Sub(p.Y, p.X), q.ymx);
  const Fe c = Mul(q.t2d, p.T);
  const Fe zz = Mul(p.Z, q.Z);
  const Fe d = Add(zz, zz);
  return P1P1{Sub(a, b), Add(a, b), Add(d, c), Sub(d, c)};
}

// Decodes y and the sign of x (the encoding need not be canonical: callers
// that care check that first). False if no point has that y.
bool Decode(P3* p, const uint8_t s[32]) {
  const Constants& k = K();
  const Fe y = FromBytes(s);
  const Fe yy = Sq(y);
  const Fe u = Sub(yy, kOne);         // y^2 - 1
  const Fe v = Add(Mul(yy, k.d), kOne);  // d y^2 + 1
  const Fe v3 = Mul(Sq(v), v);
  Fe x = Mul(Mul(Sq(v3), v), u);  // u v^7
  x = Mul(Mul(Pow22523(x), v3), u);  // u v^3 (u v^7)^((p-5)/8)
  const Fe vxx = Mul(Sq(x), v);
  if (!IsZero(Sub(vxx, u))) {
    if (!IsZero(Add(vxx, u))) return false;
    x = Mul(x, k.sqrtm1);
  }
  if (IsNegative(x) != ((s[31] >> 7) != 0)) x = Neg(x);
  *p = P3{x, y, kOne, Mul(x, y)};
  return true;
}

void Encode(uint8_t s[32], const P2& p) {
  const Fe zi = Invert(p.Z);
  ToBytes(s, Mul(p.Y, zi));
  s[31] = static_cast<uint8_t>(s[31] ^ (IsNegative(Mul(p.X, zi)) ? 0x80 : 0));
}

// [8]P == identity: P is one of the eight points of small order.
bool HasSmallOrder(const P3& p) {
  P2 q = ToP2(p);
  for (int i = 0; i < 3; ++i) q = ToP2(Dbl(q));
  return IsZero(q.X) && IsZero(Sub(q.Y, q.Z));
}

// ---------------------------------------------------------------------------
// Tables. A scalar is written in kPositions signed digits of kW bits, each
// in [-2^(kW-1), 2^(kW-1)]; table entry [k][j] is (j + 1) * 2^(2 kW k) * P,
// affine, so digit positions 2k and 2k + 1 share row k (the odd positions
// are summed first and the sum doubled kW times).

constexpr int kW = WL_ED25519_W;
constexpr size_t kEntries = size_t{1} << (kW - 1);
constexpr int kPositions = (256 + kW - 1) / kW;  // the top digit absorbs the last carry
constexpr size_t kRows = (static_cast<size_t>(kPositions) + 1) / 2;
constexpr size_t kPoints = kRows * kEntries;

struct Table {
  Precomp at[kRows][kEntries];
};

void BuildTable(Table* table, const P3& point) {
  std::vector<P3> pts(kPoints);
  P3 base = point;
  for (size_t k = 0; k < kRows; ++k) {
    pts[k * kEntries] = base;
    const Cached c = ToCached(base);
    for (size_t j = 1; j < kEntries; ++j) pts[k * kEntries + j] = ToP3(AddCached(pts[k * kEntries + j - 1], c));
    if (k + 1 == kRows) break;
    P2 q = ToP2(base);
    for (int i = 0; i < 2 * kW - 1; ++i) q = ToP2(Dbl(q));
    base = ToP3(Dbl(q));
  }
  std::vector<Fe> zi(kPoints);
  std::vector<Fe> scratch(kPoints);
  for (size_t i = 0; i < kPoints; ++i) zi[i] = pts[i].Z;
  InvertAll(zi.data(), scratch.data(), kPoints);
  for (size_t i = 0; i < kPoints; ++i) {
    const Fe x = Mul(pts[i].X, zi[i]);
    const Fe y = Mul(pts[i].Y, zi[i]);
    Precomp& e = table->at[i / kEntries][i % kEntries];
    e.ypx = Add(y, x);
    Carry(e.ypx);
    e.ymx = Sub(y, x);
    e.xy2d = Mul(Mul(x, y), K().d2);
  }
}

const Table& BaseTable() {
  static const Table* table = [] {
    // The base point's encoding, from libsodium ([1]B).
    uint8_t one[32] = {1};
    uint8_t b[32];
    if (sodium_init() < 0 || crypto_scalarmult_ed25519_base_noclamp(b, one) != 0) std::abort();
    P3 p;
    if (!Decode(&p, b)) std::abort();
    auto* t = new Table;
    BuildTable(t, p);
    return t;
  }();
  return *table;
}

// The signed digits of a scalar below 2^253.
void Digits(int8_t e[kPositions], const uint8_t a[32]) {
  int carry = 0;
  for (int i = 0; i < kPositions; ++i) {
    // Bits [kW i, kW i + kW) of a.
    int bits = 0;
    for (int b = 0; b < kW; ++b) {
      const int bit = kW * i + b;
      if (bit < 256) bits |= ((a[bit / 8] >> (bit % 8)) & 1) << b;
    }
    const int d = bits + carry;
    if (i + 1 == kPositions) {
      e[i] = static_cast<int8_t>(d);
      break;
    }
    carry = (d + (1 << (kW - 1))) >> kW;
    e[i] = static_cast<int8_t>(d - (carry << kW));
  }
}

inline P3 AddDigit(const P3& acc, const Precomp (&row)[kEntries], int8_t e) {
  if (e > 0) return ToP3(AddPrecomp<false>(acc, row[e - 1]));
  if (e < 0) return ToP3(AddPrecomp<true>(acc, row[-e - 1]));
  return acc;
}

// S < L, the group order 2^252 + 27742317777372353535851937790883648493.
bool ScalarIsCanonical(const uint8_t s[32]) {
  static constexpr uint8_t kL[32] = {0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7,
                                     0xa2, 0xde, 0xf9, 0xde, 0x14, 0,    0,    0,    0,    0,    0,
                                     0,    0,    0,    0,    0,    0,    0,    0,    0,    0x10};
  for (int i = 31; i >= 0; --i) {
    if (s[i] != kL[i]) return s[i] < kL[i];
  }
  return false;
}

// y < p for the low 255 bits.
bool EncodingIsCanonical(const uint8_t s[32]) {
  if ((s[31] & 0x7f) != 0x7f) return true;
  for (int i = 30; i > 0; --i) {
    if (s[i] != 0xff) return true;
  }
  return s[0] < 0xed;
}

// A key's table of -A.
struct KeyTable {
  PublicKey pk;
  Table minus_a;
};

// Null when libsodium would refuse every signature under the key (or the
// key is odd in a way libsodium should judge).
std::unique_ptr<KeyTable> MakeKeyTable(const PublicKey& pk) {
  if (!EncodingIsCanonical(pk.data())) return nullptr;
  P3 a;
  if (!Decode(&a, pk.data()) || HasSmallOrder(a)) return nullptr;
  auto t = std::make_unique<KeyTable>();
  t->pk = pk;
  const P3 minus_a{Neg(a.X), a.Y, a.Z, Neg(a.T)};
  BuildTable(&t->minus_a, minus_a);
  return t;
}

// The first part of a check: [S]B + [h](-A), which should be R. False (and
// *out untouched) when S is not canonical.
bool ComputeR(P2* out, const KeyTable& key, const Ed25519Check& c) {
  const uint8_t* sig = c.sig;
  const uint8_t* s = sig + 32;
  if (!ScalarIsCanonical(s)) return false;
  uint8_t digest[64];
  crypto_hash_sha512_state st;
  crypto_hash_sha512_init(&st);
  crypto_hash_sha512_update(&st, sig, 32);
  crypto_hash_sha512_update(&st, key.pk.data(), 32);
  if (c.prefix_len != 0) crypto_hash_sha512_update(&st, c.prefix, c.prefix_len);
  crypto_hash_sha512_update(&st, c.msg, c.len);
  crypto_hash_sha512_final(&st, digest);
  uint8_t h[32];
  crypto_core_ed25519_scalar_reduce(h, digest);
  int8_t eh[kPositions];
  int8_t es[kPositions];
  Digits(eh, h);
  Digits(es, s);

  // [S]B + [h](-A) = sum over digits i of (es_i B + eh_i (-A)) 2^(kW i):
  // the odd digits first, times 2^kW, then the even ones.
  const Table& b = BaseTable();
  P3 acc = kIdentity;
  for (int i = 1; i < kPositions; i += 2) {
    acc = AddDigit(acc, key.minus_a.at[i / 2], eh[i]);
    acc = AddDigit(acc, b.at[i / 2], es[i]);
  }
  P2 q = ToP2(acc);
  for (int i = 0; i < kW - 1; ++i) q = ToP2(Dbl(q));
  acc = ToP3(Dbl(q));
  for (int i = 0; i < kPositions; i += 2) {
    acc = AddDigit(acc, key.minus_a.at[i / 2], eh[i]);
    acc = AddDigit(acc, b.at[i / 2], es[i]);
  }
  *out = ToP2(acc);
  return true;
}

// The second part, given 1/Z: R's encoding matches and R is not of small
// order (libsodium refuses a small-order R).
bool MatchesR(const P2& r, const Fe& zinv, const uint8_t sig[64]) {
  uint8_t enc[32];
  ToBytes(enc, Mul(r.Y, zinv));
  enc[31] = static_cast<uint8_t>(enc[31] ^ (IsNegative(Mul(r.X, zinv)) ? 0x80 : 0));
  if (std::memcmp(enc, sig, 32) != 0) return false;
  P2 q = r;
  for (int i = 0; i < 3; ++i) q = ToP2(Dbl(q));
  return !(IsZero(q.X) && IsZero(Sub(q.Y, q.Z)));
}

bool LibsodiumVerify(const Ed25519Check& c) {
  if (c.prefix_len == 0) return crypto_sign_verify_detached(c.sig, c.msg, c.len, c.pk->data()) == 0;
  std::vector<uint8_t> whole(c.prefix, c.prefix + c.prefix_len);
  whole.insert(whole.end(), c.msg, c.msg + c.len);
  return crypto_sign_verify_detached(c.sig, whole.data(), whole.size(), c.pk->data()) == 0;
}

// ---------------------------------------------------------------------------
// The process's tables. Never evicted, so a looked-up pointer stays valid.

struct PkHash {
  size_t operator()(const PublicKey& pk) const {
    uint64_t x;
    std::memcpy(&x, pk.data(), sizeof x);
    return static_cast<size_t>(x);
  }
};

std::atomic<uint32_t>& Threshold() {
  static std::atomic<uint32_t> uses{kEd25519TableAfterUses};
  return uses;
}

class TableCache {
 public:
  // The key's table: built on its Threshold()-th check if there is room;
  // null before that, when there is no room, and for a key libsodium must
  // judge.
  const KeyTable* Get(const PublicKey& pk) {
    {
      std::shared_lock lock(mu_);
      auto it = keys_.find(pk);
      if (it != keys_.end()) {
        Slot& slot = *it->second;
        if (slot.built.load(std::memory_order_acquire)) return slot.table.get();
        if (slot.uses.fetch_add(1, std::memory_order_relaxed) + 1 < Threshold().load(std::memory_order_relaxed) ||
            tables_ >= kMaxEd25519Tables) {
          return nullptr;
        }
      } else if (Threshold().load(std::memory_order_relaxed) > 1) {
        lock.unlock();
        std::unique_lock wlock(mu_);
        auto [at, fresh] = keys_.try_emplace(pk, std::make_unique<Slot>());
        if (fresh) at->second->uses.store(1, std::memory_order_relaxed);
        return nullptr;
      }
    }
    auto built = MakeKeyTable(pk);  // outside the lock: about 13 verifications of work
    std::unique_lock lock(mu_);
    auto& slot = keys_[pk];
    if (!slot) slot = std::make_unique<Slot>();
    if (slot->built.load(std::memory_order_relaxed)) return slot->table.get();  // another thread won
    if (tables_ >= kMaxEd25519Tables) return nullptr;
    slot->table = std::move(built);
    slot->built.store(true, std::memory_order_release);
    if (slot->table) ++tables_;
    return slot->table.get();
  }
  size_t Count() const {
    std::shared_lock lock(mu_);
    return tables_;
  }

 private:
  struct Slot {
    std::atomic<uint32_t> uses{0};
    std::atomic<bool> built{false};        // table is final (maybe null)
    std::unique_ptr<const KeyTable> table;  // null: libsodium judges the key
  };
  mutable std::shared_mutex mu_;
  std::unordered_map<PublicKey, std::unique_ptr<Slot>, PkHash> keys_;
  size_t tables_ = 0;
};

TableCache& Cache() {
  static TableCache* cache = new TableCache;  // never destroyed: threads may verify at exit
  return *cache;
}

std::atomic<bool>& TablesFlag() {
  static std::atomic<bool> on{[] {
    const char* env = std::getenv("WASTELEDGER_ED25519_TABLES");
    return env == nullptr || std::strcmp(env, "0") != 0;
  }()};
  return on;
}

}  // namespace

bool Ed25519Verify(const PublicKey& pk, const uint8_t sig[64], const uint8_t* msg, size_t len) {
  const Ed25519Check check{&pk, sig, msg, len};
  bool ok = false;
  Ed25519VerifyMany(&check, 1, &ok);
  return ok;
}

void Ed25519VerifyMany(const Ed25519Check* checks, size_t n, bool* ok) {
  const bool tables = TablesFlag().load(std::memory_order_relaxed);
  // Groups of up to kGroup share one inversion (Montgomery's trick).
  constexpr size_t kGroup = 16;
  for (size_t base = 0; base < n; base += kGroup) {
    const size_t m = std::min(kGroup, n - base);
    P2 r[kGroup];
    size_t at[kGroup];  // the check each computed R belongs to
    Fe z[kGroup];
    Fe scratch[kGroup];
    size_t computed = 0;
    for (size_t i = 0; i < m; ++i) {
      const Ed25519Check& c = checks[base + i];
      ok[base + i] = false;
      const KeyTable* table = tables ? Cache().Get(*c.pk) : nullptr;
      if (table == nullptr) {
        ok[base + i] = LibsodiumVerify(c);
        continue;
      }
      if (!ComputeR(&r[computed], *table, c)) continue;
      z[computed] = r[computed].Z;
      at[computed++] = base + i;
    }
    InvertAll(z, scratch, computed);
    for (size_t k = 0; k < computed; ++k) ok[at[k]] = MatchesR(r[k], z[k], checks[at[k]].sig);
  }
}

void SetEd25519Tables(bool on) { TablesFlag().store(on); }
void SetEd25519TableAfterUses(uint32_t uses) { Threshold().store(uses == 0 ? 1 : uses); }
bool Ed25519TablesOn() { return TablesFlag().load(); }
size_t Ed25519TableCount() { return Cache().Count(); }

bool Ed25519PointAddForTesting(uint8_t out[32], const uint8_t p[32], const uint8_t q[32]) {
  P3 a;
  P3 b;
  if (!Decode(&a, p) || !Decode(&b, q)) return false;
  Encode(out, ToP2(AddCached(a, ToCached(b))));
  return true;
}

bool Ed25519ScalarMultForTesting(uint8_t out[32], const uint8_t n[32], const uint8_t p[32]) {
  P3 a;
  if (!Decode(&a, p)) return false;
  const Cached c = ToCached(a);
  P3 acc = kIdentity;
  for (int bit = 255; bit >= 0; --bit) {
    acc = ToP3(Dbl(ToP2(acc)));
    if ((n[bit / 8] >> (bit % 8)) & 1) acc = ToP3(AddCached(acc, c));
  }
  Encode(out, ToP2(acc));
  return true;
}

}  // namespace wasteledger::internal
