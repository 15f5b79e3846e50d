// Mapper::Detect and Describe: finding the heading row and planning which
// column fills which field.
//
// Profile headings are matched in this order (docs/IMPORT-PROFILES.md):
//   1. NormalizeText; the heading with brackets and spaces removed equals a
//      synonym ("产生单位(统一社会信用代码)" -> 产生单位统一社会信用代码);
//   2. the heading without its unit part and spaces equals a primary synonym
//      ("转移量(吨)" -> 转移量) or, failing that, a fallback one (数量);
//   3. a heading containing 计划, 贮存, 库存 or 往年 is ignored (planned or
//      stock figures);
//   4. the heading contains primary synonyms of three or more characters:
//      the longest decides ("实际接收重量" -> 实际接收: received); a tie
//      between fields leaves the column ignored (a party name and a bare
//      信用代码 make that party's USCC).
// Within a row a field takes its best-ranked columns (exact primary, exact
// fallback, contains); two columns of the same rank are an error naming
// both; worse-ranked ones are ignored. A bare 统一社会信用代码 belongs to the
// party (移出/承运/接受) whose name column is nearest to its left.
#include <algorithm>
#include <array>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mapping_spec.h"
#include "wasteledger/import/mapper.h"

namespace wasteledger::import {
namespace {

using mapping::Binding;
using mapping::Field;
using mapping::Info;

constexpr size_t kMaxHeadingRows = 30;
constexpr int kRankContains = 2;

// One non-empty heading cell of a candidate row.
struct Match {
  size_t column = 0;
  std::string heading;  // as written
  std::string norm;     // NormalizeText(heading)
  std::optional<MassUnit> unit;
  std::string unit_text;
  Field field = Field::kCount;
  int rank = -1;                              // 0 primary, 1 fallback, 2 contains
  const mapping::ColumnRule* rule = nullptr;  // mapping files
  std::string ignored;  // why the column is not used ("" when it is, or for plain unknown headings)
};

struct Candidate {
  std::vector<Match> cells;
  std::vector<std::string> missing;  // required fields or headings without a column
  size_t found = 0;                  // required fields or headings with one
  std::string duplicate;             // the first field named by two columns: the message
};

std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string Compact(std::string_view s, bool drop_brackets) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == ' ') continue;
    if (drop_brackets && (c == '(' || c == ')' || c == '[' || c == ']')) continue;
    if (drop_brackets && (s.substr(i, 3) == "【" || s.substr(i, 3) == "】")) {
      i += 2;
      continue;
    }
    out.push_back(c);
  }
  while (!out.empty() && (out.back() == '*' || out.back() == ':')) out.pop_back();
  return out;
}

