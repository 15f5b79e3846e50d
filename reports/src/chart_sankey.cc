// Sankey diagram as inline SVG: nodes stacked in columns (height from the
// larger of inflow and outflow), links as filled cubic-Bezier ribbons whose
// width is proportional to the mass.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "cells.h"
#include "html.h"
#include "wasteledger/reports/render.h"

namespace wasteledger::reports::internal {
namespace {

constexpr int kWidth = 960;
constexpr int kHeight = 440;
constexpr double kMargin = 12;
constexpr double kNodeWidth = 14;
constexpr double kGap = 14;
constexpr double kMinNodeHeight = 2;

struct NodeBox {
  const SankeyChart::Node* node = nullptr;
  int column = 0;
  int64_t in = 0, out = 0;
  double x = 0, y = 0, h = 0;
  double in_used = 0, out_used = 0;  // ribbon space already taken on each side
  int64_t Value() const { return std::max(in, out); }
  double Center() const { return y + h / 2; }
};

struct LinkRef {
  size_t from = 0, to = 0;
  int64_t mass = 0;
  double y0 = 0, y1 = 0, w = 0;
};

struct Layout {
  std::vector<NodeBox> nodes;
  std::vector<LinkRef> links;
  double scale = 0;  // pixels per gram
};

Layout Collect(const SankeyChart& chart) {
  Layout l;
  std::map<std::string, size_t> index;
  for (const auto& node : chart.nodes) {
    if (!index.emplace(node.id, l.nodes.size()).second) continue;  // a repeated id: the first wins
    NodeBox box;
    box.node = &node;
    box.column = node.column;
    l.nodes.push_back(box);
  }
  for (const auto& link : chart.links) {
    auto from = index.find(link.from), to = index.find(link.to);
    if (from == index.end() || to == index.end() || link.mass_g <= 0) continue;
    LinkRef ref;
    ref.from = from->second;
    ref.to = to->second;
    ref.mass = link.mass_g;
    l.links.push_back(ref);
    l.nodes[from->second].out += link.mass_g;
    l.nodes[to->second].in += link.mass_g;
  }
  return l;
}

// Groups the nodes by stage; the stages in use are numbered 0.. in order, so
// that gaps or odd numbers in Node::column leave no empty columns.
std::vector<std::vector<size_t>> Columns(Layout& l) {
  std::map<int, std::vector<size_t>> by_stage;
  for (size_t i = 0; i < l.nodes.size(); ++i) by_stage[l.nodes[i].column].push_back(i);
  std::vector<std::vector<size_t>> columns;
  for (auto& [stage, members] : by_stage) {
    for (size_t i : members) l.nodes[i].column = static_cast<int>(columns.size());
    columns.push_back(std::move(members));
  }
  return columns;
}

void PlaceNodes(Layout& l, const std::vector<std::vector<size_t>>& columns) {
  const double plot_h = kHeight - 2 * kMargin;
  double scale = -1;
  for (const auto& col : columns) {
    double sum = 0;
    for (size_t i : col) sum += static_cast<double>(l.nodes[i].Value());
    const double room =
        std::max(plot_h - kGap * static_cast<double>(col.size() - (col.empty() ? 0 : 1)), 1.0);
    if (sum > 0) scale = scale < 0 ? room / sum : std::min(scale, room / sum);
  }
  l.scale = std::max(scale, 0.0);
  const double span = kWidth - 2 * kMargin - kNodeWidth;
  for (size_t c = 0; c < columns.size(); ++c) {
    double total = 0;
    for (size_t i : columns[c]) {
      l.nodes[i].h = std::max(static_cast<double>(l.nodes[i].Value()) * l.scale, kMinNodeHeight);
      total += l.nodes[i].h + kGap;
    }
    double y = kMargin + std::max((plot_h - (total - kGap)) / 2, 0.0);
    const double x = columns.size() == 1
                         ? (kWidth - kNodeWidth) / 2
                         : kMargin + span * static_cast<double>(c) / static_cast<double>(columns.size() - 1);
    for (size_t i : columns[c]) {
      l.nodes[i].x = x;
      l.nodes[i].y = y;
      y += l.nodes[i].h + kGap;
    }
  }
}

// Stacks the ribbons on each node, ordered by the position of the other end
// so that they cross as little as possible.
void PlaceLinks(Layout& l) {
  std::vector<size_t> order(l.links.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  auto by = [&](auto key) {
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return key(a) < key(b); });
  };
  by([&](size_t i) { return l.nodes[l.links[i].to].Center(); });
  for (size_t i : order) {
    LinkRef& link = l.links[i];
    link.w = static_cast<double>(link.mass) * l.scale;
    NodeBox& from = l.nodes[link.from];
    link.y0 = from.y + from.out_used + link.w / 2;
    from.out_used += link.w;
  }
  by([&](size_t i) { return l.nodes[l.links[i].from].Center(); });
  for (size_t i : order) {
    LinkRef& link = l.links[i];
    NodeBox& to = l.nodes[link.to];
    link.y1 = to.y + to.in_used + link.w / 2;
    to.in_used += link.w;
  }
}

std::string MassText(int64_t grams, const Document& doc) {
  return FormatMass(grams, doc.unit) + " " + UnitSymbol(doc.unit);
}

std::string RibbonSvg(const LinkRef& link, const Layout& l, const Document& doc) {
  const NodeBox& from = l.nodes[link.from];
  const NodeBox& to = l.nodes[link.to];
  const double x0 = from.x + kNodeWidth, x1 = to.x, xm = (x0 + x1) / 2, h = link.w / 2;
  const std::string d = "M" + Num(x0) + "," + Num(link.y0 - h) + " C" + Num(xm) + "," + Num(link.y0 - h) +
                        " " + Num(xm) + "," + Num(link.y1 - h) + " " + Num(x1) + "," + Num(link.y1 - h) +
                        " L" + Num(x1) + "," + Num(link.y1 + h) + " C" + Num(xm) + "," + Num(link.y1 + h) +
                        " " + Num(xm) + "," + Num(link.y0 + h) + " " + Num(x0) + "," + Num(link.y0 + h) +
                        " Z";
  const std::string tip = from.node->label.In(doc.lang) + " \u2192 " + to.node->label.In(doc.lang) + ": " +
                          MassText(link.mass, doc);
  return "<path class=\"sk-link\" d=\"" + d + "\" fill=\"" + PaletteColor(static_cast<size_t>(from.column)) +
         "\"><title>" + HtmlEscape(tip) + "</title></path>\n";
}

std::string NodeSvg(const NodeBox& n, bool last_column, const Document& doc) {
  const std::string label = HtmlEscape(n.node->label.In(doc.lang));
  const std::string mass = HtmlEscape(MassText(n.Value(), doc));
  const double tx = last_column ? n.x - 6 : n.x + kNodeWidth + 6;
  return "<g class=\"sk-node\"><rect x=\"" + Num(n.x) + "\" y=\"" + Num(n.y) + "\" width=\"" +
         Num(kNodeWidth) + "\" height=\"" + Num(n.h) + "\" fill=\"" +
         PaletteColor(static_cast<size_t>(n.column)) + "\"><title>" + label + ": " + mass +
         "</title></rect><text class=\"sk-label\" x=\"" + Num(tx) + "\" y=\"" + Num(n.Center()) +
         "\" dy=\"0.35em\" text-anchor=\"" + (last_column ? "end" : "start") + "\">" + label +
         " <tspan class=\"mass\">" + mass + "</tspan></text></g>\n";
}

}  // namespace

std::string SankeySvg(const SankeyChart& chart, const Document& doc) {
  Layout l = Collect(chart);
  if (l.links.empty()) return NoDataSvg(kWidth, kHeight / 2, doc.lang);
  const auto columns = Columns(l);
  PlaceNodes(l, columns);
  PlaceLinks(l);
  std::string out = "<svg class=\"chart sankey\" viewBox=\"0 0 " + std::to_string(kWidth) + " " +
                    std::to_string(kHeight) + "\" role=\"img\" aria-label=\"" +
                    HtmlEscape(chart.title.In(doc.lang)) + "\">\n<g class=\"sk-links\">\n";
  for (const LinkRef& link : l.links) out += RibbonSvg(link, l, doc);
  out += "</g>\n<g class=\"sk-nodes\">\n";
  for (const NodeBox& n : l.nodes) {
    out += NodeSvg(n, columns.size() > 1 && static_cast<size_t>(n.column) + 1 == columns.size(), doc);
  }
  return out + "</g>\n</svg>";
}

}  // namespace wasteledger::reports::internal
