#include "engine/graph/graph.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <set>
#include <tuple>

#include "common/error.h"
#include "engine/graph/graph_dump.h"

namespace maestro::engine {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

using Adj = std::tuple<RelId, NodeId, bool>;

class GraphTest : public ::testing::Test {
 protected:
  LabelId label(const std::string& name) { return g_.catalog().labels().intern(name); }
  RelTypeId type(const std::string& name) { return g_.catalog().relTypes().intern(name); }
  PropKeyId key(const std::string& name) { return g_.catalog().propertyKeys().intern(name); }

  Properties props(std::initializer_list<std::pair<std::string, Value>> kv) {
    Properties p;
    for (const auto& [k, v] : kv) p.set(key(k), v);
    return p;
  }

  std::vector<Adj> adjacent(NodeId n, Dir dir, std::vector<RelTypeId> types = {}) {
    std::vector<Adj> out;
    g_.forEachAdjacent(n, dir, types, [&](const Adjacent& a) {
      out.emplace_back(a.rel, a.other, a.outgoing);
      return true;
    });
    std::sort(out.begin(), out.end());
    return out;
  }

  Graph g_;
};

// ---- Properties -----------------------------------------------------------------

TEST(PropertiesTest, SetGetRemoveKeepsKeysSorted) {
  Properties p;
  EXPECT_TRUE(p.set(5, Value(1)).isNull());
  EXPECT_TRUE(p.set(2, Value("x")).isNull());
  EXPECT_TRUE(p.set(9, Value(2.5)).isNull());
  ASSERT_EQ(p.size(), 3u);
  EXPECT_EQ(p.entries()[0].first, 2u);
  EXPECT_EQ(p.entries()[2].first, 9u);
  Value old = p.set(5, Value(7));
  EXPECT_EQ(old.asInt(), 1);
  EXPECT_EQ(p.get(5)->asInt(), 7);
  old = p.set(2, Value());
  EXPECT_EQ(old.asString(), "x");
  EXPECT_EQ(p.get(2), nullptr);
  EXPECT_TRUE(p.set(3, Value()).isNull());  // removing an absent key
  EXPECT_EQ(p.size(), 2u);
  p.clear();
  EXPECT_TRUE(p.empty());
}

// ---- nodes, relationships, tombstones --------------------------------------------

TEST_F(GraphTest, NodesGetDenseIdsAndStayTombstonesWhenRemoved) {
  NodeId a = g_.addNode({}, {});
  NodeId b = g_.addNode({label("A")}, props({{"x", Value(1)}}));
  NodeId c = g_.addNode({}, {});
  EXPECT_EQ(a, 0u);
  EXPECT_EQ(b, 1u);
  EXPECT_EQ(c, 2u);
  EXPECT_EQ(g_.nodeCount(), 3u);
  g_.removeNode(b);
  EXPECT_FALSE(g_.nodeAlive(b));
  EXPECT_EQ(g_.nodeCount(), 2u);
  EXPECT_EQ(g_.nodeIdLimit(), 3u);
  EXPECT_EQ(g_.addNode({}, {}), 3u);  // ids are not reused
  std::vector<NodeId> seen;
  g_.forEachNode([&](NodeId n) {
    seen.push_back(n);
    return true;
  });
  EXPECT_THAT(seen, ElementsAre(0, 2, 3));
  EXPECT_FALSE(g_.nodeAlive(99));
  EXPECT_FALSE(g_.hasLabel(b, label("A")));
}

TEST_F(GraphTest, ForEachStopsWhenAsked) {
  for (int i = 0; i < 5; ++i) g_.addNode({}, {});
  int calls = 0;
  g_.forEachNode([&](NodeId) { return ++calls < 2; });
  EXPECT_EQ(calls, 2);
}

TEST_F(GraphTest, PutNodeLeavesTombstonesInBetween) {
  g_.putNode(4, {label("A")}, {});
  EXPECT_EQ(g_.nodeIdLimit(), 5u);
  EXPECT_EQ(g_.nodeCount(), 1u);
  EXPECT_FALSE(g_.nodeAlive(2));
  EXPECT_TRUE(g_.nodeAlive(4));
  g_.putNode(2, {}, {});
  EXPECT_TRUE(g_.nodeAlive(2));
  EXPECT_THROW(g_.putNode(2, {}, {}), Error);  // id in use
}

TEST_F(GraphTest, LabelsAreSortedAndUnique) {
  LabelId b = label("B");
  LabelId a = label("A");
  NodeId n = g_.addNode({a, b, a}, {});
  EXPECT_THAT(g_.node(n).labels, ElementsAre(b, a));  // ids: B=0, A=1
  EXPECT_TRUE(g_.hasLabel(n, a));
  EXPECT_FALSE(g_.addLabel(n, a));
  LabelId c = label("C");
  EXPECT_TRUE(g_.addLabel(n, c));
  EXPECT_THAT(g_.node(n).labels, ElementsAre(b, a, c));
  EXPECT_TRUE(g_.removeLabel(n, a));
  EXPECT_FALSE(g_.removeLabel(n, a));
  EXPECT_THAT(g_.node(n).labels, ElementsAre(b, c));
}

TEST_F(GraphTest, RelationshipsAndTheirRecords) {
  NodeId a = g_.addNode({}, {});
  NodeId b = g_.addNode({}, {});
  RelId r = g_.addRel(type("T"), a, b, props({{"w", Value(3)}}));
  EXPECT_TRUE(g_.relAlive(r));
  EXPECT_EQ(g_.rel(r).src, a);
  EXPECT_EQ(g_.rel(r).dst, b);
  EXPECT_EQ(g_.rel(r).properties.get(key("w"))->asInt(), 3);
  EXPECT_EQ(g_.relCount(), 1u);
  g_.removeRel(r);
  EXPECT_FALSE(g_.relAlive(r));
  // type(r) of a deleted relationship still answers.
  EXPECT_EQ(g_.rel(r).type, type("T"));
  EXPECT_EQ(g_.relCount(), 0u);
  EXPECT_EQ(g_.relIdLimit(), 1u);
  EXPECT_THROW(g_.addRel(type("T"), a, 77, {}), Error);
}

TEST_F(GraphTest, RemovingAConnectedNodeIsRefused) {
  NodeId a = g_.addNode({}, {});
  NodeId b = g_.addNode({}, {});
  g_.addRel(type("T"), a, b, {});
  EXPECT_THROW(g_.removeNode(a), Error);
  EXPECT_TRUE(g_.nodeAlive(a));
}

TEST_F(GraphTest, NodeAndRelProperties) {
  NodeId n = g_.addNode({}, {});
  EXPECT_TRUE(g_.setNodeProperty(n, key("a"), Value(1)).isNull());
  EXPECT_EQ(g_.setNodeProperty(n, key("a"), Value(2)).asInt(), 1);
  EXPECT_EQ(g_.setNodeProperty(n, key("a"), Value()).asInt(), 2);
  EXPECT_TRUE(g_.node(n).properties.empty());
  RelId r = g_.addRel(type("T"), n, n, {});
  EXPECT_TRUE(g_.setRelProperty(r, key("b"), Value("x")).isNull());
  EXPECT_EQ(g_.rel(r).properties.get(key("b"))->asString(), "x");
}

// ---- label lists -------------------------------------------------------------------

TEST_F(GraphTest, NodesWithLabelAreLiveAndInIdOrder) {
  LabelId a = label("A");
  std::vector<NodeId> ids;
  for (int i = 0; i < 10; ++i)
    ids.push_back(g_.addNode(i % 2 == 0 ? std::vector{a} : std::vector<LabelId>{}, {}));
  EXPECT_THAT(g_.nodesWithLabel(a), ElementsAre(0, 2, 4, 6, 8));
  EXPECT_EQ(g_.labelCount(a), 5u);
  // Added out of order: still reported in id order.
  g_.addLabel(7, a);
  g_.addLabel(1, a);
  EXPECT_THAT(g_.nodesWithLabel(a), ElementsAre(0, 1, 2, 4, 6, 7, 8));
  // Removed, deleted, removed and re-added: filtered and not duplicated.
  g_.removeLabel(2, a);
  g_.removeNode(4);
  g_.removeLabel(6, a);
  g_.addLabel(6, a);
  EXPECT_THAT(g_.nodesWithLabel(a), ElementsAre(0, 1, 6, 7, 8));
  EXPECT_EQ(g_.labelCount(a), 5u);
  EXPECT_THAT(g_.nodesWithLabel(label("Unused")), IsEmpty());
  EXPECT_THAT(g_.nodesWithLabel(12345), IsEmpty());
  EXPECT_EQ(g_.labelCount(12345), 0u);
}

TEST_F(GraphTest, LabelListsSurviveHeavyChurn) {
  LabelId a = label("A");
  const int n = 3000;
  for (int i = 0; i < n; ++i) g_.addNode({}, {});
  std::set<NodeId> expected;
  // Reverse order (every add goes to the unsorted tail) with removals and
  // re-additions, enough to trigger tail folding and stale compaction.
  for (int i = n - 1; i >= 0; --i) {
    g_.addLabel(i, a);
    expected.insert(i);
  }
  for (int i = 0; i < n; i += 3) {
    g_.removeLabel(i, a);
    expected.erase(i);
  }
  for (int i = 0; i < n; i += 2) {
    g_.removeLabel(i, a);
    expected.erase(i);
  }
  for (int i = 0; i < n; i += 6) {
    g_.addLabel(i, a);
    expected.insert(i);
  }
  std::vector<NodeId> want(expected.begin(), expected.end());
  EXPECT_EQ(g_.nodesWithLabel(a), want);
  EXPECT_EQ(g_.labelCount(a), want.size());
}

// ---- adjacency ----------------------------------------------------------------------

class AdjacencyTest : public GraphTest, public ::testing::WithParamInterface<bool> {
 protected:
  // a -T-> b, a -U-> b, b -T-> a, a -T-> a (self-loop), c isolated.
  void build() {
    t_ = type("T");
    u_ = type("U");
    a_ = g_.addNode({}, {});
    b_ = g_.addNode({}, {});
    c_ = g_.addNode({}, {});
    r_ab_t_ = g_.addRel(t_, a_, b_, {});
    r_ab_u_ = g_.addRel(u_, a_, b_, {});
    r_ba_t_ = g_.addRel(t_, b_, a_, {});
    r_aa_t_ = g_.addRel(t_, a_, a_, {});
    if (GetParam()) g_.compact();
  }
  RelTypeId t_, u_;
  NodeId a_, b_, c_;
  RelId r_ab_t_, r_ab_u_, r_ba_t_, r_aa_t_;
};

TEST_P(AdjacencyTest, AllDirectionsAndTypeFilters) {
  build();
  EXPECT_THAT(
      adjacent(a_, Dir::kOut),
      UnorderedElementsAre(Adj{r_ab_t_, b_, true}, Adj{r_ab_u_, b_, true}, Adj{r_aa_t_, a_, true}));
  EXPECT_THAT(adjacent(a_, Dir::kIn),
              UnorderedElementsAre(Adj{r_ba_t_, b_, false}, Adj{r_aa_t_, a_, false}));
  // kBoth reports the self-loop once.
  EXPECT_THAT(adjacent(a_, Dir::kBoth),
              UnorderedElementsAre(Adj{r_ab_t_, b_, true}, Adj{r_ab_u_, b_, true},
                                   Adj{r_aa_t_, a_, true}, Adj{r_ba_t_, b_, false}));
  EXPECT_THAT(adjacent(a_, Dir::kOut, {u_}), ElementsAre(Adj{r_ab_u_, b_, true}));
  EXPECT_THAT(adjacent(a_, Dir::kBoth, {t_}),
              UnorderedElementsAre(Adj{r_ab_t_, b_, true}, Adj{r_aa_t_, a_, true},
                                   Adj{r_ba_t_, b_, false}));
  // A repeated type in the filter does not repeat results.
  EXPECT_THAT(adjacent(a_, Dir::kOut, {u_, u_}), ElementsAre(Adj{r_ab_u_, b_, true}));
  EXPECT_THAT(adjacent(a_, Dir::kOut, {u_, t_}).size(), 3u);
  RelTypeId v = type("V");
  EXPECT_THAT(adjacent(a_, Dir::kBoth, {v}), IsEmpty());
  EXPECT_THAT(adjacent(b_, Dir::kIn, {t_}), ElementsAre(Adj{r_ab_t_, a_, false}));
  EXPECT_THAT(adjacent(c_, Dir::kBoth), IsEmpty());
  EXPECT_THAT(adjacent(99, Dir::kBoth), IsEmpty());
}

TEST_P(AdjacencyTest, DegreesCountLiveEntries) {
  build();
  std::vector<RelTypeId> t{t_};
  std::vector<RelTypeId> u{u_};
  EXPECT_EQ(g_.degree(a_, Dir::kOut, {}), 3u);
  EXPECT_EQ(g_.degree(a_, Dir::kIn, {}), 2u);
  EXPECT_EQ(g_.degree(a_, Dir::kBoth, {}), 4u);
  EXPECT_EQ(g_.degree(a_, Dir::kBoth, t), 3u);
  EXPECT_EQ(g_.degree(a_, Dir::kOut, u), 1u);
  EXPECT_EQ(g_.degree(c_, Dir::kBoth, {}), 0u);
  g_.removeRel(r_aa_t_);
  g_.removeRel(r_ab_u_);
  EXPECT_EQ(g_.degree(a_, Dir::kOut, {}), 1u);
  EXPECT_EQ(g_.degree(a_, Dir::kBoth, {}), 2u);
  EXPECT_EQ(g_.degree(a_, Dir::kOut, u), 0u);
  EXPECT_THAT(adjacent(a_, Dir::kBoth),
              UnorderedElementsAre(Adj{r_ab_t_, b_, true}, Adj{r_ba_t_, b_, false}));
}

TEST_P(AdjacencyTest, DeltaAfterCompactionAndRevival) {
  build();
  RelId r_new = g_.addRel(u_, b_, c_, {});
  EXPECT_THAT(adjacent(b_, Dir::kOut),
              UnorderedElementsAre(Adj{r_ba_t_, a_, true}, Adj{r_new, c_, true}));
  EXPECT_THAT(adjacent(c_, Dir::kIn, {u_}), ElementsAre(Adj{r_new, b_, false}));
  // Remove and put back (what a rollback does): entries come back once.
  RelRecord old = g_.rel(r_ab_t_);
  g_.removeRel(r_ab_t_);
  EXPECT_THAT(adjacent(b_, Dir::kIn, {t_}), IsEmpty());
  g_.putRel(r_ab_t_, old.type, old.src, old.dst, {});
  EXPECT_THAT(adjacent(b_, Dir::kIn, {t_}), ElementsAre(Adj{r_ab_t_, a_, false}));
  std::string before = testing::dumpGraph(g_);
  g_.compact();
  EXPECT_EQ(testing::dumpGraph(g_), before);
}

TEST_P(AdjacencyTest, StopsWhenTheCallbackSaysSo) {
  build();
  int calls = 0;
  g_.forEachAdjacent(a_, Dir::kBoth, {}, [&](const Adjacent&) { return ++calls < 2; });
  EXPECT_EQ(calls, 2);
}

INSTANTIATE_TEST_SUITE_P(BeforeAndAfterCompact, AdjacencyTest, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "Compacted" : "Delta"; });

