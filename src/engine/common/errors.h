// Query errors, named as openCypher names them.
//
// All are maestro::Error; the detail is "<Class>.<Name>" (the TCK's error
// type and detail code, e.g. "SyntaxError.UndefinedVariable",
// "TypeError.InvalidArgumentType", "EntityNotFound.DeletedEntityAccess").
// Errors raised while compiling a query (parser, binder, planner) are
// compile-time errors; those raised while executing are runtime errors.
#pragma once

#include <string>

#include "common/error.h"

namespace maestro::engine {

inline Error syntaxError(const std::string& name, std::string message) {
  return Error::badInput(std::move(message)).withDetail("SyntaxError." + name);
}
inline Error semanticError(const std::string& name, std::string message) {
  return Error::badInput(std::move(message)).withDetail("SemanticError." + name);
}
inline Error typeError(const std::string& name, std::string message) {
  return Error::badInput(std::move(message)).withDetail("TypeError." + name);
}
inline Error argumentError(const std::string& name, std::string message) {
  return Error::badInput(std::move(message)).withDetail("ArgumentError." + name);
}
inline Error entityNotFound(const std::string& name, std::string message) {
  return Error::badInput(std::move(message)).withDetail("EntityNotFound." + name);
}
inline Error constraintFailed(const std::string& name, std::string message) {
  return Error::conflict(std::move(message)).withDetail("ConstraintVerificationFailed." + name);
}
inline Error parameterMissing(std::string message) {
  return Error::badInput(std::move(message)).withDetail("ParameterMissing.MissingParameter");
}
inline Error procedureError(const std::string& name, std::string message) {
  return Error::badInput(std::move(message)).withDetail("ProcedureError." + name);
}

}  // namespace maestro::engine
