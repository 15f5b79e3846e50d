// XLSX reader: the zip is opened from memory with libzip, the parts are
// parsed with pugixml. The workbook is found through the package's
// relationships (_rels/.rels, then the workbook's own .rels), as Excel
// does, rather than by fixed names, because generators other than Excel
// (WPS, report servers, .NET libraries) name and prefix the parts freely.
// Element names are matched without their namespace prefix for the same
// reason ("x:row" is a row). The sheet and the shared strings are not
// parsed whole: they are cut into rows (strings) as they are decompressed
// and each is parsed alone, so memory stays small however long the sheet.
#include <zip.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "reader_internal.h"
#include "wasteledger/import/reader.h"

namespace wasteledger::import {
namespace {

constexpr size_t kMaxPartSize = size_t{2} << 30;    // 2 GiB: a zip bomb stops here
constexpr size_t kMaxItemSize = size_t{256} << 20;  // one <row> or <si>, 256 MiB
constexpr size_t kChunk = size_t{1} << 20;          // read from a sheet at a time, at most
constexpr size_t kFirstChunk = size_t{64} << 10;    // and at first (small parts stay cheap)

// What ElementScanner reads at a time: kChunk, or less in tests and fuzzing
// (internal::SetXlsxChunkSize) so that elements straddle chunk boundaries.
size_t g_scan_chunk = kChunk;
constexpr uint64_t kMaxColumns = 16384;  // XFD, Excel's last column

Status NotWorkbook(const std::string& why) { return Status::InvalidArgument("not an XLSX workbook: " + why); }

// An element or attribute name without its namespace prefix.
std::string_view LocalName(std::string_view name) {
  const size_t colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

pugi::xml_node Child(pugi::xml_node node, std::string_view local) {
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element && LocalName(c.name()) == local) return c;
  }
  return {};
}

pugi::xml_node NextSibling(pugi::xml_node node, std::string_view local) {
  for (pugi::xml_node c = node.next_sibling(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element && LocalName(c.name()) == local) return c;
  }
  return {};
}

// An attribute by local name ("r:id" and "ns1:id" alike are "id" with a
// prefix; `prefixed` says whether to look only at prefixed ones, since a
// sheet's "r:id" and a plain "id" would otherwise be confused).
const char* Attr(pugi::xml_node node, std::string_view local, bool prefixed = false) {
  for (pugi::xml_attribute a = node.first_attribute(); a; a = a.next_attribute()) {
    const std::string_view name(a.name());
    if (prefixed && name.find(':') == std::string_view::npos) continue;
    if (LocalName(a.name()) == local) return a.value();
  }
  return nullptr;
}

// The text of an element: its character data and CDATA, concatenated.
void AppendText(pugi::xml_node node, std::string& out) {
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) out += c.value();
  }
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void AppendUtf8(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// OOXML strings escape characters XML cannot hold as _xHHHH_ (Excel writes
// a carriage return as _x000D_; "_x005F_" is a literal underscore). NUL and
// lone surrogates are left as written: they have no place in UTF-8 text.
void UnescapeOoxml(std::string& s) {
  if (s.find("_x") == std::string::npos) return;
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '_' && i + 6 < s.size() && s[i + 1] == 'x' && s[i + 6] == '_') {
      uint32_t cp = 0;
      bool hex = true;
      for (size_t k = 2; k < 6; ++k) {
        const int v = HexValue(s[i + k]);
        hex = hex && v >= 0;
        cp = cp * 16 + static_cast<uint32_t>(v < 0 ? 0 : v);
      }
      if (hex && cp != 0 && (cp < 0xD800 || cp > 0xDFFF)) {
        AppendUtf8(cp, out);
        i += 6;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  s = std::move(out);
}

// A string item (<si> or <is>): plain <t>, or rich-text runs <r><t> joined.
// Phonetic guides (<rPh>, furigana) are not part of the cell's text.
void StringItemText(pugi::xml_node item, std::string& out) {
  out.clear();
  for (pugi::xml_node c = item.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    const std::string_view name = LocalName(c.name());
    if (name == "t") {
      AppendText(c, out);
    } else if (name == "r") {
      for (pugi::xml_node t = Child(c, "t"); t; t = NextSibling(t, "t")) AppendText(t, out);
    }
  }
  UnescapeOoxml(out);
}

// "xl/" + "worksheets/sheet1.xml", or "/xl/worksheets/sheet1.xml" from the
// package root, with "." and ".." resolved.
std::string ResolvePart(std::string_view base_dir, std::string_view target) {
  std::string joined;
  if (!target.empty() && target.front() == '/') {
    joined = target.substr(1);
  } else {
    joined = std::string(base_dir) + std::string(target);
  }
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= joined.size()) {
    size_t slash = joined.find('/', start);
    if (slash == std::string::npos) slash = joined.size();
    const std::string part = joined.substr(start, slash - start);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    start = slash + 1;
  }
  std::string out;
  for (const std::string& p : parts) {
    if (!out.empty()) out += '/';
    out += p;
  }
  return out;
}

std::string DirOf(const std::string& part) {
  const size_t slash = part.rfind('/');
  return slash == std::string::npos ? "" : part.substr(0, slash + 1);
}

// A relationship part's entries: Id -> (Type, Target), in document order.
struct Relationship {
  std::string id, type, target;
};

// The zip archive, read from memory.
class Archive {
 public:
  ~Archive() {
    if (zip_ != nullptr) zip_discard(zip_);
  }

  Status Open(const std::string& bytes) {
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
    if (source != nullptr) {
      zip_ = zip_open_from_source(source, ZIP_RDONLY, &error);
      if (zip_ == nullptr) zip_source_free(source);
    }
    Status s;
    if (zip_ == nullptr) {
      // Bytes that start like a zip and fail are damaged: most often cut
      // short, which loses the directory at the end of the archive.
      const bool zip_like = bytes.starts_with("PK\x03\x04");
      s = NotWorkbook(std::string(zip_like ? "a damaged or truncated zip archive (" : "not a zip archive (") +
                      zip_error_strerror(&error) + ")");
    }
    zip_error_fini(&error);
    return s;
  }

  bool Has(const std::string& name) const { return zip_name_locate(zip_, name.c_str(), ZIP_FL_NOCASE) >= 0; }

  // Opens part `name` for reading; NotFound when the archive has no such part.
  Status OpenPart(const std::string& name, zip_file_t*& file) const {
    const zip_int64_t index = zip_name_locate(zip_, name.c_str(), ZIP_FL_NOCASE);
    if (index < 0) return Status::NotFound("no part " + name);
    file = zip_fopen_index(zip_, static_cast<zip_uint64_t>(index), 0);
    if (file == nullptr) return NotWorkbook("cannot open " + name + " (" + zip_strerror(zip_) + ")");
    return Status::Ok();
  }

  // Reads part `name` into `out`; NotFound when the archive has no such part.
  Status Read(const std::string& name, std::string& out) const {
    out.clear();
    zip_file_t* file = nullptr;
    WL_RETURN_IF_ERROR(OpenPart(name, file));
    Status s;
    for (;;) {
      const size_t used = out.size();
      if (used > kMaxPartSize) {
        s = NotWorkbook(name + " is larger than 2 GiB uncompressed");
        break;
      }
      out.resize(used + kFirstChunk);
      const zip_int64_t got = zip_fread(file, out.data() + used, kFirstChunk);
      if (got < 0) {
        s = NotWorkbook("cannot read " + name + " (" + zip_file_strerror(file) + ")");
        out.resize(used);
        break;
      }
      out.resize(used + static_cast<size_t>(got));
      if (got == 0) break;
    }
    zip_fclose(file);
    return s;
  }

 private:
  zip_t* zip_ = nullptr;
};

// Parses `text` in place (it must outlive `doc`).
Status ParseXml(std::string& text, const std::string& part, pugi::xml_document& doc) {
  // ws_pcdata_single keeps <t> </t>: a cell holding only spaces.
  const pugi::xml_parse_result r =
      doc.load_buffer_inplace(text.data(), text.size(), pugi::parse_default | pugi::parse_ws_pcdata_single);
  if (!r) {
    return NotWorkbook(part + " is not well-formed XML (" + r.description() + " at offset " +
                       std::to_string(r.offset) + ")");
  }
  return Status::Ok();
}

Status ReadRelationships(const Archive& zip, const std::string& part, std::vector<Relationship>& out) {
  out.clear();
  std::string text;
  Status s = zip.Read(part, text);
  if (s.code() == Status::Code::kNotFound) return Status::Ok();  // no relationships
  WL_RETURN_IF_ERROR(s);
  pugi::xml_document doc;
  WL_RETURN_IF_ERROR(ParseXml(text, part, doc));
  const pugi::xml_node root = doc.document_element();
  for (pugi::xml_node rel = Child(root, "Relationship"); rel; rel = NextSibling(rel, "Relationship")) {
    const char* mode = Attr(rel, "TargetMode");
    if (mode != nullptr && std::string_view(mode) == "External") continue;
    const char* id = Attr(rel, "Id");
    const char* type = Attr(rel, "Type");
    const char* target = Attr(rel, "Target");
    if (id == nullptr || target == nullptr) continue;
    out.push_back({id, type == nullptr ? "" : type, target});
  }
  return Status::Ok();
}

bool TypeIs(const std::string& type, std::string_view suffix) {
  return type.size() > suffix.size() &&
         type.compare(type.size() - suffix.size(), suffix.size(), suffix) == 0 &&
         type[type.size() - suffix.size() - 1] == '/';
}

// Column index (0-based) of a cell reference such as "B3", or -1.
int64_t ColumnOf(std::string_view ref) {
  uint64_t col = 0;
  size_t i = 0;
  for (; i < ref.size(); ++i) {
    const char c = ref[i];
    uint64_t v;
    if (c >= 'A' && c <= 'Z') {
      v = static_cast<uint64_t>(c - 'A') + 1;
    } else if (c >= 'a' && c <= 'z') {
      v = static_cast<uint64_t>(c - 'a') + 1;
    } else {
      break;
    }
    col = col * 26 + v;
    if (col > kMaxColumns) return -1;
  }
  if (i == 0) return -1;
  for (; i < ref.size(); ++i) {
    if (ref[i] < '0' || ref[i] > '9') return -1;
  }
  return static_cast<int64_t>(col) - 1;
}

bool ParseUint(std::string_view s, uint64_t& out) {
  if (s.empty() || s.size() > 19) return false;
  out = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    out = out * 10 + static_cast<uint64_t>(c - '0');
  }
  return true;
}

