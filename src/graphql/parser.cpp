#include "graphql/parser.h"

#include <array>

#include "graphql/lexer.h"

namespace maestro::graphql {
namespace {

constexpr std::array<std::string_view, 19> kDirectiveLocations = {
    "QUERY",          "MUTATION",           "SUBSCRIPTION",        "FIELD",
    "FRAGMENT_DEFINITION", "FRAGMENT_SPREAD", "INLINE_FRAGMENT",   "VARIABLE_DEFINITION",
    "SCHEMA",         "SCALAR",             "OBJECT",              "FIELD_DEFINITION",
    "ARGUMENT_DEFINITION", "INTERFACE",     "UNION",               "ENUM",
    "ENUM_VALUE",     "INPUT_OBJECT",       "INPUT_FIELD_DEFINITION"};

class Parser {
 public:
  Parser(std::string_view text, int max_tokens) : lex_(text, max_tokens) { tok_ = lex_.next(); }

  ast::Document parseExecutable() {
    ast::Document doc;
    if (tok_.kind == TokenKind::kEnd) fail("Unexpected <EOF>");
    while (tok_.kind != TokenKind::kEnd) {
      if (tok_.kind == TokenKind::kBraceL) {
        ast::OperationDefinition op;
        op.loc = tok_.loc;
        op.selection_set = parseSelectionSet();
        doc.operations.push_back(std::move(op));
        continue;
      }
      if (tok_.kind == TokenKind::kName) {
        const std::string& w = tok_.value;
        if (w == "query" || w == "mutation" || w == "subscription") {
          doc.operations.push_back(parseOperation());
          continue;
        }
        if (w == "fragment") {
          doc.fragments.push_back(parseFragment());
          continue;
        }
      }
      if (isTypeSystemStart()) {
        ast::SchemaDocument ignored;
        Location at = tok_.loc;
        std::string name = parseTypeSystemDefinition(ignored);
        doc.foreign.push_back({std::move(name), at});
        continue;
      }
      unexpected();
    }
    doc.token_count = lex_.tokenCount();
    return doc;
  }

  ast::SchemaDocument parseSchema() {
    ast::SchemaDocument doc;
    while (tok_.kind != TokenKind::kEnd) {
      if (!isTypeSystemStart()) unexpected();
      parseTypeSystemDefinition(doc);
    }
    return doc;
  }

 private:
  [[noreturn]] void failAt(const std::string& what, Location at) {
    throw SyntaxError(Code::kBadInput,
                      "Syntax Error: " + what + " at line " + std::to_string(at.line) +
                          ", column " + std::to_string(at.column),
                      at);
  }
  [[noreturn]] void fail(const std::string& what) { failAt(what, tok_.loc); }

  std::string describe(const Token& t) const {
    switch (t.kind) {
      case TokenKind::kName:
      case TokenKind::kInt:
      case TokenKind::kFloat:
        return std::string(tokenKindName(t.kind)) + " \"" + t.value + "\"";
      case TokenKind::kString:
      case TokenKind::kBlockString: {
        std::string v = t.value.size() > 40 ? t.value.substr(0, 40) + "…" : t.value;
        return std::string(tokenKindName(t.kind)) + " \"" + v + "\"";
      }
      default: return std::string(tokenKindName(t.kind));
    }
  }
  [[noreturn]] void unexpected() { fail("Unexpected " + describe(tok_)); }

  void advance() { tok_ = lex_.next(); }
  bool peek(TokenKind k) const { return tok_.kind == k; }
  bool peekName(std::string_view w) const { return tok_.kind == TokenKind::kName && tok_.value == w; }
  bool skip(TokenKind k) {
    if (tok_.kind != k) return false;
    advance();
    return true;
  }
  Location expect(TokenKind k) {
    if (tok_.kind != k) fail("Expected " + std::string(tokenKindName(k)) + ", found " + describe(tok_));
    Location at = tok_.loc;
    advance();
    return at;
  }
  void expectKeyword(std::string_view w) {
    if (!peekName(w)) fail("Expected \"" + std::string(w) + "\", found " + describe(tok_));
    advance();
  }
  std::string expectName(Location* at = nullptr) {
    if (tok_.kind != TokenKind::kName) fail("Expected Name, found " + describe(tok_));
    if (at) *at = tok_.loc;
    std::string v = std::move(tok_.value);
    advance();
    return v;
  }

