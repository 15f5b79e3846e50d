// The append path: ledger rules, replay, keys valid by log position, seals,
// the writer lock and readers, and reopening.
#include <sys/wait.h>
#include <unistd.h>

#include <random>

#include <catch2/catch.hpp>

#include "entry_compare.h"
#include "ledger_fixture.h"
#include "wasteledger/canonical_json.h"
#include "wasteledger/merkle.h"
#include "wasteledger/state_hook.h"
#include "wasteledger/verify.h"

using namespace wasteledger;
using namespace wasteledger::testing;

namespace {

std::string Export(const Ledger& ledger) {
  std::string out;
  REQUIRE(ledger.ScanEntries(0, ledger.size(), [&](uint64_t, std::string_view b) {
                  out.append(b);
                  out.push_back('\n');
                  return true;
                }).ok());
  return out;
}

std::vector<Submission> Sealed(const SigningKey& key, std::vector<Submission> members) {
  std::vector<Hash> leaves;
  for (const auto& m : members) leaves.push_back(HashLeaf(AsBytes(m.statement.hash)));
  Json body = {{"count", members.size()}, {"root", ToHex(RootFromLeafHashes(leaves))}};
  std::vector<Submission> out{Sign(key, "seal", body)};
  for (size_t i = 0; i < members.size(); ++i) {
    members[i].sig.reset();
    members[i].seal_index = i;
    out.push_back(std::move(members[i]));
  }
  return out;
}

}  // namespace

TEST_CASE("genesis and parties are entries 0.. and survive reopening", "[ledger]") {
  LedgerFixture f;
  CHECK(f.ledger().size() == 3);
  CHECK(f.ledger().origin() == "test.example/ledger");
  CHECK(f.ledger().timezone_offset_minutes() == 480);
  REQUIRE(f.ledger().FindParty("p1") != nullptr);
  CHECK(f.ledger().FindParty("p1")->since_seq == 1);
  const std::string before = Export(f.ledger());
  f.Reopen(Ledger::Mode::kRead);
  CHECK(f.ledger().size() == 3);
  CHECK(Export(f.ledger()) == before);
  CHECK(f.ledger().FindParty("p2")->HasRole("receiver"));
}

TEST_CASE("entries chain by prev and the tree root matches a recomputation", "[ledger]") {
  LedgerFixture f;
  f.AppendOk(f.Generates(20));
  std::vector<Hash> leaves;
  Hash prev{};
  REQUIRE(f.ledger().ScanEntries(0, f.ledger().size(), [&](uint64_t seq, std::string_view b) {
                    auto e = ParseEntry(b);
                    REQUIRE(e.ok());
                    CHECK(e->header.seq == seq);
                    CHECK(e->header.prev == prev);
                    prev = HashLeaf(b);
                    leaves.push_back(prev);
                    return true;
                  }).ok());
  CHECK(*f.ledger().Root(f.ledger().size()) == RootFromLeafHashes(leaves));
  for (uint64_t size = 1; size <= leaves.size(); ++size) {
    CHECK(*f.ledger().Root(size) == RootFromLeafHashes(std::span(leaves).first(size)));
  }
}

TEST_CASE("replay of a signed statement answers with its existing seq", "[ledger]") {
  LedgerFixture f;
  auto subs = f.Generates(3);
  auto seqs = f.AppendOk(subs);
  const std::string before = Export(f.ledger());
  auto prepared = f.ledger().Prepare(subs);
  REQUIRE(prepared.ok());
  auto again = f.ledger().Append(std::move(*prepared));
  REQUIRE(again.ok());
  REQUIRE(again->size() == 3);
  for (size_t i = 0; i < 3; ++i) {
    CHECK(again->at(i).seq == seqs[i]);
    CHECK(again->at(i).replay);
  }
  CHECK(Export(f.ledger()) == before);
  // A replay within one batch is answered with the seq given earlier in it.
  auto one = f.Generates(1, 100);
  auto twice = f.AppendOk({one[0], one[0]});
  CHECK(twice[0] == twice[1]);
}

