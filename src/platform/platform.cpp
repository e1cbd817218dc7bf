#include "platform/platform.h"

#include "common/clock.h"
#include "common/error.h"
#include "engine/storage/graph_store.h"

namespace maestro::platform {
namespace {

bool isPostgresUri(const std::string& uri) {
  return uri.rfind("postgresql://", 0) == 0 || uri.rfind("postgres://", 0) == 0;
}

std::string schemaFor(const std::string& region) {
  std::string s = "maestro_region_";
  for (char c : region) s += c == '-' ? '_' : c;
  return s;
}

}  // namespace

std::vector<std::string> defaultRegionNames() { return {"us-east", "eu-west"}; }

void resolveStores(PlatformConfig& config, const std::string& store_override) {
  bool shared_pg = isPostgresUri(store_override);
  if (!store_override.empty()) config.control_store_uri = store_override;
  if (config.control_store_uri.empty()) {
    config.control_store_uri = "sqlite:" + (config.data_dir / "control.db").string();
  }
  if (isPostgresUri(config.control_store_uri) && config.control_schema.empty()) {
    config.control_schema = "maestro_control";
  }
  if (config.regions.empty()) {
    for (const auto& name : defaultRegionNames()) config.regions.push_back({name, "", ""});
  }
  for (auto& region : config.regions) {
    if (!region.store_uri.empty()) continue;
    if (shared_pg) {
      region.store_uri = store_override;
      if (region.schema.empty()) region.schema = schemaFor(region.name);
    } else {
      region.store_uri = "sqlite:" + (config.data_dir / "regions" / (region.name + ".db")).string();
    }
  }
  for (auto& region : config.regions) {
    if (isPostgresUri(region.store_uri) && region.schema.empty()) {
      region.schema = schemaFor(region.name);
    }
  }
}

void migrateControl(store::Store& control) {
  control.migrate("keys", auth::KeyRing::migrations());
  control.migrate("audit", audit::AuditLog::migrations());
  control.migrate("tenancy", tenancy::Tenancy::migrations());
  control.migrate("ops", ops::OpsRegistry::migrations());
}

Platform::Platform(PlatformConfig config, const Clock& clock)
    : config_(std::move(config)), clock_(clock) {}

Platform::~Platform() = default;

std::unique_ptr<Platform> Platform::open(PlatformConfig config, const Clock& clock) {
  resolveStores(config, "");
  std::unique_ptr<Platform> p(new Platform(std::move(config), clock));
  store::OpenOptions options;
  options.schema = p->config_.control_schema;
  p->control_ = store::Store::open(p->config_.control_store_uri, options);
  migrateControl(*p->control_);
  p->regions_ = std::make_unique<tenancy::Regions>(p->config_.regions);
  p->regions_->onOpen(
      [](store::Store& s) { s.migrate("graph", engine::GraphStore::migrations()); });
  p->signing_key_ = std::make_unique<auth::SigningKey>(auth::SigningKey::loadOrCreate(p->config_.data_dir));
  p->key_ring_ = std::make_unique<auth::KeyRing>(*p->control_, clock);
  p->key_ring_->registerKey(*p->signing_key_);
  auth::KeyRing* ring = p->key_ring_.get();
  p->verifier_ = std::make_unique<auth::TokenVerifier>(
      [ring](const std::string& kid) { return ring->find(kid); }, p->config_.tokens, clock);
  p->audit_ = std::make_unique<audit::AuditLog>(clock, *p->signing_key_,
                                                p->config_.audit_checkpoint_every);
  p->tenancy_ = std::make_unique<tenancy::Tenancy>(*p->control_, *p->regions_, *p->audit_, clock);
  p->graphs_ = std::make_unique<Graphs>(*p->regions_);
  p->ops_ = std::make_unique<ops::OpsRegistry>(*p->control_, *p->audit_, clock);
  return p;
}

std::string Platform::issueToken(const auth::Principal& who, const auth::TokenRequest& request) {
  auth::require(who, {"admin.write"});
  if (!who.platform) {
    if (request.platform || request.tenant != who.tenant_id) {
      throw Error::forbidden("forbidden: a tenant principal can only issue tokens for itself");
    }
  }
  auto [token, claims] = auth::issueToken(*signing_key_, config_.tokens, clock_, request);
  auto lease = control_->acquire();
  store::Transaction tx(*lease, store::TxMode::kWrite);
  Json details = {{"subject", claims.subject}, {"scopes", claims.scopes},
                  {"expires_at", claims.expires_at}, {"platform", claims.platform}};
  if (claims.clearance) details["clearance"] = *claims.clearance;
  if (claims.purpose) details["purpose"] = *claims.purpose;
  audit_->append(*lease, {who.actor(), claims.tenant, "token.issue", claims.jti, details});
  tx.commit();
  return token;
}

void Platform::checkReady() {
  try {
    control_->ping();
  } catch (const Error& e) {
    throw Error::unavailable("control store: " + e.message());
  }
  regions_->pingAll();
}

}  // namespace maestro::platform
