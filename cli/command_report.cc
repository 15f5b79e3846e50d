// wasteledger report balance | indicators | reconcile | trace | flows: the
// figures a regulator signs off, in table, csv, json, html or xlsx
// (docs/REPORTS.md defines every figure).
#include <fmt/format.h>

#include <cctype>
#include <cstdio>

#include "common.h"
#include "report_output.h"
#include "wasteledger/reports/balance.h"
#include "wasteledger/reports/flows.h"
#include "wasteledger/reports/period.h"
#include "wasteledger/reports/reconcile.h"
#include "wasteledger/reports/trace.h"
#include "wasteledger/time_util.h"

namespace wasteledger::cli {
namespace {

struct Filters {
  std::string year, month, from, to, party, waste;
};

void AddPeriodOptions(CLI::App* app, Filters* f) {
  app->add_option("--year", f->year, "The calendar year YYYY")->check(NonBlank("a year"));
  app->add_option("--month", f->month, "One month YYYY-MM")->check(NonBlank("a month"));
  app->add_option("--from", f->from, "First day YYYY-MM-DD (with --to)")->check(NonBlank("a date"));
  app->add_option("--to", f->to, "Last day YYYY-MM-DD, inclusive (with --from)")->check(NonBlank("a date"));
}

// The period options given together wrongly, a usage error (exit 2): two
// forms at once, or --from without --to. Empty when they are fine.
std::string PeriodUsage(const Filters& f) {
  std::vector<std::string> given;
  if (!f.year.empty()) given.push_back("--year");
  if (!f.month.empty()) given.push_back("--month");
  if (!f.from.empty() || !f.to.empty()) given.push_back("--from/--to");
  if (given.size() > 1) {
    std::string list;
    for (size_t i = 0; i < given.size(); ++i) {
      list += (i == 0 ? "" : i + 1 == given.size() ? " and " : ", ") + given[i];
    }
    return fmt::format("give only one of --year, --month and --from/--to, not {}", list);
  }
  if (!f.from.empty() && f.to.empty()) return "--from needs --to (the last day of the period, inclusive)";
  if (f.from.empty() && !f.to.empty()) return "--to needs --from (the first day of the period)";
  return "";
}

// Prints a usage error ("wasteledger: error: ..." on one line); exit 2.
int Usage(const std::string& message) {
  fmt::print(stderr, "wasteledger: error: {}\n", message);
  return kExitUsage;
}

void AddFilterOptions(CLI::App* app, Filters* f) {
  app->add_option("--party", f->party, "Only this party")->check(NonBlank("a party id"));
  app->add_option("--waste", f->waste, "Only this waste code or category (900-041-49, HW49, SW02, ...)")
      ->check(NonBlank("a waste code or category"))
      ->transform(FoldedWasteCode());
}

// Today in the ledger's timezone, YYYY-MM-DD.
std::string Today(const Ledger& ledger) {
  return FormatWithOffset(NowUnixSeconds(), ledger.timezone_offset_minutes()).substr(0, 10);
}

// --as-of as the reconciliation takes it: a date YYYY-MM-DD is the end of
// that day (23:59:59) in the ledger's timezone; an RFC 3339 time as given;
// empty (now) as it is.
Result<std::string> AsOfTime(const std::string& text, int timezone_minutes) {
  if (text.empty() || ParseRfc3339(text).ok()) return text;
  if (text.size() == 10 && reports::CheckDate(text, "--as-of").ok()) {
    return text + "T23:59:59" + FormatUtcOffset(timezone_minutes);
  }
  return Status::InvalidArgument(
      fmt::format("--as-of \"{}\": not a date or a time; write 2026-11-10 (the end of that day) or "
                  "2026-11-10T18:00:00+08:00",
                  text));
}

// Checks the party and waste filters; the waste filter becomes a code in
// its normal form ("90004149" -> "900-041-49", which the reports compare
// with the stored codes) or a category (HW49, SW02, S07, CW01) that exists:
// a filter that can match nothing (HW41) would print an empty report as if
// nothing had moved.
Status CheckFilters(const Ledger& ledger, const WasteCatalogue& catalogue, Filters& f) {
  if (!f.party.empty() && ledger.FindParty(f.party) == nullptr) {
    return Status::NotFound(fmt::format("--party {}: no such party", f.party));
  }
  if (!f.waste.empty()) {
    WL_ASSIGN_OR_RETURN(WasteFilter waste, WasteFilterArg(catalogue, f.waste));
    f.waste = waste.code.empty() ? waste.category : waste.code;
  }
  return Status::Ok();
}

// What a report opens first: the ledger (read-only) and the waste catalogue,
// with the party and waste filters checked against them (CheckFilters).
struct ReportInput {
  std::unique_ptr<Ledger> ledger;
  const WasteCatalogue* catalogue = nullptr;
};

Result<ReportInput> OpenReportInput(const std::string& dir, Filters& f) {
  ReportInput in;
  WL_ASSIGN_OR_RETURN(in.ledger, OpenLedger(dir, Ledger::Mode::kRead));
  WL_ASSIGN_OR_RETURN(DomainRules * rules, LoadDomainRules());
  in.catalogue = &rules->domain.catalogue();
  WL_RETURN_IF_ERROR(CheckFilters(*in.ledger, *in.catalogue, f));
  return in;
}

// What a report over a period opens: the input above and the period of the
// filters, by default this year up to today.
struct PeriodReportInput : ReportInput {
  reports::Period period;
};

Result<PeriodReportInput> OpenPeriodReportInput(const std::string& dir, Filters& f) {
  PeriodReportInput in;
  WL_ASSIGN_OR_RETURN(static_cast<ReportInput&>(in), OpenReportInput(dir, f));
  WL_ASSIGN_OR_RETURN(in.period, reports::MakePeriod(f.year, f.month, f.from, f.to, Today(*in.ledger)));
  return in;
}

class BalanceCommand {
 public:
  CLI::App* Setup(CLI::App* report) {
    auto* app = report->add_subcommand("balance", "Mass balance per party x waste code for a period");
    AddLedgerOption(app, &dir_);
    AddPeriodOptions(app, &f_);
    AddFilterOptions(app, &f_);
    out_.Add(app);
    app->footer(
        "Each row: opening + generated + received - dispatched - utilized - disposed = closing,\n"
        "exactly, in grams. Read from aggregates kept at every append: the cost does not grow\n"
        "with the log. The default period is this year up to today.\n\n"
        "Examples:\n"
        "  wasteledger report balance --ledger city.ledger --year 2026\n"
        "  wasteledger report balance --ledger city.ledger --month 2026-03 --waste HW49 --format json\n"
        "  wasteledger report balance --ledger city.ledger --year 2026 --format xlsx --out balance.xlsx");
    return app;
  }