TEST_CASE("a refused batch leaves the ledger byte-identical", "[ledger]") {
  LedgerFixture f;
  f.AppendOk(f.Generates(2));
  const std::string before = Export(f.ledger());
  const uint64_t size = f.ledger().size();

  SECTION("unknown actor") {
    auto stranger = KeyFromSeed("stranger", 9);
    auto subs = f.Generates(3, 10);
    subs.push_back(Sign(stranger, "generate", {{"mass_g", 1}}));
    CHECK_THAT(f.AppendRefused(subs), Catch::Contains("line 4") && Catch::Contains("not a registered party"));
  }
  SECTION("a key named after another party") {
    auto sub = f.Generates(1, 20)[0];
    sub.sig = Signature{f.p2.verifier().Ref(), f.p2.Sign(sub.statement.Payload())};
    CHECK_THAT(f.AppendRefused({sub}), Catch::Contains("actor is \"p1\""));
  }
  SECTION("a bad signature") {
    auto sub = f.Generates(1, 30)[0];
    sub.sig->value[5] ^= 1;
    CHECK_THAT(f.AppendRefused({sub}), Catch::Contains("signature does not verify"));
  }
  SECTION("of several bad signatures in a large batch, the first is the one named") {
    auto subs = f.Generates(200, 40);  // checked in groups, on every core
    subs[181].sig->value[7] ^= 1;
    subs[150].sig->value[7] ^= 1;
    subs[199].statement.kind = "nonsense";
    CHECK_THAT(f.AppendRefused(subs), Catch::Contains("line 151:") && Catch::Contains("signature does not verify"));
  }
  SECTION("a party record by a non-regulator") {
    auto sub = Sign(f.p1, "party", PartyRecord("p3", {"producer"}, {}));
    CHECK_THAT(f.AppendRefused({sub}), Catch::Contains("only a regulator"));
  }
  SECTION("a malformed party record") {
    Json rec = PartyRecord("p3", {"smuggler"}, {});
    CHECK_THAT(f.AppendRefused({Sign(f.regulator, "party", rec)}), Catch::Contains("roles"));
  }
  SECTION("a second genesis") {
    Json genesis = {{"origin", "x"}, {"timezone", "+08:00"},
                    {"party", PartyRecord("xcepb", {"regulator"}, {&f.regulator})}};
    CHECK_THAT(f.AppendRefused({Sign(f.regulator, "genesis", genesis)}), Catch::Contains("only at seq 0"));
  }
  SECTION("a seal whose root does not match its members") {
    auto subs = Sealed(f.p1, f.Generates(4, 40));
    auto st = subs[2].statement.json;
    st["body"]["mass_g"] = 999999;
    subs[2].statement = *MakeStatement(st);
    CHECK_THAT(f.AppendRefused(subs), Catch::Contains("seal root"));
  }
  SECTION("a seal with a member missing") {
    auto subs = Sealed(f.p1, f.Generates(4, 50));
    subs.pop_back();
    CHECK_THAT(f.AppendRefused(subs), Catch::Contains("member 3 does not follow"));
  }
  // Was appended twice (two entries, one statement), and verify then found
  // the statement index naming the second for the first.
  SECTION("a seal holding one statement twice") {
    auto members = f.Generates(3, 70);
    members.push_back(members[1]);
    CHECK_THAT(f.AppendRefused(Sealed(f.p1, members)),
               Catch::Contains("line 5:") && Catch::Contains("repeats line 3 under the same seal"));
  }
  SECTION("a sealed member by another actor") {
    auto members = f.Generates(2, 60);
    members.push_back(Sign(f.p2, "generate", {{"mass_g", 1}}));
    CHECK_THAT(f.AppendRefused(Sealed(f.p1, members)), Catch::Contains("under a seal signed by"));
  }
  CHECK(f.ledger().size() == size);
  CHECK(Export(f.ledger()) == before);
  f.Reopen(Ledger::Mode::kRead);
  CHECK(Export(f.ledger()) == before);
}

TEST_CASE("keys are judged by log position: rotation and revocation", "[ledger]") {
  LedgerFixture f;
  auto new_key = KeyFromSeed("p1", 33);
  auto old_signed = f.Generates(1, 1)[0];
  f.AppendOk({Sign(f.regulator, "party", PartyRecord("p1", {"producer"}, {&new_key}))});
  // The old key is revoked from that seq on.
  CHECK_THAT(f.AppendRefused({old_signed}), Catch::Contains("revoked"));
  auto with_new = Sign(new_key, "generate", {{"mass_g", 5}});
  f.AppendOk({with_new});
  // An entry signed before the revocation still verifies: keys are judged at
  // the position of each entry.
  LedgerFixture g;
  g.AppendOk(g.Generates(2));
  g.AppendOk({Sign(g.regulator, "party", PartyRecord("p1", {"producer"}, {}))});
  auto result = VerifyLedger(g.ledger(), {});
  REQUIRE(result.ok());
  CHECK(result->ok());
  CHECK(result->signatures == g.ledger().size());
}

