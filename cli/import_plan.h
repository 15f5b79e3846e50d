// The checking half of `wasteledger import`: every row of every file read,
// mapped, its parties and waste code resolved, duplicates set aside, and the
// statement body of each record built, before anything is written. The
// import command then appends the plan in sealed batches (or, with
// --dry-run, only reports it).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "wasteledger/hash.h"
#include "wasteledger/import/mapper.h"
#include "wasteledger/import/reader.h"
#include "wasteledger/ledger.h"
#include "wasteledger/schema_validator.h"
#include "wasteledger/statement.h"
#include "wasteledger/waste_code.h"

namespace wasteledger::cli {

// One refused row, as the errors file lists it.
struct RefusedRow {
  std::string file;
  import::RowError error;
  std::string original;  // the row's text as in the file (UTF-8)
};

// A party the import registers (--create-parties): keyless, legacy.
struct NewParty {
  std::string id, name, uscc;
  std::set<std::string> roles;
  std::string first_seen;  // "FILE row N", for messages
  std::string uscc_dropped;  // the file's USCC when it was not well formed (so not kept), else ""
};

// One mass column of a file: what its total row says, and the sums of the
// rows imported, of those already in the ledger, of those planned from an
// earlier file of this run, of those repeating an earlier row of this file,
// and of those refused.
struct ColumnTotal {
  std::string heading;             // as written
  std::optional<int64_t> total_g;  // the total row's figure (none: blank or unreadable)
  // The total row's cell when it cannot be read (#REF!, a formula with no
  // calculated value, text that is not a mass): as written, and why. The
  // total is then not checked, and the summary says so.
  std::string total_value, total_problem;
  int64_t imported_g = 0, held_g = 0, earlier_g = 0, repeated_g = 0, refused_g = 0;
  int64_t all_g = 0;            // every figure read, the five above together
  uint64_t refused_unread = 0;  // refused rows whose figure could not be read (a blank one is 0, not this)
  bool overflow = false;        // all_g would pass 2^63 g: nothing is compared
  enum class Agrees { kNone, kDistinct, kWithRepeats, kAll };
  // What the total equals: the file's distinct good rows (imported now, in
  // the ledger, or from an earlier file of this run); those and its repeated
  // rows; every row read, refused ones included; none of these.
  Agrees Agreement() const;
};

struct PlannedFile {
  std::string path;
  std::string name;    // the file name recorded in provenance (no directories)
  std::string sha256;  // hex, of the file's bytes
  std::string sheet;   // XLSX sheet read, or ""
  std::string encoding;
  bool date1904 = false;         // a workbook in the 1904 date system (its serials read so)
  uint64_t rows_read = 0;        // data rows after the heading
  uint64_t rows_imported = 0;    // rows with at least one new record
  uint64_t rows_duplicate = 0;   // rows whose every record is already held
  uint64_t rows_skipped = 0;     // blank, total and repeated heading rows...: by reason below
  // rows_skipped by the reason Mapper::Map gives.
  struct Skipped {
    uint64_t blank = 0;             // Mapper::kBlankRow
    uint64_t total = 0;             // Mapper::kTotalRow
    uint64_t subtotal = 0;          // Mapper::kSubtotalRow
    uint64_t repeated_heading = 0;  // Mapper::kRepeatedHeading
    uint64_t no_values = 0;         // Mapper::kNoValues (a footer such as 填表人)
    uint64_t no_quantity = 0;       // Mapper::kNoQuantity (a 台账 row)
  } skipped;
  uint64_t rows_refused = 0;
  bool rows_unchecked = false;  // the --max-errors stop left rows of the file unread
  // The import statement bodies in row order, as canonical JSON text (a
  // Json tree would hold about 4 KB a record: 4 GB for a million rows), and
  // the row each came from.
  std::vector<std::string> bodies;
  std::vector<uint64_t> body_rows;
  // Each record's date (its "date": the event, or the transfer of a
  // manifest line) as YYYYMMDD: records are appended in date order.
  std::vector<uint32_t> body_days;
  std::vector<std::string> mapping;  // Mapper::Describe()
  // The file's own total row (合计; the last, if several) against the rows
  // above it, per mass column. total_row is 0 when the file has none.
  uint64_t total_row = 0;
  std::vector<ColumnTotal> totals;
  // 台账 rows (records with no manifest number) skipped because they repeat
  // an earlier row of the same file in every column read: (row, that earlier
  // row), the first kRepeatsListed of them; repeats_count counts them all.
  static constexpr size_t kRepeatsListed = 100;
  std::vector<std::pair<uint64_t, uint64_t>> repeats;
  uint64_t repeats_count = 0;
  // Rows imported (or, with --dry-run, to be) whose manifest number is not
  // in the standard form (ParseManifestNumber: 14 digits, year 2000-2100,
  // serial not 000000), kept as written since legacy numbers vary: (row,
  // what is off: "15 digits"), the first kNumbersListed of them;
  // nonstandard_count counts them all.
  static constexpr size_t kNumbersListed = 100;
  std::vector<std::pair<uint64_t, std::string>> nonstandard;
  uint64_t nonstandard_count = 0;
  // A CSV whose last row has no line break after it, though it has every
  // column (so it was not refused as cut short): that row's number. A file
  // cut inside its last value ends so too, and reads as a smaller figure.
  uint64_t unterminated_row = 0;
};

struct PlanOptions {
  std::string profile;       // or
  std::string mapping_path;  // a mapping file
  import::Encoding encoding = import::Encoding::kAuto;
  std::string sheet;
  bool create_parties = false;
  uint64_t max_errors = 1;  // stop once this many rows are refused
  const SchemaValidator* schemas = nullptr;  // checks JSONL records
  std::function<void(uint64_t rows)> progress;  // called now and then with the rows read so far
};

// One record's statement body as planned: its canonical text, its identity
// (ImportRecordHashOfCanonical of that text) and what the manifest checks
// and the date order read.
struct PlannedBody {
  std::string text;
  Hash record{};
  std::string record_type, from, to, waste, manifest, date;  // manifest: "" unless a manifest record
};

class ImportPlan {
 public:
  ImportPlan(const Ledger& ledger, const WasteCatalogue& catalogue, PlanOptions options);

