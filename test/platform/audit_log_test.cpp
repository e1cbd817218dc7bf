// The hash-chained audit log: appends, verification, and every kind of
// tampering the verifier must catch, on both store backends.
#include "platform/audit/audit_log.h"

#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/clock.h"
#include "common/error.h"
#include "platform/auth/signing_key.h"
#include "testing/test_stores.h"

namespace maestro::audit {
namespace {

using ::testing::HasSubstr;
using testing::Backend;

class AuditLogTest : public ::testing::TestWithParam<Backend> {
 protected:
  AuditLogTest() : db_(GetParam()), key_(crypto::Ed25519PrivateKey::generate()) {
    store_ = db_.open();
    store_->migrate("audit", AuditLog::migrations());
    log_ = std::make_unique<AuditLog>(clock_, key_, 5);
  }

  auth::KeyLookup lookup() {
    return [this](const std::string& kid) -> std::optional<crypto::Ed25519PublicKey> {
      if (kid == key_.kid()) return key_.publicKey();
      return std::nullopt;
    };
  }

  int64_t append(const std::string& action, Json details = Json::object()) {
    auto lease = store_->acquire();
    store::Transaction tx(*lease, store::TxMode::kWrite);
    int64_t seq = log_->append(*lease, {"tester", "t1", action, "target", std::move(details)});
    tx.commit();
    clock_.advance(std::chrono::milliseconds(7));
    return seq;
  }

  VerifyReport verify() {
    auto lease = store_->acquire();
    return verifyLog(*lease, lookup());
  }

  // Removes the append-only triggers, as an attacker with database access could.
  void allowTampering() {
    auto lease = store_->acquire();
    if (GetParam() == Backend::kSqlite) {
      lease->execScript(
          "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; "
          "DROP TRIGGER audit_checkpoints_no_update; DROP TRIGGER audit_checkpoints_no_delete;");
    } else {
      lease->execScript(
          "DROP TRIGGER audit_log_no_change ON audit_log; "
          "DROP TRIGGER audit_checkpoints_no_change ON audit_checkpoints;");
    }
  }

  void sql(const std::string& statement) { store_->acquire()->execScript(statement); }

  testing::TestDatabase db_;
  ManualClock clock_;
  auth::SigningKey key_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<AuditLog> log_;
};

TEST_P(AuditLogTest, EmptyLogVerifies) {
  auto r = verify();
  EXPECT_TRUE(r.ok) << r.problem;
  EXPECT_EQ(r.entries, 0);
}

TEST_P(AuditLogTest, AppendsNumberedLinkedEntries) {
  for (int i = 1; i <= 12; ++i) EXPECT_EQ(append("thing.change", {{"i", i}}), i);
  auto r = verify();
  EXPECT_TRUE(r.ok) << r.problem;
  EXPECT_EQ(r.entries, 12);
  EXPECT_EQ(r.head_seq, 12);
  EXPECT_EQ(r.checkpoints, 2);  // at 5 and 10

  auto lease = store_->acquire();
  auto entries = log_->list(*lease, {.tenant_id = "t1", .after_seq = 3, .limit = 4});
  ASSERT_EQ(entries.size(), 4u);
  EXPECT_EQ(entries[0].seq, 4);
  EXPECT_EQ(entries[1].prev_hash, entries[0].hash);
  EXPECT_EQ(entries[0].event.details["i"], 4);
  EXPECT_EQ(entries[0].hash, entryHash(entries[0].prev_hash, 4, entries[0].ts_ms,
                                       entries[0].event, entries[0].event.details.dump()));
}

TEST_P(AuditLogTest, RolledBackChangeLeavesNoEntry) {
  append("a");
  {
    auto lease = store_->acquire();
    store::Transaction tx(*lease, store::TxMode::kWrite);
    log_->append(*lease, {"tester", std::nullopt, "b", "x"});
    // destroyed without commit
  }
  EXPECT_EQ(append("c"), 2);
  EXPECT_TRUE(verify().ok);
}

TEST_P(AuditLogTest, DatabaseRefusesUpdatesAndDeletes) {
  append("a");
  EXPECT_THROW(sql("UPDATE audit_log SET actor = 'mallory' WHERE seq = 1"), Error);
  EXPECT_THROW(sql("DELETE FROM audit_log WHERE seq = 1"), Error);
  EXPECT_TRUE(verify().ok);
}

TEST_P(AuditLogTest, DetectsAnEditedEntry) {
  for (int i = 0; i < 8; ++i) append("a");
  allowTampering();
  sql("UPDATE audit_log SET details = '{\"i\":99}' WHERE seq = 3");
  auto r = verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_seq, 3);
  EXPECT_THAT(r.problem, HasSubstr("modified"));
}

TEST_P(AuditLogTest, DetectsAnEditedEntryWhoseHashWasRecomputed) {
  for (int i = 0; i < 8; ++i) append("a");
  allowTampering();
  {
    auto lease = store_->acquire();
    auto row = lease->queryOne("SELECT prev_hash, ts FROM audit_log WHERE seq = 3");
    AuditEvent forged{"mallory", "t1", "a", "target"};
    std::string hash = entryHash(row->text(0), 3, row->integer(1), forged, "{}");
    lease->execute("UPDATE audit_log SET actor = 'mallory', details = '{}', hash = $1 WHERE seq = 3",
                   {hash});
  }
  auto r = verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_seq, 4);  // the next entry no longer links
}

