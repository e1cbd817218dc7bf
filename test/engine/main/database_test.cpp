// Database: transactions, concurrency, several processes on one store, and
// recovery after kill -9 — on both store backends where it matters.
#include "engine/main/database.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/error.h"
#include "engine/storage/graph_store.h"
#include "testing/test_stores.h"

namespace maestro::engine {
namespace {

using testing::Backend;

int64_t scalar(Database& db, const std::string& q, const Parameters& p = {}) {
  auto r = db.execute(q, p);
  EXPECT_EQ(r.rows.size(), 1u) << q;
  return r.rows.at(0).at(0).asInt();
}

class DatabaseTest : public ::testing::TestWithParam<Backend> {
 protected:
  DatabaseTest() : tdb_(GetParam()) {
    store_ = tdb_.open();
    store_->migrate("graph", GraphStore::migrations());
  }
  // Another process: its own store pool and its own Database.
  std::unique_ptr<store::Store> otherStore() {
    auto s = tdb_.open();
    s->migrate("graph", GraphStore::migrations());
    return s;
  }

  testing::TestDatabase tdb_;
  std::unique_ptr<store::Store> store_;
};

TEST_P(DatabaseTest, WritesAreDurableAndVersioned) {
  auto db = Database::open(*store_, "ds");
  EXPECT_EQ(db->version(), 0);
  auto r = db->execute("CREATE (:A {x: 1})-[:R]->(:B)");
  EXPECT_EQ(r.counters.nodes_created, 2);
  EXPECT_EQ(r.counters.relationships_created, 1);
  EXPECT_EQ(db->version(), 1);
  db->execute("MATCH (a:A) SET a.x = 2");
  EXPECT_EQ(db->version(), 2);
  db->execute("MATCH (n) RETURN n");  // reads do not bump the version
  EXPECT_EQ(db->version(), 2);
  db.reset();
  auto again = Database::open(*store_, "ds");
  EXPECT_EQ(again->version(), 2);
  EXPECT_EQ(scalar(*again, "MATCH (a:A)-[:R]->(:B) RETURN a.x"), 2);
}

TEST_P(DatabaseTest, AFailedStatementChangesNothing) {
  auto db = Database::open(*store_, "ds");
  db->execute("CREATE (:A)");
  EXPECT_THROW(db->execute("CREATE (:A) WITH 1 AS one RETURN one / 0"), Error);
  EXPECT_THROW(db->execute("MATCH (a:A) CREATE (a)-[:R]->(:B) WITH a DELETE a"), Error);
  EXPECT_EQ(scalar(*db, "MATCH (n) RETURN count(n)"), 1);
  EXPECT_EQ(db->version(), 1);
  db.reset();
  auto again = Database::open(*store_, "ds");
  EXPECT_EQ(scalar(*again, "MATCH (n) RETURN count(n)"), 1);
}

TEST_P(DatabaseTest, ReadersNeverSeeHalfATransaction) {
  auto db = Database::open(*store_, "ds");
  db->execute("UNWIND range(0, 9) AS i CREATE (:Acc {i: i, v: 100})");
  std::atomic<bool> done{false};
  std::atomic<int> bad{0}, reads{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      while (!done) {
        int64_t sum = scalar(*db, "MATCH (a:Acc) RETURN sum(a.v)");
        if (sum != 1000) ++bad;
        ++reads;
      }
    });
  }
  for (int i = 0; i < 60; ++i) {
    db->execute("MATCH (a:Acc {i: $a}), (b:Acc {i: $b}) SET a.v = a.v - $x, b.v = b.v + $x",
                {{"a", Value(int64_t(i % 10))}, {"b", Value(int64_t((i * 7 + 3) % 10))},
                 {"x", Value(int64_t(i))}});
  }
  done = true;
  for (auto& r : readers) r.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_GT(reads.load(), 0);
  EXPECT_EQ(scalar(*db, "MATCH (a:Acc) RETURN sum(a.v)"), 1000);
}

TEST_P(DatabaseTest, AnotherProcessesWritesAreSeenAtOnce) {
  auto db1 = Database::open(*store_, "ds");
  auto other = otherStore();
  auto db2 = Database::open(*other, "ds");
  db1->execute("CREATE (:A {x: 1})");
  EXPECT_EQ(scalar(*db2, "MATCH (a:A) RETURN a.x"), 1);
  db2->execute("MATCH (a:A) SET a.x = 5 CREATE (:B)");
  EXPECT_EQ(scalar(*db1, "MATCH (a:A) RETURN a.x"), 5);
  EXPECT_EQ(scalar(*db1, "MATCH (n) RETURN count(n)"), 2);
  EXPECT_EQ(db1->version(), db2->version());
}

