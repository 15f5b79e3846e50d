// The RocksDB store's write batch: puts are handed to RocksDB sorted by key,
// and of several puts to one key the last one recorded wins, as in a plain
// rocksdb::WriteBatch; counters added blind (merges) sum with what is stored.
// And readers opening while a writer flushes and compacts.
#include "store.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <rocksdb/db.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <set>
#include <thread>

#include "test_util.h"

namespace wasteledger {
namespace {

TEST_CASE("StoreBatch: any order in, last put of a key wins, all committed at once", "[store]") {
  testing::TempDir tmp;
  auto store = Store::Open(tmp / "db", Store::Mode::kCreate);
  REQUIRE(store.ok());
  StoreBatch batch;
  batch.Put("k3", "three");
  batch.Put("k1", "first");
  batch.Put("k2", std::string("with\0nul", 8));
  batch.Put("k1", "second");
  batch.Put("", "empty key");
  batch.Put("k1", "third");
  CHECK(batch.Count() == 6);
  // Nothing is visible before the commit.
  auto before = (*store)->Get("k1");
  REQUIRE(before.ok());
  CHECK_FALSE(before->has_value());
  REQUIRE((*store)->Commit(batch).ok());
  auto get = [&](std::string_view key) {
    auto v = (*store)->Get(key);
    REQUIRE(v.ok());
    REQUIRE(v->has_value());
    return **v;
  };
  CHECK(get("k1") == "third");
  CHECK(get("k2") == std::string("with\0nul", 8));
  CHECK(get("k3") == "three");
  CHECK(get("") == "empty key");
  std::vector<std::string> keys;
  REQUIRE((*store)->Scan("k", "", [&](std::string_view k, std::string_view) {
                    keys.emplace_back(k);
                    return true;
                  }).ok());
  CHECK(keys == std::vector<std::string>{"k1", "k2", "k3"});
}

std::string Columns(std::initializer_list<int64_t> values) {
  std::string out;
  for (int64_t v : values) {
    const auto u = static_cast<uint64_t>(v);
    for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((u >> shift) & 0xff));
  }
  return out;
}

TEST_CASE("AddCounterBytes adds 8-byte columns, the shorter reading as zeros", "[store]") {
  std::string v = Columns({1, -5});
  REQUIRE(AddCounterBytes(&v, Columns({10, 5, 7})));
  CHECK(v == Columns({11, 0, 7}));
  REQUIRE(AddCounterBytes(&v, Columns({-20})));
  CHECK(v == Columns({-9, 0, 7}));
  std::string empty;
  REQUIRE(AddCounterBytes(&empty, Columns({3})));
  CHECK(empty == Columns({3}));
  // Two's complement, wrapping like the int64 sums it stands for.
  std::string big = Columns({INT64_MAX});
  REQUIRE(AddCounterBytes(&big, Columns({1})));
  CHECK(big == Columns({INT64_MIN}));
  // Not whole columns: refused, the value untouched.
  std::string bad = Columns({1});
  CHECK_FALSE(AddCounterBytes(&bad, "1234567"));
  CHECK(bad == Columns({1}));
  std::string odd = "abc";
  CHECK_FALSE(AddCounterBytes(&odd, Columns({1})));
  CHECK(odd == "abc");
}

TEST_CASE("StoreBatch: added counters sum with the stored value, a put in the batch resets them", "[store]") {
  testing::TempDir tmp;
  const std::string dir = tmp / "db";
  auto get = [](const Store& store, std::string_view key) {
    auto v = store.Get(key);
    REQUIRE(v.ok());
    REQUIRE(v->has_value());
    return **v;
  };
  {
    auto store = Store::Open(dir, Store::Mode::kCreate);
    REQUIRE(store.ok());
    StoreBatch first;
    first.Put(MetaKey(kMetaFormat), kFormatName);  // as genesis writes it, for the reopening below
    first.Put("a", Columns({100, 1}));
    first.AddCounters("a", Columns({5}));      // after a put: added to it
    first.AddCounters("b", Columns({2, 3}));   // nothing stored: added to zeros
    first.AddCounters("c", Columns({9}));
    first.Put("c", Columns({40}));             // a put after an addition replaces it
    first.AddCounters("d", Columns({1}));
    first.AddCounters("d", Columns({1, 1}));
    REQUIRE((*store)->Commit(first).ok());
    CHECK(get(**store, "a") == Columns({105, 1}));
    CHECK(get(**store, "b") == Columns({2, 3}));
    CHECK(get(**store, "c") == Columns({40}));
    CHECK(get(**store, "d") == Columns({2, 1}));
    StoreBatch second;
    second.AddCounters("a", Columns({-105, 0, 4}));
    second.AddCounters("b", Columns({1}));
    REQUIRE((*store)->Commit(second).ok());
    CHECK(get(**store, "a") == Columns({0, 1, 4}));
    CHECK(get(**store, "b") == Columns({3, 3}));
    std::vector<std::string> seen;
    REQUIRE((*store)->Scan("", "", [&](std::string_view k, std::string_view v) {
                      if (k.size() == 1) seen.push_back(std::string(k) + "=" + std::to_string(v.size()));
                      return true;
                    }).ok());
    CHECK(seen == std::vector<std::string>{"a=24", "b=16", "c=8", "d=16"});
  }
  // Read-only, before any compaction: the operands are summed on reading.
  {
    auto store = Store::Open(dir, Store::Mode::kRead);
    REQUIRE(store.ok());
    CHECK(get(**store, "a") == Columns({0, 1, 4}));
  }
  // Compacted by RocksDB (the merge operator runs): the same values.
  {
    rocksdb::Options options;
    options.merge_operator = CounterMergeOperator();
    rocksdb::DB* raw = nullptr;
    REQUIRE(rocksdb::DB::Open(options, dir, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    REQUIRE(db->Flush(rocksdb::FlushOptions()).ok());
    REQUIRE(db->CompactRange(rocksdb::CompactRangeOptions(), nullptr, nullptr).ok());
  }
  auto store = Store::Open(dir, Store::Mode::kWrite);
  REQUIRE(store.ok());
  CHECK(get(**store, "a") == Columns({0, 1, 4}));
  CHECK(get(**store, "b") == Columns({3, 3}));
  CHECK(get(**store, "d") == Columns({2, 1}));
  // A stored value that is not whole columns: reading it after an addition
  // is an error, not a wrong number.
  StoreBatch bad;
  bad.Put("e", "xyz");
  REQUIRE((*store)->Commit(bad).ok());
  StoreBatch add;
  add.AddCounters("e", Columns({1}));
  REQUIRE((*store)->Commit(add).ok());
  auto e = (*store)->Get("e");
  CHECK_FALSE(e.ok());
}

TEST_CASE("tree nodes: each has one slot in the tiles, and a tile is begun once its first node is", "[store]") {
  // Every node of a tree of 4,096 leaves (levels 0..12) lands in a distinct
  // (tile, offset) inside the tile's 960 bytes, on 32-byte boundaries.
  std::set<std::pair<std::string, size_t>> slots;
  size_t nodes = 0;
  for (uint32_t level = 0; level <= 12; ++level) {
    for (uint64_t index = 0; index < (uint64_t{4096} >> level); ++index, ++nodes) {
      const NodeLocation at = LocateNode(level, index);
      CHECK(at.tier == level / 4);
      CHECK(at.offset % 32 == 0);
      CHECK(at.offset + 32 <= kTileBytes);
      slots.emplace(at.key(), at.offset);
    }
  }
  CHECK(slots.size() == nodes);
  CHECK(LocateNode(0, 17).key() == TileKey(0, 1));
  CHECK(LocateNode(0, 17).offset == 32);
  CHECK(LocateNode(1, 9).offset == (16 + 1) * 32);
  CHECK(LocateNode(3, 1).offset == (28 + 1) * 32);
  CHECK(LocateNode(3, 2).key() == TileKey(0, 1));
  CHECK(LocateNode(4, 0).key() == TileKey(1, 0));
  // Tile (0, 1) holds leaves 16..31: begun at 17 leaves. Tile (1, 1) holds
  // nodes (4, 16..31): begun once leaves 256..271 are all in.
  CHECK_FALSE(LocateNode(0, 16).StartedAt(16));
  CHECK(LocateNode(0, 16).StartedAt(17));
  CHECK_FALSE(LocateNode(5, 8).StartedAt(271));
  CHECK(LocateNode(5, 8).StartedAt(272));
  CHECK_FALSE(LocateNode(60, 1).StartedAt(~uint64_t{0}));
  // A zero slot is a node not complete yet; a value of the wrong size is no tile.
  std::string tile(kTileBytes, '\0');
  CHECK_FALSE(NodeInTile(tile, LocateNode(0, 3)));
  tile[3 * 32] = 1;
  REQUIRE(NodeInTile(tile, LocateNode(0, 3)));
  CHECK((*NodeInTile(tile, LocateNode(0, 3)))[0] == 1);
  CHECK_FALSE(NodeInTile(tile.substr(1), LocateNode(0, 3)));
}

// A writer (here another thread; in the CLI another process) that reopens
// the store round after round and commits a counter "n", so that it
// flushes, compacts and deletes the files it retires while readers open the
// store. committed() is the last round whose commit returned.
class ChurningWriter {
 public:
  ChurningWriter(std::string dir, uint64_t rounds) : dir_(std::move(dir)), rounds_(rounds) {
    auto store = Store::Open(dir_, Store::Mode::kCreate);
    REQUIRE(store.ok());
    StoreBatch batch;
    batch.Put(MetaKey(kMetaFormat), kFormatName);
    batch.Put("n", EncodeU64(0));
    REQUIRE((*store)->Commit(batch).ok());
    store->reset();
    thread_ = std::thread([this] { Run(); });
  }
  ~ChurningWriter() { Join(); }
  void Join() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  bool running() const { return !done_; }
  uint64_t committed() const { return committed_; }
  bool failed() const { return failed_; }

 private:
  void Run() {
    for (uint64_t i = 1; i <= rounds_ && !stop_; ++i) {
      // Each open recovers the last round's WAL into a table file; every
      // few of them a compaction merges the table files and deletes them.
      auto store = Store::Open(dir_, Store::Mode::kWrite);
      if (!store.ok()) {
        failed_ = true;
        break;
      }
      StoreBatch batch;
      const std::string pad(100, static_cast<char>('a' + i % 26));
      for (int k = 0; k < 200; ++k) batch.Put(fmt::format("pad{:03}", k), pad);
      batch.Put("n", EncodeU64(i));
      if (!(*store)->Commit(batch).ok()) {
        failed_ = true;
        break;
      }
      committed_ = i;
    }
    done_ = true;
  }

  std::string dir_;
  uint64_t rounds_;
  std::atomic<uint64_t> committed_{0};
  std::atomic<bool> failed_{false}, done_{false}, stop_{false};
  std::thread thread_;
};

// A read-only open while the writer churns: the open's status, or the
// reason its view is behind the commits that returned before it began.
Status OpenWhileChurning(const std::string& dir, const ChurningWriter& writer) {
  const uint64_t floor = writer.committed();
  auto store = Store::Open(dir, Store::Mode::kRead);
  if (!store.ok()) return store.status();
  auto n = (*store)->Get("n");
  if (!n.ok() || !n->has_value() || DecodeU64(**n).value_or(0) < floor) {
    return Status::Refused(fmt::format("n is behind the {} committed before the open", floor));
  }
  return Status::Ok();
}

// A reader's open must neither fail nor miss a committed write.
TEST_CASE("a reader opening while a writer flushes and compacts sees every committed write", "[store][readers]") {
  testing::TempDir tmp;
  ChurningWriter writer(tmp / "db", 60);
  uint64_t reads = 0;
  std::vector<std::string> failures;
  while (writer.running()) {
    ++reads;
    if (Status s = OpenWhileChurning(tmp / "db", writer); !s.ok()) failures.push_back(s.message());
  }
  writer.Join();
  CHECK_FALSE(writer.failed());
  CHECK(reads > 0);
  CHECK(failures == std::vector<std::string>{});
}

// With one attempt the reader meets the writer's deletions (this is what
// the retry is for), and gives up with an I/O error that says so: never
// Corruption, whose exit code means tampering.
TEST_CASE("a reader out of attempts says a writer kept changing the store, not that it is corrupt",
          "[store][readers]") {
  testing::TempDir tmp;
  const int saved = Store::SetReaderAttemptsForTesting(1);
  ChurningWriter writer(tmp / "db", 400);
  uint64_t gave_up = 0;
  std::vector<std::string> unexpected;
  while (writer.running() && gave_up < 3) {
    Status s = OpenWhileChurning(tmp / "db", writer);
    if (s.ok() || s.code() == Status::Code::kRefused) continue;  // a stale view is allowed here
    if (s.code() == Status::Code::kIOError &&
        s.message().find("a writer changed its files during each of 1 attempts") != std::string::npos) {
      ++gave_up;
    } else {
      unexpected.push_back(fmt::format("code {}: {}", static_cast<int>(s.code()), s.message()));
    }
  }
  writer.Join();
  Store::SetReaderAttemptsForTesting(saved);
  CHECK_FALSE(writer.failed());
  CHECK(unexpected == std::vector<std::string>{});
  CHECK(gave_up > 0);
}

// The table files a store directory holds now.
std::set<std::string> TableFiles(const std::string& dir) {
  std::set<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".sst") out.insert(e.path().filename().string());
  }
  return out;
}

// verify --storage in a reader while the writer compacts: the files the
// reader's view holds may be gone from the directory (RocksDB's own check
// opens them again by name), and are not damaged for it.
TEST_CASE("a reader checks every block's checksum after the writer compacted its files away",
          "[store][readers]") {
  testing::TempDir tmp;
  const std::string dir = tmp / "db";
  auto commit_rounds = [&](int rounds, int from) {
    for (int i = from; i < from + rounds; ++i) {
      // Each reopen recovers the last round's WAL into a table file.
      auto store = Store::Open(dir, i == 0 ? Store::Mode::kCreate : Store::Mode::kWrite);
      REQUIRE(store.ok());
      StoreBatch batch;
      if (i == 0) batch.Put(MetaKey(kMetaFormat), kFormatName);
      for (int k = 0; k < 200; ++k)
        batch.Put(fmt::format("pad{:03}", k), std::string(100, static_cast<char>('a' + i % 26)));
      batch.Put("n", EncodeU64(static_cast<uint64_t>(i)));
      REQUIRE((*store)->Commit(batch).ok());
    }
  };
  commit_rounds(3, 0);
  auto reader = Store::Open(dir, Store::Mode::kRead);
  REQUIRE(reader.ok());
  const std::set<std::string> seen = TableFiles(dir);
  REQUIRE_FALSE(seen.empty());
  // Until a compaction has deleted every file the reader's view holds.
  int round = 3;
  auto still_there = [&] {
    const auto now = TableFiles(dir);
    return std::any_of(seen.begin(), seen.end(), [&](const std::string& f) { return now.count(f) > 0; });
  };
  while (still_there() && round < 60) commit_rounds(1, round++);
  REQUIRE_FALSE(still_there());
  Status checked = (*reader)->VerifyChecksums();
  INFO(checked.message());
  CHECK(checked.ok());

  // A damaged block in a file the view holds is still found: one of the
  // deleted files, written through this process's descriptor of it.
  int damaged = 0;
  for (const auto& fd : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code ec;
    const std::string target = std::filesystem::read_symlink(fd.path(), ec).string();
    if (ec || target.find(".sst (deleted)") == std::string::npos) continue;
    const int w = ::open(fd.path().c_str(), O_WRONLY | O_CLOEXEC);
    REQUIRE(w >= 0);
    char byte = 0;
    REQUIRE(::pread(std::stoi(fd.path().filename().string()), &byte, 1, 40) == 1);
    byte = static_cast<char>(byte ^ 0x5a);
    REQUIRE(::pwrite(w, &byte, 1, 40) == 1);
    ::close(w);
    ++damaged;
    break;
  }
  REQUIRE(damaged == 1);
  Status found = (*reader)->VerifyChecksums();
  INFO(found.message());
  CHECK(found.code() == Status::Code::kCorruption);
}
}  // namespace
}  // namespace wasteledger
