// Cost → latency calibration and the actual cost of executed plans.
#include "engine/planner/calibration.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "engine/main/database.h"
#include "engine/storage/graph_store.h"
#include "testing/test_stores.h"

namespace maestro::engine {
namespace {

TEST(LatencyCalibration, UsesTheDefaultModelUntilItHasSeenEnough) {
  LatencyCalibration c;
  for (int i = 0; i < 10; ++i) c.record(1000, 0.5);
  LatencyEstimate e = c.estimate(1000);
  EXPECT_FALSE(e.calibrated);
  EXPECT_EQ(e.samples, 10u);
  EXPECT_NEAR(e.p50_ms, LatencyCalibration::kDefaultBaseMs + 1000 * LatencyCalibration::kDefaultMsPerUnit,
              1e-12);
  // Many samples at one cost teach no line: still the default.
  for (int i = 0; i < 100; ++i) c.record(1000, 0.5);
  EXPECT_FALSE(c.estimate(1000).calibrated);
}

TEST(LatencyCalibration, LearnsTheOverheadAndTheCostPerUnitAndTheSpread) {
  // ms = 0.05 + 0.001 · cost, with ±10% multiplicative noise.
  LatencyCalibration c;
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> noise(0.9, 1.1);
  std::uniform_real_distribution<double> log_cost(std::log(1.0), std::log(1e6));
  for (int i = 0; i < 2000; ++i) {
    double cost = std::exp(log_cost(rng));
    c.record(cost, (0.05 + 0.001 * cost) * noise(rng));
  }
  LatencyEstimate e = c.estimate(1e4);
  ASSERT_TRUE(e.calibrated);
  EXPECT_NEAR(e.base_ms, 0.05, 0.005);
  EXPECT_NEAR(e.ms_per_unit, 0.001, 0.0001);
  double truth = 0.05 + 0.001 * 1e4;
  EXPECT_NEAR(e.p50_ms / truth, 1.0, 0.05);
  EXPECT_GT(e.p95_ms, e.p50_ms);
  EXPECT_LT(e.p95_ms / truth, 1.15);  // the noise is ±10%
  EXPECT_GE(e.coverage, 0.9);  // in-sample, per neighbourhood of 64
  EXPECT_LT(e.median_error, 0.1);
  // The overhead dominates cheap statements.
  EXPECT_NEAR(c.estimate(0).p50_ms, 0.05, 0.005);
  EXPECT_GE(c.estimate(1e5).p95_ms, e.p95_ms);
}

TEST(LatencyCalibration, IgnoresMeaninglessObservationsAndKeepsSomeOfEveryBand) {
  LatencyCalibration c;
  c.record(-1, 1);
  c.record(10, 0);
  c.record(std::nan(""), 1);
  EXPECT_EQ(c.samples(), 0u);
  // Expensive statements, then a flood of cheap ones (cost 3: one band).
  for (int i = 0; i < 40; ++i) c.record(1e6 + i, 100);
  for (int i = 0; i < 10000; ++i) c.record(3, 0.01);
  EXPECT_EQ(c.samples(), 40 + LatencyCalibration::kPerBand);
  // What the expensive ones taught is still there.
  EXPECT_NEAR(c.estimate(1e6).p50_ms, 100, 10);
  EXPECT_NEAR(c.estimate(3).p50_ms, 0.01, 0.002);
}

TEST(ActualCost, CountsWhatTheOperatorsReallyDid) {
  testing::TestDatabase tdb(testing::Backend::kSqlite);
  auto store = tdb.open();
  GraphStore::migrate(*store);
  auto db = Database::open(*store, "g");
  db->execute("UNWIND range(1, 100) AS i CREATE (:P {i: i})");
  QueryResult all = db->execute("MATCH (p:P) RETURN count(*)");
  QueryResult some = db->execute("MATCH (p:P) WHERE p.i <= 10 RETURN count(*)");
  EXPECT_GT(all.actual_cost, 100);  // a scan of 100 nodes
  EXPECT_GT(some.actual_cost, all.actual_cost);  // the same scan, and a filter
  EXPECT_LT(all.estimated_cost, 0);              // v1 does not estimate
  QueryOptions v2;
  v2.planner = PlannerVersion::kV2;
  QueryResult est = db->explain("MATCH (p:P) RETURN count(*)", {}, v2);
  EXPECT_NEAR(est.estimated_cost / all.actual_cost, 1.0, 0.5);
  // EXPLAIN lists the operators too, with their estimates.
  bool scan = false;
  for (const auto& op : est.profile) scan |= op.name == "NodeByLabelScan" && op.estimated_rows == 100;
  EXPECT_TRUE(scan) << est.plan;
  // Executed statements calibrate the dataset's latency model.
  for (int i = 0; i < 40; ++i) db->execute(i % 2 ? "MATCH (p:P) RETURN count(*)" : "RETURN 1");
  EXPECT_TRUE(db->estimateLatency(100).calibrated);
}

}  // namespace
}  // namespace maestro::engine
