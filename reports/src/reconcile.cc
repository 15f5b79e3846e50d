// Reconciliation findings (reconcile.h): one small function per rule over a
// read-only view of the ledger (entries scanned once, manifests and lots from
// the domain index).
#include "wasteledger/reports/reconcile.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include "wasteledger/domain_query.h"
#include "wasteledger/party.h"
#include "wasteledger/reports/render.h"
#include "wasteledger/time_util.h"

namespace wasteledger::reports {
namespace {

constexpr std::string_view kUnconfirmed = "unconfirmed-receipt";
constexpr std::string_view kDiscrepancy = "quantity-discrepancy";
constexpr std::string_view kPhantom = "phantom-consumption";
constexpr std::string_view kUnpermitted = "unpermitted-receiver";
constexpr std::string_view kCapacity = "capacity-exceeded";
constexpr std::string_view kCodeMismatch = "code-mismatch";
constexpr std::string_view kStorage = "storage-overdue";
constexpr std::string_view kLateEntry = "late-entry";
constexpr std::string_view kLateConfirmation = "late-confirmation";
constexpr std::string_view kMissingPickup = "missing-pickup";
constexpr std::array<std::string_view, 10> kRuleIds = {
    kUnconfirmed,  kDiscrepancy, kPhantom,   kUnpermitted,      kCapacity,
    kCodeMismatch, kStorage,     kLateEntry, kLateConfirmation, kMissingPickup};

constexpr int64_t kConfirmWorkingDays = 5;  // 危险废物转移管理办法 Art.18
constexpr int64_t kPpm = 1000000;

const std::vector<std::string_view>& ReceiverActivities() {
  static const std::vector<std::string_view> kActivities = {"utilize", "dispose", "store", "collect"};
  return kActivities;
}

bool IsEventKind(std::string_view kind) {
  static const std::set<std::string_view> kKinds = {"generate", "dispatch", "pickup",  "handover", "receive",
                                                    "utilize",  "dispose",  "correct", "void"};
  return kKinds.count(kind) != 0;
}

// ---- dates (day numbers since 1970-01-01) ----

// The day of `t` in the ledger's timezone (`tz_minutes`), where periods are cut.
int64_t LocalDay(const Timestamp& t, int tz_minutes) {
  const int64_t local = t.unix_seconds + int64_t{tz_minutes} * 60;
  return local / 86400 - (local % 86400 < 0 ? 1 : 0);
}

std::string DayText(int64_t day) {
  int64_t y = 0;
  unsigned m = 0, d = 0;
  CivilFromDays(day, &y, &m, &d);
  return fmt::format("{:04d}-{:02d}-{:02d}", y, m, d);
}

Result<std::optional<int64_t>> ParseDay(const std::string& text, std::string_view what) {
  if (text.empty()) return std::optional<int64_t>();
  const bool shaped = text.size() == 10 && text[4] == '-' && text[7] == '-' &&
                      std::all_of(text.begin(), text.end(), [](char ch) {
                        return ch == '-' || std::isdigit(static_cast<unsigned char>(ch)) != 0;
                      });
  if (shaped) {
    const unsigned m = static_cast<unsigned>(std::stoi(text.substr(5, 2)));
    const unsigned d = static_cast<unsigned>(std::stoi(text.substr(8, 2)));
    const int64_t day = DaysFromCivil(std::stoi(text.substr(0, 4)), m, d);
    if (DayText(day) == text) return std::optional<int64_t>(day);
  }
  return Status::InvalidArgument(fmt::format("{} \"{}\" is not a date YYYY-MM-DD", what, text));
}

// 0 = Monday .. 6 = Sunday (1970-01-01 was a Thursday).
int64_t Weekday(int64_t day) { return ((day + 3) % 7 + 7) % 7; }

// Monday-to-Friday days in (from, to]; public holidays are not modelled.
int64_t WorkingDaysAfter(int64_t from, int64_t to) {
  if (to <= from) return 0;
  const int64_t weeks = (to - from) / 7;
  int64_t n = weeks * 5;
  for (int64_t d = from + weeks * 7 + 1; d <= to; ++d) n += Weekday(d) < 5 ? 1 : 0;
  return n;
}

// The same day of the next year (29 February -> 28 February).
int64_t OneYearLater(int64_t day) {
  int64_t y = 0;
  unsigned m = 0, d = 0;
  CivilFromDays(day, &y, &m, &d);
  return DaysFromCivil(y + 1, m, m == 2 && d == 29 ? 28 : d);
}

// ---- the view of the ledger the rules read ----

struct EntryInfo {
  std::string kind;
  std::string actor;
  Timestamp stated;       // the statement's own time
  int64_t event_day = 0;  // its event date (a correction: its target's)
  int64_t logged = 0;     // unix seconds
};

struct Ctx {
  const Ledger& ledger;
  const WasteCatalogue& catalogue;
  const ReconcileOptions& o;
  std::optional<int64_t> from, to;
  int64_t as_of_day = 0;
  int64_t tolerance_ppm = 0;
  std::string waste_filter;                           // a normalised code or a category
  std::vector<EntryInfo> entries;                     // by seq
  std::map<std::string, std::vector<Party>> parties;  // id -> records in log order
  std::vector<Manifest> manifests;                    // not voided, by dispatch seq
  std::string as_of_time;                             // RFC 3339: o.as_of, or now
  std::map<uint64_t, Json> late_bodies;               // late-entry candidates: seq -> body