TEST_CASE("a key registered earlier in the same batch signs later statements", "[ledger]") {
  LedgerFixture f;
  auto p3 = KeyFromSeed("p3", 77);
  f.AppendOk({Sign(f.regulator, "party", PartyRecord("p3", {"carrier"}, {&p3})),
              Sign(p3, "pickup", {{"manifest", "20264110000001"}})});
  CHECK(f.ledger().size() == 5);
}

TEST_CASE("sealed batches: one signature covers the members", "[ledger]") {
  LedgerFixture f;
  auto subs = Sealed(f.p1, f.Generates(50));
  auto seqs = f.AppendOk(subs);
  REQUIRE(seqs.size() == 51);
  auto member = ParseEntry(*f.ledger().EntryBytes(seqs[10]));
  REQUIRE(member.ok());
  CHECK(member->header.seal_by == seqs[0]);
  CHECK(member->header.seal_index == 9);
  CHECK_FALSE(member->header.sig.has_value());
  // Replaying the whole sealed batch answers with the same seqs.
  auto again = f.AppendOk(subs);
  CHECK(again == seqs);
  // A member already in the ledger cannot be sealed again under a new seal.
  auto resealed = Sealed(f.p1, {subs[5]});
  resealed[1].seal_index = 0;
  CHECK_THAT(f.AppendRefused(resealed), Catch::Contains("already in the ledger at seq"));
  auto result = VerifyLedger(f.ledger(), {});
  REQUIRE(result.ok());
  CHECK(result->ok());
  CHECK(result->sealed == 50);
}

TEST_CASE("PreparedBatch never splits a seal", "[ledger]") {
  LedgerFixture f;
  auto subs = Sealed(f.p1, f.Generates(5));
  std::vector<Submission> head(subs.begin(), subs.begin() + 3);
  std::vector<Submission> rest(subs.begin() + 3, subs.end());
  auto a = f.ledger().Prepare(head);
  REQUIRE(a.ok());
  auto tail = a->TakeIncompleteSealTail();
  CHECK(a->empty());
  CHECK(tail.size() == 3);
  auto b = f.ledger().Prepare(rest);
  REQUIRE(b.ok());
  tail.Append(std::move(*b));
  CHECK(tail.TakeIncompleteSealTail().empty());
  auto appended = f.ledger().Append(std::move(tail));
  REQUIRE(appended.ok());
  CHECK(appended->size() == 6);
}

TEST_CASE("one writer at a time; readers see a consistent prefix", "[ledger]") {
  LedgerFixture f;
  auto second = Ledger::Open(f.dir(), Ledger::Mode::kWrite);
  REQUIRE_FALSE(second.ok());
  CHECK(second.status().code() == Status::Code::kBusy);
  CHECK_THAT(second.status().message(), Catch::Contains("ledger busy, held by pid " + std::to_string(getpid())));

  auto reader = Ledger::Open(f.dir(), Ledger::Mode::kRead);
  REQUIRE(reader.ok());
  CHECK((*reader)->size() == 3);
  f.AppendOk(f.Generates(10));
  // The reader keeps the prefix it opened with; a new reader sees the rest.
  CHECK((*reader)->size() == 3);
  CHECK((*reader)->EntryBytes(2).ok());
  auto fresh = Ledger::Open(f.dir(), Ledger::Mode::kRead);
  REQUIRE(fresh.ok());
  CHECK((*fresh)->size() == 13);
  CHECK_FALSE((*fresh)->Append(PreparedBatch()).ok());

  f.Close();
  auto now_free = Ledger::Open(f.dir(), Ledger::Mode::kWrite);
  CHECK(now_free.ok());
}

TEST_CASE("checkpoints: signed by the origin's key, stored, and the key is pinned", "[ledger]") {
  LedgerFixture f;
  auto wrong_name = f.ledger().SignCheckpoint(f.regulator);
  REQUIRE_FALSE(wrong_name.ok());
  CHECK_THAT(wrong_name.status().message(), Catch::Contains("named after the origin"));
  auto note = f.ledger().SignCheckpoint(f.operator_key);
  REQUIRE(note.ok());
  auto cp = OpenCheckpoint(*note, f.operator_key.verifier());
  REQUIRE(cp.ok());
  CHECK(cp->size == 3);
  CHECK(cp->root == *f.ledger().Root(3));
  auto impostor = KeyFromSeed("test.example/ledger", 99);
  auto refused = f.ledger().SignCheckpoint(impostor);
  REQUIRE_FALSE(refused.ok());
  CHECK_THAT(refused.status().message(), Catch::Contains("signed by"));
  CHECK(f.ledger().Checkpoints()->size() == 1);
}

