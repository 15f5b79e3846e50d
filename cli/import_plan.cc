// ImportPlan: reads, maps and checks every row before the import writes
// anything (import_plan.h).
#include "import_plan.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "file_access.h"
#include "wasteledger/domain_query.h"
#include "wasteledger/domain_state.h"
#include "wasteledger/import/values.h"
#include "wasteledger/manifest_number.h"
#include "wasteledger/time_util.h"
#include "wasteledger/uscc.h"

namespace wasteledger::cli {

namespace {

constexpr size_t kHeadingSearchRows = 30;

// YYYY-MM-DD (a record's checked date) as YYYYMMDD; 0 for anything else,
// which sorts first.
uint32_t DayNumber(std::string_view date) {
  if (date.size() != 10 || date[4] != '-' || date[7] != '-') return 0;
  uint32_t n = 0;
  for (char c : date) {
    if (c == '-') continue;
    if (c < '0' || c > '9') return 0;
    n = n * 10 + static_cast<uint32_t>(c - '0');
  }
  return n;
}

// The day of the import in the ledger's timezone (YYYY-MM-DD): the latest
// date a legacy record may carry.
std::string DayOfImport(const Ledger& ledger) {
  return FormatWithOffset(NowUnixSeconds(), ledger.timezone_offset_minutes()).substr(0, 10);
}

// A regular file, in one read (a directory, or a file the OS refuses, is
// named as file_access.h says).
Result<std::string> ReadAll(const std::string& path) {
  std::error_code ec;
  const auto type = std::filesystem::status(path, ec).type();
  if (type == std::filesystem::file_type::not_found) {
    return Status::IOError(fmt::format("cannot read {}: no such file", path));
  }
  if (!ec && type != std::filesystem::file_type::regular && type != std::filesystem::file_type::directory) {
    return Status::IOError(fmt::format(
        "cannot read {}: not a regular file (an import reads each file twice, to hash it and to map it: save "
        "a pipe's output to a file first)",
        path));
  }
  return ReadWholeFile(path);
}

// A party id made from what a legacy file says: the USCC when it is a well
// formed one, else "legacy-" and 12 hex digits of the name's SHA-256.
std::string LegacyId(const import::PartyRef& ref) {
  if (!ref.uscc.empty() && CheckUscc(ref.uscc).well_formed) return ref.uscc;
  return "legacy-" + ToHex(Sha256(ref.name)).substr(0, 12);
}

// What the ledger's import rules (ledger/src/domain_import.cc) refuse about
// a schema-valid record beyond its parties and code: found here, so the line
// is a refused row and not a failed batch. Empty when fine.
std::string RecordShapeProblem(const Json& body, const std::string& latest_date) {
  const std::string type = body["record"];
  const bool moves = type == "manifest" || type == "transfer";
  if (moves && !body.contains("to")) return fmt::format("a {} record needs \"to\"", type);
  if (!moves && body.contains("to")) return fmt::format("\"to\" has no place in a {} record", type);
  if (type != "manifest") {
    for (const char* f : {"received_g", "received", "carriers", "manifest"}) {
      if (body.contains(f)) return fmt::format("\"{}\" has no place in a {} record", f, type);
    }
  }
  if (body.contains("received") != body.contains("received_g")) {
    return "\"received\" (the date) and \"received_g\" (the mass) go together";
  }
  for (const char* f : {"date", "received"}) {
    if (body.contains(f) && !IsCalendarDate(body[f].get<std::string>())) {
      return fmt::format("\"{}\": {} is not a calendar date", f, body[f].get<std::string>());
    }
    if (body.contains(f) && body[f].get<std::string>() > latest_date) {
      return fmt::format("\"{}\": {} is after the day of the import ({}): a legacy record cannot be dated in "
                         "the future",
                         f, body[f].get<std::string>(), latest_date);
    }
    if (body.contains(f) && body[f].get<std::string>() < kEarliestEventDate) {
      return fmt::format("\"{}\": {} is before {}, the earliest date a record may carry", f,
                         body[f].get<std::string>(), kEarliestEventDate);
    }
  }
  if (body.contains("received") && body["received"].get<std::string>() < body["date"].get<std::string>()) {
    return fmt::format("\"received\": received on {}, before it was transferred on {}",
                       body["received"].get<std::string>(), body["date"].get<std::string>());
  }
  return "";
}

// The file's mass columns, set up from the first row seen.
void SetUpTotals(PlannedFile& file, const std::vector<import::Mapper::ColumnMass>& masses) {
  if (!file.totals.empty()) return;
  for (const auto& m : masses) {
    ColumnTotal t;
    t.heading = m.heading;
    file.totals.push_back(std::move(t));
  }
}

// Adds a row's figures to one of the sums of each mass column.
// `sums` (when given) picks the sum of each column instead, where it holds
// one (a row whose records fared differently: one new, one already held).
void CountMasses(PlannedFile& file, const std::vector<import::Mapper::ColumnMass>& masses,
                 int64_t ColumnTotal::*sum, const std::vector<int64_t ColumnTotal::*>* sums = nullptr) {
  SetUpTotals(file, masses);
  for (size_t i = 0; i < masses.size() && i < file.totals.size(); ++i) {
    ColumnTotal& t = file.totals[i];
    int64_t ColumnTotal::*into = sums != nullptr && i < sums->size() && (*sums)[i] != nullptr ? (*sums)[i] : sum;
    if (masses[i].grams) {
      // Each figure is at most 2^53 g, but enough of them overflow. The
      // sum of all bounds every partial sum (none is negative).
      if (t.overflow || __builtin_add_overflow(t.all_g, *masses[i].grams, &t.all_g)) {
        t.overflow = true;
        continue;
      }
      t.*into += *masses[i].grams;
    } else if (masses[i].unreadable && into == &ColumnTotal::refused_g) {
      // A blank cell records nothing (0); only a figure that cannot be read
      // leaves the sum of every row unknown.
      ++t.refused_unread;
    }
  }
}

// The members (but "source") in which two record bodies differ, each with
// both values: `note (none there, "补录" here), mass_g (...)`; "" if none.
std::string MemberDifferences(const Json& there, const Json& here) {
  std::set<std::string> keys;
  for (const auto& [k, v] : here.items()) keys.insert(k);
  for (const auto& [k, v] : there.items()) keys.insert(k);
  std::string out;
  for (const auto& k : keys) {
    const bool in_there = there.contains(k), in_here = here.contains(k);
    if (k == "source" || (in_there && in_here && there[k] == here[k])) continue;
    if (!out.empty()) out += ", ";
    out += fmt::format("{} ({} there, {} here)", k, in_there ? there[k].dump() : "none",
                       in_here ? here[k].dump() : "none");
  }
  return out;
}

// The sum of ColumnTotal a record's figures count in, by where it was met.
int64_t ColumnTotal::*SumOf(ImportPlan::Met met) {
  switch (met) {
    case ImportPlan::Met::kNew:
      break;
    case ImportPlan::Met::kInLedger:
      return &ColumnTotal::held_g;
    case ImportPlan::Met::kEarlierFile:
      return &ColumnTotal::earlier_g;
    case ImportPlan::Met::kThisFile:
      return &ColumnTotal::repeated_g;
  }
  return &ColumnTotal::imported_g;
}

}  // namespace

ColumnTotal::Agrees ColumnTotal::Agreement() const {
  if (!total_g || overflow) return Agrees::kNone;
  // No overflow: every sum below is at most all_g.
  const int64_t distinct = imported_g + held_g + earlier_g;
  if (*total_g == distinct) return Agrees::kDistinct;
  if (*total_g == distinct + repeated_g) return Agrees::kWithRepeats;
  if (refused_unread == 0 && *total_g == distinct + repeated_g + refused_g) return Agrees::kAll;
  return Agrees::kNone;
}

ImportPlan::ImportPlan(const Ledger& ledger, const WasteCatalogue& catalogue, PlanOptions options)
    : ledger_(ledger), catalogue_(catalogue), options_(std::move(options)) {
  for (const auto& [id, p] : ledger_.parties()) {
    if (!p.uscc.empty()) by_uscc_.emplace(p.uscc, id);
    // The file's names are width- and space-normalised (import::Mapper): so
    // are the registered ones, or 禹州市热电（集团） would not find itself.
    by_name_.emplace(import::NormalizeText(p.name), id);
  }
}

uint64_t ImportPlan::records() const {
  uint64_t n = 0;
  for (const auto& f : files_) n += f.bodies.size();
  return n;
}

Result<std::string> ImportPlan::ResolveParty(const import::PartyRef& ref, const char* role,
                                             const std::string& where) {
  auto planned_role = [&](const std::string& id) {
    auto planned = new_parties_.find(id);
    if (planned != new_parties_.end() && planned->second.roles.insert(role).second) {
      row_party_changes_.push_back({id, role});
    }
    return id;
  };
  auto found = [&](const std::string& id) {
    if (const Party* registered = ledger_.FindParty(id); registered != nullptr) {
      WarnAboutRegistered(*registered, ref, role, where);
    }
    return planned_role(id);
  };
  if (!ref.uscc.empty()) {
    auto it = by_uscc_.find(ref.uscc);
    if (it != by_uscc_.end()) return found(it->second);
  }
  if (!ref.name.empty()) {
    auto it = by_name_.find(ref.name);
    if (it != by_name_.end()) return found(it->second);
  }
  if (ref.empty()) return Status::InvalidArgument(fmt::format("no {} given: the row names none", role));
  const std::string shown = ref.uscc.empty() ? ref.name : fmt::format("{} ({})", ref.name, ref.uscc);
  if (!options_.create_parties) {
    return Status::Refused(fmt::format(
        "unknown {} \"{}\": register it with `party add`, or import with --create-parties", role, shown));
  }
  if (ref.name.empty()) {
    return Status::Refused(fmt::format("the {} has a USCC ({}) but no name", role, ref.uscc));
  }
  NewParty p;
  p.id = LegacyId(ref);
  p.name = ref.name;
  p.uscc = CheckUscc(ref.uscc).well_formed ? ref.uscc : "";
  if (p.uscc.empty()) p.uscc_dropped = ref.uscc;
  p.roles.insert(role);
  p.first_seen = where;
  if (ledger_.FindParty(p.id) != nullptr || new_parties_.count(p.id) != 0) {
    return Status::Refused(fmt::format("the {} \"{}\" would take the id {}, which another party holds", role,
                                       shown, p.id));
  }
  if (!p.uscc.empty()) by_uscc_.emplace(p.uscc, p.id);
  by_name_.emplace(p.name, p.id);
  const std::string id = p.id;
  new_parties_.emplace(id, std::move(p));
  row_party_changes_.push_back({id, ""});
  return id;
}

std::string ImportPlan::PartyLabel(const std::string& id) const {
  if (auto planned = new_parties_.find(id); planned != new_parties_.end()) {
    return fmt::format("{} ({})", planned->second.name, id);
  }
  if (const Party* p = ledger_.FindParty(id); p != nullptr && !p->name.empty()) {
    return fmt::format("{} ({})", p->name, id);
  }
  return id;
}

void ImportPlan::WarnAboutRegistered(const Party& p, const import::PartyRef& ref, const char* role,
                                     const std::string& where) {
  auto warn = [&](std::string about, std::string line) {
    for (const auto& [a, l] : party_warnings_) {
      if (a == about) return;
    }
    party_warnings_.emplace_back(std::move(about), std::move(line));
  };
  if (!p.HasRole(role)) {
    warn(p.id + "\n" + role, fmt::format("{}: \"{}\" is registered as {} ({}) without the {} role the file gives "
                                         "it (imported all the same: legacy data is kept)",
                                         where, p.name, p.id, fmt::join(p.roles, ","), role));
  }
  if (!ref.uscc.empty() && !p.uscc.empty() && ref.uscc != p.uscc && CheckUscc(ref.uscc).well_formed) {
    warn(p.id + "\n" + ref.uscc, fmt::format("{}: \"{}\" is matched by name to {}, whose USCC is {}, but the file "
                                            "gives {}",
                                            where, ref.name, p.id, p.uscc, ref.uscc));
  }
}

std::vector<std::string> ImportPlan::party_warnings() const {
  std::vector<std::string> out;
  for (const auto& [about, line] : party_warnings_) out.push_back(line);
  return out;
}

void ImportPlan::UndoRowParties() {
  party_warnings_.resize(row_party_warnings_);
  for (auto it = row_party_changes_.rbegin(); it != row_party_changes_.rend(); ++it) {
    auto planned = new_parties_.find(it->id);
    if (planned == new_parties_.end()) continue;
    if (!it->role.empty()) {
      planned->second.roles.erase(it->role);
      continue;
    }
    const NewParty& p = planned->second;
    if (auto u = by_uscc_.find(p.uscc); !p.uscc.empty() && u != by_uscc_.end() && u->second == p.id)
      by_uscc_.erase(u);
    if (auto n = by_name_.find(p.name); n != by_name_.end() && n->second == p.id) by_name_.erase(n);
    new_parties_.erase(planned);
  }
  row_party_changes_.clear();
}

namespace {

// Appends `"key":` to the canonical text of an object opened with "{".
void AppendMemberKey(std::string& text, std::string_view key) {
  text += text.size() == 1 ? "\"" : ",\"";
  text += key;
  text += "\":";
}

// A record body's canonical text written member by member, in JCS order
// (every key of an import body is ASCII, so byte order is JCS order), once
// with "source" and once without it: the record's identity is the hash of
// the second (ImportRecordHashOfCanonical), so neither is built as a tree
// or scanned again.
class BodyText {
 public:
  // Appends `"key":` to both texts.
  void Key(std::string_view key) {
    for (std::string* t : {&full_, &bare_}) AppendMemberKey(*t, key);
  }
  Status Str(std::string_view key, std::string_view v) {
    Key(key);
    return Value(key, "is not valid UTF-8", [&](std::string& t) { return AppendCanonicalString(t, v); });
  }
  Status Int(std::string_view key, int64_t v) {
    Key(key);
    return Value(key, fmt::format("{} is beyond what a ledger integer holds (2^53-1)", v),
                 [&](std::string& t) { return AppendCanonicalInteger(t, v); });
  }
  Status Strings(std::string_view key, const std::vector<std::string>& vs) {
    Key(key);
    return Value(key, "holds text that is not valid UTF-8", [&](std::string& t) {
      t += '[';
      for (size_t i = 0; i < vs.size(); ++i) {
        if (i > 0) t += ',';
        if (!AppendCanonicalString(t, vs[i])) return false;
      }
      t += ']';
      return true;
    });
  }
  // The "source" member, given as its object's canonical text: in the full
  // text only.
  void Source(std::string_view object) {
    AppendMemberKey(full_, "source");
    full_ += object;
  }
  PlannedBody Finish(PlannedBody body) {
    full_ += '}';
    bare_ += '}';
    body.text = std::move(full_);
    body.record = Sha256(kImportRecordPrefix, bare_);
    return body;
  }