TEST_F(GraphTest, AutomaticCompactionKeepsAdjacencyIntact) {
  RelTypeId t = type("T");
  RelTypeId u = type("U");
  const int n = 200;
  for (int i = 0; i < n; ++i) g_.addNode({}, {});
  // Enough relationships to trigger several automatic compactions, with
  // deletions mixed in (tombstones in the CSR, removals from the delta).
  std::vector<std::tuple<RelId, NodeId, NodeId, RelTypeId>> rels;
  uint64_t x = 12345;
  auto next = [&] {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    return x >> 33;
  };
  for (int i = 0; i < 20000; ++i) {
    NodeId s = next() % n;
    NodeId d = next() % n;
    RelTypeId ty = next() % 2 ? t : u;
    rels.emplace_back(g_.addRel(ty, s, d, {}), s, d, ty);
    if (i % 3 == 0) {
      size_t k = next() % rels.size();
      g_.removeRel(std::get<0>(rels[k]));
      rels.erase(rels.begin() + static_cast<std::ptrdiff_t>(k));
    }
  }
  EXPECT_EQ(g_.relCount(), rels.size());
  for (NodeId node = 0; node < static_cast<NodeId>(n); ++node) {
    std::vector<Adj> out;
    std::vector<Adj> in_u;
    for (const auto& [r, s, d, ty] : rels) {
      if (s == node) out.emplace_back(r, d, true);
      if (d == node && ty == u) in_u.emplace_back(r, s, false);
    }
    std::sort(out.begin(), out.end());
    std::sort(in_u.begin(), in_u.end());
    ASSERT_EQ(adjacent(node, Dir::kOut), out) << node;
    ASSERT_EQ(adjacent(node, Dir::kIn, {u}), in_u) << node;
    ASSERT_EQ(g_.degree(node, Dir::kOut, {}), out.size());
  }
}

