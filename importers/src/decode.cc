// Text decoding: UTF-8 is checked and kept, GB18030 (and so GBK, its
// subset) goes through glibc's iconv. Legacy Chinese exports are one or the
// other; a BOM, or bytes that are well-formed UTF-8, settle it, because
// Chinese text in GB18030 is almost never also valid UTF-8.
#include <errno.h>
#include <iconv.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "reader_internal.h"
#include "wasteledger/import/reader.h"

namespace wasteledger::import {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr size_t kClean = std::string::npos;

// True when `rest`, the bytes from where decoding stopped to the end of the
// file, is the start of a UTF-8 or GB18030 character with the rest of it
// missing: the file was cut short (a copy interrupted, a size limit).
bool CutOffCharacter(std::string_view rest) {
  if (rest.empty() || rest.size() > 3) return false;
  const auto b = [&rest](size_t i) { return static_cast<unsigned char>(rest[i]); };
  const unsigned lead = b(0);
  const size_t utf8_need = lead >= 0xF0 && lead <= 0xF4 ? 4 : lead >= 0xE0 && lead <= 0xEF ? 3
                                                          : lead >= 0xC2 && lead <= 0xDF ? 2
                                                                                          : 0;
  bool utf8 = utf8_need > rest.size();
  for (size_t i = 1; i < rest.size(); ++i) utf8 = utf8 && (b(i) & 0xC0) == 0x80;
  if (utf8) return true;
  if (lead < 0x81 || lead > 0xFE) return false;
  if (rest.size() == 1) return true;  // a two- or four-byte character's first byte
  // Four-byte GB18030: lead, 0x30-0x39, 0x81-0xFE, 0x30-0x39.
  return b(1) >= 0x30 && b(1) <= 0x39 && (rest.size() == 2 || (b(2) >= 0x81 && b(2) <= 0xFE));
}

// 1-based line of byte `offset`, counting CRLF, LF and a lone CR as one line
// end each, like the CSV reader does.
uint64_t LineOf(std::string_view bytes, size_t offset) {
  uint64_t line = 1;
  for (size_t i = 0; i < offset && i < bytes.size(); ++i) {
    if (bytes[i] == '\n' || (bytes[i] == '\r' && (i + 1 >= bytes.size() || bytes[i + 1] != '\n'))) ++line;
  }
  return line;
}

// "line 12 (byte offset 3456)"; offsets count from 0, as hex dumps do.
std::string Where(std::string_view bytes, size_t offset) {
  return "line " + std::to_string(LineOf(bytes, offset)) + " (byte offset " + std::to_string(offset) + ")";
}

// The refusal for text that does not decode as `what` from `offset` on.
Status Undecodable(std::string_view what, std::string_view bytes, size_t offset) {
  if (offset < bytes.size() && CutOffCharacter(bytes.substr(offset))) {
    return Status::InvalidArgument("the file ends in the middle of a character, at " + Where(bytes, offset) +
                                   ": it looks cut short (truncated); read it from the original again");
  }
  return Status::InvalidArgument("not valid " + std::string(what) + " at " + Where(bytes, offset));
}

// iconv descriptor, closed on destruction.
class Iconv {
 public:
  Iconv() : cd_(iconv_open("UTF-8", "GB18030")) {}
  ~Iconv() {
    if (ok()) iconv_close(cd_);
  }
  Iconv(const Iconv&) = delete;
  Iconv& operator=(const Iconv&) = delete;
  bool ok() const { return cd_ != Invalid(); }
  iconv_t get() const { return cd_; }

 private:
  static iconv_t Invalid() { return reinterpret_cast<iconv_t>(static_cast<intptr_t>(-1)); }
  iconv_t cd_;
};

// Converts GB18030 `in` to UTF-8 in `out`. `bad` gets the offset of the first
// byte that does not start a complete GB18030 sequence, or kClean.
Status Gb18030ToUtf8(std::string_view in, std::string& out, size_t& bad) {
  bad = kClean;
  out.clear();
  Iconv cd;
  if (!cd.ok()) return Status::IOError("this system's iconv cannot convert GB18030 to UTF-8");
  // A GB18030 character of n bytes is at most n+1 UTF-8 bytes (2 -> 3,
  // 4 -> 4 or 3), so half again the input nearly always suffices; E2BIG grows it.
  out.resize(in.size() + in.size() / 2 + 16);
  char* src = const_cast<char*>(in.data());  // iconv's signature is not const-correct
  size_t src_left = in.size();
  size_t written = 0;
  while (src_left > 0) {
    char* dst = out.data() + written;
    size_t dst_left = out.size() - written;
    const size_t rc = iconv(cd.get(), &src, &src_left, &dst, &dst_left);
    const int err = errno;
    written = out.size() - dst_left;
    if (rc != static_cast<size_t>(-1)) break;
    if (err == E2BIG) {
      out.resize(out.size() * 2);
      continue;
    }
    // EILSEQ (an invalid sequence) or EINVAL (one cut off at the end).
    bad = static_cast<size_t>(src - in.data());
    break;
  }
  out.resize(written);
  return Status::Ok();
}

}  // namespace

