#include "domain_permit.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "wasteledger/time_util.h"

namespace wasteledger::domain {

namespace {

bool StringIn(const nlohmann::json& arr, const std::vector<std::string>& wanted) {
  if (!arr.is_array()) return false;
  return std::any_of(arr.begin(), arr.end(), [&](const nlohmann::json& v) {
    if (!v.is_string()) return false;
    std::string s = v.get<std::string>();
    if (std::find(wanted.begin(), wanted.end(), s) != wanted.end()) return true;
    auto norm = NormaliseWasteCode(s);  // a permit may list a code in another spelling
    return norm.ok() && std::find(wanted.begin(), wanted.end(), *norm) != wanted.end();
  });
}

bool IsDate(const nlohmann::json& v) {
  if (!v.is_string()) return false;
  const std::string& s = v.get_ref<const std::string&>();
  return s.size() == 10 && s[4] == '-' && s[7] == '-';
}

}  // namespace

std::optional<PermitMatch> FindPermit(const Party& party, const WasteCodeInfo& waste, std::string_view date,
                                      const std::vector<std::string_view>& activities) {
  auto permits = party.record.find("permits");
  if (permits == party.record.end() || !permits->is_array()) return std::nullopt;
  std::vector<std::string> codes = {waste.code, waste.category};
  std::vector<std::string> acts(activities.begin(), activities.end());
  for (const auto& p : *permits) {
    if (!p.is_object() || !p.contains("number") || !p["number"].is_string()) continue;
    if (!p.contains("valid_from") || !p.contains("valid_to") || !IsDate(p["valid_from"]) ||
        !IsDate(p["valid_to"])) {
      continue;
    }
    if (date < p["valid_from"].get<std::string>() || date > p["valid_to"].get<std::string>()) continue;
    if (!p.contains("activities") || !StringIn(p["activities"], acts)) continue;
    if (!p.contains("wastes") || !StringIn(p["wastes"], codes)) continue;
    PermitMatch m;
    m.number = p["number"].get<std::string>();
    if (p.contains("capacity_g") && p["capacity_g"].is_number_integer() &&
        p["capacity_g"].get<int64_t>() >= 0) {
      m.capacity_g = p["capacity_g"].get<int64_t>();
    }
    return m;
  }
  return std::nullopt;
}

Status CheckPermits(const nlohmann::json& record) {
  auto permits = record.find("permits");
  if (permits == record.end() || !permits->is_array()) return Status::Ok();  // the schema's to say
  std::set<std::string> numbers;
  for (size_t i = 0; i < permits->size(); ++i) {
    const auto& p = (*permits)[i];
    if (!p.is_object()) continue;
    const std::string at = fmt::format("permits[{}]", i);
    const auto bad = [&](std::string_view member, const std::string& why) {
      return Status::Refused(fmt::format("party: body.{}.{}: {}", at, member, why));
    };
    std::string from, to;
    for (const char* member : {"valid_from", "valid_to"}) {
      if (!p.contains(member) || !p[member].is_string()) continue;
      const std::string& date = p[member].get_ref<const std::string&>();
      if (!IsCalendarDate(date)) return bad(member, fmt::format("\"{}\" is not a calendar date", date));
      (member[6] == 'f' ? from : to) = date;
    }
    if (!from.empty() && !to.empty() && from > to) {
      return bad("valid_to", fmt::format("{} is before valid_from {}", to, from));
    }
    if (p.contains("number") && p["number"].is_string() && !numbers.insert(p["number"].get<std::string>()).second) {
      return bad("number", fmt::format("permit \"{}\" is listed twice", p["number"].get<std::string>()));
    }
    if (p.contains("wastes") && p["wastes"].is_array()) {
      const auto& wastes = p["wastes"];
      for (size_t w = 0; w < wastes.size(); ++w) {
        if (!wastes[w].is_string()) continue;
        if (Status s = CheckPermitWaste(wastes[w].get<std::string>()); !s.ok()) {
          return bad(fmt::format("wastes[{}]", w), s.message());
        }
      }
    }
  }
  return Status::Ok();
}

std::string EventDate(const Timestamp& t, int tz_minutes) {
  const int64_t local = t.unix_seconds + int64_t{tz_minutes} * 60;
  int64_t days = local / 86400;
  if (local % 86400 < 0) --days;
  int64_t y = 0;
  unsigned m = 0, d = 0;
  CivilFromDays(days, &y, &m, &d);
  return fmt::format("{:04d}-{:02d}-{:02d}", y, m, d);
}

}  // namespace wasteledger::domain