  int Run() {
    if (const std::string usage = PeriodUsage(f_); !usage.empty()) return Usage(usage);
    if (const std::string usage = out_.UsageProblem(); !usage.empty()) return Usage(usage);
    auto in = OpenPeriodReportInput(dir_, f_);
    if (!in.ok()) return Fail(in.status());
    auto report = reports::Balance(*in->ledger, *in->catalogue, {in->period, f_.party, f_.waste});
    if (!report.ok()) return Fail(report.status());
    return out_.Write(reports::BalanceJson(*report), [&](reports::Lang lang, reports::MassUnit unit) {
      return reports::BalanceDocument(*report, lang, unit);
    });
  }

 private:
  std::string dir_;
  Filters f_;
  ReportOutput out_;
};

class IndicatorsCommand {
 public:
  CLI::App* Setup(CLI::App* report) {
    auto* app = report->add_subcommand("indicators", "The zero-waste city indicators of a year");
    AddLedgerOption(app, &dir_);
    app->add_option("--year", year_, "The calendar year YYYY")->check(NonBlank("a year"))->required();
    out_.Add(app);
    app->footer(
        "Rates per 无废城市建设指标体系 (2021): general industrial solid waste utilisation,\n"
        "industrial hazardous waste utilisation and disposal, and the coal gangue, fly ash,\n"
        "smelting slag, by-product gypsum and construction waste utilisation rates, each with\n"
        "its numerator and denominator in grams.\n\n"
        "Example:\n"
        "  wasteledger report indicators --ledger city.ledger --year 2026 --format html --out 2026.html");
    return app;
  }

