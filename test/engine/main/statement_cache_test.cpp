// Kept compiled statements: a kept plan answers its next runs exactly as a
// fresh one would, whatever the last run left behind; it is found again
// only under what it was compiled for; concurrent runs never share one.
#include "engine/main/statement_cache.h"

#include <thread>

#include <gtest/gtest.h>

#include "engine/main/database.h"
#include "engine/storage/graph_store.h"
#include "testing/test_stores.h"

namespace maestro::engine {
namespace {

using testing::Backend;

class StatementCacheTest : public ::testing::Test {
 protected:
  StatementCacheTest() : tdb_(Backend::kSqlite) {
    store_ = tdb_.open();
    store_->migrate("graph", GraphStore::migrations());
    db_ = Database::open(*store_, "ds");
    db_->execute(
        "UNWIND range(1, 40) AS i "
        "CREATE (:P {id: i, k: i % 4, name: 'p' + toString(i)})");
    db_->execute("MATCH (a:P), (b:P) WHERE b.id = a.id + 1 CREATE (a)-[:R {w: a.id}]->(b)");
    db_->execute("MATCH (a:P), (b:P) WHERE b.id = a.id + 3 AND a.k = 0 CREATE (a)-[:R {w: 0}]->(b)");
    db_->execute("UNWIND range(1, 6) AS i CREATE (:Q {k: i % 3})");  // two per k
    db_->execute("CREATE INDEX FOR (q:Q) ON (q.k)");
    db_->execute("CREATE INDEX FOR (p:P) ON (p.id)");
    db_->refreshStatistics();
  }

  // The rows as text, in order: comparing runs of one statement.
  static std::string rows(const QueryResult& r) {
    std::string out;
    for (const auto& row : r.rows) {
      for (const auto& v : row) out += toDebugString(v) + "|";
      out += "\n";
    }
    return out;
  }

