#include "tck/side_effects.h"

#include <gtest/gtest.h>

namespace maestro::tck {
namespace {

using K = SideEffects;

GraphState twoNodes() {
  GraphState s;
  s.nodes = {1, 2};
  s.rels = {10};
  s.labels = {"A"};
  s.addNodeProperty(1, "name", TckValue::ofString("a"));
  s.addNodeProperty(2, "num", TckValue::ofInt(1));
  s.addRelProperty(10, "w", TckValue::ofFloat(0.5));
  return s;
}

TEST(SideEffects, NothingChangedIsNone) {
  SideEffects d = SideEffects::diff(twoNodes(), twoNodes());
  EXPECT_TRUE(d.none());
  EXPECT_EQ(d.toString(), "none");
}

TEST(SideEffects, CountsNodesAndRelationshipsById) {
  GraphState after = twoNodes();
  after.nodes.erase(2);
  after.nodes.insert({3, 4});
  after.rels.insert(11);
  SideEffects d = SideEffects::diff(twoNodes(), after);
  EXPECT_EQ(d.get(K::kAddedNodes), 2);
  EXPECT_EQ(d.get(K::kDeletedNodes), 1);
  EXPECT_EQ(d.get(K::kAddedRels), 1);
  EXPECT_EQ(d.get(K::kDeletedRels), 0);
}

TEST(SideEffects, LabelsCountDistinctNamesNotNodes) {
  GraphState before = twoNodes();
  GraphState after = twoNodes();
  // :B put on both nodes, :C on one, :A removed from every node.
  after.labels = {"B", "C"};
  SideEffects d = SideEffects::diff(before, after);
  EXPECT_EQ(d.get(K::kAddedLabels), 2);
  EXPECT_EQ(d.get(K::kDeletedLabels), 1);
  // A label a node already had elsewhere in the graph is no new label.
  GraphState more = twoNodes();
  more.nodes.insert(3);
  EXPECT_EQ(SideEffects::diff(before, more).get(K::kAddedLabels), 0);
}

TEST(SideEffects, PropertiesAreEntityKeyValueTriples) {
  GraphState before = twoNodes();
  GraphState changed;
  changed = twoNodes();
  changed.properties.clear();
  changed.addNodeProperty(1, "name", TckValue::ofString("b"));  // changed value
  changed.addNodeProperty(2, "num", TckValue::ofInt(1));        // same value
  changed.addRelProperty(10, "w", TckValue::ofFloat(0.5));
  changed.addRelProperty(10, "x", TckValue::ofBool(true));  // new key
  SideEffects d = SideEffects::diff(before, changed);
  EXPECT_EQ(d.get(K::kAddedProps), 2);
  EXPECT_EQ(d.get(K::kDeletedProps), 1);
  EXPECT_EQ(d.toString(), "+properties 2, -properties 1");

  // 1 → 1.0 is a different value for the TCK.
  GraphState retyped = twoNodes();
  retyped.properties.clear();
  retyped.addNodeProperty(1, "name", TckValue::ofString("a"));
  retyped.addNodeProperty(2, "num", TckValue::ofFloat(1.0));
  retyped.addRelProperty(10, "w", TckValue::ofFloat(0.5));
  d = SideEffects::diff(before, retyped);
  EXPECT_EQ(d.get(K::kAddedProps), 1);
  EXPECT_EQ(d.get(K::kDeletedProps), 1);

  // Moving a property between entities is one removal and one addition,
  // and node 1 and relationship 1 are different entities.
  GraphState a;
  a.addNodeProperty(1, "k", TckValue::ofInt(5));
  GraphState b;
  b.addRelProperty(1, "k", TckValue::ofInt(5));
  d = SideEffects::diff(a, b);
  EXPECT_EQ(d.get(K::kAddedProps), 1);
  EXPECT_EQ(d.get(K::kDeletedProps), 1);
}

TEST(SideEffects, KeysCannotRunIntoValues) {
  GraphState a;
  a.addNodeProperty(1, "ab", TckValue::ofString("c"));
  GraphState b;
  b.addNodeProperty(1, "a", TckValue::ofString("bc"));
  EXPECT_FALSE(SideEffects::diff(a, b).none());
}

TEST(SideEffects, ParsesTheTable) {
  SideEffects s = SideEffects::parse({{"+nodes", "2"}, {"+properties", "3"}, {"-labels", "1"}});
  EXPECT_EQ(s.get(K::kAddedNodes), 2);
  EXPECT_EQ(s.get(K::kAddedProps), 3);
  EXPECT_EQ(s.get(K::kDeletedLabels), 1);
  EXPECT_EQ(s.get(K::kDeletedNodes), 0);
  EXPECT_EQ(s.toString(), "+nodes 2, -labels 1, +properties 3");
  EXPECT_TRUE(SideEffects::parse({{"+relationships", "0"}}).none());
  EXPECT_THROW(SideEffects::parse({{"+edges", "1"}}), std::invalid_argument);
  EXPECT_THROW(SideEffects::parse({{"+nodes", "x"}}), std::invalid_argument);
  EXPECT_THROW(SideEffects::parse({{"+nodes", "-1"}}), std::invalid_argument);
  EXPECT_THROW(SideEffects::parse({{"+nodes", "1"}, {"+nodes", "1"}}), std::invalid_argument);
  EXPECT_THROW(SideEffects::parse({{"+nodes"}}), std::invalid_argument);
}

TEST(SideEffects, ExpectationEqualsTheDiff) {
  GraphState after = twoNodes();
  after.nodes.insert(3);
  after.addNodeProperty(3, "name", TckValue::ofString("c"));
  SideEffects d = SideEffects::diff(twoNodes(), after);
  EXPECT_EQ(d, SideEffects::parse({{"+nodes", "1"}, {"+properties", "1"}}));
  EXPECT_FALSE(d == SideEffects::parse({{"+nodes", "1"}}));
}

}  // namespace
}  // namespace maestro::tck