  int Run() {
    if (const std::string usage = out_.UsageProblem(); !usage.empty()) return Usage(usage);
    Filters none;
    auto in = OpenReportInput(dir_, none);
    if (!in.ok()) return Fail(in.status());
    auto period = reports::MakePeriod(year_, "", "", "", "");
    if (!period.ok()) return Fail(period.status());
    auto report = reports::Indicators(*in->ledger, *in->catalogue, std::stoi(year_));
    if (!report.ok()) return Fail(report.status());
    return out_.Write(reports::IndicatorsJson(*report), [&](reports::Lang lang, reports::MassUnit unit) {
      return reports::IndicatorsDocument(*report, lang, unit);
    });
  }

 private:
  std::string dir_, year_;
  ReportOutput out_;
};

class ReconcileCommand {
 public:
  CLI::App* Setup(CLI::App* report) {
    auto* app = report->add_subcommand("reconcile",
                                       "The findings a regulator acts on, with the entries that prove them");
    AddLedgerOption(app, &dir_);
    AddPeriodOptions(app, &f_);
    AddFilterOptions(app, &f_);
    app->add_option("--tolerance", tolerance_pct_,
                    "quantity-discrepancy: allowed difference, percent of the dispatched mass (default 2)")
        ->check(CLI::Range(0.0, 100.0));
    app->add_option("--as-of", as_of_,
                    "The day the time rules judge (default: now): a date, the end of that day in the "
                    "ledger's timezone, or an RFC 3339 time; receipts after it count as not received, lots "
                    "as holding what they held then")
        ->check(NonBlank("a date or a time"));
    app->add_option("--late-after", late_days_, "late-entry: days between event and logging (default 7)")
        ->check(AtLeastOne("days", INT64_MAX / 86400));
    app->add_option("--fail-on", fail_on_,
                    "Exit 5 when any finding reaches this severity: info, warning or serious")
        ->check(CLI::IsMember({"info", "warning", "serious"}));
    out_.Add(app);
    app->footer(
        "Rules: unconfirmed-receipt, late-confirmation, quantity-discrepancy,\n"
        "phantom-consumption, unpermitted-receiver, capacity-exceeded, code-mismatch,\n"
        "missing-pickup, storage-overdue, late-entry (docs/REPORTS.md). Findings are listed\n"
        "with exit code 0; --fail-on makes a script fail. Without a period every finding of the\n"
        "whole ledger is listed. --waste keeps a finding when any of its codes matches. \"As of\"\n"
        "is the time the rules judged: --as-of, or the time of the run.\n\n"
        "Examples:\n"
        "  wasteledger report reconcile --ledger city.ledger --year 2026\n"
        "  wasteledger report reconcile --ledger city.ledger --as-of 2026-11-10 --lang en\n"
        "  wasteledger report reconcile --ledger city.ledger --tolerance 1 --fail-on serious --format json");
    return app;
  }

