// The syntax tree of an openCypher query, as the parser produces it.
//
// Plain data: the parser builds it, the binder reads it, nothing mutates it
// afterwards. Every node carries the position of its first character so
// that later stages can point at the offending text. Names (variables,
// labels, types, property keys, functions) are kept as written; resolving
// them is the binder's job.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/value.h"

namespace maestro::engine::ast {

struct Position {
  int line = 1;    // 1-based
  int column = 1;  // 1-based, in characters (UTF-8 code points)
  int offset = 0;  // 0-based byte offset into the query text
};

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;
struct PatternPart;

enum class ExprKind {
  kLiteral,        // literal: null, boolean, integer, float, string
  kParameter,      // name: "x" for $x (also "0" for $0)
  kVariable,       // name
  kProperty,       // children[0].name — name is the key
  kList,           // [children...]
  kMap,            // {keys[i]: children[i]}
  kMapProjection,  // name{.a, b: expr, .*, c} — see MapProjectionItem
  kFunction,       // name(children...) ; distinct for count(DISTINCT x)
  kCountStar,      // count(*)
  kUnary,          // unary_op children[0]
  kBinary,         // children[0] binary_op children[1]
  kComparison,     // chained: children[0] ops[0] children[1] ops[1] children[2] …
  kIsNull,         // children[0] IS NULL
  kIsNotNull,      // children[0] IS NOT NULL
  kIn,             // children[0] IN children[1]
  kStartsWith,     // children[0] STARTS WITH children[1]
  kEndsWith,       // children[0] ENDS WITH children[1]
  kContains,       // children[0] CONTAINS children[1]
  kRegexMatch,     // children[0] =~ children[1]
  kSubscript,      // children[0][children[1]]
  kSlice,          // children[0][children[1]..children[2]] — absent bounds are null ExprPtr
  kLabelCheck,     // children[0]:names[0]:names[1]…
  kCase,           // CASE [children[0] when has_subject] WHEN… THEN… [ELSE else_expr] END
  kListComprehension,  // [name IN children[0] WHERE where | projection]
  kPatternComprehension,  // [path_name = pattern WHERE where | projection]
  kQuantifier,     // all/any/none/single(name IN children[0] WHERE where)
  kReduce,         // reduce(names[0] = children[0], name IN children[1] | projection)
  kPatternPredicate,  // a bare pattern used as a boolean: (a)-[:T]->(b)
  kExists,         // EXISTS { subquery } ; also exists(pattern) is kFunction over a pattern
  kShortestPath,   // shortestPath(...) / allShortestPaths(...) used as an expression
};

enum class UnaryOp { kNot, kMinus, kPlus };
enum class BinaryOp { kOr, kXor, kAnd, kAdd, kSub, kMul, kDiv, kMod, kPow };
enum class CompareOp { kEq, kNe, kLt, kLe, kGt, kGe };
enum class Quantifier { kAll, kAny, kNone, kSingle };

struct MapProjectionItem {
  enum class Kind { kProperty, kLiteral, kVariable, kAllProperties };
  Kind kind;
  std::string key;  // kProperty: .key ; kLiteral: key: expr ; kVariable: the variable's name
  ExprPtr value;    // kLiteral only
};

struct CaseAlternative {
  ExprPtr when;
  ExprPtr then;
};

struct SingleQuery;
struct Query;

struct Expr {
  ExprKind kind;
  Position pos;
  // The exact source text of this expression (for column names such as
  // `count(*)` or `n.name`), trimmed of surrounding whitespace.
  std::string text;

