#include "server/graphql_route.h"

#include <algorithm>
#include <cctype>

#include "api/api.h"
#include "common/error.h"
#include "common/json.h"
#include "server/http.h"

namespace maestro::server {
namespace {

constexpr char kGraphqlResponse[] = "application/graphql-response+json";
constexpr char kJson[] = "application/json";

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The media type of a header value, lower-cased, without parameters.
std::string mediaType(std::string_view value) { return lower(trim(value.substr(0, value.find(';')))); }

// Which response type the Accept header allows: the GraphQL response type
// when listed, else JSON; nullopt when neither is acceptable.
std::optional<std::string> negotiate(const Request& req) {
  auto accept = req.header("accept");
  if (!accept || trim(*accept).empty()) return kJson;
  bool json = false;
  std::string_view rest = *accept;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string type = mediaType(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (type == kGraphqlResponse) return kGraphqlResponse;
    if (type == kJson || type == "*/*" || type == "application/*") json = true;
  }
  if (json) return kJson;
  return std::nullopt;
}

// `replace`: strings from the graph or the request may not be valid UTF-8;
// the answer must still be produced rather than throw.
template <typename J>
Response answer(int status, const std::string& type, const J& body) {
  Response r;
  r.status = status;
  r.content_type = type + "; charset=utf-8";
  r.body = body.dump(-1, ' ', false, J::error_handler_t::replace);
  return r;
}

// A request that is not a GraphQL request at all (bad JSON, wrong
// parameter types): 400 in either media type.
Response badRequest(const std::string& type, const std::string& message) {
  return answer(400, type, Json{{"errors", {{{"message", message},
                                             {"extensions", {{"code", "BAD_REQUEST"}}}}}}});
}

struct Parsed {
  api::ApiRequest request;
  std::optional<std::string> problem;
};

// `value` of a parameter that must be a map (variables, extensions): JSON
// null, an object, or (in GET) a string holding one.
std::optional<std::string> readMap(const Json& value, const char* name, bool from_url, Json& out) {
  if (value.is_null()) return std::nullopt;
  if (value.is_object()) {
    out = value;
    return std::nullopt;
  }
  if (from_url && value.is_string()) {
    try {
      out = parseJson(value.get<std::string>(), name, 64);
    } catch (const Error& e) {
      return e.message();
    }
    if (out.is_object()) return std::nullopt;
  }
  return std::string("'") + name + "' must be a map (a JSON object), got " +
         std::string(jsonTypeName(value));
}

Parsed fromParams(const Json& params, bool from_url) {
  Parsed p;
  if (!params.is_object()) {
    p.problem = "the request body must be a JSON object, got " + std::string(jsonTypeName(params));
    return p;
  }
  if (auto q = params.find("query"); q != params.end() && !q->is_null()) {
    if (!q->is_string()) {
      p.problem = "'query' must be a string, got " + std::string(jsonTypeName(*q));
      return p;
    }
    p.request.query = q->get<std::string>();
  }
  if (auto n = params.find("operationName"); n != params.end() && !n->is_null()) {
    if (!n->is_string()) {
      p.problem = "'operationName' must be a string, got " + std::string(jsonTypeName(*n));
      return p;
    }
    p.request.operation_name = n->get<std::string>();
  }
  if (auto v = params.find("variables"); v != params.end()) {
    if (auto problem = readMap(*v, "variables", from_url, p.request.variables)) {
      p.problem = problem;
      return p;
    }
  }
  if (auto e = params.find("extensions"); e != params.end()) {
    if (auto problem = readMap(*e, "extensions", from_url, p.request.extensions)) {
      p.problem = problem;
      return p;
    }
  }
  bool has_apq = p.request.extensions.contains("persistedQuery");
  if (p.request.query.empty() && !has_apq) p.problem = "the request has no 'query'";
  return p;
}

Response handle(api::Api& api, const Request& req, bool is_get) {
  auto type = negotiate(req);
  if (!type) {
    Response r = Response::error(406, "NOT_ACCEPTABLE",
                                 "Accept must allow application/graphql-response+json or "
                                 "application/json");
    return r;
  }
  Parsed parsed;
  if (is_get) {
    auto pairs = parseQueryString(req.query);
    if (!pairs) return badRequest(*type, "the URL's query string has a malformed %-escape");
    Json params = Json::object();
    for (auto& [k, v] : *pairs) {
      if (!params.contains(k)) params[k] = v;
    }
    parsed = fromParams(params, true);
  } else {
    auto content_type = req.header("content-type");
    if (!content_type) {
      return Response::error(415, "UNSUPPORTED_MEDIA_TYPE",
                             "POST needs 'Content-Type: application/json'");
    }
    std::string media = mediaType(*content_type);
    if (media != kJson && media != kGraphqlResponse) {
      return Response::error(415, "UNSUPPORTED_MEDIA_TYPE",
                             "POST needs 'Content-Type: application/json', got '" +
                                 std::string(content_type->substr(0, 80)) + "'");
    }
    std::string charset = lower(*content_type);
    if (auto at = charset.find("charset="); at != std::string::npos) {
      std::string cs(trim(charset.substr(at + 8, charset.find(';', at) - at - 8)));
      if (cs != "utf-8" && cs != "\"utf-8\"") {
        return Response::error(415, "UNSUPPORTED_MEDIA_TYPE", "only utf-8 bodies are accepted");
      }
    }
    if (req.body.empty()) return badRequest(*type, "the POST body is empty");
    Json body;
    try {
      body = parseJson(req.body, "request body", 64);
    } catch (const Error& e) {
      return badRequest(*type, e.message());
    }
    parsed = fromParams(body, false);
  }
  if (parsed.problem) return badRequest(*type, *parsed.problem);

  if (auto auth = req.header("authorization")) {
    std::string_view value = trim(*auth);
    if (value.size() > 7 && lower(value.substr(0, 7)) == "bearer ") {
      parsed.request.bearer_token = std::string(trim(value.substr(7)));
    } else {
      parsed.request.bearer_token = std::string();  // refused as malformed
    }
  }
  parsed.request.allow_mutations = !is_get;
  graphql::Response result = api.execute(parsed.request);
  auto body = result.toJson();

  using Outcome = graphql::Response::Outcome;
  if (result.outcome == Outcome::kMethodNotAllowed) {
    Response r = answer(405, *type, body);
    r.headers.emplace_back("Allow", "POST");
    return r;
  }
  int status = 200;
  if (*type == kGraphqlResponse && result.outcome == Outcome::kRequestError) status = 400;
  return answer(status, *type, body);
}

// GraphiQL, the GraphQL IDE, for a browser: the page loads GraphiQL and
// React from unpkg (pinned versions, Subresource Integrity), and talks to
// /graphql on this server. Tokens go into GraphiQL's Headers tab as
// {"Authorization": "Bearer …"}; the page itself holds no secret.
constexpr char kGraphiqlPage[] = R"html(<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>IntelGraph Maestro Conductor — GraphiQL</title>
  <style>body { margin: 0; overflow: hidden; } #graphiql { height: 100vh; }</style>
  <link rel="stylesheet" href="https://unpkg.com/graphiql@3.8.3/graphiql.min.css"
        integrity="sha384-Mq3vbRBY71jfjQAt/DcjxUIYY33ksal4cgdRt9U/hNPvHBCaT2JfJ/PTRiPKf0aM" crossorigin="anonymous">
  <script src="https://unpkg.com/react@18.3.1/umd/react.production.min.js"
          integrity="sha384-DGyLxAyjq0f9SPpVevD6IgztCFlnMF6oW/XQGmfe+IsZ8TqEiDrcHkMLKI6fiB/Z" crossorigin="anonymous"></script>
  <script src="https://unpkg.com/react-dom@18.3.1/umd/react-dom.production.min.js"
          integrity="sha384-gTGxhz21lVGYNMcdJOyq01Edg0jhn/c22nsx0kyqP0TxaV5WVdsSH1fSDUf5YJj1" crossorigin="anonymous"></script>
  <script src="https://unpkg.com/graphiql@3.8.3/graphiql.min.js"
          integrity="sha384-HbRVEFG0JGJZeAHCJ9Xm2+tpknBQ7QZmNlO/DgZtkZ0aJSypT96YYGRNod99l9Ie" crossorigin="anonymous"></script>
</head>
<body>
  <div id="graphiql">Loading GraphiQL…</div>
  <script>
    const fetcher = GraphiQL.createFetcher({ url: new URL('/graphql', location.href).toString() });
    ReactDOM.createRoot(document.getElementById('graphiql')).render(
      React.createElement(GraphiQL, {
        fetcher,
        defaultEditorToolsVisibility: 'headers',
        defaultHeaders: '{"Authorization": "Bearer <token from maestro token issue>"}',
      }));
  </script>
</body>
</html>
)html";

}  // namespace

void addGraphqlRoutes(Router& router, api::Api& api) {
  router.add("GET", "/graphiql", [](const Request&) {
    Response r;
    r.content_type = "text/html; charset=utf-8";
    r.body = kGraphiqlPage;
    return r;
  });
  router.add("POST", "/graphql", [&api](const Request& req) { return handle(api, req, false); });
  router.add("GET", "/graphql", [&api](const Request& req) { return handle(api, req, true); });
}

}  // namespace maestro::server
