// Type system: SDL errors, build() errors, printSchema.
#include <gtest/gtest.h>

#include "common/error.h"
#include "graphql/graphql.h"
#include "graphql/test_schema.h"

namespace maestro::graphql {
namespace {

// The message of the error SchemaBuilder's constructor throws.
std::string sdlError(std::string_view sdl) {
  try {
    SchemaBuilder b(sdl, "s.graphql");
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::kBadInput);
    return e.message();
  }
  return "<no error>";
}

std::string buildError(SchemaBuilder& b) {
  try {
    b.build();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::kInternal);
    return e.message();
  }
  return "<no error>";
}

Resolver constant(Json v) {
  return [v](const FieldContext&) { return Resolved::leaf(v); };
}

TEST(GraphqlSchema, SyntaxErrorNamesTheSource) {
  EXPECT_EQ(sdlError("type Query { a: }"),
            "s.graphql: Syntax Error: Expected Name, found \"}\" at line 1, column 17");
}

TEST(GraphqlSchema, TypeSystemErrorsNameTypeAndField) {
  EXPECT_EQ(sdlError("type Query { a: Foo }"),
            "s.graphql:1:17: Unknown type \"Foo\" referenced by \"Query.a\".");
  EXPECT_EQ(sdlError("type Query { a: Int }\ntype Query { b: Int }"),
            "s.graphql:2:1: There can be only one type named \"Query\".");
  EXPECT_EQ(sdlError("type Query { a: Int a: String }"),
            "s.graphql:1:21: Field \"Query.a\" can only be defined once.");
  EXPECT_EQ(sdlError("type Query { a(x: Int, x: Int): Int }"),
            "s.graphql:1:24: Argument \"Query.a(x:)\" can only be defined once.");
  EXPECT_EQ(sdlError("type Query { a: Int }\ninterface Node { id: ID! }\ntype U implements Node { x: Int }"),
            "s.graphql:3:1: Interface field Node.id expected but U does not provide it.");
  EXPECT_EQ(sdlError("type Query { a: Int }\ninterface Node { id: ID! }\ntype U implements Node { id: String }"),
            "s.graphql:3:26: Interface field Node.id expects type ID! but U.id is type String.");
  EXPECT_EQ(sdlError("type Query { a: Int }\ninterface A { x: Int }\ninterface B implements A { x: Int }\n"
                     "type U implements B { x: Int }"),
            "s.graphql:4:1: Type U must implement A because it is implemented by B.");
  EXPECT_EQ(sdlError("type Query { a: Int }\ninterface N { f(a: Int): Int }\ntype U implements N { f: Int }"),
            "s.graphql:3:23: Interface field argument N.f(a:) expected but U.f does not provide it.");
  EXPECT_EQ(sdlError("type Query { a: Int }\ntype U implements Query { a: Int }"),
            "s.graphql:2:19: Type U must only implement Interface types, it cannot implement Query.");
  EXPECT_EQ(sdlError("type Query { a: In }\ninput In { x: Int }"),
            "s.graphql:1:17: The type of \"Query.a\" must be an output type but got: In.");
  EXPECT_EQ(sdlError("type Query { a(x: Query): Int }"),
            "s.graphql:1:19: The type of \"Query.a(x:)\" must be an input type but got: Query.");
  EXPECT_EQ(sdlError("type Query { a: U }\ninterface I { x: Int }\nunion U = I"),
            "s.graphql:3:11: Union type U can only include Object types, it cannot include I.");
  EXPECT_EQ(sdlError("type Foo { a: Int }"), "s.graphql:1:1: Query root type must be provided.");
  EXPECT_EQ(sdlError("schema { query: In }\ninput In { x: Int }"),
            "s.graphql:1:17: Query root type must be Object type, it cannot be In.");
  EXPECT_EQ(sdlError("type Query { __a: Int }"),
            "s.graphql:1:14: Name \"__a\" must not begin with \"__\", which is reserved by GraphQL introspection.");
  EXPECT_EQ(sdlError("type Query { a: Int @nope }"),
            "s.graphql:1:21: Unknown directive \"@nope\" on \"Query.a\".");
  EXPECT_EQ(sdlError("type Query @deprecated { a: Int }"),
            "s.graphql:1:12: Directive \"@deprecated\" may not be used on OBJECT.");
  EXPECT_EQ(sdlError("directive @d(x: Int!) on FIELD_DEFINITION\ntype Query { a: Int @d }"),
            "s.graphql:2:21: Directive \"@d\" argument \"x\" of type \"Int!\" is required, but it was not provided.");
  EXPECT_EQ(sdlError("type Query { a(x: Int = \"s\"): Int }"),
            "s.graphql:1:25: Int cannot represent non-integer value: \"s\"");
  EXPECT_EQ(sdlError("type Query { a(x: In): Int }\ninput In { self: In! }"),
            "s.graphql:2:1: Cannot reference Input Object \"In\" within itself through a series of non-null fields: \"self\".");
  EXPECT_EQ(sdlError("type Query { a(x: Int! @deprecated): Int }"),
            "s.graphql:1:16: Required argument Query.a(x:) cannot be deprecated.");
  EXPECT_EQ(sdlError("scalar String\ntype Query { a: String }"),
            "s.graphql:1:1: There can be only one type named \"String\".");
  // Several problems are reported together, one per line.
  std::string both = sdlError("type Query { a: Foo b: Bar }");
  EXPECT_NE(both.find("\"Foo\""), std::string::npos);
  EXPECT_NE(both.find("\n"), std::string::npos);
  EXPECT_NE(both.find("\"Bar\""), std::string::npos);
}

