// report trace: the tree of what became of a lot (or a manifest's lines),
// or backward, of where a lot came from. See trace.h for the rules.
#include "wasteledger/reports/trace.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <set>

#include "cells.h"
#include "wasteledger/domain_query.h"
#include "wasteledger/ledger.h"
#include "wasteledger/reports/render.h"
#include "wasteledger/statement.h"

namespace wasteledger::reports {

Fate& Fate::operator+=(const Fate& o) {
  held_g += o.held_g;
  in_transit_g += o.in_transit_g;
  utilized_g += o.utilized_g;
  disposed_g += o.disposed_g;
  transport_diff_g += o.transport_diff_g;
  products_g += o.products_g;
  secondary_g += o.secondary_g;
  voided_g += o.voided_g;
  return *this;
}

std::vector<int64_t> SplitByWeight(int64_t mass, const std::vector<int64_t>& weights) {
  __extension__ typedef __int128 Int128;
  std::vector<int64_t> parts(weights.size(), 0);
  const Int128 total = std::accumulate(weights.begin(), weights.end(), Int128{0});
  if (total <= 0) return parts;
  std::vector<Int128> remainders(weights.size());
  int64_t given = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    const Int128 product = static_cast<Int128>(mass) * weights[i];
    parts[i] = static_cast<int64_t>(product / total);
    remainders[i] = product % total;
    given += parts[i];
  }
  std::vector<size_t> order(weights.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return remainders[a] > remainders[b]; });
  for (size_t k = 0; given < mass && k < order.size(); ++k, ++given) ++parts[order[k]];
  return parts;
}

namespace {

constexpr size_t kMaxDepth = 256;

// The body in force at `seq`: a correct entry's replacement body.
Result<nlohmann::json> BodyInForce(const Ledger& ledger, uint64_t seq) {
  WL_ASSIGN_OR_RETURN(std::string bytes, ledger.EntryBytes(seq));
  WL_ASSIGN_OR_RETURN(ParsedEntry parsed, ParseEntry(bytes));
  const nlohmann::json& st = parsed.statement.json;
  if (st.at("kind") == "correct") return st.at("body").at("body");
  return st.at("body");
}

std::string OutputLotId(const nlohmann::json& output, uint64_t seq, size_t index) {
  return output.value("lot", fmt::format("#{}/{}", seq, index + 1));
}

// A new mass (product or output) made by entry `e`: the part owed to
// `share` grams of the `drawn_g` that `e` took from `lot`. Split first over
// the entry's inputs by the mass drawn, then this lot's part by share.
int64_t Attribute(int64_t made_g, const EntryEffect& e, const std::string& lot, int64_t drawn_g,
                  int64_t share) {
  std::vector<int64_t> weights;
  for (const auto& d : e.drawn) weights.push_back(d.mass_g);
  const std::vector<int64_t> parts = SplitByWeight(made_g, weights);
  int64_t mine = 0;
  for (size_t i = 0; i < e.drawn.size(); ++i) {
    if (e.drawn[i].lot == lot) mine += parts[i];
  }
  if (share == drawn_g) return mine;
  return SplitByWeight(mine, {share, std::max<int64_t>(0, drawn_g - share)})[0];
}

class Tracer {
 public:
  explicit Tracer(const Ledger& ledger) : ledger_(ledger) {}

  Result<TraceNode> Forward(const Lot& lot, int64_t share) {
    if (!Enter(lot.id)) return CycleNode(lot.id);
    auto node = ForwardLot(lot, share);
    Leave(lot.id);
    return node;
  }

  Result<TraceNode> ForwardManifest(const Manifest& m) {
    TraceNode node;
    node.step = TraceStep::kManifest;
    node.party = m.producer;
    node.manifest = m.number;
    node.seqs = {m.dispatch_seq};
    for (size_t i = 0; i < m.lines.size(); ++i) {
      WL_ASSIGN_OR_RETURN(TraceNode line, LineNode(m, i, m.lines[i].mass_g));
      AddChild(node, std::move(line));
      node.mass_g += m.lines[i].mass_g;
    }
    return node;
  }

