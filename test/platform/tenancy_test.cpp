// Tenants and datasets: validation, isolation between tenants, audit entries
// in the same transaction, on both store backends.
#include "platform/tenancy/tenancy.h"

#include <atomic>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/clock.h"
#include "common/error.h"
#include "common/ids.h"
#include "platform/audit/audit_log.h"
#include "platform/auth/principal.h"
#include "platform/auth/signing_key.h"
#include "platform/platform.h"
#include "platform/tenancy/regions.h"
#include "testing/test_stores.h"

namespace maestro::tenancy {
namespace {

using ::testing::HasSubstr;
using testing::Backend;

auth::Principal tenantAdmin(const std::string& tenant_id,
                            std::set<std::string> scopes = {"admin.read", "admin.write",
                                                            "graph.read"}) {
  auth::Principal p;
  p.subject = "admin-of-" + tenant_id;
  p.tenant_id = tenant_id;
  p.scopes = std::move(scopes);
  p.token_id = "jti-" + tenant_id;
  return p;
}

class TenancyTest : public ::testing::TestWithParam<Backend> {
 protected:
  TenancyTest()
      : db_(GetParam()),
        key_(crypto::Ed25519PrivateKey::generate()),
        regions_({{"us-east", "sqlite::memory:", ""}, {"eu-west", "sqlite::memory:", ""}}),
        op_(auth::Principal::localOperator()) {
    store_ = db_.open();
    platform::migrateControl(*store_);
    audit_ = std::make_unique<audit::AuditLog>(clock_, key_);
    tenancy_ = std::make_unique<Tenancy>(*store_, regions_, *audit_, clock_);
  }

  int64_t auditCount(const std::string& action) {
    auto row = store_->acquire()->queryOne("SELECT COUNT(*) FROM audit_log WHERE action = $1",
                                           {action});
    return row->integer(0);
  }

  void expectError(const std::function<void()>& f, Code code, const std::string& text) {
    try {
      f();
      FAIL() << "expected an error containing '" << text << "'";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), code) << e.message();
      EXPECT_THAT(e.message(), HasSubstr(text));
    }
  }

  testing::TestDatabase db_;
  ManualClock clock_;
  auth::SigningKey key_;
  Regions regions_;
  auth::Principal op_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<audit::AuditLog> audit_;
  std::unique_ptr<Tenancy> tenancy_;
};

TEST_P(TenancyTest, CreatesTenantWithConfigAndAuditEntry) {
  Json config = {{"slo", {{"read_p95_ms", 350}}}};
  Tenant t = tenancy_->createTenant(op_, {"acme", config, "default-secure@1"});
  EXPECT_TRUE(isUuid(t.id));
  Tenant got = tenancy_->getTenant(op_, "acme");
  EXPECT_EQ(got.id, t.id);
  EXPECT_EQ(got.config, config);
  EXPECT_EQ(got.blueprint, "default-secure@1");
  EXPECT_EQ(tenancy_->getTenant(op_, t.id).name, "acme");
  EXPECT_EQ(auditCount("tenant.create"), 1);
}

TEST_P(TenancyTest, SameNameTwiceIsAConflictAndChangesNothing) {
  tenancy_->createTenant(op_, {"acme"});
  expectError([&] { tenancy_->createTenant(op_, {"acme"}); }, Code::kConflict, "already exists");
  EXPECT_EQ(tenancy_->listTenants(op_).size(), 1u);
  EXPECT_EQ(auditCount("tenant.create"), 1);
}

