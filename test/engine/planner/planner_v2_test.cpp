// Planner v2: plan choice on small skewed graphs, fallbacks when
// statistics are missing, stale or unreadable (the seed's chaos case
// "histogram stale/missing"), hints, and the same answers as v1 — on the
// top-20 queries over generated data.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/error.h"
#include "engine/main/database.h"
#include "engine/stats/statistics.h"
#include "engine/storage/graph_store.h"
#include "engine/storage/importer.h"
#include "testing/test_stores.h"
#include "tools/bench.h"
#include "tools/datagen.h"

namespace maestro::engine {
namespace {

QueryOptions v1() { return {}; }
QueryOptions v2() {
  QueryOptions o;
  o.planner = PlannerVersion::kV2;
  return o;
}

bool hasHint(const QueryResult& r, const std::string& prefix) {
  for (const auto& h : r.planHints()) {
    if (h.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

std::string firstStart(const QueryResult& r) {
  for (const auto& h : r.planHints()) {
    if (h.rfind("start ", 0) == 0) return h;
  }
  return "";
}

class PlannerV2Test : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = tdb_.open();
    GraphStore::migrate(*store_);
  }
  std::unique_ptr<Database> open(DatabaseOptions o = {}) {
    return Database::open(*store_, "skew", o);
  }
  // 2,000 people working at one hub organisation, one of them (p5) also
  // at a small one; one flagged person.
  void build(Database& db) {
    db.execute("UNWIND range(1, 2000) AS i CREATE (:Person {id: 'p' + toString(i), flag: i = 7})");
    db.execute("CREATE (:Org {id: 'hub'}), (:Org {id: 'leaf'})");
    db.execute("MATCH (p:Person), (o:Org {id: 'hub'}) CREATE (p)-[:WORKS_AT]->(o)");
    db.execute("MATCH (p:Person {id: 'p5'}), (o:Org {id: 'leaf'}) CREATE (p)-[:WORKS_AT]->(o)");
    db.execute("CREATE INDEX FOR (n:Person) ON (n.id)");
    db.execute("CREATE INDEX FOR (n:Person) ON (n.flag)");
    db.execute("CREATE INDEX FOR (n:Org) ON (n.id)");
  }
  testing::TestDatabase tdb_{testing::Backend::kSqlite};
  std::unique_ptr<store::Store> store_;
};

TEST_F(PlannerV2Test, StartsFromTheRareSide) {
  auto db = open();
  build(*db);
  db->refreshStatistics();
  const char* q = "MATCH (o:Org)<-[:WORKS_AT]-(p:Person) WHERE p.flag = true RETURN p.id";
  auto r = db->execute(q, {}, v2());
  EXPECT_EQ(firstStart(r).rfind("start p: index seek on :Person(flag)", 0), 0u) << firstStart(r);
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0][0].asString(), "p7");
}

TEST_F(PlannerV2Test, ExpandsFromTheLowDegreeSideOfAHub) {
  auto db = open();
  build(*db);
  db->refreshStatistics();
  const char* q = "MATCH (o:Org {id: $org})<-[:WORKS_AT]-(p:Person {id: $p}) RETURN p.id";
  Parameters params{{"org", Value("hub")}, {"p", Value("p5")}};
  auto r = db->execute("PROFILE " + std::string(q), params, v2());
  EXPECT_EQ(firstStart(r).rfind("start p:", 0), 0u) << r.plan;
  ASSERT_EQ(r.rows.size(), 1u);
  // Nothing in the plan walked the hub's 2,000 relationships.
  for (const auto& op : r.profile) EXPECT_LT(op.actual_rows, 10) << r.plan;
  // Estimates are exact here: the seeks were probed at plan time.
  for (const auto& op : r.profile) {
    if (op.estimated_rows >= 0) {
      EXPECT_LE(tools::qError(op.estimated_rows, static_cast<double>(op.actual_rows)), 2.0)
          << r.plan;
    }
  }
}

TEST_F(PlannerV2Test, RepeatedStatementsReplayTheirChoices) {
  auto db = open();
  build(*db);
  db->refreshStatistics();
  const std::string q = "MATCH (o:Org {id: $org})<-[:WORKS_AT]-(p:Person) RETURN count(p)";
  Parameters hub{{"org", Value("hub")}}, leaf{{"org", Value("leaf")}};
  auto first = db->explain(q, hub, v2());
  auto again = db->explain(q, hub, v2());  // from the choice cache
  EXPECT_EQ(first.plan, again.plan);
  EXPECT_EQ(db->execute(q, hub, v2()).rows[0][0].asInt(), 2000);
  EXPECT_EQ(db->execute(q, leaf, v2()).rows[0][0].asInt(), 1);  // other values: their own plan
  EXPECT_EQ(db->execute(q, hub, v2()).rows[0][0].asInt(), 2000);
}

TEST_F(PlannerV2Test, MissingStatisticsFallBackToDefaultsAndSaySo) {
  DatabaseOptions o;
  o.auto_statistics = false;
  auto db = open(o);
  build(*db);
  const char* q = "MATCH (o:Org)<-[:WORKS_AT]-(p:Person) WHERE p.flag = true RETURN p.id";
  auto r = db->execute(q, {}, v2());
  EXPECT_TRUE(hasHint(r, "statistics: missing")) << r.planHints().size();
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(db->explain(q, {}, v2()).plan.find("statistics: missing") != std::string::npos, true);
}

TEST_F(PlannerV2Test, StaleStatisticsAreUsedButFlagged) {
  DatabaseOptions o;
  o.auto_statistics = false;
  auto db = open(o);
  build(*db);
  db->refreshStatistics();
  EXPECT_FALSE(db->statisticsStale());
  db->execute("UNWIND range(1, 3000) AS i CREATE (:Person {id: 'n' + toString(i)})");
  EXPECT_TRUE(db->statisticsStale());
  auto r = db->execute("MATCH (p:Person {id: 'n5'}) RETURN p.id", {}, v2());
  EXPECT_TRUE(hasHint(r, "statistics: stale"));
  ASSERT_EQ(r.rows.size(), 1u);
}

TEST_F(PlannerV2Test, ChangedDatasetRefreshesItsStatisticsAutomatically) {
  auto db = open();
  build(*db);
  db->refreshStatistics();
  db->execute("UNWIND range(1, 3000) AS i CREATE (:Person {id: 'n' + toString(i)})");
  auto r = db->execute("MATCH (p:Person {id: 'n5'}) RETURN p.id", {}, v2());
  EXPECT_FALSE(hasHint(r, "statistics: stale"));
  EXPECT_EQ(db->statistics()->labelCount("Person"), 5000);
  // …and stored them: a second process loads them with the dataset.
  auto again = Database::open(*store_, "skew");
  ASSERT_NE(again->statistics(), nullptr);
  EXPECT_EQ(again->statistics()->labelCount("Person"), 5000);
}

TEST_F(PlannerV2Test, UnreadableStatisticsNeverFailAQuery) {
  {
    auto db = open();
    build(*db);
    db->refreshStatistics();
  }
  {
    auto lease = store_->acquire();
    lease->execute("UPDATE selectivity_hist SET bucket = $1 WHERE dataset_id = $2 AND attr = $3",
                   {std::string("{not json"), std::string("skew"), std::string("meta")});
  }
  DatabaseOptions o;
  o.auto_statistics = false;
  auto db = open(o);
  EXPECT_EQ(db->statistics(), nullptr);
  auto r = db->execute("MATCH (p:Person {id: 'p5'})-[:WORKS_AT]->(o) RETURN o.id", {}, v2());
  EXPECT_TRUE(hasHint(r, "statistics: missing ("));
  EXPECT_EQ(r.rows.size(), 2u);
}

TEST_F(PlannerV2Test, HintsAreHonouredOrRefused) {
  auto db = open();
  build(*db);
  auto scan = db->execute(
      "MATCH (o:Org)<-[:WORKS_AT]-(p:Person) USING SCAN p:Person WHERE p.flag = true RETURN p.id",
      {}, v2());
  EXPECT_EQ(firstStart(scan).rfind("start p: label scan on :Person", 0), 0u) << firstStart(scan);
  EXPECT_EQ(scan.rows.size(), 1u);
  auto index = db->execute(
      "MATCH (o:Org {id: 'hub'})<-[:WORKS_AT]-(p:Person {id: 'p9'}) USING INDEX o:Org(id) RETURN p.id",
      {}, v2());
  EXPECT_EQ(firstStart(index).rfind("start o: index seek on :Org(id)", 0), 0u);
  EXPECT_EQ(index.rows.size(), 1u);
  auto refused = [&](const std::string& q, const std::string& why) {
    try {
      db->execute(q, {}, v2());
      ADD_FAILURE() << q << ": no error";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), Code::kBadInput);
      EXPECT_NE(e.message().find(why), std::string::npos) << e.message();
    }
  };
  refused("MATCH (p:Person) USING INDEX p:Person(name) WHERE p.name = 'x' RETURN p",
          "there is no index on :Person(name)");
  refused("MATCH (p:Person) USING INDEX p:Person(id) WHERE p.id > 'x' RETURN p",
          "no equality on p.id");
  refused("MATCH (p:Person) USING SCAN p:Org RETURN p", "does not give p the label Org");
  refused("MATCH (a:Person)-->(o)<--(b:Person) USING JOIN ON x RETURN a",
          "USING JOIN ON x cannot be honoured: x is not a node of this pattern");
  // a is an end of the path: no split of it into two parts meets at a.
  refused("MATCH (a:Person)-->(o)<--(b:Person) USING JOIN ON a RETURN a",
          "USING JOIN ON a cannot be honoured: the pattern cannot be split");
  refused("MATCH (a:Person) MATCH (a)-->(o)<--(b:Person) USING JOIN ON o RETURN a",
          "USING JOIN ON o cannot be honoured: a hash join is only planned");
  // v1 ignores hints, and says so.
  EXPECT_TRUE(hasHint(db->execute("MATCH (p:Person) USING SCAN p:Person RETURN count(*)", {}, v1()),
                      "hints ignored"));
}

