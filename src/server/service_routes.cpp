#include "server/service_routes.h"

#include "common/error.h"
#include "common/json.h"
#include "platform/platform.h"
#include "server/http.h"

namespace maestro::server {

void addServiceRoutes(Router& router, platform::Platform& platform) {
  router.add("GET", "/healthz", [](const Request&) {
    return Response::json(200, R"({"status":"ok"})");
  });
  router.add("GET", "/readyz", [&platform](const Request&) {
    try {
      platform.checkReady();
      return Response::json(200, R"({"status":"ready"})");
    } catch (const Error& e) {
      return Response::json(503, Json{{"status", "unavailable"}, {"problem", e.message()}}.dump());
    }
  });
  router.add("GET", "/metrics", [&platform](const Request&) {
    Response r = Response::text(200, platform.metrics().serialize());
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    return r;
  });
}

}  // namespace maestro::server
