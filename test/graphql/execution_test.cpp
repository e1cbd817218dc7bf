// Execution: variables and coercion, defaults, fragments, aliases,
// directives, mutations, null propagation, errors, abstract types, hooks.
#include <gtest/gtest.h>

#include "graphql/test_schema.h"

namespace maestro::graphql {
namespace {

using testing::firstError;
using testing::run;

class GraphqlExecution : public ::testing::Test {
 protected:
  testing::TestState state_;
  std::shared_ptr<const ExecutableSchema> schema_ = testing::testSchema(&state_);

  std::string data(std::string_view q, Json vars = Json::object()) {
    OrderedJson r = run(*schema_, q, std::move(vars));
    return r.dump();
  }
};

TEST_F(GraphqlExecution, HelloWithArgumentDefaultsAndAliases) {
  EXPECT_EQ(data("{ hello }"), R"({"data":{"hello":"hello world"}})");
  EXPECT_EQ(data("{ a: hello(name: \"x\") b: hello __typename }"),
            R"({"data":{"a":"hello x","b":"hello world","__typename":"Query"}})");
}

TEST_F(GraphqlExecution, OrderFollowsTheSelectionAndMergesFields) {
  EXPECT_EQ(data("{ user(id: 1) { name } hello user(id: 1) { id name } }"),
            R"({"data":{"user":{"name":"Ann","id":"1"},"hello":"hello world"}})");
}

TEST_F(GraphqlExecution, VariablesAndCoercion) {
  EXPECT_EQ(data("query($id: ID!) { user(id: $id) { name age } }", {{"id", 2}}),
            R"({"data":{"user":{"name":"Bob","age":null}}})");
  EXPECT_EQ(data("query($f: UserFilter) { users(filter: $f) { name } }", {{"f", {{"role", "ADMIN"}}}}),
            R"({"data":{"users":[{"name":"Ann"}]}})");
  // Input object defaults are applied, a single value coerces to a list.
  EXPECT_EQ(data("{ echo(in: {role: GUEST}, l: 3) }"),
            R"({"data":{"echo":"{\"in\":{\"minAge\":0,\"role\":\"GUEST\"},\"l\":[3]}"}})");
  EXPECT_EQ(data("query($v: Int = 5) { echo(i: $v) }"), R"({"data":{"echo":"{\"i\":5}"}})");
  // An absent variable without default leaves the argument out.
  EXPECT_EQ(data("query($v: Int) { echo(i: $v) }"), R"({"data":{"echo":"{}"}})");
  EXPECT_EQ(data("query($v: Int) { echo(i: $v) }", {{"v", nullptr}}), R"({"data":{"echo":"{\"i\":null}"}})");
  EXPECT_EQ(data("{ echo(f: 1, id: 7, s: \"\"\"  block\"\"\", b: false, r: ADMIN, dt: \"2020-01-01\") }"),
            R"({"data":{"echo":"{\"b\":false,\"dt\":\"2020-01-01\",\"f\":1.0,\"id\":\"7\",\"r\":\"ADMIN\",\"s\":\"  block\"}"}})");
  EXPECT_EQ(data("query($l: [Int!]) { echo(l: $l) }", {{"l", {1, 2}}}), R"({"data":{"echo":"{\"l\":[1,2]}"}})");
}