TEST_F(GraphTest, ShrinkIdLimitsHandsIdsOutAgain) {
  NodeId a = g_.addNode({}, {});
  NodeId b = g_.addNode({}, {});
  RelId r = g_.addRel(type("T"), a, b, {});
  g_.compact();  // r's entries are now in the CSR
  g_.removeRel(r);
  g_.removeNode(b);
  g_.shrinkIdLimits(1, 0);
  EXPECT_EQ(g_.nodeIdLimit(), 1u);
  EXPECT_EQ(g_.relIdLimit(), 0u);
  NodeId c = g_.addNode({}, {});
  EXPECT_EQ(c, 1u);
  RelId r2 = g_.addRel(type("T"), c, a, {});
  EXPECT_EQ(r2, 0u);
  EXPECT_THAT(adjacent(a, Dir::kOut), IsEmpty());
  EXPECT_THAT(adjacent(a, Dir::kIn), ElementsAre(Adj{r2, c, false}));
  EXPECT_THROW(g_.shrinkIdLimits(0, 0), Error);  // live ids above the limit
}

TEST_F(GraphTest, RaiseIdLimitsLeavesTombstones) {
  NodeId a = g_.addNode({}, {});
  g_.raiseIdLimits(10, 5);
  EXPECT_EQ(g_.nodeIdLimit(), 10u);
  EXPECT_EQ(g_.relIdLimit(), 5u);
  EXPECT_EQ(g_.nodeCount(), 1u);
  EXPECT_EQ(g_.relCount(), 0u);
  g_.raiseIdLimits(3, 2);  // never lowers
  EXPECT_EQ(g_.nodeIdLimit(), 10u);
  EXPECT_EQ(g_.addNode({}, {}), 10u);
  EXPECT_EQ(g_.addRel(type("T"), a, 10, {}), 5u);
  g_.compact();
  EXPECT_THAT(adjacent(a, Dir::kOut), ElementsAre(Adj{5, 10, true}));
}

