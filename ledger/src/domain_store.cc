// Encoding of the domain's records and keys (grammar in domain_store.h).
#include "domain_store.h"

#include <fmt/format.h>

#include "store.h"
#include "wasteledger/mass.h"

namespace wasteledger::domain {

namespace {

std::string Key(char tag, std::string_view a) {
  std::string k = {'X', tag};
  k.append(a);
  return k;
}

std::string Key(char tag, std::string_view a, std::string_view b) {
  std::string k = Key(tag, a);
  k.push_back('\0');
  k.append(b);
  return k;
}

Status Bad(std::string_view what, std::string_view field) {
  return Status::Corruption(fmt::format("domain index: {} record has a bad \"{}\"", what, field));
}

// Field readers for stored records: a missing or mistyped field is
// corruption of the index, not a user error.
class Reader {
 public:
  Reader(const Json& j, std::string_view what) : j_(j), what_(what) {}
  Result<std::string> Str(const char* f, bool optional = false) const {
    auto it = j_.find(f);
    if (it == j_.end() && optional) return std::string();
    if (it == j_.end() || !it->is_string()) return Bad(what_, f);
    return it->get<std::string>();
  }
  Result<int64_t> Int(const char* f, bool optional = false) const {
    auto it = j_.find(f);
    if (it == j_.end() && optional) return int64_t{0};
    if (it == j_.end() || !it->is_number_integer()) return Bad(what_, f);
    return it->get<int64_t>();
  }
  Result<std::optional<uint64_t>> OptSeq(const char* f) const {
    auto it = j_.find(f);
    if (it == j_.end()) return std::optional<uint64_t>();
    if (!it->is_number_integer() || it->get<int64_t>() < 0) return Bad(what_, f);
    return std::optional<uint64_t>(it->get<uint64_t>());
  }
  Result<const Json*> Arr(const char* f) const {
    static const Json kEmpty = Json::array();
    auto it = j_.find(f);
    if (it == j_.end()) return &kEmpty;
    if (!it->is_array()) return Bad(what_, f);
    return &*it;
  }

 private:
  const Json& j_;
  std::string_view what_;
};

Result<Json> ParseRecord(std::string_view bytes, std::string_view what) {
  auto j = ParseStrictJson(bytes);
  if (!j.ok() || !j->is_object()) {
    return Status::Corruption(fmt::format("domain index: {} record is not a JSON object", what));
  }
  return std::move(*j);
}

void PutOpt(Json& j, const char* f, const std::optional<uint64_t>& v) {
  if (v) j[f] = *v;
}
void PutOpt(Json& j, const char* f, const std::string& v) {
  if (!v.empty()) j[f] = v;
}

}  // namespace

std::string LotKey(std::string_view id) { return Key('L', id); }
std::string OwnerLotKey(std::string_view owner, std::string_view id) { return Key('O', owner, id); }
std::string StockKey(std::string_view owner, std::string_view waste) { return Key('S', owner, waste); }
std::string ManifestKey(std::string_view number) { return Key('M', number); }
std::string SerialKey(int year, int province, int city) {
  return Key('N', fmt::format("{:04d}{:02d}{:02d}", year, province, city));
}
std::string CapacityKey(std::string_view receiver, std::string_view permit, int year) {
  return Key('C', receiver, std::string(permit) + '\0' + fmt::format("{:04d}", year));
}
std::string EffectKey(uint64_t seq) { return Key('E', EncodeU64(seq)); }
std::string DrawKey(std::string_view lot, uint64_t seq) { return Key('D', lot, EncodeU64(seq)); }
std::string PoolYearsKey(std::string_view party, std::string_view waste) { return Key('P', party, waste); }
std::string ImportedKey(const Hash& record) { return Key('I', AsBytes(record)); }
std::string LiveDrawnKey(std::string_view pool) { return Key('W', pool); }

std::string EncodeGrams(int64_t grams) { return EncodeU64(static_cast<uint64_t>(grams)); }

Result<int64_t> DecodeGrams(std::string_view bytes) {
  // Two's complement: only an imported deficit (domain_import.cc) makes a
  // counter negative.
  auto v = DecodeU64(bytes);
  if (!v) return Status::Corruption("domain index: a mass counter is not 8 bytes");
  return static_cast<int64_t>(*v);
}

namespace {

// A record's JCS written directly, member by member in JCS order (the
// caller's job): each call appends `key` (the member's name with its
// punctuation) and the value as Canonicalize writes it. Take() is nullopt
// when a value is one only the tree path can refuse with a message
// (invalid UTF-8, an integer beyond 2^53-1): the caller falls back to it.
class DirectJcs {
 public:
  explicit DirectJcs(size_t reserve) { out_.reserve(reserve); }
  void Raw(std::string_view text) { out_ += text; }
  void Str(std::string_view key, std::string_view value) {
    out_ += key;
    ok_ = AppendCanonicalString(out_, value) && ok_;
  }
  void Int(std::string_view key, int64_t value) {
    out_ += key;
    ok_ = AppendCanonicalInteger(out_, value) && ok_;
  }
  void Seq(std::string_view key, uint64_t value) {
    ok_ = value <= static_cast<uint64_t>(kMaxSafeInteger) && ok_;
    Int(key, static_cast<int64_t>(value & static_cast<uint64_t>(kMaxSafeInteger)));
  }
  std::optional<std::string> Take() {
    if (!ok_) return std::nullopt;
    return std::move(out_);
  }

