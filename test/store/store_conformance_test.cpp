// The store conformance suite: every case runs on SQLite and on PostgreSQL,
// so that code written once against store.h behaves the same on both.
//
// SQLite cases use a fresh database file per test; PostgreSQL cases a fresh
// schema per test on the throwaway server (see test/testing/test_stores.h).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <latch>
#include <limits>
#include <optional>
#include <stdexcept>
#include <thread>

#include "store/store.h"
#include "testing/test_stores.h"

namespace maestro::store {
namespace {

using testing::errorFrom;
using ::testing::HasSubstr;
using ::testing::Not;

enum class Backend { kSqlite, kPostgres };

// Names the backend in test names and messages ("GetParam() = sqlite").
void PrintTo(Backend backend, std::ostream* os) {
  *os << (backend == Backend::kSqlite ? "sqlite" : "postgres");
}

class Conformance : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::kSqlite) {
      dir_.emplace();
      uri_ = "sqlite:" + (dir_->path() / "store.db").string();
    } else {
      uri_ = testing::postgresUri();
      schema_ = testing::randomName("test_");
    }
  }

  void TearDown() override {
    if (!schema_.empty()) testing::dropSchema(uri_, schema_);
  }

  // A new Store on this test's database; several may be open at once, like
  // several processes.
  std::unique_ptr<Store> open(OpenOptions options = {}) {
    options.schema = schema_;
    return Store::open(uri_, options);
  }

  bool postgres() const { return GetParam() == Backend::kPostgres; }
  std::string blobType() const { return postgres() ? "BYTEA" : "BLOB"; }

  // counter(id INTEGER PRIMARY KEY, n BIGINT) with row (1, 0).
  static void createCounter(Connection& conn) {
    conn.execScript(
        "CREATE TABLE counter (id INTEGER PRIMARY KEY, n BIGINT NOT NULL); "
        "INSERT INTO counter (id, n) VALUES (1, 0)");
  }
  static int64_t counterValue(Connection& conn) {
    return conn.queryOne("SELECT n FROM counter WHERE id = 1")->integer(0);
  }

  std::optional<testing::TempDir> dir_;
  std::string uri_;
  std::string schema_;
};

// --- values ------------------------------------------------------------------

