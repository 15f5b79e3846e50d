// Whether two parsed entries hold the same header and statement (canonical
// bytes, hash, kind, actor, time; not the statement's JSON tree). Shared by
// the unit test and the fuzz target that hold ParseEntry to its reference.
#pragma once

#include "wasteledger/statement.h"

namespace wasteledger::testing {

inline bool SameEntry(const ParsedEntry& a, const ParsedEntry& b) {
  const auto& x = a.header;
  const auto& y = b.header;
  const bool same_sig = x.sig.has_value() == y.sig.has_value() &&
                        (!x.sig || (x.sig->key == y.sig->key && x.sig->value == y.sig->value));
  return x.seq == y.seq && x.prev == y.prev && x.logged == y.logged && same_sig && x.seal_by == y.seal_by &&
         x.seal_index == y.seal_index && a.statement.kind == b.statement.kind &&
         a.statement.actor == b.statement.actor &&
         a.statement.time.unix_seconds == b.statement.time.unix_seconds &&
         a.statement.time.offset_minutes == b.statement.time.offset_minutes &&
         a.statement.jcs == b.statement.jcs && a.statement.hash == b.statement.hash;
}

}  // namespace wasteledger::testing
