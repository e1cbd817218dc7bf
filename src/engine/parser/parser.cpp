#include "engine/parser/parser.h"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <unordered_map>
#include <utility>

#include "engine/common/errors.h"
#include "engine/parser/lexer.h"

namespace maestro::engine {
namespace {

using parser::Token;
using parser::TokenKind;

// How deep the parser may recurse (parentheses, lists, maps, function
// arguments, subqueries, …) and how deep a syntax tree may grow (which also
// counts left-deep operator chains such as `a OR b OR c …`). Both protect
// the stack: of the parser itself, and of every later stage that walks the
// tree recursively (the binder, the evaluator, the tree's own destructor).
constexpr int kMaxNesting = 500;
constexpr int kMaxTreeDepth = 1000;
constexpr int kSubqueryWeight = 5;
// Expression texts are copies of the source, so nesting (and left-deep
// chains: `a OR b OR …` copies its prefix once per operator) multiplies
// memory. A generous cap — far above what real queries need, e.g. 4 MB for a
// 900-term OR chain — keeps a hostile query from allocating gigabytes.
constexpr size_t kTextBudgetFactor = 64;
constexpr size_t kTextBudgetBase = size_t{64} << 20;

constexpr size_t kNoMatch = std::numeric_limits<size_t>::max();

// Operator precedence, lowest first (openCypher 9).
enum Prec {
  kPrecOr = 1,
  kPrecXor,
  kPrecAnd,
  kPrecNot,
  kPrecComparison,
  kPrecPredicate,  // STARTS WITH, ENDS WITH, CONTAINS, =~, IN, IS [NOT] NULL
  kPrecAdd,
  kPrecMul,
  kPrecPow,
  kPrecUnary,
};

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'a' && x <= 'z') x = static_cast<char>(x - 'a' + 'A');
    if (y >= 'a' && y <= 'z') y = static_cast<char>(y - 'a' + 'A');
    if (x != y) return false;
  }
  return true;
}

// Words that can never begin an expression. Refusing them where an
// expression is expected turns `WITH a, RETURN a` into an error at RETURN
// rather than a confusing one further on. Back-quoted, they are ordinary
// names.
bool isReservedInExpression(std::string_view word) {
  static constexpr std::string_view kWords[] = {
      "MATCH", "OPTIONAL", "RETURN", "WITH",      "WHERE",      "UNWIND",   "CREATE", "MERGE",
      "SET",   "DELETE",   "DETACH", "REMOVE",    "CALL",       "YIELD",    "UNION",  "ORDER",
      "SKIP",  "LIMIT",    "AND",    "OR",        "XOR",        "NOT",      "AS",     "IN",
      "IS",    "STARTS",   "ENDS",   "CONTAINS",  "WHEN",       "THEN",     "ELSE",   "END",
      "BY",    "ASC",      "DESC",   "ASCENDING", "DESCENDING", "DISTINCT", "ON",     "USING",
  };
  for (std::string_view w : kWords) {
    if (equalsIgnoreCase(word, w)) return true;
  }
  return false;
}

bool isClauseKeyword(std::string_view word) {
  static constexpr std::string_view kWords[] = {
      "MATCH", "OPTIONAL", "UNWIND", "WITH",   "RETURN", "CREATE", "MERGE",
      "SET",   "REMOVE",   "DELETE", "DETACH", "CALL",   "DROP",   "FOREACH",
  };
  for (std::string_view w : kWords) {
    if (equalsIgnoreCase(word, w)) return true;
  }
  return false;
}

// The recursive-descent parser over the token vector of one query.
//
// Single-use and single-threaded: construct, call parseStatement() once.
// Every failure throws maestro::Error via throwSyntaxError; the parser
// never asserts on input. Recursion is bounded by kMaxNesting (NestingGuard)
// and tree depth by kMaxTreeDepth (checked as each node is finished).
class Parser {
 public:
  Parser(std::string_view text, std::vector<Token> tokens)
      : text_(text), tokens_(std::move(tokens)), match_(tokens_.size(), kNoMatch) {
    // Matching brackets, so that look-ahead can skip a `{…}` or `[…]` in O(1).
    std::vector<size_t> open;
    for (size_t i = 0; i < tokens_.size(); ++i) {
      const TokenKind k = tokens_[i].kind;
      if (k == TokenKind::kLParen || k == TokenKind::kLBracket || k == TokenKind::kLBrace) {
        open.push_back(i);
      } else if (k == TokenKind::kRParen || k == TokenKind::kRBracket || k == TokenKind::kRBrace) {
        const TokenKind want = k == TokenKind::kRParen     ? TokenKind::kLParen
                               : k == TokenKind::kRBracket ? TokenKind::kLBracket
                                                           : TokenKind::kLBrace;
        if (!open.empty() && tokens_[open.back()].kind == want) {
          match_[open.back()] = i;
          open.pop_back();
        }
      }
    }
    text_budget_ = kTextBudgetBase + kTextBudgetFactor * text.size();
    depth_.reserve(tokens_.size() / 4);
  }

  ast::Query parseStatement() {
    if (at(TokenKind::kEnd) || at(TokenKind::kSemicolon)) failExpected("a query");
    ast::Query query;
    if (acceptKeyword("EXPLAIN")) {
      query.mode = ast::Query::Mode::kExplain;
    } else if (acceptKeyword("PROFILE")) {
      query.mode = ast::Query::Mode::kProfile;
    }
    parseRegularQuery(&query);
    accept(TokenKind::kSemicolon);
    if (!at(TokenKind::kEnd)) {
      failExpected(tokens_[pos_ - 1].kind == TokenKind::kSemicolon
                       ? "end of input"
                       : "a clause (MATCH, WITH, RETURN, …), UNION, ';' or end of input");
    }
    return query;
  }

  // `USING …` clauses and nothing else (hints kept beside a persisted
  // operation); empty text is no hints.
  std::vector<ast::Hint> parseHintList() {
    std::vector<ast::Hint> hints;
    while (atKeyword("USING")) hints.push_back(parseHint());
    if (!at(TokenKind::kEnd)) failExpected("USING INDEX, USING SCAN, USING JOIN or end of input");
    return hints;
  }

 private:
  // ---- nesting and context guards -------------------------------------------

  // One level of nesting. Every recursive path goes through
  // parseExpression() or parsePatternElement(), which hold one each; a
  // subquery weighs more because its clauses put far more frames on the
  // stack than a pair of parentheses.
  class NestingGuard {
   public:
    explicit NestingGuard(Parser* parser, int weight = 1) : parser_(parser), weight_(weight) {
      parser_->nesting_ += weight_;
      if (parser_->nesting_ > kMaxNesting) parser_->failTooDeep(parser_->peek().pos);
    }
    ~NestingGuard() { parser_->nesting_ -= weight_; }
    NestingGuard(const NestingGuard&) = delete;
    NestingGuard& operator=(const NestingGuard&) = delete;

   private:
    Parser* parser_;
    int weight_;
  };

  // Whether a bare pattern may appear as an expression. openCypher allows
  // pattern predicates only where a boolean is tested (WHERE, and the
  // argument of exists()); in a projection or SET they are a syntax error.
  class PatternContext {
   public:
    PatternContext(Parser* parser, bool allowed)
        : parser_(parser), saved_(parser->patterns_allowed_) {
      parser_->patterns_allowed_ = allowed;
    }
    ~PatternContext() { parser_->patterns_allowed_ = saved_; }
    PatternContext(const PatternContext&) = delete;
    PatternContext& operator=(const PatternContext&) = delete;

   private:
    Parser* parser_;
    bool saved_;
  };

  // ---- token access ---------------------------------------------------------

