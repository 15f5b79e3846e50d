// Mapper::Map: one data row to records, following the plan Detect made
// (mapper_detect.cc). The hot path of an import: it reuses the records
// already in `out` (their strings keep their capacity) and reads cells
// through string_views, so a steady stream of rows allocates little.
//
// Order of the checks for each row:
//   1. skips: a blank row, a total row (合计/总计/小计/累计/total/sum in one
//      of the first three cells, or a cell there starting with 合计/总计 or
//      ending with 合计/小计/累计), a repeat of the heading row, a row
//      whose mapped cells are all empty (a footer such as "填表人：");
//   2. 台账: the quantity columns (a bad one is an error; none above zero
//      is a skip, "no quantity");
//   3. the other columns in column order: the first bad cell is the error.
#include "wasteledger/import/mapper.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mapping_spec.h"
#include "wasteledger/import/values.h"

namespace wasteledger::import {

const char* RecordTypeName(RecordType t) {
  switch (t) {
    case RecordType::kManifest:
      return "manifest";
    case RecordType::kGenerate:
      return "generate";
    case RecordType::kUtilize:
      return "utilize";
    case RecordType::kDispose:
      return "dispose";
    case RecordType::kTransfer:
      return "transfer";
  }
  return "manifest";
}

namespace {

using mapping::Binding;
using mapping::Field;

const Cell kEmptyCell;

const Cell& CellAt(const Row& row, size_t column) {
  return column < row.cells.size() ? row.cells[column] : kEmptyCell;
}

void ClearParty(PartyRef& p) {
  p.name.clear();
  p.uscc.clear();
  p.permit.clear();
}

// Empties a record but keeps the capacity of its strings.
void Reset(Record& r) {
  r.type = RecordType::kManifest;
  r.row = 0;
  r.column.clear();
  ClearParty(r.from);
  ClearParty(r.to);
  r.carriers.clear();
  r.manifest.clear();
  r.waste.clear();
  r.waste_name.clear();
  r.hazards.clear();
  r.form.clear();
  r.packaging.clear();
  r.method.clear();
  r.mass_g = 0;
  r.received_g.reset();
  r.date.clear();
  r.received_date.clear();
  r.note.clear();
}

void UpperAscii(std::string& s) {
  for (char& c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
}

enum class TotalLabel { kNone, kGrand, kPart };

// 合计, 总计, total, sum (the whole file's) or 小计, 累计, 本月合计 (a
// part's, or a running sum) in a leading cell.
TotalLabel TotalLabelKind(std::string_view text) {
  // Quick rejection: every label holds 计 or starts with t or s.
  const size_t first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos || text.size() > 48) return TotalLabel::kNone;
  const char c0 = static_cast<char>(text[first] | 0x20);
  const bool full_width = static_cast<unsigned char>(text[first]) == 0xEF;
  if (c0 != 't' && c0 != 's' && !full_width && text.find("计") == std::string_view::npos) return TotalLabel::kNone;
  std::array<char, 48> buf{};
  size_t n = 0;
  std::string scratch;
  for (char c : NormalizeText(text, scratch)) {
    if (c == ' ') continue;
    if (n == buf.size()) return TotalLabel::kNone;
    buf[n++] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  const std::string_view s(buf.data(), n);
  const auto ends_with = [&s](std::string_view w) { return s.size() >= w.size() && s.substr(s.size() - w.size()) == w; };
  if (s == "total" || s == "sum") return TotalLabel::kGrand;
  for (std::string_view w : {"合计", "总计"}) {  // also "合计（吨）", "总计："
    if (s.substr(0, w.size()) == w) return TotalLabel::kGrand;
  }
  // 小计, 累计, and a named part's: 本月合计, 一季度小计, 本年累计.
  for (std::string_view w : {"合计", "小计", "累计"}) {
    if (ends_with(w)) return TotalLabel::kPart;
  }
  return TotalLabel::kNone;
}

// Text that spreadsheet users and exporters wrap around a long number so
// that Excel keeps its digits: ="20234110001101" (a formula yielding text,
// common in CSV exports of provincial systems) and a leading apostrophe
// ('20234110001101, before a code of digits and Latin letters only). Either
// is dropped; anything else is returned as is.
std::string_view UnwrapSpreadsheetText(std::string_view v) {
  if (v.size() >= 3 && v.substr(0, 2) == "=\"" && v.back() == '"' &&
      v.substr(2, v.size() - 3).find('"') == std::string_view::npos) {
    return v.substr(2, v.size() - 3);
  }
  constexpr std::string_view kCode = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-";
  if (v.size() >= 2 && v.front() == '\'' && v.find_first_not_of(kCode, 1) == std::string_view::npos) {
    return v.substr(1);
  }
  return v;
}

// What is wrong with a manifest number typed or exported as text, "" when
// nothing. A whole number with a zero fraction (20234110000401.0, a float
// written out) loses nothing: its fraction is dropped from `number`.
std::string ManifestNumberProblem(std::string& number) {
  // digits [. digits] [(e|E) [+|-] digits], each part read in turn.
  const std::string_view s = number;
  size_t i = 0;
  const auto digits = [&] {
    const size_t from = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i > from;
  };
  if (!digits()) return "";
  size_t point = std::string_view::npos, exponent = std::string_view::npos;
  if (i < s.size() && s[i] == '.') {
    point = i++;
    if (!digits()) return "";
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {  // as spreadsheets write it: 2.02341E+13
    exponent = i++;
    if (i == s.size() || (s[i] != '+' && s[i] != '-')) return "";
    ++i;
    if (!digits()) return "";
  }
  if (i != s.size() || (point == std::string_view::npos && exponent == std::string_view::npos)) return "";
  if (exponent != std::string_view::npos) {
    return "written in exponent form, its digits are lost: format the column as text in the spreadsheet and "
           "export it again";
  }
  if (s.find_first_not_of('0', point + 1) == std::string_view::npos) {
    number.resize(point);
    return "";
  }
  return "a decimal number, not a manifest number";
}

// True for the fields that hold an identifier or a code (a manifest, credit
// code, permit or waste code): a workbook's number cell there is read as the
// whole number it holds (IdentifierNumber), not as the text it is stored as.
bool IsIdentifier(Field field) {
  switch (field) {
    case Field::kManifest:
    case Field::kFromUscc:
    case Field::kToUscc:
    case Field::kCarrierUscc:
    case Field::kToPermit:
    case Field::kWaste:
      return true;
    default:
      return false;
  }
}

// What a value of an identifier field is, in messages.
const char* IdentifierName(Field field) {
  switch (field) {
    case Field::kManifest:
      return "manifest number";
    case Field::kFromUscc:
    case Field::kToUscc:
    case Field::kCarrierUscc:
      return "credit code";
    case Field::kToPermit:
      return "permit number";
    case Field::kWaste:
      return "waste code";
    default:
      return "code";
  }
}

// A workbook's number cell in an identifier column, as the whole number it
// holds, written canonically: digits only, no fraction, no exponent
// ("20234110000303.0", "20234110000303.000" and "2.0234110000303E+13" are
// all 20234110000303), into `out`. What is wrong with it otherwise, "" when
// nothing: a fraction (20234110000303.5), a sign, or a number beyond 2^53,
// which a spreadsheet's number (a binary double) cannot hold to the digit.
std::string IdentifierNumber(std::string_view s, std::string& out, Field field) {
  const std::string what = IdentifierName(field);
  std::string digits;  // every digit, integer then fraction
  size_t point = std::string_view::npos;
  size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) {
    if (s[i] == '-') return "a negative number, not a " + what;
    ++i;
  }
  for (; i < s.size(); ++i) {
    if (s[i] >= '0' && s[i] <= '9') {
      digits.push_back(s[i]);
    } else if (s[i] == '.' && point == std::string_view::npos) {
      point = digits.size();
    } else {
      break;
    }
  }
  if (digits.empty()) return "not a number, though in a number cell";
  if (point == std::string_view::npos) point = digits.size();
  int64_t exponent = 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool negative = false;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) negative = s[i++] == '-';
    const size_t from = i;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
      if (exponent < 1000) exponent = exponent * 10 + (s[i] - '0');
    }
    if (i == from) return "not a number, though in a number cell";
    if (negative) exponent = -exponent;
  }
  if (i != s.size()) return "not a number, though in a number cell";
  // The value is digits × 10^(point + exponent - digits.size()): the first
  // `whole` digits are its integer part (leading zeros dropped first).
  const size_t zeros = std::min(digits.find_first_not_of('0'), digits.size());
  digits.erase(0, zeros);
  const int64_t whole = static_cast<int64_t>(point) - static_cast<int64_t>(zeros) + exponent;
  for (int64_t k = std::max<int64_t>(whole, 0); k < static_cast<int64_t>(digits.size()); ++k) {
    if (digits[static_cast<size_t>(k)] != '0') return "a decimal number, not a " + what;
  }
  // 2^53 = 9007199254740992: past it a double no longer holds every whole
  // number, so the spreadsheet may have changed the last digits.
  constexpr std::string_view kExact = "9007199254740992";
  const auto length = static_cast<int64_t>(kExact.size());
  const auto lost = [whole] {
    return "a number of " + std::to_string(whole) +
           " digits in a number cell: a spreadsheet keeps 15 digits of a number, so its last digits are "
           "lost: format the column as text in the spreadsheet and enter it again";
  };
  if (whole > length) return lost();
  out.clear();
  for (int64_t k = 0; k < whole; ++k) {
    out.push_back(k < static_cast<int64_t>(digits.size()) ? digits[static_cast<size_t>(k)] : '0');
  }
  if (out.empty()) out = "0";
  if (whole == length && out > kExact) return lost();
  return "";
}

