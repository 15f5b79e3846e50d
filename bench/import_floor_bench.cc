// The floor under any import that keeps ledger format v1: what the contract
// alone costs per row, with none of the import's checks or domain state.
//
//   import_floor_bench CSV   (the file bench/import_bench.sh generates)
//
// For each row of that file it composes the import statement the real import
// stores for it (the same members and values, as canonical text written
// directly: no JSON trees, no parsing), its statement hash, the record's
// identity hash, the entry and its leaf hash, the Merkle tree's nodes in
// their tiles and the seal's root; every 4,096 rows a seal statement signed
// with Ed25519; and it commits each sealed batch (entries, statement index,
// record index, tiles, size) as one synced write to a RocksDB store opened
// with the ledger's options (store.cc). One thread, nothing else.
//
// It does not check a field, resolve a party, keep a pool, a manifest, a
// draw, an effect or a counter, and it does not parse its own input beyond
// splitting on commas (the generated file has no quotes). A real import
// does all of this and much more; bench/import_bench.sh runs this program in
// the same run as sqlite3 and wasteledger import and prints its rate as a
// ratio to sqlite3's (floor_ratio). After timing, it reads back the first
// batch's entries and checks them with the ledger's own entry parser (strict
// JCS, the entry grammar), the hash chain and the seal's root, so the floor
// cannot quietly store less than the format asks.
#include <fstream>
#include <map>
#include <string_view>

#include "bench_util.h"
#include "domain_store.h"
#include "store.h"
#include "wasteledger/merkle.h"
#include "wasteledger/merkle_tree.h"

namespace wasteledger::bench {
namespace {

constexpr size_t kBatch = 4096;
constexpr std::string_view kTime = "2026-12-06T05:27:34+08:00";
constexpr std::string_view kLogged = "2026-12-05T21:27:34Z";

std::vector<std::string_view> Split(std::string_view line, char sep) {
  std::vector<std::string_view> cells;
  size_t at = 0;
  while (true) {
    const size_t next = line.find(sep, at);
    cells.push_back(line.substr(at, next == std::string_view::npos ? std::string_view::npos : next - at));
    if (next == std::string_view::npos) return cells;
    at = next + 1;
  }
}

// "6441.29" kilograms -> grams.
int64_t Grams(std::string_view kg) {
  int64_t whole = 0;
  int64_t frac = 0;
  int digits = 0;
  bool after = false;
  for (char c : kg) {
    if (c == '.') {
      after = true;
    } else if (after) {
      if (digits < 3) frac = frac * 10 + (c - '0'), ++digits;
    } else {
      whole = whole * 10 + (c - '0');
    }
  }
  while (digits++ < 3) frac *= 10;
  return whole * 1000 + frac;
}

// 2021/1/16 -> 2021-01-16.
std::string Day(std::string_view text) {
  if (text.find('/') == std::string_view::npos) return std::string(text);
  const auto parts = Split(text, '/');
  return fmt::format("{}-{:0>2}-{:0>2}", parts.at(0), parts.at(1), parts.at(2));
}

// Party ids as the real import makes them for parties with no USCC.
std::string LegacyId(std::string_view name) { return "legacy-" + ToHex(Sha256(name)).substr(0, 12); }

class FloorImport {
 public:
  FloorImport(Store& store, const SigningKey& key, std::string file_sha)
      : store_(store), key_(key), file_sha_(std::move(file_sha)) {}

  void Row(std::string_view line, uint64_t row) {
    const auto c = Split(line, ',');
    if (c.size() != 16) Die(fmt::format("row {}: {} cells, not 16", row, c.size()));
    const int64_t mass = Grams(c[11]);
    const int64_t received = Grams(c[12]);
    std::string body_head = fmt::format(
        R"({{"carriers":["{}"],"date":"{}","form":"{}","from":"{}","hazards":["{}"],"manifest":"{}",)"
        R"("mass_g":{},"method":"{}","name":"{}","packaging":"{}","permit":"{}","received":"{}","received_g":{},)"
        R"("record":"manifest",)",
        LegacyId(c[3]), c[13], c[9], c[2], c[8], c[0], mass, c[15], c[6], c[10], c[5], Day(c[14]), received);
    const std::string tail = fmt::format(R"("to":"{}","waste":"{}"}})", LegacyId(c[4]), c[7]);
    const std::string source =
        fmt::format(R"("source":{{"file":"manifests.csv","row":{},"sha256":"{}"}},)", row, file_sha_);
    const Hash record = Sha256("wasteledger/import-record/v1\n", body_head + tail);
    const std::string statement = fmt::format(R"({{"actor":"bureau","body":{}{}{},"kind":"import","time":"{}","v":1}})",
                                              body_head, source, tail, kTime);
    pending_.push_back({statement, record});
    if (pending_.size() == kBatch) Flush();
  }

