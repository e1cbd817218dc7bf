#include "engine/graph/change_set.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>

#include "common/error.h"
#include "engine/graph/graph_dump.h"

namespace maestro::engine {
namespace {

using testing::dumpGraph;
using ::testing::ElementsAre;

// A small graph with CSR-resident and delta-resident relationships, an
// index and a sensitivity, built directly (not through a change set).
struct Base {
  Graph g;
  LabelId person, org;
  RelTypeId knows, works;
  PropKeyId name, age;
  NodeId ada, bob, cy, acme, lonely;
  RelId ada_bob, bob_cy, ada_acme, ada_self, cy_ada_delta;

  Base() {
    auto& c = g.catalog();
    person = c.labels().intern("Person");
    org = c.labels().intern("Org");
    knows = c.relTypes().intern("KNOWS");
    works = c.relTypes().intern("WORKS_AT");
    name = c.propertyKeys().intern("name");
    age = c.propertyKeys().intern("age");
    c.setSensitivity(age, Sensitivity::kMedium);
    g.createIndex({"person_age", person, age});
    ada = g.addNode({person}, props({{name, Value("Ada")}, {age, Value(36)}}));
    bob = g.addNode({person}, props({{name, Value("Bob")}, {age, Value(36.0)}}));
    cy = g.addNode({person, org}, props({{name, Value("Cy")}}));
    acme = g.addNode({org}, props({{name, Value("Acme")}}));
    lonely = g.addNode({}, {});
    ada_bob = g.addRel(knows, ada, bob, props({{age, Value(3)}}));
    bob_cy = g.addRel(knows, bob, cy, {});
    ada_acme = g.addRel(works, ada, acme, {});
    ada_self = g.addRel(knows, ada, ada, {});
    g.compact();
    cy_ada_delta = g.addRel(knows, cy, ada, {});
  }

  static Properties props(std::initializer_list<std::pair<PropKeyId, Value>> kv) {
    Properties p;
    for (const auto& [k, v] : kv) p.set(k, v);
    return p;
  }
};

void expectError(const std::function<void()>& fn, Code code, const std::string& detail = {}) {
  try {
    fn();
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), code) << e.message();
    if (!detail.empty()) {
      EXPECT_EQ(e.detail(), detail) << e.message();
    }
  }
}

// ---- rollback ---------------------------------------------------------------------

struct Scenario {
  const char* name;
  std::function<void(Base&, ChangeSet&)> run;
};

class RollbackTest : public ::testing::TestWithParam<Scenario> {};

TEST_P(RollbackTest, RestoresAnIdenticalGraph) {
  Base b;
  std::string before = dumpGraph(b.g);
  size_t memory_before = b.g.memoryUsage();
  ChangeSet cs(b.g);
  GetParam().run(b, cs);
  EXPECT_FALSE(cs.empty());
  EXPECT_NE(dumpGraph(b.g), before) << "the scenario changed nothing";
  cs.rollback();
  EXPECT_EQ(dumpGraph(b.g), before);
  EXPECT_TRUE(cs.empty());
  EXPECT_FALSE(cs.counters().any());
  EXPECT_TRUE(cs.dirtyNodes().empty());
  EXPECT_TRUE(cs.dirtyRels().empty());
  EXPECT_FALSE(cs.catalogChanged());
  (void)memory_before;
  // The graph still works normally afterwards.
  ChangeSet again(b.g);
  NodeId n = again.createNode({b.person}, {});
  EXPECT_EQ(n, b.g.nodeIdLimit() - 1);
  again.createRel(b.knows, n, b.ada, {});
  again.rollback();
  EXPECT_EQ(dumpGraph(b.g), before);
}

