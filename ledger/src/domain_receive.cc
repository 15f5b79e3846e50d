// receive, utilize and dispose.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "domain_permit.h"
#include "domain_rules.h"
#include "wasteledger/mass.h"

namespace wasteledger::domain {

namespace {

// The method codes of the statement schema (common.schema.json "method"):
// R1-R15 or D1-D15, or a site code of 1-16 of A-Z 0-9 '-' starting with a
// capital letter that is not R or D followed by digits only (R0, R16, D99
// are not operation codes, and not site codes either).
bool IsMethodCode(const std::string& m) {
  if (m.empty() || m.size() > 16 || m[0] < 'A' || m[0] > 'Z') return false;
  const bool chars_ok = std::all_of(m.begin() + 1, m.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || c == '-';
  });
  if (!chars_ok) return false;
  const bool digits_only = std::all_of(m.begin() + 1, m.end(), [](char c) { return c >= '0' && c <= '9'; });
  if ((m[0] == 'R' || m[0] == 'D') && digits_only) {
    if (m.size() < 2 || m.size() > 3 || m[1] == '0') return false;
    return std::stoi(m.substr(1)) <= 15;
  }
  return true;
}

}  // namespace

void CountSettlement(DomainTxn& txn, const Manifest& m, std::string_view day, int sign) {
  for (const auto& line : m.lines) {
    const int64_t arrived = line.received_g + line.refused_g;
    txn.AddFlow(kPartyFlows, PartyDims(m.producer, line.waste), day, kSettled, sign * line.mass_g);
    txn.AddFlow(kPartyFlows, PartyDims(m.producer, line.waste), day, kTransitDiff,
                sign * (line.mass_g - arrived));
    const std::string pair = PairDims(m.producer, m.receiver, line.waste);
    txn.AddFlow(kPairFlows, pair, day, kPairReceived, sign * line.received_g);
    txn.AddFlow(kPairFlows, pair, day, kPairReturned, sign * line.refused_g);
  }
}

