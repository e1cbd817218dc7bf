#include "engine/binder/binder.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "engine/common/errors.h"
#include "engine/expression/function_registry.h"

namespace maestro::engine {
namespace {

using ast::Expr;
using ast::ExprKind;

struct Variable {
  int slot;
  VarKind kind;
};

// Variables visible at a point of the query, by name.
using Scope = std::map<std::string, Variable>;

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view kindName(VarKind k) {
  switch (k) {
    case VarKind::kNode: return "Node";
    case VarKind::kRel: return "Relationship";
    case VarKind::kRelList: return "List<Relationship>";
    case VarKind::kPath: return "Path";
    case VarKind::kValue: return "Any";
  }
  return "Any";
}

bool isAggregateCall(const Expr& e) {
  if (e.kind == ExprKind::kCountStar) return true;
  if (e.kind != ExprKind::kFunction) return false;
  const FunctionDef* f = findFunction(e.name);
  return f != nullptr && f->aggregate;
}

// Whether `e` contains an aggregate outside nested comprehension scopes.
bool containsAggregate(const Expr& e) {
  if (isAggregateCall(e)) return true;
  for (const auto& c : e.children) {
    if (c && containsAggregate(*c)) return true;
  }
  for (const auto& alt : e.alternatives) {
    if (containsAggregate(*alt.when) || containsAggregate(*alt.then)) return true;
  }
  if (e.else_expr && containsAggregate(*e.else_expr)) return true;
  if (e.where && containsAggregate(*e.where)) return true;
  if (e.projection && containsAggregate(*e.projection)) return true;
  for (const auto& item : e.projection_items) {
    if (item.value && containsAggregate(*item.value)) return true;
  }
  return false;
}

// Constant-folds a SKIP/LIMIT literal; nullopt when it needs parameters.
std::optional<Value> literalValue(const Expr& e) {
  if (e.kind == ExprKind::kLiteral) return e.literal;
  if (e.kind == ExprKind::kUnary && e.unary_op == ast::UnaryOp::kMinus &&
      e.children[0]->kind == ExprKind::kLiteral) {
    const Value& v = e.children[0]->literal;
    if (v.isInt()) return Value(-v.asInt());
    if (v.isFloat()) return Value(-v.asFloat());
  }
  return std::nullopt;
}

bool mentionsVariable(const Expr& e) {
  if (e.kind == ExprKind::kVariable) return true;
  for (const auto& c : e.children) {
    if (c && mentionsVariable(*c)) return true;
  }
  return false;
}

// What is known at compile time about the type of an expression.
enum class SType { kAny, kNull, kBool, kInt, kFloat, kString, kList, kMap, kNode, kRel, kPath };

struct TypeInfo {
  SType type = SType::kAny;
  SType elem = SType::kAny;  // element type of a list
};

std::string_view stypeName(SType t) {
  switch (t) {
    case SType::kAny: return "Any";
    case SType::kNull: return "Null";
    case SType::kBool: return "Boolean";
    case SType::kInt: return "Integer";
    case SType::kFloat: return "Float";
    case SType::kString: return "String";
    case SType::kList: return "List";
    case SType::kMap: return "Map";
    case SType::kNode: return "Node";
    case SType::kRel: return "Relationship";
    case SType::kPath: return "Path";
  }
  return "Any";
}

SType stypeOf(const Value& v) {
  switch (v.type()) {
    case Value::Type::kNull: return SType::kNull;
    case Value::Type::kBool: return SType::kBool;
    case Value::Type::kInt: return SType::kInt;
    case Value::Type::kFloat: return SType::kFloat;
    case Value::Type::kString: return SType::kString;
    case Value::Type::kList: return SType::kList;
    case Value::Type::kMap: return SType::kMap;
    case Value::Type::kNode: return SType::kNode;
    case Value::Type::kRel: return SType::kRel;
    case Value::Type::kPath: return SType::kPath;
    // Temporal values have no static type of their own: the checks that
    // use static types do not concern them (their property access is
    // checked at runtime).
    case Value::Type::kDate:
    case Value::Type::kLocalTime:
    case Value::Type::kTime:
    case Value::Type::kLocalDateTime:
    case Value::Type::kDateTime:
    case Value::Type::kDuration: return SType::kAny;
  }
  return SType::kAny;
}

bool isNumber(SType t) { return t == SType::kInt || t == SType::kFloat; }

// Whether a value of static type `t` can be one of `allowed` (unknown and
// null always can).
bool mayBe(SType t, std::initializer_list<SType> allowed) {
  if (t == SType::kAny || t == SType::kNull) return true;
  return std::find(allowed.begin(), allowed.end(), t) != allowed.end();
}

class Binder {
 public:
  explicit Binder(const Catalog& catalog) : catalog_(catalog) {}

  BoundQuery bind(const ast::Query& query) {
    BoundQuery out;
    out.mode = query.mode;
    out.union_all = query.union_all;
    if (query.union_all.size() > 1) {
      for (bool all : query.union_all) {
        if (all != query.union_all.front()) {
          throw syntaxError("InvalidClauseComposition",
                            "Invalid combination of UNION and UNION ALL");
        }
      }
    }
    for (size_t i = 0; i < query.parts.size(); ++i) {
      scope_.clear();
      std::vector<std::string> columns;
      out.parts.push_back(bindSingle(query.parts[i], columns));
      if (i == 0) {
        out.columns = columns;
      } else if (columns != out.columns) {
        throw syntaxError("DifferentColumnsInUnion",
                          "All sub queries in a UNION must have the same return column names");
      }
    }
    out.num_slots = next_slot_;
    out.writes = writes_;
    out.schema_change = schema_change_;
    return out;
  }

 private:
  // ---- clauses -------------------------------------------------------------

