// LoadMapping: a JSON mapping file for a layout no profile knows. The format
// (schemas/import/mapping.schema.json, docs/IMPORT-PROFILES.md):
//   {
//     "record": "manifest" | "ledger",                 required
//     "heading_row": 3,                                the file line / sheet row of the headings
//     "date_format": "%d.%m.%Y",                       for date columns without their own
//     "columns": {                                     required, heading as written -> field
//       "联单号": "manifest",
//       "重量": {"field": "mass", "unit": "kg"},
//       "日期": {"field": "date", "format": "%Y%m%d"}
//     },
//     "constants": {"to.name": "禹州市环保科技有限公司", "waste": "900-249-08"},
//     "description": "free text", "$schema": "..."
//   }
// Checked strictly: an unknown member, field or unit, a unit on a non-mass
// column, a format on a non-date column, a field mapped twice (quantities
// excepted), a constant for a mapped field and a required field with neither
// column nor constant are refused, naming the JSON path.
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mapping_spec.h"
#include "wasteledger/canonical_json.h"
#include "wasteledger/import/mapper.h"

namespace wasteledger::import {
namespace {

using mapping::Field;
using mapping::Info;
using mapping::RecordKind;

class Loader {
 public:
  explicit Loader(std::string_view file) : file_(file) {}

  // One line: control characters in the path or the problem (a key or a
  // field name may hold "\n") are written as \u00XX.
  Status Fail(const std::string& path, const std::string& problem) const {
    return Status::InvalidArgument(file_ + ": " + (path.empty() ? "" : OneLine(path) + ": ") +
                                   OneLine(problem));
  }

  static std::string OneLine(const std::string& text) {
    std::string out;
    for (char c : text) {
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
        static constexpr char kHex[] = "0123456789abcdef";
        out += "\\u00";
        out += kHex[(c >> 4) & 0xF];
        out += kHex[c & 0xF];
      } else {
        out += c;
      }
    }
    return out;
  }

  Result<std::shared_ptr<const MappingSpec>> Load(std::string_view json_text) {
    Result<Json> doc = ParseStrictJson(json_text);
    if (!doc.ok()) return Fail("", doc.status().message());
    if (!doc->is_object()) return Fail("", "must be a JSON object");
    for (const auto& [key, value] : doc->items()) {
      static constexpr std::string_view kKnown[] = {"record",      "heading_row", "columns", "constants",
                                                    "date_format", "description", "$schema"};
      bool known = false;
      for (std::string_view k : kKnown) known = known || key == k;
      if (!known) {
        return Fail(key,
                    "unknown member (known: record, heading_row, date_format, columns, constants, "
                    "description)");
      }
      if ((key == "description" || key == "$schema") && !value.is_string())
        return Fail(key, "must be a string");
    }
    auto spec = std::make_shared<MappingSpec>();
    spec->name = file_;
    spec->is_profile = false;
    WL_RETURN_IF_ERROR(ReadRecordKind(*doc, *spec));
    WL_RETURN_IF_ERROR(ReadHeadingRow(*doc, *spec));
    if (doc->contains("date_format")) {
      const Json& f = (*doc)["date_format"];
      if (!f.is_string()) return Fail("date_format", "must be a string such as \"%d.%m.%Y\"");
      Result<DateFormat> format = DateFormat::Compile(f.get<std::string>());
      if (!format.ok()) return Fail("date_format", format.status().message());
      spec->date_format = std::move(*format);
    }
    WL_RETURN_IF_ERROR(ReadColumns(*doc, *spec));
    WL_RETURN_IF_ERROR(ReadConstants(*doc, *spec));
    WL_RETURN_IF_ERROR(Coverage(*spec));
    return std::shared_ptr<const MappingSpec>(std::move(spec));
  }

 private:
  Status ReadRecordKind(const Json& doc, MappingSpec& spec) const {
    if (!doc.contains("record")) return Fail("record", "missing (write \"manifest\" or \"ledger\")");
    const Json& r = doc["record"];
    if (r == "manifest") {
      spec.kind = RecordKind::kManifest;
    } else if (r == "ledger") {
      spec.kind = RecordKind::kLedger;
    } else {
      return Fail("record", "must be \"manifest\" or \"ledger\"");
    }
    return Status::Ok();
  }

