// GraphQL over HTTP at /graphql on a live server (port 0): media types,
// status codes, GET versus POST, and bad input that must never stop the
// server.
#include "server/graphql_route.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "api/api.h"
#include "common/clock.h"
#include "common/json.h"
#include "platform/platform.h"
#include "server/http_server.h"
#include "server/test_client.h"
#include "testing/test_stores.h"

namespace maestro::server {
namespace {

using ::testing::HasSubstr;
using test::HttpResponse;
using test::TestClient;

class GraphqlRouteTest : public ::testing::Test {
 protected:
  GraphqlRouteTest() {
    platform::PlatformConfig config;
    config.data_dir = dir_.path();
    platform_ = platform::Platform::open(config, SystemClock::instance());
    api::ApiOptions options;
    options.limits.max_depth = 6;
    api_ = std::make_unique<api::Api>(*platform_, options);
    Router router;
    addGraphqlRoutes(router, *api_);
    ServerOptions server_options;
    server_options.threads = 2;
    server_options.max_body_bytes = 64 * 1024;
    server_ = std::make_unique<HttpServer>(server_options, std::move(router), platform_->metrics());
    server_->start();
    auth::TokenRequest r;
    r.subject = "ops";
    r.platform = true;
    r.scopes = auth::knownScopes();
    token_ = platform_->issueToken(auth::Principal::localOperator(), r);
  }

  HttpResponse post(const std::string& body, const std::string& headers =
                                                 "Content-Type: application/json\r\n") {
    TestClient c(server_->port());
    c.send("POST /graphql HTTP/1.1\r\nHost: x\r\n" + headers +
           "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
    auto r = c.readResponse();
    EXPECT_TRUE(r.has_value());
    return r.value_or(HttpResponse{});
  }

  HttpResponse get(const std::string& target, const std::string& headers = "") {
    TestClient c(server_->port());
    auto r = c.get(target, headers);
    EXPECT_TRUE(r.has_value());
    return r.value_or(HttpResponse{});
  }

  // The server still answers a simple query.
  void expectServing() {
    auto r = post(R"({"query":"{ __typename }"})");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, R"({"data":{"__typename":"Query"}})");
  }

  testing::TempDir dir_;
  std::unique_ptr<platform::Platform> platform_;
  std::unique_ptr<api::Api> api_;
  std::unique_ptr<HttpServer> server_;
  std::string token_;
};

TEST_F(GraphqlRouteTest, PostJsonAnswersJson) {
  auto r = post(R"({"query":"{ __typename }"})");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-type"), "application/json; charset=utf-8");
  EXPECT_EQ(r.body, R"({"data":{"__typename":"Query"}})");
}

TEST_F(GraphqlRouteTest, GraphqlResponseJsonIsUsedWhenAccepted) {
  auto r = post(R"({"query":"{ __typename }"})",
                "Content-Type: application/json\r\nAccept: application/graphql-response+json, "
                "application/json;q=0.9\r\n");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-type"), "application/graphql-response+json; charset=utf-8");
}

TEST_F(GraphqlRouteTest, RequestErrorsAre400InTheGraphqlResponseTypeAnd200InJson) {
  const std::string accept_gql =
      "Content-Type: application/json\r\nAccept: application/graphql-response+json\r\n";
  for (const char* body : {R"({"query":"{"})", R"({"query":"{ nope }"})",
                           R"({"query":"query($v: Int!) { __typename }","variables":{"v":"x"}})"}) {
    auto r = post(body, accept_gql);
    EXPECT_EQ(r.status, 400) << body;
    auto json = Json::parse(r.body);
    EXPECT_FALSE(json.contains("data")) << body;
    EXPECT_FALSE(json["errors"][0]["message"].get<std::string>().empty());
    EXPECT_EQ(post(body).status, 200) << body;
  }
}

TEST_F(GraphqlRouteTest, SyntaxErrorsCarryTheirLocation) {
  auto r = post(R"({"query":"{\n  me {\n}"})");
  auto json = Json::parse(r.body);
  EXPECT_EQ(json["errors"][0]["extensions"]["code"], "GRAPHQL_PARSE_FAILED");
  EXPECT_EQ(json["errors"][0]["locations"][0]["line"], 3);
}

TEST_F(GraphqlRouteTest, GetRunsQueriesButNotMutations) {
  auto r = get("/graphql?query=%7B+__typename+%7D");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"data":{"__typename":"Query"}})");
  r = get("/graphql?query=mutation+%7B+createTenant(name%3A+%22x%22)+%7B+id+%7D+%7D",
          "Authorization: Bearer " + token_ + "\r\n");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.header("allow"), "POST");
  // Nothing was created.
  auto list = post(R"({"query":"{ tenants { name } }"})",
                   "Content-Type: application/json\r\nAuthorization: Bearer " + token_ + "\r\n");
  EXPECT_EQ(Json::parse(list.body)["data"]["tenants"], Json::array());
}

TEST_F(GraphqlRouteTest, GetTakesVariablesAsJsonText) {
  auto r = get("/graphql?query=query(%24n%3A+String%21)+%7B+__type(name%3A+%24n)+%7B+name+%7D+%7D"
               "&variables=%7B%22n%22%3A%22Query%22%7D");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"data":{"__type":{"name":"Query"}}})");
  EXPECT_EQ(get("/graphql?query=%7B__typename%7D&variables=%7Bnot-json").status, 400);
  EXPECT_EQ(get("/graphql?query=%ZZ").status, 400);
}