// One piece of markup: a start, end or empty-element tag, or anything else
// (comment, CDATA, processing instruction, DOCTYPE).
enum class TagKind { kStart, kEnd, kEmpty, kOther };

// Reads the markup that starts at s[i] == '<': its kind, name and the
// offset just past it. False when `s` ends first (and more may come: with
// `eof`, a short tail is read as it is).
bool ReadTag(std::string_view s, size_t i, bool eof, TagKind& kind, std::string_view& name, size_t& end) {
  const std::string_view rest = s.substr(i);
  if (rest.size() < 9 && !eof) return false;  // "<![CDATA[" must be told from "<!DOCTYPE"
  const auto skip_to = [&](std::string_view close, size_t from) {
    const size_t at = s.find(close, from);
    if (at == std::string_view::npos) return false;
    end = at + close.size();
    return true;
  };
  kind = TagKind::kOther;
  name = {};
  if (rest.starts_with("<!--")) return skip_to("-->", i + 4);
  if (rest.starts_with("<![CDATA[")) return skip_to("]]>", i + 9);
  if (rest.starts_with("<?")) return skip_to("?>", i + 2);
  if (rest.starts_with("<!")) return skip_to(">", i + 2);
  const bool closing = rest.starts_with("</");
  size_t j = i + (closing ? 2 : 1);
  const size_t name_start = j;
  while (j < s.size() && s[j] != '>' && s[j] != '/' && s[j] != ' ' && s[j] != '\t' && s[j] != '\r' &&
         s[j] != '\n') {
    ++j;
  }
  name = s.substr(name_start, j - name_start);
  // To the closing '>', stepping over quoted attribute values (which may
  // hold '>' and '/').
  for (; j < s.size(); ++j) {
    const char c = s[j];
    if (c == '"' || c == '\'') {
      j = s.find(c, j + 1);
      if (j == std::string_view::npos) return false;
    } else if (c == '>') {
      end = j + 1;
      kind = closing ? TagKind::kEnd : s[j - 1] == '/' ? TagKind::kEmpty : TagKind::kStart;
      return true;
    }
  }
  return false;
}

