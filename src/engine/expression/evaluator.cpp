#include "engine/expression/evaluator.h"

#include <array>
#include <cassert>
#include <cmath>
#include <limits>
#include <regex>
#include <unordered_map>
#include <utility>

#include "engine/common/errors.h"
#include "engine/expression/expression_internal.h"

namespace maestro::engine {

namespace detail {

const NodeRecord& liveNode(uint64_t id, const EvalContext& ctx) {
  if (!ctx.graph.nodeAlive(id)) {
    throw entityNotFound("DeletedEntityAccess",
                         "Node with id " + std::to_string(id) + " has been deleted");
  }
  return ctx.graph.node(id);
}

const RelRecord& liveRel(uint64_t id, const EvalContext& ctx) {
  if (!ctx.graph.relAlive(id)) {
    throw entityNotFound("DeletedEntityAccess",
                         "Relationship with id " + std::to_string(id) + " has been deleted");
  }
  return ctx.graph.rel(id);
}

ValueMap entityProperties(const Value& entity, const EvalContext& ctx) {
  const Properties& props = entity.isNode() ? liveNode(entity.nodeId(), ctx).properties
                                            : liveRel(entity.relId(), ctx).properties;
  const NameTable& keys = ctx.graph.catalog().propertyKeys();
  ValueMap out;
  for (const auto& [key, value] : props.entries()) out.emplace(keys.name(key), value);
  return out;
}

}  // namespace detail

namespace {

using detail::liveNode;
using detail::liveRel;

// Three-valued truth.
enum class Tri : uint8_t { kFalse, kTrue, kNull };

Value fromTri(Tri t) {
  if (t == Tri::kNull) return Value();
  return Value(t == Tri::kTrue);
}

Tri fromOptional(std::optional<bool> b) {
  if (!b.has_value()) return Tri::kNull;
  return *b ? Tri::kTrue : Tri::kFalse;
}

[[noreturn]] void throwOperandType(std::string_view op, const Value& v) {
  throw typeError("InvalidArgumentType", "Cannot apply " + std::string(op) +
                                             " to a value of type " + std::string(v.typeName()));
}

[[noreturn]] void throwOperandTypes(std::string_view op, const Value& a, const Value& b) {
  throw typeError("InvalidArgumentType", "Cannot apply " + std::string(op) + " to " +
                                             std::string(a.typeName()) + " and " +
                                             std::string(b.typeName()));
}

[[noreturn]] void throwOverflow(std::string_view op) {
  throw argumentError("NumberOutOfRange", "Integer overflow in " + std::string(op) +
                                              ": the result does not fit in 64 bits");
}

[[noreturn]] void throwDivisionByZero(std::string_view op) {
  throw argumentError("NumberOutOfRange", "Integer division by zero in " + std::string(op));
}

// A boolean operand of AND/OR/XOR/NOT or a predicate (WHERE of a
// comprehension or quantifier): null is unknown, anything else but a
// boolean is a type error.
Tri truthOf(const Value& v, std::string_view op) {
  if (v.isBool()) return v.asBool() ? Tri::kTrue : Tri::kFalse;
  if (v.isNull()) return Tri::kNull;
  throw typeError("InvalidArgumentType", "Expected a boolean for " + std::string(op) + " but got " +
                                             std::string(v.typeName()));
}

// Restores a row slot when an iteration scope ends (also on exceptions), so
// a comprehension's variable never leaks into, or clobbers, the outer row.
class SlotGuard {
 public:
  SlotGuard(Row& row, int slot) : row_(row), slot_(static_cast<size_t>(slot)) {
    assert(slot >= 0 && slot_ < row.size());
    saved_ = std::exchange(row_[slot_], Value());
  }
  ~SlotGuard() { row_[slot_] = std::move(saved_); }
  SlotGuard(const SlotGuard&) = delete;
  SlotGuard& operator=(const SlotGuard&) = delete;

