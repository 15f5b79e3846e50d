// Ed25519 keys in the C2SP signed-note conventions (c2sp.org/signed-note):
// key names, key IDs and verifier-key ("vkey") strings.
//
// A VerifierKey is a plain immutable value: copy it freely and share it
// between threads. A SigningKey owns secret material in libsodium's guarded
// memory; it is move-only, and its methods are thread-safe (signing with one
// key is serialised, see below).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "wasteledger/status.h"

namespace wasteledger {

using PublicKey = std::array<uint8_t, 32>;

inline constexpr uint8_t kSigTypeEd25519 = 0x01;
inline constexpr size_t kEd25519SignatureSize = 64;
inline constexpr size_t kEd25519SeedSize = 32;

// Initialises libsodium once (thread-safe). Every entry point of the library
// that needs libsodium calls it, so callers need not.
void InitCrypto();

// The C2SP key ID of an Ed25519 key: the first 4 bytes, big-endian, of
// SHA-256(name || 0x0A || 0x01 || pubkey).
uint32_t ComputeKeyId(std::string_view name, const PublicKey& pubkey);

// A C2SP key name: non-empty valid UTF-8, no Unicode space, no '+', no
// control character.
[[nodiscard]] Status ValidateKeyName(std::string_view name);

// The public half of an Ed25519 key, with its name and key ID.
class VerifierKey {
 public:
  // Parses "name+hex8+base64(0x01 || pubkey)". Refuses a bad name, a key ID
  // that is not 8 lowercase hex digits or does not match the computed one,
  // bad base64, a wrong length and a type byte other than 0x01.
  [[nodiscard]] static Result<VerifierKey> Parse(std::string_view vkey);
  // Builds the key from its parts (the key ID is computed).
  [[nodiscard]] static Result<VerifierKey> FromPublicKey(std::string name, const PublicKey& pubkey);

  // The vkey string Parse accepts.
  std::string ToString() const;
  const std::string& name() const { return name_; }
  uint32_t key_id() const { return key_id_; }
  // The key ID as 8 lowercase hex digits.
  std::string KeyIdHex() const;
  // "name+keyidhex": how a ledger entry's sig.key names the key.
  std::string Ref() const;
  const PublicKey& public_key() const { return public_key_; }

  // Checks a 64-byte detached Ed25519 signature over `message`, accepting
  // exactly what libsodium's crypto_sign_verify_detached accepts, through a
  // table precomputed for the key on its first use (ed25519_tables.h).
  // Thread-safe, and allocation-free after that first use; false for a
  // signature of the wrong length.
  bool Verify(std::string_view message, std::string_view signature) const;

  friend bool operator==(const VerifierKey& a, const VerifierKey& b) {
    return a.key_id_ == b.key_id_ && a.public_key_ == b.public_key_ && a.name_ == b.name_;
  }

 private:
  friend class SigningKey;
  VerifierKey(std::string name, const PublicKey& pubkey);  // name already validated

  std::string name_;
  uint32_t key_id_ = 0;
  PublicKey public_key_{};
};

// One of many signature checks made at once (VerifyMany). The message
// signed is prefix || message: a caller with a fixed prefix need not build
// the whole message. The views must stay valid during the call.
struct SignatureCheck {
  const VerifierKey* key;
  std::string_view message;
  std::string_view signature;
  std::string_view prefix = {};
};

// ok[i] = checks[i].key->Verify(prefix + message, signature) for
// every i (ok.size() >= checks.size()). Cheaper per check than Verify one at
// a time: consecutive checks share one field inversion. Thread-safe.
void VerifyMany(std::span<const SignatureCheck> checks, std::span<bool> ok);

// An Ed25519 signing key. The 32-byte seed and libsodium's 64-byte secret key
// live in one sodium_malloc'ed block that is mprotect'ed no-access while idle
// and wiped (sodium_free) on destruction. Move-only; a moved-from key may only
// be destroyed or assigned to. Sign and WithSeed are thread-safe: they take a
// per-key mutex while the secret is readable.
class SigningKey {
 public:
  // A fresh random key.
  [[nodiscard]] static Result<SigningKey> Generate(std::string name);
  // The key derived from a 32-byte seed (RFC 8032 private key).
  [[nodiscard]] static Result<SigningKey> FromSeed(std::string name, std::string_view seed32);

  SigningKey(SigningKey&&) noexcept;
  SigningKey& operator=(SigningKey&&) noexcept;
  SigningKey(const SigningKey&) = delete;
  SigningKey& operator=(const SigningKey&) = delete;
  ~SigningKey();

  const VerifierKey& verifier() const { return verifier_; }
  // The 64-byte detached signature of `message` (deterministic).
  std::string Sign(std::string_view message) const;
  // Lends the 32-byte seed to `fn` (for the key file writer); the view is
  // valid only during the call and must not be copied anywhere unwiped.
  [[nodiscard]] Status WithSeed(const std::function<void(std::string_view seed)>& fn) const;

 private:
  struct Secret;
  SigningKey(VerifierKey verifier, std::unique_ptr<Secret> secret);

  VerifierKey verifier_;
  std::unique_ptr<Secret> secret_;
};

namespace internal {
// Decodes the UTF-8 code point starting at s[*pos] and advances *pos past it.
// Returns -1 (and leaves *pos unspecified) for an invalid, overlong, surrogate
// or out-of-range sequence. Shared by the key-name and note-text checks.
int32_t DecodeUtf8CodePoint(std::string_view s, size_t* pos);
// Go's unicode.IsSpace: ASCII white space, NEL, NBSP and category Z (U+3000
// IDEOGRAPHIC SPACE among them). Key names and ids may hold none of them.
bool IsUnicodeSpace(int32_t c);
// C0 controls, DEL and C1 controls.
bool IsControlCharacter(int32_t c);
// FromBase64, but first refusing any byte outside the base64 alphabet and
// "=": libsodium 1.0.18's decoder lets some bytes >= 0x80 through.
std::optional<std::string> DecodeBase64Strict(std::string_view b64);
}  // namespace internal

}  // namespace wasteledger
