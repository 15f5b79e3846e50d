// Grammar of the waste codes and the catalogue loader. The catalogue files
// are plain CSV (UTF-8, optional BOM, LF or CRLF, '"' quoting), one header
// row naming the columns; extra columns are ignored.
#include "wasteledger/waste_code.h"

#include <array>
#include <cstddef>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wasteledger {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  return !s.empty();
}

// Value of exactly two digits; -1 otherwise.
int TwoDigits(std::string_view s) {
  if (s.size() != 2 || !AllDigits(s)) return -1;
  return (s[0] - '0') * 10 + (s[1] - '0');
}

bool IsHazardCategory(int n) { return (n >= 1 && n <= 40) || (n >= 45 && n <= 50); }
constexpr std::string_view kHazardRange = " (HW01-HW40, HW45-HW50; HW41-HW44 are not used)";

struct ParsedCode {
  std::string code;
  WasteKind kind = WasteKind::kMalformed;
  std::string category;
};

WasteKind KindOf2024Class(int n) {
  if (n >= 60 && n <= 69) return WasteKind::kHousehold;
  if (n >= 70 && n <= 79) return WasteKind::kConstruction;
  if (n >= 80 && n <= 89) return WasteKind::kAgricultural;
  return WasteKind::kSolidWaste2024;
}

Result<ParsedCode> ParseCode(std::string_view raw) {
  std::string_view t = raw;
  while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
  std::string s(t);
  for (char& c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  const std::string quoted = "waste code \"" + std::string(raw) + "\"";
  if (s.empty()) return Status::InvalidArgument("waste code is empty");

  // Hazardous: NNN-NNN-NN or NNNNNNNN.
  std::string hw;
  if (s.size() == 10 && s[3] == '-' && s[7] == '-' && AllDigits(s.substr(0, 3)) &&
      AllDigits(s.substr(4, 3)) && AllDigits(s.substr(8, 2))) {
    hw = s;
  } else if (s.size() == 8 && AllDigits(s)) {
    hw = s.substr(0, 3) + "-" + s.substr(3, 3) + "-" + s.substr(6, 2);
  }
  if (!hw.empty()) {
    const int cat = TwoDigits(hw.substr(8, 2));
    if (!IsHazardCategory(cat)) {
      return Status::InvalidArgument(quoted + ": category HW" + hw.substr(8, 2) + " does not exist" +
                                     std::string(kHazardRange));
    }
    return ParsedCode{hw, WasteKind::kHazardous, "HW" + hw.substr(8, 2)};
  }

  // A hazardous category alone.
  if (s.size() == 4 && s.compare(0, 2, "HW") == 0 && TwoDigits(s.substr(2)) >= 0) {
    if (!IsHazardCategory(TwoDigits(s.substr(2)))) {
      return Status::InvalidArgument(quoted + ": category " + s + " does not exist" + std::string(kHazardRange));
    }
    return Status::InvalidArgument(quoted +
                                   " is a category, not a waste code: write the 8-digit code, "
                                   "NNN-NNN-" +
                                   s.substr(2));
  }

  // 2021 general industrial classes and this project's construction codes.
  if (s.size() == 4 && (s.compare(0, 2, "SW") == 0 || s.compare(0, 2, "CW") == 0)) {
    const int n = TwoDigits(s.substr(2));
    const bool sw = s[0] == 'S';
    if (n < 1 || (sw && n > 59)) {
      return Status::InvalidArgument(
          quoted + (sw ? ": 2021 classes run SW01-SW59" : ": construction codes run CW01-CW99"));
    }
    return ParsedCode{s, sw ? WasteKind::kGeneralIndustrial2021 : WasteKind::kConstruction, s};
  }

  // 2024: NNNNNNSNN or NNN-NNN-SNN.
  std::string s24;
  if (s.size() == 9 && AllDigits(s.substr(0, 6)) && s[6] == 'S') {
    s24 = s;
  } else if (s.size() == 11 && s[3] == '-' && s[7] == '-' && AllDigits(s.substr(0, 3)) &&
             AllDigits(s.substr(4, 3)) && s[8] == 'S') {
    s24 = s.substr(0, 3) + s.substr(4, 3) + s.substr(8, 3);
  }
  if (!s24.empty()) {
    const int n = TwoDigits(s24.substr(7, 2));
    if (n < 1) {
      return Status::InvalidArgument(quoted + ": 2024 codes end in a class S01-S99");
    }
    return ParsedCode{s24, KindOf2024Class(n), s24.substr(6, 3)};
  }

  return Status::InvalidArgument(quoted +
                                 " is not a hazardous code (NNN-NNN-NN), a 2021 class (SW01-SW59), "
                                 "a 2024 code (NNNNNNSNN) or a construction code (CW01-CW99)");
}

// ---- CSV ----

struct CsvRow {
  int line = 0;
  std::vector<std::string> fields;
};

std::vector<std::string> SplitCsvLine(std::string_view line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back().push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back().push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else {
      fields.back().push_back(c);
    }
  }
  return fields;
}

