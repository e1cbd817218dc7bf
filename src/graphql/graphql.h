// maestro::graphql — a spec-following GraphQL engine (October 2021 spec),
// generic: it knows nothing of this product.
//
// Schema first: the schema is SDL text, read at start-up; resolvers are bound
// to its fields in C++, and build() refuses a schema with an unbound field or
// a resolver for a field that does not exist. A request is parsed, validated
// (every rule of the spec's Validation section that applies to what we
// support) and executed (queries in parallel order, mutations serially),
// with full introspection. Errors follow the spec's response format:
// `message`, `locations`, `path`, `extensions.code`; a field error nulls the
// nearest nullable ancestor and execution goes on (partial results).
//
//   SchemaBuilder b(readFile("schema.graphql"), "schema.graphql");
//   b.field("Query", "hello", [](FieldContext& f) { return Resolved::leaf("hi"); });
//   auto schema = b.build();
//   Response r = execute(*schema, Request{.query = "{ hello }"});
//   r.toJson();  // {"data":{"hello":"hi"}}
//
// Thread-safety: an ExecutableSchema is immutable once built and may serve
// any number of concurrent execute() calls.
#pragma once

#include <any>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace maestro::graphql {

// Input values (variables, coerced arguments) are plain JSON; response data
// keeps the order of the selection set, as the spec requires.
using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

struct Location {
  int line = 0;    // 1-based
  int column = 0;  // 1-based, in Unicode code points
};

// One entry of a response's "errors".
struct GraphQLError {
  std::string message;
  std::vector<Location> locations;
  // Response path: field names (aliases) and list indices. Empty for
  // request errors (syntax, validation, variables).
  std::vector<std::variant<std::string, int64_t>> path;
  // extensions.code: "GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED",
  // "BAD_USER_INPUT", "LIMIT_EXCEEDED", or maestro::codeName() of an Error
  // thrown by a resolver ("FORBIDDEN", "NOT_FOUND", …). Exceptions that are
  // not maestro::Error become "INTERNAL_SERVER_ERROR" with a generic message.
  std::string code;
  // Further extensions (e.g. "field" naming the offending input, "limit").
  Json extensions = Json::object();
};

// What a resolver returns.
class Resolved {
 public:
  enum class Kind { kNull, kLeaf, kList, kObject };

  static Resolved null() { return Resolved(); }
  // A scalar or enum value; serialized by the field's type (an Int field
  // given 1.5, or an enum given an unknown name, is a field error).
  static Resolved leaf(Json value);
  static Resolved list(std::vector<Resolved> items);
  // An object: `source` is handed to the resolvers of its fields as
  // FieldContext::parent. `type_name` is the concrete object type; required
  // when the field's type is an interface or union, checked otherwise.
  static Resolved object(std::any source, std::string type_name = {});

  Kind kind() const { return kind_; }
  const Json& leafValue() const { return leaf_; }
  const std::vector<Resolved>& items() const { return items_; }
  const std::any& source() const { return source_; }
  const std::string& typeName() const { return type_name_; }

 private:
  Kind kind_ = Kind::kNull;
  Json leaf_;
  std::vector<Resolved> items_;
  std::any source_;
  std::string type_name_;
};

// A directive applied in the schema (e.g. `@auth(abac: "graph.read")` on a
// field definition), with its arguments coerced to JSON.
struct AppliedDirective {
  std::string name;
  Json args = Json::object();
};

// Everything a resolver (or a directive hook) sees about one field.
struct FieldContext {
  const std::any& parent;            // the parent object's source (empty for root)
  const Json& args;                  // coerced arguments, defaults applied (object)
  std::string_view parent_type;      // "Query", "Tenant", …
  std::string_view field_name;       // schema name, not the alias
  const std::vector<AppliedDirective>& directives;  // on the field definition
  const std::any& context;           // Request::context, per request
  // Deadline of the request: long-running resolvers should respect it.
  std::chrono::steady_clock::time_point deadline;
};

