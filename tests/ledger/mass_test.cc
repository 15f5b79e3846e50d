#include "wasteledger/mass.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <random>
#include <string>

namespace wasteledger {
namespace {

int64_t Grams(const std::string& text) {
  Result<int64_t> r = ParseMass(text);
  INFO(text << " -> " << r.status().message());
  REQUIRE(r.ok());
  return *r;
}

std::string Refusal(const std::string& text) {
  Result<int64_t> r = ParseMass(text);
  INFO(text);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Status::Code::kInvalidArgument);
  CHECK(r.status().message().find('\n') == std::string::npos);
  return r.status().message();
}

TEST_CASE("ParseMass accepts tonnes, kilograms and grams exactly", "[mass]") {
  CHECK(Grams("12.5t") == 12500000);
  CHECK(Grams("12.5 t") == 12500000);
  CHECK(Grams("12.5T") == 12500000);
  CHECK(Grams("12,500 kg") == 12500000);
  CHECK(Grams("12,500kg") == 12500000);
  CHECK(Grams("12.5吨") == 12500000);
  CHECK(Grams("12.5 吨") == 12500000);
  CHECK(Grams("800千克") == 800000);
  CHECK(Grams("800公斤") == 800000);
  CHECK(Grams("350g") == 350);
  CHECK(Grams("350克") == 350);
  CHECK(Grams("1.234567t") == 1234567);
  CHECK(Grams("0.5kg") == 500);
  CHECK(Grams("0.5KG") == 500);
  CHECK(Grams("0.000001t") == 1);
  CHECK(Grams("1,234,567.891kg") == 1234567891);
  CHECK(Grams("1.0000kg") == 1000);  // trailing zeros carry no precision
  CHECK(Grams("2.50000000t") == 2500000);
  CHECK(Grams("007kg") == 7000);
  CHECK(Grams("12.500 t") == 12500000);  // FormatMass's own output
}

TEST_CASE("ParseMass reads full-width forms and trims spaces", "[mass]") {
  CHECK(Grams("１２．５ｔ") == 12500000);
  CHECK(Grams("１２，５００ｋｇ") == 12500000);
  CHECK(Grams("12，500 kg") == 12500000);
  CHECK(Grams("３５０ｇ") == 350);
  CHECK(Grams("  12.5t  ") == 12500000);
  CHECK(Grams("\t12.5 t\t") == 12500000);
  CHECK(Grams("\xE3\x80\x80"
              "8 t"
              "\xE3\x80\x80") == 8000000);  // ideographic spaces
  CHECK(Grams("12.5   kg") == 12500);
}

TEST_CASE("ParseMass accepts zero, ParsePositiveMass does not", "[mass]") {
  CHECK(Grams("0t") == 0);
  CHECK(Grams("0.000 t") == 0);
  CHECK(Grams("0g") == 0);
  Result<int64_t> zero = ParsePositiveMass("0kg");
  REQUIRE_FALSE(zero.ok());
  CHECK(zero.status().message().find("zero") != std::string::npos);
  Result<int64_t> one = ParsePositiveMass("1g");
  REQUIRE(one.ok());
  CHECK(*one == 1);
  CHECK_FALSE(ParsePositiveMass("-1g").ok());
}

TEST_CASE("ParseMass refuses with a message naming the problem", "[mass]") {
  CHECK(Refusal("") == "mass is empty");
  CHECK(Refusal("   ") == "mass is empty");
  CHECK(Refusal("-5t") == "mass \"-5t\" is negative");
  CHECK(Refusal("－５ｔ").find("is negative") != std::string::npos);
  CHECK(Refusal("12.5") == "mass \"12.5\" has no unit: write 12.5t, 12.5kg or 12500g");
  CHECK(Refusal("800") == "mass \"800\" has no unit: write 800t, 800kg or 800000g");
  CHECK(Refusal("1.2345") == "mass \"1.2345\" has no unit: write 1.2345t or 1.2345kg");
  CHECK(Refusal("1.0005kg") == "mass \"1.0005kg\" is finer than a gram");
  CHECK(Refusal("0.5g") == "mass \"0.5g\" is finer than a gram");
  CHECK(Refusal("1.2345678t") == "mass \"1.2345678t\" is finer than a gram");
  CHECK(Refusal("12lb").find("unknown unit \"lb\"") != std::string::npos);
  CHECK(Refusal("12 tons").find("unknown unit \"tons\"") != std::string::npos);
  CHECK(Refusal("12 斤").find("unknown unit") != std::string::npos);
  // An exponent was read as the unit "e-7t".
  CHECK(Refusal("1e-7t") ==
        "mass \"1e-7t\" is in exponent notation, which is not accepted: write the number in full (0.5t, "
        "1200kg)");
  CHECK(Refusal("1.5E3kg").find("is in exponent notation") != std::string::npos);
  CHECK(Refusal("2e+3 g").find("is in exponent notation") != std::string::npos);
  CHECK(Refusal("1e3").find("is in exponent notation") != std::string::npos);
  CHECK(Refusal("12 each").find("unknown unit \"each\"") != std::string::npos);
  CHECK(Refusal("1,2,3kg").find("malformed thousands separators") != std::string::npos);
  CHECK(Refusal("1234,567kg").find("malformed thousands separators") != std::string::npos);
  CHECK(Refusal(",500kg").find("malformed thousands separators") != std::string::npos);
  CHECK(Refusal("12,50kg").find("malformed thousands separators") != std::string::npos);
  CHECK(Refusal("12,500,kg").find("malformed thousands separators") != std::string::npos);
  CHECK(Refusal(".5t").find("does not start with a number") != std::string::npos);
  CHECK(Refusal("t").find("does not start with a number") != std::string::npos);
  CHECK(Refusal("+5t").find("does not start with a number") != std::string::npos);
  CHECK(Refusal("12.t").find("no digits after the decimal point") != std::string::npos);
  CHECK(Refusal("1 2t").find("not a single number") != std::string::npos);
  CHECK(Refusal("1.2.3t").find("not a single number") != std::string::npos);
  CHECK(Refusal("12.5t abc").find("unknown unit") != std::string::npos);
}

TEST_CASE("ParseMass refuses more than 2^53-1 grams", "[mass]") {
  CHECK(Grams("9007199254740991g") == kMaxMassGrams);
  CHECK(Grams("9007199254740.991kg") == kMaxMassGrams);
  CHECK(Grams("9007199254.740991t") == kMaxMassGrams);
  CHECK(Grams("9,007,199,254,740,991 g") == kMaxMassGrams);
  CHECK(Refusal("9007199254740992g").find("is more than 9007199254740991 g") != std::string::npos);
  CHECK(Refusal("9007199254.740992t").find("is more than") != std::string::npos);
  CHECK(Refusal("9007199255t").find("is more than") != std::string::npos);
  CHECK(Refusal("99999999999999999999999999t").find("is more than") != std::string::npos);
}

TEST_CASE("FormatMass writes every unit without rounding", "[mass]") {
  CHECK(FormatMass(12500000) == "12.500 t");
  CHECK(FormatMass(12500000, MassUnit::kTonnes) == "12.500 t");
  CHECK(FormatMass(12500500) == "12.5005 t");
  CHECK(FormatMass(1234567) == "1.234567 t");
  CHECK(FormatMass(1) == "0.000001 t");
  CHECK(FormatMass(0) == "0.000 t");
  CHECK(FormatMass(12500000, MassUnit::kKilograms) == "12500 kg");
  CHECK(FormatMass(350, MassUnit::kKilograms) == "0.35 kg");
  CHECK(FormatMass(1001, MassUnit::kKilograms) == "1.001 kg");
  CHECK(FormatMass(0, MassUnit::kKilograms) == "0 kg");
  CHECK(FormatMass(350, MassUnit::kGrams) == "350 g");
  CHECK(FormatMass(350) == "0.00035 t");
  CHECK(FormatMass(12500500, MassUnit::kKilograms) == "12500.5 kg");
  CHECK(FormatMass(12500500, MassUnit::kGrams) == "12500500 g");
  CHECK(FormatMass(-12500000) == "-12.500 t");
  CHECK(FormatMass(-350, MassUnit::kKilograms) == "-0.35 kg");
  CHECK(FormatMass(-7, MassUnit::kGrams) == "-7 g");
  CHECK(FormatMass(kMaxMassGrams) == "9007199254.740991 t");
  CHECK(FormatMass(INT64_MIN, MassUnit::kGrams) == "-9223372036854775808 g");
  CHECK(FormatMass(INT64_MAX, MassUnit::kTonnes) == "9223372036854.775807 t");
}

// Reference formatter: the digits of g with the point inserted by string
// manipulation only, to compare with FormatMass's arithmetic.
std::string ReferenceTonnes(int64_t g) {
  std::string digits = std::to_string(g);
  if (digits.size() < 7) digits = std::string(7 - digits.size(), '0') + digits;
  std::string whole = digits.substr(0, digits.size() - 6);
  std::string frac = digits.substr(digits.size() - 6);
  while (frac.size() > 3 && frac.back() == '0') frac.pop_back();
  return whole + "." + frac + " t";
}

TEST_CASE("FormatMass and ParseMass round-trip (randomised, fixed seed)", "[mass]") {
  std::mt19937_64 rng(20240511);
  std::uniform_int_distribution<int64_t> any(0, kMaxMassGrams);
  std::uniform_int_distribution<int> digits(1, 16);
  for (int i = 0; i < 20000; ++i) {
    // Mix uniformly large values with values of every magnitude.
    int64_t g = any(rng);
    if (i % 2 == 1) {
      int64_t cap = 1;
      for (int d = digits(rng); d > 0; --d) cap *= 10;
      g %= cap;
    }
    INFO("grams " << g);
    CHECK(FormatMass(g) == ReferenceTonnes(g));
    for (MassUnit unit : {MassUnit::kTonnes, MassUnit::kKilograms, MassUnit::kGrams}) {
      const std::string text = FormatMass(g, unit);
      Result<int64_t> back = ParseMass(text);
      INFO(text);
      REQUIRE(back.ok());
      CHECK(*back == g);
    }
  }
}

}  // namespace
}  // namespace wasteledger