  int Run() {
    if (const std::string usage = PeriodUsage(f_); !usage.empty()) return Usage(usage);
    if (const std::string usage = out_.UsageProblem(); !usage.empty()) return Usage(usage);
    auto in = OpenReportInput(dir_, f_);
    if (!in.ok()) return Fail(in.status());
    reports::ReconcileOptions o;
    if (!f_.year.empty() || !f_.month.empty() || !f_.from.empty() || !f_.to.empty()) {
      auto period = reports::MakePeriod(f_.year, f_.month, f_.from, f_.to, "");
      if (!period.ok()) return Fail(period.status());
      o.from = period->from;
      o.to = period->to;
    }
    o.party = f_.party;
    o.waste = f_.waste;
    o.tolerance = tolerance_pct_ / 100.0;
    auto as_of = AsOfTime(as_of_, in->ledger->timezone_offset_minutes());
    if (!as_of.ok()) return Fail(as_of.status());
    o.as_of = *as_of;
    o.late_entry_seconds = late_days_ * 86400;
    auto report = reports::Reconcile(*in->ledger, *in->catalogue, o);
    if (!report.ok()) return Fail(report.status());
    const int code = out_.Write(reports::ReconcileJson(*report), [&](reports::Lang lang, reports::MassUnit) {
      return reports::ReconcileDocument(*report, lang);
    });
    if (code != kExitOk || fail_on_.empty()) return code;
    for (const auto& finding : report->findings) {
      if (Above(finding.severity)) {
        std::fprintf(stderr, "wasteledger: %zu finding(s); at least one reaches --fail-on %s\n",
                     report->findings.size(), fail_on_.c_str());
        return kExitFindings;
      }
    }
    return kExitOk;
  }

 private:
  bool Above(reports::Severity s) const {
    const int rank = s == reports::Severity::kSerious ? 2 : s == reports::Severity::kWarning ? 1 : 0;
    const int wanted = fail_on_ == "serious" ? 2 : fail_on_ == "warning" ? 1 : 0;
    return rank >= wanted;
  }
  std::string dir_, as_of_, fail_on_;
  Filters f_;
  double tolerance_pct_ = 2.0;
  int64_t late_days_ = 7;
  ReportOutput out_;
};

class TraceCommand {
 public:
  CLI::App* Setup(CLI::App* report) {
    auto* app = report->add_subcommand("trace", "Where every gram of a lot or manifest went, or came from");
    AddLedgerOption(app, &dir_);
    auto* lot = app->add_option("--lot", o_.lot, "The lot to trace (L1, #12, #15/1, #15/1r, ...)")
                    ->check(NonBlank("a lot id"));
    auto* manifest = app->add_option("--manifest", o_.manifest, "Trace every line of this manifest")
                         ->check(NonBlank("a manifest number"));
    lot->excludes(manifest);
    app->add_flag("--backward", o_.backward, "From the lot back to its sources (with --lot)")->needs(lot);
    out_.Add(app);
    app->footer(
        "Forward, the tree follows each draw on the lot: manifest lines to the received and\n"
        "refused lots, in transit or the transport difference; utilisation and disposal with\n"
        "their products and secondary-waste lots (shared by the mass drawn, largest remainder,\n"
        "exact grams), through any number of hops. The fate adds up exactly:\n"
        "held + in transit + utilized + disposed + transport difference + voided = the lot's mass\n"
        "(a voided lot, its making entry undone by void or correct, says at which seq).\n"
        "--backward walks from a lot to the generate entries it came from: each step shows the\n"
        "mass that went into it and each source lot the part of it drawn into that step (json\n"
        "mass_g; lot_mass_g is the whole lot), so the sources sum exactly to the step.\n\n"
        "Examples:\n"
        "  wasteledger report trace --ledger city.ledger --lot L1\n"
        "  wasteledger report trace --ledger city.ledger --manifest 20264110000001 --format json\n"
        "  wasteledger report trace --ledger city.ledger --lot '#42/1' --backward --lang en");
    return app;
  }

  int Run() {
    // --lot and --manifest exclude each other (CLI11); neither is as much a usage error.
    if (o_.lot.empty() && o_.manifest.empty()) return Usage("give one of --lot and --manifest");
    if (const std::string usage = out_.UsageProblem(); !usage.empty()) return Usage(usage);
    auto ledger = OpenLedger(dir_, Ledger::Mode::kRead);
    if (!ledger.ok()) return Fail(ledger.status());
    auto report = reports::Trace(**ledger, o_);
    if (!report.ok()) return Fail(report.status());
    return out_.Write(reports::TraceJson(*report), [&](reports::Lang lang, reports::MassUnit unit) {
      return reports::TraceDocument(*report, lang, unit);
    });
  }

