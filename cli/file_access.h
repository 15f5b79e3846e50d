// Opening the files a command reads or writes, so that every command says the
// same thing when it cannot: the path, and why (a directory, no such file,
// permission denied), rather than a vague "error reading" once a read of a
// directory fails.
#pragma once

#include <string>

#include "wasteledger/status.h"

namespace wasteledger::cli {

// Opens `path` for reading (O_RDONLY | O_CLOEXEC): the descriptor, or
// "cannot read PATH: it is a directory" / "cannot read PATH: <OS error>".
// A pipe or a device is fine. The caller closes the descriptor.
Result<int> OpenForReading(const std::string& path);

// OpenForReading, closing the descriptor again: for a caller that opens the
// file its own way (a stream) and wants the same message when it cannot.
Status CheckReadable(const std::string& path);

// The whole of `path`, failing as OpenForReading does or on a read error.
Result<std::string> ReadWholeFile(const std::string& path);

// Checks, before anything is written (a command calls it before it changes
// the ledger), that `path` can be a file to write: not a directory ("cannot
// write PATH: it is a directory"), in a directory that exists and may be
// written ("cannot write PATH: No such file or directory").
Status CheckWritablePath(const std::string& path);

// "cannot write PATH: <strerror(err)>", for a failed create, write, close or
// rename of an output file (err is the errno of the failure).
Status WriteError(const std::string& path, int err);

}  // namespace wasteledger::cli
