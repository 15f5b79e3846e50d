// wasteledger: the command-line interface. All the work is in the
// wasteledger_cli library (one file per subcommand) over the core library.
#include "command.h"

int main(int argc, char** argv) { return wasteledger::cli::RunCli(argc, argv); }