// The state of one Map call.
class RowMapper {
 public:
  RowMapper(const mapping::PlanData& plan, const Row& row, RowError& error)
      : plan_(plan), row_(row), error_(error) {}

  Mapper::Outcome Skip(const char* reason) {
    error_.reason = reason;
    return Mapper::Outcome::kSkip;
  }

  Mapper::Outcome Fail(const Binding& b, std::string reason) {
    error_.column = b.heading;
    error_.value = CellAt(row_, b.column).text;
    error_.reason = std::move(reason);
    return Mapper::Outcome::kError;
  }

  // The reason for an error cell: a spreadsheet error value (#N/A), or a
  // formula with no calculated value (no text).
  static std::string ErrorCellReason(const Cell& cell) {
    return cell.text.empty()
               ? "a formula with no calculated value: open the workbook in Excel or WPS and save it, "
                 "so that its formulas are calculated"
               : "spreadsheet error value";
  }

  // Fail for the bool-returning steps.
  bool Error(const Binding& b, std::string reason) {
    Fail(b, std::move(reason));
    return false;
  }

  // The skips of step 1; kRecords when the row is to be mapped.
  Mapper::Outcome Prefilter() {
    bool blank = true;
    for (const Cell& c : row_.cells) {
      if (!IsBlankText(c.text)) {
        blank = false;
        break;
      }
    }
    if (blank) return Skip(Mapper::kBlankRow);
    for (size_t j = 0; j < 3 && j < row_.cells.size(); ++j) {
      switch (TotalLabelKind(row_.cells[j].text)) {
        case TotalLabel::kGrand:
          return Skip(Mapper::kTotalRow);
        case TotalLabel::kPart:
          return Skip(Mapper::kSubtotalRow);
        case TotalLabel::kNone:
          break;
      }
    }
    // The last row, without a line break, and short of a required column
    // (so refused either way): the file was most likely cut off here. A
    // short row elsewhere, or short only of optional columns, is ragged.
    if (row_.unterminated) {
      for (const Binding& b : plan_.bindings) {
        if (!b.required || b.column < row_.cells.size()) continue;
        error_.reason = "the file ends inside this row (no line break after it, and it stops before column " +
                        b.heading + "): the file looks cut short (truncated); read it from the original again";
        return Mapper::Outcome::kError;
      }
    }
    if (!plan_.bindings.empty()) {
      bool heading = true;
      for (const Binding& b : plan_.bindings) {
        if (NormalizeText(CellAt(row_, b.column).text, scratch_) != b.heading_norm) {
          heading = false;
          break;
        }
      }
      if (heading) return Skip(Mapper::kRepeatedHeading);
    }
    for (const Binding& b : plan_.bindings) {
      const std::string& text = CellAt(row_, b.column).text;
      if (IsBlankText(text)) continue;
      if (text.size() <= 16 && IsPlaceholder(NormalizeText(text, scratch_))) continue;
      return Mapper::Outcome::kRecords;
    }
    return Skip(Mapper::kNoValues);
  }