 private:
  Row& row_;
  size_t slot_;
  Value saved_;
};

// ---- arithmetic ----------------------------------------------------------

Value concatOrAppend(const Value& a, const Value& b) {
  ValueList out;
  if (a.isList() && b.isList()) {
    out.reserve(a.asList().size() + b.asList().size());
    out.insert(out.end(), a.asList().begin(), a.asList().end());
    out.insert(out.end(), b.asList().begin(), b.asList().end());
  } else if (a.isList()) {
    out.reserve(a.asList().size() + 1);
    out.insert(out.end(), a.asList().begin(), a.asList().end());
    out.push_back(b);
  } else {
    out.reserve(b.asList().size() + 1);
    out.push_back(a);
    out.insert(out.end(), b.asList().begin(), b.asList().end());
  }
  return Value(std::move(out));
}

Value add(const Value& a, const Value& b) {
  if (a.isNull() || b.isNull()) return Value();
  if (a.isInt() && b.isInt()) {
    int64_t r;
    if (__builtin_add_overflow(a.asInt(), b.asInt(), &r)) throwOverflow("+");
    return Value(r);
  }
  if (a.isNumber() && b.isNumber()) return Value(a.asNumber() + b.asNumber());
  if (a.isList() || b.isList()) return concatOrAppend(a, b);
  if (auto t = detail::temporalArithmetic('+', a, b)) return *t;
  if (a.isString() || b.isString()) {
    // String concatenation; a number on either side is rendered as
    // toString() would render it ('a' + 1 = 'a1', as Neo4j does).
    std::string out;
    if ((a.isString() || a.isNumber()) && (b.isString() || b.isNumber())) {
      detail::appendScalarString(out, a);
      detail::appendScalarString(out, b);
      return Value(std::move(out));
    }
  }
  throwOperandTypes("+", a, b);
}

Value subtract(const Value& a, const Value& b) {
  if (a.isNull() || b.isNull()) return Value();
  if (a.isInt() && b.isInt()) {
    int64_t r;
    if (__builtin_sub_overflow(a.asInt(), b.asInt(), &r)) throwOverflow("-");
    return Value(r);
  }
  if (a.isNumber() && b.isNumber()) return Value(a.asNumber() - b.asNumber());
  if (auto t = detail::temporalArithmetic('-', a, b)) return *t;
  throwOperandTypes("-", a, b);
}

Value multiply(const Value& a, const Value& b) {
  if (a.isNull() || b.isNull()) return Value();
  if (a.isInt() && b.isInt()) {
    int64_t r;
    if (__builtin_mul_overflow(a.asInt(), b.asInt(), &r)) throwOverflow("*");
    return Value(r);
  }
  if (a.isNumber() && b.isNumber()) return Value(a.asNumber() * b.asNumber());
  if (auto t = detail::temporalArithmetic('*', a, b)) return *t;
  throwOperandTypes("*", a, b);
}

Value divide(const Value& a, const Value& b) {
  if (a.isNull() || b.isNull()) return Value();
  if (a.isInt() && b.isInt()) {
    // Integer division truncates toward zero; dividing by zero has no
    // integer answer (floats give ±Infinity/NaN instead).
    int64_t y = b.asInt();
    if (y == 0) throwDivisionByZero("/");
    if (y == -1) {
      if (a.asInt() == std::numeric_limits<int64_t>::min()) throwOverflow("/");
      return Value(-a.asInt());
    }
    return Value(a.asInt() / y);
  }
  if (a.isNumber() && b.isNumber()) return Value(a.asNumber() / b.asNumber());
  if (auto t = detail::temporalArithmetic('/', a, b)) return *t;
  throwOperandTypes("/", a, b);
}

Value modulo(const Value& a, const Value& b) {
  if (a.isNull() || b.isNull()) return Value();
  if (a.isInt() && b.isInt()) {
    // The sign follows the dividend (as in Java and C++).
    int64_t y = b.asInt();
    if (y == 0) throwDivisionByZero("%");
    if (y == -1) return Value(int64_t{0});  // INT64_MIN % -1 is undefined in C++
    return Value(a.asInt() % y);
  }
  if (a.isNumber() && b.isNumber()) return Value(std::fmod(a.asNumber(), b.asNumber()));
  throwOperandTypes("%", a, b);
}

Value power(const Value& a, const Value& b) {
  if (a.isNull() || b.isNull()) return Value();
  // Exponentiation is always a float in Cypher (2 ^ 3 = 8.0).
  if (a.isNumber() && b.isNumber()) return Value(std::pow(a.asNumber(), b.asNumber()));
  throwOperandTypes("^", a, b);
}

Value negate(const Value& a) {
  if (a.isNull()) return Value();
  if (a.isInt()) {
    if (a.asInt() == std::numeric_limits<int64_t>::min()) throwOverflow("unary -");
    return Value(-a.asInt());
  }
  if (a.isFloat()) return Value(-a.asFloat());
  throwOperandType("unary -", a);
}

// ---- comparison -----------------------------------------------------------

Tri compareOp(const Value& a, const Value& b, ast::CompareOp op) {
  switch (op) {
    case ast::CompareOp::kEq:
      return fromOptional(cypherEquals(a, b));
    case ast::CompareOp::kNe: {
      std::optional<bool> eq = cypherEquals(a, b);
      if (!eq.has_value()) return Tri::kNull;
      return *eq ? Tri::kFalse : Tri::kTrue;
    }
    default:
      break;
  }
  Ordering o = cypherOrdering(a, b);
  if (o == Ordering::kNull) return Tri::kNull;
  if (o == Ordering::kUnordered) return Tri::kFalse;
  bool r = false;
  switch (op) {
    case ast::CompareOp::kLt:
      r = o == Ordering::kLess;
      break;
    case ast::CompareOp::kLe:
      r = o != Ordering::kGreater;
      break;
    case ast::CompareOp::kGt:
      r = o == Ordering::kGreater;
      break;
    case ast::CompareOp::kGe:
      r = o != Ordering::kLess;
      break;
    default:
      break;
  }
  return r ? Tri::kTrue : Tri::kFalse;
}

// `x IN list`: true if some element equals x; otherwise null if some
// comparison was unknown; otherwise false.
Value inList(const Value& x, const Value& list) {
  if (list.isNull()) return Value();
  if (!list.isList()) throwOperandTypes("IN", x, list);
  const ValueList& items = list.asList();
  if (items.empty()) return Value(false);
  if (x.isNull()) return Value();
  bool saw_null = false;
  for (const Value& item : items) {
    std::optional<bool> eq = cypherEquals(x, item);
    if (!eq.has_value()) {
      saw_null = true;
    } else if (*eq) {
      return Value(true);
    }
  }
  return saw_null ? Value() : Value(false);
}

// ---- regular expressions -------------------------------------------------

// Rewrites `.` outside character classes to match newlines too: the
// effect of Java's (?s), which std::regex lacks.
std::string dotAll(std::string_view pattern) {
  std::string out;
  out.reserve(pattern.size() + 8);
  bool in_class = false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '\\' && i + 1 < pattern.size()) {
      out += c;
      out += pattern[++i];
      continue;
    }
    if (in_class) {
      if (c == ']') in_class = false;
    } else if (c == '[') {
      in_class = true;
    } else if (c == '.') {
      out += "[\\s\\S]";
      continue;
    }
    out += c;
  }
  return out;
}

