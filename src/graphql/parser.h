// The GraphQL parser (spec §2, October 2021): text → ast::Document (an
// executable document) or ast::SchemaDocument (type-system SDL).
//
// Recursive descent with a hard nesting limit (kMaxNesting) so hostile input
// can neither crash it nor exhaust the stack, and a token limit from Limits.
// The only exception it throws is SyntaxError (a maestro::Error with code
// kBadInput, or kBudgetExceeded for the token limit) whose message reads
// "Syntax Error: <what> at line L, column C".
#pragma once

#include <string_view>

#include "common/error.h"
#include "graphql/ast.h"
#include "graphql/graphql.h"

namespace maestro::graphql {

inline constexpr int kMaxNesting = 256;

class SyntaxError : public Error {
 public:
  SyntaxError(Code code, std::string message, Location location)
      : Error(code, std::move(message)), location_(location) {}
  const Location& location() const { return location_; }

 private:
  Location location_;
};

// Type-system definitions met in an executable document are parsed and kept
// as ast::ForeignDefinition (validation reports them); `extend` is refused.
ast::Document parseExecutableDocument(std::string_view text, const Limits& limits);
ast::SchemaDocument parseSchemaDocument(std::string_view text);

}  // namespace maestro::graphql
