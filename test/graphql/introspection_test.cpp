// Introspection: graphql-js's standard introspection query, __type,
// deprecation and directive arguments.
#include <gtest/gtest.h>

#include "graphql/test_schema.h"

namespace maestro::graphql {
namespace {

// graphql-js 16 getIntrospectionQuery() with its default options.
constexpr const char* kIntrospectionQuery = R"(
query IntrospectionQuery {
      __schema {
        queryType { name kind }
        mutationType { name kind }
        subscriptionType { name kind }
        types {
          ...FullType
        }
        directives {
          name
          description
          locations
          args {
            ...InputValue
          }
        }
      }
    }
    fragment FullType on __Type {
      kind
      name
      description
      fields(includeDeprecated: true) {
        name
        description
        args {
          ...InputValue
        }
        type {
          ...TypeRef
        }
        isDeprecated
        deprecationReason
      }
      inputFields {
        ...InputValue
      }
      interfaces {
        ...TypeRef
      }
      enumValues(includeDeprecated: true) {
        name
        description
        isDeprecated
        deprecationReason
      }
      possibleTypes {
        ...TypeRef
      }
    }
    fragment InputValue on __InputValue {
      name
      description
      type { ...TypeRef }
      defaultValue
    }
    fragment TypeRef on __Type {
      kind
      name
      ofType {
        name
        kind
        ofType {
          name
          kind
          ofType {
            name
            kind
            ofType {
              name
              kind
              ofType {
                name
                kind
                ofType {
                  name
                  kind
                  ofType {
                    name
                    kind
                    ofType {
                      name
                      kind
                      ofType {
                        name
                        kind
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
)";

class GraphqlIntrospection : public ::testing::Test {
 protected:
  testing::TestState state_;
  std::shared_ptr<const ExecutableSchema> schema_ = testing::testSchema(&state_);

  static const OrderedJson* find(const OrderedJson& list, std::string_view name) {
    for (const auto& item : list) {
      if (item["name"] == name) return &item;
    }
    return nullptr;
  }
};

TEST_F(GraphqlIntrospection, StandardQueryWithinDefaultLimits) {
  OrderedJson r = testing::run(*schema_, kIntrospectionQuery);
  ASSERT_FALSE(r.contains("errors")) << r.dump();
  const OrderedJson& s = r["data"]["__schema"];
  EXPECT_EQ(s["queryType"]["name"], "Query");
  EXPECT_EQ(s["mutationType"]["name"], "Mutation");
  EXPECT_EQ(s["subscriptionType"], nullptr);
  const OrderedJson* user = find(s["types"], "User");
  ASSERT_NE(user, nullptr);
  EXPECT_EQ((*user)["kind"], "OBJECT");
  EXPECT_EQ((*user)["description"], "A person");
  EXPECT_EQ((*user)["interfaces"].size(), 2u);
  const OrderedJson* friends = find((*user)["fields"], "friends");
  ASSERT_NE(friends, nullptr);
  EXPECT_EQ((*friends)["args"][0]["defaultValue"], "10");
  EXPECT_EQ(Json::parse((*friends)["type"].dump()),
            Json::parse(R"({"kind":"NON_NULL","name":null,"ofType":{"kind":"LIST","name":null,"ofType":{"kind":"NON_NULL","name":null,"ofType":{"kind":"OBJECT","name":"User","ofType":null}}}})"));
  const OrderedJson* node = find(s["types"], "Node");
  ASSERT_NE(node, nullptr);
  EXPECT_EQ((*node)["possibleTypes"].size(), 2u);
  EXPECT_NE(find(s["types"], "__Schema"), nullptr);
  EXPECT_NE(find(s["types"], "__TypeKind"), nullptr);
  EXPECT_NE(find(s["types"], "String"), nullptr);
  const OrderedJson* filter = find(s["types"], "UserFilter");
  ASSERT_NE(filter, nullptr);
  EXPECT_EQ((*find((*filter)["inputFields"], "minAge"))["defaultValue"], "0");
  const OrderedJson* member = find(s["types"], "Member");
  EXPECT_EQ((*member)["kind"], "UNION");
  EXPECT_EQ((*member)["fields"], nullptr);
  const OrderedJson* role = find(s["types"], "Role");
  EXPECT_EQ((*role)["enumValues"].size(), 3u);  // includeDeprecated: true
  const OrderedJson* skip = find(s["directives"], "skip");
  ASSERT_NE(skip, nullptr);
  EXPECT_EQ(Json::parse(skip->dump()),
            Json::parse(R"({"name":"skip","description":"Directs the executor to skip this field or fragment when the `if` argument is true.","locations":["FIELD","FRAGMENT_SPREAD","INLINE_FRAGMENT"],"args":[{"name":"if","description":"Skipped when true.","type":{"kind":"NON_NULL","name":null,"ofType":{"kind":"SCALAR","name":"Boolean","ofType":null}},"defaultValue":null}]})"));
  const OrderedJson* tag = find(s["directives"], "tag");
  ASSERT_NE(tag, nullptr);
  EXPECT_EQ((*tag)["args"][0]["defaultValue"], "\"none\"");
}

TEST_F(GraphqlIntrospection, TypeByName) {
  EXPECT_EQ(testing::run(*schema_, "{ __type(name: \"Role\") { kind name enumValues { name } } }").dump(),
            R"({"data":{"__type":{"kind":"ENUM","name":"Role","enumValues":[{"name":"ADMIN"},{"name":"MEMBER"}]}}})");
  EXPECT_EQ(testing::run(*schema_, "{ __type(name: \"Nope\") { name } }").dump(), R"({"data":{"__type":null}})");
  EXPECT_EQ(testing::run(*schema_, "{ __type(name: \"DateTime\") { kind specifiedByURL } }").dump(),
            R"({"data":{"__type":{"kind":"SCALAR","specifiedByURL":"https://example.com/datetime"}}})");
}

TEST_F(GraphqlIntrospection, Deprecation) {
  OrderedJson r = testing::run(*schema_, R"({
    __type(name: "Query") {
      visible: fields { name }
      all: fields(includeDeprecated: true) { name isDeprecated deprecationReason }
    }
    role: __type(name: "Role") { enumValues(includeDeprecated: true) { name isDeprecated deprecationReason } }
  })");
  ASSERT_FALSE(r.contains("errors")) << r.dump();
  const auto& t = r["data"]["__type"];
  EXPECT_EQ(find(t["visible"], "old"), nullptr);
  const OrderedJson* old = find(t["all"], "old");
  ASSERT_NE(old, nullptr);
  EXPECT_EQ((*old)["isDeprecated"], true);
  EXPECT_EQ((*old)["deprecationReason"], "use hello");
  EXPECT_EQ(r["data"]["role"]["enumValues"][2].dump(),
            R"({"name":"GUEST","isDeprecated":true,"deprecationReason":"use MEMBER"})");
}

TEST_F(GraphqlIntrospection, DirectiveArgsAndRepeatable) {
  OrderedJson r = testing::run(*schema_, R"({ __schema { description directives { name isRepeatable args { name type { kind ofType { name } } } } } })");
  const auto& s = r["data"]["__schema"];
  EXPECT_EQ(s["description"], "The test schema");
  const OrderedJson* auth = find(s["directives"], "auth");
  ASSERT_NE(auth, nullptr);
  EXPECT_EQ(auth->dump(),
            R"({"name":"auth","isRepeatable":false,"args":[{"name":"abac","type":{"kind":"NON_NULL","ofType":{"name":"String"}}}]})");
  EXPECT_EQ((*find(s["directives"], "tag"))["isRepeatable"], true);
  EXPECT_NE(find(s["directives"], "deprecated"), nullptr);
  EXPECT_NE(find(s["directives"], "specifiedBy"), nullptr);
}

TEST_F(GraphqlIntrospection, TypenameOnIntrospectionTypesAndUnions) {
  EXPECT_EQ(testing::run(*schema_, "{ __schema { __typename queryType { __typename } } }").dump(),
            R"({"data":{"__schema":{"__typename":"__Schema","queryType":{"__typename":"__Type"}}}})");
  EXPECT_EQ(testing::firstError(*schema_, "{ user(id: 1) { __schema { description } } }"),
            "Cannot query field \"__schema\" on type \"User\".");
}

}  // namespace
}  // namespace maestro::graphql
