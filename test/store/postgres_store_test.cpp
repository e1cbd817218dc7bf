// PostgreSQL-only behaviour of the store: connection failures and URIs,
// schemas, server-side errors (lock timeout, deadlock), lost connections and
// server-side prepared statements.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <thread>

#include "store/store.h"
#include "testing/test_stores.h"

namespace maestro::store {
namespace {

using testing::errorFrom;
using ::testing::HasSubstr;
using ::testing::Not;

class PostgresStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    uri_ = testing::postgresUri();
    schema_ = testing::randomName("test_");
  }
  void TearDown() override {
    if (!uri_.empty()) testing::dropSchema(uri_, schema_);
  }
  std::unique_ptr<Store> open(OpenOptions options = {}) {
    options.schema = schema_;
    return Store::open(uri_, options);
  }

  std::string uri_;
  std::string schema_;
};
// Suite names carry "store" so that `ctest -R store` selects them.
using store_postgres = PostgresStoreTest;

// --- without a server --------------------------------------------------------

TEST(store_postgres_offline, UnreachableServerIsUnavailableWithoutPassword) {
  Error e = errorFrom([] { Store::open("postgresql://u:secretpw@127.0.0.1:1/db"); });
  EXPECT_EQ(e.code(), Code::kUnavailable);
  EXPECT_THAT(e.message(), HasSubstr("cannot connect to postgresql://u:***@127.0.0.1:1/db"));
  EXPECT_THAT(e.message(), Not(HasSubstr("secretpw")));
}

TEST(store_postgres_offline, MalformedUriIsBadInputWithoutPassword) {
  for (const char* uri : {"postgresql://u:secretpw@localhost/db?no_such_option=1",
                          "postgres://u:secretpw@localhost/db?password=secretpw&x=%zz"}) {
    Error e = errorFrom([&] { Store::open(uri); });
    EXPECT_EQ(e.code(), Code::kBadInput) << uri;
    EXPECT_THAT(e.message(), HasSubstr("invalid store URI")) << uri;
    EXPECT_THAT(e.message(), Not(HasSubstr("secretpw"))) << uri;
  }
}

// --- with the test server ----------------------------------------------------

TEST_F(store_postgres, DescriptionHidesPasswordAndNamesSchema) {
  // The test server trusts local connections, so any password works.
  std::string with_password = uri_;
  with_password.replace(with_password.find("maestro@"), 8, "maestro:hunter2secret@");
  OpenOptions options;
  options.schema = schema_;
  auto store = Store::open(with_password, options);
  EXPECT_EQ(store->description(), redactUri(with_password) + "#" + schema_);
  EXPECT_THAT(store->description(), HasSubstr(":***@"));
  EXPECT_THAT(store->description(), Not(HasSubstr("hunter2secret")));
}

TEST_F(store_postgres, SchemasKeepStoresApart) {
  auto a = open();
  OpenOptions options;
  options.schema = schema_ + "_b";
  auto b = Store::open(uri_, options);
  a->acquire()->execScript("CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('a')");
  b->acquire()->execScript("CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('b')");
  EXPECT_EQ(a->acquire()->queryOne("SELECT v FROM t")->text(0), "a");
  EXPECT_EQ(b->acquire()->queryOne("SELECT v FROM t")->text(0), "b");
  EXPECT_EQ(a->acquire()->queryOne("SELECT current_schema()")->text(0), schema_);
  testing::dropSchema(uri_, schema_ + "_b");
}

TEST_F(store_postgres, OddSchemaNamesAreQuoted) {
  OpenOptions options;
  options.schema = schema_ + " Odd\"Name";
  auto store = Store::open(uri_, options);
  auto conn = store->acquire();
  conn->execScript("CREATE TABLE t (v INTEGER)");
  EXPECT_EQ(conn->queryOne("SELECT current_schema()")->text(0), options.schema);
  conn->execScript("DROP SCHEMA \"" + schema_ + " Odd\"\"Name\" CASCADE");
}