  BoundSingleQuery bindSingle(const ast::SingleQuery& q, std::vector<std::string>& columns) {
    BoundSingleQuery out;
    const size_t n = q.clauses.size();
    for (size_t i = 0; i < n; ++i) {
      const ast::Clause& clause = q.clauses[i];
      bool last = i + 1 == n;
      std::visit(
          [&](const auto& c) {
            using T = std::decay_t<decltype(c)>;
            if constexpr (std::is_same_v<T, ast::MatchClause>) {
              out.clauses.push_back(bindMatch(c));
            } else if constexpr (std::is_same_v<T, ast::UnwindClause>) {
              out.clauses.push_back(bindUnwind(c));
            } else if constexpr (std::is_same_v<T, ast::WithClause>) {
              out.clauses.push_back(bindProjection(c.projection, c.where.get(), false));
            } else if constexpr (std::is_same_v<T, ast::ReturnClause>) {
              if (!last) {
                throw syntaxError("InvalidClauseComposition", "RETURN can only be used at the end "
                                                              "of the query");
              }
              auto proj = bindProjection(c.projection, nullptr, true);
              columns = proj.columns;
              out.clauses.push_back(std::move(proj));
            } else if constexpr (std::is_same_v<T, ast::CreateClause>) {
              writes_ = true;
              out.clauses.push_back(bindCreate(c));
            } else if constexpr (std::is_same_v<T, ast::MergeClause>) {
              writes_ = true;
              out.clauses.push_back(bindMerge(c));
            } else if constexpr (std::is_same_v<T, ast::SetClause>) {
              writes_ = true;
              BoundSet s;
              for (const auto& item : c.items) s.items.push_back(bindSetItem(item));
              out.clauses.push_back(std::move(s));
            } else if constexpr (std::is_same_v<T, ast::RemoveClause>) {
              writes_ = true;
              out.clauses.push_back(bindRemove(c));
            } else if constexpr (std::is_same_v<T, ast::DeleteClause>) {
              writes_ = true;
              out.clauses.push_back(bindDelete(c));
            } else if constexpr (std::is_same_v<T, ast::CallClause>) {
              throw procedureError("ProcedureNotFound",
                                   "There is no procedure with the name `" + c.procedure +
                                       "` registered for this database instance");
            } else if constexpr (std::is_same_v<T, ast::CreateIndexClause>) {
              if (n != 1) {
                throw syntaxError("InvalidClauseComposition",
                                  "CREATE INDEX cannot be combined with other clauses");
              }
              if (c.properties.size() != 1) {
                throw syntaxError("UnexpectedSyntax",
                                  "an index covers exactly one property for now");
              }
              writes_ = schema_change_ = true;
              out.clauses.push_back(
                  BoundCreateIndex{c.name, c.if_not_exists, c.label, c.properties.front()});
            } else if constexpr (std::is_same_v<T, ast::DropIndexClause>) {
              if (n != 1) {
                throw syntaxError("InvalidClauseComposition",
                                  "DROP INDEX cannot be combined with other clauses");
              }
              writes_ = schema_change_ = true;
              out.clauses.push_back(BoundDropIndex{
                  c.name, c.if_exists, c.label,
                  c.properties.empty() ? std::string() : c.properties.front()});
            }
          },
          clause.body);
    }
    if (n > 0) {
      const auto& last = q.clauses.back().body;
      bool ends_ok = std::holds_alternative<ast::ReturnClause>(last) ||
                     std::holds_alternative<ast::CreateClause>(last) ||
                     std::holds_alternative<ast::MergeClause>(last) ||
                     std::holds_alternative<ast::SetClause>(last) ||
                     std::holds_alternative<ast::RemoveClause>(last) ||
                     std::holds_alternative<ast::DeleteClause>(last) ||
                     std::holds_alternative<ast::CallClause>(last) ||
                     std::holds_alternative<ast::CreateIndexClause>(last) ||
                     std::holds_alternative<ast::DropIndexClause>(last);
      if (!ends_ok) {
        throw syntaxError("InvalidClauseComposition",
                          "Query cannot conclude with " + clauseName(last) +
                              " (must be a RETURN clause, an update clause, or a procedure call)");
      }
    }
    return out;
  }

  static std::string clauseName(const ast::ClauseBody& body) {
    if (std::holds_alternative<ast::MatchClause>(body)) return "MATCH";
    if (std::holds_alternative<ast::WithClause>(body)) return "WITH";
    if (std::holds_alternative<ast::UnwindClause>(body)) return "UNWIND";
    return "this clause";
  }

  BoundMatch bindMatch(const ast::MatchClause& c) {
    BoundMatch m;
    m.optional = c.optional;
    m.hints = c.hints;
    m.graph = bindPattern(c.pattern, PatternMode::kMatch, &m.new_slots);
    if (c.where) {
      checkNoAggregate(*c.where, "WHERE");
      auto where = bindExpr(*c.where);
      checkPredicate(*where);
      splitConjuncts(std::move(where), m.predicates);
    }
    return m;
  }

  BoundUnwind bindUnwind(const ast::UnwindClause& c) {
    BoundUnwind u;
    checkNoAggregate(*c.list, "UNWIND");
    u.list = bindExpr(*c.list);
    if (scope_.count(c.variable)) {
      throw syntaxError("VariableAlreadyBound",
                        "Variable `" + c.variable + "` already declared");
    }
    u.slot = newSlot();
    slot_types_[u.slot] = {typeOf(*u.list).type == SType::kList ? typeOf(*u.list).elem
                                                                 : SType::kAny};
    scope_[c.variable] = {u.slot, VarKind::kValue};
    return u;
  }

  BoundCreate bindCreate(const ast::CreateClause& c) {
    BoundCreate out;
    out.graph = bindPattern(c.pattern, PatternMode::kCreate, nullptr);
    return out;
  }

  BoundMerge bindMerge(const ast::MergeClause& c) {
    BoundMerge m;
    m.graph = bindPatternParts({&c.pattern}, PatternMode::kMerge, &m.new_slots);
    for (const auto& item : c.on_create) m.on_create.push_back(bindSetItem(item));
    for (const auto& item : c.on_match) m.on_match.push_back(bindSetItem(item));
    return m;
  }

  BoundSetItem bindSetItem(const ast::SetItem& item) {
    BoundSetItem s;
    s.kind = item.kind;
    switch (item.kind) {
      case ast::SetItem::Kind::kProperty: {
        const Expr& target = *item.target;  // kProperty expression
        s.target = bindExpr(*target.children[0]);
        s.key = target.name;
        s.value = bindExpr(*item.value);
        break;
      }
      case ast::SetItem::Kind::kReplace:
      case ast::SetItem::Kind::kMerge:
        s.target = bindVariable(item.variable, item.pos);
        s.value = bindExpr(*item.value);
        break;
      case ast::SetItem::Kind::kLabels:
        s.target = bindVariable(item.variable, item.pos);
        requireKind(item.variable, VarKind::kNode);
        s.labels = item.labels;
        break;
    }
    if (s.value) checkNoAggregate(*item.value, "SET");
    return s;
  }

  BoundRemove bindRemove(const ast::RemoveClause& c) {
    BoundRemove r;
    for (const auto& item : c.items) {
      BoundRemoveItem b;
      b.kind = item.kind;
      if (item.kind == ast::RemoveItem::Kind::kProperty) {
        b.target = bindExpr(*item.target->children[0]);
        b.key = item.target->name;
      } else {
        b.target = bindVariable(item.variable, item.pos);
        requireKind(item.variable, VarKind::kNode);
        b.labels = item.labels;
      }
      r.items.push_back(std::move(b));
    }
    return r;
  }

  BoundDelete bindDelete(const ast::DeleteClause& c) {
    BoundDelete d;
    d.detach = c.detach;
    for (const auto& t : c.targets) {
      checkNoAggregate(*t, "DELETE");
      // Only nodes, relationships and paths (or expressions yielding them,
      // checked at runtime) can be deleted.
      if (t->kind == ExprKind::kLabelCheck) {
        throw syntaxError("InvalidDelete", "DELETE expects a node, relationship or path, not a "
                                           "label expression: " + t->text);
      }
      auto target = bindExpr(*t);
      if (!mayBe(typeOf(*target).type, {SType::kNode, SType::kRel, SType::kPath, SType::kList,
                                         SType::kMap})) {
        throw syntaxError("InvalidArgumentType",
                          "Type mismatch: expected Node, Path or Relationship but was " +
                              std::string(stypeName(typeOf(*target).type)) + " (" + t->text + ")");
      }
      d.targets.push_back(std::move(target));
    }
    return d;
  }

