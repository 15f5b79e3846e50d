#include "wasteledger/csv_field.h"

#include <catch2/catch.hpp>

namespace wasteledger {
namespace {

TEST_CASE("CsvField quotes only what must be quoted, doubling quotes", "[csv]") {
  CHECK(CsvField("plain text 废矿物油") == "plain text 废矿物油");
  CHECK(CsvField("") == "");
  CHECK(CsvField("a,b") == "\"a,b\"");
  CHECK(CsvField("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(CsvField("two\r\nlines") == "\"two\r\nlines\"");
  CHECK(CsvField("lf\nonly") == "\"lf\nonly\"");
  // Other delimiters only when asked for (text a reader sniffs).
  CHECK(CsvField("a;b\tc") == "a;b\tc");
  CHECK(CsvField("a;b", ",;\t") == "\"a;b\"");
  CHECK(CsvField("a\tb", ",;\t") == "\"a\tb\"");
  std::string out = "x,";
  AppendCsvField("y,z", out);
  CHECK(out == "x,\"y,z\"");
}

}  // namespace
}  // namespace wasteledger