// Cuts a part into elements as it is decompressed, a chunk at a time: the
// <row>s of a sheet's <sheetData>, the <si>s of the shared strings' <sst>.
// Memory then holds a chunk and one element rather than the part: a DOM of
// a million-row sheet takes gigabytes. Each element is parsed on its own.
class ElementScanner {
 public:
  // `item` elements inside the `container` element; both do not nest.
  ElementScanner(zip_file_t* file, std::string_view container, std::string_view item)
      : file_(file), container_(container), item_(item) {}
  ~ElementScanner() { zip_fclose(file_); }
  ElementScanner(const ElementScanner&) = delete;
  ElementScanner& operator=(const ElementScanner&) = delete;

  // The next item element's bytes in `begin`/`size` (writable, valid until
  // the next call), or false after the last. The error messages are
  // phrases for the caller to place.
  Result<bool> Next(char*& begin, size_t& size) {
    for (;;) {
      size_t start = 0, stop = 0;
      const Step step = state_ == State::kDone ? Step::kDone : Scan(start, stop);
      if (step == Step::kRow) {
        begin = buf_.data() + start;
        size = stop - start;
        return true;
      }
      if (step == Step::kDone) return false;
      if (eof_) {
        if (state_ == State::kBeforeData) return false;  // no container (a chart sheet): no items
        if (in_item_) return Status::InvalidArgument("the XML ends inside a <" + std::string(item_) + ">");
        return Status::InvalidArgument("the XML ends before </" + std::string(container_) + ">");
      }
      WL_RETURN_IF_ERROR(Refill());
    }
  }