  // WITH and RETURN.
  BoundProjection bindProjection(const ast::Projection& p, const Expr* where, bool is_return) {
    BoundProjection out;
    out.is_return = is_return;
    out.distinct = p.distinct;
    Scope old_scope = scope_;

    struct Item {
      const Expr* expr;
      std::string column;
      bool aggregate;
      std::optional<Variable> var;  // a bare variable keeps its kind
    };
    std::vector<Item> items;
    if (p.star) {
      if (is_return && scope_.empty() && p.items.empty()) {
        throw syntaxError("NoVariablesInScope",
                          std::string(is_return ? "RETURN" : "WITH") +
                              " * is not allowed when there are no variables in scope");
      }
      for (const auto& [name, var] : scope_) {
        star_exprs_.push_back(std::make_unique<Expr>());
        Expr& e = *star_exprs_.back();
        e.kind = ExprKind::kVariable;
        e.name = name;
        e.text = name;
        items.push_back({&e, name, false, var});
      }
    }
    std::set<std::string> seen;
    for (const auto& item : items) seen.insert(item.column);
    for (const auto& ri : p.items) {
      std::string column = ri.alias.empty() ? ri.expr->text : ri.alias;
      if (!is_return && ri.alias.empty() && ri.expr->kind != ExprKind::kVariable) {
        throw syntaxError("NoExpressionAlias",
                          "Expression in WITH must be aliased (use AS): " + ri.expr->text);
      }
      if (!seen.insert(column).second) {
        throw syntaxError("ColumnNameConflict",
                          "Multiple result columns with the same name are not supported: `" +
                              column + "`");
      }
      std::optional<Variable> var;
      if (ri.expr->kind == ExprKind::kVariable) {
        auto it = scope_.find(ri.expr->name);
        if (it != scope_.end()) var = it->second;
      }
      items.push_back({ri.expr.get(), column, containsAggregate(*ri.expr), var});
    }

    bool aggregating = std::any_of(items.begin(), items.end(), [](const Item& i) {
      return i.aggregate;
    });

    Scope new_scope;
    // Output slots: a projected variable gets a fresh slot too, so that later
    // scopes never alias earlier ones.
    std::vector<int> slots;
    for (auto& item : items) {
      int slot = newSlot();
      slots.push_back(slot);
      out.output_slots.push_back(slot);
      out.columns.push_back(item.column);
    }

    if (!aggregating) {
      for (size_t i = 0; i < items.size(); ++i) {
        BoundItem b;
        b.expr = bindExpr(*items[i].expr);
        b.slot = slots[i];
        b.column = items[i].column;
        out.items.push_back(std::move(b));
      }
    } else {
      // Grouping keys first (in the old scope), then aggregate items whose
      // non-aggregated parts must be grouping keys.
      std::vector<std::pair<const Expr*, int>> keys;
      for (size_t i = 0; i < items.size(); ++i) {
        if (items[i].aggregate) continue;
        BoundItem b;
        b.expr = bindExpr(*items[i].expr);
        b.slot = slots[i];
        b.column = items[i].column;
        out.items.push_back(std::move(b));
        keys.push_back({items[i].expr, slots[i]});
      }
      for (size_t i = 0; i < items.size(); ++i) {
        if (!items[i].aggregate) continue;
        BoundItem b;
        b.expr = bindAggregateItem(*items[i].expr, keys, out.aggregates);
        b.slot = slots[i];
        b.column = items[i].column;
        out.post.push_back(std::move(b));
      }
    }

    for (size_t i = 0; i < items.size(); ++i) {
      VarKind kind = items[i].var ? items[i].var->kind : VarKind::kValue;
      new_scope[items[i].column] = {slots[i], kind};
    }
    for (const auto& item : out.items) slot_types_[item.slot] = typeOf(*item.expr);

    // Grouping keys that aggregate expressions may refer to.
    std::vector<std::pair<const Expr*, int>> keys;
    for (size_t i = 0; i < items.size(); ++i) {
      if (!items[i].aggregate) keys.push_back({items[i].expr, slots[i]});
    }

    // ORDER BY and WITH … WHERE see the projected columns and, unless the
    // projection aggregates or is DISTINCT, the variables before it.
    bool projected_only = aggregating || p.distinct;
    Scope wide_scope = projected_only ? Scope{} : old_scope;
    for (const auto& [name, var] : new_scope) wide_scope[name] = var;

    for (const auto& sort : p.order_by) {
      BoundSortKey key;
      key.descending = sort.descending;
      Scope saved = scope_;
      scope_ = wide_scope;
      if (projected_only) {
        key.expr = bindProjected(*sort.expr, items, slots, containsAggregate(*sort.expr));
      } else {
        if (containsAggregate(*sort.expr)) {
          scope_ = saved;
          throw syntaxError("InvalidAggregation",
                            "Invalid use of aggregating function in ORDER BY: " + sort.expr->text);
        }
        key.expr = bindExpr(*sort.expr);
      }
      scope_ = saved;
      out.order_by.push_back(std::move(key));
    }
    out.skip = bindSkipLimit(p.skip.get(), "SKIP");
    out.limit = bindSkipLimit(p.limit.get(), "LIMIT");

    if (where) {
      checkNoAggregate(*where, "WHERE");
      scope_ = wide_scope;
      out.where = projected_only ? bindProjected(*where, items, slots, false) : bindExpr(*where);
      checkPredicate(*out.where);
    }
    scope_ = std::move(new_scope);
    return out;
  }

  // Binds an expression evaluated after an aggregating or DISTINCT
  // projection: whole sub-expressions equal to a projected item read its
  // column, an aggregate must be one that is projected, and variables must
  // be projected. Inside an expression that aggregates, only simple items
  // (variables, property reads) may be reused this way; a complex one
  // (`a.x + b.y`) is ambiguous.
  template <typename Items>
  BoundExprPtr bindProjected(const Expr& e, const Items& items, const std::vector<int>& slots,
                             bool aggregating_expr, bool top = true) {
    for (size_t i = 0; i < items.size(); ++i) {
      if (items[i].expr->text != e.text) continue;
      bool simple = e.kind == ExprKind::kVariable || e.kind == ExprKind::kProperty ||
                    isAggregateCall(e);
      if (!simple && aggregating_expr && !top) {
        throw syntaxError("AmbiguousAggregationExpression",
                          "Complex grouping expression " + e.text +
                              " cannot be reused inside an aggregating expression");
      }
      auto ref = BoundExpr::slotRef(slots[i]);
      ref->text = e.text;
      return ref;
    }
    if (isAggregateCall(e)) {
      // Not projected: its arguments must still be visible (they usually are
      // not, which is the mistake to report).
      for (const auto& arg : e.children) bindExpr(*arg);
      throw syntaxError("InvalidAggregation",
                        "Aggregation " + e.text + " in ORDER BY must also be projected");
    }
    if (e.kind == ExprKind::kVariable || e.kind == ExprKind::kLiteral ||
        e.kind == ExprKind::kParameter || e.children.empty()) {
      return bindExpr(e);
    }
    return bindExprWith(e, [&](const Expr& child) {
      return bindProjected(child, items, slots, aggregating_expr, false);
    });
  }

