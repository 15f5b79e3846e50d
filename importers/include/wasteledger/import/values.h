// Cell values: how the profiles and mapping files (mapper.h) read the text of
// one cell: width and whitespace normalisation, headings with a unit part,
// masses in exact grams, dates, hazard characteristics, method codes and
// lists of parties. The grammar of each is in docs/IMPORT-PROFILES.md.
//
// These run about ten times per row on million-row files, so they work on
// string_views and stack buffers: the success path allocates nothing unless
// the caller's output string has to grow. Pure functions, thread-safe.
// values.cc holds text, units, headings, masses and the field values;
// dates.cc holds the dates.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "wasteledger/import/record.h"
#include "wasteledger/import/table.h"
#include "wasteledger/mass.h"
#include "wasteledger/status.h"

namespace wasteledger::import {

// ---- Text ----------------------------------------------------------------

// Normalises a cell or a heading: full-width ASCII forms (U+FF01..U+FF5E) to
// ASCII, the ideographic space U+3000, the no-break space U+00A0 and ASCII
// whitespace (tab, CR, LF, VT, FF) to ' ', then trims and collapses every
// run of spaces into one. Nothing else changes (no case folding, no NFC).
// Returns a view of `text` itself when trimming is all it takes (the common
// case), otherwise a view of `buffer`, which it overwrites.
std::string_view NormalizeText(std::string_view text, std::string& buffer);
// The same into `out` (its contents replaced, its capacity reused).
void NormalizeTextTo(std::string_view text, std::string& out);
std::string NormalizeText(std::string_view text);

// True when the cell holds nothing but whitespace (as NormalizeText sees it).
bool IsBlankText(std::string_view text);

// The most characters (code points) a text value may hold once normalised:
// a note (备注) or a list (carriers, their credit codes, hazards), and any
// other text: a name, a code or a number as written. A cell longer than that
// is a paste gone wrong, and its row is refused. The statement schemas say
// the same of what they keep (common.schema.json: note_text, name_text).
inline constexpr size_t kMaxNoteCharacters = 2000;
inline constexpr size_t kMaxNameCharacters = 256;
// The number of characters (UTF-8 code points) of UTF-8 text.
size_t CharacterCount(std::string_view utf8);

// True for the placeholders clerks write in an empty cell: "/", "-", "--",
// "—", "——", "－" (after normalisation). The mapper reads them as empty.
bool IsPlaceholder(std::string_view normalized);

// ---- Units and headings ----------------------------------------------------

// "t" or 吨, "kg", 千克 or 公斤, "g" or 克 (Latin letters in any case, full
// width accepted, spaces around ignored); nullopt for anything else.
std::optional<MassUnit> ParseUnitName(std::string_view text);
// "t", "kg" or "g".
const char* UnitName(MassUnit unit);

// A heading split into its name and its unit part.
struct HeadingParts {
  std::string_view name;         // the heading without the unit part, trimmed
  std::string_view unit_text;    // what the unit part says ("吨", "年月日"), "" when none
  std::optional<MassUnit> unit;  // set when unit_text names a mass unit
};
// Splits a NORMALISED heading (NormalizeText output; the views point into
// it). The unit part is a trailing bracketed part "(...)", "[...]" or
// "【...】", optionally written "(单位:吨)", or a trailing "/kg" or " kg"
// when what follows the slash or space is a mass unit. Trailing '*' and ':'
// (required markers, label colons) are dropped first. Examples:
//   "转移量(吨)" -> 转移量, 吨, t      "数量（千克）" -> 数量, 千克, kg
//   "重量/kg" -> 重量, kg, kg         "转移数量 (t)" -> 转移数量, t, t
//   "[kg]" -> "", kg, kg              "接收日期(年月日)" -> 接收日期, 年月日, none
//   "移出单位/产生单位" -> the whole heading, no unit part
HeadingParts SplitHeading(std::string_view normalized);

// ---- Masses ------------------------------------------------------------------

// Parses a quantity cell into exact grams with decimal arithmetic (never
// floating point). `unit` applies unless the cell ends in a unit of its own
// ("12.5吨", "12.5 t", "800 kg"), which overrides it. Accepted: digits with
// an optional '.' and decimals, optional thousands separators in threes
// ("1,234.5"), full-width forms ("１，２３４．５"), spaces around; a kNumber
// cell (an XLSX number) may also carry an exponent ("1.5E-3"). Zero is
// accepted (the caller decides whether its field allows it). A value finer
// than a gram is rounded half away from zero to the gram for kNumber cells
// (binary float artefacts such as 12.300000000000001) and refused for text.
// Refused with one of these messages (the errors file's reason):
//   "negative mass", "not a number", "finer than a gram",
//   "bad thousands separators (write 1,234.5 or 1234.5)",
//   "unknown unit \"lb\" (use t, kg or g)", "mass too large" (> 2^53-1 g).
[[nodiscard]] Result<int64_t> ParseMass(std::string_view text, MassUnit unit,
                                        Cell::Kind kind = Cell::Kind::kText);

// ---- Dates ---------------------------------------------------------------------

// An explicit date format from a mapping file, strftime style:
//   %Y four-digit year, %y two-digit year (20yy), %m month, %d day,
//   %H %M %S a time (read, range-checked and dropped), %% a '%';
// %m %d %H %M %S take one or two digits, exactly two when another directive
// follows directly ("%Y%m%d"). A space matches any run of spaces, including
// none; every other character matches itself (full-width forms folded). A
// format needs a year and %m; without %d it reads a month (the 1st).
class DateFormat {
 public:
  // InvalidArgument naming the problem, e.g. `unknown directive "%b" (use
  // %Y, %y, %m, %d, %H, %M, %S or %%)`.
  [[nodiscard]] static Result<DateFormat> Compile(std::string_view pattern);
  const std::string& pattern() const { return pattern_; }