  const EntryInfo& Entry(uint64_t seq) const {
    static const EntryInfo kNone;
    return seq < entries.size() ? entries[seq] : kNone;
  }
  int64_t Day(uint64_t seq) const { return Entry(seq).event_day; }
  // The party's record in force at `seq`, or nullptr.
  const Party* PartyAt(const std::string& id, uint64_t seq) const {
    auto it = parties.find(id);
    if (it == parties.end()) return nullptr;
    const Party* found = nullptr;
    for (const Party& p : it->second) {
      if (p.since_seq <= seq) found = &p;
    }
    return found;
  }
  bool Hazardous(const std::string& code) const {
    return catalogue.Classify(code).kind == WasteKind::kHazardous;
  }
};

std::string JoinCodes(const std::vector<std::string>& codes) {
  std::vector<std::string> distinct;
  for (const auto& c : codes) {
    if (std::find(distinct.begin(), distinct.end(), c) == distinct.end()) distinct.push_back(c);
  }
  return fmt::format("{}", fmt::join(distinct, ","));
}

std::vector<std::string> SplitCodes(const std::string& waste) {
  std::vector<std::string> out;
  size_t at = 0;
  while (at < waste.size()) {
    const size_t comma = std::min(waste.find(',', at), waste.size());
    out.push_back(waste.substr(at, comma - at));
    at = comma + 1;
  }
  return out;
}

Status RecordEntry(Ctx& c, uint64_t seq, std::string_view bytes) {
  WL_ASSIGN_OR_RETURN(ParsedEntry e, ParseEntry(bytes));
  WL_ASSIGN_OR_RETURN(Timestamp logged, ParseRfc3339(e.header.logged));
  const Statement& st = e.statement;
  const Json& body = st.json["body"];
  EntryInfo& info = c.entries[seq];
  info.kind = st.kind;
  info.actor = st.actor;
  info.stated = st.time;
  info.logged = logged.unix_seconds;
  info.event_day = LocalDay(st.time, c.ledger.timezone_offset_minutes());
  if (IsEventKind(st.kind) && info.logged - st.time.unix_seconds > c.o.late_entry_seconds) {
    c.late_bodies[seq] = body;  // late-entry names its codes and manifest (EntryConcerns)
  }
  if (st.kind == "import") {
    // A legacy record: its event is the date in the file, not the import's time.
    WL_ASSIGN_OR_RETURN(auto day, ParseDay(body.value("date", ""), "import date"));
    if (day) info.event_day = *day;
  }
  if (st.kind == "correct") {
    const auto target = body.value("seq", seq);
    if (target < seq) info.event_day = c.entries[target].event_day;
  }
  if (st.kind == "genesis" || st.kind == "party") {
    WL_ASSIGN_OR_RETURN(Party p, PartyFromRecord(st.kind == "genesis" ? body["party"] : body, seq));
    c.parties[p.id].push_back(std::move(p));
  }
  return Status::Ok();
}

Status ScanLog(Ctx& c) {
  c.entries.resize(c.ledger.size());
  Status status;
  WL_RETURN_IF_ERROR(c.ledger.ScanEntries(0, c.ledger.size(), [&](uint64_t seq, std::string_view bytes) {
    status = RecordEntry(c, seq, bytes).WithContext(fmt::format("entry {}", seq));
    return status.ok();
  }));
  return status;
}

Status LoadManifests(Ctx& c) {
  WL_ASSIGN_OR_RETURN(c.manifests, ListManifests(c.ledger));
  std::erase_if(c.manifests,
                [](const Manifest& m) { return m.voided_by.has_value() || m.status == "voided"; });
  std::sort(c.manifests.begin(), c.manifests.end(),
            [](const Manifest& a, const Manifest& b) { return a.dispatch_seq < b.dispatch_seq; });
  return Status::Ok();
}

std::string WasteFilter(const std::string& text) {
  auto code = NormaliseWasteCode(text);
  if (code.ok()) return *code;
  std::string out;
  for (char ch : text) {
    if (ch != ' ') out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(ch))));
  }
  return out;
}

Status ReadOptions(Ctx& c) {
  const ReconcileOptions& o = c.o;
  WL_ASSIGN_OR_RETURN(c.from, ParseDay(o.from, "from"));
  WL_ASSIGN_OR_RETURN(c.to, ParseDay(o.to, "to"));
  if (c.from && c.to && *c.from > *c.to) {
    return Status::InvalidArgument(fmt::format("from {} is after to {}", o.from, o.to));
  }
  if (!(o.tolerance >= 0 && o.tolerance <= 1)) {
    return Status::InvalidArgument(fmt::format("tolerance {} is not a fraction from 0 to 1", o.tolerance));
  }
  if (o.late_entry_seconds < 0) return Status::InvalidArgument("the late-entry threshold is negative");
  c.tolerance_ppm = std::llround(o.tolerance * static_cast<double>(kPpm));
  Timestamp as_of{NowUnixSeconds(), c.ledger.timezone_offset_minutes()};
  if (!o.as_of.empty()) {
    auto parsed = ParseRfc3339(o.as_of);
    if (!parsed.ok()) return parsed.status().WithContext("as_of");
    as_of = *parsed;
  }
  c.as_of_day = LocalDay(as_of, c.ledger.timezone_offset_minutes());
  c.as_of_time = o.as_of.empty() ? FormatWithOffset(as_of.unix_seconds, as_of.offset_minutes) : o.as_of;
  if (!o.waste.empty()) c.waste_filter = WasteFilter(o.waste);
  return Status::Ok();
}