Result<std::string> DecodeText(std::string_view bytes, Encoding encoding, std::string* detected) {
  if (encoding != Encoding::kGb18030) {
    const bool bom = bytes.starts_with(kBom);
    const size_t bad_utf8 = internal::FindInvalidUtf8(bytes);
    if (bad_utf8 == bytes.size()) {
      if (detected != nullptr) *detected = "utf-8";
      return std::string(bytes.substr(bom ? kBom.size() : 0));
    }
    std::string gb;
    size_t bad_gb = kClean;
    // A BOM is the file saying it is UTF-8: no second guess.
    if (!bom) WL_RETURN_IF_ERROR(Gb18030ToUtf8(bytes, gb, bad_gb));
    if (encoding == Encoding::kUtf8 || bom) {
      Status refusal = Undecodable("UTF-8", bytes, bad_utf8);
      if (!bom && bad_gb == kClean) return Status::InvalidArgument(refusal.message() + "; try --encoding gb18030");
      return refusal;
    }
    if (bad_gb == kClean) {
      if (detected != nullptr) *detected = "gb18030";
      return gb;
    }
    // Neither decodes; the one that got further is the likelier encoding,
    // so where it stops is the likelier place of the damage.
    return Undecodable("UTF-8 or GB18030", bytes, std::max(bad_utf8, bad_gb));
  }
  std::string gb;
  size_t bad_gb = kClean;
  WL_RETURN_IF_ERROR(Gb18030ToUtf8(bytes, gb, bad_gb));
  if (bad_gb != kClean) return Undecodable("GB18030", bytes, bad_gb);
  if (detected != nullptr) *detected = "gb18030";
  return gb;
}

namespace internal {

Utf8Scan ScanUtf8(std::string_view s) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHighs = 0x8080808080808080ULL;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  Utf8Scan scan;
  size_t i = 0;
  while (i < n) {
    // Most of a CSV file is ASCII: skip it sixteen bytes at a time while no
    // byte has its high bit set or is zero (w - 0x01.. borrows at a zero).
    while (i + 16 <= n) {
      uint64_t a, b;
      std::memcpy(&a, p + i, 8);
      std::memcpy(&b, p + i + 8, 8);
      if ((((a - kOnes) | a | (b - kOnes) | b) & kHighs) != 0) break;
      i += 16;
    }
    if (i >= n) break;
    const unsigned lead = p[i];
    if (lead < 0x80) {
      scan.nul = scan.nul || lead == 0;
      ++i;
      continue;
    }
    // Sequence length and the range of the second byte (RFC 3629 table):
    // the narrowed ranges exclude overlongs (E0, F0), surrogates (ED) and
    // code points above U+10FFFF (F4).
    size_t len = 0;
    unsigned lo = 0x80, hi = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      len = 2;
    } else if (lead == 0xE0) {
      len = 3;
      lo = 0xA0;
    } else if (lead == 0xED) {
      len = 3;
      hi = 0x9F;
    } else if (lead >= 0xE1 && lead <= 0xEF) {
      len = 3;
    } else if (lead == 0xF0) {
      len = 4;
      lo = 0x90;
    } else if (lead >= 0xF1 && lead <= 0xF3) {
      len = 4;
    } else if (lead == 0xF4) {
      len = 4;
      hi = 0x8F;
    } else {
      break;  // a continuation byte, C0/C1 (always overlong) or F5..FF
    }
    if (n - i < len || p[i + 1] < lo || p[i + 1] > hi) break;
    bool continued = true;
    for (size_t k = 2; k < len; ++k) continued = continued && (p[i + k] & 0xC0) == 0x80;
    if (!continued) break;
    i += len;
  }
  scan.invalid = std::min(i, n);
  return scan;
}

}  // namespace internal

Result<Encoding> ParseEncoding(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
  if (lower == "auto") return Encoding::kAuto;
  if (lower == "utf-8" || lower == "utf8") return Encoding::kUtf8;
  if (lower == "gb18030" || lower == "gbk") return Encoding::kGb18030;
  return Status::InvalidArgument("unknown encoding \"" + std::string(name) +
                                 "\" (use auto, utf-8 or gb18030)");
}

}  // namespace wasteledger::import
