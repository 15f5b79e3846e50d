#include "ledger_fixture.h"

#include <catch2/catch.hpp>

namespace wasteledger::testing {

SigningKey KeyFromSeed(const std::string& name, int seed) {
  std::string s(32, '\0');
  s[0] = static_cast<char>(seed);
  s[1] = static_cast<char>(seed >> 8);
  auto key = SigningKey::FromSeed(name, s);
  REQUIRE(key.ok());
  return std::move(*key);
}

Submission Sign(const SigningKey& key, const std::string& kind, Json body, const std::string& time,
                const std::string& nonce) {
  Json st = {{"v", 1}, {"kind", kind}, {"actor", key.verifier().name()}, {"time", time}, {"body", body}};
  if (!nonce.empty()) st["nonce"] = nonce;
  auto statement = MakeStatement(st);
  REQUIRE(statement.ok());
  Submission sub;
  sub.sig = Signature{key.verifier().Ref(), key.Sign(statement->Payload())};
  sub.statement = std::move(*statement);
  return sub;
}

Json PartyRecord(const std::string& id, const std::vector<std::string>& roles,
                 const std::vector<const SigningKey*>& keys) {
  Json vkeys = Json::array();
  for (const auto* k : keys) vkeys.push_back(k->verifier().ToString());
  return {{"id", id}, {"name", id + " Co."}, {"uscc", ""}, {"roles", roles}, {"keys", vkeys},
          {"permits", Json::array()}};
}

LedgerFixture::LedgerFixture()
    : regulator(KeyFromSeed("xcepb", 1)),
      operator_key(KeyFromSeed("test.example/ledger", 2)),
      p1(KeyFromSeed("p1", 3)),
      p2(KeyFromSeed("p2", 4)) {
  Json genesis = {{"origin", "test.example/ledger"},
                  {"timezone", "+08:00"},
                  {"party", PartyRecord("xcepb", {"regulator"}, {&regulator})}};
  auto created = Ledger::Init(dir(), Sign(regulator, "genesis", genesis));
  REQUIRE(created.ok());
  ledger_ = std::move(*created);
  AppendOk({Sign(regulator, "party", PartyRecord("p1", {"producer"}, {&p1})),
            Sign(regulator, "party", PartyRecord("p2", {"receiver"}, {&p2}))});
}

void LedgerFixture::Reopen(Ledger::Mode mode) {
  ledger_.reset();
  auto opened = Ledger::Open(dir(), mode);
  REQUIRE(opened.ok());
  ledger_ = std::move(*opened);
}

std::vector<uint64_t> LedgerFixture::AppendOk(std::vector<Submission> subs) {
  auto prepared = ledger_->Prepare(std::move(subs));
  INFO(prepared.status().message());
  REQUIRE(prepared.ok());
  auto appended = ledger_->Append(std::move(*prepared));
  INFO(appended.status().message());
  REQUIRE(appended.ok());
  std::vector<uint64_t> seqs;
  for (const auto& e : *appended) seqs.push_back(e.seq);
  return seqs;
}

std::string LedgerFixture::AppendRefused(std::vector<Submission> subs) {
  auto prepared = ledger_->Prepare(std::move(subs));
  if (!prepared.ok()) return prepared.status().message();
  auto appended = ledger_->Append(std::move(*prepared));
  REQUIRE_FALSE(appended.ok());
  return appended.status().message();
}

std::vector<Submission> LedgerFixture::Generates(int n, int first_nonce) {
  std::vector<Submission> subs;
  for (int i = 0; i < n; ++i) {
    Json body = {{"waste", "900-041-49"}, {"mass_g", 1000 + i}};
    subs.push_back(Sign(p1, "generate", body, "2026-03-01T08:30:00+08:00", std::to_string(first_nonce + i)));
  }
  return subs;
}

}  // namespace wasteledger::testing
