#include "wasteledger/thread_priority.h"

#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#endif

namespace wasteledger {

void LowerThreadPriority() {
#ifdef __linux__
  // On Linux the nice value belongs to the thread (a PRIO_PROCESS "who" of
  // a thread ID), and new threads inherit their creator's.
  const auto tid = static_cast<id_t>(::syscall(SYS_gettid));
  errno = 0;
  const int now = ::getpriority(PRIO_PROCESS, tid);
  if (now == -1 && errno != 0) return;
  (void)::setpriority(PRIO_PROCESS, tid, std::min(now + 10, 19));
#endif
}

}  // namespace wasteledger