[[noreturn]] void throwBadRegex(const std::string& pattern, std::string_view why) {
  throw argumentError("InvalidArgumentValue",
                      "Invalid regular expression '" + pattern + "': " + std::string(why));
}

std::regex compileRegex(const std::string& pattern) {
  // Cypher patterns are Java regexes; std::regex's ECMAScript grammar is
  // the nearest. Java's leading inline flags are translated: (?i) case
  // insensitive, (?m) multiline, (?s) dot matches newline, (?u) ignored.
  auto flags = std::regex::ECMAScript;
  std::string_view body = pattern;
  bool dot_all = false;
  if (body.starts_with("(?")) {
    size_t close = body.find(')');
    std::string_view f = close == std::string_view::npos ? "" : body.substr(2, close - 2);
    bool only_flags = !f.empty() && f.find_first_not_of("imsu") == std::string_view::npos;
    if (only_flags) {
      for (char c : f) {
        if (c == 'i') flags |= std::regex::icase;
        if (c == 'm') flags |= std::regex::multiline;
        if (c == 's') dot_all = true;
      }
      body = body.substr(close + 1);
    } else if (!f.empty() && f.find_first_not_of("imsuxdU-") == std::string_view::npos) {
      throwBadRegex(pattern, "unsupported inline flags");
    }
  }
  try {
    return dot_all ? std::regex(dotAll(body), flags) : std::regex(body.begin(), body.end(), flags);
  } catch (const std::regex_error& e) {
    throwBadRegex(pattern, e.what());
  }
}

// Patterns are usually constants, so compiled regexes are cached per
// thread (no locking; a plan runs on one thread at a time).
const std::regex& cachedRegex(const std::string& pattern) {
  thread_local std::unordered_map<std::string, std::regex> cache;
  auto it = cache.find(pattern);
  if (it != cache.end()) return it->second;
  std::regex re = compileRegex(pattern);
  if (cache.size() >= 128) cache.clear();
  return cache.emplace(pattern, std::move(re)).first->second;
}

