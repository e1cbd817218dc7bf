// Contract tests of the product API: every operation, the @auth matrix
// (scope × tenant × purpose), persisted operations and automatic persisted
// queries, run through the GraphQL engine exactly as the HTTP route does.
#include "api/api.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/clock.h"
#include "common/crypto.h"
#include "common/encoding.h"
#include "platform/platform.h"
#include "testing/test_stores.h"

namespace maestro::api {
namespace {

using ::testing::HasSubstr;

class ApiTest : public ::testing::Test {
 protected:
  ApiTest() {
    platform::PlatformConfig config;
    config.data_dir = dir_.path();
    platform_ = platform::Platform::open(config, clock_);
    api_ = std::make_unique<Api>(*platform_);
    auto op = auth::Principal::localOperator();
    acme_ = platform_->tenancy().createTenant(op, {"acme", Json::object(), std::nullopt}).id;
    globex_ = platform_->tenancy().createTenant(op, {"globex", Json::object(), std::nullopt}).id;
    graph_ = platform_->tenancy().createDataset(op, acme_, "graph", "").id;
    other_graph_ = platform_->tenancy().createDataset(op, globex_, "graph", "").id;
    admin_ = token(acme_, {"graph.read", "graph.write", "admin.read", "admin.write"});
    reader_ = token(acme_, {"graph.read"});
    outsider_ = token(globex_, {"graph.read", "graph.write", "admin.read", "admin.write"});
    operator_ = token(std::nullopt, auth::knownScopes());
  }

  std::string token(std::optional<std::string> tenant, std::vector<std::string> scopes,
                    std::optional<std::string> purpose = std::nullopt) {
    auth::TokenRequest r;
    r.subject = "test-user";
    r.tenant = tenant;
    r.platform = !tenant;
    r.scopes = std::move(scopes);
    r.purpose = std::move(purpose);
    return platform_->issueToken(auth::Principal::localOperator(), r);
  }

  Json run(const std::string& query, const std::optional<std::string>& bearer,
           Json variables = Json::object(), Json extensions = Json::object(),
           bool allow_mutations = true) {
    ApiRequest r;
    r.query = query;
    r.variables = std::move(variables);
    r.extensions = std::move(extensions);
    r.bearer_token = bearer;
    r.allow_mutations = allow_mutations;
    last_ = api_->execute(r);
    return Json::parse(last_.toJson().dump());
  }

  // The extensions.code of the first error, or "" when there is none.
  static std::string code(const Json& response) {
    if (!response.contains("errors")) return "";
    return response["errors"][0]["extensions"].value("code", "");
  }

  int64_t auditCount(const std::string& action) {
    return platform_->control()
        .acquire()
        ->queryOne("SELECT COUNT(*) FROM audit_log WHERE action = $1", {action})
        ->integer(0);
  }

  std::string registerOp(const std::string& op_id, const std::string& query,
                         bool sensitive = false, Json purposes = Json::array()) {
    Json r = run(
        "mutation($o: String!, $d: ID!, $q: String!, $s: Boolean, $p: [String!]) {"
        " registerOperation(opId: $o, datasetId: $d, query: $q, sensitive: $s, purposes: $p)"
        " { opId version } }",
        admin_, {{"o", op_id}, {"d", graph_}, {"q", query}, {"s", sensitive}, {"p", purposes}});
    EXPECT_EQ(code(r), "") << r.dump();
    return op_id;
  }

