#include "wasteledger/key_file.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "test_util.h"
#include "wasteledger/hash.h"

namespace wasteledger {
namespace {

using testing::ReadFile;
using testing::TempDir;

constexpr const char* kSeedB = "810a1402d5146c8d84f2443330f54080ebf98ee17d9c74f6252fc5d5c7283173";

SigningKey KeyB() {
  auto key = SigningKey::FromSeed("PeterNeumann", *FromHex(kSeedB));
  REQUIRE(key.ok());
  return std::move(key).value();
}

unsigned Mode(const std::string& path) {
  struct stat st {};
  REQUIRE(stat(path.c_str(), &st) == 0);
  return static_cast<unsigned>(st.st_mode & 07777);
}

// Writes `contents` as a mode-0600 file.
void WritePrivate(const std::string& path, const std::string& contents) {
  testing::WriteFile(path, contents);
  REQUIRE(chmod(path.c_str(), 0600) == 0);
}

// A passphrase provider that counts its calls.
struct Provider {
  explicit Provider(std::string p = "") : passphrase(std::move(p)) {}
  std::string passphrase;
  int calls = 0;
  std::string last_prompt;
  PassphraseProvider Get() {
    return [this](const std::string& prompt) -> Result<std::string> {
      ++calls;
      last_prompt = prompt;
      return passphrase;
    };
  }
};

TEST_CASE("plain key file round trip", "[keyfile]") {
  TempDir dir;
  const std::string path = dir / "log.key";
  const SigningKey key = KeyB();
  REQUIRE(WriteKeyFile(path, key, std::nullopt).ok());
  CHECK(Mode(path) == 0600);

  const auto json = nlohmann::json::parse(ReadFile(path));
  CHECK(json["format"] == "wasteledger-key/v1");
  CHECK(json["name"] == "PeterNeumann");
  CHECK(json["vkey"] == key.verifier().ToString());
  CHECK(json["encryption"] == "none");
  CHECK(ToHex(*FromBase64(json["secret"].get<std::string>())) == kSeedB);
  CHECK_FALSE(json.contains("kdf"));

  Provider provider;
  auto read = ReadKeyFile(path, provider.Get());
  REQUIRE(read.ok());
  CHECK(provider.calls == 0);
  CHECK(read->verifier() == key.verifier());
  CHECK(read->Sign("m") == key.Sign("m"));

  auto vkey = ReadKeyFileVerifier(path);
  REQUIRE(vkey.ok());
  CHECK(*vkey == key.verifier());
}

TEST_CASE("encrypted key file round trip", "[keyfile]") {
  TempDir dir;
  const std::string path = dir / "log.key";
  auto key = SigningKey::Generate("example.com/log42");
  REQUIRE(key.ok());
  REQUIRE(WriteKeyFile(path, *key, std::string("correct horse"), KdfLimits::Minimum()).ok());
  CHECK(Mode(path) == 0600);

  const auto json = nlohmann::json::parse(ReadFile(path));
  CHECK(json["encryption"] == "argon2id13+xsalsa20poly1305");
  CHECK(json["kdf"]["opslimit"] == 1);
  CHECK(json["kdf"]["memlimit"] == 8192);
  CHECK(FromBase64(json["kdf"]["salt"].get<std::string>())->size() == 16);
  CHECK(FromBase64(json["nonce"].get<std::string>())->size() == 24);
  CHECK(FromBase64(json["secret"].get<std::string>())->size() == 48);

  Provider provider{"correct horse"};
  auto read = ReadKeyFile(path, provider.Get());
  REQUIRE(read.ok());
  CHECK(provider.calls == 1);
  CHECK(provider.last_prompt.find(path) != std::string::npos);
  CHECK(read->verifier() == key->verifier());
  CHECK(read->Sign("m") == key->Sign("m"));

  // The public part needs no passphrase.
  auto vkey = ReadKeyFileVerifier(path);
  REQUIRE(vkey.ok());
  CHECK(*vkey == key->verifier());

  SECTION("wrong passphrase") {
    Provider wrong{"correct horse!"};
    auto bad = ReadKeyFile(path, wrong.Get());
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.status().code() == Status::Code::kUnauthenticated);
    CHECK(bad.status().message() == "wrong passphrase for key file " + path);
  }
  SECTION("the provider's error is passed on") {
    auto bad = ReadKeyFile(path, [](const std::string&) -> Result<std::string> {
      return Status::InvalidArgument("no terminal");
    });
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.status().message() == "no terminal");
  }
  SECTION("corrupted sealed secret") {
    auto doc = nlohmann::json::parse(ReadFile(path));
    std::string sealed = *FromBase64(doc["secret"].get<std::string>());
    sealed[20] ^= 0x01;
    doc["secret"] = ToBase64(sealed);
    const std::string path2 = dir / "corrupt.key";
    WritePrivate(path2, doc.dump());
    auto bad = ReadKeyFile(path2, provider.Get());
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.status().code() == Status::Code::kUnauthenticated);
  }
  SECTION("tampered kdf parameters") {
    auto doc = nlohmann::json::parse(ReadFile(path));
    doc["kdf"]["opslimit"] = 2;
    const std::string path2 = dir / "ops.key";
    WritePrivate(path2, doc.dump());
    CHECK(ReadKeyFile(path2, provider.Get()).status().code() == Status::Code::kUnauthenticated);
    doc["kdf"]["opslimit"] = 0;
    const std::string path3 = dir / "ops0.key";
    WritePrivate(path3, doc.dump());
    CHECK(ReadKeyFile(path3, provider.Get()).status().code() == Status::Code::kInvalidArgument);
  }
}

