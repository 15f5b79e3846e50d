// The reports through the binary, as a regulator runs them: balance in every
// format (the JSON, CSV, HTML and XLSX hold the same exact figures),
// reconcile with --fail-on, indicators, and every malformed option refused
// with one line.
#include <zip.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "cli/city_fixture.h"
#include "wasteledger/time_util.h"

namespace wasteledger::testing {
namespace {

using nlohmann::json;

// N days before now, at the current time of day, in +08:00.
std::string DaysAgo(int n) { return FormatWithOffset(NowUnixSeconds() - int64_t{n} * 86400, 480); }
std::string DateAgo(int n) { return DaysAgo(n).substr(0, 10); }

// The City plus a kiln (utilises SW02) and a furnace (disposes HW49) whose
// permits run from 400 days ago to 400 days ahead; three days of history:
// 100 t of SW02 and 2 t of HW49 made, 60 t of SW02 sent to the kiln and
// 58 t received with no reason (3.3% short), all of it utilised; 1 t of HW49
// sent to the furnace and not yet received.
class ReportCity : public City {
 public:
  ReportCity() {
    const std::string span = DateAgo(400) + ":" + DateAgo(-400);
    Add("kiln", "receiver", {"--permit", "XK-KILN:utilize:SW02:100000t:" + span});
    Add("furnace", "receiver", {"--permit", "XK-FUR:dispose:HW49:1000t:" + span});
    AsOk("prod", {"generate", "--waste", "SW02", "--mass", "100t", "--lot", "ASH1", "--time", DaysAgo(3)});
    AsOk("prod",
         {"generate", "--waste", "900-041-49", "--mass", "2t", "--lot", "OIL1", "--time", DaysAgo(3)});
    AsOk("prod", {"dispatch", "--to", "kiln", "--line", "SW02:60t", "--time", DaysAgo(2)});
    kiln_manifest = LastManifest("kiln");
    AsOk("kiln", {"receive", "--manifest", kiln_manifest, "--mass", "58t", "--time", DaysAgo(2)});
    const std::string lot =
        "#" + std::to_string(Manifest(kiln_manifest)["receive_seq"].get<uint64_t>()) + "/1";
    AsOk("kiln", {"utilize", "--method", "R5", "--input", lot + ":58t", "--time", DaysAgo(1)});
    AsOk("prod", {"dispatch", "--to", "furnace", "--line", "900-041-49:1t", "--time", DaysAgo(1)});
    furnace_manifest = LastManifest("furnace");
  }

  std::string LastManifest(const std::string& party) const {
    const std::string out = Ok({"manifest", "list", "--ledger", ledger, "--party", party}).out;
    const size_t last = out.rfind('\n', out.size() - 2);
    return out.substr(last == std::string::npos ? 0 : last + 1, 14);
  }
  RunResult Report(std::vector<std::string> args) const {
    args.insert(args.begin(), "report");
    args.insert(args.begin() + 2, {"--ledger", ledger});
    return Wl(args);
  }
  std::string ReportOk(const std::vector<std::string>& args) const {
    RunResult r = Report(args);
    INFO(args[0] << ": " << r.err);
    REQUIRE(r.exit_code == 0);
    return r.out;
  }
  std::vector<std::string> Period() const { return {"--from", DateAgo(10), "--to", DateAgo(0)}; }
  std::vector<std::string> With(std::vector<std::string> a, const std::vector<std::string>& b) const {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  }