TEST_P(AuditLogTest, DetectsADeletedEntry) {
  for (int i = 0; i < 8; ++i) append("a");
  allowTampering();
  sql("DELETE FROM audit_log WHERE seq = 4");
  auto r = verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_seq, 4);
  EXPECT_THAT(r.problem, HasSubstr("missing"));
}

TEST_P(AuditLogTest, DetectsReorderedEntries) {
  for (int i = 0; i < 8; ++i) append("a", {{"i", i}});
  allowTampering();
  sql("UPDATE audit_log SET seq = -1 WHERE seq = 6");
  sql("UPDATE audit_log SET seq = 6 WHERE seq = 7");
  sql("UPDATE audit_log SET seq = 7 WHERE seq = -1");
  auto r = verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_seq, 6);
}

TEST_P(AuditLogTest, DetectsEntriesCutOffTheEnd) {
  for (int i = 0; i < 8; ++i) append("a");
  allowTampering();
  sql("DELETE FROM audit_log WHERE seq > 6");
  auto r = verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_seq, 7);

  // Also rewinding the head is caught by the signed checkpoint at 5 only if
  // the cut goes below it; cut to 3 and rewind the head consistently.
  auto lease = store_->acquire();
  sql("DELETE FROM audit_log WHERE seq > 3");
  auto last = lease->queryOne("SELECT hash FROM audit_log WHERE seq = 3");
  lease->execute("UPDATE audit_head SET seq = 3, hash = $1 WHERE id = 1", {last->text(0)});
  auto r2 = verify();
  EXPECT_FALSE(r2.ok);
  EXPECT_EQ(r2.first_bad_seq, 4);
  EXPECT_THAT(r2.problem, HasSubstr("signed checkpoint"));
}

TEST_P(AuditLogTest, DetectsAForgedCheckpoint) {
  for (int i = 0; i < 6; ++i) append("a");
  allowTampering();
  sql("UPDATE audit_checkpoints SET signature = 'AAAA' WHERE seq = 5");
  auto r = verify();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_seq, 5);
  EXPECT_THAT(r.problem, HasSubstr("no valid signature"));
}

TEST_P(AuditLogTest, ExplicitCheckpointSignsTheHeadOnce) {
  append("a");
  append("b");
  for (int i = 0; i < 2; ++i) {
    auto lease = store_->acquire();
    store::Transaction tx(*lease, store::TxMode::kWrite);
    log_->checkpoint(*lease);
    tx.commit();
  }
  auto r = verify();
  EXPECT_TRUE(r.ok) << r.problem;
  EXPECT_EQ(r.checkpoints, 1);
}

TEST_P(AuditLogTest, ConcurrentAppendersFromSeparatePoolsKeepOneChain) {
  // Two stores on one database behave like two server processes.
  auto second = db_.open();
  AuditLog other(clock_, key_, 5);
  constexpr int kThreads = 4, kPerThread = 25;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      store::Store& s = t % 2 == 0 ? *store_ : *second;
      const AuditLog& log = t % 2 == 0 ? *log_ : other;
      for (int i = 0; i < kPerThread; ++i) {
        try {
          auto lease = s.acquire();
          store::Transaction tx(*lease, store::TxMode::kWrite);
          log.append(*lease, {"thread" + std::to_string(t), std::nullopt, "x", "y"});
          tx.commit();
        } catch (const Error&) {
          ++failures;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  auto r = verify();
  EXPECT_TRUE(r.ok) << r.problem;
  EXPECT_EQ(r.entries, kThreads * kPerThread);
}

INSTANTIATE_TEST_SUITE_P(Backends, AuditLogTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) { return testing::backendName(info.param); });

}  // namespace
}  // namespace maestro::audit