// Creates lot "#<seq>/<line>" at the receiver for the received mass and,
// for refused mass, the returned lot "#<seq>/<line>r" back at the producer.
Status ApplyReceive(const Step& step, const Json& body) {
  BodyReader r = step.Reader(body);
  WL_RETURN_IF_ERROR(r.Shape({"manifest", "lines", "reject"}));
  WL_ASSIGN_OR_RETURN(std::string number, r.Str("manifest"));
  WL_ASSIGN_OR_RETURN(auto found, step.txn->GetManifest(number));
  if (!found) return step.Refuse(fmt::format("no manifest {} has been dispatched", number));
  Manifest m = std::move(*found);
  if (m.voided_by) return step.Refuse(fmt::format("manifest {} was voided at seq {}", number, *m.voided_by));
  if (step.actor != m.receiver) {
    return step.Refuse(fmt::format("only the receiver named on manifest {} (\"{}\") receives it, not \"{}\"",
                                   number, m.receiver, step.actor));
  }
  if (m.receive_seq) {
    return step.Refuse(fmt::format("manifest {} was already received at seq {} (once per manifest)", number,
                                   *m.receive_seq));
  }
  WL_RETURN_IF_ERROR(step.NotBefore(m.custody.back().seq,
                                    fmt::format("\"{}\" {} manifest {}", m.holder(),
                                                m.custody.size() > 1 ? "took" : "dispatched", number)));
  WL_ASSIGN_OR_RETURN(auto reject, r.OptStr("reject"));
  if (reject && reject->find_first_not_of(" \t\r\n") == std::string::npos) {
    return r.Error("reject", "must give the reason the manifest is refused (it is blank)");
  }
  WL_ASSIGN_OR_RETURN(const Json* lines, r.Array("lines", !reject, !reject));
  std::set<int64_t> seen;
  const size_t n = m.lines.size();
  for (size_t i = 0; lines != nullptr && i < lines->size(); ++i) {
    BodyReader l((*lines)[i], r.Item("lines", i));
    WL_RETURN_IF_ERROR(l.Shape({"line", "received_g", "refused_g", "waste", "reason"}));
    WL_ASSIGN_OR_RETURN(int64_t index, l.Int("line", 1, INT64_MAX));
    if (index > static_cast<int64_t>(n)) {
      return step.Refuse(fmt::format("line {} does not exist: manifest {} has {} line(s)", index, number, n));
    }
    if (!seen.insert(index).second) return step.Refuse(fmt::format("line {} is received twice", index));
    WL_ASSIGN_OR_RETURN(int64_t received, l.Mass("received_g", 0));
    WL_ASSIGN_OR_RETURN(int64_t refused, l.Mass("refused_g", 0));
    WL_ASSIGN_OR_RETURN(auto code, l.OptStr("waste"));
    WL_ASSIGN_OR_RETURN(auto reason, l.OptStr("reason"));
    ManifestLine& line = m.lines[static_cast<size_t>(index - 1)];
    if (received + refused > line.mass_g) {
      return step.Refuse(fmt::format("line {}: received {} g + refused {} g exceeds the {} g dispatched",
                                     index, received, refused, line.mass_g));
    }
    if (reject && received > 0) {
      return step.Refuse(
          fmt::format("line {}: {} g received although the manifest is rejected", index, received));
    }
    line.received_g = received;
    line.refused_g = refused;
    line.received_waste = line.waste;
    if (code) {
      WL_ASSIGN_OR_RETURN(WasteCodeInfo waste, step.NeedWaste(*code, l.Path("waste")));
      line.received_waste = waste.code;
    }
    line.reason = reason.value_or("");
  }
  int64_t total_received = 0;
  int64_t total_refused = 0;
  for (size_t i = 0; i < n; ++i) {
    ManifestLine& line = m.lines[i];
    if (reject && !seen.count(static_cast<int64_t>(i + 1))) {
      line.refused_g = line.mass_g;
      line.received_waste = line.waste;
    }
    total_received += line.received_g;
    total_refused += line.refused_g;
  }
  WL_ASSIGN_OR_RETURN(const Party* receiver, step.NeedParty(step.actor, "receiver", "the actor"));
  const std::string date = EventDate(step.time, step.ctx->timezone_minutes);
  Effect e = step.NewEffect();
  for (size_t i = 0; i < n; ++i) {
    const ManifestLine& line = m.lines[i];
    WL_ASSIGN_OR_RETURN(auto source, step.txn->GetLot(line.lot));
    const std::string hazards = source ? source->hazards : "";
    if (line.received_g > 0) {
      const WasteCodeInfo waste = step.catalogue->Classify(line.received_waste);
      if (line.code_mismatch() &&
          !FindPermit(*receiver, waste, date, {"utilize", "dispose", "store", "collect"})) {
        step.Warn(fmt::format("manifest {} line {}: received as {}, for which \"{}\" holds no permit on {}",
                              number, i + 1, waste.code, step.actor, date));
      }
      Lot lot;
      lot.id = fmt::format("#{}/{}", step.seq, i + 1);
      lot.owner = step.actor;
      lot.waste = line.received_waste;
      lot.mass_g = lot.remaining_g = line.received_g;
      lot.hazardous = waste.kind == WasteKind::kHazardous;
      lot.hazards = hazards;
      lot.born = source ? source->born : "";
      lot.source = {"receive", step.seq, number, static_cast<int64_t>(i + 1)};
      WL_RETURN_IF_ERROR(step.NeedFreeLotId(lot.id));
      WL_RETURN_IF_ERROR(step.txn->CreateLot(lot, date));
      e.created.push_back(lot.id);
    }
    if (line.refused_g > 0) {
      Lot lot;
      lot.id = fmt::format("#{}/{}r", step.seq, i + 1);
      lot.owner = m.producer;
      lot.waste = line.waste;
      lot.mass_g = lot.remaining_g = line.refused_g;
      lot.hazardous = source ? source->hazardous : false;
      lot.hazards = hazards;
      lot.born = source ? source->born : "";
      lot.source = {"return", step.seq, number, static_cast<int64_t>(i + 1)};
      WL_RETURN_IF_ERROR(step.NeedFreeLotId(lot.id));
      WL_RETURN_IF_ERROR(step.txn->CreateLot(lot, date));
      e.created.push_back(lot.id);
    }
  }
  CountSettlement(*step.txn, m, date, +1);
  m.receive_seq = step.seq;
  m.reject = reject.value_or("");
  m.status = (reject || (total_received == 0 && total_refused > 0)) ? "refused" : "received";
  WL_RETURN_IF_ERROR(step.txn->PutManifest(m));
  e.manifest = number;
  return step.txn->PutEffect(step.seq, e);
}