 private:
  enum class State { kBeforeData, kInData, kDone };
  enum class Step { kRow, kMore, kDone };

  // Looks for the next whole item from pos_; kMore when the buffer ends
  // first. pos_ then stays at the markup to read again after a refill, or
  // at the item's start (in_item_), with scan_ where its end tag is sought
  // from, so a long item is not scanned again from its start at each chunk.
  Step Scan(size_t& start, size_t& stop) {
    const std::string_view s = buf_;
    TagKind kind;
    std::string_view name;
    size_t end = 0;
    while (!in_item_) {
      const size_t lt = s.find('<', pos_);
      if (lt == std::string_view::npos) {
        pos_ = s.size();  // text between tags
        return Step::kMore;
      }
      pos_ = lt;
      if (!ReadTag(s, lt, eof_, kind, name, end)) return Step::kMore;
      const std::string_view local = LocalName(name);
      if (state_ == State::kBeforeData) {
        if (local == container_ && kind == TagKind::kStart) state_ = State::kInData;
        if (local == container_ && kind == TagKind::kEmpty) state_ = State::kDone;
        pos_ = end;
        if (state_ == State::kDone) return Step::kDone;
        continue;
      }
      if (local == container_ && kind == TagKind::kEnd) {
        state_ = State::kDone;
        pos_ = end;
        return Step::kDone;
      }
      if (local == item_ && kind == TagKind::kEmpty) {
        start = pos_;
        stop = pos_ = end;
        return Step::kRow;
      }
      if (local == item_ && kind == TagKind::kStart) {
        in_item_ = true;
        scan_ = end;
        break;
      }
      pos_ = end;  // a comment or other markup between items
    }
    // Items do not nest: the item ends at the first end tag of its name.
    for (;;) {
      const size_t lt = s.find('<', scan_);
      if (lt == std::string_view::npos) {
        scan_ = s.size();
        return Step::kMore;
      }
      scan_ = lt;
      if (!ReadTag(s, lt, eof_, kind, name, end)) return Step::kMore;
      scan_ = end;
      if (kind == TagKind::kEnd && LocalName(name) == item_) break;
    }
    in_item_ = false;
    start = pos_;
    stop = pos_ = scan_;
    return Step::kRow;
  }

  // Drops what is read and appends the next chunk of the part.
  Status Refill() {
    buf_.erase(0, pos_);
    scan_ -= std::min(scan_, pos_);
    pos_ = 0;
    if (buf_.size() > kMaxItemSize) {
      return Status::InvalidArgument("a <" + std::string(item_) + "> is larger than 256 MiB");
    }
    // Chunks grow from 64 KiB to 1 MiB: a small sheet takes little memory,
    // a big one few calls.
    const size_t chunk = std::min(g_scan_chunk, kFirstChunk << std::min<size_t>(refills_++, 4));
    const size_t used = buf_.size();
    buf_.resize(used + chunk);
    const zip_int64_t got = zip_fread(file_, buf_.data() + used, chunk);
    if (got < 0) {
      buf_.resize(used);
      return Status::InvalidArgument(std::string("cannot read it (") + zip_file_strerror(file_) + ")");
    }
    buf_.resize(used + static_cast<size_t>(got));
    eof_ = got == 0;
    return Status::Ok();
  }

