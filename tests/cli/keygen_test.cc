// keygen, key files and passphrases, end to end.
#include <sys/stat.h>

#include <regex>

#include <catch2/catch.hpp>

#include "cli/cli_fixture.h"
#include "wasteledger/hash.h"
#include "wasteledger/keys.h"

namespace wasteledger::testing {
namespace {

const std::string kPassphraseEnv = "WASTELEDGER_PASSPHRASE=correct horse battery staple";

unsigned FileMode(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777u;
}

TEST_CASE("keygen prints a verifier key that parses", "[cli][keygen]") {
  InitCrypto();
  TempDir tmp;
  const std::string file = tmp / "yuzhou-power.key";
  RunResult r = Wl({"keygen", "--name", "yuzhou-power", "--out", file, "--no-passphrase"});
  REQUIRE(r.exit_code == 0);
  // The warning about the unencrypted file is the only thing on stderr.
  CHECK(r.err == "wasteledger: warning: " + file +
                     " is not encrypted: anyone who can read it can sign as \"yuzhou-power\"\n");
  REQUIRE(CountLines(r.out) == 1);
  const std::string vkey = r.out.substr(0, r.out.size() - 1);
  // name "+" 8 lowercase hex "+" base64 of 33 bytes (0x01 || 32-byte key):
  // 33 bytes are 44 base64 characters without padding.
  CHECK(std::regex_match(vkey, std::regex("yuzhou-power\\+[0-9a-f]{8}\\+[A-Za-z0-9+/]{44}")));
  auto parsed = VerifierKey::Parse(vkey);
  REQUIRE(parsed.ok());
  CHECK(parsed->name() == "yuzhou-power");
  CHECK(parsed->ToString() == vkey);
  // The key ID is SHA-256(name || 0x0A || 0x01 || pubkey)[:4], computed here.
  const auto raw = FromBase64(KeyBase64(vkey));
  REQUIRE(raw.has_value());
  REQUIRE(raw->size() == 33);
  CHECK(static_cast<unsigned char>((*raw)[0]) == 0x01);
  const Hash id = Sha256(std::string("yuzhou-power\n") + *raw);
  CHECK(vkey.substr(13, 8) == ToHex(std::string_view(reinterpret_cast<const char*>(id.data()), 4)));
  // The key file records the same vkey.
  CHECK(VkeyOfKeyFile(file) == vkey);
}

TEST_CASE("keygen writes the key file with mode 0600", "[cli][keygen]") {
  TempDir tmp;
  RunResult r = Wl({"keygen", "--name", "a", "--out", tmp / "plain.key", "--no-passphrase"});
  REQUIRE(r.exit_code == 0);
  CHECK(FileMode(tmp / "plain.key") == 0600u);
  r = Wl({"keygen", "--name", "b", "--out", tmp / "enc.key"}, "", {kPassphraseEnv});
  REQUIRE(r.exit_code == 0);
  CHECK(FileMode(tmp / "enc.key") == 0600u);
}

TEST_CASE("keygen refuses to overwrite an existing file", "[cli][keygen]") {
  TempDir tmp;
  const std::string file = tmp / "a.key";
  REQUIRE(Wl({"keygen", "--name", "a", "--out", file, "--no-passphrase"}).exit_code == 0);
  const std::string before = ReadFile(file);
  RunResult r = Wl({"keygen", "--name", "a", "--out", file, "--no-passphrase"});
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.err.find("wasteledger: error: key file " + file + " already exists\n") != std::string::npos);
  CHECK(ReadFile(file) == before);
  // Also with a passphrase: the existing file stays as it was.
  r = Wl({"keygen", "--name", "a", "--out", file}, "", {kPassphraseEnv});
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.err == "wasteledger: error: key file " + file + " already exists\n");
  CHECK(ReadFile(file) == before);
}

// With --no-passphrase the refusal must not come after the warning "<file> is
// not encrypted", about a file keygen does not write (and which may well be
// encrypted): one clear line is due.
TEST_CASE("keygen's refusal to overwrite is one line on stderr", "[cli][keygen]") {
  TempDir tmp;
  const std::string file = tmp / "a.key";
  REQUIRE(Wl({"keygen", "--name", "a", "--out", file}, "", {kPassphraseEnv}).exit_code == 0);
  RunResult r = Wl({"keygen", "--name", "a", "--out", file, "--no-passphrase"});
  CHECK(r.exit_code == 1);
  CHECK(r.err == "wasteledger: error: key file " + file + " already exists\n");
}

