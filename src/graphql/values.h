// Input and result coercion (spec §3.5, §3.9, §3.10): variables' JSON,
// literals written in documents, and leaf values produced by resolvers.
//
// Messages follow graphql-js ("Int cannot represent non-integer value: \"x\"").
#pragma once

#include <string>
#include <vector>

#include "graphql/schema.h"

namespace maestro::graphql {

// Thrown by input coercion. `path` is ".a[0]"-style, relative to the value
// being coerced; `value` is the offending (sub)value.
struct InputError {
  std::string message;
  std::string path;
  Json value;
};

// Coerces a variable's JSON value (spec CoerceVariableValues' inner step).
Json coerceInputValue(const Json& value, const TypeRef& type);

// Coerces a literal; variables (already coerced) are substituted; a variable
// absent from `variables` counts as not provided (`*absent` set when the
// whole value is such a variable). Throws InputError.
Json coerceLiteral(const ast::Value& literal, const TypeRef& type, const Json& variables,
                   bool* absent = nullptr);

// ValuesOfCorrectType: appends one (message, location) per problem; variables
// are not judged here.
void checkLiteral(const ast::Value& literal, const TypeRef& type,
                  std::vector<std::pair<std::string, Location>>& errors);

// A literal as untyped JSON (enums as strings, variables substituted or null).
Json literalToJson(const ast::Value& literal, const Json* variables);

// Result coercion of a leaf; throws maestro::Error (bad input) on a value
// the type cannot represent.
Json serializeLeaf(const Type& type, const Json& value);

// graphql-js's inspect(), roughly: JSON text.
std::string inspect(const Json& value);

// The same value with insertion-ordered objects, for the response (a direct
// copy: no text round trip).
OrderedJson toOrderedJson(const Json& value);

}  // namespace maestro::graphql
