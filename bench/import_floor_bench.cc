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
// with the ledger's options (store.cc). Twice: on one thread, then with
// each batch composed and hashed on a second thread while the one before is
// chained, tiled and written (the split a real import could make at best).
//
// It does not check a field, resolve a party, keep a pool, a manifest, a
// draw, an effect or a counter, and it does not parse its own input beyond
// splitting on commas (the generated file has no quotes). A real import
// does all of this and much more; bench/import_bench.sh runs this program in
// the same run as sqlite3 and wasteledger import and prints both rates as
// ratios to sqlite3's (floor_ratio, floor2_ratio). After each load it reads
// back the first batch's entries and checks them with the ledger's own entry
// parser (strict JCS, the entry grammar), the hash chain and the seal's root,
// so the floor cannot quietly store less than the format asks.
#include <fstream>
#include <future>
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

// One sealed batch before it has a place in the log: its members' statement
// text, statement and record hashes, and the signed seal.
struct SealedBatch {
  std::vector<std::string> statements;
  std::vector<Hash> hashes, records;
  std::string seal, signature;
};

// Composes and hashes the rows of one batch (no log state: any thread).
SealedBatch Compose(const std::vector<std::pair<std::string_view, uint64_t>>& rows, const SigningKey& key,
                    const std::string& file_sha) {
  SealedBatch b;
  CompactRange seal_tree;
  for (const auto& [line, row] : rows) {
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
        fmt::format(R"("source":{{"file":"manifests.csv","row":{},"sha256":"{}"}},)", row, file_sha);
    b.records.push_back(Sha256("wasteledger/import-record/v1\n", body_head + tail));
    b.statements.push_back(fmt::format(R"({{"actor":"bureau","body":{}{}{},"kind":"import","time":"{}","v":1}})",
                                       body_head, source, tail, kTime));
    b.hashes.push_back(Sha256("wasteledger/statement/v1\n", b.statements.back()));
    seal_tree.Append(HashLeaf(AsBytes(b.hashes.back())), {});
  }
  b.seal = fmt::format(
      R"({{"actor":"bureau","body":{{"count":{},"root":"{}","source":[{{"file":"manifests.csv","rows":{},"sha256":"{}"}}]}},"kind":"seal","time":"{}","v":1}})",
      rows.size(), ToHex(seal_tree.Root()), rows.size(), file_sha, kTime);
  b.signature = fmt::format(R"("sig":{{"key":"{}","value":"{}"}},)", key.verifier().Ref(),
                            ToBase64(key.Sign("wasteledger/statement/v1\n" + b.seal)));
  return b;
}

// Appends sealed batches to the log: entries chained by "prev", the tree's
// tiles, the indexes, one synced write each (one thread, in order).
class FloorLog {
 public:
  explicit FloorLog(Store& store) : store_(store) {}

  void Commit(const SealedBatch& b) {
    StoreBatch batch;
    const uint64_t seal_seq = range_.size();
    if (seal_seq == 0) batch.Put(MetaKey(kMetaFormat), kFormatName);
    std::map<std::string, std::string> tiles;
    auto add = [&](const std::string& statement, const Hash& statement_hash, const std::string& member) {
      const uint64_t seq = range_.size();
      const std::string entry =
          fmt::format(R"({{"logged":"{}","prev":"{}",{}"seq":{},{}"statement":{}}})", kLogged, ToHex(prev_),
                      member, seq, member.empty() ? b.signature : std::string(), statement);
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
    add(b.seal, Sha256("wasteledger/statement/v1\n", b.seal), "");
    for (size_t i = 0; i < b.statements.size(); ++i) {
      const uint64_t seq =
          add(b.statements[i], b.hashes[i], fmt::format(R"("seal":{{"by":{},"index":{}}},)", seal_seq, i));
      batch.Put(domain::ImportedKey(b.records[i]), EncodeU64(seq));
    }
    for (const auto& [k, tile] : tiles) batch.Put(k, tile);
    batch.Put(MetaKey(kMetaSize), EncodeU64(range_.size()));
    Check(store_.Commit(batch), "commit");
  }

 private:
  Store& store_;
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

struct FloorRun {
  uint64_t rows = 0;
  double seconds = 0, cpu = 0;
};

// Loads the file into a fresh store under `dir`: composing each batch on
// the calling thread, then committing it (`pipelined` false), or composing
// batch k+1 on a second thread while batch k is committed.
FloorRun Load(const std::string& path, const std::string& dir, bool pipelined) {
  const double t0 = Now();
  const double cpu0 = ProcessCpuNow();
  std::ifstream in(path, std::ios::binary);
  if (!in) Die(fmt::format("cannot read {}", path));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string file_sha = ToHex(Sha256(text));
  auto store = Must(Store::Open(dir, Store::Mode::kCreate), "open the store");
  const SigningKey key = MakeKey("bureau");
  std::vector<std::vector<std::pair<std::string_view, uint64_t>>> chunks(1);
  uint64_t row = 0;
  std::string_view rest(text);
  for (size_t nl; (nl = rest.find('\n')) != std::string_view::npos; rest.remove_prefix(nl + 1)) {
    if (++row == 1) continue;  // the heading
    if (chunks.back().size() == kBatch) chunks.emplace_back();
    chunks.back().emplace_back(rest.substr(0, nl), row);
  }
  FloorLog log(*store);
  std::future<SealedBatch> next;
  auto compose = [&](size_t k) { return Compose(chunks[k], key, file_sha); };
  for (size_t k = 0; k < chunks.size() && !chunks[k].empty(); ++k) {
    SealedBatch b;
    if (!pipelined) {
      b = compose(k);
    } else {
      b = k == 0 ? compose(0) : next.get();
      if (k + 1 < chunks.size()) next = std::async(std::launch::async, compose, k + 1);
    }
    log.Commit(b);
  }
  store.reset();
  return {row - 1, Now() - t0, ProcessCpuNow() - cpu0};
}

int Main(int argc, char** argv) {
  if (argc != 2) Die("usage: import_floor_bench CSV (the file bench/import_bench.sh generates)");
  ScratchDir dir("import-floor");
  const FloorRun one = Load(argv[1], dir.Sub("floor.ledger"), false);
  CheckFirstBatch(dir.Sub("floor.ledger"));
  const FloorRun two = Load(argv[1], dir.Sub("floor2.ledger"), true);
  CheckFirstBatch(dir.Sub("floor2.ledger"));
  Report("floor_rows", static_cast<double>(one.rows));
  Report("floor_seconds", one.seconds);
  Report("floor_cpu_seconds", one.cpu);
  Report("floor_rate", static_cast<double>(one.rows) / one.seconds);
  Report("floor2_seconds", two.seconds);
  Report("floor2_rate", static_cast<double>(two.rows) / two.seconds);
  for (const auto& [name, r] : {std::pair{"one thread", one}, std::pair{"two threads", two}}) {
    Note(fmt::format("import floor, {}: {} rows in {:.2f} s ({:.0f} rows/s, {:.2f} s of CPU)", name, r.rows,
                     r.seconds, static_cast<double>(r.rows) / r.seconds, r.cpu));
  }
  return 0;
}

}  // namespace
}  // namespace wasteledger::bench

int main(int argc, char** argv) { return wasteledger::bench::Main(argc, argv); }
