// The template schema: one case per rule, with the exact message and path,
// overrides within and outside their bounds, and the shipped templates.
#include "features/blueprint/template.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/error.h"
#include "testing/test_stores.h"

namespace maestro::blueprint {
namespace {

using ::testing::HasSubstr;
using testing::errorFrom;

const char* kValid = R"(
name: gold
version: 2
description: test
slo: { read_p95_ms: 350, write_p95_ms: 700 }
budgets: { graphql_usd_day: 50, ingest_usd_day: 100 }
privacy: { k: 5, epsilon: 2 }
alerts: [quota80, slo_burn, residency_violation]
policies:
  home_region: us-east
  allowed_regions: [us-east, eu-west]
  persisted_operations_only: true
  token_ttls: { access: 1h, refresh: 24h }
  required_purposes: [fraud]
dashboards:
  - { title: Overview, panels: [read_p95] }
overridable:
  slo.read_p95_ms: { min: 100, max: 1000 }
  privacy.epsilon: { one_of: [1, 2] }
)";

// The valid document with `line` replaced (or appended when absent).
std::string with(const std::string& from, const std::string& to) {
  std::string doc = kValid;
  auto at = doc.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  doc.replace(at, from.size(), to);
  return doc;
}

std::string rejection(const std::string& doc) {
  return errorFrom([&] { parseTemplate(doc, "t.yaml", "test"); }).message();
}

TEST(TemplateSchema, AValidTemplateParses) {
  Template t = parseTemplate(kValid, "t.yaml", "test");
  EXPECT_EQ(t.ref(), "gold@2");
  EXPECT_EQ(t.body["privacy"]["k"], 5);
  EXPECT_FALSE(t.body.contains("overridable"));
  EXPECT_FALSE(t.body.contains("name"));
  EXPECT_EQ(t.sha256.size(), 64u);
}

TEST(TemplateSchema, EveryRuleNamesItsPath) {
  struct Case {
    std::string from, to, message;
  } cases[] = {
      {"k: 5", "k: 1", "privacy.k: must be ≥ 2, got 1"},
      {"k: 5", "k: 5000", "privacy.k: must be ≤ 1000, got 5000"},
      {"read_p95_ms: 350", "read_p95_ms: fast", "slo.read_p95_ms: expected an integer, got string"},
      {"read_p95_ms: 350", "read_p95_ms: 3.5", "slo.read_p95_ms: expected an integer, got number"},
      {"epsilon: 2", "epsilon: 0", "privacy.epsilon: must be ≥ 0.01, got 0"},
      {"graphql_usd_day: 50", "graphql_usd_day: -1", "budgets.graphql_usd_day: must be ≥ 0, got -1"},
      {"residency_violation]", "residency_violation, x]", "alerts[3]: unknown alert 'x'"},
      {"slo_burn,", "quota80,", "alerts[1]: duplicate alert 'quota80'"},
      {"alerts: [quota80, slo_burn, residency_violation]", "alerts: []",
       "alerts: must have at least 1 item(s), got 0"},
      {"alerts: [quota80, slo_burn, residency_violation]", "alerts: quota80",
       "alerts: expected a list, got string"},
      {"description: test", "description: test\nbogus: 1", "bogus: unknown key"},
      {"k: 5,", "k: 5, bogus: 1,", "privacy.bogus: unknown key"},
      {"slo: { read_p95_ms: 350, write_p95_ms: 700 }", "slo: { read_p95_ms: 350 }",
       "slo.write_p95_ms: required"},
      {"persisted_operations_only: true", "persisted_operations_only: yes please",
       "policies.persisted_operations_only: expected a boolean, got string"},
      {"home_region: us-east", "home_region: US East",
       "policies.home_region: must be 1-63 characters of a-z, 0-9 and '-', got 'US East'"},
      {"home_region: us-east", "home_region: ap-south",
       "policies.home_region: 'ap-south' is not one of policies.allowed_regions"},
      {"access: 1h", "access: soon", "policies.token_ttls.access: expected a duration (e.g. 15m, 1h), got 'soon'"},
      {"access: 1h", "access: 2d", "policies.token_ttls.access: must be ≤ 86400, got 2d"},
      {"access: 1h, refresh: 24h", "access: 12h, refresh: 1h",
       "policies.token_ttls.access: must not be longer than policies.token_ttls.refresh"},
      {"required_purposes: [fraud]", "required_purposes: [Fraud!]",
       "policies.required_purposes[0]: must be 1-64 characters of a-z, 0-9, '_' and '-', got 'Fraud!'"},
      {"{ title: Overview, panels: [read_p95] }", "{ panels: [read_p95] }",
       "dashboards[0].title: required"},
      {"{ title: Overview, panels: [read_p95] }", "{ title: O, panels: [a], x: 1 }",
       "dashboards[0].x: unknown key"},
      {"version: 2", "version: 0", "version: must be ≥ 1, got 0"},
      {"version: 2", "version: two", "version: expected an integer, got string"},
      {"name: gold", "name: Gold Standard", "name: must be 1-63 characters of a-z, 0-9 and '-', got 'Gold Standard'"},
      {"slo.read_p95_ms: { min: 100, max: 1000 }", "slo.nope: {}",
       "overridable.slo.nope: not a configuration field that can be overridden"},
      {"slo.read_p95_ms: { min: 100, max: 1000 }", "slo.read_p95_ms: { min: x }",
       "overridable.slo.read_p95_ms.min: expected a number, got string"},
      {"slo.read_p95_ms: { min: 100, max: 1000 }", "slo.read_p95_ms: { min: 900, max: 100 }",
       "overridable.slo.read_p95_ms: min is greater than max"},
      {"slo.read_p95_ms: { min: 100, max: 1000 }", "slo: {}",
       "overridable.slo: not a configuration field that can be overridden"},
  };
  for (const auto& c : cases) {
    auto e = errorFrom([&] { parseTemplate(with(c.from, c.to), "t.yaml", "test"); });
    EXPECT_EQ(e.code(), Code::kBadInput);
    EXPECT_EQ(e.message(), c.message) << c.to;
    EXPECT_EQ(e.field(), c.message.substr(0, c.message.find(':'))) << c.to;
  }
}

TEST(TemplateSchema, ReportsEveryProblemAtOnce) {
  std::string doc = with("k: 5", "k: 1");
  doc = doc.replace(doc.find("read_p95_ms: 350"), 16, "read_p95_ms: \"x\"");
  EXPECT_EQ(rejection(doc),
            "privacy.k: must be ≥ 2, got 1; slo.read_p95_ms: expected an integer, got string");
}

TEST(TemplateSchema, MalformedDocumentsAreBadInputNotCrashes) {
  for (const char* doc : {"", "[1, 2]", "name: [unclosed", "{{{{", "\t- x: : :",
                          "name: a\nversion: 1\nslo: *alias"}) {
    auto e = errorFrom([&] { parseTemplate(doc, "t.yaml", "test"); });
    EXPECT_EQ(e.code(), Code::kBadInput) << doc;
  }
  std::string deep(100, '[');
  EXPECT_EQ(errorFrom([&] { parseTemplate(deep, "t.yaml", "test"); }).code(), Code::kBadInput);
}

TEST(TemplateRefs, NameOrNameAtVersion) {
  EXPECT_EQ(parseTemplateRef("gold").name, "gold");
  EXPECT_FALSE(parseTemplateRef("gold").version);
  EXPECT_EQ(parseTemplateRef("gold@3").version, 3);
  for (const char* bad : {"", "Gold", "gold@", "gold@0", "gold@x", "gold@1@2"}) {
    EXPECT_EQ(errorFrom([&] { parseTemplateRef(bad); }).field(), "template") << bad;
  }
}

TEST(Overrides, WithinBoundsAreApplied) {
  Template t = parseTemplate(kValid, "t.yaml", "test");
  Json config = render(t, {{"slo", {{"read_p95_ms", 500}}}, {"privacy", {{"epsilon", 1}}}});
  EXPECT_EQ(config["slo"]["read_p95_ms"], 500);
  EXPECT_EQ(config["privacy"]["epsilon"], 1);
  EXPECT_EQ(config["slo"]["write_p95_ms"], 700);
  Json moved = render(t, Json::object(), std::string("eu-west"));
  EXPECT_EQ(moved["policies"]["home_region"], "eu-west");
}

TEST(Overrides, OutsideTheirBoundsAreRejectedWithTheirPath) {
  Template t = parseTemplate(kValid, "t.yaml", "test");
  struct Case {
    Json overrides;
    std::string message;
  } cases[] = {
      {{{"slo", {{"read_p95_ms", 5000}}}}, "overrides.slo.read_p95_ms: must be ≤ 1000, got 5000"},
      {{{"slo", {{"read_p95_ms", 50}}}}, "overrides.slo.read_p95_ms: must be ≥ 100, got 50"},
      {{{"slo", {{"read_p95_ms", "fast"}}}},
       "overrides.slo.read_p95_ms: expected an integer, got string"},
      {{{"slo", {{"write_p95_ms", 800}}}},
       "overrides.slo.write_p95_ms: not overridable in gold@2 (overridable: privacy.epsilon, "
       "slo.read_p95_ms)"},
      {{{"privacy", {{"epsilon", 4}}}}, "overrides.privacy.epsilon: must be one of 1, 2; got 4"},
      {{{"bogus", 1}}, "overrides.bogus: not overridable in gold@2 (overridable: privacy.epsilon, "
                       "slo.read_p95_ms)"},
  };
  for (const auto& c : cases) {
    auto e = errorFrom([&] { render(t, c.overrides); });
    EXPECT_EQ(e.message(), c.message) << c.overrides.dump();
  }
  auto e = errorFrom([&] { render(t, Json::object(), std::string("ap-south")); });
  EXPECT_EQ(e.field(), "region");
  EXPECT_THAT(e.message(), HasSubstr("'ap-south' is not one of the allowed regions of gold@2"));
  EXPECT_EQ(errorFrom([&] { render(t, Json::array()); }).field(), "overrides");
}

TEST(ShippedTemplates, CheckConfigAcceptsWhatTheyRender) {
  Template t = parseTemplate(kValid, "t.yaml", "test");
  EXPECT_TRUE(checkConfig(render(t, Json::object())).empty());
  Json broken = render(t, Json::object());
  broken["privacy"]["k"] = 1;
  EXPECT_EQ(checkConfig(broken), std::vector<std::string>{"privacy.k: must be ≥ 2, got 1"});
}

}  // namespace
}  // namespace maestro::blueprint
