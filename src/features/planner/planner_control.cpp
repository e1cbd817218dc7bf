#include "features/planner/planner_control.h"

#include <algorithm>

#include "common/clock.h"
#include "common/error.h"
#include "common/log.h"
#include "platform/auth/principal.h"
#include "platform/platform.h"

namespace maestro::planner {
namespace {

constexpr int64_t kCacheMs = 1000;  // how stale another server's change may be seen
constexpr char kRollbackFlag[] = "rollback";
constexpr size_t kRefreshEvery = 10;  // runs between refreshes of p95 gauges and alerts

std::string key(const std::string& tenant_id, const std::string& op_id) {
  return tenant_id + "\n" + op_id;
}

std::string_view plannerName(engine::PlannerVersion p) {
  return p == engine::PlannerVersion::kV2 ? "v2" : "v1";
}

// `scope` on the tenant, whose operation `op_id` must exist; another
// tenant's operation is not found, exactly like a missing one.
void requireOperation(platform::Platform& platform, const auth::Principal& who,
                      const std::string& scope, const std::string& tenant_id,
                      const std::string& op_id) {
  if (!who.platform && who.tenant_id != tenant_id) {
    throw Error::notFound("operation '" + op_id.substr(0, 128) + "' not found");
  }
  auth::require(who, {scope, tenant_id});
  platform.ops().get(auth::Principal::localOperator(), tenant_id, op_id);
}

void audit(platform::Platform& platform, store::Connection& tx, const std::string& actor,
           std::optional<std::string> tenant_id, std::string action, std::string target,
           Json details) {
  platform.auditLog().append(tx, {actor, std::move(tenant_id), std::move(action),
                                  std::move(target), std::move(details)});
}

}  // namespace

std::string_view modeName(Mode mode) {
  switch (mode) {
    case Mode::kV1: return "v1";
    case Mode::kShadow: return "shadow";
    case Mode::kV2: return "v2";
  }
  return "v1";
}

Mode parseMode(std::string_view text) {
  if (text == "v1") return Mode::kV1;
  if (text == "shadow") return Mode::kShadow;
  if (text == "v2") return Mode::kV2;
  throw Error::badInput("mode: expected v1, shadow or v2, got '" +
                            std::string(text.substr(0, 40)) + "'",
                        "mode");
}

PlannerControl::PlannerControl(platform::Platform& platform, PlannerControlOptions options)
    : platform_(platform), options_(options), rng_(std::random_device{}()) {
  platform_.control().migrate("planner", migrations());
}

std::span<const store::Migration> PlannerControl::migrations() {
  static const store::Migration kMigrations[] = {
      {1, "planner modes per operation, flags", R"sql(
CREATE TABLE planner_ops (
  tenant_id TEXT NOT NULL,
  op_id TEXT NOT NULL,
  mode TEXT NOT NULL,
  sample_rate DOUBLE PRECISION NOT NULL,
  shadow_runs BIGINT NOT NULL,
  mismatches BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, op_id)
);
CREATE TABLE planner_flags (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);
)sql"},
  };
  return kMigrations;
}

PlannerControl::Row PlannerControl::load(store::Connection& conn, const std::string& tenant_id,
                                         const std::string& op_id) {
  Row row;
  row.sample_rate = options_.default_sample_rate;
  auto r = conn.queryOne(
      "SELECT mode, sample_rate, shadow_runs, mismatches FROM planner_ops "
      "WHERE tenant_id = $1 AND op_id = $2",
      {tenant_id, op_id});
  if (r) {
    row.mode = parseMode(r->text(0));
    row.sample_rate = r->real(1);
    row.shadow_runs = r->integer(2);
    row.mismatches = r->integer(3);
  }
  return row;
}

PlannerControl::Row PlannerControl::cachedRow(const std::string& tenant_id,
                                              const std::string& op_id) {
  int64_t now = platform_.clock().nowMillis();
  {
    std::lock_guard lock(mutex_);
    auto it = rows_.find(key(tenant_id, op_id));
    if (it != rows_.end() && now - it->second.fetched_ms < kCacheMs) return it->second.row;
  }
  Row row = load(*platform_.control().acquire(), tenant_id, op_id);
  std::lock_guard lock(mutex_);
  rows_[key(tenant_id, op_id)] = {row, now};
  return row;
}