  std::string kiln_manifest, furnace_manifest;
};

const json& RowOf(const json& report, const std::string& party, const std::string& waste) {
  for (const auto& row : report["rows"]) {
    if (row["party"] == party && row["waste"] == waste) return row;
  }
  FAIL("no row " << party << " " << waste);
  static const json none;
  return none;
}

TEST_CASE("report balance: exact rows, city totals and in-transit mass", "[cli][reports]") {
  ReportCity city;
  const json j = json::parse(city.ReportOk(city.With({"balance", "--format", "json"}, city.Period())));
  CHECK(j["period"]["from"] == DateAgo(10));
  CHECK(j["rows"].size() == 3);
  const json& ash = RowOf(j, "prod", "SW02");
  CHECK(ash["generated_g"] == 100000000);
  CHECK(ash["dispatched_g"] == 60000000);
  CHECK(ash["closing_g"] == 40000000);
  const json& kiln = RowOf(j, "kiln", "SW02");
  CHECK(kiln["received_g"] == 58000000);
  CHECK(kiln["utilized_g"] == 58000000);
  CHECK(kiln["closing_g"] == 0);
  const json& oil = RowOf(j, "prod", "900-041-49");
  CHECK(oil["dispatched_g"] == 1000000);
  CHECK(oil["closing_g"] == 1000000);
  CHECK(j["in_transit_g"] == 1000000);
  CHECK(j["transit_diff_g"] == 2000000);
  CHECK(j["totals"]["closing_g"] == 41000000);
  CHECK(j["ledger"]["size"].get<uint64_t>() == CountLines(city.Export()));
  // Opening stock carries over: a period starting after the history opens with it.
  const json later =
      json::parse(city.ReportOk({"balance", "--format", "json", "--from", DateAgo(-1), "--to", DateAgo(-1)}));
  CHECK(RowOf(later, "prod", "SW02")["opening_g"] == 40000000);
  CHECK(RowOf(later, "prod", "SW02")["closing_g"] == 40000000);
  // Filters.
  const json hw = json::parse(
      city.ReportOk(city.With({"balance", "--format", "json", "--waste", "HW49"}, city.Period())));
  CHECK(hw["rows"].size() == 1);
  const json kiln_only = json::parse(
      city.ReportOk(city.With({"balance", "--format", "json", "--party", "kiln"}, city.Period())));
  CHECK(kiln_only["rows"].size() == 1);
  CHECK(kiln_only["in_transit_g"] == 0);
}

TEST_CASE("report balance renders the same figures as a table, CSV, HTML and XLSX", "[cli][reports]") {
  ReportCity city;
  const std::string table = city.ReportOk(city.With({"balance"}, city.Period()));
  CHECK(table.find("物料平衡") != std::string::npos);
  CHECK(table.find("100.000000") != std::string::npos);
  CHECK(table.find("全市合计") != std::string::npos);
  const std::string csv = city.ReportOk(
      city.With({"balance", "--format", "csv", "--bom", "--lang", "en", "--unit", "kg"}, city.Period()));
  CHECK(csv.rfind("\xEF\xBB\xBF", 0) == 0);
  CHECK(csv.find("\r\n") != std::string::npos);
  // opening, generated, of which secondary, received, of which returned, dispatched, utilized, disposed,
  // closing
  const std::string row =
      ",SW02,SW02,0.000,100000.000,0.000,0.000,0.000,60000.000,0.000,0.000,40000.000,0,\r\n";
  const size_t at = csv.find(row);
  REQUIRE(at != std::string::npos);
  CHECK(csv.rfind("\r\nprod,", at) == csv.rfind("\r\n", at));
  CHECK(csv.find(",corrections,imported\r\n") != std::string::npos);  // live entries only: the column is empty
  const std::string html_file = city / "balance.html";
  city.ReportOk(city.With({"balance", "--format", "html", "--out", html_file}, city.Period()));
  const std::string html = ReadFile(html_file);
  CHECK(html.find("<table") != std::string::npos);
  CHECK(html.find("58.000000") != std::string::npos);
  CHECK(html.find("http://") == std::string::npos);
  CHECK(html.find("https://") == std::string::npos);
  const std::string xlsx_file = city / "balance.xlsx";
  city.ReportOk(city.With({"balance", "--format", "xlsx", "--out", xlsx_file}, city.Period()));
  CHECK(ReadFile(xlsx_file).rfind("PK", 0) == 0);
  CHECK_FALSE(std::filesystem::exists(xlsx_file + ".partial"));
}

TEST_CASE("report reconcile finds the planted anomalies and --fail-on fails a script", "[cli][reports]") {
  ReportCity city;
  // Ten days on, the furnace has still not confirmed its manifest.
  const std::vector<std::string> as_of = {"--as-of", DaysAgo(-10)};
  const json j = json::parse(city.ReportOk(city.With({"reconcile", "--format", "json"}, as_of)));
  std::vector<std::pair<std::string, std::string>> found;
  for (const auto& f : j["findings"]) found.emplace_back(f["rule"], f["manifest"]);
  CHECK(found ==
        std::vector<std::pair<std::string, std::string>>{{"unconfirmed-receipt", city.furnace_manifest},
                                                         {"quantity-discrepancy", city.kiln_manifest}});
  RunResult strict = city.Report(city.With({"reconcile", "--fail-on", "serious"}, as_of));
  CHECK(strict.exit_code == 5);
  CHECK(strict.out.find("unconfirmed-receipt") != std::string::npos);
  CHECK(strict.err.find("reaches --fail-on serious") != std::string::npos);
  // Today the manifest is one day old: only the discrepancy, a warning.
  CHECK(city.Report({"reconcile", "--fail-on", "serious"}).exit_code == 0);
  CHECK(city.Report({"reconcile", "--fail-on", "warning"}).exit_code == 5);
  // A 5% tolerance accepts the 3.3% shortfall.
  const json loose = json::parse(city.ReportOk({"reconcile", "--format", "json", "--tolerance", "5"}));
  CHECK(loose["findings"].empty());
}

// The JSON left out what the table and the CSV show: the as-of time, the
// tolerance and the party and waste filters (balance's JSON has "filters").
TEST_CASE("report reconcile --format json names its as-of time, tolerance and filters", "[cli][reports]") {
  ReportCity city;
  const std::string day = DateAgo(-10);
  json j = json::parse(city.ReportOk({"reconcile", "--format", "json", "--as-of", day, "--tolerance", "2.5",
                                      "--party", "prod", "--waste", "hw49"}));
  CHECK(j["as_of"] == day + "T23:59:59+08:00");
  CHECK(j["as_of_given"] == true);
  CHECK(j["tolerance_ppm"] == 25000);
  CHECK(j["filters"] == json{{"party", "prod"}, {"waste", "HW49"}});
  REQUIRE(j["findings"].size() == 1);
  CHECK(j["findings"][0]["rule"] == "unconfirmed-receipt");
  // The CSV says the same.
  const std::string csv = city.ReportOk({"reconcile", "--format", "csv", "--lang", "en", "--as-of", day,
                                         "--tolerance", "2.5", "--party", "prod", "--waste", "hw49"});
  CHECK(csv.find("Party,prod\r\n") != std::string::npos);
  CHECK(csv.find("Waste,HW49\r\n") != std::string::npos);
  CHECK(csv.find("Quantity tolerance,2.50%\r\n") != std::string::npos);
  CHECK(csv.find("As of," + day + "T23:59:59+08:00\r\n") != std::string::npos);
  // Without them: no filters, the default 2%, and the time of the run.
  const std::string before = FormatWithOffset(NowUnixSeconds(), 480);
  j = json::parse(city.ReportOk({"reconcile", "--format", "json"}));
  const std::string after = FormatWithOffset(NowUnixSeconds(), 480);
  CHECK(j["filters"] == json::object());
  CHECK(j["tolerance_ppm"] == 20000);
  CHECK(j["as_of_given"] == false);
  CHECK(j["as_of"].get<std::string>() >= before);
  CHECK(j["as_of"].get<std::string>() <= after);
}

// Every entry of an XLSX workbook (a zip archive), uncompressed and
// concatenated: enough to find a text the workbook holds.
std::string XlsxText(const std::string& path) {
  int err = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_RDONLY, &err);
  REQUIRE(z != nullptr);
  std::string all;
  for (zip_int64_t i = 0; i < zip_get_num_entries(z, 0); ++i) {
    zip_stat_t st;
    REQUIRE(zip_stat_index(z, static_cast<zip_uint64_t>(i), 0, &st) == 0);
    std::string data(st.size, '\0');
    zip_file_t* f = zip_fopen_index(z, static_cast<zip_uint64_t>(i), 0);
    REQUIRE(f != nullptr);
    REQUIRE(zip_fread(f, data.data(), data.size()) == static_cast<zip_int64_t>(data.size()));
    zip_fclose(f);
    all += data;
  }
  zip_close(z);
  return all;
}

// Reconcile printed no ledger identity in any format, and every report's
// CSV left it out, while the other reports show origin, size and root.
TEST_CASE("report reconcile and every CSV name the ledger: origin, size and root", "[cli][reports]") {
  ReportCity city;
  const json ledger = json::parse(city.ReportOk({"balance", "--format", "json"}))["ledger"];
  const std::string origin = ledger["origin"], root = ledger["root"];
  const std::string size = std::to_string(ledger["size"].get<uint64_t>());
  REQUIRE(size == std::to_string(CountLines(city.Export())));
  REQUIRE(root.size() == 64);

  const json j = json::parse(city.ReportOk({"reconcile", "--format", "json"}));
  CHECK(j["report"] == "reconcile");
  CHECK(j["ledger"] == ledger);
  const std::string table = city.ReportOk({"reconcile", "--lang", "en"});
  CHECK(table.find(origin) != std::string::npos);
  CHECK(table.find(root) != std::string::npos);
  const std::string html_file = city / "reconcile.html", xlsx_file = city / "reconcile.xlsx";
  city.ReportOk({"reconcile", "--format", "html", "--out", html_file});
  CHECK(ReadFile(html_file).find(root) != std::string::npos);
  city.ReportOk({"reconcile", "--format", "xlsx", "--out", xlsx_file});
  CHECK(XlsxText(xlsx_file).find(root) != std::string::npos);

  // CSV: the facts first, "label,value", then an empty line and the table.
  for (const std::string report : {"reconcile", "balance", "flows"}) {
    INFO(report);
    const std::string csv = city.ReportOk({report, "--format", "csv", "--lang", "en"});
    CHECK(csv.rfind("ledger," + origin + "\r\nentries," + size + "\r\nMerkle root," + root + "\r\n", 0) == 0);
    CHECK(csv.find("\r\n\r\n") != std::string::npos);
  }
  const std::string zh = city.ReportOk({"balance", "--format", "csv", "--bom"});
  CHECK(zh.rfind("\xEF\xBB\xBF台账来源," + origin + "\r\n", 0) == 0);
}

// --as-of took RFC 3339 only: "--as-of 2026-11-10" was refused as
// "as_of: time ... is not RFC 3339".
TEST_CASE("report reconcile --as-of takes a date: the end of that day in the ledger's timezone",
          "[cli][reports]") {
  ReportCity city;
  const std::string day = DateAgo(-10);  // ten days on, the furnace has still not confirmed
  const std::string end_of_day = day + "T23:59:59+08:00";
  const std::string by_date = city.ReportOk({"reconcile", "--format", "json", "--as-of", day});
  const json j = json::parse(by_date);
  REQUIRE(j["findings"].size() == 2);
  CHECK(j["findings"][0]["rule"] == "unconfirmed-receipt");
  CHECK(j["findings"][0]["manifest"] == city.furnace_manifest);
  CHECK(by_date == city.ReportOk({"reconcile", "--format", "json", "--as-of", end_of_day}));
  // The report says which moment it judged.
  CHECK(city.ReportOk({"reconcile", "--lang", "en", "--as-of", day}).find("As of: " + end_of_day + "\n") !=
        std::string::npos);
  // A time is taken as given.
  CHECK(city.ReportOk({"reconcile", "--lang", "en", "--as-of", day + "T08:00:00+08:00"})
            .find("As of: " + day + "T08:00:00+08:00\n") != std::string::npos);
}

// Two period forms at once, or --from without --to, exited 1 with "give one
// of --year, --month or --from/--to": they are usage errors (exit 2).
TEST_CASE("report period options given together wrongly are usage errors (exit 2)", "[cli][reports]") {
  ReportCity city;
  const std::string two = "give only one of --year, --month and --from/--to, not ";
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"balance", "--year", "2026", "--month", "2026-03"}, two + "--year and --month"},
      {{"balance", "--year", "2026", "--from", "2026-01-01", "--to", "2026-01-31"},
       two + "--year and --from/--to"},
      {{"reconcile", "--month", "2026-03", "--to", "2026-03-31"}, two + "--month and --from/--to"},
      {{"flows", "--year", "2026", "--month", "2026-03", "--from", "2026-03-01"},
       two + "--year, --month and --from/--to"},
      {{"balance", "--from", "2026-03-01"}, "--from needs --to (the last day of the period, inclusive)"},
      {{"reconcile", "--from", "2026-03-01"}, "--from needs --to (the last day of the period, inclusive)"},
      {{"flows", "--to", "2026-03-31"}, "--to needs --from (the first day of the period)"},
  };
  for (const auto& [args, message] : cases) {
    RunResult r = city.Report(args);
    INFO(args[0] << " " << args[1]);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(r.err == "wasteledger: error: " + message + "\n");
  }
  // Each form alone is fine.
  for (const std::vector<std::string>& period : {std::vector<std::string>{"--year", "2026"},
                                                 {"--month", "2026-03"},
                                                 {"--from", "2026-03-01", "--to", "2026-03-31"}}) {
    CHECK(city.Report(city.With({"balance"}, period)).exit_code == 0);
  }
}