  BoundExprPtr bindSkipLimit(const Expr* e, const char* what) {
    if (e == nullptr) return nullptr;
    if (mentionsVariable(*e)) {
      throw syntaxError("NonConstantExpression",
                        std::string("It is not allowed to refer to variables in ") + what);
    }
    if (auto v = literalValue(*e)) {
      if (!v->isInt()) {
        throw syntaxError("InvalidArgumentType", std::string(what) +
                                                     ": expected a non-negative integer, got " +
                                                     toDebugString(*v));
      }
      if (v->asInt() < 0) {
        throw syntaxError("NegativeIntegerArgument",
                          std::string(what) + ": expected a non-negative integer, got " +
                              std::to_string(v->asInt()));
      }
    }
    Scope saved = scope_;
    scope_.clear();
    auto bound = bindExpr(*e);
    scope_ = saved;
    return bound;
  }

  // Binds an expression that contains aggregates: each aggregate call becomes
  // a BoundAggregate (arguments in the pre-projection scope) read back from
  // its slot; other parts must be grouping keys.
  BoundExprPtr bindAggregateItem(const Expr& e, const std::vector<std::pair<const Expr*, int>>& keys,
                                 std::vector<BoundAggregate>& aggregates) {
    if (isAggregateCall(e)) {
      BoundAggregate agg;
      agg.slot = newSlot();
      if (e.kind == ExprKind::kCountStar) {
        agg.name = "count";
      } else {
        agg.function = findFunction(e.name);
        agg.name = lower(agg.function->name);
        agg.distinct = e.distinct;
        checkArity(*agg.function, e);
        for (const auto& arg : e.children) {
          if (containsAggregate(*arg)) {
            throw syntaxError("NestedAggregation",
                              "Can't use aggregate functions inside of aggregate functions");
          }
          agg.args.push_back(bindExpr(*arg));
          if (!isDeterministic(*agg.args.back())) {
            throw syntaxError("NonConstantExpression",
                              "Aggregating over a non-deterministic expression: " + arg->text);
          }
        }
      }
      int slot = agg.slot;
      aggregates.push_back(std::move(agg));
      return BoundExpr::slotRef(slot);
    }
    for (const auto& [key_expr, slot] : keys) {
      if (key_expr->text != e.text) continue;
      if (e.kind != ExprKind::kVariable && e.kind != ExprKind::kProperty) {
        throw syntaxError("AmbiguousAggregationExpression",
                          "Complex grouping expression " + e.text +
                              " cannot be reused inside an aggregating expression");
      }
      return BoundExpr::slotRef(slot);
    }
    if (e.kind == ExprKind::kVariable) {
      throw syntaxError("AmbiguousAggregationExpression",
                        "Expression mixes aggregation with a variable that is not a grouping "
                        "key: " + e.name);
    }
    if (e.kind == ExprKind::kLiteral || e.kind == ExprKind::kParameter) return bindExpr(e);
    if (!containsAggregate(e)) {
      // e.g. a literal or a function of grouping keys only: grouping keys
      // are substituted below, anything else is ambiguous.
      if (e.kind == ExprKind::kPatternComprehension || e.kind == ExprKind::kPatternPredicate) {
        return bindExpr(e);
      }
    }
    // Rebuild this node with its children bound recursively.
    return bindExprWith(e, [&](const Expr& child) {
      return bindAggregateItem(child, keys, aggregates);
    });
  }

  // ---- patterns ------------------------------------------------------------

  enum class PatternMode { kMatch, kCreate, kMerge, kPredicate, kComprehension };

  QueryGraph bindPattern(const ast::Pattern& pattern, PatternMode mode,
                         std::vector<int>* new_slots) {
    std::vector<const ast::PatternPart*> parts;
    for (const auto& part : pattern.parts) parts.push_back(&part);
    return bindPatternParts(parts, mode, new_slots);
  }