  // `share` grams of the lot went into the step that drew on it (the whole
  // lot at the root).
  Result<TraceNode> Backward(const Lot& lot, int64_t share) {
    if (!Enter(lot.id)) return CycleNode(lot.id);
    auto node = BackwardLot(lot, share);
    Leave(lot.id);
    return node;
  }

  Result<Lot> LoadLot(const std::string& id) {
    WL_ASSIGN_OR_RETURN(auto lot, GetLot(ledger_, id));
    if (!lot) return Status::NotFound(fmt::format("lot {}: no such lot", id));
    return std::move(*lot);
  }

  Result<Manifest> LoadManifest(const std::string& number) {
    WL_ASSIGN_OR_RETURN(auto m, GetManifest(ledger_, number));
    if (!m) return Status::NotFound(fmt::format("manifest {}: no such manifest", number));
    return std::move(*m);
  }

 private:
  bool Enter(const std::string& lot) { return path_.size() < kMaxDepth && path_.insert(lot).second; }
  void Leave(const std::string& lot) { path_.erase(lot); }

  static TraceNode CycleNode(const std::string& lot) {
    TraceNode node;
    node.step = TraceStep::kCycle;
    node.lot = lot;
    return node;
  }

  static TraceNode LotHeader(const Lot& lot) {
    TraceNode node;
    node.lot = lot.id;
    node.party = lot.owner;
    node.waste = lot.waste;
    node.mass_g = lot.mass_g;
    node.remaining_g = lot.remaining_g;
    node.lot_mass_g = lot.mass_g;
    node.source = lot.source.kind;
    node.seqs = {lot.source.seq};
    node.voided_by = lot.voided_by;
    return node;
  }

  static TraceNode Leaf(TraceStep step, const std::string& party, const std::string& waste, int64_t mass) {
    TraceNode node;
    node.step = step;
    node.party = party;
    node.waste = waste;
    node.mass_g = mass;
    return node;
  }

  // Forward children add their fate to the parent's; products and output
  // lots are new mass and count only as products_g / secondary_g.
  static void AddChild(TraceNode& parent, TraceNode child) {
    if (child.step != TraceStep::kLot || parent.step == TraceStep::kLine) parent.fate += child.fate;
    parent.children.push_back(std::move(child));
  }

  Result<EntryEffect> LoadEffect(uint64_t seq) {
    WL_ASSIGN_OR_RETURN(auto e, GetEffect(ledger_, seq));
    if (!e) return Status::Corruption(fmt::format("entry {}: no effect record for a draw", seq));
    return std::move(*e);
  }

  Result<TraceNode> ForwardLot(const Lot& lot, int64_t share) {
    TraceNode node = LotHeader(lot);
    node.mass_g = share;
    WL_ASSIGN_OR_RETURN(std::vector<LotDraw> draws, DrawsOn(ledger_, lot.id));
    std::vector<int64_t> weights;
    int64_t drawn = 0;
    for (const auto& d : draws) {
      weights.push_back(d.mass_g);
      drawn += d.mass_g;
    }
    weights.push_back(lot.remaining_g);
    // A voided lot holds nothing: what its live draws did not take went with the void.
    weights.push_back(lot.voided_by ? std::max<int64_t>(0, lot.mass_g - drawn - lot.remaining_g) : 0);
    const std::vector<int64_t> parts = SplitByWeight(share, weights);
    const size_t held = draws.size();
    node.remaining_g = parts[held];
    node.fate.held_g = parts[held];
    if (lot.voided_by && parts[held + 1] > 0) {
      TraceNode voided = Leaf(TraceStep::kVoided, lot.owner, lot.waste, parts[held + 1]);
      voided.seqs = {*lot.voided_by};
      voided.fate.voided_g = parts[held + 1];
      AddChild(node, std::move(voided));
    }
    for (size_t i = 0; i < draws.size(); ++i) {
      WL_ASSIGN_OR_RETURN(EntryEffect e, LoadEffect(draws[i].seq));
      if (e.kind == "import") {
        WL_ASSIGN_OR_RETURN(TraceNode moved, ImportDrawNode(lot, e, parts[i]));
        AddChild(node, std::move(moved));
      } else if (e.kind == "dispatch") {
        WL_RETURN_IF_ERROR(AddDispatchLines(node, lot, e, parts[i]));
      } else {
        WL_ASSIGN_OR_RETURN(TraceNode used, ConsumeNode(lot, e, draws[i].mass_g, parts[i]));
        AddChild(node, std::move(used));
      }
    }
    return node;
  }

