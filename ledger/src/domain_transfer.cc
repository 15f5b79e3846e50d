// generate, dispatch, pickup, handover.
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "domain_permit.h"
#include "domain_rules.h"
#include "wasteledger/manifest_number.h"
#include "wasteledger/mass.h"

namespace wasteledger::domain {

namespace {

// Hazard characteristics given as ["T","C"]: canonical "T,C".
Result<std::string> ReadHazards(const BodyReader& r, const char* f) {
  WL_ASSIGN_OR_RETURN(const Json* arr, r.Array(f, false, true));
  if (arr == nullptr) return std::string();
  std::string joined;
  for (const auto& h : *arr) {
    if (!h.is_string()) return r.Error(f, "must hold strings T, C, I, R or In");
    if (!joined.empty()) joined += ',';
    joined += h.get<std::string>();
  }
  auto set = ParseHazards(joined);
  if (!set.ok()) return r.Error(f, set.status().message());
  return set->ToString();
}

std::string Names(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : ", ") + id;
  return out.empty() ? "none" : out;
}

Result<Manifest> NeedOpenManifest(const Step& step, const BodyReader& r) {
  WL_ASSIGN_OR_RETURN(std::string number, r.Str("manifest"));
  WL_ASSIGN_OR_RETURN(auto m, step.txn->GetManifest(number));
  if (!m) return step.Refuse(fmt::format("no manifest {} has been dispatched", number));
  if (m->voided_by)
    return step.Refuse(fmt::format("manifest {} was voided at seq {}", number, *m->voided_by));
  if (m->receive_seq) {
    return step.Refuse(fmt::format("manifest {} was already received at seq {}", number, *m->receive_seq));
  }
  return std::move(*m);
}

}  // namespace

Status ApplyGenerate(const Step& step, const Json& body) {
  BodyReader r = step.Reader(body);
  WL_RETURN_IF_ERROR(r.Shape({"waste", "mass_g", "lot", "hazards", "form", "note"}));
  WL_RETURN_IF_ERROR(step.NeedParty(step.actor, "producer", "the actor").status());
  WL_ASSIGN_OR_RETURN(std::string code, r.Str("waste"));
  WL_ASSIGN_OR_RETURN(WasteCodeInfo waste, step.NeedWaste(code, r.Path("waste")));
  WL_ASSIGN_OR_RETURN(int64_t mass, r.Mass("mass_g", 1));
  WL_ASSIGN_OR_RETURN(auto given, r.OptStr("lot"));
  WL_ASSIGN_OR_RETURN(std::string hazards, ReadHazards(r, "hazards"));
  WL_RETURN_IF_ERROR(r.OptStr("form").status());
  WL_RETURN_IF_ERROR(r.OptStr("note").status());
  Lot lot;
  if (given) {
    WL_RETURN_IF_ERROR(CheckId(*given, r.Path("lot"), true));
    lot.id = *given;
  } else {
    lot.id = fmt::format("#{}", step.seq);
  }
  WL_RETURN_IF_ERROR(step.NeedFreeLotId(lot.id));
  lot.owner = step.actor;
  lot.waste = waste.code;
  lot.mass_g = lot.remaining_g = mass;
  lot.hazardous = waste.kind == WasteKind::kHazardous;
  lot.hazards = hazards;
  lot.source.kind = "generate";
  lot.source.seq = step.seq;
  lot.born = EventDate(step.time, step.ctx->timezone_minutes);
  WL_RETURN_IF_ERROR(step.txn->CreateLot(lot, lot.born));
  Effect e = step.NewEffect();
  e.created.push_back(lot.id);
  return step.txn->PutEffect(step.seq, e);
}