// ---- findings ----

bool NamesWaste(const Ctx& c, const std::string& waste) {
  const auto codes = SplitCodes(waste);
  return std::any_of(codes.begin(), codes.end(), [&](const std::string& code) {
    return code == c.waste_filter || c.catalogue.Classify(code).category == c.waste_filter;
  });
}

// Keeps the finding when its triggering event date and party and waste pass
// the filters.
void Add(const Ctx& c, int64_t day, Finding f, std::vector<Finding>& out) {
  if ((c.from && day < *c.from) || (c.to && day > *c.to)) return;
  if (!c.o.party.empty() && f.party != c.o.party) return;
  if (!c.waste_filter.empty() && !NamesWaste(c, f.waste)) return;
  std::sort(f.seqs.begin(), f.seqs.end());
  f.seqs.erase(std::unique(f.seqs.begin(), f.seqs.end()), f.seqs.end());
  out.push_back(std::move(f));
}

Finding Make(std::string_view rule, Severity severity, std::string party, std::string manifest,
             std::string waste, std::vector<uint64_t> seqs) {
  return {std::string(rule),
          severity,
          std::move(party),
          std::move(manifest),
          std::move(waste),
          std::move(seqs),
          "",
          ""};
}

std::string Tonnes(int64_t grams) { return FormatMass(grams, MassUnit::kTonne); }
const char* KindZh(bool hazardous) { return hazardous ? "危险废物" : "固体废物"; }
const char* KindEn(bool hazardous) { return hazardous ? "hazardous waste" : "solid waste"; }

std::string LineCode(const ManifestLine& l) { return l.received_waste.empty() ? l.waste : l.received_waste; }

// What a manifest carries: its lines' codes, their total mass, and whether
// any is hazardous (which makes a late receipt serious).
struct Carried {
  std::vector<std::string> codes;
  int64_t mass = 0;
  bool hazardous = false;
};
Carried Dispatched(const Ctx& c, const Manifest& m) {
  Carried out;
  for (const auto& l : m.lines) {
    out.codes.push_back(l.waste);
    out.mass += l.mass_g;
    out.hazardous = out.hazardous || c.Hazardous(l.waste);
  }
  return out;
}

Status UnconfirmedReceipt(const Ctx& c, std::vector<Finding>& out) {
  for (const Manifest& m : c.manifests) {
    // Open at as_of: not received yet, or received (or refused) after it.
    const bool open = m.status == "dispatched" || m.status == "in_transit";
    if (!open && !(m.receive_seq && c.Day(*m.receive_seq) > c.as_of_day)) continue;
    const int64_t day = c.Day(m.dispatch_seq);
    const int64_t days = WorkingDaysAfter(day, c.as_of_day);
    if (days <= kConfirmWorkingDays) continue;
    const auto [codes, mass, hazardous] = Dispatched(c, m);
    Finding f = Make(kUnconfirmed, hazardous ? Severity::kSerious : Severity::kWarning, m.producer, m.number,
                     JoinCodes(codes), {});
    for (const auto& step : m.custody) f.seqs.push_back(step.seq);
    f.sentence_zh = fmt::format(
        "联单 {} 于 {} 由 {} 转移{} {} {} t 至 {}，截至 {} 已过 {} 个工作日，超过 {} 个工作日未确认接收。",
        m.number, DayText(day), m.producer, KindZh(hazardous), f.waste, Tonnes(mass), m.receiver,
        DayText(c.as_of_day), days, kConfirmWorkingDays);
    f.sentence_en = fmt::format(
        "Manifest {} dispatched {} t of {} {} from {} to {} on {}; as of {}, {} working days later, receipt "
        "is "
        "still unconfirmed (limit {} working days).",
        m.number, Tonnes(mass), KindEn(hazardous), f.waste, m.producer, m.receiver, DayText(day),
        DayText(c.as_of_day), days, kConfirmWorkingDays);
    Add(c, day, std::move(f), out);
  }
  return Status::Ok();
}

// A receipt confirmed more than 5 working days after the dispatch: once it
// is received, unconfirmed-receipt no longer says it was late.
Status LateConfirmation(const Ctx& c, std::vector<Finding>& out) {
  for (const Manifest& m : c.manifests) {
    if (!m.receive_seq) continue;
    const int64_t sent = c.Day(m.dispatch_seq), received = c.Day(*m.receive_seq);
    if (received > c.as_of_day) continue;  // not received yet as of as_of: unconfirmed-receipt's
    const int64_t days = WorkingDaysAfter(sent, received);
    if (days <= kConfirmWorkingDays) continue;
    const auto [codes, mass, hazardous] = Dispatched(c, m);
    Finding f = Make(kLateConfirmation, hazardous ? Severity::kSerious : Severity::kWarning, m.receiver,
                     m.number, JoinCodes(codes), {m.dispatch_seq, *m.receive_seq});
    f.sentence_zh = fmt::format(
        "联单 {} 于 {} 由 {} 转移{} {} {} t，{} 于 {} 确认接收，已过 {} 个工作日，超过 {} 个工作日。", m.number,
        DayText(sent), m.producer, KindZh(hazardous), f.waste, Tonnes(mass), m.receiver, DayText(received), days,
        kConfirmWorkingDays);
    f.sentence_en = fmt::format(
        "Manifest {} dispatched {} t of {} {} from {} on {}; {} confirmed its receipt on {}, {} working days "
        "later (limit {} working days).",
        m.number, Tonnes(mass), KindEn(hazardous), f.waste, m.producer, DayText(sent), m.receiver,
        DayText(received), days, kConfirmWorkingDays);
    Add(c, received, std::move(f), out);
  }
  return Status::Ok();
}