  struct Nest {
    Parser& p;
    explicit Nest(Parser& parser) : p(parser) {
      if (++p.depth_ > kMaxNesting) {
        p.fail("Document nesting exceeds " + std::to_string(kMaxNesting) + " levels");
      }
    }
    ~Nest() { --p.depth_; }
  };

  // ---- executable definitions ----

  ast::OperationDefinition parseOperation() {
    ast::OperationDefinition op;
    op.loc = tok_.loc;
    const std::string& w = tok_.value;
    op.type = w == "query"      ? OperationType::kQuery
              : w == "mutation" ? OperationType::kMutation
                                : OperationType::kSubscription;
    advance();
    if (peek(TokenKind::kName)) op.name = expectName();
    if (skip(TokenKind::kParenL)) {
      do {
        op.variables.push_back(parseVariableDefinition());
      } while (!skip(TokenKind::kParenR));
    }
    op.directives = parseDirectives(false);
    op.selection_set = parseSelectionSet();
    return op;
  }

  ast::VariableDefinition parseVariableDefinition() {
    ast::VariableDefinition v;
    v.loc = expect(TokenKind::kDollar);
    v.name = expectName();
    expect(TokenKind::kColon);
    v.type = parseType();
    if (skip(TokenKind::kEquals)) v.default_value = parseValue(true);
    v.directives = parseDirectives(true);
    return v;
  }

  ast::FragmentDefinition parseFragment() {
    ast::FragmentDefinition f;
    f.loc = tok_.loc;
    advance();
    if (peekName("on")) unexpected();
    f.name = expectName();
    expectKeyword("on");
    f.type_condition = expectName(&f.type_condition_loc);
    f.directives = parseDirectives(false);
    f.selection_set = parseSelectionSet();
    return f;
  }

  ast::SelectionSet parseSelectionSet() {
    Nest nest(*this);
    expect(TokenKind::kBraceL);
    ast::SelectionSet set;
    do {
      set.push_back(parseSelection());
    } while (!skip(TokenKind::kBraceR));
    return set;
  }

  ast::Selection parseSelection() {
    ast::Selection s;
    s.loc = tok_.loc;
    if (skip(TokenKind::kSpread)) {
      if (peek(TokenKind::kName) && tok_.value != "on") {
        s.kind = ast::Selection::Kind::kFragmentSpread;
        s.name = expectName();
        s.directives = parseDirectives(false);
        return s;
      }
      s.kind = ast::Selection::Kind::kInlineFragment;
      if (peekName("on")) {
        advance();
        s.type_condition = expectName();
      }
      s.directives = parseDirectives(false);
      s.has_selection_set = true;
      s.selection_set = parseSelectionSet();
      return s;
    }
    s.name = expectName();
    if (skip(TokenKind::kColon)) {
      s.alias = std::move(s.name);
      s.name = expectName();
    }
    s.arguments = parseArguments(false);
    s.directives = parseDirectives(false);
    if (peek(TokenKind::kBraceL)) {
      s.has_selection_set = true;
      s.selection_set = parseSelectionSet();
    }
    return s;
  }

  std::vector<ast::Argument> parseArguments(bool is_const) {
    std::vector<ast::Argument> args;
    if (!skip(TokenKind::kParenL)) return args;
    do {
      ast::Argument a;
      a.name = expectName(&a.loc);
      expect(TokenKind::kColon);
      a.value = parseValue(is_const);
      args.push_back(std::move(a));
    } while (!skip(TokenKind::kParenR));
    return args;
  }

