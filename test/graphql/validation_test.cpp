// Validation (spec §5): one test per rule, valid and invalid documents, with
// graphql-js's messages.
#include <gtest/gtest.h>

#include "graphql/test_schema.h"

namespace maestro::graphql {
namespace {

class GraphqlValidation : public ::testing::Test {
 protected:
  testing::TestState state_;
  std::shared_ptr<const ExecutableSchema> schema_ = testing::testSchema(&state_);

  std::string errors(std::string_view q) { return testing::validationMessages(*schema_, q); }
  void valid(std::string_view q) { EXPECT_EQ(errors(q), "") << q; }
};

TEST_F(GraphqlValidation, ExecutableDefinitions) {
  EXPECT_EQ(errors("{ hello } type Foo { a: Int }"), "The \"Foo\" definition is not executable.");
  EXPECT_EQ(errors("{ hello } schema { query: Query }"), "The schema definition is not executable.");
}

TEST_F(GraphqlValidation, OperationNamesAndLoneAnonymous) {
  valid("query A { hello } query B { hello }");
  EXPECT_EQ(errors("query A { hello } query A { hello }"), "There can be only one operation named \"A\".");
  EXPECT_EQ(errors("{ hello } query B { hello }"), "This anonymous operation must be the only defined operation.");
}

TEST_F(GraphqlValidation, KnownOperationTypesAndSubscriptions) {
  EXPECT_EQ(errors("subscription { hello }"), "Schema is not configured to execute subscription operation.");
  SchemaBuilder b("type Query { a: Int } type Subscription { x: Int y: Int }", "s");
  b.field("Query", "a", [](const FieldContext&) { return Resolved::null(); });
  b.allFields("Subscription", [](const FieldContext&) { return Resolved::null(); });
  auto s = b.build();
  EXPECT_EQ(testing::validationMessages(*s, "subscription S { x }"), "");
  EXPECT_EQ(testing::validationMessages(*s, "subscription S { x ...F } fragment F on Subscription { y }"),
            "Subscription \"S\" must select only one top level field.");
  EXPECT_EQ(testing::validationMessages(*s, "subscription { __typename }"),
            "Anonymous Subscription must not select an introspection top level field.");
  Request req;
  req.query = "subscription { x }";
  Response r = execute(*s, req);
  EXPECT_EQ(r.outcome, Response::Outcome::kRequestError);
  EXPECT_EQ(r.errors.at(0).code, "NOT_IMPLEMENTED");
}

TEST_F(GraphqlValidation, FieldsOnCorrectType) {
  valid("{ user(id: 1) { name ... on Node { id } } members { __typename ... on User { name } } }");
  EXPECT_EQ(errors("{ nope }"), "Cannot query field \"nope\" on type \"Query\".");
  EXPECT_EQ(errors("{ members { name } }"), "Cannot query field \"name\" on type \"Member\".");
  EXPECT_EQ(errors("{ node(id: 1) { name } }"), "Cannot query field \"name\" on type \"Node\".");
}

TEST_F(GraphqlValidation, LeafFieldSelections) {
  EXPECT_EQ(errors("{ hello { x } }"), "Field \"hello\" must not have a selection since type \"String!\" has no subfields.");
  EXPECT_EQ(errors("{ user(id: 1) }"),
            "Field \"user\" of type \"User\" must have a selection of subfields. Did you mean \"user { ... }\"?");
}

TEST_F(GraphqlValidation, Arguments) {
  EXPECT_EQ(errors("{ hello(nope: 1) }"), "Unknown argument \"nope\" on field \"Query.hello\".");
  EXPECT_EQ(errors("{ hello(name: \"a\", name: \"b\") }"), "There can be only one argument named \"name\".");
  EXPECT_EQ(errors("{ user { id } }"),
            "Field \"user\" argument \"id\" of type \"ID!\" is required, but it was not provided.");
  EXPECT_EQ(errors("{ hello @skip(if: true, if: false) }"), "There can be only one argument named \"if\".");
  EXPECT_EQ(errors("{ hello @skip(unless: true) }"),
            "Unknown argument \"unless\" on directive \"@skip\". | "
            "Directive \"@skip\" argument \"if\" of type \"Boolean!\" is required, but it was not provided.");
}

TEST_F(GraphqlValidation, ValuesOfCorrectType) {
  valid("{ echo(i: 1, f: 1, s: \"x\", b: true, id: 4, r: ADMIN, l: [1, 2], dt: \"2020-01-01\", in: {name: {prefix: \"A\"}}) }");
  EXPECT_EQ(errors("{ echo(i: \"1\") }"), "Int cannot represent non-integer value: \"1\"");
  EXPECT_EQ(errors("{ echo(i: 2147483648) }"), "Int cannot represent non 32-bit signed integer value: 2147483648");
  EXPECT_EQ(errors("{ echo(f: true) }"), "Float cannot represent non numeric value: true");
  EXPECT_EQ(errors("{ echo(s: 1) }"), "String cannot represent a non string value: 1");
  EXPECT_EQ(errors("{ echo(b: 0) }"), "Boolean cannot represent a non boolean value: 0");
  EXPECT_EQ(errors("{ echo(id: 1.5) }"), "ID cannot represent a non-string and non-integer value: 1.5");
  EXPECT_EQ(errors("{ echo(r: PURPLE) }"), "Value \"PURPLE\" does not exist in \"Role\" enum.");
  EXPECT_EQ(errors("{ echo(r: \"ADMIN\") }"), "Enum \"Role\" cannot represent non-enum value: \"ADMIN\".");
  EXPECT_EQ(errors("{ echo(l: [1, null]) }"), "Expected value of type \"Int!\", found null.");
  EXPECT_EQ(errors("{ user(id: null) { id } }"), "Expected value of type \"ID!\", found null.");
  EXPECT_EQ(errors("{ echo(in: 3) }"), "Expected value of type \"UserFilter\", found 3.");
  EXPECT_EQ(errors("{ echo(dt: \"nope\") }"),
            "Expected value of type \"DateTime\", found \"nope\"; DateTime must be YYYY-MM-DD");
}

TEST_F(GraphqlValidation, InputObjectFields) {
  EXPECT_EQ(errors("{ echo(in: {bogus: 1}) }"), "Field \"bogus\" is not defined by type \"UserFilter\".");
  EXPECT_EQ(errors("{ echo(in: {minAge: 1, minAge: 2}) }"), "There can be only one input field named \"minAge\".");
  EXPECT_EQ(errors("{ echo(in: {name: {}}) }"), "Field \"NameFilter.prefix\" of required type \"String!\" was not provided.");
}

TEST_F(GraphqlValidation, Fragments) {
  valid("{ ...Q } fragment Q on Query { hello }");
  EXPECT_EQ(errors("{ ...Q } fragment Q on Query { hello } fragment Q on Query { hello }"),
            "There can be only one fragment named \"Q\".");
  EXPECT_EQ(errors("{ ...Q } fragment Q on Nope { hello }"), "Unknown type \"Nope\".");
  EXPECT_EQ(errors("{ ... on Nope { hello } }"), "Unknown type \"Nope\".");
  EXPECT_EQ(errors("{ ...Q } fragment Q on Role { hello }"), "Fragment \"Q\" cannot condition on non composite type \"Role\".");
  EXPECT_EQ(errors("{ ... on String { hello } }"), "Fragment cannot condition on non composite type \"String\".");
  EXPECT_EQ(errors("{ hello } fragment Q on Query { hello }"), "Fragment \"Q\" is never used.");
  EXPECT_EQ(errors("{ ...Nope }"), "Unknown fragment \"Nope\".");
  EXPECT_EQ(errors("{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }"),
            "Cannot spread fragment \"A\" within itself via \"B\".");
  EXPECT_EQ(errors("{ ...A } fragment A on Query { hello ...A }"), "Cannot spread fragment \"A\" within itself.");
  EXPECT_EQ(errors("{ user(id: 1) { ... on Group { id } } }"),
            "Fragment cannot be spread here as objects of type \"User\" can never be of type \"Group\".");
  EXPECT_EQ(errors("{ user(id: 1) { ...G } } fragment G on Group { id }"),
            "Fragment \"G\" cannot be spread here as objects of type \"User\" can never be of type \"Group\".");
  valid("{ members { ... on Node { id } } node(id: 1) { ... on Member { __typename } } }");
}

TEST_F(GraphqlValidation, Directives) {
  EXPECT_EQ(errors("{ hello @nope }"), "Unknown directive \"@nope\".");
  EXPECT_EQ(errors("query @skip(if: true) { hello }"), "Directive \"@skip\" may not be used on QUERY.");
  EXPECT_EQ(errors("{ hello @skip(if: true) @skip(if: false) }"),
            "The directive \"@skip\" can only be used once at this location.");
  EXPECT_EQ(errors("{ hello @auth(abac: \"x\") }"), "Directive \"@auth\" may not be used on FIELD.");
}

TEST_F(GraphqlValidation, Variables) {
  valid("query($id: ID!, $f: UserFilter = {minAge: 1}) { user(id: $id) { id } users(filter: $f) { id } }");
  EXPECT_EQ(errors("query($a: Int, $a: Int) { echo(i: $a) }"), "There can be only one variable named \"$a\".");
  EXPECT_EQ(errors("query($u: User) { hello }"),
            "Variable \"$u\" cannot be non-input type \"User\". | Variable \"$u\" is never used.");
  EXPECT_EQ(errors("query($u: Nope) { hello }"), "Unknown type \"Nope\". | Variable \"$u\" is never used.");
  EXPECT_EQ(errors("query Q { user(id: $id) { id } }"), "Variable \"$id\" is not defined by operation \"Q\".");
  EXPECT_EQ(errors("{ ...F } fragment F on Query { user(id: $id) { id } }"), "Variable \"$id\" is not defined.");
  EXPECT_EQ(errors("query Q($x: Int) { hello }"), "Variable \"$x\" is never used in operation \"Q\".");
  valid("query Q($x: ID!) { ...F } fragment F on Query { user(id: $x) { id } }");
  EXPECT_EQ(errors("query($x: Int = \"a\") { echo(i: $x) }"), "Int cannot represent non-integer value: \"a\"");
}

TEST_F(GraphqlValidation, VariableUsagesAllowed) {
  EXPECT_EQ(errors("query($id: ID) { user(id: $id) { id } }"),
            "Variable \"$id\" of type \"ID\" used in position expecting type \"ID!\".");
  EXPECT_EQ(errors("query($i: Int) { echo(s: $i) }"),
            "Variable \"$i\" of type \"Int\" used in position expecting type \"String\".");
  EXPECT_EQ(errors("query($l: [Int]) { echo(l: $l) }"),
            "Variable \"$l\" of type \"[Int]\" used in position expecting type \"[Int!]\".");
  EXPECT_EQ(errors("query($p: String) { users(filter: {name: {prefix: $p}}) { id } }"),
            "Variable \"$p\" of type \"String\" used in position expecting type \"String!\".");
  // A non-null default on the variable, or on the position, makes it fine.
  valid("query($id: ID = 1) { user(id: $id) { id } }");
  valid("query($n: String) { hello(name: $n) }");
  valid("query($i: Int!) { echo(l: [$i]) items(n: $i) }");
}

TEST_F(GraphqlValidation, OverlappingFieldsCanBeMerged) {
  valid("{ hello hello a: hello(name: \"x\") a: hello(name: \"x\") }");
  EXPECT_EQ(errors("{ a: hello a: old }"),
            "Fields \"a\" conflict because \"hello\" and \"old\" are different fields. Use different aliases on the "
            "fields to fetch both if this was intentional.");
  EXPECT_EQ(errors("{ hello(name: \"a\") hello(name: \"b\") }"),
            "Fields \"hello\" conflict because they have differing arguments. Use different aliases on the fields to "
            "fetch both if this was intentional.");
  EXPECT_EQ(errors("{ user(id: 1) { x: name } user(id: 1) { x: id } }"),
            "Fields \"user\" conflict because subfields \"x\" conflict because \"name\" and \"id\" are different "
            "fields. Use different aliases on the fields to fetch both if this was intentional.");
  EXPECT_EQ(errors("{ ...F user(id: 1) { n: id } } fragment F on Query { user(id: 1) { n: name } }"),
            "Fields \"user\" conflict because subfields \"n\" conflict because \"name\" and \"id\" are different "
            "fields. Use different aliases on the fields to fetch both if this was intentional.");
  // Different object parents may alias different fields, but not return conflicting types.
  valid("{ members { ... on User { x: __typename } ... on Group { x: name } } }");
  EXPECT_EQ(errors("{ members { ... on User { x: age } ... on Group { x: name } } }"),
            "Fields \"x\" conflict because they return conflicting types \"Int\" and \"String!\". Use different "
            "aliases on the fields to fetch both if this was intentional.");
}

TEST_F(GraphqlValidation, ErrorsCarryLocationsAndCode) {
  auto errs = validate(*schema_, "{\n  hello\n  nope\n}");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].code, "GRAPHQL_VALIDATION_FAILED");
  EXPECT_EQ(errs[0].locations.at(0).line, 3);
  EXPECT_EQ(errs[0].locations.at(0).column, 3);
  EXPECT_TRUE(errs[0].path.empty());
  auto parse = validate(*schema_, "{");
  ASSERT_EQ(parse.size(), 1u);
  EXPECT_EQ(parse[0].code, "GRAPHQL_PARSE_FAILED");
}

}  // namespace
}  // namespace maestro::graphql