// |diff| > ppm / 1e6 x mass, exactly (diff is whole grams, so against the floor).
bool BeyondTolerance(int64_t diff, int64_t mass, int64_t ppm) {
  const int64_t allowed = (mass / kPpm) * ppm + (mass % kPpm) * ppm / kPpm;
  return (diff < 0 ? -diff : diff) > allowed;
}

Status QuantityDiscrepancy(const Ctx& c, std::vector<Finding>& out) {
  for (const Manifest& m : c.manifests) {
    if (!m.receive_seq) continue;
    if (c.Day(*m.receive_seq) > c.as_of_day) continue;  // not received yet as of as_of
    for (size_t i = 0; i < m.lines.size(); ++i) {
      const ManifestLine& l = m.lines[i];
      const int64_t diff = l.received_g + l.refused_g - l.mass_g;
      if (!l.reason.empty() || !BeyondTolerance(diff, l.mass_g, c.tolerance_ppm)) continue;
      Finding f = Make(kDiscrepancy, Severity::kWarning, m.receiver, m.number, l.waste,
                       {m.dispatch_seq, *m.receive_seq});
      const std::string share = FormatRatio({diff < 0 ? -diff : diff, l.mass_g});
      const std::string tol = FormatRatio({c.tolerance_ppm, kPpm});
      f.sentence_zh = fmt::format(
          "联单 {} 第 {} 行 {} 转移 {} t，{} 接收 {} t、拒收 {} t，差额 {} t（{}），超过允许偏差 {} "
          "且未记录原因。",
          m.number, i + 1, l.waste, Tonnes(l.mass_g), m.receiver, Tonnes(l.received_g), Tonnes(l.refused_g),
          Tonnes(diff), share, tol);
      f.sentence_en = fmt::format(
          "Manifest {} line {} ({}): {} t dispatched, {} received {} t and refused {} t, a difference of {} "
          "t "
          "({}) beyond the {} tolerance with no reason recorded.",
          m.number, i + 1, l.waste, Tonnes(l.mass_g), m.receiver, Tonnes(l.received_g), Tonnes(l.refused_g),
          Tonnes(diff), share, tol);
      Add(c, c.Day(*m.receive_seq), std::move(f), out);
    }
  }
  return Status::Ok();
}

// Live entries can never draw a lot below zero (append refuses it); this
// exists for imported legacy data, which may break conservation.
Status PhantomConsumption(const Ctx& c, std::vector<Finding>& out) {
  WL_ASSIGN_OR_RETURN(auto lots, ListLots(c.ledger, {"", "", true, false}));
  for (const Lot& lot : lots) {
    if (lot.remaining_g >= 0) continue;
    Finding f =
        Make(kPhantom, Severity::kSerious, lot.owner, lot.source.manifest, lot.waste, {lot.source.seq});
    f.sentence_zh =
        fmt::format("批次 {}（{}，{}）原有 {} t，消耗后剩余 {} t，超出所持有的量 {} t。", lot.id, lot.owner,
                    lot.waste, Tonnes(lot.mass_g), Tonnes(lot.remaining_g), Tonnes(-lot.remaining_g));
    f.sentence_en = fmt::format("Lot {} ({}, {}) of {} t was drawn down to {} t: {} t more than was held.",
                                lot.id, lot.owner, lot.waste, Tonnes(lot.mass_g), Tonnes(lot.remaining_g),
                                Tonnes(-lot.remaining_g));
    if (lot.source.kind == "import") {
      const std::string year = lot.id.substr(lot.id.rfind('/') + 1);
      f.sentence_zh = fmt::format(
          "导入的历史数据：{} 在 {} 年转出、利用或处置的 {} 比导入记录所示的产生和接收量多 {} t（结余 {} t）。",
          lot.owner, year, lot.waste, Tonnes(-lot.remaining_g), Tonnes(lot.remaining_g));
      f.sentence_en = fmt::format(
          "Imported legacy data: {} dispatched, utilised or disposed of {} t more {} in {} than the imported "
          "records show it generating or receiving (balance {} t).",
          lot.owner, Tonnes(-lot.remaining_g), lot.waste, year, Tonnes(lot.remaining_g));
    }
    Add(c, c.Day(lot.source.seq), std::move(f), out);
  }
  return Status::Ok();
}

bool Permitted(const Ctx& c, const Party* p, int64_t day, const std::string& code) {
  return p != nullptr &&
         domain::FindPermit(*p, c.catalogue.Classify(code), DayText(day), ReceiverActivities()).has_value();
}

// A line whose receiver held no permit at `seq` (the dispatch or the receive).
void AddUnpermitted(const Ctx& c, const Manifest& m, size_t i, uint64_t seq, const std::string& code,
                    std::vector<Finding>& out) {
  const bool at_receipt = seq != m.dispatch_seq;
  const int64_t day = c.Day(seq);
  const Party* p = c.PartyAt(m.receiver, seq);
  Finding f = Make(kUnpermitted, Severity::kSerious, m.receiver, m.number, code, {m.dispatch_seq, seq});
  if (p != nullptr) f.seqs.push_back(p->since_seq);
  f.sentence_zh =
      fmt::format("联单 {} 第 {} 行 {}：接收单位 {} 在{}日 {} 没有利用、处置、贮存或收集该废物的有效许可证。",
                  m.number, i + 1, code, m.receiver, at_receipt ? "接收" : "转移", DayText(day));
  f.sentence_en = fmt::format(
      "Manifest {} line {} ({}): receiver {} held no valid permit to utilize, dispose, store or collect it "
      "on "
      "the {} date {}.",
      m.number, i + 1, code, m.receiver, at_receipt ? "receipt" : "dispatch", DayText(day));
  Add(c, day, std::move(f), out);
}

