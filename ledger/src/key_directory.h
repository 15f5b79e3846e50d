// KeyDirectory: every verifier key the ledger has seen, by "name+keyID".
// Only a cache for signature checks off the append path (Prepare): whether a
// key is *valid* for a statement is decided by the party records at that
// point of the log, never by this directory. Thread-safe; append-only.
#pragma once

#include <map>
#include <mutex>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "wasteledger/keys.h"

namespace wasteledger {

class KeyDirectory {
 public:
  void Add(const VerifierKey& key) {
    std::unique_lock lock(mu_);
    auto ref = key.Ref();
    if (keys_.find(ref) == keys_.end()) keys_.emplace(ref, std::make_shared<VerifierKey>(key));
  }
  std::shared_ptr<const VerifierKey> Find(std::string_view ref) const {
    std::shared_lock lock(mu_);
    auto it = keys_.find(ref);
    return it == keys_.end() ? nullptr : it->second;
  }

 private:
  mutable std::shared_mutex mu_;
  std::map<std::string, std::shared_ptr<const VerifierKey>, std::less<>> keys_;
};

}  // namespace wasteledger