TEST(GraphqlSchema, BuildRefusesUnboundAndUnknownBindings) {
  SchemaBuilder b("type Query { a: Int b: Int }\nscalar Date\ndirective @d on FIELD_DEFINITION", "s.graphql");
  b.field("Query", "a", constant(1));
  b.field("Query", "zzz", constant(1));
  b.field("Nope", "x", constant(1));
  b.directive("undeclared", [](const FieldContext&, const AppliedDirective&) {});
  b.typeResolver("Query", [](const std::any&) { return std::string(); });
  std::string e = buildError(b);
  EXPECT_NE(e.find("Query.b has no resolver"), std::string::npos) << e;
  EXPECT_NE(e.find("resolver for Query.zzz: Query has no field zzz"), std::string::npos) << e;
  EXPECT_NE(e.find("resolver for Nope.x: no such type"), std::string::npos) << e;
  EXPECT_NE(e.find("hook for directive @undeclared"), std::string::npos) << e;
  EXPECT_NE(e.find("custom scalar Date has no coercion"), std::string::npos) << e;
  EXPECT_NE(e.find("type resolver for Query, which is not an interface or union"), std::string::npos) << e;
}

TEST(GraphqlSchema, BuildSucceedsAndServes) {
  SchemaBuilder b("type Query { a: Int }", "s.graphql");
  b.field("Query", "a", constant(7));
  auto schema = b.build();
  Request req;
  req.query = "{ a }";
  EXPECT_EQ(execute(*schema, req).toJson().dump(), R"({"data":{"a":7}})");
  EXPECT_THROW(b.build(), Error);
}

TEST(GraphqlSchema, AppliedDirectivesAreCoercedWithDefaults) {
  testing::TestState state;
  auto schema = testing::testSchema(&state);
  state.log.clear();
  OrderedJson r = testing::run(*schema, "{ user(id: 1) { secret } }");
  EXPECT_EQ(r.dump(), R"({"data":{"user":{"secret":"s1"}}})");
  ASSERT_EQ(state.log.size(), 1u);
  EXPECT_EQ(state.log[0], "auth user.secret on User.secret");
}

TEST(GraphqlSchema, PrintSchema) {
  testing::TestState state;
  auto schema = testing::testSchema(&state);
  std::string sdl = printSchema(*schema);
  EXPECT_NE(sdl.find("\"\"\"The test schema\"\"\"\nschema {\n  query: Query\n  mutation: Mutation\n}\n"),
            std::string::npos)
      << sdl;
  EXPECT_NE(sdl.find("directive @auth(abac: String!) on FIELD_DEFINITION\n"), std::string::npos) << sdl;
  EXPECT_NE(sdl.find("\"\"\"Tags a field\"\"\"\ndirective @tag(name: String = \"none\") repeatable on FIELD_DEFINITION | OBJECT"),
            std::string::npos)
      << sdl;
  EXPECT_NE(sdl.find("scalar DateTime @specifiedBy(url: \"https://example.com/datetime\")"), std::string::npos);
  EXPECT_NE(sdl.find("type User implements Node & Named {\n  id: ID!\n"), std::string::npos) << sdl;
  EXPECT_NE(sdl.find("  friends(first: Int = 10): [User!]!\n"), std::string::npos);
  EXPECT_NE(sdl.find("  secret: String @auth(abac: \"user.secret\") @tag(name: \"a\") @tag(name: \"none\")\n"),
            std::string::npos)
      << sdl;
  EXPECT_NE(sdl.find("union Member = User | Group\n"), std::string::npos);
  EXPECT_NE(sdl.find("  GUEST @deprecated(reason: \"use MEMBER\")\n"), std::string::npos);
  EXPECT_NE(sdl.find("input UserFilter {\n  role: Role\n  minAge: Int = 0\n"), std::string::npos);
  EXPECT_EQ(sdl.find("__Schema"), std::string::npos);
  EXPECT_EQ(sdl.find("scalar Int"), std::string::npos);
  // The printed SDL builds the same schema again.
  SchemaBuilder again(sdl, "printed.graphql");
  SUCCEED();
}

}  // namespace
}  // namespace maestro::graphql
