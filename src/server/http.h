// HTTP request/response values and the router that maps (method, path) to a
// handler. No Boost here: the transport lives in http_server.cpp.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace maestro::server {

struct Request {
  std::string method;  // "GET", "POST", …
  std::string target;  // as sent: path and query
  std::string path;    // percent-decoding is left to handlers
  std::string query;   // after '?', without it
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string remote_address;
  std::string request_id;

  // First value of header `name` (lower-case), if present.
  std::optional<std::string_view> header(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  // Extra headers. The server sets Content-Type (from content_type),
  // Content-Length, Transfer-Encoding, Connection, Server and X-Request-Id
  // itself; entries naming those, or carrying CR, LF or NUL, are dropped
  // with a warning.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // dropped for 1xx, 204 and 304, which have none

  static Response json(int status, std::string body);
  static Response text(int status, std::string body);
  // {"error":{"code":"…","message":"…"}} with the code's HTTP status.
  static Response error(int status, std::string_view code, std::string_view message);
};

using Handler = std::function<Response(const Request&)>;

// Decodes an application/x-www-form-urlencoded query string ("a=1&b=x+y%21")
// into its pairs, in order. nullopt when a %-escape is malformed.
std::optional<std::vector<std::pair<std::string, std::string>>> parseQueryString(
    std::string_view query);

// Routes by exact path, or by prefix for paths ending in '*'. Thread-safe for
// lookups once the server has started; add routes before that. The most
// specific pattern that accepts the method wins (exact, then the longest
// prefix); a (method, path) pair added twice throws Error::internal.
class Router {
 public:
  // `path` like "/healthz" or "/static/*". The route's name for metrics is
  // `path` itself, so label cardinality stays bounded.
  void add(std::string method, std::string path, Handler handler);

  struct Match {
    const Handler* handler = nullptr;  // null: no route for this method
    std::string route;                 // "unmatched" when the path is unknown
    std::vector<std::string> allowed;  // methods the path accepts (for 405)
  };
  Match match(std::string_view method, std::string_view path) const;

 private:
  struct Route {
    std::string method;
    std::string path;
    bool prefix;
    Handler handler;
  };
  std::vector<Route> routes_;
};

}  // namespace maestro::server