  void Flush() {
    if (pending_.empty()) return;
    StoreBatch batch;
    CompactRange seal_tree;
    std::vector<Hash> hashes;
    hashes.reserve(pending_.size());
    for (const auto& p : pending_) {
      hashes.push_back(Sha256("wasteledger/statement/v1\n", p.statement));
      seal_tree.Append(HashLeaf(AsBytes(hashes.back())), {});
    }
    const uint64_t seal_seq = range_.size();
    if (seal_seq == 0) batch.Put(MetaKey(kMetaFormat), kFormatName);
    const std::string seal = fmt::format(
        R"({{"actor":"bureau","body":{{"count":{},"root":"{}","source":[{{"file":"manifests.csv","rows":{},"sha256":"{}"}}]}},"kind":"seal","time":"{}","v":1}})",
        pending_.size(), ToHex(seal_tree.Root()), pending_.size(), file_sha_, kTime);
    const std::string signature = fmt::format(R"("sig":{{"key":"{}","value":"{}"}},)", key_.verifier().Ref(),
                                              ToBase64(key_.Sign("wasteledger/statement/v1\n" + seal)));
    std::map<std::string, std::string> tiles;
    auto add = [&](const std::string& statement, const Hash& statement_hash, const std::string& member) {
      const uint64_t seq = range_.size();
      const std::string entry =
          fmt::format(R"({{"logged":"{}","prev":"{}",{}"seq":{},{}"statement":{}}})", kLogged, ToHex(prev_),
                      member.empty() ? std::string() : member, seq, member.empty() ? signature : std::string(),
                      statement);
      const Hash leaf = HashLeaf(entry);
      batch.Put(EntryKey(seq), entry);
      batch.Put(StatementKey(statement_hash), EncodeU64(seq));
      range_.Append(leaf, [&](uint32_t level, uint64_t index, const Hash& node) {
        const NodeLocation at = LocateNode(level, index);
        std::string& tile = tiles[at.key()];
        tile.resize(kTileBytes, '\0');
        std::memcpy(tile.data() + at.offset, node.data(), node.size());
      });
      prev_ = leaf;
      return seq;
    };
    add(seal, Sha256("wasteledger/statement/v1\n", seal), "");
    for (size_t i = 0; i < pending_.size(); ++i) {
      const uint64_t seq =
          add(pending_[i].statement, hashes[i], fmt::format(R"("seal":{{"by":{},"index":{}}},)", seal_seq, i));
      batch.Put(domain::ImportedKey(pending_[i].record), EncodeU64(seq));
    }
    for (const auto& [k, tile] : tiles) batch.Put(k, tile);
    batch.Put(MetaKey(kMetaSize), EncodeU64(range_.size()));
    Check(store_.Commit(batch), "commit");
    pending_.clear();
  }

 private:
  struct Pending {
    std::string statement;
    Hash record;
  };
  Store& store_;
  const SigningKey& key_;
  std::string file_sha_;
  std::vector<Pending> pending_;
  CompactRange range_;
  Hash prev_{};
};

// The first sealed batch as stored: canonical entries of the v1 grammar,
// chained by "prev", members pointing at the seal, the seal's root over the
// members' statement hashes.
void CheckFirstBatch(const std::string& dir) {
  auto store = Must(Store::Open(dir, Store::Mode::kRead), "reopen the store");
  const ParsedEntry seal = Must(ParseEntry(Must(store->GetEntry(0), "entry 0")), "entry 0");
  if (seal.statement.kind != "seal" || !seal.header.sig) Die("entry 0 is not a signed seal");
  const Json& body = seal.statement.json.at("body");
  const uint64_t count = body.value("count", uint64_t{0});
  if (count == 0) Die("entry 0: the seal has no count");
  CompactRange members;
  Hash prev = HashLeaf(Must(store->GetEntry(0), "entry 0"));
  for (uint64_t seq = 1; seq <= count; ++seq) {
    const std::string bytes = Must(store->GetEntry(seq), fmt::format("entry {}", seq));
    const ParsedEntry e = Must(ParseEntry(bytes), fmt::format("entry {}", seq));
    if (e.header.seq != seq || e.header.prev != prev || e.header.seal_by != 0 || e.header.seal_index != seq - 1) {
      Die(fmt::format("entry {}: seq, prev or seal do not follow", seq));
    }
    members.Append(HashLeaf(AsBytes(e.statement.hash)), {});
    prev = HashLeaf(bytes);
  }
  if (ToHex(members.Root()) != body.value("root", "")) Die("the first seal's root does not match");
}

int Main(int argc, char** argv) {
  if (argc != 2) Die("usage: import_floor_bench CSV (the file bench/import_bench.sh generates)");
  ScratchDir dir("import-floor");
  const double t0 = Now();
  const double cpu0 = ProcessCpuNow();
  std::ifstream in(argv[1], std::ios::binary);
  if (!in) Die(fmt::format("cannot read {}", argv[1]));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string file_sha = ToHex(Sha256(text));
  auto store = Must(Store::Open(dir.Sub("floor.ledger"), Store::Mode::kCreate), "open the store");
  const SigningKey key = MakeKey("bureau");
  FloorImport floor(*store, key, file_sha);
  uint64_t row = 0;
  std::string_view rest(text);
  for (size_t nl; (nl = rest.find('\n')) != std::string_view::npos; rest.remove_prefix(nl + 1)) {
    if (++row == 1) continue;  // the heading
    floor.Row(rest.substr(0, nl), row);
  }
  floor.Flush();
  store.reset();
  const double seconds = Now() - t0;
  const double cpu = ProcessCpuNow() - cpu0;
  const uint64_t rows = row - 1;
  CheckFirstBatch(dir.Sub("floor.ledger"));
  Report("floor_rows", static_cast<double>(rows));
  Report("floor_seconds", seconds);
  Report("floor_cpu_seconds", cpu);
  Report("floor_rate", static_cast<double>(rows) / seconds);
  Note(fmt::format("import floor: {} rows in {:.2f} s ({:.0f} rows/s, {:.2f} s of CPU)", rows, seconds,
                   static_cast<double>(rows) / seconds, cpu));
  return 0;
}

}  // namespace
}  // namespace wasteledger::bench

int main(int argc, char** argv) { return wasteledger::bench::Main(argc, argv); }
