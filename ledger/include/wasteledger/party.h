// Parties as the log registers them: the latest "party" record for an id
// (or the genesis regulator) wins from its seq on. A key dropped from "keys"
// is revoked from that seq.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "wasteledger/keys.h"
#include "wasteledger/status.h"
#include "wasteledger/waste_code.h"

namespace wasteledger {

inline constexpr std::array<std::string_view, 4> kPartyRoles = {"producer", "carrier", "receiver",
                                                                 "regulator"};

struct Party {
  std::string id;
  std::string name;
  std::string uscc;
  std::vector<std::string> roles;
  std::vector<VerifierKey> keys;  // valid now
  nlohmann::json record;          // the whole record as registered
  uint64_t since_seq = 0;         // seq of the record in force

  bool HasRole(std::string_view role) const;
  // The key with this "name+keyID" reference, or nullptr.
  const VerifierKey* FindKey(std::string_view ref) const;
};

// Checks a party record {"id","name","uscc","roles":[..],"keys":[vkey..],
// "permits":[..]}: types, roles from kPartyRoles, every vkey parses and is
// named after the id. Permit contents are checked by the domain schemas.
Result<Party> PartyFromRecord(const nlohmann::json& record, uint64_t since_seq);

namespace domain {

// A permit in a party record (docs/STATEMENTS.md, "A permit") that covers a
// waste code on a date.
struct PermitMatch {
  std::string number;
  std::optional<int64_t> capacity_g;  // annual capacity, when the permit states one
};

// The first permit in the party's record valid on `date` (YYYY-MM-DD, both
// ends inclusive) listing the code or its category (HW49, SW02, S07, CW01)
// and one of `activities`. Permits that are not well formed never match. The
// check the dispatch and receive rules apply (defined in
// ledger/src/domain_permit.cc); public so the reconciliation report can
// re-check a receiver's permits against the record in force later.
std::optional<PermitMatch> FindPermit(const Party& party, const WasteCodeInfo& waste, std::string_view date,
                                      const std::vector<std::string_view>& activities);

}  // namespace domain

}  // namespace wasteledger