 private:
  template <typename Fn>
  Status Value(std::string_view key, std::string_view problem, Fn write) {
    for (std::string* t : {&full_, &bare_}) {
      if (!write(*t)) return Status::InvalidArgument(fmt::format("{} {}", key, problem));
    }
    return Status::Ok();
  }
  std::string full_ = "{", bare_ = "{";
};

}  // namespace

Result<PlannedBody> ImportPlan::Body(const import::Record& rec, const PlannedFile& file, import::RowError& at,
                                     int64_t repeat) {
  const std::string where = fmt::format("{} row {}", file.name, rec.row);
  PlannedBody planned;
  planned.record_type = import::RecordTypeName(rec.type);
  planned.date = rec.date;
  const bool manifest = rec.type == import::RecordType::kManifest;
  const bool moves = manifest || rec.type == import::RecordType::kTransfer;
  at.column = headings_.producer;
  at.value = rec.from.name;
  WL_ASSIGN_OR_RETURN(planned.from, ResolveParty(rec.from, "producer", where));
  if (moves) {
    at.column = headings_.receiver;
    at.value = rec.to.name;
    WL_ASSIGN_OR_RETURN(planned.to, ResolveParty(rec.to, "receiver", where));
  }
  std::vector<std::string> carriers;
  if (manifest) {
    for (const auto& c : rec.carriers) {
      at.column = headings_.carrier;
      at.value = c.name;
      WL_ASSIGN_OR_RETURN(std::string id, ResolveParty(c, "carrier", where));
      carriers.push_back(std::move(id));
    }
  }
  at.column = headings_.waste;
  at.value = rec.waste;
  WasteCodeInfo waste = catalogue_.Classify(rec.waste);
  if (waste.kind == WasteKind::kMalformed) return Status::InvalidArgument(waste.message);
  planned.waste = waste.code;
  if (manifest) planned.manifest = rec.manifest;
  // A receipt date without a received mass: received in full; a received
  // mass without a date: received on the transfer date (docs/IMPORT.md).
  const bool received = manifest && (rec.received_g || !rec.received_date.empty());

  // The members in JCS order; an empty string is left out.
  BodyText t;
  auto put = [&t](std::string_view key, const std::string& v) { return v.empty() ? Status::Ok() : t.Str(key, v); };
  if (!carriers.empty()) WL_RETURN_IF_ERROR(t.Strings("carriers", carriers));
  WL_RETURN_IF_ERROR(t.Str("date", rec.date));
  WL_RETURN_IF_ERROR(put("form", rec.form));
  WL_RETURN_IF_ERROR(t.Str("from", planned.from));
  if (!rec.hazards.empty()) WL_RETURN_IF_ERROR(t.Strings("hazards", rec.hazards));
  WL_RETURN_IF_ERROR(put("manifest", planned.manifest));
  WL_RETURN_IF_ERROR(t.Int("mass_g", rec.mass_g));
  WL_RETURN_IF_ERROR(put("method", rec.method));
  WL_RETURN_IF_ERROR(put("name", rec.waste_name));
  WL_RETURN_IF_ERROR(put("note", rec.note));
  WL_RETURN_IF_ERROR(put("packaging", rec.packaging));
  WL_RETURN_IF_ERROR(put("permit", rec.to.permit));
  if (received) {
    WL_RETURN_IF_ERROR(t.Str("received", rec.received_date.empty() ? rec.date : rec.received_date));
    WL_RETURN_IF_ERROR(t.Int("received_g", rec.received_g.value_or(rec.mass_g)));
  }
  WL_RETURN_IF_ERROR(t.Str("record", planned.record_type));
  if (repeat > 1) WL_RETURN_IF_ERROR(t.Int("repeat", repeat));
  // "source": {column?, file, row, sha256, sheet?}
  std::string source = "{";
  bool utf8 = true;
  if (!rec.column.empty()) AppendMemberKey(source, "column"), utf8 &= AppendCanonicalString(source, rec.column);
  AppendMemberKey(source, "file");
  utf8 &= AppendCanonicalString(source, file.name);
  AppendMemberKey(source, "row");
  utf8 &= AppendCanonicalInteger(source, static_cast<int64_t>(rec.row));
  AppendMemberKey(source, "sha256");
  utf8 &= AppendCanonicalString(source, file.sha256);
  if (!file.sheet.empty()) AppendMemberKey(source, "sheet"), utf8 &= AppendCanonicalString(source, file.sheet);
  source += '}';
  if (!utf8) return Status::InvalidArgument("the file's name, sheet or column is not valid UTF-8");
  t.Source(source);
  WL_RETURN_IF_ERROR(put("to", planned.to));
  WL_RETURN_IF_ERROR(t.Str("waste", planned.waste));
  return t.Finish(std::move(planned));
}

Result<PlannedBody> ImportPlan::BodyOf(const Json& body) {
  PlannedBody planned;
  WL_ASSIGN_OR_RETURN(planned.text, Canonicalize(body));
  WL_ASSIGN_OR_RETURN(planned.record, ImportRecordHashOfCanonical(planned.text));
  planned.record_type = body.value("record", "");
  planned.from = body.value("from", "");
  planned.to = body.value("to", "");
  planned.waste = body.value("waste", "");
  planned.manifest = planned.record_type == "manifest" ? body.value("manifest", "") : "";
  planned.date = body.value("date", "");
  return planned;
}

Result<bool> ImportPlan::Admit(PlannedBody body, const PlannedFile& file, uint64_t row, Fresh& fresh,
                               Met& met, uint64_t& repeats_row) {
  std::string key(AsBytes(body.record));
  // A duplicate: of an earlier row of this file or of an earlier file of
  // this run, or of a record in the ledger (remembered, so that a repeat of
  // it later in the run counts as already held).
  met = Met::kNew;
  repeats_row = 0;
  if (auto it = seen_.find(key); it != seen_.end()) {
    Origin& origin = it->second;
    if (origin.file == files_.size()) {
      met = Met::kThisFile;
      repeats_row = origin.row;
    } else {
      // The first row of this file to meet it: already held; a later row of
      // this file giving it again repeats this one (as for a file alone).
      met = origin.in_ledger ? Met::kInLedger : Met::kEarlierFile;
      origin.file = files_.size();
      origin.row = row;
    }
    return false;
  }
  bool voided = false;
  WL_ASSIGN_OR_RETURN(auto in_ledger, FindImportedRecord(ledger_, body.record, &voided));
  if (in_ledger) {
    met = Met::kInLedger;
    seen_.emplace(std::move(key), Origin{files_.size(), row, true});
    return false;
  }
  WL_RETURN_IF_ERROR(CheckManifest(body, file, file.bodies.size() + fresh.size()));
  fresh.push_back({std::move(key), std::move(body.text), DayNumber(body.date)});
  if (voided) ++reimports_;
  return true;
}

void ImportPlan::Keep(PlannedFile& file, Fresh& fresh, uint64_t row) {
  for (auto& [key, text, day] : fresh) {
    file.body_days.push_back(day);
    seen_.emplace(std::move(key), Origin{files_.size(), row, false});
    // The text grew by appending: its capacity can be twice its size, and
    // a million of them are kept until the append.
    text.shrink_to_fit();
    file.bodies.push_back(std::move(text));
    file.body_rows.push_back(row);
  }
}

void ImportPlan::CheckNumber(PlannedFile& file, uint64_t row, std::string_view number) {
  if (number.empty() || ParseManifestNumber(number).ok()) return;
  std::string why;
  if (number.find_first_not_of("0123456789") != std::string_view::npos) {
    why = "not digits only";
  } else if (number.size() != 14) {
    why = fmt::format("{} digits", number.size());
  } else if (const std::string_view year = number.substr(0, 4); year < "2000" || year > "2100") {
    why = fmt::format("year {}", year);
  } else {
    why = "serial 000000";
  }
  if (file.nonstandard.size() < PlannedFile::kNumbersListed)
    file.nonstandard.emplace_back(row, std::move(why));
  ++file.nonstandard_count;
}

// What the ledger would refuse about a manifest record, found here so the
// row goes to the errors file instead of failing a batch.
Status ImportPlan::CheckManifest(const PlannedBody& body, const PlannedFile& file, size_t body_index) {
  const std::string& number = body.manifest;
  if (body.record_type != "manifest" || number.empty()) return Status::Ok();
  const std::string &from = body.from, &to = body.to, &waste = body.waste;
  auto planned = manifests_.find(number);
  if (planned == manifests_.end()) {
    WL_ASSIGN_OR_RETURN(auto held, GetManifest(ledger_, number));
    PlannedManifest m;
    if (held) {
      if (!held->imported) {
        return Status::Refused(fmt::format("manifest {} is a live manifest in the ledger (dispatched at seq {})",
                                           number, held->dispatch_seq));
      }
      m.producer = held->producer;
      m.receiver = held->receiver;
      m.dispatch_seq = held->dispatch_seq;
      if (held->custody.size() > 1) {
        m.live_step = fmt::format("picked up by a live entry (seq {})", held->custody[1].seq);
      } else if (held->receive_seq) {
        WL_ASSIGN_OR_RETURN(std::string bytes, ledger_.EntryBytes(*held->receive_seq));
        WL_ASSIGN_OR_RETURN(ParsedEntry entry, ParseEntry(bytes));
        if (entry.statement.kind != "import") {
          m.live_step = fmt::format("received by a live entry (seq {})", *held->receive_seq);
        }
      }
      for (const auto& l : held->lines) {
        PlannedLine line;
        line.held = true;
        line.mass_g = l.mass_g;
        m.lines.emplace(l.waste, line);
      }
    } else {
      m.producer = from;
      m.receiver = to;
    }
    planned = manifests_.emplace(number, std::move(m)).first;
  }
  PlannedManifest& m = planned->second;
  if (m.producer != from || m.receiver != to) {
    return Status::Refused(fmt::format("manifest {} goes from {} to {} elsewhere, not from {} to {}", number,
                                       PartyLabel(m.producer), PartyLabel(m.receiver), PartyLabel(from),
                                       PartyLabel(to)));
  }
  PlannedLine line;
  line.file = files_.size();
  line.body = body_index;
  if (!m.live_step.empty() && m.lines.count(waste) == 0) {
    return Status::Refused(
        fmt::format("manifest {} was {}: an import cannot add a line to it", number, m.live_step));
  }
  auto [at, added] = m.lines.emplace(waste, line);
  if (added) return Status::Ok();
  // Not a duplicate (that would have been skipped), so something differs.
  const PlannedLine& first = at->second;
  constexpr std::string_view kOnce =
      "a manifest names each waste once, and a repeated row is skipped as a duplicate only when all but its "
      "row number matches";
  if (first.held) {
    // The line's own entry (the manifest's first, or a later one for
    // another waste): its body says what differs.
    WL_ASSIGN_OR_RETURN(auto held, HeldLine(number, waste, m.dispatch_seq));
    auto current = ParseStrictJson(body.text);
    if (!held || !current.ok()) {
      return Status::Refused(fmt::format(
          "manifest {} already has a line for {} in the ledger (imported with seq {}: {} g transferred) and "
          "this row differs from it in its figures or details; {}",
          number, waste, m.dispatch_seq, first.mass_g, kOnce));
    }
    const auto& [seq, there] = *held;
    std::string came_from;
    if (there.contains("source") && there["source"].is_object() && there["source"].contains("file")) {
      const Json& source = there["source"];
      came_from =
          fmt::format(", from {} row {}", source["file"].get<std::string>(), source.value("row", int64_t{0}));
    }
    const std::string receipt = there.contains("received_g")
                                    ? fmt::format("{} g received on {}", there["received_g"].get<int64_t>(),
                                                  there.value("received", ""))
                                    : std::string("not received");
    std::string differs = MemberDifferences(there, *current);
    if (differs.empty()) differs = "its figures or details";
    return Status::Refused(fmt::format(
        "manifest {} already has a line for {} in the ledger (seq {}{}: {} g transferred, {}) and "
        "this row differs from it in {}; {}",
        number, waste, seq, came_from, there.value("mass_g", int64_t{0}), receipt, differs, kOnce));
  }
  std::string where, differs;
  LineDifference(file, first.file, first.body, body.text, where, differs);
  return Status::Refused(
      fmt::format("manifest {} already has a line for {} ({}) and this row differs from it in {}; {}", number,
                  waste, where, differs, kOnce));
}

Result<std::optional<std::pair<uint64_t, Json>>> ImportPlan::HeldLine(const std::string& number,
                                                                      const std::string& waste,
                                                                      uint64_t from_seq) const {
  // No index leads from a manifest line to its entry; a manifest's lines are
  // most often imported together, so the search is short. Only a refused
  // row looks.
  for (uint64_t seq = from_seq; seq < ledger_.size(); ++seq) {
    WL_ASSIGN_OR_RETURN(std::string bytes, ledger_.EntryBytes(seq));
    if (bytes.find(number) == std::string::npos) continue;
    WL_ASSIGN_OR_RETURN(ParsedEntry entry, ParseEntry(bytes));
    if (entry.statement.kind != "import") continue;
    const Json& b = entry.statement.json["body"];
    if (b.value("record", "") != "manifest" || b.value("manifest", "") != number ||
        b.value("waste", "") != waste) {
      continue;
    }
    // A voided record is no longer the line: the one held is.
    WL_ASSIGN_OR_RETURN(Hash record, ImportRecordHash(b));
    WL_ASSIGN_OR_RETURN(auto holder, FindImportedRecord(ledger_, record));
    if (holder && *holder == seq) return std::make_optional(std::make_pair(seq, b));
  }
  return std::optional<std::pair<uint64_t, Json>>();
}

void ImportPlan::LineDifference(const PlannedFile& file, size_t file_index, size_t body_index,
                                std::string_view text, std::string& where, std::string& differs) const {
  const PlannedFile& earlier = file_index < files_.size() ? files_[file_index] : file;
  where = earlier.name;
  differs = "its figures or details";
  if (body_index >= earlier.bodies.size()) return;
  where += fmt::format(" row {}", earlier.body_rows[body_index]);
  auto parsed = ParseStrictJson(earlier.bodies[body_index]);
  auto current = ParseStrictJson(text);
  if (!parsed.ok() || !current.ok()) return;
  std::string out = MemberDifferences(*parsed, *current);
  if (!out.empty()) differs = out;
}

// JSONL: one import record a line, the body of an `import` statement
// without "source" (the import adds it: file, sha256, row = the line), its
// parties given by id. For scripts that turn any legacy source into records.
Status ImportPlan::AddJsonl(PlannedFile& file, const std::string& bytes) {
  std::string detected;
  WL_ASSIGN_OR_RETURN(std::string text, import::DecodeText(bytes, import::Encoding::kUtf8, &detected));
  file.encoding = "jsonl";
  const std::string today = DayOfImport(ledger_);
  uint64_t line_no = 0;
  size_t at = 0;
  while (at < text.size() && !over_limit()) {
    size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(at, end - at);
    at = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    ++file.rows_read;
    import::Row row;
    row.number = line_no;
    row.original = line;
    auto refuse = [&](std::string column, std::string value, std::string reason) {
      ++file.rows_refused;
      Refuse(file, row, {line_no, std::move(column), std::move(value), std::move(reason)});
    };
    auto parsed = ParseStrictJson(line);
    if (!parsed.ok()) {
      refuse("", "", parsed.status().message());
      continue;
    }
    Json body = std::move(*parsed);
    if (!body.is_object() || body.contains("source")) {
      refuse("", "", "a line must be an import record (a JSON object without \"source\": the import adds it)");
      continue;
    }
    Json source = {{"file", file.name}, {"sha256", file.sha256}, {"row", line_no}};
    body["source"] = std::move(source);
    if (options_.schemas != nullptr) {
      if (Status valid = options_.schemas->ValidateBody("import", body); !valid.ok()) {
        refuse("", "", valid.message());
        continue;
      }
    }
    if (std::string why = RecordShapeProblem(body, today); !why.empty()) {
      refuse("", "", why);
      continue;
    }
    std::string bad_party;
    for (const char* f : {"from", "to"}) {
      if (body.contains(f) && ledger_.FindParty(body[f].get<std::string>()) == nullptr) bad_party = f;
    }
    for (const auto& c : body.value("carriers", Json::array())) {
      if (ledger_.FindParty(c.get<std::string>()) == nullptr) bad_party = "carriers";
    }
    if (!bad_party.empty()) {
      refuse(bad_party, body[bad_party].dump(), "not a registered party id (JSONL records name parties by id)");
      continue;
    }
    const std::string code = body["waste"];
    WasteCodeInfo waste = catalogue_.Classify(code);
    if (waste.kind == WasteKind::kMalformed || waste.code != code) {
      refuse("waste", code, waste.kind == WasteKind::kMalformed ? waste.message : "write it as " + waste.code);
      continue;
    }
    Fresh fresh;
    Met met = Met::kNew;
    uint64_t repeats_row = 0;  // a repeated line is a duplicate, as in a manifest file
    auto planned = BodyOf(body);
    auto admitted = planned.ok() ? Admit(std::move(*planned), file, line_no, fresh, met, repeats_row)
                                 : Result<bool>(planned.status());
    if (!admitted.ok()) {
      refuse("manifest", body.value("manifest", ""), admitted.status().message());
      continue;
    }
    if (!*admitted) {
      ++file.rows_duplicate;
      continue;
    }
    ++file.rows_imported;
    if (body.value("record", "") == "manifest") CheckNumber(file, line_no, body.value("manifest", ""));
    Keep(file, fresh, line_no);
  }
  if (over_limit() && at < text.size())
    file.rows_unchecked = text.find_first_not_of(" \t\r\n", at) != std::string::npos;
  return Status::Ok();
}

void ImportPlan::Refuse(const PlannedFile& file, const import::Row& row, import::RowError error) {
  error.row = row.number;
  refused_.push_back({file.name, std::move(error), row.original});
}

Status ImportPlan::AddFile(const std::string& path) {
  PlannedFile file;
  file.path = path;
  file.name = std::filesystem::path(path).filename().string();
  WL_ASSIGN_OR_RETURN(std::string bytes, ReadAll(path));
  if (bytes.empty()) return Status::InvalidArgument(fmt::format("{}: the file is empty", file.name));
  file.sha256 = ToHex(Sha256(bytes));
  // A sheet asked for where there are none is a mistake to say, not to
  // pass over: the rows read would not be the ones the clerk meant.
  const auto no_sheets = [&](std::string_view kind) {
    return Status::InvalidArgument(fmt::format(
        "{}: --sheet {} names a worksheet, but this is a {} file (only XLSX workbooks have sheets)", file.name,
        options_.sheet, kind));
  };
  if (file.name.size() > 6 && file.name.substr(file.name.size() - 6) == ".jsonl") {
    if (!options_.sheet.empty()) return no_sheets("JSONL");
    WL_RETURN_IF_ERROR(AddJsonl(file, bytes));
    files_.push_back(std::move(file));
    return Status::Ok();
  }
  bytes.clear();
  bytes.shrink_to_fit();
  if (!spec_) {
    if (!options_.mapping_path.empty()) {
      WL_ASSIGN_OR_RETURN(std::string text, ReadAll(options_.mapping_path));
      WL_ASSIGN_OR_RETURN(spec_, import::LoadMapping(text, options_.mapping_path));
    } else {
      WL_ASSIGN_OR_RETURN(spec_, import::LoadProfile(options_.profile));
    }
  }
  auto source = import::OpenTable(path, options_.encoding, options_.sheet);
  if (!source.ok()) return source.status().WithContext(file.name);
  file.encoding = (*source)->encoding();
  file.sheet = (*source)->sheet();
  if (!options_.sheet.empty() && file.sheet.empty()) return no_sheets("CSV");
  std::vector<import::Row> first;
  import::Row row;
  while (first.size() < kHeadingSearchRows) {
    auto more = (*source)->Next(row);
    if (!more.ok()) return more.status().WithContext(file.name);
    if (!*more) break;
    first.push_back(row);
  }
  size_t heading = 0;
  auto mapper = import::Mapper::Detect(spec_, first, &heading);
  if (!mapper.ok()) {
    // Say what was read, where the reason may be there: the workbook's
    // first sheet (perhaps a hidden cover sheet), or a CSV whose separator,
    // taken from its first line, split nothing.
    std::string hint;
    if (!file.sheet.empty() && options_.sheet.empty()) {
      hint = fmt::format("; read sheet \"{}\", the workbook's first: name another with --sheet", file.sheet);
    } else if (file.sheet.empty() && !first.empty() &&
               std::all_of(first.begin(), first.end(),
                           [](const import::Row& r) { return r.cells.size() <= 1; })) {
      hint =
          "; every line read as one column: the separator (comma, tab or semicolon) is taken from the first "
          "line, so a title line above the heading hides a tab- or semicolon-separated layout: remove the "
          "title line";
    }
    if (hint.empty()) return mapper.status().WithContext(file.name);
    return Status::InvalidArgument(mapper.status().message() + hint).WithContext(file.name);
  }
  file.date1904 = (*source)->date1904();
  mapper->SetDate1904(file.date1904);
  mapper->SetLatestDate(DayOfImport(ledger_));
  mapper->SetEarliestDate(std::string(kEarliestEventDate));
  file.mapping = mapper->Describe();
  // A refusal names the column as the file heads it: what a clerk finds.
  headings_ = {mapper->HeadingOf("from.name"), mapper->HeadingOf("to.name"), mapper->HeadingOf("carrier"),
               mapper->HeadingOf("waste"), mapper->HeadingOf("manifest")};

  std::vector<import::Record> records;
  std::vector<Hash> row_keys;  // the identities of the records of the row being read
  std::vector<int64_t ColumnTotal::*> outcomes;  // where each of its records' figures count
  import::RowError error;
  size_t pending = heading + 1;
  auto next_row = [&]() -> Result<bool> {
    if (pending < first.size()) {
      row = std::move(first[pending++]);
      return true;
    }
    return (*source)->Next(row);
  };
  while (!over_limit()) {
    WL_ASSIGN_OR_RETURN(bool more, next_row());
    if (!more) break;
    ++file.rows_read;
    if ((++rows_read_ & 4095) == 0 && options_.progress) options_.progress(rows_read_);
    file.unterminated_row = row.unterminated ? row.number : 0;
    const auto outcome = mapper->Map(row, records, error);
    if (outcome == import::Mapper::Outcome::kSkip) {
      if (error.reason != import::Mapper::kTotalRow) file.unterminated_row = 0;  // nothing read from it
      ++file.rows_skipped;
      const std::string_view why = error.reason;
      PlannedFile::Skipped& by = file.skipped;
      using M = import::Mapper;
      ++(why == M::kTotalRow          ? by.total
         : why == M::kSubtotalRow     ? by.subtotal
         : why == M::kBlankRow        ? by.blank
         : why == M::kRepeatedHeading ? by.repeated_heading
         : why == M::kNoQuantity      ? by.no_quantity
                                      : by.no_values);
      if (error.reason == import::Mapper::kTotalRow) {
        file.total_row = row.number;
        const auto masses = mapper->Masses(row);
        SetUpTotals(file, masses);
        for (size_t i = 0; i < masses.size() && i < file.totals.size(); ++i) {
          file.totals[i].total_g = masses[i].grams;
          file.totals[i].total_value = masses[i].value;
          file.totals[i].total_problem = masses[i].reason;
        }
      }
      continue;
    }
    if (outcome == import::Mapper::Outcome::kError) {
      file.unterminated_row = 0;  // refused: nothing of it is imported
      ++file.rows_refused;
      Refuse(file, row, std::move(error));
      error = {};
      CountMasses(file, mapper->Masses(row), &ColumnTotal::refused_g);
      continue;
    }
    Fresh fresh;
    bool refused = false;
    uint64_t repeats_row = 0;
    row_keys.clear();
    row_party_changes_.clear();
    row_party_warnings_ = party_warnings_.size();
    outcomes.clear();
    for (const auto& rec : records) {
      import::RowError e;
      auto body = Body(rec, file, e);
      // A record with the same content as an earlier one of this row (two
      // quantity columns with one figure) is another record: numbered.
      for (int64_t repeat = 2;
           body.ok() && std::find(row_keys.begin(), row_keys.end(), body->record) != row_keys.end();
           ++repeat) {
        body = Body(rec, file, e, repeat);
      }
      Status problem = body.status();
      if (problem.ok()) {
        row_keys.push_back(body->record);
        Met met = Met::kNew;
        uint64_t record_repeats = 0;
        auto admitted = Admit(std::move(*body), file, row.number, fresh, met, record_repeats);
        if (admitted.ok()) {
          if (record_repeats != 0) repeats_row = record_repeats;
          outcomes.push_back(SumOf(met));
          continue;
        }
        problem = admitted.status();
      }
      if (body.ok()) {
        e.column = headings_.manifest;
        e.value = rec.manifest;
      }
      e.reason = problem.message();
      Refuse(file, row, std::move(e));
      refused = true;
      break;
    }
    if (refused) {
      UndoRowParties();
      file.unterminated_row = 0;
      ++file.rows_refused;
      CountMasses(file, mapper->Masses(row), &ColumnTotal::refused_g);
      continue;
    }
    // Each mass column counts where its record went: a 台账 quantity column
    // by the record it made (one new, another already held), a manifest
    // row's columns (转移量, 接受量) by its one record.
    const auto masses = mapper->Masses(row);
    std::vector<int64_t ColumnTotal::*> sums(masses.size(), outcomes.front());
    if (records.size() > 1) {
      for (size_t r = 0; r < records.size(); ++r) {
        for (size_t i = 0; i < masses.size(); ++i) {
          if (!records[r].column.empty() && masses[i].heading == records[r].column) sums[i] = outcomes[r];
        }
      }
    }
    if (fresh.empty()) {
      ++file.rows_duplicate;
      CountMasses(file, masses, outcomes.front(), &sums);
      const bool repeats_only =
          std::all_of(outcomes.begin(), outcomes.end(), [](auto o) { return o == &ColumnTotal::repeated_g; });
      if (repeats_only && repeats_row != 0 && records.front().type != import::RecordType::kManifest) {
        if (file.repeats.size() < PlannedFile::kRepeatsListed)
          file.repeats.emplace_back(row.number, repeats_row);
        ++file.repeats_count;
      }
      continue;
    }
    ++file.rows_imported;
    CountMasses(file, masses, &ColumnTotal::imported_g, &sums);
    if (records.front().type == import::RecordType::kManifest)
      CheckNumber(file, row.number, records.front().manifest);
    Keep(file, fresh, row.number);
  }
  if (over_limit()) {
    file.unterminated_row = 0;  // the file was not read to its end
    // Whether rows were left unchecked, for the message: a row that does
    // not read counts as one.
    auto more = next_row();
    file.rows_unchecked = !more.ok() || *more;
  }
  files_.push_back(std::move(file));
  return Status::Ok();
}

}  // namespace wasteledger::cli
