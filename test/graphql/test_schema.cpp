#include "graphql/test_schema.h"

#include <chrono>
#include <thread>

#include "common/error.h"

namespace maestro::graphql::testing {

const char* const kTestSdl = R"(
"The test schema"
schema { query: Query mutation: Mutation }

directive @auth(abac: String!) on FIELD_DEFINITION
"Tags a field"
directive @tag(name: String = "none") repeatable on FIELD_DEFINITION | OBJECT

scalar DateTime @specifiedBy(url: "https://example.com/datetime")

interface Node { id: ID! }
interface Named implements Node { id: ID! name: String! }

"A person"
type User implements Node & Named {
  id: ID!
  name: String!
  age: Int
  friends(first: Int = 10): [User!]!
  role: Role!
  born: DateTime
  secret: String @auth(abac: "user.secret") @tag(name: "a") @tag
}

type Group implements Node & Named { id: ID! name: String! members: [User] }

union Member = User | Group

enum Role { ADMIN MEMBER GUEST @deprecated(reason: "use MEMBER") }

input UserFilter { role: Role, minAge: Int = 0, name: NameFilter }
input NameFilter { prefix: String! }

type Query {
  hello(name: String = "world"): String!
  user(id: ID!): User
  users(filter: UserFilter, limit: Int): [User!]!
  node(id: ID!): Node
  members: [Member!]!
  echo(i: Int, f: Float, s: String, b: Boolean, id: ID, r: Role, l: [Int!], dt: DateTime, in: UserFilter): String
  nonNullFail: String!
  nullableFail: String
  fail(code: String): String
  crash: String
  badInt: Int
  badEnum: Role
  old: String @deprecated(reason: "use hello")
  nested: Nested!
  items(n: Int!): [Int]
  slow(ms: Int!): String
}

type Nested { inner: Inner, innerNonNull: Inner!, list: [Inner!] }
type Inner { value: String!, nullableValue: String }

type Mutation { append(s: String!): [String!]! }
)";

namespace {

struct UserRow {
  std::string id, name;
  std::optional<int> age;
  std::string role;
  std::vector<int> friends;
};

const std::vector<UserRow>& users() {
  static const std::vector<UserRow> kUsers = {
      {"1", "Ann", 30, "ADMIN", {1, 2}},
      {"2", "Bob", std::nullopt, "MEMBER", {0}},
      {"3", "Cy", 17, "GUEST", {}},
  };
  return kUsers;
}

Resolved userObject(int i) { return Resolved::object(i, "User"); }

struct GroupRow {
  std::string id, name;
};

}  // namespace