size_t CodePoints(std::string_view s) {
  return static_cast<size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

bool IsPartyName(Field f) { return f == Field::kFromName || f == Field::kToName || f == Field::kCarrier; }

Field UsccOf(Field party) {
  return party == Field::kToName    ? Field::kToUscc
         : party == Field::kCarrier ? Field::kCarrierUscc
                                    : Field::kFromUscc;
}

const mapping::ProfileField* ProfileFieldOf(const MappingSpec& spec, Field f) {
  for (const mapping::ProfileField& pf : spec.fields) {
    if (pf.field == f) return &pf;
  }
  return nullptr;
}

std::string_view FieldLabel(const MappingSpec& spec, Field f) {
  const mapping::ProfileField* pf = ProfileFieldOf(spec, f);
  return pf != nullptr ? pf->zh : Info(f).name;
}

// Steps 1 to 4 of the matching order for one profile heading.
void ClassifyProfileHeading(const MappingSpec& spec, Match& m) {
  const HeadingParts parts = SplitHeading(m.norm);
  m.unit = parts.unit;
  m.unit_text = std::string(parts.unit_text);
  const std::string full = Compact(m.norm, true);
  const std::string key = Compact(parts.name, false);
  for (const std::string* k : {&full, &key}) {
    for (int rank = 0; rank < 2 && m.rank < 0; ++rank) {
      for (const mapping::ProfileField& pf : spec.fields) {
        const auto& synonyms = rank == 0 ? pf.primary : pf.fallback;
        if (std::find(synonyms.begin(), synonyms.end(), *k) != synonyms.end()) {
          m.field = pf.field;
          m.rank = rank;
          break;
        }
      }
    }
    if (m.rank >= 0) return;
  }
  for (const mapping::IgnoreWord& w : spec.ignore_words) {
    if (full.find(w.word) != std::string::npos) {
      m.ignored = std::string(w.reason);
      return;
    }
  }
  size_t best = 0;
  std::vector<Field> fields;
  for (const mapping::ProfileField& pf : spec.fields) {
    for (std::string_view syn : pf.primary) {
      const size_t len = CodePoints(syn);
      if (len < 3 || len < best || key.find(syn) == std::string::npos) continue;
      if (len > best) fields.clear();
      best = len;
      if (std::find(fields.begin(), fields.end(), pf.field) == fields.end()) fields.push_back(pf.field);
    }
  }
  if (fields.size() == 2 && (fields[0] == Field::kPartyUscc || fields[1] == Field::kPartyUscc)) {
    const Field other = fields[0] == Field::kPartyUscc ? fields[1] : fields[0];
    if (IsPartyName(other)) fields = {UsccOf(other)};
  }
  if (fields.size() == 1) {
    m.field = fields[0];
    m.rank = kRankContains;
  } else if (fields.size() > 1) {
    m.ignored = "could be " + std::string(Info(fields[0]).name) + " or " + std::string(Info(fields[1]).name);
  }
}

// Messages and Describe show headings normalised: a heading cell with a
// line break in it still makes one line.
std::string ColumnRef(const Match& m) {
  return Quote(m.norm) + " (column " + mapping::ColumnLetters(m.column) + ")";
}

Candidate ClassifyProfileRow(const MappingSpec& spec, const Row& row) {
  Candidate c;
  for (size_t j = 0; j < row.cells.size(); ++j) {
    Match m;
    m.column = j;
    m.heading = row.cells[j].text;
    m.norm = NormalizeText(m.heading);
    if (m.norm.empty()) continue;
    ClassifyProfileHeading(spec, m);
    c.cells.push_back(std::move(m));
  }
  // A bare 统一社会信用代码 follows the nearest party name to its left.
  for (size_t k = 0; k < c.cells.size(); ++k) {
    if (c.cells[k].field != Field::kPartyUscc) continue;
    Field owner = Field::kFromName;
    for (size_t l = k; l-- > 0;) {
      if (IsPartyName(c.cells[l].field)) {
        owner = c.cells[l].field;
        break;
      }
    }
    c.cells[k].field = UsccOf(owner);
    // A profile without that field (a 台账 has no carrier) keeps it unread.
    if (!Info(c.cells[k].field).manifest && !Info(c.cells[k].field).ledger) c.cells[k].field = Field::kCount;
  }
  // Each field keeps its best-ranked columns.
  std::array<int, mapping::kFieldCount> best{};
  best.fill(99);
  for (const Match& m : c.cells) {
    if (m.field != Field::kCount)
      best[static_cast<size_t>(m.field)] = std::min(best[static_cast<size_t>(m.field)], m.rank);
  }
  std::array<const Match*, mapping::kFieldCount> first{};
  for (Match& m : c.cells) {
    if (m.field == Field::kCount) continue;
    const auto f = static_cast<size_t>(m.field);
    if (m.rank > best[f]) {
      m.ignored = std::string(Info(m.field).name) + " comes from another column";
      m.field = Field::kCount;
      continue;
    }
    if (first[f] != nullptr && c.duplicate.empty()) {
      c.duplicate = "columns " + ColumnRef(*first[f]) + " and " + ColumnRef(m) + " both match " +
                    std::string(FieldLabel(spec, m.field)) + " (" + std::string(Info(m.field).name) + ")";
    }
    if (first[f] == nullptr) first[f] = &m;
  }
  for (const mapping::ProfileField& pf : spec.fields) {
    if (!pf.required) continue;
    if (first[static_cast<size_t>(pf.field)] != nullptr) {
      ++c.found;
    } else {
      c.missing.emplace_back(pf.zh);
    }
  }
  if (spec.needs_quantity) {
    bool any = false;
    std::string names;
    for (const mapping::ProfileField& pf : spec.fields) {
      if (!Info(pf.field).quantity) continue;
      any = any || first[static_cast<size_t>(pf.field)] != nullptr;
      names += (names.empty() ? "" : ", ") + std::string(pf.zh);
    }
    if (any) {
      ++c.found;
    } else {
      c.missing.push_back("a quantity (" + names + ")");
    }
  }
  return c;
}

Candidate ClassifyMappingRow(const MappingSpec& spec, const Row& row) {
  Candidate c;
  std::vector<const Match*> matched(spec.columns.size(), nullptr);
  for (size_t j = 0; j < row.cells.size(); ++j) {
    Match m;
    m.column = j;
    m.heading = row.cells[j].text;
    m.norm = NormalizeText(m.heading);
    if (m.norm.empty()) continue;
    const std::string compact = mapping::WithoutSpaces(m.norm);
    for (const mapping::ColumnRule& rule : spec.columns) {
      if (rule.key != m.norm && mapping::WithoutSpaces(rule.key) != compact) continue;
      m.rule = &rule;
      m.field = rule.field;
      // LoadMapping has checked that a unit part of the heading is a mass unit.
      m.unit = rule.unit ? rule.unit : SplitHeading(rule.key).unit;
      break;
    }
    c.cells.push_back(std::move(m));
  }
  for (const Match& m : c.cells) {
    if (m.rule == nullptr) continue;
    const auto r = static_cast<size_t>(m.rule - spec.columns.data());
    if (matched[r] != nullptr && c.duplicate.empty()) {
      c.duplicate = "columns " + ColumnRef(*matched[r]) + " and " + ColumnRef(m) + " both match " +
                    Quote(m.rule->key) + " (" + std::string(Info(m.field).name) + ")";
    }
    if (matched[r] == nullptr) matched[r] = &m;
  }
  for (size_t r = 0; r < spec.columns.size(); ++r) {
    if (matched[r] != nullptr) {
      ++c.found;
    } else {
      c.missing.push_back(spec.columns[r].key);
    }
  }
  return c;
}

std::string Join(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : ", ") + p;
  return out;
}

