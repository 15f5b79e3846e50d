// The read side of the domain index (domain_query.h), over the committed
// ledger.
#include "wasteledger/domain_query.h"

#include <fmt/format.h>

#include <algorithm>

#include "domain_store.h"
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
        if (*g > 0) out[std::string(SplitKey(key).second)] = *g;
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
    if (*g > 0) out[std::string(owner)][std::string(waste)] = *g;
    return true;
  }));
  WL_RETURN_IF_ERROR(status);
  return out;
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
  return std::optional<EntryEffect>(std::move(out));
}

}  // namespace wasteledger
