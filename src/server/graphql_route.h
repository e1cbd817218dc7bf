// GraphQL over HTTP (the GraphQL-over-HTTP spec) at /graphql: POST with an
// application/json body, GET with URL parameters for queries only, answers
// in application/graphql-response+json when the client accepts it (with
// the spec's status codes: 400 for a request that was not executed) and in
// application/json otherwise (200 for every well-formed GraphQL request).
// GET /graphiql serves the GraphiQL IDE pointed at /graphql.
#pragma once

namespace maestro::api {
class Api;
}

namespace maestro::server {

class Router;

void addGraphqlRoutes(Router& router, api::Api& api);

}  // namespace maestro::server
