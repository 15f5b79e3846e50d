// wasteledger submit: appends signed submissions. Signatures are checked in
// parallel for the next batch while the current one is appended in order;
// each batch is one atomic, synced write.
#include <fstream>
#include <future>
#include <iostream>

#include <fmt/format.h>

#include "common.h"

namespace wasteledger::cli {
namespace {

struct Chunk {
  std::vector<std::string> lines;
  std::vector<uint64_t> numbers;
};

class SubmitCommand : public Command {
 public:
  CLI::App* Setup(CLI::App& parent) override {
    auto* app = parent.add_subcommand("submit", "Append signed statements (from sign) to the ledger");
    AddLedgerOption(app, &dir_);
    app->add_option("FILE", input_, "Signed statements, one a line (default: stdin)");
    app->add_option("--batch", batch_, "Statements per atomic append (a sealed batch is never split)")
        ->default_val(1000)
        ->check(CLI::Range(1, 1000000));
    app->add_flag("--wait", wait_, "Wait for another writer instead of failing with exit code 4");
    app->add_flag("--quiet", quiet_, "Print only the summary, not each seq");
    app->footer(
        "Prints the seq of each statement, one a line, in input order; a statement already in the\n"
        "ledger is answered with its existing seq (so a submit can be re-run safely). At the first\n"
        "refused line nothing of its batch is written and submit stops, saying which lines landed.\n\n"
        "Example:\n"
        "  wasteledger sign --key yuzhou-power.key statements.jsonl > signed.jsonl\n"
        "  wasteledger submit --ledger city.ledger signed.jsonl");
    return app;
  }

  int Run() override {
    std::ifstream file;
    std::istream* in = &std::cin;
    if (!input_.empty() && input_ != "-") {
      file.open(input_, std::ios::binary);
      if (!file) return Fail(Status::IOError(fmt::format("cannot read {}", input_)));
      in = &file;
    }
    auto opened = OpenLedger(dir_, Ledger::Mode::kWrite, wait_);
    if (!opened.ok()) return Fail(opened.status());
    Ledger& ledger = **opened;

    uint64_t line_no = 0;
    auto read_chunk = [&]() {
      Chunk c;
      std::string line;
      while (c.lines.size() < batch_ && std::getline(*in, line)) {
        ++line_no;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.find_first_not_of(" \t") == std::string::npos) continue;
        c.lines.push_back(std::move(line));
        c.numbers.push_back(line_no);
      }
      return c;
    };
    auto prepare = [&ledger](Chunk c) { return ledger.Prepare(c.lines, c.numbers); };

    uint64_t appended = 0, replayed = 0, last_line_done = 0;
    std::optional<uint64_t> first_seq, last_seq;
    Chunk first = read_chunk();
    std::future<Result<PreparedBatch>> next =
        std::async(std::launch::async, prepare, std::move(first));
    PreparedBatch carry;
    std::string out;
    for (;;) {
      Result<PreparedBatch> prepared = next.get();
      if (!prepared.ok()) return Report(prepared.status(), appended, replayed, last_line_done, first_seq, last_seq);
      const bool done = prepared->empty();
      if (!done) {
        Chunk c = read_chunk();
        next = std::async(std::launch::async, prepare, std::move(c));
      }
      carry.Append(std::move(*prepared));
      PreparedBatch tail = done ? PreparedBatch() : carry.TakeIncompleteSealTail();
      if (!carry.empty()) {
        auto result = ledger.Append(std::move(carry));
        if (!result.ok()) {
          if (!done) (void)next.get();  // let the reader finish before we leave
          return Report(result.status(), appended, replayed, last_line_done, first_seq, last_seq);
        }
        out.clear();
        for (const auto& e : *result) {
          (e.replay ? replayed : appended)++;
          if (!e.replay) {
            if (!first_seq) first_seq = e.seq;
            last_seq = e.seq;
          }
          last_line_done = e.line;
          if (!quiet_) out += e.replay ? fmt::format("{} (already in the ledger)\n", e.seq)
                                       : fmt::format("{}\n", e.seq);
        }
        std::fwrite(out.data(), 1, out.size(), stdout);
      }
      carry = std::move(tail);
      if (done) break;
    }
    if (in->bad()) return Fail(Status::IOError("error reading the input"));
    std::fflush(stdout);
    fmt::print(stderr, "submitted: {} appended{}, {} already in the ledger; ledger size {}\n", appended,
               first_seq ? fmt::format(" (seq {}..{})", *first_seq, *last_seq) : "", replayed,
               ledger.size());
    return kExitOk;
  }

 private:
  int Report(const Status& s, uint64_t appended, uint64_t replayed, uint64_t last_line,
             std::optional<uint64_t> first_seq, std::optional<uint64_t> last_seq) {
    std::fflush(stdout);
    int rc = Fail(s);
    if (appended + replayed > 0) {
      fmt::print(stderr,
                 "wasteledger: note: input lines up to {} are in the ledger ({} appended{}, {} already "
                 "there); nothing after them was written\n",
                 last_line, appended, first_seq ? fmt::format(", seq {}..{}", *first_seq, *last_seq) : "",
                 replayed);
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