  std::vector<ast::Directive> parseDirectives(bool is_const) {
    std::vector<ast::Directive> dirs;
    while (peek(TokenKind::kAt)) {
      ast::Directive d;
      d.loc = tok_.loc;
      advance();
      d.name = expectName();
      d.arguments = parseArguments(is_const);
      dirs.push_back(std::move(d));
    }
    return dirs;
  }

  ast::Value parseValue(bool is_const) {
    ast::Value v;
    v.loc = tok_.loc;
    switch (tok_.kind) {
      case TokenKind::kBracketL: {
        Nest nest(*this);
        advance();
        v.kind = ast::Value::Kind::kList;
        while (!skip(TokenKind::kBracketR)) v.list.push_back(parseValue(is_const));
        return v;
      }
      case TokenKind::kBraceL: {
        Nest nest(*this);
        advance();
        v.kind = ast::Value::Kind::kObject;
        while (!skip(TokenKind::kBraceR)) {
          ast::ObjectField f;
          f.name = expectName(&f.loc);
          expect(TokenKind::kColon);
          f.value = parseValue(is_const);
          v.fields.push_back(std::move(f));
        }
        return v;
      }
      case TokenKind::kInt:
        v.kind = ast::Value::Kind::kInt;
        v.text = std::move(tok_.value);
        advance();
        return v;
      case TokenKind::kFloat:
        v.kind = ast::Value::Kind::kFloat;
        v.text = std::move(tok_.value);
        advance();
        return v;
      case TokenKind::kString:
      case TokenKind::kBlockString:
        v.kind = ast::Value::Kind::kString;
        v.block = tok_.kind == TokenKind::kBlockString;
        v.text = std::move(tok_.value);
        advance();
        return v;
      case TokenKind::kName:
        if (tok_.value == "true" || tok_.value == "false") {
          v.kind = ast::Value::Kind::kBoolean;
          v.boolean = tok_.value == "true";
        } else if (tok_.value == "null") {
          v.kind = ast::Value::Kind::kNull;
        } else {
          v.kind = ast::Value::Kind::kEnum;
          v.text = std::move(tok_.value);
        }
        advance();
        return v;
      case TokenKind::kDollar:
        if (is_const) {
          advance();
          if (peek(TokenKind::kName)) {
            failAt("Unexpected variable \"$" + tok_.value + "\" in constant value", v.loc);
          }
          failAt("Unexpected \"$\"", v.loc);
        }
        advance();
        v.kind = ast::Value::Kind::kVariable;
        v.text = expectName();
        return v;
      default: unexpected();
    }
  }

  std::shared_ptr<const ast::TypeRef> parseType() {
    auto t = std::make_shared<ast::TypeRef>();
    t->loc = tok_.loc;
    if (peek(TokenKind::kBracketL)) {
      Nest nest(*this);
      advance();
      t->kind = ast::TypeRef::Kind::kList;
      t->of = parseType();
      expect(TokenKind::kBracketR);
    } else {
      t->name = expectName();
    }
    if (peek(TokenKind::kBang)) {
      advance();
      auto nn = std::make_shared<ast::TypeRef>();
      nn->loc = t->loc;
      nn->kind = ast::TypeRef::Kind::kNonNull;
      nn->of = std::move(t);
      return nn;
    }
    return t;
  }

  // ---- type system ----

  bool isTypeSystemStart() const {
    if (peek(TokenKind::kString) || peek(TokenKind::kBlockString)) return true;
    if (!peek(TokenKind::kName)) return false;
    const std::string& w = tok_.value;
    return w == "schema" || w == "scalar" || w == "type" || w == "interface" || w == "union" ||
           w == "enum" || w == "input" || w == "directive" || w == "extend";
  }

  bool parseDescription(std::string& out) {
    if (peek(TokenKind::kString) || peek(TokenKind::kBlockString)) {
      out = std::move(tok_.value);
      advance();
      return true;
    }
    return false;
  }

