// Parties as the log registers them: the latest "party" record for an id
// (or the genesis regulator) wins from its seq on. A key dropped from "keys"
// is revoked from that seq.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "wasteledger/keys.h"
#include "wasteledger/status.h"

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

}  // namespace wasteledger
