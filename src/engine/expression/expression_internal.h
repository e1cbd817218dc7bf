// Helpers shared by the evaluator and the scalar functions; private to
// engine/expression (nothing outside this folder includes it).
//
// Errors follow engine/common/errors.h. A value of the wrong kind is
// TypeError.InvalidArgumentType for operators and for functions with a
// typed signature (toUpper(1), abs('a'), size(1)). The functions that take
// any value and inspect it at runtime — the conversions toInteger(),
// toFloat(), toString(), toBoolean() and the graph accessors labels(),
// type(), keys(), properties(), id(), … — reject it as
// TypeError.InvalidArgumentValue, as the TCK expects (TypeConversion1-4,
// Graph3 [9], Graph4 [6]).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/value.h"
#include "engine/expression/evaluator.h"
#include "engine/expression/function_registry.h"
#include "engine/graph/graph.h"

namespace maestro::engine::detail {

// ---- graph access (EntityNotFound.DeletedEntityAccess for dead ids) ----
const NodeRecord& liveNode(uint64_t id, const EvalContext& ctx);
const RelRecord& liveRel(uint64_t id, const EvalContext& ctx);
// All properties of a node or relationship, by key name.
ValueMap entityProperties(const Value& entity, const EvalContext& ctx);

// ---- formatting ----
// A float as Cypher's toString() renders it (Java's Double.toString): the
// shortest digits that read back to the same double, plain between 1e-3
// and 1e7 ("1.0", "0.001", "1234567.0"), scientific outside ("1.0E7",
// "1.0E-4"), and "NaN", "Infinity", "-Infinity".
std::string formatFloat(double d);
// toString() of a number, boolean, string or temporal value; false for
// other kinds.
bool appendScalarString(std::string& out, const Value& v);

// ---- errors raised by functions (see above for which one) ----
// "<fn>(): expected <expected> but got <TYPE>".
[[noreturn]] void throwArgumentType(std::string_view fn, std::string_view expected,
                                    const Value& got);
[[noreturn]] void throwArgumentValue(std::string_view fn, std::string_view expected,
                                     const Value& got);

// ---- registration of the function families (one file each) ----
void addGraphFunctions(std::vector<FunctionDef>& out);       // functions_graph.cpp
void addListFunctions(std::vector<FunctionDef>& out);        // functions_list.cpp
void addMathFunctions(std::vector<FunctionDef>& out);        // functions_math.cpp
void addStringFunctions(std::vector<FunctionDef>& out);      // functions_string.cpp
void addConversionFunctions(std::vector<FunctionDef>& out);  // functions_conversion.cpp
void addTemporalFunctions(std::vector<FunctionDef>& out);    // functions_temporal.cpp

// ---- temporal operands (functions_temporal.cpp) ----
// `v.key` of a temporal value (d.year, t.timezone, dur.days …); nullopt
// when the kind has no such component.
std::optional<Value> temporalProperty(const Value& v, const std::string& key);
// `a op b` (op one of + - * /) when a temporal operand makes it defined:
// temporal ± duration, duration ± duration, duration * number, number *
// duration, duration / number. nullopt: not a temporal operation.
std::optional<Value> temporalArithmetic(char op, const Value& a, const Value& b);

}  // namespace maestro::engine::detail
