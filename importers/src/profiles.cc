// The built-in profiles: cn-hw-manifest (危险废物转移联单) and cn-sw-ledger
// (一般工业固体废物台账), as tables of fields and the headings that name
// them; and the field table shared with mapping files. docs/IMPORT-PROFILES.md
// lists the same headings for clerks: keep the two in step.
#include <array>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mapping_spec.h"
#include "wasteledger/import/mapper.h"

namespace wasteledger::import {
namespace mapping {
namespace {

constexpr std::array<FieldInfo, kFieldCount> kFields = {{
    // name, mass, date, quantity, type, manifest, ledger
    {"manifest", false, false, false, RecordType::kManifest, true, false},
    {"from.name", false, false, false, RecordType::kManifest, true, true},
    {"from.uscc", false, false, false, RecordType::kManifest, true, true},
    {"carrier", false, false, false, RecordType::kManifest, true, false},
    {"carrier.uscc", false, false, false, RecordType::kManifest, true, false},
    {"to.name", false, false, false, RecordType::kManifest, true, true},
    {"to.uscc", false, false, false, RecordType::kManifest, true, true},
    {"to.permit", false, false, false, RecordType::kManifest, true, true},
    {"waste_name", false, false, false, RecordType::kManifest, true, true},
    {"waste", false, false, false, RecordType::kManifest, true, true},
    {"hazards", false, false, false, RecordType::kManifest, true, false},
    {"form", false, false, false, RecordType::kManifest, true, true},
    {"packaging", false, false, false, RecordType::kManifest, true, false},
    {"mass", true, false, false, RecordType::kManifest, true, false},
    {"received", true, false, false, RecordType::kManifest, true, false},
    {"date", false, true, false, RecordType::kManifest, true, true},
    {"received_date", false, true, false, RecordType::kManifest, true, false},
    {"method", false, false, false, RecordType::kManifest, true, true},
    {"note", false, false, false, RecordType::kManifest, true, true},
    {"unit", false, false, false, RecordType::kManifest, true, true},
    {"generate", true, false, true, RecordType::kGenerate, false, true},
    {"utilize", true, false, true, RecordType::kUtilize, false, true},
    {"dispose", true, false, true, RecordType::kDispose, false, true},
    {"transfer", true, false, true, RecordType::kTransfer, false, false},  // 委托利用量
    {"transfer", true, false, true, RecordType::kTransfer, false, false},  // 委托处置量
    {"transfer", true, false, true, RecordType::kTransfer, false, true},   // 转移量
    {"uscc", false, false, false, RecordType::kManifest, false, false},
}};

// Headings containing these are planned or stock figures, never flows.
const std::vector<IgnoreWord>& IgnoreWords() {
  static const std::vector<IgnoreWord> kWords = {
      {"计划", "a planned figure, not what moved"},
      {"贮存", "a stock figure, not a flow"},
      {"库存", "a stock figure, not a flow"},
      {"往年", "previous years' storage, not a flow"},
  };
  return kWords;
}

std::shared_ptr<const MappingSpec> HwManifest() {
  auto spec = std::make_shared<MappingSpec>();
  spec->name = "cn-hw-manifest";
  spec->kind = RecordKind::kManifest;
  spec->ignore_words = IgnoreWords();
  spec->fields = {
      {Field::kManifest,
       "联单编号",
       true,
       {"联单编号", "联单号", "转移联单编号", "电子联单编号", "联单号码", "转移联单号",
        "危险废物转移联单编号"},
       {}},
      {Field::kFromName,
       "移出单位",
       true,
       {"移出单位", "产生单位", "产废单位", "移出人", "产生单位名称", "移出单位名称", "移出人名称",
        "产废单位名称", "危险废物产生单位"},
       {}},
      {Field::kFromUscc,
       "移出单位统一社会信用代码",
       false,
       {"移出单位统一社会信用代码", "产生单位统一社会信用代码", "移出人统一社会信用代码",
        "产废单位统一社会信用代码"},
       {}},
      {Field::kCarrier,
       "承运单位",
       false,
       {"承运单位", "运输单位", "承运人", "运输单位名称", "承运单位名称", "承运人名称"},
       {}},
      {Field::kCarrierUscc,
       "承运单位统一社会信用代码",
       false,
       {"承运单位统一社会信用代码", "运输单位统一社会信用代码", "承运人统一社会信用代码"},
       {}},
      {Field::kToName,
       "接受单位",
       true,
       {"接受单位", "接收单位", "接受人", "利用处置单位", "经营单位", "接受单位名称", "接收单位名称",
        "接受人名称", "利用处置单位名称", "处置单位", "利用单位"},
       {}},
      {Field::kToUscc,
       "接受单位统一社会信用代码",
       false,
       {"接受单位统一社会信用代码", "接收单位统一社会信用代码", "接受人统一社会信用代码",
        "利用处置单位统一社会信用代码"},
       {}},
      {Field::kToPermit,
       "经营许可证编号",
       false,
       {"经营许可证编号", "许可证编号", "危险废物经营许可证编号", "经营许可证号", "许可证号"},
       {}},
      {Field::kWasteName, "废物名称", false, {"废物名称", "危险废物名称", "危废名称"}, {}},
      {Field::kWaste,
       "废物代码",
       true,
       {"废物代码", "危废代码", "危险废物代码", "废物类别代码", "危险废物类别代码"},
       {"废物类别", "危废类别", "危险废物类别"}},
      {Field::kHazards, "危险特性", false, {"危险特性", "危险特性代码", "危害特性"}, {}},
      {Field::kForm, "形态", false, {"形态", "物理性状", "废物形态", "物理形态", "性状"}, {}},
      {Field::kPackaging, "包装方式", false, {"包装方式", "包装形式", "包装类型"}, {}},
      {Field::kMass,
       "转移量",
       true,
       {"转移量", "转移数量", "移出量", "转移重量", "实际转移量", "移出数量", "移出重量"},
       {"数量", "重量"}},
      {Field::kReceived,
       "接受量",
       false,
       {"接受量", "接收量", "实际接收量", "接收数量", "接受数量", "接收重量", "接受重量", "实际接受量",
        "实际接收"},
       {}},
      {Field::kDate,
       "转移日期",
       true,
       {"转移日期", "移出日期", "转移时间", "运输日期", "移出时间"},
       {"日期"}},
      {Field::kReceivedDate, "接收日期", false, {"接收日期", "接受日期", "接收时间", "接受时间"}, {}},
      {Field::kMethod,
       "利用处置方式",
       false,
       {"利用处置方式", "处置方式", "利用方式", "利用处置方式代码", "处置利用方式", "利用/处置方式"},
       {}},
      {Field::kNote, "备注", false, {"备注", "说明"}, {}},
      {Field::kUnit, "计量单位", false, {"计量单位"}, {"单位"}},
      {Field::kPartyUscc, "统一社会信用代码", false, {"统一社会信用代码", "社会信用代码", "信用代码"}, {}},
  };
  return spec;
}

std::shared_ptr<const MappingSpec> SwLedger() {
  auto spec = std::make_shared<MappingSpec>();
  spec->name = "cn-sw-ledger";
  spec->kind = RecordKind::kLedger;
  spec->ignore_words = IgnoreWords();
  spec->needs_quantity = true;
  spec->fields = {
      {Field::kDate,
       "日期",
       true,
       {"日期", "记录日期", "产生日期", "月份", "统计月份", "统计日期", "年月", "填报日期"},
       {"时间"}},
      {Field::kFromName,
       "单位名称",
       true,
       {"单位名称", "产生单位", "企业名称", "产生单位名称", "产废单位", "产废单位名称"},
       {}},
      {Field::kFromUscc,
       "统一社会信用代码",
       false,
       {"产生单位统一社会信用代码", "企业统一社会信用代码", "单位统一社会信用代码"},
       {}},
      {Field::kWasteName, "固体废物名称", false, {"固体废物名称", "废物名称", "固废名称"}, {}},
      {Field::kWaste,
       "废物代码",
       true,
       {"废物代码", "固体废物代码", "类别代码", "固废代码", "废物类别代码", "固体废物类别代码"},
       {"废物类别", "固体废物类别", "类别"}},
      {Field::kForm, "形态", false, {"形态", "物理性状", "废物形态"}, {}},
      {Field::kGenerate, "产生量", false, {"产生量", "产生数量"}, {}},
      {Field::kUtilize, "自行利用量", false, {"自行利用量", "综合利用量", "利用量", "自行综合利用量"}, {}},
      {Field::kDispose, "自行处置量", false, {"自行处置量", "处置量"}, {}},
      {Field::kTransferUtilize, "委托利用量", false, {"委托利用量", "委外利用量"}, {}},
      {Field::kTransferDispose, "委托处置量", false, {"委托处置量", "委外处置量"}, {}},
      {Field::kTransfer, "转移量", false, {"转移量", "外运量", "转移数量", "出厂量", "外委量"}, {}},
      {Field::kToName,
       "接收单位",
       false,
       {"接收单位", "委托单位", "去向单位", "利用处置单位", "接受单位", "受托单位", "接收单位名称", "去向"},
       {}},
      {Field::kToUscc,
       "接收单位统一社会信用代码",
       false,
       {"接收单位统一社会信用代码", "受托单位统一社会信用代码", "去向单位统一社会信用代码"},
       {}},
      {Field::kMethod, "利用处置方式", false, {"利用处置方式", "利用方式", "处置方式"}, {}},
      {Field::kNote, "备注", false, {"备注", "说明"}, {}},
      {Field::kUnit, "计量单位", false, {"计量单位"}, {"单位"}},
      {Field::kPartyUscc, "统一社会信用代码", false, {"统一社会信用代码", "社会信用代码", "信用代码"}, {}},
  };
  return spec;
}

}  // namespace

const FieldInfo& Info(Field field) { return kFields[static_cast<size_t>(field)]; }

std::string TextLengthProblem(Field field, std::string_view text) {
  if (Info(field).mass) return "";
  size_t max = kMaxNameCharacters;
  std::string_view what = "value of this column";
  switch (field) {
    case Field::kNote:
      max = kMaxNoteCharacters, what = "note";
      break;
    case Field::kCarrier:
      max = kMaxNoteCharacters, what = "list of carriers";
      break;
    case Field::kCarrierUscc:
      max = kMaxNoteCharacters, what = "list of credit codes";
      break;
    case Field::kHazards:
      max = kMaxNoteCharacters, what = "list of hazard characteristics";
      break;
    case Field::kFromName:
    case Field::kToName:
      what = "company name";
      break;
    case Field::kFromUscc:
    case Field::kToUscc:
    case Field::kPartyUscc:
      what = "credit code";
      break;
    case Field::kManifest:
      what = "manifest number";
      break;
    case Field::kWaste:
      what = "waste code";
      break;
    case Field::kWasteName:
      what = "waste name";
      break;
    case Field::kToPermit:
      what = "permit number";
      break;
    default:
      break;
  }
  // Bytes bound characters: most cells are far below the limit.
  if (text.size() <= max) return "";
  const size_t n = CharacterCount(text);
  if (n <= max) return "";
  return std::to_string(n) + " characters, more than the " + std::to_string(max) + " a " + std::string(what) +
         " may have";
}

std::optional<Field> FieldByName(std::string_view name, RecordKind kind) {
  for (size_t i = 0; i < kFieldCount; ++i) {
    const FieldInfo& info = kFields[i];
    if (info.name == name && (kind == RecordKind::kManifest ? info.manifest : info.ledger)) {
      return static_cast<Field>(i);
    }
  }
  return std::nullopt;
}

std::string FieldNames(RecordKind kind) {
  std::string out;
  for (const FieldInfo& info : kFields) {
    if (!(kind == RecordKind::kManifest ? info.manifest : info.ledger)) continue;
    if (!out.empty()) out += ", ";
    out += info.name;
  }
  return out;
}

std::string WithoutSpaces(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c != ' ') out.push_back(c);
  }
  return out;
}

std::string ColumnLetters(size_t index) {
  std::string out;
  for (size_t n = index + 1; n > 0; n = (n - 1) / 26) {
    out.insert(out.begin(), static_cast<char>('A' + (n - 1) % 26));
  }
  return out;
}

}  // namespace mapping

std::vector<std::string> ProfileNames() { return {"cn-hw-manifest", "cn-sw-ledger"}; }

Result<std::shared_ptr<const MappingSpec>> LoadProfile(std::string_view name) {
  static const std::shared_ptr<const MappingSpec> kHw = mapping::HwManifest();
  static const std::shared_ptr<const MappingSpec> kSw = mapping::SwLedger();
  if (name == kHw->name) return kHw;
  if (name == kSw->name) return kSw;
  std::string known;
  for (const std::string& n : ProfileNames()) known += (known.empty() ? "" : ", ") + n;
  return Status::InvalidArgument("unknown profile \"" + std::string(name) + "\" (known: " + known + ")");
}

}  // namespace wasteledger::import