// balance and flows compared --waste with the stored codes as typed, so a
// code not in normal form printed an empty report as if nothing had moved
// (reconcile normalised it).
TEST_CASE("report --waste takes a code in any spelling, as the verbs do", "[cli][reports]") {
  ReportCity city;
  for (const std::string report : {"balance", "flows"}) {
    INFO(report);
    const json normal = json::parse(
        city.ReportOk(city.With({report, "--format", "json", "--waste", "900-041-49"}, city.Period())));
    const json typed = json::parse(
        city.ReportOk(city.With({report, "--format", "json", "--waste", "90004149"}, city.Period())));
    CHECK(typed["filters"]["waste"] == "900-041-49");
    CHECK(typed == normal);
    CHECK_FALSE(normal[report == "balance" ? "rows" : "links"].empty());
  }
  const json hw = json::parse(
      city.ReportOk(city.With({"balance", "--format", "json", "--waste", "hw49"}, city.Period())));
  CHECK(hw["filters"]["waste"] == "HW49");
  CHECK(hw["rows"].size() == 1);
}

// report trace with neither --lot nor --manifest, and --format xlsx without
// --out, exited 1 like a refusal; --late-after 0 and --top 0 printed a range
// "0.000000 to 1797693134862315708..." (DBL_MAX in full, 300+ digits).
TEST_CASE("report usage errors exit 2 with one clear line", "[cli][reports]") {
  ReportCity city;
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"trace"}, "give one of --lot and --manifest"},
      {{"trace", "--format", "json"}, "give one of --lot and --manifest"},
      {{"balance", "--format", "xlsx"}, "--format xlsx writes a file: give --out FILE.xlsx"},
      {{"reconcile", "--format", "xlsx"}, "--format xlsx writes a file: give --out FILE.xlsx"},
      {{"indicators", "--year", "2026", "--format", "xlsx"},
       "--format xlsx writes a file: give --out FILE.xlsx"},
      {{"flows", "--format", "xlsx"}, "--format xlsx writes a file: give --out FILE.xlsx"},
      {{"trace", "--lot", "NOPE", "--format", "xlsx"}, "--format xlsx writes a file: give --out FILE.xlsx"},
      {{"reconcile", "--late-after", "0"},
       "--late-after: must be 1 or more days (see wasteledger report reconcile --help)"},
      {{"reconcile", "--late-after", "-3"},
       "--late-after: must be 1 or more days (see wasteledger report reconcile --help)"},
      {{"reconcile", "--late-after", "1.5"},
       "--late-after: must be a whole number of days, 1 or more, not \"1.5\" (see wasteledger report "
       "reconcile --help)"},
      {{"reconcile", "--late-after", "999999999999999"},
       "--late-after: must be at most 106751991167300 days (see wasteledger report reconcile --help)"},
      {{"flows", "--top", "0"}, "--top: must be 1 or more (see wasteledger report flows --help)"},
      {{"flows", "--top", "-1"}, "--top: must be 1 or more (see wasteledger report flows --help)"},
  };
  for (const auto& [args, message] : cases) {
    RunResult r = city.Report(args);
    INFO(args[0] << " " << (args.size() > 1 ? args[1] : "") << " printed: " << r.out << r.err);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK(r.err == "wasteledger: error: " + message + "\n");
  }
  // The positive ones still work.
  CHECK(city.Report({"reconcile", "--late-after", "1"}).exit_code == 0);
  CHECK(city.Report({"flows", "--top", "1"}).exit_code == 0);
}

