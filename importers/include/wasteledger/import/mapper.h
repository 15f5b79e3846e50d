// From rows to records: the built-in profiles (cn-hw-manifest,
// cn-sw-ledger) and JSON mapping files (docs/IMPORT.md). A mapper is planned
// once from the file's heading row and then maps each data row.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wasteledger/import/record.h"
#include "wasteledger/import/table.h"
#include "wasteledger/status.h"

namespace wasteledger::import {

// A bad data row: what goes to the errors file.
struct RowError {
  uint64_t row = 0;
  std::string column;  // the heading as written in the file ("" for the row as a whole)
  std::string value;   // the cell's text as written
  std::string reason;  // one line, English, e.g. "not a date (write 2023-01-05)"
};

// What a profile or a mapping file says about a layout. Opaque to callers.
struct MappingSpec;

// The built-in profiles by name; InvalidArgument naming the known ones.
Result<std::shared_ptr<const MappingSpec>> LoadProfile(std::string_view name);
// A mapping file's JSON text; `file` names it in messages. InvalidArgument
// naming the JSON path of the first problem.
Result<std::shared_ptr<const MappingSpec>> LoadMapping(std::string_view json_text, std::string_view file);
// The names of the built-in profiles.
std::vector<std::string> ProfileNames();

class Mapper {
 public:
  enum class Outcome { kRecords, kSkip, kError };

  // Finds the heading row among `first_rows` (the first rows of the file,
  // up to 30): the first row whose cells name every required field of the
  // spec. Title rows above it are passed over. On success *heading_index is
  // its index in `first_rows`; the rows after it are data. Otherwise
  // InvalidArgument naming the required fields missing from the closest
  // candidate row (e.g. "missing required columns: 转移量, 转移日期").
  static Result<Mapper> Detect(std::shared_ptr<const MappingSpec> spec, const std::vector<Row>& first_rows,
                               size_t* heading_index);

  // Maps one data row into `out` (cleared first; one row can make several
  // records, e.g. a 台账 row with 产生量 and 自行利用量). kSkip for a blank
  // row, a repeated heading row, a total row (合计/总计/小计/total in a
  // leading cell), a footer with nothing in the mapped columns (填表人) or
  // a 台账 row with no quantity above zero, with `error.reason` saying
  // which; kError with `error` naming the first bad cell.
  Outcome Map(const Row& row, std::vector<Record>& out, RowError& error) const;
  // The reasons Map gives for skipping a row with a total of the whole file
  // (合计, 总计, total) and with a part's or running total (小计, 累计).
  static constexpr const char* kTotalRow = "total row";
  static constexpr const char* kSubtotalRow = "subtotal row";
  // The other reasons for a skip.
  static constexpr const char* kBlankRow = "blank row";
  static constexpr const char* kRepeatedHeading = "repeated heading row";
  static constexpr const char* kNoValues = "no values in the mapped columns";
  static constexpr const char* kNoQuantity = "no quantity";

  // The figures of a row's mass columns (转移量, 接受量, a 台账's quantity
  // columns) in column order: the heading as written and the grams, or none
  // for a blank, placeholder or unreadable cell; `unreadable` tells the last
  // apart (a blank cell records nothing, an unreadable one an unknown
  // figure). For checking a file's total row against the rows above it.
  // Each cell is read exactly as Map reads it, so for a row Map makes
  // records of, the grams are those of its records (mass_g, received_g).
  struct ColumnMass {
    std::string heading;
    std::optional<int64_t> grams;
    bool unreadable = false;  // text that is not a mass, or an error cell
    std::string value;        // unreadable: the cell as written ("#REF!")
    std::string reason;       // unreadable: why, as Map would refuse it ("spreadsheet error value")
  };
  std::vector<ColumnMass> Masses(const Row& row) const;

  // "heading -> field (unit)" for each heading matched, for --dry-run output.
  std::vector<std::string> Describe() const;

  // The heading, as written in the file, of the column `field` is read from
  // (a mapping-file field name: "from.name", "to.name", "carrier", "waste",
  // "manifest", ...): what a refusal about that value names, since a clerk
  // finds it in the file. A mapping file's constant is "FIELD (mapping
  // constant)"; a field the layout does not give at all is "".
  std::string HeadingOf(std::string_view field) const;

  // Date cells holding numbers are serials of the 1904 date system (the
  // source's RowSource::date1904); off by default.
  void SetDate1904(bool date1904);
  // The last date a record may carry (YYYY-MM-DD: the day of the import, in
  // the ledger's timezone): a later transfer, event or receipt date is
  // refused, naming the column. Empty (the default): no limit.
  void SetLatestDate(std::string date);
  // The first date a record may carry (YYYY-MM-DD): an earlier one is
  // refused, naming the column (a month number 1-12, or 20231 for 2023年1月,
  // read as a spreadsheet serial lands in 1900 or the 1950s). Empty (the
  // default): no limit.
  void SetEarliestDate(std::string date);

  Mapper(Mapper&&) noexcept;
  Mapper& operator=(Mapper&&) noexcept;
  ~Mapper();

 private:
  Mapper();
  struct Plan;
  std::unique_ptr<Plan> plan_;
};

}  // namespace wasteledger::import
