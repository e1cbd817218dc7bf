// The estimator's building blocks: HyperLogLog, equi-depth histograms,
// most common values, tails, degree distributions and their persistence.
#include "engine/stats/statistics.h"

#include <gtest/gtest.h>

#include <cmath>

#include "engine/graph/change_set.h"
#include "engine/stats/stats_store.h"
#include "engine/storage/graph_store.h"
#include "testing/test_stores.h"

namespace maestro::engine::stats {
namespace {

TEST(HyperLogLog, EstimatesDistinctCountsWithinAFewPercent) {
  for (int n : {10, 1000, 100000}) {
    HyperLogLog h;
    for (int i = 0; i < n; ++i) {
      h.add(Value(int64_t{i}));
      h.add(Value(int64_t{i}));  // repeats do not count
    }
    EXPECT_NEAR(h.estimate(), n, std::max(1.0, 0.05 * n)) << n;
  }
}

TEST(HyperLogLog, MergesAndRoundTripsThroughHex) {
  HyperLogLog a, b;
  for (int i = 0; i < 5000; ++i) a.add(Value("a" + std::to_string(i)));
  for (int i = 0; i < 5000; ++i) b.add(Value("b" + std::to_string(i)));
  a.merge(b);
  EXPECT_NEAR(a.estimate(), 10000, 500);
  EXPECT_DOUBLE_EQ(HyperLogLog::fromHex(a.toHex()).estimate(), a.estimate());
  EXPECT_THROW(HyperLogLog::fromHex("zz"), Error);
}

TEST(Histogram, InterpolatesInsideEquiDepthBuckets) {
  std::vector<Value> sorted;
  for (int i = 0; i < 1000; ++i) sorted.emplace_back(int64_t{i});
  Histogram h = Histogram::build(sorted, 10);
  ASSERT_EQ(h.bounds.size(), 11u);
  EXPECT_NEAR(h.fractionBelow(Value(int64_t{250}), false), 0.25, 0.01);
  EXPECT_EQ(h.fractionBelow(Value(int64_t{-5}), true), 0);
  EXPECT_EQ(h.fractionBelow(Value(int64_t{5000}), true), 1);
  EXPECT_EQ(h.fractionBelow(Value("text"), true), 0);  // another kind
}

// A label with a skewed property: 60% "US", a rare flag, a tail of values.
std::unique_ptr<Graph> skewedGraph() {
  auto g = std::make_unique<Graph>();
  Catalog& c = g->catalog();
  LabelId person = c.labels().intern("Person");
  LabelId city = c.labels().intern("City");
  PropKeyId nat = c.propertyKeys().intern("nat");
  PropKeyId score = c.propertyKeys().intern("score");
  RelTypeId lives = c.relTypes().intern("LIVES_IN");
  std::vector<NodeId> people;
  for (int i = 0; i < 10000; ++i) {
    Properties p;
    p.set(nat, Value(i % 10 < 6 ? std::string("US") : "C" + std::to_string(i % 97)));
    // 0.9 · (i/10000)², plus ten people above 0.95.
    double u = static_cast<double>(i) / 10000.0;
    p.set(score, Value(i % 1000 == 7 ? 0.96 + u / 100 : 0.9 * u * u));
    people.push_back(g->addNode({person}, std::move(p)));
  }
  NodeId hub = g->addNode({city}, {});
  NodeId small = g->addNode({city}, {});
  for (size_t i = 0; i < people.size(); ++i) {
    g->addRel(lives, people[i], i % 100 == 0 ? small : hub, {});
  }
  return g;
}

TEST(Statistics, MostCommonValuesAndRareValues) {
  auto g = skewedGraph();
  auto s = computeStatistics(*g, 1, 0);
  EXPECT_EQ(s->labelCount("Person"), 10000);
  const PropertyStats* nat = s->nodeProperty("Person", "nat");
  ASSERT_NE(nat, nullptr);
  EXPECT_NEAR(nat->equalsSelectivity(Value("US")), 0.6, 1e-9);        // an MCV: exact
  EXPECT_NEAR(nat->equalsSelectivity(Value("C3")) * 10000, 41, 30);  // a rare one: near
  EXPECT_LT(nat->equalsSelectivity(Value("ZZ")), 0.001);            // beyond the values seen
  EXPECT_EQ(nat->nullFraction(), 0);
  EXPECT_NEAR(nat->ndv, 98, 5);
}

TEST(Statistics, FewDistinctValuesAreAllListed) {
  // 70/25/5%: the rare class is an MCV too, so its frequency is exact
  // (regression: it was estimated from what the listed values left over).
  Graph g;
  LabelId doc = g.catalog().labels().intern("Doc");
  PropKeyId cls = g.catalog().propertyKeys().intern("cls");
  for (int i = 0; i < 1000; ++i) {
    Properties p;
    p.set(cls, Value(i % 20 < 14 ? "U" : i % 20 < 19 ? "C" : "S"));
    g.addNode({doc}, std::move(p));
  }
  auto s = computeStatistics(g, 1, 0);
  EXPECT_NEAR(s->nodeProperty("Doc", "cls")->equalsSelectivity(Value("S")), 0.05, 1e-9);
  EXPECT_NEAR(s->nodeProperty("Doc", "cls")->equalsSelectivity(Value("C")), 0.25, 1e-9);
}

TEST(Statistics, RareExtremesAreCountedFromTheTail) {
  auto g = skewedGraph();
  auto s = computeStatistics(*g, 1, 0);
  const PropertyStats* score = s->nodeProperty("Person", "score");
  ASSERT_NE(score, nullptr);
  double sel = score->rangeSelectivity(Value(0.95), false, std::nullopt, false);
  EXPECT_NEAR(sel * 10000, 10, 1);  // ten people above 0.95, not a bucket's share
  double half = score->rangeSelectivity(std::nullopt, false, Value(0.225), true);
  EXPECT_NEAR(half, 0.5, 0.05);  // 0.9·u² ≤ 0.225 ⇔ u ≤ 0.5
}

TEST(Statistics, DegreeDistributionsFindTheHubs) {
  auto g = skewedGraph();
  auto s = computeStatistics(*g, 1, 0);
  const DegreeStats* in = s->degree("LIVES_IN", Dir::kIn, "City");
  ASSERT_NE(in, nullptr);
  EXPECT_EQ(in->nodes, 2);
  EXPECT_EQ(in->max, 9900);
  ASSERT_FALSE(in->hubs.empty());
  EXPECT_EQ(in->hubs.front().second, 9900);
  EXPECT_EQ(in->hubDegree(in->hubs.front().first), 9900);
  const DegreeStats* out = s->degree("LIVES_IN", Dir::kOut, "Person");
  ASSERT_NE(out, nullptr);
  EXPECT_DOUBLE_EQ(out->avg, 1.0);
  EXPECT_EQ(out->p50, 1);
  EXPECT_NEAR(out->other_labels.at("City"), 1.0, 1e-9);
  // A person reached from a city: the size-biased degree of cities is large.
  const DegreeStats* any_in = s->degree("LIVES_IN", Dir::kIn, "");
  ASSERT_NE(any_in, nullptr);
  EXPECT_GT(any_in->reachedDegree(), 9000);
}

TEST(Statistics, PersistAndLoadUnchanged) {
  testing::TestDatabase tdb(testing::Backend::kSqlite);
  auto store = tdb.open();
  GraphStore::migrate(*store);
  auto g = skewedGraph();
  auto s = computeStatistics(*g, 7, 1234);
  StatsStore ss(*store);
  EXPECT_EQ(ss.load("d1"), nullptr);
  ss.save("d1", "tenant-a", *s);
  auto back = ss.load("d1");
  ASSERT_NE(back, nullptr);
  EXPECT_EQ(back->version, 7);
  EXPECT_EQ(back->label_counts, s->label_counts);
  EXPECT_EQ(back->nodeProperty("Person", "nat")->equalsSelectivity(Value("US")),
            s->nodeProperty("Person", "nat")->equalsSelectivity(Value("US")));
  EXPECT_EQ(back->degree("LIVES_IN", Dir::kIn, "City")->hubs,
            s->degree("LIVES_IN", Dir::kIn, "City")->hubs);
  auto lease = store->acquire();
  auto row = lease->queryOne(
      "SELECT tenant_id, updated_at FROM selectivity_hist WHERE dataset_id = $1 AND attr = $2",
      {std::string("d1"), std::string("meta")});
  ASSERT_TRUE(row);
  EXPECT_EQ(row->text(0), "tenant-a");
  EXPECT_EQ(row->integer(1), 1234);
}

}  // namespace
}  // namespace maestro::engine::stats