// The table, CSV and XLSX said "As of: now" when --as-of was not given.
TEST_CASE("report reconcile without --as-of prints the time it judged in every format", "[cli][reports]") {
  ReportCity city;
  const std::string before = DateAgo(0);
  const std::string table = city.ReportOk({"reconcile", "--lang", "en"});
  const std::string csv = city.ReportOk({"reconcile", "--format", "csv", "--lang", "en"});
  const std::string zh = city.ReportOk({"reconcile"});
  const std::string xlsx_file = city / "reconcile.xlsx";
  city.ReportOk({"reconcile", "--format", "xlsx", "--out", xlsx_file});
  const std::string xlsx = XlsxText(xlsx_file);
  const std::string after = DateAgo(0);
  auto judged = [&](const std::string& text, const std::string& label) {
    return text.find(label + before + "T") != std::string::npos ||
           text.find(label + after + "T") != std::string::npos;
  };
  CHECK(judged(table, "As of: "));
  CHECK(table.find("As of: now") == std::string::npos);
  CHECK(judged(csv, "As of,"));
  CHECK(judged(zh, "截至: "));
  CHECK(zh.find("当前") == std::string::npos);
  CHECK((xlsx.find(before + "T") != std::string::npos || xlsx.find(after + "T") != std::string::npos));
  CHECK(xlsx.find(">now<") == std::string::npos);
  const size_t at = csv.find("As of,");
  REQUIRE(at != std::string::npos);
  const std::string value = csv.substr(at + 6, csv.find("\r\n", at) - at - 6);
  CHECK(ParseRfc3339(value).ok());
  CHECK(value.substr(value.size() - 6) == "+08:00");
}

