// Persisted operations: versions, idempotent re-registration, validation,
// tenant isolation and audit entries, on both store backends.
#include "platform/ops/ops_registry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/clock.h"
#include "common/error.h"
#include "platform/audit/audit_log.h"
#include "platform/auth/principal.h"
#include "platform/auth/signing_key.h"
#include "platform/platform.h"
#include "platform/tenancy/regions.h"
#include "platform/tenancy/tenancy.h"
#include "testing/test_stores.h"

namespace maestro::ops {
namespace {

using ::testing::HasSubstr;
using testing::Backend;
using testing::errorFrom;

auth::Principal member(const std::string& tenant_id, std::set<std::string> scopes) {
  auth::Principal p;
  p.subject = "user-of-" + tenant_id;
  p.tenant_id = tenant_id;
  p.scopes = std::move(scopes);
  p.token_id = "jti-" + tenant_id;
  return p;
}

class OpsRegistryTest : public ::testing::TestWithParam<Backend> {
 protected:
  OpsRegistryTest()
      : db_(GetParam()),
        key_(crypto::Ed25519PrivateKey::generate()),
        regions_({{"us-east", "sqlite::memory:", ""}}),
        op_(auth::Principal::localOperator()) {
    store_ = db_.open();
    platform::migrateControl(*store_);
    audit_ = std::make_unique<audit::AuditLog>(clock_, key_);
    tenancy_ = std::make_unique<tenancy::Tenancy>(*store_, regions_, *audit_, clock_);
    ops_ = std::make_unique<OpsRegistry>(*store_, *audit_, clock_);
    acme_ = tenancy_->createTenant(op_, {"acme", Json::object(), std::nullopt});
    globex_ = tenancy_->createTenant(op_, {"globex", Json::object(), std::nullopt});
    graph_ = tenancy_->createDataset(op_, acme_.id, "graph", "");
  }

  int64_t auditCount(const std::string& action) {
    return store_->acquire()
        ->queryOne("SELECT COUNT(*) FROM audit_log WHERE action = $1", {action})
        ->integer(0);
  }

  testing::TestDatabase db_;
  ManualClock clock_;
  auth::SigningKey key_;
  tenancy::Regions regions_;
  auth::Principal op_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<audit::AuditLog> audit_;
  std::unique_ptr<tenancy::Tenancy> tenancy_;
  std::unique_ptr<OpsRegistry> ops_;
  tenancy::Tenant acme_, globex_;
  tenancy::Dataset graph_;
};

TEST_P(OpsRegistryTest, RegisteringAChangedQueryAddsAVersionAndAnAuditEntry) {
  auto [v1, created1] = ops_->registerOp(op_, graph_, {"q01", "MATCH (n) RETURN n", false, {}});
  EXPECT_TRUE(created1);
  EXPECT_EQ(v1.version, 1);
  EXPECT_EQ(v1.sha256.size(), 64u);
  auto [v2, created2] =
      ops_->registerOp(op_, graph_, {"q01", "MATCH (n) RETURN n LIMIT 1", false, {}});
  EXPECT_TRUE(created2);
  EXPECT_EQ(v2.version, 2);
  EXPECT_EQ(ops_->get(op_, acme_.id, "q01").query, "MATCH (n) RETURN n LIMIT 1");
  EXPECT_EQ(ops_->get(op_, acme_.id, "q01", 1).query, "MATCH (n) RETURN n");
  EXPECT_EQ(ops_->versions(op_, acme_.id, "q01").size(), 2u);
  EXPECT_EQ(auditCount("operation.register"), 2);
}

TEST_P(OpsRegistryTest, RegisteringTheSameOperationAgainChangesNothing) {
  ops_->registerOp(op_, graph_, {"q01", "RETURN 1", true, {"fraud", "aml"}});
  auto [again, created] = ops_->registerOp(op_, graph_, {"q01", "RETURN 1", true, {"aml", "fraud"}});
  EXPECT_FALSE(created);
  EXPECT_EQ(again.version, 1);
  EXPECT_EQ(again.purposes, (std::vector<std::string>{"aml", "fraud"}));
  EXPECT_EQ(auditCount("operation.register"), 1);
}

TEST_P(OpsRegistryTest, ListShowsTheLatestVersionOfEachOperation) {
  ops_->registerOp(op_, graph_, {"b", "RETURN 1", false, {}});
  ops_->registerOp(op_, graph_, {"a", "RETURN 1", false, {}});
  ops_->registerOp(op_, graph_, {"a", "RETURN 2", false, {}});
  auto list = ops_->list(op_, acme_.id);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].op_id, "a");
  EXPECT_EQ(list[0].version, 2);
  EXPECT_EQ(list[1].op_id, "b");
  EXPECT_EQ(ops_->list(op_, acme_.id, graph_.id).size(), 2u);
  EXPECT_TRUE(ops_->list(op_, acme_.id, "other-dataset").empty());
}

TEST_P(OpsRegistryTest, RejectsBadIdsPurposesAndQueriesNamingTheField) {
  auto e = errorFrom([&] { ops_->registerOp(op_, graph_, {"bad id", "RETURN 1", false, {}}); });
  EXPECT_EQ(e.field(), "opId");
  e = errorFrom([&] { ops_->registerOp(op_, graph_, {"q", "", false, {}}); });
  EXPECT_EQ(e.field(), "query");
  e = errorFrom([&] { ops_->registerOp(op_, graph_, {"q", "RETURN 1", true, {}}); });
  EXPECT_EQ(e.field(), "purposes");
  EXPECT_THAT(e.message(), HasSubstr("sensitive"));
  e = errorFrom([&] { ops_->registerOp(op_, graph_, {"q", "RETURN 1", true, {"Bad Purpose"}}); });
  EXPECT_EQ(e.field(), "purposes");
  EXPECT_EQ(auditCount("operation.register"), 0);
}

TEST_P(OpsRegistryTest, AnotherTenantsOperationLooksLikeOneThatDoesNotExist) {
  ops_->registerOp(op_, graph_, {"q01", "RETURN 1", false, {}});
  auto outsider = member(globex_.id, {"graph.read", "admin.write"});
  auto e = errorFrom([&] { ops_->get(outsider, acme_.id, "q01"); });
  EXPECT_EQ(e.code(), Code::kNotFound);
  auto missing = errorFrom([&] { ops_->get(op_, acme_.id, "nope"); });
  EXPECT_EQ(missing.code(), Code::kNotFound);
  e = errorFrom([&] { ops_->registerOp(outsider, graph_, {"x", "RETURN 1", false, {}}); });
  EXPECT_EQ(e.code(), Code::kNotFound);
  EXPECT_EQ(ops_->tenantsWith("q01"), std::vector<std::string>{acme_.id});
}

TEST_P(OpsRegistryTest, ReadersNeedGraphReadAndRegistrarsAdminWrite) {
  auto reader = member(acme_.id, {"graph.read"});
  EXPECT_EQ(errorFrom([&] { ops_->registerOp(reader, graph_, {"x", "RETURN 1", false, {}}); })
                .code(),
            Code::kForbidden);
  ops_->registerOp(op_, graph_, {"x", "RETURN 1", false, {}});
  EXPECT_EQ(ops_->get(reader, acme_.id, "x").version, 1);
  auto nobody = member(acme_.id, {});
  EXPECT_EQ(errorFrom([&] { ops_->list(nobody, acme_.id); }).code(), Code::kForbidden);
}

INSTANTIATE_TEST_SUITE_P(Backends, OpsRegistryTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) { return testing::backendName(info.param); });

}  // namespace
}  // namespace maestro::ops
