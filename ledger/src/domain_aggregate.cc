#include "domain_aggregate.h"

#include <fmt/format.h>

#include <cassert>

namespace wasteledger::domain {

std::string PartyDims(std::string_view party, std::string_view waste) {
  std::string d(party);
  d.push_back('\0');
  d.append(waste);
  return d;
}

std::string PairDims(std::string_view from, std::string_view to, std::string_view waste) {
  std::string d(from);
  d.push_back('\0');
  d.append(PartyDims(to, waste));
  return d;
}

void AssignAggregateKey(std::string& key, char family, char grain, std::string_view period, std::string_view dims) {
  key.assign({'X', family, grain});
  key.append(period);
  key.push_back('\0');
  key.append(dims);
}

std::string AggregateKey(char family, char grain, std::string_view period, std::string_view dims) {
  std::string k;
  AssignAggregateKey(k, family, grain, period, dims);
  return k;
}

std::string_view PeriodOf(std::string_view day, char grain) {
  switch (grain) {
    case 'Y':
      return day.substr(0, 4);
    case 'M':
      return day.substr(0, 7);
    default:
      return day;
  }
}

namespace {

void EncodeInto(std::string& out, const int64_t* c, size_t n) {
  out.assign(n * 8, '\0');
  for (size_t i = 0; i < n; ++i) {
    auto v = static_cast<uint64_t>(c[i]);
    for (size_t b = 0; b < 8; ++b) out[i * 8 + b] = static_cast<char>((v >> (56 - 8 * b)) & 0xff);
  }
}

}  // namespace

std::string EncodeCounters(const Counters& c) {
  std::string out;
  EncodeInto(out, c.data(), c.size());
  return out;
}

Result<Counters> DecodeCounters(std::string_view bytes) {
  if (bytes.size() % 8 != 0) {
    return Status::Corruption(
        fmt::format("domain index: aggregate of {} bytes (not 8-byte counters)", bytes.size()));
  }
  Counters c(bytes.size() / 8);
  for (size_t i = 0; i < c.size(); ++i) {
    uint64_t v = 0;
    for (size_t b = 0; b < 8; ++b) v = (v << 8) | static_cast<unsigned char>(bytes[i * 8 + b]);
    c[i] = static_cast<int64_t>(v);
  }
  return c;
}

void AddCounters(Counters& a, const Counters& b) {
  if (a.size() < b.size()) a.resize(b.size(), 0);
  for (size_t i = 0; i < b.size(); ++i) a[i] += b[i];
}

namespace {

int64_t At(const Counters& c, size_t i) { return i < c.size() ? c[i] : 0; }

}  // namespace

FlowTotals ToFlowTotals(const Counters& c) {
  FlowTotals t;
  t.generated_g = At(c, kGenerated);
  t.secondary_g = At(c, kSecondary);
  t.received_g = At(c, kReceived);
  t.returned_g = At(c, kReturned);
  t.dispatched_g = At(c, kDispatched);
  t.utilized_g = At(c, kUtilized);
  t.disposed_g = At(c, kDisposed);
  t.utilized_prior_g = At(c, kUtilizedPrior);
  t.disposed_prior_g = At(c, kDisposedPrior);
  t.settled_g = At(c, kSettled);
  t.transit_diff_g = At(c, kTransitDiff);
  t.reversals = At(c, kReversals);
  return t;
}

Counters FromFlowTotals(const FlowTotals& t) {
  Counters c(kPartyColumns, 0);
  c[kGenerated] = t.generated_g;
  c[kSecondary] = t.secondary_g;
  c[kReceived] = t.received_g;
  c[kReturned] = t.returned_g;
  c[kDispatched] = t.dispatched_g;
  c[kUtilized] = t.utilized_g;
  c[kDisposed] = t.disposed_g;
  c[kUtilizedPrior] = t.utilized_prior_g;
  c[kDisposedPrior] = t.disposed_prior_g;
  c[kSettled] = t.settled_g;
  c[kTransitDiff] = t.transit_diff_g;
  c[kReversals] = t.reversals;
  return c;
}

PairFlow ToPairFlow(const Counters& c) {
  return {At(c, kPairDispatched), At(c, kPairReceived), At(c, kPairReturned)};
}

Counters FromPairFlow(const PairFlow& p) { return {p.dispatched_g, p.received_g, p.returned_g}; }

void AggregateBuffer::Add(char family, std::string_view dims, std::string_view day, size_t column,
                          int64_t delta) {
  if (delta == 0) return;
  const size_t width = family == kPartyFlows ? size_t{kPartyColumns} : size_t{kPairColumns};
  assert(column < width);
  for (char grain : kGrains) {
    AssignAggregateKey(key_, family, grain, PeriodOf(day, grain), dims);
    Delta& d = deltas_[key_];
    d.width = width;
    d.column[column] += delta;
  }
}

Status AggregateBuffer::Flush(BatchAccess& batch) {
  // Added blind (a RocksDB merge): no read of the stored counters.
  std::string bytes;
  for (const auto& [key, delta] : deltas_) {
    EncodeInto(bytes, delta.column, delta.width);
    batch.AddCounters(key, bytes);
  }
  deltas_.clear();
  return Status::Ok();
}

}  // namespace wasteledger::domain
