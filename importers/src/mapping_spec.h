// What a profile or a mapping file says about a layout (the MappingSpec that
// mapper.h keeps opaque), the fields a column can fill, and the plan a
// Mapper makes from a heading row. Shared by profiles.cc (the built-in
// profiles), mapping_file.cc (LoadMapping), mapper_detect.cc (Detect,
// Describe) and mapper.cc (Map). Immutable once built; shared between
// mappers and threads through shared_ptr<const MappingSpec>.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "wasteledger/import/mapper.h"
#include "wasteledger/import/record.h"
#include "wasteledger/import/values.h"

namespace wasteledger::import {
namespace mapping {

// What a column (or a constant) fills.
enum class Field : uint8_t {
  kManifest,
  kFromName,
  kFromUscc,
  kCarrier,
  kCarrierUscc,
  kToName,
  kToUscc,
  kToPermit,
  kWasteName,
  kWaste,
  kHazards,
  kForm,
  kPackaging,
  kMass,
  kReceived,
  kDate,
  kReceivedDate,
  kMethod,
  kNote,
  kUnit,  // a per-row unit column (计量单位) for the mass columns
  // 台账 quantities: one record each.
  kGenerate,
  kUtilize,
  kDispose,
  kTransferUtilize,  // 委托利用量
  kTransferDispose,  // 委托处置量
  kTransfer,         // 转移量 / 外运量
  // A bare 统一社会信用代码 heading (profiles only): the USCC of the party
  // whose name column stands nearest to its left (from.name when none).
  kPartyUscc,
  kCount,
};
inline constexpr size_t kFieldCount = static_cast<size_t>(Field::kCount);

enum class RecordKind { kManifest, kLedger };

struct FieldInfo {
  std::string_view name;  // in mapping files and Describe: "mass", "from.name"
  bool mass = false;      // read with ParseMass
  bool date = false;      // read with ParseDate
  bool quantity = false;  // a 台账 quantity: one record of `type` each
  RecordType type = RecordType::kManifest;
  bool manifest = false;  // a field of manifest records
  bool ledger = false;    // a field of 台账 records
};
const FieldInfo& Info(Field field);
// "" when `text` (normalised) is within the length a value of `field` may
// have (kMaxNoteCharacters, kMaxNameCharacters), else why not:
// "300 characters, more than the 256 a company name may have". Masses are
// not text and have no limit here.
std::string TextLengthProblem(Field field, std::string_view text);
// The field a mapping file names, for records of `kind`; nullopt when there
// is none (a quantity field names all of its columns "transfer").
std::optional<Field> FieldByName(std::string_view name, RecordKind kind);
// The field names a mapping file may use for `kind`, comma-separated.
std::string FieldNames(RecordKind kind);

// One field of a built-in profile and the headings that name it.
struct ProfileField {
  Field field;
  std::string_view zh;  // the canonical heading, used in messages
  bool required = false;
  // Exact headings (compared after NormalizeText, with the unit part and the
  // spaces removed). A heading that equals none of them is matched by the
  // longest primary synonym of three or more characters that it contains.
  std::vector<std::string_view> primary;
  // Exact headings only, used when no primary heading is present: generic
  // words such as 数量 or 日期.
  std::vector<std::string_view> fallback;
};

// A heading containing `word` is not matched by "contains" (it is listed as
// ignored with `reason`).
struct IgnoreWord {
  std::string_view word;
  std::string_view reason;
};

// One member of a mapping file's "columns".
struct ColumnRule {
  std::string heading;  // as the mapping file writes it
  std::string key;      // NormalizeText(heading)
  Field field = Field::kCount;
  std::optional<MassUnit> unit;      // "unit"
  std::optional<DateFormat> format;  // "format" (else the file's date_format)
};

// One member of a mapping file's "constants", checked at load time.
struct Constant {
  Field field = Field::kCount;
  std::string value;  // normalised
};

// A column of the heading row that the plan reads.
struct Binding {
  Field field = Field::kCount;
  const FieldInfo* info = nullptr;  // Info(field)
  size_t column = 0;
  std::string heading;                 // as written in the file
  std::string heading_norm;            // NormalizeText(heading), to spot repeated heading rows
  std::optional<MassUnit> unit;        // declared by the heading or the mapping file
  const DateFormat* format = nullptr;  // explicit date format, owned by the spec
  bool required = false;
};

// Quantity columns one 台账 row may have (so Map can keep them on the stack).
inline constexpr size_t kMaxQuantityColumns = 32;

// `s` without its spaces: a mapping file's heading matches a cell when both
// are equal normalised, or equal without spaces (and LoadMapping refuses two
// headings equal this way).
std::string WithoutSpaces(std::string_view s);

// "A", "B", ..., "Z", "AA", ... for the 0-based column index.
std::string ColumnLetters(size_t index);

}  // namespace mapping

struct MappingSpec {
  std::string name;  // the profile name, or the mapping file's name
  mapping::RecordKind kind = mapping::RecordKind::kManifest;
  bool is_profile = true;

  // Profiles.
  std::vector<mapping::ProfileField> fields;
  std::vector<mapping::IgnoreWord> ignore_words;
  // 台账 profiles: at least one quantity column is required.
  bool needs_quantity = false;

  // Mapping files.
  std::vector<mapping::ColumnRule> columns;
  std::vector<mapping::Constant> constants;
  std::optional<uint64_t> heading_row;    // the file line / sheet row of the headings
  std::optional<DateFormat> date_format;  // for date columns without their own
};

namespace mapping {

// What a Mapper keeps: the plan Detect made from the heading row.
struct PlanData {
  std::shared_ptr<const MappingSpec> spec;
  bool ledger = false;
  std::vector<Binding> bindings;          // in column order
  std::vector<size_t> quantities;         // indexes into bindings (台账 quantity columns)
  std::optional<size_t> unit_column;      // index into bindings of the per-row unit column
  std::vector<Constant> constants;        // applied to every record
  std::optional<MassUnit> constant_unit;  // a "unit" constant
  std::vector<std::string> describe;
  bool date1904 = false;  // the workbook's date system (Mapper::SetDate1904)
  std::string latest_date;  // Mapper::SetLatestDate; empty: no limit
  std::string earliest_date;  // Mapper::SetEarliestDate; empty: no limit
};

}  // namespace mapping

struct Mapper::Plan : mapping::PlanData {};

}  // namespace wasteledger::import