Status UnpermittedReceiver(const Ctx& c, std::vector<Finding>& out) {
  for (const Manifest& m : c.manifests) {
    // An imported manifest keeps the permit number its file gave; legacy
    // parties carry no permits to check it against.
    if (m.imported) continue;
    const Party* sent_to = c.PartyAt(m.receiver, m.dispatch_seq);
    const Party* taken_by = m.receive_seq ? c.PartyAt(m.receiver, *m.receive_seq) : nullptr;
    for (size_t i = 0; i < m.lines.size(); ++i) {
      const ManifestLine& l = m.lines[i];
      if (!Permitted(c, sent_to, c.Day(m.dispatch_seq), l.waste)) {
        AddUnpermitted(c, m, i, m.dispatch_seq, l.waste, out);
      } else if (m.receive_seq && l.received_g > 0 &&
                 !Permitted(c, taken_by, c.Day(*m.receive_seq), LineCode(l))) {
        AddUnpermitted(c, m, i, *m.receive_seq, LineCode(l), out);
      }
    }
  }
  return Status::Ok();
}

struct PermitYear {
  std::optional<int64_t> capacity_g;
  std::vector<std::string> codes;  // this manifest's codes under the permit
};

void AddCapacity(const Ctx& c, const Manifest& m, const std::string& permit, const PermitYear& py,
                 int64_t total, std::vector<Finding>& out) {
  const int64_t day = c.Day(m.dispatch_seq);
  const std::string year = DayText(day).substr(0, 4);
  const int64_t cap = *py.capacity_g;
  Finding f =
      Make(kCapacity, Severity::kWarning, m.receiver, m.number, JoinCodes(py.codes), {m.dispatch_seq});
  f.sentence_zh = fmt::format(
      "接收单位 {} 的许可证 {} 年许可能力 {} t；联单 {} 于 {} 转移后，{} 年累计转入 {} t，超出 {} t。",
      m.receiver, permit, Tonnes(cap), m.number, DayText(day), year, Tonnes(total), Tonnes(total - cap));
  f.sentence_en = fmt::format(
      "Receiver {}'s permit {} allows {} t a year; manifest {} on {} brought the {} total dispatched to it "
      "to {} "
      "t, {} t over.",
      m.receiver, permit, Tonnes(cap), m.number, DayText(day), year, Tonnes(total), Tonnes(total - cap));
  Add(c, day, std::move(f), out);
}

Status CapacityExceeded(const Ctx& c, std::vector<Finding>& out) {
  using Key = std::tuple<std::string, std::string, int64_t>;  // receiver, permit, year
  std::map<Key, int64_t> used;
  std::set<Key> reported;
  for (const Manifest& m : c.manifests) {
    const Party* p = c.PartyAt(m.receiver, m.dispatch_seq);
    if (p == nullptr) continue;
    const std::string date = DayText(c.Day(m.dispatch_seq));
    const int64_t year = std::stoll(date.substr(0, 4));
    std::map<std::string, PermitYear> touched;
    for (const auto& l : m.lines) {
      auto permit = domain::FindPermit(*p, c.catalogue.Classify(l.waste), date, ReceiverActivities());
      if (!permit) continue;
      used[{m.receiver, permit->number, year}] += l.mass_g;
      touched[permit->number].capacity_g = permit->capacity_g;
      touched[permit->number].codes.push_back(l.waste);
    }
    for (const auto& [number, py] : touched) {
      const Key key{m.receiver, number, year};
      if (py.capacity_g && used[key] > *py.capacity_g && reported.insert(key).second) {
        AddCapacity(c, m, number, py, used[key], out);
      }
    }
  }
  return Status::Ok();
}

Status CodeMismatch(const Ctx& c, std::vector<Finding>& out) {
  for (const Manifest& m : c.manifests) {
    if (!m.receive_seq) continue;
    if (c.Day(*m.receive_seq) > c.as_of_day) continue;  // not received yet as of as_of
    for (size_t i = 0; i < m.lines.size(); ++i) {
      const ManifestLine& l = m.lines[i];
      if (!l.code_mismatch()) continue;
      const int64_t day = c.Day(*m.receive_seq);
      Finding f = Make(kCodeMismatch, Severity::kWarning, m.receiver, m.number,
                       l.waste + "," + l.received_waste, {m.dispatch_seq, *m.receive_seq});
      f.sentence_zh =
          fmt::format("联单 {} 第 {} 行按 {} 转移，接收单位 {} 于 {} 按 {} 接收 {} t。", m.number, i + 1,
                      l.waste, m.receiver, DayText(day), l.received_waste, Tonnes(l.received_g));
      f.sentence_en = fmt::format(
          "Manifest {} line {} was dispatched as {}, but receiver {} received {} t as {} on {}.", m.number,
          i + 1, l.waste, m.receiver, Tonnes(l.received_g), l.received_waste, DayText(day));
      Add(c, day, std::move(f), out);
    }
  }
  return Status::Ok();
}

