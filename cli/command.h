// Command: one wasteledger subcommand (osmium-tool style). Setup only
// declares options on the CLI11 app; Run does the work and returns the exit
// code. Exit codes (documented in README and `wasteledger --help`):
//   0 ok, 1 refused or failed, 2 usage, 3 verification failed, 4 ledger busy,
//   5 reconciliation findings at or above --fail-on, or an import that
//   refused some rows (within --max-errors) and found the others good:
//   imported now, already in the ledger, or importable (--dry-run).
#pragma once

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace wasteledger::cli {

enum ExitCode : int {
  kExitOk = 0,
  kExitFailed = 1,
  kExitUsage = 2,
  kExitVerifyFailed = 3,
  kExitBusy = 4,
  kExitFindings = 5,  // report reconcile --fail-on: a finding reached that severity; import: rows refused
};

class Command {
 public:
  virtual ~Command() = default;
  // Adds this command's subcommand (and its options) to `parent`; returns it.
  virtual CLI::App* Setup(CLI::App& parent) = 0;
  virtual int Run() = 0;
};

// For an option read into an unsigned integer (a seq, a count): CLI11 2.1
// reads "-1" into a uint64_t as 2^64 - 1, and a number past 2^64 - 1 as
// 2^64 - 1 too, so a sign, anything but digits, or a number that does not
// fit in 64 bits is refused here, before the conversion.
inline CLI::Validator WholeNumber() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) {
          return "must be a whole number 0 or more, not \"" + text + "\"";
        }
        const std::string digits = text.substr(std::min(text.find_first_not_of('0'), text.size()));
        const std::string max = std::to_string(UINT64_MAX);
        if (digits.size() > max.size() || (digits.size() == max.size() && digits > max)) {
          return text + " is too large (at most " + max + ")";
        }
        return {};
      },
      "");
}

// For a count that must be positive (--top, --late-after DAYS): "0" or "-3"
// is refused as "must be 1 or more[ <unit>]", anything but a whole number
// as such, and a number above `max` naming the limit, one short line each
// (CLI11's PositiveNumber printed the range up to DBL_MAX in full).
inline CLI::Validator AtLeastOne(const std::string& unit, uint64_t max) {
  return CLI::Validator(
      [unit, max](std::string& text) -> std::string {
        const std::string units = unit.empty() ? "" : " " + unit;
        const bool negative =
            text.size() > 1 && text[0] == '-' && text.find_first_not_of("0123456789", 1) == std::string::npos;
        const std::string digits = text.substr(std::min(text.find_first_not_of('0'), text.size()));
        if (negative ||
            (!text.empty() && digits.empty() && text.find_first_not_of('0') == std::string::npos)) {
          return "must be 1 or more" + units;
        }
        if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) {
          return "must be a whole number" + (unit.empty() ? "" : " of " + unit) + ", 1 or more, not \"" +
                 text + "\"";
        }
        const std::string limit = std::to_string(max);
        if (digits.size() > limit.size() || (digits.size() == limit.size() && digits > limit)) {
          return "must be at most " + limit + units;
        }
        return {};
      },
      "");
}

// For an option whose empty value would mean "not given" further on (a time,
// a party filter, a year, a file, a reason): "" or only spaces is refused,
// naming the option (CLI11 prefixes the message with it), instead of being
// read as if the option were absent. `what` says what the option needs.
inline CLI::Validator NonBlank(const std::string& what = "a value") {
  return CLI::Validator(
      [what](std::string& text) -> std::string {
        std::string rest = text;
        // U+3000 IDEOGRAPHIC SPACE counts as a space: it is what a Chinese
        // input method types for one.
        for (size_t at = rest.find("\xE3\x80\x80"); at != std::string::npos; at = rest.find("\xE3\x80\x80"))
          rest.erase(at, 3);
        if (rest.find_first_not_of(" \t\r\n") != std::string::npos) return {};
        return "needs " + what + (text.empty() ? ", not an empty value" : ", not a blank one");
      },
      "");
}

// Every command, in the order `--help` lists them.
std::vector<std::unique_ptr<Command>> AllCommands();

// Runs the whole CLI (main is a thin wrapper, tests may call it too).
int RunCli(int argc, char** argv);

}  // namespace wasteledger::cli
