// Expression evaluation over a row.
//
// evaluate() interprets a BoundExpr with Cypher's semantics: three-valued
// logic, null propagation, integer overflow as an error, implicit int→float
// promotion, list/map/string operators, property access on nodes,
// relationships and maps, and the scalar functions of function_registry.h.
// Errors are openCypher-named (engine/common/errors.h): a wrong argument
// type is TypeError.InvalidArgumentType, access to a deleted entity
// EntityNotFound.DeletedEntityAccess, and so on.
//
// Thread-safety: an EvalContext and its Row belong to one executing thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/value.h"
#include "engine/expression/bound_expr.h"
#include "engine/graph/graph.h"

namespace maestro::engine {

using Row = std::vector<Value>;
using Parameters = std::unordered_map<std::string, Value>;

// Runs the subplans of pattern predicates, pattern comprehensions and
// EXISTS subqueries for the evaluator (implemented by the executor).
class SubplanRunner {
 public:
  virtual ~SubplanRunner() = default;
  // A pattern predicate or EXISTS: a boolean; a comprehension: a list.
  virtual Value run(const Subplan& subplan, Row& row) = 0;
};

struct EvalContext {
  const Graph& graph;
  const Parameters& params;
  SubplanRunner* subplans = nullptr;
  // The statement's "now" for date(), datetime() … (nanoseconds since the
  // epoch): read from the clock on first use, then fixed, so that every
  // call in one statement sees the same instant.
  std::optional<int64_t> statement_time = std::nullopt;
};

Value evaluate(const BoundExpr& expr, Row& row, EvalContext& ctx);

// Truth value of a predicate: true, or false/null (both reject the row).
inline bool isTrue(const Value& v) { return v.isBool() && v.asBool(); }

// The value of property `key` of a node, relationship or map `target`
// (null when absent; EntityNotFound for a deleted entity).
Value propertyOf(const Value& target, const std::string& key, std::optional<PropKeyId> key_id,
                 EvalContext& ctx);

}  // namespace maestro::engine