  // Where a record that is not new was met first (Admit).
  enum class Met {
    kNew,          // not met: a record to import
    kInLedger,     // in the ledger already
    kEarlierFile,  // planned from an earlier file of this run
    kThisFile,     // repeating an earlier row of the file being read
  };

  // Reads and checks one file (*.jsonl: import records, one JSON object a
  // line; anything else: a table read with the profile or mapping). A bad file (unreadable, wrong encoding, not
  // a spreadsheet, missing required columns) is an error; bad rows are
  // collected in refused(). Stops early (Ok) once the error limit is hit.
  Status AddFile(const std::string& path);

  void StopProgress() { options_.progress = nullptr; }
  bool over_limit() const { return refused_.size() >= options_.max_errors && !refused_.empty(); }
  const std::vector<PlannedFile>& files() const { return files_; }
  // Records imported before and voided since, imported again by this plan.
  uint64_t reimports() const { return reimports_; }
  const std::vector<RefusedRow>& refused() const { return refused_; }
  const std::map<std::string, NewParty>& new_parties() const { return new_parties_; }
  // Registered parties the files use in a role they do not have, or name
  // with another USCC: one line each (the first row that did).
  std::vector<std::string> party_warnings() const;
  uint64_t records() const;

 private:
  // The id of the party a file names, or a refusal for the row.
  Result<std::string> ResolveParty(const import::PartyRef& ref, const char* role, const std::string& where);
  // The statement body of one record, or a reason to refuse the row.
  // `at` names the column and value a refusal is about.
  // `repeat` (2, 3, ...) marks the n-th record of one row with the same
  // content (0: the first), so that 委托利用 50 t and 委托处置 50 t to the
  // same receiver stay two records.
  Result<PlannedBody> Body(const import::Record& rec, const PlannedFile& file, import::RowError& at,
                           int64_t repeat = 0);
  // The same for a body given whole (a JSONL record, schema-checked).
  static Result<PlannedBody> BodyOf(const Json& body);
  // `file` is the file being read (files_ gets it when it is done) and
  // `body_index` where this body will stand in file.bodies.
  Status CheckManifest(const PlannedBody& body, const PlannedFile& file, size_t body_index);
  // Where a planned manifest line came from ("FILE row N") and which of its
  // members differ from the body `text`, with both values.
  void LineDifference(const PlannedFile& file, size_t file_index, size_t body_index, std::string_view text,
                      std::string& where, std::string& differs) const;
  // The import entry holding manifest `number`'s line for `waste` in the
  // ledger, looked for from `from_seq` (the manifest's first entry) on:
  // its seq and body, or none.
  Result<std::optional<std::pair<uint64_t, Json>>> HeldLine(const std::string& number,
                                                            const std::string& waste,
                                                            uint64_t from_seq) const;
  void Refuse(const PlannedFile& file, const import::Row& row, import::RowError error);
  Status AddJsonl(PlannedFile& file, const std::string& bytes);
  // Dedupe and manifest checks of one built record: true if new (queued in
  // `fresh` as its record hash and canonical text), false if a duplicate; a
  // refusal otherwise.
  struct FreshRecord {
    std::string key, text;  // record hash, canonical body
    uint32_t day = 0;       // YYYYMMDD
  };
  using Fresh = std::vector<FreshRecord>;
  // `met` says where the record was met; `repeats_row` is the row of this
  // file it repeats (kThisFile), else 0. `row` is the row being read.
  Result<bool> Admit(PlannedBody body, const PlannedFile& file, uint64_t row, Fresh& fresh, Met& met,
                     uint64_t& repeats_row);
  void Keep(PlannedFile& file, Fresh& fresh, uint64_t row);
  // Counts a row imported with a manifest number not in the standard form.
  static void CheckNumber(PlannedFile& file, uint64_t row, std::string_view number);