  QueryGraph bindPatternParts(const std::vector<const ast::PatternPart*>& parts, PatternMode mode,
                              std::vector<int>* new_slots) {
    QueryGraph g;
    std::map<std::string, int> local_nodes;
    std::map<std::string, int> local_rels;
    std::set<std::string> path_names;  // path variables declared in this pattern
    bool creating = mode == PatternMode::kCreate || mode == PatternMode::kMerge;

    auto bindProps = [&](const ast::ExprPtr& props, auto& target) {
      if (!props) return;
      if (props->kind == ExprKind::kMap) {
        for (size_t i = 0; i < props->names.size(); ++i) {
          checkNoAggregate(*props->children[i], "a pattern");
          target.properties.emplace_back(props->names[i], bindExpr(*props->children[i]));
        }
      } else {
        if (mode == PatternMode::kMatch || mode == PatternMode::kMerge) {
          throw syntaxError("InvalidParameterUse",
                            "Parameter maps cannot be used in MATCH or MERGE patterns (use a "
                            "literal map, e.g. {id: $props.id})");
        }
        target.properties_map = bindExpr(*props);
      }
    };

    auto bindNode = [&](const ast::NodePattern& np) -> int {
      if (path_names.count(np.variable)) {
        throw syntaxError("VariableTypeConflict", "Variable `" + np.variable +
                                                      "` is a path, not a node");
      }
      if (!np.variable.empty()) {
        auto local = local_nodes.find(np.variable);
        if (local != local_nodes.end()) {
          PatternNode& existing = g.nodes[local->second];
          if (creating && (!np.labels.empty() || np.properties)) {
            throw syntaxError("VariableAlreadyBound",
                              "Can't create node `" + np.variable + "` with labels or properties "
                              "here. The variable is already declared in this context");
          }
          for (const auto& l : np.labels) existing.labels.push_back(l);
          bindProps(np.properties, existing);
          return local->second;
        }
        if (local_rels.count(np.variable)) {
          throw syntaxError("VariableTypeConflict",
                            "Type mismatch: `" + np.variable + "` defined with conflicting type "
                            "Relationship (expected Node)");
        }
      }
      PatternNode node;
      node.name = np.variable;
      node.pos = np.pos;
      node.labels = np.labels;
      auto it = np.variable.empty() ? scope_.end() : scope_.find(np.variable);
      if (it != scope_.end()) {
        if ((it->second.kind != VarKind::kNode && it->second.kind != VarKind::kValue) ||
            !mayBe(slotType(it->second.slot).type, {SType::kNode})) {
          throw syntaxError("VariableTypeConflict",
                            "Type mismatch: `" + np.variable + "` defined with conflicting type " +
                                std::string(it->second.kind == VarKind::kValue
                                                ? stypeName(slotType(it->second.slot).type)
                                                : kindName(it->second.kind)) +
                                " (expected Node)");
        }
        if (creating && (!np.labels.empty() || np.properties)) {
          throw syntaxError("VariableAlreadyBound",
                            "Can't create node `" + np.variable + "` with labels or properties "
                            "here. The variable is already declared in this context");
        }
        node.bound = true;
        node.slot = it->second.slot;
      } else {
        if (mode == PatternMode::kPredicate && !np.variable.empty()) {
          throw syntaxError("UndefinedVariable", "Variable `" + np.variable + "` not defined");
        }
        node.slot = newSlot();
        slot_types_[node.slot] = {SType::kNode};
        if (new_slots) new_slots->push_back(node.slot);
      }
      bindProps(np.properties, node);
      g.nodes.push_back(std::move(node));
      int idx = static_cast<int>(g.nodes.size()) - 1;
      if (!np.variable.empty()) {
        local_nodes[np.variable] = idx;
        if (it == scope_.end()) scope_[np.variable] = {g.nodes[idx].slot, VarKind::kNode};
      }
      return idx;
    };

    for (const ast::PatternPart* part : parts) {
      PatternPath path;
      path.kind = part->kind;
      if (!part->path_variable.empty()) {
        if (scope_.count(part->path_variable) || local_nodes.count(part->path_variable) ||
            local_rels.count(part->path_variable)) {
          throw syntaxError("VariableAlreadyBound",
                            "Variable `" + part->path_variable + "` already declared");
        }
      }
      if (part->kind != ast::PatternPart::Kind::kNormal) {
        if (part->rels.size() != 1) {
          throw syntaxError("InvalidArgumentType",
                            "shortestPath(…) requires a pattern with exactly one relationship");
        }
        if (creating) {
          throw syntaxError("UnexpectedSyntax", "shortestPath(…) cannot be used to create");
        }
      }
      if (creating && part->rels.empty() && !part->nodes[0].variable.empty() &&
          (scope_.count(part->nodes[0].variable) ||
           local_nodes.count(part->nodes[0].variable))) {
        throw syntaxError("VariableAlreadyBound",
                          "Can't create node `" + part->nodes[0].variable +
                              "`: the variable is already declared in this context");
      }
      path.nodes.push_back(bindNode(part->nodes[0]));
      for (size_t i = 0; i < part->rels.size(); ++i) {
        const ast::RelPattern& rp = part->rels[i];
        int left = path.nodes.back();
        int right = bindNode(part->nodes[i + 1]);
        PatternRel rel;
        rel.name = rp.variable;
        rel.pos = rp.pos;
        rel.types = rp.types;
        rel.left = left;
        rel.right = right;
        rel.dir = rp.direction == ast::Direction::kRight  ? Dir::kOut
                  : rp.direction == ast::Direction::kLeft ? Dir::kIn
                                                          : Dir::kBoth;
        rel.var_length = rp.variable_length;
        if (rp.variable_length) {
          // A maximum below the minimum simply matches nothing.
          rel.min_hops = rp.min_hops.value_or(1);
          rel.max_hops = rp.max_hops.value_or(-1);
        }
        if (creating && !rp.variable.empty() &&
            (scope_.count(rp.variable) || local_rels.count(rp.variable))) {
          throw syntaxError("VariableAlreadyBound",
                            "Can't create relationship `" + rp.variable +
                                "`: the variable is already declared in this context");
        }
        if (creating) {
          if (rp.types.size() != 1) {
            throw syntaxError("NoSingleRelationshipType",
                              "A single relationship type must be specified for " +
                                  std::string(mode == PatternMode::kCreate ? "CREATE" : "MERGE"));
          }
          if (mode == PatternMode::kCreate && rp.direction == ast::Direction::kBoth) {
            throw syntaxError("RequiresDirectedRelationship",
                              "Only directed relationships are supported in CREATE");
          }
          if (rp.variable_length) {
            throw syntaxError("CreatingVarLength",
                              "Variable length relationships cannot be used in " +
                                  std::string(mode == PatternMode::kCreate ? "CREATE" : "MERGE"));
          }
        }
        if (path_names.count(rp.variable)) {
          throw syntaxError("VariableTypeConflict", "Variable `" + rp.variable +
                                                        "` is a path, not a relationship");
        }
        if (!rp.variable.empty()) {
          if (local_rels.count(rp.variable)) {
            if (creating) {
              throw syntaxError("VariableAlreadyBound",
                                "Can't create relationship `" + rp.variable +
                                    "`: the variable is already declared in this context");
            }
            throw syntaxError("RelationshipUniquenessViolation",
                              "Cannot use the same relationship variable '" + rp.variable +
                                  "' for multiple relationships");
          }
          if (local_nodes.count(rp.variable)) {
            throw syntaxError("VariableTypeConflict",
                              "Type mismatch: `" + rp.variable + "` defined with conflicting type "
                              "Node (expected Relationship)");
          }
          auto it = scope_.find(rp.variable);
          if (it != scope_.end()) {
            if (creating) {
              throw syntaxError("VariableAlreadyBound",
                                "Can't create relationship `" + rp.variable +
                                    "`: the variable is already declared in this context");
            }
            VarKind want = rp.variable_length ? VarKind::kRelList : VarKind::kRel;
            SType declared = slotType(it->second.slot).type;
            if ((it->second.kind != want && it->second.kind != VarKind::kValue) ||
                !mayBe(declared, {rp.variable_length ? SType::kList : SType::kRel})) {
              throw syntaxError("VariableTypeConflict",
                                "Type mismatch: `" + rp.variable + "` defined with conflicting "
                                "type " + std::string(kindName(it->second.kind)) + " (expected " +
                                    std::string(kindName(want)) + ")");
            }
            rel.bound = true;
            rel.slot = it->second.slot;
          } else if (mode == PatternMode::kPredicate) {
            throw syntaxError("UndefinedVariable", "Variable `" + rp.variable + "` not defined");
          }
        }
        if (!rel.bound) {
          rel.slot = newSlot();
          slot_types_[rel.slot] = rp.variable_length ? TypeInfo{SType::kList, SType::kRel}
                                                     : TypeInfo{SType::kRel};
          if (new_slots) new_slots->push_back(rel.slot);
        }
        bindProps(rp.properties, rel);
        g.rels.push_back(std::move(rel));
        int idx = static_cast<int>(g.rels.size()) - 1;
        if (!rp.variable.empty()) {
          local_rels[rp.variable] = idx;
          if (!g.rels[idx].bound) {
            scope_[rp.variable] = {g.rels[idx].slot,
                                   rp.variable_length ? VarKind::kRelList : VarKind::kRel};
          }
        }
        path.rels.push_back(idx);
        path.nodes.push_back(right);
      }
      if (!part->path_variable.empty()) {
        if (local_nodes.count(part->path_variable) || local_rels.count(part->path_variable)) {
          throw syntaxError("VariableAlreadyBound",
                            "Variable `" + part->path_variable + "` already declared");
        }
        path.slot = newSlot();
        slot_types_[path.slot] = {SType::kPath};
        path_names.insert(part->path_variable);
        if (new_slots) new_slots->push_back(path.slot);
        scope_[part->path_variable] = {path.slot, VarKind::kPath};
      }
      g.paths.push_back(std::move(path));
    }
    return g;
  }

