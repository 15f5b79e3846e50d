// Reading a statement body field by field, with one-line messages that name
// the JSON path ("dispatch: body.lines[1].mass_g must be ..."). The JSON
// Schemas check the same shapes; this keeps the state machine safe on its
// own. Internal to the library; pure.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "wasteledger/canonical_json.h"
#include "wasteledger/status.h"

namespace wasteledger::domain {

// Lot and party ids: 1..64 bytes, no space, control character or '+'.
// Lot ids given in a body must not start with '#' (kept for the ids the
// ledger makes up).
Status CheckId(std::string_view id, std::string_view what, bool lot_given);

class BodyReader {
 public:
  // `where` prefixes messages: "dispatch: body" or "dispatch: body.lines[1]".
  BodyReader(const Json& obj, std::string where) : j_(obj), where_(std::move(where)) {}

  // InvalidArgument unless the value is an object whose members are all in `allowed`.
  Status Shape(std::initializer_list<std::string_view> allowed) const;

  bool Has(const char* f) const { return j_.is_object() && j_.contains(f); }
  Result<std::string> Str(const char* f) const;  // non-empty string
  Result<std::optional<std::string>> OptStr(const char* f) const;
  // Integer grams in [min, kMaxMassGrams].
  Result<int64_t> Mass(const char* f, int64_t min) const;
  Result<int64_t> Int(const char* f, int64_t min, int64_t max) const;
  // An array (empty allowed when !non_empty); nullptr when absent and optional.
  Result<const Json*> Array(const char* f, bool required, bool non_empty) const;
  const Json& value(const char* f) const { return j_.at(f); }

  std::string Path(std::string_view f) const { return where_ + "." + std::string(f); }
  std::string Item(std::string_view f, size_t i) const {
    return where_ + "." + std::string(f) + "[" + std::to_string(i) + "]";
  }
  Status Error(std::string_view f, std::string_view what) const;

 private:
  // The member, or nullptr when absent (or the value is no object): one
  // look-up for each read.
  const Json* Find(const char* f) const {
    if (!j_.is_object()) return nullptr;
    auto it = j_.find(f);
    return it == j_.end() ? nullptr : &*it;
  }
  Result<std::string> StrOf(const Json& v, const char* f) const;

  const Json& j_;
  std::string where_;
};

}  // namespace wasteledger::domain
