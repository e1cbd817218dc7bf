// Validation (spec §5): every rule that applies to executable documents,
// with graphql-js's messages. Also the document measures checked against
// Limits (depth and field count with fragments expanded, memoised so a
// fragment bomb costs linear time).
#pragma once

#include <vector>

#include "graphql/ast.h"
#include "graphql/schema.h"

namespace maestro::graphql {

// Errors carry code GRAPHQL_VALIDATION_FAILED (or LIMIT_EXCEEDED when the
// field-merging check gives up on a pathological document).
std::vector<GraphQLError> validateDocument(const Schema& schema, const ast::Document& document);

struct DocumentMeasure {
  int depth = 0;   // deepest selection-set nesting over all operations (`ofType` not counted)
  int fields = 0;  // field selections over all operations (saturates at INT_MAX / 2)
};
DocumentMeasure measureDocument(const ast::Document& document);

}  // namespace maestro::graphql
