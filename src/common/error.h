// maestro::Error — the project's one error type.
//
// Every failure that can reach a user carries one of a small set of codes
// (modelled on abseil's canonical codes) that map mechanically onto an HTTP
// status, a GraphQL `extensions.code` and a process exit status. Inside a
// request, an Error may unwind to the boundary (HTTP handler, GraphQL
// resolver, CLI command) where it is turned into that representation.
// `field` optionally names what was wrong (`privacy.k`, `--listen`, `tenant`).
// `detail` optionally carries a machine-readable refinement of the code,
// e.g. openCypher's "SyntaxError.UndefinedVariable" for a query error.
#pragma once

#include <exception>
#include <string>
#include <string_view>

namespace maestro {

enum class Code {
  kBadInput,
  kNotFound,
  kUnauthenticated,
  kForbidden,
  kConflict,
  kBudgetExceeded,
  kUnavailable,
  kNotImplemented,
  kInternal,
};

// "BAD_USER_INPUT", "NOT_FOUND", ... as GraphQL's extensions.code spells them.
std::string_view codeName(Code code);
// 400, 404, 401, 403, 409, 429, 503, 501, 500.
int httpStatus(Code code);

class Error : public std::exception {
 public:
  Error(Code code, std::string message, std::string field = {});

  Code code() const noexcept { return code_; }
  const std::string& message() const noexcept { return message_; }
  const std::string& field() const noexcept { return field_; }
  const std::string& detail() const noexcept { return detail_; }
  Error&& withDetail(std::string detail) && {
    detail_ = std::move(detail);
    return std::move(*this);
  }
  const char* what() const noexcept override { return message_.c_str(); }

  static Error badInput(std::string message, std::string field = {}) {
    return {Code::kBadInput, std::move(message), std::move(field)};
  }
  static Error notFound(std::string message) { return {Code::kNotFound, std::move(message)}; }
  static Error unauthenticated(std::string message) {
    return {Code::kUnauthenticated, std::move(message)};
  }
  static Error forbidden(std::string message) { return {Code::kForbidden, std::move(message)}; }
  static Error conflict(std::string message) { return {Code::kConflict, std::move(message)}; }
  static Error budgetExceeded(std::string message) {
    return {Code::kBudgetExceeded, std::move(message)};
  }
  static Error unavailable(std::string message) {
    return {Code::kUnavailable, std::move(message)};
  }
  static Error notImplemented(std::string message) {
    return {Code::kNotImplemented, std::move(message)};
  }
  static Error internal(std::string message) { return {Code::kInternal, std::move(message)}; }

 private:
  Code code_;
  std::string message_;
  std::string field_;
  std::string detail_;
};

}  // namespace maestro
