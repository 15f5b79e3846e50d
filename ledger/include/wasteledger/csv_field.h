// Writing one RFC 4180 CSV field, shared by everything that writes CSV: the
// report renderer, the import errors file and the importers' copy of a row's
// original text.
#pragma once

#include <string>
#include <string_view>

namespace wasteledger {

// Appends `text` to `out` as one field: as it is, or in double quotes with
// its quotes doubled when it holds a quote, CR, LF or any byte of
// `delimiters` (for text a reader may sniff the delimiter of, pass every
// candidate, e.g. ",;\t").
void AppendCsvField(std::string_view text, std::string& out, std::string_view delimiters = ",");

// The same, returned.
std::string CsvField(std::string_view text, std::string_view delimiters = ",");

}  // namespace wasteledger