void PlannerControl::forget(const std::string& tenant_id, const std::string& op_id) {
  std::lock_guard lock(mutex_);
  rows_.erase(key(tenant_id, op_id));
}

bool PlannerControl::rollback() {
  int64_t now = platform_.clock().nowMillis();
  {
    std::lock_guard lock(mutex_);
    if (rollback_ && now - rollback_->second < kCacheMs) return rollback_->first;
  }
  auto r = platform_.control().acquire()->queryOne(
      "SELECT value FROM planner_flags WHERE name = $1", {kRollbackFlag});
  bool on = r && r->text(0) == "true";
  std::lock_guard lock(mutex_);
  rollback_ = {on, now};
  return on;
}

PlannerControl::Decision PlannerControl::decide(const std::string& tenant_id,
                                                const std::string& op_id, bool read_only) {
  Decision d;
  if (rollback()) return d;
  Row row = cachedRow(tenant_id, op_id);
  if (row.mode == Mode::kV1) return d;
  d.answer = row.mode == Mode::kV2 ? engine::PlannerVersion::kV2 : engine::PlannerVersion::kV1;
  if (!read_only || row.sample_rate <= 0) return d;
  bool sampled;
  {
    std::lock_guard lock(mutex_);
    sampled = std::uniform_real_distribution<double>(0, 1)(rng_) < row.sample_rate;
  }
  if (sampled) {
    d.shadow = d.answer == engine::PlannerVersion::kV2 ? engine::PlannerVersion::kV1
                                                       : engine::PlannerVersion::kV2;
  }
  return d;
}

void PlannerControl::recordLatency(const std::string& tenant_id, const std::string& op_id,
                                   engine::PlannerVersion planner, double ms) {
  Row row = cachedRow(tenant_id, op_id);
  {
    std::lock_guard lock(mutex_);
    std::string k = key(tenant_id, op_id) + "\n" + std::string(plannerName(planner));
    auto& window = windows_.try_emplace(k, options_.window).first->second;
    window.add(ms);
    // Percentiles sort the window: refresh the statistics every few runs,
    // and only for operations under trial or on v2.
    if (row.mode == Mode::kV1 || (window.size() % kRefreshEvery != 0 &&
                                  window.size() > options_.min_samples)) {
      return;
    }
  }
  OperationPlanner state = view(tenant_id, op_id, row);
  auto& metrics = platform_.metrics();
  for (auto [name, stats] : {std::pair{"v1", &state.v1}, std::pair{"v2", &state.v2}}) {
    if (!stats->p95_ms) continue;
    metrics.setGauge("maestro_planner_op_p95_ms",
                     "p95 latency of a persisted operation per planner",
                     {{"tenant", tenant_id}, {"op", op_id}, {"planner", name}}, *stats->p95_ms);
  }
  if (!state.p95_delta) return;
  metrics.setGauge("maestro_planner_p95_delta_ratio",
                   "v2's p95 over v1's, minus one, per persisted operation",
                   {{"tenant", tenant_id}, {"op", op_id}}, *state.p95_delta);
  bool regressed = *state.p95_delta > options_.max_regression &&
                   state.v1.samples >= options_.min_samples &&
                   state.v2.samples >= options_.min_samples;
  bool newly_regressed;
  {
    std::lock_guard lock(mutex_);
    bool& alerted = regression_alerted_[key(tenant_id, op_id)];
    newly_regressed = regressed && !alerted;
    alerted = regressed;
  }
  if (newly_regressed) {
    alert(tenant_id, op_id, "plan_regression",
          {{"v1_p95_ms", *state.v1.p95_ms},
           {"v2_p95_ms", *state.v2.p95_ms},
           {"delta", *state.p95_delta},
           {"mode", modeName(row.mode)}});
  }
}