  zip_file_t* file_;
  std::string_view container_, item_;
  std::string buf_;
  size_t pos_ = 0;  // the next unread byte of buf_
  bool eof_ = false;
  bool in_item_ = false;  // pos_ is at the start of an item whose end is not read yet
  size_t scan_ = 0;       // with in_item_: where to look for the item's end
  size_t refills_ = 0;
  State state_ = State::kBeforeData;
};

// Parses one element cut out by an ElementScanner into `doc`, in place;
// false, with pugixml's reason in `why`, when it is not well-formed.
bool ParseItem(pugi::xml_document& doc, char* begin, size_t size, std::string& why) {
  const pugi::xml_parse_result parsed = doc.load_buffer_inplace(
      begin, size, pugi::parse_default | pugi::parse_ws_pcdata_single | pugi::parse_fragment,
      pugi::encoding_utf8);
  if (!parsed) why = parsed.description();
  return static_cast<bool>(parsed);
}

// The shared strings, in order; none when the part is missing.
Status ReadSharedStrings(const Archive& zip, const std::string& part, std::vector<std::string>& strings) {
  zip_file_t* file = nullptr;
  Status s = zip.OpenPart(part, file);
  if (s.code() == Status::Code::kNotFound) return Status::Ok();  // a workbook with no text cells
  WL_RETURN_IF_ERROR(s);
  ElementScanner scanner(file, "sst", "si");
  pugi::xml_document doc;
  char* begin = nullptr;
  size_t size = 0;
  for (;;) {
    Result<bool> more = scanner.Next(begin, size);
    if (!more.ok()) return NotWorkbook(part + ": " + more.status().message());
    if (!*more) return Status::Ok();
    std::string why;
    if (!ParseItem(doc, begin, size, why)) {
      return NotWorkbook(part + ": string " + std::to_string(strings.size()) + " is not well-formed XML (" +
                         why + ")");
    }
    StringItemText(Child(doc, "si"), strings.emplace_back());
  }
}

class XlsxSource final : public RowSource {
 public:
  explicit XlsxSource(std::string bytes) : bytes_(std::move(bytes)) {}

  // Opens the workbook and finds the sheet (the first when `sheet` is "").
  Status Open(std::string_view sheet);

  Result<bool> Next(Row& row) override;
  const std::string& encoding() const override { return encoding_; }
  const std::string& sheet() const override { return sheet_; }
  bool date1904() const override { return date1904_; }

 private:
  Status RowFailure(uint64_t number, const std::string& why) const {
    return Status::InvalidArgument("sheet \"" + sheet_ + "\" row " + std::to_string(number) + ": " + why);
  }
  Status Failure(const std::string& why) const {
    return Status::InvalidArgument("sheet \"" + sheet_ + "\" after row " + std::to_string(last_row_) + ": " +
                                   why);
  }
  Status CellValue(pugi::xml_node c, uint64_t number, const char* ref, Cell& cell) const;

  // Destroyed in reverse: the scanner's part before the archive before the
  // bytes the archive reads.
  std::string bytes_;
  Archive archive_;
  std::unique_ptr<ElementScanner> scanner_;
  const std::string encoding_ = "xlsx";
  std::string sheet_;
  bool date1904_ = false;
  std::vector<std::string> strings_;
  pugi::xml_document row_doc_;  // the current row, parsed in the scanner's buffer
  uint64_t last_row_ = 0;
  Status error_;
};