  Status ReadHeadingRow(const Json& doc, MappingSpec& spec) const {
    if (!doc.contains("heading_row")) return Status::Ok();
    const Json& h = doc["heading_row"];
    if (!h.is_number_integer() || h.get<int64_t>() < 1) {
      return Fail("heading_row", "must be an integer >= 1 (the line or sheet row of the headings)");
    }
    spec.heading_row = h.get<uint64_t>();
    return Status::Ok();
  }

  Status ReadColumns(const Json& doc, MappingSpec& spec) const {
    if (!doc.contains("columns")) return Fail("columns", "missing (an object: heading -> field)");
    const Json& columns = doc["columns"];
    if (!columns.is_object() || columns.empty()) {
      return Fail("columns", "must be a non-empty object: heading -> field");
    }
    size_t quantities = 0;
    for (const auto& [heading, value] : columns.items()) {
      const std::string path = "columns." + heading;
      mapping::ColumnRule rule;
      rule.heading = heading;
      rule.key = NormalizeText(heading);
      if (rule.key.empty()) return Fail(path, "empty heading");
      std::string field_path = path;
      std::string field_name;
      if (value.is_string()) {
        field_name = value.get<std::string>();
      } else if (value.is_object()) {
        for (const auto& [member, ignored] : value.items()) {
          if (member != "field" && member != "unit" && member != "format") {
            return Fail(path + "." + member, "unknown member (known: field, unit, format)");
          }
        }
        field_path = path + ".field";
        if (!value.contains("field")) return Fail(field_path, "missing");
        if (!value["field"].is_string()) return Fail(field_path, "must be a string");
        field_name = value["field"].get<std::string>();
      } else {
        return Fail(path,
                    "must be a field name or an object {\"field\": ..., \"unit\"?: ..., \"format\"?: ...}");
      }
      const std::optional<Field> field = mapping::FieldByName(field_name, spec.kind);
      if (!field) return Fail(field_path, UnknownField(field_name, spec.kind));
      rule.field = *field;
      const mapping::FieldInfo& info = Info(*field);
      if (value.is_object() && value.contains("unit")) {
        const Json& u = value["unit"];
        if (!info.mass)
          return Fail(path + ".unit", "only mass columns take a unit (" + field_name + " is not one)");
        if (u.is_string()) rule.unit = ParseUnitName(u.get<std::string>());
        if (!rule.unit) return Fail(path + ".unit", "unknown unit " + Quoted(u) + " (use t, kg or g)");
      }
      if (info.mass && !rule.unit) {
        const HeadingParts parts = SplitHeading(rule.key);
        if (!parts.unit && !parts.unit_text.empty()) {
          return Fail(path, "\"" + std::string(parts.unit_text) +
                                "\" in the heading is not a mass unit: give \"unit\" (t, kg or g)");
        }
      }
      if (value.is_object() && value.contains("format")) {
        const Json& f = value["format"];
        if (!info.date)
          return Fail(path + ".format", "only date columns take a format (" + field_name + " is not one)");
        if (!f.is_string()) return Fail(path + ".format", "must be a string such as \"%d.%m.%Y\"");
        Result<DateFormat> format = DateFormat::Compile(f.get<std::string>());
        if (!format.ok()) return Fail(path + ".format", format.status().message());
        rule.format = std::move(*format);
      }
      for (const mapping::ColumnRule& other : spec.columns) {
        if (mapping::WithoutSpaces(other.key) == mapping::WithoutSpaces(rule.key)) {
          return Fail(path, "the same heading as \"" + other.heading + "\"");
        }
        if (other.field == rule.field && !info.quantity) {
          return Fail(path, "field " + field_name + " is already mapped by column \"" + other.heading + "\"");
        }
      }
      if (info.quantity && ++quantities > mapping::kMaxQuantityColumns) {
        return Fail(path, "more than " + std::to_string(mapping::kMaxQuantityColumns) + " quantity columns");
      }
      spec.columns.push_back(std::move(rule));
    }
    return Status::Ok();
  }