TEST_P(Conformance, RoundTripsEveryParamType) {
  auto store = open();
  auto conn = store->acquire();
  conn->execScript(
      "CREATE TABLE v (id INTEGER PRIMARY KEY, i BIGINT, r DOUBLE PRECISION, s TEXT, b " +
      blobType() + ")");
  int64_t id = 0;
  auto stored = [&](const char* column, Param value) {
    ++id;
    conn->execute(std::string("INSERT INTO v (id, ") + column + ") VALUES ($1, $2)", {id, value});
    auto row = conn->queryOne(std::string("SELECT ") + column + " FROM v WHERE id = $1", {id});
    EXPECT_TRUE(row.has_value());
    return row->cell(0);
  };

  for (int64_t i : {std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(),
                    int64_t{0}, int64_t{-1}, int64_t{42}}) {
    EXPECT_EQ(std::get<int64_t>(stored("i", i)), i);
  }
  EXPECT_EQ(std::get<int64_t>(stored("i", true)), 1);
  EXPECT_EQ(std::get<int64_t>(stored("i", false)), 0);
  EXPECT_EQ(std::get<int64_t>(stored("i", 7)), 7);
  EXPECT_EQ(std::get<int64_t>(stored("i", uint32_t{4'000'000'000})), 4'000'000'000);

  const double inf = std::numeric_limits<double>::infinity();
  for (double d : {-1.5, 0.1, 3.141592653589793, -2.5e-300, 1e308, 0.0, inf, -inf}) {
    EXPECT_EQ(std::get<double>(stored("r", d)), d);
  }

  for (std::string s : {std::string(), std::string("hello"),
                        std::string("héllo wörld ✓ 日本語 𝄞 emoji 🙂"),
                        std::string("quote ' double \" backslash \\ dollar $1")}) {
    EXPECT_EQ(std::get<std::string>(stored("s", s)), s);
  }
  EXPECT_EQ(std::get<std::string>(stored("s", "c string")), "c string");
  EXPECT_EQ(std::get<std::string>(stored("s", std::string_view("view"))), "view");

  Bytes all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<uint8_t>(b));
  for (const Bytes& b : {Bytes{}, Bytes{0, 0, 0}, Bytes{0xff, 0x00, 0x5c, 0x27}, all}) {
    EXPECT_EQ(std::get<Bytes>(stored("b", b)), b);
  }

  for (const char* column : {"i", "r", "s", "b"}) {
    EXPECT_TRUE(std::holds_alternative<std::monostate>(stored(column, nullptr))) << column;
  }
  EXPECT_TRUE(std::holds_alternative<std::monostate>(stored("i", std::optional<int64_t>())));
  EXPECT_EQ(std::get<int64_t>(stored("i", std::optional<int64_t>(5))), 5);
  EXPECT_EQ(std::get<std::string>(stored("s", std::optional<std::string>("x"))), "x");
}

TEST_P(Conformance, SelectParamGivesBackItsType) {
  auto store = open();
  auto conn = store->acquire();
  Bytes blob{0, 1, 2, 255};
  auto row = conn->queryOne("SELECT $1, $2, $3, $4, $5",
                            {int64_t{-9'000'000'000'000'000'000}, 0.25, "text", blob, nullptr});
  ASSERT_TRUE(row);
  EXPECT_EQ(row->integer(0), -9'000'000'000'000'000'000);
  EXPECT_EQ(row->real(1), 0.25);
  EXPECT_EQ(row->text(2), "text");
  EXPECT_EQ(row->blob(3), blob);
  EXPECT_TRUE(row->isNull(4));
}

TEST_P(Conformance, TypesCellsAndChecksAccessors) {
  auto store = open();
  auto conn = store->acquire();
  auto row = conn->queryOne("SELECT 42, 2.5, 'x', NULL, 1 = 1, COUNT(*) FROM (SELECT 1) AS t");
  ASSERT_TRUE(row);
  ASSERT_EQ(row->size(), 6u);
  EXPECT_EQ(row->integer(0), 42);
  EXPECT_EQ(row->real(0), 42.0);  // an integer reads as real
  EXPECT_EQ(row->real(1), 2.5);
  EXPECT_EQ(row->text(2), "x");
  EXPECT_EQ(row->blob(2), (Bytes{'x'}));  // text reads as blob
  EXPECT_TRUE(row->isNull(3));
  EXPECT_EQ(row->optInteger(3), std::nullopt);
  EXPECT_EQ(row->optText(3), std::nullopt);
  EXPECT_EQ(row->optReal(3), std::nullopt);
  EXPECT_EQ(row->optBlob(3), std::nullopt);
  EXPECT_EQ(row->optInteger(0), 42);
  EXPECT_EQ(row->optText(2), "x");
  EXPECT_EQ(row->integer(4), 1);  // a boolean is an integer 0/1
  EXPECT_EQ(row->integer(5), 1);

  Error real_as_int = errorFrom([&] { row->integer(1); });
  EXPECT_EQ(real_as_int.code(), Code::kInternal);
  EXPECT_THAT(real_as_int.message(), HasSubstr("column 1"));
  Error text_as_int = errorFrom([&] { row->integer(2); });
  EXPECT_EQ(text_as_int.code(), Code::kInternal);
  EXPECT_THAT(text_as_int.message(), HasSubstr("column 2"));
  EXPECT_EQ(errorFrom([&] { row->text(0); }).code(), Code::kInternal);
  EXPECT_EQ(errorFrom([&] { row->real(2); }).code(), Code::kInternal);
  EXPECT_EQ(errorFrom([&] { row->blob(0); }).code(), Code::kInternal);
  EXPECT_EQ(errorFrom([&] { row->integer(3); }).code(), Code::kInternal);  // NULL
  Error out_of_range = errorFrom([&] { row->cell(6); });
  EXPECT_EQ(out_of_range.code(), Code::kInternal);
  EXPECT_THAT(out_of_range.message(), HasSubstr("column 6"));
}

TEST_P(Conformance, RejectsTextWithNul) {
  auto store = open();
  auto conn = store->acquire();
  Error e = errorFrom([&] { conn->queryOne("SELECT $1", {std::string("a\0b", 3)}); });
  EXPECT_EQ(e.code(), Code::kBadInput);
  EXPECT_THAT(e.message(), HasSubstr("$1"));
}

// --- statements --------------------------------------------------------------

TEST_P(Conformance, ExecuteReturnsChangedRows) {
  auto store = open();
  auto conn = store->acquire();
  EXPECT_EQ(conn->execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)"), 0);
  EXPECT_EQ(conn->execute("INSERT INTO t (k, v) VALUES (1, 'a'), (2, 'b'), (3, 'b')"), 3);
  EXPECT_EQ(conn->execute("UPDATE t SET v = 'c' WHERE v = $1", {"b"}), 2);
  EXPECT_EQ(conn->execute("UPDATE t SET v = 'c' WHERE v = $1", {"nothing"}), 0);
  EXPECT_EQ(conn->execute("SELECT * FROM t"), 0);
  EXPECT_EQ(conn->execute("DELETE FROM t WHERE k > $1", {1}), 2);
}

TEST_P(Conformance, QueryOneOnNoRowsIsNullopt) {
  auto store = open();
  auto conn = store->acquire();
  conn->execScript("CREATE TABLE t (k INTEGER PRIMARY KEY)");
  EXPECT_EQ(conn->queryOne("SELECT k FROM t WHERE k = $1", {1}), std::nullopt);
  EXPECT_TRUE(conn->queryAll("SELECT k FROM t").empty());
}

TEST_P(Conformance, SyntaxErrorIsInternalWithMessage) {
  auto store = open();
  auto conn = store->acquire();
  Error e = errorFrom([&] { conn->execute("SELEC 1"); });
  EXPECT_EQ(e.code(), Code::kInternal);
  EXPECT_THAT(e.message(), HasSubstr("syntax error"));
  EXPECT_THAT(e.message(), HasSubstr("SELEC 1"));
  EXPECT_EQ(errorFrom([&] { conn->queryAll("SELECT * FROM no_such_table"); }).code(),
            Code::kInternal);
  EXPECT_EQ(conn->queryOne("SELECT 1")->integer(0), 1);  // still usable
}

TEST_P(Conformance, ParamCountMismatchIsInternal) {
  auto store = open();
  auto conn = store->acquire();
  Error too_few = errorFrom([&] { conn->queryOne("SELECT $1, $2", {1}); });
  EXPECT_EQ(too_few.code(), Code::kInternal);
  EXPECT_THAT(too_few.message(), HasSubstr("$2"));
  Error too_many = errorFrom([&] { conn->queryOne("SELECT $1", {1, 2}); });
  EXPECT_EQ(too_many.code(), Code::kInternal);
  EXPECT_THAT(too_many.message(), HasSubstr("$2"));
  Error gap = errorFrom([&] { conn->queryOne("SELECT $2", {1, 2}); });
  EXPECT_EQ(gap.code(), Code::kInternal);
  EXPECT_THAT(gap.message(), HasSubstr("$1"));
  // A `$1` inside a literal is text, not a parameter.
  EXPECT_EQ(conn->queryOne("SELECT '$1', $1", {"p"})->text(0), "$1");
  EXPECT_EQ(conn->queryOne("SELECT $2, $1, $2", {1, 2})->integer(2), 2);
}

TEST_P(Conformance, ExecuteTakesOneStatement) {
  auto store = open();
  auto conn = store->acquire();
  EXPECT_EQ(errorFrom([&] { conn->execute("SELECT 1; SELECT 2"); }).code(), Code::kInternal);
  EXPECT_EQ(conn->execute("SELECT 1;"), 0);  // a trailing semicolon is fine
}

TEST_P(Conformance, ExecScriptIsAtomic) {
  auto store = open();
  auto conn = store->acquire();
  Error e = errorFrom([&] {
    conn->execScript(
        "CREATE TABLE a (x INTEGER); INSERT INTO a VALUES (1); INSERT INTO no_such VALUES (1)");
  });
  EXPECT_EQ(e.code(), Code::kInternal);
  EXPECT_FALSE(conn->inTransaction());
  // Neither the table nor the row survived.
  EXPECT_EQ(errorFrom([&] { conn->queryAll("SELECT x FROM a"); }).code(), Code::kInternal);
  conn->execScript("CREATE TABLE a (x INTEGER); INSERT INTO a VALUES (1); -- done\n");
  EXPECT_EQ(conn->queryAll("SELECT x FROM a").size(), 1u);
}

TEST_P(Conformance, StreamingQueryStopsEarlyAndConnectionStaysUsable) {
  auto store = open();
  auto conn = store->acquire();
  conn->execScript("CREATE TABLE t (k INTEGER PRIMARY KEY, pad TEXT)");
  {
    Transaction tx(*conn, TxMode::kWrite);
    for (int k = 0; k < 2000; ++k) {
      conn->execute("INSERT INTO t (k, pad) VALUES ($1, $2)", {k, std::string(100, 'x')});
    }
    tx.commit();
  }
  int seen = 0;
  conn->query("SELECT k FROM t ORDER BY k", {}, [&](const Row& row) {
    EXPECT_EQ(row.integer(0), seen);
    return ++seen < 3;
  });
  EXPECT_EQ(seen, 3);
  EXPECT_EQ(conn->queryOne("SELECT COUNT(*) FROM t")->integer(0), 2000);

  // The same inside a transaction, which must survive the early stop.
  {
    Transaction tx(*conn, TxMode::kWrite);
    conn->execute("INSERT INTO t (k) VALUES (-1)");
    seen = 0;
    conn->query("SELECT k FROM t", {}, [&](const Row&) { return ++seen < 10; });
    EXPECT_EQ(seen, 10);
    conn->execute("INSERT INTO t (k) VALUES (-2)");
    tx.commit();
  }
  EXPECT_EQ(conn->queryOne("SELECT COUNT(*) FROM t")->integer(0), 2002);

  // A callback that throws: the exception passes through, the connection
  // stays usable.
  EXPECT_THROW(conn->query("SELECT k FROM t", {},
                           [&](const Row&) -> bool { throw std::runtime_error("stop"); }),
               std::runtime_error);
  EXPECT_EQ(conn->queryOne("SELECT COUNT(*) FROM t")->integer(0), 2002);

  // Using the connection from inside its own callback is refused.
  Error nested = errorFrom([&] {
    conn->query("SELECT k FROM t", {}, [&](const Row&) {
      conn->queryOne("SELECT 1");
      return false;
    });
  });
  EXPECT_EQ(nested.code(), Code::kInternal);
  EXPECT_THAT(nested.message(), HasSubstr("callback"));
  EXPECT_EQ(conn->queryOne("SELECT 1")->integer(0), 1);
}

// --- transactions ------------------------------------------------------------

TEST_P(Conformance, CommitPersistsAndRollbackDiscards) {
  auto store = open();
  auto conn = store->acquire();
  auto other = store->acquire();
  conn->execScript("CREATE TABLE t (k TEXT PRIMARY KEY)");
  {
    Transaction tx(*conn, TxMode::kWrite);
    EXPECT_TRUE(conn->inTransaction());
    tx->execute("INSERT INTO t (k) VALUES ('committed')");
    tx.commit();
  }
  EXPECT_FALSE(conn->inTransaction());
  conn->begin(TxMode::kWrite);
  conn->execute("INSERT INTO t (k) VALUES ('rolled back')");
  conn->rollback();
  EXPECT_FALSE(conn->inTransaction());
  auto rows = other->queryAll("SELECT k FROM t");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].text(0), "committed");
}