TEST_F(PlannerV2Test, DistinctReachabilityMatchesPathEnumeration) {
  auto db = open();
  db->execute(
      "CREATE (a:N {id: 1})-[:R]->(b:N {id: 2})-[:R]->(c:N {id: 3})-[:R]->(a), "
      "(c)-[:R]->(d:N {id: 4}), (d)-[:R]->(d), (b)-[:R]->(b2:N {id: 5}), (b)-[:R]->(b2)");
  for (const char* q : {
           "MATCH (x:N {id: 1})-[:R*1..3]-(y) RETURN DISTINCT y.id",
           "MATCH (x:N {id: 4})-[:R*1..2]->(y) RETURN DISTINCT y.id",
           "MATCH (x:N {id: 5})-[:R*1..2]-(y) RETURN DISTINCT y.id",
           "MATCH (x:N {id: 5})-[:R*0..1]-(y) RETURN DISTINCT y.id",
           "MATCH (x:N {id: 2})-[:R*..3]->(y) RETURN DISTINCT y.id",
       }) {
    auto a = db->execute(q, {}, v1());
    auto b = db->execute(q, {}, v2());
    EXPECT_EQ(tools::compareAnswers(a, b, false), "") << q;
  }
  auto r = db->execute("EXPLAIN MATCH (x:N {id: 1})-[:R*1..3]-(y) RETURN DISTINCT y.id", {}, v2());
  EXPECT_NE(r.plan.find("VarLengthExpand(Pruning)"), std::string::npos) << r.plan;
}