  Value literal;                   // kLiteral
  std::string name;                // kParameter, kVariable, kProperty (key), kFunction,
                                   // kMapProjection (variable), comprehension/quantifier/reduce
                                   // iteration variable
  std::vector<std::string> names;  // kMap keys, kLabelCheck labels, kReduce accumulator
  UnaryOp unary_op = UnaryOp::kNot;
  BinaryOp binary_op = BinaryOp::kAnd;
  std::vector<CompareOp> compare_ops;  // kComparison
  Quantifier quantifier = Quantifier::kAll;
  bool distinct = false;          // kFunction
  bool has_subject = false;       // kCase: simple CASE with a test expression in children[0]
  std::vector<ExprPtr> children;
  std::vector<CaseAlternative> alternatives;  // kCase
  ExprPtr else_expr;                          // kCase
  ExprPtr where;                              // comprehensions, quantifiers
  ExprPtr projection;                         // comprehensions, reduce
  std::vector<MapProjectionItem> projection_items;  // kMapProjection
  std::shared_ptr<PatternPart> pattern;  // kPatternPredicate, kPatternComprehension, kShortestPath
  std::shared_ptr<Query> subquery;       // kExists { MATCH … }
};

enum class Direction {
  kLeft,   // <-[]-
  kRight,  // -[]->
  kBoth,   // -[]-  (also <-[]-> which openCypher reads as undirected)
};

struct NodePattern {
  Position pos;
  std::string variable;  // empty: anonymous
  std::vector<std::string> labels;
  ExprPtr properties;  // kMap or kParameter; null when absent
};

struct RelPattern {
  Position pos;
  std::string variable;
  std::vector<std::string> types;  // alternatives: [:A|B] ; [:A|:B] is accepted too
  Direction direction = Direction::kBoth;
  ExprPtr properties;
  bool variable_length = false;  // '*' present
  std::optional<int64_t> min_hops;  // *2.. ; absent: 1 (when variable_length)
  std::optional<int64_t> max_hops;  // *..5 ; absent: unbounded
};

// (a)-[r]->(b)<-[s]-(c) … : nodes.size() == rels.size() + 1.
struct PatternPart {
  Position pos;
  std::string path_variable;  // p = …
  enum class Kind { kNormal, kShortestPath, kAllShortestPaths };
  Kind kind = Kind::kNormal;
  std::vector<NodePattern> nodes;
  std::vector<RelPattern> rels;
};

struct Pattern {
  std::vector<PatternPart> parts;  // comma-separated
};

struct Hint {
  Position pos;
  enum class Kind { kIndex, kScan, kJoin };
  Kind kind;
  std::string variable;
  std::string label;                  // kIndex, kScan
  std::vector<std::string> properties;  // kIndex
  std::vector<std::string> join_variables;  // kJoin: USING JOIN ON a, b
};

struct SortItem {
  ExprPtr expr;
  bool descending = false;
};

struct ReturnItem {
  ExprPtr expr;
  std::string alias;  // empty when no AS
  Position pos;
};

struct Projection {
  bool distinct = false;
  bool star = false;  // RETURN * / WITH *
  std::vector<ReturnItem> items;
  std::vector<SortItem> order_by;
  ExprPtr skip;
  ExprPtr limit;
};

struct MatchClause {
  bool optional = false;
  Pattern pattern;
  std::vector<Hint> hints;
  ExprPtr where;
};

struct UnwindClause {
  ExprPtr list;
  std::string variable;
};

struct WithClause {
  Projection projection;
  ExprPtr where;
};

struct ReturnClause {
  Projection projection;
};

struct CreateClause {
  Pattern pattern;
};

struct SetItem {
  Position pos;
  enum class Kind {
    kProperty,   // target.key = value    (target: an expression, usually a variable)
    kReplace,    // variable = map        (all properties replaced)
    kMerge,      // variable += map
    kLabels,     // variable:Label:Other
  };
  Kind kind;
  ExprPtr target;                   // kProperty: the kProperty expression itself (n.key)
  std::string variable;             // kReplace, kMerge, kLabels
  std::vector<std::string> labels;  // kLabels
  ExprPtr value;
};

struct SetClause {
  std::vector<SetItem> items;
};

struct RemoveItem {
  Position pos;
  enum class Kind { kProperty, kLabels };
  Kind kind;
  ExprPtr target;  // kProperty: the kProperty expression (n.key)
  std::string variable;
  std::vector<std::string> labels;
};

struct RemoveClause {
  std::vector<RemoveItem> items;
};

struct DeleteClause {
  bool detach = false;
  std::vector<ExprPtr> targets;
};

struct MergeClause {
  PatternPart pattern;
  std::vector<SetItem> on_create;
  std::vector<SetItem> on_match;
};

struct CallClause {
  std::string procedure;  // dotted name
  std::vector<ExprPtr> arguments;
  bool has_arguments = false;  // CALL p() vs CALL p (implicit arguments)
  bool yield_star = false;
  std::vector<std::pair<std::string, std::string>> yield;  // (field, alias)
  ExprPtr where;
};

// CREATE INDEX [name] [IF NOT EXISTS] FOR (n:Label) ON (n.prop[, n.prop2])
// DROP INDEX name [IF EXISTS] ; DROP INDEX ON :Label(prop)
struct CreateIndexClause {
  std::string name;
  bool if_not_exists = false;
  std::string label;
  std::vector<std::string> properties;
};
struct DropIndexClause {
  std::string name;
  bool if_exists = false;
  std::string label;
  std::vector<std::string> properties;
};

using ClauseBody =
    std::variant<MatchClause, UnwindClause, WithClause, ReturnClause, CreateClause, SetClause,
                 RemoveClause, DeleteClause, MergeClause, CallClause, CreateIndexClause,
                 DropIndexClause>;

struct Clause {
  Position pos;
  ClauseBody body;
};

struct SingleQuery {
  std::vector<Clause> clauses;
};

struct Query {
  enum class Mode { kNormal, kExplain, kProfile };
  Mode mode = Mode::kNormal;
  std::vector<SingleQuery> parts;  // joined by UNION
  std::vector<bool> union_all;     // union_all[i] joins parts[i] and parts[i+1]
};

}  // namespace maestro::engine::ast
