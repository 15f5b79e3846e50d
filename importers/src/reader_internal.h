// Pieces the readers share that are not part of reader.h: the UTF-8 check,
// a file's bytes mapped rather than copied, and CSV sources over either.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "wasteledger/import/reader.h"
#include "wasteledger/status.h"

namespace wasteledger::import::internal {

// The offset of the first byte of the first ill-formed UTF-8 sequence in `s`
// (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF), or
// s.size() when all of it is well formed; and whether a NUL byte comes
// before that offset (one pass over a big file instead of two).
struct Utf8Scan {
  size_t invalid = 0;
  bool nul = false;
};
Utf8Scan ScanUtf8(std::string_view s);
inline size_t FindInvalidUtf8(std::string_view s) { return ScanUtf8(s).invalid; }

// A whole file's bytes: a read-only mapping of a regular file, else (a pipe,
// an empty file) a copy read into memory. Mapping matters for big files: a
// 200 MB file is then read from the page cache in place, where copying it
// into fresh memory costs more than parsing it (page faults dominate).
// The file must not shrink while mapped (the reader would fault).
class FileBytes {
 public:
  // IOError "cannot read PATH: reason".
  static Result<std::unique_ptr<FileBytes>> Read(const std::string& path);
  ~FileBytes();
  FileBytes(const FileBytes&) = delete;
  FileBytes& operator=(const FileBytes&) = delete;
  std::string_view bytes() const { return bytes_; }

 private:
  FileBytes() = default;
  void* map_ = nullptr;
  size_t map_size_ = 0;
  std::string copy_;
  std::string_view bytes_;
};

// OpenCsvText whose encoding() reports `encoding` ("utf-8" or "gb18030").
std::unique_ptr<RowSource> NewCsvSource(std::string utf8_text, std::string encoding);
// A CSV source over file bytes that are UTF-8 after their first `skip`
// bytes (a BOM).
std::unique_ptr<RowSource> NewCsvSource(std::unique_ptr<FileBytes> file, size_t skip);

// How much of a sheet the XLSX reader decompresses at a time, at most (by
// default 1 MiB); tests and fuzzing set a few bytes so that rows straddle
// the chunks. 0 restores the default. Not thread-safe: for tests only.
void SetXlsxChunkSize(size_t bytes);

// `text` as one RFC 4180 field, quoted when it holds a quote, a line end or
// any of the delimiters the CSV reader sniffs for (',', ';', tab), so that
// reading it back gives `text` whatever delimiter is sniffed.
void AppendCsvField(std::string_view text, std::string& out);

}  // namespace wasteledger::import::internal