// A small graph with cycles: people who know each other and work at one
// of three organisations (the first a hub), KNOWS in both directions and
// some pairs twice.
void buildColleagues(Database& db) {
  db.execute("UNWIND range(1, 60) AS i CREATE (:Person {id: i})");
  db.execute("UNWIND range(1, 3) AS i CREATE (:Org {id: i})");
  db.execute("MATCH (p:Person), (o:Org) WHERE o.id = CASE WHEN p.id % 5 = 0 THEN 2 "
             "WHEN p.id % 7 = 0 THEN 3 ELSE 1 END CREATE (p)-[:WORKS_AT]->(o)");
  db.execute("MATCH (a:Person), (b:Person) WHERE a.id < b.id AND (a.id * 7 + b.id * 3) % 11 = 0 "
             "CREATE (a)-[:KNOWS]->(b)");
  db.execute("MATCH (a:Person), (b:Person) WHERE a.id > b.id AND (a.id + b.id) % 13 = 0 "
             "CREATE (a)-[:KNOWS]->(b)");
  db.execute("CREATE INDEX FOR (n:Org) ON (n.id)");
  db.refreshStatistics();
}

TEST_F(PlannerV2Test, HashJoinGivesExpandIntosAnswers) {
  auto db = open();
  buildColleagues(*db);
  const std::string match =
      "MATCH (a:Person)-[:KNOWS]-(b:Person), (a)-[:WORKS_AT]->(o:Org {id: 1})<-[:WORKS_AT]-(b) ";
  for (const std::string hint : {"", "USING JOIN ON a ", "USING JOIN ON a, b ", "USING JOIN ON o "}) {
    const std::string q = match + hint + "RETURN a.id, b.id, o.id";
    auto expected = db->execute(match + "RETURN a.id, b.id, o.id", {}, v1());
    auto r = db->execute(q, {}, v2());
    EXPECT_FALSE(expected.rows.empty());
    EXPECT_EQ(tools::compareAnswers(expected, r, false), "") << q;
    if (!hint.empty()) {
      EXPECT_TRUE(hasHint(r, "hash join on")) << q;
      auto plan = db->execute("EXPLAIN " + q, {}, v2()).plan;
      EXPECT_NE(plan.find("+NodeHashJoin on "), std::string::npos) << plan;
      EXPECT_NE(plan.find("est_rows="), std::string::npos) << plan;
    }
  }
  // The join key holds every node both sides bind.
  auto r = db->execute(match + "USING JOIN ON o RETURN count(*)", {}, v2());
  EXPECT_TRUE(hasHint(r, "hash join on ")) << r.plan;
}

