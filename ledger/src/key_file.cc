// Key file grammar (format "wasteledger-key/v1"): one JSON object, UTF-8.
//
//   {
//     "format":     "wasteledger-key/v1",
//     "name":       <key name; equals the name in "vkey">,
//     "vkey":       <C2SP verifier key "name+keyid+base64(0x01||pubkey)">,
//     "encryption": "none" | "argon2id13+xsalsa20poly1305",
//     -- present only when encryption is not "none":
//     "kdf":        {"opslimit": <uint, 1..64>, "memlimit": <uint bytes, 8192..2^30>,
//                    "salt": <base64, 16 bytes>},
//     "nonce":      <base64, 24 bytes>,
//     --
//     "secret":     <base64>
//   }
//
// "secret" is the 32-byte Ed25519 seed when "encryption" is "none", else
// crypto_secretbox_easy(seed, nonce, k) (48 bytes) where k is the 32-byte
// crypto_pwhash(passphrase, salt, opslimit, memlimit, Argon2id13). Unknown
// fields are ignored. The file is mode 0600; readers refuse group or other
// access. Copies of the seed and passphrase held here are wiped after use
// (best effort: the JSON library's internal buffers are not).
#include "wasteledger/key_file.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "wasteledger/hash.h"

namespace wasteledger {

namespace {

constexpr std::string_view kEncryptionNone = "none";
constexpr std::string_view kEncryptionPwhash = "argon2id13+xsalsa20poly1305";
constexpr size_t kMaxKeyFileSize = 64 * 1024;
constexpr uint64_t kMaxOpslimit = 64;
constexpr uint64_t kMaxMemlimit = crypto_pwhash_argon2id_MEMLIMIT_SENSITIVE;
constexpr size_t kSealedSize = crypto_secretbox_MACBYTES + kEd25519SeedSize;

static_assert(KdfLimits::Interactive().opslimit == crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE);
static_assert(KdfLimits::Interactive().memlimit == crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE);
static_assert(KdfLimits::Minimum().opslimit == crypto_pwhash_argon2id_OPSLIMIT_MIN);
static_assert(KdfLimits::Minimum().memlimit == crypto_pwhash_argon2id_MEMLIMIT_MIN);

// Zeroes a buffer when the scope ends.
class WipeOnExit {
 public:
  WipeOnExit(void* p, size_t n) : p_(p), n_(n) {}
  explicit WipeOnExit(std::string& s) : p_(s.data()), n_(s.size()) {}
  ~WipeOnExit() { sodium_memzero(p_, n_); }
  WipeOnExit(const WipeOnExit&) = delete;
  WipeOnExit& operator=(const WipeOnExit&) = delete;

 private:
  void* p_;
  size_t n_;
};

void Wipe(std::string& s) { sodium_memzero(s.data(), s.size()); }

std::string Errno() { return std::strerror(errno); }

bool LimitsOk(uint64_t ops, uint64_t mem) {
  return ops >= crypto_pwhash_argon2id_OPSLIMIT_MIN && ops <= kMaxOpslimit &&
         mem >= crypto_pwhash_argon2id_MEMLIMIT_MIN && mem <= kMaxMemlimit;
}

// Derives the secretbox key from the passphrase; false when out of memory.
bool DeriveKey(std::string_view passphrase, const std::string& salt, const KdfLimits& kdf,
               unsigned char (&key)[crypto_secretbox_KEYBYTES]) {
  return crypto_pwhash(key, sizeof(key), passphrase.data(), passphrase.size(),
                       reinterpret_cast<const unsigned char*>(salt.data()), kdf.opslimit,
                       static_cast<size_t>(kdf.memlimit), crypto_pwhash_ALG_ARGON2ID13) == 0;
}

// Reads the whole (small) file; with `check_mode`, refuses group/other access.
Result<std::string> ReadSmallFile(const std::string& path, bool check_mode) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::NotFound("key file " + path + " does not exist");
    return Status::IOError("cannot open key file " + path + ": " + Errno());
  }
  struct FdCloser {
    int fd;
    ~FdCloser() { close(fd); }
  } closer{fd};
  struct stat st {};
  if (fstat(fd, &st) != 0) return Status::IOError("cannot stat key file " + path + ": " + Errno());
  if (!S_ISREG(st.st_mode)) return Status::InvalidArgument("key file " + path + " is not a regular file");
  if (check_mode && (st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof(mode), "%04o", static_cast<unsigned>(st.st_mode & 07777));
    const char* what = (st.st_mode & 044) != 0 ? "readable" : "writable";
    return Status::Refused("key file " + path + " is " + what + " by others (mode " + mode +
                           "): run chmod 600 " + path);
  }
  if (st.st_size < 0 || static_cast<uint64_t>(st.st_size) > kMaxKeyFileSize) {
    return Status::InvalidArgument("key file " + path + " is too large to be a key file");
  }
  std::string text(static_cast<size_t>(st.st_size) + 1, '\0');
  size_t got = 0;
  for (;;) {
    const ssize_t n = read(fd, text.data() + got, text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Wipe(text);
      return Status::IOError("cannot read key file " + path + ": " + Errno());
    }
    if (n == 0) break;
    got += static_cast<size_t>(n);
    if (got == text.size()) {
      Wipe(text);
      return Status::IOError("key file " + path + " changed while being read");
    }
  }
  text.resize(got);
  return text;
}

