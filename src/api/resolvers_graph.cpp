// Resolvers that run Cypher: ad-hoc statements, EXPLAIN/PROFILE, persisted
// operations and their registration.
#include <algorithm>
#include <cmath>

#include "api/context.h"
#include "common/clock.h"
#include "common/error.h"
#include "engine/main/database.h"
#include "engine/stats/statistics.h"
#include "features/planner/budgets.h"
#include "features/planner/planner_control.h"
#include "features/planner/shadow.h"
#include "platform/platform.h"

namespace maestro::api {
namespace {

using graphql::FieldContext;
using graphql::Resolved;

// What the resolvers of a QueryResult read.
struct ResultSource {
  Json json;  // engine::QueryResult::toJson()
  double compile_ms = 0;
  double execute_ms = 0;
};

engine::QueryOptions optionsFor(const FieldContext& f, bool read_only) {
  engine::QueryOptions o;
  o.read_only = read_only;
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      f.deadline - std::chrono::steady_clock::now());
  o.timeout = std::max(left, std::chrono::milliseconds(1));
  return o;
}

Json paramsArg(const FieldContext& f, const char* name) {
  auto it = f.args.find(name);
  return it == f.args.end() ? Json() : *it;
}

// Ad-hoc Cypher is refused for tenants that accept persisted operations only.
void requireAdHocAllowed(platform::Platform& platform, const tenancy::Dataset& dataset) {
  auto tenant = platform.tenancy().getTenant(auth::Principal::localOperator(), dataset.tenant_id);
  const Json* flag = nullptr;
  if (auto p = tenant.config.find("policies"); p != tenant.config.end() && p->is_object()) {
    if (auto f = p->find("persisted_operations_only"); f != p->end()) flag = &*f;
  }
  if (flag != nullptr && flag->is_boolean() && flag->get<bool>()) {
    throw Error::forbidden("forbidden: tenant '" + tenant.name +
                           "' accepts persisted operations only; register the query with "
                           "registerOperation and run it with runOp");
  }
}

Resolved resultOf(const engine::QueryResult& r) {
  return Resolved::object(ResultSource{r.toJson(), r.compile_ms, r.execute_ms}, "QueryResult");
}

// Graph writes live in the dataset's region store, the audit log in the
// control store: the entry follows the commit and names the version it made.
void auditWrite(platform::Platform& platform, const auth::Principal& who,
                const tenancy::Dataset& dataset, const engine::QueryResult& r,
                const std::string& via) {
  if (!r.counters.any()) return;
  Json details = r.toJson().value("counters", Json::object());
  details["version"] = r.version;
  details["via"] = via;
  auditEvent(platform, who, dataset.tenant_id, "graph.write", dataset.id, std::move(details));
}

// The pre-flight budget check: planner v2's estimate of the statement,
// priced and reserved on the tenant's day (features/planner/budgets.h).
// Tenants without a GraphQL budget skip the estimate.
planner::Budgets::Reservation reserveBudget(planner::Budgets& budgets, engine::Database& db,
                                            const std::string& tenant_id, std::string_view query,
                                            const engine::Parameters& params,
                                            engine::QueryOptions options) {
  if (!budgets.policy(tenant_id).usd_day) return {};
  options.planner = engine::PlannerVersion::kV2;
  double cost = db.explain(query, params, options).estimated_cost;
  return budgets.reserve(tenant_id, std::max(cost, 0.0));
}

Resolved runCypher(platform::Platform& platform, planner::Budgets& budgets,
                   const FieldContext& f, bool read_only) {
  const auth::Principal& who = caller(f);
  tenancy::Dataset dataset = platform.tenancy().getDataset(who, requiredArg(f, "datasetId"));
  requireAdHocAllowed(platform, dataset);
  auto params = engine::parametersFromJson(paramsArg(f, "params"));
  engine::Database& db = platform.graphs().database(dataset);
  std::string query = requiredArg(f, "query");
  engine::QueryOptions options = optionsFor(f, read_only);
  auto reservation = reserveBudget(budgets, db, dataset.tenant_id, query, params, options);
  engine::QueryResult r = db.execute(query, params, options);
  reservation.settle(r.actual_cost);
  auditWrite(platform, who, dataset, r, "cypher");
  return resultOf(r);
}

// Runs a persisted operation with the planner its mode chooses; on a
// sampled fraction of read-only runs the other planner runs too and the two
// answers are compared (shadow planning).
Resolved runOp(platform::Platform& platform, planner::PlannerControl& planner,
               planner::Budgets& budgets, const FieldContext& f, bool read_only) {
  const auth::Principal& who = caller(f);
  ops::Operation op =
      resolveOperation(platform, who, requiredArg(f, "opId"), optionalArg(f, "tenantId"));
  tenancy::Dataset dataset = platform.tenancy().getDataset(who, op.dataset_id);
  auto params = engine::parametersFromJson(paramsArg(f, "vars"), "vars");
  engine::Database& db = platform.graphs().database(dataset);
  auto decision = planner.decide(op.tenant_id, op.op_id, read_only);
  engine::QueryOptions options = optionsFor(f, read_only);
  options.planner = decision.answer;
  options.hints = op.hints;
  auto reservation = reserveBudget(budgets, db, op.tenant_id, op.query, params, options);
  engine::QueryResult r = db.execute(op.query, params, options);
  reservation.settle(r.actual_cost);  // the shadow run is the platform's, not the tenant's
  planner.recordLatency(op.tenant_id, op.op_id, decision.answer, r.compile_ms + r.execute_ms);
  if (decision.shadow) {
    options.planner = *decision.shadow;
    try {
      engine::QueryResult other = db.execute(op.query, params, options);
      planner.recordLatency(op.tenant_id, op.op_id, *decision.shadow,
                            other.compile_ms + other.execute_ms);
      if (r.version == other.version) {  // else a write came between: not comparable
        bool same = planner::resultFingerprint(r.toJson()) ==
                    planner::resultFingerprint(other.toJson());
        planner.recordComparison(op.tenant_id, op.op_id, same,
                                 same ? "" : "rows differ at version " + std::to_string(r.version));
      }
    } catch (const Error& e) {
      // The shadow never fails the caller's request; its failure is a mismatch.
      planner.recordComparison(op.tenant_id, op.op_id, false, "shadow run failed: " + e.message());
    }
  }
  if (op.sensitive) {
    // Purpose-bound access to sensitive data is part of the record.
    auditEvent(platform, who, op.tenant_id, "operation.run", op.op_id,
               {{"version", op.version}, {"purpose", who.purpose.value_or("")}});
  }
  auditWrite(platform, who, dataset, r, "runOp " + op.op_id);
  return resultOf(r);
}

Resolved countersField(const FieldContext& f) {
  static const std::pair<std::string_view, const char*> kNames[] = {
      {"nodesCreated", "nodes_created"},
      {"nodesDeleted", "nodes_deleted"},
      {"relationshipsCreated", "relationships_created"},
      {"relationshipsDeleted", "relationships_deleted"},
      {"labelsAdded", "labels_added"},
      {"labelsRemoved", "labels_removed"},
      {"propertiesSet", "properties_set"},
      {"indexesAdded", "indexes_added"},
      {"indexesRemoved", "indexes_removed"},
  };
  const auto& counters = source<Json>(f);
  for (const auto& [field, key] : kNames) {
    if (f.field_name == field) return Resolved::leaf(counters.value(key, 0));
  }
  throw Error::internal("QueryCounters." + std::string(f.field_name) + " has no resolver");
}

Resolved resultField(const FieldContext& f) {
  const auto& r = source<ResultSource>(f);
  const auto& n = f.field_name;
  if (n == "columns") {
    std::vector<Resolved> cols;
    for (const auto& c : r.json["columns"]) cols.push_back(Resolved::leaf(c));
    return Resolved::list(std::move(cols));
  }
  if (n == "rows") return Resolved::leaf(r.json["rows"]);
  if (n == "rowCount") return Resolved::leaf(r.json["rows"].size());
  if (n == "counters") return Resolved::object(r.json.value("counters", Json::object()), "QueryCounters");
  if (n == "version") return Resolved::leaf(r.json["version"]);
  if (n == "compileMs") return Resolved::leaf(r.compile_ms);
  if (n == "executeMs") return Resolved::leaf(r.execute_ms);
  throw Error::internal("QueryResult." + std::string(n) + " has no resolver");
}

// What planPreview's hints say of a plan: where it starts, the indexes it
// seeks, the joins it makes, and the planner's own notes.
Json planHints(const engine::QueryResult& plan) {
  Json hints = Json::object();
  Json indexes = Json::array(), joins = Json::array();
  const engine::QueryResult::OperatorProfile* start = nullptr;
  for (const auto& op : plan.profile) {
    bool access = op.name == "NodeIndexSeek" || op.name == "NodeByLabelScan" ||
                  op.name == "AllNodesScan";
    // The deepest access is the first one to run.
    if (access && (start == nullptr || op.depth > start->depth)) start = &op;
    if (op.name == "NodeIndexSeek") indexes.push_back(op.detail);
    if (op.name == "ExpandInto" || op.name.find("Join") != std::string::npos) {
      joins.push_back(op.name + " " + op.detail);
    }
  }
  if (start != nullptr) {
    hints["start"] = {{"operator", start->name}, {"detail", start->detail},
                      {"estimatedRows", start->estimated_rows}};
  }
  hints["indexes"] = std::move(indexes);
  hints["joins"] = std::move(joins);
  if (!plan.profile.empty()) hints["estimatedRows"] = plan.profile.front().estimated_rows;
  hints["notes"] = plan.planHints();
  return hints;
}

Json statisticsHint(const engine::Database& db) {
  auto st = db.statistics();
  if (!st) return {{"state", "missing"}, {"note", "planned with default selectivities"}};
  return {{"state", db.statisticsStale() ? "stale" : "fresh"},
          {"computedAt", formatRfc3339(st->computed_at_ms)},
          {"version", st->version},
          {"datasetVersion", db.version()}};
}

Json latencyHint(const engine::LatencyEstimate& e) {
  Json j = {{"estP50Ms", e.p50_ms}, {"estP95Ms", e.p95_ms}, {"samples", e.samples},
            {"calibrated", e.calibrated}};
  if (!e.calibrated) {
    j["model"] = "default (baseMs + msPerUnit * cost): too few observed statements on this dataset";
    j["baseMs"] = e.base_ms;
    j["msPerUnit"] = e.ms_per_unit;
    return j;
  }
  j["model"] = "ms = baseMs + msPerUnit * cost, fitted on relative error; p50/p95 from the observed ratios";
  j["baseMs"] = e.base_ms;
  j["msPerUnit"] = e.ms_per_unit;
  // The calibration's error, measured on the observations it was fitted to.
  j["error"] = {{"p95Coverage", e.coverage}, {"medianRelativeError", e.median_error}};
  return j;
}

// planPreview: planner v2's plan of a persisted operation with these
// variables, its cost, the calibrated p95 and, with a budget, its price.
// Nothing runs and nothing is reserved.
Resolved planPreview(platform::Platform& platform, planner::Budgets& budgets,
                     const FieldContext& f) {
  const auth::Principal& who = caller(f);
  ops::Operation op =
      resolveOperation(platform, who, requiredArg(f, "opId"), optionalArg(f, "tenantId"));
  tenancy::Dataset dataset = platform.tenancy().getDataset(who, op.dataset_id);
  auto params = engine::parametersFromJson(paramsArg(f, "vars"), "vars");
  engine::Database& db = platform.graphs().database(dataset);
  engine::QueryOptions options = optionsFor(f, true);
  options.read_only = false;  // a write operation may be previewed too
  options.planner = engine::PlannerVersion::kV2;
  options.hints = op.hints;
  engine::QueryResult plan = db.explain(op.query, params, options);
  double cost = std::max(plan.estimated_cost, 0.0);
  engine::LatencyEstimate latency = db.estimateLatency(cost);

  Json hints = planHints(plan);
  hints["planner"] = "v2";
  hints["statistics"] = statisticsHint(db);
  hints["latency"] = latencyHint(latency);
  planner::BudgetPolicy policy = budgets.policy(op.tenant_id);
  if (policy.usd_day) {
    planner::BudgetDay day = budgets.today(auth::Principal::localOperator(), op.tenant_id);
    double price = cost * policy.usd_per_cost_unit;
    hints["budget"] = {{"estimatedUsd", price},
                       {"budgetUsd", *policy.usd_day},
                       {"spentUsd", day.spent_usd},
                       {"reservedUsd", day.reserved_usd},
                       {"wouldExceed", day.spent_usd + day.reserved_usd + price > *policy.usd_day}};
  }
  return Resolved::object(Json{{"cost", cost},
                               {"estP95Ms", static_cast<int64_t>(std::ceil(latency.p95_ms))},
                               {"hints", std::move(hints)}},
                          "PlanPreview");
}

}  // namespace

