#include "file_access.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace wasteledger::cli {
namespace {

Status ReadError(const std::string& path, int err) {
  if (err == EISDIR) return Status::IOError(fmt::format("cannot read {}: it is a directory", path));
  return Status::IOError(fmt::format("cannot read {}: {}", path, std::strerror(err)));
}

}  // namespace

Result<int> OpenForReading(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ReadError(path, errno);
  // Linux opens a directory for reading; only the first read fails.
  struct stat st;
  int err = 0;
  if (::fstat(fd, &st) != 0) {
    err = errno;
  } else if (S_ISDIR(st.st_mode)) {
    err = EISDIR;
  }
  if (err != 0) {
    ::close(fd);
    return ReadError(path, err);
  }
  return fd;
}

Status CheckReadable(const std::string& path) {
  WL_ASSIGN_OR_RETURN(const int fd, OpenForReading(path));
  ::close(fd);
  return Status::Ok();
}

Result<std::string> ReadWholeFile(const std::string& path) {
  WL_ASSIGN_OR_RETURN(const int fd, OpenForReading(path));
  std::string bytes;
  // A regular file is read into one allocation of its size (an import reads
  // files of hundreds of megabytes); a pipe grows as it comes.
  struct stat st;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) bytes.reserve(static_cast<size_t>(st.st_size));
  char buf[1 << 16];
  for (;;) {
    const ssize_t got = ::read(fd, buf, sizeof buf);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      const int err = errno;
      ::close(fd);
      return ReadError(path, err);
    }
    if (got == 0) break;
    bytes.append(buf, static_cast<size_t>(got));
  }
  ::close(fd);
  return bytes;
}

Status CheckWritablePath(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return WriteError(path, EISDIR);
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  const std::string dir = parent.empty() ? std::string(".") : parent.string();
  if (::access(dir.c_str(), W_OK | X_OK) != 0) return WriteError(path, errno);
  return Status::Ok();
}

Status WriteError(const std::string& path, int err) {
  if (err == EISDIR) return Status::IOError(fmt::format("cannot write {}: it is a directory", path));
  return Status::IOError(fmt::format("cannot write {}: {}", path, std::strerror(err)));
}

}  // namespace wasteledger::cli
