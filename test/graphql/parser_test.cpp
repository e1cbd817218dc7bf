// Lexer and parser: every literal kind, block strings, escapes, SDL, and
// syntax errors with exact positions.
#include <gtest/gtest.h>

#include "graphql/lexer.h"
#include "graphql/parser.h"

namespace maestro::graphql {
namespace {

using ast::Selection;
using ast::Value;

Limits defaultLimits() { return Limits{}; }

ast::Document parse(std::string_view text) { return parseExecutableDocument(text, defaultLimits()); }

// The message of the SyntaxError thrown by parsing `text`.
std::string syntaxError(std::string_view text, Location* at = nullptr) {
  try {
    parse(text);
  } catch (const SyntaxError& e) {
    if (at) *at = e.location();
    return e.message();
  }
  return "<no error>";
}

Value argValue(std::string_view literal) {
  auto doc = parse("{ f(a: " + std::string(literal) + ") }");
  return doc.operations.at(0).selection_set.at(0).arguments.at(0).value;
}

TEST(GraphqlParser, ParsesOperationsFragmentsAndVariables) {
  auto doc = parse(R"(
    query Q($id: ID!, $n: [Int!] = [1, 2] @dir) @op {
      a: node(id: $id) { ...F ... on User @include(if: true) { name } ... { id } }
    }
    mutation M { do }
    subscription S { tick }
    fragment F on Node { id }
  )");
  ASSERT_EQ(doc.operations.size(), 3u);
  const auto& q = doc.operations[0];
  EXPECT_EQ(q.name, "Q");
  EXPECT_EQ(q.type, OperationType::kQuery);
  ASSERT_EQ(q.variables.size(), 2u);
  EXPECT_EQ(ast::printType(*q.variables[0].type), "ID!");
  EXPECT_EQ(ast::printType(*q.variables[1].type), "[Int!]");
  ASSERT_TRUE(q.variables[1].default_value.has_value());
  EXPECT_EQ(ast::printValue(*q.variables[1].default_value), "[1, 2]");
  EXPECT_EQ(q.variables[1].directives.at(0).name, "dir");
  EXPECT_EQ(q.directives.at(0).name, "op");
  const Selection& node = q.selection_set.at(0);
  EXPECT_EQ(node.alias, "a");
  EXPECT_EQ(node.name, "node");
  EXPECT_EQ(node.responseKey(), "a");
  EXPECT_EQ(node.arguments.at(0).value.kind, Value::Kind::kVariable);
  ASSERT_EQ(node.selection_set.size(), 3u);
  EXPECT_EQ(node.selection_set[0].kind, Selection::Kind::kFragmentSpread);
  EXPECT_EQ(node.selection_set[1].kind, Selection::Kind::kInlineFragment);
  EXPECT_EQ(node.selection_set[1].type_condition, "User");
  EXPECT_EQ(node.selection_set[2].type_condition, "");
  EXPECT_EQ(doc.operations[1].type, OperationType::kMutation);
  EXPECT_EQ(doc.operations[2].type, OperationType::kSubscription);
  ASSERT_EQ(doc.fragments.size(), 1u);
  EXPECT_EQ(doc.fragments[0].type_condition, "Node");
  EXPECT_EQ(node.loc.line, 3);
  EXPECT_EQ(node.loc.column, 7);
}

TEST(GraphqlParser, EveryLiteralKind) {
  EXPECT_EQ(argValue("42").kind, Value::Kind::kInt);
  EXPECT_EQ(argValue("-0").text, "-0");
  EXPECT_EQ(argValue("1.5e-3").kind, Value::Kind::kFloat);
  EXPECT_EQ(argValue("1E10").text, "1E10");
  EXPECT_EQ(argValue("true").boolean, true);
  EXPECT_EQ(argValue("false").kind, Value::Kind::kBoolean);
  EXPECT_EQ(argValue("null").kind, Value::Kind::kNull);
  EXPECT_EQ(argValue("RED").kind, Value::Kind::kEnum);
  EXPECT_EQ(argValue("$v").text, "v");
  Value list = argValue("[1, \"a\", [B]]");
  ASSERT_EQ(list.kind, Value::Kind::kList);
  EXPECT_EQ(list.list.size(), 3u);
  Value obj = argValue("{x: 1, y: {z: null}}");
  ASSERT_EQ(obj.kind, Value::Kind::kObject);
  EXPECT_EQ(obj.fields.at(1).name, "y");
  EXPECT_EQ(ast::printValue(obj), "{x: 1, y: {z: null}}");
  EXPECT_EQ(argValue("[]").list.size(), 0u);
  EXPECT_EQ(argValue("{}").fields.size(), 0u);
}

TEST(GraphqlParser, StringEscapes) {
  EXPECT_EQ(argValue(R"("a\"b\\c\/d\b\f\n\r\t")").text, "a\"b\\c/d\b\f\n\r\t");
  EXPECT_EQ(argValue(R"("\u00e9")").text, "\xC3\xA9");
  // A surrogate pair becomes one code point (U+1F600).
  EXPECT_EQ(argValue(R"("\uD83D\uDE00")").text, "\xF0\x9F\x98\x80");
  EXPECT_EQ(argValue(R"("\u{1F600}")").text, "\xF0\x9F\x98\x80");
  EXPECT_EQ(argValue("\"caf\xC3\xA9\"").text, "caf\xC3\xA9");
  EXPECT_EQ(ast::printValue(argValue(R"("a\nb\"")")), R"("a\nb\"")");
}

TEST(GraphqlParser, BlockStringIndentation) {
  Value v = argValue("\"\"\"\n    Hello,\n      World!\n\n    Yours,\n      GraphQL.\n  \"\"\"");
  EXPECT_EQ(v.text, "Hello,\n  World!\n\nYours,\n  GraphQL.");
  EXPECT_TRUE(v.block);
  EXPECT_EQ(argValue(R"("""  first line kept as is
      second""")").text,
            "  first line kept as is\nsecond");
  EXPECT_EQ(argValue(R"("""esc \""" quote""")").text, "esc \"\"\" quote");
  EXPECT_EQ(argValue(R"("""no \n escapes""")").text, "no \\n escapes");
  EXPECT_EQ(blockStringValue("\n\n  a\n    b\n  "), "a\n  b");
}

TEST(GraphqlParser, IgnoredTokensAndColumnsInCodePoints) {
  auto doc = parse("\xEF\xBB\xBF# comment\n{ a,,, b # trailing\n\r\n  c(s: \"\xC3\xA9\xC3\xA9\") d }");
  const auto& set = doc.operations.at(0).selection_set;
  ASSERT_EQ(set.size(), 4u);
  EXPECT_EQ(set[2].loc.line, 4);
  EXPECT_EQ(set[2].loc.column, 3);
  EXPECT_EQ(set[3].loc.column, 14);  // each é counts as one column
}

TEST(GraphqlParser, SyntaxErrorsWithExactPositions) {
  Location at;
  EXPECT_EQ(syntaxError("{ a(x: ) }", &at), "Syntax Error: Unexpected \")\" at line 1, column 8");
  EXPECT_EQ(at.line, 1);
  EXPECT_EQ(at.column, 8);
  EXPECT_EQ(syntaxError("{\n  a\n  b(\n}"), "Syntax Error: Expected Name, found \"}\" at line 4, column 1");
  EXPECT_EQ(syntaxError(""), "Syntax Error: Unexpected <EOF> at line 1, column 1");
  EXPECT_EQ(syntaxError("{ }"), "Syntax Error: Expected Name, found \"}\" at line 1, column 3");
  EXPECT_EQ(syntaxError("{ a"), "Syntax Error: Expected Name, found <EOF> at line 1, column 4");
  EXPECT_EQ(syntaxError("{ a(x: \"abc) }"), "Syntax Error: Unterminated string at line 1, column 15");
  EXPECT_EQ(syntaxError("{ a(x: \"a\nb\") }"), "Syntax Error: Unterminated string at line 1, column 10");
  EXPECT_EQ(syntaxError("{ a(x: 01) }"),
            "Syntax Error: Invalid number, unexpected digit after 0: \"1\" at line 1, column 9");
  EXPECT_EQ(syntaxError("{ a(x: 1.) }"),
            "Syntax Error: Invalid number, expected digit but got: \")\" at line 1, column 10");
  EXPECT_EQ(syntaxError("{ a(x: 12abc) }"),
            "Syntax Error: Invalid number, expected digit but got: \"a\" at line 1, column 10");
  EXPECT_EQ(syntaxError("{ a(x: \"\\q\") }"),
            "Syntax Error: Invalid character escape sequence: \"\\q\" at line 1, column 9");
  EXPECT_EQ(syntaxError("{ a(x: \"\\uD83D\") }"),
            "Syntax Error: Invalid Unicode escape sequence: \"\\uD83D\" at line 1, column 9");
  EXPECT_EQ(syntaxError("{ a(x: \"\\uZZZZ\") }"),
            "Syntax Error: Invalid Unicode escape sequence: \"\\uZZZZ\" at line 1, column 9");
  EXPECT_EQ(syntaxError("{ a % }"), "Syntax Error: Unexpected character: \"%\" at line 1, column 5");
  EXPECT_EQ(syntaxError("{ a \x07 }"), "Syntax Error: Invalid character: U+0007 at line 1, column 5");
  EXPECT_EQ(syntaxError("query Q($v: Int = $w) { a }"),
            "Syntax Error: Unexpected variable \"$w\" in constant value at line 1, column 19");
  EXPECT_EQ(syntaxError("fragment on on T { a }"),
            "Syntax Error: Unexpected Name \"on\" at line 1, column 10");
  EXPECT_EQ(syntaxError("query { a } extend type T { b: Int }"),
            "Syntax Error: type system extensions (\"extend\") are not supported at line 1, column 13");
  EXPECT_EQ(syntaxError("{ a(x: \"\"\"open) }"), "Syntax Error: Unterminated string at line 1, column 18");
}

TEST(GraphqlParser, TypeSystemDefinitionsInExecutableDocumentsAreKept) {
  auto doc = parse("{ a } type T { b: Int }");
  ASSERT_EQ(doc.foreign.size(), 1u);
  EXPECT_EQ(doc.foreign[0].name, "T");
  EXPECT_EQ(doc.foreign[0].loc.column, 7);
}

TEST(GraphqlParser, SchemaDocument) {
  auto doc = parseSchemaDocument(R"(
    """The schema"""
    schema @x { query: Q mutation: M }
    "A date" scalar Date @specifiedBy(url: "https://example.com")
    interface Node { id: ID! }
    interface Named implements Node { id: ID! name: String }
    type User implements & Node & Named @key {
      "the id" id: ID!
      name(upper: Boolean = false @deprecated): String @deprecated(reason: "no")
    }
    union Thing = | User | Other
    enum Color { RED "green" GREEN @deprecated }
    input Filter { a: Int = 1, b: [String!]! }
    directive @auth(abac: String!) repeatable on FIELD_DEFINITION | OBJECT
    directive @key on | OBJECT
  )");
  ASSERT_TRUE(doc.schema.has_value());
  EXPECT_EQ(doc.schema->description, "The schema");
  ASSERT_EQ(doc.schema->operation_types.size(), 2u);
  EXPECT_EQ(doc.schema->operation_types[1].second.first, "M");
  ASSERT_EQ(doc.types.size(), 7u);
  EXPECT_EQ(doc.types[0].description, "A date");
  EXPECT_EQ(doc.types[2].interfaces.size(), 1u);
  const auto& user = doc.types[3];
  EXPECT_EQ(user.interfaces.size(), 2u);
  EXPECT_EQ(user.fields.at(0).description, "the id");
  EXPECT_EQ(user.fields.at(1).arguments.at(0).directives.at(0).name, "deprecated");
  EXPECT_EQ(doc.types[4].members.size(), 2u);
  EXPECT_EQ(doc.types[5].values.at(1).description, "green");
  EXPECT_EQ(ast::printValue(*doc.types[6].input_fields[0].default_value), "1");
  ASSERT_EQ(doc.directives.size(), 2u);
  EXPECT_TRUE(doc.directives[0].repeatable);
  EXPECT_EQ(doc.directives[0].locations.size(), 2u);
  EXPECT_FALSE(doc.directives[1].repeatable);
}

TEST(GraphqlParser, SchemaSyntaxErrors) {
  auto err = [](std::string_view sdl) {
    try {
      parseSchemaDocument(sdl);
    } catch (const SyntaxError& e) {
      return e.message();
    }
    return std::string("<no error>");
  };
  EXPECT_EQ(err("type T { a: Int } extend type T { b: Int }"),
            "Syntax Error: type system extensions (\"extend\") are not supported at line 1, column 19");
  EXPECT_EQ(err("directive @d on NOWHERE"), "Syntax Error: Unexpected Name \"NOWHERE\" at line 1, column 17");
  EXPECT_EQ(err("enum E { true }"),
            "Syntax Error: Name \"true\" is reserved and cannot be used for an enum value at line 1, column 10");
  EXPECT_EQ(err("{ a }"), "Syntax Error: Unexpected \"{\" at line 1, column 1");
  EXPECT_EQ(err("type T { a: [Int }"), "Syntax Error: Expected \"]\", found \"}\" at line 1, column 18");
}

TEST(GraphqlParser, HostileInputIsRefusedNotCrashed) {
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "{a";
  EXPECT_NE(syntaxError(deep).find("nesting exceeds 256"), std::string::npos);
  std::string deepList = "{ a(x: " + std::string(100000, '[') + ") }";
  EXPECT_NE(syntaxError(deepList).find("nesting exceeds"), std::string::npos);
  std::string deepType = "query($v: " + std::string(100000, '[') + "Int) { a }";
  EXPECT_NE(syntaxError(deepType).find("nesting exceeds"), std::string::npos);
  Limits small;
  small.max_tokens = 10;
  try {
    parseExecutableDocument("{ a b c d e f g h i j k l }", small);
    FAIL() << "no error";
  } catch (const SyntaxError& e) {
    EXPECT_EQ(e.code(), Code::kBudgetExceeded);
    EXPECT_NE(e.message().find("max_tokens"), std::string::npos);
  }
  // Invalid UTF-8 and stray bytes are syntax errors, never crashes.
  EXPECT_NE(syntaxError("{ a(x: \"\xFF\") }").find("UTF-8"), std::string::npos);
  EXPECT_NE(syntaxError(std::string("{ a\0 }", 6)).find("Invalid character"), std::string::npos);
}

}  // namespace
}  // namespace maestro::graphql