  const Token& peek(size_t ahead = 0) const {
    const size_t i = pos_ + ahead;
    return i < tokens_.size() ? tokens_[i] : tokens_.back();
  }
  TokenKind kindAt(size_t index) const {
    return index < tokens_.size() ? tokens_[index].kind : TokenKind::kEnd;
  }
  bool at(TokenKind kind, size_t ahead = 0) const { return peek(ahead).kind == kind; }
  const Token& advance() {
    const Token& t = peek();
    if (pos_ + 1 < tokens_.size()) ++pos_;
    return t;
  }
  bool accept(TokenKind kind) {
    if (!at(kind)) return false;
    advance();
    return true;
  }
  const Token& expect(TokenKind kind, const char* what) {
    if (!at(kind)) failExpected(what);
    return advance();
  }

  static bool isName(const Token& t) {
    return t.kind == TokenKind::kIdentifier || t.kind == TokenKind::kQuotedIdentifier;
  }
  bool isNameAt(size_t index) const {
    const TokenKind k = kindAt(index);
    return k == TokenKind::kIdentifier || k == TokenKind::kQuotedIdentifier;
  }
  bool atKeyword(std::string_view keyword, size_t ahead = 0) const {
    const Token& t = peek(ahead);
    return t.kind == TokenKind::kIdentifier && equalsIgnoreCase(t.text, keyword);
  }
  bool acceptKeyword(std::string_view keyword) {
    if (!atKeyword(keyword)) return false;
    advance();
    return true;
  }
  void expectKeyword(std::string_view keyword) {
    if (!atKeyword(keyword)) failExpected(std::string(keyword));
    advance();
  }

  // A name: label, relationship type, property key (`` is a valid, empty one).
  std::string parseName(const std::string& what) {
    if (!isName(peek())) failExpected(what);
    return advance().text;
  }

  // A name that binds a variable. The tree uses "" for "none" (anonymous
  // node, no alias), so an empty back-quoted name cannot be one.
  std::string parseVariableName(const std::string& what) {
    if (!isName(peek())) failExpected(what);
    if (peek().text.empty()) {
      failAt(peek().pos, "UnexpectedSyntax", "Invalid input '``': a variable name cannot be empty");
    }
    return advance().text;
  }

  // ---- errors ---------------------------------------------------------------

  [[noreturn]] void failAt(const ast::Position& pos, const std::string& name,
                           const std::string& message) const {
    parser::throwSyntaxError(text_, pos, name, message);
  }

  // "Invalid input 'x': expected <what>" at the current token.
  [[noreturn]] void failExpected(const std::string& what) const {
    const Token& t = peek();
    if (t.kind == TokenKind::kEnd) {
      failAt(t.pos, "UnexpectedSyntax", "Unexpected end of input: expected " + what);
    }
    const std::string found = parser::tokenExcerpt(text_, t);
    if (t.kind == TokenKind::kInvalid && static_cast<unsigned char>(text_[t.begin]) >= 0x80) {
      // Name the code point: look-alikes (U+2014 — for -) are the usual cause.
      char32_t cp = 0;
      const auto lead = static_cast<unsigned char>(text_[t.begin]);
      const int len = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
      cp = lead & (0xFF >> (len + 1));
      for (size_t k = t.begin + 1; k < t.end; ++k) cp = (cp << 6) | (text_[k] & 0x3F);
      char code[16];
      std::snprintf(code, sizeof code, "U+%04X", static_cast<unsigned>(cp));
      failAt(t.pos, "InvalidUnicodeCharacter",
             "Invalid input '" + found + "' (" + code + "): not a valid character here; expected " +
                 what);
    }
    failAt(t.pos, "UnexpectedSyntax", "Invalid input '" + found + "': expected " + what);
  }

  [[noreturn]] void failTooDeep(const ast::Position& pos) const {
    failAt(pos, "UnexpectedSyntax",
           "Query nested too deeply: at most " + std::to_string(kMaxNesting) +
               " levels of parentheses, lists, maps and subqueries, and expressions at most " +
               std::to_string(kMaxTreeDepth) + " operators deep, are accepted");
  }

  // ---- syntax tree helpers --------------------------------------------------

  static ast::ExprPtr newExpr(ast::ExprKind kind) {
    auto e = std::make_unique<ast::Expr>();
    e->kind = kind;
    return e;
  }

  int depthOf(const ast::Expr* e) const {
    if (e == nullptr) return 0;
    auto it = depth_.find(e);
    return it == depth_.end() ? 1 : it->second;
  }

  static int patternDepth(const ast::PatternPart& part, const Parser& p) {
    int d = 0;
    for (const auto& n : part.nodes) d = std::max(d, p.depthOf(n.properties.get()));
    for (const auto& r : part.rels) d = std::max(d, p.depthOf(r.properties.get()));
    return d + 1;
  }

  // Completes `e` whose first character is at `start` and whose last token
  // is the one just consumed: sets its position and text, records its depth.
  void finish(ast::Expr* e, const ast::Position& start) {
    e->pos = start;
    const size_t end = tokens_[pos_ == 0 ? 0 : pos_ - 1].end;
    const size_t begin = static_cast<size_t>(start.offset);
    e->text.assign(text_.substr(begin, end > begin ? end - begin : 0));
    chargeText(e->text.size());
    int d = 0;
    for (const auto& c : e->children) d = std::max(d, depthOf(c.get()));
    for (const auto& a : e->alternatives) {
      d = std::max({d, depthOf(a.when.get()), depthOf(a.then.get())});
    }
    d = std::max(
        {d, depthOf(e->else_expr.get()), depthOf(e->where.get()), depthOf(e->projection.get())});
    for (const auto& item : e->projection_items) d = std::max(d, depthOf(item.value.get()));
    if (e->pattern) d = std::max(d, patternDepth(*e->pattern, *this));
    ++d;
    if (d > kMaxTreeDepth) failTooDeep(start);
    // Leaves (most nodes) are not recorded: depthOf() answers 1 for them.
    if (d > 1) depth_[e] = d;
  }

  void chargeText(size_t bytes) {
    if (bytes > text_budget_) failTooDeep(peek().pos);
    text_budget_ -= bytes;
  }

  // ---- look-ahead -------------------------------------------------------------

  // If a node pattern `( [name] [:L…] [{…}|$p] )` starts at `i`, the index
  // after it; else kNoMatch.
  size_t scanNodePattern(size_t i) const {
    if (kindAt(i) != TokenKind::kLParen) return kNoMatch;
    size_t j = i + 1;
    if (isNameAt(j)) ++j;
    while (kindAt(j) == TokenKind::kColon && isNameAt(j + 1)) j += 2;
    if (kindAt(j) == TokenKind::kLBrace) {
      if (match_[j] == kNoMatch) return kNoMatch;
      j = match_[j] + 1;
    } else if (kindAt(j) == TokenKind::kParameter) {
      ++j;
    }
    return kindAt(j) == TokenKind::kRParen ? j + 1 : kNoMatch;
  }

  // If a relationship pattern `<-[…]->`, `--`, … starts at `i`, the index
  // after it; else kNoMatch. A bracket counts as relationship detail only if
  // it opens like one (name, ':', '*', '{', '$' or ']'), so that
  // `(a) - [1] - (b)` stays arithmetic.
  size_t scanRelPattern(size_t i) const {
    size_t j = i;
    if (kindAt(j) == TokenKind::kLt) ++j;
    if (kindAt(j) != TokenKind::kMinus) return kNoMatch;
    ++j;
    if (kindAt(j) == TokenKind::kLBracket) {
      if (match_[j] == kNoMatch) return kNoMatch;
      const TokenKind first = kindAt(j + 1);
      if (!isNameAt(j + 1) && first != TokenKind::kColon && first != TokenKind::kStar &&
          first != TokenKind::kLBrace && first != TokenKind::kParameter &&
          first != TokenKind::kRBracket) {
        return kNoMatch;
      }
      j = match_[j] + 1;
    }
    if (kindAt(j) != TokenKind::kMinus) return kNoMatch;
    ++j;
    if (kindAt(j) == TokenKind::kGt) ++j;
    return j;
  }

