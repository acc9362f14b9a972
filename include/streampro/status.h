#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace streampro {

/// Broad class of a failure; the app layer maps these to exit codes.
enum class StatusCode {
  kOk = 0,
  kInvalidArgument,  ///< bad option, bad config value, bad date
  kNotFound,         ///< a file or key that must exist does not
  kIOError,          ///< the operating system refused a read or write
  kInvalidData,      ///< input bytes break the data contract
  kNotImplemented,   ///< the command exists but its stage is not built yet
  kInternal,         ///< a broken invariant that slipped past assertions
  kCancelled,        ///< the run was asked to stop (Ctrl-C, SIGTERM) and stopped cleanly
};

/// Outcome of an operation that can fail. Cheap to copy when ok (no allocation).
/// The message is written for a person: it names the file, line and problem.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status OK() { return {}; }
  static Status InvalidArgument(std::string m) {
    return {StatusCode::kInvalidArgument, std::move(m)};
  }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status IOError(std::string m) { return {StatusCode::kIOError, std::move(m)}; }
  static Status InvalidData(std::string m) { return {StatusCode::kInvalidData, std::move(m)}; }
  static Status NotImplemented(std::string m) {
    return {StatusCode::kNotImplemented, std::move(m)};
  }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }
  static Status Cancelled(std::string m) { return {StatusCode::kCancelled, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  /// "invalid argument: <message>", or "ok".
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

/// A value or the Status explaining why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : storage_(std::move(value)) {}        // NOLINT(google-explicit-constructor)
  Result(Status status) : storage_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(storage_).ok() && "a Result needs a value or an error");
  }

  bool ok() const { return std::holds_alternative<T>(storage_); }
  Status status() const { return ok() ? Status::OK() : std::get<Status>(storage_); }

  const T& value() const& {
    assert(ok());
    return std::get<T>(storage_);
  }
  T& value() & {
    assert(ok());
    return std::get<T>(storage_);
  }
  T&& value() && {
    assert(ok());
    return std::get<T>(std::move(storage_));
  }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

 private:
  std::variant<T, Status> storage_;
};

namespace internal {
inline Status ToStatus(Status s) {
  return s;
}
template <typename T>
Status ToStatus(const Result<T>& r) {
  return r.status();
}
}  // namespace internal

}  // namespace streampro

#define STREAMPRO_CONCAT_INNER(a, b) a##b
#define STREAMPRO_CONCAT(a, b) STREAMPRO_CONCAT_INNER(a, b)

/// Returns the Status of `expr` from the enclosing function when it is not ok.
#define RETURN_NOT_OK(expr)                                            \
  do {                                                                 \
    ::streampro::Status _st = ::streampro::internal::ToStatus((expr)); \
    if (!_st.ok()) return _st;                                         \
  } while (false)

#define STREAMPRO_ASSIGN_OR_RETURN_IMPL(result_name, lhs, rexpr) \
  auto result_name = (rexpr);                                    \
  if (!result_name.ok()) return result_name.status();            \
  lhs = std::move(result_name).value()

/// `ASSIGN_OR_RETURN(auto x, MakeX());` binds the value or returns the error.
#define ASSIGN_OR_RETURN(lhs, rexpr) \
  STREAMPRO_ASSIGN_OR_RETURN_IMPL(STREAMPRO_CONCAT(_result_, __LINE__), lhs, rexpr)