  Status AddDispatchLines(TraceNode& node, const Lot& lot, const EntryEffect& e, int64_t share) {
    WL_ASSIGN_OR_RETURN(Manifest m, LoadManifest(e.manifest));
    std::vector<size_t> lines;
    std::vector<int64_t> weights;
    for (size_t i = 0; i < m.lines.size(); ++i) {
      if (m.lines[i].lot != lot.id) continue;
      lines.push_back(i);
      weights.push_back(m.lines[i].mass_g);
    }
    const std::vector<int64_t> parts = SplitByWeight(share, weights);
    for (size_t k = 0; k < lines.size(); ++k) {
      WL_ASSIGN_OR_RETURN(TraceNode line, LineNode(m, lines[k], parts[k]));
      AddChild(node, std::move(line));
    }
    return Status::Ok();
  }

  static std::string ReceivedLotId(uint64_t receive_seq, size_t index, bool refused) {
    return fmt::format("#{}/{}{}", receive_seq, index + 1, refused ? "r" : "");
  }

  Result<TraceNode> LineNode(const Manifest& m, size_t index, int64_t share) {
    const ManifestLine& line = m.lines[index];
    TraceNode node = Leaf(TraceStep::kLine, m.receiver, line.waste, share);
    node.manifest = m.number;
    node.line = static_cast<int64_t>(index) + 1;
    node.seqs = {m.dispatch_seq};
    if (!m.receive_seq) {
      AddChild(node, InTransit(m, line, share));
      return node;
    }
    const uint64_t rs = *m.receive_seq;
    node.seqs.push_back(rs);
    const int64_t diff = line.mass_g - line.received_g - line.refused_g;
    const std::vector<int64_t> parts =
        SplitByWeight(share, {line.received_g, line.refused_g, std::max<int64_t>(0, diff)});
    // Received by an imported record: into the receiver's import pool of the
    // transfer's year (docs/IMPORT.md), not a receipt's lot.
    std::string received_into = ReceivedLotId(rs, index, false);
    if (m.imported) {
      WL_ASSIGN_OR_RETURN(EntryEffect receipt, LoadEffect(rs));
      if (receipt.kind == "import") {
        WL_ASSIGN_OR_RETURN(EntryEffect sent, LoadEffect(m.dispatch_seq));
        received_into = fmt::format("#import/{}/{}/{}", m.receiver, line.waste, sent.time.substr(0, 4));
      }
    }
    if (line.received_g > 0) WL_RETURN_IF_ERROR(AddLotChild(node, received_into, parts[0]));
    if (line.refused_g > 0) WL_RETURN_IF_ERROR(AddLotChild(node, ReceivedLotId(rs, index, true), parts[1]));
    if (diff > 0) {
      TraceNode lost = Leaf(TraceStep::kTransportDiff, m.receiver, line.waste, parts[2]);
      lost.manifest = m.number;
      lost.seqs = {rs};
      lost.fate.transport_diff_g = parts[2];
      AddChild(node, std::move(lost));
    }
    return node;
  }

  static TraceNode InTransit(const Manifest& m, const ManifestLine& line, int64_t share) {
    TraceNode node = Leaf(TraceStep::kInTransit, m.holder(), line.waste, share);
    node.manifest = m.number;
    node.seqs = {m.custody.back().seq};
    node.fate.in_transit_g = share;
    return node;
  }

  Status AddLotChild(TraceNode& parent, const std::string& id, int64_t share) {
    WL_ASSIGN_OR_RETURN(Lot lot, LoadLot(id));
    WL_ASSIGN_OR_RETURN(TraceNode child, Forward(lot, share));
    AddChild(parent, std::move(child));
    return Status::Ok();
  }

