// wasteledger export: the ledger as JSONL, each line exactly the stored
// entry bytes (what outside verifiers read).
#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "common.h"
#include "file_access.h"

namespace wasteledger::cli {
namespace {

class ExportCommand : public Command {
 public:
  CLI::App* Setup(CLI::App& parent) override {
    auto* app = parent.add_subcommand("export", "Write entries as JSONL, byte for byte as stored");
    AddLedgerOption(app, &dir_);
    app->add_option("--from", from_, "First seq (default 0)")->check(WholeNumber());
    app->add_option("--to", to_, "Last seq, inclusive (default: the last entry)")->check(WholeNumber());
    app->add_option("--out", out_, "Output file (default: stdout)")->check(NonBlank("a file"));
    app->footer(
        "Example:\n"
        "  wasteledger export --ledger city.ledger --out city-2026.jsonl\n"
        "  wasteledger export --ledger city.ledger --from 100 --to 199");
    return app;
  }

  int Run() override {
    if (!out_.empty()) {
      if (Status s = CheckWritablePath(out_); !s.ok()) return Fail(s.WithContext("--out"));
    }
    auto ledger = OpenLedger(dir_, Ledger::Mode::kRead);
    if (!ledger.ok()) return Fail(ledger.status());
    const uint64_t size = (*ledger)->size();
    uint64_t to = to_ ? *to_ : size - 1;
    if (to_ && from_ > *to_) {
      return Fail(Status::InvalidArgument(fmt::format("--from {} is after --to {}", from_, *to_)));
    }
    if (from_ >= size || to >= size || from_ > to) {
      return Fail(Status::InvalidArgument(
          fmt::format("--from {} --to {} is outside the ledger (seq 0..{})", from_, to, size - 1)));
    }
    FILE* out = stdout;
    std::string tmp;
    if (!out_.empty()) {
      tmp = out_ + ".partial";
      out = std::fopen(tmp.c_str(), "wb");
      if (!out) return Fail(WriteError(out_, errno).WithContext("--out"));
    }
    bool write_ok = true;
    int write_errno = 0;  // of the first failed write, close or rename
    auto failed = [&](bool ok) {
      if (!ok && write_ok) write_errno = errno;
      write_ok = write_ok && ok;
    };
    Status s = (*ledger)->ScanEntries(from_, to + 1, [&](uint64_t, std::string_view bytes) {
      failed(std::fwrite(bytes.data(), 1, bytes.size(), out) == bytes.size() && std::fputc('\n', out) != EOF);
      return write_ok;
    });
    if (out != stdout) {
      failed(std::fclose(out) == 0);
      if (s.ok() && write_ok) failed(std::rename(tmp.c_str(), out_.c_str()) == 0);
      if (!s.ok() || !write_ok) std::remove(tmp.c_str());
    } else {
      failed(std::fflush(stdout) == 0);
    }
    if (!s.ok()) return Fail(s);
    if (!write_ok) {
      if (out_.empty())
        return Fail(Status::IOError(
            fmt::format("writing the export to stdout failed: {}", std::strerror(write_errno))));
      return Fail(WriteError(out_, write_errno).WithContext("--out"));
    }
    return kExitOk;
  }

 private:
  std::string dir_, out_;
  uint64_t from_ = 0;
  std::optional<uint64_t> to_;
};

}  // namespace

std::unique_ptr<Command> MakeExportCommand() { return std::make_unique<ExportCommand>(); }

}  // namespace wasteledger::cli
