// Budgets — the pre-flight check of a tenant's GraphQL spend.
//
// A tenant's configuration may carry `budgets.graphql_usd_day` (the most
// its GraphQL statements may cost in one UTC day) and
// `budgets.graphql_usd_per_cost_unit` (the price of one planner cost unit;
// default kDefaultUsdPerCostUnit). Before a statement runs, planner v2's
// estimate of its cost is priced and reserved against the day: when the
// day's spend plus what is reserved plus this estimate would exceed the
// budget, the statement is refused with BUDGET_EXCEEDED and nothing runs.
// After it ran, the reservation is settled with its actual cost (the cost
// model applied to what the operators really did); a statement that fails
// releases its reservation and is not charged.
//
// The ledger is the control store's `graphql_spend` (one row per tenant and
// day). The reservation is one conditional UPDATE — atomic on SQLite and
// on PostgreSQL (the row is re-checked after its lock) — so concurrent
// statements, on any number of servers, never overspend together. A tenant
// without `budgets.graphql_usd_day` is not checked. Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <string>

#include "common/json.h"
#include "store/store.h"

namespace maestro::platform {
class Platform;
}
namespace maestro::auth {
struct Principal;
}

namespace maestro::planner {

constexpr double kDefaultUsdPerCostUnit = 1e-6;  // one dollar per million units

struct BudgetPolicy {
  std::optional<double> usd_day;  // absent: no budget
  double usd_per_cost_unit = kDefaultUsdPerCostUnit;
};

// From a tenant configuration; Error::badInput naming the field when a
// budget is not a non-negative number.
BudgetPolicy budgetPolicy(const Json& tenant_config);

struct BudgetDay {
  std::string tenant_id;
  std::string day;  // YYYY-MM-DD, UTC
  BudgetPolicy policy;
  double spent_usd = 0;
  double reserved_usd = 0;
  int64_t queries = 0;
  int64_t refused = 0;
};

class Budgets {
 public:
  explicit Budgets(platform::Platform& platform);

  static std::span<const store::Migration> migrations();

  // A statement's claim on the day. Settle or release it; one neither
  // settled nor released is released when it goes.
  class Reservation {
   public:
    Reservation() = default;
    Reservation(Reservation&& other) noexcept;
    Reservation& operator=(Reservation&& other) noexcept;
    ~Reservation();

    bool active() const { return budgets_ != nullptr; }
    double usd() const { return usd_; }
    // Charges `actual_cost` (planner units) and releases the estimate.
    void settle(double actual_cost);
    void release();

   private:
    friend class Budgets;
    Budgets* budgets_ = nullptr;
    std::string tenant_id_, day_;
    double usd_ = 0, price_ = 0;
  };

  // Reserves the price of `estimated_cost` on the tenant's day. Without a
  // budget, an inactive reservation. Throws Error::budgetExceeded (nothing
  // reserved) when it would take the day over budget.
  Reservation reserve(const std::string& tenant_id, double estimated_cost);

  // The tenant's policy (configuration cached for a second).
  BudgetPolicy policy(const std::string& tenant_id);
  // Today's ledger; needs admin.read on the tenant.
  BudgetDay today(const auth::Principal& who, const std::string& tenant_id);

 private:
  void settle(const Reservation& r, std::optional<double> actual_cost);
  std::string day() const;

  platform::Platform& platform_;
  std::mutex mutex_;
  std::map<std::string, std::pair<BudgetPolicy, int64_t>> policies_;  // tenant → (policy, fetched)
};

}  // namespace maestro::planner
