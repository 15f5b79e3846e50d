#include <fmt/format.h>

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

std::vector<std::unique_ptr<Command>> AllCommands() {
  std::vector<std::unique_ptr<Command>> all;
  all.push_back(MakeKeygenCommand());
  all.push_back(MakeInitCommand());
  all.push_back(MakePartyCommand());
  all.push_back(MakeSignCommand());
  all.push_back(MakeSubmitCommand());
  all.push_back(MakeExportCommand());
  all.push_back(MakeLogCommand());
  all.push_back(MakeShowCommand());
  all.push_back(MakeCheckpointCommand());
  all.push_back(MakeVerifyCommand());
  all.push_back(MakeProveCommand());
  all.push_back(MakeVerifyProofCommand());
  return all;
}

int RunCli(int argc, char** argv) {
  InitCrypto();
  CLI::App app{"wasteledger: a tamper-evident material-flow ledger for solid waste (无废城市)"};
  app.footer(
      "Exit codes: 0 ok, 1 refused or failed, 2 usage, 3 verification failed (tampering),\n"
      "4 ledger busy. Environment: WASTELEDGER_LEDGER and WASTELEDGER_KEY stand in for\n"
      "--ledger and --key; WASTELEDGER_PASSPHRASE unlocks encrypted key files.\n"
      "Run `wasteledger COMMAND --help` for a command's options and an example.");
  app.require_subcommand(1);
  app.set_version_flag("--version", "wasteledger 0.1.0 (ledger format v1)");
  auto commands = AllCommands();
  std::vector<std::pair<CLI::App*, Command*>> subs;
  for (auto& c : commands) subs.emplace_back(c->Setup(app), c.get());
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  }
  for (auto& [sub, command] : subs) {
    if (sub->parsed()) return command->Run();
  }
  return kExitUsage;
}

}  // namespace wasteledger::cli