  // Whether tokens from `i` read as `(node)-[rel]-(`: a pattern with at
  // least one relationship, as opposed to a parenthesised expression.
  bool looksLikeRelationshipsPattern(size_t i) const {
    size_t j = scanNodePattern(i);
    if (j == kNoMatch) return false;
    j = scanRelPattern(j);
    return j != kNoMatch && kindAt(j) == TokenKind::kLParen;
  }

  // name(.name)* '(' — a function call rather than a variable or property.
  bool looksLikeFunctionCall() const {
    size_t j = pos_ + 1;
    while (kindAt(j) == TokenKind::kDot && isNameAt(j + 1)) j += 2;
    return kindAt(j) == TokenKind::kLParen;
  }

  bool atClauseStart() const {
    return peek().kind == TokenKind::kIdentifier && isClauseKeyword(peek().text);
  }

  // ---- queries and clauses --------------------------------------------------

  void parseRegularQuery(ast::Query* query) {
    query->parts.push_back(parseSingleQuery());
    while (atKeyword("UNION")) {
      advance();
      query->union_all.push_back(acceptKeyword("ALL"));
      query->parts.push_back(parseSingleQuery());
    }
  }

  ast::SingleQuery parseSingleQuery() {
    ast::SingleQuery single;
    std::optional<ast::Position> yield_star;
    if (!atClauseStart()) failExpected("a clause (MATCH, WITH, RETURN, CREATE, …)");
    while (atClauseStart()) single.clauses.push_back(parseClause(&yield_star));
    if (yield_star && single.clauses.size() > 1) {
      failAt(*yield_star, "UnexpectedSyntax",
             "Invalid input '*': YIELD * is only allowed in a standalone procedure call "
             "(CALL … YIELD * with no other clause)");
    }
    return single;
  }

  ast::Clause parseClause(std::optional<ast::Position>* yield_star) {
    PatternContext no_patterns(this, false);
    ast::Clause clause;
    clause.pos = peek().pos;
    if (atKeyword("OPTIONAL")) {
      advance();
      expectKeyword("MATCH");
      clause.body = parseMatch(true);
    } else if (acceptKeyword("MATCH")) {
      clause.body = parseMatch(false);
    } else if (acceptKeyword("UNWIND")) {
      clause.body = parseUnwind();
    } else if (acceptKeyword("WITH")) {
      ast::WithClause with;
      parseProjection(&with.projection);
      if (atKeyword("WHERE")) with.where = parseWhere();
      clause.body = std::move(with);
    } else if (acceptKeyword("RETURN")) {
      ast::ReturnClause ret;
      parseProjection(&ret.projection);
      clause.body = std::move(ret);
    } else if (acceptKeyword("CREATE")) {
      if (atKeyword("INDEX") && !at(TokenKind::kEq, 1)) {
        clause.body = parseCreateIndex();
      } else {
        ast::CreateClause create;
        create.pattern = parsePattern();
        clause.body = std::move(create);
      }
    } else if (acceptKeyword("MERGE")) {
      clause.body = parseMerge();
    } else if (acceptKeyword("SET")) {
      ast::SetClause set;
      parseSetItems(&set.items);
      clause.body = std::move(set);
    } else if (acceptKeyword("REMOVE")) {
      clause.body = parseRemove();
    } else if (atKeyword("DETACH")) {
      advance();
      expectKeyword("DELETE");
      clause.body = parseDelete(true);
    } else if (acceptKeyword("DELETE")) {
      clause.body = parseDelete(false);
    } else if (acceptKeyword("CALL")) {
      clause.body = parseCall(yield_star);
    } else if (acceptKeyword("DROP")) {
      clause.body = parseDropIndex();
    } else {
      failAt(
          peek().pos, "UnexpectedSyntax",
          "Invalid input '" + parser::tokenExcerpt(text_, peek()) + "': FOREACH is not supported");
    }
    return clause;
  }

  ast::MatchClause parseMatch(bool optional) {
    ast::MatchClause match;
    match.optional = optional;
    match.pattern = parsePattern();
    while (atKeyword("USING")) match.hints.push_back(parseHint());
    if (atKeyword("WHERE")) match.where = parseWhere();
    return match;
  }

  ast::ExprPtr parseWhere() {
    advance();  // WHERE
    PatternContext patterns(this, true);
    return parseExpression();
  }

  ast::Hint parseHint() {
    ast::Hint hint;
    hint.pos = peek().pos;
    advance();  // USING
    if (acceptKeyword("INDEX")) {
      hint.kind = ast::Hint::Kind::kIndex;
      if (atKeyword("SEEK") && isNameAt(pos_ + 1) && at(TokenKind::kColon, 2)) advance();
      hint.variable = parseVariableName("a variable");
      expect(TokenKind::kColon, "':'");
      hint.label = parseName("a label name");
      expect(TokenKind::kLParen, "'('");
      do {
        hint.properties.push_back(parseName("a property key name"));
      } while (accept(TokenKind::kComma));
      expect(TokenKind::kRParen, "',' or ')'");
    } else if (acceptKeyword("SCAN")) {
      hint.kind = ast::Hint::Kind::kScan;
      hint.variable = parseName("a variable");
      expect(TokenKind::kColon, "':'");
      hint.label = parseName("a label name");
    } else if (acceptKeyword("JOIN")) {
      hint.kind = ast::Hint::Kind::kJoin;
      expectKeyword("ON");
      do {
        hint.join_variables.push_back(parseName("a variable"));
      } while (accept(TokenKind::kComma));
    } else {
      failExpected("INDEX, SCAN or JOIN");
    }
    return hint;
  }

  ast::UnwindClause parseUnwind() {
    ast::UnwindClause unwind;
    unwind.list = parseExpression();
    expectKeyword("AS");
    unwind.variable = parseVariableName("a variable name");
    return unwind;
  }

  void parseProjection(ast::Projection* p) {
    if (acceptKeyword("DISTINCT")) p->distinct = true;
    bool need_item = true;
    if (accept(TokenKind::kStar)) {
      p->star = true;
      need_item = accept(TokenKind::kComma);
    }
    if (need_item) {
      do {
        ast::ReturnItem item;
        item.pos = peek().pos;
        item.expr = parseExpression();
        if (acceptKeyword("AS")) item.alias = parseVariableName("a variable name");
        p->items.push_back(std::move(item));
      } while (accept(TokenKind::kComma));
    }
    if (atKeyword("ORDER")) {
      advance();
      expectKeyword("BY");
      do {
        ast::SortItem sort;
        sort.expr = parseExpression();
        if (acceptKeyword("DESC") || acceptKeyword("DESCENDING")) {
          sort.descending = true;
        } else if (!acceptKeyword("ASC")) {
          acceptKeyword("ASCENDING");
        }
        p->order_by.push_back(std::move(sort));
      } while (accept(TokenKind::kComma));
    }
    if (acceptKeyword("SKIP")) p->skip = parseExpression();
    if (acceptKeyword("LIMIT")) p->limit = parseExpression();
  }