void PlannerControl::recordComparison(const std::string& tenant_id, const std::string& op_id,
                                      bool match, const std::string& detail) {
  bool demoted = false;
  {
    auto lease = platform_.control().acquire();
    store::Transaction tx(*lease, store::TxMode::kWrite);
    lease->execute(
        "UPDATE planner_ops SET shadow_runs = shadow_runs + 1, mismatches = mismatches + $1 "
        "WHERE tenant_id = $2 AND op_id = $3",
        {match ? 0 : 1, tenant_id, op_id});
    if (!match) {
      // An operation answered by v2 goes back to v1 at once.
      demoted = lease->execute(
                    "UPDATE planner_ops SET mode = 'shadow', updated_at = $1 "
                    "WHERE tenant_id = $2 AND op_id = $3 AND mode = 'v2'",
                    {platform_.clock().nowMillis(), tenant_id, op_id}) == 1;
      if (demoted) {
        audit(platform_, *lease, "system:planner", tenant_id, "planner.mode", op_id,
              {{"from", "v2"}, {"to", "shadow"}, {"reason", "shadow mismatch"}});
      }
    }
    tx.commit();
  }
  forget(tenant_id, op_id);
  platform_.metrics().increment("maestro_planner_shadow_runs_total",
                                "Shadow comparisons of persisted operations",
                                {{"result", match ? "match" : "mismatch"}});
  if (!match) {
    platform_.metrics().increment("maestro_planner_shadow_mismatches_total",
                                  "Shadow comparisons whose results differed, per operation",
                                  {{"tenant", tenant_id}, {"op", op_id}});
    alert(tenant_id, op_id, "shadow_mismatch", {{"detail", detail}, {"demoted_to_shadow", demoted}});
    if (demoted) publishAdoption();
  }
}

void PlannerControl::alert(const std::string& tenant_id, const std::string& op_id,
                           const std::string& kind, const Json& details) {
  log::warn("planner.alert", {{"kind", kind}, {"tenant_id", tenant_id}, {"op_id", op_id},
                              {"details", details}});
  platform_.metrics().increment("maestro_planner_alerts_total", "Planner alerts raised",
                                {{"kind", kind}});
  auto lease = platform_.control().acquire();
  store::Transaction tx(*lease, store::TxMode::kWrite);
  Json d = details;
  d["kind"] = kind;
  audit(platform_, *lease, "system:planner", tenant_id, "planner.alert", op_id, std::move(d));
  tx.commit();
}

OperationPlanner PlannerControl::view(const std::string& tenant_id, const std::string& op_id,
                                      const Row& row) {
  OperationPlanner s;
  s.tenant_id = tenant_id;
  s.op_id = op_id;
  s.mode = row.mode;
  s.sample_rate = row.sample_rate;
  s.shadow_runs = row.shadow_runs;
  s.mismatches = row.mismatches;
  {
    std::lock_guard lock(mutex_);
    for (auto [planner, stats] : {std::pair{"v1", &s.v1}, std::pair{"v2", &s.v2}}) {
      auto it = windows_.find(key(tenant_id, op_id) + "\n" + planner);
      if (it == windows_.end()) continue;
      stats->samples = it->second.size();
      stats->p50_ms = it->second.percentile(0.50);
      stats->p95_ms = it->second.percentile(0.95);
    }
  }
  if (s.v1.p95_ms && s.v2.p95_ms && *s.v1.p95_ms > 0) s.p95_delta = *s.v2.p95_ms / *s.v1.p95_ms - 1;
  s.activation_blocked = blocked(s);
  return s;
}

std::optional<std::string> PlannerControl::blocked(const OperationPlanner& s) const {
  if (s.mismatches > 0) {
    return std::to_string(s.mismatches) + " shadow comparison(s) returned different results";
  }
  if (s.shadow_runs < options_.min_shadow_runs) {
    return "needs " + std::to_string(options_.min_shadow_runs) + " shadow comparisons, has " +
           std::to_string(s.shadow_runs);
  }
  if (s.v1.samples < options_.min_samples || s.v2.samples < options_.min_samples) {
    return "needs " + std::to_string(options_.min_samples) + " timed runs per planner";
  }
  if (s.p95_delta && *s.p95_delta > options_.max_regression) {
    char text[160];
    std::snprintf(text, sizeof text, "v2's p95 (%.3f ms) is %.1f%% over v1's (%.3f ms)",
                  *s.v2.p95_ms, *s.p95_delta * 100, *s.v1.p95_ms);
    return std::string(text);
  }
  return std::nullopt;
}