  // What an imported record (signed by the regulator who imported it) did
  // with `share` grams of an import pool, as the file's party did it: used
  // or disposed of in house, or handed to a receiver (a 台账 transfer, or a
  // manifest line: received into the receiver's pool of the transfer's
  // year, followed from there, or still in transit).
  Result<TraceNode> ImportDrawNode(const Lot& lot, const EntryEffect& e, int64_t share) {
    WL_ASSIGN_OR_RETURN(nlohmann::json body, BodyInForce(ledger_, e.seq));
    std::string record = body.value("record", "");
    std::string from = body.value("from", "");
    const std::string method = body.value("method", "");
    if (lot.owner != from && lot.owner == body.value("to", "")) {
      // The receiver's side of the same record: it treated what it received
      // (the record's method, R utilises and D disposes of).
      record = !method.empty() && method.front() == 'R' ? "utilize" : "dispose";
      from = lot.owner;
    }
    if (record == "utilize" || record == "dispose") {
      const bool utilize = record == "utilize";
      TraceNode node = Leaf(utilize ? TraceStep::kUtilized : TraceStep::kDisposed, from, lot.waste, share);
      node.seqs = {e.seq};
      node.method = method;
      (utilize ? node.fate.utilized_g : node.fate.disposed_g) = share;
      return node;
    }
    const std::string to = body.value("to", "");
    const int64_t mass = body.value("mass_g", int64_t{0});
    TraceNode node = Leaf(TraceStep::kLine, to, lot.waste, share);
    node.manifest = body.value("manifest", "");
    node.line = 0;
    node.seqs = {e.seq};
    const bool received = record == "transfer" || body.contains("received_g");
    if (!received) {
      TraceNode transit = Leaf(TraceStep::kInTransit, from, lot.waste, share);
      transit.manifest = node.manifest;
      transit.seqs = {e.seq};
      transit.fate.in_transit_g = share;
      AddChild(node, std::move(transit));
      return node;
    }
    const int64_t got = record == "transfer" ? mass : body.value("received_g", int64_t{0});
    const std::vector<int64_t> parts = SplitByWeight(share, {got, std::max<int64_t>(0, mass - got)});
    if (got > 0) {
      const std::string pool = fmt::format("#import/{}/{}/{}", to, lot.waste, body.value("date", "").substr(0, 4));
      WL_RETURN_IF_ERROR(AddLotChild(node, pool, parts[0]));
    }
    if (parts[1] > 0) {
      TraceNode lost = Leaf(TraceStep::kTransportDiff, to, lot.waste, parts[1]);
      lost.manifest = node.manifest;
      lost.seqs = {e.seq};
      lost.fate.transport_diff_g = parts[1];
      AddChild(node, std::move(lost));
    }
    return node;
  }

  Result<TraceNode> ConsumeNode(const Lot& lot, const EntryEffect& e, int64_t drawn_g, int64_t share) {
    const bool utilize = e.kind == "utilize";
    TraceNode node = Leaf(utilize ? TraceStep::kUtilized : TraceStep::kDisposed, e.actor, lot.waste, share);
    node.seqs = {e.seq};
    (utilize ? node.fate.utilized_g : node.fate.disposed_g) = share;
    WL_ASSIGN_OR_RETURN(nlohmann::json body, BodyInForce(ledger_, e.seq));
    node.method = body.value("method", "");
    for (const auto& p : body.value("products", nlohmann::json::array())) {
      TraceNode product = Leaf(TraceStep::kProduct, e.actor, "",
                               Attribute(p.at("mass_g").get<int64_t>(), e, lot.id, drawn_g, share));
      product.name = p.value("name", "");
      product.seqs = {e.seq};
      node.fate.products_g += product.mass_g;
      node.children.push_back(std::move(product));
    }
    const nlohmann::json outputs = body.value("outputs", nlohmann::json::array());
    for (size_t i = 0; i < outputs.size(); ++i) {
      const int64_t part = Attribute(outputs[i].at("mass_g").get<int64_t>(), e, lot.id, drawn_g, share);
      node.fate.secondary_g += part;
      WL_RETURN_IF_ERROR(AddLotChild(node, OutputLotId(outputs[i], e.seq, i), part));
    }
    return node;
  }

  // The part of `whole` owed to `share` grams of a lot of `lot_mass` grams
  // (all of it for the whole lot), by the largest-remainder split.
  static int64_t ShareOf(int64_t whole, int64_t share, int64_t lot_mass) {
    if (share == lot_mass) return whole;
    return SplitByWeight(whole, {share, std::max<int64_t>(0, lot_mass - share)})[0];
  }

