#include "domain_body.h"

#include <fmt/format.h>

#include <algorithm>

#include "wasteledger/canonical_json.h"
#include "wasteledger/keys.h"
#include "wasteledger/mass.h"

namespace wasteledger::domain {

Status CheckId(std::string_view id, std::string_view what, bool lot_given) {
  if (id.empty() || id.size() > 64) {
    return Status::InvalidArgument(fmt::format("{} \"{}\" must be 1 to 64 bytes long", what, id));
  }
  // Any Unicode space (U+3000 IDEOGRAPHIC SPACE, NBSP, ...) as an ASCII one,
  // and C1 controls as C0 ones.
  for (size_t pos = 0; pos < id.size();) {
    const int32_t c = wasteledger::internal::DecodeUtf8CodePoint(id, &pos);
    if (c < 0 || c == '+' || wasteledger::internal::IsUnicodeSpace(c) ||
        wasteledger::internal::IsControlCharacter(c)) {
      return Status::InvalidArgument(
          fmt::format("{} \"{}\" must not contain spaces, control characters or '+'", what, id));
    }
  }
  if (lot_given && id[0] == '#') {
    return Status::InvalidArgument(
        fmt::format("{} \"{}\" must not start with '#' (kept for ids the ledger assigns)", what, id));
  }
  return Status::Ok();
}

Status BodyReader::Error(std::string_view f, std::string_view what) const {
  return Status::InvalidArgument(fmt::format("{} {}", Path(f), what));
}

Status BodyReader::Shape(std::initializer_list<std::string_view> allowed) const {
  if (!j_.is_object()) return Status::InvalidArgument(fmt::format("{} must be an object", where_));
  for (const auto& [key, value] : j_.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      return Status::InvalidArgument(fmt::format("{} has unknown member {}", where_, QuoteForMessage(key)));
    }
  }
  return Status::Ok();
}

Result<std::string> BodyReader::StrOf(const Json& v, const char* f) const {
  if (!v.is_string() || v.get_ref<const std::string&>().empty())
    return Error(f, "must be a non-empty string");
  return v.get<std::string>();
}

Result<std::string> BodyReader::Str(const char* f) const {
  const Json* v = Find(f);
  if (v == nullptr) return Error(f, "is missing");
  return StrOf(*v, f);
}

Result<std::optional<std::string>> BodyReader::OptStr(const char* f) const {
  const Json* v = Find(f);
  if (v == nullptr) return std::optional<std::string>();
  WL_ASSIGN_OR_RETURN(std::string s, StrOf(*v, f));
  return std::optional<std::string>(std::move(s));
}

Result<int64_t> BodyReader::Int(const char* f, int64_t min, int64_t max) const {
  const Json* found = Find(f);
  if (found == nullptr) return Error(f, "is missing");
  const Json& v = *found;
  bool in_range = false;
  if (v.is_number_unsigned()) {
    in_range =
        v.get<uint64_t>() <= static_cast<uint64_t>(max) && static_cast<int64_t>(v.get<uint64_t>()) >= min;
  } else if (v.is_number_integer()) {
    in_range = v.get<int64_t>() >= min && v.get<int64_t>() <= max;
  }
  if (!in_range) return Error(f, fmt::format("must be an integer from {} to {}, not {}", min, max, v.dump()));
  return v.get<int64_t>();
}

Result<int64_t> BodyReader::Mass(const char* f, int64_t min) const {
  const Json* found = Find(f);
  if (found == nullptr) return Error(f, "is missing");
  const Json& v = *found;
  const bool integer = v.is_number_integer();
  const bool in_range = integer &&
                        (v.is_number_unsigned() ? v.get<uint64_t>() <= uint64_t{kMaxMassGrams}
                                                : v.get<int64_t>() <= kMaxMassGrams) &&
                        (v.is_number_unsigned() || v.get<int64_t>() >= min);
  if (!in_range) {
    return Error(f, fmt::format("must be whole grams {} (at most {}), not {}", min == 0 ? ">= 0" : "> 0",
                                kMaxMassGrams, v.dump()));
  }
  const int64_t g = v.get<int64_t>();
  if (g < min) return Error(f, fmt::format("must be whole grams > 0, not {}", g));
  return g;
}

Result<const Json*> BodyReader::Array(const char* f, bool required, bool non_empty) const {
  const Json* found = Find(f);
  if (found == nullptr) {
    if (required) return Error(f, "is missing");
    return static_cast<const Json*>(nullptr);
  }
  const Json& v = *found;
  if (!v.is_array()) return Error(f, "must be an array");
  if (non_empty && v.empty()) return Error(f, "must not be empty");
  return &v;
}

}  // namespace wasteledger::domain
