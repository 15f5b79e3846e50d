#include "wasteledger/party.h"

#include <algorithm>

#include <fmt/format.h>

#include "wasteledger/canonical_json.h"

namespace wasteledger {

bool Party::HasRole(std::string_view role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

const VerifierKey* Party::FindKey(std::string_view ref) const {
  for (const auto& k : keys) {
    if (k.Ref() == ref) return &k;
  }
  return nullptr;
}

Result<Party> PartyFromRecord(const nlohmann::json& record, uint64_t since_seq) {
  auto bad = [](std::string_view field, std::string_view what) {
    return Status::InvalidArgument(fmt::format("party record field {}: {}", QuoteForMessage(field), what));
  };
  if (!record.is_object()) return Status::InvalidArgument("party record must be a JSON object");
  static constexpr std::array<std::string_view, 6> kFields = {"id",    "name", "uscc",
                                                              "roles", "keys", "permits"};
  for (const auto& [key, value] : record.items()) {
    if (std::find(kFields.begin(), kFields.end(), key) == kFields.end()) {
      return bad(key, "unknown member (allowed: id, name, uscc, roles, keys, permits)");
    }
  }
  for (auto f : kFields) {
    if (!record.contains(std::string(f))) return bad(f, "missing");
  }
  Party p;
  p.since_seq = since_seq;
  p.record = record;
  if (!record["id"].is_string()) return bad("id", "must be a string");
  p.id = record["id"].get<std::string>();
  WL_RETURN_IF_ERROR(ValidateKeyName(p.id).WithContext("party record field \"id\""));
  if (!record["name"].is_string() || record["name"].get<std::string>().empty()) {
    return bad("name", "must be a non-empty string");
  }
  p.name = record["name"].get<std::string>();
  if (!record["uscc"].is_string()) return bad("uscc", "must be a string (\"\" if none)");
  p.uscc = record["uscc"].get<std::string>();
  if (!record["roles"].is_array() || record["roles"].empty()) {
    return bad("roles", "must be a non-empty array");
  }
  for (const auto& r : record["roles"]) {
    if (!r.is_string() ||
        std::find(kPartyRoles.begin(), kPartyRoles.end(), r.get<std::string>()) == kPartyRoles.end()) {
      return bad("roles", fmt::format("{} is not one of producer, carrier, receiver, regulator",
                                      r.dump()));
    }
    if (p.HasRole(r.get<std::string>())) return bad("roles", fmt::format("{} is listed twice", r.dump()));
    p.roles.push_back(r.get<std::string>());
  }
  if (!record["keys"].is_array()) return bad("keys", "must be an array of verifier keys");
  for (const auto& k : record["keys"]) {
    if (!k.is_string()) return bad("keys", "must be an array of verifier key strings");
    auto vk = VerifierKey::Parse(k.get<std::string>());
    if (!vk.ok()) return bad("keys", vk.status().message());
    if (vk->name() != p.id) {
      return bad("keys", fmt::format("key {} is named \"{}\", not after the party id \"{}\"",
                                     vk->Ref(), vk->name(), p.id));
    }
    p.keys.push_back(std::move(*vk));
  }
  if (!record["permits"].is_array()) return bad("permits", "must be an array");
  return p;
}

}  // namespace wasteledger