TEST_CASE("Init refuses a directory that holds a ledger or other files", "[ledger]") {
  LedgerFixture f;
  f.Close();
  Json genesis = {{"origin", "o"}, {"timezone", "+08:00"},
                  {"party", PartyRecord("xcepb", {"regulator"}, {&f.regulator})}};
  auto again = Ledger::Init(f.dir(), Sign(f.regulator, "genesis", genesis));
  REQUIRE_FALSE(again.ok());
  CHECK_THAT(again.status().message(), Catch::Contains("already holds a ledger"));
  auto reopened = Ledger::Open(f.dir(), Ledger::Mode::kRead);
  REQUIRE(reopened.ok());
  CHECK((*reopened)->size() == 3);
  // A genesis whose actor is not the regulator it registers is refused and
  // leaves no directory behind.
  TempDir t;
  Json bad = {{"origin", "o"}, {"timezone", "+08:00"},
              {"party", PartyRecord("someone", {"regulator"}, {&f.p1})}};
  auto refused = Ledger::Init(t / "l", Sign(f.regulator, "genesis", bad));
  REQUIRE_FALSE(refused.ok());
  CHECK_FALSE(std::filesystem::exists(t / "l"));
}

namespace {

// ParseEntry reads entries in one pass and falls back to the reference path
// (parse to a tree, re-canonicalise, compare) for anything it does not
// accept; the two must never disagree.
// Returns whether the bytes are an entry (by both paths).
bool CheckAgainstReference(const std::string& bytes) {
  INFO("entry: " << Json(bytes).dump(-1, ' ', true, Json::error_handler_t::replace));
  auto fast = ParseEntry(bytes);
  auto lean = ParseEntry(bytes, EntryParse::kWithoutJson);
  auto ref = detail::ParseEntryByTree(bytes);
  REQUIRE(fast.ok() == ref.ok());
  REQUIRE(lean.ok() == ref.ok());
  if (!ref.ok()) {
    CHECK(fast.status().message() == ref.status().message());
    return false;
  }
  REQUIRE(SameEntry(*fast, *ref));
  REQUIRE(SameEntry(*lean, *ref));
  REQUIRE(fast->statement.json == ref->statement.json);
  REQUIRE(lean->statement.json.is_null());
  return true;
}

}  // namespace

