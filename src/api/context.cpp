#include "api/context.h"

#include "common/error.h"
#include "platform/platform.h"

namespace maestro::api {

const RequestContext& requestContext(const graphql::FieldContext& f) {
  const auto* rc = std::any_cast<const RequestContext*>(&f.context);
  if (rc == nullptr || *rc == nullptr) throw Error::internal("api: request context missing");
  return **rc;
}

const auth::Principal& caller(const graphql::FieldContext& f) {
  const RequestContext& rc = requestContext(f);
  if (!rc.principal) throw Error::internal("api: field without @auth needs the caller");
  return *rc.principal;
}

std::optional<std::string> optionalArg(const graphql::FieldContext& f, const char* name) {
  auto it = f.args.find(name);
  if (it == f.args.end() || it->is_null()) return std::nullopt;
  if (it->is_string()) return it->get<std::string>();
  return it->dump();  // an ID given as a number
}

std::string requiredArg(const graphql::FieldContext& f, const char* name) {
  auto value = optionalArg(f, name);
  if (!value) throw Error::badInput(std::string(name) + ": required", name);
  return *value;
}

void auditEvent(platform::Platform& platform, const auth::Principal& who,
                std::optional<std::string> tenant_id, std::string action, std::string target,
                Json details) {
  auto lease = platform.control().acquire();
  store::Transaction tx(*lease, store::TxMode::kWrite);
  platform.auditLog().append(*lease, {who.actor(), std::move(tenant_id), std::move(action),
                                      std::move(target), std::move(details)});
  tx.commit();
}

std::string operationTenant(platform::Platform& platform, const auth::Principal& who,
                            const std::string& op_id,
                            const std::optional<std::string>& tenant_id) {
  ops::validateOpId(op_id);
  if (tenant_id) {
    return platform.tenancy().getTenant(auth::Principal::localOperator(), *tenant_id).id;
  }
  if (who.tenant_id) return *who.tenant_id;
  auto tenants = platform.ops().tenantsWith(op_id);
  if (tenants.empty()) throw Error::notFound("operation '" + op_id + "' not found");
  if (tenants.size() > 1) {
    throw Error::badInput(
        "tenantId: operation '" + op_id + "' exists in several tenants; name the tenant",
        "tenantId");
  }
  return tenants.front();
}

ops::Operation resolveOperation(platform::Platform& platform, const auth::Principal& who,
                                const std::string& op_id,
                                const std::optional<std::string>& tenant_id) {
  return platform.ops().get(who, operationTenant(platform, who, op_id, tenant_id), op_id);
}

}  // namespace maestro::api
