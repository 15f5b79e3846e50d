// One normalised legacy record: what a mapper makes of a file row, before the
// ledger sees it. Texts are NFC-free but trimmed and width-normalised (full-
// width ASCII folded to ASCII); masses are exact integer grams; dates are
// YYYY-MM-DD. Codes and ids are as the file wrote them (trimmed): the ledger
// side normalises and checks waste codes against its catalogue.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace wasteledger::import {

struct PartyRef {
  std::string name;    // 单位名称 as written (whitespace trimmed and collapsed)
  std::string uscc;    // 统一社会信用代码, upper-cased, "" when the file has none
  std::string permit;  // 经营许可证编号 (receivers), "" when none
  bool empty() const { return name.empty() && uscc.empty(); }
};

enum class RecordType {
  kManifest,  // a hazardous-waste transfer manifest line (cn-hw-manifest)
  kGenerate,  // generation at `from` (台账 产生)
  kUtilize,   // in-house utilisation at `from` (自行利用)
  kDispose,   // in-house disposal at `from` (自行处置)
  kTransfer,  // handed to `to` for utilisation or disposal (委托利用/处置)
};

// "manifest", "generate", "utilize", "dispose", "transfer".
const char* RecordTypeName(RecordType t);

struct Record {
  RecordType type = RecordType::kManifest;
  uint64_t row = 0;     // the file row it came from (Row::number)
  std::string column;   // the quantity column it came from, when one row makes several records
  PartyRef from;        // producer / the 台账's own unit
  PartyRef to;          // receiver (kManifest, kTransfer)
  std::vector<PartyRef> carriers;
  std::string manifest;   // 联单编号, digits only as written ("" when none)
  std::string waste;      // 废物代码 as written, e.g. "900-041-49", "HW08", "SW01"
  std::string waste_name; // 废物名称
  std::vector<std::string> hazards;  // subset of T, C, I, R, In, in that order
  std::string form;       // 形态
  std::string packaging;  // 包装方式
  std::string method;     // 利用处置方式, e.g. "R9", "D10", "" when none
  int64_t mass_g = 0;     // 转移量 / 产生量 / 利用量 / 处置量 / 委托量, > 0
  std::optional<int64_t> received_g;  // 接受量 (kManifest), when the file has it
  std::string date;           // the event date (转移日期, 产生日期, ...)
  std::string received_date;  // 接收日期 (kManifest), "" when none
  std::string note;           // 备注
};

}  // namespace wasteledger::import
