// wasteledger import: legacy manifests and 台账 from CSV or XLSX files, in
// sealed batches (docs/IMPORT.md). Two halves: ImportPlan reads and checks
// every row of every file first; only a plan within --max-errors is
// appended, so a bad file, or a bad row under the default limit, leaves the
// ledger exactly as it was.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <numeric>
#include <thread>

#include "common.h"
#include "file_access.h"
#include "import_plan.h"
#include "wasteledger/canonical_json.h"
#include "wasteledger/csv_field.h"
#include "wasteledger/import/values.h"
#include "wasteledger/mass.h"
#include "wasteledger/merkle.h"

namespace wasteledger::cli {
namespace {

using Clock = std::chrono::steady_clock;

// A progress line on a terminal: done of total, rate and time left.
class Progress {
 public:
  Progress(bool on, std::string what, std::string unit, uint64_t total)
      : on_(on), what_(std::move(what)), unit_(std::move(unit)), total_(total) {}
  void Update(uint64_t done) {
    if (!on_) return;
    const auto now = Clock::now();
    if (now - last_ < std::chrono::milliseconds(200) && done != total_) return;
    last_ = now;
    const double secs = std::chrono::duration<double>(now - start_).count();
    const double rate = secs > 0 ? static_cast<double>(done) / secs : 0;
    if (total_ == 0) {  // not known in advance
      fmt::print(stderr, "\r\033[K{}: {} {}, {:.0f} {}/s", what_, done, unit_, rate, unit_);
      return;
    }
    const double left = rate > 0 ? static_cast<double>(total_ - done) / rate : 0;
    fmt::print(stderr, "\r\033[K{}: {} of {} {}, {:.0f} {}/s, {:.0f} s left", what_, done, total_, unit_, rate,
               unit_, left);
  }
  ~Progress() {
    if (on_) fmt::print(stderr, "\r\033[K");
  }

 private:
  bool on_;
  std::string what_, unit_;
  uint64_t total_;
  Clock::time_point start_ = Clock::now();
  Clock::time_point last_{};
};

struct Written {
  std::vector<std::string> parties;  // ids registered
  uint64_t first_seq = 0, last_seq = 0, entries = 0;
  std::vector<uint64_t> seals;
  std::string interrupted;  // what a signal left imported and not, once it stopped the import
};

// "1 duplicate", "2 duplicates".
std::string Plural(uint64_t n, const char* what) { return fmt::format("{} {}{}", n, what, n == 1 ? "" : "s"); }

// A heading as one line of the text summary: a line break in it (a heading
// cell wrapped over two lines) shown as \n.
std::string OneLine(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r' || s[i] == '\n') {
      out += "\\n";
      if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ++i;
    } else {
      out += s[i];
    }
  }
  return out;
}

// The file's total row against its rows: a line per mass column the total
// row gives, for the text summary, and a warning for each that agrees with
// no sum of the rows (printed whatever the summary format). A file with no
// total row gets a line per mass column with its sum instead.
std::vector<std::string> TotalLines(const PlannedFile& f, bool dry_run, std::vector<std::string>& warnings) {
  std::vector<std::string> lines;
  const char* imported = dry_run ? "to be imported" : "imported";
  if (f.total_row == 0) {
    // No total row to check against: the sums themselves, so that a wrong
    // unit or column shows as a figure out of all proportion.
    for (const auto& t : f.totals) {
      if (t.overflow) {
        lines.push_back(fmt::format("{}: not summed, the rows' figures sum past 2^63 g", OneLine(t.heading)));
      } else {
        lines.push_back(fmt::format("{}: {} in the rows {} (the file has no total row to check it against)",
                                    OneLine(t.heading), FormatMass(t.imported_g), imported));
      }
    }
    return lines;
  }
  for (const auto& t : f.totals) {
    if (!t.total_problem.empty()) {
      // A total that cannot be read checks nothing: said, with the sum of
      // the rows as for a file without a total row.
      const std::string cell =
          t.total_value.empty() ? t.total_problem : fmt::format("\"{}\": {}", t.total_value, t.total_problem);
      const std::string head = fmt::format("total row {}, {}", f.total_row, OneLine(t.heading));
      const std::string sum = t.overflow
                                  ? "the rows' figures sum past 2^63 g"
                                  : fmt::format("the rows sum to {} {}", FormatMass(t.imported_g), imported);
      lines.push_back(fmt::format("{}: cannot be read ({}), so the rows are not checked against it; {}", head,
                                  cell, sum));
      warnings.push_back(
          fmt::format("{} {}: the file's total cannot be read ({}), so the rows were not checked against it "
                      "({}){}",
                      f.name, head, cell, sum,
                      // A formula never calculated says what to do; anything
                      // else in a total is a sign of a file edited after it.
                      t.total_value.empty() ? "" : ": was the file edited after its total was computed?"));
      continue;
    }
    if (!t.total_g) continue;
    const std::string head =
        fmt::format("total row {}, {}: {}", f.total_row, OneLine(t.heading), FormatMass(*t.total_g));
    switch (t.Agreement()) {
      case ColumnTotal::Agrees::kDistinct:
        lines.push_back(head + ", the sum of the file's distinct good rows (imported now or before)");
        break;
      case ColumnTotal::Agrees::kWithRepeats:
        lines.push_back(head + ", the sum of the file's good rows, repeated rows included");
        break;
      case ColumnTotal::Agrees::kAll:
        lines.push_back(head + ", the sum of every row read, refused ones included");
        break;
      case ColumnTotal::Agrees::kNone:
        if (t.overflow) {
          lines.push_back(head + ", not checked: the rows' figures sum past 2^63 g");
          break;
        }
        lines.push_back(head + ", which no sum of the rows gives (see the warning)");
        warnings.push_back(fmt::format(
            "{} {}, but the rows sum to {} {}, {} already in the ledger, {}{} repeated and {} refused{}: is "
            "the file missing rows, or is its total wrong?",
            f.name, head, FormatMass(t.imported_g), imported, FormatMass(t.held_g),
            t.earlier_g == 0 ? "" : FormatMass(t.earlier_g) + " in an earlier file of this run, ",
            FormatMass(t.repeated_g), FormatMass(t.refused_g),
            t.refused_unread == 0
                ? ""
                : fmt::format(" ({} unreadable)", Plural(t.refused_unread, "refused row"))));
        break;
    }
  }
  return lines;
}

