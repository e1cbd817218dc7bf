// Resolvers of the control plane: the caller, tenants, datasets, persisted
// operations, and the seed's operations whose features are not built yet.
#include "api/context.h"
#include "common/error.h"
#include "platform/platform.h"

namespace maestro::api {
namespace {

using graphql::FieldContext;
using graphql::Resolved;

Resolved strings(const std::vector<std::string>& items) {
  std::vector<Resolved> out;
  out.reserve(items.size());
  for (const auto& s : items) out.push_back(Resolved::leaf(s));
  return Resolved::list(std::move(out));
}

Resolved principalField(const FieldContext& f) {
  const auto& p = source<auth::Principal>(f);
  const auto& n = f.field_name;
  if (n == "subject") return Resolved::leaf(p.subject);
  if (n == "tenantId") return optionalLeaf(p.tenant_id);
  if (n == "platform") return Resolved::leaf(p.platform);
  if (n == "scopes") return strings({p.scopes.begin(), p.scopes.end()});
  if (n == "clearance") return optionalLeaf(p.clearance);
  if (n == "purpose") return optionalLeaf(p.purpose);
  throw Error::internal("Principal." + std::string(n) + " has no resolver");
}

Resolved datasetField(const FieldContext& f) {
  const auto& d = source<tenancy::Dataset>(f);
  const auto& n = f.field_name;
  if (n == "id") return Resolved::leaf(d.id);
  if (n == "tenantId") return Resolved::leaf(d.tenant_id);
  if (n == "name") return Resolved::leaf(d.name);
  if (n == "homeRegion") return Resolved::leaf(d.home_region);
  if (n == "createdAt") return Resolved::leaf(d.created_at);
  throw Error::internal("Dataset." + std::string(n) + " has no resolver");
}

Resolved operationField(const FieldContext& f) {
  const auto& op = source<ops::Operation>(f);
  const auto& n = f.field_name;
  if (n == "opId") return Resolved::leaf(op.op_id);
  if (n == "version") return Resolved::leaf(op.version);
  if (n == "tenantId") return Resolved::leaf(op.tenant_id);
  if (n == "datasetId") return Resolved::leaf(op.dataset_id);
  if (n == "query") return Resolved::leaf(op.query);
  if (n == "sha256") return Resolved::leaf(op.sha256);
  if (n == "sensitive") return Resolved::leaf(op.sensitive);
  if (n == "purposes") return strings(op.purposes);
  if (n == "hints") return Resolved::leaf(op.hints);
  if (n == "createdAt") return Resolved::leaf(op.created_at);
  if (n == "createdBy") return Resolved::leaf(op.created_by);
  throw Error::internal("PersistedOperation." + std::string(n) + " has no resolver");
}

// The tenant an operation listing is about: the argument, else the caller's.
std::string tenantOf(platform::Platform& platform, const FieldContext& f) {
  if (auto t = optionalArg(f, "tenantId")) return platform.tenancy().getTenant(caller(f), *t).id;
  if (auto d = optionalArg(f, "datasetId")) {
    return platform.tenancy().getDataset(caller(f), *d).tenant_id;
  }
  if (caller(f).tenant_id) return *caller(f).tenant_id;
  throw Error::badInput("tenantId: platform tokens must name the tenant", "tenantId");
}

Resolved notImplemented(const FieldContext& f) {
  throw Error(Code::kNotImplemented,
              std::string(f.field_name) + " is not implemented yet in this release");
}

}  // namespace

void bindPlatformResolvers(graphql::SchemaBuilder& b, platform::Platform& platform) {
  auto& tenancy = platform.tenancy();
  b.field("Query", "me", [](const FieldContext& f) {
    return Resolved::object(caller(f), "Principal");
  });
  b.allFields("Principal", principalField);

  b.field("Query", "tenants", [&tenancy](const FieldContext& f) {
    return objects(tenancy.listTenants(caller(f)), "Tenant");
  });
  b.field("Query", "tenant", [&tenancy](const FieldContext& f) {
    return orNull([&] {
      return Resolved::object(tenancy.getTenant(caller(f), requiredArg(f, "id")), "Tenant");
    });
  });
  b.allFields("Tenant", [&tenancy](const FieldContext& f) {
    const auto& t = source<tenancy::Tenant>(f);
    const auto& n = f.field_name;
    if (n == "id") return Resolved::leaf(t.id);
    if (n == "name") return Resolved::leaf(t.name);
    if (n == "createdAt") return Resolved::leaf(t.created_at);
    if (n == "config") return Resolved::leaf(t.config);
    if (n == "configVersion") return Resolved::leaf(t.config_version);
    if (n == "blueprint") return optionalLeaf(t.blueprint);
    if (n == "datasets") {
      return objects(tenancy.listDatasets(caller(f), t.id), "Dataset");
    }
    throw Error::internal("Tenant." + std::string(n) + " has no resolver");
  });

  b.field("Query", "datasets", [&tenancy](const FieldContext& f) {
    return objects(tenancy.listDatasets(caller(f), optionalArg(f, "tenantId")), "Dataset");
  });
  b.field("Query", "dataset", [&tenancy](const FieldContext& f) {
    return orNull([&] {
      return Resolved::object(tenancy.getDataset(caller(f), requiredArg(f, "id")), "Dataset");
    });
  });
  b.allFields("Dataset", datasetField);

  b.field("Query", "operations", [&platform](const FieldContext& f) {
    std::string tenant = tenantOf(platform, f);
    return objects(platform.ops().list(caller(f), tenant, optionalArg(f, "datasetId")),
                   "PersistedOperation");
  });
  b.field("Query", "operation", [&platform](const FieldContext& f) {
    return orNull([&] {
      ops::Operation op = resolveOperation(platform, caller(f), requiredArg(f, "opId"),
                                           optionalArg(f, "tenantId"));
      if (f.args.contains("version") && !f.args["version"].is_null()) {
        op = platform.ops().get(caller(f), op.tenant_id, op.op_id, f.args["version"].get<int64_t>());
      }
      return Resolved::object(op, "PersistedOperation");
    });
  });
  b.field("Query", "operationVersions", [&platform](const FieldContext& f) {
    ops::Operation op = resolveOperation(platform, caller(f), requiredArg(f, "opId"),
                                         optionalArg(f, "tenantId"));
    return objects(platform.ops().versions(caller(f), op.tenant_id, op.op_id),
                   "PersistedOperation");
  });
  b.allFields("PersistedOperation", operationField);

  b.field("Mutation", "createTenant", [&tenancy](const FieldContext& f) {
    Json config = f.args.contains("config") && !f.args["config"].is_null() ? f.args["config"]
                                                                           : Json::object();
    return Resolved::object(tenancy.createTenant(caller(f), {requiredArg(f, "name"), config, {}}),
                            "Tenant");
  });
  b.field("Mutation", "updateTenantConfig", [&tenancy](const FieldContext& f) {
    std::string id = requiredArg(f, "tenantId");
    tenancy.updateConfig(caller(f), tenancy.getTenant(caller(f), id).id, f.args["config"],
                         f.args["expectedVersion"].get<int64_t>());
    return Resolved::object(tenancy.getTenant(caller(f), id), "Tenant");
  });
  b.field("Mutation", "createDataset", [&tenancy](const FieldContext& f) {
    return Resolved::object(
        tenancy.createDataset(caller(f), requiredArg(f, "tenantId"), requiredArg(f, "name"),
                              optionalArg(f, "region").value_or("")),
        "Dataset");
  });

  // The seed's operations whose features come with later issues: a clear
  // NOT_IMPLEMENTED, never a fake success.
  b.field("Mutation", "enablePrivacyV2", notImplemented);
  b.field("Mutation", "scheduleRelocation", notImplemented);
}

}  // namespace maestro::api
