#include "wasteledger/thread_priority.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <thread>

namespace wasteledger {
namespace {

int MyNice() { return ::getpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid))); }

TEST_CASE("LowerThreadPriority lowers this thread and the threads it starts, not the others", "[priority]") {
  const int main_before = MyNice();
  int before = 0, after = 0, child = 0;
  std::thread t([&] {
    before = MyNice();
    LowerThreadPriority();
    after = MyNice();
    std::thread c([&] { child = MyNice(); });
    c.join();
  });
  t.join();
  CHECK(after == std::min(before + 10, 19));
  if (before < 19) CHECK(after > before);
  CHECK(child == after);
  CHECK(MyNice() == main_before);
}

}  // namespace
}  // namespace wasteledger
