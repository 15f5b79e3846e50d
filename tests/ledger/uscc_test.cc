#include "wasteledger/uscc.h"

#include <catch2/catch.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "test_util.h"
#include "wasteledger/waste_code.h"

namespace wasteledger {
namespace {

using wasteledger::testing::ReadFile;
using wasteledger::testing::SharedData;

std::vector<std::vector<std::string>> ReadRows(const std::string& path) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(ReadFile(path));
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    std::vector<std::string> fields(1);
    for (char c : line) {
      if (c == ',') {
        fields.emplace_back();
      } else {
        fields.back().push_back(c);
      }
    }
    rows.push_back(fields);
  }
  return rows;
}

TEST_CASE("USCC test vectors (every row)", "[uscc]") {
  const auto rows = ReadRows(SharedData("regulation/uscc_test_vectors.csv"));
  REQUIRE(rows.size() == 7);
  for (const auto& row : rows) {
    REQUIRE(row.size() >= 2);
    const UsccCheck check = CheckUscc(row[0]);
    INFO(row[0] << ": " << check.message);
    CHECK(check.well_formed);
    CHECK(check.check_ok == (row[1] == "true"));
    CHECK(check.message.empty() == check.check_ok);
  }
}

TEST_CASE("USCC failed check names the computed character", "[uscc]") {
  // Computed characters as recorded in the vectors' notes.
  CHECK(*UsccCheckCharacter("91350211M00013FA1") == '3');
  CHECK(*UsccCheckCharacter("91350100M0001TGQX") == '1');
  CHECK(*UsccCheckCharacter("91350211M0000XUF4") == 'R');
  CHECK(*UsccCheckCharacter("91350203M0001FUE2") == 'J');
  CHECK(*UsccCheckCharacter("91310110666007217") == 'T');
  const UsccCheck c = CheckUscc("91350211M00013FA1N");
  CHECK(c.well_formed);
  CHECK_FALSE(c.check_ok);
  CHECK(c.message.find("check character is N, computed 3") != std::string::npos);
}

TEST_CASE("USCC malformed codes are errors", "[uscc]") {
  for (const char* bad :
       {"", "91310110666007217", "91310110666007217TT", "91310110666007217t", "9131011066600721IT",
        "9131011066600721OT", "9131011066600721ZT", "9131011066600721ST", "9131011066600721VT",
        "91310110-66007217T", " 91310110666007217"}) {
    const UsccCheck c = CheckUscc(bad);
    INFO(bad << ": " << c.message);
    CHECK_FALSE(c.well_formed);
    CHECK_FALSE(c.check_ok);
    CHECK_FALSE(c.message.empty());
  }
  CHECK(CheckUscc("91310110666007217").message.find("has 17 characters") != std::string::npos);
  CHECK(CheckUscc("91310110666007217t").message ==
        "USCC \"91310110666007217t\": character 18 't' is lower case; write letters in upper case");
  CHECK(CheckUscc("9131011066600721IT").message.find("character 17 'I'") != std::string::npos);
  CHECK_FALSE(UsccCheckCharacter("9131011066600721").has_value());
  CHECK_FALSE(UsccCheckCharacter("9131011066600721I").has_value());
}

TEST_CASE("USCC constants match the standard and the charset CSV", "[uscc]") {
  // W_i = 3^(i-1) mod 31 (GB 32100-2015).
  int w = 1;
  for (size_t i = 0; i < kUsccWeights.size(); ++i) {
    CHECK(kUsccWeights[i] == w);
    w = w * 3 % 31;
  }
  for (const std::string& path : {DefaultCatalogueDir() + "/uscc_charset.csv",
                                  SharedData("regulation/uscc_gb32100_charset_weights.csv")}) {
    const auto rows = ReadRows(path);
    REQUIRE(rows.size() == 31);
    for (size_t v = 0; v < rows.size(); ++v) {
      INFO(path << " row " << v);
      REQUIRE(rows[v].size() == 2);
      CHECK(rows[v][0] == std::string(1, kUsccCharset[v]));
      CHECK(std::stoi(rows[v][1]) == static_cast<int>(v));
    }
  }
}

TEST_CASE("USCC check against a reference (randomised, fixed seed)", "[uscc]") {
  // Reference: the weighted sum written out with powers of 3 computed afresh.
  std::mt19937 rng(32100);
  std::uniform_int_distribution<size_t> pick(0, 30);
  for (int n = 0; n < 5000; ++n) {
    std::string body;
    int sum = 0;
    int power = 1;
    for (int i = 0; i < 17; ++i) {
      const size_t v = pick(rng);
      body.push_back(kUsccCharset[v]);
      sum += static_cast<int>(v) * power;
      power = power * 3 % 31;
    }
    int check = 31 - sum % 31;
    if (check == 31) check = 0;
    const char want = kUsccCharset[static_cast<size_t>(check)];
    INFO(body);
    CHECK(CheckUscc(body + want).check_ok);
    const char wrong = kUsccCharset[(static_cast<size_t>(check) + 1 + pick(rng) % 30) % 31];
    const UsccCheck bad = CheckUscc(body + wrong);
    CHECK(bad.well_formed);
    CHECK_FALSE(bad.check_ok);
  }
}

}  // namespace
}  // namespace wasteledger
