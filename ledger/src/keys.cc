#include "wasteledger/keys.h"

#include <sodium.h>

#include <algorithm>
#include <cassert>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "ed25519_tables.h"
#include "wasteledger/hash.h"

namespace wasteledger {

static_assert(crypto_sign_PUBLICKEYBYTES == sizeof(PublicKey));
static_assert(crypto_sign_BYTES == kEd25519SignatureSize);
static_assert(crypto_sign_SEEDBYTES == kEd25519SeedSize);

namespace {

const unsigned char* U(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

bool IsLowerHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

// For error messages: the input, quoted, cut short if long.
std::string Quote(std::string_view s) {
  constexpr size_t kMax = 120;
  if (s.size() <= kMax) return "\"" + std::string(s) + "\"";
  return "\"" + std::string(s.substr(0, kMax)) + "...\"";
}

}  // namespace

namespace internal {

bool IsUnicodeSpace(int32_t c) {
  if (c == ' ' || (c >= 0x09 && c <= 0x0D)) return true;
  if (c < 0x85) return false;
  return c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 ||
         c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

bool IsControlCharacter(int32_t c) { return c < 0x20 || (c >= 0x7F && c <= 0x9F); }

int32_t DecodeUtf8CodePoint(std::string_view s, size_t* pos) {
  size_t i = *pos;
  if (i >= s.size()) return -1;
  const auto b0 = static_cast<uint8_t>(s[i]);
  if (b0 < 0x80) {
    *pos = i + 1;
    return b0;
  }
  size_t len;
  int32_t cp;
  int32_t min;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2;
    cp = b0 & 0x1F;
    min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3;
    cp = b0 & 0x0F;
    min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4;
    cp = b0 & 0x07;
    min = 0x10000;
  } else {
    return -1;
  }
  if (s.size() - i < len) return -1;
  for (size_t k = 1; k < len; ++k) {
    const auto b = static_cast<uint8_t>(s[i + k]);
    if ((b & 0xC0) != 0x80) return -1;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
  *pos = i + len;
  return cp;
}

std::optional<std::string> DecodeBase64Strict(std::string_view b64) {
  for (char c : b64) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
                    c == '/' || c == '=';
    if (!ok) return std::nullopt;
  }
  return FromBase64(b64);
}

}  // namespace internal

void InitCrypto() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) {
      assert(false && "sodium_init failed");
      std::abort();
    }
  });
}

uint32_t ComputeKeyId(std::string_view name, const PublicKey& pubkey) {
  InitCrypto();
  std::string input(name);
  input.push_back('\n');
  input.push_back(static_cast<char>(kSigTypeEd25519));
  input.append(reinterpret_cast<const char*>(pubkey.data()), pubkey.size());
  const Hash h = Sha256(input);
  return (uint32_t{h[0]} << 24) | (uint32_t{h[1]} << 16) | (uint32_t{h[2]} << 8) | uint32_t{h[3]};
}

Status ValidateKeyName(std::string_view name) {
  if (name.empty()) return Status::InvalidArgument("key name is empty");
  size_t pos = 0;
  while (pos < name.size()) {
    const int32_t c = internal::DecodeUtf8CodePoint(name, &pos);
    if (c < 0) return Status::InvalidArgument("key name " + Quote(name) + " is not valid UTF-8");
    if (c == '+') return Status::InvalidArgument("key name " + Quote(name) + " contains '+'");
    if (internal::IsUnicodeSpace(c)) {
      return Status::InvalidArgument("key name " + Quote(name) + " contains a space");
    }
    if (internal::IsControlCharacter(c)) {
      return Status::InvalidArgument("key name " + Quote(name) + " contains a control character");
    }
  }
  return Status::Ok();
}

// ---------------------------------------------------------------------------
// VerifierKey

VerifierKey::VerifierKey(std::string name, const PublicKey& pubkey)
    : name_(std::move(name)), key_id_(ComputeKeyId(name_, pubkey)), public_key_(pubkey) {}