const Scenario kScenarios[] = {
    {"CreateNode",
     [](Base& b, ChangeSet& cs) {
       cs.createNode({b.person, cs.internLabel("New")},
                     Base::props({{b.age, Value(36)}, {cs.internPropertyKey("k"), Value(1)}}));
     }},
    {"CreateRel", [](Base& b, ChangeSet& cs) { cs.createRel(b.works, b.bob, b.acme, {}); }},
    {"CreateRelNewType",
     [](Base& b, ChangeSet& cs) { cs.createRel(cs.internRelType("NEW"), b.lonely, b.lonely, {}); }},
    {"DeleteIsolatedNode", [](Base& b, ChangeSet& cs) { cs.deleteNode(b.lonely); }},
    {"DeleteNodeWithProperties",
     [](Base& b, ChangeSet& cs) {
       cs.deleteRel(b.bob_cy);
       cs.deleteRel(b.ada_bob);
       cs.deleteNode(b.bob);
     }},
    {"DetachDeleteHub", [](Base& b, ChangeSet& cs) { cs.detachDeleteNode(b.ada); }},
    {"DeleteCsrRel", [](Base& b, ChangeSet& cs) { cs.deleteRel(b.ada_bob); }},
    {"DeleteDeltaRel", [](Base& b, ChangeSet& cs) { cs.deleteRel(b.cy_ada_delta); }},
    {"DeleteSelfLoop", [](Base& b, ChangeSet& cs) { cs.deleteRel(b.ada_self); }},
    {"SetIndexedProperty",
     [](Base& b, ChangeSet& cs) { cs.setNodeProperty(b.ada, b.age, Value(37)); }},
    {"AddProperty", [](Base& b, ChangeSet& cs) { cs.setNodeProperty(b.cy, b.age, Value(1.5)); }},
    {"RemoveProperty", [](Base& b, ChangeSet& cs) { cs.setNodeProperty(b.bob, b.age, Value()); }},
    {"SetRelProperty",
     [](Base& b, ChangeSet& cs) {
       cs.setRelProperty(b.ada_bob, b.age, Value(ValueList{Value("x")}));
       cs.setRelProperty(b.bob_cy, b.name, Value("n"));
     }},
    {"RemoveRelProperty",
     [](Base& b, ChangeSet& cs) { cs.setRelProperty(b.ada_bob, b.age, Value()); }},
    {"AddLabel", [](Base& b, ChangeSet& cs) { cs.addLabel(b.acme, b.person); }},
    {"RemoveLabel", [](Base& b, ChangeSet& cs) { cs.removeLabel(b.ada, b.person); }},
    {"InternNames",
     [](Base&, ChangeSet& cs) {
       cs.internLabel("L1");
       cs.internRelType("R1");
       cs.internPropertyKey("K1");
       cs.internLabel("L2");
     }},
    {"CreateIndex",
     [](Base& b, ChangeSet& cs) {
       cs.createIndex({"", b.org, b.name});
     }},
    {"CreateIndexOnNewNames",
     [](Base&, ChangeSet& cs) {
       cs.createIndex({"x", cs.internLabel("NewL"), cs.internPropertyKey("newk")});
     }},
    {"DropIndex", [](Base&, ChangeSet& cs) { cs.dropIndex("person_age"); }},
    {"DropAndRecreateIndex",
     [](Base& b, ChangeSet& cs) {
       cs.dropIndex("person_age");
       cs.createIndex({"zzz", b.person, b.age});
       cs.setNodeProperty(b.ada, b.age, Value(99));
     }},
    {"SetSensitivity",
     [](Base& b, ChangeSet& cs) {
       cs.setSensitivity(b.age, Sensitivity::kHigh);
       cs.setSensitivity(b.name, Sensitivity::kLow);  // first setting, even to low
     }},
    {"CreateThenDeleteInside",
     [](Base& b, ChangeSet& cs) {
       NodeId n = cs.createNode({b.org}, {});
       RelId r = cs.createRel(b.works, b.bob, n, {});
       cs.setNodeProperty(n, b.name, Value("tmp"));
       cs.deleteRel(r);
       cs.deleteNode(n);
       cs.createNode({}, {});
     }},
    {"ManyRelationshipsForceCompaction",
     [](Base& b, ChangeSet& cs) {
       std::vector<NodeId> nodes;
       for (int i = 0; i < 50; ++i) nodes.push_back(cs.createNode({b.person}, {}));
       std::vector<RelId> rels;
       for (int i = 0; i < 5000; ++i) {
         rels.push_back(cs.createRel(i % 2 ? b.knows : b.works, nodes[i % 50],
                                     i % 7 ? nodes[(i * 13) % 50] : b.ada, {}));
       }
       for (size_t i = 0; i < rels.size(); i += 3) cs.deleteRel(rels[i]);
       cs.detachDeleteNode(b.ada);
       cs.detachDeleteNode(nodes[3]);
     }},
    {"SameEntityTouchedRepeatedly",
     [](Base& b, ChangeSet& cs) {
       for (int i = 0; i < 10; ++i) {
         cs.setNodeProperty(b.ada, b.age, Value(i));
         cs.removeLabel(b.ada, b.person);
         cs.addLabel(b.ada, b.person);
       }
       cs.setNodeProperty(b.ada, b.age, Value());
     }},
};