TEST_P(Conformance, TransactionDestroyedWithoutCommitRollsBack) {
  auto store = open();
  auto conn = store->acquire();
  conn->execScript("CREATE TABLE t (k TEXT PRIMARY KEY)");
  {
    Transaction tx(*conn, TxMode::kWrite);
    tx->execute("INSERT INTO t (k) VALUES ('x')");
  }
  EXPECT_FALSE(conn->inTransaction());
  EXPECT_FALSE(conn->queryOne("SELECT k FROM t"));
  // And when an exception unwinds through it.
  try {
    Transaction tx(*conn, TxMode::kWrite);
    tx->execute("INSERT INTO t (k) VALUES ('y')");
    throw std::runtime_error("caller failed");
  } catch (const std::runtime_error&) {
  }
  EXPECT_FALSE(conn->queryOne("SELECT k FROM t"));
}

TEST_P(Conformance, TransactionMisuseIsInternal) {
  auto store = open();
  auto conn = store->acquire();
  EXPECT_EQ(errorFrom([&] { conn->commit(); }).code(), Code::kInternal);
  conn->rollback();  // no transaction: a no-op, never throws
  Transaction tx(*conn, TxMode::kWrite);
  EXPECT_EQ(errorFrom([&] { conn->begin(TxMode::kRead); }).code(), Code::kInternal);
  tx.commit();
  EXPECT_EQ(errorFrom([&] { tx.commit(); }).code(), Code::kInternal);
}