Result<VerifierKey> VerifierKey::FromPublicKey(std::string name, const PublicKey& pubkey) {
  InitCrypto();
  WL_RETURN_IF_ERROR(ValidateKeyName(name));
  return VerifierKey(std::move(name), pubkey);
}

Result<VerifierKey> VerifierKey::Parse(std::string_view vkey) {
  InitCrypto();
  auto bad = [&](const std::string& why) {
    return Status::InvalidArgument("verifier key " + Quote(vkey) + ": " + why);
  };
  const size_t p1 = vkey.find('+');
  const size_t p2 = p1 == std::string_view::npos ? p1 : vkey.find('+', p1 + 1);
  if (p2 == std::string_view::npos) return bad("want name+keyid+key");
  const std::string_view name = vkey.substr(0, p1);
  const std::string_view id_hex = vkey.substr(p1 + 1, p2 - p1 - 1);
  const std::string_view key_b64 = vkey.substr(p2 + 1);
  if (Status s = ValidateKeyName(name); !s.ok()) return bad(s.message());
  if (id_hex.size() != 8) return bad("key ID is not 8 hex digits");
  uint32_t id = 0;
  for (char c : id_hex) {
    if (!IsLowerHex(c)) return bad("key ID is not 8 lowercase hex digits");
    id = (id << 4) | static_cast<uint32_t>(c <= '9' ? c - '0' : c - 'a' + 10);
  }
  const std::optional<std::string> key = internal::DecodeBase64Strict(key_b64);
  if (!key) return bad("key is not valid base64");
  if (key->empty()) return bad("key is empty");
  if (static_cast<uint8_t>((*key)[0]) != kSigTypeEd25519) {
    return bad("unsupported key type " +
               std::to_string(static_cast<unsigned>(static_cast<uint8_t>((*key)[0]))) + " (want 1, Ed25519)");
  }
  if (key->size() != 1 + sizeof(PublicKey)) {
    return bad("Ed25519 key has " + std::to_string(key->size() - 1) + " bytes, want 32");
  }
  PublicKey pk;
  std::memcpy(pk.data(), key->data() + 1, pk.size());
  VerifierKey result(std::string(name), pk);
  if (result.key_id() != id) {
    return bad("key ID " + std::string(id_hex) + " does not match the key (computed " + result.KeyIdHex() +
               ")");
  }
  return result;
}

std::string VerifierKey::ToString() const {
  std::string raw(1, static_cast<char>(kSigTypeEd25519));
  raw.append(reinterpret_cast<const char*>(public_key_.data()), public_key_.size());
  return Ref() + "+" + ToBase64(raw);
}

std::string VerifierKey::KeyIdHex() const {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(8, '0');
  for (int i = 0; i < 8; ++i) out[static_cast<size_t>(i)] = kDigits[(key_id_ >> (28 - 4 * i)) & 15];
  return out;
}

std::string VerifierKey::Ref() const { return name_ + "+" + KeyIdHex(); }

bool VerifierKey::Verify(std::string_view message, std::string_view signature) const {
  // No InitCrypto here: every VerifierKey was built after it, and this must
  // stay allocation-free (it is once the key's table is built or refused:
  // ed25519_tables.h).
  if (signature.size() != kEd25519SignatureSize) return false;
  return internal::Ed25519Verify(public_key_, U(signature), U(message), message.size());
}

void VerifyMany(std::span<const SignatureCheck> checks, std::span<bool> ok) {
  assert(ok.size() >= checks.size());
  constexpr size_t kGroup = 32;
  internal::Ed25519Check group[kGroup];
  size_t at[kGroup];
  bool verdict[kGroup];
  for (size_t base = 0; base < checks.size(); base += kGroup) {
    const size_t m = std::min(kGroup, checks.size() - base);
    size_t n = 0;
    for (size_t i = 0; i < m; ++i) {
      const SignatureCheck& c = checks[base + i];
      ok[base + i] = false;
      if (c.signature.size() != kEd25519SignatureSize) continue;
      group[n] = {&c.key->public_key(), U(c.signature), U(c.message), c.message.size(), U(c.prefix),
                  c.prefix.size()};
      at[n++] = base + i;
    }
    internal::Ed25519VerifyMany(group, n, verdict);
    for (size_t j = 0; j < n; ++j) ok[at[j]] = verdict[j];
  }
}