INSTANTIATE_TEST_SUITE_P(EveryOp, RollbackTest, ::testing::ValuesIn(kScenarios),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(ChangeSetTest, RollbackHandsIdsOutAgain) {
  Base b;
  NodeId limit = b.g.nodeIdLimit();
  RelId rel_limit = b.g.relIdLimit();
  ChangeSet cs(b.g);
  NodeId n = cs.createNode({}, {});
  cs.createRel(b.knows, n, n, {});
  cs.rollback();
  EXPECT_EQ(b.g.nodeIdLimit(), limit);
  EXPECT_EQ(b.g.relIdLimit(), rel_limit);
  EXPECT_EQ(cs.createNode({}, {}), n);
}

// ---- counters -------------------------------------------------------------------

TEST(ChangeSetTest, CountersAsNeo4jCountsThem) {
  Base b;
  ChangeSet cs(b.g);
  NodeId n = cs.createNode({b.person, b.org, b.person},
                           Base::props({{b.name, Value("N")}, {b.age, Value(1)}}));
  EXPECT_EQ(cs.counters().nodes_created, 1);
  EXPECT_EQ(cs.counters().labels_added, 2);
  EXPECT_EQ(cs.counters().properties_set, 2);

  cs.setNodeProperty(n, b.name, Value("M"));  // overwrite: counts
  cs.setNodeProperty(n, b.name, Value("M"));  // same value: still counts
  EXPECT_EQ(cs.counters().properties_set, 4);
  PropKeyId absent = cs.internPropertyKey("absent");
  cs.setNodeProperty(n, absent, Value());  // removing nothing: does not count
  EXPECT_EQ(cs.counters().properties_set, 4);
  cs.setNodeProperty(n, b.name, Value());  // removal counts
  EXPECT_EQ(cs.counters().properties_set, 5);

  cs.addLabel(n, b.person);  // already there
  EXPECT_EQ(cs.counters().labels_added, 2);
  cs.removeLabel(n, b.org);
  cs.removeLabel(n, b.org);  // no longer there
  EXPECT_EQ(cs.counters().labels_removed, 1);

  RelId r = cs.createRel(b.knows, n, b.ada, Base::props({{b.age, Value(2)}}));
  EXPECT_EQ(cs.counters().relationships_created, 1);
  EXPECT_EQ(cs.counters().properties_set, 6);
  cs.setRelProperty(r, b.age, Value());
  EXPECT_EQ(cs.counters().properties_set, 7);
  cs.deleteRel(r);
  cs.deleteRel(r);  // already deleted: no-op
  EXPECT_EQ(cs.counters().relationships_deleted, 1);

  cs.detachDeleteNode(b.ada);  // ada_bob, ada_acme, ada_self, cy_ada_delta
  EXPECT_EQ(cs.counters().relationships_deleted, 5);
  EXPECT_EQ(cs.counters().nodes_deleted, 1);
  cs.deleteNode(b.ada);  // already deleted: no-op
  cs.detachDeleteNode(b.ada);
  EXPECT_EQ(cs.counters().nodes_deleted, 1);

  cs.createIndex({"", b.org, b.name});
  cs.dropIndex("person_age");
  EXPECT_EQ(cs.counters().indexes_added, 1);
  EXPECT_EQ(cs.counters().indexes_removed, 1);
  EXPECT_TRUE(cs.counters().any());
  EXPECT_FALSE(Counters().any());
}

TEST(ChangeSetTest, CreatingWithNullPropertiesCountsOnlyTheRest) {
  Base b;
  ChangeSet cs(b.g);
  Properties p;
  p.set(b.name, Value("x"));
  p.set(b.age, Value());  // as CREATE ({name: 'x', age: null}) builds it
  cs.createNode({}, p);
  EXPECT_EQ(cs.counters().properties_set, 1);
}

// ---- errors ------------------------------------------------------------------------

TEST(ChangeSetTest, DeletingAConnectedNodeFails) {
  Base b;
  std::string before = dumpGraph(b.g);
  ChangeSet cs(b.g);
  try {
    cs.deleteNode(b.bob);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::kConflict);
    EXPECT_EQ(e.detail(), "ConstraintVerificationFailed.DeleteConnectedNode");
    EXPECT_EQ(e.message(), "cannot delete node " + std::to_string(b.bob) +
                               " because it still has relationships; use DETACH DELETE");
  }
  EXPECT_EQ(dumpGraph(b.g), before);
  EXPECT_TRUE(cs.empty());
  // A self-loop counts as a relationship too.
  ChangeSet cs2(b.g);
  NodeId n = cs2.createNode({}, {});
  cs2.createRel(b.knows, n, n, {});
  expectError([&] { cs2.deleteNode(n); }, Code::kConflict,
              "ConstraintVerificationFailed.DeleteConnectedNode");
}