// ---- subscripts ------------------------------------------------------------

// Resolves a (possibly negative) list index; nullopt when out of range.
std::optional<size_t> listIndex(int64_t i, size_t size) {
  auto n = static_cast<int64_t>(size);
  if (i < 0) i += n;
  if (i < 0 || i >= n) return std::nullopt;
  return static_cast<size_t>(i);
}

Value subscript(const Value& target, const Value& index, EvalContext& ctx) {
  if (target.isNull()) return Value();
  switch (target.type()) {
    case Value::Type::kList: {
      if (index.isNull()) return Value();
      if (!index.isInt()) {
        throw typeError("ListElementAccessByNonInteger",
                        "List index must be an INTEGER, got " + std::string(index.typeName()));
      }
      std::optional<size_t> i = listIndex(index.asInt(), target.asList().size());
      return i ? target.asList()[*i] : Value();
    }
    case Value::Type::kMap:
    case Value::Type::kNode:
    case Value::Type::kRel: {
      if (index.isNull()) return Value();
      if (!index.isString()) {
        throw typeError("MapElementAccessByNonString",
                        "Map key must be a STRING, got " + std::string(index.typeName()));
      }
      return propertyOf(target, index.asString(), std::nullopt, ctx);
    }
    default:
      throw typeError("InvalidArgumentType",
                      "Cannot index into a value of type " + std::string(target.typeName()));
  }
}

Value slice(const BoundExpr& e, const Value& target, const Value& lo, const Value& hi) {
  if (target.isNull()) return Value();
  bool lo_absent = (e.absent_bounds & 1) != 0;
  bool hi_absent = (e.absent_bounds & 2) != 0;
  if ((!lo_absent && lo.isNull()) || (!hi_absent && hi.isNull())) return Value();
  if (!target.isList()) {
    throw typeError("InvalidArgumentType",
                    "Cannot slice a value of type " + std::string(target.typeName()));
  }
  for (const Value* b : {&lo, &hi}) {
    if (!b->isNull() && !b->isInt()) {
      throw typeError("ListElementAccessByNonInteger",
                      "List slice bounds must be INTEGER, got " + std::string(b->typeName()));
    }
  }
  const ValueList& list = target.asList();
  auto n = static_cast<int64_t>(list.size());
  auto clamp = [n](int64_t i) {
    if (i < 0) i = std::max<int64_t>(i + n, 0);  // i + n cannot overflow: i < 0 <= n
    return std::min(i, n);
  };
  int64_t from = lo_absent ? 0 : clamp(lo.asInt());
  int64_t to = hi_absent ? n : clamp(hi.asInt());
  if (from >= to) return Value(ValueList{});
  return Value(ValueList(list.begin() + from, list.begin() + to));
}

// ---- the interpreter -----------------------------------------------------

const Value kNullValue;

// The stored value of property `key` of a node or relationship, nullptr
// when it has none; EntityNotFound for a deleted entity.
const Value* storedProperty(const Value& entity, const std::string& key,
                            std::optional<PropKeyId> key_id, const EvalContext& ctx) {
  const Properties& props = entity.isNode() ? liveNode(entity.nodeId(), ctx).properties
                                            : liveRel(entity.relId(), ctx).properties;
  // A key unknown at bind time may have been created since.
  if (!key_id.has_value()) key_id = ctx.graph.catalog().propertyKeys().find(key);
  return key_id.has_value() ? props.get(*key_id) : nullptr;
}

Value eval(const BoundExpr& e, Row& row, EvalContext& ctx);

// Evaluates `e` without copying when it is a slot, constant or parameter
// (no reference-count traffic for strings and lists); otherwise into
// `scratch`. The reference lives as long as the row slot / `scratch`.
const Value& evalRef(const BoundExpr& e, Row& row, EvalContext& ctx, Value& scratch) {
  switch (e.kind) {
    case BoundKind::kSlot:
      return row[static_cast<size_t>(e.slot)];
    case BoundKind::kConstant:
      return e.value;
    case BoundKind::kProperty: {
      // n.prop on a variable, the most common operand of a predicate: read
      // the value where the graph stores it. Expressions never write the
      // graph, so it stays put while the caller uses it.
      const BoundExpr& target = *e.children[0];
      if (target.kind == BoundKind::kSlot) {
        const Value& t = row[static_cast<size_t>(target.slot)];
        if (t.isNode() || t.isRel()) {
          const Value* v = storedProperty(t, e.name, e.key, ctx);
          return v != nullptr ? *v : kNullValue;
        }
      }
      break;
    }
    default:
      break;
  }
  scratch = eval(e, row, ctx);
  return scratch;
}

