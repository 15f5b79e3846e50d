// wasteledger submit: appends signed submissions. The next batch is read and
// its signatures checked (in parallel) while the current one is appended in
// order; each batch is one atomic, synced write. A batch is appended as soon
// as it is full or the input stalls, so a live feed (`submit -` on a pipe)
// is committed as it arrives rather than when the input ends.
#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <future>

#include "common.h"
#include "file_access.h"
#include "wasteledger/thread_priority.h"

namespace wasteledger::cli {
namespace {

struct Chunk {
  std::vector<std::string> lines;
  std::vector<uint64_t> numbers;
};

// Reads input lines from a file descriptor, a chunk at a time, on submit's
// reader thread. A chunk ends after `batch` lines, at the end of the input,
// or when no byte has arrived for kStallMs and the chunk holds a line.
// Blank lines are skipped (but counted); a trailing '\r' is dropped, and a
// byte-order mark before the first line.
class LineReader {
 public:
  static constexpr int kStallMs = 100;

  // `interrupted`: a Ctrl-C, SIGTERM or SIGHUP came (Interrupts::received).
  LineReader(int fd, const Interrupts& interrupts) : fd_(fd), interrupts_(interrupts) {}

  // Fills `c` (empty only at the end of the input). Fails on a read error,
  // or once Stop() was called or a signal came while waiting for input.
  Status ReadChunk(size_t batch, Chunk& c) {
    while (c.lines.size() < batch) {
      const size_t nl = buf_.find('\n', pos_);
      if (nl != std::string::npos || (eof_ && pos_ < buf_.size())) {
        const size_t end = nl == std::string::npos ? buf_.size() : nl;
        std::string line = buf_.substr(pos_, end - pos_);
        pos_ = nl == std::string::npos ? buf_.size() : nl + 1;
        ++line_no_;
        if (line_no_ == 1) SkipBom(line);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.find_first_not_of(" \t") == std::string::npos) continue;
        c.lines.push_back(std::move(line));
        c.numbers.push_back(line_no_);
        continue;
      }
      if (eof_) break;
      // Need more bytes: wait for them, at most kStallMs at a time.
      pollfd p{fd_, POLLIN, 0};
      const int ready = ::poll(&p, 1, kStallMs);
      if (ready < 0) {
        if (errno == EINTR) continue;
        return Status::IOError(fmt::format("error reading the input: {}", std::strerror(errno)));
      }
      if (ready == 0) {
        if (stop_) return Status::IOError("reading the input was stopped");
        if (interrupts_.received() != 0) return Status::IOError("interrupted while waiting for input");
        if (!c.lines.empty()) break;  // the input stalls: append what we have
        continue;
      }
      if (pos_ > 0) {
        buf_.erase(0, pos_);
        pos_ = 0;
      }
      char tmp[64 * 1024];
      const ssize_t n = ::read(fd_, tmp, sizeof tmp);
      if (n < 0) {
        if (errno == EINTR || errno == EAGAIN) continue;
        return Status::IOError(fmt::format("error reading the input: {}", std::strerror(errno)));
      }
      if (n == 0) {
        eof_ = true;
      } else {
        buf_.append(tmp, static_cast<size_t>(n));
      }
    }
    return Status::Ok();
  }

  // Makes a ReadChunk waiting for input return (within kStallMs).
  void Stop() { stop_ = true; }

 private:
  int fd_;
  const Interrupts& interrupts_;
  std::string buf_;
  size_t pos_ = 0;
  bool eof_ = false;
  uint64_t line_no_ = 0;
  std::atomic<bool> stop_{false};
};

class SubmitCommand : public Command {
 public:
  CLI::App* Setup(CLI::App& parent) override {
    auto* app = parent.add_subcommand("submit", "Append signed statements (from sign) to the ledger");
    AddLedgerOption(app, &dir_);
    app->add_option("FILE", input_, "Signed statements, one a line (default: stdin)")
        ->check(NonBlank("a file (or - for stdin)"));
    app->add_option("--batch", batch_,
                    "Statements per atomic append (a sealed batch is never split); a batch not yet full "
                    "is appended when the input pauses")
        ->default_val(1000)
        ->check(CLI::Range(1, 1000000));
    app->add_flag("--wait", wait_, "Wait for another writer instead of failing with exit code 4");
    app->add_flag("--quiet", quiet_, "Print only the summary, not each seq");
    app->footer(
        "Prints the seq of each statement, one a line, in input order; a statement already in the\n"
        "ledger is answered with its existing seq (so a submit can be re-run safely), and so is a\n"
        "line that repeats an earlier one (\"(repeats an earlier line)\"). At the first\n"
        "refused line nothing of its batch is written and submit stops, saying which lines landed.\n"
        "Ctrl-C, SIGTERM or SIGHUP stop it between batches (each is written whole), saying which\n"
        "lines are in (exit code 130); run it again for the rest.\n\n"
        "Example:\n"
        "  wasteledger sign --key yuzhou-power.key statements.jsonl > signed.jsonl\n"
        "  wasteledger submit --ledger city.ledger signed.jsonl");
    return app;
  }

