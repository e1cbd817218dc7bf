// Execution (spec §6): operation selection, variable and argument coercion,
// field collection, resolver calls, result coercion and null propagation.
//
// execute() in graphql.h is the entry point; this header exposes the pieces
// the tests reach for. An Executor lives for one request, on one thread.
#pragma once

#include <memory>
#include <string_view>

#include "graphql/schema.h"

namespace maestro::graphql {

// Parses, measures against `limits` and validates `text`, consulting and
// filling the schema's cache. On failure returns null and fills `errors`
// (request errors); on success the document may still carry validation
// errors in PreparedDocument::errors.
std::shared_ptr<const PreparedDocument> prepareDocument(const ExecutableSchema& schema,
                                                        std::string_view text, const Limits& limits,
                                                        std::vector<GraphQLError>& errors);

}  // namespace maestro::graphql