bool RequiredField(const MappingSpec& spec, Field f) {
  if (spec.is_profile) {
    const mapping::ProfileField* pf = ProfileFieldOf(spec, f);
    return pf != nullptr && pf->required;
  }
  if (spec.kind == mapping::RecordKind::kManifest) {
    return f == Field::kManifest || f == Field::kFromName || f == Field::kToName || f == Field::kWaste ||
           f == Field::kMass || f == Field::kDate;
  }
  return f == Field::kDate || f == Field::kFromName || f == Field::kWaste;
}

std::string DescribeLine(const MappingSpec& spec, const Match& m, const mapping::PlanData& plan,
                         const Binding* b) {
  std::string line = m.norm + " -> ";
  if (b == nullptr) {
    line += "ignored";
    if (!m.ignored.empty()) line += " (" + m.ignored + ")";
    return line;
  }
  line += std::string(Info(b->field).name);
  if (Info(b->field).mass) {
    std::string unit = b->unit              ? UnitName(*b->unit)
                       : plan.constant_unit ? std::string(UnitName(*plan.constant_unit)) + ", constant"
                                            : "t, default";
    if (plan.unit_column)
      unit += "; a unit in " + plan.bindings[*plan.unit_column].heading_norm + " overrides";
    line += " (" + unit + ")";
  } else if (b->format != nullptr) {
    line += " (format " + b->format->pattern() + ")";
  } else if (Info(b->field).date && spec.kind == mapping::RecordKind::kLedger) {
    line += " (a month means its 1st day)";
  }
  return line;
}

}  // namespace