Status ApplyDispatch(const Step& step, const Json& body) {
  BodyReader r = step.Reader(body);
  WL_RETURN_IF_ERROR(r.Shape({"manifest", "to", "carriers", "lines"}));
  WL_RETURN_IF_ERROR(step.NeedParty(step.actor, "producer", "the actor").status());
  WL_ASSIGN_OR_RETURN(std::string number, r.Str("manifest"));
  auto parsed = ParseManifestNumber(number);
  if (!parsed.ok()) return r.Error("manifest", parsed.status().message());
  WL_ASSIGN_OR_RETURN(auto existing, step.txn->GetManifest(number));
  if (existing && existing->voided_by != step.seq) {
    return step.Refuse(
        fmt::format("manifest number {} is already used ({} at seq {}); a number is used once", number,
                    existing->imported ? "imported" : "dispatched", existing->dispatch_seq));
  }
  WL_ASSIGN_OR_RETURN(std::string to, r.Str("to"));
  WL_ASSIGN_OR_RETURN(const Party* receiver, step.NeedParty(to, "receiver", "the receiver"));
  Manifest m;
  m.number = number;
  m.producer = step.actor;
  m.receiver = to;
  WL_ASSIGN_OR_RETURN(const Json* carriers, r.Array("carriers", false, false));
  if (carriers != nullptr) {
    for (size_t i = 0; i < carriers->size(); ++i) {
      const Json& c = (*carriers)[i];
      if (!c.is_string()) return Status::InvalidArgument(r.Item("carriers", i) + " must be a party id");
      const std::string id = c.get<std::string>();
      WL_RETURN_IF_ERROR(step.NeedParty(id, "carrier", "carrier").status());
      if (std::find(m.carriers.begin(), m.carriers.end(), id) != m.carriers.end()) {
        return step.Refuse(fmt::format("carrier \"{}\" is named twice", id));
      }
      m.carriers.push_back(id);
    }
  }
  WL_ASSIGN_OR_RETURN(const Json* lines, r.Array("lines", true, true));
  const std::string date = EventDate(step.time, step.ctx->timezone_minutes);
  std::map<std::string, int64_t> drawn;  // lot -> grams, in first-use order below
  std::vector<std::string> order;
  std::map<std::string, CapacityUse> by_permit;  // permit number -> use
  std::map<std::string, std::optional<int64_t>> capacity;
  for (size_t i = 0; i < lines->size(); ++i) {
    BodyReader l((*lines)[i], r.Item("lines", i));
    WL_RETURN_IF_ERROR(l.Shape({"lot", "waste", "mass_g", "form", "packaging", "hazards"}));
    WL_ASSIGN_OR_RETURN(std::string lot_id, l.Str("lot"));
    WL_ASSIGN_OR_RETURN(std::string code, l.Str("waste"));
    WL_ASSIGN_OR_RETURN(int64_t mass, l.Mass("mass_g", 1));
    WL_RETURN_IF_ERROR(l.OptStr("form").status());
    WL_RETURN_IF_ERROR(l.OptStr("packaging").status());
    WL_RETURN_IF_ERROR(ReadHazards(l, "hazards").status());
    WL_ASSIGN_OR_RETURN(WasteCodeInfo waste, step.NeedWaste(code, l.Path("waste")));
    const int64_t before = drawn.count(lot_id) ? drawn[lot_id] : 0;
    WL_ASSIGN_OR_RETURN(Lot lot, step.NeedOwnLot(lot_id, before + mass, l.Path("lot")));
    if (lot.waste != waste.code) {
      return step.Refuse(fmt::format("line {}: waste {} differs from lot \"{}\"'s code {}", i + 1, waste.code,
                                     lot_id, lot.waste));
    }
    if (!drawn.count(lot_id)) order.push_back(lot_id);
    drawn[lot_id] = before + mass;
    auto permit = FindPermit(*receiver, waste, date, {"utilize", "dispose", "store", "collect"});
    if (!permit) {
      return step.Refuse(
          fmt::format("line {}: receiver \"{}\" holds no permit valid on {} to utilize, dispose, store or "
                      "collect {} ({})",
                      i + 1, to, date, waste.code, waste.category));
    }
    auto& use = by_permit[permit->number];
    use.receiver = to;
    use.permit = permit->number;
    use.year = std::stoi(date.substr(0, 4));
    use.mass_g += mass;
    capacity[permit->number] = permit->capacity_g;
    m.lines.push_back({lot_id, waste.code, mass, 0, 0, "", "", std::nullopt});
  }
  Effect e = step.NewEffect();
  for (const auto& id : order) {
    WL_ASSIGN_OR_RETURN(auto lot, step.txn->GetLot(id));
    WL_RETURN_IF_ERROR(step.txn->DrawLot(*lot, drawn[id], step.kind, date, step.seq));
    e.drawn.push_back({id, drawn[id]});
  }
  for (const auto& line : m.lines) {
    step.txn->AddFlow(kPairFlows, PairDims(step.actor, to, line.waste), date, kPairDispatched, line.mass_g);
  }
  for (const auto& [number_p, use] : by_permit) {
    WL_ASSIGN_OR_RETURN(int64_t total, step.txn->AddGrams(CapacityKey(to, use.permit, use.year), use.mass_g));
    const auto& cap = capacity[number_p];
    if (cap && total > *cap) {
      step.Warn(
          fmt::format("annual capacity exceeded: receiver \"{}\" permit {} allows {} a year; {} dispatched "
                      "to it in {} with manifest {}",
                      to, use.permit, FormatMass(*cap), FormatMass(total), use.year, number));
    }
    e.capacity.push_back(use);
  }
  // A number is the year, province and city of the transfer, then a serial
  // (docs/CODES.md): one that says otherwise is kept, as the number the
  // provincial system gave, but said.
  if (std::to_string(parsed->year) != date.substr(0, 4)) {
    step.Warn(fmt::format("manifest {} is numbered for {}, but the dispatch is dated {}", number, parsed->year,
                          date));
  }
  if (const Party* producer = step.ctx->find_party(step.actor); producer != nullptr) {
    const std::string& uscc = producer->uscc;
    const bool division = uscc.size() >= 6 && std::all_of(uscc.begin() + 2, uscc.begin() + 6, [](char ch) {
      return ch >= '0' && ch <= '9';
    });
    const std::string region = number.substr(4, 4);
    if (division && uscc.substr(2, 4) != region) {
      step.Warn(fmt::format("manifest {} is numbered for province and city {}, but producer \"{}\" is "
                            "registered in {} (its USCC {})",
                            number, region, step.actor, uscc.substr(2, 4), uscc));
    }
  }
  m.custody.push_back({step.actor, step.seq});
  m.status = "dispatched";
  m.dispatch_seq = step.seq;
  WL_RETURN_IF_ERROR(step.txn->PutManifest(m));
  WL_RETURN_IF_ERROR(step.txn->RaiseSerial(parsed->year, parsed->province, parsed->city, parsed->serial));
  e.manifest = number;
  return step.txn->PutEffect(step.seq, e);
}

