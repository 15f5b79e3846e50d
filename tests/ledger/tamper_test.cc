// Tampering directly in RocksDB (edit, delete, reorder an entry) and history
// rewrites against older checkpoints (rollback, fork): verify must name the
// first bad seq, and never crash.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "ledger_fixture.h"
#include "raw_db.h"
#include "store.h"
#include "wasteledger/verify.h"

using namespace wasteledger;
using namespace wasteledger::testing;

namespace {

VerifyResult VerifyAt(const std::string& dir, VerifyOptions options = {}) {
  auto ledger = Ledger::Open(dir, Ledger::Mode::kRead);
  REQUIRE(ledger.ok());
  auto result = VerifyLedger(**ledger, options);
  INFO(result.status().message());
  REQUIRE(result.ok());
  return *result;
}

std::string ReplaceFirst(std::string s, const std::string& from, const std::string& to) {
  auto pos = s.find(from);
  REQUIRE(pos != std::string::npos);
  return s.replace(pos, from.size(), to);
}

}  // namespace

TEST_CASE("an untouched ledger verifies", "[tamper]") {
  LedgerFixture f;
  f.AppendOk(f.Generates(100));
  REQUIRE(f.ledger().SignCheckpoint(f.operator_key).ok());
  f.Close();
  auto r = VerifyAt(f.dir());
  CHECK(r.ok());
  CHECK(r.size == 103);
  CHECK(r.signatures == 103);
  CHECK(r.checkpoints == 1);
}

TEST_CASE("verify names the seq of an entry edited in RocksDB", "[tamper]") {
  LedgerFixture f;
  f.AppendOk(f.Generates(40));
  f.Close();
  const uint64_t victim = GENERATE(uint64_t{0}, uint64_t{1}, uint64_t{17}, uint64_t{42});
  RawDb db(f.dir());
  std::string bytes = db.Get(EntryKey(victim));

  SECTION("edit the bytes") {
    // Change one digit of the logged time: still valid JSON, same length.
    auto pos = bytes.find("\"logged\":\"2") + 11;
    bytes[pos] = bytes[pos] == '1' ? '2' : '1';
    db.Put(EntryKey(victim), bytes);
    auto r = VerifyAt(f.dir());
    REQUIRE_FALSE(r.ok());
    CHECK(r.failure->seq == victim);
    CHECK_THAT(r.failure->problem, Catch::Contains("edited"));
  }
  SECTION("edit the bytes and the stored leaf hash too: the chain catches it") {
    if (victim == 42) return;  // the last entry has no successor: see the checkpoint test
    bytes = ReplaceFirst(bytes, "\"seq\":" + std::to_string(victim),
                         "\"seq\":" + std::to_string(victim) + " ");
    db.Put(EntryKey(victim), bytes);
    auto r = VerifyAt(f.dir());
    REQUIRE_FALSE(r.ok());
    CHECK(r.failure->seq == victim);
  }
  SECTION("delete it") {
    db.Delete(EntryKey(victim));
    auto r = VerifyAt(f.dir());
    REQUIRE_FALSE(r.ok());
    CHECK(r.failure->seq == victim);
    CHECK_THAT(r.failure->problem, Catch::Contains("missing"));
  }
  SECTION("swap it with its neighbour") {
    const uint64_t other = victim == 42 ? 41 : victim + 1;
    const std::string other_bytes = db.Get(EntryKey(other));
    db.Put(EntryKey(victim), other_bytes);
    db.Put(EntryKey(other), bytes);
    auto r = VerifyAt(f.dir());
    REQUIRE_FALSE(r.ok());
    CHECK(r.failure->seq == std::min(victim, other));
  }
  SECTION("swap it with its neighbour, leaf hashes and all") {
    const uint64_t other = victim == 42 ? 41 : victim + 1;
    const std::string other_bytes = db.Get(EntryKey(other));
    const std::string leaf = db.GetNode(0, victim), other_leaf = db.GetNode(0, other);
    db.Put(EntryKey(victim), other_bytes);
    db.Put(EntryKey(other), bytes);
    db.PutNode(0, victim, other_leaf);
    db.PutNode(0, other, leaf);
    auto r = VerifyAt(f.dir());
    REQUIRE_FALSE(r.ok());
    CHECK(r.failure->seq == std::min(victim, other));
    CHECK_THAT(r.failure->problem, Catch::Contains("says seq"));
  }
}