TEST_P(Conformance, LeaseEndingInTransactionRollsBack) {
  OpenOptions options;
  options.pool_size = 1;  // the next lease gets the same connection
  auto store = open(options);
  store->acquire()->execScript("CREATE TABLE t (k TEXT PRIMARY KEY)");
  {
    auto conn = store->acquire();
    conn->begin(TxMode::kWrite);
    conn->execute("INSERT INTO t (k) VALUES ('x')");
  }
  auto conn = store->acquire();
  EXPECT_FALSE(conn->inTransaction());
  EXPECT_FALSE(conn->queryOne("SELECT k FROM t"));
}

TEST_P(Conformance, UniqueViolationIsConflictAndAbortsTheTransaction) {
  auto store = open();
  auto conn = store->acquire();
  conn->execScript("CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT UNIQUE)");
  conn->execute("INSERT INTO t (k) VALUES ('a')");

  // Outside a transaction: the statement fails, the connection carries on.
  Error dup = errorFrom([&] { conn->execute("INSERT INTO t (k) VALUES ('a')"); });
  EXPECT_EQ(dup.code(), Code::kConflict);
  EXPECT_FALSE(dup.message().empty());
  conn->execute("INSERT INTO t (k, v) VALUES ('b', 'u')");
  EXPECT_EQ(errorFrom([&] { conn->execute("INSERT INTO t (k, v) VALUES ('c', 'u')"); }).code(),
            Code::kConflict);

  // Inside one: the transaction is aborted on both backends. Later
  // statements fail until it ends, commit() rolls back and says so, and the
  // connection is then as good as new.
  conn->begin(TxMode::kWrite);
  conn->execute("INSERT INTO t (k) VALUES ('in tx')");
  EXPECT_EQ(errorFrom([&] { conn->execute("INSERT INTO t (k) VALUES ('a')"); }).code(),
            Code::kConflict);
  EXPECT_TRUE(conn->inTransaction());
  Error after = errorFrom([&] { conn->queryOne("SELECT 1"); });
  EXPECT_EQ(after.code(), Code::kInternal);
  EXPECT_THAT(after.message(), HasSubstr("abort"));
  Error commit = errorFrom([&] { conn->commit(); });
  EXPECT_EQ(commit.code(), Code::kInternal);
  EXPECT_THAT(commit.message(), HasSubstr("rolled back"));
  EXPECT_FALSE(conn->inTransaction());
  EXPECT_FALSE(conn->queryOne("SELECT k FROM t WHERE k = 'in tx'"));

  // Rolling back after the conflict is the normal way out.
  {
    Transaction tx(*conn, TxMode::kWrite);
    EXPECT_EQ(errorFrom([&] { tx->execute("INSERT INTO t (k) VALUES ('a')"); }).code(),
              Code::kConflict);
  }
  {
    Transaction tx(*conn, TxMode::kWrite);
    tx->execute("INSERT INTO t (k) VALUES ('d')");
    tx.commit();
  }
  EXPECT_TRUE(conn->queryOne("SELECT k FROM t WHERE k = 'd'"));
}

