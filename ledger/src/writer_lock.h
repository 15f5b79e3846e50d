// WriterLock: at most one process appends to a ledger. An flock(2) on
// DIR/writer.lock, which the kernel releases when the holder dies, so a
// crashed writer never leaves a stale lock; the file holds the holder's pid
// for the "ledger busy" message. Not thread-safe; owned by the Ledger.
#pragma once

#include <memory>
#include <string>

#include "wasteledger/status.h"

namespace wasteledger {

class WriterLock {
 public:
  // wait=false: Status::Busy("ledger busy, held by pid N") if held.
  static Result<std::unique_ptr<WriterLock>> Acquire(const std::string& dir, bool wait);
  ~WriterLock();
  WriterLock(const WriterLock&) = delete;
  WriterLock& operator=(const WriterLock&) = delete;

 private:
  explicit WriterLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace wasteledger
