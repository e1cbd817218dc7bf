// Binder — ast::Query + catalog → BoundQuery.
//
// Resolves variables to row slots with openCypher's scoping (a WITH or
// RETURN starts a new scope; UNWIND, MATCH, CREATE and MERGE add to it),
// checks the query's semantics and reports violations as openCypher names
// them (SyntaxError.UndefinedVariable, VariableAlreadyBound,
// VariableTypeConflict, InvalidAggregation, NoSingleRelationshipType, …),
// binds expressions (functions looked up and arity-checked), extracts
// aggregates from projections, and turns patterns into QueryGraphs.
// Reads the catalog only (names unknown to it stay unresolved).
#pragma once

#include "engine/binder/bound_query.h"
#include "engine/catalog/catalog.h"
#include "engine/parser/ast.h"

namespace maestro::engine {

// Throws maestro::Error (compile-time query errors) on invalid queries.
BoundQuery bindQuery(const ast::Query& query, const Catalog& catalog);

}  // namespace maestro::engine