TEST_F(GraphqlExecution, VariableErrorsNameTheVariableAndPath) {
  OrderedJson r = run(*schema_, "query($f: UserFilter) { users(filter: $f) { name } }",
                      {{"f", {{"minAge", "x"}}}});
  ASSERT_TRUE(r.contains("errors"));
  EXPECT_FALSE(r.contains("data"));
  EXPECT_EQ(r["errors"][0]["message"],
            "Variable \"$f\" got invalid value \"x\" at \"f.minAge\"; Int cannot represent non-integer value: \"x\"");
  EXPECT_EQ(r["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
  EXPECT_EQ(r["errors"][0]["extensions"]["field"], "f.minAge");
  EXPECT_EQ(r["errors"][0]["locations"][0]["column"], 7);
  EXPECT_EQ(firstError(*schema_, "query($id: ID!) { user(id: $id) { name } }"),
            "Variable \"$id\" of required type \"ID!\" was not provided.");
  EXPECT_EQ(firstError(*schema_, "query($id: ID!) { user(id: $id) { name } }", {{"id", nullptr}}),
            "Variable \"$id\" of non-null type \"ID!\" must not be null.");
  EXPECT_EQ(firstError(*schema_, "query($v: Int) { echo(i: $v) }", {{"v", 3000000000LL}}),
            "Variable \"$v\" got invalid value 3000000000; Int cannot represent non 32-bit signed integer value: 3000000000");
  EXPECT_EQ(firstError(*schema_, "query($v: Role) { echo(r: $v) }", {{"v", "PURPLE"}}),
            "Variable \"$v\" got invalid value \"PURPLE\"; Value \"PURPLE\" does not exist in \"Role\" enum.");
  EXPECT_EQ(firstError(*schema_, "query($f: UserFilter) { users(filter: $f) { id } }", {{"f", {{"bogus", 1}}}}),
            "Variable \"$f\" got invalid value {\"bogus\":1}; Field \"bogus\" is not defined by type \"UserFilter\".");
  EXPECT_EQ(firstError(*schema_, "query($f: UserFilter) { users(filter: $f) { id } }", {{"f", {{"name", Json::object()}}}}),
            "Variable \"$f\" got invalid value {} at \"f.name\"; Field \"prefix\" of required type \"String!\" was not provided.");
  EXPECT_EQ(firstError(*schema_, "query($l: [Int!]) { echo(l: $l) }", {{"l", {1, nullptr}}}),
            "Variable \"$l\" got invalid value null at \"l[1]\"; Expected non-nullable type \"Int!\" not to be null.");
  EXPECT_EQ(firstError(*schema_, "query($d: DateTime) { echo(dt: $d) }", {{"d", "x"}}),
            "Variable \"$d\" got invalid value \"x\"; DateTime must be YYYY-MM-DD");
  EXPECT_EQ(firstError(*schema_, "query($s: String) { echo(s: $s) }", {{"s", 1}}),
            "Variable \"$s\" got invalid value 1; String cannot represent a non string value: 1");
  EXPECT_EQ(firstError(*schema_, "query($b: Boolean) { echo(b: $b) }", {{"b", "yes"}}),
            "Variable \"$b\" got invalid value \"yes\"; Boolean cannot represent a non boolean value: \"yes\"");
  EXPECT_EQ(firstError(*schema_, "query($f: Float) { echo(f: $f) }", {{"f", "1"}}),
            "Variable \"$f\" got invalid value \"1\"; Float cannot represent non numeric value: \"1\"");
  EXPECT_EQ(firstError(*schema_, "query($i: ID) { echo(id: $i) }", {{"i", true}}),
            "Variable \"$i\" got invalid value true; ID cannot represent value: true");
}

TEST_F(GraphqlExecution, NullVariableInNonNullArgumentIsAFieldError) {
  // $v is nullable and given null, but `id: ID!` needs a value.
  OrderedJson r = run(*schema_, "query($v: ID = \"1\") { user(id: $v) { name } }", {{"v", nullptr}});
  EXPECT_EQ(r["data"]["user"], nullptr);
  EXPECT_EQ(r["errors"][0]["message"], "Argument \"id\" of non-null type \"ID!\" must not be null.");
  EXPECT_EQ(r["errors"][0]["path"], OrderedJson::parse(R"(["user"])"));
}

TEST_F(GraphqlExecution, FragmentsAndTypeConditions) {
  EXPECT_EQ(data(R"(
    { members { __typename ...N ... on User { age } ... on Group { members { name } } } }
    fragment N on Named { name ... on Node { id } }
  )"),
            R"({"data":{"members":[{"__typename":"User","name":"Ann","id":"1","age":30},)"
            R"({"__typename":"Group","name":"Admins","id":"g1","members":[{"name":"Ann"},null]}]}})");
}

TEST_F(GraphqlExecution, SkipAndInclude) {
  EXPECT_EQ(data("query($yes: Boolean!) { a: hello @skip(if: $yes) b: hello @include(if: $yes) "
                 "... @include(if: false) { c: hello } ...F @skip(if: true) } fragment F on Query { d: hello }",
                 {{"yes", true}}),
            R"({"data":{"b":"hello world"}})");
  EXPECT_EQ(data("{ a: hello @skip(if: false) @include(if: false) }"), R"({"data":{}})");
}

TEST_F(GraphqlExecution, MutationsRunSeriallyInOrder) {
  EXPECT_EQ(data("mutation { a: append(s: \"1\") b: append(s: \"2\") c: append(s: \"3\") }"),
            R"({"data":{"a":["1"],"b":["1","2"],"c":["1","2","3"]}})");
  EXPECT_EQ(state_.log, (std::vector<std::string>{"1", "2", "3"}));
}

TEST_F(GraphqlExecution, MutationRefusedWhenNotAllowed) {
  Request req;
  req.query = "mutation { append(s: \"x\") }";
  req.allow_mutations = false;
  Response r = execute(*schema_, req);
  EXPECT_EQ(r.outcome, Response::Outcome::kMethodNotAllowed);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_TRUE(state_.log.empty());
  EXPECT_FALSE(r.toJson().contains("data"));
  req.query = "{ hello }";
  EXPECT_EQ(execute(*schema_, req).outcome, Response::Outcome::kExecuted);
}

TEST_F(GraphqlExecution, OperationSelection) {
  Request req;
  req.query = "query A { a: hello } query B { b: hello }";
  Response r = execute(*schema_, req);
  EXPECT_EQ(r.outcome, Response::Outcome::kRequestError);
  EXPECT_EQ(r.errors.at(0).message, "Must provide operation name if query contains multiple operations.");
  req.operation_name = "B";
  EXPECT_EQ(execute(*schema_, req).toJson().dump(), R"({"data":{"b":"hello world"}})");
  req.operation_name = "C";
  EXPECT_EQ(execute(*schema_, req).errors.at(0).message, "Unknown operation named \"C\".");
}

TEST_F(GraphqlExecution, ResolverErrorsBecomeFieldErrorsWithCodes) {
  OrderedJson r = run(*schema_, "{ hello nullableFail fail(code: \"q\") crash }");
  EXPECT_EQ(r["data"].dump(), R"({"hello":"hello world","nullableFail":null,"fail":null,"crash":null})");
  ASSERT_EQ(r["errors"].size(), 3u);
  EXPECT_EQ(r["errors"][0].dump(),
            R"({"message":"not you","locations":[{"line":1,"column":9}],"path":["nullableFail"],"extensions":{"code":"FORBIDDEN"}})");
  EXPECT_EQ(r["errors"][1]["message"], "bad q");
  EXPECT_EQ(r["errors"][1]["extensions"]["code"], "BAD_USER_INPUT");
  EXPECT_EQ(r["errors"][1]["extensions"]["field"], "fail.code");
  EXPECT_EQ(r["errors"][2]["message"], "Internal server error");
  EXPECT_EQ(r["errors"][2]["extensions"]["code"], "INTERNAL_SERVER_ERROR");
  EXPECT_EQ(r.dump().find("secret detail"), std::string::npos);
}

TEST_F(GraphqlExecution, NonNullErrorPropagatesToNearestNullableAncestor) {
  // nonNullFail is non-null on Query: data becomes null.
  OrderedJson r = run(*schema_, "{ hello nonNullFail }");
  EXPECT_TRUE(r.contains("data"));
  EXPECT_EQ(r["data"], nullptr);
  EXPECT_EQ(r["errors"][0]["extensions"]["code"], "NOT_FOUND");
  // Inner.value is null for Inner #1: innerNonNull (non-null) propagates to
  // `nested` (non-null) and then to data.
  r = run(*schema_, "{ nested { innerNonNull { value } } }");
  EXPECT_EQ(r["data"], nullptr);
  EXPECT_EQ(r["errors"][0]["message"], "Cannot return null for non-nullable field Inner.value.");
  EXPECT_EQ(r["errors"][0]["path"].dump(), R"(["nested","innerNonNull","value"])");
  // In a list of non-null items, one failing item nulls the whole (nullable) list.
  r = run(*schema_, "{ nested { list { value } inner { value nullableValue } } }");
  EXPECT_EQ(r["data"].dump(), R"({"nested":{"list":null,"inner":{"value":"v","nullableValue":null}}})");
  EXPECT_EQ(r["errors"][0]["path"].dump(), R"(["nested","list",1,"value"])");
}

TEST_F(GraphqlExecution, ListIndicesInErrorPaths) {
  state_.allow_secret = false;
  OrderedJson r = run(*schema_, "{ users { name secret } }");
  EXPECT_EQ(r["data"]["users"].size(), 3u);
  EXPECT_EQ(r["data"]["users"][2].dump(), R"({"name":"Cy","secret":null})");
  ASSERT_EQ(r["errors"].size(), 3u);
  EXPECT_EQ(r["errors"][2]["path"].dump(), R"(["users",2,"secret"])");
  EXPECT_EQ(r["errors"][2]["message"], "needs user.secret");
  EXPECT_EQ(r["errors"][2]["extensions"]["code"], "FORBIDDEN");
}

TEST_F(GraphqlExecution, HookRefusalSkipsTheResolver) {
  state_.allow_secret = false;
  OrderedJson r = run(*schema_, "{ user(id: 1) { secret } }");
  EXPECT_EQ(r["data"].dump(), R"({"user":{"secret":null}})");
  EXPECT_EQ(state_.log.size(), 1u);  // the hook ran, once
  state_.allow_secret = true;
  EXPECT_EQ(data("{ user(id: 1) { secret } }"), R"({"data":{"user":{"secret":"s1"}}})");
}

TEST_F(GraphqlExecution, ResultCoercion) {
  OrderedJson r = run(*schema_, "{ badInt badEnum }");
  EXPECT_EQ(r["data"].dump(), R"({"badInt":null,"badEnum":null})");
  EXPECT_EQ(r["errors"][0]["message"], "Int cannot represent non-integer value: 1.5");
  EXPECT_EQ(r["errors"][1]["message"], "Enum \"Role\" cannot represent value: \"PURPLE\"");
  EXPECT_EQ(data("{ user(id: 1) { role born } }"), R"({"data":{"user":{"role":"ADMIN","born":"2000-01-01"}}})");
}

TEST_F(GraphqlExecution, AbstractTypes) {
  // By Resolved::object's type name, and by the registered type resolver.
  EXPECT_EQ(data("{ a: node(id: 2) { __typename id } b: node(id: \"g1\") { __typename ... on Group { name } } }"),
            R"({"data":{"a":{"__typename":"User","id":"2"},"b":{"__typename":"Group","name":"Admins"}}})");
  OrderedJson r = run(*schema_, "{ node(id: \"bad\") { id } }");
  EXPECT_EQ(r["data"]["node"], nullptr);
  EXPECT_EQ(r["errors"][0]["message"], "Runtime Object type \"Inner\" is not a possible type for \"Node\".");
}

TEST_F(GraphqlExecution, ArgumentDefaultsAndNestedLists) {
  EXPECT_EQ(data("{ user(id: 1) { friends { name friends(first: 1) { name } } } }"),
            R"({"data":{"user":{"friends":[{"name":"Bob","friends":[{"name":"Ann"}]},{"name":"Cy","friends":[]}]}}})");
}

TEST_F(GraphqlExecution, RequestErrorsHaveNoData) {
  Request req;
  req.query = "{ nope }";
  Response r = execute(*schema_, req);
  EXPECT_EQ(r.outcome, Response::Outcome::kRequestError);
  EXPECT_EQ(r.toJson().dump(),
            R"({"errors":[{"message":"Cannot query field \"nope\" on type \"Query\".","locations":[{"line":1,"column":3}],"extensions":{"code":"GRAPHQL_VALIDATION_FAILED"}}]})");
  req.query = "{ hello";
  r = execute(*schema_, req);
  EXPECT_EQ(r.errors.at(0).code, "GRAPHQL_PARSE_FAILED");
  EXPECT_EQ(r.errors.at(0).locations.at(0).column, 8);
  req.query = "subscription { hello }";
  r = execute(*schema_, req);
  EXPECT_EQ(r.outcome, Response::Outcome::kRequestError);
  EXPECT_EQ(r.errors.at(0).message, "Schema is not configured to execute subscription operation.");
}

