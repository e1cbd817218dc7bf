// GraphStore on both backends: round trips, optimistic concurrency, change
// records, the bulk path's all-or-nothing, catalog persistence, drop.
#include "engine/storage/graph_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>

#include "common/error.h"
#include "engine/graph/graph_dump.h"
#include "testing/test_stores.h"

namespace maestro::engine {
namespace {

using maestro::testing::Backend;
using maestro::testing::errorFrom;
using ::testing::HasSubstr;

// A load hands out the writer's catalog ids, so reloads compare exactly;
// a replaying follower numbers names in the order the records bring them.
std::string dump(const Graph& g) { return testing::dumpGraph(g); }
std::string dumpByName(const Graph& g) { return testing::dumpGraph(g, {.catalog_ids = false}); }

Properties props(Graph& g, std::initializer_list<std::pair<const char*, Value>> kv) {
  Properties p;
  for (const auto& [k, v] : kv) p.set(g.catalog().propertyKeys().intern(k), v);
  return p;
}

class GraphStoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  GraphStoreTest() : db_(GetParam()), store_(db_.open()), gs_(*store_) {
    GraphStore::migrate(*store_);
    gs_.ensureDataset(kDataset);
  }

  // Loads the dataset into a fresh graph through a new Store, like another
  // process would.
  std::unique_ptr<Graph> reload(int64_t* version = nullptr) {
    auto other = db_.open();
    GraphStore gs(*other);
    auto g = std::make_unique<Graph>();
    int64_t v = gs.load(kDataset, *g);
    if (version != nullptr) *version = v;
    return g;
  }

  // Applies `fn` to `g` through a ChangeSet and commits it from `base`.
  int64_t write(Graph& g, int64_t base, const std::function<void(ChangeSet&)>& fn,
                GraphStore* gs = nullptr) {
    ChangeSet cs(g);
    fn(cs);
    try {
      return (gs != nullptr ? *gs : gs_).commit(kDataset, base, g, cs);
    } catch (...) {
      cs.rollback();
      throw;
    }
  }

  // A graph with every kind of property value, several labels, an
  // unlabelled node, a self-loop, parallel relationships and tombstones.
  void populate(Graph& g, ChangeSet& cs) {
    auto& c = g.catalog();
    (void)c;
    LabelId person = cs.internLabel("Person"), org = cs.internLabel("Org");
    RelTypeId knows = cs.internRelType("KNOWS"), works = cs.internRelType("WORKS_AT");
    NodeId ada =
        cs.createNode({person}, props(g, {{"name", Value("Ada")},
                                          {"age", Value(36)},
                                          {"score", Value(0.5)},
                                          {"tags", Value(ValueList{Value("x"), Value("y")})},
                                          {"nums", Value(ValueList{Value(1), Value(-2)})},
                                          {"ok", Value(true)}}));
    NodeId bob = cs.createNode({person, org}, props(g, {{"name", Value("Bøb, \"the\"\nbuilder")}}));
    NodeId acme = cs.createNode({org}, props(g, {{"name", Value("Acme")}, {"big", Value(1e300)}}));
    NodeId bare = cs.createNode({}, {});
    NodeId gone = cs.createNode({person}, props(g, {{"name", Value("Gone")}}));
    cs.createRel(knows, ada, bob, props(g, {{"since", Value(2001)}}));
    cs.createRel(knows, ada, bob, props(g, {{"since", Value(2002)}}));
    cs.createRel(knows, bob, bob, {});
    RelId dead = cs.createRel(works, ada, acme, {});
    cs.createRel(works, bob, acme, props(g, {{"role", Value("ceo")}}));
    cs.createRel(knows, bare, ada, {});
    cs.deleteRel(dead);
    cs.deleteNode(gone);  // the highest node id: a tombstone at the top
  }