OperationPlanner PlannerControl::setMode(const auth::Principal& who, const std::string& tenant_id,
                                         const std::string& op_id, Mode mode,
                                         std::optional<double> sample_rate) {
  requireOperation(platform_, who, "admin.write", tenant_id, op_id);
  if (sample_rate && !(*sample_rate >= 0 && *sample_rate <= 1)) {
    throw Error::badInput("sampleRate: must be between 0 and 1", "sampleRate");
  }
  if (mode == Mode::kV2 && rollback()) {
    throw Error::conflict("the global planner rollback is on: every operation runs with v1");
  }
  auto lease = platform_.control().acquire();
  store::Transaction tx(*lease, store::TxMode::kWrite);
  Row before = load(*lease, tenant_id, op_id);
  if (mode == Mode::kV2) {
    if (auto why = blocked(view(tenant_id, op_id, before))) {
      throw Error::conflict("activation of planner v2 for '" + op_id + "' is blocked: " + *why);
    }
  }
  Row after = before;
  after.mode = mode;
  if (sample_rate) after.sample_rate = *sample_rate;
  if (mode == Mode::kShadow && before.mode == Mode::kV1) {
    after.shadow_runs = 0;  // a fresh trial
    after.mismatches = 0;
  }
  lease->execute("DELETE FROM planner_ops WHERE tenant_id = $1 AND op_id = $2",
                 {tenant_id, op_id});
  lease->execute(
      "INSERT INTO planner_ops (tenant_id, op_id, mode, sample_rate, shadow_runs, mismatches, "
      "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
      {tenant_id, op_id, std::string(modeName(mode)), after.sample_rate, after.shadow_runs,
       after.mismatches, platform_.clock().nowMillis()});
  audit(platform_, *lease, who.actor(), tenant_id, "planner.mode", op_id,
        {{"from", modeName(before.mode)}, {"to", modeName(mode)}, {"sample_rate", after.sample_rate}});
  tx.commit();
  forget(tenant_id, op_id);
  publishAdoption();
  return view(tenant_id, op_id, after);
}

OperationPlanner PlannerControl::status(const auth::Principal& who, const std::string& tenant_id,
                                        const std::string& op_id) {
  requireOperation(platform_, who, "admin.read", tenant_id, op_id);
  return view(tenant_id, op_id, load(*platform_.control().acquire(), tenant_id, op_id));
}

std::vector<OperationPlanner> PlannerControl::list(const auth::Principal& who,
                                                   const std::string& tenant_id) {
  if (!who.platform && who.tenant_id != tenant_id) throw Error::notFound("tenant not found");
  auth::require(who, {"admin.read", tenant_id});
  std::vector<OperationPlanner> out;
  for (const auto& op : platform_.ops().list(auth::Principal::localOperator(), tenant_id)) {
    out.push_back(view(tenant_id, op.op_id, load(*platform_.control().acquire(), tenant_id, op.op_id)));
  }
  return out;
}

void PlannerControl::setRollback(const auth::Principal& who, bool enabled) {
  auth::require(who, {"admin.write"});
  if (!who.platform) throw Error::forbidden("forbidden: the global rollback needs a platform token");
  auto lease = platform_.control().acquire();
  store::Transaction tx(*lease, store::TxMode::kWrite);
  lease->execute("DELETE FROM planner_flags WHERE name = $1", {kRollbackFlag});
  lease->execute("INSERT INTO planner_flags (name, value, updated_at) VALUES ($1, $2, $3)",
                 {kRollbackFlag, enabled ? "true" : "false", platform_.clock().nowMillis()});
  audit(platform_, *lease, who.actor(), std::nullopt, "planner.rollback", "all",
        {{"enabled", enabled}});
  tx.commit();
  {
    std::lock_guard lock(mutex_);
    rollback_.reset();
  }
  platform_.metrics().setGauge("maestro_planner_rollback", "1 while the global planner rollback is on",
                               {}, enabled ? 1 : 0);
  publishAdoption();
}

void PlannerControl::publishAdoption() {
  auto r = platform_.control().acquire()->queryOne(
      "SELECT COUNT(*), SUM(CASE WHEN mode = 'v2' THEN 1 ELSE 0 END) FROM planner_ops");
  int64_t all = r ? r->integer(0) : 0;
  int64_t v2 = r && !r->isNull(1) ? r->integer(1) : 0;
  double ratio = all == 0 || rollback() ? 0.0 : static_cast<double>(v2) / static_cast<double>(all);
  platform_.metrics().setGauge("maestro_planner_v2_adoption_ratio",
                               "Share of managed persisted operations answered by planner v2", {},
                               ratio);
}

}  // namespace maestro::planner