TEST_P(TenancyTest, ConcurrentCreatesOfOneNameMakeOneTenant) {
  // Separate pools, like separate server processes.
  std::vector<std::unique_ptr<store::Store>> stores;
  std::vector<std::unique_ptr<Tenancy>> services;
  for (int i = 0; i < 4; ++i) {
    stores.push_back(db_.open());
    services.push_back(std::make_unique<Tenancy>(*stores.back(), regions_, *audit_, clock_));
  }
  std::atomic<int> created{0}, conflicts{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      try {
        services[i]->createTenant(op_, {"racer"});
        ++created;
      } catch (const Error& e) {
        if (e.code() == Code::kConflict && e.message() == "a tenant named 'racer' already exists") {
          ++conflicts;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(conflicts.load(), 3);
  EXPECT_EQ(tenancy_->listTenants(op_).size(), 1u);
  EXPECT_EQ(auditCount("tenant.create"), 1);
}

TEST_P(TenancyTest, ValidationNamesTheField) {
  for (const char* bad : {"", "Acme", "-acme", "a b", "acme!", "ä"}) {
    try {
      tenancy_->createTenant(op_, {bad});
      FAIL() << "accepted tenant name '" << bad << "'";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), Code::kBadInput);
      EXPECT_EQ(e.field(), "name");
    }
  }
  expectError([&] { tenancy_->createTenant(op_, {"acme", Json::array()}); }, Code::kBadInput,
              "config: expected an object, got array");
  Tenant t = tenancy_->createTenant(op_, {"acme"});
  expectError([&] { tenancy_->createDataset(op_, t.id, "graph", "mars-north"); },
              Code::kBadInput, "unknown region 'mars-north'; configured regions: us-east, eu-west");
  EXPECT_EQ(auditCount("tenant.create"), 1);
}

TEST_P(TenancyTest, OnlyPlatformPrincipalsCreateTenants) {
  Tenant t = tenancy_->createTenant(op_, {"acme"});
  expectError([&] { tenancy_->createTenant(tenantAdmin(t.id), {"other"}); }, Code::kForbidden,
              "platform token");
  expectError([&] { tenancy_->createTenant(tenantAdmin(t.id, {"admin.read"}), {"other"}); },
              Code::kForbidden, "missing scope 'admin.write'");
}

TEST_P(TenancyTest, TenantsNeverSeeEachOther) {
  Tenant a = tenancy_->createTenant(op_, {"alpha"});
  Tenant b = tenancy_->createTenant(op_, {"beta"});
  Dataset da = tenancy_->createDataset(op_, a.id, "graph", "us-east");
  Dataset db = tenancy_->createDataset(op_, b.id, "graph", "eu-west");
  auto alice = tenantAdmin(a.id);

  auto tenants = tenancy_->listTenants(alice);
  ASSERT_EQ(tenants.size(), 1u);
  EXPECT_EQ(tenants[0].id, a.id);
  auto datasets = tenancy_->listDatasets(alice, std::nullopt);
  ASSERT_EQ(datasets.size(), 1u);
  EXPECT_EQ(datasets[0].id, da.id);

  // Another tenant's objects look exactly like objects that do not exist.
  auto messageOf = [](const std::function<void()>& f) -> std::string {
    try {
      f();
    } catch (const Error& e) {
      return std::string(codeName(e.code())) + ": " + e.message();
    }
    return "no error";
  };
  EXPECT_EQ(messageOf([&] { tenancy_->getTenant(alice, b.id); }),
            messageOf([&] { tenancy_->getTenant(alice, "no-such-tenant"); }));
  EXPECT_EQ(messageOf([&] { tenancy_->getDataset(alice, db.id); }),
            messageOf([&] { tenancy_->getDataset(alice, "0190c1d2-0000-7000-8000-0000000000ff"); }));
  EXPECT_EQ(messageOf([&] { tenancy_->getDataset(alice, db.id); }), "NOT_FOUND: dataset not found");
  expectError([&] { tenancy_->listDatasets(alice, b.id); }, Code::kNotFound, "not found");
  expectError([&] { tenancy_->createDataset(alice, b.id, "sneaky", "us-east"); },
              Code::kNotFound, "not found");
  expectError([&] { tenancy_->updateConfig(alice, b.id, Json::object(), 1); }, Code::kNotFound,
              "not found");

  // By name, a dataset resolves within the caller's own tenant only.
  EXPECT_EQ(tenancy_->getDataset(alice, "graph").id, da.id);
  EXPECT_EQ(tenancy_->getDataset(tenantAdmin(b.id), "graph").id, db.id);
  // The platform operator sees everything.
  EXPECT_EQ(tenancy_->listDatasets(op_, std::nullopt).size(), 2u);
}

TEST_P(TenancyTest, DatasetsHaveAHomeRegionAndUniqueNames) {
  Tenant t = tenancy_->createTenant(op_, {"acme"});
  Dataset d = tenancy_->createDataset(op_, "acme", "graph", "");
  EXPECT_EQ(d.home_region, "us-east");
  EXPECT_EQ(tenancy_->createDataset(op_, t.id, "eu-graph", "eu-west").home_region, "eu-west");
  expectError([&] { tenancy_->createDataset(op_, t.id, "graph", "eu-west"); }, Code::kConflict,
              "already has a dataset named 'graph'");
  EXPECT_EQ(auditCount("dataset.create"), 2);
}

TEST_P(TenancyTest, ConfigUpdatesUseOptimisticConcurrency) {
  Tenant t = tenancy_->createTenant(op_, {"acme", {{"privacy", {{"k", 5}}}}});
  EXPECT_EQ(tenancy_->updateConfig(op_, t.id, {{"privacy", {{"k", 7}}}}, 1), 2);
  expectError([&] { tenancy_->updateConfig(op_, t.id, {{"privacy", {{"k", 9}}}}, 1); },
              Code::kConflict, "expected version 1, found 2");
  Tenant got = tenancy_->getTenant(op_, t.id);
  EXPECT_EQ(got.config["privacy"]["k"], 7);
  EXPECT_EQ(got.config_version, 2);
  EXPECT_EQ(auditCount("tenant.config.update"), 1);
}

TEST_P(TenancyTest, EveryChangeIsOnTheVerifiedChain) {
  Tenant t = tenancy_->createTenant(op_, {"acme"});
  tenancy_->createDataset(op_, t.id, "graph", "");
  tenancy_->updateConfig(op_, t.id, {{"x", 1}}, 1);
  auto lease = store_->acquire();
  auto report = audit::verifyLog(*lease, [&](const std::string& kid) {
    return kid == key_.kid() ? std::optional(key_.publicKey()) : std::nullopt;
  });
  EXPECT_TRUE(report.ok) << report.problem;
  EXPECT_EQ(report.entries, 3);
  auto entries = audit_->list(*lease, {.tenant_id = t.id});
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].event.actor, op_.actor());
  EXPECT_EQ(entries[1].event.action, "dataset.create");
}

INSTANTIATE_TEST_SUITE_P(Backends, TenancyTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) { return testing::backendName(info.param); });

}  // namespace
}  // namespace maestro::tenancy
