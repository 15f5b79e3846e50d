// DomainState: routes each statement to its rules (domain_rules.h).
#include "wasteledger/domain_state.h"

#include <fmt/format.h>

#include "domain_permit.h"
#include "domain_rules.h"
#include "wasteledger/mass.h"

namespace wasteledger {

namespace domain {

void Step::Warn(const std::string& what) const { warnings->push_back(fmt::format("seq {}: {}", seq, what)); }

Result<const Party*> Step::NeedParty(const std::string& id, std::string_view role,
                                     std::string_view as) const {
  const Party* p = ctx->find_party(id);
  if (p == nullptr) return Refuse(fmt::format("{} \"{}\" is not a registered party", as, id));
  if (!p->HasRole(role)) return Refuse(fmt::format("{} \"{}\" does not have the {} role", as, id, role));
  return p;
}

Result<WasteCodeInfo> Step::NeedWaste(const std::string& code, const std::string& path) const {
  WasteCodeInfo info = catalogue->Classify(code);
  if (info.kind == WasteKind::kMalformed) {
    return Status::InvalidArgument(fmt::format("{}: {}", path, info.message));
  }
  if (info.code != code) {
    return Status::InvalidArgument(
        fmt::format("{}: waste code \"{}\" is not in normal form (write {})", path, code, info.code));
  }
  if (!info.known) Warn(info.message);
  return info;
}

Status Step::NeedFreeLotId(const std::string& id) const {
  WL_ASSIGN_OR_RETURN(auto lot, txn->GetLot(id));
  if (lot && lot->voided_by != seq) {
    return Refuse(fmt::format("lot id \"{}\" is already used (made at seq {}); a lot id is used once", id,
                              lot->source.seq));
  }
  return Status::Ok();
}

Result<Lot> Step::NeedOwnLot(const std::string& id, int64_t draw_g, const std::string& path) const {
  WL_ASSIGN_OR_RETURN(auto lot, txn->GetLot(id));
  if (!lot) return Status::Refused(fmt::format("{}: no lot \"{}\"", path, id));
  if (lot->voided_by)
    return Status::Refused(fmt::format("{}: lot \"{}\" was voided at seq {}", path, id, *lot->voided_by));
  if (lot->owner != actor) {
    return Status::Refused(
        fmt::format("{}: lot \"{}\" is held by \"{}\", not by \"{}\" (only the holder draws on a lot)", path,
                    id, lot->owner, actor));
  }
  if (draw_g > lot->remaining_g) {
    return Status::Refused(
        fmt::format("{}: lot \"{}\" holds {} g but {} g are drawn from it (a lot never goes below zero)",
                    path, id, lot->remaining_g, draw_g));
  }
  // An import pool holds its year's legacy mass: not drawn on before that year.
  if (lot->source.kind == "import") {
    const std::string year = lot->id.substr(lot->id.rfind('/') + 1);
    const std::string day = EventDate(time, ctx->timezone_minutes);
    if (day.substr(0, 4) < year) {
      return Status::Refused(
          fmt::format("{}: lot \"{}\" holds imported mass of {}; an entry dated {} does not draw on it", path,
                      id, year, day));
    }
  } else {
    WL_RETURN_IF_ERROR(NotBefore(lot->source.seq, fmt::format("lot \"{}\" was made", id), path));
  }
  return std::move(*lot);
}

Status Step::NotBefore(uint64_t at, const std::string& what, const std::string& path) const {
  WL_ASSIGN_OR_RETURN(auto effect, txn->GetEffect(at));
  if (!effect) return Status::Ok();
  auto then = ParseRfc3339(effect->time);
  if (!then.ok()) return Status::Corruption("domain index: effect time: " + then.status().message());
  if (time.unix_seconds >= then->unix_seconds) return Status::Ok();
  const std::string rule = fmt::format(
      "{} at {} (seq {}), after this entry's time {}; an entry's time is not before what it follows", what,
      effect->time, at, time_text);
  return path.empty() ? Refuse(rule) : Status::Refused(path + ": " + rule);
}

Effect Step::NewEffect() const {
  Effect e;
  e.kind = kind;
  e.actor = actor;
  e.time = time_text;
  e.corrects = corrects;
  return e;
}

Status ApplyLifecycle(const Step& step, const Json& body) {
  if (step.kind == "generate") return ApplyGenerate(step, body);
  if (step.kind == "dispatch") return ApplyDispatch(step, body);
  if (step.kind == "pickup") return ApplyPickup(step, body);
  if (step.kind == "handover") return ApplyHandover(step, body);
  if (step.kind == "receive") return ApplyReceive(step, body);
  if (step.kind == "utilize" || step.kind == "dispose") return ApplyProcess(step, body);
  if (step.kind == "import") return ApplyImport(step, body);
  return Status::Corruption(fmt::format("\"{}\" is not a lifecycle kind", step.kind));
}

}  // namespace domain

namespace {

bool IsDomainKind(std::string_view kind) {
  for (std::string_view k :
       {"generate", "dispatch", "pickup", "handover", "receive", "utilize", "dispose", "correct", "void", "import"}) {
    if (kind == k) return true;
  }
  return false;
}

}  // namespace

DomainState::DomainState(WasteCatalogue catalogue)
    : catalogue_(std::move(catalogue)),
      aggregates_(std::make_unique<domain::AggregateBuffer>()),
      lots_(std::make_unique<domain::LotCache>()) {}
DomainState::~DomainState() = default;

Status DomainState::Apply(uint64_t seq, const Statement& st, std::optional<uint64_t> /*seal_by*/,
                          const ApplyContext& ctx, BatchAccess& batch) {
  if (!in_batch_) {
    warnings_.clear();
    in_batch_ = true;
  }
  if (st.kind == "party") return domain::CheckPermits(st.json["body"]);
  if (!IsDomainKind(st.kind)) return Status::Ok();
  if (st.time.unix_seconds > ctx.logged_unix_seconds + kMaxFutureSkewSeconds) {
    return Status::Refused(fmt::format("{}: event time {} is more than {} minutes after the logged time {}",
                                       st.kind, st.json["time"].get<std::string>(),
                                       kMaxFutureSkewSeconds / 60, FormatUtc(ctx.logged_unix_seconds)));
  }
  if (st.kind != "import" && domain::EventDate(st.time, ctx.timezone_minutes) < kEarliestEventDate) {
    return Status::Refused(fmt::format("{}: event time {} is before {}, the earliest date an entry may carry",
                                       st.kind, st.json["time"].get<std::string>(), kEarliestEventDate));
  }
  domain::DomainTxn txn(batch, aggregates_.get(), lots_.get());
  domain::Step step;
  step.seq = seq;
  step.kind = st.kind;
  step.actor = st.actor;
  step.time = st.time;
  step.time_text = st.json["time"].get<std::string>();
  step.where = "body";
  step.statement_jcs = st.jcs;
  step.precomputed = st.precomputed;
  step.ctx = &ctx;
  step.txn = &txn;
  step.catalogue = &catalogue_;
  step.warnings = &warnings_;
  step.schemas = schemas_;
  const Json& body = st.json["body"];
  if (st.kind == "correct" || st.kind == "void") return domain::ApplyVoidOrCorrect(step, body);
  return domain::ApplyLifecycle(step, body);
}

void DomainState::Precompute(Statement& st) const {
  if (st.kind != "import") return;
  auto record = domain::ImportRecordHashOfStatement(st.jcs);
  if (record.ok()) st.precomputed = *record;  // else Apply finds out why, and says so
}

// An import reads whether its record is held and, for a manifest line, the
// manifest: in a large import nearly all of them are not there, and a miss
// read alone costs a probe of every table's filter.
void DomainState::KeysToRead(const Statement& st, std::vector<std::string>& keys) const {
  if (st.kind != "import") return;
  if (st.precomputed) keys.push_back(domain::ImportedKey(*st.precomputed));
  if (!st.json.is_object()) return;
  auto body = st.json.find("body");
  if (body == st.json.end() || !body->is_object()) return;
  auto number = body->find("manifest");
  if (number != body->end() && number->is_string()) keys.push_back(domain::ManifestKey(number->get<std::string>()));
}

Status DomainState::Finish(BatchAccess& batch) {
  WL_RETURN_IF_ERROR(lots_->Flush(batch));
  return aggregates_->Flush(batch);
}

void DomainState::Commit() {
  aggregates_->Clear();
  lots_->Clear();
  in_batch_ = false;
}
void DomainState::Abort() {
  aggregates_->Clear();
  lots_->Clear();
  in_batch_ = false;
}

}  // namespace wasteledger