  // ---- expressions ---------------------------------------------------------

  BoundExprPtr bindVariable(const std::string& name, const ast::Position& pos) {
    auto it = scope_.find(name);
    if (it == scope_.end()) {
      throw syntaxError("UndefinedVariable", "Variable `" + name + "` not defined");
    }
    auto e = BoundExpr::slotRef(it->second.slot);
    e->pos = pos;
    e->text = name;
    return e;
  }

  void requireKind(const std::string& name, VarKind kind) {
    auto it = scope_.find(name);
    if (it != scope_.end() && it->second.kind != kind && it->second.kind != VarKind::kValue) {
      throw syntaxError("VariableTypeConflict",
                        "Type mismatch: expected " + std::string(kindName(kind)) + " but `" +
                            name + "` is " + std::string(kindName(it->second.kind)));
    }
  }

  void checkNoAggregate(const Expr& e, const char* where) {
    if (containsAggregate(e)) {
      throw syntaxError("InvalidAggregation",
                        std::string("Invalid use of aggregating function in ") + where);
    }
  }

  static void splitConjuncts(BoundExprPtr e, std::vector<BoundExprPtr>& out) {
    if (e->kind == BoundKind::kAnd) {
      splitConjuncts(std::move(e->children[0]), out);
      splitConjuncts(std::move(e->children[1]), out);
      return;
    }
    out.push_back(std::move(e));
  }

  void checkArity(const FunctionDef& f, const Expr& e) {
    int n = static_cast<int>(e.children.size());
    if (n < f.min_args || (f.max_args >= 0 && n > f.max_args)) {
      throw syntaxError("InvalidNumberOfArguments",
                        "Function " + f.name + " called with " + std::to_string(n) +
                            " argument(s); it takes " + std::to_string(f.min_args) +
                            (f.max_args == f.min_args ? ""
                             : f.max_args < 0       ? " or more"
                                                    : " to " + std::to_string(f.max_args)));
    }
  }

  BoundExprPtr bindExpr(const Expr& e) {
    return bindExprWith(e, [this](const Expr& child) { return bindExpr(child); });
  }

  // Binds `e`, using `child` to bind its direct sub-expressions (so that
  // aggregate extraction can substitute grouping keys deep inside), and
  // checks the operand types that are known at compile time.
  BoundExprPtr bindExprWith(const Expr& e, const std::function<BoundExprPtr(const Expr&)>& child) {
    BoundExprPtr out = bindExprImpl(e, child);
    checkTypes(*out);
    return out;
  }

