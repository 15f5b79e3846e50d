// Grouped bar chart as inline SVG: a value axis with round ticks in the
// document's unit, one group of bars per category, a legend on top.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "cells.h"
#include "html.h"
#include "wasteledger/reports/render.h"

namespace wasteledger::reports::internal {
namespace {

constexpr int kWidth = 960;
constexpr int kHeight = 380;
constexpr double kLeft = 84, kRight = 16, kTop = 44, kBottom = 56;
constexpr size_t kRotateAbove = 12;  // more categories than this: slanted labels
constexpr double kMaxBar = 48;       // bars no wider than this, centred in their group

struct Axis {
  double lo = 0, hi = 1, step = 1;  // grams
  double Y(double grams) const { return kTop + (kHeight - kTop - kBottom) * (hi - grams) / (hi - lo); }
};

int64_t MassAt(const BarChart::Series& s, size_t i) { return i < s.mass_g.size() ? s.mass_g[i] : 0; }

// 1, 2 or 5 times a power of ten, at least `raw`.
double NiceStep(double raw) {
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0}) {
    if (m * mag >= raw) return m * mag;
  }
  return 10 * mag;
}

Axis MakeAxis(const BarChart& chart, MassUnit unit) {
  double lo = 0, hi = 0;
  for (const auto& s : chart.series) {
    for (size_t i = 0; i < chart.categories.size(); ++i) {
      lo = std::min(lo, static_cast<double>(MassAt(s, i)));
      hi = std::max(hi, static_cast<double>(MassAt(s, i)));
    }
  }
  if (hi - lo <= 0) hi = static_cast<double>(GramsPerUnit(unit));  // all zero: an axis of one unit
  Axis axis;
  axis.step = NiceStep((hi - lo) / 5);
  axis.lo = std::floor(lo / axis.step) * axis.step;
  axis.hi = std::ceil(hi / axis.step) * axis.step;
  return axis;
}

std::string AxisSvg(const Axis& axis, const Document& doc) {
  const double per_unit = static_cast<double>(GramsPerUnit(doc.unit));
  const double step_units = axis.step / per_unit;
  const int decimals = step_units >= 1 ? 0 : static_cast<int>(std::ceil(-std::log10(step_units) - 1e-9));
  std::string out = "<g class=\"axis\">\n";
  const int ticks = static_cast<int>(std::lround((axis.hi - axis.lo) / axis.step));
  for (int t = 0; t <= ticks; ++t) {
    const double g = axis.lo + axis.step * t;
    const std::string y = Num(axis.Y(g));
    out += "<line class=\"grid\" x1=\"" + Num(kLeft) + "\" x2=\"" + Num(kWidth - kRight) + "\" y1=\"" + y +
           "\" y2=\"" + y + "\"/><text class=\"tick\" x=\"" + Num(kLeft - 8) + "\" y=\"" + y +
           "\" dy=\"0.35em\" text-anchor=\"end\">" + Num(g / per_unit, decimals) + "</text>\n";
  }
  const std::string y0 = Num(axis.Y(0));
  out += "<line x1=\"" + Num(kLeft) + "\" x2=\"" + Num(kWidth - kRight) + "\" y1=\"" + y0 + "\" y2=\"" + y0 +
         "\"/><line x1=\"" + Num(kLeft) + "\" x2=\"" + Num(kLeft) + "\" y1=\"" + Num(kTop) + "\" y2=\"" +
         Num(kHeight - kBottom) + "\"/>\n<text class=\"tick\" x=\"" + Num(kLeft - 8) + "\" y=\"" +
         Num(kTop - 14) + "\" text-anchor=\"end\">" + UnitSymbol(doc.unit) + "</text>\n";
  return out + "</g>\n";
}

std::string LegendSvg(const BarChart& chart, const Document& doc) {
  std::string out = "<g class=\"legend\">\n";
  double x = kLeft;
  for (size_t s = 0; s < chart.series.size(); ++s) {
    const std::string label = chart.series[s].label.In(doc.lang);
    out += "<rect x=\"" + Num(x) + "\" y=\"8\" width=\"12\" height=\"12\" fill=\"" + PaletteColor(s) +
           "\"/><text x=\"" + Num(x + 18) + "\" y=\"14\" dy=\"0.35em\">" + HtmlEscape(label) + "</text>\n";
    x += 18 + 7.0 * DisplayWidth(label) + 24;
  }
  return out + "</g>\n";
}

std::string BarsSvg(const BarChart& chart, const Axis& axis, const Document& doc) {
  const double group = (kWidth - kLeft - kRight) / static_cast<double>(chart.categories.size());
  const double bar = std::min(group * 0.8 / static_cast<double>(chart.series.size()), kMaxBar);
  const double inset = (group - bar * static_cast<double>(chart.series.size())) / 2;
  std::string out = "<g class=\"bars\">\n";
  for (size_t c = 0; c < chart.categories.size(); ++c) {
    for (size_t s = 0; s < chart.series.size(); ++s) {
      const int64_t g = MassAt(chart.series[s], c);
      const double top = axis.Y(std::max<double>(static_cast<double>(g), 0));
      const double bottom = axis.Y(std::min<double>(static_cast<double>(g), 0));
      const std::string tip = chart.series[s].label.In(doc.lang) + " \u00b7 " + chart.categories[c] + ": " +
                              FormatMass(g, doc.unit) + " " + UnitSymbol(doc.unit);
      out += "<rect x=\"" +
             Num(kLeft + group * static_cast<double>(c) + inset + bar * static_cast<double>(s)) + "\" y=\"" +
             Num(top) + "\" width=\"" + Num(bar) + "\" height=\"" + Num(bottom - top) + "\" fill=\"" +
             PaletteColor(s) + "\"><title>" + HtmlEscape(tip) + "</title></rect>\n";
    }
  }
  return out + "</g>\n";
}

std::string CategoriesSvg(const BarChart& chart) {
  const double group = (kWidth - kLeft - kRight) / static_cast<double>(chart.categories.size());
  const bool slanted = chart.categories.size() > kRotateAbove;
  std::string out = "<g class=\"categories\">\n";
  for (size_t c = 0; c < chart.categories.size(); ++c) {
    const std::string x = Num(kLeft + group * (static_cast<double>(c) + 0.5));
    const std::string y = Num(kHeight - kBottom + 18);
    out += "<text x=\"" + x + "\" y=\"" + y + "\" text-anchor=\"" + (slanted ? "end" : "middle") + "\"" +
           (slanted ? " transform=\"rotate(-40 " + x + " " + y + ")\"" : std::string()) + ">" +
           HtmlEscape(chart.categories[c]) + "</text>\n";
  }
  return out + "</g>\n";
}

}  // namespace

std::string BarSvg(const BarChart& chart, const Document& doc) {
  if (chart.categories.empty() || chart.series.empty()) return NoDataSvg(kWidth, kHeight / 2, doc.lang);
  const Axis axis = MakeAxis(chart, doc.unit);
  return "<svg class=\"chart bars\" viewBox=\"0 0 " + std::to_string(kWidth) + " " + std::to_string(kHeight) +
         "\" role=\"img\" aria-label=\"" + HtmlEscape(chart.title.In(doc.lang)) + "\">\n" +
         LegendSvg(chart, doc) + AxisSvg(axis, doc) + BarsSvg(chart, axis, doc) + CategoriesSvg(chart) +
         "</svg>";
}

}  // namespace wasteledger::reports::internal
