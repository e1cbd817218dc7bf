// Unit tests of the openCypher parser: one group per construct, checking the
// tree's shape (through a compact S-expression rendering), Expr::text and
// positions; then precedence; then every error kind with its detail, its
// position and the caret line; then robustness (nesting limits, truncated
// and mutated input never crash).
#include "engine/parser/parser.h"

#include <gtest/gtest.h>
#include <pthread.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "common/error.h"

namespace maestro::engine {
namespace {

using ast::ExprKind;

// ---- rendering ----------------------------------------------------------------

std::string sx(const ast::Expr* e);

std::string join(const std::vector<ast::ExprPtr>& exprs) {
  std::string out;
  for (const auto& e : exprs) {
    if (!out.empty()) out += ' ';
    out += sx(e.get());
  }
  return out;
}

std::string literal(const Value& v) {
  if (v.isNull()) return "null";
  if (v.isBool()) return v.asBool() ? "true" : "false";
  if (v.isInt()) return std::to_string(v.asInt());
  if (v.isFloat()) {
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, v.asFloat());
    return std::string(buf, r.ptr) + "f";
  }
  if (v.isString()) return "'" + v.asString() + "'";
  return "?";
}

std::string node(const ast::NodePattern& n) {
  std::string out = "(" + n.variable;
  for (const auto& l : n.labels) out += ":" + l;
  if (n.properties) out += " " + sx(n.properties.get());
  return out + ")";
}

std::string rel(const ast::RelPattern& r) {
  std::string detail = r.variable;
  for (size_t i = 0; i < r.types.size(); ++i) detail += (i == 0 ? ":" : "|") + r.types[i];
  if (r.variable_length) {
    detail += "*";
    if (r.min_hops) detail += std::to_string(*r.min_hops);
    if (r.min_hops != r.max_hops || !r.min_hops) {
      detail += "..";
      if (r.max_hops) detail += std::to_string(*r.max_hops);
    }
  }
  if (r.properties) detail += " " + sx(r.properties.get());
  const std::string body = "-[" + detail + "]-";
  switch (r.direction) {
    case ast::Direction::kLeft:
      return "<" + body;
    case ast::Direction::kRight:
      return body + ">";
    case ast::Direction::kBoth:
      return body;
  }
  return body;
}

std::string pattern(const ast::PatternPart& p) {
  std::string chain;
  for (size_t i = 0; i < p.nodes.size(); ++i) {
    if (i > 0 && i - 1 < p.rels.size()) chain += rel(p.rels[i - 1]);
    chain += node(p.nodes[i]);
  }
  if (p.kind == ast::PatternPart::Kind::kShortestPath) chain = "shortestPath(" + chain + ")";
  if (p.kind == ast::PatternPart::Kind::kAllShortestPaths)
    chain = "allShortestPaths(" + chain + ")";
  if (!p.path_variable.empty()) chain = p.path_variable + "=" + chain;
  return chain;
}

std::string pattern(const ast::Pattern& p) {
  std::string out;
  for (const auto& part : p.parts) out += (out.empty() ? "" : ", ") + pattern(part);
  return out;
}

const char* binaryName(ast::BinaryOp op) {
  switch (op) {
    case ast::BinaryOp::kOr:
      return "or";
    case ast::BinaryOp::kXor:
      return "xor";
    case ast::BinaryOp::kAnd:
      return "and";
    case ast::BinaryOp::kAdd:
      return "+";
    case ast::BinaryOp::kSub:
      return "-";
    case ast::BinaryOp::kMul:
      return "*";
    case ast::BinaryOp::kDiv:
      return "/";
    case ast::BinaryOp::kMod:
      return "%";
    case ast::BinaryOp::kPow:
      return "^";
  }
  return "?";
}

const char* compareName(ast::CompareOp op) {
  switch (op) {
    case ast::CompareOp::kEq:
      return "=";
    case ast::CompareOp::kNe:
      return "<>";
    case ast::CompareOp::kLt:
      return "<";
    case ast::CompareOp::kLe:
      return "<=";
    case ast::CompareOp::kGt:
      return ">";
    case ast::CompareOp::kGe:
      return ">=";
  }
  return "?";
}

std::string sx(const ast::Expr* e) {
  if (e == nullptr) return "_";
  auto two = [&](const char* op) { return std::string("(") + op + " " + join(e->children) + ")"; };
  switch (e->kind) {
    case ExprKind::kLiteral:
      return literal(e->literal);
    case ExprKind::kParameter:
      return "$" + e->name;
    case ExprKind::kVariable:
      return e->name;
    case ExprKind::kProperty:
      return "(. " + sx(e->children[0].get()) + " " + e->name + ")";
    case ExprKind::kList:
      return "[" + join(e->children) + "]";
    case ExprKind::kMap: {
      std::string out = "{";
      for (size_t i = 0; i < e->names.size(); ++i) {
        out += (i ? " " : "") + e->names[i] + ":" + sx(e->children[i].get());
      }
      return out + "}";
    }
    case ExprKind::kMapProjection: {
      std::string out = "(proj " + e->name;
      for (const auto& item : e->projection_items) {
        switch (item.kind) {
          case ast::MapProjectionItem::Kind::kProperty:
            out += " ." + item.key;
            break;
          case ast::MapProjectionItem::Kind::kAllProperties:
            out += " .*";
            break;
          case ast::MapProjectionItem::Kind::kVariable:
            out += " " + item.key;
            break;
          case ast::MapProjectionItem::Kind::kLiteral:
            out += " " + item.key + ":" + sx(item.value.get());
            break;
        }
      }
      return out + ")";
    }
    case ExprKind::kFunction: {
      std::string out = "(call " + e->name + (e->distinct ? " distinct" : "");
      if (!e->children.empty()) out += " " + join(e->children);
      return out + ")";
    }
    case ExprKind::kCountStar:
      return "(count*)";
    case ExprKind::kUnary:
      return two(e->unary_op == ast::UnaryOp::kNot     ? "not"
                 : e->unary_op == ast::UnaryOp::kMinus ? "neg"
                                                       : "pos");
    case ExprKind::kBinary:
      return two(binaryName(e->binary_op));
    case ExprKind::kComparison: {
      std::string out = "(cmp " + sx(e->children[0].get());
      for (size_t i = 0; i < e->compare_ops.size(); ++i) {
        out +=
            std::string(" ") + compareName(e->compare_ops[i]) + " " + sx(e->children[i + 1].get());
      }
      return out + ")";
    }
    case ExprKind::kIsNull:
      return two("isnull");
    case ExprKind::kIsNotNull:
      return two("notnull");
    case ExprKind::kIn:
      return two("in");
    case ExprKind::kStartsWith:
      return two("starts");
    case ExprKind::kEndsWith:
      return two("ends");
    case ExprKind::kContains:
      return two("contains");
    case ExprKind::kRegexMatch:
      return two("=~");
    case ExprKind::kSubscript:
      return two("at");
    case ExprKind::kSlice:
      return two("slice");
    case ExprKind::kLabelCheck: {
      std::string out = "(labels " + sx(e->children[0].get());
      for (const auto& l : e->names) out += " " + l;
      return out + ")";
    }
    case ExprKind::kCase: {
      std::string out = "(case";
      if (e->has_subject) out += " " + sx(e->children[0].get());
      for (const auto& a : e->alternatives) {
        out += " (when " + sx(a.when.get()) + " " + sx(a.then.get()) + ")";
      }
      if (e->else_expr) out += " (else " + sx(e->else_expr.get()) + ")";
      return out + ")";
    }
    case ExprKind::kListComprehension: {
      std::string out = "(listcomp " + e->name + " " + sx(e->children[0].get());
      if (e->where) out += " where " + sx(e->where.get());
      if (e->projection) out += " | " + sx(e->projection.get());
      return out + ")";
    }
    case ExprKind::kPatternComprehension: {
      std::string out = "(patcomp " + pattern(*e->pattern);
      if (e->where) out += " where " + sx(e->where.get());
      return out + " | " + sx(e->projection.get()) + ")";
    }
    case ExprKind::kQuantifier: {
      const char* q = e->quantifier == ast::Quantifier::kAll    ? "all"
                      : e->quantifier == ast::Quantifier::kAny  ? "any"
                      : e->quantifier == ast::Quantifier::kNone ? "none"
                                                                : "single";
      std::string out = std::string("(") + q + " " + e->name + " " + sx(e->children[0].get());
      if (e->where) out += " where " + sx(e->where.get());
      return out + ")";
    }
    case ExprKind::kReduce:
      return "(reduce " + e->names[0] + " " + sx(e->children[0].get()) + " " + e->name + " " +
             sx(e->children[1].get()) + " | " + sx(e->projection.get()) + ")";
    case ExprKind::kPatternPredicate:
      return "(pattern " + pattern(*e->pattern) + ")";
    case ExprKind::kExists:
      return "(exists)";
    case ExprKind::kShortestPath:
      return "(path " + pattern(*e->pattern) + ")";
  }
  return "?";
}

// ---- helpers ----------------------------------------------------------------------

const ast::Projection& returnOf(const ast::Query& q) {
  return std::get<ast::ReturnClause>(q.parts.back().clauses.back().body).projection;
}

// The tree of `RETURN <text>` rendered.
std::string expr(const std::string& text) {
  const ast::Query q = parseQuery("RETURN " + text);
  return sx(returnOf(q).items.at(0).expr.get());
}

// The tree of `MATCH (n) WHERE <text> RETURN n` rendered (patterns allowed).
std::string where(const std::string& text) {
  const ast::Query q = parseQuery("MATCH (n) WHERE " + text + " RETURN n");
  return sx(std::get<ast::MatchClause>(q.parts[0].clauses[0].body).where.get());
}

Error parseError(const std::string& text) {
  try {
    parseQuery(text);
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "parsed without error: " << text;
  return Error(Code::kInternal, "no error");
}

// The error's detail, and the position it names.
void expectError(const std::string& text, const std::string& detail, int line, int column) {
  SCOPED_TRACE(text);
  const Error e = parseError(text);
  EXPECT_EQ(e.code(), Code::kBadInput);
  EXPECT_EQ(e.detail(), "SyntaxError." + detail) << e.message();
  EXPECT_NE(e.message().find("(line " + std::to_string(line) + ", column " +
                             std::to_string(column) + ")"),
            std::string::npos)
      << e.message();
  // The last line of the message is the caret under the column.
  const std::string caret = e.message().substr(e.message().rfind('\n') + 1);
  EXPECT_EQ(caret.size(), static_cast<size_t>(2 + column)) << e.message();
  EXPECT_EQ(caret.back(), '^') << e.message();
}

template <typename T>
const T& clause(const ast::Query& q, size_t i, size_t part = 0) {
  return std::get<T>(q.parts.at(part).clauses.at(i).body);
}

// ---- lexical structure -----------------------------------------------------------

TEST(ParserLexTest, KeywordsAreCaseInsensitive) {
  const ast::Query q =
      parseQuery("mAtCh (n) wHeRe n.x Is NoT nUlL rEtUrN DiStInCt n oRdEr By n DeSc");
  EXPECT_EQ(q.parts[0].clauses.size(), 2u);
  EXPECT_EQ(sx(clause<ast::MatchClause>(q, 0).where.get()), "(notnull (. n x))");
  EXPECT_TRUE(returnOf(q).distinct);
  EXPECT_TRUE(returnOf(q).order_by[0].descending);
}

TEST(ParserLexTest, BackQuotedNames) {
  const ast::Query q = parseQuery(
      "MATCH (`my node`:`Label X`)-[`r``1`:`TYPE`]->() "
      "RETURN `my node`.`the key` AS `a``b`, {``: 1} AS `match`");
  const auto& part = clause<ast::MatchClause>(q, 0).pattern.parts[0];
  EXPECT_EQ(part.nodes[0].variable, "my node");
  EXPECT_EQ(part.nodes[0].labels, std::vector<std::string>{"Label X"});
  EXPECT_EQ(part.rels[0].variable, "r`1");
  EXPECT_EQ(returnOf(q).items[0].alias, "a`b");
  EXPECT_EQ(sx(returnOf(q).items[0].expr.get()), "(. my node the key)");
  EXPECT_EQ(sx(returnOf(q).items[1].expr.get()), "{:1}");
  EXPECT_EQ(returnOf(q).items[1].alias, "match");
  // A back-quoted keyword is a plain name, not a keyword.
  EXPECT_EQ(expr("`null`"), "null");
  EXPECT_EQ(parseQuery("RETURN `null`").parts[0].clauses.size(), 1u);
  const ast::Query quoted = parseQuery("WITH 1 AS `null` RETURN `null`");
  EXPECT_EQ(returnOf(quoted).items[0].expr->kind, ExprKind::kVariable);
}

TEST(ParserLexTest, StringEscapes) {
  const ast::Query q = parseQuery(
      R"(RETURN 'a\\b\'c\"d\be\ff\ng\rh\ti', "x\"y'z", '\u00e9\U0001F600', '\uD83D\uDE00', '\N\T')");
  const auto& items = returnOf(q).items;
  EXPECT_EQ(items[0].expr->literal.asString(), "a\\b'c\"d\be\ff\ng\rh\ti");
  EXPECT_EQ(items[1].expr->literal.asString(), "x\"y'z");
  EXPECT_EQ(items[2].expr->literal.asString(), "\xC3\xA9\xF0\x9F\x98\x80");
  EXPECT_EQ(items[3].expr->literal.asString(), "\xF0\x9F\x98\x80");  // surrogate pair joined
  EXPECT_EQ(items[4].expr->literal.asString(), "\n\t");
  // Text keeps the source spelling, quotes and escapes included.
  EXPECT_EQ(items[1].expr->text, R"("x\"y'z")");
  // A string may span lines.
  EXPECT_EQ(parseQuery("RETURN 'a\nb' AS s").parts[0].clauses.size(), 1u);
  EXPECT_EQ(returnOf(parseQuery("RETURN 'a\nb' AS s")).items[0].expr->literal.asString(), "a\nb");
}

TEST(ParserLexTest, IntegerLiterals) {
  EXPECT_EQ(expr("0"), "0");
  EXPECT_EQ(expr("42"), "42");
  EXPECT_EQ(expr("9223372036854775807"), "9223372036854775807");
  EXPECT_EQ(expr("-9223372036854775808"), "-9223372036854775808");
  EXPECT_EQ(expr("0x1A2b"), "6699");
  EXPECT_EQ(expr("0x7FFFFFFFFFFFFFFF"), "9223372036854775807");
  EXPECT_EQ(expr("-0x8000000000000000"), "-9223372036854775808");
  EXPECT_EQ(expr("0o17"), "15");
  EXPECT_EQ(expr("-0o1000000000000000000000"), "-9223372036854775808");
  const ast::Query q = parseQuery("RETURN -42 AS x");
  const ast::Expr& e = *returnOf(q).items[0].expr;
  EXPECT_EQ(e.kind, ExprKind::kLiteral);
  EXPECT_EQ(e.literal.asInt(), -42);
  EXPECT_EQ(e.text, "-42");
}

TEST(ParserLexTest, FloatLiterals) {
  EXPECT_EQ(expr("1.5"), "1.5f");
  EXPECT_EQ(expr(".5"), "0.5f");
  EXPECT_EQ(expr("1e10"), "1e+10f");
  EXPECT_EQ(expr("1E-3"), "0.001f");
  EXPECT_EQ(expr("2.5e+2"), "250f");
  EXPECT_EQ(expr("-.1e9"), "-1e+08f");
  EXPECT_EQ(expr("1e308"), "1e+308f");
  const ast::Query tiny = parseQuery("RETURN 1e-310 AS x");  // subnormal, not an error
  const double t = returnOf(tiny).items[0].expr->literal.asFloat();
  EXPECT_GT(t, 0.0);
  EXPECT_LT(t, 1e-300);
  const ast::Query zero = parseQuery("RETURN -0.0 AS x");
  EXPECT_TRUE(std::signbit(returnOf(zero).items[0].expr->literal.asFloat()));
  // `1.` is not a float: the dot starts a property lookup.
  expectError("RETURN 1.", "UnexpectedSyntax", 1, 10);
}

TEST(ParserLexTest, Comments) {
  const ast::Query q = parseQuery(
      "// leading\nMATCH (n) /* a\nblock */ RETURN n.x /* inner */ + 1 AS y // trailing");
  EXPECT_EQ(returnOf(q).items[0].expr->text, "n.x /* inner */ + 1");
  EXPECT_EQ(returnOf(q).items[0].alias, "y");
  // `//` inside a string is not a comment.
  EXPECT_EQ(expr("'http://x'"), "'http://x'");
}

TEST(ParserLexTest, Parameters) {
  EXPECT_EQ(expr("$name"), "$name");
  EXPECT_EQ(expr("$0"), "$0");
  EXPECT_EQ(expr("$`a b`"), "$a b");
  EXPECT_EQ(expr("$param.key"), "(. $param key)");
}

TEST(ParserLexTest, UnicodeNamesAndColumns) {
  const ast::Query q = parseQuery("MATCH (größe:Café {ñ: 'é'}) RETURN größe.ñ AS ü");
  const auto& node = clause<ast::MatchClause>(q, 0).pattern.parts[0].nodes[0];
  EXPECT_EQ(node.variable, "größe");
  EXPECT_EQ(node.labels[0], "Café");
  const ast::Expr& e = *returnOf(q).items[0].expr;
  EXPECT_EQ(e.text, "größe.ñ");
  // Columns count code points: "MATCH (größe:Café {ñ: 'é'}) RETURN " is 35 of them.
  EXPECT_EQ(e.pos.column, 36);
  EXPECT_EQ(e.pos.offset, 40);  // ö, ß, é, ñ, é take two bytes each
  EXPECT_EQ(returnOf(q).items[0].alias, "ü");
}

TEST(ParserLexTest, SemicolonAndWhitespace) {
  EXPECT_EQ(parseQuery("RETURN 1;").parts.size(), 1u);
  EXPECT_EQ(parseQuery("  \n\tRETURN 1 ;  \n").parts.size(), 1u);
  EXPECT_EQ(parseQuery("\xEF\xBB\xBFRETURN 1").parts.size(), 1u);  // byte-order mark
  EXPECT_EQ(parseQuery("RETURN\xC2\xA0"
                       "1")
                .parts.size(),
            1u);  // no-break space
  expectError("RETURN 1; RETURN 2", "UnexpectedSyntax", 1, 11);
  expectError("RETURN 1;;", "UnexpectedSyntax", 1, 10);
}

// ---- expressions ---------------------------------------------------------------

TEST(ParserExprTest, Literals) {
  EXPECT_EQ(expr("null"), "null");
  EXPECT_EQ(expr("NULL"), "null");
  EXPECT_EQ(expr("true"), "true");
  EXPECT_EQ(expr("FALSE"), "false");
  EXPECT_EQ(expr("[1, 'a', [], [null]]"), "[1 'a' [] [null]]");
  EXPECT_EQ(expr("{}"), "{}");
  EXPECT_EQ(expr("{a: 1, `b c`: [2], exists: true, match: 3}"),
            "{a:1 b c:[2] exists:true match:3}");
}

TEST(ParserExprTest, PrecedenceLogical) {
  EXPECT_EQ(expr("a OR b XOR c AND d"), "(or a (xor b (and c d)))");
  EXPECT_EQ(expr("a AND b OR c AND d"), "(or (and a b) (and c d))");
  EXPECT_EQ(expr("a OR b OR c"), "(or (or a b) c)");
  EXPECT_EQ(expr("NOT a = b"), "(not (cmp a = b))");
  EXPECT_EQ(expr("NOT NOT a"), "(not (not a))");
  EXPECT_EQ(expr("a AND NOT b OR c"), "(or (and a (not b)) c)");
  EXPECT_EQ(expr("NOT a AND b"), "(and (not a) b)");
  EXPECT_EQ(expr("NOT a IS NULL"), "(not (isnull a))");
}

TEST(ParserExprTest, PrecedenceComparison) {
  EXPECT_EQ(expr("a < b"), "(cmp a < b)");
  EXPECT_EQ(expr("a < b <= c > d >= e = f <> g"), "(cmp a < b <= c > d >= e = f <> g)");
  EXPECT_EQ(expr("a + 1 = b * 2"), "(cmp (+ a 1) = (* b 2))");
  EXPECT_EQ(expr("a = b IN c"), "(cmp a = (in b c))");
  EXPECT_EQ(expr("a IS NULL = true"), "(cmp (isnull a) = true)");
  EXPECT_EQ(expr("(a = b) = c"), "(cmp (cmp a = b) = c)");
}

TEST(ParserExprTest, PrecedencePredicates) {
  EXPECT_EQ(expr("a + 1 IN [1, 2]"), "(in (+ a 1) [1 2])");
  EXPECT_EQ(expr("a IN b IN c"), "(in (in a b) c)");
  EXPECT_EQ(expr("s STARTS WITH 'a' + 'b'"), "(starts s (+ 'a' 'b'))");
  EXPECT_EQ(expr("s ENDS WITH 'z'"), "(ends s 'z')");
  EXPECT_EQ(expr("s CONTAINS 'q'"), "(contains s 'q')");
  EXPECT_EQ(expr("s =~ 'a.*'"), "(=~ s 'a.*')");
  EXPECT_EQ(expr("x IS NULL"), "(isnull x)");
  EXPECT_EQ(expr("x IS NOT NULL"), "(notnull x)");
  EXPECT_EQ(expr("x IN l IS NULL"), "(isnull (in x l))");
  EXPECT_EQ(expr("a STARTS WITH b AND c ENDS WITH d OR e CONTAINS f"),
            "(or (and (starts a b) (ends c d)) (contains e f))");
}

TEST(ParserExprTest, PrecedenceArithmetic) {
  EXPECT_EQ(expr("1 + 2 * 3"), "(+ 1 (* 2 3))");
  EXPECT_EQ(expr("1 * 2 + 3"), "(+ (* 1 2) 3)");
  EXPECT_EQ(expr("1 - 2 - 3"), "(- (- 1 2) 3)");
  EXPECT_EQ(expr("8 / 4 / 2"), "(/ (/ 8 4) 2)");
  EXPECT_EQ(expr("7 % 3 * 2"), "(* (% 7 3) 2)");
  EXPECT_EQ(expr("2 ^ 3 ^ 2"), "(^ (^ 2 3) 2)");  // left-associative in openCypher
  EXPECT_EQ(expr("2 * 3 ^ 2"), "(* 2 (^ 3 2))");
  EXPECT_EQ(expr("-2 ^ 2"), "(^ -2 2)");  // unary binds tighter than ^
  EXPECT_EQ(expr("-x ^ 2"), "(^ (neg x) 2)");
  EXPECT_EQ(expr("- -1"), "(neg -1)");
  EXPECT_EQ(expr("+x"), "(pos x)");
  EXPECT_EQ(expr("1 - -1"), "(- 1 -1)");
  EXPECT_EQ(expr("1-1"), "(- 1 1)");
  EXPECT_EQ(expr("-n.x"), "(neg (. n x))");
  EXPECT_EQ(expr("-[1][0]"), "(neg (at [1] 0))");
  EXPECT_EQ(expr("(1 + 2) * 3"), "(* (+ 1 2) 3)");
}

TEST(ParserExprTest, Postfix) {
  EXPECT_EQ(expr("n.a.b"), "(. (. n a) b)");
  EXPECT_EQ(expr("l[0]"), "(at l 0)");
  EXPECT_EQ(expr("l[1..2]"), "(slice l 1 2)");
  EXPECT_EQ(expr("l[..2]"), "(slice l _ 2)");
  EXPECT_EQ(expr("l[1..]"), "(slice l 1 _)");
  EXPECT_EQ(expr("l[..]"), "(slice l _ _)");
  EXPECT_EQ(expr("l[-1..-2]"), "(slice l -1 -2)");
  EXPECT_EQ(expr("n.list[0].key[1..][0]"), "(at (slice (. (at (. n list) 0) key) 1 _) 0)");
  EXPECT_EQ(expr("n:A"), "(labels n A)");
  EXPECT_EQ(expr("n:A:B"), "(labels n A B)");
  EXPECT_EQ(expr("n:A AND m:B"), "(and (labels n A) (labels m B))");
  EXPECT_EQ(expr("NOT n:A"), "(not (labels n A))");
  EXPECT_EQ(expr("(n).name"), "(. n name)");
  EXPECT_EQ(expr("{a: 1}.a"), "(. {a:1} a)");
  EXPECT_EQ(expr("n.count"), "(. n count)");  // keywords are fine as keys
  EXPECT_EQ(expr("n.`a b`"), "(. n a b)");
}

TEST(ParserExprTest, FunctionCalls) {
  EXPECT_EQ(expr("toInteger('1')"), "(call toInteger '1')");
  EXPECT_EQ(expr("rand()"), "(call rand)");
  EXPECT_EQ(expr("foo.bar.baz(1, 2)"), "(call foo.bar.baz 1 2)");
  EXPECT_EQ(expr("count(*)"), "(count*)");
  EXPECT_EQ(expr("COUNT ( * )"), "(count*)");
  EXPECT_EQ(expr("count(DISTINCT n.x)"), "(call count distinct (. n x))");
  EXPECT_EQ(expr("count(n)"), "(call count n)");
  EXPECT_EQ(expr("collect(distinct x)"), "(call collect distinct x)");
  EXPECT_EQ(expr("date.truncate('day', d)"), "(call date.truncate 'day' d)");
  EXPECT_EQ(expr("`my fn`(1)"), "(call my fn 1)");
  EXPECT_EQ(expr("exists(n.prop)"), "(call exists (. n prop))");
  // exists() may test a pattern anywhere.
  EXPECT_EQ(expr("exists((n)-->())"), "(call exists (pattern (n)-[]->()))");
  const ast::Query q = parseQuery("RETURN count(*), max(n.x)");
  EXPECT_EQ(returnOf(q).items[0].expr->text, "count(*)");
  EXPECT_EQ(returnOf(q).items[1].expr->text, "max(n.x)");
}

TEST(ParserExprTest, MapProjection) {
  EXPECT_EQ(expr("n{.a, b: 1, .*, v}"), "(proj n .a b:1 .* v)");
  EXPECT_EQ(expr("n {}"), "(proj n)");
  EXPECT_EQ(expr("n{.name, friends: [(n)-->(f) | f{.name}]}"),
            "(proj n .name friends:(patcomp (n)-[]->(f) | (proj f .name)))");
}

TEST(ParserExprTest, Case) {
  EXPECT_EQ(expr("CASE WHEN a THEN 1 WHEN b THEN 2 ELSE 3 END"),
            "(case (when a 1) (when b 2) (else 3))");
  EXPECT_EQ(expr("CASE x WHEN 1 THEN 'one' END"), "(case x (when 1 'one'))");
  EXPECT_EQ(expr("case n.x when 1 then 2 else 3 end"), "(case (. n x) (when 1 2) (else 3))");
  const ast::Query q = parseQuery("RETURN CASE x WHEN 1 THEN 2 END AS c");
  EXPECT_TRUE(returnOf(q).items[0].expr->has_subject);
  EXPECT_EQ(returnOf(q).items[0].expr->text, "CASE x WHEN 1 THEN 2 END");
}

TEST(ParserExprTest, ListComprehension) {
  EXPECT_EQ(expr("[x IN l WHERE x > 1 | x * 2]"), "(listcomp x l where (cmp x > 1) | (* x 2))");
  EXPECT_EQ(expr("[x IN l WHERE x > 1]"), "(listcomp x l where (cmp x > 1))");
  EXPECT_EQ(expr("[x IN l | x.name]"), "(listcomp x l | (. x name))");
  EXPECT_EQ(expr("[x IN range(1, 3)]"), "(listcomp x (call range 1 3))");
  EXPECT_EQ(expr("[x in [1, 2] where x in [2]]"), "(listcomp x [1 2] where (in x [2]))");
}

TEST(ParserExprTest, PatternComprehension) {
  EXPECT_EQ(expr("[(a)-->(b) | b.name]"), "(patcomp (a)-[]->(b) | (. b name))");
  EXPECT_EQ(expr("[p = (a)-[:T*1..2]->(:B) WHERE a.x = 1 | p]"),
            "(patcomp p=(a)-[:T*1..2]->(:B) where (cmp (. a x) = 1) | p)");
  // A list of a comparison with a parenthesised variable is still a list.
  EXPECT_EQ(expr("[p = (a)]"), "[(cmp p = a)]");
  const ast::Query q = parseQuery("RETURN [p = (a)-->() | p] AS ps");
  const ast::Expr& e = *returnOf(q).items[0].expr;
  EXPECT_EQ(e.name, "p");
  EXPECT_EQ(e.pattern->path_variable, "p");
  EXPECT_EQ(e.pattern->pos.column, 9);  // a part starts at its path variable
}

TEST(ParserExprTest, QuantifiersAndReduce) {
  EXPECT_EQ(expr("all(x IN l WHERE x > 0)"), "(all x l where (cmp x > 0))");
  EXPECT_EQ(expr("ANY(x IN l WHERE x)"), "(any x l where x)");
  EXPECT_EQ(expr("none(x IN l WHERE x = 1)"), "(none x l where (cmp x = 1))");
  EXPECT_EQ(expr("single(x IN l WHERE true)"), "(single x l where true)");
  EXPECT_EQ(expr("any(x IN l)"), "(any x l)");
  EXPECT_EQ(expr("reduce(acc = 0, x IN l | acc + x)"), "(reduce acc 0 x l | (+ acc x))");
  // Without the `x IN` shape these are ordinary function calls.
  EXPECT_EQ(expr("all(l)"), "(call all l)");
}

TEST(ParserExprTest, PatternPredicates) {
  EXPECT_EQ(where("(n)-[:T]->(b)"), "(pattern (n)-[:T]->(b))");
  EXPECT_EQ(where("NOT (n)--()"), "(not (pattern (n)-[]-()))");
  EXPECT_EQ(where("(n)<--(:A) AND (n)<-->()"), "(and (pattern (n)<-[]-(:A)) (pattern (n)-[]-()))");
  EXPECT_EQ(where("(n {x: 1})-[r:A|B*2]-(m)"), "(pattern (n {x:1})-[r:A|B*2]-(m))");
  EXPECT_EQ(where("any(x IN l WHERE (x)-->(n))"), "(any x l where (pattern (x)-[]->(n)))");
  // A parenthesised expression followed by arithmetic is not a pattern.
  EXPECT_EQ(where("(n) - [1] - (m) = 0"), "(cmp (- (- n [1]) m) = 0)");
  EXPECT_EQ(where("(n.x) < -1"), "(cmp (. n x) < -1)");
  EXPECT_EQ(where("(n:A)"), "(labels n A)");
  const ast::Query q = parseQuery("MATCH (n) WHERE (n)-[:T]->() RETURN n");
  const ast::Expr& e = *clause<ast::MatchClause>(q, 0).where;
  EXPECT_EQ(e.text, "(n)-[:T]->()");
  EXPECT_EQ(e.pos.column, 17);
}

TEST(ParserExprTest, ExistsSubquery) {
  const ast::Query q = parseQuery(
      "MATCH (n) WHERE EXISTS { (n)-->(m) WHERE m.x = 1 } AND exists { MATCH (n)--() RETURN 1 "
      "UNION MATCH (n) RETURN 2 } RETURN n");
  const ast::Expr& where_expr = *clause<ast::MatchClause>(q, 0).where;
  ASSERT_EQ(where_expr.kind, ExprKind::kBinary);
  const ast::Expr& short_form = *where_expr.children[0];
  ASSERT_EQ(short_form.kind, ExprKind::kExists);
  EXPECT_EQ(short_form.text, "EXISTS { (n)-->(m) WHERE m.x = 1 }");
  const auto& match = clause<ast::MatchClause>(*short_form.subquery, 0);
  EXPECT_EQ(pattern(match.pattern), "(n)-[]->(m)");
  EXPECT_EQ(sx(match.where.get()), "(cmp (. m x) = 1)");
  const ast::Expr& full = *where_expr.children[1];
  ASSERT_EQ(full.kind, ExprKind::kExists);
  EXPECT_EQ(full.subquery->parts.size(), 2u);
  EXPECT_EQ(full.subquery->union_all, std::vector<bool>{false});
}

TEST(ParserExprTest, ShortestPathExpression) {
  EXPECT_EQ(expr("shortestPath((a)-[*]-(b))"), "(path shortestPath((a)-[*..]-(b)))");
  EXPECT_EQ(expr("allShortestPaths((a)-[:T*..5]->(b))"),
            "(path allShortestPaths((a)-[:T*..5]->(b)))");
}

TEST(ParserExprTest, TextIsExactSource) {
  const ast::Query q = parseQuery(
      "RETURN n.name, a.x + 1, ( a.x  +  1 ) AS p, -1, toUpper( 'x' ), [1,2][0], "
      "n:A, x IS NOT NULL, 'a' STARTS WITH 'b', CASE WHEN true THEN 1 END");
  const auto& items = returnOf(q).items;
  const std::vector<std::string> texts = {"n.name",
                                          "a.x + 1",
                                          "( a.x  +  1 )",
                                          "-1",
                                          "toUpper( 'x' )",
                                          "[1,2][0]",
                                          "n:A",
                                          "x IS NOT NULL",
                                          "'a' STARTS WITH 'b'",
                                          "CASE WHEN true THEN 1 END"};
  ASSERT_EQ(items.size(), texts.size());
  for (size_t i = 0; i < texts.size(); ++i) EXPECT_EQ(items[i].expr->text, texts[i]);
  // Children carry their own text.
  EXPECT_EQ(items[1].expr->children[0]->text, "a.x");
  EXPECT_EQ(items[1].expr->children[1]->text, "1");
  EXPECT_EQ(items[2].expr->children[0]->text, "a.x");
}

TEST(ParserExprTest, Positions) {
  const ast::Query q = parseQuery("MATCH (n)\n  WHERE n.x > 1\nRETURN n.x + 2 AS y");
  const ast::Expr& cond = *clause<ast::MatchClause>(q, 0).where;
  EXPECT_EQ(cond.pos.line, 2);
  EXPECT_EQ(cond.pos.column, 9);
  EXPECT_EQ(cond.pos.offset, 18);
  EXPECT_EQ(cond.children[1]->pos.column, 15);
  const ast::ReturnItem& item = returnOf(q).items[0];
  EXPECT_EQ(item.pos.line, 3);
  EXPECT_EQ(item.pos.column, 8);
  EXPECT_EQ(item.expr->children[1]->pos.column, 14);
  EXPECT_EQ(q.parts[0].clauses[0].pos.line, 1);
  EXPECT_EQ(q.parts[0].clauses[1].pos.line, 3);
  EXPECT_EQ(q.parts[0].clauses[1].pos.column, 1);
  EXPECT_EQ(q.parts[0].clauses[1].pos.offset, 26);
  // \r\n counts as one line break.
  const ast::Query crlf = parseQuery("MATCH (n)\r\nRETURN n");
  EXPECT_EQ(crlf.parts[0].clauses[1].pos.line, 2);
  EXPECT_EQ(crlf.parts[0].clauses[1].pos.column, 1);
}

// ---- clauses -------------------------------------------------------------------

TEST(ParserClauseTest, MatchAndOptionalMatch) {
  const ast::Query q = parseQuery(
      "MATCH (a:Person {name: 'x'}), p = (a)-[:KNOWS]->(b) WHERE b.age > 3 "
      "OPTIONAL MATCH (b)<-[r]-(c) RETURN a");
  const auto& m = clause<ast::MatchClause>(q, 0);
  EXPECT_FALSE(m.optional);
  EXPECT_EQ(pattern(m.pattern), "(a:Person {name:'x'}), p=(a)-[:KNOWS]->(b)");
  EXPECT_EQ(m.pattern.parts[1].pos.column, 31);
  EXPECT_EQ(sx(m.where.get()), "(cmp (. b age) > 3)");
  const auto& o = clause<ast::MatchClause>(q, 1);
  EXPECT_TRUE(o.optional);
  EXPECT_EQ(pattern(o.pattern), "(b)<-[r]-(c)");
  EXPECT_EQ(q.parts[0].clauses[1].pos.column, 69);
}

TEST(ParserClauseTest, Hints) {
  const ast::Query q = parseQuery(
      "MATCH (n:L)-->(m:M) USING INDEX n:L(p) USING INDEX m:M(a, b) USING SCAN m:M "
      "USING JOIN ON n, m WHERE n.p = 1 RETURN n");
  const auto& hints = clause<ast::MatchClause>(q, 0).hints;
  ASSERT_EQ(hints.size(), 4u);
  EXPECT_EQ(hints[0].kind, ast::Hint::Kind::kIndex);
  EXPECT_EQ(hints[0].variable, "n");
  EXPECT_EQ(hints[0].label, "L");
  EXPECT_EQ(hints[0].properties, std::vector<std::string>{"p"});
  EXPECT_EQ(hints[0].pos.column, 21);
  EXPECT_EQ(hints[1].properties, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(hints[2].kind, ast::Hint::Kind::kScan);
  EXPECT_EQ(hints[2].variable, "m");
  EXPECT_EQ(hints[2].label, "M");
  EXPECT_EQ(hints[3].kind, ast::Hint::Kind::kJoin);
  EXPECT_EQ(hints[3].join_variables, (std::vector<std::string>{"n", "m"}));
  EXPECT_NE(clause<ast::MatchClause>(q, 0).where, nullptr);
}

TEST(ParserClauseTest, Patterns) {
  auto match = [](const std::string& p) {
    return pattern(clause<ast::MatchClause>(parseQuery("MATCH " + p + " RETURN 1"), 0).pattern);
  };
  EXPECT_EQ(match("()"), "()");
  EXPECT_EQ(match("(a)-->(b)"), "(a)-[]->(b)");
  EXPECT_EQ(match("(a)<--(b)"), "(a)<-[]-(b)");
  EXPECT_EQ(match("(a)--(b)"), "(a)-[]-(b)");
  EXPECT_EQ(match("(a)<-->(b)"), "(a)-[]-(b)");  // read as undirected
  EXPECT_EQ(match("(a)-[r:T|U]->(b)"), "(a)-[r:T|U]->(b)");
  EXPECT_EQ(match("(a)-[:T|:U]-(b)"), "(a)-[:T|U]-(b)");
  EXPECT_EQ(match("(a)-[*]->(b)"), "(a)-[*..]->(b)");
  EXPECT_EQ(match("(a)-[*2]->(b)"), "(a)-[*2]->(b)");
  EXPECT_EQ(match("(a)-[*1..3]->(b)"), "(a)-[*1..3]->(b)");
  EXPECT_EQ(match("(a)-[*..3]->(b)"), "(a)-[*..3]->(b)");
  EXPECT_EQ(match("(a)-[*2..]->(b)"), "(a)-[*2..]->(b)");
  EXPECT_EQ(match("(a)-[r:T*0..1 {w: 1}]->(b)"), "(a)-[r:T*0..1 {w:1}]->(b)");
  EXPECT_EQ(match("(a {p: $x})-[$props]->(b $q)"), "(a {p:$x})-[ $props]->(b $q)");
  EXPECT_EQ(match("(:A:B)"), "(:A:B)");
  EXPECT_EQ(match("p = shortestPath((a)-[*]-(b))"), "p=shortestPath((a)-[*..]-(b))");
  EXPECT_EQ(match("allShortestPaths((a)-[:T*]->(b))"), "allShortestPaths((a)-[:T*..]->(b))");
  EXPECT_EQ(match("((a)-->(b))"), "(a)-[]->(b)");
  EXPECT_EQ(match("(a)-->(b)<--(c), (d)"), "(a)-[]->(b)<-[]-(c), (d)");
  EXPECT_EQ(match("(a) - [ : T ] -> (b)"), "(a)-[:T]->(b)");

  const ast::Query q = parseQuery("MATCH (a)-[*]->(b) RETURN 1");
  const ast::RelPattern& r = clause<ast::MatchClause>(q, 0).pattern.parts[0].rels[0];
  EXPECT_TRUE(r.variable_length);
  EXPECT_FALSE(r.min_hops.has_value());
  EXPECT_FALSE(r.max_hops.has_value());
  EXPECT_EQ(r.pos.column, 10);
}

TEST(ParserClauseTest, UnwindWithReturn) {
  const ast::Query q = parseQuery(
      "UNWIND [1, 2] AS x WITH DISTINCT x, x * 2 AS y ORDER BY y DESC, x ASCENDING SKIP 1 "
      "LIMIT $n WHERE y > 1 RETURN *, x AS z ORDER BY z DESCENDING, x ASC, y SKIP 0 LIMIT 10");
  const auto& u = clause<ast::UnwindClause>(q, 0);
  EXPECT_EQ(sx(u.list.get()), "[1 2]");
  EXPECT_EQ(u.variable, "x");
  const auto& w = clause<ast::WithClause>(q, 1);
  EXPECT_TRUE(w.projection.distinct);
  ASSERT_EQ(w.projection.items.size(), 2u);
  EXPECT_EQ(w.projection.items[0].alias, "");
  EXPECT_EQ(w.projection.items[1].alias, "y");
  ASSERT_EQ(w.projection.order_by.size(), 2u);
  EXPECT_TRUE(w.projection.order_by[0].descending);
  EXPECT_FALSE(w.projection.order_by[1].descending);
  EXPECT_EQ(sx(w.projection.skip.get()), "1");
  EXPECT_EQ(sx(w.projection.limit.get()), "$n");
  EXPECT_EQ(sx(w.where.get()), "(cmp y > 1)");
  const auto& r = returnOf(q);
  EXPECT_TRUE(r.star);
  EXPECT_EQ(r.items.size(), 1u);
  EXPECT_TRUE(r.order_by[0].descending);
  EXPECT_FALSE(r.order_by[1].descending);
  EXPECT_FALSE(r.order_by[2].descending);
  EXPECT_NE(r.skip, nullptr);
  EXPECT_NE(r.limit, nullptr);

  const ast::Query star = parseQuery("MATCH (n) WITH * RETURN *");
  EXPECT_TRUE(clause<ast::WithClause>(star, 1).projection.star);
  EXPECT_TRUE(clause<ast::WithClause>(star, 1).projection.items.empty());
  EXPECT_EQ(expr("{a: 1, b: 'x'}"), "{a:1 b:'x'}");  // RETURN of a map literal
}

TEST(ParserClauseTest, CreateMergeDelete) {
  const ast::Query q = parseQuery(
      "CREATE (a:A {x: 1})-[:T]->(b), (c) "
      "MERGE (a)-[r:R]->(b) ON CREATE SET r.new = true ON MATCH SET r.seen = r.seen + 1 "
      "ON CREATE SET a:Fresh "
      "WITH a, b DETACH DELETE a DELETE b, r");
  EXPECT_EQ(pattern(clause<ast::CreateClause>(q, 0).pattern), "(a:A {x:1})-[:T]->(b), (c)");
  const auto& m = clause<ast::MergeClause>(q, 1);
  EXPECT_EQ(pattern(m.pattern), "(a)-[r:R]->(b)");
  ASSERT_EQ(m.on_create.size(), 2u);
  EXPECT_EQ(m.on_create[0].kind, ast::SetItem::Kind::kProperty);
  EXPECT_EQ(m.on_create[1].kind, ast::SetItem::Kind::kLabels);
  ASSERT_EQ(m.on_match.size(), 1u);
  EXPECT_EQ(sx(m.on_match[0].value.get()), "(+ (. r seen) 1)");
  const auto& dd = clause<ast::DeleteClause>(q, 3);
  EXPECT_TRUE(dd.detach);
  EXPECT_EQ(q.parts[0].clauses[3].pos.column, 149);  // DETACH
  const auto& d = clause<ast::DeleteClause>(q, 4);
  EXPECT_FALSE(d.detach);
  EXPECT_EQ(d.targets.size(), 2u);
  // DELETE takes expressions (the binder rejects what cannot be deleted).
  EXPECT_EQ(sx(clause<ast::DeleteClause>(parseQuery("MATCH (n) DELETE n.list[0], n:L"), 1)
                   .targets[1]
                   .get()),
            "(labels n L)");
}

TEST(ParserClauseTest, SetItems) {
  const ast::Query q = parseQuery(
      "MATCH (n) SET n.k = 1, n = {a: 1}, n += $m, n:L:M, (n).k2 = 'v', n.a.b = 2, "
      "n.`x y` = null");
  const auto& items = clause<ast::SetClause>(q, 1).items;
  ASSERT_EQ(items.size(), 7u);
  EXPECT_EQ(items[0].kind, ast::SetItem::Kind::kProperty);
  EXPECT_EQ(sx(items[0].target.get()), "(. n k)");
  EXPECT_EQ(items[0].target->text, "n.k");
  EXPECT_EQ(sx(items[0].value.get()), "1");
  EXPECT_EQ(items[0].pos.column, 15);
  EXPECT_EQ(items[1].kind, ast::SetItem::Kind::kReplace);
  EXPECT_EQ(items[1].variable, "n");
  EXPECT_EQ(sx(items[1].value.get()), "{a:1}");
  EXPECT_EQ(items[2].kind, ast::SetItem::Kind::kMerge);
  EXPECT_EQ(items[2].variable, "n");
  EXPECT_EQ(sx(items[2].value.get()), "$m");
  EXPECT_EQ(items[3].kind, ast::SetItem::Kind::kLabels);
  EXPECT_EQ(items[3].labels, (std::vector<std::string>{"L", "M"}));
  EXPECT_EQ(items[4].kind, ast::SetItem::Kind::kProperty);
  EXPECT_EQ(sx(items[4].target.get()), "(. n k2)");
  EXPECT_EQ(items[4].target->text, "(n).k2");
  EXPECT_EQ(sx(items[5].target.get()), "(. (. n a) b)");
  EXPECT_EQ(sx(items[6].target.get()), "(. n x y)");
}

TEST(ParserClauseTest, Remove) {
  const ast::Query q = parseQuery("MATCH (n) REMOVE n.k, n:A:B, (n).j");
  const auto& items = clause<ast::RemoveClause>(q, 1).items;
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].kind, ast::RemoveItem::Kind::kProperty);
  EXPECT_EQ(sx(items[0].target.get()), "(. n k)");
  EXPECT_EQ(items[1].kind, ast::RemoveItem::Kind::kLabels);
  EXPECT_EQ(items[1].variable, "n");
  EXPECT_EQ(items[1].labels, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(items[2].kind, ast::RemoveItem::Kind::kProperty);
  EXPECT_EQ(items[2].pos.column, 30);
}

TEST(ParserClauseTest, Call) {
  const ast::Query a = parseQuery("CALL db.labels()");
  EXPECT_EQ(clause<ast::CallClause>(a, 0).procedure, "db.labels");
  EXPECT_TRUE(clause<ast::CallClause>(a, 0).has_arguments);
  const ast::Query b = parseQuery("CALL test.my.proc");
  EXPECT_FALSE(clause<ast::CallClause>(b, 0).has_arguments);
  const ast::Query c =
      parseQuery("MATCH (n) CALL test.my.proc(n.x, 'a') YIELD a AS b, c WHERE b > 1 RETURN b, c");
  const auto& call = clause<ast::CallClause>(c, 1);
  EXPECT_EQ(call.procedure, "test.my.proc");
  EXPECT_EQ(call.arguments.size(), 2u);
  ASSERT_EQ(call.yield.size(), 2u);
  EXPECT_EQ(call.yield[0], (std::pair<std::string, std::string>{"a", "b"}));
  EXPECT_EQ(call.yield[1], (std::pair<std::string, std::string>{"c", "c"}));  // alias = field
  EXPECT_EQ(sx(call.where.get()), "(cmp b > 1)");
  const ast::Query d = parseQuery("CALL test.my.proc('x') YIELD *");
  EXPECT_TRUE(clause<ast::CallClause>(d, 0).yield_star);
}

TEST(ParserClauseTest, UnionExplainProfile) {
  const ast::Query q = parseQuery("RETURN 1 AS x UNION ALL RETURN 2 AS x UNION RETURN 3 AS x");
  EXPECT_EQ(q.mode, ast::Query::Mode::kNormal);
  EXPECT_EQ(q.parts.size(), 3u);
  EXPECT_EQ(q.union_all, (std::vector<bool>{true, false}));
  EXPECT_EQ(parseQuery("EXPLAIN MATCH (n) RETURN n").mode, ast::Query::Mode::kExplain);
  EXPECT_EQ(parseQuery("profile MATCH (n) RETURN n").mode, ast::Query::Mode::kProfile);
}

TEST(ParserClauseTest, Indexes) {
  const ast::Query a =
      parseQuery("CREATE INDEX person_name IF NOT EXISTS FOR (p:Person) ON (p.name, p.age)");
  const auto& ci = clause<ast::CreateIndexClause>(a, 0);
  EXPECT_EQ(ci.name, "person_name");
  EXPECT_TRUE(ci.if_not_exists);
  EXPECT_EQ(ci.label, "Person");
  EXPECT_EQ(ci.properties, (std::vector<std::string>{"name", "age"}));
  const ast::Query b = parseQuery("CREATE INDEX FOR (n:L) ON (n.p)");
  EXPECT_EQ(clause<ast::CreateIndexClause>(b, 0).name, "");
  EXPECT_FALSE(clause<ast::CreateIndexClause>(b, 0).if_not_exists);
  const ast::Query c = parseQuery("CREATE INDEX ON :L(p)");
  EXPECT_EQ(clause<ast::CreateIndexClause>(c, 0).label, "L");
  const ast::Query d = parseQuery("DROP INDEX person_name IF EXISTS");
  EXPECT_EQ(clause<ast::DropIndexClause>(d, 0).name, "person_name");
  EXPECT_TRUE(clause<ast::DropIndexClause>(d, 0).if_exists);
  const ast::Query e = parseQuery("DROP INDEX ON :L(p, q)");
  EXPECT_EQ(clause<ast::DropIndexClause>(e, 0).label, "L");
  EXPECT_EQ(clause<ast::DropIndexClause>(e, 0).properties, (std::vector<std::string>{"p", "q"}));
  // `index` is still an ordinary variable in a CREATE pattern.
  EXPECT_EQ(pattern(clause<ast::CreateClause>(parseQuery("CREATE (index)"), 0).pattern), "(index)");
  expectError("CREATE INDEX FOR (n:L) ON (m.p)", "UnexpectedSyntax", 1, 28);
}

// ---- errors --------------------------------------------------------------------

TEST(ParserErrorTest, MessageFormat) {
  const Error e = parseError("MATCH (n)\nRETURN n.name AS x y");
  EXPECT_EQ(e.code(), Code::kBadInput);
  EXPECT_EQ(e.detail(), "SyntaxError.UnexpectedSyntax");
  EXPECT_EQ(e.message(),
            "Invalid input 'y': expected a clause (MATCH, WITH, RETURN, …), UNION, ';' or end of "
            "input (line 2, column 20)\n"
            "  RETURN n.name AS x y\n"
            "                     ^");
  const Error eoi = parseError("MATCH (n) RETURN n.");
  EXPECT_EQ(eoi.message(),
            "Unexpected end of input: expected a property key name (line 1, column 20)\n"
            "  MATCH (n) RETURN n.\n"
            "                     ^");
  // Tabs are kept in the caret line so the caret lines up.
  const Error tab = parseError("RETURN\t\t1 +");
  EXPECT_EQ(tab.message().substr(tab.message().rfind('\n') + 1), "        \t\t   ^");
}

TEST(ParserErrorTest, UnexpectedSyntax) {
  expectError("", "UnexpectedSyntax", 1, 1);
  expectError("   // only a comment", "UnexpectedSyntax", 1, 21);
  expectError(";", "UnexpectedSyntax", 1, 1);
  expectError("EXPLAIN", "UnexpectedSyntax", 1, 8);
  expectError("MATCH (n RETURN n", "UnexpectedSyntax", 1, 10);
  expectError("RETURN 1 )", "UnexpectedSyntax", 1, 10);
  expectError("RETURN", "UnexpectedSyntax", 1, 7);
  expectError("WITH a, RETURN a", "UnexpectedSyntax", 1, 9);
  expectError("RETURN {, }", "UnexpectedSyntax", 1, 9);
  expectError("RETURN {1: 2}", "UnexpectedSyntax", 1, 9);
  expectError("RETURN {1B2c3e67:1}", "UnexpectedSyntax", 1, 9);
  expectError("RETURN {k1.k: 1}", "UnexpectedSyntax", 1, 11);
  expectError("RETURN {k1#k: 1}", "UnexpectedSyntax", 1, 11);
  expectError("RETURN {k: {k: {}} AS x", "UnexpectedSyntax", 1, 20);
  expectError("RETURN [, ]", "UnexpectedSyntax", 1, 9);
  expectError("RETURN [[[]] AS x", "UnexpectedSyntax", 1, 14);
  expectError("RETURN 9223372#54775808", "UnexpectedSyntax", 1, 15);
  expectError("RETURN a = NOT b", "UnexpectedSyntax", 1, 12);
  expectError("RETURN CASE END", "UnexpectedSyntax", 1, 13);
  expectError("RETURN x IS 1", "UnexpectedSyntax", 1, 13);
  expectError("MATCH (n) SET n.x + 1 = 2", "UnexpectedSyntax", 1, 19);
  expectError("MATCH (n) SET f(n) = 2", "UnexpectedSyntax", 1, 15);
  expectError("MATCH (n) SET n.x:L", "UnexpectedSyntax", 1, 15);
  expectError("MATCH (n) REMOVE n", "UnexpectedSyntax", 1, 19);
  expectError("MATCH (a)-[:T]-", "UnexpectedSyntax", 1, 16);
  expectError("MATCH (a)-[:T-(b)", "UnexpectedSyntax", 1, 14);
  expectError("MATCH (``) RETURN 1", "UnexpectedSyntax", 1, 8);
  expectError("CALL { RETURN 1 }", "UnexpectedSyntax", 1, 6);
  expectError("FOREACH (x IN [1] | CREATE ())", "UnexpectedSyntax", 1, 1);
  expectError("RETURN 'abc", "UnexpectedSyntax", 1, 8);
  expectError("RETURN `abc", "UnexpectedSyntax", 1, 8);
  expectError("RETURN 1 /* comment", "UnexpectedSyntax", 1, 10);
  expectError("RETURN 1 != 2", "UnexpectedSyntax", 1, 10);
}

TEST(ParserErrorTest, PatternsOnlyAsPredicates) {
  expectError("MATCH (n) RETURN (n)-[]->()", "UnexpectedSyntax", 1, 18);
  expectError("MATCH (n) WITH (n)-[]->() AS x RETURN x", "UnexpectedSyntax", 1, 16);
  expectError("MATCH (n) SET n.prop = head(nodes(head((n)-[:REL]->()))).foo", "UnexpectedSyntax", 1,
              40);
  expectError("MATCH (a) RETURN size((a)-->())", "UnexpectedSyntax", 1, 23);
  // … but WHERE, exists() and comprehensions may hold one.
  EXPECT_NO_THROW(parseQuery("MATCH (n) WHERE size([(n)-->() | 1]) > 0 RETURN n"));
  EXPECT_NO_THROW(parseQuery("MATCH (n) RETURN [x IN [n] WHERE (x)-->() | x]"));
}

TEST(ParserErrorTest, YieldStarOnlyStandalone) {
  expectError("CALL test.my.proc('Stefan', 1) YIELD * RETURN city", "UnexpectedSyntax", 1, 38);
  expectError("MATCH (n) CALL p() YIELD *", "UnexpectedSyntax", 1, 26);
}

TEST(ParserErrorTest, InvalidNumberLiteral) {
  expectError("RETURN 0x", "InvalidNumberLiteral", 1, 8);
  expectError("RETURN 0x1A2b3j4D5E6f7 AS literal", "InvalidNumberLiteral", 1, 8);
  expectError("RETURN 0o8", "InvalidNumberLiteral", 1, 8);
  expectError("RETURN 9223372h54775808", "InvalidNumberLiteral", 1, 8);
  expectError("RETURN 1e", "InvalidNumberLiteral", 1, 8);
  expectError("RETURN -12ab", "InvalidNumberLiteral", 1, 9);
  expectError("RETURN [1, 2x]", "InvalidNumberLiteral", 1, 12);
  expectError("MATCH ()-[*1x]-() RETURN 1", "InvalidNumberLiteral", 1, 12);
}

TEST(ParserErrorTest, IntegerOverflow) {
  expectError("RETURN 9223372036854775808", "IntegerOverflow", 1, 8);
  expectError("RETURN -9223372036854775809", "IntegerOverflow", 1, 8);
  expectError("RETURN 0x8000000000000000", "IntegerOverflow", 1, 8);
  expectError("RETURN -0x8000000000000001", "IntegerOverflow", 1, 8);
  expectError("RETURN 0o1000000000000000000000", "IntegerOverflow", 1, 8);
  expectError("RETURN 99999999999999999999999999", "IntegerOverflow", 1, 8);
  expectError("MATCH ()-[*..99999999999999999999]-() RETURN 1", "IntegerOverflow", 1, 14);
  // -(9223372036854775808) is not the literal -9223372036854775808.
  expectError("RETURN -(9223372036854775808)", "IntegerOverflow", 1, 10);
}

TEST(ParserErrorTest, FloatingPointOverflow) {
  expectError("RETURN 1.34E999", "FloatingPointOverflow", 1, 8);
  expectError("RETURN -1e309", "FloatingPointOverflow", 1, 8);
  expectError("RETURN 1e99999999999", "FloatingPointOverflow", 1, 8);
}

TEST(ParserErrorTest, InvalidUnicode) {
  expectError("RETURN '\\uH'", "InvalidUnicodeLiteral", 1, 9);
  expectError("RETURN 'ab\\u12'", "InvalidUnicodeLiteral", 1, 11);
  expectError("RETURN '\\U0011FFFF'", "InvalidUnicodeLiteral", 1, 9);
  expectError("RETURN '\\uD800'", "InvalidUnicodeLiteral", 1, 9);              // lone surrogate
  expectError("RETURN 42 \xE2\x80\x94 41", "InvalidUnicodeCharacter", 1, 11);  // em dash
  EXPECT_NE(parseError("RETURN 42 \xE2\x80\x94 41").message().find("(U+2014)"), std::string::npos);
  expectError("RETURN 1 AS x\xE2\x86\x92", "InvalidUnicodeCharacter", 1, 14);  // arrow
  expectError("RETURN \xFF", "InvalidUnicodeCharacter", 1, 8);                 // not UTF-8
  // Invalid UTF-8 is refused anywhere, strings and comments included, so
  // that names, values and messages are always valid UTF-8.
  expectError("RETURN 'a\xC3'", "InvalidUnicodeCharacter", 1, 10);
  expectError("RETURN 1 // \xE2\x80", "InvalidUnicodeCharacter", 1, 13);
  // Control characters are shown as U+FFFD in messages, never raw.
  const Error nul = parseError(std::string("RETURN 1 \0 x", 13));
  EXPECT_EQ(nul.message().find('\0'), std::string::npos);
  EXPECT_NE(nul.message().find("Invalid input '\xEF\xBF\xBD'"), std::string::npos) << nul.message();
}

TEST(ParserErrorTest, InvalidRelationshipPattern) {
  // Not representable in the tree, so refused here with the TCK's detail.
  expectError("MATCH (a)-[:LIKES..]->(c) RETURN c", "InvalidRelationshipPattern", 1, 18);
  expectError("MATCH (a)-[:LIKES*-2]->(c) RETURN c", "InvalidRelationshipPattern", 1, 19);
}

// ---- robustness ----------------------------------------------------------------

std::string repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

// Runs fn on a thread with a 1 MiB stack: the limits must keep the parser
// well inside what a server thread offers. AddressSanitizer's red zones make
// every frame several times larger, so its builds get more room.
#if defined(__SANITIZE_ADDRESS__)
constexpr size_t kTestStack = size_t{16} << 20;
#else
constexpr size_t kTestStack = size_t{1} << 20;
#endif

void onSmallStack(void (*fn)()) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, kTestStack);
  pthread_t thread;
  ASSERT_EQ(pthread_create(
                &thread, &attr,
                [](void* f) -> void* {
                  reinterpret_cast<void (*)()>(f)();
                  return nullptr;
                },
                reinterpret_cast<void*>(fn)),
            0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
}

TEST(ParserRobustnessTest, NestingWithinLimitParses) {
  onSmallStack([] {
    EXPECT_NO_THROW(parseQuery("RETURN " + repeat("(", 490) + "1" + repeat(")", 490)));
    EXPECT_NO_THROW(parseQuery("RETURN " + repeat("[", 490) + repeat("]", 490)));
    EXPECT_NO_THROW(parseQuery("RETURN " + repeat("{a: ", 490) + "1" + repeat("}", 490)));
    EXPECT_NO_THROW(parseQuery("RETURN " + repeat("f(", 490) + repeat(")", 490)));
    EXPECT_NO_THROW(parseQuery("RETURN a" + repeat(" OR a", 990)));
    EXPECT_NO_THROW(parseQuery("RETURN " + repeat("NOT ", 990) + "a"));
    EXPECT_NO_THROW(parseQuery("RETURN " + repeat("- ", 990) + "a"));
    EXPECT_NO_THROW(parseQuery("RETURN a" + repeat(".b", 990)));
    EXPECT_NO_THROW(parseQuery("MATCH (n) WHERE " + repeat("EXISTS { MATCH (m) WHERE ", 80) +
                               "true" + repeat(" }", 80) + " RETURN n"));
  });
}

TEST(ParserRobustnessTest, NestingBeyondLimitIsAnError) {
  onSmallStack([] {
    for (const std::string& q : {
             "RETURN " + repeat("(", 100000) + "1" + repeat(")", 100000),
             "RETURN " + repeat("[", 100000),
             "RETURN " + repeat("{a: ", 100000),
             "MATCH " + repeat("(", 100000) + "a" + repeat(")", 100000) + " RETURN a",
             "RETURN a" + repeat(" OR a", 100000),
             "RETURN " + repeat("NOT ", 100000) + "a",
             "RETURN " + repeat("-", 100000) + "a",
             "RETURN a" + repeat("[0]", 100000),
             "RETURN 1" + repeat(" < 1 + 1", 1) + repeat(" + 1", 100000),
             "MATCH (n) WHERE " + repeat("EXISTS { MATCH (m) WHERE ", 1000) + "true",
             "RETURN " + repeat("[x IN ", 100000),
             "RETURN " + repeat("CASE WHEN ", 100000),
         }) {
      const Error e = parseError(q);
      EXPECT_EQ(e.detail(), "SyntaxError.UnexpectedSyntax") << q.substr(0, 40);
      EXPECT_NE(e.message().find("nested too deeply"), std::string::npos) << e.message();
    }
  });
}

TEST(ParserRobustnessTest, LongFlatInputIsFine) {
  // Wide (not deep) input has no limit: a 100k-element list, a long chain of
  // comparisons, many clauses, a long string.
  std::string list = "RETURN [0";
  for (int i = 1; i < 100000; ++i) list += ", " + std::to_string(i);
  list += "]";
  EXPECT_EQ(returnOf(parseQuery(list)).items[0].expr->children.size(), 100000u);
  EXPECT_NO_THROW(parseQuery("RETURN 1" + repeat(" < 1", 10000)));
  EXPECT_NO_THROW(parseQuery(repeat("MATCH (n) ", 10000) + "RETURN 1"));
  EXPECT_NO_THROW(parseQuery("RETURN '" + std::string(1 << 20, 'x') + "'"));
}

// Every prefix and many single-byte mutations of some rich queries either
// parse or fail with a maestro::Error — never crash, hang or throw anything
// else.
TEST(ParserRobustnessTest, TruncatedAndMutatedInputNeverCrashes) {
  const std::vector<std::string> seeds = {
      "MATCH p = (a:A {x: [1, 2.5e3, 'é\\u00e9']})-[r:T|:U*1..3]->(b) USING INDEX a:A(x) "
      "WHERE a.x STARTS WITH 'q' AND NOT (a)<--(:B) AND exists { (b)--() WHERE b.y IS NULL } "
      "WITH DISTINCT a, count(*) AS c, collect(DISTINCT b{.name, .*, k: $p}) AS bs "
      "ORDER BY c DESC SKIP 1 LIMIT 2 "
      "UNWIND [x IN bs WHERE x.k > 0 | x.k ^ 2] AS y "
      "MERGE (a)-[:S]->(z:Z {id: y}) ON CREATE SET z += {n: 1}, z:Q ON MATCH SET z.n = z.n + 1 "
      "RETURN a, CASE WHEN c > 1 THEN [(a)-->(m) | m.x][0..1] ELSE reduce(s = 0, v IN [1] | s + v) "
      "END AS v, all(q IN [1] WHERE q = 1) AS w, -0x1F, `quoted name` "
      "UNION ALL CALL db.x(1) YIELD a AS b WHERE b RETURN b, 1, 2, 3, 4, 5 // done",
      "CREATE INDEX i IF NOT EXISTS FOR (n:L) ON (n.p, n.q);",
      "MATCH (n) DETACH DELETE n REMOVE n.x, n:L SET (n).y = 1 RETURN shortestPath((n)-[*]-(m))",
  };
  const std::string alphabet = "()[]{}<>-:.,|*$'\"`/\\+=^%!~ \naZ09_\xC3\xA9\xE2\x80\x94";
  uint32_t rng = 12345;  // fixed seed: the test is deterministic
  auto next = [&rng]() {
    rng = rng * 1664525u + 1013904223u;
    return rng >> 8;
  };
  int parsed = 0;
  int failed = 0;
  auto attempt = [&](const std::string& q) {
    try {
      parseQuery(q);
      ++parsed;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), Code::kBadInput);
      EXPECT_EQ(e.detail().rfind("SyntaxError.", 0), 0u) << e.detail();
      ++failed;
    }
  };
  for (const std::string& seed : seeds) {
    attempt(seed);
    for (size_t n = 0; n < seed.size(); ++n) attempt(seed.substr(0, n));
    for (int i = 0; i < 3000; ++i) {
      std::string q = seed;
      const size_t at = next() % q.size();
      switch (next() % 3) {
        case 0:
          q[at] = alphabet[next() % alphabet.size()];
          break;
        case 1:
          q.erase(at, 1 + next() % 3);
          break;
        default:
          q.insert(at, 1, alphabet[next() % alphabet.size()]);
          break;
      }
      attempt(q);
    }
  }
  EXPECT_GT(parsed, 0);
  EXPECT_GT(failed, 0);
}