Value evalParameter(const BoundExpr& e, EvalContext& ctx) {
  auto it = ctx.params.find(e.name);
  if (it == ctx.params.end()) throw parameterMissing("Expected parameter: $" + e.name);
  return it->second;
}

Value evalAnd(const BoundExpr& e, Row& row, EvalContext& ctx) {
  Value s;
  Tri a = truthOf(evalRef(*e.children[0], row, ctx, s), "AND");
  if (a == Tri::kFalse) return Value(false);
  Tri b = truthOf(evalRef(*e.children[1], row, ctx, s), "AND");
  if (b == Tri::kFalse) return Value(false);
  return fromTri(a == Tri::kTrue && b == Tri::kTrue ? Tri::kTrue : Tri::kNull);
}

Value evalOr(const BoundExpr& e, Row& row, EvalContext& ctx) {
  Value s;
  Tri a = truthOf(evalRef(*e.children[0], row, ctx, s), "OR");
  if (a == Tri::kTrue) return Value(true);
  Tri b = truthOf(evalRef(*e.children[1], row, ctx, s), "OR");
  if (b == Tri::kTrue) return Value(true);
  return fromTri(a == Tri::kFalse && b == Tri::kFalse ? Tri::kFalse : Tri::kNull);
}

Value evalXor(const BoundExpr& e, Row& row, EvalContext& ctx) {
  // No short cut: both sides always decide (and are type-checked).
  Value s;
  Tri a = truthOf(evalRef(*e.children[0], row, ctx, s), "XOR");
  Tri b = truthOf(evalRef(*e.children[1], row, ctx, s), "XOR");
  if (a == Tri::kNull || b == Tri::kNull) return Value();
  return Value(a != b);
}

Value evalCompare(const BoundExpr& e, Row& row, EvalContext& ctx) {
  // a < b < c is (a < b) AND (b < c), each operand evaluated once.
  Value s0;
  Value s1;
  const Value* left = &evalRef(*e.children[0], row, ctx, s0);
  bool saw_null = false;
  for (size_t i = 0; i < e.ops.size(); ++i) {
    Value& scratch = (i % 2 == 0) ? s1 : s0;  // never the one `left` may live in
    const Value& right = evalRef(*e.children[i + 1], row, ctx, scratch);
    Tri t = compareOp(*left, right, e.ops[i]);
    if (t == Tri::kFalse) return Value(false);
    if (t == Tri::kNull) saw_null = true;
    left = &right;
  }
  return saw_null ? Value() : Value(true);
}

Value evalStringPredicate(const BoundExpr& e, Row& row, EvalContext& ctx) {
  Value s0;
  Value s1;
  const Value& a = evalRef(*e.children[0], row, ctx, s0);
  const Value& b = evalRef(*e.children[1], row, ctx, s1);
  // Non-strings (null included) give null, not an error (String8-10 [8]).
  if (!a.isString() || !b.isString()) return Value();
  const std::string& x = a.asString();
  const std::string& y = b.asString();
  switch (e.kind) {
    case BoundKind::kStartsWith:
      return Value(x.starts_with(y));
    case BoundKind::kEndsWith:
      return Value(x.ends_with(y));
    case BoundKind::kContains:
      return Value(x.find(y) != std::string::npos);
    case BoundKind::kRegexMatch:
      return Value(std::regex_match(x, cachedRegex(y)));
    default:
      return Value();
  }
}

Value evalHasLabels(const BoundExpr& e, Row& row, EvalContext& ctx) {
  Value s;
  const Value& target = evalRef(*e.children[0], row, ctx, s);
  if (target.isNull()) return Value();
  if (!target.isNode()) throwOperandType("a label check", target);
  liveNode(target.nodeId(), ctx);
  for (size_t i = 0; i < e.label_ids.size(); ++i) {
    std::optional<LabelId> label = e.label_ids[i];
    // A label unknown when the query was bound may have been created by an
    // earlier clause of the same statement.
    if (!label.has_value() && i < e.label_names.size()) {
      label = ctx.graph.catalog().labels().find(e.label_names[i]);
    }
    if (!label.has_value() || !ctx.graph.hasLabel(target.nodeId(), *label)) return Value(false);
  }
  return Value(true);
}