TEST_CASE("encrypted key file with the default (interactive) limits", "[keyfile]") {
  TempDir dir;
  const std::string path = dir / "k.key";
  const SigningKey key = KeyB();
  REQUIRE(WriteKeyFile(path, key, std::string("pw")).ok());
  const auto json = nlohmann::json::parse(ReadFile(path));
  CHECK(json["kdf"]["opslimit"] == 2);
  CHECK(json["kdf"]["memlimit"] == 67108864);
  Provider provider{"pw"};
  auto read = ReadKeyFile(path, provider.Get());
  REQUIRE(read.ok());
  CHECK(read->verifier() == key.verifier());
}

TEST_CASE("key file writing refusals", "[keyfile]") {
  TempDir dir;
  const SigningKey key = KeyB();
  SECTION("an existing file is not overwritten") {
    const std::string path = dir / "exists.key";
    WritePrivate(path, "precious");
    const Status s = WriteKeyFile(path, key, std::nullopt);
    CHECK(s.code() == Status::Code::kRefused);
    CHECK(s.message() == "key file " + path + " already exists");
    CHECK(ReadFile(path) == "precious");
  }
  SECTION("an empty passphrase") {
    const std::string path = dir / "empty.key";
    CHECK(WriteKeyFile(path, key, std::string()).code() == Status::Code::kInvalidArgument);
    struct stat st {};
    CHECK(stat(path.c_str(), &st) != 0);
  }
  SECTION("a missing directory") {
    CHECK(WriteKeyFile(dir / "no/such/dir.key", key, std::nullopt).code() == Status::Code::kIOError);
  }
}

TEST_CASE("key file reading refusals", "[keyfile]") {
  TempDir dir;
  const SigningKey key = KeyB();
  const std::string path = dir / "log.key";
  REQUIRE(WriteKeyFile(path, key, std::nullopt).ok());
  Provider provider;

  SECTION("readable by others") {
    REQUIRE(chmod(path.c_str(), 0644) == 0);
    auto r = ReadKeyFile(path, provider.Get());
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Status::Code::kRefused);
    CHECK(r.status().message() ==
          "key file " + path + " is readable by others (mode 0644): run chmod 600 " + path);
    // The public part may still be read.
    CHECK(ReadKeyFileVerifier(path).ok());
  }
  SECTION("writable by group") {
    REQUIRE(chmod(path.c_str(), 0620) == 0);
    auto r = ReadKeyFile(path, provider.Get());
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().message().find("writable by others (mode 0620)") != std::string::npos);
  }
  SECTION("missing file") {
    CHECK(ReadKeyFile(dir / "nope.key", provider.Get()).status().code() == Status::Code::kNotFound);
  }

  const auto good = nlohmann::json::parse(ReadFile(path));
  auto rewrite = [&](const nlohmann::json& doc) {
    const std::string p = dir / "edited.key";
    std::remove(p.c_str());
    WritePrivate(p, doc.dump());
    return p;
  };
  SECTION("missing secret") {
    auto doc = good;
    doc.erase("secret");
    const std::string p = rewrite(doc);
    auto r = ReadKeyFile(p, provider.Get());
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Status::Code::kInvalidArgument);
    CHECK(r.status().message() == "key file " + p + ": missing field \"secret\"");
  }
  SECTION("corrupted secret") {
    auto doc = good;
    std::string seed = *FromBase64(doc["secret"].get<std::string>());
    seed[0] ^= 0x01;
    doc["secret"] = ToBase64(seed);
    const std::string p = rewrite(doc);
    auto r = ReadKeyFile(p, provider.Get());
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Status::Code::kCorruption);
    CHECK(r.status().message().rfind("key file " + p + " is corrupt: ", 0) == 0);
  }
  SECTION("secret of the wrong length") {
    auto doc = good;
    doc["secret"] = ToBase64(std::string(31, 'x'));
    auto r = ReadKeyFile(rewrite(doc), provider.Get());
    CHECK(r.status().code() == Status::Code::kCorruption);
  }
  SECTION("other malformed files") {
    std::vector<nlohmann::json> docs;
    auto with = [&](const char* field, nlohmann::json value) {
      auto doc = good;
      doc[field] = std::move(value);
      docs.push_back(doc);
    };
    with("format", "wasteledger-key/v2");
    with("name", "SomeoneElse");
    with("vkey", "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW");
    with("encryption", "rot13");
    with("encryption", "argon2id13+xsalsa20poly1305");  // no kdf, nonce
    with("secret", 42);
    with("secret", "not base64!");
    for (const auto& doc : docs) {
      INFO(doc.dump());
      auto r = ReadKeyFile(rewrite(doc), provider.Get());
      CHECK(r.status().code() == Status::Code::kInvalidArgument);
    }
    WritePrivate(dir / "garbage.key", "{not json");
    CHECK(ReadKeyFile(dir / "garbage.key", provider.Get()).status().code() == Status::Code::kInvalidArgument);
    WritePrivate(dir / "array.key", "[]");
    CHECK(ReadKeyFile(dir / "array.key", provider.Get()).status().code() == Status::Code::kInvalidArgument);
    CHECK(provider.calls == 0);
  }
}

}  // namespace
}  // namespace wasteledger