TEST(ChangeSetTest, InvalidPropertyValuesChangeNothing) {
  Base b;
  std::string before = dumpGraph(b.g);
  ChangeSet cs(b.g);
  const std::string detail = "TypeError.InvalidPropertyType";
  Value list_of_maps(ValueList{Value(ValueMap{{"num", Value(1)}})});
  Value mixed(ValueList{Value(1), Value("a")});
  expectError([&] { cs.setNodeProperty(b.ada, b.name, list_of_maps); }, Code::kBadInput, detail);
  expectError([&] { cs.setNodeProperty(b.ada, b.name, Value(ValueMap{})); }, Code::kBadInput,
              detail);
  expectError([&] { cs.setNodeProperty(b.ada, b.name, Value::node(b.bob)); }, Code::kBadInput,
              detail);
  expectError([&] { cs.setRelProperty(b.ada_bob, b.name, mixed); }, Code::kBadInput, detail);
  expectError([&] { cs.createNode({}, Base::props({{b.name, mixed}})); }, Code::kBadInput, detail);
  expectError(
      [&] {
        cs.createRel(b.knows, b.ada, b.bob, Base::props({{b.name, mixed}}));
      },
      Code::kBadInput, detail);
  EXPECT_EQ(dumpGraph(b.g), before);
  EXPECT_TRUE(cs.empty());
}

TEST(ChangeSetTest, WritesToDeletedEntitiesFail) {
  Base b;
  ChangeSet cs(b.g);
  cs.deleteNode(b.lonely);
  cs.deleteRel(b.bob_cy);
  const std::string detail = "EntityNotFound.DeletedEntityAccess";
  expectError([&] { cs.setNodeProperty(b.lonely, b.name, Value(1)); }, Code::kBadInput, detail);
  expectError([&] { cs.addLabel(b.lonely, b.person); }, Code::kBadInput, detail);
  expectError([&] { cs.setRelProperty(b.bob_cy, b.name, Value(1)); }, Code::kBadInput, detail);
  expectError([&] { cs.createRel(b.knows, b.ada, b.lonely, {}); }, Code::kBadInput, detail);
}

TEST(ChangeSetTest, IndexErrors) {
  Base b;
  ChangeSet cs(b.g);
  expectError([&] { cs.createIndex({"person_age", b.org, b.name}); }, Code::kConflict);
  expectError([&] { cs.createIndex({"another", b.person, b.age}); }, Code::kConflict);
  expectError([&] { cs.dropIndex("nope"); }, Code::kNotFound);
  cs.createIndex({"", b.person, b.name});
  EXPECT_NE(b.g.catalog().findIndexByName("index_Person_name"), nullptr);
  ASSERT_NE(b.g.index(b.person, b.name), nullptr);
  EXPECT_THAT(b.g.index(b.person, b.name)->equal(Value("Cy")), ElementsAre(b.cy));
  EXPECT_TRUE(cs.catalogChanged());
}

// ---- dirty sets ---------------------------------------------------------------------

