// void and correct: compensating entries. The original entry stays in the
// log; its effect record is marked voided and its effect on lots, stock,
// manifests and permit capacity is reversed. A correct then applies its
// replacement body as the original kind, actor and event time, at its own seq.
#include <fmt/format.h>

#include "domain_permit.h"
#include "domain_rules.h"
#include "wasteledger/schema_validator.h"

namespace wasteledger::domain {

namespace {

// Undoes what the entry at `target` (of event date `day`) did to its manifest.
Status ReverseManifest(const Step& step, uint64_t target, const Effect& effect, const std::string& day) {
  if (effect.manifest.empty()) return Status::Ok();
  WL_ASSIGN_OR_RETURN(auto found, step.txn->GetManifest(effect.manifest));
  if (!found) return Status::Corruption(fmt::format("domain index: manifest {} is missing", effect.manifest));
  Manifest m = std::move(*found);
  const auto later = [&](std::string_view what, uint64_t at) {
    return step.Refuse(
        fmt::format("seq {} cannot be undone: manifest {} has a later {} at seq {}; undo that first", target,
                    m.number, what, at));
  };
  if (effect.kind == "receive") {
    CountSettlement(*step.txn, m, day, -1);
    for (auto& line : m.lines) line = {line.lot, line.waste, line.mass_g, 0, 0, "", "", line.seq};
    m.receive_seq.reset();
    m.reject.clear();
  } else {
    if (m.receive_seq) return later("receive", *m.receive_seq);
    if (m.custody.back().seq != target) return later("custody step", m.custody.back().seq);
    if (effect.kind == "dispatch") {
      m.voided_by = step.seq;
      for (const auto& line : m.lines) {
        step.txn->AddFlow(kPairFlows, PairDims(m.producer, m.receiver, line.waste), day, kPairDispatched,
                          -line.mass_g);
      }
    } else {
      m.custody.pop_back();
    }
  }
  m.status = m.voided_by ? "voided" : (m.custody.size() > 1 ? "in_transit" : "dispatched");
  return step.txn->PutManifest(m);
}

Status Reverse(const Step& step, uint64_t target, Effect& effect) {
  auto time = ParseRfc3339(effect.time);
  if (!time.ok()) return Status::Corruption("domain index: effect time: " + time.status().message());
  const std::string day = EventDate(*time, step.ctx->timezone_minutes);
  for (const auto& id : effect.created) {
    WL_ASSIGN_OR_RETURN(auto lot, step.txn->GetLot(id));
    if (!lot || lot->voided_by) {
      return Status::Corruption(
          fmt::format("domain index: lot \"{}\" made at seq {} is missing", id, target));
    }
    if (lot->remaining_g != lot->mass_g) {
      return step.Refuse(
          fmt::format("seq {} cannot be undone: lot \"{}\" it made has been drawn on ({} of {} g "
                      "left); undo what drew on it first",
                      target, id, lot->remaining_g, lot->mass_g));
    }
  }
  WL_RETURN_IF_ERROR(ReverseManifest(step, target, effect, day));
  for (const auto& id : effect.created) {
    WL_ASSIGN_OR_RETURN(auto lot, step.txn->GetLot(id));
    WL_RETURN_IF_ERROR(step.txn->VoidLot(*lot, step.seq, day));
  }
  for (const auto& d : effect.drawn) {
    WL_ASSIGN_OR_RETURN(auto lot, step.txn->GetLot(d.lot));
    if (!lot || lot->voided_by || lot->remaining_g + d.mass_g > lot->mass_g) {
      return Status::Corruption(
          fmt::format("domain index: lot \"{}\" drawn at seq {} is inconsistent", d.lot, target));
    }
    WL_RETURN_IF_ERROR(step.txn->UndrawLot(*lot, d.mass_g, effect.kind, day, target));
  }
  for (const auto& c : effect.capacity) {
    WL_RETURN_IF_ERROR(step.txn->AddGrams(CapacityKey(c.receiver, c.permit, c.year), -c.mass_g).status());
  }
  effect.voided_by = step.seq;
  return step.txn->PutEffect(target, effect);
}

}  // namespace

Status ApplyVoidOrCorrect(const Step& step, const Json& body) {
  const bool correct = step.kind == "correct";
  BodyReader r = step.Reader(body);
  if (correct) {
    WL_RETURN_IF_ERROR(r.Shape({"seq", "reason", "body"}));
  } else {
    WL_RETURN_IF_ERROR(r.Shape({"seq", "reason"}));
  }
  WL_ASSIGN_OR_RETURN(int64_t target_i, r.Int("seq", 0, INT64_MAX));
  WL_RETURN_IF_ERROR(r.Str("reason").status());
  const auto target = static_cast<uint64_t>(target_i);
  if (target >= step.seq) return step.Refuse(fmt::format("seq {} is not an earlier entry", target));
  WL_ASSIGN_OR_RETURN(auto found, step.txn->GetEffect(target));
  if (!found) {
    return step.Refuse(
        fmt::format("seq {} is not a lifecycle entry (generate, dispatch, pickup, handover, "
                    "receive, utilize, dispose or a correction)",
                    target));
  }
  Effect effect = std::move(*found);
  if (effect.voided_by) {
    return step.Refuse(
        fmt::format("seq {} was already voided or corrected by seq {}", target, *effect.voided_by));
  }
  if (step.actor != effect.actor) {
    const Party* who = step.ctx->find_party(step.actor);
    if (who == nullptr || !who->HasRole("regulator")) {
      return step.Refuse(
          fmt::format("only the original actor (\"{}\") or a regulator undoes seq {}; \"{}\" is neither",
                      effect.actor, target, step.actor));
    }
  }
  if (effect.kind == "import") {
    if (correct) {
      return step.Refuse(fmt::format(
          "seq {} is an imported legacy record: it is not corrected; void it and import the right record "
          "(docs/IMPORT.md)",
          target));
    }
    return ReverseImport(step, target, effect);
  }
  const std::string context = fmt::format("correct of seq {}", target);
  if (correct) {
    if (!body.contains("body") || !body["body"].is_object()) return r.Error("body", "must be an object");
    if (step.schemas != nullptr) {
      WL_RETURN_IF_ERROR(
          step.schemas->ValidateBody(effect.kind, body["body"], step.where + ".body").WithContext(context));
    }
  }
  WL_RETURN_IF_ERROR(Reverse(step, target, effect));
  if (!correct) return Status::Ok();
  Step replacement = step;
  replacement.kind = effect.kind;
  replacement.actor = effect.actor;
  replacement.time_text = effect.time;
  auto time = ParseRfc3339(effect.time);
  if (!time.ok()) return Status::Corruption("domain index: effect time: " + time.status().message());
  replacement.time = *time;
  replacement.where = step.where + ".body";
  replacement.corrects = target;
  return ApplyLifecycle(replacement, body["body"]).WithContext(context);
}

}  // namespace wasteledger::domain