  // The per-row unit (a 计量单位 column), if the row gives one.
  Mapper::Outcome RowUnit() {
    if (!plan_.unit_column) return Mapper::Outcome::kRecords;
    const Binding& b = plan_.bindings[*plan_.unit_column];
    const std::string_view v = NormalizeText(CellAt(row_, b.column).text, scratch_);
    if (v.empty() || IsPlaceholder(v)) return Mapper::Outcome::kRecords;
    if (std::string problem = mapping::TextLengthProblem(b.field, v); !problem.empty()) {
      return Fail(b, std::move(problem));
    }
    row_unit_ = ParseUnitName(v);
    if (!row_unit_) return Fail(b, "unknown unit \"" + std::string(v) + "\" (use t, kg or g)");
    return Mapper::Outcome::kRecords;
  }

  MassUnit UnitFor(const Binding& b) const {
    if (row_unit_) return *row_unit_;
    if (b.unit) return *b.unit;
    if (plan_.constant_unit) return *plan_.constant_unit;
    return MassUnit::kTonnes;
  }

  // How a mass cell reads: its grams, none for a blank or placeholder cell,
  // or why it cannot be read. Map (the records) and Masses (the sums the
  // summary gives and checks the total row against) both read every mass
  // cell through this, so that the sums are those of what is imported. A
  // quantity is read as written: the ="..." and '... wrappers unwrapped in
  // other columns (UnwrapSpreadsheetText) are not a number here.
  struct MassCell {
    std::optional<int64_t> grams;
    std::string problem;  // "" when it reads
  };
  MassCell ReadMass(const Binding& b, const Cell& cell) {
    if (cell.kind == Cell::Kind::kError) return {std::nullopt, ErrorCellReason(cell)};
    const std::string_view v = NormalizeText(cell.text, scratch_);
    if (v.empty() || IsPlaceholder(v)) return {};
    Result<int64_t> g = ParseMass(v, UnitFor(b), cell.kind);
    if (!g.ok()) return {std::nullopt, g.status().message()};
    return {*g, ""};
  }