// A CSV file as named columns.
class CsvFile {
 public:
  static Result<CsvFile> Read(const std::string& dir, const std::string& name) {
    CsvFile f;
    f.name_ = name;
    std::ifstream in(dir + "/" + name, std::ios::binary);
    if (!in) return Status::IOError("cannot read catalogue file " + dir + "/" + name);
    std::ostringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) text.erase(0, 3);
    std::istringstream lines(text);
    std::string line;
    int number = 0;
    while (std::getline(lines, line)) {
      ++number;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty()) continue;
      if (f.header_.empty()) {
        f.header_ = SplitCsvLine(line);
      } else {
        f.rows_.push_back({number, SplitCsvLine(line)});
      }
    }
    if (f.header_.empty()) return Status::Corruption(name + ": empty file");
    return f;
  }

  // Index of a required column.
  Result<size_t> Column(const std::string& column) const {
    for (size_t i = 0; i < header_.size(); ++i) {
      if (header_[i] == column) return i;
    }
    return Status::Corruption(name_ + ": no column \"" + column + "\"");
  }

  const std::vector<CsvRow>& rows() const { return rows_; }

  static const std::string& Field(const CsvRow& row, size_t column) {
    static const std::string kEmpty;
    return column < row.fields.size() ? row.fields[column] : kEmpty;
  }

  Status Error(const CsvRow& row, const std::string& reason) const {
    return Status::Corruption(name_ + ":" + std::to_string(row.line) + ": " + reason);
  }

 private:
  std::string name_;
  std::vector<std::string> header_;
  std::vector<CsvRow> rows_;
};

constexpr std::array<std::string_view, 6> kStreams = {kStreamCoalGangue,   kStreamFlyAsh,
                                                      kStreamSmeltingSlag, kStreamByproductGypsum,
                                                      kStreamConstruction, kStreamOther};

struct HazardLetter {
  std::string_view letter;
  Hazard hazard;
};
constexpr std::array<HazardLetter, 5> kHazards = {{{"T", Hazard::kToxicity},
                                                   {"C", Hazard::kCorrosivity},
                                                   {"I", Hazard::kIgnitability},
                                                   {"R", Hazard::kReactivity},
                                                   {"In", Hazard::kInfectivity}}};

// Checks a category code of one file against its grammar.
bool CategoryCodeOk(std::string_view prefix, std::string_view code) {
  if (code.size() != prefix.size() + 2 || code.substr(0, prefix.size()) != prefix) return false;
  const int n = TwoDigits(code.substr(prefix.size()));
  if (prefix == "HW") return IsHazardCategory(n);
  if (prefix == "SW") return n >= 1 && n <= 59;
  return n >= 1;  // "S", "CW": 01..99
}

}  // namespace

std::string_view WasteKindName(WasteKind kind) {
  switch (kind) {
    case WasteKind::kHazardous:
      return "hazardous";
    case WasteKind::kGeneralIndustrial2021:
      return "general_industrial_2021";
    case WasteKind::kSolidWaste2024:
      return "solid_waste_2024";
    case WasteKind::kConstruction:
      return "construction";
    case WasteKind::kHousehold:
      return "household";
    case WasteKind::kAgricultural:
      return "agricultural";
    case WasteKind::kMalformed:
      return "malformed";
  }
  return "malformed";
}