  static constexpr const char* kDataset = "ds1";
  maestro::testing::TestDatabase db_;
  std::unique_ptr<store::Store> store_;
  GraphStore gs_;
};

TEST_P(GraphStoreTest, NewDatasetIsEmptyAtVersionZero) {
  EXPECT_EQ(gs_.headVersion(kDataset), 0);
  EXPECT_EQ(gs_.headVersion("nope"), std::nullopt);
  gs_.ensureDataset(kDataset);  // idempotent
  int64_t version = -1;
  auto g = reload(&version);
  EXPECT_EQ(version, 0);
  EXPECT_EQ(g->nodeCount(), 0u);
  EXPECT_TRUE(gs_.changesSince(kDataset, 0, 10).empty());
  EXPECT_EQ(errorFrom([&] {
              Graph other;
              gs_.load("nope", other);
            }).code(),
            Code::kNotFound);
}

TEST_P(GraphStoreTest, LoadAfterCommitGivesAnIdenticalGraph) {
  Graph g;
  EXPECT_EQ(write(g, 0, [&](ChangeSet& cs) { populate(g, cs); }), 1);
  int64_t version = 0;
  auto loaded = reload(&version);
  EXPECT_EQ(version, 1);
  EXPECT_EQ(dump(*loaded), dump(g));
  EXPECT_EQ(loaded->nodeIdLimit(), g.nodeIdLimit());  // the tombstone at the top survives

  // Updates and deletes of existing rows, then the highest relationship.
  const RelId last_rel = g.relIdLimit() - 1;
  EXPECT_EQ(write(g, 1,
                  [&](ChangeSet& cs) {
                    cs.setNodeProperty(0, g.catalog().propertyKeys().intern("age"), Value(37));
                    cs.setNodeProperty(0, g.catalog().propertyKeys().intern("score"), Value());
                    cs.addLabel(2, cs.internLabel("Bank"));
                    cs.removeLabel(1, *g.catalog().labels().find("Org"));
                    cs.setRelProperty(0, g.catalog().propertyKeys().intern("since"), Value(1999));
                    cs.deleteRel(last_rel);
                    cs.deleteNode(3);
                  }),
            2);
  loaded = reload(&version);
  EXPECT_EQ(version, 2);
  EXPECT_EQ(dump(*loaded), dump(g));
  EXPECT_EQ(loaded->relIdLimit(), g.relIdLimit());
}

TEST_P(GraphStoreTest, LoadReportsProgress) {
  Graph g;
  write(g, 0, [&](ChangeSet& cs) { populate(g, cs); });
  Graph loaded;
  int64_t last = -1;
  gs_.load(kDataset, loaded, [&](int64_t rows) { last = rows; });
  EXPECT_EQ(last, static_cast<int64_t>(g.nodeCount() + g.relCount()));
}

TEST_P(GraphStoreTest, CommitFromAStaleVersionConflictsAndWritesNothing) {
  // Two processes load the same version; the second to commit loses.
  auto a = reload();
  auto b = reload();
  write(*a, 0, [&](ChangeSet& cs) { populate(*a, cs); });
  auto other_store = db_.open();
  GraphStore other(*other_store);
  Error e = errorFrom([&] {
    write(
        *b, 0,
        [&](ChangeSet& cs) {
          cs.createNode({cs.internLabel("Intruder")}, props(*b, {{"x", Value(1)}}));
        },
        &other);
  });
  EXPECT_EQ(e.code(), Code::kConflict);
  EXPECT_THAT(e.message(), HasSubstr("changed concurrently (version 1"));
  EXPECT_EQ(gs_.headVersion(kDataset), 1);
  EXPECT_EQ(dump(*reload()), dump(*a));
  EXPECT_EQ(gs_.changesSince(kDataset, 0, 10).size(), 1u);
}

TEST_P(GraphStoreTest, CommitToAMissingDatasetIsNotFound) {
  Graph g;
  ChangeSet cs(g);
  cs.createNode({}, {});
  EXPECT_EQ(errorFrom([&] { gs_.commit("missing", 0, g, cs); }).code(), Code::kNotFound);
}

TEST_P(GraphStoreTest, ChangeRecordsReplayToTheSameGraph) {
  auto follower = reload();
  Graph leader;
  int64_t v = write(leader, 0, [&](ChangeSet& cs) { populate(leader, cs); });
  v = write(leader, v, [&](ChangeSet& cs) {
    cs.createIndex({"", cs.internLabel("Person"), cs.internPropertyKey("name")});
    cs.setSensitivity(cs.internPropertyKey("age"), Sensitivity::kHigh);
    cs.detachDeleteNode(1);
  });
  v = write(leader, v, [&](ChangeSet& cs) {
    NodeId n = cs.createNode({cs.internLabel("Person")}, props(leader, {{"name", Value("Zed")}}));
    cs.createRel(cs.internRelType("KNOWS"), n, 0, {});
  });
  ASSERT_EQ(v, 3);

  auto records = gs_.changesSince(kDataset, 0, 2);
  ASSERT_EQ(records.size(), 2u);  // the limit holds
  EXPECT_EQ(records[0].version, 1);
  auto rest = gs_.changesSince(kDataset, 2, 100);
  ASSERT_EQ(rest.size(), 1u);
  records.insert(records.end(), rest.begin(), rest.end());
  for (const auto& r : records) {
    EXPECT_FALSE(GraphStore::isBulkRecord(r.record));
    ChangeSet::apply(*follower, r.record);
  }
  EXPECT_EQ(dumpByName(*follower), dumpByName(leader));
  EXPECT_EQ(dump(*reload()), dump(leader));
  EXPECT_TRUE(gs_.changesSince(kDataset, 3, 100).empty());
}

// A graph of `nodes` nodes and `rels` relationships added directly, for
// the bulk path (several statements' worth of rows).
void bulkGraph(Graph& g, int nodes, int rels) {
  LabelId label = g.catalog().labels().intern("Item");
  RelTypeId type = g.catalog().relTypes().intern("LINK");
  PropKeyId key = g.catalog().propertyKeys().intern("n");
  for (int i = 0; i < nodes; ++i) {
    Properties p;
    p.set(key, Value(i));
    g.addNode({label}, std::move(p));
  }
  for (int i = 0; i < rels; ++i) {
    Properties p;
    if (i % 3 == 0) p.set(key, Value(i * 0.5));
    g.addRel(type, static_cast<NodeId>(i % nodes), static_cast<NodeId>((i * 7) % nodes),
             std::move(p));
  }
}

TEST_P(GraphStoreTest, CommitBulkWritesEverythingAndAReloadRecord) {
  Graph g;
  bulkGraph(g, 1300, 2100);
  std::vector<int64_t> seen;
  int64_t v = gs_.commitBulk(kDataset, 0, g, 0, 0, [&](int64_t rows) { seen.push_back(rows); });
  EXPECT_EQ(v, 1);
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.back(), 3400);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  EXPECT_EQ(dump(*reload()), dump(g));
  auto records = gs_.changesSince(kDataset, 0, 10);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_TRUE(GraphStore::isBulkRecord(records[0].record));

