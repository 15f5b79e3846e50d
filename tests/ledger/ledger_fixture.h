// A small city for ledger tests: a regulator, an operator key, producers;
// helpers to build signed submissions. Keys come from fixed seeds so runs are
// repeatable.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "test_util.h"
#include "wasteledger/ledger.h"

namespace wasteledger::testing {

SigningKey KeyFromSeed(const std::string& name, int seed);

Submission Sign(const SigningKey& key, const std::string& kind, Json body,
                const std::string& time = "2026-03-01T08:30:00+08:00", const std::string& nonce = "");
Json PartyRecord(const std::string& id, const std::vector<std::string>& roles,
                 const std::vector<const SigningKey*>& keys);

class LedgerFixture {
 public:
  LedgerFixture();
  std::string dir() const { return tmp_ / "ledger"; }
  Ledger& ledger() { return *ledger_; }
  void Reopen(Ledger::Mode mode = Ledger::Mode::kWrite);
  void Close() { ledger_.reset(); }
  // Appends one batch; REQUIREs success; returns the seqs.
  std::vector<uint64_t> AppendOk(std::vector<Submission> subs);
  // Appends one batch, expects refusal; returns the message.
  std::string AppendRefused(std::vector<Submission> subs);
  // `n` generate statements by producer p1 (distinct nonces).
  std::vector<Submission> Generates(int n, int first_nonce = 0);

  TempDir tmp_;
  SigningKey regulator;
  SigningKey operator_key;
  SigningKey p1;
  SigningKey p2;
  std::unique_ptr<Ledger> ledger_;
};

}  // namespace wasteledger::testing
