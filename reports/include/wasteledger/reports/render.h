// Renderers of a report Document (document.h). Each returns the whole output
// as bytes; the caller writes it to stdout or to --out FILE.
#pragma once

#include <string>
#include <string_view>

#include "wasteledger/reports/document.h"
#include "wasteledger/status.h"

namespace wasteledger::reports {

// A mass in the document's unit, exact: tonnes with 6 decimals, kilograms
// with 3, grams as an integer; thousands not separated ("1234.500000").
std::string FormatMass(int64_t grams, MassUnit unit);
// A ratio as a percentage with two decimals ("87.50%"), "-" when the
// denominator is 0.
std::string FormatRatio(const Ratio& r);
// Display width of UTF-8 text in a terminal (CJK wide characters count 2),
// via utf8proc.
int DisplayWidth(std::string_view utf8);
// Text as it may go on one line of a terminal: stored text is kept as given
// (an imported note may hold line breaks), but a control character would
// break a listing's one-line-per-entry or drive the terminal (ESC [2J clears
// it). Each is shown escaped: \n, \r and \t as those two characters, other
// C0 controls and DEL as \x1b (two lowercase hex digits), C1 controls
// (U+0080..U+009F) as \u009b, the characters that reorder the text around
// them (bidirectional marks, embeddings, overrides and isolates: U+061C,
// U+200E/F, U+202A..U+202E, U+2066..U+2069) and the line and paragraph
// separators (U+2028/9) as \u202e, and a byte that is not UTF-8 as \xff.
// Other text, a backslash included, is unchanged.
std::string TerminalText(std::string_view utf8);

// Terminal table: title, facts, then each table with columns aligned by
// display width (numbers right-aligned), a rule before the totals.
std::string RenderText(const Document& doc);

struct CsvOptions {
  bool bom = false;  // UTF-8 byte-order mark, so Excel reads Chinese text right
};
// RFC 4180 CSV, CRLF line ends. First the facts, one record "label,value"
// each (the ledger's origin, size and root, the period, ...), then an empty
// line (none without facts). One table: a header row of labels (in
// doc.lang) then the rows and totals. Several tables: each preceded by a row
// holding its title, separated by an empty line. Masses in doc.unit, ratios
// as decimal fractions (0.875000) so spreadsheets can compute with them.
// Mass column labels carry the unit ("产生量 (t)"); a ratio whose denominator
// is 0 is an empty field; fields holding , " CR or LF are quoted.
std::string RenderCsv(const Document& doc, const CsvOptions& options = {});

// One self-contained, printable HTML5 file: inline CSS, the tables, and each
// chart as inline SVG. Loads nothing from the network.
std::string RenderHtml(const Document& doc);

// XLSX workbook via libxlsxwriter: a "summary" sheet with the title and
// facts, then one sheet per table (numbers as numbers, masses in doc.unit
// with a number format, ratios as fractions formatted as percentages).
// Charts are not drawn in XLSX. Returns the file's bytes.
Result<std::string> RenderXlsx(const Document& doc);

}  // namespace wasteledger::reports