  // A second bulk commit appends from the given ids on.
  const NodeId first_node = g.nodeIdLimit();
  const RelId first_rel = g.relIdLimit();
  NodeId n = g.addNode({}, {});
  g.addRel(0, n, 0, {});
  EXPECT_EQ(gs_.commitBulk(kDataset, 1, g, first_node, first_rel), 2);
  EXPECT_EQ(dump(*reload()), dump(g));
}

TEST_P(GraphStoreTest, CommitBulkIsAllOrNothingWhenItFailsMidway) {
  Graph g;
  bulkGraph(g, 1300, 2100);
  Error e = errorFrom([&] {
    gs_.commitBulk(kDataset, 0, g, 0, 0, [&](int64_t rows) {
      if (rows > 2000) throw Error::unavailable("injected failure");
    });
  });
  EXPECT_EQ(e.message(), "injected failure");
  EXPECT_EQ(gs_.headVersion(kDataset), 0);
  EXPECT_EQ(reload()->nodeCount(), 0u);
  EXPECT_TRUE(gs_.changesSince(kDataset, 0, 10).empty());
}

TEST_P(GraphStoreTest, CommitBulkIsAllOrNothingOnADuplicateRow) {
  Graph g;
  bulkGraph(g, 1300, 2100);
  {
    // A row the bulk write will collide with, late in the relationships.
    auto lease = store_->acquire();
    lease->execute(
        "INSERT INTO graph_rels (dataset_id, id, type, src, dst, data) "
        "VALUES ($1, 2000, 'LINK', 0, 0, $2)",
        {kDataset, Bytes{0x01, 0x00}});
  }
  Error e = errorFrom([&] { gs_.commitBulk(kDataset, 0, g, 0, 0); });
  EXPECT_EQ(e.code(), Code::kConflict);
  EXPECT_EQ(gs_.headVersion(kDataset), 0);
  auto lease = store_->acquire();
  auto count =
      lease->queryOne("SELECT COUNT(*) FROM graph_nodes WHERE dataset_id = $1", {kDataset});
  EXPECT_EQ(count->integer(0), 0);
  EXPECT_TRUE(gs_.changesSince(kDataset, 0, 10).empty());
}

TEST_P(GraphStoreTest, CommitBulkFromAStaleVersionConflicts) {
  Graph g;
  bulkGraph(g, 10, 10);
  gs_.commitBulk(kDataset, 0, g, 0, 0);
  EXPECT_EQ(errorFrom([&] { gs_.commitBulk(kDataset, 0, g, 0, 0); }).code(), Code::kConflict);
  EXPECT_EQ(gs_.headVersion(kDataset), 1);
}