  ast::MergeClause parseMerge() {
    ast::MergeClause merge;
    merge.pattern = parsePatternPart();
    while (atKeyword("ON")) {
      advance();
      bool on_create;
      if (acceptKeyword("CREATE")) {
        on_create = true;
      } else if (acceptKeyword("MATCH")) {
        on_create = false;
      } else {
        failExpected("CREATE or MATCH");
      }
      expectKeyword("SET");
      parseSetItems(on_create ? &merge.on_create : &merge.on_match);
    }
    return merge;
  }

  void parseSetItems(std::vector<ast::SetItem>* items) {
    do {
      items->push_back(parseSetItem());
    } while (accept(TokenKind::kComma));
  }

  // target = value | target += map | target:Label… where target is a
  // variable, or any expression ending in a property (`n.k`, `(n).k`).
  ast::SetItem parseSetItem() {
    ast::SetItem item;
    item.pos = peek().pos;
    ast::ExprPtr target = parsePostfix(parseAtom(), /*allow_labels=*/false);
    if (at(TokenKind::kColon)) {
      if (target->kind != ast::ExprKind::kVariable) {
        failAt(target->pos, "UnexpectedSyntax",
               "Invalid input '" + target->text + "': labels can only be set on a variable");
      }
      item.kind = ast::SetItem::Kind::kLabels;
      item.variable = target->name;
      item.labels = parseLabels();
      return item;
    }
    if (accept(TokenKind::kPlusEq)) {
      if (target->kind != ast::ExprKind::kVariable) {
        failAt(target->pos, "UnexpectedSyntax",
               "Invalid input '" + target->text + "': expected a variable before '+='");
      }
      item.kind = ast::SetItem::Kind::kMerge;
      item.variable = target->name;
      item.value = parseExpression();
      return item;
    }
    if (!at(TokenKind::kEq)) failExpected("'=', '+=' or ':'");
    if (target->kind == ast::ExprKind::kVariable) {
      item.kind = ast::SetItem::Kind::kReplace;
      item.variable = target->name;
    } else if (target->kind == ast::ExprKind::kProperty) {
      item.kind = ast::SetItem::Kind::kProperty;
      item.target = std::move(target);
    } else {
      failAt(target->pos, "UnexpectedSyntax",
             "Invalid input '" + target->text + "': expected a variable or a property to set");
    }
    advance();  // =
    item.value = parseExpression();
    return item;
  }

  ast::RemoveClause parseRemove() {
    ast::RemoveClause remove;
    do {
      ast::RemoveItem item;
      item.pos = peek().pos;
      ast::ExprPtr target = parsePostfix(parseAtom(), /*allow_labels=*/false);
      if (at(TokenKind::kColon)) {
        if (target->kind != ast::ExprKind::kVariable) {
          failAt(
              target->pos, "UnexpectedSyntax",
              "Invalid input '" + target->text + "': labels can only be removed from a variable");
        }
        item.kind = ast::RemoveItem::Kind::kLabels;
        item.variable = target->name;
        item.labels = parseLabels();
      } else if (target->kind == ast::ExprKind::kProperty) {
        item.kind = ast::RemoveItem::Kind::kProperty;
        item.target = std::move(target);
      } else {
        failExpected("':' and a label, or a property (n.key)");
      }
      remove.items.push_back(std::move(item));
    } while (accept(TokenKind::kComma));
    return remove;
  }

  ast::DeleteClause parseDelete(bool detach) {
    ast::DeleteClause del;
    del.detach = detach;
    do {
      del.targets.push_back(parseExpression());
    } while (accept(TokenKind::kComma));
    return del;
  }

  std::string parseDottedName(const std::string& what) {
    std::string name = parseName(what);
    while (at(TokenKind::kDot) && isNameAt(pos_ + 1)) {
      advance();
      name += '.';
      name += advance().text;
    }
    return name;
  }

  ast::CallClause parseCall(std::optional<ast::Position>* yield_star) {
    ast::CallClause call;
    if (at(TokenKind::kLBrace)) {
      failAt(peek().pos, "UnexpectedSyntax",
             "Invalid input '{': CALL { … } subqueries are not supported; expected a procedure "
             "name");
    }
    call.procedure = parseDottedName("a procedure name");
    if (accept(TokenKind::kLParen)) {
      call.has_arguments = true;
      if (!accept(TokenKind::kRParen)) {
        do {
          call.arguments.push_back(parseExpression());
        } while (accept(TokenKind::kComma));
        expect(TokenKind::kRParen, "',' or ')'");
      }
    }
    if (acceptKeyword("YIELD")) {
      if (at(TokenKind::kStar)) {
        *yield_star = peek().pos;
        advance();
        call.yield_star = true;
      } else {
        do {
          std::string field = parseName("a procedure output name");
          std::string alias = acceptKeyword("AS") ? parseVariableName("a variable name") : field;
          call.yield.emplace_back(std::move(field), std::move(alias));
        } while (accept(TokenKind::kComma));
      }
      if (atKeyword("WHERE")) call.where = parseWhere();
    }
    return call;
  }

  // FOR (n:Label) ON (n.p, n.q) — or the older ON :Label(p, q).
  void parseIndexTarget(std::string* label, std::vector<std::string>* properties) {
    if (acceptKeyword("ON")) {
      expect(TokenKind::kColon, "':'");
      *label = parseName("a label name");
      expect(TokenKind::kLParen, "'('");
      do {
        properties->push_back(parseName("a property key name"));
      } while (accept(TokenKind::kComma));
      expect(TokenKind::kRParen, "',' or ')'");
      return;
    }
    expectKeyword("FOR");
    expect(TokenKind::kLParen, "'('");
    const std::string variable = parseName("a variable");
    expect(TokenKind::kColon, "':'");
    *label = parseName("a label name");
    expect(TokenKind::kRParen, "')'");
    expectKeyword("ON");
    expect(TokenKind::kLParen, "'('");
    do {
      const Token& owner = peek();
      if (parseName("a property (" + variable + ".key)") != variable) {
        failAt(owner.pos, "UnexpectedSyntax",
               "Invalid input '" + owner.text + "': expected a property of '" + variable + "'");
      }
      expect(TokenKind::kDot, "'.'");
      properties->push_back(parseName("a property key name"));
    } while (accept(TokenKind::kComma));
    expect(TokenKind::kRParen, "',' or ')'");
  }

  ast::CreateIndexClause parseCreateIndex() {
    advance();  // INDEX
    ast::CreateIndexClause index;
    const bool legacy = atKeyword("ON") && at(TokenKind::kColon, 1);
    if (!legacy) {
      if (isName(peek()) && !atKeyword("FOR") && !(atKeyword("IF") && atKeyword("NOT", 1))) {
        index.name = advance().text;
      }
      if (acceptKeyword("IF")) {
        expectKeyword("NOT");
        expectKeyword("EXISTS");
        index.if_not_exists = true;
      }
    }
    parseIndexTarget(&index.label, &index.properties);
    return index;
  }

  ast::DropIndexClause parseDropIndex() {
    expectKeyword("INDEX");
    ast::DropIndexClause index;
    if (atKeyword("ON") && at(TokenKind::kColon, 1)) {
      parseIndexTarget(&index.label, &index.properties);
      return index;
    }
    index.name = parseName("an index name or ON :Label(property)");
    if (acceptKeyword("IF")) {
      expectKeyword("EXISTS");
      index.if_exists = true;
    }
    return index;
  }

  // ---- patterns -------------------------------------------------------------

  ast::Pattern parsePattern() {
    ast::Pattern pattern;
    do {
      pattern.parts.push_back(parsePatternPart());
    } while (accept(TokenKind::kComma));
    return pattern;
  }