TEST_CASE("an encrypted key works with init and sign given the same passphrase", "[cli][keygen]") {
  TempDir tmp;
  RunResult r = Wl({"keygen", "--name", "reg", "--out", tmp / "reg.key"}, "", {kPassphraseEnv});
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());  // encrypted: no warning
  const std::string text = ReadFile(tmp / "reg.key");
  CHECK(text.find("\"encryption\": \"argon2id13+xsalsa20poly1305\"") != std::string::npos);
  r = Wl({"keygen", "--name", "prod", "--out", tmp / "prod.key"}, "", {kPassphraseEnv});
  REQUIRE(r.exit_code == 0);
  const std::string prod_vkey = r.out.substr(0, r.out.size() - 1);

  r = Wl({"init", "--ledger", tmp / "L", "--origin", kOrigin, "--key", tmp / "reg.key"}, "", {kPassphraseEnv});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(r.out == "created ledger " + (tmp / "L") + " (origin " + kOrigin + "), genesis at seq 0 by regulator reg\n");
  r = Wl({"party", "add", "--ledger", tmp / "L", "--key", tmp / "reg.key", "--id", "prod", "--name", "P",
          "--role", "producer", "--vkey", prod_vkey},
         "", {kPassphraseEnv});
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == "seq 1\n");
  r = Wl({"sign", "--key", tmp / "prod.key"}, Statements(1), {kPassphraseEnv});
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  // A signed line is JCS: {"sig":{"key":"<name>+<keyID>","value":...},"statement":...}.
  CHECK(r.out.rfind("{\"sig\":{\"key\":\"" + KeyRef(prod_vkey) + "\",\"value\":\"", 0) == 0);
  r = Wl({"submit", "--ledger", tmp / "L"}, r.out);
  CHECK(r.exit_code == 0);
  CHECK(r.out == "2\n");
}

TEST_CASE("a wrong passphrase is refused with one line naming it", "[cli][keygen]") {
  TempDir tmp;
  REQUIRE(Wl({"keygen", "--name", "prod", "--out", tmp / "prod.key"}, "", {kPassphraseEnv}).exit_code == 0);
  RunResult r = Wl({"sign", "--key", tmp / "prod.key"}, Statements(1), {"WASTELEDGER_PASSPHRASE=wrong"});
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(CountLines(r.err) == 1);
  CHECK(r.err.rfind("wasteledger: error: ", 0) == 0);
  CHECK(r.err.find("passphrase") != std::string::npos);
  CHECK(r.err.find(tmp / "prod.key") != std::string::npos);
  // init with a wrong passphrase creates nothing.
  r = Wl({"init", "--ledger", tmp / "L", "--origin", kOrigin, "--key", tmp / "prod.key"}, "",
         {"WASTELEDGER_PASSPHRASE=wrong"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("passphrase") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(tmp / "L"));
}

TEST_CASE("a key file readable by others is refused, naming chmod", "[cli][keygen]") {
  TempDir tmp;
  const std::string file = tmp / "prod.key";
  REQUIRE(Wl({"keygen", "--name", "prod", "--out", file, "--no-passphrase"}).exit_code == 0);
  std::filesystem::permissions(file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write |
                                         std::filesystem::perms::group_read | std::filesystem::perms::others_read);
  REQUIRE(FileMode(file) == 0644u);
  RunResult r = Wl({"sign", "--key", file}, Statements(1));
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(CountLines(r.err) == 1);
  CHECK(r.err.find("chmod 600 " + file) != std::string::npos);
  CHECK(r.err.find("0644") != std::string::npos);
}

TEST_CASE("without a passphrase and without a terminal keygen fails clearly", "[cli][keygen]") {
  TempDir tmp;
  // A new session has no controlling terminal, so /dev/tty cannot be opened.
  Child keygen({"keygen", "--name", "prod", "--out", tmp / "prod.key"}, tmp.path().string(), {}, true);
  RunResult r = keygen.Wait();
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.err ==
        "wasteledger: error: a passphrase is needed: set WASTELEDGER_PASSPHRASE or run on a terminal\n");
  CHECK_FALSE(std::filesystem::exists(tmp / "prod.key"));
}

TEST_CASE("an encrypted key without a passphrase or terminal is refused by sign", "[cli][keygen]") {
  TempDir tmp;
  REQUIRE(Wl({"keygen", "--name", "prod", "--out", tmp / "prod.key"}, "", {kPassphraseEnv}).exit_code == 0);
  Child sign({"sign", "--key", tmp / "prod.key"}, tmp.path().string(), {}, true);
  RunResult r = sign.Wait();
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(CountLines(r.err) == 1);
  CHECK(r.err.find("WASTELEDGER_PASSPHRASE") != std::string::npos);
}

TEST_CASE("keygen refuses an empty passphrase", "[cli][keygen]") {
  TempDir tmp;
  RunResult r = Wl({"keygen", "--name", "prod", "--out", tmp / "prod.key"}, "", {"WASTELEDGER_PASSPHRASE="});
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.err == "wasteledger: error: the passphrase is empty (or use --no-passphrase)\n");
  CHECK_FALSE(std::filesystem::exists(tmp / "prod.key"));
}

}  // namespace
}  // namespace wasteledger::testing