Value evalCase(const BoundExpr& e, Row& row, EvalContext& ctx) {
  size_t first = e.has_subject ? 1 : 0;
  size_t end = e.children.size() - (e.has_else ? 1 : 0);
  Value subject_scratch;
  const Value* subject =
      e.has_subject ? &evalRef(*e.children[0], row, ctx, subject_scratch) : nullptr;
  Value s;
  for (size_t i = first; i + 1 < end; i += 2) {
    const Value& when = evalRef(*e.children[i], row, ctx, s);
    // Simple CASE matches by equality (null matches nothing); generic
    // CASE takes the first WHEN that is true.
    bool hit = subject != nullptr ? cypherEquals(*subject, when).value_or(false) : isTrue(when);
    if (hit) return eval(*e.children[i + 1], row, ctx);
  }
  if (e.has_else) return eval(*e.children.back(), row, ctx);
  return Value();
}

// The list a comprehension, quantifier or reduce iterates; nullptr when
// the list is null (the whole expression is then null).
const ValueList* iterationList(const Value& v, std::string_view what) {
  if (v.isNull()) return nullptr;
  if (!v.isList()) {
    throw typeError("InvalidArgumentType", std::string(what) + " needs a LIST to iterate, got " +
                                               std::string(v.typeName()));
  }
  return &v.asList();
}

Value evalListComprehension(const BoundExpr& e, Row& row, EvalContext& ctx) {
  // A copy (one reference count), not a reference into the row: the
  // iteration variable may reuse the slot the list came from.
  Value source = eval(*e.children[0], row, ctx);
  const ValueList* list = iterationList(source, "A list comprehension");
  if (list == nullptr) return Value();
  const BoundExpr* where = e.children.size() > 1 ? e.children[1].get() : nullptr;
  const BoundExpr* projection = e.children.size() > 2 ? e.children[2].get() : nullptr;
  ValueList out;
  out.reserve(where == nullptr ? list->size() : 0);
  SlotGuard guard(row, e.slot);
  Value& x = row[static_cast<size_t>(e.slot)];
  Value s;
  for (const Value& item : *list) {
    x = item;
    if (where != nullptr && truthOf(evalRef(*where, row, ctx, s), "WHERE") != Tri::kTrue) continue;
    out.push_back(projection != nullptr ? eval(*projection, row, ctx) : item);
  }
  return Value(std::move(out));
}

Value evalQuantifier(const BoundExpr& e, Row& row, EvalContext& ctx) {
  Value source = eval(*e.children[0], row, ctx);  // a copy: see evalListComprehension
  const ValueList* list = iterationList(source, "A quantifier");
  if (list == nullptr) return Value();
  assert(e.children.size() > 1 && e.children[1] != nullptr);  // the binder requires WHERE
  const BoundExpr& where = *e.children[1];
  SlotGuard guard(row, e.slot);
  Value& x = row[static_cast<size_t>(e.slot)];
  size_t trues = 0;
  bool saw_null = false;
  Value s;
  for (const Value& item : *list) {
    x = item;
    Tri t = truthOf(evalRef(where, row, ctx, s), "WHERE");
    if (t == Tri::kNull) {
      saw_null = true;
      continue;
    }
    if (t == Tri::kTrue) {
      ++trues;
      // Decided as soon as the outcome cannot change.
      if (e.quantifier == ast::Quantifier::kAny) return Value(true);
      if (e.quantifier == ast::Quantifier::kNone) return Value(false);
      if (e.quantifier == ast::Quantifier::kSingle && trues > 1) return Value(false);
    } else if (e.quantifier == ast::Quantifier::kAll) {
      return Value(false);
    }
  }
  if (saw_null) return Value();
  switch (e.quantifier) {
    case ast::Quantifier::kAll:
      return Value(true);
    case ast::Quantifier::kAny:
      return Value(false);
    case ast::Quantifier::kNone:
      return Value(true);
    case ast::Quantifier::kSingle:
      return Value(trues == 1);
  }
  return Value();
}

Value evalReduce(const BoundExpr& e, Row& row, EvalContext& ctx) {
  Value acc = eval(*e.children[0], row, ctx);
  Value source = eval(*e.children[1], row, ctx);  // a copy: see evalListComprehension
  const ValueList* list = iterationList(source, "reduce()");
  if (list == nullptr) return Value();
  SlotGuard acc_guard(row, e.slot2);
  SlotGuard x_guard(row, e.slot);
  for (const Value& item : *list) {
    row[static_cast<size_t>(e.slot2)] = std::move(acc);
    row[static_cast<size_t>(e.slot)] = item;
    acc = eval(*e.children[2], row, ctx);
  }
  return acc;
}