TEST_P(Conformance, ReadTransactionSeesSnapshotAsOfBegin) {
  auto store = open();
  auto reader = store->acquire();
  auto writer = store->acquire();
  createCounter(*writer);

  reader->begin(TxMode::kRead);
  // Committed after begin() but before the reader's first read: not seen.
  writer->execute("UPDATE counter SET n = 1 WHERE id = 1");
  EXPECT_EQ(counterValue(*reader), 0);
  writer->execute("UPDATE counter SET n = 2 WHERE id = 1");
  EXPECT_EQ(counterValue(*reader), 0);
  reader->commit();
  EXPECT_EQ(counterValue(*reader), 2);
}

TEST_P(Conformance, ReadTransactionRejectsWrites) {
  auto store = open();
  auto conn = store->acquire();
  createCounter(*conn);
  conn->begin(TxMode::kRead);
  EXPECT_EQ(errorFrom([&] { conn->execute("UPDATE counter SET n = 5"); }).code(), Code::kInternal);
  conn->rollback();
  EXPECT_EQ(counterValue(*conn), 0);
}

// --- concurrency -------------------------------------------------------------

TEST_P(Conformance, ConcurrentIncrementsAreExact) {
  constexpr int kThreads = 4;
  constexpr int kIncrements = 25;
  auto store = open();
  createCounter(*store->acquire());
  std::latch start(kThreads);
  std::atomic<int> failures = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      auto conn = store->acquire();
      start.arrive_and_wait();
      for (int i = 0; i < kIncrements; ++i) {
        // No retry loop: a write transaction waits for the lock (SQLite) or
        // the row (PostgreSQL, READ COMMITTED re-reads it) and then succeeds.
        try {
          Transaction tx(*conn, TxMode::kWrite);
          tx->execute("UPDATE counter SET n = n + 1 WHERE id = 1");
          tx.commit();
        } catch (const Error& e) {
          ADD_FAILURE() << e.message();
          ++failures;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(counterValue(*store->acquire()), kThreads * kIncrements);
}

TEST_P(Conformance, PoolExhaustionIsUnavailableAfterTimeout) {
  OpenOptions options;
  options.pool_size = 2;
  options.busy_timeout_ms = 150;
  auto store = open(options);
  auto a = store->acquire();
  auto b = store->acquire();
  auto started = std::chrono::steady_clock::now();
  Error e = errorFrom([&] { store->acquire(); });
  auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(e.code(), Code::kUnavailable);
  EXPECT_THAT(e.message(), HasSubstr("no free connection within 150 ms"));
  EXPECT_GE(waited, std::chrono::milliseconds(140));
  EXPECT_LT(waited, std::chrono::milliseconds(2000));

  // A connection given back in time goes to the waiter.
  std::thread releaser([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    Lease gone = std::move(b);
  });
  auto c = store->acquire();
  releaser.join();
  EXPECT_EQ(c->queryOne("SELECT 1")->integer(0), 1);
}

TEST_P(Conformance, LeaseMoveKeepsOneOwner) {
  OpenOptions options;
  options.pool_size = 2;
  options.busy_timeout_ms = 100;
  auto store = open(options);
  Lease a = store->acquire();
  Lease b = store->acquire();
  a = std::move(b);  // a's first connection goes back to the pool
  Lease c = store->acquire();
  EXPECT_EQ(errorFrom([&] { store->acquire(); }).code(), Code::kUnavailable);
  Lease d = std::move(c);
  EXPECT_EQ(d->queryOne("SELECT 1")->integer(0), 1);
  EXPECT_EQ(a.get().queryOne("SELECT 2")->integer(0), 2);
}

// --- migrations --------------------------------------------------------------

std::vector<Migration> firstMigrations() {
  return {
      {1, "create items", "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL)"},
      {2, "seed items", "INSERT INTO items (id, name) VALUES (1, 'first')"},
  };
}

TEST_P(Conformance, MigrationsApplyOnceInOrder) {
  auto store = open();
  auto migrations = firstMigrations();
  // Given out of order: applied by version.
  std::vector<Migration> shuffled = {migrations[1], migrations[0]};
  store->migrate("items", shuffled);
  store->migrate("items", shuffled);  // idempotent
  auto conn = store->acquire();
  EXPECT_EQ(conn->queryOne("SELECT COUNT(*) FROM items")->integer(0), 1);
  auto recorded = conn->queryAll(
      "SELECT version, name, applied_at FROM schema_migrations WHERE component = $1 "
      "ORDER BY version",
      {"items"});
  ASSERT_EQ(recorded.size(), 2u);
  EXPECT_EQ(recorded[0].integer(0), 1);
  EXPECT_EQ(recorded[0].text(1), "create items");
  EXPECT_GT(recorded[0].integer(2), 1'600'000'000'000);  // unix ms

  // A later binary adds version 3; only it runs.
  migrations.push_back({3, "seed more", "INSERT INTO items (id, name) VALUES (2, 'second')"});
  store->migrate("items", migrations);
  EXPECT_EQ(conn->queryOne("SELECT COUNT(*) FROM items")->integer(0), 2);

  // Another Store (another process) finds nothing to do.
  open()->migrate("items", migrations);
  EXPECT_EQ(conn->queryOne("SELECT COUNT(*) FROM items")->integer(0), 2);
}

TEST_P(Conformance, MigrationsArePerComponent) {
  auto store = open();
  store->migrate("items", firstMigrations());
  std::vector<Migration> other = {{1, "other table", "CREATE TABLE other (x INTEGER)"}};
  store->migrate("other", other);
  auto conn = store->acquire();
  EXPECT_EQ(conn->queryOne("SELECT COUNT(*) FROM schema_migrations WHERE component = 'items'")
                ->integer(0),
            2);
  EXPECT_EQ(conn->queryOne("SELECT COUNT(*) FROM schema_migrations WHERE component = 'other'")
                ->integer(0),
            1);
}

TEST_P(Conformance, MigrationUsesPostgresSqlOnlyOnPostgres) {
  auto store = open();
  std::vector<Migration> migrations = {
      {1, "dialect", "CREATE TABLE d (v TEXT); INSERT INTO d (v) VALUES ('sqlite')",
       "CREATE TABLE d (v TEXT); INSERT INTO d (v) VALUES ('postgres')"},
      {2, "same on both", "INSERT INTO d (v) VALUES ('both')"},
  };
  store->migrate("d", migrations);
  auto rows = store->acquire()->queryAll("SELECT v FROM d ORDER BY v");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].text(0), "both");
  EXPECT_EQ(rows[1].text(0), postgres() ? "postgres" : "sqlite");
}

