// Platform — the control plane's objects, opened together from one config.
//
// Owns the control store (tenants, datasets, audit log, signing keys), the
// regions and their stores, this server's signing key, the token verifier,
// the audit log and the tenancy service, and migrates the control store on
// open. Thread-safe once opened.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "platform/audit/audit_log.h"
#include "platform/auth/principal.h"
#include "platform/auth/signing_key.h"
#include "platform/auth/token.h"
#include "platform/graphs/graphs.h"
#include "platform/metrics/metrics.h"
#include "platform/ops/ops_registry.h"
#include "platform/tenancy/regions.h"
#include "platform/tenancy/tenancy.h"

namespace maestro {
class Clock;
}

namespace maestro::platform {

struct PlatformConfig {
  std::filesystem::path data_dir = "data";
  std::string control_store_uri;  // empty: sqlite:<data_dir>/control.db
  std::string control_schema;     // PostgreSQL schema of the control plane
  std::vector<tenancy::RegionConfig> regions;
  auth::TokenPolicy tokens;
  int64_t audit_checkpoint_every = 100;
};

// The default regions of the embedded configuration.
std::vector<std::string> defaultRegionNames();

// Fills in store URIs and schemas that the configuration leaves open: the
// control plane on `--store` or `sqlite:<data_dir>/control.db`; each region
// without its own store on `--store` (schema maestro_region_<name>) or on
// `sqlite:<data_dir>/regions/<name>.db`.
void resolveStores(PlatformConfig& config, const std::string& store_override);

class Platform {
 public:
  // Opens and migrates the control store, loads (or creates) the signing
  // key and registers it. Throws Error::unavailable when a store or the key
  // cannot be used.
  static std::unique_ptr<Platform> open(PlatformConfig config, const Clock& clock);
  ~Platform();

  const PlatformConfig& config() const { return config_; }
  const Clock& clock() const { return clock_; }
  store::Store& control() { return *control_; }
  tenancy::Regions& regions() { return *regions_; }
  auth::KeyRing& keyRing() { return *key_ring_; }
  const auth::SigningKey& signingKey() const { return *signing_key_; }
  const auth::TokenVerifier& verifier() const { return *verifier_; }
  const audit::AuditLog& auditLog() const { return *audit_; }
  tenancy::Tenancy& tenancy() { return *tenancy_; }
  Graphs& graphs() { return *graphs_; }
  ops::OpsRegistry& ops() { return *ops_; }
  metrics::Registry& metrics() { return metrics_; }

  // Signs a token and records its issue (not the token) in the audit log.
  std::string issueToken(const auth::Principal& who, const auth::TokenRequest& request);
  // Throws Error::unavailable naming the first store that does not answer.
  void checkReady();

 private:
  Platform(PlatformConfig config, const Clock& clock);

  PlatformConfig config_;
  const Clock& clock_;
  metrics::Registry metrics_;
  std::unique_ptr<store::Store> control_;
  std::unique_ptr<tenancy::Regions> regions_;
  std::unique_ptr<auth::SigningKey> signing_key_;
  std::unique_ptr<auth::KeyRing> key_ring_;
  std::unique_ptr<auth::TokenVerifier> verifier_;
  std::unique_ptr<audit::AuditLog> audit_;
  std::unique_ptr<tenancy::Tenancy> tenancy_;
  std::unique_ptr<Graphs> graphs_;
  std::unique_ptr<ops::OpsRegistry> ops_;
};

// Migrates a control store (all control-plane components).
void migrateControl(store::Store& control);

}  // namespace maestro::platform