// utilize / dispose: inputs drawn from the actor's lots; outputs of waste
// become lots "<lot>" or "#<seq>/<i>" at the actor; products stay in the entry.
Status ApplyProcess(const Step& step, const Json& body) {
  BodyReader r = step.Reader(body);
  WL_RETURN_IF_ERROR(r.Shape({"method", "inputs", "outputs", "products"}));
  WL_ASSIGN_OR_RETURN(std::string method, r.Str("method"));
  if (!IsMethodCode(method)) {
    return r.Error("method",
                   fmt::format("\"{}\" is not a method code (R1-R15, D1-D15, or a site code: a capital "
                               "letter then up to 15 of A-Z, 0-9, '-', not R or D then digits only)",
                               method));
  }
  const char wrong = step.kind == "utilize" ? 'D' : 'R';
  if (method[0] == wrong) {
    return step.Refuse(
        fmt::format("method {} is a {} code", method, wrong == 'D' ? "disposal" : "utilisation"));
  }
  WL_ASSIGN_OR_RETURN(const Json* inputs, r.Array("inputs", true, true));
  std::map<std::string, int64_t> drawn;
  std::vector<std::string> order;
  for (size_t i = 0; i < inputs->size(); ++i) {
    BodyReader in((*inputs)[i], r.Item("inputs", i));
    WL_RETURN_IF_ERROR(in.Shape({"lot", "mass_g"}));
    WL_ASSIGN_OR_RETURN(std::string lot_id, in.Str("lot"));
    WL_ASSIGN_OR_RETURN(int64_t mass, in.Mass("mass_g", 1));
    const int64_t before = drawn.count(lot_id) ? drawn[lot_id] : 0;
    WL_RETURN_IF_ERROR(step.NeedOwnLot(lot_id, before + mass, in.Path("lot")).status());
    if (!drawn.count(lot_id)) order.push_back(lot_id);
    drawn[lot_id] = before + mass;
  }
  WL_ASSIGN_OR_RETURN(const Json* products, r.Array("products", false, false));
  for (size_t i = 0; products != nullptr && i < products->size(); ++i) {
    BodyReader p((*products)[i], r.Item("products", i));
    WL_RETURN_IF_ERROR(p.Shape({"name", "mass_g"}));
    WL_RETURN_IF_ERROR(p.Str("name").status());
    WL_RETURN_IF_ERROR(p.Mass("mass_g", 1).status());
  }
  Effect e = step.NewEffect();
  const std::string date = EventDate(step.time, step.ctx->timezone_minutes);
  for (const auto& id : order) {
    WL_ASSIGN_OR_RETURN(auto lot, step.txn->GetLot(id));
    WL_RETURN_IF_ERROR(step.txn->DrawLot(*lot, drawn[id], step.kind, date, step.seq));
    e.drawn.push_back({id, drawn[id]});
  }
  WL_ASSIGN_OR_RETURN(const Json* outputs, r.Array("outputs", false, false));
  for (size_t i = 0; outputs != nullptr && i < outputs->size(); ++i) {
    BodyReader o((*outputs)[i], r.Item("outputs", i));
    WL_RETURN_IF_ERROR(o.Shape({"waste", "mass_g", "lot"}));
    WL_ASSIGN_OR_RETURN(std::string code, o.Str("waste"));
    WL_ASSIGN_OR_RETURN(WasteCodeInfo waste, step.NeedWaste(code, o.Path("waste")));
    WL_ASSIGN_OR_RETURN(int64_t mass, o.Mass("mass_g", 1));
    WL_ASSIGN_OR_RETURN(auto given, o.OptStr("lot"));
    Lot lot;
    if (given) WL_RETURN_IF_ERROR(CheckId(*given, o.Path("lot"), true));
    lot.id = given ? *given : fmt::format("#{}/{}", step.seq, i + 1);
    WL_RETURN_IF_ERROR(step.NeedFreeLotId(lot.id));
    lot.owner = step.actor;
    lot.waste = waste.code;
    lot.mass_g = lot.remaining_g = mass;
    lot.hazardous = waste.kind == WasteKind::kHazardous;
    lot.source = {"output", step.seq, "", static_cast<int64_t>(i + 1)};
    lot.born = date;
    WL_RETURN_IF_ERROR(step.txn->CreateLot(lot, date));
    e.created.push_back(lot.id);
  }
  return step.txn->PutEffect(step.seq, e);
}

}  // namespace wasteledger::domain
