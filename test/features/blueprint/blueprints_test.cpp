// The blueprint service on both store backends: creation in one
// transaction, drift detection and history, ignore rules with expiry,
// approved and automatic fixes, the fix-versus-edit race, upgrades, tenant
// isolation, and the seed's acceptance (3 tenants, no drift for 7 days).
#include "features/blueprint/blueprints.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "common/clock.h"
#include "common/error.h"
#include "common/log.h"
#include "features/blueprint/drift_scheduler.h"
#include "platform/platform.h"
#include "testing/test_stores.h"

namespace maestro::blueprint {
namespace {

using ::testing::HasSubstr;
using testing::Backend;
using testing::errorFrom;

constexpr int64_t kDay = 24LL * 3600 * 1000;

auth::Principal member(const std::string& tenant_id, std::set<std::string> scopes) {
  auth::Principal p;
  p.subject = "user-of-" + tenant_id;
  p.tenant_id = tenant_id;
  p.scopes = std::move(scopes);
  p.token_id = "jti-" + tenant_id;
  return p;
}

const char* kGoldV2 = R"(
name: default-secure
version: 2
description: v2 raises k and adds an alert
slo: { read_p95_ms: 350, write_p95_ms: 700 }
budgets: { graphql_usd_day: 50, ingest_usd_day: 100 }
privacy: { k: 7, epsilon: 2 }
alerts: [quota80, slo_burn, residency_violation, budget_burn, drift_detected, audit_gap]
policies:
  home_region: us-east
  allowed_regions: [us-east, eu-west]
  persisted_operations_only: true
  token_ttls: { access: 1h, refresh: 24h }
  required_purposes: []
overridable:
  slo.read_p95_ms: { min: 100, max: 1000 }
)";

class BlueprintsTest : public ::testing::TestWithParam<Backend> {
 protected:
  BlueprintsTest() : db_(GetParam()), op_(auth::Principal::localOperator()) {
    platform::PlatformConfig config;
    config.data_dir = db_.dir();
    config.control_store_uri = db_.uri();
    config.control_schema = db_.schema();
    platform_ = platform::Platform::open(config, clock_);
    bp_ = std::make_unique<Blueprints>(*platform_);
  }

  int64_t count(const std::string& sql, store::Params params = {}) {
    return platform_->control().acquire()->queryOne(sql, params)->integer(0);
  }
  int64_t auditCount(const std::string& action) {
    return count("SELECT COUNT(*) FROM audit_log WHERE action = $1", {action});
  }
  tenancy::Tenant create(const std::string& name, Json overrides = Json::object()) {
    return bp_->createTenant(op_, {name, "default-secure", std::move(overrides), std::nullopt});
  }
  tenancy::Tenant tenant(const std::string& id) { return platform_->tenancy().getTenant(op_, id); }
  // A manual edit of the live configuration, as updateTenantConfig does it.
  int64_t edit(const std::string& id, const std::function<void(Json&)>& change) {
    auto t = tenant(id);
    change(t.config);
    return platform_->tenancy().updateConfig(op_, id, t.config, t.config_version);
  }

