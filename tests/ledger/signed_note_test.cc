#include "wasteledger/signed_note.h"

#include <catch2/catch.hpp>
#include <vector>

#include "wasteledger/hash.h"

namespace wasteledger {
namespace {

const std::string kDash = "\xE2\x80\x94 ";

// Published vectors (shared/data/vectors/transparency-vectors.md).
constexpr const char* kVkeyA = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
const std::string kNoteA =
    "This is an example message.\n\n" + kDash +
    "example.com/foo "
    "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n";

constexpr const char* kVkeyB = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
constexpr const char* kVkeyEnoch = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
constexpr const char* kSeedB = "810a1402d5146c8d84f2443330f54080ebf98ee17d9c74f6252fc5d5c7283173";
const std::string kTextB =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
const std::string kSigLineB =
    kDash +
    "PeterNeumann "
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
const std::string kSigLineEnoch =
    kDash +
    "EnochRoot "
    "rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

VerifierKey Vkey(const char* s) {
  auto k = VerifierKey::Parse(s);
  REQUIRE(k.ok());
  return *k;
}

Status Verify(std::string_view note, const std::vector<VerifierKey>& known) {
  auto parsed = ParseNote(note);
  if (!parsed.ok()) return parsed.status();
  return VerifyNote(*parsed, known);
}

TEST_CASE("note vector A parses and verifies", "[note]") {
  auto note = ParseNote(kNoteA);
  REQUIRE(note.ok());
  CHECK(note->text == "This is an example message.\n");
  REQUIRE(note->signatures.size() == 1);
  CHECK(note->signatures[0].name == "example.com/foo");
  CHECK(note->signatures[0].key_id == 0x530d903au);
  CHECK(note->signatures[0].signature.size() == 64);
  CHECK(FormatNote(*note) == kNoteA);
  const std::vector<VerifierKey> known = {Vkey(kVkeyA)};
  CHECK(VerifyNote(*note, known).ok());
}

TEST_CASE("note vector B signs to exactly the published line", "[note]") {
  auto key = SigningKey::FromSeed("PeterNeumann", *FromHex(kSeedB));
  REQUIRE(key.ok());
  const std::string note = SignNote(kTextB, *key);
  CHECK(note == kTextB + "\n" + kSigLineB);
  CHECK(Verify(note, {Vkey(kVkeyB)}).ok());
}

TEST_CASE("unknown signatures are ignored, bad known ones rejected", "[note]") {
  const std::string both = kTextB + "\n" + kSigLineB + kSigLineEnoch;
  const VerifierKey peter = Vkey(kVkeyB);
  const VerifierKey enoch = Vkey(kVkeyEnoch);
  auto parsed = ParseNote(both);
  REQUIRE(parsed.ok());
  REQUIRE(parsed->signatures.size() == 2);
  CHECK(parsed->signatures[1].key_id == 0xaf0cfe78u);
  CHECK(FormatNote(*parsed) == both);

  CHECK(Verify(both, {peter}).ok());
  CHECK(Verify(both, {enoch}).ok());
  CHECK(Verify(both, {enoch, peter}).ok());

  SECTION("no known key") {
    auto other = SigningKey::Generate("Someone");
    REQUIRE(other.ok());
    const Status s = Verify(both, {other->verifier()});
    CHECK(s.code() == Status::Code::kUnauthenticated);
    CHECK(s.message() == "no signature by a known key: expected " + other->verifier().Ref());
    CHECK(Verify(both, {}).code() == Status::Code::kUnauthenticated);
  }
  SECTION("same name, other key ID: ignored") {
    auto impostor = SigningKey::Generate("PeterNeumann");
    REQUIRE(impostor.ok());
    REQUIRE(impostor->verifier().key_id() != peter.key_id());
    CHECK(Verify(both, {impostor->verifier(), peter}).ok());
    CHECK(Verify(both, {impostor->verifier()}).code() == Status::Code::kUnauthenticated);
  }
  SECTION("a known key's signature fails: whole note rejected") {
    // Enoch's signature line under Peter's name and ID does not verify.
    std::string raw = *FromBase64(
        "rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=");
    raw.replace(0, 4, std::string("\xc7\x4f\x20\xa3", 4));
    const std::string forged = kDash + "PeterNeumann " + ToBase64(raw) + "\n";
    const std::string note = kTextB + "\n" + kSigLineEnoch + forged;
    const Status s = Verify(note, {peter, enoch});
    CHECK(s.code() == Status::Code::kUnauthenticated);
    CHECK(s.message().find("PeterNeumann+c74f20a3") != std::string::npos);
  }
  SECTION("tampered text") {
    std::string tampered = both;
    tampered[3] = 'X';
    CHECK(Verify(tampered, {peter}).code() == Status::Code::kUnauthenticated);
  }
}

TEST_CASE("note parsing edge cases", "[note]") {
  auto key = SigningKey::FromSeed("PeterNeumann", *FromHex(kSeedB));
  REQUIRE(key.ok());
  const std::vector<VerifierKey> known = {key->verifier()};

  SECTION("text with empty lines inside splits at the last blank line") {
    const std::string text = "first\n\nthird\n\n\nsixth\n";
    const std::string note = SignNote(text, *key);
    auto parsed = ParseNote(note);
    REQUIRE(parsed.ok());
    CHECK(parsed->text == text);
    CHECK(VerifyNote(*parsed, known).ok());
  }
  SECTION("text that is only a newline") {
    const std::string note = SignNote("\n", *key);
    auto parsed = ParseNote(note);
    REQUIRE(parsed.ok());
    CHECK(parsed->text == "\n");
    CHECK(VerifyNote(*parsed, known).ok());
  }
  SECTION("malformed notes") {
    const std::string good = kTextB + "\n" + kSigLineB;
    REQUIRE(ParseNote(good).ok());
    const std::vector<std::string> bad = {
        "",
        good.substr(0, good.size() - 1),                            // missing final newline
        kTextB + "\n",                                              // no signature
        kTextB,                                                     // no blank line
        kTextB + kSigLineB,                                         // no blank line before sig
        kTextB + "\n" + kSigLineB + "\n",                           // trailing blank line
        "tab\there\n\n" + kSigLineB,                                // control char in text
        "cr\r\n\n" + kSigLineB,                                     // CR in text
        "del\x7F\n\n" + kSigLineB,                                  // DEL in text
        "nul" + std::string(1, '\0') + "\n\n" + kSigLineB,          // NUL in text
        "bad \xC3\x28 utf8\n\n" + kSigLineB,                        // invalid UTF-8 in text
        kTextB + "\n- PeterNeumann x08go/ZJ=\n",                    // hyphen, not em dash
        kTextB + "\n" + kDash + "PeterNeumann\n",                   // no signature field
        kTextB + "\n" + kDash + "PeterNeumann x08go/ZJ!kuBS9U=\n",  // bad base64
        kTextB + "\n" + kDash + "PeterNeumann x08go/ZJkuBS9UG\n",   // missing padding
        // Non-alphabet bytes >= 0x80 inside base64 (libsodium 1.0.18 lets them through).
        kTextB + "\n" + kDash + "PeterNeumann tg1ERYLH\xE2\x80\x94ZXsYjOBH3mFXmRKuwHjG1Yu72IQM=\n",
        kTextB + "\n" + kDash + "PeterNeumann AAAAAA==\n",  // shorter than id + 1
        kTextB + "\n" + kDash + "PeterNeumann  " + kSigLineB.substr(kDash.size() + 13),  // two spaces
        kTextB + "\n" + kDash + " x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pA==\n",           // empty name
        kTextB + "\n" + kDash + "Peter+Neumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pA==\n",
        kTextB + "\n" + kSigLineB + "trailing garbage\n",
    };
    for (const std::string& note : bad) {
      INFO(ToHex(note));
      auto parsed = ParseNote(note);
      CHECK_FALSE(parsed.ok());
      if (!parsed.ok()) CHECK(parsed.status().code() == Status::Code::kInvalidArgument);
    }
  }
  SECTION("17 and 100 signatures are accepted, 101 refused") {
    auto other = SigningKey::Generate("witness.example/w");
    REQUIRE(other.ok());
    const std::string own_line = SignNote(kTextB, *key).substr(kTextB.size() + 1);
    const std::string other_line = SignNote(kTextB, *other).substr(kTextB.size() + 1);
    auto note_with = [&](size_t n) {
      std::string note = kTextB + "\n";
      for (size_t i = 0; i + 1 < n; ++i) note += other_line;
      note += own_line;
      return note;
    };
    for (size_t n : {size_t{17}, size_t{100}}) {
      auto parsed = ParseNote(note_with(n));
      REQUIRE(parsed.ok());
      CHECK(parsed->signatures.size() == n);
      CHECK(VerifyNote(*parsed, known).ok());
      const std::vector<VerifierKey> both = {key->verifier(), other->verifier()};
      CHECK(VerifyNote(*parsed, both).ok());
    }
    CHECK_FALSE(ParseNote(note_with(101)).ok());
  }
}

TEST_CASE("ValidateNoteText", "[note]") {
  CHECK(ValidateNoteText("a\n").ok());
  CHECK(ValidateNoteText("\xC3\xA9t\xC3\xA9\n\nx\n").ok());
  CHECK_FALSE(ValidateNoteText("").ok());
  CHECK_FALSE(ValidateNoteText("a").ok());
  CHECK_FALSE(ValidateNoteText("a\tb\n").ok());
  CHECK_FALSE(ValidateNoteText("\xFF\n").ok());
}

}  // namespace
}  // namespace wasteledger