TEST_CASE("an edited last entry with a recomputed leaf is caught by the stored tree", "[tamper]") {
  LedgerFixture f;
  f.AppendOk(f.Generates(10));
  f.Close();
  RawDb db(f.dir());
  const uint64_t last = 12;
  std::string bytes = db.Get(EntryKey(last));
  bytes = ReplaceFirst(bytes, "\"mass_g\":1009", "\"mass_g\":9009");
  // The attacker re-signs nothing (cannot), so the signature check fails.
  db.Put(EntryKey(last), bytes);
  db.PutNode(0, last, std::string(AsBytes(HashLeaf(bytes))));
  auto r = VerifyAt(f.dir());
  REQUIRE_FALSE(r.ok());
  CHECK(r.failure->seq == last);
  CHECK_THAT(r.failure->problem, Catch::Contains("signature does not verify"));
}

// An edited leaf hash in the tiles was blamed on the entry ("the entry was
// edited"); the next entry's prev shows the entry is intact.
TEST_CASE("a leaf hash edited in the tiles is named as such, an edited entry as an edited entry",
          "[tamper]") {
  LedgerFixture f;
  f.AppendOk(f.Generates(10));
  f.Close();
  RawDb db(f.dir());
  SECTION("the stored leaf") {
    db.PutNode(0, 4, std::string(32, '\x5a'));
    auto r = VerifyAt(f.dir());
    REQUIRE_FALSE(r.ok());
    CHECK(r.failure->seq == 4);
    CHECK_THAT(r.failure->problem,
               Catch::Contains("the leaf hash stored for the entry in the tree's tiles is "
                               "not the entry's (the tiles were edited; the entry still "
                               "chains to seq 5)"));
  }
  SECTION("the entry") {
    db.Put(EntryKey(4), ReplaceFirst(db.Get(EntryKey(4)), "\"mass_g\":100", "\"mass_g\":900"));
    auto r = VerifyAt(f.dir());
    REQUIRE_FALSE(r.ok());
    CHECK(r.failure->seq == 4);
    CHECK_THAT(r.failure->problem, Catch::Contains("entry does not hash to the leaf hash stored for it (the "
                                                   "entry was edited)"));
  }
}

TEST_CASE("rollback and fork against an older checkpoint", "[tamper]") {
  LedgerFixture f;
  f.AppendOk(f.Generates(20));
  auto note = f.ledger().SignCheckpoint(f.operator_key);
  REQUIRE(note.ok());
  VerifyOptions with_cp;
  with_cp.checkpoint_note = *note;
  with_cp.checkpoint_key = f.operator_key.verifier();

  SECTION("a ledger that extends the checkpoint is consistent") {
    f.AppendOk(f.Generates(7, 100));
    f.Close();
    auto r = VerifyAt(f.dir(), with_cp);
    CHECK(r.ok());
  }
  SECTION("rollback: entries removed after the checkpoint was published") {
    f.Close();
    {
      RawDb db(f.dir());
      for (uint64_t s = 15; s < 23; ++s) db.Delete(EntryKey(s));
      db.Put(MetaKey(kMetaSize), EncodeU64(15));
      db.Delete(CheckpointKey(23));
    }
    auto r = VerifyAt(f.dir(), with_cp);
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.failure->problem, Catch::Contains("rollback"));
  }
  SECTION("fork: another history under the same keys") {
    LedgerFixture other;  // same seeds, same genesis content
    other.AppendOk(other.Generates(20, 5000));
    other.Close();
    auto r = VerifyAt(other.dir(), with_cp);
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.failure->problem, Catch::Contains("fork"));
  }
  SECTION("a checkpoint signed by someone else is refused") {
    auto impostor = KeyFromSeed("test.example/ledger", 99);
    VerifyOptions o;
    o.checkpoint_note = SignCheckpoint(Checkpoint{"test.example/ledger", 23, *f.ledger().Root(23), {}}, impostor);
    f.Close();
    auto ledger = Ledger::Open(f.dir(), Ledger::Mode::kRead);
    REQUIRE(ledger.ok());
    auto r = VerifyLedger(**ledger, o);
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.status().message(), Catch::StartsWith("checkpoint: "));
    CHECK_THAT(r.status().message(), !Catch::Contains("checkpoint: checkpoint"));
  }
}