  // The figures of the mass columns, for Mapper::Masses.
  std::vector<Mapper::ColumnMass> Masses() {
    RowUnit();  // an unknown unit leaves each column's own
    std::vector<Mapper::ColumnMass> out;
    for (const Binding& b : plan_.bindings) {
      if (!b.info->mass) continue;
      const Cell& cell = CellAt(row_, b.column);
      MassCell m = ReadMass(b, cell);
      Mapper::ColumnMass c;
      c.heading = b.heading;
      c.grams = m.grams;
      if (!m.problem.empty()) {
        c.unreadable = true;
        c.value = cell.text;
        c.reason = std::move(m.problem);
      }
      out.push_back(std::move(c));
    }
    return out;
  }

  // Sets one non-quantity field of `r` from `v` (normalised, not empty).
  bool Set(const Binding* b, Field field, std::string_view v, Cell::Kind kind, Record& r) {
    switch (field) {
      case Field::kManifest:
        r.manifest.assign(v);
        // A number cell was read (Fill) as the whole number it holds.
        if (kind != Cell::Kind::kNumber) {
          if (const std::string problem = ManifestNumberProblem(r.manifest); !problem.empty()) {
            return b == nullptr || Error(*b, problem);
          }
        }
        return true;
      case Field::kFromName:
        r.from.name.assign(v);
        return true;
      case Field::kFromUscc:
        r.from.uscc.assign(v);
        UpperAscii(r.from.uscc);
        return true;
      case Field::kCarrier: {
        size_t n = 0;
        for (std::string_view rest = v, name = NextName(rest); !name.empty(); name = NextName(rest)) {
          if (std::string problem = mapping::TextLengthProblem(Field::kFromName, name); !problem.empty()) {
            return b == nullptr || Error(*b, "a carrier's name has " + problem);
          }
          if (n == r.carriers.size()) r.carriers.emplace_back();
          ClearParty(r.carriers[n]);
          r.carriers[n++].name.assign(name);
        }
        r.carriers.resize(n);
        return true;
      }
      case Field::kCarrierUscc:
        carrier_uscc_.assign(v);
        carrier_uscc_binding_ = b;
        return true;
      case Field::kToName:
        r.to.name.assign(v);
        return true;
      case Field::kToUscc:
        r.to.uscc.assign(v);
        UpperAscii(r.to.uscc);
        return true;
      case Field::kToPermit:
        r.to.permit.assign(v);
        return true;
      case Field::kWasteName:
        r.waste_name.assign(v);
        return true;
      case Field::kWaste:
        r.waste.assign(v);
        return true;
      case Field::kHazards:
        if (Status s = ParseHazards(v, r.hazards); !s.ok()) return b == nullptr || Error(*b, s.message());
        return true;
      case Field::kForm:
        r.form.assign(v);
        return true;
      case Field::kPackaging:
        r.packaging.assign(v);
        return true;
      case Field::kDate:
      case Field::kReceivedDate: {
        const DateFormat* format = b != nullptr ? b->format : nullptr;
        Result<std::string> d = ParseDate(v, kind, format, plan_.ledger, plan_.date1904);
        if (!d.ok()) return b == nullptr || Error(*b, d.status().message());
        if (!plan_.latest_date.empty() && *d > plan_.latest_date) {
          return b == nullptr || Error(*b, *d + " is after the day of the import (" + plan_.latest_date +
                                               "): a legacy record cannot be dated in the future");
        }
        if (*d < plan_.earliest_date) {
          const bool digits = !v.empty() && v.find_first_not_of("0123456789.") == std::string_view::npos;
          return b == nullptr ||
                 Error(*b, *d + " is before " + plan_.earliest_date +
                               ", the earliest date a record may carry: " +
                               (kind == Cell::Kind::kNumber || digits
                                    ? "a month number, or a short number read as a spreadsheet date serial?"
                                    : "a typing error?"));
        }
        if (field == Field::kDate) {
          r.date = std::move(*d);
        } else {
          r.received_date = std::move(*d);
          received_binding_ = b;
        }
        return true;
      }
      case Field::kMethod: {
        std::string code_buffer;
        const std::string_view code = ExtractMethodCode(v, code_buffer);
        r.method.assign(code);
        if (code.empty()) method_text_.assign(v);
        method_binding_ = b;
        return true;
      }
      case Field::kNote:
        r.note.assign(v);
        return true;
      default:
        return true;  // kUnit (read first), quantities (read apart)
    }
  }