// ---- property indexes -------------------------------------------------------------

class IndexTest : public GraphTest {
 protected:
  void SetUp() override {
    person_ = label("Person");
    age_ = key("age");
    name_ = key("name");
  }
  const PropertyIndex& index() { return *g_.index(person_, age_); }
  std::vector<NodeId> sorted(std::vector<NodeId> v) {
    std::sort(v.begin(), v.end());
    return v;
  }
  LabelId person_;
  PropKeyId age_;
  PropKeyId name_;
};

TEST_F(IndexTest, EqualityFollowsCypherEquality) {
  NodeId n1 = g_.addNode({person_}, props({{"age", Value(1)}}));
  NodeId n2 = g_.addNode({person_}, props({{"age", Value(1.0)}}));
  NodeId n3 = g_.addNode({person_}, props({{"age", Value("1")}}));
  NodeId n4 = g_.addNode({}, props({{"age", Value(1)}}));  // no label: not indexed
  NodeId n5 = g_.addNode({person_}, props({{"age", Value(std::nan(""))}}));
  NodeId n6 = g_.addNode({person_}, props({{"age", Value(ValueList{Value(1), Value(2)})}}));
  g_.createIndex({"by_age", person_, age_});
  EXPECT_THAT(index().equal(Value(1)), ElementsAre(n1, n2));
  EXPECT_THAT(index().equal(Value(1.0)), ElementsAre(n1, n2));
  EXPECT_THAT(index().equal(Value("1")), ElementsAre(n3));
  EXPECT_THAT(index().equal(Value(2)), IsEmpty());
  EXPECT_THAT(index().equal(Value()), IsEmpty());
  EXPECT_THAT(index().equal(Value(std::nan(""))), IsEmpty());  // NaN = NaN is false
  EXPECT_THAT(index().equal(Value(ValueList{Value(1.0), Value(2.0)})), ElementsAre(n6));
  EXPECT_EQ(index().size(), 5u);
  EXPECT_EQ(index().distinctValues(), 4u);
  (void)n4;
  (void)n5;
}