void bindGraphResolvers(graphql::SchemaBuilder& b, platform::Platform& platform,
                        planner::PlannerControl& planner, planner::Budgets& budgets) {
  b.field("Query", "cypher", [&platform, &budgets](const FieldContext& f) {
    return runCypher(platform, budgets, f, true);
  });
  b.field("Mutation", "cypher", [&platform, &budgets](const FieldContext& f) {
    return runCypher(platform, budgets, f, false);
  });
  b.field("Query", "runOp", [&platform, &planner, &budgets](const FieldContext& f) {
    return runOp(platform, planner, budgets, f, true);
  });
  b.field("Mutation", "runOp", [&platform, &planner, &budgets](const FieldContext& f) {
    return runOp(platform, planner, budgets, f, false);
  });
  b.field("Query", "planPreview", [&platform, &budgets](const FieldContext& f) {
    return planPreview(platform, budgets, f);
  });
  b.allFields("PlanPreview", [](const FieldContext& f) {
    const auto& p = source<Json>(f);
    return Resolved::leaf(p.at(std::string(f.field_name)));
  });
  b.allFields("QueryResult", resultField);
  b.allFields("QueryCounters", countersField);

  b.field("Query", "explain", [&platform](const FieldContext& f) {
    tenancy::Dataset dataset =
        platform.tenancy().getDataset(caller(f), requiredArg(f, "datasetId"));
    requireAdHocAllowed(platform, dataset);
    auto params = engine::parametersFromJson(paramsArg(f, "params"));
    engine::Database& db = platform.graphs().database(dataset);
    std::string query = requiredArg(f, "query");
    bool profile = f.args.value("profile", false);
    engine::QueryResult r = profile ? db.execute("PROFILE " + query, params, optionsFor(f, true))
                                    : db.explain(query, params, optionsFor(f, true));
    return Resolved::object(Json{{"columns", r.columns}, {"plan", r.plan}}, "Plan");
  });
  b.allFields("Plan", [](const FieldContext& f) {
    const auto& plan = source<Json>(f);
    if (f.field_name == "plan") return Resolved::leaf(plan["plan"]);
    std::vector<Resolved> cols;
    for (const auto& c : plan["columns"]) cols.push_back(Resolved::leaf(c));
    return Resolved::list(std::move(cols));
  });

  b.field("Mutation", "registerOperation", [&platform](const FieldContext& f) {
    const auth::Principal& who = caller(f);
    tenancy::Dataset dataset = platform.tenancy().getDataset(who, requiredArg(f, "datasetId"));
    ops::NewOperation spec;
    spec.op_id = requiredArg(f, "opId");
    spec.query = requiredArg(f, "query");
    spec.sensitive = f.args.value("sensitive", false);
    if (auto it = f.args.find("purposes"); it != f.args.end() && it->is_array()) {
      for (const auto& p : *it) spec.purposes.push_back(p.get<std::string>());
    }
    spec.hints = optionalArg(f, "hints").value_or("");
    // A query that does not compile, or hints planner v2 cannot honour, are
    // refused now, not at the first run.
    engine::Database& db = platform.graphs().database(dataset);
    engine::QueryOptions options = optionsFor(f, false);
    db.explain(spec.query, {}, options);
    if (!spec.hints.empty()) {
      options.hints = spec.hints;
      options.planner = engine::PlannerVersion::kV2;
      db.explain(spec.query, {}, options);
    }
    return Resolved::object(platform.ops().registerOp(who, dataset, spec).first,
                            "PersistedOperation");
  });
}

}  // namespace maestro::api
