// Resolvers of planner activation: per-operation modes, shadow statistics
// and the global rollback (features/planner).
#include <algorithm>

#include "api/context.h"
#include "common/error.h"
#include "features/planner/budgets.h"
#include "features/planner/planner_control.h"
#include "platform/platform.h"

namespace maestro::api {
namespace {

using graphql::FieldContext;
using graphql::Resolved;

std::string modeEnum(planner::Mode mode) {
  switch (mode) {
    case planner::Mode::kV1: return "V1";
    case planner::Mode::kShadow: return "SHADOW";
    case planner::Mode::kV2: return "V2";
  }
  return "V1";
}

Resolved plannerField(const FieldContext& f) {
  const auto& s = source<planner::OperationPlanner>(f);
  const auto& n = f.field_name;
  if (n == "opId") return Resolved::leaf(s.op_id);
  if (n == "tenantId") return Resolved::leaf(s.tenant_id);
  if (n == "mode") return Resolved::leaf(modeEnum(s.mode));
  if (n == "sampleRate") return Resolved::leaf(s.sample_rate);
  if (n == "shadowRuns") return Resolved::leaf(s.shadow_runs);
  if (n == "mismatches") return Resolved::leaf(s.mismatches);
  if (n == "v1") return Resolved::object(s.v1, "PlannerStats");
  if (n == "v2") return Resolved::object(s.v2, "PlannerStats");
  if (n == "p95Delta") return optionalLeaf(s.p95_delta);
  if (n == "activationBlocked") return optionalLeaf(s.activation_blocked);
  throw Error::internal("OperationPlanner." + std::string(n) + " has no resolver");
}

Resolved statsField(const FieldContext& f) {
  const auto& s = source<planner::PlannerStats>(f);
  if (f.field_name == "samples") return Resolved::leaf(s.samples);
  if (f.field_name == "p50Ms") return optionalLeaf(s.p50_ms);
  return optionalLeaf(s.p95_ms);
}

Resolved budgetField(const FieldContext& f) {
  const auto& d = source<planner::BudgetDay>(f);
  const auto& n = f.field_name;
  if (n == "tenantId") return Resolved::leaf(d.tenant_id);
  if (n == "day") return Resolved::leaf(d.day);
  if (n == "budgetUsd") return optionalLeaf(d.policy.usd_day);
  if (n == "usdPerCostUnit") return Resolved::leaf(d.policy.usd_per_cost_unit);
  if (n == "spentUsd") return Resolved::leaf(d.spent_usd);
  if (n == "reservedUsd") return Resolved::leaf(d.reserved_usd);
  if (n == "remainingUsd") {
    if (!d.policy.usd_day) return Resolved::null();
    return Resolved::leaf(std::max(0.0, *d.policy.usd_day - d.spent_usd - d.reserved_usd));
  }
  if (n == "queries") return Resolved::leaf(d.queries);
  if (n == "refused") return Resolved::leaf(d.refused);
  throw Error::internal("GraphqlBudget." + std::string(n) + " has no resolver");
}

}  // namespace

void bindPlannerResolvers(graphql::SchemaBuilder& b, platform::Platform& platform,
                          planner::PlannerControl& planner, planner::Budgets& budgets) {
  b.field("Query", "graphqlBudget", [&platform, &budgets](const FieldContext& f) {
    auto tenant = optionalArg(f, "tenantId");
    if (!tenant) tenant = caller(f).tenant_id;
    if (!tenant) throw Error::badInput("tenantId: platform tokens must name the tenant", "tenantId");
    std::string id = platform.tenancy().getTenant(caller(f), *tenant).id;
    return Resolved::object(budgets.today(caller(f), id), "GraphqlBudget");
  });
  b.allFields("GraphqlBudget", budgetField);
  b.field("Query", "operationPlanner", [&platform, &planner](const FieldContext& f) {
    std::string op_id = requiredArg(f, "opId");
    std::string tenant = operationTenant(platform, caller(f), op_id, optionalArg(f, "tenantId"));
    return Resolved::object(planner.status(caller(f), tenant, op_id), "OperationPlanner");
  });
  b.field("Query", "operationPlanners", [&planner](const FieldContext& f) {
    auto tenant = optionalArg(f, "tenantId");
    if (!tenant) tenant = caller(f).tenant_id;
    if (!tenant) throw Error::badInput("tenantId: platform tokens must name the tenant", "tenantId");
    std::vector<Resolved> out;
    for (auto& s : planner.list(caller(f), *tenant)) {
      out.push_back(Resolved::object(std::move(s), "OperationPlanner"));
    }
    return Resolved::list(std::move(out));
  });
  b.field("Query", "plannerRollback",
          [&planner](const FieldContext&) { return Resolved::leaf(planner.rollback()); });
  b.allFields("OperationPlanner", plannerField);
  b.allFields("PlannerStats", statsField);

  b.field("Mutation", "setPlannerMode", [&platform, &planner](const FieldContext& f) {
    std::string op_id = requiredArg(f, "opId");
    std::string tenant = operationTenant(platform, caller(f), op_id, optionalArg(f, "tenantId"));
    std::string mode = requiredArg(f, "mode");
    std::transform(mode.begin(), mode.end(), mode.begin(), ::tolower);
    std::optional<double> rate;
    if (auto it = f.args.find("sampleRate"); it != f.args.end() && !it->is_null()) {
      rate = it->get<double>();
    }
    return Resolved::object(
        planner.setMode(caller(f), tenant, op_id, planner::parseMode(mode), rate),
        "OperationPlanner");
  });
  b.field("Mutation", "setPlannerRollback", [&planner](const FieldContext& f) {
    bool enabled = f.args["enabled"].get<bool>();
    planner.setRollback(caller(f), enabled);
    return Resolved::leaf(enabled);
  });
}

}  // namespace maestro::api