// ---- hints kept apart from the query (persisted operations) -------------------

TEST(ParserHintsTest, ParsesAListOfUsingClausesAndNothingElse) {
  auto hints = parseHints("USING INDEX p:Person(id) using scan q:Org USING JOIN ON x, y");
  ASSERT_EQ(hints.size(), 3u);
  EXPECT_EQ(hints[0].kind, ast::Hint::Kind::kIndex);
  EXPECT_EQ(hints[0].properties, std::vector<std::string>{"id"});
  EXPECT_EQ(hints[1].label, "Org");
  EXPECT_EQ(hints[2].join_variables, (std::vector<std::string>{"x", "y"}));
  EXPECT_TRUE(parseHints("").empty());
  for (const char* bad : {"USING INDEX p:Person", "MATCH (n) RETURN n", "USING SCAN p:Person RETURN 1"}) {
    try {
      parseHints(bad);
      ADD_FAILURE() << bad << ": no error";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), Code::kBadInput) << bad;
    }
  }
}

TEST(ParserHintsTest, AttachesEachHintToTheFirstMatchWithItsVariable) {
  ast::Query q = parseQuery("MATCH (a:A) WITH a MATCH (a)-->(b:B) RETURN b");
  attachHints(q, parseHints("USING SCAN b:B USING SCAN a:A"));
  const auto& first = std::get<ast::MatchClause>(q.parts[0].clauses[0].body);
  const auto& second = std::get<ast::MatchClause>(q.parts[0].clauses[2].body);
  ASSERT_EQ(first.hints.size(), 1u);
  EXPECT_EQ(first.hints[0].variable, "a");
  ASSERT_EQ(second.hints.size(), 1u);
  EXPECT_EQ(second.hints[0].variable, "b");
  try {
    attachHints(q, parseHints("USING SCAN c:C"));
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::kBadInput);
    EXPECT_NE(e.message().find("no MATCH of the query has a node 'c'"), std::string::npos);
  }
}

}  // namespace
}  // namespace maestro::engine