TEST_CASE("a stored checkpoint that no longer matches is reported", "[tamper]") {
  LedgerFixture f;
  f.AppendOk(f.Generates(5));
  REQUIRE(f.ledger().SignCheckpoint(f.operator_key).ok());
  f.Close();
  {
    RawDb db(f.dir());
    // Rewrite history wholesale (entries and tree) but keep the old checkpoint.
    LedgerFixture other;
    other.AppendOk(other.Generates(5, 900));
    other.Close();
    auto src = Ledger::Open(other.dir(), Ledger::Mode::kRead);
    REQUIRE(src.ok());
    for (uint64_t s = 0; s < 8; ++s) {
      // The statement index follows the rewritten entries too.
      db.Delete(StatementKey(ParseEntry(db.Get(EntryKey(s)))->statement.hash));
      db.Put(StatementKey(ParseEntry(*(*src)->EntryBytes(s))->statement.hash), EncodeU64(s));
      db.Put(EntryKey(s), *(*src)->EntryBytes(s));
      db.PutNode(0, s, std::string(AsBytes(*(*src)->LeafHash(s))));
    }
    db.PutNode(3, 0, std::string(AsBytes(*(*src)->Root(8))));
  }
  auto r = VerifyAt(f.dir());
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.failure->problem, Catch::Contains("checkpoint"));
}

TEST_CASE("a stored tree node that proofs read but the root does not is checked too", "[tamper][tree]") {
  // 304 entries: the root reads only the nodes of its right edge; a proof for
  // an older entry reads others, which verify checks against their children.
  LedgerFixture f;
  int nonce = 0;
  for (int n : {100, 150, 51}) {
    f.AppendOk(f.Generates(n, nonce));
    nonce += n;
  }
  REQUIRE(f.ledger().size() == 304);
  f.Close();
  CHECK(VerifyAt(f.dir()).ok());
  const std::string forged(32, '\x5a');
  RawDb db(f.dir());
  SECTION("a node inside a tile") {
    db.PutNode(2, 5, forged);
    auto r = VerifyAt(f.dir());
    REQUIRE_FALSE(r.ok());
    CHECK_FALSE(r.failure->seq);
    CHECK_THAT(r.failure->problem, Catch::Contains("level 2, index 5: seqs 20..23") &&
                                       Catch::Contains("is not the hash of its children"));
  }
  SECTION("a node at the bottom of a higher tier") {
    db.PutNode(4, 3, forged);
    auto r = VerifyAt(f.dir());
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.failure->problem, Catch::Contains("level 4, index 3: seqs 48..63"));
  }
  SECTION("a node of the tile's top level, consistent with a forged parent") {
    // Rewriting a node and its parent both leaves the grandparent to tell.
    db.PutNode(3, 4, forged);
    auto r = VerifyAt(f.dir());
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.failure->problem, Catch::Contains("level 3, index 4: seqs 32..39"));
  }
  SECTION("a node stored before its entries are all in") {
    const NodeLocation at = LocateNode(4, 19);  // leaves 304..319; the tree has 0..303
    std::string tile = db.Get(at.key());
    tile.replace(at.offset, 32, forged);
    db.Put(at.key(), tile);
    auto r = VerifyAt(f.dir());
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.failure->problem, Catch::Contains("holds node (level 4, index 19: seqs 304..319) before"));
  }
  SECTION("a tile deleted") {
    db.Delete(TileKey(1, 0));
    auto r = VerifyAt(f.dir());
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.failure->problem, Catch::Contains("tile (1, 0) is missing"));
  }
  SECTION("a tile beyond the tree") {
    db.Put(TileKey(0, 40), std::string(kTileBytes, '\0'));
    auto r = VerifyAt(f.dir());
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.failure->problem, Catch::Contains("tile (0, 40) beyond a tree of 304 entries"));
  }
}

