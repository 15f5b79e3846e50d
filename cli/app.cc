#include <fmt/format.h>

#include <string>

#include "command.h"
#include "wasteledger/keys.h"

namespace wasteledger::cli {

// Defined in the command_*.cc files.
std::unique_ptr<Command> MakeKeygenCommand();
std::unique_ptr<Command> MakeInitCommand();
std::unique_ptr<Command> MakePartyCommand();
std::unique_ptr<Command> MakeSignCommand();
std::unique_ptr<Command> MakeSubmitCommand();
std::unique_ptr<Command> MakeExportCommand();
std::unique_ptr<Command> MakeLogCommand();
std::unique_ptr<Command> MakeShowCommand();
std::unique_ptr<Command> MakeCheckpointCommand();
std::unique_ptr<Command> MakeVerifyCommand();
std::unique_ptr<Command> MakeProveCommand();
std::unique_ptr<Command> MakeVerifyProofCommand();
std::unique_ptr<Command> MakeGenerateCommand();
std::unique_ptr<Command> MakeDispatchCommand();
std::unique_ptr<Command> MakePickupCommand();
std::unique_ptr<Command> MakeHandoverCommand();
std::unique_ptr<Command> MakeReceiveCommand();
std::unique_ptr<Command> MakeUtilizeCommand();
std::unique_ptr<Command> MakeDisposeCommand();
std::unique_ptr<Command> MakeCorrectCommand();
std::unique_ptr<Command> MakeVoidCommand();
std::unique_ptr<Command> MakeStockCommand();
std::unique_ptr<Command> MakeLotsCommand();
std::unique_ptr<Command> MakeManifestCommand();
std::unique_ptr<Command> MakeReportCommand();
std::unique_ptr<Command> MakeImportCommand();
std::unique_ptr<Command> MakeUpgradeCommand();
std::unique_ptr<Command> MakeRestoreCommand();

std::vector<std::unique_ptr<Command>> AllCommands() {
  std::vector<std::unique_ptr<Command>> all;
  all.push_back(MakeKeygenCommand());
  all.push_back(MakeInitCommand());
  all.push_back(MakePartyCommand());
  all.push_back(MakeSignCommand());
  all.push_back(MakeSubmitCommand());
  all.push_back(MakeGenerateCommand());
  all.push_back(MakeDispatchCommand());
  all.push_back(MakePickupCommand());
  all.push_back(MakeHandoverCommand());
  all.push_back(MakeReceiveCommand());
  all.push_back(MakeUtilizeCommand());
  all.push_back(MakeDisposeCommand());
  all.push_back(MakeCorrectCommand());
  all.push_back(MakeVoidCommand());
  all.push_back(MakeStockCommand());
  all.push_back(MakeLotsCommand());
  all.push_back(MakeManifestCommand());
  all.push_back(MakeReportCommand());
  all.push_back(MakeImportCommand());
  all.push_back(MakeExportCommand());
  all.push_back(MakeLogCommand());
  all.push_back(MakeShowCommand());
  all.push_back(MakeCheckpointCommand());
  all.push_back(MakeVerifyCommand());
  all.push_back(MakeProveCommand());
  all.push_back(MakeVerifyProofCommand());
  all.push_back(MakeRestoreCommand());
  all.push_back(MakeUpgradeCommand());
  return all;
}

namespace {

// After a parse error: the first word that names no command, as
// "word" or "group word", when the command line goes wrong there (CLI11 would
// only say "A subcommand is required"). Empty when the words before the
// first option all name commands.
std::string UnknownCommand(CLI::App& app, int argc, char** argv) {
  CLI::App* current = &app;
  std::string path;
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    if (word.empty() || word[0] == '-') return "";
    const auto subs = current->get_subcommands({});
    if (subs.empty()) return "";  // a command: the rest are its arguments
    CLI::App* next = nullptr;
    for (CLI::App* sub : subs) {
      if (sub->check_name(word)) next = sub;
    }
    if (next == nullptr) return path + word;
    path += word + " ";
    current = next;
  }
  return "";
}

// CLI11's own usage errors, in wasteledger's form: "wasteledger: error: "
// and one line that ends saying where to look ("(see wasteledger generate
// --help)"), as an unknown command's does. Two wordings are made plain: an option
// given twice ("--waste: At Most 1 required but received 2") and arguments
// left over, which CLI11 lists last first ("not expected: json --format").
std::string UsageMessage(const CLI::App* app, const CLI::Error& e) {
  std::string what = e.what();
  const std::string at_most = ": At Most ";
  const std::string received = " required but received ";
  const size_t a = what.find(at_most);
  const size_t r = what.find(received);
  if (a != std::string::npos && r != std::string::npos && a < r) {
    const std::string option = what.substr(0, a);
    const std::string most = what.substr(a + at_most.size(), r - a - at_most.size());
    const std::string got = what.substr(r + received.size());
    what = most == "1" ? fmt::format("{} is given {} times; give it once", option, got)
                       : fmt::format("{} takes at most {} values, not {}", option, most, got);
  } else if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::ExtrasError)) {
    // The leftovers in command-line order, when they are what CLI11 listed.
    const size_t colon = what.find(": ");
    const std::string listed = colon == std::string::npos ? "" : what.substr(colon + 2);
    std::string in_order;
    for (const auto& arg : app->remaining(true)) in_order += (in_order.empty() ? "" : " ") + arg;
    what = fmt::format("not expected: {} (an unknown option, or more values than the command takes)",
                       in_order.size() == listed.size() ? in_order : listed);
  }
  // One line, where to look at the end of it (the command that was given).
  std::string path;
  for (const CLI::App* at = app; at != nullptr;) {
    const auto parsed = at->get_subcommands();
    at = parsed.empty() ? nullptr : parsed.front();
    if (at != nullptr) path += at->get_name() + " ";
  }
  return fmt::format("wasteledger: error: {} (see wasteledger {}--help)\n", what, path);
}

}  // namespace

