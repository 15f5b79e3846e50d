#include "wasteledger/hash.h"

#include <openssl/evp.h>
#include <sodium.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <initializer_list>

namespace wasteledger {

// SHA-256 comes from OpenSSL's libcrypto: it uses the CPU's SHA extensions
// where there are any (about 3x libsodium's portable code on 1 KB, which
// matters for leaf and statement hashes on the append and verify paths).
// libsodium keeps everything else: Ed25519, Argon2id, secretbox, base64.
namespace {
const unsigned char* U(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

const EVP_MD* Sha256Md() {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  if (md == nullptr) {
    std::fputs("wasteledger: OpenSSL has no SHA-256 implementation\n", stderr);
    std::abort();
  }
  return md;
}

EVP_MD_CTX* NewContext() {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr || EVP_DigestInit_ex2(ctx, Sha256Md(), nullptr) != 1) {
    std::fputs("wasteledger: cannot set up SHA-256 (out of memory?)\n", stderr);
    std::abort();
  }
  return ctx;
}

void Check(int ok) {
  if (ok != 1) {
    std::fputs("wasteledger: SHA-256 failed in OpenSSL\n", stderr);
    std::abort();
  }
}

// One context per thread, reset for each one-shot hash (a fresh context
// per call would cost an allocation and a method look-up).
class ThreadContext {
 public:
  ThreadContext() : ctx_(NewContext()) {}
  ~ThreadContext() { EVP_MD_CTX_free(ctx_); }
  ThreadContext(const ThreadContext&) = delete;
  ThreadContext& operator=(const ThreadContext&) = delete;
  EVP_MD_CTX* Begin() {
    Check(EVP_DigestInit_ex2(ctx_, nullptr, nullptr));
    return ctx_;
  }

 private:
  EVP_MD_CTX* ctx_;
};

Hash Digest(std::initializer_list<std::string_view> parts) {
  thread_local ThreadContext context;
  EVP_MD_CTX* ctx = context.Begin();
  for (std::string_view part : parts) Check(EVP_DigestUpdate(ctx, part.data(), part.size()));
  Hash h;
  unsigned int len = 0;
  Check(EVP_DigestFinal_ex(ctx, h.data(), &len));
  return h;
}
}  // namespace

Hash Sha256(std::string_view data) { return Digest({data}); }

Hash Sha256(std::string_view prefix, std::string_view data) { return Digest({prefix, data}); }

Sha256Stream::Sha256Stream() : ctx_(NewContext()) {}
Sha256Stream::~Sha256Stream() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(ctx_)); }
void Sha256Stream::Update(std::string_view data) {
  Check(EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(ctx_), data.data(), data.size()));
}
Hash Sha256Stream::Finish() {
  Hash h;
  unsigned int len = 0;
  Check(EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(ctx_), h.data(), &len));
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
