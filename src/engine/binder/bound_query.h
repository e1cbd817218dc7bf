// BoundQuery — a query after binding, ready for a planner.
//
// The binder (binder.h) turns the syntax tree into clauses whose names are
// resolved: every variable has a slot in one flat row layout (a later WITH
// gets new slots, never reuses old ones), expressions are BoundExprs, and
// each MATCH/CREATE/MERGE pattern is a QueryGraph. Label, type and key
// *names* are kept beside any ids known at bind time, because a clause may
// create a name that a later clause of the same statement reads; operators
// resolve names when they are opened.
//
// A BindHook (bind_hook.h) may rewrite a BoundQuery before planning: that
// is where privacy rewrites plug in.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "engine/expression/bound_expr.h"
#include "engine/graph/graph.h"
#include "engine/parser/ast.h"

namespace maestro::engine {

enum class VarKind { kNode, kRel, kRelList, kPath, kValue };

struct PatternNode {
  int slot = -1;
  std::string name;  // empty: anonymous
  bool bound = false;  // bound by an earlier clause (or earlier in this pattern list)
  std::vector<std::string> labels;
  // Inline properties {k: v}: equality predicates when matching, values when
  // creating. `properties_map` is set instead for a parameter map ($props).
  std::vector<std::pair<std::string, BoundExprPtr>> properties;
  BoundExprPtr properties_map;
  ast::Position pos;
};

struct PatternRel {
  int slot = -1;  // a relationship, or a list of them for variable length
  std::string name;
  bool bound = false;
  std::vector<std::string> types;  // alternatives; empty: any type
  Dir dir = Dir::kBoth;            // from `left` towards `right`
  int left = -1;                   // index into QueryGraph::nodes
  int right = -1;
  bool var_length = false;
  int64_t min_hops = 1;
  int64_t max_hops = 1;  // -1: unbounded
  std::vector<std::pair<std::string, BoundExprPtr>> properties;
  BoundExprPtr properties_map;
  ast::Position pos;
};

struct PatternPath {
  int slot = -1;  // path variable, -1 if none
  ast::PatternPart::Kind kind = ast::PatternPart::Kind::kNormal;
  std::vector<int> nodes;  // indices into QueryGraph::nodes, in path order
  std::vector<int> rels;   // indices into QueryGraph::rels, in path order
};

// The comma-separated parts of one pattern, with shared variables merged:
// `(a)-->(b), (b)-->(c)` has one node `b`.
struct QueryGraph {
  std::vector<PatternNode> nodes;
  std::vector<PatternRel> rels;
  std::vector<PatternPath> paths;
};

struct BoundMatch {
  QueryGraph graph;
  std::vector<BoundExprPtr> predicates;  // WHERE split at top-level ANDs
  bool optional = false;
  std::vector<ast::Hint> hints;
  std::vector<int> new_slots;  // slots this clause binds (null-filled by OPTIONAL)
};

struct BoundUnwind {
  BoundExprPtr list;
  int slot = -1;
};

struct BoundItem {
  BoundExprPtr expr;
  int slot = -1;
  std::string column;  // alias, or the expression's text
};

struct BoundAggregate {
  const FunctionDef* function = nullptr;  // nullptr for count(*)
  std::string name;                       // lower-case: count, sum, …
  bool distinct = false;
  std::vector<BoundExprPtr> args;
  int slot = -1;
};

struct BoundSortKey {
  BoundExprPtr expr;
  bool descending = false;
};

// WITH / RETURN. Without aggregates: items are computed into their slots.
// With aggregates: `items` are the grouping keys, `aggregates` fill their
// slots per group, then `post` items (which read both) give the output.
struct BoundProjection {
  std::vector<BoundItem> items;
  std::vector<BoundAggregate> aggregates;
  std::vector<BoundItem> post;
  bool distinct = false;
  std::vector<BoundSortKey> order_by;
  BoundExprPtr skip;
  BoundExprPtr limit;
  BoundExprPtr where;  // WITH … WHERE
  std::vector<int> output_slots;       // in column order
  std::vector<std::string> columns;    // in column order
  bool is_return = false;
};

struct BoundCreate {
  QueryGraph graph;  // nodes not `bound` are created; every rel is created
};

struct BoundSetItem {
  ast::SetItem::Kind kind;
  BoundExprPtr target;  // the node/relationship (kProperty: the entity expression)
  std::string key;      // kProperty
  BoundExprPtr value;
  std::vector<std::string> labels;  // kLabels
};

struct BoundSet {
  std::vector<BoundSetItem> items;
};

struct BoundRemoveItem {
  ast::RemoveItem::Kind kind;
  BoundExprPtr target;
  std::string key;
  std::vector<std::string> labels;
};

struct BoundRemove {
  std::vector<BoundRemoveItem> items;
};

struct BoundDelete {
  bool detach = false;
  std::vector<BoundExprPtr> targets;
};

struct BoundMerge {
  QueryGraph graph;  // one path
  std::vector<BoundExprPtr> predicates;
  std::vector<BoundSetItem> on_create;
  std::vector<BoundSetItem> on_match;
  std::vector<int> new_slots;
};

struct BoundCreateIndex {
  std::string name;
  bool if_not_exists = false;
  std::string label;
  std::string key;
};

struct BoundDropIndex {
  std::string name;
  bool if_exists = false;
  std::string label;  // DROP INDEX ON :L(p)
  std::string key;
};

using BoundClause = std::variant<BoundMatch, BoundUnwind, BoundProjection, BoundCreate, BoundSet,
                                 BoundRemove, BoundDelete, BoundMerge, BoundCreateIndex,
                                 BoundDropIndex>;

struct BoundSingleQuery {
  std::vector<BoundClause> clauses;
};

struct BoundQuery {
  ast::Query::Mode mode = ast::Query::Mode::kNormal;
  std::vector<BoundSingleQuery> parts;  // UNION parts
  std::vector<bool> union_all;
  std::vector<std::string> columns;     // empty for a query without RETURN
  int num_slots = 0;
  bool writes = false;
  bool schema_change = false;  // CREATE/DROP INDEX
};

// The subplan of a pattern predicate, pattern comprehension or EXISTS:
// match `graph` (some nodes bound from the outer row) filtered by
// `predicates`; a predicate asks whether any row exists, a comprehension
// collects `projection` over the rows.
struct Subplan {
  enum class Kind { kExists, kComprehension };
  Kind kind = Kind::kExists;
  QueryGraph graph;
  std::vector<BoundExprPtr> predicates;
  BoundExprPtr projection;
  // The planned operators; filled by the planner (mutable: built once per
  // statement, after binding).
  mutable std::shared_ptr<void> plan;
};

}  // namespace maestro::engine