 private:
  std::string dir_;
  reports::TraceOptions o_;
  ReportOutput out_;
};

class FlowsCommand {
 public:
  CLI::App* Setup(CLI::App* report) {
    auto* app =
        report->add_subcommand("flows", "Material flows between parties and streams, as a Sankey diagram");
    AddLedgerOption(app, &dir_);
    AddPeriodOptions(app, &f_);
    app->add_option("--waste", f_.waste, "Only this waste code or category (900-041-49, HW49, SW02, ...)")
        ->check(NonBlank("a waste code or category"))
        ->transform(FoldedWasteCode());
    app->add_option("--top", top_, "Parties with their own node; the rest are merged as others (default 12)")
        ->check(AtLeastOne("", INT64_MAX));
    out_.Add(app);
    app->footer(
        "Producers (left) to receivers, in transit, and the fates utilized, disposed, stored and\n"
        "lost in transport (right), per stream class: hazardous, coal gangue, fly ash, smelting\n"
        "slag, by-product gypsum, construction waste, other. Exact grams of the period, from the\n"
        "aggregates; in transit is what is on the road at the end of the period (as report balance).\n"
        "The default period is this year up to today. --format html draws the Sankey diagram.\n\n"
        "Examples:\n"
        "  wasteledger report flows --ledger city.ledger --year 2026 --format html --out flows.html\n"
        "  wasteledger report flows --ledger city.ledger --month 2026-03 --waste HW49 --format json");
    return app;
  }

  int Run() {
    if (const std::string usage = PeriodUsage(f_); !usage.empty()) return Usage(usage);
    if (const std::string usage = out_.UsageProblem(); !usage.empty()) return Usage(usage);
    auto in = OpenPeriodReportInput(dir_, f_);
    if (!in.ok()) return Fail(in.status());
    auto report = reports::Flows(*in->ledger, *in->catalogue, {in->period, f_.waste, top_});
    if (!report.ok()) return Fail(report.status());
    return out_.Write(reports::FlowsJson(*report), [&](reports::Lang lang, reports::MassUnit unit) {
      return reports::FlowsDocument(*report, lang, unit);
    });
  }

 private:
  std::string dir_;
  Filters f_;
  size_t top_ = 12;
  ReportOutput out_;
};

class ReportCommand : public Command {
 public:
  CLI::App* Setup(CLI::App& parent) override {
    app_ = parent.add_subcommand(
        "report", "Reports: balance, reconcile, indicators, trace, flows (see docs/REPORTS.md)");
    app_->require_subcommand(1);
    balance_app_ = balance_.Setup(app_);
    indicators_app_ = indicators_.Setup(app_);
    reconcile_app_ = reconcile_.Setup(app_);
    trace_app_ = trace_.Setup(app_);
    flows_app_ = flows_.Setup(app_);
    app_->footer(
        "Every report takes --format table|csv|json|html|xlsx, --out FILE, --lang zh|en and\n"
        "--unit t|kg|g; figures are exact to the gram and name the ledger size and root they\n"
        "were computed from.\n\n"
        "Example:\n"
        "  wasteledger report balance --ledger city.ledger --year 2026");
    return app_;
  }

  int Run() override {
    if (balance_app_->parsed()) return balance_.Run();
    if (indicators_app_->parsed()) return indicators_.Run();
    if (reconcile_app_->parsed()) return reconcile_.Run();
    if (trace_app_->parsed()) return trace_.Run();
    if (flows_app_->parsed()) return flows_.Run();
    return kExitUsage;
  }

 private:
  CLI::App* app_ = nullptr;
  CLI::App* balance_app_ = nullptr;
  CLI::App* indicators_app_ = nullptr;
  CLI::App* reconcile_app_ = nullptr;
  CLI::App* trace_app_ = nullptr;
  CLI::App* flows_app_ = nullptr;
  BalanceCommand balance_;
  IndicatorsCommand indicators_;
  ReconcileCommand reconcile_;
  TraceCommand trace_;
  FlowsCommand flows_;
};

}  // namespace

std::unique_ptr<Command> MakeReportCommand() { return std::make_unique<ReportCommand>(); }

}  // namespace wasteledger::cli