// A manifest naming carriers, received with no carrier's pickup on record:
// the transport leg of the 联单 is undocumented. Imported manifests carry
// no custody steps and are not judged.
Status MissingPickup(const Ctx& c, std::vector<Finding>& out) {
  for (const Manifest& m : c.manifests) {
    if (!m.receive_seq || m.imported || m.carriers.empty() || m.custody.size() > 1) continue;
    const int64_t day = c.Day(*m.receive_seq);
    if (day > c.as_of_day) continue;  // not received yet as of as_of
    const auto [codes, mass, hazardous] = Dispatched(c, m);
    Finding f = Make(kMissingPickup, hazardous ? Severity::kSerious : Severity::kWarning, m.producer,
                     m.number, JoinCodes(codes), {m.dispatch_seq, *m.receive_seq});
    const std::string carriers = fmt::format("{}", fmt::join(m.carriers, ", "));
    const bool refused = m.status == "refused";
    f.sentence_zh =
        fmt::format("联单 {} 列明承运单位 {}，但 {} 于 {} {}前没有任何承运单位确认运输（无提货记录）。",
                    m.number, carriers, m.receiver, DayText(day), refused ? "拒收" : "接收");
    f.sentence_en =
        fmt::format("Manifest {} names carrier(s) {}, but {} {} it on {} with no carrier's pickup on record.",
                    m.number, carriers, m.receiver, refused ? "refused" : "received", DayText(day));
    Add(c, day, std::move(f), out);
  }
  return Status::Ok();
}

// The day the owner's storage of a lot began: its creation's, except for a
// lot returned to the producer (refused at the receiver), which was in the
// producer's store before the dispatch: the storage of the lot the
// manifest line drew on, followed back through earlier returns. A refusal
// does not start the one-year limit again. The manifest the lot came back on,
// if it was returned.
struct StorageStart {
  int64_t day = 0;
  std::string returned_on;
};

Result<StorageStart> StorageStartOf(const Ctx& c, const Lot& lot) {
  StorageStart start;
  Lot at = lot;
  for (int hops = 0; at.source.kind == "return" && hops < 64; ++hops) {
    if (start.returned_on.empty()) start.returned_on = at.source.manifest;
    WL_ASSIGN_OR_RETURN(auto m, GetManifest(c.ledger, at.source.manifest));
    if (!m || at.source.line < 1 || static_cast<size_t>(at.source.line) > m->lines.size()) break;
    const std::string& from = m->lines[static_cast<size_t>(at.source.line) - 1].lot;
    if (from.empty()) break;
    WL_ASSIGN_OR_RETURN(auto source, GetLot(c.ledger, from));
    if (!source) break;
    at = std::move(*source);
  }
  start.day = c.Day(at.source.seq);
  return start;
}

Status StorageOverdue(const Ctx& c, std::vector<Finding>& out) {
  // As of a given day, a lot holds what it holds now plus what was drawn
  // from it after that day; so lots empty now are read too.
  const bool past = !c.o.as_of.empty();
  LotFilter filter;
  filter.include_empty = past;
  WL_ASSIGN_OR_RETURN(auto lots, ListLots(c.ledger, filter));
  for (Lot& lot : lots) {
    if (!lot.hazardous || c.Day(lot.source.seq) > c.as_of_day) continue;  // not there yet that day
    WL_ASSIGN_OR_RETURN(const StorageStart start, StorageStartOf(c, lot));
    const int64_t day = start.day;
    if (c.as_of_day <= OneYearLater(day)) continue;
    if (past) {
      WL_ASSIGN_OR_RETURN(auto draws, DrawsOn(c.ledger, lot.id));
      for (const LotDraw& d : draws) {
        if (c.Day(d.seq) > c.as_of_day) lot.remaining_g += d.mass_g;
      }
    }
    if (lot.remaining_g <= 0) continue;
    Finding f =
        Make(kStorage, Severity::kSerious, lot.owner, lot.source.manifest, lot.waste, {lot.source.seq});
    if (start.returned_on.empty()) {
      f.sentence_zh =
          fmt::format("{} 的危险废物批次 {}（{}）于 {} 入账，截至 {} 贮存超过一年，仍余 {} t。", lot.owner,
                      lot.id, lot.waste, DayText(day), DayText(c.as_of_day), Tonnes(lot.remaining_g));
      f.sentence_en = fmt::format(
          "{}'s hazardous lot {} ({}), created on {}, still holds {} t as of {}: stored more than "
          "one year.",
          lot.owner, lot.id, lot.waste, DayText(day), Tonnes(lot.remaining_g), DayText(c.as_of_day));
    } else {
      f.sentence_zh = fmt::format(
          "{} 的危险废物批次 {}（{}）经联单 {} 被拒收退回，自 {} 起贮存（退回不重新计时），截至 {} "
          "贮存超过一年，仍余 {} t。",
          lot.owner, lot.id, lot.waste, start.returned_on, DayText(day), DayText(c.as_of_day),
          Tonnes(lot.remaining_g));
      f.sentence_en = fmt::format(
          "{}'s hazardous lot {} ({}), returned on manifest {}, has been in store since {} (a refusal does "
          "not restart the limit) and still holds {} t as of {}: stored more than one year.",
          lot.owner, lot.id, lot.waste, start.returned_on, DayText(day), Tonnes(lot.remaining_g),
          DayText(c.as_of_day));
    }
    Add(c, day, std::move(f), out);
  }
  return Status::Ok();
}

