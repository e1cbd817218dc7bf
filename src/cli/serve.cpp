// `maestro serve`: opens the platform and serves HTTP until SIGTERM/SIGINT.
#include <iostream>

#include "api/api.h"
#include "cli/commands.h"
#include "cli/config.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/log.h"
#include "features/blueprint/blueprints.h"
#include "features/blueprint/drift_scheduler.h"
#include "platform/platform.h"
#include "server/graphql_route.h"
#include "server/http_server.h"
#include "server/service_routes.h"

namespace maestro::cli {
namespace {

constexpr char kDemoTenant[] = "demo";

// Makes sure the demo tenant and its dataset exist; returns the tenant.
tenancy::Tenant ensureDemo(platform::Platform& platform) {
  auto op = auth::Principal::localOperator();
  auto& tenancy = platform.tenancy();
  tenancy::Tenant tenant;
  try {
    tenant = tenancy.getTenant(op, kDemoTenant);
  } catch (const Error& e) {
    if (e.code() != Code::kNotFound) throw;
    tenant = tenancy.createTenant(op, {kDemoTenant, Json::object(), std::nullopt});
    log::info("demo.tenant.created", {{"tenant_id", tenant.id}});
  }
  try {
    tenancy.getDataset(op, kDemoTenant, tenant.id);
  } catch (const Error& e) {
    if (e.code() != Code::kNotFound) throw;
    tenancy.createDataset(op, tenant.id, kDemoTenant, platform.regions().names().front());
  }
  return tenant;
}

}  // namespace

int runServe(const CommonOptions& common, const ServeOptions& options) {
  Config config = loadConfig(common);
  if (!options.listen.empty()) parseListen(options.listen, config.http);
  log::setLevel(log::parseLevel(config.log_level));

  auto platform = platform::Platform::open(config.platform, SystemClock::instance());
  for (const auto& region : platform->regions().names()) {
    try {
      platform->regions().store(region).ping();
    } catch (const Error& e) {
      log::warn("region.unavailable", {{"region", region}, {"problem", e.message()}});
    }
  }

  blueprint::Blueprints blueprints(*platform, config.blueprints);
  api::Api api(*platform, {config.graphql, &blueprints});
  server::Router router;
  server::addServiceRoutes(router, *platform);
  server::addGraphqlRoutes(router, api);
  server::HttpServer http(config.http, std::move(router), platform->metrics());
  http.start();
  blueprint::DriftScheduler drift(blueprints, config.drift_interval);
  if (config.drift_detection) drift.start();

  std::string url = "http://" +
                    (config.http.host.find(':') != std::string::npos ? "[" + config.http.host + "]"
                                                                     : config.http.host) +
                    ":" + std::to_string(http.port());
  log::info("server.started", {{"url", url},
                               {"control_store", platform->control().description()},
                               {"regions", platform->regions().names()},
                               {"kid", platform->signingKey().kid()}});
  std::cout << "IntelGraph Maestro Conductor " << MAESTRO_VERSION << " is serving on " << url
            << "\n  data directory: " << config.platform.data_dir.string()
            << "\n  control store:  " << platform->control().description();
  for (const auto& region : platform->regions().names()) {
    std::cout << "\n  region " << region << ": " << platform->regions().config(region).store_uri;
  }
  std::cout << "\n  GraphQL API:    " << url << "/graphql  (GraphiQL: " << url << "/graphiql)\n";
  if (options.demo) {
    auto tenant = ensureDemo(*platform);
    auth::TokenRequest request;
    request.subject = "demo-admin";
    request.platform = true;
    request.scopes = auth::knownScopes();
    request.clearance = "high";
    request.ttl = std::chrono::hours(12);
    std::string token = platform->issueToken(auth::Principal::localOperator(), request);
    std::cout << "  demo tenant:    " << tenant.name << " (" << tenant.id << ")\n"
              << "  admin token (platform operator, all scopes, valid 12h):\n\n"
              << token << "\n\n"
              << "  try, with TOKEN set to the token above:\n    curl -H \"Authorization: Bearer $TOKEN\" -H 'content-type: application/json' \\\n"
              << "      -d '{\"query\": \"{ me { subject scopes } tenants { name } }\"}' " << url
              << "/graphql\n";
  }
  std::cout.flush();

  http.waitForShutdownSignal();
  drift.stop();
  {
    // Sign the chain head so that entries cut off the end are detectable.
    auto lease = platform->control().acquire();
    store::Transaction tx(*lease, store::TxMode::kWrite);
    platform->auditLog().checkpoint(*lease);
    tx.commit();
  }
  log::info("server.stopped");
  return 0;
}

}  // namespace maestro::cli