// The help listed 9 rules: missing-pickup was left out.
TEST_CASE("report reconcile --help names every rule the report counts", "[cli][reports]") {
  ReportCity city;
  const json j = json::parse(city.ReportOk({"reconcile", "--format", "json"}));
  const std::string help = city.ReportOk({"reconcile", "--help"});
  REQUIRE(j["counts"].size() == 10);
  for (const auto& [rule, count] : j["counts"].items()) {
    INFO(rule);
    CHECK(help.find(rule) != std::string::npos);
  }
}

TEST_CASE("report indicators: numerator and denominator in grams", "[cli][reports]") {
  ReportCity city;
  const std::string year = DateAgo(1).substr(0, 4);
  const json j = json::parse(city.ReportOk({"indicators", "--year", year, "--format", "json"}));
  bool seen = false;
  for (const auto& i : j["indicators"]) {
    if (i["id"] == "general_industrial_utilization") {
      seen = true;
      CHECK(i["numerator_g"] == 58000000);
      // On January 2 and 3 the 100 t were generated last year: this year's
      // denominator is then the 58 t utilised from that stock (综合利用往年贮存量).
      const bool made_last_year = DateAgo(3).substr(0, 4) != year;
      CHECK(i["denominator_g"] == (made_last_year ? 58000000 : 100000000));
    }
  }
  CHECK(seen);
}