  ast::PatternPart parsePatternPart() {
    ast::PatternPart part;
    part.pos = peek().pos;
    if (isName(peek()) && at(TokenKind::kEq, 1)) {
      part.path_variable = parseVariableName("a path variable");
      advance();  // =
    }
    if ((atKeyword("shortestPath") || atKeyword("allShortestPaths")) && at(TokenKind::kLParen, 1)) {
      part.kind = atKeyword("shortestPath") ? ast::PatternPart::Kind::kShortestPath
                                            : ast::PatternPart::Kind::kAllShortestPaths;
      advance();
      advance();  // (
      parsePatternElement(&part);
      expect(TokenKind::kRParen, "')'");
    } else {
      parsePatternElement(&part);
    }
    return part;
  }

  void parsePatternElement(ast::PatternPart* part) {
    NestingGuard guard(this);
    if (at(TokenKind::kLParen) && at(TokenKind::kLParen, 1)) {
      // ( patternElement ) — openCypher allows the whole chain in parentheses.
      advance();
      parsePatternElement(part);
      expect(TokenKind::kRParen, "')'");
      return;
    }
    part->nodes.push_back(parseNodePattern());
    while (at(TokenKind::kMinus) || (at(TokenKind::kLt) && at(TokenKind::kMinus, 1))) {
      part->rels.push_back(parseRelPattern());
      part->nodes.push_back(parseNodePattern());
    }
  }

  std::vector<std::string> parseLabels() {
    std::vector<std::string> labels;
    while (accept(TokenKind::kColon)) labels.push_back(parseName("a label name"));
    return labels;
  }

  // {map} or $parameter after a node or relationship.
  ast::ExprPtr parsePatternProperties() {
    if (at(TokenKind::kLBrace)) return parseMapLiteral();
    if (at(TokenKind::kParameter)) return parseAtom();
    return nullptr;
  }

  ast::NodePattern parseNodePattern() {
    ast::NodePattern node;
    node.pos = peek().pos;
    expect(TokenKind::kLParen, "'(' (a node pattern)");
    if (isName(peek())) node.variable = parseVariableName("a variable");
    node.labels = parseLabels();
    node.properties = parsePatternProperties();
    expect(TokenKind::kRParen, node.properties ? "')'"
                                               : (node.labels.empty() ? "a label, '{', '$' or ')'"
                                                                      : "':', '{', '$' or ')'"));
    return node;
  }

  int64_t parseHopCount() {
    const Token& t = peek();
    if (t.kind == TokenKind::kBadNumber) {
      failAt(t.pos, "InvalidNumberLiteral",
             "Invalid input '" + parser::tokenExcerpt(text_, t) + "': not a valid number");
    }
    if (t.overflow) {
      failAt(t.pos, "IntegerOverflow",
             "Invalid input '" + parser::tokenExcerpt(text_, t) + "': integer is too large");
    }
    advance();
    return static_cast<int64_t>(t.integer);
  }

  ast::RelPattern parseRelPattern() {
    ast::RelPattern rel;
    rel.pos = peek().pos;
    const bool left = accept(TokenKind::kLt);
    expect(TokenKind::kMinus, "'-'");
    if (accept(TokenKind::kLBracket)) {
      if (isName(peek())) rel.variable = parseVariableName("a variable");
      if (accept(TokenKind::kColon)) {
        rel.types.push_back(parseName("a relationship type"));
        while (accept(TokenKind::kPipe)) {
          accept(TokenKind::kColon);
          rel.types.push_back(parseName("a relationship type"));
        }
      }
      if (accept(TokenKind::kStar)) {
        rel.variable_length = true;
        if (at(TokenKind::kMinus)) {
          failAt(peek().pos, "InvalidRelationshipPattern",
                 "Invalid input '-': the length of a variable-length relationship cannot be "
                 "negative");
        }
        if (at(TokenKind::kInteger) || at(TokenKind::kBadNumber)) {
          rel.min_hops = parseHopCount();
          if (!at(TokenKind::kDotDot)) rel.max_hops = rel.min_hops;  // *2 means exactly 2
        }
        if (accept(TokenKind::kDotDot)) {
          if (at(TokenKind::kMinus)) {
            failAt(peek().pos, "InvalidRelationshipPattern",
                   "Invalid input '-': the length of a variable-length relationship cannot be "
                   "negative");
          }
          if (at(TokenKind::kInteger) || at(TokenKind::kBadNumber)) rel.max_hops = parseHopCount();
        }
      } else if (at(TokenKind::kDotDot)) {
        failAt(peek().pos, "InvalidRelationshipPattern",
               "Invalid input '..': a length range needs a '*' before it (e.g. [:T*1..3])");
      }
      rel.properties = parsePatternProperties();
      if (!at(TokenKind::kRBracket)) {
        failExpected(rel.properties        ? "']'"
                     : rel.variable_length ? "a length, '..', '{', '$' or ']'"
                     : rel.types.empty()   ? "':', '*', '{', '$' or ']'"
                                           : "'|', '*', '{', '$' or ']'");
      }
      advance();
    }
    expect(TokenKind::kMinus, "'-'");
    const bool right = accept(TokenKind::kGt);
    rel.direction = left && !right   ? ast::Direction::kLeft
                    : right && !left ? ast::Direction::kRight
                                     : ast::Direction::kBoth;
    return rel;
  }

  // ---- expressions ----------------------------------------------------------

  ast::ExprPtr parseExpression() {
    NestingGuard guard(this);
    return parseBinary(kPrecOr);
  }

  struct Operator {
    int prec = 0;  // 0: not an operator
    ast::ExprKind kind = ast::ExprKind::kBinary;
    ast::BinaryOp binary = ast::BinaryOp::kAnd;
    ast::CompareOp compare = ast::CompareOp::kEq;
    int tokens = 1;  // how many tokens spell it (STARTS WITH: 2)
  };

  Operator peekOperator() const {
    Operator op;
    const Token& t = peek();
    auto binary = [&](int prec, ast::BinaryOp b) {
      op.prec = prec;
      op.kind = ast::ExprKind::kBinary;
      op.binary = b;
    };
    auto compare = [&](ast::CompareOp c) {
      op.prec = kPrecComparison;
      op.kind = ast::ExprKind::kComparison;
      op.compare = c;
    };
    auto predicate = [&](ast::ExprKind kind, int tokens) {
      op.prec = kPrecPredicate;
      op.kind = kind;
      op.tokens = tokens;
    };
    switch (t.kind) {
      case TokenKind::kPlus:
        binary(kPrecAdd, ast::BinaryOp::kAdd);
        break;
      case TokenKind::kMinus:
        binary(kPrecAdd, ast::BinaryOp::kSub);
        break;
      case TokenKind::kStar:
        binary(kPrecMul, ast::BinaryOp::kMul);
        break;
      case TokenKind::kSlash:
        binary(kPrecMul, ast::BinaryOp::kDiv);
        break;
      case TokenKind::kPercent:
        binary(kPrecMul, ast::BinaryOp::kMod);
        break;
      case TokenKind::kCaret:
        binary(kPrecPow, ast::BinaryOp::kPow);
        break;
      case TokenKind::kEq:
        compare(ast::CompareOp::kEq);
        break;
      case TokenKind::kNe:
        compare(ast::CompareOp::kNe);
        break;
      case TokenKind::kLt:
        compare(ast::CompareOp::kLt);
        break;
      case TokenKind::kLe:
        compare(ast::CompareOp::kLe);
        break;
      case TokenKind::kGt:
        compare(ast::CompareOp::kGt);
        break;
      case TokenKind::kGe:
        compare(ast::CompareOp::kGe);
        break;
      case TokenKind::kRegexMatch:
        predicate(ast::ExprKind::kRegexMatch, 1);
        break;
      case TokenKind::kIdentifier:
        if (equalsIgnoreCase(t.text, "OR")) {
          binary(kPrecOr, ast::BinaryOp::kOr);
        } else if (equalsIgnoreCase(t.text, "XOR")) {
          binary(kPrecXor, ast::BinaryOp::kXor);
        } else if (equalsIgnoreCase(t.text, "AND")) {
          binary(kPrecAnd, ast::BinaryOp::kAnd);
        } else if (equalsIgnoreCase(t.text, "IN")) {
          predicate(ast::ExprKind::kIn, 1);
        } else if (equalsIgnoreCase(t.text, "CONTAINS")) {
          predicate(ast::ExprKind::kContains, 1);
        } else if (equalsIgnoreCase(t.text, "STARTS") && atKeyword("WITH", 1)) {
          predicate(ast::ExprKind::kStartsWith, 2);
        } else if (equalsIgnoreCase(t.text, "ENDS") && atKeyword("WITH", 1)) {
          predicate(ast::ExprKind::kEndsWith, 2);
        } else if (equalsIgnoreCase(t.text, "IS")) {
          predicate(ast::ExprKind::kIsNull, 1);  // IS [NOT] NULL, resolved when parsed
        }
        break;
      default:
        break;
    }
    return op;
  }