TEST_F(IndexTest, LargeIntegersAreNotConfusedWithNearbyFloats) {
  int64_t big = (int64_t{1} << 53) + 1;
  g_.createIndex({"by_age", person_, age_});
  NodeId a = g_.addNode({person_}, props({{"age", Value(big)}}));
  NodeId b = g_.addNode({person_}, props({{"age", Value(static_cast<double>(int64_t{1} << 53))}}));
  EXPECT_THAT(index().equal(Value(big)), ElementsAre(a));
  EXPECT_THAT(index().equal(Value(int64_t{1} << 53)), ElementsAre(b));
}

TEST_F(IndexTest, RangesStayWithinTheBoundsKind) {
  g_.createIndex({"by_age", person_, age_});
  NodeId i10 = g_.addNode({person_}, props({{"age", Value(10)}}));
  NodeId f15 = g_.addNode({person_}, props({{"age", Value(15.5)}}));
  NodeId i20 = g_.addNode({person_}, props({{"age", Value(20)}}));
  NodeId f20 = g_.addNode({person_}, props({{"age", Value(20.0)}}));
  NodeId s = g_.addNode({person_}, props({{"age", Value("30")}}));
  NodeId t = g_.addNode({person_}, props({{"age", Value(true)}}));
  NodeId nan = g_.addNode({person_}, props({{"age", Value(std::nan(""))}}));
  NodeId l = g_.addNode({person_}, props({{"age", Value(ValueList{Value(1)})}}));
  const auto& idx = index();
  EXPECT_EQ(sorted(idx.range(Value(10), true, Value(20), true)),
            (std::vector<NodeId>{i10, f15, i20, f20}));
  EXPECT_EQ(sorted(idx.range(Value(10), false, Value(20), false)), (std::vector<NodeId>{f15}));
  EXPECT_EQ(sorted(idx.range(Value(20.0), true, std::nullopt, false)),
            (std::vector<NodeId>{i20, f20}));
  EXPECT_EQ(sorted(idx.range(std::nullopt, false, Value(15.5), false)), (std::vector<NodeId>{i10}));
  EXPECT_EQ(sorted(idx.range(std::nullopt, false, Value(1e300), true)),
            (std::vector<NodeId>{i10, f15, i20, f20}));  // no NaN, no strings
  EXPECT_EQ(idx.range(Value(""), true, std::nullopt, false), (std::vector<NodeId>{s}));
  EXPECT_EQ(idx.range(Value("4"), true, std::nullopt, false), (std::vector<NodeId>{}));
  EXPECT_EQ(idx.range(Value(false), false, std::nullopt, false), (std::vector<NodeId>{t}));
  EXPECT_EQ(idx.range(Value(ValueList{}), false, std::nullopt, false), (std::vector<NodeId>{l}));
  // Bounds of different kinds, null and NaN bounds, no bounds: nothing.
  EXPECT_THAT(idx.range(Value(1), true, Value("z"), true), IsEmpty());
  EXPECT_THAT(idx.range(Value(), true, std::nullopt, false), IsEmpty());
  EXPECT_THAT(idx.range(Value(std::nan("")), true, std::nullopt, false), IsEmpty());
  EXPECT_THAT(idx.range(std::nullopt, false, std::nullopt, false), IsEmpty());
  EXPECT_THAT(idx.range(Value(30), true, Value(10), true), IsEmpty());
  (void)nan;
}

