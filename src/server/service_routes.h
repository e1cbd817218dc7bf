// The service endpoints every deployment has: /healthz (the process is up),
// /readyz (every store answers) and /metrics (Prometheus text format).
#pragma once

namespace maestro::platform {
class Platform;
}

namespace maestro::server {

class Router;

void addServiceRoutes(Router& router, platform::Platform& platform);

}  // namespace maestro::server