TEST_P(Conformance, NewerSchemaThanBinaryIsUnavailable) {
  auto store = open();
  store->migrate("items", firstMigrations());
  std::vector<Migration> older = {firstMigrations()[0]};
  Error e = errorFrom([&] { store->migrate("items", older); });
  EXPECT_EQ(e.code(), Code::kUnavailable);
  EXPECT_THAT(e.message(),
              HasSubstr("schema of 'items' is at version 2, newer than this binary's 1"));
  EXPECT_EQ(errorFrom([&] { store->migrate("items", {}); }).code(), Code::kUnavailable);
}

TEST_P(Conformance, FailedMigrationRollsBackAndStops) {
  auto store = open();
  std::vector<Migration> migrations = {
      {1, "ok", "CREATE TABLE a (x INTEGER)"},
      {2, "broken", "CREATE TABLE b (x INTEGER); INSERT INTO no_such_table VALUES (1)"},
      {3, "never", "CREATE TABLE c (x INTEGER)"},
  };
  Error e = errorFrom([&] { store->migrate("m", migrations); });
  EXPECT_EQ(e.code(), Code::kInternal);
  EXPECT_THAT(e.message(), HasSubstr("migration m 2 (broken) failed"));
  auto conn = store->acquire();
  EXPECT_EQ(conn->queryOne("SELECT MAX(version) FROM schema_migrations WHERE component = 'm'")
                ->integer(0),
            1);
  EXPECT_EQ(errorFrom([&] { conn->queryAll("SELECT x FROM b"); }).code(), Code::kInternal);
  EXPECT_EQ(errorFrom([&] { conn->queryAll("SELECT x FROM c"); }).code(), Code::kInternal);
}