TEST_F(store_postgres, LockTimeoutIsUnavailable) {
  OpenOptions options;
  options.busy_timeout_ms = 100;
  auto store = open(options);
  auto holder = store->acquire();
  auto waiter = store->acquire();
  holder->execScript(
      "CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER); INSERT INTO t VALUES (1, 0)");
  Transaction tx(*holder, TxMode::kWrite);
  holder->execute("UPDATE t SET v = 1 WHERE id = 1");
  Error e = errorFrom([&] { waiter->execute("UPDATE t SET v = 2 WHERE id = 1"); });
  EXPECT_EQ(e.code(), Code::kUnavailable);
  EXPECT_THAT(e.message(), HasSubstr("lock"));
  tx.commit();
  waiter->execute("UPDATE t SET v = 2 WHERE id = 1");
  EXPECT_EQ(waiter->queryOne("SELECT v FROM t")->integer(0), 2);
}

TEST_F(store_postgres, DeadlockIsConflictToRetry) {
  auto store = open();
  auto a = store->acquire();
  auto b = store->acquire();
  a->execScript(
      "CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER); INSERT INTO t VALUES (1, 0), (2, 0)");
  // The test server's role is a superuser: detect deadlocks quickly.
  a->execScript("SET deadlock_timeout = '50ms'");
  b->execScript("SET deadlock_timeout = '50ms'");
  a->begin(TxMode::kWrite);
  b->begin(TxMode::kWrite);
  a->execute("UPDATE t SET v = 1 WHERE id = 1");
  b->execute("UPDATE t SET v = 1 WHERE id = 2");
  std::optional<Error> a_error;
  std::thread other([&] {
    try {
      a->execute("UPDATE t SET v = 1 WHERE id = 2");  // waits for b
    } catch (const Error& e) {
      a_error = e;
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::optional<Error> b_error;
  try {
    b->execute("UPDATE t SET v = 1 WHERE id = 1");  // closes the cycle
  } catch (const Error& e) {
    b_error = e;
  }
  if (!b_error) {
    other.join();  // b went through, so a must have been the victim
  } else {
    b->rollback();  // releases the lock a waits for
    other.join();
  }
  ASSERT_NE(a_error.has_value(), b_error.has_value());
  const Error& victim = a_error ? *a_error : *b_error;
  EXPECT_EQ(victim.code(), Code::kConflict);
  EXPECT_THAT(victim.message(), HasSubstr("retry"));
  a->rollback();
  b->rollback();
}

TEST_F(store_postgres, LostConnectionIsUnavailableAndNotPooled) {
  OpenOptions options;
  options.pool_size = 1;
  auto store = open(options);
  auto killer = open();
  int64_t first_pid = 0;
  {
    auto conn = store->acquire();
    first_pid = conn->queryOne("SELECT pg_backend_pid()")->integer(0);
    killer->acquire()->queryOne("SELECT pg_terminate_backend($1)", {first_pid});
    Error e = errorFrom([&] { conn->queryOne("SELECT 1"); });
    EXPECT_EQ(e.code(), Code::kUnavailable);
  }
  // The broken connection was closed, not pooled: the next lease is fresh.
  store->ping();
  auto conn = store->acquire();
  EXPECT_NE(conn->queryOne("SELECT pg_backend_pid()")->integer(0), first_pid);
}

TEST_F(store_postgres, ChangedTableIsReplannedOutsideTransactions) {
  auto store = open();
  auto conn = store->acquire();
  conn->execScript("CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (1)");
  EXPECT_EQ(conn->queryOne("SELECT * FROM t")->size(), 1u);
  conn->execScript("ALTER TABLE t ADD COLUMN b TEXT DEFAULT 'x'");
  auto row = conn->queryOne("SELECT * FROM t");
  ASSERT_EQ(row->size(), 2u);
  EXPECT_EQ(row->text(1), "x");
}

TEST_F(store_postgres, ServerTypesMapToCells) {
  auto store = open();
  auto conn = store->acquire();
  conn->execScript(
      "CREATE TABLE t (f BOOLEAN, s SMALLINT, n NUMERIC(10, 2), r REAL, ts TIMESTAMPTZ, j JSONB)");
  // Text parameters are untyped, so the server reads them as the column's type.
  conn->execute("INSERT INTO t VALUES ($1, $2, $3, $4, $5, $6)",
                {"true", 7, 12.5, 0.5, "2024-01-02T03:04:05Z", R"({"a": 1})"});
  auto row = conn->queryOne("SELECT f, s, n, r, ts AT TIME ZONE 'UTC', j, NOT f FROM t");
  ASSERT_TRUE(row);
  EXPECT_EQ(row->integer(0), 1);
  EXPECT_EQ(row->integer(1), 7);
  EXPECT_EQ(row->real(2), 12.5);
  EXPECT_EQ(row->real(3), 0.5);
  EXPECT_EQ(row->text(4), "2024-01-02 03:04:05");
  EXPECT_EQ(row->text(5), R"({"a": 1})");
  EXPECT_EQ(row->integer(6), 0);
}

TEST_F(store_postgres, NanAndInfinityRoundTrip) {
  auto store = open();
  auto row = store->acquire()->queryOne("SELECT $1, $2, $3",
                                        {std::nan(""), std::numeric_limits<double>::infinity(),
                                         -std::numeric_limits<double>::infinity()});
  EXPECT_TRUE(std::isnan(row->real(0)));
  EXPECT_EQ(row->real(1), std::numeric_limits<double>::infinity());
  EXPECT_EQ(row->real(2), -std::numeric_limits<double>::infinity());
}

TEST_F(store_postgres, StatementCacheEvictsAndKeepsWorking) {
  auto store = open();
  auto conn = store->acquire();
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 300; ++i) {
      auto sql = "SELECT " + std::to_string(i) + " + $1";
      ASSERT_EQ(conn->queryOne(sql, {1})->integer(0), i + 1);
    }
  }
  // Eviction inside a transaction, too.
  Transaction tx(*conn, TxMode::kRead);
  for (int i = 300; i < 600; ++i) {
    ASSERT_EQ(conn->queryOne("SELECT " + std::to_string(i) + " + $1", {1})->integer(0), i + 1);
  }
  tx.commit();
}

TEST_F(store_postgres, StatementsAreCachedPerParameterTypes) {
  auto store = open();
  auto conn = store->acquire();
  const char* sql = "SELECT $1";
  EXPECT_EQ(conn->queryOne(sql, {5})->integer(0), 5);
  EXPECT_EQ(conn->queryOne(sql, {"five"})->text(0), "five");
  EXPECT_EQ(conn->queryOne(sql, {2.5})->real(0), 2.5);
  EXPECT_TRUE(conn->queryOne(sql, {nullptr})->isNull(0));
  EXPECT_EQ(conn->queryOne(sql, {int64_t{5'000'000'000}})->integer(0), 5'000'000'000);
}

TEST_F(store_postgres, SmallIntegersFitFunctionsTakingInt4) {
  auto store = open();
  auto conn = store->acquire();
  // substr(text, int4, int4) and date + int4 have no int8 variants.
  EXPECT_EQ(conn->queryOne("SELECT substr('hello', $1, $2)", {2, 3})->text(0), "ell");
  EXPECT_EQ(conn->queryOne("SELECT CAST(DATE '2024-01-30' + $1 AS TEXT)", {2})->text(0),
            "2024-02-01");
  // Larger values are int8 and still compare with int4 columns.
  conn->execScript("CREATE TABLE t (v INTEGER)");
  conn->execute("INSERT INTO t VALUES ($1)", {7});
  EXPECT_FALSE(conn->queryOne("SELECT v FROM t WHERE v = $1", {int64_t{1} << 40}));
  EXPECT_EQ(conn->queryOne("SELECT v + $1 FROM t", {int64_t{1} << 40})->integer(0),
            (int64_t{1} << 40) + 7);
}

}  // namespace
}  // namespace maestro::store