Status XlsxSource::CellValue(pugi::xml_node c, uint64_t number, const char* ref, Cell& cell) const {
  cell.text.clear();
  cell.kind = Cell::Kind::kEmpty;
  const char* type_attr = Attr(c, "t");
  const std::string_view type = type_attr == nullptr ? "n" : type_attr;
  const pugi::xml_node v = Child(c, "v");
  const auto cell_error = [&](const std::string& why) {
    return RowFailure(number, ref == nullptr ? why : "cell " + std::string(ref) + ": " + why);
  };
  if (type == "inlineStr") {
    const pugi::xml_node is = Child(c, "is");
    if (is) {
      StringItemText(is, cell.text);
      cell.kind = Cell::Kind::kText;
    } else if (v) {  // some writers put an inline string's text in <v>
      AppendText(v, cell.text);
      cell.kind = Cell::Kind::kText;
    }
    return Status::Ok();
  }
  if (!v) {
    // A styled cell with no value; or a formula never calculated (a workbook
    // written by a program that does not calculate): its value is unknown,
    // an error cell with no text (so a row of nothing else is still blank).
    if (Child(c, "f")) cell.kind = Cell::Kind::kError;
    return Status::Ok();
  }
  AppendText(v, cell.text);
  if (type == "s") {
    uint64_t index = 0;
    if (!ParseUint(cell.text, index) || index >= strings_.size()) {
      return cell_error("shared string " + cell.text + " does not exist");
    }
    cell.text = strings_[index];
    cell.kind = Cell::Kind::kText;
  } else if (type == "str" || type == "d") {  // a formula's text result; an ISO 8601 date
    UnescapeOoxml(cell.text);
    cell.kind = Cell::Kind::kText;
  } else if (type == "n") {
    cell.kind = cell.text.empty() ? Cell::Kind::kEmpty : Cell::Kind::kNumber;
  } else if (type == "b") {
    if (cell.text != "0" && cell.text != "1") {
      return cell_error("boolean \"" + cell.text + "\" is not 0 or 1");
    }
    cell.text = cell.text == "1" ? "TRUE" : "FALSE";
    cell.kind = Cell::Kind::kBool;
  } else if (type == "e") {
    cell.kind = Cell::Kind::kError;
  } else {
    return cell_error("unknown cell type \"" + std::string(type) + "\"");
  }
  return Status::Ok();
}

Result<bool> XlsxSource::Next(Row& row) {
  if (!error_.ok()) return error_;
  char* begin = nullptr;
  size_t size = 0;
  Result<bool> more = scanner_->Next(begin, size);
  if (!more.ok()) {
    error_ = Failure(more.status().message());
    return error_;
  }
  if (!*more) return false;
  if (std::string why; !ParseItem(row_doc_, begin, size, why)) {
    error_ = Failure("a row is not well-formed XML (" + why + ")");
    return error_;
  }
  const pugi::xml_node xml_row = Child(row_doc_, "row");

  uint64_t number = last_row_ + 1;  // rows without "r" follow on
  if (const char* r = Attr(xml_row, "r"); r != nullptr) {
    if (!ParseUint(r, number) || number == 0) {
      error_ = Failure("a row has a bad number \"" + std::string(r) + "\"");
      return error_;
    }
  }
  last_row_ = number;
  row.number = number;

  size_t n = 0;     // cells filled so far
  size_t used = 0;  // cells up to the last one that is not empty
  for (pugi::xml_node c = Child(xml_row, "c"); c; c = NextSibling(c, "c")) {
    const char* ref = Attr(c, "r");
    size_t column = n;  // cells without "r" follow on
    if (ref != nullptr) {
      const int64_t col = ColumnOf(ref);
      if (col < 0) {
        error_ = RowFailure(number, "bad cell reference \"" + std::string(ref) + "\"");
        return error_;
      }
      if (static_cast<size_t>(col) < n) {
        error_ = RowFailure(number, "cell " + std::string(ref) + " is out of order");
        return error_;
      }
      column = static_cast<size_t>(col);
    } else if (column >= kMaxColumns) {
      error_ = RowFailure(number, "more than 16384 cells");
      return error_;
    }
    // Cells skipped in the XML are empty: fill them so positions hold.
    if (row.cells.size() < column + 1) row.cells.resize(column + 1);
    for (; n < column; ++n) {
      row.cells[n].kind = Cell::Kind::kEmpty;
      row.cells[n].text.clear();
    }
    Status s = CellValue(c, number, ref, row.cells[column]);
    if (!s.ok()) {
      error_ = s;
      return error_;
    }
    n = column + 1;
    if (row.cells[column].kind != Cell::Kind::kEmpty) used = n;
  }
  // Styled but empty cells at the end of a row carry nothing.
  row.cells.resize(used);

  row.original.clear();
  for (size_t i = 0; i < row.cells.size(); ++i) {
    if (i > 0) row.original.push_back(',');
    internal::AppendCsvField(row.cells[i].text, row.original);
  }
  return true;
}