 private:
  std::string out_;
  bool ok_ = true;
};

// Lot records, members in JCS order (born, hazardous, hazards, id, mass_g,
// owner, remaining_g, source{kind, line, manifest, seq}, voided_by, waste):
// the bytes EncodeLotTree gives, which tests/ledger/domain_store_test.cc
// checks.
std::optional<std::string> WriteLot(const Lot& lot) {
  DirectJcs w(160 + lot.id.size() + lot.owner.size() + lot.source.manifest.size());
  w.Raw("{");
  if (!lot.born.empty()) {
    w.Str("\"born\":", lot.born);
    w.Raw(",");
  }
  w.Raw(lot.hazardous ? "\"hazardous\":true" : "\"hazardous\":false");
  if (!lot.hazards.empty()) w.Str(",\"hazards\":", lot.hazards);
  w.Str(",\"id\":", lot.id);
  w.Int(",\"mass_g\":", lot.mass_g);
  w.Str(",\"owner\":", lot.owner);
  w.Int(",\"remaining_g\":", lot.remaining_g);
  w.Str(",\"source\":{\"kind\":", lot.source.kind);
  if (lot.source.line > 0) w.Int(",\"line\":", lot.source.line);
  if (!lot.source.manifest.empty()) w.Str(",\"manifest\":", lot.source.manifest);
  w.Seq(",\"seq\":", lot.source.seq);
  w.Raw("}");
  if (lot.voided_by) w.Seq(",\"voided_by\":", *lot.voided_by);
  w.Str(",\"waste\":", lot.waste);
  w.Raw("}");
  return w.Take();
}

// Manifest records, members in JCS order (carriers, custody[{holder, seq}],
// dispatch_seq, imported, lines[{lot, mass_g, reason, received_g,
// received_waste, refused_g, seq, waste}], number, producer, receive_seq,
// receiver, reject, status, voided_by): the bytes EncodeManifestTree gives.
std::optional<std::string> WriteManifest(const Manifest& m) {
  DirectJcs w(256 + 96 * m.lines.size() + 48 * m.custody.size());
  w.Raw("{\"carriers\":[");
  for (size_t i = 0; i < m.carriers.size(); ++i) w.Str(i == 0 ? "" : ",", m.carriers[i]);
  w.Raw("],\"custody\":[");
  for (size_t i = 0; i < m.custody.size(); ++i) {
    w.Str(i == 0 ? "{\"holder\":" : ",{\"holder\":", m.custody[i].holder);
    w.Seq(",\"seq\":", m.custody[i].seq);
    w.Raw("}");
  }
  w.Seq("],\"dispatch_seq\":", m.dispatch_seq);
  if (m.imported) w.Raw(",\"imported\":true");
  w.Raw(",\"lines\":[");
  for (size_t i = 0; i < m.lines.size(); ++i) {
    const ManifestLine& l = m.lines[i];
    w.Str(i == 0 ? "{\"lot\":" : ",{\"lot\":", l.lot);
    w.Int(",\"mass_g\":", l.mass_g);
    if (!l.reason.empty()) w.Str(",\"reason\":", l.reason);
    if (m.receive_seq) w.Int(",\"received_g\":", l.received_g);
    if (!l.received_waste.empty()) w.Str(",\"received_waste\":", l.received_waste);
    if (m.receive_seq) w.Int(",\"refused_g\":", l.refused_g);
    if (l.seq) w.Seq(",\"seq\":", *l.seq);
    w.Str(",\"waste\":", l.waste);
    w.Raw("}");
  }
  w.Str("],\"number\":", m.number);
  w.Str(",\"producer\":", m.producer);
  if (m.receive_seq) w.Seq(",\"receive_seq\":", *m.receive_seq);
  w.Str(",\"receiver\":", m.receiver);
  if (!m.reject.empty()) w.Str(",\"reject\":", m.reject);
  w.Str(",\"status\":", m.status);
  if (m.voided_by) w.Seq(",\"voided_by\":", *m.voided_by);
  w.Raw("}");
  return w.Take();
}

// Effect records, members in JCS order (actor, capacity[{mass_g, permit,
// receiver, year}], corrects, created, drawn[{lot, mass_g}], kind,
// manifest, time, voided_by): the bytes EncodeEffectTree gives.
std::optional<std::string> WriteEffect(const Effect& e) {
  DirectJcs w(160 + 48 * (e.created.size() + e.drawn.size() + e.capacity.size()));
  w.Str("{\"actor\":", e.actor);
  if (!e.capacity.empty()) {
    w.Raw(",\"capacity\":[");
    for (size_t i = 0; i < e.capacity.size(); ++i) {
      const CapacityUse& c = e.capacity[i];
      w.Int(i == 0 ? "{\"mass_g\":" : ",{\"mass_g\":", c.mass_g);
      w.Str(",\"permit\":", c.permit);
      w.Str(",\"receiver\":", c.receiver);
      w.Int(",\"year\":", c.year);
      w.Raw("}");
    }
    w.Raw("]");
  }
  if (e.corrects) w.Seq(",\"corrects\":", *e.corrects);
  if (!e.created.empty()) {
    w.Raw(",\"created\":[");
    for (size_t i = 0; i < e.created.size(); ++i) w.Str(i == 0 ? "" : ",", e.created[i]);
    w.Raw("]");
  }
  if (!e.drawn.empty()) {
    w.Raw(",\"drawn\":[");
    for (size_t i = 0; i < e.drawn.size(); ++i) {
      w.Str(i == 0 ? "{\"lot\":" : ",{\"lot\":", e.drawn[i].lot);
      w.Int(",\"mass_g\":", e.drawn[i].mass_g);
      w.Raw("}");
    }
    w.Raw("]");
  }
  w.Str(",\"kind\":", e.kind);
  if (!e.manifest.empty()) w.Str(",\"manifest\":", e.manifest);
  w.Str(",\"time\":", e.time);
  if (e.voided_by) w.Seq(",\"voided_by\":", *e.voided_by);
  w.Raw("}");
  return w.Take();
}

}  // namespace

Result<std::string> EncodeLot(const Lot& lot) {
  if (auto bytes = WriteLot(lot)) return std::move(*bytes);
  return EncodeLotTree(lot);
}

Result<std::string> EncodeLotTree(const Lot& lot) {
  Json source = {{"kind", lot.source.kind}, {"seq", lot.source.seq}};
  PutOpt(source, "manifest", lot.source.manifest);
  if (lot.source.line > 0) source["line"] = lot.source.line;
  Json j = {{"id", lot.id},
            {"owner", lot.owner},
            {"waste", lot.waste},
            {"mass_g", lot.mass_g},
            {"remaining_g", lot.remaining_g},
            {"hazardous", lot.hazardous},
            {"source", source}};
  PutOpt(j, "hazards", lot.hazards);
  PutOpt(j, "born", lot.born);
  PutOpt(j, "voided_by", lot.voided_by);
  return Canonicalize(j);
}

Result<Lot> DecodeLot(std::string_view bytes) {
  WL_ASSIGN_OR_RETURN(Json j, ParseRecord(bytes, "lot"));
  Reader r(j, "lot");
  Lot lot;
  WL_ASSIGN_OR_RETURN(lot.id, r.Str("id"));
  WL_ASSIGN_OR_RETURN(lot.owner, r.Str("owner"));
  WL_ASSIGN_OR_RETURN(lot.waste, r.Str("waste"));
  WL_ASSIGN_OR_RETURN(lot.mass_g, r.Int("mass_g"));
  WL_ASSIGN_OR_RETURN(lot.remaining_g, r.Int("remaining_g"));
  WL_ASSIGN_OR_RETURN(lot.hazards, r.Str("hazards", true));
  WL_ASSIGN_OR_RETURN(lot.born, r.Str("born", true));
  WL_ASSIGN_OR_RETURN(lot.voided_by, r.OptSeq("voided_by"));
  if (!j.contains("hazardous") || !j["hazardous"].is_boolean()) return Bad("lot", "hazardous");
  lot.hazardous = j["hazardous"].get<bool>();
  if (!j.contains("source") || !j["source"].is_object()) return Bad("lot", "source");
  Reader s(j["source"], "lot source");
  WL_ASSIGN_OR_RETURN(lot.source.kind, s.Str("kind"));
  WL_ASSIGN_OR_RETURN(int64_t seq, s.Int("seq"));
  lot.source.seq = static_cast<uint64_t>(seq);
  WL_ASSIGN_OR_RETURN(lot.source.manifest, s.Str("manifest", true));
  WL_ASSIGN_OR_RETURN(lot.source.line, s.Int("line", true));
  return lot;
}

Result<std::string> EncodeManifest(const Manifest& m) {
  if (auto bytes = WriteManifest(m)) return std::move(*bytes);
  return EncodeManifestTree(m);
}

Result<std::string> EncodeManifestTree(const Manifest& m) {
  Json lines = Json::array();
  for (const auto& l : m.lines) {
    Json line = {{"lot", l.lot}, {"waste", l.waste}, {"mass_g", l.mass_g}};
    if (m.receive_seq) {
      line["received_g"] = l.received_g;
      line["refused_g"] = l.refused_g;
    }
    PutOpt(line, "received_waste", l.received_waste);
    PutOpt(line, "reason", l.reason);
    PutOpt(line, "seq", l.seq);
    lines.push_back(std::move(line));
  }
  Json custody = Json::array();
  for (const auto& c : m.custody) custody.push_back({{"holder", c.holder}, {"seq", c.seq}});
  Json j = {{"number", m.number},     {"producer", m.producer},
            {"receiver", m.receiver}, {"carriers", m.carriers},
            {"lines", lines},         {"custody", custody},
            {"status", m.status},     {"dispatch_seq", m.dispatch_seq}};
  PutOpt(j, "receive_seq", m.receive_seq);
  if (m.imported) j["imported"] = true;
  PutOpt(j, "reject", m.reject);
  PutOpt(j, "voided_by", m.voided_by);
  return Canonicalize(j);
}

Result<Manifest> DecodeManifest(std::string_view bytes) {
  WL_ASSIGN_OR_RETURN(Json j, ParseRecord(bytes, "manifest"));
  Reader r(j, "manifest");
  Manifest m;
  WL_ASSIGN_OR_RETURN(m.number, r.Str("number"));
  WL_ASSIGN_OR_RETURN(m.producer, r.Str("producer"));
  WL_ASSIGN_OR_RETURN(m.receiver, r.Str("receiver"));
  WL_ASSIGN_OR_RETURN(m.status, r.Str("status"));
  WL_ASSIGN_OR_RETURN(m.reject, r.Str("reject", true));
  WL_ASSIGN_OR_RETURN(int64_t dseq, r.Int("dispatch_seq"));
  m.dispatch_seq = static_cast<uint64_t>(dseq);
  WL_ASSIGN_OR_RETURN(m.receive_seq, r.OptSeq("receive_seq"));
  WL_ASSIGN_OR_RETURN(m.voided_by, r.OptSeq("voided_by"));
  if (j.contains("imported")) {
    if (!j["imported"].is_boolean()) return Bad("manifest", "imported");
    m.imported = j["imported"].get<bool>();
  }
  WL_ASSIGN_OR_RETURN(const Json* carriers, r.Arr("carriers"));
  for (const auto& c : *carriers) {
    if (!c.is_string()) return Bad("manifest", "carriers");
    m.carriers.push_back(c.get<std::string>());
  }
  WL_ASSIGN_OR_RETURN(const Json* lines, r.Arr("lines"));
  for (const auto& lj : *lines) {
    if (!lj.is_object()) return Bad("manifest", "lines");
    Reader l(lj, "manifest line");
    ManifestLine line;
    WL_ASSIGN_OR_RETURN(line.lot, l.Str("lot"));
    WL_ASSIGN_OR_RETURN(line.waste, l.Str("waste"));
    WL_ASSIGN_OR_RETURN(line.mass_g, l.Int("mass_g"));
    WL_ASSIGN_OR_RETURN(line.received_g, l.Int("received_g", true));
    WL_ASSIGN_OR_RETURN(line.refused_g, l.Int("refused_g", true));
    WL_ASSIGN_OR_RETURN(line.received_waste, l.Str("received_waste", true));
    WL_ASSIGN_OR_RETURN(line.reason, l.Str("reason", true));
    WL_ASSIGN_OR_RETURN(line.seq, l.OptSeq("seq"));
    m.lines.push_back(std::move(line));
  }
  WL_ASSIGN_OR_RETURN(const Json* custody, r.Arr("custody"));
  for (const auto& cj : *custody) {
    if (!cj.is_object()) return Bad("manifest", "custody");
    Reader c(cj, "manifest custody");
    CustodyStep step;
    WL_ASSIGN_OR_RETURN(step.holder, c.Str("holder"));
    WL_ASSIGN_OR_RETURN(int64_t seq, c.Int("seq"));
    step.seq = static_cast<uint64_t>(seq);
    m.custody.push_back(std::move(step));
  }
  if (m.custody.empty()) return Bad("manifest", "custody");
  return m;
}

Result<std::string> EncodeEffect(const Effect& e) {
  if (auto bytes = WriteEffect(e)) return std::move(*bytes);
  return EncodeEffectTree(e);
}

Result<std::string> EncodeEffectTree(const Effect& e) {
  Json j = {{"kind", e.kind}, {"actor", e.actor}, {"time", e.time}};
  if (!e.created.empty()) j["created"] = e.created;
  if (!e.drawn.empty()) {
    Json drawn = Json::array();
    for (const auto& d : e.drawn) drawn.push_back({{"lot", d.lot}, {"mass_g", d.mass_g}});
    j["drawn"] = std::move(drawn);
  }
  if (!e.capacity.empty()) {
    Json cap = Json::array();
    for (const auto& c : e.capacity) {
      cap.push_back({{"receiver", c.receiver}, {"permit", c.permit}, {"year", c.year}, {"mass_g", c.mass_g}});
    }
    j["capacity"] = std::move(cap);
  }
  PutOpt(j, "manifest", e.manifest);
  PutOpt(j, "corrects", e.corrects);
  PutOpt(j, "voided_by", e.voided_by);
  return Canonicalize(j);
}

Result<Effect> DecodeEffect(std::string_view bytes) {
  WL_ASSIGN_OR_RETURN(Json j, ParseRecord(bytes, "effect"));
  Reader r(j, "effect");
  Effect e;
  WL_ASSIGN_OR_RETURN(e.kind, r.Str("kind"));
  WL_ASSIGN_OR_RETURN(e.actor, r.Str("actor"));
  WL_ASSIGN_OR_RETURN(e.time, r.Str("time"));
  WL_ASSIGN_OR_RETURN(e.manifest, r.Str("manifest", true));
  WL_ASSIGN_OR_RETURN(e.corrects, r.OptSeq("corrects"));
  WL_ASSIGN_OR_RETURN(e.voided_by, r.OptSeq("voided_by"));
  WL_ASSIGN_OR_RETURN(const Json* created, r.Arr("created"));
  for (const auto& c : *created) {
    if (!c.is_string()) return Bad("effect", "created");
    e.created.push_back(c.get<std::string>());
  }
  WL_ASSIGN_OR_RETURN(const Json* drawn, r.Arr("drawn"));
  for (const auto& dj : *drawn) {
    if (!dj.is_object()) return Bad("effect", "drawn");
    Reader d(dj, "effect draw");
    Draw draw;
    WL_ASSIGN_OR_RETURN(draw.lot, d.Str("lot"));
    WL_ASSIGN_OR_RETURN(draw.mass_g, d.Int("mass_g"));
    e.drawn.push_back(std::move(draw));
  }
  WL_ASSIGN_OR_RETURN(const Json* cap, r.Arr("capacity"));
  for (const auto& cj : *cap) {
    if (!cj.is_object()) return Bad("effect", "capacity");
    Reader c(cj, "effect capacity");
    CapacityUse use;
    WL_ASSIGN_OR_RETURN(use.receiver, c.Str("receiver"));
    WL_ASSIGN_OR_RETURN(use.permit, c.Str("permit"));
    WL_ASSIGN_OR_RETURN(int64_t year, c.Int("year"));
    use.year = static_cast<int>(year);
    WL_ASSIGN_OR_RETURN(use.mass_g, c.Int("mass_g"));
    e.capacity.push_back(std::move(use));
  }
  return e;
}

Result<std::optional<Lot>> ReadLot(const IndexGet& get, std::string_view id) {
  WL_ASSIGN_OR_RETURN(auto bytes, get(LotKey(id)));
  if (!bytes) return std::optional<Lot>();
  WL_ASSIGN_OR_RETURN(Lot lot, DecodeLot(*bytes));
  return std::optional<Lot>(std::move(lot));
}

Result<std::optional<Manifest>> ReadManifest(const IndexGet& get, std::string_view number) {
  WL_ASSIGN_OR_RETURN(auto bytes, get(ManifestKey(number)));
  if (!bytes) return std::optional<Manifest>();
  WL_ASSIGN_OR_RETURN(Manifest m, DecodeManifest(*bytes));
  return std::optional<Manifest>(std::move(m));
}

Result<std::optional<Effect>> ReadEffect(const IndexGet& get, uint64_t seq) {
  WL_ASSIGN_OR_RETURN(auto bytes, get(EffectKey(seq)));
  if (!bytes) return std::optional<Effect>();
  WL_ASSIGN_OR_RETURN(Effect e, DecodeEffect(*bytes));
  return std::optional<Effect>(std::move(e));
}

Result<int64_t> ReadGrams(const IndexGet& get, std::string_view key) {
  WL_ASSIGN_OR_RETURN(auto bytes, get(key));
  if (!bytes) return int64_t{0};
  return DecodeGrams(*bytes);
}

Lot* LotCache::Find(const std::string& id) {
  auto it = lots_.find(id);
  return it == lots_.end() ? nullptr : &it->second.lot;
}

void LotCache::Put(const Lot& lot) { lots_[lot.id] = {lot, true}; }
void LotCache::Remember(const Lot& lot) { lots_.try_emplace(lot.id, Slot{lot, false}); }

Status LotCache::Flush(BatchAccess& batch) {
  for (const auto& [id, slot] : lots_) {
    if (!slot.dirty) continue;
    WL_ASSIGN_OR_RETURN(std::string bytes, EncodeLot(slot.lot));
    batch.Put(LotKey(id), bytes);
  }
  return Status::Ok();
}

Result<std::optional<Lot>> DomainTxn::GetLot(std::string_view id) const {
  if (lots_ == nullptr) return ReadLot(get_, id);
  const std::string key(id);
  if (const Lot* cached = lots_->Find(key)) return std::optional<Lot>(*cached);
  WL_ASSIGN_OR_RETURN(auto lot, ReadLot(get_, id));
  if (lot) lots_->Remember(*lot);
  return lot;
}

Status DomainTxn::PutLot(const Lot& lot) {
  if (lots_ != nullptr) {
    lots_->Put(lot);
    return Status::Ok();
  }
  WL_ASSIGN_OR_RETURN(std::string bytes, EncodeLot(lot));
  batch_.Put(LotKey(lot.id), bytes);
  return Status::Ok();
}

namespace {

size_t CreatedColumn(std::string_view source_kind) {
  if (source_kind == "generate") return kGenerated;
  if (source_kind == "receive") return kReceived;
  if (source_kind == "return") return kReturned;
  return kSecondary;  // "output"
}

}  // namespace

void DomainTxn::AddFlow(char family, std::string_view dims, std::string_view day, size_t column,
                        int64_t delta) {
  if (aggregates_ != nullptr) aggregates_->Add(family, dims, day, column, delta);
}

// A party's stock of a code is the sum of its lots' remaining mass, import
// pools included, and a pool may be below zero (an imported deficit, kept
// and flagged by reconciliation): so the stock may be, and stay, below zero
// while live lots come and go (each live draw is checked on its lot).
Status DomainTxn::AddStock(const Lot& lot, int64_t delta) {
  return AddGrams(StockKey(lot.owner, lot.waste), delta, /*may_go_negative=*/true).status();
}

Status DomainTxn::CreateLot(const Lot& lot, std::string_view day) {
  WL_RETURN_IF_ERROR(PutLot(lot));
  batch_.Put(OwnerLotKey(lot.owner, lot.id), "");
  if (lot.mass_g == 0) return Status::Ok();  // an empty import pool: nothing moved yet
  AddFlow(kPartyFlows, PartyDims(lot.owner, lot.waste), day, CreatedColumn(lot.source.kind), lot.mass_g);
  return AddStock(lot, lot.remaining_g);
}

Status DomainTxn::AdjustLot(Lot& lot, int64_t delta) {
  assert(lot.remaining_g + delta >= 0 && lot.remaining_g + delta <= lot.mass_g);
  lot.remaining_g += delta;
  WL_RETURN_IF_ERROR(PutLot(lot));
  return AddStock(lot, delta);
}

Status DomainTxn::CountDraw(const Lot& lot, int64_t mass, std::string_view kind, std::string_view day,
                            int sign) {
  size_t column = kDispatched;
  std::optional<size_t> prior;
  if (kind == "utilize") {
    column = kUtilized;
    prior = kUtilizedPrior;
  } else if (kind == "dispose") {
    column = kDisposed;
    prior = kDisposedPrior;
  } else if (kind != "dispatch") {
    return Status::Corruption(fmt::format("domain index: a {} entry drew on lot \"{}\"", kind, lot.id));
  }
  const std::string dims = PartyDims(lot.owner, lot.waste);
  AddFlow(kPartyFlows, dims, day, column, sign * mass);
  if (prior && !lot.born.empty() && lot.born.substr(0, 4) < day.substr(0, 4)) {
    AddFlow(kPartyFlows, dims, day, *prior, sign * mass);
  }
  if (sign < 0) AddFlow(kPartyFlows, dims, day, kReversals, 1);
  return Status::Ok();
}

Status DomainTxn::DrawLot(Lot& lot, int64_t mass, std::string_view kind, std::string_view day, uint64_t seq) {
  WL_RETURN_IF_ERROR(CountDraw(lot, mass, kind, day, +1));
  WL_RETURN_IF_ERROR(AddGrams(DrawKey(lot.id, seq), mass).status());
  if (lot.source.kind == "import") WL_RETURN_IF_ERROR(AddGrams(LiveDrawnKey(lot.id), mass).status());
  return AdjustLot(lot, -mass);
}

Status DomainTxn::UndrawLot(Lot& lot, int64_t mass, std::string_view kind, std::string_view day,
                            uint64_t seq) {
  WL_RETURN_IF_ERROR(CountDraw(lot, mass, kind, day, -1));
  WL_RETURN_IF_ERROR(AddGrams(DrawKey(lot.id, seq), -mass).status());
  if (lot.source.kind == "import") WL_RETURN_IF_ERROR(AddGrams(LiveDrawnKey(lot.id), -mass).status());
  return AdjustLot(lot, mass);
}

Status DomainTxn::GrowLot(Lot& lot, int64_t mass, size_t column, std::string_view day) {
  lot.mass_g += mass;
  lot.remaining_g += mass;
  WL_RETURN_IF_ERROR(PutLot(lot));
  AddFlow(kPartyFlows, PartyDims(lot.owner, lot.waste), day, column, mass);
  return AddStock(lot, mass);
}

Status DomainTxn::DrawPoolLot(Lot& lot, int64_t mass, std::string_view kind, std::string_view day) {
  WL_RETURN_IF_ERROR(CountDraw(lot, mass, kind, day, +1));
  lot.remaining_g -= mass;  // may go below zero: an imported deficit, flagged by reconcile
  WL_RETURN_IF_ERROR(PutLot(lot));
  return AddStock(lot, -mass);
}

Status DomainTxn::UndrawPoolLot(Lot& lot, int64_t mass, std::string_view kind, std::string_view day) {
  WL_RETURN_IF_ERROR(CountDraw(lot, mass, kind, day, -1));
  lot.remaining_g += mass;
  WL_RETURN_IF_ERROR(PutLot(lot));
  return AddStock(lot, mass);
}

Status DomainTxn::PutRaw(const std::string& key, std::string_view value) {
  batch_.Put(key, value);
  return Status::Ok();
}

Status DomainTxn::VoidLot(Lot& lot, uint64_t by, std::string_view day) {
  assert(!lot.voided_by);
  const int64_t held = lot.remaining_g;
  lot.voided_by = by;
  lot.remaining_g = 0;
  WL_RETURN_IF_ERROR(PutLot(lot));
  const std::string dims = PartyDims(lot.owner, lot.waste);
  AddFlow(kPartyFlows, dims, day, CreatedColumn(lot.source.kind), -lot.mass_g);
  AddFlow(kPartyFlows, dims, day, kReversals, 1);
  return AddStock(lot, -held);
}

Status DomainTxn::PutManifest(const Manifest& m) {
  WL_ASSIGN_OR_RETURN(std::string bytes, EncodeManifest(m));
  batch_.Put(ManifestKey(m.number), bytes);
  return Status::Ok();
}

Status DomainTxn::PutEffect(uint64_t seq, const Effect& e) {
  WL_ASSIGN_OR_RETURN(std::string bytes, EncodeEffect(e));
  batch_.Put(EffectKey(seq), bytes);
  return Status::Ok();
}

Result<int64_t> DomainTxn::AddGrams(const std::string& key, int64_t delta, bool may_go_negative) {
  WL_ASSIGN_OR_RETURN(int64_t v, ReadGrams(get_, key));
  // Every figure stays an exact JSON integer in stock and reports (I-JSON's
  // 2^53-1), as every mass of a statement does.
  if ((delta > 0 && v > kMaxMassGrams - delta) || (delta < 0 && v < -kMaxMassGrams - delta)) {
    return Status::Refused(
        fmt::format("a mass total ({} g now, {:+} g more) would pass 2^53-1 g, the largest mass the ledger "
                    "carries exactly",
                    v, delta));
  }
  v += delta;
  if (v < 0 && !may_go_negative) return Status::Corruption("domain index: a mass counter would go below zero");
  batch_.Put(key, EncodeGrams(v));
  return v;
}

Status DomainTxn::RaiseSerial(int year, int province, int city, int serial) {
  const std::string key = SerialKey(year, province, city);
  WL_ASSIGN_OR_RETURN(int64_t v, ReadGrams(get_, key));
  if (serial > v) batch_.Put(key, EncodeGrams(serial));
  return Status::Ok();
}

}  // namespace wasteledger::domain
