// Helpers for the mapper tests: rows built in memory (no reader involved),
// Detect and Map with Catch2 checks, and a one-line dump of a record so that
// whole records compare exactly.
#pragma once

#include <catch2/catch.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "wasteledger/import/mapper.h"

namespace wasteledger::import::mapper_test {

using Outcome = Mapper::Outcome;
using V = std::vector<std::string>;

inline Cell TextCell(const std::string& text) {
  Cell c;
  c.kind = text.empty() ? Cell::Kind::kEmpty : Cell::Kind::kText;
  c.text = text;
  return c;
}

inline Row MakeRow(uint64_t number, const V& texts) {
  Row row;
  row.number = number;
  for (const std::string& t : texts) {
    row.cells.push_back(TextCell(t));
    row.original += (row.original.empty() ? "" : ",") + t;
  }
  return row;
}

inline std::shared_ptr<const MappingSpec> Profile(const std::string& name) {
  Result<std::shared_ptr<const MappingSpec>> spec = LoadProfile(name);
  REQUIRE(spec.ok());
  return *spec;
}

inline std::shared_ptr<const MappingSpec> Mapping(const std::string& json) {
  Result<std::shared_ptr<const MappingSpec>> spec = LoadMapping(json, "mapping.json");
  INFO(spec.status().message());
  REQUIRE(spec.ok());
  return *spec;
}

inline std::string MappingError(const std::string& json) {
  Result<std::shared_ptr<const MappingSpec>> spec = LoadMapping(json, "mapping.json");
  INFO(json);
  REQUIRE_FALSE(spec.ok());
  CHECK(spec.status().code() == Status::Code::kInvalidArgument);
  return spec.status().message();
}

inline Mapper Detect(const std::shared_ptr<const MappingSpec>& spec, const std::vector<Row>& rows,
                     size_t expected_heading = 0) {
  size_t index = 99;
  Result<Mapper> m = Mapper::Detect(spec, rows, &index);
  INFO(m.status().message());
  REQUIRE(m.ok());
  CHECK(index == expected_heading);
  return std::move(*m);
}

inline std::string DetectError(const std::shared_ptr<const MappingSpec>& spec, const std::vector<Row>& rows) {
  size_t index = 99;
  Result<Mapper> m = Mapper::Detect(spec, rows, &index);
  REQUIRE_FALSE(m.ok());
  CHECK(m.status().code() == Status::Code::kInvalidArgument);
  CHECK(index == 99);
  return m.status().message();
}

struct Mapped {
  Outcome outcome = Outcome::kError;
  std::vector<Record> records;
  RowError error;
};

inline Mapped Map(const Mapper& mapper, const Row& row) {
  Mapped m;
  m.outcome = mapper.Map(row, m.records, m.error);
  return m;
}

inline Record MapOne(const Mapper& mapper, const Row& row) {
  Mapped m = Map(mapper, row);
  INFO("row " << row.number << ": " << m.error.column << " \"" << m.error.value << "\" " << m.error.reason);
  REQUIRE(m.outcome == Outcome::kRecords);
  REQUIRE(m.records.size() == 1);
  return m.records[0];
}

inline RowError MapError(const Mapper& mapper, const Row& row) {
  Mapped m = Map(mapper, row);
  INFO("row " << row.number << " mapped, " << m.records.size() << " records");
  REQUIRE(m.outcome == Outcome::kError);
  CHECK(m.records.empty());
  CHECK(m.error.row == row.number);
  return m.error;
}

inline std::string SkipReason(const Mapper& mapper, const Row& row) {
  Mapped m = Map(mapper, row);
  INFO("row " << row.number << ": " << m.error.column << " " << m.error.reason);
  REQUIRE(m.outcome == Outcome::kSkip);
  CHECK(m.records.empty());
  return m.error.reason;
}

inline std::string Dump(const Record& r) {
  std::ostringstream o;
  o << RecordTypeName(r.type) << " row=" << r.row << " column=" << r.column << " manifest=" << r.manifest
    << " from=" << r.from.name << "|" << r.from.uscc << "|" << r.from.permit << " to=" << r.to.name << "|"
    << r.to.uscc << "|" << r.to.permit << " carriers=";
  for (const PartyRef& c : r.carriers) o << c.name << "|" << c.uscc << ";";
  o << " waste=" << r.waste << " name=" << r.waste_name << " hazards=";
  for (const std::string& h : r.hazards) o << h << ";";
  o << " form=" << r.form << " packaging=" << r.packaging << " method=" << r.method << " mass_g=" << r.mass_g
    << " received_g=" << (r.received_g ? std::to_string(*r.received_g) : "none") << " date=" << r.date
    << " received_date=" << r.received_date << " note=" << r.note;
  return o.str();
}

// The texts with some cells replaced (the row grows as needed).
inline V With(V texts, const std::map<size_t, std::string>& changes) {
  for (const auto& [i, t] : changes) {
    if (texts.size() <= i) texts.resize(i + 1);
    texts[i] = t;
  }
  return texts;
}

}  // namespace wasteledger::import::mapper_test
