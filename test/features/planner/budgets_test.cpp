// Pre-flight budgets: the policy from a tenant's configuration, refusal
// before anything is reserved, settlement with the actual cost, release on
// failure, the UTC day boundary, and no overspending under concurrency —
// on SQLite and on PostgreSQL.
#include "features/planner/budgets.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "common/clock.h"
#include "platform/platform.h"
#include "testing/test_stores.h"

namespace maestro::planner {
namespace {

using ::testing::HasSubstr;
using testing::Backend;
using testing::errorFrom;

TEST(BudgetPolicy, ReadsTheTenantsBudgetsAndRefusesMalformedOnes) {
  EXPECT_FALSE(budgetPolicy(Json::object()).usd_day.has_value());
  auto p = budgetPolicy(Json::parse(R"({"budgets": {"graphql_usd_day": 50}})"));
  EXPECT_EQ(p.usd_day, 50.0);
  EXPECT_EQ(p.usd_per_cost_unit, kDefaultUsdPerCostUnit);
  p = budgetPolicy(Json::parse(R"({"budgets": {"graphql_usd_day": 5, "graphql_usd_per_cost_unit": 0.5}})"));
  EXPECT_EQ(p.usd_per_cost_unit, 0.5);
  auto e = errorFrom([] { budgetPolicy(Json::parse(R"({"budgets": {"graphql_usd_day": -1}})")); });
  EXPECT_EQ(e.code(), Code::kBadInput);
  EXPECT_EQ(e.field(), "budgets.graphql_usd_day");
}

class BudgetsTest : public ::testing::TestWithParam<Backend> {
 protected:
  BudgetsTest() : db_(GetParam()) {
    platform::PlatformConfig config;
    config.data_dir = db_.dir();
    config.control_store_uri = db_.uri();
    config.control_schema = db_.schema();
    platform_ = platform::Platform::open(config, clock_);
    auto op = auth::Principal::localOperator();
    Json config_doc = {{"budgets", {{"graphql_usd_day", 10.0}, {"graphql_usd_per_cost_unit", 0.01}}}};
    acme_ = platform_->tenancy().createTenant(op, {"acme", config_doc, std::nullopt}).id;
    free_ = platform_->tenancy().createTenant(op, {"free", Json::object(), std::nullopt}).id;
    budgets_ = std::make_unique<Budgets>(*platform_);
    admin_.subject = "admin";
    admin_.tenant_id = acme_;
    admin_.scopes = {"admin.read"};
    admin_.token_id = "jti";
  }

  BudgetDay today() { return budgets_->today(admin_, acme_); }

  testing::TestDatabase db_;
  ManualClock clock_{1'800'000'000'000};  // 2027-01-15T08:00:00Z
  std::unique_ptr<platform::Platform> platform_;
  std::unique_ptr<Budgets> budgets_;
  std::string acme_, free_;
  auth::Principal admin_;
};

TEST_P(BudgetsTest, ReservesSettlesAndRefusesBeforeOverspending) {
  auto r = budgets_->reserve(acme_, 300);  // $3
  EXPECT_TRUE(r.active());
  EXPECT_DOUBLE_EQ(r.usd(), 3.0);
  EXPECT_DOUBLE_EQ(today().reserved_usd, 3.0);
  r.settle(200);  // it cost less than estimated: $2 charged
  BudgetDay d = today();
  EXPECT_DOUBLE_EQ(d.spent_usd, 2.0);
  EXPECT_NEAR(d.reserved_usd, 0.0, 1e-9);
  EXPECT_EQ(d.queries, 1);

  auto held = budgets_->reserve(acme_, 800);  // $8: exactly the rest
  auto e = errorFrom([&] { budgets_->reserve(acme_, 1); });
  EXPECT_EQ(e.code(), Code::kBudgetExceeded);
  EXPECT_THAT(e.message(), HasSubstr("$8.000000 reserved"));
  EXPECT_THAT(e.message(), HasSubstr("budgets.graphql_usd_day"));
  EXPECT_EQ(today().refused, 1);
  held.release();  // it failed: nothing charged, the room is back
  EXPECT_DOUBLE_EQ(today().spent_usd, 2.0);
  budgets_->reserve(acme_, 800).settle(800);
  EXPECT_DOUBLE_EQ(today().spent_usd, 10.0);
  EXPECT_EQ(errorFrom([&] { budgets_->reserve(acme_, 0.5); }).code(), Code::kBudgetExceeded);

  // A reservation dropped without settling is released.
  clock_.advance(std::chrono::hours(24));  // a new UTC day, a fresh budget
  { auto dropped = budgets_->reserve(acme_, 500); }
  EXPECT_NEAR(today().reserved_usd, 0.0, 1e-9);
  EXPECT_EQ(today().queries, 0);
  EXPECT_EQ(today().day, "2027-01-16");

  // A tenant without a budget is never checked.
  EXPECT_FALSE(budgets_->reserve(free_, 1e12).active());
}

TEST_P(BudgetsTest, ConcurrentStatementsNeverOverspendTogether) {
  // 8 threads race for 100 reservations of $0.30 each against $10: exactly
  // 33 fit, whatever the interleaving.
  std::atomic<int> granted{0}, refused{0};
  std::vector<std::thread> threads;
  std::vector<Budgets::Reservation> kept[8];
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 12 + (t < 4 ? 1 : 0); ++i) {
        try {
          kept[t].push_back(budgets_->reserve(acme_, 30));
          ++granted;
        } catch (const Error& e) {
          if (e.code() == Code::kBudgetExceeded) ++refused;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(granted.load(), 33);
  EXPECT_EQ(refused.load(), 100 - 33);
  EXPECT_NEAR(today().reserved_usd, 9.9, 1e-9);
  for (auto& list : kept) {
    for (auto& r : list) r.settle(30);
  }
  BudgetDay d = today();
  EXPECT_NEAR(d.spent_usd, 9.9, 1e-9);
  EXPECT_NEAR(d.reserved_usd, 0.0, 1e-9);
  EXPECT_EQ(d.queries, 33);
}

TEST_P(BudgetsTest, TheLedgerIsVisibleOnlyToTheTenantsAdmins) {
  auth::Principal other = admin_;
  other.tenant_id = free_;
  EXPECT_EQ(errorFrom([&] { budgets_->today(other, acme_); }).code(), Code::kNotFound);
  auth::Principal reader = admin_;
  reader.scopes = {"graph.read"};
  EXPECT_EQ(errorFrom([&] { budgets_->today(reader, acme_); }).code(), Code::kForbidden);
}

INSTANTIATE_TEST_SUITE_P(Backends, BudgetsTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) { return testing::backendName(info.param); });

}  // namespace
}  // namespace maestro::planner
