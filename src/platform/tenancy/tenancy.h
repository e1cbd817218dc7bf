// Tenants, their datasets and their configuration documents.
//
// All state lives in the control store; every change writes its audit entry
// in the same transaction. Every method takes the calling Principal and
// enforces ABAC itself: reads need `admin.read` (or `graph.read` for
// datasets), changes need `admin.write`, and creating tenants needs a
// platform principal. A principal of one tenant never sees another tenant's
// objects: they are reported as not found, exactly like objects that do not
// exist. Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/json.h"
#include "store/store.h"

namespace maestro {
class Clock;
}
namespace maestro::audit {
class AuditLog;
}
namespace maestro::auth {
struct Principal;
}

namespace maestro::tenancy {

class Regions;

struct Tenant {
  std::string id;
  std::string name;
  int64_t created_at = 0;  // unix ms
  Json config = Json::object();
  int64_t config_version = 1;
  std::optional<std::string> blueprint;  // "name@version" when created from one
};

struct Dataset {
  std::string id;
  std::string tenant_id;
  std::string name;
  std::string home_region;
  int64_t created_at = 0;
};

struct NewTenant {
  std::string name;
  Json config = Json::object();
  std::optional<std::string> blueprint;
};

class Tenancy {
 public:
  Tenancy(store::Store& control, Regions& regions, const audit::AuditLog& audit,
          const Clock& clock);

  static std::span<const store::Migration> migrations();

  Tenant createTenant(const auth::Principal& who, const NewTenant& tenant);
  std::vector<Tenant> listTenants(const auth::Principal& who);
  // By id or by name.
  Tenant getTenant(const auth::Principal& who, const std::string& id_or_name);
  // Optimistic concurrency: fails with Error::conflict unless the stored
  // version is `expected_version`; returns the new version.
  int64_t updateConfig(const auth::Principal& who, const std::string& tenant_id,
                       const Json& config, int64_t expected_version);

  // The same three inside the caller's write transaction on the control
  // store, for features that record their own rows with the tenant's change
  // (features/blueprint). Same checks, same audit entries.
  Tenant createTenant(store::Connection& tx, const auth::Principal& who, const NewTenant& tenant);
  Tenant getTenant(store::Connection& conn, const auth::Principal& who,
                   const std::string& id_or_name);
  int64_t updateConfig(store::Connection& tx, const auth::Principal& who,
                       const std::string& tenant_id, const Json& config, int64_t expected_version);
  // Records the blueprint ("name@version") a tenant now follows, inside the
  // caller's transaction (which audits the change that moved it).
  void setBlueprint(store::Connection& tx, const auth::Principal& who,
                    const std::string& tenant_id, const std::string& blueprint);

  // `region` empty: the first configured region.
  Dataset createDataset(const auth::Principal& who, const std::string& tenant_id,
                        const std::string& name, const std::string& region);
  std::vector<Dataset> listDatasets(const auth::Principal& who,
                                    const std::optional<std::string>& tenant_id);
  // By id, or by "name" within the principal's tenant.
  Dataset getDataset(const auth::Principal& who, const std::string& id_or_name,
                     const std::optional<std::string>& tenant_id = std::nullopt);

 private:
  std::optional<Tenant> findTenant(store::Connection& conn, const std::string& id_or_name);
  void requireVisible(const auth::Principal& who, const std::string& scope,
                      const std::string& tenant_id, const std::string& what);

  store::Store& control_;
  Regions& regions_;
  const audit::AuditLog& audit_;
  const Clock& clock_;
};

// Checks a tenant configuration document: a JSON object of at most 64 KiB.
void validateTenantConfig(const Json& config);

}  // namespace maestro::tenancy