  Result<TraceNode> BackwardLot(const Lot& lot, int64_t share) {
    TraceNode node = LotHeader(lot);
    node.mass_g = share;
    const LotSource& src = lot.source;
    if (src.kind == "receive" || src.kind == "return") {
      WL_ASSIGN_OR_RETURN(Manifest m, LoadManifest(src.manifest));
      if (src.line < 1 || static_cast<size_t>(src.line) > m.lines.size()) {
        return Status::Corruption(
            fmt::format("lot {}: manifest {} has no line {}", lot.id, m.number, src.line));
      }
      const ManifestLine& line = m.lines[static_cast<size_t>(src.line) - 1];
      // The line drew its whole mass from one lot of the producer's.
      const int64_t sent = ShareOf(line.mass_g, share, lot.mass_g);
      TraceNode via = Leaf(TraceStep::kLine, m.producer, line.waste, sent);
      via.manifest = m.number;
      via.line = src.line;
      via.seqs = {m.dispatch_seq, src.seq};
      WL_RETURN_IF_ERROR(AddSource(via, line.lot, sent));
      node.children.push_back(std::move(via));
    } else if (src.kind == "output") {
      WL_ASSIGN_OR_RETURN(EntryEffect e, LoadEffect(src.seq));
      WL_ASSIGN_OR_RETURN(nlohmann::json body, BodyInForce(ledger_, e.seq));
      TraceNode via = Leaf(e.kind == "utilize" ? TraceStep::kUtilized : TraceStep::kDisposed, e.actor, "", 0);
      via.method = body.value("method", "");
      via.seqs = {e.seq};
      std::vector<int64_t> weights;
      int64_t drawn = 0;
      for (const auto& d : e.drawn) {
        weights.push_back(d.mass_g);
        drawn += d.mass_g;
      }
      via.mass_g = ShareOf(drawn, share, lot.mass_g);
      // What each input lot gave (a lot drawn twice by the entry, once).
      const std::vector<int64_t> parts = SplitByWeight(via.mass_g, weights);
      std::vector<std::pair<std::string, int64_t>> sources;
      for (size_t i = 0; i < e.drawn.size(); ++i) {
        auto it = std::find_if(sources.begin(), sources.end(),
                               [&](const auto& s) { return s.first == e.drawn[i].lot; });
        if (it == sources.end()) {
          sources.emplace_back(e.drawn[i].lot, parts[i]);
        } else {
          it->second += parts[i];
        }
      }
      for (const auto& [id, part] : sources) WL_RETURN_IF_ERROR(AddSource(via, id, part));
      node.children.push_back(std::move(via));
    } else {
      TraceNode made = Leaf(TraceStep::kGenerated, lot.owner, lot.waste, share);
      made.seqs = {src.seq};
      node.children.push_back(std::move(made));
    }
    return node;
  }

  Status AddSource(TraceNode& parent, const std::string& id, int64_t share) {
    WL_ASSIGN_OR_RETURN(Lot lot, LoadLot(id));
    WL_ASSIGN_OR_RETURN(TraceNode child, Backward(lot, share));
    parent.children.push_back(std::move(child));
    return Status::Ok();
  }

  const Ledger& ledger_;
  std::set<std::string> path_;
};

}  // namespace

Result<TraceReport> Trace(const Ledger& ledger, const TraceOptions& o) {
  if (o.lot.empty() == o.manifest.empty()) {
    return Status::InvalidArgument("trace: give exactly one of --lot and --manifest");
  }
  if (o.backward && o.lot.empty()) return Status::InvalidArgument("trace: --backward needs --lot");
  TraceReport report;
  report.options = o;
  WL_ASSIGN_OR_RETURN(report.source, DescribeLedger(ledger));
  Tracer tracer(ledger);
  if (!o.manifest.empty()) {
    WL_ASSIGN_OR_RETURN(Manifest m, tracer.LoadManifest(o.manifest));
    if (m.voided_by) {
      return Status::InvalidArgument(
          fmt::format("manifest {}: voided by entry {}, nothing was sent", m.number, *m.voided_by));
    }
    WL_ASSIGN_OR_RETURN(report.root, tracer.ForwardManifest(m));
  } else {
    WL_ASSIGN_OR_RETURN(Lot lot, tracer.LoadLot(o.lot));
    if (o.backward) {
      WL_ASSIGN_OR_RETURN(report.root, tracer.Backward(lot, lot.mass_g));
      return report;
    }
    WL_ASSIGN_OR_RETURN(report.root, tracer.Forward(lot, lot.mass_g));
  }
  report.fate = report.root.fate;
  return report;
}