  BoundExprPtr bindExprImpl(const Expr& e, const std::function<BoundExprPtr(const Expr&)>& child) {
    auto out = std::make_unique<BoundExpr>();
    out->pos = e.pos;
    out->text = e.text;
    auto bindChildren = [&] {
      for (const auto& c : e.children) out->children.push_back(c ? child(*c) : nullptr);
    };
    switch (e.kind) {
      case ExprKind::kLiteral:
        out->kind = BoundKind::kConstant;
        out->value = e.literal;
        return out;
      case ExprKind::kParameter:
        out->kind = BoundKind::kParameter;
        out->name = e.name;
        return out;
      case ExprKind::kVariable: {
        auto v = bindVariable(e.name, e.pos);
        v->text = e.text;
        return v;
      }
      case ExprKind::kProperty:
        out->kind = BoundKind::kProperty;
        out->name = e.name;
        out->key = catalog_.propertyKeys().find(e.name);
        bindChildren();
        return out;
      case ExprKind::kList:
        out->kind = BoundKind::kList;
        bindChildren();
        return out;
      case ExprKind::kMap:
        out->kind = BoundKind::kMap;
        out->names = e.names;
        bindChildren();
        return out;
      case ExprKind::kMapProjection: {
        out->kind = BoundKind::kMapProjection;
        out->children.push_back(bindVariable(e.name, e.pos));
        for (const auto& item : e.projection_items) {
          BoundMapProjectionItem b;
          switch (item.kind) {
            case ast::MapProjectionItem::Kind::kProperty:
              b.kind = BoundMapProjectionItem::Kind::kProperty;
              b.key = item.key;
              b.key_id = catalog_.propertyKeys().find(item.key);
              break;
            case ast::MapProjectionItem::Kind::kLiteral:
              b.kind = BoundMapProjectionItem::Kind::kValue;
              b.key = item.key;
              b.value = child(*item.value);
              break;
            case ast::MapProjectionItem::Kind::kVariable:
              b.kind = BoundMapProjectionItem::Kind::kValue;
              b.key = item.key;
              b.value = bindVariable(item.key, e.pos);
              break;
            case ast::MapProjectionItem::Kind::kAllProperties:
              b.kind = BoundMapProjectionItem::Kind::kAllProperties;
              break;
          }
          out->projection_items.push_back(std::move(b));
        }
        return out;
      }
      case ExprKind::kFunction: {
        const FunctionDef* f = findFunction(e.name);
        if (f == nullptr) {
          throw syntaxError("UnknownFunction", "Unknown function '" + e.name + "'");
        }
        if (f->aggregate) {
          throw syntaxError("InvalidAggregation",
                            "Invalid use of aggregating function " + f->name + "(...) in this "
                            "context");
        }
        checkArity(*f, e);
        if (lower(f->name) == "exists" && e.children.size() == 1 &&
            e.children[0]->kind == ExprKind::kPatternPredicate) {
          return bindExprWith(*e.children[0], child);
        }
        if (lower(f->name) == "exists" && e.children.size() == 1 &&
            e.children[0]->kind != ExprKind::kProperty &&
            e.children[0]->kind != ExprKind::kPatternPredicate) {
          throw syntaxError("InvalidArgumentType",
                            "Argument to exists(...) is not a property or pattern");
        }
        out->kind = BoundKind::kFunction;
        out->name = f->name;
        out->function = f;
        bindChildren();
        return out;
      }
      case ExprKind::kCountStar:
        throw syntaxError("InvalidAggregation", "Invalid use of count(*) in this context");
      case ExprKind::kUnary:
        if (e.unary_op == ast::UnaryOp::kPlus) return child(*e.children[0]);
        out->kind = e.unary_op == ast::UnaryOp::kNot ? BoundKind::kNot : BoundKind::kNegate;
        bindChildren();
        return out;
      case ExprKind::kBinary:
        switch (e.binary_op) {
          case ast::BinaryOp::kOr: out->kind = BoundKind::kOr; break;
          case ast::BinaryOp::kXor: out->kind = BoundKind::kXor; break;
          case ast::BinaryOp::kAnd: out->kind = BoundKind::kAnd; break;
          case ast::BinaryOp::kAdd: out->kind = BoundKind::kAdd; break;
          case ast::BinaryOp::kSub: out->kind = BoundKind::kSub; break;
          case ast::BinaryOp::kMul: out->kind = BoundKind::kMul; break;
          case ast::BinaryOp::kDiv: out->kind = BoundKind::kDiv; break;
          case ast::BinaryOp::kMod: out->kind = BoundKind::kMod; break;
          case ast::BinaryOp::kPow: out->kind = BoundKind::kPow; break;
        }
        bindChildren();
        return out;
      case ExprKind::kComparison:
        out->kind = BoundKind::kCompare;
        out->ops = e.compare_ops;
        bindChildren();
        return out;
      case ExprKind::kIsNull: out->kind = BoundKind::kIsNull; bindChildren(); return out;
      case ExprKind::kIsNotNull: out->kind = BoundKind::kIsNotNull; bindChildren(); return out;
      case ExprKind::kIn: out->kind = BoundKind::kIn; bindChildren(); return out;
      case ExprKind::kStartsWith: out->kind = BoundKind::kStartsWith; bindChildren(); return out;
      case ExprKind::kEndsWith: out->kind = BoundKind::kEndsWith; bindChildren(); return out;
      case ExprKind::kContains: out->kind = BoundKind::kContains; bindChildren(); return out;
      case ExprKind::kRegexMatch: out->kind = BoundKind::kRegexMatch; bindChildren(); return out;
      case ExprKind::kSubscript: out->kind = BoundKind::kSubscript; bindChildren(); return out;
      case ExprKind::kSlice:
        out->kind = BoundKind::kSlice;
        out->children.push_back(child(*e.children[0]));
        for (int i = 1; i <= 2; ++i) {
          if (e.children.size() > static_cast<size_t>(i) && e.children[i]) {
            out->children.push_back(child(*e.children[i]));
          } else {
            out->children.push_back(BoundExpr::constant(Value()));
            out->absent_bounds |= i;
          }
        }
        return out;
      case ExprKind::kLabelCheck:
        out->kind = BoundKind::kHasLabels;
        bindChildren();
        for (const auto& l : e.names) {
          out->label_names.push_back(l);
          out->label_ids.push_back(catalog_.labels().find(l));
        }
        return out;
      case ExprKind::kCase:
        out->kind = BoundKind::kCase;
        out->has_subject = e.has_subject;
        if (e.has_subject) out->children.push_back(child(*e.children[0]));
        for (const auto& alt : e.alternatives) {
          out->children.push_back(child(*alt.when));
          out->children.push_back(child(*alt.then));
        }
        if (e.else_expr) {
          out->has_else = true;
          out->children.push_back(child(*e.else_expr));
        }
        return out;
      case ExprKind::kListComprehension:
      case ExprKind::kQuantifier: {
        out->kind = e.kind == ExprKind::kListComprehension ? BoundKind::kListComprehension
                                                           : BoundKind::kQuantifier;
        out->quantifier = e.quantifier;
        out->children.push_back(child(*e.children[0]));
        Scope saved = scope_;
        out->slot = newSlot();
        slot_types_[out->slot] = {typeOf(*out->children[0]).elem};
        scope_[e.name] = {out->slot, VarKind::kValue};
        if (e.where) checkNoAggregate(*e.where, "a list comprehension");
        out->children.push_back(e.where ? bindExpr(*e.where) : nullptr);
        if (out->children.back()) checkPredicate(*out->children.back());
        out->children.push_back(e.projection ? bindExpr(*e.projection) : nullptr);
        scope_ = saved;
        if (e.kind == ExprKind::kQuantifier && !e.where) {
          throw syntaxError("UnexpectedSyntax", e.text + ": a quantifier needs a WHERE predicate");
        }
        return out;
      }
      case ExprKind::kReduce: {
        out->kind = BoundKind::kReduce;
        out->children.push_back(child(*e.children[0]));  // init
        out->children.push_back(child(*e.children[1]));  // list
        Scope saved = scope_;
        out->slot = newSlot();
        out->slot2 = newSlot();
        scope_[e.name] = {out->slot, VarKind::kValue};
        scope_[e.names.at(0)] = {out->slot2, VarKind::kValue};
        out->children.push_back(bindExpr(*e.projection));
        scope_ = saved;
        return out;
      }
      case ExprKind::kPatternPredicate:
      case ExprKind::kPatternComprehension: {
        auto sub = std::make_shared<Subplan>();
        bool comprehension = e.kind == ExprKind::kPatternComprehension;
        sub->kind = comprehension ? Subplan::Kind::kComprehension : Subplan::Kind::kExists;
        Scope saved = scope_;
        sub->graph = bindPatternParts({e.pattern.get()},
                                      comprehension ? PatternMode::kComprehension
                                                    : PatternMode::kPredicate,
                                      nullptr);
        if (e.where) splitConjuncts(bindExpr(*e.where), sub->predicates);
        if (e.projection) sub->projection = bindExpr(*e.projection);
        scope_ = saved;
        out->kind = BoundKind::kSubplan;
        out->subplan = sub;
        return out;
      }
      case ExprKind::kExists: {
        // EXISTS { MATCH pattern [WHERE …] } — the simple form.
        const ast::Query& q = *e.subquery;
        if (q.parts.size() != 1 || q.parts[0].clauses.size() != 1 ||
            !std::holds_alternative<ast::MatchClause>(q.parts[0].clauses[0].body)) {
          throw syntaxError("UnexpectedSyntax",
                            "EXISTS { … } supports a single MATCH with an optional WHERE");
        }
        const auto& m = std::get<ast::MatchClause>(q.parts[0].clauses[0].body);
        auto sub = std::make_shared<Subplan>();
        sub->kind = Subplan::Kind::kExists;
        Scope saved = scope_;
        sub->graph = bindPattern(m.pattern, PatternMode::kComprehension, nullptr);
        if (m.where) splitConjuncts(bindExpr(*m.where), sub->predicates);
        scope_ = saved;
        out->kind = BoundKind::kSubplan;
        out->subplan = sub;
        return out;
      }
      case ExprKind::kShortestPath:
        throw syntaxError("UnexpectedSyntax",
                          "shortestPath(…) is supported in MATCH patterns, not as an expression");
    }
    throw Error::internal("binder: unhandled expression kind");
  }

  int newSlot() { return next_slot_++; }

  static bool isDeterministic(const BoundExpr& e) {
    if (e.kind == BoundKind::kFunction && e.function && !e.function->deterministic) return false;
    for (const auto& c : e.children) {
      if (c && !isDeterministic(*c)) return false;
    }
    return true;
  }

  TypeInfo slotType(int slot) const {
    auto it = slot_types_.find(slot);
    return it == slot_types_.end() ? TypeInfo{} : it->second;
  }

