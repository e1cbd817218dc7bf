#include "common/error.h"

namespace maestro {

Error::Error(Code code, std::string message, std::string field)
    : code_(code), message_(std::move(message)), field_(std::move(field)) {}

std::string_view codeName(Code code) {
  switch (code) {
    case Code::kBadInput: return "BAD_USER_INPUT";
    case Code::kNotFound: return "NOT_FOUND";
    case Code::kUnauthenticated: return "UNAUTHENTICATED";
    case Code::kForbidden: return "FORBIDDEN";
    case Code::kConflict: return "CONFLICT";
    case Code::kBudgetExceeded: return "BUDGET_EXCEEDED";
    case Code::kUnavailable: return "UNAVAILABLE";
    case Code::kNotImplemented: return "NOT_IMPLEMENTED";
    case Code::kInternal: return "INTERNAL_SERVER_ERROR";
  }
  return "INTERNAL_SERVER_ERROR";
}

int httpStatus(Code code) {
  switch (code) {
    case Code::kBadInput: return 400;
    case Code::kNotFound: return 404;
    case Code::kUnauthenticated: return 401;
    case Code::kForbidden: return 403;
    case Code::kConflict: return 409;
    case Code::kBudgetExceeded: return 429;
    case Code::kUnavailable: return 503;
    case Code::kNotImplemented: return 501;
    case Code::kInternal: return 500;
  }
  return 500;
}

}  // namespace maestro