// Throw maestro::Error from a resolver to fail the field with that error's
// code; other exceptions are reported as INTERNAL_SERVER_ERROR without their text.
using Resolver = std::function<Resolved(const FieldContext&)>;

// Runs before the resolver of every field whose definition carries the
// directive (in the order the directives are written); it throws
// maestro::Error to refuse the field. Used for @auth.
using DirectiveHook = std::function<void(const FieldContext&, const AppliedDirective&)>;

// A custom scalar's coercion rules (spec §3.5). Each throws
// maestro::Error::badInput with a message naming what was wrong.
struct ScalarCoercion {
  // Result coercion: resolver value → response JSON.
  std::function<Json(const Json&)> serialize;
  // Input coercion of a variable's JSON value, and of a literal written in
  // the document (already converted to JSON: enums as strings, variables
  // substituted).
  std::function<Json(const Json&)> parse_value;
  std::function<Json(const Json&)> parse_literal;
};

class ExecutableSchema;

class SchemaBuilder {
 public:
  // Parses the SDL; throws maestro::Error::badInput naming `source_name`,
  // line and column on a syntax error or an invalid type system (unknown
  // type, duplicate field, interface not implemented, …).
  SchemaBuilder(std::string_view sdl, std::string_view source_name);
  ~SchemaBuilder();
  SchemaBuilder(SchemaBuilder&&) noexcept;

  void field(std::string_view type, std::string_view field, Resolver resolver);
  // Binds every field of `type` at once: `resolver` is called for each and
  // reads FieldContext::field_name (e.g. fields of a JSON-backed object).
  void allFields(std::string_view type, Resolver resolver);
  void scalar(std::string_view name, ScalarCoercion coercion);
  void directive(std::string_view name, DirectiveHook hook);
  // For interfaces and unions whose resolvers may return objects without a
  // type name: maps a source to its concrete type.
  void typeResolver(std::string_view abstract_type,
                    std::function<std::string(const std::any& source)> resolve);

  // Checks that every field of every object type has a resolver, every
  // resolver a field, every custom scalar its coercion and every directive
  // hook a declared directive; throws Error::internal listing every problem.
  std::shared_ptr<const ExecutableSchema> build();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct Limits {
  size_t max_document_bytes = 64 * 1024;
  int max_tokens = 20000;
  int max_depth = 12;        // nesting of selection sets, fragments expanded
  int max_fields = 1000;     // field selections incl. aliases, fragments expanded
  size_t max_list_items = 100000;  // items in any one list in the result
  std::chrono::milliseconds timeout{30000};
};

enum class OperationType { kQuery, kMutation, kSubscription };

struct Request {
  std::string_view query;
  std::string operation_name;  // empty: the document's only operation
  Json variables = Json::object();
  std::any context;            // handed to resolvers and hooks
  // Operation types this transport allows (GET allows only queries). A
  // disallowed one is not executed: Response::outcome says so.
  bool allow_mutations = true;
  Limits limits;
};

struct Response {
  enum class Outcome {
    kExecuted,          // data present (possibly with field errors)
    kRequestError,      // parse, validation, variable or limit error: no data
    kMethodNotAllowed,  // a mutation where only queries are allowed
  };
  Outcome outcome = Outcome::kExecuted;
  OrderedJson data;  // null when not executed, or when a non-null root field failed
  std::vector<GraphQLError> errors;

  // {"data": …, "errors": [...]} per the spec ("data" absent for request
  // errors, "errors" absent when there are none).
  OrderedJson toJson() const;
};

// Parses, validates and executes. Never throws for anything in the request;
// a request error is a Response with outcome kRequestError.
Response execute(const ExecutableSchema& schema, const Request& request);

// Parses and validates a document against the schema without executing it,
// returning the request errors (empty when valid) — e.g. to check a
// persisted operation when it is registered.
std::vector<GraphQLError> validate(const ExecutableSchema& schema, std::string_view document,
                                   const Limits& limits = {});

// The SDL of the schema as built (for `GET /graphql/schema` and tests).
std::string printSchema(const ExecutableSchema& schema);

}  // namespace maestro::graphql