// The parsed JSON and its public fields.
struct KeyFileDoc {
  nlohmann::json json;
  std::optional<VerifierKey> vkey;
  bool encrypted = false;
};

Result<std::string> GetString(const std::string& path, const nlohmann::json& obj, const char* field) {
  const auto it = obj.find(field);
  if (it == obj.end()) {
    return Status::InvalidArgument("key file " + path + ": missing field \"" + field + "\"");
  }
  if (!it->is_string()) {
    return Status::InvalidArgument("key file " + path + ": field \"" + field + "\" is not a string");
  }
  return it->get<std::string>();
}

Result<std::string> GetBase64(const std::string& path, const nlohmann::json& obj, const char* field) {
  WL_ASSIGN_OR_RETURN(std::string b64, GetString(path, obj, field));
  std::optional<std::string> raw = internal::DecodeBase64Strict(b64);
  Wipe(b64);
  if (!raw) {
    return Status::InvalidArgument("key file " + path + ": field \"" + field + "\" is not valid base64");
  }
  return std::move(*raw);
}

Result<uint64_t> GetUint(const std::string& path, const nlohmann::json& obj, const char* field) {
  const auto it = obj.find(field);
  if (it == obj.end()) {
    return Status::InvalidArgument("key file " + path + ": missing field \"" + field + "\"");
  }
  if (!it->is_number_unsigned()) {
    return Status::InvalidArgument("key file " + path + ": field \"" + field +
                                   "\" is not a non-negative integer");
  }
  return it->get<uint64_t>();
}

Result<KeyFileDoc> ParseKeyFile(const std::string& path, const std::string& text) {
  KeyFileDoc doc;
  doc.json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.json.is_discarded() || !doc.json.is_object()) {
    return Status::InvalidArgument("key file " + path + " is not a JSON object");
  }
  WL_ASSIGN_OR_RETURN(const std::string format, GetString(path, doc.json, "format"));
  if (format != kKeyFileFormat) {
    return Status::InvalidArgument("key file " + path + ": unknown format \"" + format + "\" (want \"" +
                                   std::string(kKeyFileFormat) + "\")");
  }
  WL_ASSIGN_OR_RETURN(const std::string name, GetString(path, doc.json, "name"));
  WL_ASSIGN_OR_RETURN(const std::string vkey_text, GetString(path, doc.json, "vkey"));
  Result<VerifierKey> vkey = VerifierKey::Parse(vkey_text);
  if (!vkey.ok()) return vkey.status().WithContext("key file " + path);
  if (vkey->name() != name) {
    return Status::InvalidArgument("key file " + path + ": name \"" + name +
                                   "\" does not match the vkey's name \"" + vkey->name() + "\"");
  }
  doc.vkey = std::move(vkey).value();
  WL_ASSIGN_OR_RETURN(const std::string encryption, GetString(path, doc.json, "encryption"));
  if (encryption == kEncryptionPwhash) {
    doc.encrypted = true;
  } else if (encryption != kEncryptionNone) {
    return Status::InvalidArgument("key file " + path + ": unknown encryption \"" + encryption + "\"");
  }
  return doc;
}