  int Run() override {
    int fd = 0;
    if (!input_.empty() && input_ != "-") {
      auto opened = OpenForReading(input_);
      if (!opened.ok()) return Fail(opened.status());
      fd = *opened;
    }
    struct CloseFd {
      int fd;
      ~CloseFd() {
        if (fd > 0) ::close(fd);
      }
    } close_fd{fd};
    auto opened = OpenLedger(dir_, Ledger::Mode::kWrite, wait_);
    if (!opened.ok()) return Fail(opened.status());
    Ledger& ledger = **opened;
    // From here a Ctrl-C, SIGTERM or SIGHUP stops the submit between batches
    // (each is written whole), and it says which lines are in.
    Interrupts interrupts;
    interrupts.Stop();

    // The reader thread reads and prepares one chunk at a time; the input is
    // only touched there.
    LineReader reader(fd, interrupts);
    // It runs below the appending thread's priority, which is the serial
    // stage (wasteledger/thread_priority.h).
    auto read_and_prepare = [&]() -> Result<PreparedBatch> {
      LowerThreadPriority();
      Chunk c;
      WL_RETURN_IF_ERROR(reader.ReadChunk(batch_, c));
      return ledger.Prepare(c.lines, c.numbers);
    };

    // An entry already there that this run appended is a repeat of an
    // earlier input line, not a statement that was in the ledger before.
    const uint64_t size_before = ledger.size();
    Counts n;
    uint64_t last_line_done = 0;
    std::optional<uint64_t> first_seq, last_seq;
    std::future<Result<PreparedBatch>> next = std::async(std::launch::async, read_and_prepare);
    PreparedBatch carry;
    std::string out;
    for (;;) {
      Result<PreparedBatch> prepared = next.get();
      if (int sig = interrupts.received(); sig != 0) {
        return Interrupted(sig, n, last_line_done, first_seq, last_seq);
      }
      if (!prepared.ok()) return Report(prepared.status(), n, last_line_done, first_seq, last_seq);
      const bool done = prepared->empty();
      if (!done) next = std::async(std::launch::async, read_and_prepare);
      carry.Append(std::move(*prepared));
      PreparedBatch tail = done ? PreparedBatch() : carry.TakeIncompleteSealTail();
      if (!carry.empty()) {
        auto result = ledger.Append(std::move(carry));
        if (!result.ok()) {
          if (!done) {  // let the reader finish before we leave
            reader.Stop();
            (void)next.get();
          }
          return Report(result.status(), n, last_line_done, first_seq, last_seq);
        }
        PrintDomainWarnings();  // unlisted codes, capacity exceeded
        out.clear();
        for (const auto& e : *result) {
          const bool repeat = e.replay && e.seq >= size_before;
          (repeat ? n.repeated : e.replay ? n.replayed : n.appended)++;
          if (!e.replay) {
            if (!first_seq) first_seq = e.seq;
            last_seq = e.seq;
          }
          last_line_done = e.line;
          if (quiet_) continue;
          if (repeat) {
            out += fmt::format("{} (repeats an earlier line)\n", e.seq);
          } else if (e.replay) {
            out += fmt::format("{} (already in the ledger)\n", e.seq);
          } else {
            out += fmt::format("{}\n", e.seq);
          }
        }
        // Each batch's seqs are out as soon as it is committed.
        std::fwrite(out.data(), 1, out.size(), stdout);
        std::fflush(stdout);
      }
      carry = std::move(tail);
      if (done) break;
    }
    std::fflush(stdout);
    fmt::print(stderr, "submitted: {} appended{}, {} already in the ledger{}; ledger size {}\n", n.appended,
               first_seq ? fmt::format(" (seq {}..{})", *first_seq, *last_seq) : "", n.replayed, Repeats(n),
               ledger.size());
    return kExitOk;
  }

 private:
  // What became of the input lines appended so far.
  struct Counts {
    uint64_t appended = 0;  // new entries
    uint64_t replayed = 0;  // in the ledger before this submit
    uint64_t repeated = 0;  // the same statement as an earlier line of this input
  };
  // ", N repeating an earlier line" when there are any.
  static std::string Repeats(const Counts& n) {
    return n.repeated > 0 ? fmt::format(", {} repeating an earlier line", n.repeated) : "";
  }

  // What is in once a signal stopped the submit between batches.
  static int Interrupted(int sig, const Counts& n, uint64_t last_line, std::optional<uint64_t> first_seq,
                         std::optional<uint64_t> last_seq) {
    std::fflush(stdout);
    const std::string in =
        n.appended + n.replayed + n.repeated == 0
            ? "nothing was appended"
            : fmt::format(
                  "input lines up to {} are in the ledger ({} appended{}, {} already there{}); nothing "
                  "after them was written",
                  last_line, n.appended, first_seq ? fmt::format(", seq {}..{}", *first_seq, *last_seq) : "",
                  n.replayed, Repeats(n));
    fmt::print(
        stderr,
        "wasteledger: error: submit interrupted by {}: {}. Run the same command again to append the rest "
        "(statements already in the ledger are answered with their seqs)\n",
        SignalName(sig), in);
    return kExitInterrupted;
  }

  int Report(const Status& s, const Counts& n, uint64_t last_line, std::optional<uint64_t> first_seq,
             std::optional<uint64_t> last_seq) {
    std::fflush(stdout);
    int rc = Fail(s);
    if (n.appended + n.replayed + n.repeated > 0) {
      fmt::print(stderr,
                 "wasteledger: note: input lines up to {} are in the ledger ({} appended{}, {} already "
                 "there{}); nothing after them was written\n",
                 last_line, n.appended, first_seq ? fmt::format(", seq {}..{}", *first_seq, *last_seq) : "",
                 n.replayed, Repeats(n));
    }
    return rc;
  }

  std::string dir_, input_;
  size_t batch_ = 1000;
  bool wait_ = false;
  bool quiet_ = false;
};

}  // namespace

std::unique_ptr<Command> MakeSubmitCommand() { return std::make_unique<SubmitCommand>(); }

}  // namespace wasteledger::cli
