// The scalar functions of the query language.
//
// A FunctionDef names a function, its arity and its implementation. The
// binder looks functions up by name (case-insensitively) and checks the
// number of arguments (SyntaxError.UnknownFunction,
// SyntaxError.InvalidNumberOfArguments); the evaluator calls `impl` with
// the evaluated arguments. Aggregate functions (count, sum, avg, min, max,
// collect, stDev, stDevP, percentileCont, percentileDisc) are listed with
// `aggregate` set and no impl: the aggregation operator computes them.
//
// Covered: id, labels, type, properties, keys, startNode, endNode, nodes,
// relationships, length, size, head, last, tail, range, reverse,
// coalesce, exists (of a property), toInteger, toFloat, toString,
// toBoolean, toIntegerOrNull, toFloatOrNull, toStringOrNull,
// toBooleanOrNull, abs, ceil, floor, round, sign, sqrt, exp, log, log10,
// sin, cos, tan, asin, acos, atan, atan2, cot, degrees, radians, pi, e,
// rand, toUpper, toLower, upper, lower, trim, ltrim, rtrim, replace,
// substring, left, right, split, reverse, isEmpty, timestamp; the temporal
// functions date, localtime, time, localdatetime, datetime (and their
// .transaction/.statement/.realtime/.truncate forms), datetime.fromepoch,
// datetime.fromepochmillis, duration, duration.between/inMonths/inDays/
// inSeconds (functions_temporal.cpp).
#pragma once

#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "common/value.h"

namespace maestro::engine {

struct EvalContext;

struct FunctionDef {
  std::string name;  // canonical spelling, e.g. "toInteger"
  int min_args;
  int max_args;  // -1: variadic
  bool aggregate = false;
  bool deterministic = true;  // rand() and timestamp() are not
  std::function<Value(std::span<const Value> args, EvalContext& ctx)> impl;
};

// nullptr when no function has that name (case-insensitive).
const FunctionDef* findFunction(std::string_view name);

}  // namespace maestro::engine
