// The read side of the domain index (domain_query.h), over the committed
// ledger.
#include "wasteledger/domain_query.h"

#include <fmt/format.h>

#include <algorithm>

#include "domain_rules.h"
#include "domain_store.h"
#include "store.h"
#include "wasteledger/ledger.h"

namespace wasteledger {

namespace {

domain::IndexGet Getter(const Ledger& ledger) {
  return [&ledger](std::string_view key) { return ledger.GetIndex(key); };
}

bool Wanted(const Lot& lot, const LotFilter& f) {
  if (!f.owner.empty() && lot.owner != f.owner) return false;
  if (!f.waste.empty() && lot.waste != f.waste) return false;
  if (lot.voided_by) return f.include_voided;
  return f.include_empty || lot.remaining_g > 0;
}

// Splits "owner\0rest" after the two-byte tag.
std::pair<std::string_view, std::string_view> SplitKey(std::string_view key) {
  key.remove_prefix(2);
  const size_t nul = key.find('\0');
  if (nul == std::string_view::npos) return {key, {}};
  return {key.substr(0, nul), key.substr(nul + 1)};
}

}  // namespace

Result<std::vector<Lot>> ListLots(const Ledger& ledger, const LotFilter& filter) {
  std::vector<Lot> out;
  Status status;
  auto take = [&](std::string_view id) {
    auto lot = domain::ReadLot(Getter(ledger), id);
    if (!lot.ok() || !*lot) {
      status = lot.ok()
                   ? Status::Corruption(fmt::format("domain index: lot \"{}\" is listed but missing", id))
                   : lot.status();
      return false;
    }
    if (Wanted(**lot, filter)) out.push_back(std::move(**lot));
    return true;
  };
  if (!filter.owner.empty()) {
    std::string prefix = domain::OwnerLotKey(filter.owner, "");
    WL_RETURN_IF_ERROR(ledger.ScanIndex(
        prefix, [&](std::string_view key, std::string_view) { return take(SplitKey(key).second); }));
  } else {
    WL_RETURN_IF_ERROR(
        ledger.ScanIndex(domain::LotKey(""), [&](std::string_view key, std::string_view value) {
          auto lot = domain::DecodeLot(value);
          if (!lot.ok()) {
            status = lot.status();
            return false;
          }
          (void)key;
          if (Wanted(*lot, filter)) out.push_back(std::move(*lot));
          return true;
        }));
  }
  WL_RETURN_IF_ERROR(status);
  std::stable_sort(out.begin(), out.end(), [](const Lot& a, const Lot& b) {
    return a.source.seq != b.source.seq ? a.source.seq < b.source.seq : a.id < b.id;
  });
  return out;
}

Result<std::optional<Lot>> GetLot(const Ledger& ledger, std::string_view id) {
  return domain::ReadLot(Getter(ledger), id);
}

Result<std::map<std::string, int64_t>> Stock(const Ledger& ledger, std::string_view party) {
  std::map<std::string, int64_t> out;
  Status status;
  WL_RETURN_IF_ERROR(
      ledger.ScanIndex(domain::StockKey(party, ""), [&](std::string_view key, std::string_view v) {
        auto g = domain::DecodeGrams(v);
        if (!g.ok()) {
          status = g.status();
          return false;
        }
        if (*g != 0) out[std::string(SplitKey(key).second)] = *g;  // below zero: an imported deficit
        return true;
      }));
  WL_RETURN_IF_ERROR(status);
  return out;
}

Result<std::map<std::string, std::map<std::string, int64_t>>> StockAll(const Ledger& ledger) {
  std::map<std::string, std::map<std::string, int64_t>> out;
  Status status;
  WL_RETURN_IF_ERROR(ledger.ScanIndex("XS", [&](std::string_view key, std::string_view v) {
    auto g = domain::DecodeGrams(v);
    if (!g.ok()) {
      status = g.status();
      return false;
    }
    auto [owner, waste] = SplitKey(key);
    if (*g != 0) out[std::string(owner)][std::string(waste)] = *g;  // below zero: an imported deficit
    return true;
  }));
  WL_RETURN_IF_ERROR(status);
  return out;
}

Result<Hash> ImportRecordHash(const Json& body) { return domain::ImportRecordHashOf(body); }
Result<Hash> ImportRecordHashOfCanonical(std::string_view body_jcs) {
  return domain::ImportRecordHashOfCanonical(body_jcs);
}

Result<std::vector<std::string>> ImportPoolYears(const Ledger& ledger, std::string_view party,
                                                 std::string_view waste) {
  WL_ASSIGN_OR_RETURN(auto text, ledger.GetIndex(domain::PoolYearsKey(party, waste)));
  std::vector<std::string> years;
  for (size_t at = 0; text && at + 4 <= text->size(); at += 5) years.push_back(text->substr(at, 4));
  return years;
}

Result<std::optional<uint64_t>> FindImportedRecord(const Ledger& ledger, const Hash& record, bool* voided) {
  WL_ASSIGN_OR_RETURN(auto bytes, ledger.GetIndex(domain::ImportedKey(record)));
  if (voided != nullptr) *voided = bytes && bytes->empty();
  if (!bytes || bytes->empty()) return std::optional<uint64_t>();  // empty: voided
  WL_ASSIGN_OR_RETURN(int64_t seq, domain::DecodeGrams(*bytes));
  return std::optional<uint64_t>(static_cast<uint64_t>(seq));
}

Result<std::optional<Manifest>> GetManifest(const Ledger& ledger, std::string_view number) {
  return domain::ReadManifest(Getter(ledger), number);
}

Result<std::vector<Manifest>> ListManifests(const Ledger& ledger) {
  std::vector<Manifest> out;
  Status status;
  WL_RETURN_IF_ERROR(ledger.ScanIndex(domain::ManifestKey(""), [&](std::string_view, std::string_view v) {
    auto m = domain::DecodeManifest(v);
    if (!m.ok()) {
      status = m.status();
      return false;
    }
    out.push_back(std::move(*m));
    return true;
  }));
  WL_RETURN_IF_ERROR(status);
  return out;
}

Result<int> NextManifestSerial(const Ledger& ledger, int year, int province, int city) {
  if (year < 2000 || year > 2100 || province < 0 || province > 99 || city < 0 || city > 99) {
    return Status::InvalidArgument(
        fmt::format("manifest year {} province {} city {} is out of range", year, province, city));
  }
  WL_ASSIGN_OR_RETURN(int64_t used,
                      domain::ReadGrams(Getter(ledger), domain::SerialKey(year, province, city)));
  if (used >= 999999) {
    return Status::NotFound(
        fmt::format("every manifest serial of {:04d}{:02d}{:02d} is used", year, province, city));
  }
  return static_cast<int>(used + 1);
}

Result<std::optional<EntryEffect>> GetEffect(const Ledger& ledger, uint64_t seq) {
  WL_ASSIGN_OR_RETURN(auto e, domain::ReadEffect(Getter(ledger), seq));
  if (!e) return std::optional<EntryEffect>();
  EntryEffect out;
  out.seq = seq;
  out.kind = e->kind;
  out.actor = e->actor;
  out.corrects = e->corrects;
  out.voided_by = e->voided_by;
  out.created_lots = e->created;
  out.time = e->time;
  out.manifest = e->manifest;
  for (const auto& d : e->drawn) out.drawn.push_back({d.lot, d.mass_g});
  return std::optional<EntryEffect>(std::move(out));
}

Result<std::vector<LotDraw>> DrawsOn(const Ledger& ledger, std::string_view lot) {
  std::vector<LotDraw> out;
  const std::string prefix = domain::DrawKey(lot, 0).substr(0, domain::DrawKey(lot, 0).size() - 8);
  Status status;
  WL_RETURN_IF_ERROR(ledger.ScanIndex(prefix, [&](std::string_view key, std::string_view value) {
    auto seq = DecodeU64(key.substr(prefix.size()));
    auto grams = domain::DecodeGrams(value);
    if (!seq || !grams.ok()) {
      status = Status::Corruption(fmt::format("domain index: a draw on lot \"{}\" is malformed", lot));
      return false;
    }
    if (*grams > 0) out.push_back({*seq, *grams});
    return true;
  }));
  WL_RETURN_IF_ERROR(status);
  return out;
}

}  // namespace wasteledger