TEST_F(IndexTest, MaintainedOnEveryMutation) {
  NodeId a = g_.addNode({person_}, props({{"age", Value(30)}}));
  NodeId b = g_.addNode({}, props({{"age", Value(30)}}));
  g_.createIndex({"by_age", person_, age_});
  EXPECT_THAT(index().equal(Value(30)), ElementsAre(a));
  // Label added / removed.
  g_.addLabel(b, person_);
  EXPECT_THAT(index().equal(Value(30)), ElementsAre(a, b));
  g_.removeLabel(a, person_);
  EXPECT_THAT(index().equal(Value(30)), ElementsAre(b));
  // Property changed / removed / set.
  g_.setNodeProperty(b, age_, Value(31.0));
  EXPECT_THAT(index().equal(Value(30)), IsEmpty());
  EXPECT_THAT(index().equal(Value(31)), ElementsAre(b));
  g_.setNodeProperty(b, age_, Value());
  EXPECT_THAT(index().equal(Value(31)), IsEmpty());
  EXPECT_EQ(index().size(), 0u);
  EXPECT_EQ(index().distinctValues(), 0u);
  g_.setNodeProperty(b, age_, Value(40));
  // Another key does not touch the index.
  g_.setNodeProperty(b, name_, Value("x"));
  // Node added / removed.
  NodeId c = g_.addNode({person_, label("Other")}, props({{"age", Value(40)}}));
  EXPECT_THAT(index().equal(Value(40)), ElementsAre(b, c));
  g_.removeNode(b);
  EXPECT_THAT(index().equal(Value(40)), ElementsAre(c));
  EXPECT_THAT(index().range(Value(0), true, std::nullopt, false), ElementsAre(c));
  EXPECT_EQ(index().size(), 1u);
  g_.putNode(b, {person_}, props({{"age", Value(40)}}));
  EXPECT_THAT(index().equal(Value(40)), ElementsAre(b, c));
}