// The rows skipped, by reason, for the summary line: "1 blank row and 1
// total row skipped"; "" when none.
std::string SkippedRows(const PlannedFile::Skipped& s) {
  std::vector<std::string> parts;
  const auto add = [&](uint64_t n, const char* one, const char* many) {
    if (n != 0) parts.push_back(fmt::format("{} {}", n, n == 1 ? one : many));
  };
  add(s.blank, "blank row", "blank rows");
  add(s.no_quantity, "row with no quantity", "rows with no quantity");
  add(s.no_values, "row with no values in the mapped columns", "rows with no values in the mapped columns");
  add(s.repeated_heading, "repeated heading row", "repeated heading rows");
  add(s.subtotal, "subtotal row", "subtotal rows");
  add(s.total, "total row", "total rows");
  if (parts.empty()) return "";
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    out += (i == 0 ? "" : i + 1 == parts.size() ? " and " : ", ") + parts[i];
  }
  return out + " skipped";
}

// A value or row of the errors file, cut after kErrorsFieldCharacters
// characters (saying how long it was): a row refused for a 60 MB cell would
// otherwise make an errors file of twice that, with cells no spreadsheet
// shows (Excel and WPS stop at 32,767 characters).
constexpr size_t kErrorsFieldCharacters = 10000;
std::string Capped(const std::string& text) {
  if (text.size() <= kErrorsFieldCharacters) return text;
  size_t chars = 0, cut = 0;
  for (; cut < text.size(); ++cut) {
    if ((static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) continue;
    if (chars++ == kErrorsFieldCharacters) break;
  }
  if (cut == text.size()) return text;
  return fmt::format("{}… ({} characters in all)", std::string_view(text).substr(0, cut),
                     import::CharacterCount(text));
}

const char* AgreementName(ColumnTotal::Agrees a) {
  switch (a) {
    case ColumnTotal::Agrees::kDistinct:
      return "distinct";
    case ColumnTotal::Agrees::kWithRepeats:
      return "with-repeats";
    case ColumnTotal::Agrees::kAll:
      return "all";
    case ColumnTotal::Agrees::kNone:
      break;
  }
  return nullptr;
}

class ImportCommand : public Command {
 public:
  CLI::App* Setup(CLI::App& parent) override {
    auto* app = parent.add_subcommand(
        "import", "Import legacy manifests or 台账 from CSV/XLSX files, sealed in batches (a regulator's key)");
    AddLedgerOption(app, &ledger_dir_);
    AddKeyOption(app, &key_path_, "The importing regulator's key file");
    auto* profile = app->add_option("--profile", profile_,
                                    "Built-in layout: cn-hw-manifest (危险废物转移联单) or cn-sw-ledger "
                                    "(一般工业固体废物台账)")
                        ->check(NonBlank("a profile name"));
    auto* mapping = app->add_option("--mapping", mapping_, "A JSON mapping file for any other layout")
                        ->check(NonBlank("a file"));
    profile->excludes(mapping);
    app->add_option("--encoding", encoding_, "Text encoding of CSV files: auto, utf-8 or gb18030")
        ->default_val("auto");
    app->add_option("--sheet", sheet_, "XLSX: the sheet to read (default: the first)")
        ->check(NonBlank("a sheet name"));
    app->add_flag("--dry-run", dry_run_, "Check everything, write nothing");
    app->add_flag("--wait", wait_, "Wait for another writer instead of failing with exit code 4");
    app->add_option("--errors", errors_path_,
                    "Write refused rows to this CSV file (file,row,column,value,reason,original)")
        ->check(NonBlank("a file"));
    app->add_option("--max-errors", max_errors_,
                    "Stop when this many rows are refused, writing nothing (0: no limit); with fewer, the "
                    "good rows are imported and the exit code is 5 (1 when no row is good)")
        ->default_val(1)
        ->check(WholeNumber());
    app->add_flag("--create-parties", create_parties_,
                  "Register companies not yet known (by USCC, else by name) as keyless legacy parties");
    app->add_option("--format", format_, "Summary format: text or json")->default_val("text");
    app->add_option("--batch", batch_, "Records per seal (one signature and one atomic write each)")
        ->default_val(4096)
        ->check(CLI::Range(1, 1000000));
    app->add_option("files", files_, "CSV or XLSX files (or *.jsonl files of import records, docs/IMPORT.md)")
        ->check(NonBlank("a file"))
        ->required();
    app->footer(
        "Every row is read and checked before anything is written. A bad file (unreadable, wrong\n"
        "encoding, missing required columns) stops the import with nothing written; so does the\n"
        "--max-errors-th refused row. Rows already in the ledger (from any file) are skipped as\n"
        "duplicates, so an import can be re-run safely. A file's own total row (合计) is checked\n"
        "against its rows, and a total no sum of the rows gives is warned of. Exit codes: 0 no row\n"
        "refused, 1 nothing written (also when every row is refused), 5 some rows refused (listed\n"
        "with --errors) and the others good: imported, already in the ledger, or, with --dry-run,\n"
        "importable, 130 interrupted (Ctrl-C, SIGTERM, SIGHUP: nothing imported while checking;\n"
        "once appending, the batches before it are in, the message says which records are not,\n"
        "and the same command again imports them).\n\n"
        "Examples:\n"
        "  wasteledger import --ledger city.ledger --key bureau.key --profile cn-hw-manifest \\\n"
        "      --create-parties --errors refused.csv --max-errors 100 联单2023.csv\n"
        "  wasteledger import --ledger city.ledger --key bureau.key --profile cn-sw-ledger \\\n"
        "      --sheet 2023年 --dry-run 台账.xlsx\n"
        "  wasteledger import --ledger city.ledger --key bureau.key --mapping our-layout.json export.csv");
    return app;
  }

  int Run() override {
    // The --errors file first: once it is known to be writable (and none of
    // the inputs), every run writes it, so that it never shows an earlier
    // run's refused rows as this one's.
    if (!errors_path_.empty()) {
      if (Status s = CheckWritablePath(errors_path_); !s.ok()) return Fail(s.WithContext("--errors"));
      // The errors file is written over: never one of the files it reports on.
      std::vector<std::string> inputs = files_;
      if (!mapping_.empty()) inputs.push_back(mapping_);
      for (const auto& in : inputs) {
        std::error_code ec;
        if (std::filesystem::equivalent(errors_path_, in, ec)) {
          return Fail(
              Status::InvalidArgument(fmt::format("--errors {}: that is an input of this import ({}); it "
                                                  "would be written over: give another file",
                                                  errors_path_, in)));
        }
      }
      write_errors_ = true;
    }
    const bool all_jsonl = std::all_of(files_.begin(), files_.end(), [](const std::string& f) {
      return f.size() > 6 && f.substr(f.size() - 6) == ".jsonl";
    });
    if (profile_.empty() && mapping_.empty() && !all_jsonl) {
      return Failed(
          Status::InvalidArgument("give --profile NAME (cn-hw-manifest, cn-sw-ledger) or --mapping FILE"));
    }
    if (format_ != "text" && format_ != "json") {
      return Failed(Status::InvalidArgument(fmt::format("--format {}: use text or json", format_)));
    }
    auto encoding = import::ParseEncoding(encoding_);
    if (!encoding.ok()) return Failed(encoding.status().WithContext("--encoding"));
    auto rules = LoadDomainRules();
    if (!rules.ok()) return Failed(rules.status());
    // Until the records are appended a signal ends the import at once
    // (nothing is written before); then the batch in hand is finished first.
    Interrupts interrupts;
    interrupts.Exit("wasteledger: error: import interrupted; nothing was imported\n");
    auto key = LoadSigningKey(key_path_);
    if (!key.ok()) return Failed(key.status());
    auto ledger = OpenLedger(ledger_dir_, dry_run_ ? Ledger::Mode::kRead : Ledger::Mode::kWrite, wait_);
    if (!ledger.ok()) return Failed(ledger.status());
    const std::string actor = key->verifier().name();
    const Party* who = (*ledger)->FindParty(actor);
    if (who == nullptr || !who->HasRole("regulator")) {
      return Failed(Status::Refused(fmt::format(
          "the key is \"{}\", which is not a regulator: only a regulator imports legacy data", actor)));
    }
    PlanOptions options;
    options.profile = profile_;
    options.mapping_path = mapping_;
    options.encoding = *encoding;
    options.sheet = sheet_;
    options.create_parties = create_parties_;
    options.max_errors = max_errors_ == 0 ? UINT64_MAX : max_errors_;
    options.schemas = (*rules)->schemas.get();
    auto checking = std::make_unique<Progress>(StderrIsTerminal(), "checking", "rows", 0);
    options.progress = [p = checking.get()](uint64_t rows) { p->Update(rows); };
    ImportPlan plan(**ledger, (*rules)->domain.catalogue(), options);
    plan_ = &plan;
    for (size_t i = 0; i < files_.size() && !plan.over_limit(); ++i) {
      if (Status s = plan.AddFile(files_[i]); !s.ok()) return Failed(s.WithContext("nothing was imported"));
    }
    plan.StopProgress();
    checking.reset();  // clears the progress line
    interrupts.Stop();      // the errors file is written whole
    write_errors_ = false;  // written here, or the failure says why not
    if (Status s = WriteErrors(plan); !s.ok()) return Fail(s);
    if (plan.over_limit()) {
      // Checking stopped at this row: what comes after it was never read.
      const RefusedRow& last = plan.refused().back();
      std::string later;
      for (size_t i = plan.files().size(); i < files_.size(); ++i) {
        later += (later.empty() ? "" : ", ") + std::filesystem::path(files_[i]).filename().string();
      }
      std::string unread;
      if (!plan.files().empty() && plan.files().back().rows_unchecked) unread = "the rows after this one";
      if (!later.empty()) {
        unread += fmt::format("{}the later file{} {}", unread.empty() ? "" : " and ",
                              files_.size() - plan.files().size() == 1 ? "" : "s", later);
      }
      if (!unread.empty()) unread = fmt::format(", and {} were not checked", unread);
      const size_t n = plan.refused().size();
      return Fail(Status::InvalidArgument(fmt::format(
          "{} row {}{}: {}; stopped after {} (--max-errors {}): nothing was imported{}{}", last.file,
          last.error.row, last.error.column.empty() ? "" : ", column " + last.error.column, last.error.reason,
          Plural(n, "refused row"), max_errors_, unread,
          errors_path_.empty() ? ""
                               : fmt::format("; the {} refused up to here {} in {}", Plural(n, "row"),
                                             n == 1 ? "is" : "are", errors_path_))));
    }
    Written written;
    if (int sig = interrupts.received(); sig != 0) {
      written.interrupted = fmt::format("import interrupted by {}; nothing was imported", SignalName(sig));
    } else if (!dry_run_) {
      if (Status s = Append(**ledger, *key, plan, interrupts, written); !s.ok()) return Fail(s);
    }
    interrupts.Off();
    if (!written.interrupted.empty()) {
      std::fflush(stdout);
      fmt::print(stderr, "wasteledger: error: {}\n", written.interrupted);
      return kExitInterrupted;
    }
    PrintSummary(plan, written);
    if (!plan.refused().empty()) {
      if (errors_path_.empty()) {
        for (const auto& r : plan.refused()) {
          Warn(fmt::format("refused {} row {}{}: {}", r.file, r.error.row,
                           r.error.column.empty() ? "" : ", column " + r.error.column, r.error.reason));
        }
      }
      // Exit 5 says the rows not refused are in (or would be): when there
      // are none, the import failed.
      return AllRefused(plan) ? kExitFailed : kExitFindings;
    }
    return kExitOk;
  }

  // Rows were refused and none was imported or found already held.
  static bool AllRefused(const ImportPlan& plan) {
    return !plan.refused().empty() &&
           std::all_of(plan.files().begin(), plan.files().end(),
                       [](const PlannedFile& f) { return f.rows_imported == 0 && f.rows_duplicate == 0; });
  }

 private:
  // A failure before the plan's errors were written: the --errors file is
  // written all the same, with the rows refused so far (often none), and
  // the message says so.
  int Failed(const Status& s) {
    if (!write_errors_) return Fail(s);
    write_errors_ = false;
    const size_t n = plan_ == nullptr ? 0 : plan_->refused().size();
    const Status written = plan_ == nullptr ? WriteErrors(nullptr) : WriteErrors(*plan_);
    std::string note;
    if (!written.ok()) {
      note = fmt::format("; {} (it may hold an earlier run's rows)", written.message());
    } else if (n == 0) {
      note = fmt::format("; {} was written with its heading line only: no row was refused before this",
                         errors_path_);
    } else {
      note = fmt::format("; the {} refused before this {} in {}", Plural(n, "row"), n == 1 ? "is" : "are",
                         errors_path_);
    }
    return Fail(WithMessage(s, s.message() + note));
  }

  // `s` with another message, its code (so its exit code) kept.
  static Status WithMessage(const Status& s, std::string message) {
    switch (s.code()) {
      case Status::Code::kRefused:
        return Status::Refused(std::move(message));
      case Status::Code::kNotFound:
        return Status::NotFound(std::move(message));
      case Status::Code::kCorruption:
        return Status::Corruption(std::move(message));
      case Status::Code::kIOError:
        return Status::IOError(std::move(message));
      case Status::Code::kBusy:
        return Status::Busy(std::move(message));
      case Status::Code::kUnauthenticated:
        return Status::Unauthenticated(std::move(message));
      default:
        return Status::InvalidArgument(std::move(message));
    }
  }

  Status WriteErrors(const ImportPlan& plan) const { return WriteErrors(&plan); }
  // The errors file: the heading line and each refused row (none without a
  // plan).
  Status WriteErrors(const ImportPlan* plan) const {
    if (errors_path_.empty()) return Status::Ok();
    std::string out = "\xEF\xBB\xBF" "file,row,column,value,reason,original\r\n";
    static const std::vector<RefusedRow> kNone;
    for (const auto& r : plan == nullptr ? kNone : plan->refused()) {
      out += fmt::format("{},{},{},{},{},{}\r\n", CsvField(r.file), r.error.row, CsvField(r.error.column),
                         CsvField(Capped(r.error.value)), CsvField(r.error.reason),
                         CsvField(Capped(r.original)));
    }
    const std::string tmp = errors_path_ + ".tmp";
    {
      std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
      f << out;
      if (!f.flush()) return Status::IOError(fmt::format("cannot write {}", tmp));
    }
    if (std::rename(tmp.c_str(), errors_path_.c_str()) != 0) {
      return Status::IOError(fmt::format("cannot write {}", errors_path_));
    }
    return Status::Ok();
  }

  static void Count(const std::vector<AppendedEntry>& appended, Written& written) {
    for (const auto& a : appended) {
      if (a.replay) continue;
      if (written.entries == 0) written.first_seq = a.seq;
      written.last_seq = a.seq;
      ++written.entries;
    }
  }
  static Status WaitPastLastEntry(const Ledger& ledger) {
    WL_ASSIGN_OR_RETURN(std::string bytes, ledger.EntryBytes(ledger.size() - 1));
    WL_ASSIGN_OR_RETURN(ParsedEntry last, ParseEntry(bytes, EntryParse::kWithoutJson));
    WL_ASSIGN_OR_RETURN(Timestamp logged, ParseRfc3339(last.header.logged));
    for (int i = 0; i < 30 && NowUnixSeconds() <= logged.unix_seconds; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return Status::Ok();
  }

  Status AppendBatch(Ledger& ledger, std::vector<Submission> subs, Written& written) const {
    WL_ASSIGN_OR_RETURN(PreparedBatch batch, ledger.Prepare(std::move(subs)));
    WL_ASSIGN_OR_RETURN(auto appended, ledger.Append(std::move(batch)));
    Count(appended, written);
    return Status::Ok();
  }

  Status Append(Ledger& ledger, const SigningKey& key, const ImportPlan& plan, const Interrupts& interrupts,
                Written& written) const {
    const int tz = ledger.timezone_offset_minutes();
    std::vector<Submission> parties;
    for (const auto& [id, p] : plan.new_parties()) {
      Json record = {{"id", p.id},
                     {"name", p.name},
                     {"uscc", p.uscc},
                     {"roles", std::vector<std::string>(p.roles.begin(), p.roles.end())},
                     {"keys", Json::array()},
                     {"permits", Json::array()}};
      WL_ASSIGN_OR_RETURN(Submission sub, SignStatement(key, "party", std::move(record), tz));
      parties.push_back(std::move(sub));
      written.parties.push_back(id);
    }
    if (!parties.empty()) {
      WL_RETURN_IF_ERROR(AppendBatch(ledger, std::move(parties), written).WithContext("registering parties"));
    }
    // A record imported and voided since is imported again by a statement
    // of a later second than the first one's (the ledger refuses the same
    // statement twice): wait out the second the last entry was logged in.
    if (plan.reimports() > 0) WL_RETURN_IF_ERROR(WaitPastLastEntry(ledger));
    const std::string now = FormatWithOffset(NowUnixSeconds(), tz);
    // Each file's records are appended in date order (the order of the rows
    // for one date): the pools then see each generation before what was
    // drawn from it later, and a batch spans few days, so it adds to few
    // aggregate keys. Batches are of consecutive records in that order.
    struct Chunk {
      const PlannedFile* file;
      const std::vector<uint32_t>* order;  // indexes into the file's records
      size_t at, end;                      // in `order`
      size_t record(size_t i) const { return (*order)[i]; }
    };
    std::vector<std::vector<uint32_t>> orders;
    orders.reserve(plan.files().size());
    std::vector<Chunk> chunks;
    for (const auto& file : plan.files()) {
      std::vector<uint32_t>& order = orders.emplace_back(file.bodies.size());
      std::iota(order.begin(), order.end(), 0u);
      std::stable_sort(order.begin(), order.end(),
                       [&](uint32_t a, uint32_t b) { return file.body_days[a] < file.body_days[b]; });
      for (size_t at = 0; at < order.size(); at += batch_) {
        chunks.push_back({&file, &order, at, std::min(order.size(), at + batch_)});
      }
    }
    // Each statement is composed as its canonical text, members in JCS
    // order (actor, body, kind, time, v) around the body's canonical text.
    std::string head = "{\"actor\":";
    if (!AppendCanonicalString(head, key.verifier().name())) {
      return Status::InvalidArgument("the key name is not valid UTF-8");
    }
    head += ",\"body\":";
    std::string tail = ",\"kind\":\"import\",\"time\":";
    if (!AppendCanonicalString(tail, now)) return Status::InvalidArgument("the import time is not valid UTF-8");
    tail += ",\"v\":1}";
    // The seal and its members, parsed and checked (Prepare): built on a
    // second thread while the previous batch is appended.
    auto build = [&](const Chunk& c) -> Result<PreparedBatch> {
      std::vector<Submission> subs(1);
      std::vector<Hash> leaves;
      std::string text;
      for (size_t i = c.at; i < c.end; ++i) {
        text.assign(head).append(c.file->bodies[c.record(i)]).append(tail);
        WL_ASSIGN_OR_RETURN(Statement statement, MakeStatementFromCanonical(text));
        leaves.push_back(HashLeaf(AsBytes(statement.hash)));
        Submission member;
        member.statement = std::move(statement);
        member.seal_index = i - c.at;
        subs.push_back(std::move(member));
      }
      Json seal = {{"count", c.end - c.at},
                   {"root", ToHex(RootFromLeafHashes(leaves))},
                   {"source", {{"file", c.file->name}, {"sha256", c.file->sha256}, {"rows", c.file->rows_read}}}};
      WL_ASSIGN_OR_RETURN(subs[0], SignStatement(key, "seal", std::move(seal), tz, now));
      // The plan built each record from checked values (and checked a JSONL
      // one against the schema): the schema check is not done twice.
      return ledger.Prepare(std::move(subs), 1, Ledger::Schemas::kTrustImportRecords);
    };
    Progress progress(StderrIsTerminal(), "importing", "records", plan.records());
    // Three stages overlap: batch k+1 is built and checked (Prepare) on a
    // second thread while batch k is applied (AppendPipelined) and batch k-1
    // is written to the store on a third. A batch counts as imported once
    // its write is known to have succeeded.
    uint64_t done = 0;
    struct Applied {
      size_t chunk;
      std::vector<AppendedEntry> entries;
      uint64_t seal_seq;
    };
    std::optional<Applied> unwritten;  // applied, its write perhaps in flight
    auto stored = [&]() {
      if (!unwritten) return;
      Count(unwritten->entries, written);
      written.seals.push_back(unwritten->seal_seq);
      done += chunks[unwritten->chunk].end - chunks[unwritten->chunk].at;
      progress.Update(done);
      unwritten.reset();
    };
    auto not_imported = [&](size_t k, const Status& s) {
      const Chunk& c = chunks[k];
      auto day = [&](size_t i) {
        const uint32_t d = c.file->body_days[c.record(i)];
        return fmt::format("{:04}-{:02}-{:02}", d / 10000, d / 100 % 100, d % 100);
      };
      return s.WithContext(fmt::format("{}: the batch of {} records dated {} to {} was not imported ({} records in "
                                       "earlier batches were)",
                                       c.file->name, c.end - c.at, day(c.at), day(c.end - 1), done));
    };
    // A failure: the write in flight (if it failed, its batch is the first
    // not imported) or batch k itself.
    auto failed = [&](size_t k, const Status& s) {
      Status w = ledger.WaitForWrites();
      if (!w.ok()) return not_imported(unwritten ? unwritten->chunk : k, w);
      stored();
      return not_imported(k, s);
    };
    std::future<Result<PreparedBatch>> next;
    // A signal: the batches appended so far are written, the others not.
    auto interrupted = [&](size_t k, int sig) -> Status {
      if (next.valid()) next.wait();
      if (Status w = ledger.WaitForWrites(); !w.ok())
        return not_imported(unwritten ? unwritten->chunk : k, w);
      stored();
      const Chunk& c = chunks[k];
      const uint32_t d = c.file->body_days[c.record(c.at)];
      written.interrupted = fmt::format(
          "import interrupted by {}: {} of {} records were imported{}{}; the rest, from the batch of {} "
          "dated "
          "{:04}-{:02}-{:02} on, were not. Run the same command again to import them (the records already in "
          "the "
          "ledger are counted as duplicates)",
          SignalName(sig), done, plan.records(),
          written.seals.empty()
              ? ""
              : fmt::format(", under {} seal{} (entries {}..{})", written.seals.size(),
                            written.seals.size() == 1 ? "" : "s", written.seals.front(), written.last_seq),
          written.parties.empty() ? "" : fmt::format(", and {} parties registered", written.parties.size()),
          c.file->name, d / 10000, d / 100 % 100, d % 100);
      return Status::Ok();
    };
    if (!chunks.empty()) next = std::async(std::launch::async, build, chunks[0]);
    for (size_t k = 0; k < chunks.size(); ++k) {
      if (int sig = interrupts.received(); sig != 0) return interrupted(k, sig);
      Result<PreparedBatch> batch = next.get();
      if (k + 1 < chunks.size()) next = std::async(std::launch::async, build, chunks[k + 1]);
      if (!batch.ok()) {
        if (next.valid()) next.wait();
        return failed(k, batch.status());
      }
      const uint64_t seal_seq = ledger.size();
      auto appended = ledger.AppendPipelined(std::move(*batch));
      if (!appended.ok()) {
        if (next.valid()) next.wait();
        return failed(k, appended.status());
      }
      // AppendPipelined waited for the previous batch's write before it
      // started this one's.
      stored();
      unwritten = Applied{k, std::move(*appended), seal_seq};
    }
    if (Status w = ledger.WaitForWrites(); !w.ok()) return not_imported(unwritten->chunk, w);
    stored();
    return Status::Ok();
  }

  // 台账 rows skipped as repeats of an earlier row of their file: maybe two
  // truckloads the file does not tell apart, so said whatever the format.
  std::string RepeatsWarning(const PlannedFile& f) const {
    constexpr size_t kShown = 5;
    const bool one = f.repeats_count == 1;
    std::string rows;
    if (one) {
      rows = fmt::format("row {} repeats row {}", f.repeats[0].first, f.repeats[0].second);
    } else {
      for (size_t i = 0; i < f.repeats.size() && i < kShown; ++i) {
        rows += fmt::format("{}{} (repeating row {})", i == 0 ? "rows " : ", ", f.repeats[i].first,
                            f.repeats[i].second);
      }
      if (f.repeats_count > kShown) rows += fmt::format(" and {} more", f.repeats_count - kShown);
      rows += " repeat an earlier row";
    }
    return fmt::format(
        "{}: {} in every column the import reads and {} skipped as {}. If {} real (two truckloads on one "
        "day), {} "
        "missing from the ledger: give each its own 备注 (its 磅单号, say) {}",
        f.name, rows, dry_run_ ? "would be" : (one ? "was" : "were"), one ? "a duplicate" : "duplicates",
        one ? "both are" : "they are",
        one ? (dry_run_ ? "the repeat would be" : "the repeat is")
            : (dry_run_ ? "the repeats would be" : "the repeats are"),
        dry_run_ ? "before importing"
                 : (one ? "and import that row on its own" : "and import those rows on their own"));
  }

  // Manifest numbers not in the standard form, imported as written: one
  // warning a file, whatever the format.
  std::string NumbersWarning(const PlannedFile& f) const {
    constexpr size_t kShown = 5;
    std::string rows;
    for (size_t i = 0; i < f.nonstandard.size() && i < kShown; ++i) {
      rows +=
          fmt::format("{}row {} ({})", i == 0 ? "" : ", ", f.nonstandard[i].first, f.nonstandard[i].second);
    }
    if (f.nonstandard_count > kShown) rows += fmt::format(" and {} more", f.nonstandard_count - kShown);
    return fmt::format(
        "{}: {} a manifest number (联单编号) not in the standard form of 14 digits (year, province, city, "
        "serial; docs/CODES.md): {}; {} as written",
        f.name, f.nonstandard_count == 1 ? "1 row has" : fmt::format("{} rows have", f.nonstandard_count),
        rows,
        dry_run_ ? (f.nonstandard_count == 1 ? "it would be imported" : "they would be imported")
                 : (f.nonstandard_count == 1 ? "it was imported" : "they were imported"));
  }

  void PrintSummary(const ImportPlan& plan, const Written& w) const {
    std::vector<std::string> warnings = plan.party_warnings();
    for (const auto& [id, p] : plan.new_parties()) {
      if (p.uscc_dropped.empty()) continue;
      warnings.push_back(fmt::format(
          "{}: \"{}\" has USCC \"{}\", which is not well formed (18 characters of the USCC alphabet): the "
          "party "
          "{} by name as {}, without a USCC",
          p.first_seen, p.name, p.uscc_dropped, dry_run_ ? "would be registered" : "is registered", id));
    }
    std::vector<std::vector<std::string>> total_lines;
    for (const auto& f : plan.files()) {
      total_lines.push_back(TotalLines(f, dry_run_, warnings));
      if (f.repeats_count != 0) warnings.push_back(RepeatsWarning(f));
      if (f.nonstandard_count != 0) warnings.push_back(NumbersWarning(f));
      if (f.unterminated_row != 0) {
        warnings.push_back(fmt::format(
            "{}: the file ends in row {} with no line break after it; if the file was cut short, that row's "
            "last value is cut too (a mass of 1500 read as 15): compare the row with the original",
            f.name, f.unterminated_row));
      }
    }
    if (format_ == "json") {
      Json files = Json::array();
      for (const auto& f : plan.files()) {
        Json j = {{"file", f.name},
                  {"path", f.path},
                  {"sha256", f.sha256},
                  {"encoding", f.encoding},
                  {"rows_read", f.rows_read},
                  {"rows_imported", f.rows_imported},
                  {"rows_duplicate", f.rows_duplicate},
                  {"rows_skipped", f.rows_skipped},
                  {"skipped",
                   {{"blank", f.skipped.blank},
                    {"total", f.skipped.total},
                    {"subtotal", f.skipped.subtotal},
                    {"repeated_heading", f.skipped.repeated_heading},
                    {"no_values", f.skipped.no_values},
                    {"no_quantity", f.skipped.no_quantity}}},
                  {"rows_refused", f.rows_refused},
                  {"records", f.bodies.size()},
                  {"columns", f.mapping}};
        if (!f.sheet.empty()) j["sheet"] = f.sheet;
        if (f.date1904) j["date_system"] = "1904";
        if (f.unterminated_row != 0) j["unterminated_row"] = f.unterminated_row;
        Json numbers = Json::array();
        for (const auto& [row, why] : f.nonstandard) numbers.push_back({{"row", row}, {"why", why}});
        j["nonstandard_manifest_numbers"] = {{"count", f.nonstandard_count}, {"first", std::move(numbers)}};
        if (f.repeats_count != 0) {
          Json repeats = Json::array();
          for (const auto& [row, of] : f.repeats) repeats.push_back({{"row", row}, {"repeats_row", of}});
          j["repeated_rows"] = {{"count", f.repeats_count}, {"first", std::move(repeats)}};
        }
        Json masses = Json::array();
        for (const auto& t : f.totals) {
          masses.push_back({{"heading", t.heading},
                            {"imported_g", t.imported_g},
                            {"held_g", t.held_g},
                            {"earlier_file_g", t.earlier_g},
                            {"repeated_g", t.repeated_g},
                            {"refused_g", t.refused_g}});
          if (t.overflow) masses.back()["overflow"] = true;
        }
        j["masses"] = std::move(masses);
        if (f.total_row != 0) {
          Json columns = Json::array();
          for (const auto& t : f.totals) {
            if (!t.total_g) continue;
            const char* agrees = AgreementName(t.Agreement());
            columns.push_back({{"heading", t.heading},
                               {"total_g", *t.total_g},
                               {"imported_g", t.imported_g},
                               {"held_g", t.held_g},
                               {"earlier_file_g", t.earlier_g},
                               {"repeated_g", t.repeated_g},
                               {"refused_g", t.refused_g},
                               {"refused_unreadable", t.refused_unread},
                               {"agrees_with", agrees == nullptr ? Json() : Json(agrees)}});
            if (t.overflow) columns.back()["overflow"] = true;
          }
          Json unreadable = Json::array();
          for (const auto& t : f.totals) {
            if (t.total_problem.empty()) continue;
            unreadable.push_back(
                {{"heading", t.heading}, {"value", t.total_value}, {"reason", t.total_problem}});
          }
          j["total_row"] = {
              {"row", f.total_row}, {"columns", std::move(columns)}, {"unreadable", std::move(unreadable)}};
        }
        files.push_back(std::move(j));
      }
      Json out = {{"dry_run", dry_run_},
                  {"files", files},
                  {"records", plan.records()},
                  {"rows_refused", plan.refused().size()},
                  {"parties_created", Json::array()},
                  {"seals", w.seals},
                  {"entries", w.entries}};
      for (const auto& [id, p] : plan.new_parties()) out["parties_created"].push_back(id);
      if (w.entries > 0) out["seq"] = {{"first", w.first_seq}, {"last", w.last_seq}};
      if (!errors_path_.empty()) out["errors_file"] = errors_path_;
      fmt::print("{}\n", out.dump());
      for (const auto& warning : warnings) Warn(warning);
      return;
    }
    for (size_t i = 0; i < plan.files().size(); ++i) {
      const PlannedFile& f = plan.files()[i];
      const std::string skipped = SkippedRows(f.skipped);
      fmt::print("{} ({}{}{}): {} read: {} {}, {} skipped, {}{} refused\n", f.name, f.encoding,
                 f.date1904 ? ", 1904 date system" : "", f.sheet.empty() ? "" : ", sheet " + f.sheet,
                 Plural(f.rows_read, "row"), f.rows_imported, dry_run_ ? "would be imported" : "imported",
                 Plural(f.rows_duplicate, "duplicate"), skipped.empty() ? "" : skipped + ", ",
                 f.rows_refused);
      for (const auto& line : total_lines[i]) fmt::print("  {}\n", line);
      // A dry run shows how each heading was read, units included: a sheet
      // in kilograms with no unit anywhere shows "(t, default)" here.
      if (dry_run_ && !f.mapping.empty()) {
        fmt::print("  columns:\n");
        for (const auto& line : f.mapping) fmt::print("    {}\n", OneLine(line));
      }
    }
    for (const auto& warning : warnings) Warn(warning);
    const auto& created = plan.new_parties();
    if (AllRefused(plan)) {
      fmt::print("nothing {}imported: every row read was refused ({})\n", dry_run_ ? "would be " : "",
                 plan.refused().size());
    } else if (dry_run_) {
      fmt::print("dry run: {} records would be imported and {} parties registered; nothing was written\n",
                 plan.records(), created.size());
      for (const auto& [id, p] : created) fmt::print("  would register {} {} as {}\n", id, p.name, fmt::join(p.roles, ","));
    } else if (w.entries == 0) {
      fmt::print("nothing new to import\n");
    } else {
      fmt::print("imported {} records under {} seal{}: entries {}..{}; {} parties registered\n", plan.records(),
                 w.seals.size(), w.seals.size() == 1 ? "" : "s", w.first_seq, w.last_seq, w.parties.size());
    }
    if (!plan.refused().empty() && !errors_path_.empty()) {
      fmt::print("{} refused rows are in {}\n", plan.refused().size(), errors_path_);
    }
  }

  std::string ledger_dir_, key_path_, profile_, mapping_, encoding_, sheet_, errors_path_, format_;
  bool dry_run_ = false, create_parties_ = false, wait_ = false;
  bool write_errors_ = false;         // a failure now writes the --errors file (Failed)
  const ImportPlan* plan_ = nullptr;  // the plan being made, for Failed
  uint64_t max_errors_ = 1;
  size_t batch_ = 4096;
  std::vector<std::string> files_;
};

}  // namespace

std::unique_ptr<Command> MakeImportCommand() { return std::make_unique<ImportCommand>(); }

}  // namespace wasteledger::cli