  // Precedence climbing over the binary levels; NOT is a prefix operator
  // between AND and comparison. Chains at one level are loops, so `a OR b
  // OR …` costs no recursion (its depth is still counted by finish()).
  ast::ExprPtr parseBinary(int min_prec) {
    ast::ExprPtr lhs;
    if (min_prec <= kPrecNot && atKeyword("NOT")) {
      std::vector<ast::Position> nots;
      while (atKeyword("NOT")) nots.push_back(advance().pos);
      lhs = parseBinary(kPrecComparison);
      for (auto it = nots.rbegin(); it != nots.rend(); ++it) {
        auto e = newExpr(ast::ExprKind::kUnary);
        e->unary_op = ast::UnaryOp::kNot;
        e->children.push_back(std::move(lhs));
        finish(e.get(), *it);
        lhs = std::move(e);
      }
    } else {
      lhs = parseUnary();
    }
    for (;;) {
      const Operator op = peekOperator();
      if (op.prec == 0 || op.prec < min_prec) break;
      const ast::Position start = lhs->pos;
      auto e = newExpr(op.kind);
      e->children.push_back(std::move(lhs));
      if (op.kind == ast::ExprKind::kComparison) {
        for (Operator next = op; next.kind == ast::ExprKind::kComparison && next.prec != 0;
             next = peekOperator()) {
          advance();
          e->compare_ops.push_back(next.compare);
          e->children.push_back(parseBinary(kPrecPredicate));
        }
      } else if (op.kind == ast::ExprKind::kIsNull) {
        advance();  // IS
        if (acceptKeyword("NOT")) e->kind = ast::ExprKind::kIsNotNull;
        expectKeyword("NULL");
      } else {
        for (int i = 0; i < op.tokens; ++i) advance();
        if (op.kind == ast::ExprKind::kBinary) e->binary_op = op.binary;
        // Every binary level is left-associative, ^ included (openCypher).
        e->children.push_back(parseBinary(op.prec + 1));
      }
      finish(e.get(), start);
      lhs = std::move(e);
    }
    return lhs;
  }

  static bool isNumberToken(const Token& t) {
    return t.kind == TokenKind::kInteger || t.kind == TokenKind::kFloat ||
           t.kind == TokenKind::kBadNumber;
  }

  ast::ExprPtr parseUnary() {
    std::vector<size_t> signs;  // token indices of prefix + and -
    while (at(TokenKind::kMinus) || at(TokenKind::kPlus)) {
      signs.push_back(pos_);
      advance();
    }
    ast::ExprPtr operand;
    // `-` directly before a number is part of the literal: that is how
    // -9223372036854775808 is a valid integer although its magnitude is not.
    if (!signs.empty() && tokens_[signs.back()].kind == TokenKind::kMinus &&
        isNumberToken(peek()) && !at(TokenKind::kDot, 1) && !at(TokenKind::kLBracket, 1)) {
      operand = parseNumber(true, tokens_[signs.back()].pos);
      signs.pop_back();
    } else {
      operand = parsePostfix(parseAtom(), /*allow_labels=*/true);
    }
    while (!signs.empty()) {
      const Token& sign = tokens_[signs.back()];
      signs.pop_back();
      auto e = newExpr(ast::ExprKind::kUnary);
      e->unary_op = sign.kind == TokenKind::kMinus ? ast::UnaryOp::kMinus : ast::UnaryOp::kPlus;
      e->children.push_back(std::move(operand));
      finish(e.get(), sign.pos);
      operand = std::move(e);
    }
    return operand;
  }

  ast::ExprPtr parseNumber(bool negate, const ast::Position& start) {
    const Token& t = peek();
    const std::string excerpt = parser::tokenExcerpt(text_, t);
    auto e = newExpr(ast::ExprKind::kLiteral);
    if (t.kind == TokenKind::kBadNumber) {
      failAt(t.pos, "InvalidNumberLiteral", "Invalid input '" + excerpt + "': not a valid number");
    } else if (t.kind == TokenKind::kInteger) {
      constexpr uint64_t kMin = uint64_t{1} << 63;
      if (t.overflow || (!negate && t.integer == kMin)) {
        failAt(start, "IntegerOverflow",
               "Invalid input '" + (negate ? "-" + excerpt : excerpt) +
                   "': integer is too large (it must fit in 64 bits)");
      }
      int64_t value;
      if (!negate) {
        value = static_cast<int64_t>(t.integer);
      } else if (t.integer == kMin) {
        value = std::numeric_limits<int64_t>::min();
      } else {
        value = -static_cast<int64_t>(t.integer);
      }
      e->literal = Value(value);
    } else {
      if (t.overflow) {
        failAt(start, "FloatingPointOverflow",
               "Invalid input '" + (negate ? "-" + excerpt : excerpt) +
                   "': floating point number is too large");
      }
      e->literal = Value(negate ? -t.number : t.number);
    }
    advance();
    finish(e.get(), start);
    return e;
  }

  // Property lookups, subscripts and slices, then an optional label check.
  ast::ExprPtr parsePostfix(ast::ExprPtr e, bool allow_labels) {
    for (;;) {
      const ast::Position start = e->pos;
      if (at(TokenKind::kDot)) {
        advance();
        auto p = newExpr(ast::ExprKind::kProperty);
        p->name = parseName("a property key name");
        p->children.push_back(std::move(e));
        finish(p.get(), start);
        e = std::move(p);
      } else if (at(TokenKind::kLBracket)) {
        advance();
        auto s = newExpr(ast::ExprKind::kSubscript);
        s->children.push_back(std::move(e));
        if (accept(TokenKind::kDotDot)) {
          s->kind = ast::ExprKind::kSlice;
          s->children.push_back(nullptr);
          s->children.push_back(at(TokenKind::kRBracket) ? nullptr : parseExpression());
        } else {
          s->children.push_back(parseExpression());
          if (accept(TokenKind::kDotDot)) {
            s->kind = ast::ExprKind::kSlice;
            s->children.push_back(at(TokenKind::kRBracket) ? nullptr : parseExpression());
          }
        }
        expect(TokenKind::kRBracket, s->kind == ast::ExprKind::kSlice ? "']'" : "'..' or ']'");
        finish(s.get(), start);
        e = std::move(s);
      } else {
        break;
      }
    }
    if (allow_labels && at(TokenKind::kColon)) {
      const ast::Position start = e->pos;
      auto l = newExpr(ast::ExprKind::kLabelCheck);
      l->children.push_back(std::move(e));
      l->names = parseLabels();
      finish(l.get(), start);
      e = std::move(l);
    }
    return e;
  }