// Opens the sealed seed of an encrypted key file into `seed`.
Status OpenSealedSeed(const std::string& path, const nlohmann::json& json, const std::string& sealed,
                      const PassphraseProvider& get_passphrase, unsigned char (&seed)[kEd25519SeedSize]) {
  const auto kdf_it = json.find("kdf");
  if (kdf_it == json.end()) {
    return Status::InvalidArgument("key file " + path + ": missing field \"kdf\"");
  }
  if (!kdf_it->is_object()) {
    return Status::InvalidArgument("key file " + path + ": field \"kdf\" is not an object");
  }
  KdfLimits kdf{};
  WL_ASSIGN_OR_RETURN(kdf.opslimit, GetUint(path, *kdf_it, "opslimit"));
  WL_ASSIGN_OR_RETURN(kdf.memlimit, GetUint(path, *kdf_it, "memlimit"));
  if (!LimitsOk(kdf.opslimit, kdf.memlimit)) {
    return Status::InvalidArgument("key file " + path + ": kdf limits out of range");
  }
  WL_ASSIGN_OR_RETURN(const std::string salt, GetBase64(path, *kdf_it, "salt"));
  if (salt.size() != crypto_pwhash_SALTBYTES) {
    return Status::InvalidArgument("key file " + path + ": the salt is not 16 bytes");
  }
  WL_ASSIGN_OR_RETURN(const std::string nonce, GetBase64(path, json, "nonce"));
  if (nonce.size() != crypto_secretbox_NONCEBYTES) {
    return Status::InvalidArgument("key file " + path + ": the nonce is not 24 bytes");
  }
  if (sealed.size() != kSealedSize) {
    return Status::Corruption("key file " + path + " is corrupt: the sealed secret has " +
                              std::to_string(sealed.size()) + " bytes, want 48");
  }
  WL_ASSIGN_OR_RETURN(std::string passphrase, get_passphrase("Passphrase for key file " + path + ": "));
  WipeOnExit wipe_pass(passphrase);
  unsigned char key[crypto_secretbox_KEYBYTES];
  WipeOnExit wipe_key(key, sizeof(key));
  if (!DeriveKey(passphrase, salt, kdf, key)) {
    return Status::IOError("key file " + path + ": not enough memory to derive the key");
  }
  if (crypto_secretbox_open_easy(seed, reinterpret_cast<const unsigned char*>(sealed.data()), sealed.size(),
                                 reinterpret_cast<const unsigned char*>(nonce.data()), key) != 0) {
    return Status::Unauthenticated("wrong passphrase for key file " + path);
  }
  return Status::Ok();
}

// Writes `contents` to a new file `path` (mode 0600) and syncs it and its
// directory; removes the file again if anything fails after creating it.
Status CreateAndSync(const std::string& path, std::string_view contents) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return Status::Refused("key file " + path + " already exists");
    return Status::IOError("cannot create key file " + path + ": " + Errno());
  }
  auto fail = [&](const std::string& what) {
    const std::string err = Errno();
    close(fd);
    unlink(path.c_str());
    return Status::IOError("cannot " + what + " key file " + path + ": " + err);
  };
  if (fchmod(fd, 0600) != 0) return fail("chmod");
  size_t done = 0;
  while (done < contents.size()) {
    const ssize_t n = write(fd, contents.data() + done, contents.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail("write");
    done += static_cast<size_t>(n);
  }
  if (fsync(fd) != 0) return fail("sync");
  if (close(fd) != 0) {
    const std::string err = Errno();
    unlink(path.c_str());
    return Status::IOError("cannot close key file " + path + ": " + err);
  }
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  if (dir.empty()) dir = ".";
  const int dfd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    const int rc = fsync(dfd);
    close(dfd);
    if (rc != 0) return Status::IOError("cannot sync the directory of key file " + path);
  }
  return Status::Ok();
}

}  // namespace