TEST_F(IndexTest, CreateAndDropGoThroughTheCatalog) {
  g_.addNode({person_}, props({{"age", Value(1)}}));
  g_.createIndex({"by_age", person_, age_});
  ASSERT_NE(g_.catalog().findIndexByName("by_age"), nullptr);
  g_.createIndex({"by_age", person_, age_});  // the same index again: no-op
  EXPECT_EQ(g_.catalog().indexes().size(), 1u);
  EXPECT_THROW(g_.createIndex({"other", person_, age_}), Error);
  EXPECT_EQ(g_.index(person_, name_), nullptr);
  g_.dropIndex("by_age");
  EXPECT_EQ(g_.index(person_, age_), nullptr);
  EXPECT_EQ(g_.catalog().findIndexByName("by_age"), nullptr);
  g_.dropIndex("by_age");  // absent: no-op
}

TEST_F(GraphTest, MemoryUsageGrowsWithContent) {
  size_t empty = g_.memoryUsage();
  for (int i = 0; i < 1000; ++i) {
    g_.addNode({label("A")}, props({{"name", Value(std::string(40, 'x'))}}));
  }
  size_t with_nodes = g_.memoryUsage();
  EXPECT_GT(with_nodes, empty + 1000 * (sizeof(NodeRecord) + 40));
  for (int i = 0; i < 999; ++i) g_.addRel(type("T"), i, i + 1, {});
  g_.compact();
  EXPECT_GT(g_.memoryUsage(), with_nodes + 999 * (sizeof(RelRecord) + 32));
}

}  // namespace
}  // namespace maestro::engine