TEST_F(GraphqlRouteTest, BadRequestsSayWhatWasWrongAndTheServerKeepsServing) {
  struct Case {
    std::string body, headers;
    int status;
    std::string message;
  };
  const std::string json = "Content-Type: application/json\r\n";
  std::vector<Case> cases = {
      {R"({"query":)", json, 400, "request body"},
      {R"([1,2])", json, 400, "JSON object"},
      {R"({"query": 5})", json, 400, "'query' must be a string"},
      {R"({"query":"{ __typename }","variables":[1]})", json, 400, "'variables' must be a map"},
      {R"({"query":"{ __typename }","operationName":1})", json, 400, "'operationName'"},
      {R"({})", json, 400, "no 'query'"},
      {R"({"query":"{ __typename }"})", "Content-Type: text/plain\r\n", 415, "application/json"},
      {R"({"query":"{ __typename }"})", "", 415, "Content-Type"},
      {R"({"query":"{ __typename }"})", json + "Accept: text/html\r\n", 406, "Accept"},
      {std::string(70 * 1024, ' '), json, 413, ""},
  };
  for (const auto& c : cases) {
    auto r = post(c.body, c.headers);
    EXPECT_EQ(r.status, c.status) << c.body.substr(0, 60);
    EXPECT_THAT(r.body, HasSubstr(c.message)) << c.body.substr(0, 60);
  }
  expectServing();
}

TEST_F(GraphqlRouteTest, DeepQueriesHitTheDepthLimit) {
  std::string q = "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }";
  auto r = post(Json{{"query", q}}.dump());
  auto json = Json::parse(r.body);
  EXPECT_EQ(json["errors"][0]["extensions"]["code"], "LIMIT_EXCEEDED");
  EXPECT_THAT(json["errors"][0]["message"].get<std::string>(), HasSubstr("depth"));
  expectServing();
}

TEST_F(GraphqlRouteTest, AnInvalidUtf8StringIsAnsweredNotThrown) {
  auto r = post("{\"query\":\"{ __type(name: \\\"\xff\\\") { name } }\"}");
  EXPECT_EQ(r.status, 400);
  expectServing();
}

TEST_F(GraphqlRouteTest, GraphiqlPageTalksToThisServer) {
  auto r = get("/graphiql");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("content-type"), "text/html; charset=utf-8");
  EXPECT_THAT(r.body, HasSubstr("GraphiQL.createFetcher({ url: new URL('/graphql'"));
  // Every script it loads is pinned by Subresource Integrity.
  size_t scripts = 0, pinned = 0;
  for (size_t at = r.body.find("<script src="); at != std::string::npos;
       at = r.body.find("<script src=", at + 1)) {
    ++scripts;
    if (r.body.substr(at, 200).find("integrity=\"sha384-") != std::string::npos) ++pinned;
  }
  EXPECT_EQ(scripts, 3u);
  EXPECT_EQ(pinned, scripts);
}

}  // namespace
}  // namespace maestro::server