  // Constants, then every non-quantity column; false on error.
  bool Fill(Record& r) {
    for (const mapping::Constant& c : plan_.constants) {
      Set(nullptr, c.field, c.value, Cell::Kind::kText, r);
    }
    for (const Binding& b : plan_.bindings) {
      if (b.info->quantity || b.field == Field::kUnit) continue;
      const Cell& cell = CellAt(row_, b.column);
      if (b.field == Field::kMass || b.field == Field::kReceived) {
        MassCell m = ReadMass(b, cell);
        if (!m.problem.empty()) return Error(b, std::move(m.problem));
        if (!m.grams) {
          if (b.required) return Error(b, "required value missing");
          continue;
        }
        if (b.field == Field::kReceived) {
          r.received_g = *m.grams;
        } else if (*m.grams == 0) {
          return Error(b, "mass must be more than zero");
        } else {
          r.mass_g = *m.grams;
        }
        continue;
      }
      if (cell.kind == Cell::Kind::kError) return Error(b, ErrorCellReason(cell));
      std::string_view v = NormalizeText(cell.text, scratch_);
      if (cell.kind == Cell::Kind::kText) v = UnwrapSpreadsheetText(v);
      if (v.empty() || IsPlaceholder(v)) {
        if (b.required) return Error(b, "required value missing");
        continue;
      }
      if (std::string problem = mapping::TextLengthProblem(b.field, v); !problem.empty()) {
        return Error(b, std::move(problem));
      }
      if (cell.kind == Cell::Kind::kNumber && IsIdentifier(b.field)) {
        if (std::string problem = IdentifierNumber(v, number_, b.field); !problem.empty()) {
          return Error(b, std::move(problem));
        }
        v = number_;
      }
      if (!Set(&b, b.field, v, cell.kind, r)) return false;
    }
    if (!method_text_.empty()) {  // a method without a code: kept in the note
      r.note.append(r.note.empty() ? "" : "; ").append("利用处置方式: ").append(method_text_);
      if (CharacterCount(r.note) > kMaxNoteCharacters && method_binding_ != nullptr) {
        return Error(*method_binding_, "a method without a code is kept in the note, which it makes " +
                                           std::to_string(CharacterCount(r.note)) +
                                           " characters, more than the " +
                                           std::to_string(kMaxNoteCharacters) + " a note may have");
      }
    }
    if (!r.received_date.empty() && !r.date.empty() && r.received_date < r.date && received_binding_ != nullptr) {
      return Error(*received_binding_,
                   "received on " + r.received_date + ", before it was transferred on " + r.date);
    }
    if (carrier_uscc_binding_ != nullptr) return CarrierUscc(r);
    return true;
  }