TEST_CASE("report options: each malformed one is refused with one line", "[cli][reports]") {
  ReportCity city;
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"balance", "--month", "2026-13"}, "--month: \"2026-13\" is not a month"},
      {{"balance", "--from", "2026-02-30", "--to", "2026-03-01"}, "--from: \"2026-02-30\" is not a date"},
      {{"balance", "--party", "nobody"}, "--party nobody: no such party"},
      {{"balance", "--waste", "HWX9"}, "--waste HWX9"},
      {{"balance", "--waste", "HW41"}, "--waste HW41: \"HW41\": category HW41 does not exist"},
      {{"flows", "--waste", "SW60"}, "--waste SW60: "},
      {{"balance", "--waste", "900-041-44"}, "category HW44 does not exist"},
      {{"balance", "--out", "/nonexistent-dir/b.txt"},
       "--out: cannot write /nonexistent-dir/b.txt: No such file or directory"},
      {{"indicators", "--year", "20x6"}, "--year: \"20x6\" is not a year"},
      {{"reconcile", "--as-of", "yesterday"},
       "--as-of \"yesterday\": not a date or a time; write 2026-11-10 (the end of that day) or "
       "2026-11-10T18:00:00+08:00"},
      {{"reconcile", "--as-of", "2026-02-30"}, "--as-of \"2026-02-30\": not a date or a time"},
  };
  for (const auto& [args, message] : cases) {
    RunResult r = city.Report(args);
    INFO(args[0] << " " << args[1] << " printed: " << r.out << r.err);
    CHECK(r.exit_code == 1);
    CHECK(CountLines(r.err) == 1);
    CHECK(r.err.find(message) != std::string::npos);
    CHECK(r.out.empty());
  }
  CHECK(city.Report({"balance", "--format", "pdf"}).exit_code == 2);
  CHECK(city.Report({"nothing"}).exit_code == 2);
}

}  // namespace
}  // namespace wasteledger::testing