// ---- Flow aggregates ----------------------------------------------------

namespace wasteledger {

FlowTotals& FlowTotals::operator+=(const FlowTotals& o) {
  *this = domain::ToFlowTotals([&] {
    auto c = domain::FromFlowTotals(*this);
    domain::AddCounters(c, domain::FromFlowTotals(o));
    return c;
  }());
  return *this;
}

FlowTotals& FlowTotals::operator-=(const FlowTotals& o) {
  auto neg = domain::FromFlowTotals(o);
  for (auto& v : neg) v = -v;
  auto c = domain::FromFlowTotals(*this);
  domain::AddCounters(c, neg);
  *this = domain::ToFlowTotals(c);
  return *this;
}

PairFlow& PairFlow::operator+=(const PairFlow& o) {
  dispatched_g += o.dispatched_g;
  received_g += o.received_g;
  returned_g += o.returned_g;
  return *this;
}

PairFlow& PairFlow::operator-=(const PairFlow& o) {
  dispatched_g -= o.dispatched_g;
  received_g -= o.received_g;
  returned_g -= o.returned_g;
  return *this;
}

namespace {

// Calls fn(period, dims, counters) for the family's aggregates at `grain`
// with start <= period < end.
Status ScanAggregates(const Ledger& ledger, char family, char grain, std::string_view start,
                      std::string_view end,
                      const std::function<Status(std::string_view, std::string_view, domain::Counters)>& fn) {
  const std::string prefix = {'X', family, grain};
  Status status;
  WL_RETURN_IF_ERROR(ledger.ScanIndexFrom(prefix, prefix + std::string(start),
                                          [&](std::string_view key, std::string_view value) {
                                            key.remove_prefix(prefix.size());
                                            const size_t nul = key.find('\0');
                                            const std::string_view period = key.substr(0, nul);
                                            if (period >= end) return false;
                                            auto c = domain::DecodeCounters(value);
                                            if (!c.ok()) {
                                              status = c.status();
                                              return false;
                                            }
                                            status = fn(period, key.substr(nul + 1), std::move(*c));
                                            return status.ok();
                                          }));
  return status;
}

std::vector<std::string> SplitDims(std::string_view dims) {
  std::vector<std::string> parts;
  size_t at = 0;
  for (size_t nul; (nul = dims.find('\0', at)) != std::string_view::npos; at = nul + 1) {
    parts.emplace_back(dims.substr(at, nul - at));
  }
  parts.emplace_back(dims.substr(at));
  return parts;
}

Status AddTo(FlowSums& sums, char family, std::string_view dims, const domain::Counters& c) {
  const auto parts = SplitDims(dims);
  if (family == domain::kPartyFlows && parts.size() == 2) {
    sums.parties[{parts[0], parts[1]}] += domain::ToFlowTotals(c);
    return Status::Ok();
  }
  if (family == domain::kPairFlows && parts.size() == 3) {
    sums.pairs[{parts[0], parts[1], parts[2]}] += domain::ToPairFlow(c);
    return Status::Ok();
  }
  return Status::Corruption("domain index: a flow aggregate key has the wrong number of parts");
}

bool IsDate(std::string_view d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
    if (d[i] < '0' || d[i] > '9') return false;
  }
  return true;
}

}  // namespace