std::string Span(int64_t s, bool zh) {
  if (zh) return fmt::format("{} 天 {} 小时 {} 分 {} 秒", s / 86400, s / 3600 % 24, s / 60 % 60, s % 60);
  return fmt::format("{} d {} h {} min {} s", s / 86400, s / 3600 % 24, s / 60 % 60, s % 60);
}

// The waste codes and the manifest an entry of `kind` with `body` concerns:
// generate its code; dispatch its lines' codes; pickup, handover and
// receive the manifest's line codes (receive also the codes it received
// under); utilize and dispose the codes of the lots they drew and of their
// outputs; void the entry it undoes; correct that entry and its replacement.
// Codes in the order met; the first manifest met.
struct Concerns {
  std::vector<std::string> codes;
  std::string manifest;
};

Status EntryConcerns(const Ctx& c, std::string_view kind, const Json& body, Concerns& out, int depth = 0) {
  if (!body.is_object()) return Status::Ok();
  const auto add_manifest = [&](const std::string& number) -> Status {
    if (number.empty()) return Status::Ok();
    if (out.manifest.empty()) out.manifest = number;
    if (kind == "dispatch") return Status::Ok();  // its lines are in the body
    WL_ASSIGN_OR_RETURN(auto m, GetManifest(c.ledger, number));
    if (m) {
      for (const auto& l : m->lines) out.codes.push_back(l.waste);
    }
    return Status::Ok();
  };
  const auto lines = body.value("lines", Json::array());
  if (kind == "generate") {
    out.codes.push_back(body.value("waste", ""));
  } else if (kind == "dispatch" || kind == "pickup" || kind == "handover" || kind == "receive") {
    WL_RETURN_IF_ERROR(add_manifest(body.value("manifest", "")));
    for (const auto& l : lines) {
      if (l.is_object() && l.contains("waste")) out.codes.push_back(l.value("waste", ""));
    }
  } else if (kind == "utilize" || kind == "dispose") {
    for (const auto& in : body.value("inputs", Json::array())) {
      if (!in.is_object()) continue;
      WL_ASSIGN_OR_RETURN(auto lot, GetLot(c.ledger, in.value("lot", "")));
      if (lot) out.codes.push_back(lot->waste);
    }
    for (const auto& o : body.value("outputs", Json::array())) {
      if (o.is_object()) out.codes.push_back(o.value("waste", ""));
    }
  } else if ((kind == "void" || kind == "correct") && depth < 8) {
    const uint64_t target = body.value("seq", uint64_t{0});
    if (target == 0 || target >= c.entries.size()) return Status::Ok();
    WL_ASSIGN_OR_RETURN(std::string bytes, c.ledger.EntryBytes(target));
    WL_ASSIGN_OR_RETURN(ParsedEntry undone, ParseEntry(bytes));
    const std::string target_kind = undone.statement.kind;
    WL_RETURN_IF_ERROR(EntryConcerns(c, target_kind, undone.statement.json["body"], out, depth + 1));
    if (kind == "correct" && body.contains("body")) {
      // The replacement is of the kind it corrects (a correction's, of the first entry's).
      std::string replaced = target_kind;
      for (uint64_t at = target; replaced == "correct" && at < c.entries.size();) {
        WL_ASSIGN_OR_RETURN(std::string b, c.ledger.EntryBytes(at));
        WL_ASSIGN_OR_RETURN(ParsedEntry p, ParseEntry(b));
        at = p.statement.json["body"].value("seq", uint64_t{0});
        replaced = c.Entry(at).kind;
        if (at == 0) break;
      }
      WL_RETURN_IF_ERROR(EntryConcerns(c, replaced, body["body"], out, depth + 1));
    }
  }
  std::erase(out.codes, std::string());
  return Status::Ok();
}

Status LateEntry(const Ctx& c, std::vector<Finding>& out) {
  for (const auto& [seq, body] : c.late_bodies) {
    const EntryInfo& e = c.entries[seq];
    const int64_t delay = e.logged - e.stated.unix_seconds;
    Concerns concerns;
    WL_RETURN_IF_ERROR(EntryConcerns(c, e.kind, body, concerns).WithContext(fmt::format("entry {}", seq)));
    Finding f =
        Make(kLateEntry, Severity::kWarning, e.actor, concerns.manifest, JoinCodes(concerns.codes), {seq});
    const std::string when = FormatWithOffset(e.stated.unix_seconds, e.stated.offset_minutes);
    f.sentence_zh =
        fmt::format("第 {} 条记录（{}，{}）事件时间 {}，记账时间 {}，晚 {}，超过 {}。", seq, e.kind, e.actor,
                    when, FormatUtc(e.logged), Span(delay, true), Span(c.o.late_entry_seconds, true));
    f.sentence_en = fmt::format(
        "Entry {} ({} by {}) has event time {} but was logged at {}, {} later (limit {}).", seq, e.kind,
        e.actor, when, FormatUtc(e.logged), Span(delay, false), Span(c.o.late_entry_seconds, false));
    Add(c, LocalDay(e.stated, c.ledger.timezone_offset_minutes()), std::move(f), out);
  }
  return Status::Ok();
}

