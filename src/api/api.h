// The product's GraphQL API: the schema in schema.graphql (compiled into the
// binary and parsed at start-up) with its resolvers, the @auth directive,
// and Apollo's automatic persisted queries.
//
// Transport-neutral: server/graphql_route.cpp speaks GraphQL over HTTP and
// hands each request here. Thread-safe: one Api serves every request.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/json.h"
#include "graphql/graphql.h"

namespace maestro::platform {
class Platform;
}
namespace maestro::blueprint {
class Blueprints;
}

namespace maestro::api {

struct ApiRequest {
  // The document; may be empty when `extensions.persistedQuery` names a
  // document registered earlier.
  std::string query;
  std::string operation_name;
  Json variables = Json::object();
  Json extensions = Json::object();
  // The bearer token of the Authorization header, if one was sent.
  std::optional<std::string> bearer_token;
  bool allow_mutations = true;  // false for GET
};

struct ApiOptions {
  graphql::Limits limits;
  // The features the API serves, owned by the caller (cli/serve.cpp shares
  // them with their schedulers). Null: the Api opens its own with defaults.
  blueprint::Blueprints* blueprints = nullptr;
};

class Api {
 public:
  // Parses the schema and binds the resolvers; throws Error::internal if
  // they do not match (a field without resolver or the reverse).
  explicit Api(platform::Platform& platform, ApiOptions options = {});
  ~Api();

  graphql::Response execute(const ApiRequest& request);
  const graphql::ExecutableSchema& schema() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The product schema's SDL, as checked in at src/api/schema.graphql.
std::string_view schemaSdl();

}  // namespace maestro::api