namespace {

const char* StepName(TraceStep step) {
  switch (step) {
    case TraceStep::kLot:
      return "lot";
    case TraceStep::kManifest:
      return "manifest";
    case TraceStep::kLine:
      return "line";
    case TraceStep::kInTransit:
      return "in_transit";
    case TraceStep::kTransportDiff:
      return "transport_diff";
    case TraceStep::kUtilized:
      return "utilized";
    case TraceStep::kDisposed:
      return "disposed";
    case TraceStep::kProduct:
      return "product";
    case TraceStep::kGenerated:
      return "generated";
    case TraceStep::kVoided:
      return "voided";
    case TraceStep::kCycle:
      return "cycle";
  }
  return "";
}

bool HasFate(const TraceNode& n, bool backward) {
  return !backward &&
         (n.step == TraceStep::kLot || n.step == TraceStep::kManifest || n.step == TraceStep::kLine);
}

nlohmann::json FateJson(const Fate& f) {
  return {{"held_g", f.held_g},
          {"in_transit_g", f.in_transit_g},
          {"utilized_g", f.utilized_g},
          {"disposed_g", f.disposed_g},
          {"transport_diff_g", f.transport_diff_g},
          {"products_g", f.products_g},
          {"secondary_g", f.secondary_g},
          {"voided_g", f.voided_g}};
}

nlohmann::json NodeJson(const TraceNode& n, bool backward) {
  nlohmann::json j = {{"step", StepName(n.step)}, {"mass_g", n.mass_g}, {"seqs", n.seqs}};
  auto put = [&j](const char* key, const std::string& value) {
    if (!value.empty()) j[key] = value;
  };
  put("lot", n.lot);
  put("party", n.party);
  put("waste", n.waste);
  put("manifest", n.manifest);
  put("method", n.method);
  put("name", n.name);
  put("source", n.source);
  if (n.step == TraceStep::kLot) {
    j["remaining_g"] = n.remaining_g;
    j["lot_mass_g"] = n.lot_mass_g;
    if (n.voided_by) j["voided_by"] = *n.voided_by;
  }
  if (n.step == TraceStep::kLine) j["line"] = n.line;
  if (HasFate(n, backward)) j["fate"] = FateJson(n.fate);
  nlohmann::json children = nlohmann::json::array();
  for (const auto& c : n.children) children.push_back(NodeJson(c, backward));
  j["children"] = std::move(children);
  return j;
}

}  // namespace

nlohmann::json TraceJson(const TraceReport& report) {
  const bool backward = report.options.backward;
  nlohmann::json j = {{"report", "trace"},
                      {"ledger", SourceJson(report.source)},
                      {"direction", backward ? "backward" : "forward"},
                      {"root", NodeJson(report.root, backward)}};
  if (!report.options.lot.empty()) j["lot"] = report.options.lot;
  if (!report.options.manifest.empty()) j["manifest"] = report.options.manifest;
  if (report.root.voided_by) j["voided_by"] = *report.root.voided_by;
  if (!backward) {
    nlohmann::json fate = FateJson(report.fate);
    fate["accounted_g"] = report.fate.Accounted();
    fate["mass_g"] = report.root.mass_g;
    j["fate"] = std::move(fate);
  }
  return j;
}