Result<FlowSums> FlowsBefore(const Ledger& ledger, std::string_view date) {
  if (!IsDate(date)) return Status::InvalidArgument(fmt::format("\"{}\" is not a date YYYY-MM-DD", date));
  FlowSums sums;
  const std::string year(date.substr(0, 4)), month(date.substr(0, 7));
  // Whole years before, whole months of the year before, days of the month before.
  const std::pair<char, std::pair<std::string, std::string>> spans[] = {
      {'Y', {"", year}}, {'M', {year + "-01", month}}, {'D', {month + "-01", std::string(date)}}};
  for (char family : {domain::kPartyFlows, domain::kPairFlows}) {
    for (const auto& [grain, span] : spans) {
      WL_RETURN_IF_ERROR(ScanAggregates(ledger, family, grain, span.first, span.second,
                                        [&](std::string_view, std::string_view dims, domain::Counters c) {
                                          return AddTo(sums, family, dims, c);
                                        }));
    }
  }
  return sums;
}

Result<std::map<std::string, FlowSums>> FlowsByMonth(const Ledger& ledger, int year) {
  std::map<std::string, FlowSums> out;
  const std::string y = fmt::format("{:04d}", year);
  for (char family : {domain::kPartyFlows, domain::kPairFlows}) {
    WL_RETURN_IF_ERROR(
        ScanAggregates(ledger, family, 'M', y + "-01", y + "-13",
                       [&](std::string_view period, std::string_view dims, domain::Counters c) {
                         return AddTo(out[std::string(period)], family, dims, c);
                       }));
  }
  return out;
}

Result<std::map<std::string, std::vector<int64_t>>> StoredAggregates(const Ledger& ledger) {
  std::map<std::string, std::vector<int64_t>> out;
  Status status;
  for (char family : {domain::kPartyFlows, domain::kPairFlows}) {
    WL_RETURN_IF_ERROR(
        ledger.ScanIndex(std::string{'X', family}, [&](std::string_view key, std::string_view value) {
          auto c = domain::DecodeCounters(value);
          if (!c.ok()) {
            status = c.status();
            return false;
          }
          out.emplace(std::string(key), std::move(*c));
          return true;
        }));
    WL_RETURN_IF_ERROR(status);
  }
  return out;
}

}  // namespace wasteledger
