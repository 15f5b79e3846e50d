// Text on a terminal: what the ledger stores as given (a reason with a line
// break, a name with an escape sequence) is listed one entry a line with its
// control characters escaped (docs/STATEMENTS.md, "Text on a terminal"), and
// listings size their columns by the display width of what they hold.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli/city_fixture.h"

namespace wasteledger::testing {
namespace {

using nlohmann::json;

// No ESC, no other C0 control but the line ends (and the tabs between the
// fields of party list), no DEL, no C1 control.
bool TerminalSafe(const std::string& text, bool tabs = false) {
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if ((c < 0x20 && c != '\n' && !(tabs && c == '\t')) || c == 0x7F) return false;
    if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
        static_cast<unsigned char>(text[i + 1]) <= 0x9F)
      return false;
  }
  return true;
}

// The display column where `needle` starts on `line` (CJK characters are two
// columns wide; the tests use no other wide text).
int ColumnOf(const std::string& line, const std::string& needle) {
  const size_t at = line.find(needle);
  REQUIRE(at != std::string::npos);
  int col = 0;
  for (size_t i = 0; i < at;) {
    const auto c = static_cast<unsigned char>(line[i]);
    const size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    col += len == 3 ? 2 : 1;
    i += len;
  }
  return col;
}

TEST_CASE("a reason, a name and a note with control characters stay on their line, escaped",
          "[cli][display]") {
  City c;
  const std::string evil = "Evil\nCo\x1b[2J\x7f\xc2\x9b";
  c.Ok({"party", "update", "--ledger", c.ledger, "--key", c.regulator_key, "--id", "incin", "--name", evil});
  c.AsOk("prod", {"generate", "--waste", "900-041-49", "--mass", "2t", "--lot", "OIL"});
  const uint64_t g = SeqOf(c.AsOk("prod", {"generate", "--waste", "SW02", "--mass", "1t"}));
  c.AsOk("prod", {"void", "--seq", std::to_string(g), "--reason", "line one\nline two\x1b[31mRED"});
  c.AsOk("prod", {"dispatch", "--to", "incin", "--line", "900-041-49:1t"});
  const std::string no = City::ThisYearsManifest(1);
  c.AsOk("incin", {"receive", "--manifest", no, "--mass", "0.9t", "--reason", "short\r\nby\t100 kg"});

  // Stored as given: the export (JSON) holds the text exactly.
  const std::string exported = c.Export();
  CHECK(exported.find("\"reason\":\"line one\\nline two\\u001b[31mRED\"") != std::string::npos);
  CHECK(json::parse(c.Ok({"party", "show", "--ledger", c.ledger, "incin", "--format", "json"})
                        .out)["record"]["name"] == evil);

  // log: one line per entry.
  const std::string log = c.Ok({"log", "--ledger", c.ledger}).out;
  CHECK(TerminalSafe(log));
  CHECK(CountLines(log) == CountLines(exported));
  CHECK(log.find("line one\\nline two\\x1b[31mRED") != std::string::npos);
  CHECK(log.find("Evil\\nCo\\x1b[2J\\x7f\\u009b") != std::string::npos);

  const std::string parties = c.Ok({"party", "list", "--ledger", c.ledger}).out;
  CHECK(TerminalSafe(parties, true));
  CHECK(CountLines(parties) == 7);  // reg, prod and the City's five
  CHECK(parties.find("incin\tEvil\\nCo\\x1b[2J\\x7f\\u009b\t-\t") != std::string::npos);
  const std::string shown = c.Ok({"party", "show", "--ledger", c.ledger, "incin"}).out;
  CHECK(TerminalSafe(shown));
  CHECK(shown.find("name: Evil\\nCo\\x1b[2J\\x7f\\u009b\n") != std::string::npos);

  const std::string manifest = c.Ok({"manifest", "show", "--ledger", c.ledger, no}).out;
  CHECK(TerminalSafe(manifest));
  CHECK(manifest.find("short\\r\\nby\\t100 kg") != std::string::npos);

  // A report table: the party's name is a cell.
  const std::string balance = c.Ok({"report", "balance", "--ledger", c.ledger, "--lang", "en"}).out;
  CHECK(TerminalSafe(balance));
  CHECK(balance.find("Evil\\nCo\\x1b[2J") != std::string::npos);
  // CSV and JSON keep their own escaping: the text as stored.
  const std::string csv = c.Ok({"report", "balance", "--ledger", c.ledger, "--format", "csv"}).out;
  CHECK(csv.find("\"Evil\nCo\x1b[2J") != std::string::npos);

  // An error quoting a value is one line too.
  RunResult r = Wl({"lots", "--ledger", c.ledger, "--party", "A\nB\x1b[2J"});
  CHECK(r.exit_code == 1);
  CHECK(r.err == "wasteledger: error: --party A\\nB\\x1b[2J: no such party\n");
}

