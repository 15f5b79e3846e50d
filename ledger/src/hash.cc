#include "wasteledger/hash.h"

#include <sodium.h>

#include <cstring>

namespace wasteledger {

static_assert(sizeof(crypto_hash_sha256_state) <= 128, "state_ too small");

namespace {
const unsigned char* U(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}
}  // namespace

Hash Sha256(std::string_view data) {
  Hash h;
  crypto_hash_sha256(h.data(), U(data), data.size());
  return h;
}

Hash Sha256(std::string_view prefix, std::string_view data) {
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  crypto_hash_sha256_update(&st, U(prefix), prefix.size());
  crypto_hash_sha256_update(&st, U(data), data.size());
  Hash h;
  crypto_hash_sha256_final(&st, h.data());
  return h;
}

Sha256Stream::Sha256Stream() {
  crypto_hash_sha256_init(reinterpret_cast<crypto_hash_sha256_state*>(state_));
}
Sha256Stream::~Sha256Stream() { sodium_memzero(state_, sizeof(state_)); }
void Sha256Stream::Update(std::string_view data) {
  crypto_hash_sha256_update(reinterpret_cast<crypto_hash_sha256_state*>(state_), U(data),
                            data.size());
}
Hash Sha256Stream::Finish() {
  Hash h;
  crypto_hash_sha256_final(reinterpret_cast<crypto_hash_sha256_state*>(state_), h.data());
  return h;
}

std::string ToHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}
std::string ToHex(const Hash& h) { return ToHex(AsBytes(h)); }

std::optional<std::string> FromHex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = nibble(hex[i]);
    int lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>((hi << 4) | lo));
  }
  return out;
}

std::optional<Hash> HashFromHex(std::string_view hex) {
  auto bytes = FromHex(hex);
  if (!bytes || bytes->size() != 32) return std::nullopt;
  Hash h;
  std::memcpy(h.data(), bytes->data(), 32);
  return h;
}

std::string ToBase64(std::string_view bytes) {
  const int variant = sodium_base64_VARIANT_ORIGINAL;
  std::string out(sodium_base64_encoded_len(bytes.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), U(bytes), bytes.size(), variant);
  out.resize(std::strlen(out.c_str()));
  return out;
}
std::string ToBase64(const Hash& h) { return ToBase64(AsBytes(h)); }

std::optional<std::string> FromBase64(std::string_view b64) {
  // libsodium 1.0.18 lets some bytes >= 0x80 through: check the alphabet and
  // the padding here first.
  if (b64.size() % 4 != 0) return std::nullopt;
  size_t pad = 0;
  while (pad < 2 && pad < b64.size() && b64[b64.size() - 1 - pad] == '=') ++pad;
  for (size_t i = 0; i < b64.size() - pad; ++i) {
    const char c = b64[i];
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
          c == '/')) {
      return std::nullopt;
    }
  }
  std::string out(b64.size() / 4 * 3 + 3, '\0');
  size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), b64.data(),
                        b64.size(), nullptr, &len, &end, sodium_base64_VARIANT_ORIGINAL) != 0) {
    return std::nullopt;
  }
  if (end != b64.data() + b64.size()) return std::nullopt;
  out.resize(len);
  return out;
}

}  // namespace wasteledger