  Status ReadConstants(const Json& doc, MappingSpec& spec) const {
    if (!doc.contains("constants")) return Status::Ok();
    const Json& constants = doc["constants"];
    if (!constants.is_object()) return Fail("constants", "must be an object: field -> text");
    for (const auto& [name, value] : constants.items()) {
      const std::string path = "constants." + name;
      const std::optional<Field> field = mapping::FieldByName(name, spec.kind);
      if (!field) return Fail(path, UnknownField(name, spec.kind));
      const mapping::FieldInfo& info = Info(*field);
      if (info.mass) return Fail(path, "a quantity cannot be a constant");
      if (!value.is_string()) return Fail(path, "must be a string");
      for (const mapping::ColumnRule& rule : spec.columns) {
        if (rule.field == *field)
          return Fail(path, name + " is also mapped by column \"" + rule.heading + "\"");
      }
      mapping::Constant constant{*field, NormalizeText(value.get<std::string>())};
      if (constant.value.empty()) return Fail(path, "empty");
      if (std::string problem = mapping::TextLengthProblem(*field, constant.value); !problem.empty()) {
        return Fail(path, problem);
      }
      if (info.date) {
        Result<std::string> date =
            ParseDate(constant.value, Cell::Kind::kText, nullptr, spec.kind == RecordKind::kLedger);
        if (!date.ok()) return Fail(path, date.status().message());
        constant.value = *date;
      } else if (*field == Field::kHazards) {
        std::vector<std::string> hazards;
        if (Status s = ParseHazards(constant.value, hazards); !s.ok()) return Fail(path, s.message());
      } else if (*field == Field::kUnit && !ParseUnitName(constant.value)) {
        return Fail(path, "unknown unit " + Quoted(value) + " (use t, kg or g)");
      }
      spec.constants.push_back(std::move(constant));
    }
    return Status::Ok();
  }

  // Every required field has a column or a constant.
  Status Coverage(const MappingSpec& spec) const {
    static constexpr Field kManifestRequired[] = {Field::kManifest, Field::kFromName, Field::kToName,
                                                  Field::kWaste,    Field::kMass,     Field::kDate};
    static constexpr Field kLedgerRequired[] = {Field::kDate, Field::kFromName, Field::kWaste};
    std::string missing;
    auto check = [&](Field f) {
      for (const mapping::ColumnRule& rule : spec.columns) {
        if (rule.field == f) return;
      }
      for (const mapping::Constant& c : spec.constants) {
        if (c.field == f) return;
      }
      missing += (missing.empty() ? "" : ", ") + std::string(Info(f).name);
    };
    if (spec.kind == RecordKind::kManifest) {
      for (Field f : kManifestRequired) check(f);
    } else {
      for (Field f : kLedgerRequired) check(f);
    }
    if (!missing.empty()) return Fail("columns", "no column or constant for the required fields " + missing);
    if (spec.kind == RecordKind::kLedger) {
      bool quantity = false;
      for (const mapping::ColumnRule& rule : spec.columns) quantity = quantity || Info(rule.field).quantity;
      if (!quantity) return Fail("columns", "no quantity column (generate, utilize, dispose or transfer)");
    }
    return Status::Ok();
  }

  static std::string UnknownField(const std::string& name, RecordKind kind) {
    return "unknown field \"" + name + "\" for " + (kind == RecordKind::kManifest ? "manifest" : "ledger") +
           " records (known: " + mapping::FieldNames(kind) + ")";
  }

  static std::string Quoted(const Json& v) {
    return v.is_string() ? "\"" + v.get<std::string>() + "\"" : v.dump();
  }

  std::string file_;
};

}  // namespace

Result<std::shared_ptr<const MappingSpec>> LoadMapping(std::string_view json_text, std::string_view file) {
  // A UTF-8 byte-order mark (what Notepad and many editors save "UTF-8"
  // with) is skipped, as in CSV and JSONL inputs; byte offsets in messages
  // count from after it.
  if (constexpr std::string_view kBom = "\xEF\xBB\xBF"; json_text.substr(0, kBom.size()) == kBom) {
    json_text.remove_prefix(kBom.size());
  }
  return Loader(file).Load(json_text);
}

}  // namespace wasteledger::import