// "A　B" (U+3000, as a Chinese input method types a space) was accepted as
// a lot id documented "without spaces".
TEST_CASE("a lot id with a Unicode space is refused as one with an ASCII space", "[cli][display]") {
  City c;
  for (const std::string lot : {"A B",
                                "A\xE3\x80\x80"
                                "B",
                                "A\xC2\xA0"
                                "B",
                                "\xE2\x80\x83"
                                "A"}) {
    INFO(lot);
    CHECK(c.Refused("prod", {"generate", "--waste", "SW02", "--mass", "1t", "--lot", lot})
              .find("body.lot: must be a lot id (1-64 chars, no spaces or '+')") != std::string::npos);
    c.AsOk("prod", {"generate", "--waste", "900-041-49", "--mass", "1t"});
    CHECK(c.Refused("prod",
                    {"dispose", "--method", "D10", "--input", "OIL:1kg", "--output", "772-002-18:1kg:" + lot})
              .find("must be a lot id") != std::string::npos);
  }
  // Other CJK text is an id like any other.
  c.AsOk("prod", {"generate", "--waste", "SW02", "--mass", "1t", "--lot", "粉煤灰-三月"});
}

// manifest list had no header and its masses were not in a column; log gave
// the actor 16 characters, so a longer id pushed the summary out of line.
TEST_CASE("manifest list and log line their columns up by display width", "[cli][display]") {
  City c;
  c.Add("yuzhou-thermal-power-plant-2", "producer", {"--uscc", "91411081MA44XXXX1Y"});
  c.Add("许昌处置", "receiver", {"--permit", "许可1:utilize:SW02:100t:2026-01-01:2099-12-31"});
  c.AsOk("prod", {"generate", "--waste", "SW02", "--mass", "12.5t"});
  c.AsOk("yuzhou-thermal-power-plant-2", {"generate", "--waste", "SW02", "--mass", "800kg"});
  c.AsOk("prod", {"dispatch", "--to", "许昌处置", "--line", "SW02:12.5t"});
  c.AsOk("yuzhou-thermal-power-plant-2", {"dispatch", "--to", "brick", "--line", "SW02:800kg"});

  const auto list = SplitLines(c.Ok({"manifest", "list", "--ledger", c.ledger}).out);
  REQUIRE(list.size() == 3);
  const std::string& header = list[0];
  CHECK(header.rfind("manifest  ", 0) == 0);
  auto heading = [&](const std::string& name) { return ColumnOf(header, "  " + name + " ") + 2; };
  // Text starts in its heading's column; masses and seqs end in it.
  for (const std::string& row : {list[1], list[2]}) {
    INFO(row);
    CHECK(ColumnOf(row, "dispatched") == heading("status"));
  }
  CHECK(ColumnOf(list[1], "prod") == heading("from"));
  CHECK(ColumnOf(list[1], "许昌处置") == heading("to"));
  CHECK(ColumnOf(list[2], "yuzhou-thermal-power-plant-2") == heading("from"));
  CHECK(ColumnOf(list[2], "brick") == heading("to"));
  CHECK(ColumnOf(list[1], "12.500 t") + 8 == heading("mass") + 4);
  CHECK(ColumnOf(list[2], "0.800 t") + 7 == heading("mass") + 4);

  // log: the summaries start in one column, whatever the actor's length.
  const auto log = SplitLines(c.Ok({"log", "--ledger", c.ledger}).out);
  REQUIRE(log.size() >= 4);
  const size_t n = log.size();
  const int summary = ColumnOf(log[n - 4], "12.500 t of SW02");
  CHECK(ColumnOf(log[n - 3], "0.800 t of SW02") == summary);
  CHECK(ColumnOf(log[n - 2], "manifest ") == summary);
  CHECK(ColumnOf(log[n - 1], "manifest ") == summary);
  CHECK(log[n - 1].find(" yuzhou-thermal-power-plant-2 manifest ") != std::string::npos);
}

}  // namespace
}  // namespace wasteledger::testing
