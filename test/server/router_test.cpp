#include <gtest/gtest.h>

#include "common/error.h"
#include "common/json.h"
#include "server/http.h"

namespace maestro::server {
namespace {

Handler answer(std::string body) {
  return [body](const Request&) { return Response::text(200, body); };
}

std::string call(const Router::Match& match) {
  return match.handler ? (*match.handler)(Request{}).body : "<none>";
}

TEST(RouterTest, ExactPathMatchesOnlyItself) {
  Router router;
  router.add("GET", "/healthz", answer("health"));
  auto match = router.match("GET", "/healthz");
  EXPECT_EQ(call(match), "health");
  EXPECT_EQ(match.route, "/healthz");
  EXPECT_TRUE(match.allowed.empty());

  for (std::string_view path : {"/healthz/", "/healthzz", "/health", "/", ""}) {
    auto miss = router.match("GET", path);
    EXPECT_EQ(miss.handler, nullptr) << path;
    EXPECT_EQ(miss.route, "unmatched") << path;
    EXPECT_TRUE(miss.allowed.empty()) << path;
  }
}

TEST(RouterTest, StarMatchesByPrefixAndNamesTheRouteByPattern) {
  Router router;
  router.add("GET", "/static/*", answer("static"));
  for (std::string_view path : {"/static/", "/static/app.js", "/static/a/b/c.css"}) {
    auto match = router.match("GET", path);
    EXPECT_EQ(call(match), "static") << path;
    EXPECT_EQ(match.route, "/static/*") << path;  // bounded label, not the path
  }
  EXPECT_EQ(router.match("GET", "/static").route, "unmatched");
  EXPECT_EQ(router.match("GET", "/stat").route, "unmatched");
}

TEST(RouterTest, ExactBeatsPrefixAndLongerPrefixBeatsShorter) {
  Router router;
  router.add("GET", "/*", answer("root"));
  router.add("GET", "/api/*", answer("api"));
  router.add("GET", "/api/special", answer("special"));
  EXPECT_EQ(call(router.match("GET", "/api/special")), "special");
  EXPECT_EQ(call(router.match("GET", "/api/other")), "api");
  EXPECT_EQ(router.match("GET", "/api/other").route, "/api/*");
  EXPECT_EQ(call(router.match("GET", "/index.html")), "root");
}

TEST(RouterTest, WrongMethodListsAllowedMethods) {
  Router router;
  router.add("GET", "/graphql", answer("get"));
  router.add("POST", "/graphql", answer("post"));
  router.add("DELETE", "/other", answer("other"));
  EXPECT_EQ(call(router.match("POST", "/graphql")), "post");

  auto match = router.match("PUT", "/graphql");
  EXPECT_EQ(match.handler, nullptr);
  EXPECT_EQ(match.route, "/graphql");
  EXPECT_EQ(match.allowed, (std::vector<std::string>{"GET", "POST"}));
}

TEST(RouterTest, LessSpecificPatternServesAMethodTheExactOneLacks) {
  Router router;
  router.add("GET", "/files/readme", answer("readme"));
  router.add("POST", "/files/*", answer("upload"));
  EXPECT_EQ(call(router.match("POST", "/files/readme")), "upload");
  EXPECT_EQ(router.match("POST", "/files/readme").route, "/files/*");
  auto match = router.match("DELETE", "/files/readme");
  EXPECT_EQ(match.handler, nullptr);
  EXPECT_EQ(match.route, "/files/readme");
  EXPECT_EQ(match.allowed, (std::vector<std::string>{"GET", "POST"}));
}

TEST(RouterTest, MethodsAreCaseSensitive) {
  Router router;
  router.add("GET", "/a", answer("a"));
  auto match = router.match("get", "/a");
  EXPECT_EQ(match.handler, nullptr);
  EXPECT_EQ(match.allowed, (std::vector<std::string>{"GET"}));
}

TEST(RouterTest, DuplicateRouteIsRejected) {
  Router router;
  router.add("GET", "/a", answer("a"));
  EXPECT_THROW(router.add("GET", "/a", answer("b")), Error);
  EXPECT_NO_THROW(router.add("POST", "/a", answer("b")));
}

TEST(RouterTest, EmptyRouterMatchesNothing) {
  Router router;
  auto match = router.match("GET", "/");
  EXPECT_EQ(match.handler, nullptr);
  EXPECT_EQ(match.route, "unmatched");
  EXPECT_TRUE(match.allowed.empty());
}

TEST(RequestTest, HeaderLookupReturnsFirstValue) {
  Request request;
  request.headers = {{"accept", "a"}, {"x-multi", "1"}, {"x-multi", "2"}};
  EXPECT_EQ(request.header("x-multi"), "1");
  EXPECT_EQ(request.header("X-Multi"), "1");
  EXPECT_EQ(request.header("accept"), "a");
  EXPECT_FALSE(request.header("authorization").has_value());
}

TEST(ResponseTest, ErrorBodyHasTheDocumentedShapeAndEscapes) {
  auto r = Response::error(403, "FORBIDDEN", "no \"access\"\n to <x>");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.body, R"({"error":{"code":"FORBIDDEN","message":"no \"access\"\n to <x>"}})");
  auto parsed = Json::parse(r.body);
  EXPECT_EQ(parsed["error"]["message"], "no \"access\"\n to <x>");
}

TEST(ResponseTest, ErrorWithInvalidUtf8StillProducesJson) {
  auto r = Response::error(400, "BAD_USER_INPUT", std::string("bad \xff\xfe byte"));
  Json parsed;
  EXPECT_NO_THROW(parsed = Json::parse(r.body));
  EXPECT_EQ(parsed["error"]["code"], "BAD_USER_INPUT");
}

TEST(ResponseTest, JsonAndTextSetContentType) {
  EXPECT_EQ(Response::json(201, "{}").content_type, "application/json");
  EXPECT_EQ(Response::json(201, "{}").status, 201);
  EXPECT_EQ(Response::text(200, "ok").content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(Response::text(200, "ok").body, "ok");
}

}  // namespace
}  // namespace maestro::server