Result<Mapper> Mapper::Detect(std::shared_ptr<const MappingSpec> spec, const std::vector<Row>& first_rows,
                              size_t* heading_index) {
  if (spec == nullptr) return Status::InvalidArgument("no profile or mapping file");
  const size_t n = std::min(first_rows.size(), kMaxHeadingRows);
  std::optional<Candidate> chosen;
  size_t chosen_index = 0;
  std::optional<Candidate> closest;
  size_t closest_index = 0;
  bool heading_row_seen = false;
  for (size_t i = 0; i < n; ++i) {
    const Row& row = first_rows[i];
    if (spec->heading_row && row.number != *spec->heading_row) continue;
    heading_row_seen = true;
    Candidate c = spec->is_profile ? ClassifyProfileRow(*spec, row) : ClassifyMappingRow(*spec, row);
    if (c.missing.empty()) {
      chosen = std::move(c);
      chosen_index = i;
      break;
    }
    if (!closest || c.found > closest->found) {
      closest = std::move(c);
      closest_index = i;
    }
  }
  if (spec->heading_row && !heading_row_seen) {
    return Status::InvalidArgument("heading_row " + std::to_string(*spec->heading_row) +
                                   " is not among the first " + std::to_string(n) + " rows");
  }
  if (!chosen) {
    std::string message = "missing required columns: ";
    if (closest && closest->found > 0) {
      message += Join(closest->missing) + " (closest heading row: line " +
                 std::to_string(first_rows[closest_index].number) + ")";
    } else {
      Candidate empty =
          spec->is_profile ? ClassifyProfileRow(*spec, Row{}) : ClassifyMappingRow(*spec, Row{});
      message += Join(empty.missing) + " (no heading row among the first " + std::to_string(n) + " rows)";
    }
    return Status::InvalidArgument(message);
  }
  if (!chosen->duplicate.empty()) return Status::InvalidArgument(chosen->duplicate);

  Mapper mapper;
  mapper.plan_ = std::make_unique<Plan>();
  Plan& plan = *mapper.plan_;
  plan.spec = spec;
  plan.ledger = spec->kind == mapping::RecordKind::kLedger;
  plan.constants = spec->constants;
  for (const mapping::Constant& c : spec->constants) {
    if (c.field == Field::kUnit) plan.constant_unit = ParseUnitName(c.value);
  }
  for (const Match& m : chosen->cells) {
    if (m.field == Field::kCount) continue;
    const mapping::FieldInfo& info = Info(m.field);
    if (info.mass && !m.unit && !m.unit_text.empty()) {
      return Status::InvalidArgument("heading " + ColumnRef(m) + ": " + Quote(m.unit_text) +
                                     " is not a mass unit (use t, kg or g, or a mapping file)");
    }
    Binding b;
    b.field = m.field;
    b.info = &info;
    b.column = m.column;
    b.heading = m.heading;
    b.heading_norm = m.norm;
    if (info.mass) b.unit = m.unit;
    if (info.date && m.rule != nullptr) {
      b.format = m.rule->format ? &*m.rule->format : spec->date_format ? &*spec->date_format : nullptr;
    }
    b.required = RequiredField(*spec, m.field);
    if (info.quantity) plan.quantities.push_back(plan.bindings.size());
    if (m.field == Field::kUnit) plan.unit_column = plan.bindings.size();
    plan.bindings.push_back(std::move(b));
  }
  if (plan.quantities.size() > mapping::kMaxQuantityColumns) {
    return Status::InvalidArgument("more than " + std::to_string(mapping::kMaxQuantityColumns) +
                                   " quantity columns");
  }
  size_t k = 0;
  for (const Match& m : chosen->cells) {
    const bool bound = k < plan.bindings.size() && plan.bindings[k].column == m.column;
    plan.describe.push_back(DescribeLine(*spec, m, plan, bound ? &plan.bindings[k] : nullptr));
    if (bound) ++k;
  }
  for (const mapping::Constant& c : plan.constants) {
    plan.describe.push_back("(constant) " + std::string(Info(c.field).name) + " = " + c.value);
  }
  if (heading_index != nullptr) *heading_index = chosen_index;
  return mapper;
}

std::vector<std::string> Mapper::Describe() const { return plan_->describe; }

std::string Mapper::HeadingOf(std::string_view field) const {
  for (const mapping::Binding& b : plan_->bindings) {
    if (b.info->name == field) return b.heading;
  }
  for (const mapping::Constant& c : plan_->constants) {
    if (mapping::Info(c.field).name == field) return std::string(field) + " (mapping constant)";
  }
  return "";
}

void Mapper::SetDate1904(bool date1904) { plan_->date1904 = date1904; }
void Mapper::SetLatestDate(std::string date) { plan_->latest_date = std::move(date); }
void Mapper::SetEarliestDate(std::string date) { plan_->earliest_date = std::move(date); }

}  // namespace wasteledger::import