std::shared_ptr<const ExecutableSchema> testSchema(TestState* state) {
  SchemaBuilder b(kTestSdl, "test.graphql");
  b.field("Query", "hello", [](const FieldContext& f) {
    return Resolved::leaf("hello " + f.args["name"].get<std::string>());
  });
  b.field("Query", "user", [](const FieldContext& f) {
    std::string id = f.args["id"];
    for (size_t i = 0; i < users().size(); ++i) {
      if (users()[i].id == id) return userObject(static_cast<int>(i));
    }
    return Resolved::null();
  });
  b.field("Query", "users", [](const FieldContext& f) {
    std::vector<Resolved> out;
    const Json& filter = f.args.contains("filter") ? f.args["filter"] : Json();
    for (size_t i = 0; i < users().size(); ++i) {
      const auto& u = users()[i];
      if (filter.is_object()) {
        if (filter.contains("role") && !filter["role"].is_null() && filter["role"] != u.role) continue;
        if (filter.contains("minAge") && u.age.value_or(0) < filter["minAge"].get<int>()) continue;
        if (filter.contains("name") && filter["name"].is_object() &&
            u.name.rfind(filter["name"]["prefix"].get<std::string>(), 0) != 0) {
          continue;
        }
      }
      out.push_back(userObject(static_cast<int>(i)));
    }
    if (f.args.contains("limit") && f.args["limit"].is_number()) out.resize(std::min<size_t>(out.size(), f.args["limit"].get<int>()));
    return Resolved::list(std::move(out));
  });
  b.field("Query", "node", [](const FieldContext& f) {
    std::string id = f.args["id"];
    if (id == "g1") return Resolved::object(GroupRow{"g1", "Admins"});  // type from the type resolver
    for (size_t i = 0; i < users().size(); ++i) {
      if (users()[i].id == id) return userObject(static_cast<int>(i));
    }
    if (id == "bad") return Resolved::object(0, "Inner");
    return Resolved::null();
  });
  b.typeResolver("Node", [](const std::any& source) {
    return source.type() == typeid(GroupRow) ? std::string("Group") : std::string();
  });
  b.field("Query", "members", [](const FieldContext&) {
    return Resolved::list({userObject(0), Resolved::object(GroupRow{"g1", "Admins"}, "Group")});
  });
  b.field("Query", "echo", [](const FieldContext& f) { return Resolved::leaf(f.args.dump()); });
  b.field("Query", "nonNullFail", [](const FieldContext&) -> Resolved { throw Error::notFound("nothing here"); });
  b.field("Query", "nullableFail", [](const FieldContext&) -> Resolved { throw Error::forbidden("not you"); });
  b.field("Query", "fail", [](const FieldContext& f) -> Resolved {
    throw Error::badInput("bad " + f.args.value("code", std::string("x")), "fail.code");
  });
  b.field("Query", "crash", [](const FieldContext&) -> Resolved { throw std::runtime_error("secret detail"); });
  b.field("Query", "badInt", [](const FieldContext&) { return Resolved::leaf(1.5); });
  b.field("Query", "badEnum", [](const FieldContext&) { return Resolved::leaf("PURPLE"); });
  b.field("Query", "old", [](const FieldContext&) { return Resolved::leaf("old"); });
  b.field("Query", "nested", [](const FieldContext&) { return Resolved::object(0); });
  b.field("Query", "items", [](const FieldContext& f) {
    std::vector<Resolved> out;
    for (int i = 0; i < f.args["n"].get<int>(); ++i) out.push_back(Resolved::leaf(i));
    return Resolved::list(std::move(out));
  });
  b.field("Query", "slow", [](const FieldContext& f) {
    std::this_thread::sleep_for(std::chrono::milliseconds(f.args["ms"].get<int>()));
    return Resolved::leaf("slept");
  });
  b.field("Nested", "inner", [](const FieldContext&) { return Resolved::object(0); });
  b.field("Nested", "innerNonNull", [](const FieldContext&) { return Resolved::object(1); });
  b.field("Nested", "list", [](const FieldContext&) {
    return Resolved::list({Resolved::object(0), Resolved::object(1), Resolved::object(0)});
  });
  // Inner #1 has a null `value` (non-null): the error propagates.
  b.field("Inner", "value", [](const FieldContext& f) {
    return std::any_cast<int>(f.parent) == 0 ? Resolved::leaf("v") : Resolved::null();
  });
  b.field("Inner", "nullableValue", [](const FieldContext&) { return Resolved::null(); });
  b.allFields("User", [](const FieldContext& f) {
    const UserRow& u = users()[std::any_cast<int>(f.parent)];
    if (f.field_name == "id") return Resolved::leaf(u.id);
    if (f.field_name == "name") return Resolved::leaf(u.name);
    if (f.field_name == "age") return u.age ? Resolved::leaf(*u.age) : Resolved::null();
    if (f.field_name == "role") return Resolved::leaf(u.role);
    if (f.field_name == "born") return Resolved::leaf("2000-01-0" + u.id);
    if (f.field_name == "secret") return Resolved::leaf("s" + u.id);
    std::vector<Resolved> out;
    int first = f.args["first"].get<int>();
    for (int fr : u.friends) {
      if (static_cast<int>(out.size()) >= first) break;
      out.push_back(userObject(fr));
    }
    return Resolved::list(std::move(out));
  });
  b.allFields("Group", [](const FieldContext& f) {
    const auto& g = std::any_cast<const GroupRow&>(f.parent);
    if (f.field_name == "id") return Resolved::leaf(g.id);
    if (f.field_name == "name") return Resolved::leaf(g.name);
    return Resolved::list({userObject(0), Resolved::null()});
  });
  b.field("Mutation", "append", [state](const FieldContext& f) {
    state->log.push_back(f.args["s"]);
    std::vector<Resolved> out;
    for (const auto& s : state->log) out.push_back(Resolved::leaf(s));
    return Resolved::list(std::move(out));
  });
  b.scalar("DateTime", ScalarCoercion{
                           .serialize = [](const Json& v) { return v; },
                           .parse_value =
                               [](const Json& v) {
                                 if (!v.is_string() || v.get<std::string>().size() != 10) {
                                   throw Error::badInput("DateTime must be YYYY-MM-DD");
                                 }
                                 return v;
                               },
                           .parse_literal =
                               [](const Json& v) {
                                 if (!v.is_string() || v.get<std::string>().size() != 10) {
                                   throw Error::badInput("DateTime must be YYYY-MM-DD");
                                 }
                                 return v;
                               },
                       });
  b.directive("auth", [state](const FieldContext& f, const AppliedDirective& d) {
    state->log.push_back("auth " + d.args["abac"].get<std::string>() + " on " + std::string(f.parent_type) + "." +
                         std::string(f.field_name));
    if (!state->allow_secret) throw Error::forbidden("needs " + d.args["abac"].get<std::string>());
  });
  return b.build();
}

OrderedJson run(const ExecutableSchema& schema, std::string_view query, Json variables, Limits limits) {
  Request req;
  req.query = query;
  req.variables = std::move(variables);
  req.limits = limits;
  return execute(schema, req).toJson();
}

std::string firstError(const ExecutableSchema& schema, std::string_view query, Json variables) {
  OrderedJson r = run(schema, query, std::move(variables));
  if (!r.contains("errors")) return "";
  return r["errors"][0]["message"].get<std::string>();
}

std::string validationMessages(const ExecutableSchema& schema, std::string_view query) {
  std::string out;
  for (const auto& e : validate(schema, query)) out += (out.empty() ? "" : " | ") + e.message;
  return out;
}

}  // namespace maestro::graphql::testing