Status ApplyPickup(const Step& step, const Json& body) {
  BodyReader r = step.Reader(body);
  WL_RETURN_IF_ERROR(r.Shape({"manifest"}));
  WL_ASSIGN_OR_RETURN(Manifest m, NeedOpenManifest(step, r));
  if (std::find(m.carriers.begin(), m.carriers.end(), step.actor) == m.carriers.end()) {
    return step.Refuse(
        fmt::format("only a carrier named on manifest {} picks it up; \"{}\" is not (carriers: {})", m.number,
                    step.actor, Names(m.carriers)));
  }
  if (m.custody.size() > 1) {
    return step.Refuse(fmt::format(
        "manifest {} was already picked up; carrier \"{}\" holds it (use handover)", m.number, m.holder()));
  }
  WL_RETURN_IF_ERROR(step.NotBefore(m.custody.back().seq,
                                    fmt::format("\"{}\" dispatched manifest {}", m.producer, m.number)));
  m.custody.push_back({step.actor, step.seq});
  m.status = "in_transit";
  WL_RETURN_IF_ERROR(step.txn->PutManifest(m));
  Effect e = step.NewEffect();
  e.manifest = m.number;
  return step.txn->PutEffect(step.seq, e);
}

Status ApplyHandover(const Step& step, const Json& body) {
  BodyReader r = step.Reader(body);
  WL_RETURN_IF_ERROR(r.Shape({"manifest", "to"}));
  WL_ASSIGN_OR_RETURN(Manifest m, NeedOpenManifest(step, r));
  WL_ASSIGN_OR_RETURN(std::string to, r.Str("to"));
  if (m.custody.size() < 2 || m.holder() != step.actor) {
    return step.Refuse(
        fmt::format("only the carrier holding manifest {} hands it over; \"{}\" holds it, not \"{}\"",
                    m.number, m.holder(), step.actor));
  }
  if (to == step.actor || std::find(m.carriers.begin(), m.carriers.end(), to) == m.carriers.end()) {
    return step.Refuse(
        fmt::format("manifest {} is handed over to another carrier named on it; \"{}\" is not "
                    "(carriers: {})",
                    m.number, to, Names(m.carriers)));
  }
  WL_RETURN_IF_ERROR(
      step.NotBefore(m.custody.back().seq, fmt::format("\"{}\" took manifest {}", m.holder(), m.number)));
  m.custody.push_back({to, step.seq});
  WL_RETURN_IF_ERROR(step.txn->PutManifest(m));
  Effect e = step.NewEffect();
  e.manifest = m.number;
  return step.txn->PutEffect(step.seq, e);
}

}  // namespace wasteledger::domain
