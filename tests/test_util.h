// Shared test helpers: a temporary directory per test, file reading, and
// (for CLI tests) running the real wasteledger binary.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace wasteledger::testing {

// Creates a fresh directory under $TMPDIR; removes it (recursively) on
// destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

std::string ReadFile(const std::string& path);
void WriteFile(const std::string& path, const std::string& contents);
// Path of a file under ../shared/data.
std::string SharedData(const std::string& relative);

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `argv` (argv[0] is the program) with `input` on stdin and the given
// extra environment ("NAME=value"), capturing stdout and stderr.
RunResult Run(const std::vector<std::string>& argv, const std::string& input = "",
              const std::vector<std::string>& env = {});

}  // namespace wasteledger::testing
