// libFuzzer target for the XLSX reader (OpenXlsx).
// Not built by CMake: tests/fuzz/run.sh builds and runs it, e.g.
//
//   tests/fuzz/run.sh 60 xlsx_reader_fuzz
//
// An input is read two ways. As it is: arbitrary bytes, which mostly stop at
// the zip layer (mutated zip entries fail their CRC). And, when it does not
// start with "PK", as the XML parts of a workbook separated by "\n--part--\n"
// (workbook.xml, its .rels, sharedStrings.xml, sheet1.xml, in that order),
// zipped here, so that mutations reach the XML handling.
//
// Properties checked on every input (any failure aborts):
//   - opening and reading never crash; every failure is InvalidArgument or
//     NotFound, and a failing source keeps failing;
//   - every row's original, read back with the CSV reader, gives the row's
//     cell texts;
//   - decompressing the parts a few bytes at a time (so that rows and tags
//     straddle the chunks) gives the same rows and errors as the default.

#include <zip.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "reader_internal.h"
#include "wasteledger/import/reader.h"

namespace {

using wasteledger::Result;
using wasteledger::Status;
using wasteledger::import::Row;
using wasteledger::import::RowSource;

void Check(bool condition) {
  if (!condition) std::abort();
}

// A zip (stored, not compressed) of the named parts, built in memory.
std::string Zip(const std::vector<std::pair<std::string, std::string>>& parts) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* out = zip_source_buffer_create(nullptr, 0, 0, &error);
  Check(out != nullptr);
  zip_source_keep(out);
  zip_t* z = zip_open_from_source(out, ZIP_TRUNCATE, &error);
  Check(z != nullptr);
  for (const auto& [name, data] : parts) {
    zip_source_t* src = zip_source_buffer(z, data.data(), data.size(), 0);
    Check(src != nullptr);
    const zip_int64_t index = zip_file_add(z, name.c_str(), src, 0);
    Check(index >= 0);
    zip_set_file_compression(z, static_cast<zip_uint64_t>(index), ZIP_CM_STORE, 0);
  }
  Check(zip_close(z) == 0);
  std::string bytes;
  Check(zip_source_open(out) == 0);
  Check(zip_source_seek(out, 0, SEEK_END) == 0);
  const zip_int64_t size = zip_source_tell(out);
  Check(size >= 0 && zip_source_seek(out, 0, SEEK_SET) == 0);
  bytes.resize(static_cast<size_t>(size));
  Check(zip_source_read(out, bytes.data(), bytes.size()) == size);
  zip_source_close(out);
  zip_source_free(out);
  zip_error_fini(&error);
  return bytes;
}

std::string PartsToZip(std::string_view input) {
  static const char* const kNames[] = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                                       "xl/sharedStrings.xml", "xl/worksheets/sheet1.xml"};
  constexpr std::string_view kSeparator = "\n--part--\n";
  std::vector<std::pair<std::string, std::string>> parts;
  for (const char* name : kNames) {
    const size_t end = input.find(kSeparator);
    parts.emplace_back(name, std::string(input.substr(0, end)));
    if (end == std::string_view::npos) break;
    input.remove_prefix(end + kSeparator.size());
  }
  return Zip(parts);
}

// Reads the workbook; returns a transcript of its rows (numbers, kinds,
// texts) and of the error that ended them.
std::string ReadWorkbook(std::string bytes) {
  std::string transcript;
  Result<std::unique_ptr<RowSource>> source = wasteledger::import::OpenXlsx(std::move(bytes));
  if (!source.ok()) {
    Check(source.status().code() == Status::Code::kInvalidArgument ||
          source.status().code() == Status::Code::kNotFound);
    return source.status().message();
  }
  Check((*source)->encoding() == "xlsx");
  Row row;
  for (;;) {
    Result<bool> more = (*source)->Next(row);
    if (!more.ok()) {
      Check(more.status().code() == Status::Code::kInvalidArgument);
      Check(!(*source)->Next(row).ok());
      return transcript + more.status().message();
    }
    if (!*more) return transcript;
    transcript += std::to_string(row.number) + ":";
    for (const auto& cell : row.cells) {
      transcript += std::to_string(static_cast<int>(cell.kind)) + cell.text + "\x1F";
    }
    transcript += "\n";
    if (row.cells.empty()) {
      Check(row.original.empty());
      continue;
    }
    // (A line end, so that a row of one empty text cell is a row.)
    Result<std::unique_ptr<RowSource>> csv = wasteledger::import::OpenCsvText(row.original + "\r\n");
    Check(csv.ok());
    Row back;
    Result<bool> got = (*csv)->Next(back);
    Check(got.ok() && *got);
    Check(back.cells.size() == row.cells.size());
    for (size_t i = 0; i < row.cells.size(); ++i) Check(back.cells[i].text == row.cells[i].text);
    Result<bool> end = (*csv)->Next(back);
    Check(end.ok() && !*end);
  }
}

// The transcript with the default chunk and with a tiny one agree. (Not
// when the zip data is damaged: read in small chunks, the rows before the
// damage come out before the error.)
void ReadBothWays(const std::string& bytes, size_t small_chunk) {
  wasteledger::import::internal::SetXlsxChunkSize(0);
  const std::string whole = ReadWorkbook(bytes);
  wasteledger::import::internal::SetXlsxChunkSize(small_chunk);
  const std::string chunked = ReadWorkbook(bytes);
  wasteledger::import::internal::SetXlsxChunkSize(0);
  if (whole.find("cannot read it (") == std::string::npos) Check(whole == chunked);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  // Raw bytes may inflate to megabytes: read them in the default chunks
  // only. The parts are stored, no bigger than the input: also in tiny ones.
  ReadWorkbook(std::string(input));
  if (!input.starts_with("PK")) ReadBothWays(PartsToZip(input), 1 + size % 11);
  return 0;
}