TEST_CASE("ParseEntry agrees with the reference path on entries and their mutants", "[ledger][entry]") {
  LedgerFixture f;
  auto p3 = KeyFromSeed("p3", 77);
  f.AppendOk({Sign(f.regulator, "party", PartyRecord("p3", {"carrier"}, {&p3}))});
  f.AppendOk(f.Generates(20));
  f.AppendOk(Sealed(f.p1, f.Generates(10, 100)));
  // Escapes in the nonce and the body; an offset time.
  f.AppendOk({Sign(f.p1, "generate", {{"note", "tab\there \"quoted\" back\\slash \u00e9 \xe5\xba\x9f"}},
                   "2026-03-01T08:30:00-05:30", "n\"1\\\n")});
  std::vector<std::string> entries;
  for (uint64_t seq = 0; seq < f.ledger().size(); ++seq) {
    auto bytes = f.ledger().EntryBytes(seq);
    REQUIRE(bytes.ok());
    entries.push_back(*bytes);
    CHECK(CheckAgainstReference(*bytes));
  }
  std::mt19937_64 rng(0xe7'7a1e);
  const std::string interesting = [] {
    std::string s = "{}[]\",:\\ -+.eE0159afuZTntrl/";
    for (int b : {0x7f, 0x80, 0xc3, 0xe5, 0xff, 0x01, 0x00}) s += static_cast<char>(b);
    return s;
  }();
  auto pick = [&rng](size_t n) { return static_cast<size_t>(rng() % n); };
  int accepted = 0, refused = 0;
  for (const auto& original : entries) {
    for (int m = 0; m < 300; ++m) {
      std::string text = original;
      const size_t at = pick(text.size());
      switch (pick(4)) {
        case 0: text[at] = interesting[pick(interesting.size())]; break;
        case 1: text.insert(text.begin() + static_cast<std::ptrdiff_t>(at), interesting[pick(interesting.size())]); break;
        case 2: text.erase(at, 1 + pick(3)); break;
        default:  // a character for another of its class, so most mutants stay well formed
          if (text[at] >= '0' && text[at] <= '9') {
            text[at] = static_cast<char>('0' + pick(10));
          } else if (text[at] >= 'a' && text[at] <= 'z') {
            text[at] = static_cast<char>('a' + pick(26));
          }
      }
      (CheckAgainstReference(text) ? accepted : refused) += 1;
    }
  }
  // Both verdicts were exercised in numbers.
  CHECK(accepted > 1000);
  CHECK(refused > 1000);
}

TEST_CASE("refusals naming a member quote it on one line", "[ledger][entry]") {
  // Found by tests/fuzz/entry_parse_fuzz: a member name holding a line feed
  // used to be written raw into the message.
  auto entry = ParseEntry(R"({"a\nb":1})");
  REQUIRE_FALSE(entry.ok());
  CHECK(entry.status().message() == R"(entry has unknown member "a\nb")");
  auto st = MakeStatement(Json{{"v", 1}, {"kind", "generate"}, {"actor", "p"}, {"time", "2026-03-01T08:30:00Z"},
                               {"body", Json::object()}, {"x\r\ny", 1}});
  REQUIRE_FALSE(st.ok());
  CHECK(st.status().message() == R"(statement field "x\r\ny": unknown member (allowed: v, kind, actor, time, body, nonce))");
  auto party = PartyFromRecord(Json{{"id\t", 1}}, 0);
  REQUIRE_FALSE(party.ok());
  CHECK(party.status().message().find('\t') == std::string::npos);
}

TEST_CASE("a statement from its canonical text equals the one built from its tree", "[ledger][statement]") {
  const Json tree = {{"v", 1},
                     {"kind", "import"},
                     {"actor", "bureau"},
                     {"time", "2026-03-01T08:30:00+08:00"},
                     {"body", {{"record", "manifest"}, {"name", "废矿物油"}, {"mass_g", 1500}, {"note", "a \"q\"\n"}}}};
  auto built = MakeStatement(tree);
  REQUIRE(built.ok());
  auto from_text = MakeStatementFromCanonical(built->jcs);
  REQUIRE(from_text.ok());
  CHECK(from_text->jcs == built->jcs);
  CHECK(from_text->hash == built->hash);
  CHECK(from_text->json == built->json);
  CHECK(from_text->kind == "import");
  CHECK(from_text->actor == "bureau");

  // Valid JSON that is not the canonical form: members out of order, white
  // space, an escape JCS does not use.
  for (const std::string text :
       {R"({"body":{},"actor":"bureau","kind":"import","time":"2026-03-01T08:30:00Z","v":1})",
        R"({"actor":"bureau", "body":{},"kind":"import","time":"2026-03-01T08:30:00Z","v":1})",
        R"({"actor":"bur\u0065au","body":{},"kind":"import","time":"2026-03-01T08:30:00Z","v":1})"}) {
    auto st = MakeStatementFromCanonical(text);
    REQUIRE_FALSE(st.ok());
    CHECK(st.status().message().find("not in canonical form") != std::string::npos);
  }
  // Canonical, but not a statement: the envelope's own message.
  auto no_body = MakeStatementFromCanonical(R"({"actor":"bureau","kind":"import","time":"2026-03-01T08:30:00Z","v":1})");
  REQUIRE_FALSE(no_body.ok());
  CHECK(no_body.status().message() == R"(statement field "body": missing)");
  CHECK_FALSE(MakeStatementFromCanonical(R"({"actor":)").ok());
}

namespace {

// A state hook that counts every statement under one key with
// AddCounters, and checks that the batch reads back the running sum.
class CountingHook : public StateHook {
 public:
  Status Apply(uint64_t, const Statement&, std::optional<uint64_t>, const ApplyContext&,
               BatchAccess& batch) override {
    if (put_first_) {
      batch.Put("Xtest", Column(100));
      put_first_ = false;
    }
    batch.AddCounters("Xtest", Column(1));
    auto now = batch.Get("Xtest");
    if (!now.ok()) return now.status();
    seen_.push_back(now->has_value() ? Value(**now) : -1);
    return Status::Ok();
  }
  void Commit() override {}
  void Abort() override {}

  static std::string Column(int64_t v) {
    std::string out(8, '\0');
    for (int i = 7; i >= 0; --i, v >>= 8) out[static_cast<size_t>(i)] = static_cast<char>(v & 0xff);
    return out;
  }
  static int64_t Value(const std::string& bytes) {
    int64_t v = 0;
    for (char c : bytes) v = v * 256 + static_cast<unsigned char>(c);
    return v;
  }
  bool put_first_ = false;
  std::vector<int64_t> seen_;
};

}  // namespace

TEST_CASE("counters added in a batch are read back summed, within it and after", "[ledger][store]") {
  LedgerFixture f;
  CountingHook hook;
  f.ledger().SetStateHook(&hook);
  f.AppendOk(f.Generates(3));
  CHECK(hook.seen_ == std::vector<int64_t>{1, 2, 3});
  f.AppendOk(f.Generates(2, 3));
  CHECK(hook.seen_ == std::vector<int64_t>{1, 2, 3, 4, 5});
  // A put in the batch replaces the stored sum; later additions go on it.
  hook.put_first_ = true;
  f.AppendOk(f.Generates(2, 5));
  CHECK(hook.seen_ == std::vector<int64_t>{1, 2, 3, 4, 5, 101, 102});
  // Reopened: the additions committed before (still merge operands in
  // RocksDB's log and memtable) are part of the stored value.
  f.ledger().SetStateHook(nullptr);
  f.Reopen();
  f.ledger().SetStateHook(&hook);
  hook.seen_.clear();
  f.AppendOk(f.Generates(1, 7));
  CHECK(hook.seen_ == std::vector<int64_t>{103});
  f.ledger().SetStateHook(nullptr);
}

TEST_CASE("the stored tree answers every root and proof across tiles, batches, pipelining and reopening",
          "[ledger][tree]") {
  // Batches that end inside a tile, on a tile's edge and across the edge of
  // the next tier (16 and 256 leaves), some written pipelined, with a reopen
  // in the middle: each batch reads the tiles the one before began.
  LedgerFixture f;
  int nonce = 0;
  const std::vector<int> batches = {1, 12, 16, 17, 1, 190, 33, 255, 2};
  for (size_t b = 0; b < batches.size(); ++b) {
    auto prepared = f.ledger().Prepare(f.Generates(batches[b], nonce));
    nonce += batches[b];
    REQUIRE(prepared.ok());
    auto appended = b % 3 == 1 ? f.ledger().AppendPipelined(std::move(*prepared))
                               : f.ledger().Append(std::move(*prepared));
    INFO(appended.status().message());
    REQUIRE(appended.ok());
    if (b == 4) f.Reopen();
  }
  f.Reopen(Ledger::Mode::kRead);
  const uint64_t n = f.ledger().size();
  REQUIRE(n == 3 + 527);
  std::vector<Hash> leaves;
  REQUIRE(f.ledger().ScanEntries(0, n, [&](uint64_t, std::string_view b) {
                    leaves.push_back(HashLeaf(b));
                    return true;
                  }).ok());
  std::vector<Hash> scanned;
  REQUIRE(f.ledger().ScanLeafHashes(0, n, [&](uint64_t, const Hash& h) { scanned.push_back(h); }).ok());
  CHECK(scanned == leaves);
  std::vector<Hash> roots(n + 1);
  for (uint64_t size = 1; size <= n; ++size) {
    roots[size] = RootFromLeafHashes(std::span(leaves).first(size));
    auto root = f.ledger().Root(size);
    REQUIRE(root.ok());
    REQUIRE(*root == roots[size]);
  }
  for (uint64_t size : {uint64_t{1}, uint64_t{16}, uint64_t{17}, uint64_t{256}, uint64_t{257}, uint64_t{300}, n}) {
    for (uint64_t index = 0; index < size; ++index) {
      auto proof = f.ledger().InclusionProof(index, size);
      REQUIRE(proof.ok());
      CHECK(VerifyInclusion(index, size, leaves[index], *proof, roots[size]).ok());
    }
    for (uint64_t older = 1; older <= size; ++older) {
      auto proof = f.ledger().ConsistencyProof(older, size);
      REQUIRE(proof.ok());
      CHECK(VerifyConsistency(older, size, *proof, roots[older], roots[size]).ok());
    }
  }
}

TEST_CASE("the last regulator keeps its role and a key", "[ledger]") {
  LedgerFixture f;
  const uint64_t size = f.ledger().size();
  const std::string before = Export(f.ledger());
  SECTION("taking its own regulator role away is refused") {
    auto sub = Sign(f.regulator, "party", PartyRecord("xcepb", {"producer"}, {&f.regulator}));
    CHECK_THAT(f.AppendRefused({sub}),
               Catch::Contains("party \"xcepb\" is the last regulator with a key: this record takes the "
                               "regulator role from it"));
  }
  SECTION("revoking its own last key is refused") {
    auto sub = Sign(f.regulator, "party", PartyRecord("xcepb", {"regulator"}, {}));
    CHECK_THAT(f.AppendRefused({sub}), Catch::Contains("this record leaves no key to it"));
  }
  SECTION("a regulator registered earlier in the same batch may take over") {
    auto second = KeyFromSeed("city", 91);
    f.AppendOk({Sign(f.regulator, "party", PartyRecord("city", {"regulator"}, {&second})),
                Sign(f.regulator, "party", PartyRecord("xcepb", {"producer"}, {}))});
    // The handed-over regulator can still register parties; the old one cannot.
    f.AppendOk({Sign(second, "party", PartyRecord("p3", {"carrier"}, {}))});
    CHECK_THAT(f.AppendRefused({Sign(second, "party", PartyRecord("city", {"producer"}, {&second}))}),
               Catch::Contains("party \"city\" is the last regulator with a key"));
    return;
  }
  CHECK(f.ledger().size() == size);
  CHECK(Export(f.ledger()) == before);
}

namespace {

// The export's lines (without their "\n").
std::vector<std::string> ExportLines(const Ledger& ledger) {
  std::vector<std::string> lines;
  REQUIRE(ledger
              .ScanEntries(0, ledger.size(),
                           [&](uint64_t, std::string_view b) {
                             lines.emplace_back(b);
                             return true;
                           })
              .ok());
  return lines;
}

// Appends lines[from, to) of an export to `ledger` as exported entries.
Result<std::vector<AppendedEntry>> AppendExported(Ledger& ledger, const std::vector<std::string>& lines,
                                                  size_t from, size_t to) {
  std::vector<std::string> part(lines.begin() + static_cast<std::ptrdiff_t>(from),
                                lines.begin() + static_cast<std::ptrdiff_t>(to));
  std::vector<uint64_t> numbers;
  for (size_t i = from; i < to; ++i) numbers.push_back(i + 1);
  WL_ASSIGN_OR_RETURN(PreparedBatch batch, ledger.PrepareExported(part, numbers));
  return ledger.Append(std::move(batch));
}

}  // namespace

TEST_CASE("restore: an export appended as exported entries is the same ledger", "[ledger][restore]") {
  LedgerFixture f;
  f.AppendOk(f.Generates(3));
  f.AppendOk(Sealed(f.p1, f.Generates(4, 10)));
  f.AppendOk(f.Generates(2, 20));
  const auto lines = ExportLines(f.ledger());
  REQUIRE(lines.size() == 13);
  TempDir tmp;
  auto restored = Ledger::InitFromExport(tmp / "copy", lines[0]);
  INFO(restored.status().message());
  REQUIRE(restored.ok());
  Ledger& copy = **restored;
  // In two batches, the second starting with the seal.
  auto first = AppendExported(copy, lines, 1, 6);
  INFO(first.status().message());
  REQUIRE(first.ok());
  auto second = AppendExported(copy, lines, 6, lines.size());
  REQUIRE(second.ok());
  CHECK(second->front().seq == 6);
  CHECK_FALSE(second->front().replay);
  CHECK(ExportLines(copy) == lines);
  CHECK(*copy.Root(copy.size()) == *f.ledger().Root(f.ledger().size()));
  CHECK(copy.FindParty("p2") != nullptr);

  // The same entries again: the ledger holds each statement once.
  auto again = AppendExported(copy, lines, 3, 4);
  REQUIRE_FALSE(again.ok());
  CHECK(again.status().message() ==
        "line 4: seq 13: its statement is already in this ledger at seq 3 (a ledger holds a statement once: "
        "the "
        "export repeats it)");
  CHECK(ExportLines(copy) == lines);
}

TEST_CASE("restore: an entry out of place, or after an edited one, is refused and nothing written",
          "[ledger][restore]") {
  LedgerFixture f;
  f.AppendOk(f.Generates(3));
  const auto lines = ExportLines(f.ledger());
  REQUIRE(lines.size() == 6);
  TempDir tmp;
  auto restored = Ledger::InitFromExport(tmp / "copy", lines[0]);
  REQUIRE(restored.ok());
  Ledger& copy = **restored;
  // Line 3 (seq 2) where seq 1 belongs.
  auto skipped = AppendExported(copy, lines, 2, 3);
  REQUIRE_FALSE(skipped.ok());
  CHECK(skipped.status().code() == Status::Code::kCorruption);
  CHECK(skipped.status().message() ==
        "line 3: seq 1: the exported entry is not the one this ledger writes for its statement at that point "
        "(its seq, prev or seal differs: entries are missing, repeated or out of order, or one was edited)");
  CHECK(copy.size() == 1);
  // Seq 3 with another logged time (its statement and signature intact) is
  // written as it stands, but seq 4's prev no longer follows it.
  REQUIRE(AppendExported(copy, lines, 1, 3).ok());
  std::vector<std::string> edited = lines;
  const size_t at = edited[3].find("\"logged\":\"2");
  REQUIRE(at != std::string::npos);
  edited[3][at + 11] = '1';  // 2026-... -> 1026-...
  auto broken = AppendExported(copy, edited, 3, 5);
  REQUIRE_FALSE(broken.ok());
  CHECK_THAT(broken.status().message(),
             Catch::StartsWith("line 5: seq 4: the exported entry is not the one"));
  CHECK(ExportLines(copy) == std::vector<std::string>(lines.begin(), lines.begin() + 3));

  // A first line that is not a genesis makes no ledger (the directory is
  // left to the restore that claimed it, which removes it).
  auto not_genesis = Ledger::InitFromExport(tmp / "other", lines[1]);
  REQUIRE_FALSE(not_genesis.ok());
  CHECK(not_genesis.status().message() == "line 1: the first entry must be the genesis statement");
  CHECK_FALSE(Ledger::Open(tmp / "other", Ledger::Mode::kRead).ok());
}

TEST_CASE("a checkpoint signed elsewhere is stored only if it signs this ledger's root", "[ledger]") {
  LedgerFixture f;
  auto note = f.ledger().SignCheckpoint(f.operator_key);  // size 3, on the original
  REQUIRE(note.ok());
  const auto lines = ExportLines(f.ledger());
  f.AppendOk(f.Generates(2));
  auto later = f.ledger().SignCheckpoint(f.operator_key);  // size 5
  REQUIRE(later.ok());
  TempDir tmp;
  auto restored = Ledger::InitFromExport(tmp / "copy", lines[0]);
  REQUIRE(restored.ok());
  Ledger& copy = **restored;
  REQUIRE(AppendExported(copy, lines, 1, lines.size()).ok());
  const VerifierKey& vk = f.operator_key.verifier();
  auto refused = [&](std::string_view n, const VerifierKey& k) {
    Status s = copy.AdoptCheckpoint(n, k);
    CHECK(s.code() == Status::Code::kRefused);
    CHECK(copy.Checkpoints()->empty());
    CHECK_FALSE(*copy.OperatorKey());
    return s.message();
  };
  CHECK_THAT(refused(*note, f.regulator.verifier()), Catch::Contains("must be named after the origin"));
  const auto impostor = KeyFromSeed("test.example/ledger", 99);
  CHECK_FALSE(copy.AdoptCheckpoint(*note, impostor.verifier()).ok());  // its signature does not check
  CHECK(refused(*later, vk) == "the checkpoint signs size 5, and this ledger holds 3 entries");
  // A note with the right size and a good signature over another root.
  Checkpoint other{"test.example/ledger", 3, Sha256("x"), {}};
  CHECK_THAT(refused(SignCheckpoint(other, f.operator_key), vk),
             Catch::StartsWith("the checkpoint signs root " + ToHex(other.root) + " at size 3"));

  REQUIRE(copy.AdoptCheckpoint(*note, vk).ok());
  CHECK(*copy.Checkpoints() == std::vector<std::string>{*note});
  REQUIRE(*copy.OperatorKey());
  CHECK((*copy.OperatorKey())->ToString() == vk.ToString());
  // The key is pinned: another named after the origin signs nothing here.
  CHECK_THAT(copy.SignCheckpoint(impostor).status().message(), Catch::Contains("signed by"));
  auto verified = VerifyLedger(copy, {});
  REQUIRE(verified.ok());
  CHECK(verified->ok());
}