// One relationship may not be used twice in a pattern, even when the two
// uses come from the two sides of a hash join.
TEST_F(PlannerV2Test, HashJoinKeepsRelationshipsUnique) {
  auto db = open();
  buildColleagues(*db);
  for (const char* q : {
           "MATCH (a:Person)-[r:KNOWS]-(b)-[s:KNOWS]-(c)-[t:KNOWS]-(a) USING JOIN ON b, c "
           "RETURN a.id, b.id, c.id",
           "MATCH (a:Person)-[:KNOWS]-(b)-[:KNOWS]-(c) , (a)-[:KNOWS]-(c) USING JOIN ON a "
           "RETURN a.id, b.id, c.id",
           "MATCH (a:Person)-[r:KNOWS*1..2]-(b)-[s:KNOWS]-(a) USING JOIN ON a, b RETURN a.id, b.id",
           "MATCH (a:Person {id: 10})-[:WORKS_AT]->(o)<-[:WORKS_AT]-(b) USING JOIN ON o RETURN b.id",
       }) {
    const std::string text = q;
    const std::string plain = text.substr(0, text.find(" USING")) + text.substr(text.find(" RETURN"));
    auto expected = db->execute(plain, {}, v1());
    auto r = db->execute(q, {}, v2());
    EXPECT_EQ(tools::compareAnswers(expected, r, false), "") << q;
    EXPECT_TRUE(hasHint(r, "hash join on")) << q;
    // PROFILE counts the join's rows.
    auto prof = db->execute(std::string("PROFILE ") + q, {}, v2());
    bool seen = false;
    for (const auto& op : prof.profile) {
      if (op.name == "NodeHashJoin") {
        seen = true;
        EXPECT_EQ(op.actual_rows, static_cast<int64_t>(expected.rows.size())) << q;
      }
    }
    EXPECT_TRUE(seen) << prof.plan;
  }
}