  testing::TempDir dir_;
  ManualClock clock_{SystemClock::instance().nowMillis()};
  std::unique_ptr<platform::Platform> platform_;
  std::unique_ptr<Api> api_;
  graphql::Response last_;
  std::string acme_, globex_, graph_, other_graph_;
  std::string admin_, reader_, outsider_, operator_;
};

TEST_F(ApiTest, TypenameNeedsNoToken) {
  Json r = run("{ __typename }", std::nullopt);
  EXPECT_EQ(r["data"]["__typename"], "Query");
  EXPECT_FALSE(r.contains("errors"));
}

TEST_F(ApiTest, NoTokenOrABadOneIsUnauthenticated) {
  Json r = run("{ me { subject } }", std::nullopt);
  EXPECT_EQ(code(r), "UNAUTHENTICATED");
  EXPECT_TRUE(r["data"].is_null());
  r = run("{ me { subject } }", std::string("not.a.token"));
  EXPECT_EQ(code(r), "UNAUTHENTICATED");
  EXPECT_THAT(r["errors"][0]["message"].get<std::string>(), HasSubstr("token"));
  std::string tampered = reader_;
  tampered[tampered.find('.') + 3] ^= 1;
  EXPECT_EQ(code(run("{ me { subject } }", tampered)), "UNAUTHENTICATED");
}

TEST_F(ApiTest, MeDescribesTheCaller) {
  Json r = run("{ me { subject tenantId platform scopes } }", reader_);
  EXPECT_EQ(r["data"]["me"]["tenantId"], acme_);
  EXPECT_EQ(r["data"]["me"]["platform"], false);
  EXPECT_EQ(r["data"]["me"]["scopes"], Json::array({"graph.read"}));
}

TEST_F(ApiTest, TenantsAreVisibleOnlyToTheirOwnPrincipals) {
  Json r = run("{ tenants { name } }", operator_);
  EXPECT_EQ(r["data"]["tenants"].size(), 2u);
  r = run("{ tenants { name datasets { name } } }", admin_);
  ASSERT_EQ(r["data"]["tenants"].size(), 1u);
  EXPECT_EQ(r["data"]["tenants"][0]["name"], "acme");
  EXPECT_EQ(r["data"]["tenants"][0]["datasets"][0]["name"], "graph");
  // Another tenant reads exactly like a tenant that does not exist.
  Json other = run("query($id: ID!) { tenant(id: $id) { name } }", admin_, {{"id", globex_}});
  Json none = run("{ tenant(id: \"nope\") { name } }", admin_);
  EXPECT_TRUE(other["data"]["tenant"].is_null());
  EXPECT_EQ(other, none);
}

TEST_F(ApiTest, AnotherTenantsDatasetIsNotFoundAndTheAttemptIsAudited) {
  int64_t before = auditCount("auth.denied");
  Json r = run("query($d: ID!) { cypher(datasetId: $d, query: \"RETURN 1\") { rows } }", admin_,
               {{"d", other_graph_}});
  EXPECT_EQ(code(r), "NOT_FOUND");
  EXPECT_EQ(r["errors"][0]["message"], "dataset not found");
  EXPECT_EQ(r["errors"][0]["path"], Json::array({"cypher"}));
  EXPECT_EQ(auditCount("auth.denied"), before + 1);
  Json missing = run("{ cypher(datasetId: \"00000000-0000-7000-8000-000000000000\", "
                     "query: \"RETURN 1\") { rows } }",
                     admin_);
  EXPECT_EQ(code(missing), "NOT_FOUND");
  EXPECT_EQ(missing["errors"][0]["message"], r["errors"][0]["message"]);
}

TEST_F(ApiTest, EveryFieldRefusesATokenWithoutItsScope) {
  std::string none = token(acme_, {"audit.read"});
  std::string gid = "\"" + graph_ + "\"";
  const char* scope_fields[] = {
      "{ tenants { id } }",
      "{ datasets { id } }",
      "{ cypher(datasetId: GID, query: \"RETURN 1\") { rows } }",
      "{ explain(datasetId: GID, query: \"RETURN 1\") { plan } }",
      "{ operations { opId } }",
      "{ runOp(opId: \"x\") { rows } }",
      "{ planPreview(opId: \"x\", vars: {}) { cost } }",
      "{ graphqlBudget { spentUsd } }",
      "mutation { createDataset(tenantId: \"acme\", name: \"x\") { id } }",
      "mutation { cypher(datasetId: GID, query: \"CREATE ()\") { rows } }",
      "mutation { registerOperation(opId: \"x\", datasetId: GID, query: \"RETURN 1\") { opId } }",
      "mutation { enablePrivacyV2(tenantId: \"acme\", enabled: true) }",
      "{ blueprints { ref } }",
      "{ blueprint(name: \"default-secure\") { ref } }",
      "{ blueprintTenants { tenantId } }",
      "{ tenantBlueprint(tenantId: \"acme\") { blueprint } }",
      "{ tenantDrift(tenantId: \"acme\") { drifted } }",
      "{ tenantDriftHistory(tenantId: \"acme\") { openDrifts } }",
      "{ driftIgnoreRules(tenantId: \"acme\") { id } }",
      "{ blueprintUpgradePreview(tenantId: \"acme\") { to } }",
      "mutation { createTenantFromBlueprint(name: \"n\", template: \"default-secure\") }",
      "mutation { registerBlueprint(source: \"x\") { ref } }",
      "mutation { ignoreDrift(tenantId: \"acme\", path: \"/a\", reason: \"r\", "
      "expiresAt: \"2030-01-01T00:00:00Z\") { id } }",
      "mutation { removeDriftIgnore(tenantId: \"acme\", id: \"x\") }",
      "mutation { approveDriftFix(tenantId: \"acme\", configVersion: 1) { drifted } }",
      "mutation { setDriftAutoFix(tenantId: \"acme\", enabled: true) { autoFix } }",
      "mutation { applyBlueprintUpgrade(tenantId: \"acme\", toVersion: 2, configVersion: 1) { id } }",
  };
  for (std::string q : scope_fields) {
    if (auto at = q.find("GID"); at != std::string::npos) q.replace(at, 3, gid);
    Json r = run(q, none);
    EXPECT_EQ(code(r), "FORBIDDEN") << q << "\n" << r.dump();
    EXPECT_THAT(r["errors"][0]["message"].get<std::string>(), HasSubstr("missing scope")) << q;
  }
}

TEST_F(ApiTest, EveryFieldNamingAnotherTenantsObjectAnswersNotFound) {
  registerOp("mine", "RETURN 1 AS one");
  std::string gid = "\"" + graph_ + "\"";
  const char* fields[] = {
      "{ datasets(tenantId: \"acme\") { id } }",
      "{ cypher(datasetId: GID, query: \"RETURN 1\") { rows } }",
      "{ explain(datasetId: GID, query: \"RETURN 1\") { plan } }",
      "{ operations(tenantId: \"acme\") { opId } }",
      "{ operations(datasetId: GID) { opId } }",
      "{ runOp(opId: \"mine\", tenantId: \"acme\") { rows } }",
      "{ planPreview(opId: \"mine\", vars: {}, tenantId: \"acme\") { cost } }",
      "{ graphqlBudget(tenantId: \"acme\") { spentUsd } }",
      "mutation { createDataset(tenantId: \"acme\", name: \"x\") { id } }",
      "mutation { updateTenantConfig(tenantId: \"acme\", config: {}, expectedVersion: 1) { id } }",
      "mutation { cypher(datasetId: GID, query: \"CREATE ()\") { rows } }",
      "mutation { registerOperation(opId: \"x\", datasetId: GID, query: \"RETURN 1\") { opId } }",
      "mutation { runOp(opId: \"mine\", tenantId: \"acme\") { rows } }",
      "{ tenantDrift(tenantId: \"acme\") { drifted } }",
      "{ tenantDriftHistory(tenantId: \"acme\") { openDrifts } }",
      "{ driftIgnoreRules(tenantId: \"acme\") { id } }",
      "{ blueprintUpgradePreview(tenantId: \"acme\") { to } }",
      "mutation { ignoreDrift(tenantId: \"acme\", path: \"/a\", reason: \"r\", "
      "expiresAt: \"2030-01-01T00:00:00Z\") { id } }",
      "mutation { removeDriftIgnore(tenantId: \"acme\", id: \"x\") }",
      "mutation { approveDriftFix(tenantId: \"acme\", configVersion: 1) { drifted } }",
      "mutation { setDriftAutoFix(tenantId: \"acme\", enabled: true) { autoFix } }",
      "mutation { applyBlueprintUpgrade(tenantId: \"acme\", toVersion: 2, configVersion: 1) { id } }",
  };
  for (std::string q : fields) {
    if (auto at = q.find("GID"); at != std::string::npos) q.replace(at, 3, gid);
    Json r = run(q, outsider_);
    EXPECT_EQ(code(r), "NOT_FOUND") << q << "\n" << r.dump();
  }
  // Nothing changed on acme's side.
  Json mine = run("{ tenant(id: \"acme\") { configVersion datasets { name } } }", admin_);
  EXPECT_EQ(mine["data"]["tenant"]["configVersion"], 1);
  EXPECT_EQ(mine["data"]["tenant"]["datasets"].size(), 1u);
  EXPECT_EQ(auditCount("graph.write"), 0);
}

TEST_F(ApiTest, DatasetsAreListedAndFetchedById) {
  Json r = run("{ datasets { name tenantId } }", reader_);
  ASSERT_EQ(r["data"]["datasets"].size(), 1u);
  EXPECT_EQ(r["data"]["datasets"][0]["tenantId"], acme_);
  EXPECT_EQ(run("{ datasets { name } }", operator_)["data"]["datasets"].size(), 2u);
  r = run("query($id: ID!) { dataset(id: $id) { name homeRegion } }", reader_, {{"id", graph_}});
  EXPECT_EQ(r["data"]["dataset"]["homeRegion"], "us-east");
  r = run("query($id: ID!) { dataset(id: $id) { name } }", reader_, {{"id", other_graph_}});
  EXPECT_TRUE(r["data"]["dataset"].is_null());
  EXPECT_FALSE(r.contains("errors"));
}

TEST_F(ApiTest, CreatesTenantsAndDatasetsWithAuditAndConflicts) {
  Json r = run("mutation { createTenant(name: \"initech\", config: {tier: \"gold\"}) { id name config } }",
               operator_);
  EXPECT_EQ(r["data"]["createTenant"]["name"], "initech");
  EXPECT_EQ(r["data"]["createTenant"]["config"]["tier"], "gold");
  EXPECT_EQ(code(run("mutation { createTenant(name: \"initech\") { id } }", operator_)),
            "CONFLICT");
  // A tenant's own admin cannot create tenants.
  EXPECT_EQ(code(run("mutation { createTenant(name: \"x\") { id } }", admin_)), "FORBIDDEN");
  EXPECT_EQ(code(run("mutation { createTenant(name: \"Bad Name\") { id } }", operator_)),
            "BAD_USER_INPUT");

  r = run("mutation { createDataset(tenantId: \"acme\", name: \"second\", region: \"eu-west\")"
          " { name homeRegion tenantId createdAt } }",
          admin_);
  EXPECT_EQ(r["data"]["createDataset"]["homeRegion"], "eu-west");
  EXPECT_EQ(r["data"]["createDataset"]["tenantId"], acme_);
  EXPECT_THAT(r["data"]["createDataset"]["createdAt"].get<std::string>(), HasSubstr("T"));
  r = run("mutation { createDataset(tenantId: \"acme\", name: \"x\", region: \"mars\") { id } }",
          admin_);
  EXPECT_EQ(code(r), "BAD_USER_INPUT");
  EXPECT_THAT(r["errors"][0]["message"].get<std::string>(), HasSubstr("mars"));
  EXPECT_EQ(code(run("mutation { createDataset(tenantId: \"globex\", name: \"x\") { id } }",
                     admin_)),
            "NOT_FOUND");
  EXPECT_EQ(auditCount("dataset.create"), 3);  // graph ×2 in the fixture, second here
}

TEST_F(ApiTest, UpdatesTenantConfigWithOptimisticConcurrency) {
  Json r = run("mutation { updateTenantConfig(tenantId: \"acme\", config: {a: 1}, "
               "expectedVersion: 1) { configVersion config } }",
               admin_);
  EXPECT_EQ(r["data"]["updateTenantConfig"]["configVersion"], 2);
  r = run("mutation { updateTenantConfig(tenantId: \"acme\", config: {a: 2}, "
          "expectedVersion: 1) { configVersion } }",
          admin_);
  EXPECT_EQ(code(r), "CONFLICT");
  r = run("mutation { updateTenantConfig(tenantId: \"acme\", config: [1], expectedVersion: 2)"
          " { configVersion } }",
          admin_);
  EXPECT_EQ(code(r), "BAD_USER_INPUT");
}

TEST_F(ApiTest, CypherWritesInMutationsAndOnlyReadsInQueries) {
  Json vars = {{"d", graph_}};
  Json r = run("mutation($d: ID!) { cypher(datasetId: $d, query: \"CREATE (:P {name: 'ann'})\")"
               " { counters { nodesCreated propertiesSet } version } }",
               admin_, vars);
  EXPECT_EQ(r["data"]["cypher"]["counters"]["nodesCreated"], 1);
  EXPECT_EQ(r["data"]["cypher"]["counters"]["propertiesSet"], 1);
  EXPECT_EQ(auditCount("graph.write"), 1);

  r = run("query($d: ID!) { cypher(datasetId: $d, query: \"MATCH (p:P) RETURN p.name AS name, p\")"
          " { columns rows rowCount } }",
          reader_, vars);
  EXPECT_EQ(r["data"]["cypher"]["columns"], Json::array({"name", "p"}));
  EXPECT_EQ(r["data"]["cypher"]["rows"][0][0], "ann");
  EXPECT_EQ(r["data"]["cypher"]["rows"][0][1]["labels"], Json::array({"P"}));
  EXPECT_EQ(r["data"]["cypher"]["rowCount"], 1);

  r = run("query($d: ID!) { cypher(datasetId: $d, query: \"CREATE ()\") { rows } }", admin_, vars);
  EXPECT_EQ(code(r), "FORBIDDEN");
  // A reader's token cannot write even through the mutation.
  r = run("mutation($d: ID!) { cypher(datasetId: $d, query: \"CREATE ()\") { rows } }", reader_,
          vars);
  EXPECT_EQ(code(r), "FORBIDDEN");
}

TEST_F(ApiTest, CypherErrorsSayWhatWasWrong) {
  Json r = run("query($d: ID!) { cypher(datasetId: $d, query: \"MATCH (n RETURN n\") { rows } }",
               reader_, {{"d", graph_}});
  EXPECT_EQ(code(r), "BAD_USER_INPUT");
  EXPECT_THAT(r["errors"][0]["message"].get<std::string>(), HasSubstr("line 1"));
  r = run("query($d: ID!, $p: JSON) { cypher(datasetId: $d, query: \"RETURN $x\", params: $p)"
          " { rows } }",
          reader_, {{"d", graph_}, {"p", {{"y", 1}}}});
  EXPECT_EQ(code(r), "BAD_USER_INPUT");
  r = run("query($d: ID!) { cypher(datasetId: $d, query: \"RETURN 1\", params: [1]) { rows } }",
          reader_, {{"d", graph_}});
  EXPECT_EQ(code(r), "BAD_USER_INPUT");
  EXPECT_THAT(r["errors"][0]["message"].get<std::string>(), HasSubstr("params"));
}

TEST_F(ApiTest, ExplainAndProfileShowThePlan) {
  Json r = run("query($d: ID!) { explain(datasetId: $d, query: \"MATCH (n:P) RETURN n\") { plan } }",
               reader_, {{"d", graph_}});
  EXPECT_THAT(r["data"]["explain"]["plan"].get<std::string>(), HasSubstr("Scan"));
  r = run("query($d: ID!) { explain(datasetId: $d, query: \"MATCH (n:P) RETURN n\", profile: true)"
          " { plan columns } }",
          reader_, {{"d", graph_}});
  EXPECT_THAT(r["data"]["explain"]["plan"].get<std::string>(), HasSubstr("rows"));
  EXPECT_EQ(r["data"]["explain"]["columns"], Json::array({"n"}));
}

TEST_F(ApiTest, PersistedOperationsAreVersionedAndRunById) {
  registerOp("people", "MATCH (p:P) WHERE p.name = $name RETURN p.name AS name");
  run("mutation($d: ID!) { cypher(datasetId: $d, query: \"CREATE (:P {name: 'bo'})\") { rows } }",
      admin_, {{"d", graph_}});
  Json r = run("{ runOp(opId: \"people\", vars: {name: \"bo\"}) { rows } }", reader_);
  EXPECT_EQ(r["data"]["runOp"]["rows"], Json::parse(R"([["bo"]])"));

  registerOp("people", "MATCH (p:P) RETURN count(p) AS n");
  r = run("{ operations { opId version } operationVersions(opId: \"people\") { version query }"
          " operation(opId: \"people\", version: 1) { query sha256 } }",
          reader_);
  EXPECT_EQ(r["data"]["operations"][0]["version"], 2);
  EXPECT_EQ(r["data"]["operationVersions"].size(), 2u);
  EXPECT_EQ(r["data"]["operation"]["sha256"],
            hexEncode(crypto::sha256("MATCH (p:P) WHERE p.name = $name RETURN p.name AS name")));
  EXPECT_EQ(run("{ runOp(opId: \"people\") { rows } }", reader_)["data"]["runOp"]["rows"],
            Json::parse("[[1]]"));

  EXPECT_EQ(code(run("{ runOp(opId: \"nope\") { rows } }", reader_)), "NOT_FOUND");
  EXPECT_TRUE(run("{ operation(opId: \"nope\") { query } }", reader_)["data"]["operation"].is_null());
  // The other tenant sees none of it.
  EXPECT_EQ(code(run("{ runOp(opId: \"people\") { rows } }", outsider_)), "NOT_FOUND");
  EXPECT_TRUE(run("{ operations { opId } }", outsider_)["data"]["operations"].empty());
}

TEST_F(ApiTest, RegisteringRefusesQueriesThatDoNotCompile) {
  Json r = run("mutation($d: ID!) { registerOperation(opId: \"bad\", datasetId: $d,"
               " query: \"MATCH (n RETURN n\") { opId } }",
               admin_, {{"d", graph_}});
  EXPECT_EQ(code(r), "BAD_USER_INPUT");
  EXPECT_EQ(auditCount("operation.register"), 0);
  EXPECT_EQ(code(run("{ runOp(opId: \"bad\") { rows } }", admin_)), "NOT_FOUND");
}

TEST_F(ApiTest, QueryRunOpIsReadOnlyAndMutationRunOpMayWrite) {
  registerOp("add", "CREATE (:P {name: $name})");
  Json r = run("{ runOp(opId: \"add\", vars: {name: \"x\"}) { rows } }", admin_);
  EXPECT_EQ(code(r), "FORBIDDEN");
  r = run("mutation { runOp(opId: \"add\", vars: {name: \"x\"}) { counters { nodesCreated } } }",
          admin_);
  EXPECT_EQ(r["data"]["runOp"]["counters"]["nodesCreated"], 1);
  EXPECT_EQ(auditCount("graph.write"), 1);
}

TEST_F(ApiTest, SensitiveOperationsNeedAnAllowedPurpose) {
  registerOp("watch", "RETURN 1 AS one", true, {"fraud"});
  int64_t denied = auditCount("auth.denied");
  EXPECT_EQ(code(run("{ runOp(opId: \"watch\") { rows } }", reader_)), "FORBIDDEN");
  std::string marketing = token(acme_, {"graph.read"}, "marketing");
  Json r = run("{ runOp(opId: \"watch\") { rows } }", marketing);
  EXPECT_EQ(code(r), "FORBIDDEN");
  EXPECT_THAT(r["errors"][0]["message"].get<std::string>(), HasSubstr("marketing"));
  EXPECT_EQ(auditCount("auth.denied"), denied + 2);

  std::string fraud = token(acme_, {"graph.read"}, "fraud");
  r = run("{ runOp(opId: \"watch\") { rows } }", fraud);
  EXPECT_EQ(r["data"]["runOp"]["rows"], Json::parse("[[1]]"));
  EXPECT_EQ(auditCount("operation.run"), 1);
}

TEST_F(ApiTest, ShadowPlanningComparesBothPlannersOnRunOp) {
  registerOp("count", "UNWIND range(1, 5) AS x RETURN x ORDER BY x DESC");
  Json r = run("mutation { setPlannerMode(opId: \"count\", mode: SHADOW, sampleRate: 1.0)"
               " { mode sampleRate activationBlocked } }",
               admin_);
  EXPECT_EQ(r["data"]["setPlannerMode"]["mode"], "SHADOW");
  EXPECT_THAT(r["data"]["setPlannerMode"]["activationBlocked"].get<std::string>(),
              HasSubstr("shadow comparisons"));
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(run("{ runOp(opId: \"count\") { rowCount } }", reader_)["data"]["runOp"]["rowCount"], 5);
  }
  r = run("{ operationPlanner(opId: \"count\") { shadowRuns mismatches v1 { samples } v2 { samples p95Ms } } }",
          admin_);
  EXPECT_EQ(r["data"]["operationPlanner"]["shadowRuns"], 3);
  EXPECT_EQ(r["data"]["operationPlanner"]["mismatches"], 0);
  EXPECT_EQ(r["data"]["operationPlanner"]["v2"]["samples"], 3);
  // Too few comparisons yet: activation is refused with the reason.
  r = run("mutation { setPlannerMode(opId: \"count\", mode: V2) { mode } }", admin_);
  EXPECT_EQ(code(r), "CONFLICT");
  EXPECT_THAT(r["errors"][0]["message"].get<std::string>(), HasSubstr("blocked"));
  EXPECT_EQ(run("{ operationPlanners { opId mode } }", admin_)["data"]["operationPlanners"][0]["mode"],
            "SHADOW");
  // The rollback is a platform operator's switch.
  EXPECT_EQ(code(run("mutation { setPlannerRollback(enabled: true) }", admin_)), "FORBIDDEN");
  EXPECT_EQ(run("mutation { setPlannerRollback(enabled: true) }", operator_)["data"]["setPlannerRollback"],
            true);
  EXPECT_EQ(run("{ plannerRollback }", admin_)["data"]["plannerRollback"], true);
  EXPECT_EQ(code(run("{ operationPlanner(opId: \"count\", tenantId: \"acme\") { mode } }", outsider_)),
            "NOT_FOUND");
  EXPECT_EQ(code(run("{ operationPlanner(opId: \"count\") { mode } }", reader_)), "FORBIDDEN");
}

// --- planPreview and budgets ---------------------------------------------

TEST_F(ApiTest, PlanPreviewPricesAnOperationWithoutRunningIt) {
  run("mutation($d: ID!) { cypher(datasetId: $d, query: \"UNWIND range(1, 200) AS i "
      "CREATE (:Person {id: i})\") { rowCount } }",
      admin_, {{"d", graph_}});
  run("mutation($d: ID!) { cypher(datasetId: $d, query: \"CREATE INDEX FOR (p:Person) ON (p.id)\")"
      " { rowCount } }",
      admin_, {{"d", graph_}});
  registerOp("byId", "MATCH (p:Person {id: $id}) RETURN p.id");
  registerOp("all", "MATCH (p:Person) RETURN count(*)");
  const char* preview = "query($o: String!, $v: JSON!) { planPreview(opId: $o, vars: $v)"
                        " { cost estP95Ms hints } }";
  Json seek = run(preview, admin_, {{"o", "byId"}, {"v", {{"id", 7}}}});
  ASSERT_EQ(code(seek), "") << seek.dump();
  Json scan = run(preview, admin_, {{"o", "all"}, {"v", Json::object()}});
  Json p = seek["data"]["planPreview"];
  // A seek of one node costs less than counting 200; both are priced.
  EXPECT_GT(p["cost"].get<double>(), 0);
  EXPECT_LT(p["cost"].get<double>(), scan["data"]["planPreview"]["cost"].get<double>());
  EXPECT_GE(p["estP95Ms"].get<int64_t>(), 1);
  EXPECT_EQ(p["hints"]["planner"], "v2");
  EXPECT_EQ(p["hints"]["start"]["operator"], "NodeIndexSeek");
  EXPECT_EQ(p["hints"]["indexes"].size(), 1u);
  EXPECT_EQ(p["hints"]["statistics"]["state"], "fresh");
  EXPECT_FALSE(p["hints"]["latency"]["calibrated"].get<bool>());  // nothing ran yet
  EXPECT_FALSE(p["hints"].contains("budget"));                     // acme has none
  // Once the dataset has run enough statements, the estimate is calibrated.
  for (int i = 0; i < 40; ++i) {
    run("query($v: JSON) { runOp(opId: \"byId\", vars: $v) { rowCount } }", reader_,
        {{"v", {{"id", i}}}});
    run("{ runOp(opId: \"all\") { rowCount } }", reader_);
  }
  p = run(preview, admin_, {{"o", "byId"}, {"v", {{"id", 7}}}})["data"]["planPreview"];
  const Json& latency = p["hints"]["latency"];
  EXPECT_TRUE(latency["calibrated"].get<bool>()) << p.dump();
  EXPECT_GE(latency["samples"].get<int>(), 80);
  EXPECT_GT(latency["error"]["p95Coverage"].get<double>(), 0.9);
  EXPECT_GE(latency["estP95Ms"].get<double>(), latency["estP50Ms"].get<double>());
  // Bad variables and unknown operations are named.
  Json bad = run(preview, admin_, {{"o", "byId"}, {"v", Json::array()}});
  EXPECT_EQ(code(bad), "BAD_USER_INPUT");
  EXPECT_THAT(bad["errors"][0]["message"].get<std::string>(), HasSubstr("vars"));
  EXPECT_EQ(code(run(preview, admin_, {{"o", "nope"}, {"v", Json::object()}})), "NOT_FOUND");
}

TEST_F(ApiTest, PersistedOperationsKeepPlannerHints) {
  run("mutation($d: ID!) { cypher(datasetId: $d, query: \"UNWIND range(1, 50) AS i "
      "CREATE (:Person {id: i})-[:KNOWS]->(:Person {id: 100 + i})\") { rowCount } }",
      admin_, {{"d", graph_}});
  run("mutation($d: ID!) { cypher(datasetId: $d, query: \"CREATE INDEX FOR (p:Person) ON (p.id)\")"
      " { rowCount } }",
      admin_, {{"d", graph_}});
  const char* reg = "mutation($d: ID!, $h: String) { registerOperation(opId: \"friends\", datasetId: $d,"
                    " query: \"MATCH (p:Person {id: $id})-[:KNOWS]->(f) RETURN f.id\", hints: $h)"
                    " { version hints } }";
  Json r = run(reg, admin_, {{"d", graph_}, {"h", "USING SCAN p:Person"}});
  ASSERT_EQ(code(r), "") << r.dump();
  EXPECT_EQ(r["data"]["registerOperation"]["hints"], "USING SCAN p:Person");
  // The hint is applied at every run and in previews.
  Json p = run("{ planPreview(opId: \"friends\", vars: {id: 3}) { hints } }", admin_);
  EXPECT_EQ(p["data"]["planPreview"]["hints"]["start"]["operator"], "NodeByLabelScan") << p.dump();
  EXPECT_EQ(run("{ runOp(opId: \"friends\", vars: {id: 3}) { rows } }", reader_)["data"]["runOp"]["rows"][0][0],
            103);
  // Changing the hints is a new version; hints that cannot be honoured are refused.
  r = run(reg, admin_, {{"d", graph_}, {"h", "USING INDEX p:Person(id)"}});
  EXPECT_EQ(r["data"]["registerOperation"]["version"], 2);
  for (const char* bad : {"USING INDEX f:Person(id)", "USING SCAN x:Person", "USING FOO"}) {
    r = run(reg, admin_, {{"d", graph_}, {"h", bad}});
    EXPECT_EQ(code(r), "BAD_USER_INPUT") << bad << r.dump();
  }
  EXPECT_EQ(run("{ operation(opId: \"friends\") { version hints } }", admin_)["data"]["operation"]["version"], 2);
}

TEST_F(ApiTest, BudgetsRefuseStatementsThatWouldOverspendAndSettleTheRest) {
  run("mutation($d: ID!) { cypher(datasetId: $d, query: \"UNWIND range(1, 1000) AS i "
      "CREATE (:Person {id: i})\") { rowCount } }",
      admin_, {{"d", graph_}});
  registerOp("all", "MATCH (p:Person) RETURN count(*)");
  // A malformed budget is refused and the configuration left as it was.
  Json bad = run("mutation { updateTenantConfig(tenantId: \"acme\", config: "
                 "{budgets: {graphql_usd_day: \"lots\"}}, expectedVersion: 1) { configVersion } }",
                 admin_);
  EXPECT_EQ(code(bad), "BAD_USER_INPUT");
  EXPECT_THAT(bad["errors"][0]["message"].get<std::string>(), HasSubstr("budgets.graphql_usd_day"));
  // One dollar per cost unit; the count of 1,000 people costs > $1,000.
  Json r = run("mutation { updateTenantConfig(tenantId: \"acme\", config: {budgets: "
               "{graphql_usd_day: 5000, graphql_usd_per_cost_unit: 1}}, expectedVersion: 1)"
               " { configVersion } }",
               admin_);
  ASSERT_EQ(code(r), "") << r.dump();
  clock_.advance(std::chrono::seconds(2));  // past the policy cache
  Json preview = run("{ planPreview(opId: \"all\", vars: {}) { cost hints } }", admin_);
  double cost = preview["data"]["planPreview"]["cost"].get<double>();
  ASSERT_GT(cost, 1000) << preview.dump();
  ASSERT_LT(cost, 2500) << preview.dump();
  EXPECT_EQ(preview["data"]["planPreview"]["hints"]["budget"]["estimatedUsd"], cost);
  EXPECT_FALSE(preview["data"]["planPreview"]["hints"]["budget"]["wouldExceed"].get<bool>());

  // The first runs fit; the one whose estimate would pass $5,000 is refused.
  int ran = 0;
  std::string refusal;
  for (int i = 0; i < 10 && refusal.empty(); ++i) {
    Json out = run("{ runOp(opId: \"all\") { rows } }", reader_);
    if (code(out).empty()) {
      EXPECT_EQ(out["data"]["runOp"]["rows"][0][0], 1000);
      ++ran;
    } else {
      EXPECT_EQ(code(out), "BUDGET_EXCEEDED") << out.dump();
      refusal = out["errors"][0]["message"].get<std::string>();
    }
  }
  EXPECT_GE(ran, 2);
  EXPECT_THAT(refusal, HasSubstr("budgets.graphql_usd_day"));
  Json budget = run("{ graphqlBudget { budgetUsd usdPerCostUnit spentUsd reservedUsd remainingUsd"
                    " queries refused day } }",
                    admin_)["data"]["graphqlBudget"];
  EXPECT_EQ(budget["budgetUsd"], 5000.0);
  EXPECT_EQ(budget["queries"], ran);
  EXPECT_EQ(budget["refused"], 1);
  EXPECT_EQ(budget["reservedUsd"], 0.0);  // every run settled
  EXPECT_GT(budget["spentUsd"].get<double>(), 1000.0 * ran);
  EXPECT_LE(budget["spentUsd"].get<double>(), 5000.0);
  // Ad-hoc Cypher is priced the same way.
  Json adhoc = run("query($d: ID!) { cypher(datasetId: $d, query: \"MATCH (p:Person) RETURN count(*)\")"
                   " { rows } }",
                   reader_, {{"d", graph_}});
  EXPECT_EQ(code(adhoc), "BUDGET_EXCEEDED");
  // A new UTC day starts a fresh budget.
  clock_.advance(std::chrono::hours(24));
  EXPECT_EQ(code(run("{ runOp(opId: \"all\") { rows } }", token(acme_, {"graph.read"}))), "");
}

TEST_F(ApiTest, PersistedOnlyTenantsRefuseAdHocCypher) {
  registerOp("one", "RETURN 1 AS one");
  run("mutation { updateTenantConfig(tenantId: \"acme\", "
      "config: {policies: {persisted_operations_only: true}}, expectedVersion: 1) { id } }",
      admin_);
  Json r = run("query($d: ID!) { cypher(datasetId: $d, query: \"RETURN 1\") { rows } }", reader_,
               {{"d", graph_}});
  EXPECT_EQ(code(r), "FORBIDDEN");
  EXPECT_THAT(r["errors"][0]["message"].get<std::string>(), HasSubstr("persisted operations only"));
  EXPECT_EQ(run("{ runOp(opId: \"one\") { rows } }", reader_)["data"]["runOp"]["rows"],
            Json::parse("[[1]]"));
}

TEST_F(ApiTest, AutomaticPersistedQueries) {
  std::string doc = "{ me { subject } }";
  std::string hash = hexEncode(crypto::sha256(doc));
  Json ext = {{"persistedQuery", {{"version", 1}, {"sha256Hash", hash}}}};
  Json r = run("", reader_, Json::object(), ext);
  EXPECT_EQ(code(r), "PERSISTED_QUERY_NOT_FOUND");
  EXPECT_EQ(r["errors"][0]["message"], "PersistedQueryNotFound");
  r = run(doc, reader_, Json::object(), ext);
  EXPECT_EQ(r["data"]["me"]["subject"], "test-user");
  r = run("", reader_, Json::object(), ext);
  EXPECT_EQ(r["data"]["me"]["subject"], "test-user");
  // A hash that does not match its document is refused.
  Json wrong = {{"persistedQuery", {{"version", 1}, {"sha256Hash", std::string(64, '0')}}}};
  EXPECT_EQ(code(run(doc, reader_, Json::object(), wrong)), "BAD_USER_INPUT");
}

TEST_F(ApiTest, SeedOperationsWithoutTheirFeatureAreNotImplemented) {
  for (const char* q : {"mutation { enablePrivacyV2(tenantId: \"acme\", enabled: true) }"}) {
    EXPECT_EQ(code(run(q, operator_)), "NOT_IMPLEMENTED") << q;
  }
  Json r = run("mutation($d: ID!) { scheduleRelocation(datasetId: $d, window: \"02:00-04:00\") }",
               operator_, {{"d", graph_}});
  EXPECT_EQ(code(r), "NOT_IMPLEMENTED");
}

// --- Blueprinted tenants -------------------------------------------------

TEST_F(ApiTest, BlueprintTemplatesAreListedAndShown) {
  Json r = run("{ blueprints { ref origin config overridable } }", admin_);
  ASSERT_GE(r["data"]["blueprints"].size(), 2u) << r.dump();
  r = run("{ blueprint(name: \"high-assurance@1\") { name version config } }", operator_);
  EXPECT_EQ(r["data"]["blueprint"]["config"]["privacy"]["k"], 10);
  r = run("{ blueprint(name: \"nope\") { name } }", operator_);
  EXPECT_TRUE(r["data"]["blueprint"].is_null());
}

TEST_F(ApiTest, CreateTenantFromBlueprintIsOneCallAndAConflictTheSecondTime) {
  Json r = run("mutation { createTenantFromBlueprint(name: \"initech\", template: \"default-secure\","
               " overrides: {slo: {read_p95_ms: 500}}, region: \"eu-west\") }",
               operator_);
  ASSERT_EQ(code(r), "") << r.dump();
  std::string id = r["data"]["createTenantFromBlueprint"];
  r = run("query($id: ID!) { tenant(id: $id) { blueprint config } "
          "tenantBlueprint(tenantId: $id) { blueprint overrides autoFix openDrifts } }",
          operator_, {{"id", id}});
  EXPECT_EQ(r["data"]["tenant"]["blueprint"], "default-secure@1");
  EXPECT_EQ(r["data"]["tenant"]["config"]["slo"]["read_p95_ms"], 500);
  EXPECT_EQ(r["data"]["tenant"]["config"]["policies"]["home_region"], "eu-west");
  EXPECT_EQ(r["data"]["tenantBlueprint"]["autoFix"], false);
  r = run("mutation { createTenantFromBlueprint(name: \"initech\", template: \"default-secure\") }",
          operator_);
  EXPECT_EQ(code(r), "CONFLICT");
  r = run("mutation { createTenantFromBlueprint(name: \"x\", template: \"default-secure\","
          " overrides: {privacy: {k: 1}}) }",
          operator_);
  EXPECT_EQ(code(r), "BAD_USER_INPUT");
  EXPECT_THAT(r["errors"][0]["message"].get<std::string>(),
              HasSubstr("overrides.privacy.k: not overridable in default-secure@1"));
  // A tenant's own admin cannot create tenants.
  EXPECT_EQ(code(run("mutation { createTenantFromBlueprint(name: \"y\", template: \"default-secure\") }",
                     admin_)),
            "FORBIDDEN");
  EXPECT_EQ(auditCount("blueprint.tenant.create"), 1);
}

TEST_F(ApiTest, DriftIsReportedIgnoredFixedAndKeptInHistory) {
  std::string id = run("mutation { createTenantFromBlueprint(name: \"initech\", "
                       "template: \"default-secure\") }",
                       operator_)["data"]["createTenantFromBlueprint"];
  std::string admin = token(id, {"admin.read", "admin.write"});
  Json t = run("query($id: ID!) { tenant(id: $id) { config configVersion } }", admin, {{"id", id}});
  Json config = t["data"]["tenant"]["config"];
  config["privacy"]["k"] = 3;
  config["budgets"]["graphql_usd_day"] = 400;
  run("mutation($id: ID!, $c: JSON!) { updateTenantConfig(tenantId: $id, config: $c, "
      "expectedVersion: 1) { id } }",
      admin, {{"id", id}, {"c", config}});

  Json r = run("mutation($id: ID!) { ignoreDrift(tenantId: $id, path: \"/budgets\", reason: "
               "\"promo\", expiresAt: \"2099-01-01T00:00:00Z\") { id path expiresAt } }",
               admin, {{"id", id}});
  ASSERT_EQ(code(r), "BAD_USER_INPUT") << "beyond 366 days";
  std::string soon = formatRfc3339(clock_.nowMillis() + 24LL * 3600 * 1000);
  r = run("mutation($id: ID!, $e: DateTime!) { ignoreDrift(tenantId: $id, path: \"/budgets\", "
          "reason: \"promo\", expiresAt: $e) { id path expiresAt } }",
          admin, {{"id", id}, {"e", soon}});
  ASSERT_EQ(code(r), "") << r.dump();
  EXPECT_EQ(r["data"]["ignoreDrift"]["expiresAt"], soon);

  r = run("query($id: ID!) { tenantDrift(tenantId: $id) { drifted configVersion "
          "operations { op path expected actual } ignored { path ignoredBy } proposedFix } }",
          admin, {{"id", id}});
  Json report = r["data"]["tenantDrift"];
  EXPECT_EQ(report["drifted"], true);
  EXPECT_EQ(report["operations"],
            Json::parse(R"([{"op":"replace","path":"/privacy/k","expected":5,"actual":3}])"));
  EXPECT_EQ(report["ignored"], Json::parse(R"([{"path":"/budgets/graphql_usd_day","ignoredBy":"promo"}])"));
  EXPECT_EQ(report["proposedFix"],
            Json::parse(R"([{"op":"replace","path":"/privacy/k","value":5}])"));

  // A stale version conflicts; the current one applies the fix.
  r = run("mutation($id: ID!) { approveDriftFix(tenantId: $id, configVersion: 1) { drifted } }",
          admin, {{"id", id}});
  EXPECT_EQ(code(r), "CONFLICT");
  r = run("mutation($id: ID!, $v: Int!) { approveDriftFix(tenantId: $id, configVersion: $v) "
          "{ drifted configVersion } }",
          admin, {{"id", id}, {"v", report["configVersion"]}});
  EXPECT_EQ(r["data"]["approveDriftFix"]["drifted"], false);
  EXPECT_EQ(r["data"]["approveDriftFix"]["configVersion"], 3);

  r = run("query($id: ID!) { tenantDriftHistory(tenantId: $id, sinceDays: 7) { openDrifts "
          "driftFreeSince records { path op firstSeen resolvedAt resolution } } "
          "driftIgnoreRules(tenantId: $id) { path reason } }",
          admin, {{"id", id}});
  auto h = r["data"]["tenantDriftHistory"];
  EXPECT_EQ(h["openDrifts"], 0);
  EXPECT_TRUE(h["driftFreeSince"].is_string());
  ASSERT_EQ(h["records"].size(), 1u);
  EXPECT_EQ(h["records"][0]["resolution"], "fixed");
  EXPECT_EQ(r["data"]["driftIgnoreRules"].size(), 1u);
  r = run("mutation($id: ID!) { setDriftAutoFix(tenantId: $id, enabled: true) { autoFix } }",
          admin, {{"id", id}});
  EXPECT_EQ(r["data"]["setDriftAutoFix"]["autoFix"], true);
  r = run("{ blueprintTenants(driftFreeDays: 7) { tenantId } }", operator_);
  EXPECT_TRUE(r["data"]["blueprintTenants"].empty());  // not drift-free for 7 days yet
  EXPECT_EQ(auditCount("blueprint.drift.fix"), 1);
  EXPECT_EQ(auditCount("blueprint.drift.ignore"), 1);
}

TEST_F(ApiTest, RegisteredTemplatesAreValidatedAndUpgradesApproved) {
  Json r = run("mutation($s: String!) { registerBlueprint(source: $s) { ref } }", operator_,
               {{"s", "name: gold\nversion: 1\nprivacy: {k: 1}\n"}});
  EXPECT_EQ(code(r), "BAD_USER_INPUT");
  EXPECT_THAT(r["errors"][0]["message"].get<std::string>(),
              HasSubstr("privacy.k: must be ≥ 2, got 1"));
  std::string id = run("mutation { createTenantFromBlueprint(name: \"initech\", "
                       "template: \"default-secure\") }",
                       operator_)["data"]["createTenantFromBlueprint"];
  std::string v2 = R"(
name: default-secure
version: 2
slo: { read_p95_ms: 300, write_p95_ms: 700 }
budgets: { graphql_usd_day: 50, ingest_usd_day: 100 }
privacy: { k: 6, epsilon: 2 }
alerts: [quota80, slo_burn]
policies:
  home_region: us-east
  allowed_regions: [us-east, eu-west]
  persisted_operations_only: true
  token_ttls: { access: 1h }
)";
  r = run("mutation($s: String!) { registerBlueprint(source: $s) { ref origin } }", operator_,
          {{"s", v2}});
  EXPECT_EQ(r["data"]["registerBlueprint"]["origin"], "store") << r.dump();
  r = run("query($id: ID!) { blueprintUpgradePreview(tenantId: $id) { from to configVersion "
          "changes { path } patch } }",
          operator_, {{"id", id}});
  auto p = r["data"]["blueprintUpgradePreview"];
  EXPECT_EQ(p["to"], "default-secure@2");
  EXPECT_GE(p["changes"].size(), 4u);
  r = run("mutation($id: ID!, $v: Int!) { applyBlueprintUpgrade(tenantId: $id, toVersion: 2, "
          "configVersion: $v) { blueprint config } }",
          operator_, {{"id", id}, {"v", p["configVersion"]}});
  EXPECT_EQ(r["data"]["applyBlueprintUpgrade"]["blueprint"], "default-secure@2") << r.dump();
  EXPECT_EQ(r["data"]["applyBlueprintUpgrade"]["config"]["privacy"]["k"], 6);
  EXPECT_EQ(auditCount("blueprint.upgrade"), 1);
  // A tenant admin may not register templates.
  EXPECT_EQ(code(run("mutation($s: String!) { registerBlueprint(source: $s) { ref } }", admin_,
                     {{"s", v2}})),
            "FORBIDDEN");
}

