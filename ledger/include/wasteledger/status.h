// Status and Result<T>: how every fallible call in the ledger library reports
// failure. Library code never throws across its API; the CLI turns a Status
// into one line on stderr and an exit code.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace wasteledger {

class [[nodiscard]] Status {
 public:
  enum class Code {
    kOk = 0,
    kInvalidArgument,  // the caller's input is malformed (bad JSON, bad field)
    kRefused,          // well-formed, but a ledger rule forbids it
    kNotFound,
    kCorruption,       // stored or exported data fails an integrity check
    kIOError,
    kBusy,             // another writer holds the ledger
    kUnauthenticated,  // signature, key or passphrase does not check
  };

  Status() = default;
  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string msg) { return {Code::kInvalidArgument, std::move(msg)}; }
  static Status Refused(std::string msg) { return {Code::kRefused, std::move(msg)}; }
  static Status NotFound(std::string msg) { return {Code::kNotFound, std::move(msg)}; }
  static Status Corruption(std::string msg) { return {Code::kCorruption, std::move(msg)}; }
  static Status IOError(std::string msg) { return {Code::kIOError, std::move(msg)}; }
  static Status Busy(std::string msg) { return {Code::kBusy, std::move(msg)}; }
  static Status Unauthenticated(std::string msg) { return {Code::kUnauthenticated, std::move(msg)}; }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

  // Returns a copy whose message is "prefix: message".
  Status WithContext(const std::string& prefix) const {
    if (ok()) return *this;
    return Status(code_, prefix + ": " + message_);
  }

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

// Result<T> holds either a value or a non-ok Status (expected-style; g++ 12
// has no std::expected).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(v_).ok() && "Result built from an ok Status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & {
    assert(ok());
    return std::get<T>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<T>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<T>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace wasteledger

// Propagates a non-ok Status from an expression returning Status.
#define WL_RETURN_IF_ERROR(expr)        \
  do {                                  \
    ::wasteledger::Status wl_s_ = (expr); \
    if (!wl_s_.ok()) return wl_s_;      \
  } while (0)

#define WL_CONCAT_INNER_(a, b) a##b
#define WL_CONCAT_(a, b) WL_CONCAT_INNER_(a, b)
// Declares `lhs` from a Result-returning expression, or returns its Status.
#define WL_ASSIGN_OR_RETURN(lhs, expr)                            \
  auto WL_CONCAT_(wl_r_, __LINE__) = (expr);                      \
  if (!WL_CONCAT_(wl_r_, __LINE__).ok())                          \
    return WL_CONCAT_(wl_r_, __LINE__).status();                  \
  lhs = std::move(WL_CONCAT_(wl_r_, __LINE__)).value()
