#include "wasteledger/manifest_number.h"

#include <catch2/catch.hpp>
#include <random>
#include <string>

namespace wasteledger {
namespace {

TEST_CASE("ParseManifestNumber reads the four parts", "[manifest]") {
  Result<ManifestNumber> m = ParseManifestNumber("20244110000123");
  REQUIRE(m.ok());
  CHECK(m->year == 2024);
  CHECK(m->province == 41);
  CHECK(m->city == 10);
  CHECK(m->serial == 123);
  CHECK(m->ToString() == "20244110000123");
  CHECK(ParseManifestNumber("20000000000001").ok());
  CHECK(ParseManifestNumber("21009999999999").ok());
  CHECK(ParseManifestNumber("21009999999999")->serial == 999999);
}

TEST_CASE("ParseManifestNumber refuses", "[manifest]") {
  auto message = [](const char* text) {
    Result<ManifestNumber> r = ParseManifestNumber(text);
    INFO(text);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Status::Code::kInvalidArgument);
    return r.status().message();
  };
  CHECK(message("2024411000012a").find("not a digit") != std::string::npos);
  CHECK(message("2024-41-10-000123").find("not a digit") != std::string::npos);
  CHECK(message(" 20244110000123").find("not a digit") != std::string::npos);
  CHECK(message("２０２４４１１０００００１２３").find("not a digit") != std::string::npos);
  CHECK(message("2024411000012").find("has 13 digits") != std::string::npos);
  CHECK(message("202441100001234").find("has 15 digits") != std::string::npos);
  CHECK(message("").find("has 0 digits") != std::string::npos);
  CHECK(message("19994110000123").find("year 1999 is outside 2000..2100") != std::string::npos);
  CHECK(message("21014110000123").find("year 2101") != std::string::npos);
  CHECK(message("20244110000000").find("serial 000000") != std::string::npos);
}

TEST_CASE("FormatManifestNumber pads every part", "[manifest]") {
  CHECK(FormatManifestNumber(2024, 41, 10, 123) == "20244110000123");
  CHECK(FormatManifestNumber(2000, 0, 0, 1) == "20000000000001");
  CHECK(FormatManifestNumber(2100, 99, 99, 999999) == "21009999999999");
  CHECK(FormatManifestNumber(2031, 5, 7, 45678) == "20310507045678");
}

TEST_CASE("manifest numbers round-trip (randomised, fixed seed)", "[manifest]") {
  std::mt19937 rng(18);
  std::uniform_int_distribution<int> year(2000, 2100), two(0, 99), serial(1, 999999);
  for (int i = 0; i < 5000; ++i) {
    const ManifestNumber m{year(rng), two(rng), two(rng), serial(rng)};
    const std::string text = FormatManifestNumber(m.year, m.province, m.city, m.serial);
    INFO(text);
    CHECK(text.size() == 14);
    Result<ManifestNumber> back = ParseManifestNumber(text);
    REQUIRE(back.ok());
    CHECK(*back == m);
  }
}

}  // namespace
}  // namespace wasteledger