TEST_P(GraphStoreTest, CatalogPersistsAndIndexesAreRebuiltOnLoad) {
  Graph g;
  write(g, 0, [&](ChangeSet& cs) { populate(g, cs); });
  write(g, 1, [&](ChangeSet& cs) {
    cs.createIndex({"by_name", cs.internLabel("Person"), cs.internPropertyKey("name")});
    cs.createIndex({"", cs.internLabel("Org"), cs.internPropertyKey("big")});
    cs.setSensitivity(cs.internPropertyKey("age"), Sensitivity::kHigh);
    cs.setSensitivity(cs.internPropertyKey("name"), Sensitivity::kMedium);
    cs.setSensitivity(cs.internPropertyKey("unused_key"), Sensitivity::kHigh);
  });
  auto loaded = reload();
  const Catalog& c = loaded->catalog();
  ASSERT_EQ(c.indexes().size(), 2u);
  const IndexDef* def = c.findIndexByName("by_name");
  ASSERT_NE(def, nullptr);
  const PropertyIndex* index = loaded->index(def->label, def->key);
  ASSERT_NE(index, nullptr);
  EXPECT_EQ(index->equal(Value("Ada")), std::vector<NodeId>{0});
  EXPECT_NE(c.findIndexByName("index_Org_big"), nullptr);
  EXPECT_EQ(c.sensitivity(*c.propertyKeys().find("age")), Sensitivity::kHigh);
  EXPECT_EQ(c.sensitivity(*c.propertyKeys().find("name")), Sensitivity::kMedium);
  EXPECT_EQ(c.sensitivity(*c.propertyKeys().find("unused_key")), Sensitivity::kHigh);
  EXPECT_EQ(dump(*loaded), dump(g));

  // Dropping an index persists too.
  write(g, 2, [&](ChangeSet& cs) { cs.dropIndex("by_name"); });
  EXPECT_EQ(reload()->catalog().indexes().size(), 1u);
}

TEST_P(GraphStoreTest, DropDatasetRemovesOnlyThatDataset) {
  Graph g;
  write(g, 0, [&](ChangeSet& cs) { populate(g, cs); });
  gs_.ensureDataset("ds2");
  Graph g2;
  bulkGraph(g2, 5, 5);
  gs_.commitBulk("ds2", 0, g2, 0, 0);

  gs_.dropDataset(kDataset);
  EXPECT_EQ(gs_.headVersion(kDataset), std::nullopt);
  EXPECT_EQ(errorFrom([&] { reload(); }).code(), Code::kNotFound);
  EXPECT_TRUE(gs_.changesSince(kDataset, 0, 10).empty());
  auto lease = store_->acquire();
  for (const char* table : {"graph_nodes", "graph_rels", "graph_catalog", "graph_changes"}) {
    auto row = lease->queryOne(
        std::string("SELECT COUNT(*) FROM ") + table + " WHERE dataset_id = $1", {kDataset});
    EXPECT_EQ(row->integer(0), 0) << table;
  }
  Graph loaded2;
  EXPECT_EQ(gs_.load("ds2", loaded2), 1);
  EXPECT_EQ(dump(loaded2), dump(g2));
  gs_.dropDataset(kDataset);  // dropping twice is harmless
}

TEST_P(GraphStoreTest, LargeCommitSpansSeveralStatements) {
  Graph g;
  write(g, 0, [&](ChangeSet& cs) {
    LabelId l = cs.internLabel("N");
    RelTypeId t = cs.internRelType("T");
    for (int i = 0; i < 1500; ++i) cs.createNode({l}, props(g, {{"i", Value(i)}}));
    for (int i = 0; i < 1499; ++i)
      cs.createRel(t, static_cast<NodeId>(i), static_cast<NodeId>(i + 1), {});
  });
  write(g, 1, [&](ChangeSet& cs) {
    for (int i = 0; i < 1499; i += 2) cs.deleteRel(static_cast<RelId>(i));
    for (int i = 0; i < 1500; i += 3) cs.setNodeProperty(i, 0, Value("changed"));
  });
  EXPECT_EQ(dump(*reload()), dump(g));
}

INSTANTIATE_TEST_SUITE_P(storage, GraphStoreTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const ::testing::TestParamInfo<Backend>& info) {
                           return maestro::testing::backendName(info.param);
                         });

}  // namespace
}  // namespace maestro::engine