  // Returns the defined name ("schema" for a schema definition).
  std::string parseTypeSystemDefinition(ast::SchemaDocument& doc) {
    std::string description;
    bool has_description = parseDescription(description);
    if (!peek(TokenKind::kName)) unexpected();
    Location at = tok_.loc;
    std::string w = tok_.value;
    if (w == "extend") {
      fail("type system extensions (\"extend\") are not supported");
    }
    if (w == "schema") {
      advance();
      ast::SchemaDefinition s;
      s.description = std::move(description);
      s.has_description = has_description;
      s.loc = at;
      s.directives = parseDirectives(true);
      expect(TokenKind::kBraceL);
      do {
        Location opAt = tok_.loc;
        std::string op = expectName();
        OperationType type;
        if (op == "query") {
          type = OperationType::kQuery;
        } else if (op == "mutation") {
          type = OperationType::kMutation;
        } else if (op == "subscription") {
          type = OperationType::kSubscription;
        } else {
          failAt("Unexpected Name \"" + op + "\"", opAt);
        }
        expect(TokenKind::kColon);
        Location nameAt;
        std::string name = expectName(&nameAt);
        s.operation_types.push_back({type, {std::move(name), nameAt}});
      } while (!skip(TokenKind::kBraceR));
      if (doc.schema) failAt("Must provide only one schema definition", at);
      doc.schema = std::move(s);
      return "schema";
    }
    if (w == "directive") {
      advance();
      ast::DirectiveDefinition d;
      d.description = std::move(description);
      d.has_description = has_description;
      d.loc = at;
      expect(TokenKind::kAt);
      d.name = expectName();
      d.arguments = parseArgumentDefs();
      if (peekName("repeatable")) {
        d.repeatable = true;
        advance();
      }
      expectKeyword("on");
      skip(TokenKind::kPipe);
      do {
        Location locAt = tok_.loc;
        std::string loc = expectName();
        bool known = false;
        for (auto k : kDirectiveLocations) known = known || k == loc;
        if (!known) failAt("Unexpected Name \"" + loc + "\"", locAt);
        d.locations.push_back({std::move(loc), locAt});
      } while (skip(TokenKind::kPipe));
      std::string name = "@" + d.name;
      doc.directives.push_back(std::move(d));
      return name;
    }
    ast::TypeDefinition t;
    t.description = std::move(description);
    t.has_description = has_description;
    t.loc = at;
    using K = ast::TypeDefinition::Kind;
    if (w == "scalar") {
      t.kind = K::kScalar;
    } else if (w == "type") {
      t.kind = K::kObject;
    } else if (w == "interface") {
      t.kind = K::kInterface;
    } else if (w == "union") {
      t.kind = K::kUnion;
    } else if (w == "enum") {
      t.kind = K::kEnum;
    } else if (w == "input") {
      t.kind = K::kInputObject;
    } else {
      unexpected();
    }
    advance();
    t.name = expectName();
    if (t.kind == K::kObject || t.kind == K::kInterface) {
      if (peekName("implements")) {
        advance();
        skip(TokenKind::kAmp);
        do {
          Location ia;
          std::string n = expectName(&ia);
          t.interfaces.push_back({std::move(n), ia});
        } while (skip(TokenKind::kAmp));
      }
    }
    t.directives = parseDirectives(true);
    switch (t.kind) {
      case K::kObject:
      case K::kInterface:
        if (skip(TokenKind::kBraceL)) {
          do {
            t.fields.push_back(parseFieldDefinition());
          } while (!skip(TokenKind::kBraceR));
        }
        break;
      case K::kUnion:
        if (skip(TokenKind::kEquals)) {
          skip(TokenKind::kPipe);
          do {
            Location ma;
            std::string n = expectName(&ma);
            t.members.push_back({std::move(n), ma});
          } while (skip(TokenKind::kPipe));
        }
        break;
      case K::kEnum:
        if (skip(TokenKind::kBraceL)) {
          do {
            ast::EnumValueDefinition v;
            v.has_description = parseDescription(v.description);
            v.loc = tok_.loc;
            if (peekName("true") || peekName("false") || peekName("null")) {
              fail(describe(tok_) + " is reserved and cannot be used for an enum value");
            }
            v.name = expectName();
            v.directives = parseDirectives(true);
            t.values.push_back(std::move(v));
          } while (!skip(TokenKind::kBraceR));
        }
        break;
      case K::kInputObject:
        if (skip(TokenKind::kBraceL)) {
          do {
            t.input_fields.push_back(parseInputValueDefinition());
          } while (!skip(TokenKind::kBraceR));
        }
        break;
      case K::kScalar: break;
    }
    std::string name = t.name;
    doc.types.push_back(std::move(t));
    return name;
  }