TEST_F(GraphqlExecution, CachedDocumentsGiveTheSameAnswers) {
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(data("query($id: ID!) { user(id: $id) { name } }", {{"id", std::to_string(i + 1)}}),
              std::string(R"({"data":{"user":{"name":")") + (i == 0 ? "Ann" : i == 1 ? "Bob" : "Cy") + "\"}}}");
    EXPECT_EQ(firstError(*schema_, "{ nope }"), "Cannot query field \"nope\" on type \"Query\".");
  }
}

TEST_F(GraphqlExecution, SmallQueryIsFast) {
  Request req;
  req.query = "query Q($id: ID!) { user(id: $id) { id name age role friends { name } } }";
  req.variables = {{"id", "1"}};
  execute(*schema_, req);  // warm the cache
  auto start = std::chrono::steady_clock::now();
  constexpr int kRuns = 2000;
  for (int i = 0; i < kRuns; ++i) execute(*schema_, req);
  auto per = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start) / kRuns;
  EXPECT_LT(per.count(), 100);
  // And uncached (parse + validate + execute) too.
  start = std::chrono::steady_clock::now();
  std::vector<std::string> texts;
  for (int i = 0; i < 300; ++i) texts.push_back("{ user(id: " + std::to_string(i) + ") { id name age role } }");
  for (const auto& t : texts) {
    req.query = t;
    execute(*schema_, req);
  }
  per = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start) / 300;
  EXPECT_LT(per.count(), 100);
}

}  // namespace
}  // namespace maestro::graphql
