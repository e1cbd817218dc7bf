// SQLite-only behaviour of the store: files and directories, pragmas, and
// locking between two Stores on one file (as between two processes).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <latch>
#include <thread>
#include <vector>

#include "store/store.h"
#include "testing/test_stores.h"

namespace maestro::store {
namespace {

using testing::errorFrom;
using ::testing::HasSubstr;

class SqliteStoreTest : public ::testing::Test {
 protected:
  std::string uri(const std::string& name = "store.db") const {
    return "sqlite:" + (dir_.path() / name).string();
  }
  testing::TempDir dir_;
};
// Suite names carry "store" so that `ctest -R store` selects them.
using store_sqlite = SqliteStoreTest;

TEST_F(store_sqlite, CreatesMissingParentDirectories) {
  auto path = dir_.path() / "a" / "b" / "store.db";
  auto store = Store::open("sqlite:" + path.string());
  EXPECT_TRUE(std::filesystem::exists(path));
}

TEST_F(store_sqlite, TripleSlashIsAnAbsolutePath) {
  auto path = dir_.path() / "abs.db";
  ASSERT_TRUE(path.is_absolute());
  auto store = Store::open("sqlite://" + path.string());  // sqlite:///tmp/…
  EXPECT_TRUE(std::filesystem::exists(path));
  EXPECT_EQ(store->description(), "sqlite://" + path.string());
}

TEST_F(store_sqlite, UnusablePathIsUnavailable) {
  std::ofstream(dir_.path() / "file") << "not a directory";
  Error e = errorFrom([&] { Store::open(uri("file/sub/store.db")); });
  EXPECT_EQ(e.code(), Code::kUnavailable);
  EXPECT_THAT(e.message(), HasSubstr("cannot create directory"));

  std::ofstream(dir_.path() / "garbage.db") << std::string(4096, 'g');
  EXPECT_EQ(errorFrom([&] { Store::open(uri("garbage.db")); }).code(), Code::kUnavailable);
}

TEST_F(store_sqlite, SetsWalSynchronousAndForeignKeys) {
  OpenOptions options;
  options.pool_size = 2;
  auto store = Store::open(uri(), options);
  auto first = store->acquire();
  auto second = store->acquire();  // a lazily opened connection is set up too
  for (Connection* conn : {&first.get(), &second.get()}) {
    EXPECT_EQ(conn->queryOne("PRAGMA journal_mode")->text(0), "wal");
    EXPECT_EQ(conn->queryOne("PRAGMA synchronous")->integer(0), 2);  // FULL
    EXPECT_EQ(conn->queryOne("PRAGMA foreign_keys")->integer(0), 1);
  }
}

// Regression: switching a new file to WAL returned "database is locked" at
// once while another Store opened the same file.
TEST_F(store_sqlite, ConcurrentFirstOpensOfANewFileSucceed) {
  constexpr int kStores = 6;
  for (int round = 0; round < 10; ++round) {
    const std::string fresh = uri("fresh" + std::to_string(round) + ".db");
    std::latch start(kStores);
    std::vector<std::string> failures(kStores);
    std::vector<std::thread> threads;
    for (int i = 0; i < kStores; ++i) {
      threads.emplace_back([&, i] {
        try {
          start.arrive_and_wait();
          Store::open(fresh)->ping();
        } catch (const std::exception& e) {
          failures[i] = e.what();
        }
      });
    }
    for (auto& t : threads) t.join();
    for (const auto& f : failures) EXPECT_EQ(f, "");
  }
}

TEST_F(store_sqlite, ForeignKeyViolationIsConflict) {
  auto store = Store::open(uri());
  auto conn = store->acquire();
  conn->execScript(
      "CREATE TABLE parent (id INTEGER PRIMARY KEY);"
      "CREATE TABLE child (id INTEGER PRIMARY KEY, parent INTEGER REFERENCES parent (id))");
  Error e = errorFrom([&] { conn->execute("INSERT INTO child (id, parent) VALUES (1, 99)"); });
  EXPECT_EQ(e.code(), Code::kConflict);
  EXPECT_THAT(e.message(), HasSubstr("FOREIGN KEY"));
}

TEST_F(store_sqlite, DataSurvivesReopening) {
  {
    auto store = Store::open(uri());
    store->acquire()->execScript("CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('kept')");
  }
  auto store = Store::open(uri());
  EXPECT_EQ(store->acquire()->queryOne("SELECT v FROM t")->text(0), "kept");
}

TEST_F(store_sqlite, WriterInAnotherStoreTimesOutAsUnavailable) {
  OpenOptions options;
  options.busy_timeout_ms = 100;
  auto first = Store::open(uri(), options);
  auto second = Store::open(uri(), options);  // as another process would
  auto holder = first->acquire();
  holder->execScript("CREATE TABLE t (v INTEGER)");
  holder->begin(TxMode::kWrite);
  holder->execute("INSERT INTO t VALUES (1)");

  auto waiter = second->acquire();
  Error begin = errorFrom([&] { waiter->begin(TxMode::kWrite); });
  EXPECT_EQ(begin.code(), Code::kUnavailable);
  EXPECT_FALSE(waiter->inTransaction());
  EXPECT_EQ(errorFrom([&] { waiter->execute("INSERT INTO t VALUES (2)"); }).code(),
            Code::kUnavailable);
  // Readers are not blocked by the writer (WAL).
  EXPECT_EQ(waiter->queryOne("SELECT COUNT(*) FROM t")->integer(0), 0);

  holder->commit();
  waiter->execute("INSERT INTO t VALUES (2)");
  EXPECT_EQ(waiter->queryOne("SELECT COUNT(*) FROM t")->integer(0), 2);
}

TEST_F(store_sqlite, WriterInSameStoreWaitsForTheGate) {
  OpenOptions options;
  options.busy_timeout_ms = 100;
  auto store = Store::open(uri(), options);
  auto holder = store->acquire();
  holder->execScript("CREATE TABLE t (v INTEGER)");
  holder->begin(TxMode::kWrite);
  auto waiter = store->acquire();
  Error e = errorFrom([&] { waiter->execute("INSERT INTO t VALUES (2)"); });
  EXPECT_EQ(e.code(), Code::kUnavailable);
  EXPECT_THAT(e.message(), HasSubstr("write lock not obtained within 100 ms"));
  holder->rollback();
  waiter->execute("INSERT INTO t VALUES (2)");
}

TEST_F(store_sqlite, OnlyDollarNumberParametersAreAccepted) {
  auto store = Store::open(uri());
  auto conn = store->acquire();
  for (const char* sql : {"SELECT ?", "SELECT :name", "SELECT @x", "SELECT $01"}) {
    Error e = errorFrom([&] { conn->queryOne(sql, {1}); });
    EXPECT_EQ(e.code(), Code::kInternal) << sql;
    EXPECT_THAT(e.message(), HasSubstr("$1, $2")) << sql;
  }
}

TEST_F(store_sqlite, StatementCacheEvictsAndKeepsWorking) {
  auto store = Store::open(uri());
  auto conn = store->acquire();
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 300; ++i) {
      auto sql = "SELECT " + std::to_string(i) + " + $1";
      ASSERT_EQ(conn->queryOne(sql, {1})->integer(0), i + 1);
    }
  }
}

}  // namespace
}  // namespace maestro::store