Result<std::string> NormaliseWasteCode(std::string_view code) {
  WL_ASSIGN_OR_RETURN(ParsedCode parsed, ParseCode(code));
  return std::move(parsed.code);
}

Status CheckPermitWaste(std::string_view entry) {
  const std::string quoted = "\"" + std::string(entry) + "\"";
  if (entry.size() == 4 && entry.substr(0, 2) == "HW" && TwoDigits(entry.substr(2)) >= 0) {
    if (CategoryCodeOk("HW", entry)) return Status::Ok();
    return Status::InvalidArgument(quoted + ": category " + std::string(entry) + " does not exist" +
                                   std::string(kHazardRange));
  }
  if (entry.size() == 3 && entry[0] == 'S' && TwoDigits(entry.substr(1)) >= 0) {
    if (CategoryCodeOk("S", entry)) return Status::Ok();
    return Status::InvalidArgument(quoted + ": 2024 classes run S01-S99");
  }
  return ParseCode(entry).status();  // any spelling of a code (FindPermit normalises it)
}

std::string HazardSet::ToString() const {
  std::string out;
  for (const HazardLetter& h : kHazards) {
    if (!Contains(h.hazard)) continue;
    if (!out.empty()) out += ",";
    out += h.letter;
  }
  return out;
}

Result<HazardSet> ParseHazards(std::string_view text) {
  // Separators, the multi-byte ones first: "，" and "、".
  std::string s(text);
  for (std::string_view sep : {std::string_view("\xEF\xBC\x8C"), std::string_view("\xE3\x80\x81")}) {
    for (size_t at = s.find(sep); at != std::string::npos; at = s.find(sep)) {
      s.replace(at, sep.size(), ",");
    }
  }
  HazardSet set;
  std::string token;
  auto flush = [&]() -> Status {
    if (token.empty()) return Status::Ok();
    for (const HazardLetter& h : kHazards) {
      std::string lower_letter(h.letter);
      std::string lower_token = token;
      for (std::string* w : {&lower_letter, &lower_token}) {
        for (char& c : *w) {
          if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        }
      }
      if (lower_letter == lower_token) {
        set.Add(h.hazard);
        token.clear();
        return Status::Ok();
      }
    }
    return Status::InvalidArgument("unknown hazard characteristic \"" + token + "\" in \"" +
                                   std::string(text) + "\": use T, C, I, R, In");
  };
  for (char c : s) {
    if (c == ',' || c == '/' || c == ';' || c == ' ' || c == '\t') {
      WL_RETURN_IF_ERROR(flush());
    } else {
      token.push_back(c);
    }
  }
  WL_RETURN_IF_ERROR(flush());
  if (set.empty()) {
    return Status::InvalidArgument("no hazard characteristic in \"" + std::string(text) +
                                   "\": use T, C, I, R, In");
  }
  return set;
}

std::string DefaultCatalogueDir() { return std::string(WASTELEDGER_SCHEMA_DIR) + "/catalogue"; }