using RuleFn = Status (*)(const Ctx&, std::vector<Finding>&);
constexpr std::array<RuleFn, 10> kRuleFns = {
    UnconfirmedReceipt, QuantityDiscrepancy, PhantomConsumption, UnpermittedReceiver, CapacityExceeded,
    CodeMismatch,       StorageOverdue,      LateEntry,          LateConfirmation,    MissingPickup};

// ---- output ----

std::string SeqList(const std::vector<uint64_t>& seqs) { return fmt::format("{}", fmt::join(seqs, ", ")); }

std::string OrAny(const std::string& v, Lang lang) {
  if (!v.empty()) return v;
  return lang == Lang::kEn ? "any" : "不限";
}

Json OrNull(const std::string& v) { return v.empty() ? Json() : Json(v); }

}  // namespace

std::string_view SeverityName(Severity s) {
  switch (s) {
    case Severity::kInfo:
      return "info";
    case Severity::kWarning:
      return "warning";
    case Severity::kSerious:
      return "serious";
  }
  return "info";
}

Result<ReconcileReport> Reconcile(const Ledger& ledger, const WasteCatalogue& catalogue,
                                  const ReconcileOptions& options) {
  Ctx c{ledger, catalogue, options, {}, {}, 0, 0, "", {}, {}, {}, "", {}};
  WL_RETURN_IF_ERROR(ReadOptions(c));
  ReconcileReport report;
  report.options = options;
  report.as_of = c.as_of_time;
  WL_ASSIGN_OR_RETURN(report.source, DescribeLedger(ledger));
  WL_RETURN_IF_ERROR(ScanLog(c));
  WL_RETURN_IF_ERROR(LoadManifests(c));
  std::vector<Finding>& out = report.findings;
  for (RuleFn rule : kRuleFns) {
    const auto first = static_cast<std::ptrdiff_t>(out.size());
    WL_RETURN_IF_ERROR(rule(c, out));
    std::stable_sort(out.begin() + first, out.end(), [](const Finding& a, const Finding& b) {
      return std::tie(a.seqs, a.manifest, a.waste) < std::tie(b.seqs, b.manifest, b.waste);
    });
  }
  return report;
}

Document ReconcileDocument(const ReconcileReport& report, Lang lang) {
  const ReconcileOptions& options = report.options;
  Document doc;
  doc.lang = lang;
  doc.title = {"对账发现", "Reconciliation findings"};
  doc.facts = SourceFacts(report.source);
  doc.facts.push_back({{"期间", "Period"}, OrAny(options.from, lang) + " – " + OrAny(options.to, lang)});
  doc.facts.push_back({{"单位", "Party"}, OrAny(options.party, lang)});
  doc.facts.push_back({{"废物", "Waste"}, OrAny(options.waste, lang)});
  doc.facts.push_back(
      {{"数量偏差容许", "Quantity tolerance"}, FormatRatio({std::llround(options.tolerance * 1e6), kPpm})});
  // The time the time rules judged (the run's own when --as-of was not given),
  // so a saved or printed reconciliation records it.
  doc.facts.push_back({{"截至", "As of"}, report.as_of});
  Table t;
  t.id = "findings";
  t.title = {"发现", "Findings"};
  t.note = {"序号为证明该发现的账本记录。", "Seqs are the ledger entries that prove each finding."};
  t.columns = {{"rule", {"规则", "Rule"}, ColumnType::kText},
               {"severity", {"严重程度", "Severity"}, ColumnType::kText},
               {"party", {"单位", "Party"}, ColumnType::kText},
               {"manifest", {"联单", "Manifest"}, ColumnType::kText},
               {"waste", {"废物代码", "Waste"}, ColumnType::kText},
               {"seqs", {"记录序号", "Seqs"}, ColumnType::kText},
               {"sentence", {"说明", "Finding"}, ColumnType::kText}};
  for (const Finding& f : report.findings) {
    t.rows.push_back({f.rule, std::string(SeverityName(f.severity)), f.party, f.manifest, f.waste,
                      SeqList(f.seqs), lang == Lang::kEn ? f.sentence_en : f.sentence_zh});
  }
  doc.tables.push_back(std::move(t));
  return doc;
}

nlohmann::json ReconcileJson(const ReconcileReport& report) {
  const ReconcileOptions& options = report.options;
  Json list = Json::array();
  Json counts = Json::object();
  for (std::string_view rule : kRuleIds) counts[std::string(rule)] = 0;
  for (const Finding& f : report.findings) {
    list.push_back({{"rule", f.rule},
                    {"severity", std::string(SeverityName(f.severity))},
                    {"party", f.party},
                    {"manifest", f.manifest},
                    {"waste", f.waste},
                    {"seqs", f.seqs},
                    {"sentence", {{"zh", f.sentence_zh}, {"en", f.sentence_en}}}});
    counts[f.rule] = counts.value(f.rule, 0) + 1;
  }
  // The selection, as the table's and the CSV's facts give it.
  Json filters = Json::object();
  if (!options.party.empty()) filters["party"] = options.party;
  if (!options.waste.empty()) filters["waste"] = options.waste;
  return {{"report", "reconcile"},
          {"ledger", SourceJson(report.source)},
          {"period", {{"from", OrNull(options.from)}, {"to", OrNull(options.to)}}},
          {"filters", std::move(filters)},
          {"as_of", report.as_of},
          {"as_of_given", !options.as_of.empty()},
          {"tolerance_ppm", std::llround(options.tolerance * static_cast<double>(kPpm))},
          {"findings", std::move(list)},
          {"counts", std::move(counts)}};
}

}  // namespace wasteledger::reports