  ast::FieldDefinition parseFieldDefinition() {
    ast::FieldDefinition f;
    f.has_description = parseDescription(f.description);
    f.name = expectName(&f.loc);
    f.arguments = parseArgumentDefs();
    expect(TokenKind::kColon);
    f.type = parseType();
    f.directives = parseDirectives(true);
    return f;
  }

  std::vector<ast::InputValueDefinition> parseArgumentDefs() {
    std::vector<ast::InputValueDefinition> args;
    if (!skip(TokenKind::kParenL)) return args;
    do {
      args.push_back(parseInputValueDefinition());
    } while (!skip(TokenKind::kParenR));
    return args;
  }

  ast::InputValueDefinition parseInputValueDefinition() {
    ast::InputValueDefinition v;
    v.has_description = parseDescription(v.description);
    v.name = expectName(&v.loc);
    expect(TokenKind::kColon);
    v.type = parseType();
    if (skip(TokenKind::kEquals)) v.default_value = parseValue(true);
    v.directives = parseDirectives(true);
    return v;
  }

  Lexer lex_;
  Token tok_;
  int depth_ = 0;
};

}  // namespace

ast::Document parseExecutableDocument(std::string_view text, const Limits& limits) {
  Parser p(text, limits.max_tokens);
  return p.parseExecutable();
}

ast::SchemaDocument parseSchemaDocument(std::string_view text) {
  Parser p(text, 0);
  return p.parseSchema();
}

namespace ast {

const std::string& namedType(const TypeRef& type) {
  const TypeRef* t = &type;
  while (t->kind != TypeRef::Kind::kNamed) t = t->of.get();
  return t->name;
}

std::string printType(const TypeRef& type) {
  switch (type.kind) {
    case TypeRef::Kind::kNamed: return type.name;
    case TypeRef::Kind::kList: return "[" + printType(*type.of) + "]";
    case TypeRef::Kind::kNonNull: return printType(*type.of) + "!";
  }
  return {};
}

namespace {
void printString(std::string& out, const std::string& s) {
  out += '"';
  for (char c : s) {
    unsigned char b = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (b < 0x20) {
          static const char* hex = "0123456789ABCDEF";
          out += "\\u00";
          out += hex[b >> 4];
          out += hex[b & 15];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

void printValueTo(std::string& out, const Value& v) {
  switch (v.kind) {
    case Value::Kind::kNull: out += "null"; break;
    case Value::Kind::kInt:
    case Value::Kind::kFloat:
    case Value::Kind::kEnum: out += v.text; break;
    case Value::Kind::kVariable: out += "$" + v.text; break;
    case Value::Kind::kBoolean: out += v.boolean ? "true" : "false"; break;
    case Value::Kind::kString: printString(out, v.text); break;
    case Value::Kind::kList:
      out += '[';
      for (size_t i = 0; i < v.list.size(); ++i) {
        if (i) out += ", ";
        printValueTo(out, v.list[i]);
      }
      out += ']';
      break;
    case Value::Kind::kObject:
      out += '{';
      for (size_t i = 0; i < v.fields.size(); ++i) {
        if (i) out += ", ";
        out += v.fields[i].name + ": ";
        printValueTo(out, v.fields[i].value);
      }
      out += '}';
      break;
  }
}
}  // namespace

std::string printValue(const Value& value) {
  std::string out;
  printValueTo(out, value);
  return out;
}

}  // namespace ast
}  // namespace maestro::graphql