  ast::ExprPtr parseAtom() {
    const Token& t = peek();
    switch (t.kind) {
      case TokenKind::kInteger:
      case TokenKind::kFloat:
      case TokenKind::kBadNumber:
        return parseNumber(false, t.pos);
      case TokenKind::kString: {
        auto e = newExpr(ast::ExprKind::kLiteral);
        e->literal = Value(t.text);
        advance();
        finish(e.get(), t.pos);
        return e;
      }
      case TokenKind::kParameter: {
        auto e = newExpr(ast::ExprKind::kParameter);
        e->name = t.text;
        advance();
        finish(e.get(), t.pos);
        return e;
      }
      case TokenKind::kLBracket:
        return parseListLike();
      case TokenKind::kLBrace:
        return parseMapLiteral();
      case TokenKind::kLParen:
        return parseParenthesizedOrPattern();
      case TokenKind::kIdentifier:
        return parseWordAtom();
      case TokenKind::kQuotedIdentifier:
        if (looksLikeFunctionCall()) return parseFunctionCall();
        if (at(TokenKind::kLBrace, 1)) return parseMapProjection();
        return parseVariable();
      default:
        failExpected("an expression");
    }
  }

  ast::ExprPtr parseVariable() {
    const Token& t = advance();
    auto e = newExpr(ast::ExprKind::kVariable);
    e->name = t.text;
    finish(e.get(), t.pos);
    return e;
  }

  // An atom starting with an unquoted word: literal keyword, CASE, special
  // forms (count(*), quantifiers, reduce, EXISTS { }, shortestPath), function
  // call, map projection or variable.
  ast::ExprPtr parseWordAtom() {
    const Token& t = peek();
    const std::string_view w = t.text;
    if (equalsIgnoreCase(w, "NULL") || equalsIgnoreCase(w, "TRUE") ||
        equalsIgnoreCase(w, "FALSE")) {
      auto e = newExpr(ast::ExprKind::kLiteral);
      if (equalsIgnoreCase(w, "TRUE")) {
        e->literal = Value(true);
      } else if (equalsIgnoreCase(w, "FALSE")) {
        e->literal = Value(false);
      }
      advance();
      finish(e.get(), t.pos);
      return e;
    }
    if (equalsIgnoreCase(w, "CASE")) return parseCase();
    if (isReservedInExpression(w)) failExpected("an expression");
    const bool call = at(TokenKind::kLParen, 1);
    if (call && equalsIgnoreCase(w, "COUNT") && at(TokenKind::kStar, 2) &&
        at(TokenKind::kRParen, 3)) {
      auto e = newExpr(ast::ExprKind::kCountStar);
      e->name = t.text;
      for (int i = 0; i < 4; ++i) advance();
      finish(e.get(), t.pos);
      return e;
    }
    if (equalsIgnoreCase(w, "EXISTS") && at(TokenKind::kLBrace, 1)) return parseExistsSubquery();
    if (call && isNameAt(pos_ + 2) && atKeyword("IN", 3)) {
      if (equalsIgnoreCase(w, "ALL")) return parseQuantifier(ast::Quantifier::kAll);
      if (equalsIgnoreCase(w, "ANY")) return parseQuantifier(ast::Quantifier::kAny);
      if (equalsIgnoreCase(w, "NONE")) return parseQuantifier(ast::Quantifier::kNone);
      if (equalsIgnoreCase(w, "SINGLE")) return parseQuantifier(ast::Quantifier::kSingle);
    }
    if (call && equalsIgnoreCase(w, "REDUCE") && isNameAt(pos_ + 2) && at(TokenKind::kEq, 3)) {
      return parseReduce();
    }
    if (call && (equalsIgnoreCase(w, "shortestPath") || equalsIgnoreCase(w, "allShortestPaths"))) {
      auto e = newExpr(ast::ExprKind::kShortestPath);
      e->pattern = std::make_shared<ast::PatternPart>(parsePatternPart());
      finish(e.get(), t.pos);
      return e;
    }
    if (looksLikeFunctionCall()) return parseFunctionCall();
    if (at(TokenKind::kLBrace, 1)) return parseMapProjection();
    return parseVariable();
  }

  ast::ExprPtr parseFunctionCall() {
    const ast::Position start = peek().pos;
    auto e = newExpr(ast::ExprKind::kFunction);
    e->name = parseDottedName("a function name");
    expect(TokenKind::kLParen, "'('");
    // exists((a)-->(b)) tests a pattern, so a pattern may stand there.
    PatternContext patterns(this, patterns_allowed_ || equalsIgnoreCase(e->name, "exists"));
    if (atKeyword("DISTINCT") && !at(TokenKind::kRParen, 1) && !at(TokenKind::kComma, 1)) {
      advance();
      e->distinct = true;
    }
    if (!accept(TokenKind::kRParen)) {
      do {
        e->children.push_back(parseExpression());
      } while (accept(TokenKind::kComma));
      expect(TokenKind::kRParen, "',' or ')'");
    }
    finish(e.get(), start);
    return e;
  }

  ast::ExprPtr parseCase() {
    const ast::Position start = advance().pos;  // CASE
    auto e = newExpr(ast::ExprKind::kCase);
    if (!atKeyword("WHEN")) {
      e->has_subject = true;
      e->children.push_back(parseExpression());
    }
    while (acceptKeyword("WHEN")) {
      ast::CaseAlternative alt;
      alt.when = parseExpression();
      expectKeyword("THEN");
      alt.then = parseExpression();
      e->alternatives.push_back(std::move(alt));
    }
    if (e->alternatives.empty()) failExpected("WHEN");
    if (acceptKeyword("ELSE")) e->else_expr = parseExpression();
    if (!atKeyword("END")) failExpected(e->else_expr ? "END" : "WHEN, ELSE or END");
    advance();
    finish(e.get(), start);
    return e;
  }

  // all|any|none|single ( x IN list [WHERE predicate] )
  ast::ExprPtr parseQuantifier(ast::Quantifier q) {
    const ast::Position start = advance().pos;
    advance();  // (
    auto e = newExpr(ast::ExprKind::kQuantifier);
    e->quantifier = q;
    e->name = parseVariableName("a variable");
    advance();  // IN
    e->children.push_back(parseExpression());
    if (atKeyword("WHERE")) e->where = parseWhere();
    expect(TokenKind::kRParen, e->where ? "')'" : "WHERE or ')'");
    finish(e.get(), start);
    return e;
  }

  // reduce ( acc = init , x IN list | expression )
  ast::ExprPtr parseReduce() {
    const ast::Position start = advance().pos;
    advance();  // (
    auto e = newExpr(ast::ExprKind::kReduce);
    e->names.push_back(parseVariableName("an accumulator variable"));
    advance();  // =
    e->children.push_back(parseExpression());
    expect(TokenKind::kComma, "','");
    e->name = parseVariableName("a variable");
    expectKeyword("IN");
    e->children.push_back(parseExpression());
    expect(TokenKind::kPipe, "'|'");
    e->projection = parseExpression();
    expect(TokenKind::kRParen, "')'");
    finish(e.get(), start);
    return e;
  }