Value evalMapProjection(const BoundExpr& e, Row& row, EvalContext& ctx) {
  Value s;
  const Value& base = evalRef(*e.children[0], row, ctx, s);
  if (base.isNull()) return Value();
  if (!base.isMap() && !base.isNode() && !base.isRel()) throwOperandType("a map projection", base);
  ValueMap out;
  for (const BoundMapProjectionItem& item : e.projection_items) {
    switch (item.kind) {
      case BoundMapProjectionItem::Kind::kProperty:
        out.insert_or_assign(item.key, propertyOf(base, item.key, item.key_id, ctx));
        break;
      case BoundMapProjectionItem::Kind::kValue:
        out.insert_or_assign(item.key, eval(*item.value, row, ctx));
        break;
      case BoundMapProjectionItem::Kind::kAllProperties: {
        ValueMap all = base.isMap() ? base.asMap() : detail::entityProperties(base, ctx);
        for (auto& [k, v] : all) out.insert_or_assign(k, std::move(v));
        break;
      }
    }
  }
  return Value(std::move(out));
}

Value evalFunction(const BoundExpr& e, Row& row, EvalContext& ctx) {
  const FunctionDef* f = e.function;
  if (f == nullptr || !f->impl) {
    throw Error::internal("Function '" + e.name + "' cannot be evaluated as a scalar function");
  }
  // Arguments live on the stack for the common arities.
  constexpr size_t kInline = 4;
  size_t n = e.children.size();
  if (n <= kInline) {
    std::array<Value, kInline> args;
    for (size_t i = 0; i < n; ++i) args[i] = eval(*e.children[i], row, ctx);
    return f->impl(std::span<const Value>(args.data(), n), ctx);
  }
  std::vector<Value> args;
  args.reserve(n);
  for (const auto& c : e.children) args.push_back(eval(*c, row, ctx));
  return f->impl(args, ctx);
}

// Operators whose operands are plain values (evaluated in place through
// evalRef, so slot, constant and n.prop operands are not copied).
Value evalArithmetic(const BoundExpr& e, Row& row, EvalContext& ctx) {
  Value s0;
  Value s1;
  const Value& a = evalRef(*e.children[0], row, ctx, s0);
  const Value& b = evalRef(*e.children[1], row, ctx, s1);
  switch (e.kind) {
    case BoundKind::kAdd:
      return add(a, b);
    case BoundKind::kSub:
      return subtract(a, b);
    case BoundKind::kMul:
      return multiply(a, b);
    case BoundKind::kDiv:
      return divide(a, b);
    case BoundKind::kMod:
      return modulo(a, b);
    default:
      return power(a, b);
  }
}

Value evalUnary(const BoundExpr& e, Row& row, EvalContext& ctx) {
  Value s;
  const Value& a = evalRef(*e.children[0], row, ctx, s);
  switch (e.kind) {
    case BoundKind::kNot: {
      Tri t = truthOf(a, "NOT");
      if (t == Tri::kNull) return Value();
      return Value(t == Tri::kFalse);
    }
    case BoundKind::kNegate:
      return negate(a);
    case BoundKind::kIsNull:
      return Value(a.isNull());
    default:
      return Value(!a.isNull());  // kIsNotNull
  }
}

Value evalAccess(const BoundExpr& e, Row& row, EvalContext& ctx) {
  Value s0;
  Value s1;
  const Value& a = evalRef(*e.children[0], row, ctx, s0);
  switch (e.kind) {
    case BoundKind::kProperty:
      return propertyOf(a, e.name, e.key, ctx);
    case BoundKind::kIn:
      return inList(a, evalRef(*e.children[1], row, ctx, s1));
    case BoundKind::kSubscript:
      return subscript(a, evalRef(*e.children[1], row, ctx, s1), ctx);
    default: {  // kSlice
      Value s2;
      const Value& lo = evalRef(*e.children[1], row, ctx, s1);
      return slice(e, a, lo, evalRef(*e.children[2], row, ctx, s2));
    }
  }
}

