// Key files: a signing key on disk as a small JSON document (the grammar is
// at the top of key_file.cc), with the 32-byte seed either plain or sealed
// with a passphrase (Argon2id13 + XSalsa20-Poly1305). Files are created mode
// 0600 and refused when group or others may read or write them.
// Thread-safe: no shared state besides the files themselves.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "wasteledger/keys.h"
#include "wasteledger/status.h"

namespace wasteledger {

inline constexpr std::string_view kKeyFileFormat = "wasteledger-key/v1";

// Argon2id13 cost parameters for a passphrase-sealed key file.
struct KdfLimits {
  uint64_t opslimit;
  uint64_t memlimit;  // bytes
  // libsodium's crypto_pwhash_*_INTERACTIVE: the default.
  static constexpr KdfLimits Interactive() { return {2, 67108864}; }
  // The smallest accepted values: fast, for tests only.
  static constexpr KdfLimits Minimum() { return {1, 8192}; }
};

// Creates `path` (O_CREAT|O_EXCL, mode 0600; an existing file is Refused),
// writes the key and fsyncs it. With a passphrase (which must be non-empty)
// the seed is sealed with a key derived by Argon2id13 using `kdf`.
[[nodiscard]] Status WriteKeyFile(const std::string& path, const SigningKey& key,
                                  const std::optional<std::string>& passphrase,
                                  const KdfLimits& kdf = KdfLimits::Interactive());

// Asks the user for the passphrase of an encrypted key file.
using PassphraseProvider = std::function<Result<std::string>(const std::string& prompt)>;

// Reads a key file. Refuses a file readable or writable by group or others,
// a malformed file (InvalidArgument), a vkey that does not match the secret
// (Corruption) and a wrong passphrase (Unauthenticated). Calls
// `get_passphrase` only when the file is encrypted.
[[nodiscard]] Result<SigningKey> ReadKeyFile(const std::string& path,
                                             const PassphraseProvider& get_passphrase);

// Reads only the public part (the vkey) of a key file; needs no passphrase
// and accepts any file mode.
[[nodiscard]] Result<VerifierKey> ReadKeyFileVerifier(const std::string& path);

}  // namespace wasteledger