// The workbook's sheets in order: name and the part that holds each.
struct SheetRef {
  std::string name;
  std::string part;  // "" when the relationship is missing
};

Status XlsxSource::Open(std::string_view sheet) {
  Archive& zip = archive_;
  WL_RETURN_IF_ERROR(zip.Open(bytes_));

  // The workbook part: from the package relationships, else the usual name.
  std::vector<Relationship> rels;
  WL_RETURN_IF_ERROR(ReadRelationships(zip, "_rels/.rels", rels));
  std::string workbook_part = "xl/workbook.xml";
  for (const Relationship& r : rels) {
    if (TypeIs(r.type, "officeDocument")) {
      const std::string part = ResolvePart("", r.target);
      if (zip.Has(part)) workbook_part = part;
      break;
    }
  }
  std::string workbook_xml;
  Status s = zip.Read(workbook_part, workbook_xml);
  if (s.code() == Status::Code::kNotFound) return NotWorkbook("no " + workbook_part);
  WL_RETURN_IF_ERROR(s);
  pugi::xml_document workbook;
  WL_RETURN_IF_ERROR(ParseXml(workbook_xml, workbook_part, workbook));

  const std::string base = DirOf(workbook_part);
  WL_RETURN_IF_ERROR(
      ReadRelationships(zip, base + "_rels/" + workbook_part.substr(base.size()) + ".rels", rels));

  // The date system: xsd:boolean, "1" or "true" for 1904.
  const char* date1904 = Attr(Child(workbook.document_element(), "workbookPr"), "date1904");
  date1904_ = date1904 != nullptr && (std::string_view(date1904) == "1" || std::string_view(date1904) == "true");

  std::vector<SheetRef> sheets;
  const pugi::xml_node sheets_node = Child(workbook.document_element(), "sheets");
  for (pugi::xml_node n = Child(sheets_node, "sheet"); n; n = NextSibling(n, "sheet")) {
    const char* name = Attr(n, "name");
    const char* rid = Attr(n, "id", /*prefixed=*/true);
    SheetRef ref{name == nullptr ? "" : name, ""};
    for (const Relationship& r : rels) {
      if (rid != nullptr && r.id == rid) ref.part = ResolvePart(base, r.target);
    }
    sheets.push_back(std::move(ref));
  }
  if (sheets.empty()) return NotWorkbook(workbook_part + " lists no sheets");

  const SheetRef* chosen = &sheets.front();
  if (!sheet.empty()) {
    chosen = nullptr;
    for (const SheetRef& ref : sheets) {
      if (ref.name == sheet) chosen = &ref;
    }
    if (chosen == nullptr) {
      std::string names;
      for (const SheetRef& ref : sheets) names += (names.empty() ? "" : ", ") + ref.name;
      return Status::NotFound("no sheet \"" + std::string(sheet) + "\" in the workbook (sheets: " + names +
                              ")");
    }
  }
  if (chosen->part.empty()) return NotWorkbook("sheet \"" + chosen->name + "\" has no part in the archive");

  // Shared strings: the workbook's relationship, else the usual name; a
  // workbook with no text cells may have none.
  std::string strings_part = base + "sharedStrings.xml";
  for (const Relationship& r : rels) {
    if (TypeIs(r.type, "sharedStrings")) strings_part = ResolvePart(base, r.target);
  }
  WL_RETURN_IF_ERROR(ReadSharedStrings(zip, strings_part, strings_));

  zip_file_t* part = nullptr;
  s = zip.OpenPart(chosen->part, part);
  if (s.code() == Status::Code::kNotFound) {
    return NotWorkbook("sheet \"" + chosen->name + "\" (" + chosen->part + ") is missing from the archive");
  }
  WL_RETURN_IF_ERROR(s);
  scanner_ = std::make_unique<ElementScanner>(part, "sheetData", "row");
  sheet_ = chosen->name;
  return Status::Ok();
}

}  // namespace

namespace internal {

void SetXlsxChunkSize(size_t bytes) { g_scan_chunk = bytes == 0 ? kChunk : bytes; }

}  // namespace internal

Result<std::unique_ptr<RowSource>> OpenXlsx(std::string bytes, std::string_view sheet) {
  auto source = std::make_unique<XlsxSource>(std::move(bytes));
  WL_RETURN_IF_ERROR(source->Open(sheet));
  return std::unique_ptr<RowSource>(std::move(source));
}

}  // namespace wasteledger::import
