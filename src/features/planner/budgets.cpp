#include "features/planner/budgets.h"

#include <cmath>

#include "common/clock.h"
#include "common/error.h"
#include "common/log.h"
#include "platform/auth/principal.h"
#include "platform/platform.h"

namespace maestro::planner {
namespace {

constexpr int64_t kPolicyCacheMs = 1000;  // how late a configuration change may be seen

std::optional<double> budgetNumber(const Json& budgets, const char* key) {
  auto it = budgets.find(key);
  if (it == budgets.end() || it->is_null()) return std::nullopt;
  if (!it->is_number() || !std::isfinite(it->get<double>()) || it->get<double>() < 0) {
    throw Error::badInput(std::string("budgets.") + key + ": expected a number ≥ 0, got " +
                              it->dump().substr(0, 40),
                          std::string("budgets.") + key);
  }
  return it->get<double>();
}

std::string usd(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "$%.6f", v);
  return buf;
}

}  // namespace

BudgetPolicy budgetPolicy(const Json& tenant_config) {
  BudgetPolicy p;
  auto it = tenant_config.find("budgets");
  if (it == tenant_config.end() || it->is_null()) return p;
  if (!it->is_object()) throw Error::badInput("budgets: expected an object", "budgets");
  p.usd_day = budgetNumber(*it, "graphql_usd_day");
  p.usd_per_cost_unit = budgetNumber(*it, "graphql_usd_per_cost_unit").value_or(kDefaultUsdPerCostUnit);
  return p;
}

Budgets::Budgets(platform::Platform& platform) : platform_(platform) {
  platform_.control().migrate("budgets", migrations());
}

std::span<const store::Migration> Budgets::migrations() {
  static const store::Migration kMigrations[] = {
      {1, "graphql spend per tenant and day", R"sql(
CREATE TABLE graphql_spend (
  tenant_id TEXT NOT NULL,
  day TEXT NOT NULL,
  spent_usd DOUBLE PRECISION NOT NULL,
  reserved_usd DOUBLE PRECISION NOT NULL,
  queries BIGINT NOT NULL,
  refused BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, day)
);
)sql"},
  };
  return kMigrations;
}

std::string Budgets::day() const { return formatRfc3339(platform_.clock().nowMillis()).substr(0, 10); }

BudgetPolicy Budgets::policy(const std::string& tenant_id) {
  int64_t now = platform_.clock().nowMillis();
  {
    std::lock_guard lock(mutex_);
    auto it = policies_.find(tenant_id);
    if (it != policies_.end() && now - it->second.second < kPolicyCacheMs) return it->second.first;
  }
  auto tenant = platform_.tenancy().getTenant(auth::Principal::localOperator(), tenant_id);
  BudgetPolicy p = budgetPolicy(tenant.config);
  std::lock_guard lock(mutex_);
  policies_[tenant_id] = {p, now};
  return p;
}