  // Pairs the carriers' USCCs with the carriers, in order.
  bool CarrierUscc(Record& r) {
    size_t n = 0;
    for (std::string_view rest = carrier_uscc_, code = NextName(rest); !code.empty(); code = NextName(rest)) {
      if (n == r.carriers.size()) {
        return Error(*carrier_uscc_binding_,
                     std::to_string(r.carriers.size()) + " carriers but more credit codes");
      }
      r.carriers[n].uscc.assign(code);
      UpperAscii(r.carriers[n++].uscc);
    }
    if (n != r.carriers.size()) {
      return Error(*carrier_uscc_binding_, std::to_string(r.carriers.size()) + " carriers but " +
                                               std::to_string(n) + " credit codes");
    }
    return true;
  }

  Mapper::Outcome Manifest(std::vector<Record>& out) {
    out.resize(1);
    Record& r = out[0];
    Reset(r);
    r.type = RecordType::kManifest;
    r.row = row_.number;
    if (!Fill(r)) return Mapper::Outcome::kError;
    return Mapper::Outcome::kRecords;
  }

  Mapper::Outcome Ledger(std::vector<Record>& out) {
    std::array<int64_t, mapping::kMaxQuantityColumns> grams{};
    size_t count = 0;
    for (size_t q = 0; q < plan_.quantities.size(); ++q) {
      const Binding& b = plan_.bindings[plan_.quantities[q]];
      MassCell m = ReadMass(b, CellAt(row_, b.column));
      if (!m.problem.empty()) return Fail(b, std::move(m.problem));
      if (!m.grams) continue;
      grams[q] = *m.grams;
      if (grams[q] > 0) ++count;
    }
    if (count == 0) return Skip(Mapper::kNoQuantity);
    out.resize(count);
    Record& base = out[0];
    Reset(base);
    base.row = row_.number;
    if (!Fill(base)) return Mapper::Outcome::kError;
    // Fill the later records from the base first: the base is adjusted last.
    size_t k = count;
    for (size_t q = plan_.quantities.size(); q-- > 0;) {
      if (grams[q] == 0) continue;
      Record& r = out[--k];
      if (k > 0) r = base;
      const Binding& b = plan_.bindings[plan_.quantities[q]];
      r.type = b.info->type;
      r.mass_g = grams[q];
      r.column = b.heading;
      if (r.type != RecordType::kTransfer) ClearParty(r.to);
      if (r.type == RecordType::kGenerate) r.method.clear();
    }
    return Mapper::Outcome::kRecords;
  }

 private:
  const mapping::PlanData& plan_;
  const Row& row_;
  RowError& error_;
  std::string scratch_;
  std::string number_;  // an identifier's number cell, as its digits
  std::optional<MassUnit> row_unit_;
  std::string method_text_;
  std::string carrier_uscc_;
  const Binding* carrier_uscc_binding_ = nullptr;
  const Binding* received_binding_ = nullptr;  // the receipt date's column, when the row has one
  const Binding* method_binding_ = nullptr;    // the method's column, when the row has one
};

}  // namespace

Mapper::Mapper() = default;
Mapper::Mapper(Mapper&&) noexcept = default;
Mapper& Mapper::operator=(Mapper&&) noexcept = default;
Mapper::~Mapper() = default;

std::vector<Mapper::ColumnMass> Mapper::Masses(const Row& row) const {
  RowError scratch;
  return RowMapper(*plan_, row, scratch).Masses();
}

Mapper::Outcome Mapper::Map(const Row& row, std::vector<Record>& out, RowError& error) const {
  error.row = row.number;
  error.column.clear();
  error.value.clear();
  error.reason.clear();
  RowMapper m(*plan_, row, error);
  Outcome outcome = m.Prefilter();
  if (outcome == Outcome::kRecords) outcome = m.RowUnit();
  if (outcome == Outcome::kRecords) outcome = plan_->ledger ? m.Ledger(out) : m.Manifest(out);
  if (outcome != Outcome::kRecords) out.clear();
  return outcome;
}

}  // namespace wasteledger::import