namespace {

std::string Subject(const TraceNode& n, Lang lang) {
  const bool en = lang == Lang::kEn;
  switch (n.step) {
    case TraceStep::kLot:
    case TraceStep::kCycle:
      return n.lot;
    case TraceStep::kManifest:
      return n.manifest;
    case TraceStep::kLine:
      if (n.line == 0) return en ? "imported transfer" : "导入的转移记录";  // a legacy record: no line number
      return en ? fmt::format("line {}", n.line) : fmt::format("第{}行", n.line);
    case TraceStep::kInTransit:
      return en ? "in transit" : "在途";
    case TraceStep::kTransportDiff:
      return en ? "transport difference" : "运输差额";
    case TraceStep::kUtilized:
      return en ? "utilized" : "利用";
    case TraceStep::kDisposed:
      return en ? "disposed" : "处置";
    case TraceStep::kProduct:
      return n.name;
    case TraceStep::kGenerated:
      return en ? "generated" : "产生";
    case TraceStep::kVoided:
      return en ? "voided" : "作废";
  }
  return "";
}

Label LotOrigin(const std::string& source) {
  if (source == "generate") return {"产生的批次", "lot generated"};
  if (source == "receive") return {"接收的批次", "lot received"};
  if (source == "return") return {"拒收退回移出人", "refused, back at the producer"};
  if (source == "import") return {"导入的历史数据池", "imported legacy pool"};
  return {"次生废物批次", "secondary-waste lot"};
}

std::string WhatHappened(const TraceNode& n, bool backward, MassUnit unit, Lang lang) {
  const bool en = lang == Lang::kEn;
  const std::string held = FormatMass(n.remaining_g, unit) + " " + internal::UnitSymbol(unit);
  switch (n.step) {
    case TraceStep::kLot: {
      std::string what = LotOrigin(n.source).In(lang);
      if (n.voided_by) {
        what += en ? fmt::format("; voided at seq {}", *n.voided_by)
                   : fmt::format("；已于第 {} 条记录作废", *n.voided_by);
      }
      if (!backward) return what + (en ? "; still held " : "；尚存 ") + held;
      if (n.mass_g == n.lot_mass_g) return what;
      // A share of the lot went into the step above.
      const std::string part = FormatMass(n.mass_g, unit) + " " + internal::UnitSymbol(unit);
      const std::string whole = FormatMass(n.lot_mass_g, unit) + " " + internal::UnitSymbol(unit);
      if (en) return what + fmt::format("; {} of the lot's {}", part, whole);
      return what + fmt::format("；取自该批次 {} 中的 {}", whole, part);
    }
    case TraceStep::kManifest:
      return en ? "dispatched on the manifest" : "按联单转移";
    case TraceStep::kLine:
      if (backward) return en ? "dispatched by the producer" : "移出人转移";
      return en ? "dispatched to the receiver" : "转移至接收单位";
    case TraceStep::kInTransit:
      return en ? "not yet received" : "尚未接收";
    case TraceStep::kTransportDiff:
      return en ? "dispatched - (received + refused)" : "转出量 - (接收量 + 拒收量)";
    case TraceStep::kUtilized:
      if (n.method.empty()) return en ? "utilized (no method recorded)" : "利用（未记录方式）";
      return fmt::format("{} {}", en ? "utilized by method" : "利用方式", n.method);
    case TraceStep::kDisposed:
      if (n.method.empty()) return en ? "disposed of (no method recorded)" : "处置（未记录方式）";
      return fmt::format("{} {}", en ? "disposed by method" : "处置方式", n.method);
    case TraceStep::kProduct:
      return en ? "product (new mass)" : "产品（新增质量）";
    case TraceStep::kGenerated:
      return en ? "generated by the producer" : "产生单位产生";
    case TraceStep::kVoided:
      return en ? "voided: the entry that made the lot was undone" : "已作废：产生该批次的记录被撤销";
    case TraceStep::kCycle:
      return en ? "already on the path, not followed" : "已在路径上，不再追溯";
  }
  return "";
}

std::string JoinSeqs(const std::vector<uint64_t>& seqs) {
  std::string out;
  for (uint64_t s : seqs) out += (out.empty() ? "" : ",") + std::to_string(s);
  return out;
}

struct RowContext {
  bool backward = false;
  MassUnit unit = MassUnit::kTonne;
  Lang lang = Lang::kZh;
};

void Flatten(const TraceNode& n, size_t depth, const RowContext& c, Table& t) {
  const std::string indent = depth == 0 ? "" : std::string(2 * (depth - 1), ' ') + "└ ";
  Cell held;
  if (n.step == TraceStep::kLot) held = n.remaining_g;
  t.rows.push_back({indent + Subject(n, c.lang), n.party, n.waste, n.mass_g, held, JoinSeqs(n.seqs),
                    n.manifest, WhatHappened(n, c.backward, c.unit, c.lang)});
  for (const auto& child : n.children) Flatten(child, depth + 1, c, t);
}

Table TreeTable(const TraceReport& report, Lang lang, MassUnit unit) {
  Table t;
  t.id = "trace";
  t.title = report.options.backward ? Label{"来源追溯", "Sources"} : Label{"去向追溯", "Where it went"};
  t.note = {"质量按实际称重克数；一批次分属多处时按所取质量以最大余数法分配，各部分之和恰为总数。",
            "Exact grams; where a lot's mass goes several ways it is shared by the mass drawn, "
            "largest remainder, so the parts sum exactly."};
  if (report.options.backward) {
    t.note = {
        "质量按实际称重克数；每一环节为进入该环节的质量，其来源批次为各批次所出之数（按所取质量以最大余数法"
        "分配），之和恰为该环节质量；尚存为整批次现存量。",
        "Exact grams; each step shows the mass that went into it, and its source lots the part each "
        "gave (shared by the mass drawn, largest remainder), summing exactly to the step; held is what "
        "the whole lot still holds."};
  }
  t.columns = {{"step", {"环节", "step"}, ColumnType::kText},
               {"party", {"单位", "party"}, ColumnType::kText},
               {"waste", {"废物代码", "waste"}, ColumnType::kText},
               {"mass_g", {"质量", "mass"}, ColumnType::kMass},
               {"held_g", {"尚存", "held"}, ColumnType::kMass},
               {"seqs", {"条目", "seq(s)"}, ColumnType::kText},
               {"manifest", {"联单", "manifest"}, ColumnType::kText},
               {"what", {"发生了什么", "what happened"}, ColumnType::kText}};
  Flatten(report.root, 0, {report.options.backward, unit, lang}, t);
  return t;
}

Table FateTable(const TraceReport& report, Lang lang) {
  const Fate& f = report.fate;
  Table t;
  t.id = "fate";
  t.title = {"最终去向", "Fate"};
  t.note = {"尚存 + 在途 + 利用 + 处置 + 运输差额 + 作废 = 追溯质量；产品与次生废物为新增质量，另列。",
            "held + in transit + utilized + disposed + transport difference + voided = the traced mass; "
            "products and secondary waste are new mass, listed apart."};
  t.columns = {{"fate", {"去向", "fate"}, ColumnType::kText},
               {"mass_g", {"质量", "mass"}, ColumnType::kMass}};
  const std::vector<std::pair<Label, int64_t>> rows = {
      {{"尚存", "held"}, f.held_g},
      {{"在途", "in transit"}, f.in_transit_g},
      {{"利用", "utilized"}, f.utilized_g},
      {{"处置", "disposed"}, f.disposed_g},
      {{"运输差额", "transport difference"}, f.transport_diff_g},
      {{"作废", "voided"}, f.voided_g},
      {{"产品（新增）", "products (new mass)"}, f.products_g},
      {{"次生废物（新增）", "secondary waste (new mass)"}, f.secondary_g}};
  for (const auto& [label, grams] : rows) t.rows.push_back({label.In(lang), grams});
  t.totals = {{Label{"合计", "accounted"}.In(lang), f.Accounted()}};
  return t;
}

}  // namespace

Document TraceDocument(const TraceReport& report, Lang lang, MassUnit unit) {
  Document doc;
  doc.lang = lang;
  doc.unit = unit;
  doc.title = report.options.backward ? Label{"固体废物来源追溯", "Solid waste trace: sources"}
                                      : Label{"固体废物去向追溯", "Solid waste trace: fate"};
  doc.facts = SourceFacts(report.source);
  if (!report.options.lot.empty()) doc.facts.push_back({{"批次", "lot"}, report.options.lot});
  if (!report.options.manifest.empty()) doc.facts.push_back({{"联单", "manifest"}, report.options.manifest});
  if (report.root.voided_by) {
    const uint64_t by = *report.root.voided_by;
    doc.facts.push_back({{"作废", "voided"},
                         lang == Lang::kEn ? fmt::format("at seq {}", by) : fmt::format("第 {} 条记录", by)});
  }
  doc.tables.push_back(TreeTable(report, lang, unit));
  if (!report.options.backward) doc.tables.push_back(FateTable(report, lang));
  return doc;
}

}  // namespace wasteledger::reports