Budgets::Reservation Budgets::reserve(const std::string& tenant_id, double estimated_cost) {
  BudgetPolicy p = policy(tenant_id);
  Reservation r;
  if (!p.usd_day) return r;
  double price = std::max(0.0, estimated_cost) * p.usd_per_cost_unit;
  std::string today = day();
  auto lease = platform_.control().acquire();
  lease->execute(
      "INSERT INTO graphql_spend (tenant_id, day, spent_usd, reserved_usd, queries, refused) "
      "VALUES ($1, $2, 0, 0, 0, 0) ON CONFLICT (tenant_id, day) DO NOTHING",
      {tenant_id, today});
  // One statement checks and reserves: two concurrent reservations cannot
  // both see the room only one of them fits in.
  int64_t reserved = lease->execute(
      "UPDATE graphql_spend SET reserved_usd = reserved_usd + $3 "
      "WHERE tenant_id = $1 AND day = $2 AND spent_usd + reserved_usd + $3 <= $4",
      {tenant_id, today, price, *p.usd_day});
  if (reserved == 0) {
    auto row = lease->queryOne(
        "UPDATE graphql_spend SET refused = refused + 1 WHERE tenant_id = $1 AND day = $2 "
        "RETURNING spent_usd, reserved_usd",
        {tenant_id, today});
    double spent = row ? row->real(0) : 0, held = row ? std::max(0.0, row->real(1)) : 0;
    platform_.metrics().increment("maestro_graphql_budget_refusals_total",
                                  "Statements refused before running: over the day's budget",
                                  {{"tenant", tenant_id}});
    log::warn("budget.exceeded", {{"tenant_id", tenant_id}, {"estimate_usd", price},
                                  {"spent_usd", spent}, {"reserved_usd", held},
                                  {"budget_usd", *p.usd_day}});
    throw Error::budgetExceeded(
        "the statement's estimated cost of " + usd(price) + " would take today's GraphQL spend (" +
        usd(spent) + " spent, " + usd(held) + " reserved by running statements) over the budget of " +
        usd(*p.usd_day) + " (budgets.graphql_usd_day); the budget renews at 00:00 UTC");
  }
  r.budgets_ = this;
  r.tenant_id_ = tenant_id;
  r.day_ = std::move(today);
  r.usd_ = price;
  r.price_ = p.usd_per_cost_unit;
  return r;
}

void Budgets::settle(const Reservation& r, std::optional<double> actual_cost) {
  double charge = actual_cost ? std::max(0.0, *actual_cost) * r.price_ : 0;
  auto row = platform_.control().acquire()->queryOne(
      "UPDATE graphql_spend SET reserved_usd = reserved_usd - $3, spent_usd = spent_usd + $4, "
      "queries = queries + $5 WHERE tenant_id = $1 AND day = $2 RETURNING spent_usd",
      {r.tenant_id_, r.day_, r.usd_, charge, int64_t{actual_cost ? 1 : 0}});
  if (row) {
    platform_.metrics().setGauge("maestro_graphql_spend_usd",
                                 "GraphQL spend of the tenant's current UTC day",
                                 {{"tenant", r.tenant_id_}}, row->real(0));
  }
}

BudgetDay Budgets::today(const auth::Principal& who, const std::string& tenant_id) {
  if (!who.platform && who.tenant_id != tenant_id) throw Error::notFound("tenant not found");
  auth::require(who, {"admin.read", tenant_id});
  BudgetDay d;
  d.tenant_id = tenant_id;
  d.day = day();
  d.policy = policy(tenant_id);
  auto row = platform_.control().acquire()->queryOne(
      "SELECT spent_usd, reserved_usd, queries, refused FROM graphql_spend "
      "WHERE tenant_id = $1 AND day = $2",
      {tenant_id, d.day});
  if (row) {
    d.spent_usd = row->real(0);
    d.reserved_usd = std::max(0.0, row->real(1));
    d.queries = row->integer(2);
    d.refused = row->integer(3);
  }
  return d;
}

Budgets::Reservation::Reservation(Reservation&& other) noexcept { *this = std::move(other); }

Budgets::Reservation& Budgets::Reservation::operator=(Reservation&& other) noexcept {
  if (this != &other) {
    release();
    budgets_ = std::exchange(other.budgets_, nullptr);
    tenant_id_ = std::move(other.tenant_id_);
    day_ = std::move(other.day_);
    usd_ = other.usd_;
    price_ = other.price_;
  }
  return *this;
}

Budgets::Reservation::~Reservation() { release(); }

void Budgets::Reservation::settle(double actual_cost) {
  if (!budgets_) return;
  Budgets* b = std::exchange(budgets_, nullptr);
  b->settle(*this, actual_cost);
}

void Budgets::Reservation::release() {
  if (!budgets_) return;
  Budgets* b = std::exchange(budgets_, nullptr);
  try {
    b->settle(*this, std::nullopt);
  } catch (const std::exception& e) {
    // A reservation left behind only narrows today's room; never throw from here.
    log::error("budget.release_failed", {{"tenant_id", tenant_id_}, {"error", e.what()}});
  }
}

}  // namespace maestro::planner
