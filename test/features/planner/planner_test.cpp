// Planner activation per persisted operation: fingerprints, latency windows,
// modes, shadow sampling, blocked activation, mismatch demotion, the global
// rollback, audit and tenant isolation.
#include "features/planner/planner_control.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/clock.h"
#include "features/planner/shadow.h"
#include "platform/platform.h"
#include "testing/test_stores.h"

namespace maestro::planner {
namespace {

using ::testing::HasSubstr;
using engine::PlannerVersion;
using testing::errorFrom;

TEST(ResultFingerprint, IgnoresRowOrderButNotRowsOrColumns) {
  Json a = Json::parse(R"({"columns": ["n"], "rows": [[1], [2], [2]]})");
  Json b = Json::parse(R"({"columns": ["n"], "rows": [[2], [1], [2]]})");
  Json fewer = Json::parse(R"({"columns": ["n"], "rows": [[2], [1]]})");
  Json renamed = Json::parse(R"({"columns": ["m"], "rows": [[1], [2], [2]]})");
  EXPECT_EQ(resultFingerprint(a), resultFingerprint(b));
  EXPECT_NE(resultFingerprint(a), resultFingerprint(fewer));
  EXPECT_NE(resultFingerprint(a), resultFingerprint(renamed));
}

TEST(LatencyWindow, KeepsTheLastSamplesAndGivesNearestRankPercentiles) {
  LatencyWindow w(100);
  EXPECT_FALSE(w.percentile(0.5).has_value());
  for (int i = 1; i <= 150; ++i) w.add(i);  // keeps 51..150
  EXPECT_EQ(w.size(), 100u);
  EXPECT_EQ(*w.percentile(0.5), 100);
  EXPECT_EQ(*w.percentile(0.95), 145);
  EXPECT_EQ(*w.percentile(1.0), 150);
}

class PlannerControlTest : public ::testing::Test {
 protected:
  PlannerControlTest() {
    platform::PlatformConfig config;
    config.data_dir = dir_.path();
    platform_ = platform::Platform::open(config, clock_);
    auto op = auth::Principal::localOperator();
    acme_ = platform_->tenancy().createTenant(op, {"acme", Json::object(), std::nullopt}).id;
    globex_ = platform_->tenancy().createTenant(op, {"globex", Json::object(), std::nullopt}).id;
    auto dataset = platform_->tenancy().createDataset(op, acme_, "graph", "");
    platform_->ops().registerOp(op, dataset, {"q", "RETURN 1 AS one", false, {}});
    PlannerControlOptions options;
    options.min_samples = 5;
    options.min_shadow_runs = 5;
    options.window = 20;
    control_ = std::make_unique<PlannerControl>(*platform_, options);
    admin_.subject = "admin";
    admin_.tenant_id = acme_;
    admin_.scopes = {"admin.read", "admin.write"};
    admin_.token_id = "jti";
  }

  // `n` shadow comparisons with both planners timed.
  void trial(int n, double v1_ms, double v2_ms, bool match = true) {
    for (int i = 0; i < n; ++i) {
      control_->recordLatency(acme_, "q", PlannerVersion::kV1, v1_ms);
      control_->recordLatency(acme_, "q", PlannerVersion::kV2, v2_ms);
      control_->recordComparison(acme_, "q", match, match ? "" : "rows differ");
    }
  }

  int64_t auditCount(const std::string& action) {
    return platform_->control()
        .acquire()
        ->queryOne("SELECT COUNT(*) FROM audit_log WHERE action = $1", {action})
        ->integer(0);
  }

