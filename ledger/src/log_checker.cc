#include "log_checker.h"

#include <fmt/format.h>

#include <memory>
#include <span>
#include <vector>

#include "parallel.h"
#include "wasteledger/canonical_json.h"
#include "wasteledger/merkle.h"
#include "wasteledger/statement.h"

namespace wasteledger {

void LogChecker::Fail(std::optional<uint64_t> seq, std::string problem) {
  if (failure_ && failure_->seq && seq && *failure_->seq <= *seq) return;
  if (failure_ && !seq) return;
  failure_ = VerifyFailure{seq, std::move(problem)};
}

std::optional<Hash> LogChecker::RootAt(uint64_t size) const {
  auto it = roots_.find(size);
  return it == roots_.end() ? std::nullopt : it->second;
}

void LogChecker::Finish() {
  if (seal_ && !failure_) {
    Fail(seal_->seq, fmt::format("seal announces {} statements but only {} follow it",
                                 seal_->count, seal_->leaves.size()));
  }
}

namespace {

// VerifyMany's verdicts as 1 / 0.
std::vector<char> VerifyAll(const std::vector<SignatureCheck>& checks) {
  std::unique_ptr<bool[]> ok(new bool[checks.size()]);
  VerifyMany(checks, std::span(ok.get(), checks.size()));
  return std::vector<char>(ok.get(), ok.get() + checks.size());
}

}  // namespace

bool LogChecker::CheckChunk(const std::vector<std::string>& entries,
                            const std::vector<Hash>* stored_leaves) {
  chunk_statements_.clear();
  if (failure_) return false;
  const uint64_t first = range_.size();
  const size_t n = entries.size();
  // Everything per entry that does not depend on the entries before it runs
  // in parallel, signatures included: each is checked under the key its
  // sig.key names among the keys registered in earlier chunks. The in-order
  // pass below then only confirms that key was the actor's valid key at
  // that seq; entries signed by a key first seen in this chunk (or by a
  // different key under the same name) are checked after it.
  std::vector<Result<ParsedEntry>> parsed(n, Result<ParsedEntry>(Status::Corruption("unparsed")));
  std::vector<Hash> leaves(n);
  std::vector<const VerifierKey*> tried(n, nullptr);
  std::vector<char> good(n, 0);
  ParallelFor(n, threads_, [&](size_t b, size_t e) {
    std::vector<SignatureCheck> checks;
    std::vector<size_t> checked;
    for (size_t i = b; i < e; ++i) {
      parsed[i] = ParseEntry(entries[i], EntryParse::kWithoutJson);
      leaves[i] = HashLeaf(entries[i]);
      if (!parsed[i].ok()) continue;
      Statement& st = parsed[i]->statement;
      if (st.kind == "genesis" || st.kind == "party" || st.kind == "seal") {
        auto json = ParseStrictJson(st.jcs);  // canonical, so it parses
        if (json.ok()) st.json = std::move(*json);
      }
      const auto& sig = parsed[i]->header.sig;
      if (!sig) continue;
      auto key = known_keys_.find(sig->key);
      if (key == known_keys_.end()) continue;
      tried[i] = &key->second;
      checks.push_back({&key->second, st.jcs, sig->value, kStatementPrefix});
      checked.push_back(i);
    }
    const auto ok = VerifyAll(checks);
    for (size_t j = 0; j < checks.size(); ++j) good[checked[j]] = ok[j];
  });

  struct SigJob {
    uint64_t seq;
    const ParsedEntry* entry;
    VerifierKey key;  // a copy: a party record later in the chunk may replace the actor's
  };
  std::vector<SigJob> jobs;
  auto fail = [&](uint64_t seq, std::string problem) { Fail(seq, std::move(problem)); };
  for (size_t i = 0; i < n && !failure_; ++i) {
    const uint64_t seq = first + i;
    if (stored_leaves && (*stored_leaves)[i] != leaves[i]) {
      // The next entry's prev says which side was edited: the entry, or
      // the leaf hash stored for it in the tree's tiles.
      const bool entry_intact = i + 1 < n && parsed[i + 1].ok() && parsed[i + 1]->header.prev == leaves[i];
      fail(seq, entry_intact
                    ? fmt::format("the leaf hash stored for the entry in the tree's tiles is not the "
                                  "entry's (the tiles were edited; the entry still chains to seq {})",
                                  seq + 1)
                    : "entry does not hash to the leaf hash stored for it (the entry was edited)");
      break;
    }
    if (!parsed[i].ok()) {
      fail(seq, parsed[i].status().message());
      break;
    }
    const ParsedEntry& e = *parsed[i];
    const Statement& st = e.statement;
    if (e.header.seq != seq) {
      fail(seq, fmt::format("entry says seq {} (entries deleted or reordered)", e.header.seq));
      break;
    }
    const Hash expected_prev = seq == 0 ? Hash{} : last_leaf_;
    if (e.header.prev != expected_prev) {
      if (seq == 0) {
        fail(0, "prev of the first entry is not 64 zeros");
      } else {
        // Either entry seq-1 or this entry's prev was altered; name the first.
        fail(seq - 1, fmt::format("entry hashes to {} but seq {} records prev {}: the entry (or that prev) "
                                  "was altered",
                                  ToHex(expected_prev), seq, ToHex(e.header.prev)));
      }
      break;
    }
    last_leaf_ = leaves[i];
    range_.Append(leaves[i], nullptr);
    if (auto it = roots_.find(range_.size()); it != roots_.end()) it->second = range_.Root();

    if ((seq == 0) != (st.kind == "genesis")) {
      fail(seq, seq == 0 ? "entry 0 is not a genesis statement" : "a genesis statement after seq 0");
      break;
    }
    if (seq == 0) {
      auto party = PartyFromRecord(st.json["body"].value("party", Json()), 0);
      if (!party.ok() || !party->HasRole("regulator") || party->id != st.actor) {
        fail(0, "genesis does not register its actor as a regulator");
        break;
      }
      for (const auto& k : party->keys) known_keys_.try_emplace(k.Ref(), k);
      parties_[party->id] = std::move(*party);
      origin_ = st.json["body"].value("origin", "");
    }
    // Sealed statements: must continue the open seal.
    if (e.header.seal_by) {
      if (!seal_ || *e.header.seal_by != seal_->seq || e.header.seal_index != seal_->leaves.size()) {
        fail(seq, fmt::format("sealed by seq {} index {}, which is not the open seal's next slot",
                              *e.header.seal_by, e.header.seal_index));
        break;
      }
      if (st.actor != seal_->actor) {
        fail(seq, fmt::format("sealed statement by \"{}\" under a seal by \"{}\"", st.actor, seal_->actor));
        break;
      }
      seal_->leaves.push_back(HashLeaf(AsBytes(st.hash)));
      ++sealed_;
      if (seal_->leaves.size() == seal_->count) {
        if (RootFromLeafHashes(seal_->leaves) != seal_->root) {
          fail(seal_->seq, "seal root does not match the statements it covers");
          break;
        }
        seal_.reset();
      }
    } else {
      if (seal_) {
        fail(seq, fmt::format("seal at seq {} announces {} statements but only {} follow it", seal_->seq,
                              seal_->count, seal_->leaves.size()));
        break;
      }
      const Party* actor = nullptr;
      if (auto it = parties_.find(st.actor); it != parties_.end()) actor = &it->second;
      if (actor == nullptr) {
        fail(seq, fmt::format("actor \"{}\" is not a registered party", st.actor));
        break;
      }
      const VerifierKey* key = actor->FindKey(e.header.sig->key);
      if (key == nullptr) {
        fail(seq, fmt::format("key {} is not a valid key of \"{}\" at this point of the log",
                              e.header.sig->key, st.actor));
        break;
      }
      if (tried[i] != nullptr && *tried[i] == *key) {
        ++signatures_;
        if (!good[i]) {
          fail(seq, fmt::format("signature does not verify under key {}", key->Ref()));
          break;
        }
      } else {
        jobs.push_back({seq, &e, *key});
      }
      if (st.kind == "seal") {
        const Json& body = st.json["body"];
        auto root = body.contains("root") && body["root"].is_string()
                        ? HashFromHex(body["root"].get<std::string>())
                        : std::nullopt;
        if (!root || !body.contains("count") || !body["count"].is_number_integer() ||
            body["count"].get<int64_t>() < 1) {
          fail(seq, "seal body must hold \"count\" (>= 1) and \"root\"");
          break;
        }
        seal_ = OpenSeal{seq, static_cast<uint64_t>(body["count"].get<int64_t>()), st.actor, *root, {}};
      }
    }
    if (st.kind == "party") {
      auto who = parties_.find(st.actor);
      if (who == parties_.end() || !who->second.HasRole("regulator")) {
        fail(seq, fmt::format("party record by \"{}\", who is not a regulator", st.actor));
        break;
      }
      auto party = PartyFromRecord(st.json["body"], seq);
      if (!party.ok()) {
        fail(seq, party.status().message());
        break;
      }
      for (const auto& k : party->keys) known_keys_.try_emplace(k.Ref(), k);
      parties_[party->id] = std::move(*party);
    }
    chunk_statements_.push_back(st.hash);
  }

  // The signatures left for after the in-order pass, in parallel; the lowest
  // failing seq wins (Fail keeps the lowest).
  std::vector<char> verified(jobs.size(), 1);
  ParallelFor(jobs.size(), threads_, [&](size_t b, size_t e) {
    std::vector<SignatureCheck> checks;
    for (size_t i = b; i < e; ++i) {
      const auto& job = jobs[i];
      checks.push_back({&job.key, job.entry->statement.jcs, job.entry->header.sig->value, kStatementPrefix});
    }
    const auto ok = VerifyAll(checks);
    for (size_t i = b; i < e; ++i) verified[i] = ok[i - b];
  });
  signatures_ += jobs.size();
  for (size_t i = 0; i < jobs.size(); ++i) {
    if (!verified[i]) {
      Fail(jobs[i].seq, fmt::format("signature does not verify under key {}", jobs[i].key.Ref()));
      break;
    }
  }
  return !failure_;
}

}  // namespace wasteledger
