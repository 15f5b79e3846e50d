// XLSX reader: the zip is opened from memory with libzip, the parts are
// parsed with pugixml. The workbook is found through the package's
// relationships (_rels/.rels, then the workbook's own .rels), as Excel
// does, rather than by fixed names, because generators other than Excel
// (WPS, report servers, .NET libraries) name and prefix the parts freely.
// Element names are matched without their namespace prefix for the same
// reason ("x:row" is a row).
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

constexpr size_t kMaxPartSize = size_t{2} << 30;  // 2 GiB: a zip bomb stops here
constexpr uint64_t kMaxColumns = 16384;           // XFD, Excel's last column

Status NotWorkbook(const std::string& why) { return Status::InvalidArgument("not an XLSX workbook: " + why); }

// An element or attribute name without its namespace prefix.
std::string_view LocalName(const char* name) {
  const std::string_view n(name);
  const size_t colon = n.find(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
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
    if (zip_ == nullptr) s = NotWorkbook(std::string("not a zip archive (") + zip_error_strerror(&error) + ")");
    zip_error_fini(&error);
    return s;
  }

  bool Has(const std::string& name) const { return zip_name_locate(zip_, name.c_str(), ZIP_FL_NOCASE) >= 0; }

  // Reads part `name` into `out`; NotFound when the archive has no such part.
  Status Read(const std::string& name, std::string& out) const {
    out.clear();
    const zip_int64_t index = zip_name_locate(zip_, name.c_str(), ZIP_FL_NOCASE);
    if (index < 0) return Status::NotFound("no part " + name);
    zip_stat_t st;
    zip_stat_init(&st);
    // The stored size is only a hint (a damaged archive may lie): reserve
    // up to 64 MiB from it and let the string grow past that.
    if (zip_stat_index(zip_, static_cast<zip_uint64_t>(index), 0, &st) == 0 && (st.valid & ZIP_STAT_SIZE) != 0) {
      out.reserve(static_cast<size_t>(std::min<zip_uint64_t>(st.size, zip_uint64_t{64} << 20)));
    }
    zip_file_t* file = zip_fopen_index(zip_, static_cast<zip_uint64_t>(index), 0);
    if (file == nullptr) return NotWorkbook("cannot open " + name + " (" + zip_strerror(zip_) + ")");
    constexpr size_t kChunk = 1 << 16;
    Status s;
    for (;;) {
      const size_t used = out.size();
      if (used > kMaxPartSize) {
        s = NotWorkbook(name + " is larger than 2 GiB uncompressed");
        break;
      }
      out.resize(used + kChunk);
      const zip_int64_t got = zip_fread(file, out.data() + used, kChunk);
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
  return type.size() > suffix.size() && type.compare(type.size() - suffix.size(), suffix.size(), suffix) == 0 &&
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

class XlsxSource final : public RowSource {
 public:
  XlsxSource(std::string sheet_name, std::string part, std::string xml, std::vector<std::string> strings)
      : sheet_(std::move(sheet_name)), part_(std::move(part)), xml_(std::move(xml)), strings_(std::move(strings)) {}

  Status Init() {
    WL_RETURN_IF_ERROR(ParseXml(xml_, part_, doc_));
    const pugi::xml_node data = Child(doc_.document_element(), "sheetData");
    if (data) next_ = Child(data, "row");
    return Status::Ok();
  }

  Result<bool> Next(Row& row) override;
  const std::string& encoding() const override { return encoding_; }
  const std::string& sheet() const override { return sheet_; }

 private:
  Status RowFailure(uint64_t number, const std::string& why) const {
    return Status::InvalidArgument("sheet \"" + sheet_ + "\" row " + std::to_string(number) + ": " + why);
  }
  Status CellValue(pugi::xml_node c, uint64_t number, const char* ref, Cell& cell) const;

  const std::string encoding_ = "xlsx";
  std::string sheet_;
  std::string part_;
  std::string xml_;  // the sheet part, parsed in place by doc_
  std::vector<std::string> strings_;
  pugi::xml_document doc_;
  pugi::xml_node next_;
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
  if (!v) return Status::Ok();  // a styled cell with no value
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
    if (cell.text != "0" && cell.text != "1") return cell_error("boolean \"" + cell.text + "\" is not 0 or 1");
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
  if (!next_) return false;
  const pugi::xml_node xml_row = next_;
  next_ = NextSibling(next_, "row");

  uint64_t number = last_row_ + 1;  // rows without "r" follow on
  if (const char* r = Attr(xml_row, "r"); r != nullptr) {
    if (!ParseUint(r, number) || number == 0) {
      error_ = Status::InvalidArgument("sheet \"" + sheet_ + "\": the row after row " + std::to_string(last_row_) +
                                       " has a bad number \"" + r + "\"");
      return error_;
    }
  }
  last_row_ = number;
  row.number = number;

  size_t n = 0;  // cells filled so far
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

}  // namespace

Result<std::unique_ptr<RowSource>> OpenXlsx(std::string bytes, std::string_view sheet) {
  Archive zip;
  WL_RETURN_IF_ERROR(zip.Open(bytes));

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
  WL_RETURN_IF_ERROR(ReadRelationships(zip, base + "_rels/" + workbook_part.substr(base.size()) + ".rels", rels));

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
      return Status::NotFound("no sheet \"" + std::string(sheet) + "\" in the workbook (sheets: " + names + ")");
    }
  }
  if (chosen->part.empty()) return NotWorkbook("sheet \"" + chosen->name + "\" has no part in the archive");

  // Shared strings: the workbook's relationship, else the usual name; a
  // workbook with no text cells may have none.
  std::string strings_part = base + "sharedStrings.xml";
  for (const Relationship& r : rels) {
    if (TypeIs(r.type, "sharedStrings")) strings_part = ResolvePart(base, r.target);
  }
  std::vector<std::string> strings;
  {
    std::string text;
    s = zip.Read(strings_part, text);
    if (s.code() != Status::Code::kNotFound) {
      WL_RETURN_IF_ERROR(s);
      pugi::xml_document doc;
      WL_RETURN_IF_ERROR(ParseXml(text, strings_part, doc));
      for (pugi::xml_node si = Child(doc.document_element(), "si"); si; si = NextSibling(si, "si")) {
        StringItemText(si, strings.emplace_back());
      }
    }
  }

  std::string sheet_xml;
  s = zip.Read(chosen->part, sheet_xml);
  if (s.code() == Status::Code::kNotFound) {
    return NotWorkbook("sheet \"" + chosen->name + "\" (" + chosen->part + ") is missing from the archive");
  }
  WL_RETURN_IF_ERROR(s);
  auto source = std::make_unique<XlsxSource>(chosen->name, chosen->part, std::move(sheet_xml), std::move(strings));
  WL_RETURN_IF_ERROR(source->Init());
  return std::unique_ptr<RowSource>(std::move(source));
}

}  // namespace wasteledger::import