  testing::TempDir dir_;
  ManualClock clock_;
  std::unique_ptr<platform::Platform> platform_;
  std::unique_ptr<PlannerControl> control_;
  std::string acme_, globex_;
  auth::Principal admin_;
};

TEST_F(PlannerControlTest, OperationsStartOnV1WithoutShadow) {
  auto d = control_->decide(acme_, "q", true);
  EXPECT_EQ(d.answer, PlannerVersion::kV1);
  EXPECT_FALSE(d.shadow.has_value());
  EXPECT_EQ(control_->status(admin_, acme_, "q").mode, Mode::kV1);
}

TEST_F(PlannerControlTest, ShadowRunsTheOtherPlannerOnSampledReadsOnly) {
  control_->setMode(admin_, acme_, "q", Mode::kShadow, 1.0);
  auto d = control_->decide(acme_, "q", true);
  EXPECT_EQ(d.answer, PlannerVersion::kV1);
  EXPECT_EQ(d.shadow, PlannerVersion::kV2);
  EXPECT_FALSE(control_->decide(acme_, "q", false).shadow.has_value());
  control_->setMode(admin_, acme_, "q", Mode::kShadow, 0.0);
  EXPECT_FALSE(control_->decide(acme_, "q", true).shadow.has_value());
  EXPECT_EQ(auditCount("planner.mode"), 2);
}

TEST_F(PlannerControlTest, ActivationNeedsACleanFastEnoughTrial) {
  control_->setMode(admin_, acme_, "q", Mode::kShadow, 1.0);
  auto e = errorFrom([&] { control_->setMode(admin_, acme_, "q", Mode::kV2, std::nullopt); });
  EXPECT_EQ(e.code(), Code::kConflict);
  EXPECT_THAT(e.message(), HasSubstr("needs 5 shadow comparisons"));

  trial(5, 1.0, 1.2);  // v2 20% slower
  auto s = control_->status(admin_, acme_, "q");
  ASSERT_TRUE(s.p95_delta.has_value());
  EXPECT_NEAR(*s.p95_delta, 0.2, 1e-9);
  EXPECT_THAT(s.activation_blocked.value_or(""), HasSubstr("over v1's"));
  EXPECT_EQ(auditCount("planner.alert"), 1);  // the regression, raised once
  EXPECT_EQ(errorFrom([&] { control_->setMode(admin_, acme_, "q", Mode::kV2, std::nullopt); })
                .code(),
            Code::kConflict);

  trial(20, 1.0, 0.5);  // the 20-sample window now holds only faster v2 runs
  s = control_->setMode(admin_, acme_, "q", Mode::kV2, std::nullopt);
  EXPECT_EQ(s.mode, Mode::kV2);
  auto d = control_->decide(acme_, "q", true);
  EXPECT_EQ(d.answer, PlannerVersion::kV2);
  EXPECT_EQ(d.shadow, PlannerVersion::kV1);
}

TEST_F(PlannerControlTest, AMismatchAlertsBlocksAndSendsV2BackToShadow) {
  control_->setMode(admin_, acme_, "q", Mode::kShadow, 1.0);
  trial(5, 1.0, 0.5);
  control_->setMode(admin_, acme_, "q", Mode::kV2, std::nullopt);
  int64_t alerts = auditCount("planner.alert");
  control_->recordComparison(acme_, "q", false, "rows differ at version 3");
  auto s = control_->status(admin_, acme_, "q");
  EXPECT_EQ(s.mode, Mode::kShadow);
  EXPECT_EQ(s.mismatches, 1);
  EXPECT_THAT(s.activation_blocked.value_or(""), HasSubstr("returned different results"));
  EXPECT_EQ(auditCount("planner.alert"), alerts + 1);
  EXPECT_EQ(control_->decide(acme_, "q", true).answer, PlannerVersion::kV1);
  EXPECT_THAT(platform_->metrics().serialize(),
              HasSubstr("maestro_planner_shadow_mismatches_total"));
}

TEST_F(PlannerControlTest, TheGlobalRollbackSendsEverythingToV1) {
  control_->setMode(admin_, acme_, "q", Mode::kShadow, 1.0);
  trial(5, 1.0, 0.5);
  control_->setMode(admin_, acme_, "q", Mode::kV2, std::nullopt);
  EXPECT_EQ(errorFrom([&] { control_->setRollback(admin_, true); }).code(), Code::kForbidden);
  control_->setRollback(auth::Principal::localOperator(), true);
  auto d = control_->decide(acme_, "q", true);
  EXPECT_EQ(d.answer, PlannerVersion::kV1);
  EXPECT_FALSE(d.shadow.has_value());
  EXPECT_EQ(errorFrom([&] { control_->setMode(admin_, acme_, "q", Mode::kV2, std::nullopt); })
                .code(),
            Code::kConflict);
  control_->setRollback(auth::Principal::localOperator(), false);
  EXPECT_EQ(control_->decide(acme_, "q", true).answer, PlannerVersion::kV2);
  EXPECT_EQ(auditCount("planner.rollback"), 2);
  EXPECT_THAT(platform_->metrics().serialize(), HasSubstr("maestro_planner_v2_adoption_ratio 1"));
}

TEST_F(PlannerControlTest, AnotherTenantsOperationIsNotFound) {
  auth::Principal outsider = admin_;
  outsider.tenant_id = globex_;
  EXPECT_EQ(errorFrom([&] { control_->status(outsider, acme_, "q"); }).code(), Code::kNotFound);
  EXPECT_EQ(errorFrom([&] { control_->setMode(outsider, acme_, "q", Mode::kShadow, 1.0); }).code(),
            Code::kNotFound);
  EXPECT_EQ(errorFrom([&] { control_->setMode(admin_, acme_, "nope", Mode::kShadow, 1.0); }).code(),
            Code::kNotFound);
  EXPECT_EQ(errorFrom([&] { control_->setMode(admin_, acme_, "q", Mode::kShadow, 1.5); }).code(),
            Code::kBadInput);
  EXPECT_EQ(auditCount("planner.mode"), 0);
}

}  // namespace
}  // namespace maestro::planner
