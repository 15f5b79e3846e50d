#include "wasteledger/checkpoint.h"

#include <catch2/catch.hpp>
#include <vector>

#include "wasteledger/signed_note.h"

namespace wasteledger {
namespace {

constexpr const char* kRoot8 = "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328";

SigningKey LogKey(const std::string& name) {
  auto key = SigningKey::FromSeed(name, std::string(32, '\x42'));
  REQUIRE(key.ok());
  return std::move(key).value();
}

Checkpoint Cp8(const std::string& origin) {
  Checkpoint cp;
  cp.origin = origin;
  cp.size = 8;
  cp.root = *HashFromHex(kRoot8);
  return cp;
}

TEST_CASE("checkpoint text matches the published root encoding", "[checkpoint]") {
  const Checkpoint cp = Cp8("example.com/log42");
  CHECK(CheckpointText(cp) == "example.com/log42\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n");
  Checkpoint empty;
  empty.origin = "example.com/log42";
  empty.root = Sha256("");
  CHECK(CheckpointText(empty) == "example.com/log42\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n");
  auto parsed = ParseCheckpointText(CheckpointText(empty));
  REQUIRE(parsed.ok());
  CHECK(*parsed == empty);
}

TEST_CASE("published checkpoint texts parse", "[checkpoint]") {
  auto sofa = ParseCheckpointText(
      "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n");
  REQUIRE(sofa.ok());
  CHECK(sofa->origin == "example.com/behind-the-sofa");
  CHECK(sofa->size == 20852163u);
  CHECK(sofa->extensions.empty());
  // Go sumdb legacy tree: root = SHA-256(0x00 || "hello world").
  auto go = ParseCheckpointText(
      "go.sum database tree\n123456789012\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n");
  REQUIRE(go.ok());
  CHECK(go->origin == "go.sum database tree");
  CHECK(go->size == 123456789012u);
  CHECK(go->root == Sha256(std::string(1, '\0'), "hello world"));
}

TEST_CASE("checkpoint sign and open round trip", "[checkpoint]") {
  const SigningKey key = LogKey("example.com/log42");
  Checkpoint cp = Cp8("example.com/log42");
  SECTION("plain") {}
  SECTION("with extensions") { cp.extensions = {"ext one", "ext-two \xC3\xA9"}; }
  SECTION("largest size") { cp.size = UINT64_MAX; }
  REQUIRE(CheckOriginKey(cp, key.verifier()).ok());
  const std::string note = SignCheckpoint(cp, key);
  auto opened = OpenCheckpoint(note, key.verifier());
  REQUIRE(opened.ok());
  CHECK(*opened == cp);

  // A witness cosignature by an unknown key is ignored.
  auto witness = SigningKey::Generate("witness.example/w1");
  REQUIRE(witness.ok());
  auto parsed = ParseNote(note);
  REQUIRE(parsed.ok());
  auto wnote = ParseNote(SignNote(parsed->text, *witness));
  REQUIRE(wnote.ok());
  parsed->signatures.push_back(wnote->signatures[0]);
  auto cosigned = OpenCheckpoint(FormatNote(*parsed), key.verifier());
  REQUIRE(cosigned.ok());
  CHECK(*cosigned == cp);
}

TEST_CASE("checkpoint text rejects", "[checkpoint]") {
  const std::string root = "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=";
  REQUIRE(ParseCheckpointText("o\n8\n" + root + "\n").ok());
  REQUIRE(ParseCheckpointText("o\n18446744073709551615\n" + root + "\n").ok());
  const std::vector<std::string> bad = {
      "o\n08\n" + root + "\n",                                 // leading zero
      "o\n00\n" + root + "\n",                                 // leading zero
      "o\n\n" + root + "\n",                                   // empty size
      "o\n-1\n" + root + "\n",                                 // sign
      "o\n+1\n" + root + "\n",                                 // sign
      "o\n1a\n" + root + "\n",                                 // not decimal
      "o\n 1\n" + root + "\n",                                 // space
      "o\n18446744073709551616\n" + root + "\n",               // overflow
      "o\n8\n" + ToBase64(std::string(31, 'a')) + "\n",        // 31-byte root
      "o\n8\n" + ToBase64(std::string(33, 'a')) + "\n",        // 33-byte root
      "o\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyh=\n",  // non-canonical
      "o\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg\n",   // no padding
      "o\n8\n" + root + "\n\n",                                // empty extension
      "o\n8\n" + root,                                         // no final newline
      "o\n8\n",                                                // two lines
      "\n8\n" + root + "\n",                                   // empty origin
      "o\t\n8\n" + root + "\n",                                // control char
  };
  for (const std::string& text : bad) {
    INFO(text);
    auto cp = ParseCheckpointText(text);
    CHECK_FALSE(cp.ok());
    if (!cp.ok()) CHECK(cp.status().code() == Status::Code::kInvalidArgument);
  }
}

TEST_CASE("checkpoint open rejects", "[checkpoint]") {
  const SigningKey key = LogKey("example.com/log42");
  const std::string note = SignCheckpoint(Cp8("example.com/log42"), key);

  SECTION("wrong origin vs key name") {
    const SigningKey other = LogKey("example.com/other");
    const Checkpoint cp = Cp8("example.com/log42");
    const Status s = CheckOriginKey(cp, other.verifier());
    CHECK(s.code() == Status::Code::kRefused);
    // Signed anyway through the note layer: opening it must fail.
    const std::string mislabelled = SignNote(CheckpointText(cp), other);
    auto opened = OpenCheckpoint(mislabelled, other.verifier());
    REQUIRE_FALSE(opened.ok());
    CHECK(opened.status().code() == Status::Code::kUnauthenticated);
    CHECK(opened.status().message() ==
          "checkpoint origin \"example.com/log42\" does not match the key name "
          "\"example.com/other\"");
  }
  SECTION("tampered size") {
    std::string tampered = note;
    const size_t at = tampered.find("\n8\n");
    REQUIRE(at != std::string::npos);
    tampered[at + 1] = '9';
    auto opened = OpenCheckpoint(tampered, key.verifier());
    REQUIRE_FALSE(opened.ok());
    CHECK(opened.status().code() == Status::Code::kUnauthenticated);
  }
  SECTION("another key of the same name") {
    auto other = SigningKey::Generate("example.com/log42");
    REQUIRE(other.ok());
    auto opened = OpenCheckpoint(note, other->verifier());
    REQUIRE_FALSE(opened.ok());
    CHECK(opened.status().message().find("no signature by a known key") != std::string::npos);
  }
  SECTION("malformed note") {
    auto opened = OpenCheckpoint(note.substr(0, note.size() - 1), key.verifier());
    REQUIRE_FALSE(opened.ok());
    CHECK(opened.status().code() == Status::Code::kInvalidArgument);
  }
  SECTION("signed text that is not a checkpoint") {
    auto opened = OpenCheckpoint(SignNote("example.com/log42\n8\n", key), key.verifier());
    REQUIRE_FALSE(opened.ok());
    CHECK(opened.status().code() == Status::Code::kInvalidArgument);
  }
}

}  // namespace
}  // namespace wasteledger
