// BoundExpr — an expression after binding: names resolved to row slots,
// catalog ids and function definitions; ready to evaluate.
//
// Produced by the binder from ast::Expr, consumed by the evaluator
// (expression/evaluator.h). A bound query owns its expressions; they are
// immutable during execution, so one plan can be executed by one thread at
// a time without copying (the row is the only mutable state).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/value.h"
#include "engine/catalog/catalog.h"
#include "engine/parser/ast.h"

namespace maestro::engine {

struct FunctionDef;  // expression/function_registry.h
struct BoundExpr;
using BoundExprPtr = std::unique_ptr<BoundExpr>;

// What a pattern predicate / pattern comprehension / EXISTS subquery runs;
// built and executed by the executor (opaque here).
struct Subplan;

enum class BoundKind {
  kConstant,      // value
  kParameter,     // name (looked up in the query parameters; missing → ParameterMissing)
  kSlot,          // row[slot]
  kProperty,      // children[0].name ; key = catalog id when known at bind time
  kList,          // [children…]
  kMap,           // {names[i]: children[i]}
  kMapProjection, // children[0] is the map/node/rel; items below
  kFunction,      // function(children…) — a scalar function
  kNot,
  kNegate,
  kAnd, kOr, kXor,          // children[0], children[1]
  kAdd, kSub, kMul, kDiv, kMod, kPow,
  kCompare,       // chain: children[0] ops[0] children[1] ops[1] … (a < b < c)
  kIsNull, kIsNotNull,
  kIn,            // children[0] IN children[1]
  kStartsWith, kEndsWith, kContains, kRegexMatch,
  kSubscript,     // children[0][children[1]]: list index, map key, node/rel property
  kSlice,         // children[0][children[1]..children[2]] — absent bounds are kConstant null
                  // with flag `absent_bounds` bit 1 (lower) and bit 2 (upper)
  kHasLabels,     // children[0] (node) has all of label_ids (unknown label names → false)
  kCase,          // generic: children = when0, then0, when1, then1, …, [else]; simple:
                  // has_subject, children[0] is the subject
  kListComprehension,  // [x IN children[0] WHERE children[1] | children[2]] — slot is x;
                       // absent where/projection are null pointers
  kQuantifier,    // all/any/none/single(x IN children[0] WHERE children[1]) — slot is x
  kReduce,        // reduce(acc = children[0], x IN children[1] | children[2]) — slot is x,
                  // slot2 is acc
  kSubplan,       // pattern predicate, pattern comprehension, EXISTS {…}: subplan
};

struct BoundMapProjectionItem {
  enum class Kind { kProperty, kValue, kAllProperties };
  Kind kind;
  std::string key;
  std::optional<PropKeyId> key_id;  // kProperty
  BoundExprPtr value;               // kValue
};

struct BoundExpr {
  BoundKind kind;
  ast::Position pos;
  std::string text;  // source text, for messages

  Value value;                         // kConstant
  std::string name;                    // kParameter, kProperty (key name), kFunction
  std::optional<PropKeyId> key;        // kProperty, when the key existed at bind time
  std::vector<std::string> names;      // kMap keys
  std::vector<ast::CompareOp> ops;     // kCompare
  ast::Quantifier quantifier = ast::Quantifier::kAll;
  std::vector<std::optional<LabelId>> label_ids;  // kHasLabels (nullopt: unknown label)
  std::vector<std::string> label_names;           // kHasLabels
  const FunctionDef* function = nullptr;          // kFunction
  bool has_subject = false;                       // kCase
  bool has_else = false;                          // kCase
  int absent_bounds = 0;                          // kSlice
  int slot = -1;                                  // kSlot, iteration variable
  int slot2 = -1;                                 // kReduce accumulator
  std::vector<BoundExprPtr> children;
  std::vector<BoundMapProjectionItem> projection_items;  // kMapProjection
  std::shared_ptr<const Subplan> subplan;                // kSubplan

  static BoundExprPtr constant(Value v) {
    auto e = std::make_unique<BoundExpr>();
    e->kind = BoundKind::kConstant;
    e->value = std::move(v);
    return e;
  }
  static BoundExprPtr slotRef(int slot) {
    auto e = std::make_unique<BoundExpr>();
    e->kind = BoundKind::kSlot;
    e->slot = slot;
    return e;
  }
};

}  // namespace maestro::engine