  TypeInfo typeOf(const BoundExpr& e) const {
    auto common = [&](size_t from) {
      SType t = SType::kAny;
      bool first = true;
      for (size_t i = from; i < e.children.size(); ++i) {
        if (!e.children[i]) continue;
        SType c = typeOf(*e.children[i]).type;
        if (c == SType::kNull) continue;
        if (first) {
          t = c;
          first = false;
        } else if (t != c) {
          return SType::kAny;
        }
      }
      return t;
    };
    switch (e.kind) {
      case BoundKind::kConstant: {
        TypeInfo t{stypeOf(e.value)};
        if (e.value.isList()) {
          SType elem = SType::kAny;
          bool first = true;
          for (const auto& v : e.value.asList()) {
            SType c = stypeOf(v);
            if (c == SType::kNull) continue;
            if (first) {
              elem = c;
              first = false;
            } else if (elem != c) {
              elem = SType::kAny;
            }
          }
          t.elem = elem;
        }
        return t;
      }
      case BoundKind::kSlot: return slotType(e.slot);
      case BoundKind::kList: return {SType::kList, common(0)};
      case BoundKind::kMap:
      case BoundKind::kMapProjection: return {SType::kMap};
      case BoundKind::kNot:
      case BoundKind::kAnd:
      case BoundKind::kOr:
      case BoundKind::kXor:
      case BoundKind::kCompare:
      case BoundKind::kIsNull:
      case BoundKind::kIsNotNull:
      case BoundKind::kIn:
      case BoundKind::kStartsWith:
      case BoundKind::kEndsWith:
      case BoundKind::kContains:
      case BoundKind::kRegexMatch:
      case BoundKind::kHasLabels:
      case BoundKind::kQuantifier: return {SType::kBool};
      case BoundKind::kListComprehension: return {SType::kList};
      case BoundKind::kSubplan:
        return {e.subplan->kind == Subplan::Kind::kExists ? SType::kBool : SType::kList};
      case BoundKind::kNegate: {
        SType t = typeOf(*e.children[0]).type;
        return {isNumber(t) ? t : SType::kAny};
      }
      case BoundKind::kAdd: {
        SType a = typeOf(*e.children[0]).type, b = typeOf(*e.children[1]).type;
        if (a == SType::kString || b == SType::kString) return {SType::kString};
        if (a == SType::kList || b == SType::kList) return {SType::kList};
        if (a == SType::kInt && b == SType::kInt) return {SType::kInt};
        if (isNumber(a) && isNumber(b)) return {SType::kFloat};
        return {};
      }
      case BoundKind::kSub:
      case BoundKind::kMul:
      case BoundKind::kDiv:
      case BoundKind::kMod: {
        SType a = typeOf(*e.children[0]).type, b = typeOf(*e.children[1]).type;
        if (a == SType::kInt && b == SType::kInt) return {SType::kInt};
        if (isNumber(a) && isNumber(b)) return {SType::kFloat};
        return {};
      }
      case BoundKind::kPow: return {SType::kFloat};
      default: return {};
    }
  }

  // Compile-time type errors: an operand whose static type can never be
  // valid for its operator.
  void checkTypes(const BoundExpr& e) const {
    auto mismatch = [&](const BoundExpr& operand, std::string_view expected) {
      return syntaxError("InvalidArgumentType",
                         "Type mismatch: expected " + std::string(expected) + " but was " +
                             std::string(stypeName(typeOf(operand).type)) + " (" +
                             operand.text + ")");
    };
    switch (e.kind) {
      case BoundKind::kNot:
      case BoundKind::kAnd:
      case BoundKind::kOr:
      case BoundKind::kXor:
        for (const auto& c : e.children) {
          if (!mayBe(typeOf(*c).type, {SType::kBool})) throw mismatch(*c, "Boolean");
        }
        return;
      case BoundKind::kIn:
        if (!mayBe(typeOf(*e.children[1]).type, {SType::kList})) {
          throw mismatch(*e.children[1], "List");
        }
        return;
      case BoundKind::kNegate:
      case BoundKind::kSub:
      case BoundKind::kMul:
      case BoundKind::kDiv:
      case BoundKind::kMod:
      case BoundKind::kPow:
        for (const auto& c : e.children) {
          if (!mayBe(typeOf(*c).type, {SType::kInt, SType::kFloat})) throw mismatch(*c, "Number");
        }
        return;
      case BoundKind::kAdd: {
        SType a = typeOf(*e.children[0]).type, b = typeOf(*e.children[1]).type;
        if (a == SType::kList || b == SType::kList) return;
        for (const auto& c : e.children) {
          if (!mayBe(typeOf(*c).type, {SType::kInt, SType::kFloat, SType::kString})) {
            throw mismatch(*c, "Number or String");
          }
        }
        return;
      }
      case BoundKind::kProperty: {
        SType t = typeOf(*e.children[0]).type;
        if (t == SType::kPath) throw mismatch(*e.children[0], "Node, Relationship or Map");
        if (!mayBe(t, {SType::kNode, SType::kRel, SType::kMap})) {
          throw typeError("InvalidArgumentType",
                          "Type mismatch: cannot access property '" + e.name + "' of " +
                              std::string(stypeName(t)) + " (" + e.children[0]->text + ")");
        }
        return;
      }
      case BoundKind::kFunction: {
        if (e.children.empty()) return;
        std::string fn = lower(e.name);
        SType t = typeOf(*e.children[0]).type;
        if (fn == "labels" && !mayBe(t, {SType::kNode})) throw mismatch(*e.children[0], "Node");
        if (fn == "type" && !mayBe(t, {SType::kRel})) throw mismatch(*e.children[0], "Relationship");
        if (fn == "length" && !mayBe(t, {SType::kPath, SType::kString, SType::kList})) {
          throw mismatch(*e.children[0], "Path");
        }
        if (fn == "size" && !mayBe(t, {SType::kList, SType::kString})) {
          throw mismatch(*e.children[0], "List or String");
        }
        if (fn == "properties" && !mayBe(t, {SType::kNode, SType::kRel, SType::kMap})) {
          throw mismatch(*e.children[0], "Node, Relationship or Map");
        }
        return;
      }
      default:
        return;
    }
  }

  // A WHERE predicate must be able to be a boolean.
  void checkPredicate(const BoundExpr& e) const {
    SType t = typeOf(e).type;
    if (!mayBe(t, {SType::kBool})) {
      throw syntaxError("InvalidArgumentType", "Type mismatch: expected Boolean but was " +
                                                   std::string(stypeName(t)) + " (" + e.text +
                                                   ")");
    }
  }

  const Catalog& catalog_;
  Scope scope_;
  int next_slot_ = 0;
  bool writes_ = false;
  bool schema_change_ = false;
  std::vector<std::unique_ptr<Expr>> star_exprs_;  // synthesized items of RETURN *
  std::map<int, TypeInfo> slot_types_;              // static types of slots
};

}  // namespace

BoundQuery bindQuery(const ast::Query& query, const Catalog& catalog) {
  return Binder(catalog).bind(query);
}

}  // namespace maestro::engine
