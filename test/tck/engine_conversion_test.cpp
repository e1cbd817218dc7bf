#include "tck/engine_conversion.h"

#include <gtest/gtest.h>

#include <cmath>

namespace maestro::tck {
namespace {

// A hand-made result: nodes 1 (:A {name: 'a'}), 2 (:B:A), 3 ();
// relationships 10 (1)-[:T {w: 0.5}]->(2) and 11 (3)-[:U]->(2).
engine::QueryResult sampleResult() {
  engine::QueryResult r;
  r.nodes[1] = {1, {"A"}, ValueMap{{"name", Value("a")}}};
  r.nodes[2] = {2, {"B", "A"}, {}};
  r.nodes[3] = {3, {}, {}};
  r.rels[10] = {10, "T", 1, 2, ValueMap{{"w", Value(0.5)}}};
  r.rels[11] = {11, "U", 3, 2, {}};
  return r;
}

bool converts(const Value& v, std::string_view expected) {
  TckValue got = toTckValue(v, sampleResult());
  bool equal = tckEquals(got, parseTckValue(expected), ListOrder::kOrdered);
  if (!equal) ADD_FAILURE() << "got " << got.toString() << ", expected " << expected;
  return equal;
}

TEST(EngineConversion, ScalarsListsAndMaps) {
  EXPECT_TRUE(converts(Value(), "null"));
  EXPECT_TRUE(converts(Value(true), "true"));
  EXPECT_TRUE(converts(Value(int64_t{-3}), "-3"));
  EXPECT_TRUE(converts(Value(2.0), "2.0"));
  EXPECT_FALSE(
      tckEquals(toTckValue(Value(2.0), sampleResult()), parseTckValue("2"), ListOrder::kOrdered));
  EXPECT_TRUE(std::isnan(toTckValue(Value(std::nan("")), sampleResult()).real));
  EXPECT_TRUE(converts(Value("it's"), "'it\\'s'"));
  EXPECT_TRUE(converts(Value(ValueList{Value(1), Value("x"), Value(ValueList{})}), "[1, 'x', []]"));
  EXPECT_TRUE(converts(Value(ValueMap{{"b", Value(1)}, {"a", Value()}}), "{a: null, b: 1}"));
}

TEST(EngineConversion, NodesAndRelationshipsComeFromTheSnapshots) {
  EXPECT_TRUE(converts(Value::node(1), "(:A {name: 'a'})"));
  EXPECT_TRUE(converts(Value::node(2), "(:A:B)"));
  EXPECT_TRUE(converts(Value::node(3), "()"));
  EXPECT_TRUE(converts(Value::rel(10), "[:T {w: 0.5}]"));
  EXPECT_TRUE(converts(Value(ValueList{Value::node(3), Value::rel(11)}), "[(), [:U]]"));
  EXPECT_THROW(toTckValue(Value::node(4), sampleResult()), std::runtime_error);
  EXPECT_THROW(toTckValue(Value::rel(12), sampleResult()), std::runtime_error);
}

TEST(EngineConversion, PathHopsTakeTheirDirectionFromTheRelationship) {
  EXPECT_TRUE(converts(Value(PathValue{{1, 2}, {10}}), "<(:A {name: 'a'})-[:T {w: 0.5}]->(:A:B)>"));
  EXPECT_TRUE(converts(Value(PathValue{{2, 1}, {10}}), "<(:A:B)<-[:T {w: 0.5}]-(:A {name: 'a'})>"));
  EXPECT_TRUE(converts(Value(PathValue{{1, 2, 3}, {10, 11}}),
                       "<(:A {name: 'a'})-[:T {w: 0.5}]->(:A:B)<-[:U]-()>"));
  EXPECT_TRUE(converts(Value(PathValue{{3}, {}}), "<()>"));
  // Relationship 11 does not touch node 1.
  EXPECT_THROW(toTckValue(Value(PathValue{{1, 3}, {11}}), sampleResult()), std::runtime_error);
  EXPECT_THROW(toTckValue(Value(PathValue{{1, 2}, {}}), sampleResult()), std::runtime_error);
}

TEST(EngineConversion, SelfLoopsReadForward) {
  engine::QueryResult r = sampleResult();
  r.rels[12] = {12, "SELF", 3, 3, {}};
  TckValue p = toTckValue(Value(PathValue{{3, 3}, {12}}), r);
  EXPECT_EQ(p.toString(), "<()-[:SELF]->()>");
}

TEST(EngineConversion, ResultTablesKeepColumnsAndRows) {
  engine::QueryResult r = sampleResult();
  r.columns = {"n", "x"};
  r.rows = {{Value::node(1), Value(1)}, {Value::node(3), Value()}};
  ResultTable t = toResultTable(r);
  EXPECT_EQ(t.columns, r.columns);
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_EQ(t.rows[1][0].toString(), "()");
  EXPECT_TRUE(t.rendered.empty());
  r.rows.push_back({Value(1)});
  EXPECT_THROW(toResultTable(r), std::runtime_error);
}

TEST(EngineConversion, ParametersBecomeEngineValues) {
  Value v = toEngineValue(parseTckValue("{a: [1, 2.5, 'x', null, true]}"));
  ASSERT_TRUE(v.isMap());
  const Value& list = v.asMap().at("a");
  ASSERT_TRUE(list.isList());
  ASSERT_EQ(list.asList().size(), 5u);
  EXPECT_TRUE(list.asList()[0].isInt());
  EXPECT_TRUE(list.asList()[1].isFloat());
  EXPECT_EQ(list.asList()[2].asString(), "x");
  EXPECT_TRUE(list.asList()[3].isNull());
  EXPECT_TRUE(list.asList()[4].asBool());
  EXPECT_THROW(toEngineValue(parseTckValue("(:A)")), std::invalid_argument);
  EXPECT_THROW(toEngineValue(parseTckValue("[[:T]]")), std::invalid_argument);
  auto params = toEngineParams({{"p", TckValue::ofInt(1)}, {"q", TckValue::ofString("s")}});
  EXPECT_EQ(params.at("p").asInt(), 1);
  EXPECT_EQ(params.at("q").asString(), "s");
}

TEST(EngineConversion, ObservesTheGraphFromSnapshots) {
  engine::QueryResult nodes = sampleResult();
  nodes.columns = {"n"};
  nodes.rows = {{Value::node(1)}, {Value::node(2)}, {Value::node(3)}};
  engine::QueryResult rels = sampleResult();
  rels.columns = {"r"};
  rels.rows = {{Value::rel(10)}, {Value::rel(11)}};
  GraphState s = graphStateFrom(nodes, rels);
  EXPECT_EQ(s.nodes, (std::set<uint64_t>{1, 2, 3}));
  EXPECT_EQ(s.rels, (std::set<uint64_t>{10, 11}));
  EXPECT_EQ(s.labels, (std::set<std::string>{"A", "B"}));
  EXPECT_EQ(s.properties.size(), 2u);  // name on node 1, w on relationship 10

  GraphState empty = graphStateFrom(engine::QueryResult{}, engine::QueryResult{});
  SideEffects d = SideEffects::diff(empty, s);
  EXPECT_EQ(d.toString(), "+nodes 3, +relationships 2, +labels 2, +properties 2");

  nodes.rows.push_back({Value(1)});
  EXPECT_THROW(graphStateFrom(nodes, rels), std::runtime_error);
}

}  // namespace
}  // namespace maestro::tck
