// What the resolvers of one request share, and the binders that attach the
// resolvers to the schema. Internal to api/.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/json.h"
#include "graphql/graphql.h"
#include "platform/auth/principal.h"
#include "platform/ops/ops_registry.h"

namespace maestro::platform {
class Platform;
}
namespace maestro::planner {
class PlannerControl;
class Budgets;
}
namespace maestro::blueprint {
class Blueprints;
}

namespace maestro::api {

struct RequestContext {
  platform::Platform& platform;
  // The caller; absent when no token was sent or it was refused.
  std::optional<auth::Principal> principal;
  // Why the token was refused; empty when none was sent.
  std::string token_problem;
};

const RequestContext& requestContext(const graphql::FieldContext& f);
// The caller of a field that passed @auth (which guarantees one).
const auth::Principal& caller(const graphql::FieldContext& f);

// Argument readers: absent and null read as nullopt.
std::optional<std::string> optionalArg(const graphql::FieldContext& f, const char* name);
std::string requiredArg(const graphql::FieldContext& f, const char* name);

// Appends an audit entry in its own transaction on the control store.
void auditEvent(platform::Platform& platform, const auth::Principal& who,
                std::optional<std::string> tenant_id, std::string action, std::string target,
                Json details);

// The tenant whose persisted operation `op_id` a field means: `tenant_id`,
// else the caller's; platform callers may omit it when only one tenant has
// that id.
std::string operationTenant(platform::Platform& platform, const auth::Principal& who,
                            const std::string& op_id,
                            const std::optional<std::string>& tenant_id);
// That tenant's operation. Error::notFound when there is none the caller may
// see.
ops::Operation resolveOperation(platform::Platform& platform, const auth::Principal& who,
                                const std::string& op_id,
                                const std::optional<std::string>& tenant_id);

// Building blocks of resolvers.
template <typename T>
const T& source(const graphql::FieldContext& f) {
  return std::any_cast<const T&>(f.parent);
}

template <typename T>
graphql::Resolved objects(const std::vector<T>& items, const char* type) {
  std::vector<graphql::Resolved> out;
  out.reserve(items.size());
  for (const auto& item : items) out.push_back(graphql::Resolved::object(item, type));
  return graphql::Resolved::list(std::move(out));
}

template <typename T>
graphql::Resolved optionalLeaf(const std::optional<T>& v) {
  return v ? graphql::Resolved::leaf(*v) : graphql::Resolved::null();
}

// A nullable field's "there is none the caller may see".
template <typename F>
graphql::Resolved orNull(F&& f) {
  try {
    return f();
  } catch (const Error& e) {
    if (e.code() == Code::kNotFound) return graphql::Resolved::null();
    throw;
  }
}

void bindScalars(graphql::SchemaBuilder& b);
void bindAuthDirective(graphql::SchemaBuilder& b, platform::Platform& platform);
void bindPlatformResolvers(graphql::SchemaBuilder& b, platform::Platform& platform);
void bindGraphResolvers(graphql::SchemaBuilder& b, platform::Platform& platform,
                        planner::PlannerControl& planner, planner::Budgets& budgets);
void bindPlannerResolvers(graphql::SchemaBuilder& b, platform::Platform& platform,
                          planner::PlannerControl& planner, planner::Budgets& budgets);
void bindBlueprintResolvers(graphql::SchemaBuilder& b, platform::Platform& platform,
                            blueprint::Blueprints& blueprints);

}  // namespace maestro::api