// ---------------------------------------------------------------------------
// SigningKey

struct SigningKey::Secret {
  struct Block {
    unsigned char seed[crypto_sign_SEEDBYTES];
    unsigned char sk[crypto_sign_SECRETKEYBYTES];
  };

  Secret() : block(static_cast<Block*>(sodium_malloc(sizeof(Block)))) {}
  ~Secret() {
    if (block != nullptr) sodium_free(block);  // wipes before unmapping
  }
  Secret(const Secret&) = delete;
  Secret& operator=(const Secret&) = delete;

  // Makes the block readable while alive; holds `mu` (one reader at a time,
  // since the next reader's mprotect would race the previous one's).
  class ReadGuard {
   public:
    explicit ReadGuard(Secret& s) : lock_(s.mu), s_(s) { sodium_mprotect_readonly(s_.block); }
    ~ReadGuard() { sodium_mprotect_noaccess(s_.block); }
    ReadGuard(const ReadGuard&) = delete;
    ReadGuard& operator=(const ReadGuard&) = delete;

   private:
    std::lock_guard<std::mutex> lock_;
    Secret& s_;
  };

  Block* block;
  std::mutex mu;
};

SigningKey::SigningKey(VerifierKey verifier, std::unique_ptr<Secret> secret)
    : verifier_(std::move(verifier)), secret_(std::move(secret)) {}
SigningKey::SigningKey(SigningKey&&) noexcept = default;
SigningKey& SigningKey::operator=(SigningKey&&) noexcept = default;
SigningKey::~SigningKey() = default;

Result<SigningKey> SigningKey::FromSeed(std::string name, std::string_view seed32) {
  InitCrypto();
  WL_RETURN_IF_ERROR(ValidateKeyName(name));
  if (seed32.size() != crypto_sign_SEEDBYTES) {
    return Status::InvalidArgument("an Ed25519 seed has 32 bytes, got " + std::to_string(seed32.size()));
  }
  auto secret = std::make_unique<Secret>();
  if (secret->block == nullptr) return Status::IOError("sodium_malloc failed");
  std::memcpy(secret->block->seed, seed32.data(), crypto_sign_SEEDBYTES);
  PublicKey pk;
  crypto_sign_seed_keypair(pk.data(), secret->block->sk, secret->block->seed);
  sodium_mprotect_noaccess(secret->block);
  return SigningKey(VerifierKey(std::move(name), pk), std::move(secret));
}

Result<SigningKey> SigningKey::Generate(std::string name) {
  InitCrypto();
  unsigned char* seed = static_cast<unsigned char*>(sodium_malloc(crypto_sign_SEEDBYTES));
  if (seed == nullptr) return Status::IOError("sodium_malloc failed");
  randombytes_buf(seed, crypto_sign_SEEDBYTES);
  Result<SigningKey> key =
      FromSeed(std::move(name), std::string_view(reinterpret_cast<const char*>(seed), crypto_sign_SEEDBYTES));
  sodium_free(seed);
  return key;
}

std::string SigningKey::Sign(std::string_view message) const {
  assert(secret_ != nullptr && "Sign on a moved-from SigningKey");
  std::string sig(crypto_sign_BYTES, '\0');
  Secret::ReadGuard guard(*secret_);
  crypto_sign_detached(reinterpret_cast<unsigned char*>(sig.data()), nullptr, U(message), message.size(),
                       secret_->block->sk);
  return sig;
}

Status SigningKey::WithSeed(const std::function<void(std::string_view seed)>& fn) const {
  if (secret_ == nullptr) return Status::InvalidArgument("moved-from signing key");
  Secret::ReadGuard guard(*secret_);
  fn(std::string_view(reinterpret_cast<const char*>(secret_->block->seed), crypto_sign_SEEDBYTES));
  return Status::Ok();
}

}  // namespace wasteledger