namespace wasteledger::testing {
namespace {

TEST_CASE("report trace and report flows through the binary", "[cli][reports]") {
  ReportCity city;
  const json t = json::parse(city.ReportOk({"trace", "--lot", "ASH1", "--format", "json"}));
  // 100 t: 58 t utilised at the kiln, 2 t lost on the road, 40 t still held.
  CHECK(t["fate"]["mass_g"] == 100000000);
  CHECK(t["fate"]["utilized_g"] == 58000000);
  CHECK(t["fate"]["transport_diff_g"] == 2000000);
  CHECK(t["fate"]["held_g"] == 40000000);
  CHECK(t["fate"]["accounted_g"] == t["fate"]["mass_g"]);
  const json m =
      json::parse(city.ReportOk({"trace", "--manifest", city.furnace_manifest, "--format", "json"}));
  CHECK(m["fate"]["in_transit_g"] == 1000000);
  const std::string back = city.ReportOk({"trace", "--lot", "OIL1", "--backward", "--lang", "en"});
  CHECK(back.find("OIL1") != std::string::npos);
  RunResult unknown = city.Report({"trace", "--lot", "NOPE"});
  CHECK(unknown.exit_code == 1);
  CHECK(CountLines(unknown.err) == 1);
  CHECK(unknown.err.find("NOPE") != std::string::npos);
  CHECK(city.Report({"trace"}).exit_code == 2);

  const json f = json::parse(city.ReportOk(city.With({"flows", "--format", "json"}, city.Period())));
  bool prod_to_kiln = false;
  for (const auto& link : f["links"]) {
    if (link["from"].get<std::string>().find("prod") != std::string::npos &&
        link["to"].get<std::string>().find("kiln") != std::string::npos) {
      prod_to_kiln = true;
      CHECK(link["mass_g"] == 58000000);
    }
  }
  CHECK(prod_to_kiln);
  const std::string html_file = city / "flows.html";
  city.ReportOk(city.With({"flows", "--format", "html", "--out", html_file}, city.Period()));
  CHECK(ReadFile(html_file).find("<svg") != std::string::npos);
}

}  // namespace
}  // namespace wasteledger::testing
