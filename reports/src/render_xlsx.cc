// XLSX via libxlsxwriter, which writes only to files: the workbook goes to a
// temporary file that is read back and removed.
#include <stdlib.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cells.h"
#include "wasteledger/reports/render.h"
#include "xlsx_sheet_name.h"

namespace wasteledger::reports {
namespace {

using internal::CellKind;

constexpr lxw_row_t kHeaderRow = 2;  // row 0: title, row 1: note, then the table
constexpr uint8_t kPaperA4 = 9;
constexpr lxw_color_t kHeaderFill = 0xE8EDF2;

// A temporary file path, removed on destruction.
class TempFile {
 public:
  ~TempFile() {
    if (!path_.empty()) unlink(path_.c_str());
  }
  Status Create() {
    const char* dir = std::getenv("TMPDIR");
    std::string templ =
        std::string(dir != nullptr && *dir != '\0' ? dir : "/tmp") + "/wasteledger-XXXXXX.xlsx";
    const int fd = mkstemps(templ.data(), 5);
    if (fd < 0)
      return Status::IOError("cannot create a temporary file in " + templ.substr(0, templ.rfind('/')));
    close(fd);
    path_ = templ;
    return Status::Ok();
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The cell formats: [0] plain, [1] bold (totals rows).
struct Formats {
  lxw_format* title = nullptr;
  lxw_format* note = nullptr;
  lxw_format* header = nullptr;
  lxw_format* header_num = nullptr;
  lxw_format* label = nullptr;
  std::array<lxw_format*, 2> text{}, integer{}, mass{}, ratio{};
};

const char* MassNumberFormat(MassUnit unit) {
  switch (unit) {
    case MassUnit::kTonne:
      return "#,##0.000000";
    case MassUnit::kKilogram:
      return "#,##0.000";
    case MassUnit::kGram:
      return "#,##0";
  }
  return "General";
}

lxw_format* NewFormat(lxw_workbook* wb, const char* num_format, bool bold) {
  lxw_format* f = workbook_add_format(wb);
  if (num_format != nullptr) format_set_num_format(f, num_format);
  if (bold) format_set_bold(f);
  return f;
}

// A totals-row format: bold with a rule above, like the text and HTML output.
lxw_format* NewTotalsFormat(lxw_workbook* wb, const char* num_format) {
  lxw_format* f = NewFormat(wb, num_format, true);
  format_set_top(f, LXW_BORDER_THIN);
  return f;
}

Formats MakeFormats(lxw_workbook* wb, MassUnit unit) {
  Formats f;
  f.title = NewFormat(wb, nullptr, true);
  format_set_font_size(f.title, 14);
  f.note = NewFormat(wb, nullptr, false);
  format_set_italic(f.note);
  format_set_font_color(f.note, 0x52606D);
  for (lxw_format** h : {&f.header, &f.header_num}) {
    *h = NewFormat(wb, nullptr, true);
    format_set_bg_color(*h, kHeaderFill);
    format_set_bottom(*h, LXW_BORDER_THIN);
    format_set_text_wrap(*h);
    format_set_align(*h, LXW_ALIGN_VERTICAL_TOP);
  }
  format_set_align(f.header_num, LXW_ALIGN_RIGHT);
  f.label = NewFormat(wb, nullptr, true);
  f.text = {NewFormat(wb, nullptr, false), NewTotalsFormat(wb, nullptr)};
  f.integer = {NewFormat(wb, "0", false), NewTotalsFormat(wb, "0")};
  f.mass = {NewFormat(wb, MassNumberFormat(unit), false), NewTotalsFormat(wb, MassNumberFormat(unit))};
  f.ratio = {NewFormat(wb, "0.00%", false), NewTotalsFormat(wb, "0.00%")};
  return f;
}

class Writer {
 public:
  Writer(lxw_workbook* wb, const Document& doc) : wb_(wb), doc_(doc), f_(MakeFormats(wb, doc.unit)) {}

  void Summary() {
    lxw_worksheet* ws = AddSheet("summary", "summary");
    if (ws == nullptr) return;
    Track(worksheet_write_string(ws, 0, 0, doc_.title.In(doc_.lang).c_str(), f_.title));
    int label_width = 10, value_width = 20;
    lxw_row_t row = 2;
    for (const auto& [label, value] : doc_.facts) {
      Track(worksheet_write_string(ws, row, 0, label.In(doc_.lang).c_str(), f_.label));
      Track(worksheet_write_string(ws, row, 1, value.c_str(), nullptr));
      label_width = std::max(label_width, DisplayWidth(label.In(doc_.lang)) + 2);
      value_width = std::max(value_width, DisplayWidth(value) + 2);
      ++row;
    }
    Track(worksheet_set_column(ws, 0, 0, std::min(label_width, 40), nullptr));
    Track(worksheet_set_column(ws, 1, 1, std::min(value_width, 100), nullptr));
  }

  void TableSheet(const Table& table) {
    lxw_worksheet* ws = AddSheet(table.title.In(doc_.lang), table.id);
    if (ws == nullptr) return;
    Track(worksheet_write_string(ws, 0, 0, table.title.In(doc_.lang).c_str(), f_.title));
    if (!table.note.In(doc_.lang).empty())
      Track(worksheet_write_string(ws, 1, 0, table.note.In(doc_.lang).c_str(), f_.note));
    std::vector<int> widths(table.columns.size(), 8);
    for (size_t c = 0; c < table.columns.size(); ++c) {
      const Column& col = table.columns[c];
      const std::string header = internal::ColumnHeader(col, doc_.unit, doc_.lang);
      Track(worksheet_write_string(ws, kHeaderRow, Col(c), header.c_str(),
                                   internal::IsNumeric(col.type) ? f_.header_num : f_.header));
      widths[c] = std::max(widths[c], DisplayWidth(header) + 2);
    }
    lxw_row_t row = kHeaderRow + 1;
    for (const auto& cells : table.rows) WriteRow(ws, row++, cells, table, false, widths);
    const lxw_row_t last_data = row - 1;
    for (const auto& cells : table.totals) WriteRow(ws, row++, cells, table, true, widths);
    for (size_t c = 0; c < widths.size(); ++c) {
      Track(worksheet_set_column(ws, Col(c), Col(c), std::min(widths[c], 60), nullptr));
    }
    PageSetup(ws, table, last_data);
  }

  lxw_error error() const { return error_; }

 private:
  static lxw_col_t Col(size_t c) { return static_cast<lxw_col_t>(c); }

  void Track(lxw_error e) {
    if (error_ == LXW_NO_ERROR) error_ = e;
  }

  lxw_worksheet* AddSheet(const std::string& wanted, const std::string& fallback) {
    const std::string name = namer_.Unique(wanted, fallback);
    lxw_worksheet* ws = workbook_add_worksheet(wb_, name.c_str());
    if (ws == nullptr) Track(LXW_ERROR_PARAMETER_VALIDATION);
    return ws;
  }

  void PageSetup(lxw_worksheet* ws, const Table& table, lxw_row_t last_data) {
    worksheet_freeze_panes(ws, kHeaderRow + 1, 0);
    if (!table.rows.empty() && !table.columns.empty()) {
      Track(worksheet_autofilter(ws, kHeaderRow, 0, last_data, Col(table.columns.size() - 1)));
    }
    worksheet_set_landscape(ws);
    worksheet_set_paper(ws, kPaperA4);
    worksheet_fit_to_pages(ws, 1, 0);
    Track(worksheet_repeat_rows(ws, kHeaderRow, kHeaderRow));
    Track(worksheet_set_footer(ws, "&C&P / &N"));
  }

  void WriteRow(lxw_worksheet* ws, lxw_row_t row, const std::vector<Cell>& cells, const Table& table,
                bool bold, std::vector<int>& widths) {
    for (size_t c = 0; c < table.columns.size(); ++c) {
      const Cell empty;
      const Cell& cell = c < cells.size() ? cells[c] : empty;
      WriteCell(ws, row, Col(c), cell, table.columns[c].type, bold ? 1 : 0);
      const std::string shown =
          internal::FormatCell(cell, table.columns[c].type, doc_.unit, internal::RatioStyle::kPercent);
      const int grouping = static_cast<int>(shown.size() / 3);  // room for thousands separators
      widths[c] = std::max(widths[c], DisplayWidth(shown) + grouping + 2);
    }
  }

  void WriteCell(lxw_worksheet* ws, lxw_row_t row, lxw_col_t col, const Cell& cell, ColumnType type,
                 size_t b) {
    switch (internal::KindOf(cell, type)) {
      case CellKind::kEmpty:
        if (b == 1) Track(worksheet_write_blank(ws, row, col, f_.text[b]));
        return;
      case CellKind::kText:
        Track(worksheet_write_string(ws, row, col, std::get<std::string>(cell).c_str(), f_.text[b]));
        return;
      case CellKind::kInteger:
        Track(worksheet_write_number(ws, row, col, static_cast<double>(std::get<int64_t>(cell)),
                                     f_.integer[b]));
        return;
      case CellKind::kMass: {
        const double value = static_cast<double>(std::get<int64_t>(cell)) /
                             static_cast<double>(internal::GramsPerUnit(doc_.unit));
        Track(worksheet_write_number(ws, row, col, value, f_.mass[b]));
        return;
      }
      case CellKind::kRatio: {
        const Ratio& r = std::get<Ratio>(cell);
        if (r.denominator == 0) {
          if (b == 1) Track(worksheet_write_blank(ws, row, col, f_.ratio[b]));
          return;
        }
        const double value = static_cast<double>(r.numerator) / static_cast<double>(r.denominator);
        Track(worksheet_write_number(ws, row, col, value, f_.ratio[b]));
        return;
      }
    }
  }

  lxw_workbook* wb_;
  const Document& doc_;
  Formats f_;
  internal::SheetNamer namer_;
  lxw_error error_ = LXW_NO_ERROR;
};

Result<std::string> ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("cannot read back " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  if (!ss) return Status::IOError("cannot read back " + path);
  return ss.str();
}

Status WriteWorkbook(const std::string& path, const Document& doc) {
  std::string tmpdir = path.substr(0, path.rfind('/'));
  lxw_workbook_options options = {};
  options.tmpdir = tmpdir.data();
  lxw_workbook* wb = workbook_new_opt(path.c_str(), &options);
  if (wb == nullptr) return Status::IOError("xlsx: cannot create the workbook " + path);
  std::string title = doc.title.In(doc.lang);
  lxw_doc_properties props = {};
  props.title = title.data();
  Writer writer(wb, doc);
  writer.Summary();
  for (const Table& table : doc.tables) writer.TableSheet(table);
  lxw_error err = workbook_set_properties(wb, &props);
  if (writer.error() != LXW_NO_ERROR) err = writer.error();
  const lxw_error closed = workbook_close(wb);  // also frees the workbook
  if (err == LXW_NO_ERROR) err = closed;
  if (err != LXW_NO_ERROR) return Status::IOError(std::string("xlsx: ") + lxw_strerror(err));
  return Status::Ok();
}

}  // namespace

Result<std::string> RenderXlsx(const Document& doc) {
  TempFile file;
  WL_RETURN_IF_ERROR(file.Create());
  WL_RETURN_IF_ERROR(WriteWorkbook(file.path(), doc));
  return ReadAll(file.path());
}

}  // namespace wasteledger::reports
