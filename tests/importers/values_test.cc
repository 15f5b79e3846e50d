#include "wasteledger/import/values.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <vector>

namespace wasteledger::import {
namespace {

using Kind = Cell::Kind;

int64_t Grams(const std::string& text, MassUnit unit, Kind kind = Kind::kText) {
  Result<int64_t> r = ParseMass(text, unit, kind);
  INFO(text << " -> " << r.status().message());
  REQUIRE(r.ok());
  return *r;
}

std::string MassRefusal(const std::string& text, MassUnit unit, Kind kind = Kind::kText) {
  Result<int64_t> r = ParseMass(text, unit, kind);
  INFO(text);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Status::Code::kInvalidArgument);
  return r.status().message();
}

std::string Date(const std::string& text, Kind kind = Kind::kText, const DateFormat* format = nullptr,
                 bool allow_month = false, bool date1904 = false) {
  Result<std::string> r = ParseDate(text, kind, format, allow_month, date1904);
  INFO(text << " -> " << r.status().message());
  REQUIRE(r.ok());
  return *r;
}

std::string DateRefusal(const std::string& text, Kind kind = Kind::kText, const DateFormat* format = nullptr,
                        bool allow_month = false, bool date1904 = false) {
  Result<std::string> r = ParseDate(text, kind, format, allow_month, date1904);
  INFO(text << " -> " << (r.ok() ? *r : ""));
  REQUIRE_FALSE(r.ok());
  return r.status().message();
}

DateFormat Format(const std::string& pattern) {
  Result<DateFormat> f = DateFormat::Compile(pattern);
  INFO(pattern << " -> " << f.status().message());
  REQUIRE(f.ok());
  return *f;
}

std::string FormatRefusal(const std::string& pattern) {
  Result<DateFormat> f = DateFormat::Compile(pattern);
  INFO(pattern);
  REQUIRE_FALSE(f.ok());
  return f.status().message();
}

std::vector<std::string> Hazards(const std::string& text) {
  std::vector<std::string> out = {"stale"};
  Status s = ParseHazards(text, out);
  INFO(text << " -> " << s.message());
  REQUIRE(s.ok());
  return out;
}

std::string Method(const std::string& text) {
  std::string buffer;
  return std::string(ExtractMethodCode(text, buffer));
}

std::vector<std::string> Names(const std::string& text) {
  std::vector<std::string> out;
  std::string_view rest = text;
  for (std::string_view n = NextName(rest); !n.empty(); n = NextName(rest)) out.emplace_back(n);
  return out;
}

using V = std::vector<std::string>;

TEST_CASE("NormalizeText folds full width, trims and collapses whitespace", "[values]") {
  CHECK(NormalizeText("  abc  ") == "abc");
  CHECK(NormalizeText("ａｂｃ") == "abc");
  CHECK(NormalizeText("１，２３４．５") == "1,234.5");
  CHECK(NormalizeText("转移量（吨）") == "转移量(吨)");
  CHECK(NormalizeText("\xE3\x80\x80移出单位\xE3\x80\x80") == "移出单位");  // U+3000
  CHECK(NormalizeText("A\xC2\xA0\xC2\xA0 B") == "A B");                    // no-break spaces
  CHECK(NormalizeText("A\t\t B\r\nC") == "A B C");
  CHECK(NormalizeText("Ａ　　Ｂ") == "A B");
  CHECK(NormalizeText("～！") == "~!");  // the ends of the full-width range
  CHECK(NormalizeText("\t \xE3\x80\x80 ") == "");
  CHECK(NormalizeText("") == "");
  CHECK(NormalizeText("禹州市（钧州）公司") == "禹州市(钧州)公司");
  CHECK(NormalizeText("中文。、") == "中文。、");  // CJK punctuation is not full-width ASCII

  SECTION("the fast path returns a view of the input, untouched text needs no buffer") {
    const std::string in = "  移出单位 名称  ";
    std::string buffer;
    const std::string_view out = NormalizeText(in, buffer);
    CHECK(out == "移出单位 名称");
    CHECK(out.data() == in.data() + 2);
    CHECK(buffer.empty());
  }
  SECTION("NormalizeTextTo replaces the contents, also when given a view of itself") {
    std::string s = "old contents";
    NormalizeTextTo(" ｘ  y ", s);
    CHECK(s == "x y");
    std::string self = "  ａ　ｂ  ";
    NormalizeTextTo(self, self);
    CHECK(self == "a b");
  }
}

TEST_CASE("IsBlankText and IsPlaceholder", "[values]") {
  CHECK(IsBlankText(""));
  CHECK(IsBlankText(" \t\r\n\xE3\x80\x80\xC2\xA0"));
  CHECK_FALSE(IsBlankText(" x "));
  CHECK_FALSE(IsBlankText("０"));
  for (const char* p : {"/", "-", "--", "\u2014", "\u2014\u2014", "\\"}) CHECK(IsPlaceholder(p));
  CHECK_FALSE(IsPlaceholder("0"));
  CHECK_FALSE(IsPlaceholder("无"));
  CHECK_FALSE(IsPlaceholder(""));
}

TEST_CASE("ParseUnitName knows tonnes, kilograms and grams", "[values]") {
  CHECK(ParseUnitName("t") == MassUnit::kTonnes);
  CHECK(ParseUnitName("T") == MassUnit::kTonnes);
  CHECK(ParseUnitName("吨") == MassUnit::kTonnes);
  CHECK(ParseUnitName("公吨") == MassUnit::kTonnes);
  CHECK(ParseUnitName(" ｔ ") == MassUnit::kTonnes);
  CHECK(ParseUnitName("kg") == MassUnit::kKilograms);
  CHECK(ParseUnitName("KG") == MassUnit::kKilograms);
  CHECK(ParseUnitName("Kg") == MassUnit::kKilograms);
  CHECK(ParseUnitName("千克") == MassUnit::kKilograms);
  CHECK(ParseUnitName("公斤") == MassUnit::kKilograms);
  CHECK(ParseUnitName("g") == MassUnit::kGrams);
  CHECK(ParseUnitName("克") == MassUnit::kGrams);
  CHECK_FALSE(ParseUnitName("lb"));
  CHECK_FALSE(ParseUnitName("立方米"));
  CHECK_FALSE(ParseUnitName(""));
  CHECK_FALSE(ParseUnitName("tons"));
  CHECK(std::string(UnitName(MassUnit::kTonnes)) == "t");
  CHECK(std::string(UnitName(MassUnit::kKilograms)) == "kg");
  CHECK(std::string(UnitName(MassUnit::kGrams)) == "g");
}

TEST_CASE("SplitHeading finds the unit part of a heading", "[values]") {
  struct Case {
    std::string heading, name, unit_text;
    std::optional<MassUnit> unit;
  };
  const std::vector<Case> cases = {
      {"转移量(吨)", "转移量", "吨", MassUnit::kTonnes},
      {"数量(千克)", "数量", "千克", MassUnit::kKilograms},
      {"重量/kg", "重量", "kg", MassUnit::kKilograms},
      {"转移数量 (t)", "转移数量", "t", MassUnit::kTonnes},
      {"[kg]", "", "kg", MassUnit::kKilograms},
      {"数量[g]", "数量", "g", MassUnit::kGrams},
      {"转移量【吨】", "转移量", "吨", MassUnit::kTonnes},
      {"转移量(单位:千克)", "转移量", "千克", MassUnit::kKilograms},
      {"转移量(单位 : 吨)", "转移量", "吨", MassUnit::kTonnes},
      {"重量 kg", "重量", "kg", MassUnit::kKilograms},
      {"转移量(吨)*", "转移量", "吨", MassUnit::kTonnes},
      {"转移量(吨):", "转移量", "吨", MassUnit::kTonnes},
      {"接收日期(年月日)", "接收日期", "年月日", std::nullopt},
      {"转移量(立方米)", "转移量", "立方米", std::nullopt},
      {"移出单位/产生单位", "移出单位/产生单位", "", std::nullopt},
      {"转移量", "转移量", "", std::nullopt},
      {"联单编号*", "联单编号", "", std::nullopt},
      {"t", "t", "", std::nullopt},
      // Glued to a Chinese name (was read as tonnes whatever it said).
      {"转移量kg", "转移量", "kg", MassUnit::kKilograms},
      {"转移重量KG", "转移重量", "KG", MassUnit::kKilograms},
      {"数量千克", "数量", "千克", MassUnit::kKilograms},
      {"数量公斤", "数量", "公斤", MassUnit::kKilograms},
      {"转移量吨", "转移量", "吨", MassUnit::kTonnes},
      {"接受量t", "接受量", "t", MassUnit::kTonnes},
      {"数量g", "数量", "g", MassUnit::kGrams},
      {"转移量万吨", "转移量", "万吨", std::nullopt},
      {"weight", "weight", "", std::nullopt},
      {"Weight kg", "Weight", "kg", MassUnit::kKilograms},
  };
  for (const Case& c : cases) {
    INFO(c.heading);
    const HeadingParts p = SplitHeading(c.heading);
    CHECK(p.name == c.name);
    CHECK(p.unit_text == c.unit_text);
    CHECK(p.unit == c.unit);
  }
  // What the mapper does: normalise first, so full-width brackets work too.
  const std::string norm = NormalizeText("数量（千克）");
  CHECK(SplitHeading(norm).unit == MassUnit::kKilograms);
  CHECK(SplitHeading(norm).name == "数量");
}

TEST_CASE("ParseMass reads exact grams in the heading's unit", "[values]") {
  CHECK(Grams("12.5", MassUnit::kTonnes) == 12500000);
  CHECK(Grams("12.5", MassUnit::kKilograms) == 12500);
  CHECK(Grams("12", MassUnit::kGrams) == 12);
  CHECK(Grams("0.000001", MassUnit::kTonnes) == 1);
  CHECK(Grams("1.234567", MassUnit::kTonnes) == 1234567);
  CHECK(Grams("12.500000000", MassUnit::kTonnes) == 12500000);  // trailing zeros are no precision
  CHECK(Grams("007", MassUnit::kKilograms) == 7000);
  CHECK(Grams(".5", MassUnit::kTonnes) == 500000);
  CHECK(Grams("12.", MassUnit::kTonnes) == 12000000);
  CHECK(Grams("+5", MassUnit::kTonnes) == 5000000);
  CHECK(Grams("0", MassUnit::kTonnes) == 0);
  CHECK(Grams("0.000", MassUnit::kTonnes) == 0);
  CHECK(Grams("-0", MassUnit::kTonnes) == 0);
}

TEST_CASE("ParseMass: separators, full width, spaces and a unit in the cell", "[values]") {
  CHECK(Grams("1,234.5", MassUnit::kKilograms) == 1234500);
  CHECK(Grams("1,234,567", MassUnit::kGrams) == 1234567);
  CHECK(Grams("１，２３４．５", MassUnit::kKilograms) == 1234500);
  CHECK(Grams("１２．５", MassUnit::kTonnes) == 12500000);
  CHECK(Grams("12.5  ", MassUnit::kTonnes) == 12500000);
  CHECK(Grams("\xE3\x80\x80"
              "12.5\t",
              MassUnit::kTonnes) == 12500000);
  // A unit in the cell overrides the heading's.
  CHECK(Grams("12.5吨", MassUnit::kKilograms) == 12500000);
  CHECK(Grams("12.5 t", MassUnit::kGrams) == 12500000);
  CHECK(Grams("800 kg", MassUnit::kTonnes) == 800000);
  CHECK(Grams("800公斤", MassUnit::kTonnes) == 800000);
  CHECK(Grams("800千克", MassUnit::kTonnes) == 800000);
  CHECK(Grams("350克", MassUnit::kTonnes) == 350);
  CHECK(Grams("350 G", MassUnit::kTonnes) == 350);
  CHECK(Grams("１２．５ｔ", MassUnit::kKilograms) == 12500000);
  CHECK(Grams("1,000 kg", MassUnit::kTonnes) == 1000000);
}

TEST_CASE("ParseMass refuses what is not an exact non-negative mass", "[values]") {
  CHECK(MassRefusal("-1", MassUnit::kTonnes) == "negative mass");
  CHECK(MassRefusal("-0.5 kg", MassUnit::kTonnes) == "negative mass");
  CHECK(MassRefusal("－３", MassUnit::kTonnes) == "negative mass");  // full-width minus
  CHECK(MassRefusal("12.3000001", MassUnit::kTonnes) == "finer than a gram");
  CHECK(MassRefusal("12.5", MassUnit::kGrams) == "finer than a gram");
  CHECK(MassRefusal("0.0001 kg", MassUnit::kTonnes) == "finer than a gram");
  CHECK(MassRefusal("abc", MassUnit::kTonnes) == "not a number");
  CHECK(MassRefusal("", MassUnit::kTonnes) == "not a number");
  CHECK(MassRefusal("   ", MassUnit::kTonnes) == "not a number");
  CHECK(MassRefusal(".", MassUnit::kTonnes) == "not a number");
  CHECK(MassRefusal("12.5.3", MassUnit::kTonnes) == "not a number");
  CHECK(MassRefusal("约12", MassUnit::kTonnes) == "not a number");
  CHECK(MassRefusal("1 234", MassUnit::kTonnes) == "not a number");
  CHECK(MassRefusal("1E3", MassUnit::kTonnes) == "not a number");  // exponents only in number cells
  CHECK(MassRefusal("12.5 lb", MassUnit::kTonnes) == "unknown unit \"lb\" (use t, kg or g)");
  CHECK(MassRefusal("12.5立方米", MassUnit::kTonnes) == "unknown unit \"立方米\" (use t, kg or g)");
  CHECK(MassRefusal("12,5", MassUnit::kTonnes) == "bad thousands separators (write 1,234.5 or 1234.5)");
  CHECK(MassRefusal("1,2345", MassUnit::kTonnes) == "bad thousands separators (write 1,234.5 or 1234.5)");
  CHECK(MassRefusal("1234,567", MassUnit::kTonnes) == "bad thousands separators (write 1,234.5 or 1234.5)");
  CHECK(MassRefusal(",123", MassUnit::kTonnes) == "bad thousands separators (write 1,234.5 or 1234.5)");
  CHECK(MassRefusal("1,234,", MassUnit::kTonnes) == "bad thousands separators (write 1,234.5 or 1234.5)");
}

TEST_CASE("ParseMass: overflow at 2^53 grams", "[values]") {
  CHECK(Grams("9007199254740991", MassUnit::kGrams) == 9007199254740991);
  CHECK(Grams("9007199254.740991", MassUnit::kTonnes) == 9007199254740991);
  CHECK(Grams("9,007,199,254,740,991", MassUnit::kGrams) == 9007199254740991);
  CHECK(MassRefusal("9007199254740992", MassUnit::kGrams) == "mass too large");
  CHECK(MassRefusal("9007199254.740992", MassUnit::kTonnes) == "mass too large");
  CHECK(MassRefusal("9007199254741", MassUnit::kTonnes) == "mass too large");
  CHECK(MassRefusal("99999999999999999999999999999", MassUnit::kGrams) == "mass too large");
  CHECK(MassRefusal("1e400", MassUnit::kTonnes, Kind::kNumber) == "mass too large");
}

TEST_CASE("ParseMass: number cells round float artefacts to the gram", "[values]") {
  CHECK(Grams("12.300000000000001", MassUnit::kTonnes, Kind::kNumber) == 12300000);
  CHECK(Grams("12.299999999999999", MassUnit::kTonnes, Kind::kNumber) == 12300000);
  CHECK(Grams("0.0000005", MassUnit::kTonnes, Kind::kNumber) == 1);  // half away from zero
  CHECK(Grams("0.0000004999", MassUnit::kTonnes, Kind::kNumber) == 0);
  CHECK(Grams("2.5", MassUnit::kGrams, Kind::kNumber) == 3);
  CHECK(Grams("2.4999", MassUnit::kGrams, Kind::kNumber) == 2);
  CHECK(Grams("1.5E-3", MassUnit::kTonnes, Kind::kNumber) == 1500);
  CHECK(Grams("1.5e+3", MassUnit::kKilograms, Kind::kNumber) == 1500000);
  CHECK(Grams("25E2", MassUnit::kGrams, Kind::kNumber) == 2500);
  CHECK(Grams("1e-400", MassUnit::kTonnes, Kind::kNumber) == 0);
  CHECK(MassRefusal("1.5E", MassUnit::kTonnes, Kind::kNumber) == "not a number");
  CHECK(MassRefusal("-12.3", MassUnit::kTonnes, Kind::kNumber) == "negative mass");
  // The same artefact in a text cell is refused: a clerk typed it.
  CHECK(MassRefusal("12.300000000000001", MassUnit::kTonnes) == "finer than a gram");
}

TEST_CASE("ParseDate accepts the usual ways of writing a date", "[values]") {
  for (const char* text : {"2023-01-05",
                           "2023/1/5",
                           "2023.1.5",
                           "2023-1-5",
                           "2023/01/05",
                           "2023年1月5日",
                           "2023年01月05日",
                           "2023 年 1 月 5 日",
                           "2023年1月5号",
                           "2023年1月5",
                           "20230105",
                           "2023-01-05 14:30",
                           "2023-01-05 14:30:00",
                           "2023-01-05T14:30:00",
                           "2023/1/5 9:05",
                           "2023-01-05 14:30:00.123",
                           "2023年1月5日 14:30",
                           "２０２３－０１－０５",
                           "２０２３年１月５日",
                           "  2023-01-05  ",
                           "2023-01-05\xE3\x80\x80"}) {
    CHECK(Date(text) == "2023-01-05");
  }
  CHECK(Date("2024-02-29") == "2024-02-29");
  CHECK(Date("2000-02-29") == "2000-02-29");
  CHECK(Date("1900-01-01") == "1900-01-01");
  CHECK(Date("2023-12-31") == "2023-12-31");
}

TEST_CASE("ParseDate refuses what is not a date or not a calendar day", "[values]") {
  const std::string kNotADate = "not a date (write 2023-01-05)";
  for (const char* text : {"2023-02-29", "1900-02-29", "2023-13-01", "2023-00-10", "2023-04-31", "2023-01-00",
                           "20230230", "2023年2月30日", "2100-02-29"}) {
    CHECK(DateRefusal(text) == "not a calendar date");
  }
  for (const char* text : {"",
                           "abc",
                           "05/01/2023",
                           "2023-1/5",
                           "2023-01",
                           "2023年1月",
                           "202301",
                           "2023-01-05 25:00",
                           "2023-01-05 14:60",
                           "2023-01-05 14",
                           "2023-01-05x",
                           "23-1-5",
                           "2023-001-05",
                           "1899-12-31",
                           "0001-01-01",
                           "2023-01-05 14:30 extra",
                           "44927.5",
                           "19999",
                           "80001",
                           "123456789"}) {
    CHECK(DateRefusal(text) == kNotADate);
  }
  CHECK(DateRefusal("2023-01-05", Kind::kBool) == kNotADate);
  CHECK(DateRefusal("#N/A", Kind::kError) == kNotADate);
}

TEST_CASE("ParseDate reads spreadsheet serials in the 1900 date system", "[values]") {
  CHECK(Date("44927", Kind::kNumber) == "2023-01-01");
  CHECK(Date("44931", Kind::kNumber) == "2023-01-05");
  CHECK(Date("44927.75", Kind::kNumber) == "2023-01-01");  // the time of day is dropped
  CHECK(Date("25569", Kind::kNumber) == "1970-01-01");
  CHECK(Date("1", Kind::kNumber) == "1900-01-01");
  CHECK(Date("59", Kind::kNumber) == "1900-02-28");
  CHECK(DateRefusal("60", Kind::kNumber) == "spreadsheet serial 60 is 1900-02-29, a day that does not exist");
  CHECK(Date("61", Kind::kNumber) == "1900-03-01");
  CHECK(Date("2958465", Kind::kNumber) == "9999-12-31");
  CHECK(DateRefusal("2958466", Kind::kNumber) == "not a date (write 2023-01-05)");
  CHECK(DateRefusal("0", Kind::kNumber) == "not a date (write 2023-01-05)");
  CHECK(DateRefusal("-1", Kind::kNumber) == "not a date (write 2023-01-05)");
  // A number typed as YYYYMMDD.
  CHECK(Date("20230105", Kind::kNumber) == "2023-01-05");
  // Text serials: whole numbers in the plausible range only.
  CHECK(Date("44927") == "2023-01-01");
  CHECK(Date("20000") == "1954-10-03");
  CHECK(Date("80000") == "2119-01-11");
  // A number cell holding text still parses as text.
  CHECK(Date("2023-01-05", Kind::kNumber) == "2023-01-05");
}

TEST_CASE("ParseDate reads number cells of a 1904 workbook from 1904-01-01", "[values]") {
  auto date1904 = [](const std::string& text, Kind kind = Kind::kNumber) {
    return Date(text, kind, nullptr, false, true);
  };
  auto refused1904 = [](const std::string& text) { return DateRefusal(text, Kind::kNumber, nullptr, false, true); };
  CHECK(date1904("0") == "1904-01-01");
  CHECK(date1904("1") == "1904-01-02");
  CHECK(date1904("43469") == "2023-01-05");  // 44931 in the 1900 system, less 1462
  CHECK(date1904("43469.5") == "2023-01-05");
  CHECK(date1904("24107") == "1970-01-01");
  CHECK(date1904("58") == "1904-02-28");
  CHECK(date1904("59") == "1904-02-29");  // a real leap day: no Lotus day to skip
  CHECK(date1904("60") == "1904-03-01");
  CHECK(date1904("2957003") == "9999-12-31");
  CHECK(refused1904("2957004") == "not a date (write 2023-01-05)");
  CHECK(refused1904("-1") == "not a date (write 2023-01-05)");
  // Typed dates are no serials, and text cells are read as text.
  CHECK(date1904("20230105") == "2023-01-05");
  CHECK(date1904("2023-01-05") == "2023-01-05");
  CHECK(date1904("44931", Kind::kText) == "2023-01-05");
  // The same cell in the 1900 system: 4 years and a day later.
  CHECK(Date("43469", Kind::kNumber) == "2019-01-04");
}

TEST_CASE("ParseDate with allow_month reads a month as its first day", "[values]") {
  for (const char* text :
       {"2023-01", "2023/1", "2023.1", "2023年1月", "2023年01月", "202301", "2023-01-01"}) {
    CHECK(Date(text, Kind::kText, nullptr, true) == "2023-01-01");
  }
  CHECK(Date("202301", Kind::kNumber, nullptr, true) == "2023-01-01");
  CHECK(Date("2023-01-15", Kind::kText, nullptr, true) == "2023-01-15");  // a full date stays
  CHECK(DateRefusal("202313", Kind::kText, nullptr, true) == "not a calendar date");
  CHECK(DateRefusal("2023-13", Kind::kText, nullptr, true) == "not a calendar date");
}

TEST_CASE("ParseDate with an explicit format", "[values]") {
  const DateFormat dmy = Format("%d.%m.%Y");
  CHECK(dmy.pattern() == "%d.%m.%Y");
  CHECK(Date("05.01.2023", Kind::kText, &dmy) == "2023-01-05");
  CHECK(Date("5.1.2023", Kind::kText, &dmy) == "2023-01-05");
  CHECK(Date("05.01.2023 10:00", Kind::kText, &dmy) == "2023-01-05");  // a time may follow
  CHECK(Date("44927", Kind::kNumber, &dmy) == "2023-01-01");           // serials still work
  CHECK(DateRefusal("2023-01-05", Kind::kText, &dmy) == "does not match the date format %d.%m.%Y");
  CHECK(DateRefusal("05.01.2023x", Kind::kText, &dmy) == "does not match the date format %d.%m.%Y");
  CHECK(DateRefusal("30.02.2023", Kind::kText, &dmy) == "not a calendar date");

  const DateFormat packed = Format("%Y%m%d");
  CHECK(Date("20230105", Kind::kText, &packed) == "2023-01-05");
  CHECK(Date("2023015", Kind::kText, &packed) == "2023-01-05");  // the last directive takes one or two digits
  CHECK(DateRefusal("202301051", Kind::kText, &packed) == "does not match the date format %Y%m%d");
  CHECK(DateRefusal("2023-01-05", Kind::kText, &packed) == "does not match the date format %Y%m%d");

  const DateFormat us = Format("%m/%d/%Y");
  CHECK(Date("01/05/2023", Kind::kText, &us) == "2023-01-05");
  CHECK(Date("1/5/2023", Kind::kText, &us) == "2023-01-05");

  const DateFormat two_digit = Format("%d.%m.%y");
  CHECK(Date("05.01.23", Kind::kText, &two_digit) == "2023-01-05");

  const DateFormat month = Format("%Y年%m月");
  CHECK(Date("2023年1月", Kind::kText, &month) == "2023-01-01");
  CHECK(Date("２０２３年１月", Kind::kText, &month) == "2023-01-01");

  const DateFormat spaced = Format("%Y 年 %m 月 %d 日");
  CHECK(Date("2023年1月5日", Kind::kText, &spaced) == "2023-01-05");
  CHECK(Date("2023 年 1 月 5 日", Kind::kText, &spaced) == "2023-01-05");

  const DateFormat timed = Format("%Y-%m-%d %H:%M:%S");
  CHECK(Date("2023-01-05 14:30:59", Kind::kText, &timed) == "2023-01-05");
  CHECK(DateRefusal("2023-01-05 24:30:00", Kind::kText, &timed) ==
        "does not match the date format %Y-%m-%d %H:%M:%S");
  CHECK(DateRefusal("2023-01-05 14:30:00 x", Kind::kText, &timed) ==
        "does not match the date format %Y-%m-%d %H:%M:%S");

  const DateFormat percent = Format("%Y%%%m%%%d");
  CHECK(Date("2023%01%05", Kind::kText, &percent) == "2023-01-05");
  CHECK(Format("％Ｙ－％ｍ－％ｄ").pattern() == "%Y-%m-%d");  // full width folded
}

TEST_CASE("DateFormat::Compile refuses what it cannot read", "[values]") {
  CHECK(FormatRefusal("%b %d %Y") ==
        "unknown directive \"%b\" in date format (use %Y, %y, %m, %d, %H, %M, %S or %%)");
  CHECK(FormatRefusal("%Y-%m-%") == "date format ends in a lone \"%\"");
  CHECK(FormatRefusal("%d.%m") == "date format needs a year (%Y or %y) and a month (%m)");
  CHECK(FormatRefusal("%Y.%d") == "date format needs a year (%Y or %y) and a month (%m)");
  CHECK(FormatRefusal("%Y%m%d%d") == "date format repeats %d");
  CHECK(FormatRefusal("%Y %y %m") == "date format repeats %y");
  CHECK(FormatRefusal("  ") == "empty date format");
}

TEST_CASE("ParseHazards reads codes and Chinese names in the order T C I R In", "[values]") {
  CHECK(Hazards("T,I") == V{"T", "I"});
  CHECK(Hazards("T、I") == V{"T", "I"});
  CHECK(Hazards("毒性,易燃性") == V{"T", "I"});
  CHECK(Hazards("T/C") == V{"T", "C"});
  CHECK(Hazards("In") == V{"In"});
  CHECK(Hazards("IN") == V{"In"});
  CHECK(Hazards("I,T") == V{"T", "I"});
  CHECK(Hazards("In;R|I+C T") == V{"T", "C", "I", "R", "In"});
  CHECK(Hazards("In;R|I+C") == V{"C", "I", "R", "In"});
  CHECK(Hazards("感染性、反应性、腐蚀性") == V{"C", "R", "In"});
  CHECK(Hazards("毒性(T)") == V{"T"});
  CHECK(Hazards("T(毒性)") == V{"T"});
  CHECK(Hazards("毒性 (T)、腐蚀性 (C)") == V{"T", "C"});
  CHECK(Hazards("(T)") == V{"T"});
  CHECK(Hazards("t, in") == V{"T", "In"});
  CHECK(Hazards("T,T,毒性") == V{"T"});
  CHECK(Hazards("Ｔ，Ｉ") == V{"T", "I"});
  CHECK(Hazards("T，I") == V{"T", "I"});
  CHECK(Hazards("").empty());
  CHECK(Hazards("  ").empty());
  CHECK(Hazards("/").empty());
  CHECK(Hazards("无").empty());
  std::vector<std::string> out;
  Status s = ParseHazards("T,X", out);
  CHECK(s.message() == "unknown hazard characteristic \"X\" (use T, C, I, R, In)");
  s = ParseHazards("TI", out);
  CHECK(s.message() == "unknown hazard characteristic \"TI\" (use T, C, I, R, In)");
  s = ParseHazards("有毒", out);
  CHECK(s.message() == "unknown hazard characteristic \"有毒\" (use T, C, I, R, In)");
}

TEST_CASE("ExtractMethodCode keeps codes and finds them in descriptions", "[values]") {
  CHECK(Method("R9") == "R9");
  CHECK(Method("D10") == "D10");
  CHECK(Method("R9 废油再提炼") == "R9");
  CHECK(Method("废油再提炼(R9)") == "R9");
  CHECK(Method("r9 再生") == "R9");
  CHECK(Method("综合利用R15") == "R15");
  CHECK(Method("焚烧 D10/填埋 D1") == "D10");
  CHECK(Method("HW-INC2") == "HW-INC2");  // a site code is kept as written
  CHECK(Method("焚烧") == "");
  CHECK(Method("处置D100") == "");  // three digits: not a code
  CHECK(Method("焚烧RD9x") == "");  // letters around: not a code
  CHECK(Method("") == "");
}

TEST_CASE("NextName splits a cell naming several parties", "[values]") {
  CHECK(Names("甲运输公司") == V{"甲运输公司"});
  CHECK(Names("甲公司;乙公司") == V{"甲公司", "乙公司"});
  CHECK(Names("甲公司；乙公司") == V{"甲公司", "乙公司"});
  CHECK(Names("甲、乙/丙") == V{"甲", "乙", "丙"});
  CHECK(Names(" ; ;甲 有限公司 ;") == V{"甲 有限公司"});
  CHECK(Names("").empty());
}

}  // namespace
}  // namespace wasteledger::import