TEST_P(DatabaseTest, ConcurrentWritersInTwoProcessesNeverShareAVersion) {
  auto db1 = Database::open(*store_, "ds");
  auto other = otherStore();
  auto db2 = Database::open(*other, "ds");
  constexpr int kEach = 25;
  std::atomic<int> failures{0};
  auto writer = [&](Database& db, int tag) {
    for (int i = 0; i < kEach; ++i) {
      try {
        db.execute("CREATE (:W {tag: $t, i: $i})", {{"t", Value(int64_t(tag))},
                                                    {"i", Value(int64_t(i))}});
      } catch (const Error&) {
        ++failures;
      }
    }
  };
  std::thread t1(writer, std::ref(*db1), 1), t2(writer, std::ref(*db2), 2);
  t1.join();
  t2.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(scalar(*db1, "MATCH (w:W) RETURN count(w)"), 2 * kEach);
  EXPECT_EQ(scalar(*db2, "MATCH (w:W) RETURN count(w)"), 2 * kEach);
  EXPECT_EQ(db1->version(), 2 * kEach);
  auto rows = store_->acquire()->queryOne(
      "SELECT COUNT(DISTINCT version), MAX(version) FROM graph_changes WHERE dataset_id = $1",
      {"ds"});
  EXPECT_EQ(rows->integer(0), 2 * kEach);
  EXPECT_EQ(rows->integer(1), 2 * kEach);
}

TEST_P(DatabaseTest, SchemaChangesReachOtherProcesses) {
  auto db1 = Database::open(*store_, "ds");
  auto other = otherStore();
  auto db2 = Database::open(*other, "ds");
  db1->execute("UNWIND range(1, 50) AS i CREATE (:P {id: i})");
  db1->execute("CREATE INDEX FOR (p:P) ON (p.id)");
  auto plan = db2->explain("MATCH (p:P {id: 7}) RETURN p").plan;
  EXPECT_THAT(plan, ::testing::HasSubstr("NodeIndexSeek"));
  EXPECT_EQ(scalar(*db2, "MATCH (p:P {id: 7}) RETURN p.id"), 7);
}

TEST_P(DatabaseTest, ReadOnlyCallersCannotWrite) {
  auto db = Database::open(*store_, "ds");
  QueryOptions ro;
  ro.read_only = true;
  try {
    db->execute("CREATE (:A)", {}, ro);
    FAIL() << "a read-only caller wrote";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::kForbidden);
  }
  EXPECT_EQ(db->version(), 0);
}

TEST_P(DatabaseTest, TimeoutStopsALongQuery) {
  auto db = Database::open(*store_, "ds");
  db->execute("UNWIND range(1, 2000) AS i CREATE (:N {i: i})");
  QueryOptions opts;
  opts.timeout = std::chrono::milliseconds(50);
  try {
    db->execute("MATCH (a:N), (b:N), (c:N) RETURN count(*)", {}, opts);
    FAIL() << "an eight-billion-row query finished within 50 ms";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::kUnavailable);
    EXPECT_THAT(e.message(), ::testing::HasSubstr("time limit"));
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, DatabaseTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) { return testing::backendName(info.param); });

// kill -9 of a writing process: every acknowledged statement survives and no
// statement is half there (each creates two nodes and one relationship).
TEST(RecoveryTest, KillNineKeepsEveryAcknowledgedTransactionAndNothingPartial) {
  testing::TestDatabase tdb(Backend::kSqlite);
  {
    auto s = tdb.open();
    s->migrate("graph", GraphStore::migrations());
  }
  int pipefd[2];
  ASSERT_EQ(::pipe(pipefd), 0);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(pipefd[0]);
    try {
      auto s = tdb.open();
      auto db = Database::open(*s, "ds");
      for (int64_t i = 0;; ++i) {
        db->execute("CREATE (:K {i: $i})-[:R]->(:K {i: $i})", {{"i", Value(i)}});
        // Acknowledged only after execute returned.
        if (::write(pipefd[1], &i, sizeof i) != sizeof i) ::_exit(1);
      }
    } catch (...) {
      ::_exit(2);
    }
  }
  ::close(pipefd[1]);
  int64_t acked = -1, value;
  while (acked < 40 && ::read(pipefd[0], &value, sizeof value) == sizeof value) acked = value;
  ::kill(child, SIGKILL);
  int status;
  ::waitpid(child, &status, 0);
  ::close(pipefd[0]);
  ASSERT_GE(acked, 40);

  auto s = tdb.open();
  auto db = Database::open(*s, "ds");
  int64_t nodes = scalar(*db, "MATCH (k:K) RETURN count(k)");
  int64_t rels = scalar(*db, "MATCH ()-[r:R]->() RETURN count(r)");
  EXPECT_EQ(nodes, 2 * rels);
  EXPECT_GE(rels, acked + 1);
  EXPECT_EQ(db->version(), rels);
}

}  // namespace
}  // namespace maestro::engine