  testing::TestDatabase tdb_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Database> db_;
};

// Statements whose operators keep state between rows: a LIMIT that stops
// them half-way, sorts, groups, DISTINCT, UNWIND, UNION, OPTIONAL MATCH,
// variable-length and shortest paths, pattern predicates over an index
// seek, a cycle.
const char* const kStatements[] = {
    "MATCH (p:P) RETURN p.id ORDER BY p.id DESC LIMIT 3",
    "MATCH (p:P) RETURN p.id LIMIT 2",
    "MATCH (p:P) RETURN p.k, count(*) AS n, collect(p.id)[0] AS first ORDER BY p.k",
    "MATCH (p:P) RETURN DISTINCT p.k ORDER BY p.k",
    "UNWIND range(1, $n) AS x RETURN x LIMIT 2",
    "MATCH (p:P {id: $id}) RETURN p.name UNION MATCH (q:Q {k: 1}) RETURN 'q' AS `p.name`",
    "MATCH (p:P {id: $id}) OPTIONAL MATCH (p)-[:R]->(n) RETURN p.id, n.id ORDER BY n.id",
    "MATCH (p:P {id: $id})-[:R*1..3]->(x) RETURN count(DISTINCT x)",
    "MATCH s = shortestPath((a:P {id: $id})-[:R*..10]->(b:P {id: 30})) RETURN length(s)",
    "MATCH (p:P) WHERE EXISTS { MATCH (q:Q {k: p.k}) } RETURN count(p)",
    "MATCH (a:P)-[:R]->(b:P)-[:R]->(c:P), (a)-[:R]->(c) RETURN count(*)",
};

TEST_F(StatementCacheTest, AKeptStatementAnswersLikeAFreshOne) {
  for (auto planner : {PlannerVersion::kV1, PlannerVersion::kV2}) {
    QueryOptions options;
    options.planner = planner;
    for (const char* q : kStatements) {
      for (int id : {1, 4, 7}) {
        Parameters params{{"id", Value(int64_t{id})}, {"n", Value(int64_t{id + 2})}};
        auto first = db_->execute(q, params, options);
        for (int run = 0; run < 3; ++run) {
          auto again = db_->execute(q, params, options);
          EXPECT_EQ(rows(again), rows(first)) << q << " id=" << id << " run " << run;
          EXPECT_EQ(again.planHints(), first.planHints()) << q;
          EXPECT_EQ(again.actual_cost, first.actual_cost) << q;  // counters restart
        }
      }
    }
  }
  EXPECT_GT(db_->cachedStatements(), 0u);
}

// v1's plans do not depend on parameter values, so one kept plan serves
// them all; each answer is still its own parameters'.
TEST_F(StatementCacheTest, OneKeptV1PlanServesEveryParameterValue) {
  const char* q = "MATCH (p:P {id: $id})-[:R]->(n) RETURN n.id ORDER BY n.id";
  auto before = db_->cachedStatements();
  EXPECT_EQ(rows(db_->execute(q, {{"id", Value(int64_t{1})}})), "2|\n");
  EXPECT_EQ(rows(db_->execute(q, {{"id", Value(int64_t{4})}})), "5|\n7|\n");
  EXPECT_EQ(rows(db_->execute(q, {{"id", Value(int64_t{40})}})), "");
  EXPECT_EQ(db_->cachedStatements(), before + 1);
  // An index seek stopped half-way by a LIMIT, then run for another value.
  const char* seek = "MATCH (q:Q {k: $k}) RETURN q.k LIMIT 1";
  EXPECT_EQ(rows(db_->execute(seek, {{"k", Value(int64_t{1})}})), "1|\n");
  EXPECT_EQ(rows(db_->execute(seek, {{"k", Value(int64_t{5})}})), "");
  // v2 plans for the values: one kept statement each.
  QueryOptions v2;
  v2.planner = PlannerVersion::kV2;
  EXPECT_EQ(rows(db_->execute(q, {{"id", Value(int64_t{1})}}, v2)), "2|\n");
  EXPECT_EQ(rows(db_->execute(q, {{"id", Value(int64_t{4})}}, v2)), "5|\n7|\n");
  EXPECT_EQ(db_->cachedStatements(), before + 4);
}

// A pattern predicate's index seek stops at its first match: the next
// outer row's seek starts afresh.
TEST_F(StatementCacheTest, AnIndexSeekStoppedEarlyStartsAfreshOnTheNextRow) {
  for (auto planner : {PlannerVersion::kV1, PlannerVersion::kV2}) {
    QueryOptions options;
    options.planner = planner;
    auto r = db_->execute("MATCH (p:P) WHERE EXISTS { MATCH (q:Q {k: p.k}) } RETURN count(p)", {},
                          options);
    EXPECT_EQ(r.rows.at(0).at(0).asInt(), 30);  // k 0, 1 and 2 of 0..3
  }
}

TEST_F(StatementCacheTest, NotKeptWhenTheyWriteExplainOrProfile) {
  auto before = db_->cachedStatements();
  db_->execute("CREATE (:Z)");
  db_->execute("EXPLAIN MATCH (p:P) RETURN p");
  auto prof = db_->execute("PROFILE MATCH (p:P) RETURN count(p)");
  auto prof2 = db_->execute("PROFILE MATCH (p:P) RETURN count(p)");
  ASSERT_FALSE(prof2.profile.empty());
  EXPECT_EQ(prof2.profile.front().actual_rows, prof.profile.front().actual_rows);
  EXPECT_EQ(db_->cachedStatements(), before);
}

// A new index (or label, type or key) is a new schema: the statement is
// compiled again and the new plan uses the index.
TEST_F(StatementCacheTest, ASchemaChangeCompilesAgain) {
  const char* q = "MATCH (p:P {k: 2}) RETURN count(p)";
  EXPECT_EQ(db_->execute(q).rows.at(0).at(0).asInt(), 10);
  auto before = db_->cachedStatements();
  db_->execute("CREATE INDEX FOR (p:P) ON (p.k)");
  EXPECT_EQ(db_->execute(q).rows.at(0).at(0).asInt(), 10);
  EXPECT_EQ(db_->cachedStatements(), before + 1);
  EXPECT_NE(db_->explain(q).plan.find("NodeIndexSeek"), std::string::npos);
}

TEST_F(StatementCacheTest, NewStatisticsDropEveryKeptStatement) {
  db_->execute("MATCH (p:P) RETURN count(p)");
  EXPECT_GT(db_->cachedStatements(), 0u);
  db_->refreshStatistics();
  EXPECT_EQ(db_->cachedStatements(), 0u);
}

// Each thread runs its own copy: no operator tree is shared by two runs.
TEST_F(StatementCacheTest, ConcurrentRunsOfOneStatementAgree) {
  const char* q = "MATCH (p:P)-[:R*1..2]->(x) RETURN p.k, count(*) ORDER BY p.k";
  std::string expected = rows(db_->execute(q));
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        if (rows(db_->execute(q)) != expected) ++wrong;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
}

void keep(StatementCache& cache, const StatementKey& key) {
  cache.put(key, key.hash(), std::make_unique<Compiled>());
}

bool found(StatementCache& cache, const StatementKey& key) {
  return cache.take(key, key.hash()) != nullptr;
}

TEST(StatementCache, KeepsAtMostItsCapacityLeastRecentlyUsedLeavingFirst) {
  StatementCache cache;
  std::vector<std::string> texts;
  for (size_t i = 0; i <= StatementCache::kCapacity; ++i) texts.push_back("RETURN " + std::to_string(i));
  auto key = [&](size_t i) {
    StatementKey k;
    k.text = texts[i];
    return k;
  };
  for (size_t i = 0; i < StatementCache::kCapacity; ++i) keep(cache, key(i));
  ASSERT_TRUE(found(cache, key(0)));  // 0 is now the most recent
  keep(cache, key(0));
  keep(cache, key(StatementCache::kCapacity));
  EXPECT_EQ(cache.size(), StatementCache::kCapacity);
  EXPECT_FALSE(found(cache, key(1)));  // the least recent left
  EXPECT_TRUE(found(cache, key(0)));
  EXPECT_TRUE(found(cache, key(StatementCache::kCapacity)));
  EXPECT_FALSE(found(cache, key(StatementCache::kCapacity)));  // one copy, taken
}

TEST(StatementCache, FindsOnlyWhatItWasCompiledFor) {
  StatementCache cache;
  Parameters a{{"x", Value(int64_t{1})}}, b{{"x", Value(1.0)}}, c{{"x", Value(int64_t{1})}};
  StatementKey k;
  k.planner = PlannerVersion::kV2;
  k.text = "RETURN $x";
  k.params = &a;
  k.stats_note = "statistics: version 1";
  keep(cache, k);
  StatementKey other = k;
  other.params = &b;  // 1.0 is not 1
  EXPECT_FALSE(found(cache, other));
  other = k;
  other.hints = "USING SCAN p:P";
  EXPECT_FALSE(found(cache, other));
  other = k;
  other.stats_note = "statistics: stale";
  EXPECT_FALSE(found(cache, other));
  other = k;
  other.schema = 7;
  EXPECT_FALSE(found(cache, other));
  other = k;
  other.planner = PlannerVersion::kV1;
  other.params = nullptr;
  EXPECT_FALSE(found(cache, other));
  StatementKey same;
  same.planner = PlannerVersion::kV2;
  same.text = "RETURN $x";
  same.params = &c;  // equal values in another map
  same.stats_note = "statistics: version 1";
  EXPECT_TRUE(found(cache, same));
}

}  // namespace
}  // namespace maestro::engine
