// SHA-256 digests and the byte encodings (hex, base64) the format uses.
// Thread-safe: all functions are pure.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wasteledger {

using Hash = std::array<uint8_t, 32>;

// SHA-256 of `data` (OpenSSL's libcrypto).
Hash Sha256(std::string_view data);
// SHA-256 of prefix || data, without building the concatenation.
Hash Sha256(std::string_view prefix, std::string_view data);

// Incremental SHA-256 for large inputs (files).
class Sha256Stream {
 public:
  Sha256Stream();
  ~Sha256Stream();
  Sha256Stream(const Sha256Stream&) = delete;
  Sha256Stream& operator=(const Sha256Stream&) = delete;
  void Update(std::string_view data);
  Hash Finish();

 private:
  void* ctx_;  // OpenSSL's EVP_MD_CTX, opaque here
};

// Lowercase hex.
std::string ToHex(std::string_view bytes);
std::string ToHex(const Hash& h);
// Accepts upper or lower case; nullopt on odd length or a non-hex char.
std::optional<std::string> FromHex(std::string_view hex);
std::optional<Hash> HashFromHex(std::string_view hex);

// Standard base64 with padding (RFC 4648 section 4).
std::string ToBase64(std::string_view bytes);
std::string ToBase64(const Hash& h);
// Strict: rejects missing padding, whitespace and non-alphabet characters.
std::optional<std::string> FromBase64(std::string_view b64);

inline std::string_view AsBytes(const Hash& h) {
  return {reinterpret_cast<const char*>(h.data()), h.size()};
}

}  // namespace wasteledger