  testing::TestDatabase db_;
  ManualClock clock_;
  auth::Principal op_;
  std::unique_ptr<platform::Platform> platform_;
  std::unique_ptr<Blueprints> bp_;
};

TEST_P(BlueprintsTest, CreatesTheTenantWithItsConfigurationBindingAndAudit) {
  auto t = bp_->createTenant(
      op_, {"acme", "default-secure", {{"slo", {{"read_p95_ms", 500}}}}, std::string("eu-west")});
  EXPECT_EQ(t.blueprint, "default-secure@1");
  auto stored = tenant(t.id);
  EXPECT_EQ(stored.config["slo"]["read_p95_ms"], 500);
  EXPECT_EQ(stored.config["policies"]["home_region"], "eu-west");
  EXPECT_EQ(stored.config["privacy"]["k"], 5);
  auto b = bp_->binding(op_, "acme");
  EXPECT_EQ(b.ref(), "default-secure@1");
  EXPECT_EQ(b.overrides["slo"]["read_p95_ms"], 500);
  EXPECT_EQ(auditCount("tenant.create"), 1);
  EXPECT_EQ(auditCount("blueprint.tenant.create"), 1);
  EXPECT_TRUE(bp_->detect(op_, t.id).drifts.empty());
}

TEST_P(BlueprintsTest, TheSameNameTwiceIsAConflictAndOneTenant) {
  create("acme");
  auto e = errorFrom([&] { create("acme"); });
  EXPECT_EQ(e.code(), Code::kConflict);
  EXPECT_EQ(count("SELECT COUNT(*) FROM tenants"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM blueprint_tenants"), 1);
}

TEST_P(BlueprintsTest, BadInputStoresNothing) {
  int64_t audit_before = count("SELECT COUNT(*) FROM audit_log");
  struct Case {
    NewBlueprintTenant spec;
    std::string field;
  } cases[] = {
      {{"acme", "default-secure", {{"slo", {{"read_p95_ms", 5000}}}}, std::nullopt},
       "overrides.slo.read_p95_ms"},
      {{"acme", "default-secure", {{"privacy", {{"k", 2}}}}, std::nullopt}, "overrides.privacy.k"},
      {{"acme", "nope", Json::object(), std::nullopt}, ""},
      {{"acme", "default-secure@9", Json::object(), std::nullopt}, ""},
      {{"acme", "Bad Ref", Json::object(), std::nullopt}, "template"},
      {{"Bad Name", "default-secure", Json::object(), std::nullopt}, "name"},
      {{"acme", "default-secure", Json::object(), std::string("mars")}, "region"},
  };
  for (const auto& c : cases) {
    auto e = errorFrom([&] { bp_->createTenant(op_, c.spec); });
    EXPECT_TRUE(e.code() == Code::kBadInput || e.code() == Code::kNotFound) << e.message();
    if (!c.field.empty()) {
      EXPECT_EQ(e.field(), c.field) << e.message();
    }
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM tenants"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM blueprint_tenants"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log"), audit_before);
}

TEST_P(BlueprintsTest, DriftOnEveryKindOfFieldIsReportedWithAFix) {
  auto t = create("acme");
  edit(t.id, [](Json& c) {
    c["privacy"]["k"] = 3;                                   // scalar change
    c["budgets"]["coffee_usd_day"] = 5;                      // added key
    c["slo"].erase("write_p95_ms");                          // removed key
    c["alerts"].push_back("quota95");                        // list change
    c["policies"]["token_ttls"]["access"] = "8h";            // nested object
    c["policies"]["persisted_operations_only"] = "no";       // type change
  });
  auto report = bp_->detect(op_, t.id);
  ASSERT_EQ(report.drifts.size(), 6u);
  std::map<std::string, std::string> ops;
  for (const auto& op : report.drifts) ops[op.path] = op.op;
  EXPECT_EQ(ops, (std::map<std::string, std::string>{
                     {"/alerts", "replace"},
                     {"/budgets/coffee_usd_day", "add"},
                     {"/policies/persisted_operations_only", "replace"},
                     {"/policies/token_ttls/access", "replace"},
                     {"/privacy/k", "replace"},
                     {"/slo/write_p95_ms", "remove"}}));
  EXPECT_EQ(report.config_version, 2);
  EXPECT_EQ(tenant(t.id).config.patch(report.fix), report.expected);
  EXPECT_EQ(count("SELECT COUNT(*) FROM blueprint_drift WHERE resolved_at IS NULL"), 6);
  EXPECT_EQ(auditCount("blueprint.drift.detected"), 1);
  // Detecting again changes nothing and audits nothing.
  bp_->detect(op_, t.id);
  EXPECT_EQ(count("SELECT COUNT(*) FROM blueprint_drift"), 6);
  EXPECT_EQ(auditCount("blueprint.drift.detected"), 1);
}

TEST_P(BlueprintsTest, ApprovedFixRestoresTheBlueprintAtomicallyWithAudit) {
  auto t = create("acme");
  edit(t.id, [](Json& c) { c["privacy"]["k"] = 2; });
  auto report = bp_->detect(op_, t.id);
  ASSERT_EQ(report.drifts.size(), 1u);
  auto after = bp_->approveFix(op_, t.id, report.config_version);
  EXPECT_TRUE(after.drifts.empty());
  EXPECT_EQ(after.config_version, 3);
  EXPECT_EQ(tenant(t.id).config["privacy"]["k"], 5);
  EXPECT_EQ(auditCount("blueprint.drift.fix"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM blueprint_drift WHERE resolution = 'fixed'"), 1);
  // A fix approved on an old report is a conflict and changes nothing.
  edit(t.id, [](Json& c) { c["privacy"]["k"] = 3; });
  auto e = errorFrom([&] { bp_->approveFix(op_, t.id, report.config_version); });
  EXPECT_EQ(e.code(), Code::kConflict);
  EXPECT_EQ(tenant(t.id).config["privacy"]["k"], 3);
  EXPECT_EQ(auditCount("blueprint.drift.fix"), 1);
}

TEST_P(BlueprintsTest, AFixRacingAManualEditOneWinsTheOtherConflictsNothingLost) {
  for (int round = 0; round < 6; ++round) {
    auto t = create("race-" + std::to_string(round));
    edit(t.id, [](Json& c) { c["privacy"]["k"] = 2; });
    auto report = bp_->detect(op_, t.id);
    Json manual = tenant(t.id).config;
    manual["budgets"]["graphql_usd_day"] = 77;
    std::atomic<int> go{0};
    std::optional<Code> fix_error, edit_error;
    std::thread fixer([&] {
      while (go.load() == 0) {}
      try {
        bp_->approveFix(op_, t.id, report.config_version);
      } catch (const Error& e) {
        fix_error = e.code();
      }
    });
    std::thread editor([&] {
      while (go.load() == 0) {}
      try {
        platform_->tenancy().updateConfig(op_, t.id, manual, report.config_version);
      } catch (const Error& e) {
        edit_error = e.code();
      }
    });
    go = 1;
    fixer.join();
    editor.join();
    ASSERT_NE(fix_error.has_value(), edit_error.has_value()) << "exactly one must win";
    auto now = tenant(t.id);
    EXPECT_EQ(now.config_version, report.config_version + 1);
    if (fix_error) {
      EXPECT_EQ(*fix_error, Code::kConflict);
      EXPECT_EQ(now.config, manual);  // the edit is intact
    } else {
      EXPECT_EQ(*edit_error, Code::kConflict);
      EXPECT_EQ(now.config, report.expected);  // the fix is intact
    }
  }
}

TEST_P(BlueprintsTest, IgnoreRulesApplyUntilTheyExpireAndAreAudited) {
  auto t = create("acme");
  edit(t.id, [](Json& c) {
    c["budgets"]["graphql_usd_day"] = 400;
    c["privacy"]["k"] = 3;
  });
  auto rule = bp_->ignore(op_, t.id, "/budgets", "promo month", clock_.nowMillis() + 3 * kDay);
  EXPECT_EQ(auditCount("blueprint.drift.ignore"), 1);
  auto report = bp_->detect(op_, t.id);
  ASSERT_EQ(report.drifts.size(), 1u);
  EXPECT_EQ(report.drifts[0].path, "/privacy/k");
  ASSERT_EQ(report.ignored.size(), 1u);
  EXPECT_EQ(report.ignored[0].ignored_by, "promo month");
  // The fix leaves ignored drift alone.
  bp_->approveFix(op_, t.id, report.config_version);
  EXPECT_EQ(tenant(t.id).config["budgets"]["graphql_usd_day"], 400);
  EXPECT_EQ(bp_->ignores(op_, t.id).size(), 1u);

  clock_.advance(std::chrono::milliseconds(3 * kDay + 1));
  EXPECT_TRUE(bp_->ignores(op_, t.id).empty());
  report = bp_->detect(op_, t.id);
  ASSERT_EQ(report.drifts.size(), 1u);
  EXPECT_EQ(report.drifts[0].path, "/budgets/graphql_usd_day");

  for (auto [path, reason, expires] :
       std::vector<std::tuple<std::string, std::string, int64_t>>{
           {"budgets", "x", clock_.nowMillis() + kDay},
           {"", "x", clock_.nowMillis() + kDay},
           {"/a", "", clock_.nowMillis() + kDay},
           {"/a", "x", clock_.nowMillis() - 1},
           {"/a", "x", clock_.nowMillis() + 400 * kDay}}) {
    EXPECT_EQ(errorFrom([&] { bp_->ignore(op_, t.id, path, reason, expires); }).code(),
              Code::kBadInput);
  }
  EXPECT_EQ(auditCount("blueprint.drift.ignore"), 1);

  // An expired rule cannot be removed; one in force can, audited.
  EXPECT_EQ(errorFrom([&] { bp_->removeIgnore(op_, t.id, rule.id); }).code(), Code::kNotFound);
  auto second = bp_->ignore(op_, t.id, "/budgets", "again", clock_.nowMillis() + kDay);
  EXPECT_TRUE(bp_->detect(op_, t.id).drifts.empty());
  bp_->removeIgnore(op_, t.id, second.id);
  EXPECT_EQ(auditCount("blueprint.drift.unignore"), 1);
  EXPECT_EQ(bp_->detect(op_, t.id).drifts.size(), 1u);
}

TEST_P(BlueprintsTest, HistoryRecordsWhenDriftWasFirstSeenAndResolved) {
  auto t = create("acme");
  clock_.advance(std::chrono::milliseconds(kDay));
  int64_t seen = clock_.nowMillis();
  edit(t.id, [](Json& c) { c["privacy"]["k"] = 3; });
  bp_->detect(op_, t.id);
  clock_.advance(std::chrono::milliseconds(kDay));
  bp_->detect(op_, t.id);  // still open, same record
  edit(t.id, [](Json& c) { c["privacy"]["k"] = 4; });
  bp_->detect(op_, t.id);  // changed value, same record
  clock_.advance(std::chrono::milliseconds(kDay));
  int64_t resolved = clock_.nowMillis();
  edit(t.id, [](Json& c) { c["privacy"]["k"] = 5; });
  bp_->detect(op_, t.id);
  auto h = bp_->history(op_, t.id, 30);
  ASSERT_EQ(h.records.size(), 1u);
  EXPECT_EQ(h.records[0].first_seen, seen);
  EXPECT_EQ(h.records[0].actual, 4);
  EXPECT_EQ(h.records[0].resolved_at, resolved);
  EXPECT_EQ(h.records[0].resolution, "vanished");
  EXPECT_EQ(h.binding.drift_free_since, resolved);
  EXPECT_EQ(h.binding.open_drifts, 0);
  clock_.advance(std::chrono::milliseconds(1));
  EXPECT_TRUE(bp_->history(op_, t.id, 0).records.empty());
  EXPECT_EQ(auditCount("blueprint.drift.detected"), 1);
  EXPECT_EQ(auditCount("blueprint.drift.resolved"), 1);
}

TEST_P(BlueprintsTest, ThreeTenantsFromBlueprintWithNoDriftForSevenDays) {
  std::vector<std::string> ids;
  for (const char* name : {"alpha", "bravo", "charlie"}) ids.push_back(create(name).id);
  auto drifted = create("delta");
  for (int day = 1; day <= 7; ++day) {
    clock_.advance(std::chrono::milliseconds(kDay));
    if (day == 3) edit(drifted.id, [](Json& c) { c["privacy"]["k"] = 2; });
    auto stats = bp_->runCycle();
    EXPECT_EQ(stats.tenants, 4);
  }
  auto clean = bp_->bindings(op_, 7);
  ASSERT_EQ(clean.size(), 3u);
  std::set<std::string> got;
  for (const auto& b : clean) got.insert(b.tenant_id);
  EXPECT_EQ(got, std::set<std::string>(ids.begin(), ids.end()));
  EXPECT_EQ(bp_->bindings(op_).size(), 4u);
  EXPECT_EQ(bp_->binding(op_, "delta").open_drifts, 1);
  // One day short of the window: nobody qualifies for 8 days.
  EXPECT_TRUE(bp_->bindings(op_, 8).empty());
}

TEST_P(BlueprintsTest, CyclesRaiseTheEventTheMetricAndFixOptedInTenants) {
  std::vector<std::string> lines;
  log::setSink([&](std::string_view l) { lines.emplace_back(l); });
  auto manual = create("manual");
  auto automatic = bp_->createTenant(op_, {"auto", "default-secure", Json::object(), std::nullopt, true});
  edit(manual.id, [](Json& c) { c["privacy"]["k"] = 2; });
  edit(automatic.id, [](Json& c) { c["privacy"]["k"] = 2; });
  auto stats = bp_->runCycle();
  log::setSink(nullptr);
  EXPECT_EQ(stats.opened, 2);
  EXPECT_EQ(stats.fixed, 1);
  EXPECT_EQ(stats.drifted, 1);
  EXPECT_EQ(tenant(automatic.id).config["privacy"]["k"], 5);
  EXPECT_EQ(tenant(manual.id).config["privacy"]["k"], 2);
  int events = 0;
  for (const auto& l : lines) events += l.find("\"blueprint.drift.detected\"") != std::string::npos;
  EXPECT_EQ(events, 2);
  std::string metrics = platform_->metrics().serialize();
  EXPECT_THAT(metrics, HasSubstr("blueprint_drift_count{tenant=\"" + manual.id + "\"} 1"));
  EXPECT_THAT(metrics, HasSubstr("blueprint_drift_count{tenant=\"" + automatic.id + "\"} 0"));
  EXPECT_EQ(auditCount("blueprint.drift.fix"), 1);
  bp_->setAutoFix(op_, manual.id, true);
  EXPECT_EQ(auditCount("blueprint.autofix.set"), 1);
  EXPECT_EQ(bp_->runCycle().fixed, 1);
  EXPECT_EQ(tenant(manual.id).config["privacy"]["k"], 5);
}

TEST_P(BlueprintsTest, TheSchedulerRunsCyclesAndStopsCleanly) {
  create("acme");
  DriftScheduler scheduler(*bp_, std::chrono::milliseconds(10));
  scheduler.start();
  for (int i = 0; i < 500 && scheduler.cycles() < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  scheduler.stop();
  EXPECT_GE(scheduler.cycles(), 2);
  EXPECT_TRUE(bp_->binding(op_, "acme").last_checked_at.has_value());
}

TEST_P(BlueprintsTest, UpgradesArePreviewedAndAppliedKeepingOverrides) {
  auto t = create("acme", {{"slo", {{"read_p95_ms", 500}}}});
  auto [v2, created] = bp_->registerTemplate(op_, kGoldV2);
  EXPECT_TRUE(created);
  EXPECT_EQ(auditCount("blueprint.template.register"), 1);
  EXPECT_FALSE(bp_->registerTemplate(op_, kGoldV2).second);  // same content: no-op
  std::string changed = std::string(kGoldV2);
  changed.replace(changed.find("k: 7"), 4, "k: 8");
  EXPECT_EQ(errorFrom([&] { bp_->registerTemplate(op_, changed); }).code(), Code::kConflict);

  auto preview = bp_->upgradePreview(op_, t.id);
  EXPECT_EQ(preview.from, "default-secure@1");
  EXPECT_EQ(preview.to, "default-secure@2");
  std::set<std::string> paths;
  for (const auto& op : preview.changes) paths.insert(op.path);
  EXPECT_EQ(paths, (std::set<std::string>{"/alerts", "/dashboards", "/privacy/k"}));
  // A stale preview conflicts.
  EXPECT_EQ(errorFrom([&] { bp_->applyUpgrade(op_, t.id, 2, preview.config_version + 1); }).code(),
            Code::kConflict);
  bp_->applyUpgrade(op_, t.id, 2, preview.config_version);
  auto now = tenant(t.id);
  EXPECT_EQ(now.blueprint, "default-secure@2");
  EXPECT_EQ(now.config["privacy"]["k"], 7);
  EXPECT_EQ(now.config["slo"]["read_p95_ms"], 500);  // override kept
  EXPECT_TRUE(bp_->detect(op_, t.id).drifts.empty());
  EXPECT_EQ(auditCount("blueprint.upgrade"), 1);
  EXPECT_EQ(errorFrom([&] { bp_->applyUpgrade(op_, t.id, 2, now.config_version); }).code(),
            Code::kBadInput);
}

TEST_P(BlueprintsTest, AnotherTenantsBlueprintLooksLikeOneThatDoesNotExist) {
  auto acme = create("acme");
  auto globex = create("globex");
  auto outsider = member(globex.id, {"admin.read", "admin.write"});
  auto reader = member(acme.id, {"admin.read"});
  EXPECT_EQ(errorFrom([&] { bp_->detect(outsider, acme.id); }).code(), Code::kNotFound);
  EXPECT_EQ(errorFrom([&] { bp_->approveFix(outsider, acme.id, 1); }).code(), Code::kNotFound);
  EXPECT_EQ(errorFrom([&] { bp_->ignore(outsider, acme.id, "/a", "x", clock_.nowMillis() + 1000); })
                .code(),
            Code::kNotFound);
  EXPECT_EQ(errorFrom([&] { bp_->approveFix(reader, acme.id, 1); }).code(), Code::kForbidden);
  EXPECT_EQ(errorFrom([&] {
              bp_->createTenant(member(acme.id, {"admin.write"}),
                                {"x", "default-secure", Json::object(), std::nullopt});
            }).code(),
            Code::kForbidden);
  EXPECT_EQ(errorFrom([&] { bp_->registerTemplate(member(acme.id, {"admin.write"}), kGoldV2); })
                .code(),
            Code::kForbidden);
  EXPECT_TRUE(bp_->detect(reader, acme.id).drifts.empty());
  ASSERT_EQ(bp_->bindings(reader).size(), 1u);
  EXPECT_EQ(bp_->bindings(reader)[0].tenant_id, acme.id);
}

TEST_P(BlueprintsTest, ShippedTemplatesAreListedAndDirectoryTemplatesLoaded) {
  auto all = bp_->listTemplates(op_);
  std::set<std::string> refs;
  for (const auto& t : all) refs.insert(t.ref());
  EXPECT_TRUE(refs.count("default-secure@1"));
  EXPECT_TRUE(refs.count("high-assurance@1"));
  EXPECT_EQ(bp_->getTemplate(op_, "high-assurance").body["privacy"]["k"], 10);

  testing::TempDir dir;
  std::string v2 = kGoldV2;
  {
    std::ofstream(dir.path() / "gold-v2.yaml") << v2;
  }
  Blueprints with_dir(*platform_, {dir.path()});
  EXPECT_EQ(with_dir.getTemplate(op_, "default-secure").version, 2);
  {
    std::ofstream(dir.path() / "broken.yaml") << "name: broken\nversion: 1\nprivacy: {k: 1}\n";
  }
  auto e = errorFrom([&] { Blueprints bad(*platform_, {dir.path()}); });
  EXPECT_THAT(e.message(), HasSubstr("blueprints.dir: broken.yaml"));
  EXPECT_THAT(e.message(), HasSubstr("privacy.k: must be ≥ 2, got 1"));
}

INSTANTIATE_TEST_SUITE_P(Stores, BlueprintsTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) { return testing::backendName(info.param); });

}  // namespace
}  // namespace maestro::blueprint