Status WriteKeyFile(const std::string& path, const SigningKey& key,
                    const std::optional<std::string>& passphrase, const KdfLimits& kdf) {
  InitCrypto();
  if (passphrase && passphrase->empty()) {
    return Status::InvalidArgument("the passphrase of a key file must not be empty");
  }
  if (passphrase && !LimitsOk(kdf.opslimit, kdf.memlimit)) {
    return Status::InvalidArgument("kdf limits out of range");
  }
  nlohmann::ordered_json json;
  json["format"] = kKeyFileFormat;
  json["name"] = key.verifier().name();
  json["vkey"] = key.verifier().ToString();
  json["encryption"] = passphrase ? kEncryptionPwhash : kEncryptionNone;

  std::string secret;  // the plain seed or the sealed box, raw bytes
  if (passphrase) {
    std::string salt(crypto_pwhash_SALTBYTES, '\0');
    std::string nonce(crypto_secretbox_NONCEBYTES, '\0');
    randombytes_buf(salt.data(), salt.size());
    randombytes_buf(nonce.data(), nonce.size());
    unsigned char box_key[crypto_secretbox_KEYBYTES];
    WipeOnExit wipe_key(box_key, sizeof(box_key));
    if (!DeriveKey(*passphrase, salt, kdf, box_key)) {
      return Status::IOError("not enough memory to derive the key file's key");
    }
    secret.assign(kSealedSize, '\0');
    WL_RETURN_IF_ERROR(key.WithSeed([&](std::string_view seed) {
      crypto_secretbox_easy(reinterpret_cast<unsigned char*>(secret.data()),
                            reinterpret_cast<const unsigned char*>(seed.data()), seed.size(),
                            reinterpret_cast<const unsigned char*>(nonce.data()), box_key);
    }));
    json["kdf"] = {{"opslimit", kdf.opslimit}, {"memlimit", kdf.memlimit}, {"salt", ToBase64(salt)}};
    json["nonce"] = ToBase64(nonce);
  } else {
    secret.assign(kEd25519SeedSize, '\0');
    WL_RETURN_IF_ERROR(
        key.WithSeed([&](std::string_view seed) { std::memcpy(secret.data(), seed.data(), seed.size()); }));
  }
  WipeOnExit wipe_secret(secret);
  json["secret"] = ToBase64(secret);
  std::string text = json.dump(2) + "\n";
  WipeOnExit wipe_text(text);
  Wipe(json["secret"].get_ref<std::string&>());
  return CreateAndSync(path, text);
}

Result<SigningKey> ReadKeyFile(const std::string& path, const PassphraseProvider& get_passphrase) {
  InitCrypto();
  WL_ASSIGN_OR_RETURN(std::string text, ReadSmallFile(path, /*check_mode=*/true));
  WipeOnExit wipe_text(text);
  WL_ASSIGN_OR_RETURN(KeyFileDoc doc, ParseKeyFile(path, text));
  struct JsonSecretWiper {
    nlohmann::json& json;
    ~JsonSecretWiper() {
      auto it = json.find("secret");
      if (it != json.end() && it->is_string()) Wipe(it->get_ref<std::string&>());
    }
  } wipe_json{doc.json};
  WL_ASSIGN_OR_RETURN(std::string secret, GetBase64(path, doc.json, "secret"));
  WipeOnExit wipe_secret(secret);

  unsigned char seed[kEd25519SeedSize];
  WipeOnExit wipe_seed(seed, sizeof(seed));
  if (doc.encrypted) {
    WL_RETURN_IF_ERROR(OpenSealedSeed(path, doc.json, secret, get_passphrase, seed));
  } else {
    if (secret.size() != kEd25519SeedSize) {
      return Status::Corruption("key file " + path + " is corrupt: the secret has " +
                                std::to_string(secret.size()) + " bytes, want 32");
    }
    std::memcpy(seed, secret.data(), sizeof(seed));
  }
  WL_ASSIGN_OR_RETURN(
      SigningKey key,
      SigningKey::FromSeed(doc.vkey->name(),
                           std::string_view(reinterpret_cast<const char*>(seed), sizeof(seed))));
  if (!(key.verifier() == *doc.vkey)) {
    return Status::Corruption("key file " + path + " is corrupt: the secret does not match the vkey " +
                              doc.vkey->Ref());
  }
  return key;
}

Result<VerifierKey> ReadKeyFileVerifier(const std::string& path) {
  InitCrypto();
  WL_ASSIGN_OR_RETURN(std::string text, ReadSmallFile(path, /*check_mode=*/false));
  WipeOnExit wipe_text(text);
  WL_ASSIGN_OR_RETURN(KeyFileDoc doc, ParseKeyFile(path, text));
  auto it = doc.json.find("secret");
  if (it != doc.json.end() && it->is_string()) Wipe(it->get_ref<std::string&>());
  return std::move(*doc.vkey);
}

}  // namespace wasteledger
