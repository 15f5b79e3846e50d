// OpenTable: maps the file and picks the reader by its first bytes, never
// by its name (clerks rename .xlsx to .csv and back).
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "reader_internal.h"
#include "wasteledger/import/reader.h"

namespace wasteledger::import {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

// Closes a file descriptor on scope exit.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// Reads what is left of `fd` into `out` (pipes, and files mmap refuses).
bool ReadAll(int fd, std::string& out) {
  char buf[1 << 16];
  for (;;) {
    const ssize_t got = read(fd, buf, sizeof buf);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return false;
    if (got == 0) return true;
    out.append(buf, static_cast<size_t>(got));
  }
}

}  // namespace

namespace internal {

Result<std::unique_ptr<FileBytes>> FileBytes::Read(const std::string& path) {
  const auto fail = [&path](int err) {
    return Status::IOError("cannot read " + path + ": " + std::strerror(err));
  };
  const Fd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return fail(errno);
  struct stat st;
  if (fstat(fd.get(), &st) != 0) return fail(errno);
  if (S_ISDIR(st.st_mode)) return fail(EISDIR);
  std::unique_ptr<FileBytes> file(new FileBytes());
  if (S_ISREG(st.st_mode) && st.st_size > 0) {
    const auto size = static_cast<size_t>(st.st_size);
    // MAP_POPULATE: the whole file is read anyway, so fault it in at once.
    void* map = mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd.get(), 0);
    if (map != MAP_FAILED) {
      file->map_ = map;
      file->map_size_ = size;
      file->bytes_ = std::string_view(static_cast<const char*>(map), size);
      return file;
    }
  }
  if (!ReadAll(fd.get(), file->copy_)) return fail(errno);
  file->bytes_ = file->copy_;
  return file;
}

FileBytes::~FileBytes() {
  if (map_ != nullptr) munmap(map_, map_size_);
}

}  // namespace internal

namespace {

// A CSV file, in UTF-8 or GB18030.
Result<std::unique_ptr<RowSource>> OpenText(std::unique_ptr<internal::FileBytes> file, Encoding encoding) {
  const std::string_view bytes = file->bytes();
  // One pass checks UTF-8 and finds NUL bytes up to where UTF-8 breaks.
  const internal::Utf8Scan scan = internal::ScanUtf8(bytes);
  const bool utf8 = scan.invalid == bytes.size();
  if (scan.nul ||
      (!utf8 && std::memchr(bytes.data() + scan.invalid, '\0', bytes.size() - scan.invalid) != nullptr)) {
    // Say what it probably is when the signature is a common one.
    if (bytes.starts_with("\xD0\xCF\x11\xE0")) {
      return Status::InvalidArgument("not a CSV or XLSX file (an old .xls workbook? save it as .xlsx)");
    }
    if (bytes.starts_with("\xFF\xFE") || bytes.starts_with("\xFE\xFF")) {
      return Status::InvalidArgument("not a CSV or XLSX file (UTF-16 text; save it as UTF-8 CSV)");
    }
    return Status::InvalidArgument("not a CSV or XLSX file (it holds NUL bytes)");
  }
  // UTF-8 is read where it lies; anything else is decoded into new text.
  if (encoding != Encoding::kGb18030 && utf8) {
    return internal::NewCsvSource(std::move(file), bytes.starts_with(kBom) ? kBom.size() : 0);
  }
  std::string detected;
  WL_ASSIGN_OR_RETURN(std::string text, DecodeText(bytes, encoding, &detected));
  return internal::NewCsvSource(std::move(text), std::move(detected));
}

// Web systems' "Excel" exports that are no spreadsheet: an HTML table
// saved as .xls, or Excel 2003's XML. What to say, or "" for neither.
std::string MarkupKind(std::string_view bytes) {
  if (bytes.starts_with(kBom)) bytes.remove_prefix(kBom.size());
  const size_t start = bytes.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos || bytes[start] != '<') return "";
  std::string head(bytes.substr(start, 4096));
  for (auto& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (head.find("urn:schemas-microsoft-com:office:spreadsheet") != std::string::npos) {
    return "not a CSV or XLSX file: an Excel 2003 XML spreadsheet; open it in Excel or WPS and save it as .xlsx";
  }
  for (std::string_view tag : {"<!doctype html", "<html", "<table", "<meta", "<head"}) {
    if (head.find(tag) != std::string::npos) {
      return "not a CSV or XLSX file: an HTML page saved under a spreadsheet's name (what many web systems export "
             "as \"Excel\"); open it in Excel or WPS and save it as .xlsx or CSV";
    }
  }
  return "";
}

}  // namespace

Result<std::unique_ptr<RowSource>> OpenTable(const std::string& path, Encoding encoding,
                                             std::string_view sheet) {
  WL_ASSIGN_OR_RETURN(std::unique_ptr<internal::FileBytes> file, internal::FileBytes::Read(path));
  const std::string_view bytes = file->bytes();
  if (bytes.starts_with("PK\x03\x04")) return OpenXlsx(std::string(bytes), sheet);
  // Named a workbook but not one; read as text all the same (a CSV renamed),
  // and say so if that fails too.
  const auto lower = [](std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  };
  if (std::string kind = MarkupKind(bytes); !kind.empty()) return Status::InvalidArgument(kind);
  const std::string name = lower(path);
  const bool named_xlsx = name.ends_with(".xlsx") || name.ends_with(".xlsm");
  auto as_text = OpenText(std::move(file), encoding);
  if (!as_text.ok() && named_xlsx) {
    return Status::InvalidArgument(
        "not an XLSX workbook (a workbook is a zip archive and this file does not start like one: damaged, or "
        "not a workbook) nor CSV text");
  }
  return as_text;
}

}  // namespace wasteledger::import
