#include "wasteledger/keys.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <random>
#include <thread>
#include <type_traits>
#include <vector>

#include "wasteledger/hash.h"

namespace wasteledger {
namespace {

static_assert(!std::is_copy_constructible_v<SigningKey>);
static_assert(!std::is_copy_assignable_v<SigningKey>);
static_assert(std::is_nothrow_move_constructible_v<SigningKey>);
static_assert(std::is_nothrow_move_assignable_v<SigningKey>);
static_assert(std::is_copy_constructible_v<VerifierKey>);

// Published vectors (shared/data/vectors/transparency-vectors.md).
constexpr const char* kVkeyA = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
constexpr const char* kPubA = "e932791ae6e7a840a46164c904786426d5e7821dd8b29a00d61cae72afdd4da4";
constexpr const char* kVkeyB = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
constexpr const char* kPubB = "1a5cd907143c384c41e830c5bce12aa8817ec5649aaabf2c31388b35b2d744d6";
constexpr const char* kSeedB = "810a1402d5146c8d84f2443330f54080ebf98ee17d9c74f6252fc5d5c7283173";
constexpr const char* kTextB =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
constexpr const char* kSigB =
    "f64992e052f541bf49f7dcbc8010c5506d885ba92cbafca40704959227348b8652060dd451580b6a5948d5e02afa9fa9"
    "d9e0a2da5165be8a13a472c81c099c03";

PublicKey PubFromHex(const char* hex) {
  const auto h = HashFromHex(hex);
  REQUIRE(h.has_value());
  return *h;
}

SigningKey KeyB() {
  auto key = SigningKey::FromSeed("PeterNeumann", *FromHex(kSeedB));
  REQUIRE(key.ok());
  return std::move(key).value();
}

TEST_CASE("vkey vector A parses and round-trips", "[keys]") {
  auto key = VerifierKey::Parse(kVkeyA);
  REQUIRE(key.ok());
  CHECK(key->name() == "example.com/foo");
  CHECK(key->key_id() == 0x530d903au);
  CHECK(key->KeyIdHex() == "530d903a");
  CHECK(key->Ref() == "example.com/foo+530d903a");
  CHECK(key->public_key() == PubFromHex(kPubA));
  CHECK(key->ToString() == kVkeyA);
  CHECK(ComputeKeyId("example.com/foo", PubFromHex(kPubA)) == 0x530d903au);
}

TEST_CASE("vector B: the seed gives the published vkey and signature", "[keys]") {
  SigningKey key = KeyB();
  CHECK(key.verifier().ToString() == kVkeyB);
  CHECK(key.verifier().public_key() == PubFromHex(kPubB));
  CHECK(key.verifier().key_id() == 0xc74f20a3u);
  const std::string sig = key.Sign(kTextB);
  CHECK(ToHex(sig) == kSigB);
  auto vkey = VerifierKey::Parse(kVkeyB);
  REQUIRE(vkey.ok());
  CHECK(*vkey == key.verifier());
  CHECK(vkey->Verify(kTextB, sig));
  CHECK_FALSE(vkey->Verify("If you think", sig));
  std::string seed_seen;
  REQUIRE(key.WithSeed([&](std::string_view seed) { seed_seen = ToHex(seed); }).ok());
  CHECK(seed_seen == kSeedB);
}

TEST_CASE("extra key-ID vectors recompute", "[keys]") {
  for (const char* vkey : {"log.example.org+0a72cd63+AV2yLmzeBL9B3zFJNqal0JuqxiFve0m/eqmT1+KkLVeC",
                           "example.org/log+b0201859+Aawb3XxZM7k072GrHtogNwVl3F5b5SbqFs83YYw+Yjbq",
                           "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"}) {
    INFO(vkey);
    auto key = VerifierKey::Parse(vkey);
    REQUIRE(key.ok());
    CHECK(ComputeKeyId(key->name(), key->public_key()) == key->key_id());
    CHECK(key->ToString() == vkey);
  }
  // A type 0x04 cosigner key: not an Ed25519 note key, so Parse refuses it,
  // but its ID follows the same recipe with type byte 0x04.
  const std::string cosigner = "remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2";
  auto parsed = VerifierKey::Parse(cosigner);
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.status().message().find("unsupported key type 4") != std::string::npos);
  const std::string raw = *FromBase64("BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2");
  REQUIRE(raw.size() == 33);
  const Hash h = Sha256(std::string("remora.n621.de\n") + raw);
  CHECK(ToHex(std::string_view(reinterpret_cast<const char*>(h.data()), 4)) == "da77ade7");
}

TEST_CASE("bad vkeys are refused", "[keys]") {
  const std::vector<std::string> bad = {
      // Published negatives: wrong length, unknown algorithm 0x65.
      "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==",
      "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
      // Key ID does not match.
      "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
      // Name changed, so the ID no longer matches.
      "PeterNeumanN+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
      // Upper-case, short and non-hex key IDs.
      "PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
      "PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
      "PeterNeumann+c74f20ag+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
      // Bad base64: missing padding char, bad char, truncated.
      "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T",
      "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T!",
      "PeterNeumann+c74f20a3+",
      // Bad shapes and names.
      "PeterNeumann+c74f20a3",
      "PeterNeumann",
      "",
      "+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
      "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
  };
  for (const std::string& vkey : bad) {
    INFO(vkey);
    auto key = VerifierKey::Parse(vkey);
    CHECK_FALSE(key.ok());
    if (!key.ok()) CHECK(key.status().code() == Status::Code::kInvalidArgument);
  }
}

TEST_CASE("strict base64 refuses bytes outside the alphabet", "[keys]") {
  CHECK(internal::DecodeBase64Strict("AAEC") == std::string("\x00\x01\x02", 3));
  CHECK(internal::DecodeBase64Strict("") == std::string());
  CHECK_FALSE(internal::DecodeBase64Strict("tg1ERYLH\xE2\x80\x94ZXsYjOBH3mFXmRKuwHjG1Yu72IQM=").has_value());
  CHECK_FALSE(internal::DecodeBase64Strict("AAE C").has_value());
  CHECK_FALSE(internal::DecodeBase64Strict("AAE").has_value());
  std::mt19937 rng(99);
  for (int i = 0; i < 2000; ++i) {
    std::string bytes(rng() % 40, '\0');
    for (char& c : bytes) c = static_cast<char>(rng());
    CHECK(internal::DecodeBase64Strict(ToBase64(bytes)) == bytes);
  }
}

TEST_CASE("key names follow the signed-note rules", "[keys]") {
  for (std::string ok :
       {"a", "example.com/log42", "PeterNeumann", "\xC3\xA9t\xC3\xA9", "x\xF0\x9F\x98\x80"}) {
    INFO(ok);
    CHECK(ValidateKeyName(ok).ok());
  }
  const std::vector<std::string> bad = {
      "",
      "a b",
      "a+b",
      "a\tb",
      "a\nb",
      "a\x01",
      "a\x7F",
      "a\xC2\x85",      // NEL (C1 control and a space)
      "a\xC2\xA0",      // NBSP
      "a\xE3\x80\x80",  // ideographic space
      "a\xE2\x80\xA8",  // line separator
      "a\xC2\x9F",      // C1 control
      "a\x80",
      "a\xC0\x80",          // lone continuation, overlong NUL
      "a\xED\xA0\x80",      // surrogate
      "a\xF4\x90\x80\x80",  // above U+10FFFF
      "a\xE2\x80",          // truncated
  };
  for (const std::string& name : bad) {
    INFO(ToHex(name));
    CHECK_FALSE(ValidateKeyName(name).ok());
  }
  CHECK_FALSE(SigningKey::Generate("bad name").ok());
  CHECK_FALSE(VerifierKey::FromPublicKey("a+b", PublicKey{}).ok());
}

// Reference UTF-8 encoder for the randomised decoder check.
std::string EncodeUtf8(uint32_t cp) {
  std::string out;
  auto put = [&](uint32_t v) { out.push_back(static_cast<char>(v)); };
  if (cp < 0x80) {
    put(cp);
  } else if (cp < 0x800) {
    put(0xC0 | (cp >> 6));
    put(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    put(0xE0 | (cp >> 12));
    put(0x80 | ((cp >> 6) & 0x3F));
    put(0x80 | (cp & 0x3F));
  } else {
    put(0xF0 | (cp >> 18));
    put(0x80 | ((cp >> 12) & 0x3F));
    put(0x80 | ((cp >> 6) & 0x3F));
    put(0x80 | (cp & 0x3F));
  }
  return out;
}

TEST_CASE("UTF-8 decoding matches a reference encoder", "[keys]") {
  std::mt19937 rng(20240611);
  std::uniform_int_distribution<uint32_t> dist(0, 0x10FFFF);
  for (int i = 0; i < 20000; ++i) {
    uint32_t cp = dist(rng);
    if (i % 4 == 0) cp &= 0x7FF;  // more short sequences
    const std::string enc = EncodeUtf8(cp);
    size_t pos = 0;
    const int32_t got = internal::DecodeUtf8CodePoint(enc, &pos);
    if (cp >= 0xD800 && cp <= 0xDFFF) {
      CHECK(got == -1);
    } else {
      REQUIRE(got == static_cast<int32_t>(cp));
      CHECK(pos == enc.size());
      // Every strict prefix is truncated, hence invalid.
      for (size_t n = 1; n < enc.size(); ++n) {
        size_t p = 0;
        CHECK(internal::DecodeUtf8CodePoint(std::string_view(enc).substr(0, n), &p) == -1);
      }
    }
  }
}

TEST_CASE("sign and verify random messages", "[keys]") {
  auto key = SigningKey::Generate("example.com/random");
  REQUIRE(key.ok());
  auto other = SigningKey::Generate("example.com/random");
  REQUIRE(other.ok());
  CHECK_FALSE(key->verifier() == other->verifier());
  const VerifierKey& v = key->verifier();
  auto reparsed = VerifierKey::Parse(v.ToString());
  REQUIRE(reparsed.ok());
  CHECK(*reparsed == v);

  std::mt19937 rng(7);
  for (int i = 0; i < 50; ++i) {
    std::string msg(rng() % 300, '\0');
    for (char& c : msg) c = static_cast<char>(rng());
    const std::string sig = key->Sign(msg);
    REQUIRE(sig.size() == 64);
    CHECK(key->Sign(msg) == sig);  // deterministic
    CHECK(v.Verify(msg, sig));
    CHECK_FALSE(other->verifier().Verify(msg, sig));
    std::string flipped = sig;
    flipped[rng() % 64] ^= static_cast<char>(1u << (rng() % 8));
    CHECK_FALSE(v.Verify(msg, flipped));
    if (!msg.empty()) {
      std::string changed = msg;
      changed[rng() % changed.size()] ^= 0x01;
      CHECK_FALSE(v.Verify(changed, sig));
    }
    CHECK_FALSE(v.Verify(msg, sig.substr(0, 63)));
    CHECK_FALSE(v.Verify(msg, sig + "x"));
  }
}

TEST_CASE("seed length and move semantics", "[keys]") {
  CHECK_FALSE(SigningKey::FromSeed("k", std::string(31, 'x')).ok());
  CHECK_FALSE(SigningKey::FromSeed("k", std::string(33, 'x')).ok());
  SigningKey a = KeyB();
  SigningKey b = std::move(a);
  CHECK(ToHex(b.Sign(kTextB)) == kSigB);
  auto c = SigningKey::Generate("c");
  REQUIRE(c.ok());
  b = std::move(*c);
  CHECK(b.verifier().name() == "c");
  CHECK(b.verifier().Verify("m", b.Sign("m")));
}

TEST_CASE("signing and verifying from several threads", "[keys]") {
  const SigningKey key = KeyB();
  const VerifierKey v = key.verifier();
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 100; ++i) {
        const std::string msg = "thread " + std::to_string(t) + " message " + std::to_string(i);
        const std::string sig = key.Sign(msg);
        if (!v.Verify(msg, sig)) ++failures;
        if (ToHex(key.Sign(kTextB)) != kSigB) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(failures.load() == 0);
}

}  // namespace
}  // namespace wasteledger