int RunCli(int argc, char** argv) {
  InitCrypto();
  CLI::App app{"wasteledger: a tamper-evident material-flow ledger for solid waste (无废城市)"};
  app.footer(
      "Exit codes: 0 ok, 1 refused or failed, 2 usage, 3 verification failed (tampering),\n"
      "4 ledger busy, 5 findings at or above `report reconcile --fail-on`, or an import with\n"
      "some rows refused and the others good (imported now, already in the ledger, or would be\n"
      "imported by --dry-run; every row refused is 1), 130 restore, import or submit interrupted\n"
      "(Ctrl-C, SIGTERM, SIGHUP; see their --help). Environment:\n"
      "WASTELEDGER_LEDGER and WASTELEDGER_KEY stand in for "
      "--ledger and --key; WASTELEDGER_PASSPHRASE unlocks encrypted key files;\n"
      "WASTELEDGER_DATA_DIR overrides the schemas/ directory (statement schemas, waste catalogue).\n"
      "Run `wasteledger COMMAND --help` for a command's options and an example.");
  app.require_subcommand(1);
  app.failure_message(UsageMessage);  // before the commands are added: they take it from here
  app.set_version_flag("--version", "wasteledger 0.1.0 (ledger format v1)");
  auto commands = AllCommands();
  std::vector<std::pair<CLI::App*, Command*>> subs;
  for (auto& c : commands) subs.emplace_back(c->Setup(app), c.get());
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() != 0) {
      const std::string unknown = UnknownCommand(app, argc, argv);
      if (!unknown.empty()) {
        const std::string group = unknown.substr(0, unknown.rfind(' ') + 1);
        fmt::print(stderr, "wasteledger: error: unknown command \"{}\" (see wasteledger {}--help)\n", unknown,
                   group);
        return kExitUsage;
      }
    }
    int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  }
  for (auto& [sub, command] : subs) {
    if (sub->parsed()) return command->Run();
  }
  return kExitUsage;
}

}  // namespace wasteledger::cli
