// verify --deep through the binary: a small city's aggregates match the log;
// one edited in RocksDB fails verification (exit 3) naming it; --deep needs a
// ledger, not an export.
#include <rocksdb/db.h>
#include <rocksdb/sst_file_writer.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>

#include "cli/cli_fixture.h"
#include "domain_aggregate.h"
#include "store.h"

namespace wasteledger::testing {
namespace {

// CliLedger plus an incinerator "incin" (receiver, may dispose of HW49) and
// a history: prod generates 2 t on 2026-03-01 and sends 0.5 t to incin, who
// receives it all.
class SmallCity : public CliLedger {
 public:
  SmallCity() {
    Ok({"party", "update", "--ledger", ledger, "--key", regulator_key, "--id", "prod", "--uscc",
        "91411081MA44XXXX0A"});
    Ok({"party", "add", "--ledger", ledger, "--key", regulator_key, "--id", "incin", "--name", "Incin Co",
        "--role", "receiver", "--vkey", Keygen("incin", "incin.key"), "--permit",
        "XK-IN:utilize,dispose:HW49:10t:2026-01-01:2026-12-31"});
    Ok({"generate", "--ledger", ledger, "--key", producer_key, "--waste", "900-041-49", "--mass", "2t",
        "--time", "2026-03-01"});
    Ok({"dispatch", "--ledger", ledger, "--key", producer_key, "--to", "incin", "--line", "900-041-49:0.5t",
        "--time", "2026-03-02T09:00:00+08:00"});
    Ok({"receive", "--ledger", ledger, "--key", *this / "incin.key", "--manifest", "20264110000001", "--time",
        "2026-03-03T09:00:00+08:00"});
  }
  RunResult Ok(const std::vector<std::string>& args) const {
    RunResult r = Wl(args);
    INFO(args[0] << ": " << r.err);
    REQUIRE(r.exit_code == 0);
    return r;
  }
};

// Sets one counter of a stored aggregate, in RocksDB directly.
void SetCounter(const std::string& ledger, const std::string& key, size_t column, int64_t value) {
  rocksdb::DB* raw = nullptr;
  rocksdb::Options options;
  options.merge_operator = CounterMergeOperator();  // counters are added as merges
  REQUIRE(rocksdb::DB::Open(options, ledger, &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  std::string bytes;
  REQUIRE(db->Get(rocksdb::ReadOptions(), key, &bytes).ok());
  auto counters = domain::DecodeCounters(bytes);
  REQUIRE(counters.ok());
  (*counters)[column] = value;
  REQUIRE(db->Put(rocksdb::WriteOptions(), key, domain::EncodeCounters(*counters)).ok());
}

TEST_CASE("verify --deep: the stored aggregates match the log, until one is edited", "[cli][deep]") {
  SmallCity c;
  RunResult r = Wl({"verify", "--ledger", c.ledger, "--deep"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  const std::vector<std::string> lines = SplitLines(r.out);
  REQUIRE_FALSE(lines.empty());
  CHECK(lines.back().rfind("deep: " + std::to_string(c.Size()) + " entries, ", 0) == 0);
  CHECK_THAT(lines.back(), Catch::Contains(" aggregates, 2 stock rows and 2 lots match the log"));

  const std::string key =
      domain::AggregateKey(domain::kPartyFlows, 'D', "2026-03-01", domain::PartyDims("prod", "900-041-49"));
  SetCounter(c.ledger, key, domain::kGenerated, 1);
  r = Wl({"verify", "--ledger", c.ledger, "--deep", "--quiet"});
  CHECK(r.exit_code == 3);
  CHECK(r.out.empty());  // no "OK" for the log before the deep check failed
  CHECK(r.err ==
        "deep: aggregate day 2026-03-01 prod 900-041-49: generated_g stored 1 recomputed 2000000\n"
        "wasteledger: verification failed: 1 difference(s) between the log and the stored aggregates, "
        "stock or lots\n");
  // Without --deep the log itself still verifies.
  CHECK(Wl({"verify", "--ledger", c.ledger}).exit_code == 0);
}

// Rewrites the stored record of the lot `owner` holds (its only one), in
// RocksDB directly, through `edit`.
void EditLot(const std::string& ledger, const std::string& owner, const std::function<void(std::string&)>& edit) {
  rocksdb::DB* raw = nullptr;
  rocksdb::Options options;
  options.merge_operator = CounterMergeOperator();
  REQUIRE(rocksdb::DB::Open(options, ledger, &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions()));
  std::string key, record;
  for (it->Seek("XL"); it->Valid() && it->key().starts_with("XL"); it->Next()) {
    if (it->value().ToString().find("\"owner\":\"" + owner + "\"") == std::string::npos) continue;
    key = it->key().ToString();
    record = it->value().ToString();
  }
  REQUIRE(!key.empty());
  edit(record);
  REQUIRE(db->Put(rocksdb::WriteOptions(), key, record).ok());
}

TEST_CASE("verify --deep: a stored lot record edited in RocksDB is named", "[cli][deep]") {
  SmallCity c;
  REQUIRE(Wl({"verify", "--ledger", c.ledger, "--deep", "--quiet"}).exit_code == 0);
  SECTION("its remaining mass") {
    // prod generated 2 t and sent 0.5 t of it: 1.5 t left, not 99.5 t.
    EditLot(c.ledger, "prod", [](std::string& record) {
      const size_t at = record.find("\"remaining_g\":1500000");
      REQUIRE(at != std::string::npos);
      record.replace(at, 21, "\"remaining_g\":99500000");
    });
    RunResult r = Wl({"verify", "--ledger", c.ledger, "--deep", "--quiet"});
    CHECK(r.exit_code == 3);
    CHECK(r.err.find("deep: lot \"") == 0);
    CHECK(r.err.find("\": remaining_g stored 99500000 recomputed 1500000\n") != std::string::npos);
    CHECK(CountLines(r.err) == 2);
  }
  SECTION("a record that is not JSON") {
    EditLot(c.ledger, "incin", [](std::string& record) { record = "{\"broken\""; });
    RunResult r = Wl({"verify", "--ledger", c.ledger, "--deep", "--quiet"});
    CHECK(r.exit_code == 3);
    CHECK(r.err.find("\": the stored record does not decode: ") != std::string::npos);
  }
}

// A domain-index key in a table file of its own (ingested), whose one data
// block (at offset 0 of the file) then has a byte flipped: reading the log
// never reads that block; verify checks every block's checksum.
TEST_CASE("verify: a damaged block of the indexes fails verification, not only the reports reading it",
          "[cli][verify]") {
  SmallCity c;
  std::string file;
  {
    rocksdb::DB* raw = nullptr;
    rocksdb::Options options;
    options.merge_operator = CounterMergeOperator();
    REQUIRE(rocksdb::DB::Open(options, c.ledger, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    const std::string sst = c / "x.sst";
    rocksdb::SstFileWriter writer(rocksdb::EnvOptions(), options);
    REQUIRE(writer.Open(sst).ok());
    REQUIRE(writer.Put("XZ-block-check", std::string(200, 'z')).ok());
    REQUIRE(writer.Finish().ok());
    REQUIRE(db->IngestExternalFile({sst}, rocksdb::IngestExternalFileOptions()).ok());
    std::vector<rocksdb::LiveFileMetaData> files;
    db->GetLiveFilesMetaData(&files);
    for (const auto& f : files) {
      if (f.smallestkey == "XZ-block-check") file = f.db_path + f.name;
    }
  }
  REQUIRE(!file.empty());
  CHECK(Wl({"verify", "--ledger", c.ledger, "--quiet"}).exit_code == 0);
  {
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(20);
    f.put('\x7f');
  }
  RunResult r = Wl({"verify", "--ledger", c.ledger, "--quiet"});
  CHECK(r.exit_code == 3);
  CHECK(r.out.empty());
  CHECK(CountLines(r.err) == 1);
  CHECK_THAT(r.err, Catch::Contains("the ledger's storage is damaged (RocksDB: block checksum mismatch"));
}

TEST_CASE("a ledger whose CURRENT file is lost or garbled is damaged, not absent", "[cli][verify]") {
  SmallCity c;
  const std::string current = c.ledger + "/CURRENT";
  const std::string saved = ReadFile(current);
  WriteFile(current, "MANIFEST-999999\x0b");
  RunResult r = Wl({"verify", "--ledger", c.ledger});
  CHECK(r.exit_code == 3);
  CHECK(r.err ==
        "wasteledger: error: cannot open ledger " + c.ledger +
            ": the ledger's storage is damaged (its CURRENT file names \"MANIFEST-999999\\x0b\", which is "
            "not a MANIFEST there)\n");
  std::filesystem::remove(current);
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"verify", "--ledger", c.ledger},
        std::vector<std::string>{"generate", "--ledger", c.ledger, "--key", c.producer_key, "--waste",
                                 "900-041-49", "--mass", "1t"}}) {
    r = Wl(args);
    INFO(args[0]);
    CHECK(r.exit_code == 3);
    CHECK(CountLines(r.err) == 1);
    CHECK_THAT(r.err,
               Catch::Contains("the ledger's storage is damaged (its CURRENT file is missing, and it holds "
                               "RocksDB files such as "));
  }
  WriteFile(current, saved);
  CHECK(Wl({"verify", "--ledger", c.ledger, "--quiet"}).exit_code == 0);
}

TEST_CASE("verify --deep with --export is a usage error", "[cli][deep]") {
  CliLedger c;
  const std::string file = c / "city.jsonl";
  WriteFile(file, c.Export());
  RunResult r = Wl({"verify", "--export", file, "--deep"});
  CHECK(r.exit_code == 2);
  CHECK(r.out.empty());
  CHECK(r.err ==
        "wasteledger: error: --deep checks a ledger's stored aggregates: give --ledger, not --export\n");
}

}  // namespace
}  // namespace wasteledger::testing
