// Helpers shared by the subcommands: the --ledger and --key options with
// their environment fallbacks, loading keys (passphrase from
// WASTELEDGER_PASSPHRASE or the terminal), reading input lines, and turning a
// Status into one line on stderr plus an exit code.
#pragma once

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <functional>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "command.h"
#include "wasteledger/domain_state.h"
#include "wasteledger/keys.h"
#include "wasteledger/ledger.h"
#include "wasteledger/mass.h"
#include "wasteledger/schema_validator.h"
#include "wasteledger/statement.h"
#include "wasteledger/status.h"
#include "wasteledger/waste_code.h"

namespace wasteledger::cli {

// --ledger DIR (env WASTELEDGER_LEDGER).
CLI::Option* AddLedgerOption(CLI::App* app, std::string* dir);
// --key FILE (env WASTELEDGER_KEY).
CLI::Option* AddKeyOption(CLI::App* app, std::string* path, const std::string& what);

// A waste code as typed with a Chinese input method: full-width forms
// (U+FF01..U+FF5E, ９００－０４１－４９) and U+3000 folded to ASCII, as the
// importers fold a cell (import::NormalizeText) and the mass parser a mass.
std::string FoldWasteCode(std::string_view text);
// The same as a CLI11 transform, for an option whose whole value is a code.
CLI::Validator FoldedWasteCode();

// What a --waste filter selects (lots, the reports): a waste code in its
// normal form ("90004149" -> "900-041-49"), or a whole category that exists
// (HW49, SW02, S07, CW01).
struct WasteFilter {
  std::string code;      // set for a code
  std::string category;  // else set for a category
  bool Matches(const WasteCatalogue& catalogue, const std::string& waste_code) const;
};
// Reads a --waste filter (already folded, FoldedWasteCode). A malformed code
// or a category that does not exist is refused naming the option: a filter
// that can match nothing would print an empty list as if nothing were held.
Result<WasteFilter> WasteFilterArg(const WasteCatalogue& catalogue, const std::string& text);

// The --format text|json and --unit t|kg|g options of the read-only views
// (stock, lots, manifest show and list); json is always in grams.
void AddViewOptions(CLI::App* app, std::string* format, std::string* unit);
// The mass unit of a --unit value (t, kg or g).
MassUnit ViewUnit(const std::string& unit);

// Prints "wasteledger: error: <message>" and returns the exit code for it.
// The message is one line: control characters in it (from a value it
// quotes) are shown escaped (Shown, text_table.h); so is a warning's.
int Fail(const Status& status);
int ExitCodeFor(const Status& status);
void Warn(const std::string& message);

// Reads a passphrase: WASTELEDGER_PASSPHRASE, else a no-echo prompt on the
// terminal; fails when neither is available.
Result<std::string> ReadPassphrase(const std::string& prompt);
Result<SigningKey> LoadSigningKey(const std::string& path);

// The domain rules every writing command appends under: the statement
// schemas and the waste catalogue (from WASTELEDGER_DATA_DIR, default the
// sources' schemas/), and the DomainState built on them.
struct DomainRules {
  DomainRules(std::unique_ptr<SchemaValidator> s, WasteCatalogue c)
      : schemas(std::move(s)), domain(std::move(c)) {}
  std::unique_ptr<SchemaValidator> schemas;
  DomainState domain;
};
// Loaded on first use and kept for the life of the process.
Result<DomainRules*> LoadDomainRules();
// Prints the warnings of the last append (unlisted codes, capacity exceeded).
void PrintDomainWarnings();

// Opens the ledger for writing (with --wait semantics, under the domain
// rules) or reading. Every command that writes has --wait: a busy ledger
// without it is refused with WithWaitHint. `restoring`: the restore opening
// the ledger it writes (Ledger::Open).
Result<std::unique_ptr<Ledger>> OpenLedger(const std::string& dir, Ledger::Mode mode, bool wait = false,
                                           bool restoring = false);

// A busy ledger's refusal ("ledger busy, held by pid N") with the way out:
// "; run again with --wait to wait until it is free". Other statuses as given.
Status WithWaitHint(const Status& s);

// Builds the statement {"v":1,"kind","actor","time","body"} with time = now
// in the ledger's timezone (or `time` if given), signs it with `key`.
Result<Submission> SignStatement(const SigningKey& key, const std::string& kind, Json body,
                                 int timezone_minutes, const std::string& time = "");

// A refusal of a one-statement append: without the "line 1: " that says
// nothing to the user; busy and corruption keep their codes (and exit codes),
// anything else is a refusal.
Status OneStatement(const Status& s);

// Appends one signed statement and prints "seq N" (or the existing seq).
int AppendOne(Ledger& ledger, const Submission& sub, bool quiet = false);

// Reads the lines of FILE, or stdin for "-" or "". Calls fn(line_no, line)
// for each non-empty line; stops early when fn returns false. A UTF-8
// byte-order mark before the first line (an editor's) is skipped.
Status ForEachInputLine(const std::string& path, const std::function<bool(uint64_t, std::string&)>& fn);

// The UTF-8 byte-order mark some editors put at the start of a text file.
inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
// Removes a byte-order mark from the start of `line` (the first line of a
// file of statements the user wrote).
void SkipBom(std::string& line);
// An export is the stored bytes: a byte-order mark (an editor's) at the
// start of `in` is named, not skipped. The problem, or nothing; `in` is
// left at its start.
std::optional<std::string> ExportBomProblem(std::istream& in);

bool StderrIsTerminal();

// Exit code of a command cut short by Ctrl-C, SIGTERM or SIGHUP.
inline constexpr int kExitInterrupted = 130;  // 128 + SIGINT, as a shell reports it

// "Ctrl-C (SIGINT)", "SIGTERM", "SIGHUP".
std::string SignalName(int sig);

// Handles SIGINT, SIGTERM and SIGHUP while it lives (their default action
// again after; one at a time). Off: a signal acts as if not handled. Exit:
// the handler runs `undo` (async-signal-safe calls only), writes `message`
// (a string literal) to stderr and exits 130 at once, for a phase in which
// nothing needs finishing. Stop: the handler only records the signal, and
// the command stops where what it wrote is whole (received()).
class Interrupts {
 public:
  Interrupts();
  ~Interrupts();
  Interrupts(const Interrupts&) = delete;
  Interrupts& operator=(const Interrupts&) = delete;
  void Off();
  void Exit(const char* message, void (*undo)() = nullptr);
  void Stop();
  // The signal received in Stop, or 0.
  int received() const;
  // The three signals held (delivered at Release): for a change of state
  // that must not be cut in the middle.
  void Hold();
  void Release();

 private:
  sigset_t before_{};
};

}  // namespace wasteledger::cli
