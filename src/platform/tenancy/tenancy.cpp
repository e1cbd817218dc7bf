#include "platform/tenancy/tenancy.h"

#include "common/clock.h"
#include "common/error.h"
#include "common/ids.h"
#include "platform/audit/audit_log.h"
#include "platform/auth/principal.h"
#include "platform/tenancy/regions.h"

namespace maestro::tenancy {
namespace {

constexpr size_t kMaxConfigBytes = 64 * 1024;

constexpr char kTenantColumns[] =
    "SELECT id, name, created_at, config, config_version, blueprint FROM tenants";
constexpr char kDatasetColumns[] =
    "SELECT id, tenant_id, name, home_region, created_at FROM datasets";

Tenant tenantFromRow(const store::Row& row) {
  Tenant t;
  t.id = row.text(0);
  t.name = row.text(1);
  t.created_at = row.integer(2);
  t.config = parseJson(row.text(3), "tenant config");
  t.config_version = row.integer(4);
  t.blueprint = row.optText(5);
  return t;
}

Dataset datasetFromRow(const store::Row& row) {
  return {row.text(0), row.text(1), row.text(2), row.text(3), row.integer(4)};
}

// Runs an INSERT whose unique-key violation means `conflict`.
void insertUnique(store::Connection& conn, std::string_view sql, const store::Params& params,
                  const std::string& conflict) {
  try {
    conn.execute(sql, params);
  } catch (const Error& e) {
    if (e.code() == Code::kConflict) throw Error::conflict(conflict);
    throw;
  }
}

void requireName(const std::string& name, const std::string& field) {
  if (!isValidName(name)) {
    throw Error::badInput(field + ": must be 1-63 characters of a-z, 0-9 and '-', not starting "
                                  "with '-', got '" + name.substr(0, 80) + "'",
                          field);
  }
}

}  // namespace

void validateTenantConfig(const Json& config) {
  if (!config.is_object()) {
    throw Error::badInput(
        "config: expected an object, got " + std::string(jsonTypeName(config)), "config");
  }
  if (config.dump().size() > kMaxConfigBytes) {
    throw Error::badInput("config: larger than 64 KiB", "config");
  }
  // Budgets are enforced by the platform (features/planner/budgets.h): a
  // malformed one is refused here rather than found at a query.
  if (auto budgets = config.find("budgets"); budgets != config.end()) {
    if (!budgets->is_object()) throw Error::badInput("config.budgets: expected an object", "budgets");
    for (const auto& [key, value] : budgets->items()) {
      if (!value.is_number() || value.get<double>() < 0) {
        throw Error::badInput("config.budgets." + key + ": expected a number ≥ 0, got " +
                                  value.dump().substr(0, 40),
                              "budgets." + key);
      }
    }
  }
}

Tenancy::Tenancy(store::Store& control, Regions& regions, const audit::AuditLog& audit,
                 const Clock& clock)
    : control_(control), regions_(regions), audit_(audit), clock_(clock) {}

std::span<const store::Migration> Tenancy::migrations() {
  static const store::Migration kMigrations[] = {
      {1, "tenants and datasets", R"sql(
CREATE TABLE tenants (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL,
  config TEXT NOT NULL,
  config_version BIGINT NOT NULL,
  blueprint TEXT
);
CREATE TABLE datasets (
  id TEXT PRIMARY KEY,
  tenant_id TEXT NOT NULL REFERENCES tenants (id),
  name TEXT NOT NULL,
  home_region TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  UNIQUE (tenant_id, name)
);
)sql"},
  };
  return kMigrations;
}

void Tenancy::requireVisible(const auth::Principal& who, const std::string& scope,
                             const std::string& tenant_id, const std::string& what) {
  auto decision = auth::authorize(who, {scope, tenant_id});
  if (decision.allowed) return;
  // Another tenant's object is indistinguishable from one that does not exist.
  if (who.hasScope(scope)) throw Error::notFound(what + " not found");
  throw Error::forbidden("forbidden: " + decision.reason);
}

std::optional<Tenant> Tenancy::findTenant(store::Connection& conn, const std::string& id_or_name) {
  auto row = isUuid(id_or_name)
                 ? conn.queryOne(std::string(kTenantColumns) + " WHERE id = $1", {id_or_name})
                 : conn.queryOne(std::string(kTenantColumns) + " WHERE name = $1", {id_or_name});
  if (!row) return std::nullopt;
  return tenantFromRow(*row);
}

Tenant Tenancy::createTenant(const auth::Principal& who, const NewTenant& spec) {
  auto lease = control_.acquire();
  store::Transaction tx(*lease, store::TxMode::kWrite);
  Tenant t = createTenant(*lease, who, spec);
  tx.commit();
  return t;
}

Tenant Tenancy::createTenant(store::Connection& tx, const auth::Principal& who,
                             const NewTenant& spec) {
  auth::require(who, {"admin.write"});
  if (!who.platform) throw Error::forbidden("forbidden: creating tenants needs a platform token");
  requireName(spec.name, "name");
  validateTenantConfig(spec.config);

  Tenant t;
  t.id = newUuidV7(clock_);
  t.name = spec.name;
  t.created_at = clock_.nowMillis();
  t.config = spec.config;
  t.blueprint = spec.blueprint;

  if (findTenant(tx, spec.name)) {
    throw Error::conflict("a tenant named '" + spec.name + "' already exists");
  }
  // The unique index decides a race that the check above cannot see.
  insertUnique(tx,
               "INSERT INTO tenants (id, name, created_at, config, config_version, blueprint) "
               "VALUES ($1, $2, $3, $4, $5, $6)",
               {t.id, t.name, t.created_at, t.config.dump(), t.config_version, t.blueprint},
               "a tenant named '" + spec.name + "' already exists");
  Json details = {{"name", t.name}};
  if (t.blueprint) details["blueprint"] = *t.blueprint;
  audit_.append(tx, {who.actor(), t.id, "tenant.create", t.id, details});
  return t;
}

std::vector<Tenant> Tenancy::listTenants(const auth::Principal& who) {
  auth::require(who, {"admin.read"});
  std::vector<Tenant> out;
  auto lease = control_.acquire();
  auto collect = [&](const store::Row& row) {
    out.push_back(tenantFromRow(row));
    return true;
  };
  if (who.platform) {
    lease->query(std::string(kTenantColumns) + " ORDER BY name", {}, collect);
  } else if (who.tenant_id) {
    lease->query(std::string(kTenantColumns) + " WHERE id = $1", {*who.tenant_id}, collect);
  }
  return out;
}

Tenant Tenancy::getTenant(const auth::Principal& who, const std::string& id_or_name) {
  auto lease = control_.acquire();
  return getTenant(*lease, who, id_or_name);
}

Tenant Tenancy::getTenant(store::Connection& conn, const auth::Principal& who,
                          const std::string& id_or_name) {
  auth::require(who, {"admin.read"});
  auto t = findTenant(conn, id_or_name);
  if (!t) throw Error::notFound("tenant not found");
  requireVisible(who, "admin.read", t->id, "tenant");
  return *t;
}

int64_t Tenancy::updateConfig(const auth::Principal& who, const std::string& tenant_id,
                              const Json& config, int64_t expected_version) {
  auto lease = control_.acquire();
  store::Transaction tx(*lease, store::TxMode::kWrite);
  int64_t version = updateConfig(*lease, who, tenant_id, config, expected_version);
  tx.commit();
  return version;
}

int64_t Tenancy::updateConfig(store::Connection& tx, const auth::Principal& who,
                              const std::string& tenant_id, const Json& config,
                              int64_t expected_version) {
  auth::require(who, {"admin.write"});
  validateTenantConfig(config);
  auto t = findTenant(tx, tenant_id);
  if (!t) throw Error::notFound("tenant not found");
  requireVisible(who, "admin.write", t->id, "tenant");
  // One statement decides: a concurrent writer that committed first moved
  // the version, and this UPDATE then matches no row.
  int64_t changed = tx.execute(
      "UPDATE tenants SET config = $1, config_version = config_version + 1 "
      "WHERE id = $2 AND config_version = $3",
      {config.dump(), t->id, expected_version});
  if (changed != 1) {
    auto now = tx.queryOne("SELECT config_version FROM tenants WHERE id = $1", {t->id});
    throw Error::conflict("tenant config changed meanwhile: expected version " +
                          std::to_string(expected_version) + ", found " +
                          std::to_string(now ? now->integer(0) : t->config_version));
  }
  audit_.append(tx, {who.actor(), t->id, "tenant.config.update", t->id,
                     {{"from_version", expected_version}, {"to_version", expected_version + 1}}});
  return expected_version + 1;
}

void Tenancy::setBlueprint(store::Connection& tx, const auth::Principal& who,
                           const std::string& tenant_id, const std::string& blueprint) {
  auth::require(who, {"admin.write"});
  auto t = findTenant(tx, tenant_id);
  if (!t) throw Error::notFound("tenant not found");
  requireVisible(who, "admin.write", t->id, "tenant");
  tx.execute("UPDATE tenants SET blueprint = $1 WHERE id = $2", {blueprint, t->id});
}

Dataset Tenancy::createDataset(const auth::Principal& who, const std::string& tenant_id,
                               const std::string& name, const std::string& region) {
  auth::require(who, {"admin.write"});
  requireName(name, "name");
  std::string home = region.empty() ? regions_.names().front() : region;
  if (!regions_.contains(home)) {
    std::string known;
    for (const auto& r : regions_.names()) known += (known.empty() ? "" : ", ") + r;
    throw Error::badInput("region: unknown region '" + home + "'; configured regions: " + known,
                          "region");
  }
  auto lease = control_.acquire();
  store::Transaction tx(*lease, store::TxMode::kWrite);
  auto t = findTenant(*lease, tenant_id);
  if (!t) throw Error::notFound("tenant not found");
  requireVisible(who, "admin.write", t->id, "tenant");
  Dataset d{newUuidV7(clock_), t->id, name, home, clock_.nowMillis()};
  if (lease->queryOne("SELECT id FROM datasets WHERE tenant_id = $1 AND name = $2",
                      {t->id, name})) {
    throw Error::conflict("tenant '" + t->name + "' already has a dataset named '" + name + "'");
  }
  insertUnique(*lease,
               "INSERT INTO datasets (id, tenant_id, name, home_region, created_at) "
               "VALUES ($1, $2, $3, $4, $5)",
               {d.id, d.tenant_id, d.name, d.home_region, d.created_at},
               "tenant '" + t->name + "' already has a dataset named '" + name + "'");
  audit_.append(*lease, {who.actor(), t->id, "dataset.create", d.id,
                         {{"name", name}, {"home_region", home}}});
  tx.commit();
  return d;
}

std::vector<Dataset> Tenancy::listDatasets(const auth::Principal& who,
                                           const std::optional<std::string>& tenant_id) {
  auth::require(who, {"graph.read"});
  std::optional<std::string> owner;
  auto lease = control_.acquire();
  if (tenant_id) {
    auto t = findTenant(*lease, *tenant_id);
    if (!t) throw Error::notFound("tenant not found");
    requireVisible(who, "graph.read", t->id, "tenant");
    owner = t->id;
  } else if (!who.platform) {
    owner = who.tenant_id;
  }
  std::vector<Dataset> out;
  auto collect = [&](const store::Row& row) {
    out.push_back(datasetFromRow(row));
    return true;
  };
  if (owner) {
    lease->query(std::string(kDatasetColumns) + " WHERE tenant_id = $1 ORDER BY name", {*owner},
                 collect);
  } else {
    lease->query(std::string(kDatasetColumns) + " ORDER BY tenant_id, name", {}, collect);
  }
  return out;
}

Dataset Tenancy::getDataset(const auth::Principal& who, const std::string& id_or_name,
                            const std::optional<std::string>& tenant_id) {
  auth::require(who, {"graph.read"});
  auto lease = control_.acquire();
  std::optional<store::Row> row;
  if (isUuid(id_or_name)) {
    row = lease->queryOne(std::string(kDatasetColumns) + " WHERE id = $1", {id_or_name});
  } else {
    std::optional<std::string> owner = who.tenant_id;
    if (tenant_id) {
      auto t = findTenant(*lease, *tenant_id);
      if (!t) throw Error::notFound("dataset not found");
      owner = t->id;
    }
    if (!owner) throw Error::badInput("dataset: give its id, or its name and tenant", "dataset");
    row = lease->queryOne(std::string(kDatasetColumns) + " WHERE tenant_id = $1 AND name = $2",
                          {*owner, id_or_name});
  }
  if (!row) throw Error::notFound("dataset not found");
  Dataset d = datasetFromRow(*row);
  requireVisible(who, "graph.read", d.tenant_id, "dataset");
  return d;
}

}  // namespace maestro::tenancy
