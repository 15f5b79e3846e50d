#include "wasteledger/csv_field.h"

namespace wasteledger {

void AppendCsvField(std::string_view text, std::string& out, std::string_view delimiters) {
  const bool quote = text.find_first_of("\"\r\n") != std::string_view::npos ||
                     text.find_first_of(delimiters) != std::string_view::npos;
  if (!quote) {
    out.append(text);
    return;
  }
  out.push_back('"');
  for (char c : text) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

std::string CsvField(std::string_view text, std::string_view delimiters) {
  std::string out;
  AppendCsvField(text, out, delimiters);
  return out;
}

}  // namespace wasteledger