// shortestPath / allShortestPaths (a bidirectional search) against the
// paths of minimal length found by enumerating every path.
TEST_F(PlannerV2Test, ShortestPathsMatchEnumeration) {
  auto db = open();
  // A hub (0) linked to everyone, a ring, a few chords, a directed chain
  // and an isolated node.
  db->execute("UNWIND range(0, 40) AS i CREATE (:N {id: i})");
  db->execute("MATCH (h:N {id: 0}), (n:N) WHERE n.id > 0 AND n.id < 30 AND n.id % 2 = 1 CREATE (h)-[:R]->(n)");
  db->execute("MATCH (a:N), (b:N) WHERE b.id = a.id + 1 AND a.id < 38 CREATE (a)-[:R]->(b)");
  db->execute("MATCH (a:N), (b:N) WHERE b.id = a.id + 7 AND a.id % 3 = 0 CREATE (b)-[:R]->(a)");
  for (PlannerVersion pv : {PlannerVersion::kV1, PlannerVersion::kV2}) {
    QueryOptions o;
    o.planner = pv;
    for (auto [x, y] : std::vector<std::pair<int, int>>{
             {1, 29}, {0, 37}, {37, 0}, {5, 33}, {33, 5}, {3, 39}, {31, 36}, {36, 31}, {40, 1}, {0, 4}, {13, 8}, {1, 10}}) {
      for (const char* dir : {"-", "->"}) {
        for (int max : {2, 3, 5}) {
          Parameters params{{"x", Value(int64_t{x})}, {"y", Value(int64_t{y})}};
          const std::string rel = std::string("-[:R*1..") + std::to_string(max) + "]" + dir;
          const std::string ends = "(a:N {id: $x})" + rel + "(b:N {id: $y})";
          auto all = db->execute("MATCH p = allShortestPaths(" + ends + ") RETURN p", params, o);
          auto one = db->execute("MATCH p = shortestPath(" + ends + ") RETURN length(p)", params, o);
          auto paths = db->execute("MATCH p = " + ends + " WITH length(p) AS l, p ORDER BY l "
                                   "WITH collect([l, p]) AS ps WITH ps, ps[0][0] AS m "
                                   "UNWIND ps AS x WITH x WHERE x[0] = m RETURN x[1] AS p",
                                   params, o);
          const std::string what = ends + " x=" + std::to_string(x) + " y=" + std::to_string(y);
          EXPECT_EQ(tools::compareAnswers(paths, all, false), "") << what;
          ASSERT_EQ(one.rows.size(), paths.rows.empty() ? 0u : 1u) << what;
          if (!paths.rows.empty()) {
            auto min = db->execute("MATCH p = " + ends + " RETURN min(length(p))", params, o);
            EXPECT_EQ(one.rows[0][0].asInt(), min.rows[0][0].asInt()) << what;
          }
        }
      }
    }
  }
}

// Every top-20 query, every parameter case, on generated data: v2 gives
// v1's answers (order-sensitive where the query sorts).
TEST(PlannerEquivalence, Top20OnGeneratedData) {
  testing::TestDatabase tdb(testing::Backend::kSqlite);
  auto store = tdb.open();
  GraphStore::migrate(*store);
  tools::GenOptions g;
  g.scale = 0.02;
  g.seed = 7;
  g.out = tdb.dir() / "gen";
  tools::generate(g, {});
  std::vector<std::filesystem::path> csv;
  for (const auto& e : std::filesystem::directory_iterator(g.out)) {
    if (e.path().extension() == ".csv") csv.push_back(e.path());
  }
  std::sort(csv.begin(), csv.end());
  importFiles(*store, "gen", csv, {});
  auto db = Database::open(*store, "gen");
  std::ifstream schema(g.out / "schema.cypher");
  std::string line;
  while (std::getline(schema, line)) {
    if (line.rfind("CREATE", 0) == 0) db->execute(line.substr(0, line.find_last_of(';')));
  }
  db->refreshStatistics();
  std::ifstream wf(MAESTRO_TOP20);
  ASSERT_TRUE(wf) << MAESTRO_TOP20;
  std::stringstream text;
  text << wf.rdbuf();
  auto workload = tools::parseWorkload(text.str());
  ASSERT_EQ(workload.size(), 20u);
  std::ifstream pf(g.out / "params.json");
  std::stringstream ptext;
  ptext << pf.rdbuf();
  Json params = Json::parse(ptext.str());
  tools::BenchOptions o;
  o.runs = 1;
  o.warmup = 1;
  auto cases = tools::runComparison(*db, workload, params, o);
  EXPECT_GE(cases.size(), 40u);
  for (const auto& c : cases) {
    EXPECT_TRUE(c.same_answers) << c.op_id << "/" << c.case_name << ": " << c.difference;
  }
}

}  // namespace
}  // namespace maestro::engine
