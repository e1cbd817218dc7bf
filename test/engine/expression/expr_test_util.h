// Builders for hand-made bound expression trees and a fixture that
// evaluates them, shared by the expression tests.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"
#include "common/value.h"
#include "engine/expression/bound_expr.h"
#include "engine/expression/evaluator.h"
#include "engine/expression/function_registry.h"
#include "engine/graph/graph.h"

namespace maestro::engine::testing {

// ---- values -----------------------------------------------------------------

inline Value list(std::initializer_list<Value> items) { return Value(ValueList(items)); }
inline Value map(std::initializer_list<std::pair<const std::string, Value>> entries) {
  return Value(ValueMap(entries));
}
inline Value nan() { return Value(std::nan("")); }

// Same kind and equivalent (so 1 and 1.0 differ, and NaN matches NaN).
inline ::testing::AssertionResult sameValue(const char* actual_expr, const char* expected_expr,
                                            const Value& actual, const Value& expected) {
  bool same_kind = actual.type() == expected.type();
  if (same_kind && actual.isList()) {
    // Element kinds matter too: [1] is not [1.0].
    const ValueList& a = actual.asList();
    const ValueList& b = expected.asList();
    same_kind = a.size() == b.size();
    for (size_t i = 0; same_kind && i < a.size(); ++i) {
      same_kind = sameValue("", "", a[i], b[i]);
    }
  }
  if (same_kind && equivalent(actual, expected)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << actual_expr << " is " << toDebugString(actual) << " (" << actual.typeName()
         << "), expected " << expected_expr << " = " << toDebugString(expected) << " ("
         << expected.typeName() << ")";
}

#define EXPECT_VALUE(actual, expected) \
  EXPECT_PRED_FORMAT2(::maestro::engine::testing::sameValue, actual, expected)

// The error detail ("TypeError.InvalidArgumentType") thrown by `fn`, or
// "no error".
inline std::string errorDetail(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.detail().empty() ? "Error without detail: " + e.message() : e.detail();
  }
  return "no error";
}

// ---- expression builders -------------------------------------------------

inline BoundExprPtr lit(Value v) { return BoundExpr::constant(std::move(v)); }
inline BoundExprPtr slot(int s) { return BoundExpr::slotRef(s); }

inline BoundExprPtr node(BoundKind kind, std::vector<BoundExprPtr> children) {
  auto e = std::make_unique<BoundExpr>();
  e->kind = kind;
  e->children = std::move(children);
  return e;
}

template <typename... Ts>
std::vector<BoundExprPtr> exprs(Ts&&... xs) {
  std::vector<BoundExprPtr> v;
  (v.push_back(std::forward<Ts>(xs)), ...);
  return v;
}

inline BoundExprPtr unary(BoundKind kind, BoundExprPtr a) {
  return node(kind, exprs(std::move(a)));
}
inline BoundExprPtr binary(BoundKind kind, BoundExprPtr a, BoundExprPtr b) {
  return node(kind, exprs(std::move(a), std::move(b)));
}
inline BoundExprPtr binary(BoundKind kind, Value a, Value b) {
  return binary(kind, lit(std::move(a)), lit(std::move(b)));
}

inline BoundExprPtr param(std::string name) {
  auto e = node(BoundKind::kParameter, {});
  e->name = std::move(name);
  return e;
}

// a op0 b op1 c …
inline BoundExprPtr compare(std::vector<BoundExprPtr> operands, std::vector<ast::CompareOp> ops) {
  auto e = node(BoundKind::kCompare, std::move(operands));
  e->ops = std::move(ops);
  return e;
}
inline BoundExprPtr compare(Value a, ast::CompareOp op, Value b) {
  return compare(exprs(lit(std::move(a)), lit(std::move(b))), {op});
}

inline BoundExprPtr listOf(std::vector<BoundExprPtr> items) {
  return node(BoundKind::kList, std::move(items));
}

// {keys[i]: values[i]}
inline BoundExprPtr mapOf(std::vector<std::string> keys, std::vector<BoundExprPtr> values) {
  auto e = node(BoundKind::kMap, std::move(values));
  e->names = std::move(keys);
  return e;
}

inline BoundExprPtr call(std::string_view name, std::vector<BoundExprPtr> args) {
  auto e = node(BoundKind::kFunction, std::move(args));
  e->function = findFunction(name);
  EXPECT_NE(e->function, nullptr) << "unknown function " << name;
  if (e->function != nullptr) e->name = e->function->name;
  return e;
}

// name(constant args…)
inline BoundExprPtr callv(std::string_view name, std::initializer_list<Value> args) {
  std::vector<BoundExprPtr> v;
  for (const Value& a : args) v.push_back(lit(a));
  return call(name, std::move(v));
}

inline BoundExprPtr prop(BoundExprPtr target, std::string key,
                         std::optional<PropKeyId> key_id = std::nullopt) {
  auto e = node(BoundKind::kProperty, exprs(std::move(target)));
  e->name = std::move(key);
  e->key = key_id;
  return e;
}

inline BoundExprPtr subscript(BoundExprPtr target, BoundExprPtr index) {
  return binary(BoundKind::kSubscript, std::move(target), std::move(index));
}

// target[lo..hi]; std::nullopt for an absent bound.
inline BoundExprPtr slice(Value target, std::optional<Value> lo, std::optional<Value> hi) {
  auto e = node(BoundKind::kSlice, exprs(lit(std::move(target)), lit(lo.value_or(Value())),
                                         lit(hi.value_or(Value()))));
  e->absent_bounds = (lo ? 0 : 1) | (hi ? 0 : 2);
  return e;
}

// [x IN source WHERE where | projection] with x in `var_slot`.
inline BoundExprPtr comprehension(int var_slot, BoundExprPtr source, BoundExprPtr where,
                                  BoundExprPtr projection) {
  auto e = node(BoundKind::kListComprehension,
                exprs(std::move(source), std::move(where), std::move(projection)));
  e->slot = var_slot;
  return e;
}

inline BoundExprPtr quantifier(ast::Quantifier q, int var_slot, BoundExprPtr source,
                               BoundExprPtr where) {
  auto e = node(BoundKind::kQuantifier, exprs(std::move(source), std::move(where)));
  e->quantifier = q;
  e->slot = var_slot;
  return e;
}

// reduce(acc = init, x IN source | step)
inline BoundExprPtr reduce(int acc_slot, BoundExprPtr init, int var_slot, BoundExprPtr source,
                           BoundExprPtr step) {
  auto e = node(BoundKind::kReduce, exprs(std::move(init), std::move(source), std::move(step)));
  e->slot = var_slot;
  e->slot2 = acc_slot;
  return e;
}

// ---- fixture -----------------------------------------------------------------

class ExprTest : public ::testing::Test {
 protected:
  static constexpr int kSlots = 8;

  Value eval(const BoundExprPtr& e) { return evaluate(*e, row_, ctx_); }
  std::string evalError(const BoundExprPtr& e) {
    return errorDetail([&] { eval(e); });
  }

  Graph graph_;
  Parameters params_;
  Row row_ = Row(kSlots);
  EvalContext ctx_{graph_, params_};
};

}  // namespace maestro::engine::testing