 private:
  explicit DateFormat(std::string pattern) : pattern_(std::move(pattern)) {}
  std::string pattern_;  // normalised
};

// Parses a date cell into "YYYY-MM-DD". Without a format it accepts
//   2023-01-05, 2023/1/5, 2023.1.5, 2023年1月5日 (日 or 号 optional,
//   spaces allowed), 20230105, each optionally followed by a time
//   ("2023-01-05 14:30", "2023-01-05T14:30:00", seconds and fractions
//   optional; the date is kept), full-width digits;
//   spreadsheet serials in the 1900 date system: any kNumber cell from 1
//   (1900-01-01) to 2958465 (9999-12-31), the fraction (the time of day)
//   ignored; serial 60 is Lotus's 1900-02-29 and is refused; a text cell
//   only as a whole number from 20000 to 80000 (1954-10-03..2119-01-11);
//   with `allow_month`, also a month: 2023-01, 2023/1, 2023.1, 2023年1月,
//   202301 -> the 1st of that month.
// With `date1904` (a workbook in the 1904 date system, old Mac Excel:
// RowSource::date1904) a kNumber cell's serial counts from 1904-01-01 (0)
// to 9999-12-31 (2957003), with no phantom leap day; text cells are read as
// above. With `format`, text must match it (kNumber cells are still read as
// serials). Years before 1900 are refused. Messages:
//   "not a date (write 2023-01-05)", "not a calendar date" (2023-02-29),
//   "spreadsheet serial 60 is 1900-02-29, a day that does not exist",
//   "does not match the date format %d.%m.%Y".
[[nodiscard]] Result<std::string> ParseDate(std::string_view text, Cell::Kind kind = Cell::Kind::kText,
                                            const DateFormat* format = nullptr, bool allow_month = false,
                                            bool date1904 = false);

// ---- Field values ------------------------------------------------------------

// Hazard characteristics: codes T, C, I, R, In (any case) or their Chinese
// names 毒性, 腐蚀性, 易燃性, 反应性, 感染性, also "毒性(T)" or "T(毒性)",
// separated by ',', '、', '/', ';', '|', '+' or spaces. Empty, a placeholder
// or 无 gives none. `out` receives the set in the order T, C, I, R, In.
// Refused: "unknown hazard characteristic \"X\" (use T, C, I, R, In)".
[[nodiscard]] Status ParseHazards(std::string_view text, std::vector<std::string>& out);

// The method code of a 利用处置方式 cell (normalised): the whole cell when it
// is a code already (1 to 16 of A-Z a-z 0-9 '-' '.', e.g. "R9", "D10", a
// site code), else the first R or D code inside a description ("R9 废油再提炼",
// "焚烧(D10)", upper-cased), else "" (a description without a code; the
// mapper keeps it in the note).
std::string_view ExtractMethodCode(std::string_view normalized, std::string& buffer);

// Walks a normalised cell naming several parties ("甲公司;乙公司", "甲、乙",
// "甲/乙"; separators ';' (and '；' before normalisation), '、' and '/'):
// returns the next name, trimmed, and advances `rest` past it; "" when no
// name is left (empty parts are skipped).
std::string_view NextName(std::string_view& rest);

}  // namespace wasteledger::import