  // The headings, as written in the file being read, of the columns a
  // refusal about a party, the waste code or the manifest names
  // (Mapper::HeadingOf).
  struct Headings {
    std::string producer, receiver, carrier, waste, manifest;
  };
  Headings headings_;

  const Ledger& ledger_;
  const WasteCatalogue& catalogue_;
  PlanOptions options_;
  std::shared_ptr<const import::MappingSpec> spec_;
  std::vector<PlannedFile> files_;
  std::vector<RefusedRow> refused_;
  std::map<std::string, std::string> by_uscc_, by_name_;  // -> party id
  std::map<std::string, NewParty> new_parties_;
  // What ResolveParty planned for the row being read: undone if the row is
  // refused, so that a refused row registers no party (nor a role).
  struct PartyChange {
    std::string id, role;  // role "": the party itself was planned
  };
  std::vector<PartyChange> row_party_changes_;
  // party_warnings(): (what it is about, the line), in the order met; a
  // refused row's are taken back with its other party changes.
  std::vector<std::pair<std::string, std::string>> party_warnings_;
  size_t row_party_warnings_ = 0;  // party_warnings_.size() when the row began
  void WarnAboutRegistered(const Party& p, const import::PartyRef& ref, const char* role, const std::string& where);
  void UndoRowParties();
  // "name (id)" of a party registered or planned, for messages; else the id.
  std::string PartyLabel(const std::string& id) const;
  // Record hashes planned in this run or met in the ledger: the file that
  // last met them and its row that first did. A later row of that file
  // repeating one is a repeat; the first row of a later file that does is
  // already held (in the ledger, or from an earlier file), and from then on
  // the one its own later rows repeat.
  struct Origin {
    size_t file = 0;  // index in files_ (the file being read: files_.size())
    uint64_t row = 0;
    bool in_ledger = false;  // found in the ledger, not planned by this run
  };
  std::unordered_map<std::string, Origin> seen_;
  uint64_t reimports_ = 0;
  uint64_t rows_read_ = 0;                // over all files
  // Where a manifest's line for a code is: in the ledger already, or
  // planned (files_[file], or the file being read when file ==
  // files_.size(); bodies[body]).
  struct PlannedLine {
    bool held = false;
    int64_t mass_g = 0;                  // held lines
    size_t file = 0, body = 0;           // planned lines
  };
  struct PlannedManifest {
    std::string producer, receiver;
    uint64_t dispatch_seq = 0;  // held manifests
    std::string live_step;      // a held manifest a live entry picked up or received: which, else ""

    std::map<std::string, PlannedLine> lines;  // by waste code
  };
  std::map<std::string, PlannedManifest> manifests_;  // by manifest number, this run's and those they meet
};

}  // namespace wasteledger::cli