  // EXISTS { MATCH … RETURN … } or EXISTS { pattern [WHERE …] }. The short
  // form becomes a subquery of one MATCH clause (with its WHERE).
  ast::ExprPtr parseExistsSubquery() {
    NestingGuard guard(this, kSubqueryWeight);
    PatternContext no_patterns(this, false);
    const ast::Position start = advance().pos;  // EXISTS
    advance();                                  // {
    auto e = newExpr(ast::ExprKind::kExists);
    e->subquery = std::make_shared<ast::Query>();
    if (atClauseStart()) {
      parseRegularQuery(e->subquery.get());
    } else {
      ast::Clause clause;
      clause.pos = peek().pos;
      ast::MatchClause match;
      match.pattern = parsePattern();
      if (atKeyword("WHERE")) match.where = parseWhere();
      clause.body = std::move(match);
      ast::SingleQuery single;
      single.clauses.push_back(std::move(clause));
      e->subquery->parts.push_back(std::move(single));
    }
    expect(TokenKind::kRBrace, "'}'");
    finish(e.get(), start);
    return e;
  }

  // ( expression ) or a pattern predicate (a)-[…]-(b)….
  ast::ExprPtr parseParenthesizedOrPattern() {
    const Token& open = peek();
    if (looksLikeRelationshipsPattern(pos_)) {
      if (!patterns_allowed_) {
        failAt(open.pos, "UnexpectedSyntax",
               "Invalid input '(': a pattern cannot be used as a value here; patterns are "
               "predicates only in WHERE or exists(), use a pattern comprehension [(a)-->(b) | b] "
               "or EXISTS { … } instead");
      }
      auto e = newExpr(ast::ExprKind::kPatternPredicate);
      auto part = std::make_shared<ast::PatternPart>();
      part->pos = open.pos;
      parsePatternElement(part.get());
      e->pattern = std::move(part);
      finish(e.get(), open.pos);
      return e;
    }
    advance();
    ast::ExprPtr inner = parseExpression();
    expect(TokenKind::kRParen, "')'");
    // The parentheses belong to the text: `(a + b)` is the column name.
    inner->pos = open.pos;
    inner->text.assign(text_.substr(open.begin, tokens_[pos_ - 1].end - open.begin));
    chargeText(inner->text.size());
    return inner;
  }

  // [list literal], [x IN list WHERE … | …] or [p = (a)-->(b) WHERE … | …].
  ast::ExprPtr parseListLike() {
    const ast::Position start = peek().pos;
    if (isNameAt(pos_ + 1) && atKeyword("IN", 2)) {
      advance();  // [
      auto e = newExpr(ast::ExprKind::kListComprehension);
      e->name = parseVariableName("a variable");
      advance();  // IN
      e->children.push_back(parseExpression());
      if (atKeyword("WHERE")) e->where = parseWhere();
      if (accept(TokenKind::kPipe)) e->projection = parseExpression();
      expect(TokenKind::kRBracket, e->projection ? "']'" : "'|' or ']'");
      finish(e.get(), start);
      return e;
    }
    const bool named =
        isNameAt(pos_ + 1) && at(TokenKind::kEq, 2) && looksLikeRelationshipsPattern(pos_ + 3);
    if (named || looksLikeRelationshipsPattern(pos_ + 1)) {
      advance();  // [
      auto e = newExpr(ast::ExprKind::kPatternComprehension);
      auto part = std::make_shared<ast::PatternPart>();
      part->pos = peek().pos;
      if (named) {
        e->name = parseVariableName("a path variable");
        part->path_variable = e->name;
        advance();  // =
      }
      parsePatternElement(part.get());
      e->pattern = std::move(part);
      if (atKeyword("WHERE")) e->where = parseWhere();
      expect(TokenKind::kPipe, e->where ? "'|'" : "WHERE or '|'");
      e->projection = parseExpression();
      expect(TokenKind::kRBracket, "']'");
      finish(e.get(), start);
      return e;
    }
    advance();  // [
    auto e = newExpr(ast::ExprKind::kList);
    if (!accept(TokenKind::kRBracket)) {
      do {
        e->children.push_back(parseExpression());
      } while (accept(TokenKind::kComma));
      expect(TokenKind::kRBracket, "',' or ']'");
    }
    finish(e.get(), start);
    return e;
  }

  ast::ExprPtr parseMapLiteral() {
    const ast::Position start = peek().pos;
    advance();  // {
    auto e = newExpr(ast::ExprKind::kMap);
    if (!accept(TokenKind::kRBrace)) {
      do {
        e->names.push_back(parseName("a property key name"));
        expect(TokenKind::kColon, "':'");
        e->children.push_back(parseExpression());
      } while (accept(TokenKind::kComma));
      expect(TokenKind::kRBrace, "',' or '}'");
    }
    finish(e.get(), start);
    return e;
  }

  // n{.a, .*, b: expr, c}
  ast::ExprPtr parseMapProjection() {
    const ast::Position start = peek().pos;
    auto e = newExpr(ast::ExprKind::kMapProjection);
    e->name = advance().text;
    advance();  // {
    if (!accept(TokenKind::kRBrace)) {
      do {
        ast::MapProjectionItem item;
        if (accept(TokenKind::kDot)) {
          if (accept(TokenKind::kStar)) {
            item.kind = ast::MapProjectionItem::Kind::kAllProperties;
          } else {
            item.kind = ast::MapProjectionItem::Kind::kProperty;
            item.key = parseName("a property key name or '*'");
          }
        } else if (isName(peek()) && at(TokenKind::kColon, 1)) {
          item.kind = ast::MapProjectionItem::Kind::kLiteral;
          item.key = advance().text;
          advance();  // :
          item.value = parseExpression();
        } else if (isName(peek())) {
          item.kind = ast::MapProjectionItem::Kind::kVariable;
          item.key = advance().text;
        } else {
          failExpected("a map projection item (.key, .*, key: value or a variable)");
        }
        e->projection_items.push_back(std::move(item));
      } while (accept(TokenKind::kComma));
      expect(TokenKind::kRBrace, "',' or '}'");
    }
    finish(e.get(), start);
    return e;
  }

  std::string_view text_;
  std::vector<Token> tokens_;
  std::vector<size_t> match_;  // index of the matching bracket, or kNoMatch
  size_t pos_ = 0;
  int nesting_ = 0;
  bool patterns_allowed_ = false;
  size_t text_budget_ = 0;
  std::unordered_map<const ast::Expr*, int> depth_;  // tree depth of each finished node
};

}  // namespace

ast::Query parseQuery(std::string_view text) {
  Parser parser(text, parser::tokenize(text));
  return parser.parseStatement();
}

std::vector<ast::Hint> parseHints(std::string_view text) {
  Parser parser(text, parser::tokenize(text));
  return parser.parseHintList();
}

namespace {

std::string hintVariable(const ast::Hint& h) {
  return h.kind == ast::Hint::Kind::kJoin ? h.join_variables.front() : h.variable;
}

bool binds(const ast::Pattern& pattern, const std::string& variable) {
  for (const auto& part : pattern.parts) {
    for (const auto& n : part.nodes) {
      if (n.variable == variable) return true;
    }
  }
  return false;
}

}  // namespace

void attachHints(ast::Query& query, const std::vector<ast::Hint>& hints) {
  for (const auto& hint : hints) {
    const std::string variable = hintVariable(hint);
    bool attached = false;
    for (auto& part : query.parts) {
      for (auto& clause : part.clauses) {
        auto* match = std::get_if<ast::MatchClause>(&clause.body);
        if (match == nullptr || !binds(match->pattern, variable)) continue;
        match->hints.push_back(hint);
        attached = true;
        break;
      }
    }
    if (!attached) {
      throw Error::badInput("hint on '" + variable + "': no MATCH of the query has a node '" +
                                variable + "'",
                            "hints");
    }
  }
}

}  // namespace maestro::engine
