#include "wasteledger/verify.h"

#include <fmt/format.h>

#include <algorithm>
#include <future>
#include <set>

#include "log_checker.h"
#include "wasteledger/canonical_json.h"
#include "wasteledger/ledger.h"
#include "wasteledger/merkle.h"
#include "wasteledger/signed_note.h"

namespace wasteledger {

namespace {

constexpr size_t kChunk = 4096;

// One chunk of a stored ledger: its entries and stored leaf hashes, and how
// reading each went.
struct ChunkRead {
  std::vector<std::string> entries;
  std::vector<Hash> leaves;
  Status read;
  Status read_leaves;
};

// Checks `note` against the log the checker has seen: signature by `key`,
// size within the log, same root at that size, and (for a ledger) an RFC
// 9162 consistency proof from the stored tree.
Status CheckGivenCheckpoint(const std::string& note, const VerifierKey& key, const LogChecker& checker,
                            const Ledger* ledger, VerifyResult& result) {
  auto cp = OpenCheckpoint(note, key);
  if (!cp.ok()) return cp.status();  // OpenCheckpoint names the checkpoint
  if (!checker.origin().empty() && cp->origin != checker.origin()) {
    result.failure = VerifyFailure{
        std::nullopt,
        fmt::format("the checkpoint is of the log \"{}\", not of this one (\"{}\", its genesis says)",
                    cp->origin, checker.origin())};
    return Status::Ok();
  }
  if (cp->size > checker.size()) {
    result.failure = VerifyFailure{
        std::nullopt, fmt::format("rollback: the checkpoint is of size {} but the log has only {} entries",
                                  cp->size, checker.size())};
    return Status::Ok();
  }
  auto root = checker.RootAt(cp->size);
  if (cp->size == 0) root = EmptyRoot();
  if (!root || *root != cp->root) {
    result.failure = VerifyFailure{
        cp->size == 0 ? std::nullopt : std::optional<uint64_t>(cp->size - 1),
        fmt::format("fork: the log's first {} entries have root {}, the checkpoint says {}", cp->size,
                    root ? ToHex(*root) : "?", ToHex(cp->root))};
    return Status::Ok();
  }
  if (ledger != nullptr && cp->size > 0) {
    auto proof = ledger->ConsistencyProof(cp->size, checker.size());
    if (!proof.ok()) return proof.status();
    Status s = VerifyConsistency(cp->size, checker.size(), *proof, cp->root, checker.Root());
    if (!s.ok()) result.failure = VerifyFailure{std::nullopt, "consistency proof: " + s.message()};
  }
  return Status::Ok();
}

// The statement index (a replay is answered from it) against a chunk the
// checker passed: each statement's key must name its entry's seq. The first
// mismatch, if any.
Result<std::optional<VerifyFailure>> CheckStatementIndex(const Ledger& ledger, uint64_t first,
                                                         const std::vector<Hash>& hashes) {
  for (size_t i = 0; i < hashes.size(); ++i) {
    WL_ASSIGN_OR_RETURN(auto seq, ledger.FindStatement(hashes[i]));
    if (seq == first + i) continue;
    return std::optional<VerifyFailure>(VerifyFailure{
        first + i, seq ? fmt::format("the statement index names seq {} for this entry's statement (a replay of "
                                     "it would be answered with that seq)",
                                     *seq)
                       : std::string("the statement index has no key for this entry's statement (a replay of it "
                                     "would be appended again)")});
  }
  return std::optional<VerifyFailure>();
}

// The stored indexes that the log alone decides, beyond the tree: no
// statement key without its entry, and each party record as the log left it.
Result<std::optional<std::string>> CheckCoreIndexes(const Ledger& ledger, const LogChecker& checker) {
  WL_ASSIGN_OR_RETURN(uint64_t keys, ledger.CountStatementIndex());
  if (keys != ledger.size()) {
    return std::optional<std::string>(fmt::format(
        "the statement index holds {} keys for {} entries (a statement never appended would be answered as "
        "a replay)",
        keys, ledger.size()));
  }
  const auto& parties = checker.parties();
  std::optional<std::string> problem;
  std::set<std::string, std::less<>> stored;
  WL_RETURN_IF_ERROR(ledger.ScanPartyRecords([&](std::string_view id, std::string_view value) {
    auto it = parties.find(std::string(id));
    if (it == parties.end()) {
      problem = fmt::format("the store holds a party record of \"{}\" that the log never registered", id);
      return false;
    }
    stored.emplace(id);
    auto want = Canonicalize(Json{{"record", it->second.record}, {"seq", it->second.since_seq}});
    if (!want.ok() || *want != value) {
      problem = fmt::format("the stored party record of \"{}\" differs from the one the log put in force at seq {}",
                            id, it->second.since_seq);
      return false;
    }
    return true;
  }));
  if (problem) return problem;
  for (const auto& [id, party] : parties) {
    if (stored.count(id) == 0) {
      return std::optional<std::string>(fmt::format(
          "the store has no party record of \"{}\" (registered by the log at seq {})", id, party.since_seq));
    }
  }
  return problem;
}

void FillResult(const LogChecker& checker, VerifyResult& result) {
  result.size = checker.size();
  result.root = checker.Root();
  result.signatures = checker.signatures();
  result.sealed = checker.sealed();
  if (checker.failure()) result.failure = checker.failure();
}

Result<std::optional<Checkpoint>> PeekCheckpoint(const std::optional<std::string>& note) {
  if (!note) return std::optional<Checkpoint>();
  auto parsed = ParseNote(*note);
  if (!parsed.ok()) return parsed.status().WithContext("checkpoint");
  auto cp = ParseCheckpointText(parsed->text);
  if (!cp.ok()) return cp.status().WithContext("checkpoint");
  return std::optional<Checkpoint>(*cp);
}

}  // namespace

Result<VerifyResult> VerifyLedger(const Ledger& ledger, const VerifyOptions& options) {
  LogChecker checker(options.threads);
  VerifyResult result;
  const uint64_t size = ledger.size();

  WL_ASSIGN_OR_RETURN(auto operator_key, ledger.OperatorKey());
  std::optional<VerifierKey> given_key = options.checkpoint_key ? options.checkpoint_key : operator_key;
  WL_ASSIGN_OR_RETURN(auto given, PeekCheckpoint(options.checkpoint_note));
  if (given) {
    if (!given_key) {
      return Status::InvalidArgument(
          "this ledger has no checkpoint key on record: give the operator's verifier key (--vkey)");
    }
    checker.WantRootAt(given->size);
  }
  WL_ASSIGN_OR_RETURN(auto stored, ledger.Checkpoints());
  std::vector<Checkpoint> stored_cps;
  for (const auto& note : stored) {
    if (!operator_key) {
      result.failure = VerifyFailure{std::nullopt, "a stored checkpoint has no operator key on record"};
      return result;
    }
    auto cp = OpenCheckpoint(note, *operator_key);
    if (!cp.ok()) {
      result.failure = VerifyFailure{std::nullopt, "stored checkpoint: " + cp.status().message()};
      return result;
    }
    checker.WantRootAt(cp->size);
    stored_cps.push_back(*cp);
  }

  // Chunk k+1 is read on another thread while chunk k is checked, so the
  // in-order part of CheckChunk does not leave a core idle. Its result is
  // looked at only once chunk k passed, exactly as if read afterwards.
  auto read_chunk = [&ledger, size](uint64_t from) {
    ChunkRead chunk;
    const uint64_t to = std::min<uint64_t>(size, from + kChunk);
    chunk.entries.reserve(to - from);
    chunk.leaves.reserve(to - from);
    chunk.read = ledger.ScanEntries(from, to, [&](uint64_t, std::string_view bytes) {
      chunk.entries.emplace_back(bytes);
      return true;
    });
    chunk.read_leaves =
        ledger.ScanLeafHashes(from, to, [&](uint64_t, const Hash& h) { chunk.leaves.push_back(h); });
    return chunk;
  };
  std::future<ChunkRead> next;
  if (size > 0) next = std::async(std::launch::async, read_chunk, uint64_t{0});
  // The statement index of chunk k is looked up on another thread while
  // chunk k+1 is checked (the checker keeps the lowest failing seq).
  std::future<Result<std::optional<VerifyFailure>>> index_check;
  auto join_index_check = [&]() -> Status {
    if (!index_check.valid()) return Status::Ok();
    auto found = index_check.get();
    WL_RETURN_IF_ERROR(found.status());
    if (*found) checker.Fail((*found)->seq, (*found)->problem);
    return Status::Ok();
  };
  for (uint64_t from = 0; from < size && !checker.failure(); from += kChunk) {
    const uint64_t to = std::min<uint64_t>(size, from + kChunk);
    ChunkRead chunk = next.get();
    for (const Status* s : {&chunk.read, &chunk.read_leaves}) {
      if (s->code() == Status::Code::kIOError) return *s;
    }
    if (!chunk.read.ok() || !chunk.read_leaves.ok()) {
      // Check what is there, then name the first seq with something missing.
      const size_t have = std::min(chunk.entries.size(), chunk.leaves.size());
      chunk.entries.resize(have);
      chunk.leaves.resize(have);
      checker.CheckChunk(chunk.entries, &chunk.leaves);
      // The scan's own message ("seq N: entry is missing", or the storage's
      // damage), without the seq the failure names anyway.
      std::string problem((chunk.read.ok() ? chunk.read_leaves : chunk.read).message());
      const std::string seq_prefix = fmt::format("seq {}: ", from + have);
      if (problem.rfind(seq_prefix, 0) == 0) problem.erase(0, seq_prefix.size());
      checker.Fail(from + have, problem);
      break;
    }
    if (checker.failure()) break;
    if (to < size) next = std::async(std::launch::async, read_chunk, to);
    const bool passed = checker.CheckChunk(chunk.entries, &chunk.leaves);
    if (Status s = join_index_check(); !s.ok()) {
      if (next.valid()) next.wait();
      return s;
    }
    if (passed) {
      index_check = std::async(std::launch::async, CheckStatementIndex, std::cref(ledger), from,
                               checker.chunk_statements());
    }
    if (options.progress) options.progress(to, size);
  }
  // A read still in flight (after a failure) finishes before `ledger` may go.
  if (next.valid()) next.wait();
  WL_RETURN_IF_ERROR(join_index_check());
  checker.Finish();
  FillResult(checker, result);
  if (!result.ok()) return result;

  WL_ASSIGN_OR_RETURN(Hash stored_root, ledger.Root(size));
  if (stored_root != result.root) {
    result.failure = VerifyFailure{std::nullopt, fmt::format("the stored tree's root {} does not match the "
                                                             "root of the entries {}",
                                                             ToHex(stored_root), ToHex(result.root))};
    return result;
  }
  for (const auto& cp : stored_cps) {
    auto root = cp.size == 0 ? std::optional<Hash>(EmptyRoot()) : checker.RootAt(cp.size);
    if (cp.size > size || !root || *root != cp.root || cp.origin != ledger.origin()) {
      result.failure = VerifyFailure{
          std::nullopt, fmt::format("stored checkpoint of size {} does not match the log", cp.size)};
      return result;
    }
    ++result.checkpoints;
  }
  if (given) {
    WL_RETURN_IF_ERROR(CheckGivenCheckpoint(*options.checkpoint_note, *given_key, checker, &ledger, result));
    if (!result.ok()) return result;
  }
  // Last, so that a rollback or a fork is named as such: every stored node
  // above the leaves (proofs read them; the checks above read only the
  // leaves and the nodes of the root), then the statement and party indexes.
  WL_ASSIGN_OR_RETURN(auto stored_problem, ledger.CheckStoredNodes());
  if (!stored_problem) {
    WL_ASSIGN_OR_RETURN(stored_problem, CheckCoreIndexes(ledger, checker));
  }
  if (stored_problem) result.failure = VerifyFailure{std::nullopt, *stored_problem};
  return result;
}

Result<VerifyResult> VerifyExport(std::istream& in, const VerifyOptions& options) {
  LogChecker checker(options.threads);
  VerifyResult result;
  WL_ASSIGN_OR_RETURN(auto given, PeekCheckpoint(options.checkpoint_note));
  if (given) {
    if (!options.checkpoint_key) return Status::InvalidArgument("a checkpoint needs the operator's --vkey");
    checker.WantRootAt(given->size);
  }
  std::vector<std::string> entries;
  std::string line;
  uint64_t done = 0;
  while (!checker.failure()) {
    entries.clear();
    while (entries.size() < kChunk && std::getline(in, line)) entries.push_back(std::move(line));
    if (entries.empty()) break;
    checker.CheckChunk(entries, nullptr);
    done += entries.size();
    if (options.progress) options.progress(done, 0);
  }
  if (!in.eof() && !checker.failure()) return Status::IOError("error reading the export");
  if (done == 0) checker.Fail(std::nullopt, "the export holds no entry: a ledger's export starts with its genesis entry");
  checker.Finish();
  FillResult(checker, result);
  if (result.ok() && given) {
    WL_RETURN_IF_ERROR(CheckGivenCheckpoint(*options.checkpoint_note, *options.checkpoint_key, checker,
                                            nullptr, result));
  }
  return result;
}

}  // namespace wasteledger