TEST_F(ApiTest, MutationsAreRefusedWhereOnlyQueriesAreAllowed) {
  run("mutation($d: ID!) { cypher(datasetId: $d, query: \"CREATE ()\") { rows } }", admin_,
      {{"d", graph_}}, Json::object(), false);
  EXPECT_EQ(last_.outcome, graphql::Response::Outcome::kMethodNotAllowed);
  EXPECT_EQ(auditCount("graph.write"), 0);
}

TEST_F(ApiTest, WrongVariableTypesAreRequestErrors) {
  Json r = run("query($d: ID!) { dataset(id: $d) { name } }", reader_, {{"d", Json::array()}});
  EXPECT_EQ(last_.outcome, graphql::Response::Outcome::kRequestError);
  EXPECT_EQ(code(r), "BAD_USER_INPUT");
  EXPECT_FALSE(r.contains("data"));
}

TEST_F(ApiTest, SchemaIsTheCheckedInFile) {
  EXPECT_THAT(std::string(schemaSdl()), HasSubstr("directive @auth"));
  std::string printed = graphql::printSchema(api_->schema());
  EXPECT_THAT(printed, HasSubstr("runOp(opId: String!, vars: JSON, tenantId: ID): QueryResult!"));
}

}  // namespace
}  // namespace maestro::api