TEST_P(Conformance, DuplicateMigrationVersionsAreRejected) {
  auto store = open();
  std::vector<Migration> migrations = {{1, "a", "SELECT 1"}, {1, "b", "SELECT 1"}};
  EXPECT_EQ(errorFrom([&] { store->migrate("dup", migrations); }).code(), Code::kInternal);
}

TEST_P(Conformance, ConcurrentMigrationsApplyExactlyOnce) {
  constexpr int kStores = 4;
  // Not idempotent on purpose: a second run of any would add a row or fail.
  std::vector<Migration> migrations = {
      {1, "create", "CREATE TABLE once_log (v INTEGER NOT NULL); INSERT INTO once_log VALUES (1)"},
      {2, "two", "INSERT INTO once_log VALUES (2)"},
      {3, "three", "INSERT INTO once_log VALUES (3)"},
  };
  std::latch start(kStores);
  std::vector<std::string> failures(kStores);
  std::vector<std::thread> threads;
  for (int i = 0; i < kStores; ++i) {
    threads.emplace_back([&, i] {
      try {
        start.arrive_and_wait();
        auto store = open();  // each its own pool, as separate processes would be
        store->migrate("once", migrations);
      } catch (const std::exception& e) {
        failures[i] = e.what();
      }
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& f : failures) EXPECT_EQ(f, "");
  auto store = open();
  auto conn = store->acquire();
  auto rows = conn->queryAll("SELECT v FROM once_log ORDER BY v");
  ASSERT_EQ(rows.size(), 3u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(rows[i].integer(0), i + 1);
  EXPECT_EQ(
      conn->queryOne("SELECT COUNT(*) FROM schema_migrations WHERE component = 'once'")->integer(0),
      3);
}

// --- opening -----------------------------------------------------------------

TEST_P(Conformance, PingAndDescription) {
  auto store = open();
  store->ping();
  EXPECT_EQ(store->dialect(), postgres() ? Dialect::kPostgres : Dialect::kSqlite);
  EXPECT_EQ(store->acquire()->dialect(), store->dialect());
  if (postgres()) {
    EXPECT_EQ(store->description(), redactUri(uri_) + "#" + schema_);
  } else {
    EXPECT_EQ(store->description(), uri_);
  }
}

INSTANTIATE_TEST_SUITE_P(store, Conformance,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const ::testing::TestParamInfo<Backend>& info) {
                           return info.param == Backend::kSqlite ? "sqlite" : "postgres";
                         });

// --- URIs (no database needed) -------------------------------------------------

TEST(store_uri, UnsupportedUriIsBadInputWithoutPassword) {
  for (const char* uri :
       {"mysql://u:secretpw@db.example/app", "", "secretpw", "host=db password=secretpw",
        "sqlite:", "sqlite://", "sqlite::memory:", "SQLITE:/tmp/x.db"}) {
    Error e = errorFrom([&] { Store::open(uri); });
    EXPECT_EQ(e.code(), Code::kBadInput) << uri;
    if (std::string_view(uri) != "secretpw") {
      EXPECT_THAT(e.message(), Not(HasSubstr("secretpw"))) << uri;
    }
  }
  Error e = errorFrom([&] { Store::open("mysql://u:secretpw@db.example/app"); });
  EXPECT_EQ(e.message(),
            "unsupported store URI 'mysql://u:***@db.example/app': expected sqlite:PATH or "
            "postgresql://…");
}

TEST(store_uri, BadOptionsAreBadInput) {
  OpenOptions options;
  options.pool_size = 0;
  EXPECT_EQ(errorFrom([&] { Store::open("sqlite:/tmp/never-created.db", options); }).code(),
            Code::kBadInput);
  options.pool_size = 1;
  options.busy_timeout_ms = -1;
  EXPECT_EQ(errorFrom([&] { Store::open("sqlite:/tmp/never-created.db", options); }).code(),
            Code::kBadInput);
}

TEST(store_uri, RedactUriRemovesPasswords) {
  EXPECT_EQ(redactUri("postgresql://user:secret@host:5432/db"),
            "postgresql://user:***@host:5432/db");
  EXPECT_EQ(redactUri("postgres://user@host/db"), "postgres://user@host/db");
  EXPECT_EQ(redactUri("postgresql://host/db"), "postgresql://host/db");
  EXPECT_EQ(redactUri("postgresql://user:@host/db"), "postgresql://user:***@host/db");
  EXPECT_EQ(redactUri("postgresql://user:p%40ss@host/db?sslmode=require"),
            "postgresql://user:***@host/db?sslmode=require");
  // Unencoded '@' or '/' in a password: still all of it.
  EXPECT_EQ(redactUri("postgresql://user:p@ss/w@host/db"), "postgresql://user:***@host/db");
  EXPECT_EQ(redactUri("postgresql://host/db?user=u&password=secret&sslmode=require"),
            "postgresql://host/db?user=u&password=***&sslmode=require");
  EXPECT_EQ(redactUri("postgresql://host/db?PASSWORD=secret"), "postgresql://host/db?PASSWORD=***");
  EXPECT_EQ(redactUri("postgresql://u:a@h/db?password=b"), "postgresql://u:***@h/db?password=***");
  EXPECT_EQ(redactUri("host=h password=secret user=u"), "host=h password=*** user=u");
  EXPECT_EQ(redactUri("host=h password = 'sec ret' user=u"), "host=h password = '***' user=u");
  EXPECT_EQ(redactUri("postgresql://host/db?mypassword=x"), "postgresql://host/db?mypassword=x");
  EXPECT_EQ(redactUri("sqlite:/var/lib/maestro/store.db"), "sqlite:/var/lib/maestro/store.db");
  EXPECT_EQ(redactUri("sqlite:///var/lib/maestro/store.db"), "sqlite:///var/lib/maestro/store.db");
  EXPECT_EQ(redactUri(""), "");
}

}  // namespace
}  // namespace maestro::store