TEST(ChangeSetTest, DirtySetsNameEveryRowToRewrite) {
  Base b;
  ChangeSet cs(b.g);
  cs.internLabel("Fresh");
  EXPECT_TRUE(cs.dirtyNodes().empty());
  EXPECT_FALSE(cs.catalogChanged());  // names alone are not catalog rows
  NodeId n = cs.createNode({}, {});
  cs.setNodeProperty(b.bob, b.name, Value("B"));
  cs.addLabel(b.acme, b.person);
  cs.setNodeProperty(b.cy, b.age, Value());  // absent: no change, not dirty
  cs.detachDeleteNode(b.lonely);
  RelId r = cs.createRel(b.knows, n, b.bob, {});
  cs.setRelProperty(b.ada_bob, b.age, Value(5));
  cs.deleteRel(b.bob_cy);
  EXPECT_THAT(cs.dirtyNodes(), ::testing::UnorderedElementsAre(n, b.bob, b.acme, b.lonely));
  EXPECT_THAT(cs.dirtyRels(), ::testing::UnorderedElementsAre(r, b.ada_bob, b.bob_cy));
  cs.setSensitivity(b.name, Sensitivity::kHigh);
  EXPECT_TRUE(cs.catalogChanged());
}

// ---- encode / apply ------------------------------------------------------------------

// Builds a varied graph from nothing inside one change set.
void buildEverything(ChangeSet& cs) {
  LabelId a = cs.internLabel("A");
  LabelId bl = cs.internLabel("B");
  RelTypeId t = cs.internRelType("T");
  RelTypeId u = cs.internRelType("U");
  PropKeyId k = cs.internPropertyKey("k");
  PropKeyId s = cs.internPropertyKey("s");
  cs.createIndex({"", a, k});
  cs.setSensitivity(s, Sensitivity::kHigh);
  std::vector<NodeId> nodes;
  for (int i = 0; i < 40; ++i) {
    Properties p;
    p.set(k, i % 3 == 0 ? Value(i) : Value(static_cast<double>(i) / 2));
    if (i % 4 == 0) p.set(s, Value(ValueList{Value("x"), Value(std::to_string(i))}));
    nodes.push_back(cs.createNode(i % 2 ? std::vector{a} : std::vector{a, bl}, p));
  }
  std::vector<RelId> rels;
  for (int i = 0; i < 120; ++i) {
    Properties p;
    if (i % 5 == 0) p.set(k, Value(i % 2 == 0));
    rels.push_back(cs.createRel(i % 3 ? t : u, nodes[i % 40], nodes[(i * 7) % 40], p));
  }
  for (int i = 0; i < 120; i += 11) cs.deleteRel(rels[i]);
  cs.setRelProperty(rels[1], s, Value(-1.25));
  cs.setRelProperty(rels[5], k, Value());
  cs.detachDeleteNode(nodes[7]);
  cs.setNodeProperty(nodes[8], k, Value("str"));
  cs.setNodeProperty(nodes[9], k, Value());
  cs.removeLabel(nodes[10], a);
  cs.addLabel(nodes[11], bl);
  cs.createIndex({"b_s", bl, s});
  cs.dropIndex("b_s");
  cs.createIndex({"b_k", bl, k});
  cs.internPropertyKey("unused");
}

TEST(ChangeSetTest, EncodeThenApplyBuildsAnIdenticalGraph) {
  Graph g;
  ChangeSet cs(g);
  buildEverything(cs);
  std::string record = cs.encode();
  EXPECT_EQ(static_cast<uint8_t>(record[0]), ChangeSet::kRecordFormat);

  Graph copy;
  ChangeSet::apply(copy, record);
  EXPECT_EQ(dumpGraph(copy), dumpGraph(g));
}

TEST(ChangeSetTest, RecordsApplyInSequenceOntoADifferentCatalog) {
  Graph g;
  ChangeSet first(g);
  buildEverything(first);
  std::string r1 = first.encode();
  ChangeSet second(g);
  LabelId a = *g.catalog().labels().find("A");
  PropKeyId k = *g.catalog().propertyKeys().find("k");
  NodeId n = second.createNode({a, second.internLabel("C")}, {});
  second.setNodeProperty(n, k, Value(1.0));
  second.detachDeleteNode(0);
  second.setNodeProperty(1, second.internPropertyKey("new"), Value(true));
  second.setSensitivity(k, Sensitivity::kMedium);
  std::string r2 = second.encode();

  // The replica interned names in another order first: ids differ.
  Graph replica;
  replica.catalog().propertyKeys().intern("zzz");
  replica.catalog().propertyKeys().intern("k");
  replica.catalog().labels().intern("C");
  ChangeSet::apply(replica, r1);
  ChangeSet::apply(replica, r2);
  EXPECT_EQ(dumpGraph(replica, {.catalog_ids = false}), dumpGraph(g, {.catalog_ids = false}));
}