TEST_CASE("the statement index and the party records are checked against the log", "[tamper][index]") {
  LedgerFixture f;
  f.AppendOk(f.Generates(20));  // seqs 3..22
  f.Close();
  CHECK(VerifyAt(f.dir()).ok());
  RawDb db(f.dir());
  auto statement_key = [&](uint64_t seq) { return StatementKey(ParseEntry(db.Get(EntryKey(seq)))->statement.hash); };
  SECTION("a statement key naming another seq: a replay would be answered with it") {
    db.Put(statement_key(7), EncodeU64(3));
    auto r = VerifyAt(f.dir());
    REQUIRE_FALSE(r.ok());
    CHECK(r.failure->seq == 7);
    CHECK_THAT(r.failure->problem, Catch::Contains("names seq 3"));
  }
  SECTION("a statement key deleted: a replay would be appended again") {
    db.Delete(statement_key(9));
    auto r = VerifyAt(f.dir());
    REQUIRE_FALSE(r.ok());
    CHECK(r.failure->seq == 9);
    CHECK_THAT(r.failure->problem, Catch::Contains("has no key for this entry's statement"));
  }
  SECTION("a statement key for a statement never appended") {
    db.Put(StatementKey(Hash{}), EncodeU64(5));
    auto r = VerifyAt(f.dir());
    REQUIRE_FALSE(r.ok());
    CHECK_FALSE(r.failure->seq);
    CHECK_THAT(r.failure->problem, Catch::Contains("holds 24 keys for 23 entries"));
  }
  SECTION("a party record edited") {
    std::string rec = db.Get(PartyKey("p1"));
    db.Put(PartyKey("p1"), ReplaceFirst(rec, "\"seq\":1", "\"seq\":2"));
    auto r = VerifyAt(f.dir());
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.failure->problem, Catch::Contains("stored party record of \"p1\" differs from the one the log "
                                                   "put in force at seq 1"));
  }
  SECTION("a party record deleted") {
    db.Delete(PartyKey("p2"));
    auto r = VerifyAt(f.dir());
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.failure->problem, Catch::Contains("no party record of \"p2\" (registered by the log at seq 2)"));
  }
  SECTION("a party record the log never registered") {
    db.Put(PartyKey("ghost"), db.Get(PartyKey("p1")));
    auto r = VerifyAt(f.dir());
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.failure->problem, Catch::Contains("party record of \"ghost\" that the log never registered"));
  }
}

// A damaged table file (one byte flipped on disk, below RocksDB): verify says
// the storage is damaged at the first seq it cannot read, not that an entry
// is missing.
TEST_CASE("a damaged table file is reported as damaged storage", "[tamper]") {
  LedgerFixture f;
  f.AppendOk(f.Generates(3000));
  f.Close();  // the memtable goes into a table file
  namespace fs = std::filesystem;
  fs::path largest;
  for (const auto& e : fs::directory_iterator(f.dir())) {
    if (e.path().extension() == ".sst" && (largest.empty() || fs::file_size(e.path()) > fs::file_size(largest))) {
      largest = e.path();
    }
  }
  REQUIRE(!largest.empty());
  {
    // The first data block holds the lowest keys: the first entries.
    std::fstream file(largest, std::ios::in | std::ios::out | std::ios::binary);
    file.seekg(200);
    char c = 0;
    file.get(c);
    file.seekp(200);
    file.put(static_cast<char>(c ^ 0x5a));
  }
  auto ledger = Ledger::Open(f.dir(), Ledger::Mode::kRead);
  REQUIRE(ledger.ok());
  auto r = VerifyLedger(**ledger, {});
  std::string problem = r.ok() ? (r->failure ? r->failure->problem : "passed") : r.status().message();
  INFO(problem);
  CHECK(problem.find("the ledger's storage is damaged (RocksDB: ") != std::string::npos);
  CHECK(problem.find("missing") == std::string::npos);
  if (r.ok()) {
    REQUIRE(r->failure);
    CHECK(r->failure->seq == 0);
  }
}
