// @auth: the one place where API access is decided, before any resolver of
// a field carrying it runs. Refusals are audited; another tenant's objects
// are reported exactly like missing ones.
#include "common/error.h"
#include "api/context.h"
#include "platform/platform.h"

namespace maestro::api {
namespace {

std::string fieldName(const graphql::FieldContext& f) {
  return std::string(f.parent_type) + "." + std::string(f.field_name);
}

// Refuses the field: audited, then thrown.
[[noreturn]] void deny(platform::Platform& platform, const graphql::FieldContext& f,
                       const auth::Principal& who, const std::optional<std::string>& tenant_id,
                       const std::string& reason, Error error) {
  auditEvent(platform, who, tenant_id ? tenant_id : who.tenant_id, "auth.denied", fieldName(f),
             {{"reason", reason}});
  throw std::move(error);
}

// The tenant that owns the object an argument names must be the caller's.
void requireOwnTenant(platform::Platform& platform, const graphql::FieldContext& f,
                      const auth::Principal& who, const std::string& owner,
                      const std::string& what) {
  if (who.platform || who.tenant_id == owner) return;
  deny(platform, f, who, owner, what + " belongs to another tenant",
       Error::notFound(what + " not found"));
}

void checkAuth(platform::Platform& platform, const graphql::FieldContext& f,
               const graphql::AppliedDirective& directive) {
  const RequestContext& rc = requestContext(f);
  if (!rc.principal) {
    throw Error::unauthenticated(rc.token_problem.empty()
                                     ? "authentication required: send 'Authorization: Bearer "
                                       "<token>'"
                                     : rc.token_problem);
  }
  const auth::Principal& who = *rc.principal;
  std::string scope = directive.args.value("abac", "");
  if (scope != "authenticated") {
    auth::Decision d = auth::authorize(who, {scope});
    if (!d.allowed) deny(platform, f, who, std::nullopt, d.reason, Error::forbidden("forbidden: " + d.reason));
  }

  const auto op = auth::Principal::localOperator();
  std::optional<std::string> tenant_arg = optionalArg(f, "tenantId");
  if (tenant_arg) {
    auto tenant = platform.tenancy().getTenant(op, *tenant_arg);
    requireOwnTenant(platform, f, who, tenant.id, "tenant");
  }
  if (auto dataset_id = optionalArg(f, "datasetId")) {
    auto dataset = platform.tenancy().getDataset(op, *dataset_id);
    requireOwnTenant(platform, f, who, dataset.tenant_id, "dataset");
  }
  if (directive.args.contains("purposeOf") && directive.args["purposeOf"].is_string()) {
    std::string op_id = requiredArg(f, directive.args["purposeOf"].get<std::string>().c_str());
    ops::Operation operation = resolveOperation(platform, who, op_id, tenant_arg);
    if (operation.sensitive) {
      auth::Decision d = auth::authorize(who, {scope, operation.tenant_id, operation.purposes});
      if (!d.allowed) {
        deny(platform, f, who, operation.tenant_id, d.reason,
             Error::forbidden("forbidden: " + d.reason));
      }
    }
  }
}

}  // namespace

void bindAuthDirective(graphql::SchemaBuilder& b, platform::Platform& platform) {
  b.directive("auth", [&platform](const graphql::FieldContext& f,
                                  const graphql::AppliedDirective& d) { checkAuth(platform, f, d); });
}

}  // namespace maestro::api