TEST(ChangeSetTest, EmptyChangeSetEncodesAndAppliesToNothing) {
  Graph g;
  ChangeSet cs(g);
  std::string record = cs.encode();
  EXPECT_LE(record.size(), 3u);
  Graph other;
  ChangeSet::apply(other, record);
  EXPECT_EQ(dumpGraph(other), dumpGraph(g));
}

TEST(ChangeSetTest, RecordsAreCompact) {
  Graph g;
  ChangeSet cs(g);
  LabelId person = cs.internLabel("Person");
  PropKeyId name = cs.internPropertyKey("name");
  for (int i = 0; i < 1000; ++i) {
    Properties p;
    p.set(name, Value("p" + std::to_string(i)));
    cs.createNode({person}, p);
  }
  // Names travel once; per node: tag, id, label, key, value (~ 12 bytes).
  EXPECT_LT(cs.encode().size(), 1000u * 14);
}

TEST(ChangeSetTest, ARecordThatDoesNotMatchTheGraphIsUndone) {
  Graph g;
  ChangeSet cs(g);
  buildEverything(cs);
  std::string record = cs.encode();
  Graph twice;
  ChangeSet::apply(twice, record);
  std::string before = dumpGraph(twice);
  // Applying it again fails half-way (ids in use, index exists) and
  // leaves no trace, interned names included.
  expectError([&] { ChangeSet::apply(twice, record); }, Code::kInternal);
  EXPECT_EQ(dumpGraph(twice), before);
}

TEST(ChangeSetTest, CorruptRecordsFailCleanly) {
  Graph g;
  ChangeSet cs(g);
  buildEverything(cs);
  std::string record = cs.encode();
  Graph empty;
  const std::string empty_dump = dumpGraph(empty);

  expectError([&] { ChangeSet::apply(empty, ""); }, Code::kInternal);
  std::string wrong_version = record;
  wrong_version[0] = static_cast<char>(ChangeSet::kRecordFormat + 1);
  expectError([&] { ChangeSet::apply(empty, wrong_version); }, Code::kInternal);
  expectError([&] { ChangeSet::apply(empty, record + "x"); }, Code::kInternal);

  // Every truncation.
  for (size_t n = 0; n < record.size(); ++n) {
    Graph target;
    expectError([&] { ChangeSet::apply(target, std::string_view(record).substr(0, n)); },
                Code::kInternal);
    ASSERT_EQ(dumpGraph(target), empty_dump) << "truncated at " << n;
  }

  // Random byte changes: either the record still makes sense, or it fails
  // with Error::internal and leaves the graph as it was.
  uint64_t x = 42;
  int failures = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string m = record;
    int flips = 1 + i % 3;
    for (int f = 0; f < flips; ++f) {
      x = x * 6364136223846793005ULL + 1442695040888963407ULL;
      m[(x >> 33) % m.size()] = static_cast<char>(x >> 17);
    }
    Graph target;
    try {
      ChangeSet::apply(target, m);
    } catch (const Error& e) {
      ASSERT_EQ(e.code(), Code::kInternal) << e.message();
      ASSERT_EQ(target.nodeIdLimit(), 0u);
      ASSERT_EQ(target.relIdLimit(), 0u);
      ASSERT_EQ(target.catalog().labels().size(), 0u);
      ASSERT_EQ(target.catalog().propertyKeys().size(), 0u);
      ASSERT_TRUE(target.catalog().indexes().empty());
      ++failures;
    }
  }
  EXPECT_GT(failures, 1000);
}

TEST(ChangeSetTest, HugeIdsInARecordAreRejected) {
  // format, no names, one op: create node 2^40 with no labels/properties.
  std::string record;
  record.push_back(static_cast<char>(ChangeSet::kRecordFormat));
  record += std::string("\x00\x01\x01", 3);
  record += std::string("\x80\x80\x80\x80\x80\x20", 6);  // varint 2^40
  record += std::string("\x00\x00", 2);
  Graph g;
  expectError([&] { ChangeSet::apply(g, record); }, Code::kInternal);
  EXPECT_EQ(g.nodeIdLimit(), 0u);
}

}  // namespace
}  // namespace maestro::engine