Value evalList(const BoundExpr& e, Row& row, EvalContext& ctx) {
  ValueList out;
  out.reserve(e.children.size());
  for (const auto& c : e.children) out.push_back(eval(*c, row, ctx));
  return Value(std::move(out));
}

Value evalMap(const BoundExpr& e, Row& row, EvalContext& ctx) {
  ValueMap out;
  for (size_t i = 0; i < e.children.size(); ++i) {
    out.insert_or_assign(e.names[i], eval(*e.children[i], row, ctx));
  }
  return Value(std::move(out));
}

Value evalSubplan(const BoundExpr& e, Row& row, EvalContext& ctx) {
  if (ctx.subplans == nullptr || e.subplan == nullptr) {
    throw Error::internal("No subplan runner for '" + e.text + "'");
  }
  return ctx.subplans->run(*e.subplan, row);
}

Value eval(const BoundExpr& e, Row& row, EvalContext& ctx) {
  switch (e.kind) {
    case BoundKind::kConstant:
      return e.value;
    case BoundKind::kParameter:
      return evalParameter(e, ctx);
    case BoundKind::kSlot:
      return row[static_cast<size_t>(e.slot)];
    case BoundKind::kProperty:
    case BoundKind::kIn:
    case BoundKind::kSubscript:
    case BoundKind::kSlice:
      return evalAccess(e, row, ctx);
    case BoundKind::kList:
      return evalList(e, row, ctx);
    case BoundKind::kMap:
      return evalMap(e, row, ctx);
    case BoundKind::kMapProjection:
      return evalMapProjection(e, row, ctx);
    case BoundKind::kFunction:
      return evalFunction(e, row, ctx);
    case BoundKind::kNot:
    case BoundKind::kNegate:
    case BoundKind::kIsNull:
    case BoundKind::kIsNotNull:
      return evalUnary(e, row, ctx);
    case BoundKind::kAnd:
      return evalAnd(e, row, ctx);
    case BoundKind::kOr:
      return evalOr(e, row, ctx);
    case BoundKind::kXor:
      return evalXor(e, row, ctx);
    case BoundKind::kAdd:
    case BoundKind::kSub:
    case BoundKind::kMul:
    case BoundKind::kDiv:
    case BoundKind::kMod:
    case BoundKind::kPow:
      return evalArithmetic(e, row, ctx);
    case BoundKind::kCompare:
      return evalCompare(e, row, ctx);
    case BoundKind::kStartsWith:
    case BoundKind::kEndsWith:
    case BoundKind::kContains:
    case BoundKind::kRegexMatch:
      return evalStringPredicate(e, row, ctx);
    case BoundKind::kHasLabels:
      return evalHasLabels(e, row, ctx);
    case BoundKind::kCase:
      return evalCase(e, row, ctx);
    case BoundKind::kListComprehension:
      return evalListComprehension(e, row, ctx);
    case BoundKind::kQuantifier:
      return evalQuantifier(e, row, ctx);
    case BoundKind::kReduce:
      return evalReduce(e, row, ctx);
    case BoundKind::kSubplan:
      return evalSubplan(e, row, ctx);
  }
  throw Error::internal("Unknown expression kind");
}

}  // namespace

Value evaluate(const BoundExpr& expr, Row& row, EvalContext& ctx) { return eval(expr, row, ctx); }

Value propertyOf(const Value& target, const std::string& key, std::optional<PropKeyId> key_id,
                 EvalContext& ctx) {
  switch (target.type()) {
    case Value::Type::kNull:
      return Value();
    case Value::Type::kMap: {
      const ValueMap& m = target.asMap();
      auto it = m.find(key);
      return it == m.end() ? Value() : it->second;
    }
    case Value::Type::kNode:
    case Value::Type::kRel: {
      const Value* v = storedProperty(target, key, key_id, ctx);
      return v == nullptr ? Value() : *v;
    }
    case Value::Type::kDate:
    case Value::Type::kLocalTime:
    case Value::Type::kTime:
    case Value::Type::kLocalDateTime:
    case Value::Type::kDateTime:
    case Value::Type::kDuration:
      if (std::optional<Value> v = detail::temporalProperty(target, key)) return *v;
      throw argumentError("InvalidArgumentValue", "A " + std::string(target.typeName()) +
                                                      " has no component '" + key + "'");
    default:
      throw typeError("InvalidArgumentType", "Cannot access property '" + key +
                                                 "' of a value of type " +
                                                 std::string(target.typeName()));
  }
}

}  // namespace maestro::engine