Result<WasteCatalogue> WasteCatalogue::Load(const std::string& dir) {
  WasteCatalogue cat;
  struct Source {
    const char* file;
    const char* code_column;
    std::string_view prefix;
    const char* name_column;
    const char* fallback_name_column;  // used when name_column is empty
    bool has_stream;
  };
  const std::array<Source, 4> sources = {{
      {"hw_categories_2021.csv", "category_code", "HW", "category_name_zh", nullptr, false},
      {"sw_classes_2021.csv", "sw_code", "SW", "name_zh", nullptr, true},
      {"s_classes_2024.csv", "s_code", "S", "name_zh", "first_level_zh", true},
      {"construction_waste.csv", "cw_code", "CW", "name_zh", nullptr, true},
  }};
  for (const Source& src : sources) {
    WL_ASSIGN_OR_RETURN(CsvFile file, CsvFile::Read(dir, src.file));
    WL_ASSIGN_OR_RETURN(size_t code_col, file.Column(src.code_column));
    WL_ASSIGN_OR_RETURN(size_t name_col, file.Column(src.name_column));
    size_t fallback_col = 0;
    size_t stream_col = 0;
    if (src.fallback_name_column != nullptr) {
      WL_ASSIGN_OR_RETURN(fallback_col, file.Column(src.fallback_name_column));
    }
    if (src.has_stream) {
      WL_ASSIGN_OR_RETURN(stream_col, file.Column("stream"));
    }
    for (const CsvRow& row : file.rows()) {
      const std::string& code = CsvFile::Field(row, code_col);
      if (!CategoryCodeOk(src.prefix, code)) {
        return file.Error(row, "malformed code \"" + code + "\"");
      }
      Category entry;
      entry.name_zh = CsvFile::Field(row, name_col);
      if (entry.name_zh.empty() && src.fallback_name_column != nullptr) {
        entry.name_zh = CsvFile::Field(row, fallback_col);
      }
      if (entry.name_zh.empty()) return file.Error(row, "no name for " + code);
      entry.stream = kStreamOther;
      if (src.has_stream) {
        const std::string& stream = CsvFile::Field(row, stream_col);
        bool found = false;
        for (std::string_view known : kStreams) {
          if (stream == known) {
            entry.stream = known;
            found = true;
          }
        }
        if (!found) return file.Error(row, "unknown stream \"" + stream + "\"");
      }
      if (!cat.categories_.emplace(code, std::move(entry)).second) {
        return file.Error(row, "code " + code + " listed twice");
      }
    }
  }

  WL_ASSIGN_OR_RETURN(CsvFile hazards, CsvFile::Read(dir, "hazard_characteristics.csv"));
  WL_ASSIGN_OR_RETURN(size_t letter_col, hazards.Column("code"));
  WL_ASSIGN_OR_RETURN(size_t hazard_name_col, hazards.Column("name_zh"));
  for (const CsvRow& row : hazards.rows()) {
    const std::string& letter = CsvFile::Field(row, letter_col);
    bool found = false;
    for (const HazardLetter& h : kHazards) {
      if (letter != h.letter) continue;
      found = true;
      if (!cat.hazard_names_.emplace(static_cast<uint8_t>(h.hazard), CsvFile::Field(row, hazard_name_col))
               .second) {
        return hazards.Error(row, "hazard " + letter + " listed twice");
      }
    }
    if (!found) return hazards.Error(row, "unknown hazard characteristic \"" + letter + "\"");
  }
  if (cat.hazard_names_.size() != kHazards.size()) {
    return Status::Corruption("hazard_characteristics.csv: must list T, C, I, R and In");
  }
  return cat;
}

WasteCodeInfo WasteCatalogue::Classify(std::string_view code) const {
  WasteCodeInfo info;
  Result<ParsedCode> parsed = ParseCode(code);
  if (!parsed.ok()) {
    info.message = parsed.status().message();
    return info;
  }
  info.kind = parsed->kind;
  info.code = std::move(parsed->code);
  info.category = std::move(parsed->category);
  auto it = categories_.find(info.category);
  if (it != categories_.end()) {
    info.known = true;
    info.category_name_zh = it->second.name_zh;
  } else {
    info.message = "waste code " + info.code + " is well formed but its category " + info.category +
                   " is not listed in the catalogue";
  }
  return info;
}

std::string_view WasteCatalogue::StreamOf(std::string_view code) const {
  Result<ParsedCode> parsed = ParseCode(code);
  if (!parsed.ok()) return kStreamOther;
  if (parsed->kind == WasteKind::kConstruction) return kStreamConstruction;
  auto it = categories_.find(parsed->category);
  return it == categories_.end() ? kStreamOther : it->second.stream;
}

const std::string& WasteCatalogue::HazardNameZh(Hazard h) const {
  static const std::string kEmpty;
  auto it = hazard_names_.find(static_cast<uint8_t>(h));
  return it == hazard_names_.end() ? kEmpty : it->second;
}

}  // namespace wasteledger
