#include "tck/gherkin_parser.h"

#include <gtest/gtest.h>

#include <set>

#include "tck/result_matcher.h"
#include "tck/scenario_runner.h"

namespace maestro::tck {
namespace {

const std::filesystem::path kFeatures = TCK_FEATURES_DIR;

const std::vector<Feature>& allFeatures() {
  static const std::vector<Feature> features = loadFeatures(kFeatures);
  return features;
}

Feature loadOne(const std::string& rel) {
  for (const auto& f : allFeatures()) {
    if (f.path == rel) return f;
  }
  ADD_FAILURE() << "no feature " << rel;
  return {};
}

const char* kSample = R"(# a comment
#encoding: utf-8

@featureTag
Feature: Sample - a feature
  Some description
  over two lines.

  Background:
    Given an empty graph
    And having executed:
      """
      CREATE (:A)
        // indented more
      """

  @slow @other
  Scenario: [1] A plain scenario
    When executing query:
      """
      MATCH (n) RETURN n
      """
    Then the result should be, in any order:
      | n    |
      | (:A) |
    And no side effects

  Scenario Outline: [2] An outline #Example: <label>
    Given any graph
    And parameters are:
      | p | <value> |
    When executing query:
      """
      RETURN <value> AS v, '<missing>' AS w
      """
    Then the result should be, in order:
      | v       |
      | <value> |

    Examples:
      | value | label |
      | 1     | one   |
      # a commented-out row
      | 'a'   | bar   |

    @extra
    Examples:
      | value    | label |
      | 'x\|y\\' | esc   |
)";

TEST(GherkinParser, ParsesFeatureBackgroundScenariosAndOutlines) {
  Feature f = parseFeature(kSample, "dir/sub/Sample.feature");
  EXPECT_EQ(f.name, "Sample - a feature");
  EXPECT_EQ(f.folder, "dir/sub");
  ASSERT_EQ(f.scenarios.size(), 4u);  // 1 scenario + 3 example rows

  const Scenario& s = f.scenarios[0];
  EXPECT_EQ(s.name, "[1] A plain scenario");
  EXPECT_EQ(s.id, "dir/sub/Sample.feature: [1] A plain scenario");
  EXPECT_FALSE(s.example_index);
  EXPECT_EQ(s.tags, (std::vector<std::string>{"@featureTag", "@slow", "@other"}));
  ASSERT_EQ(s.steps.size(), 5u);  // 2 background + 3 own
  EXPECT_EQ(s.steps[0].keyword, "Given");
  EXPECT_EQ(s.steps[0].text, "an empty graph");
  ASSERT_TRUE(s.steps[1].doc_string);
  // The opening delimiter's indentation is removed, deeper indentation kept.
  EXPECT_EQ(*s.steps[1].doc_string, "CREATE (:A)\n  // indented more");
  EXPECT_EQ(s.steps[2].text, "executing query:");
  EXPECT_EQ(s.steps[3].table, (Table{{"n"}, {"(:A)"}}));
  EXPECT_EQ(s.steps[4].keyword, "And");
  EXPECT_EQ(s.steps[4].text, "no side effects");
}

TEST(GherkinParser, ExpandsOutlineRowsAcrossExamplesTables) {
  Feature f = parseFeature(kSample, "Sample.feature");
  ASSERT_EQ(f.scenarios.size(), 4u);
  for (int i = 0; i < 3; ++i) {
    const Scenario& s = f.scenarios[1 + i];
    EXPECT_EQ(s.name, "[2] An outline");  // " #Example: …" dropped
    ASSERT_TRUE(s.example_index);
    EXPECT_EQ(*s.example_index, i);
    EXPECT_EQ(s.id, "Sample.feature: [2] An outline #" + std::to_string(i));
    ASSERT_EQ(s.steps.size(), 6u);
  }
  const Scenario& one = f.scenarios[1];
  EXPECT_EQ(one.steps[3].table, (Table{{"p", "1"}}));
  // Unknown placeholders stay as written.
  EXPECT_EQ(*one.steps[4].doc_string, "RETURN 1 AS v, '<missing>' AS w");
  EXPECT_EQ(one.steps[5].table, (Table{{"v"}, {"1"}}));
  EXPECT_EQ(f.scenarios[2].steps[5].table[1][0], "'a'");
  // Escaped bar and backslash in an Examples cell, substituted verbatim.
  EXPECT_EQ(*f.scenarios[3].steps[4].doc_string, "RETURN 'x|y\\' AS v, '<missing>' AS w");
  EXPECT_EQ(f.scenarios[3].tags, (std::vector<std::string>{"@featureTag", "@extra"}));
  EXPECT_EQ(f.scenarios[1].tags, (std::vector<std::string>{"@featureTag"}));
}

TEST(GherkinParser, HandlesCrlfMissingFinalNewlineAndCellEscapes) {
  std::string text =
      "Feature: F\r\n  Scenario: S\r\n    Then the result should be, in any order:\r\n"
      "      | a\\|b | c\\\\d | 'e\\nf' | 'g\\h' |\r\n      |  1  |   2  |  3  | 4 |";
  Feature f = parseFeature(text, "F.feature");
  ASSERT_EQ(f.scenarios.size(), 1u);
  const Table& t = f.scenarios[0].steps[0].table;
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0], (std::vector<std::string>{"a|b", "c\\d", "'e\nf'", "'g\\h'"}));
  EXPECT_EQ(t[1], (std::vector<std::string>{"1", "2", "3", "4"}));
}

TEST(GherkinParser, ReportsMalformedFilesWithTheirLine) {
  auto error = [](const std::string& text) -> std::string {
    try {
      parseFeature(text, "Bad.feature");
    } catch (const GherkinError& e) {
      return e.what();
    }
    return "no error";
  };
  EXPECT_NE(error("Given an empty graph\n").find("Bad.feature:1:"), std::string::npos);
  EXPECT_NE(error("Feature: F\n  Scenario: S\n    Given x\n      | a | b |\n      | 1 |\n")
                .find("Bad.feature:5:"),
            std::string::npos);
  EXPECT_NE(error("Feature: F\n  Scenario: S\n    Given x\n      \"\"\"\n      text\n")
                .find("unterminated doc string"),
            std::string::npos);
  EXPECT_NE(error("Feature: F\n  Scenario Outline: S\n    Given <x>\n").find("without Examples"),
            std::string::npos);
  EXPECT_NE(error("Feature: F\n  Scenario: S\n    Given x\n    random words\n").find(":4:"),
            std::string::npos);
  EXPECT_NE(error("Feature: F\n  Examples:\n").find("outside a Scenario Outline"),
            std::string::npos);
  EXPECT_NE(error("").find("no Feature"), std::string::npos);
}

// Hand counts, from reading the files: scenarios plus Examples rows.
TEST(GherkinParser, CountsScenariosOfRealFeatureFiles) {
  struct Case {
    const char* path;
    size_t scenarios;
  } cases[] = {
      // [1]-[6] plain; outlines [7] 11, [8] 16, [9] 25, [10] 20, [11] 8 rows.
      {"clauses/match/Match1.feature", 86},
      // [1]-[5], [7] plain; [6] 5 rows.
      {"expressions/graph/Graph4.feature", 11},
      // 29 scenarios under a Background.
      {"clauses/match/Match5.feature", 29},
      // Four outlines of 3 rows, one scenario.
      {"expressions/aggregation/Aggregation6.feature", 13},
      // [1], [2] (@ignore), [3], [5] plain; [4] 5 rows.
      {"expressions/graph/Graph5.feature", 9},
  };
  for (const auto& c : cases) {
    Feature f = loadOne(c.path);
    EXPECT_EQ(f.scenarios.size(), c.scenarios) << c.path;
  }
}

TEST(GherkinParser, RealFilesKeepBackgroundsTagsAndRowNumbers) {
  Feature match5 = loadOne("clauses/match/Match5.feature");
  ASSERT_FALSE(match5.scenarios.empty());
  for (const auto& s : match5.scenarios) {
    ASSERT_GE(s.steps.size(), 3u);
    EXPECT_EQ(s.steps[0].text, "an empty graph");
    EXPECT_EQ(s.steps[1].text, "having executed:");
    EXPECT_NE(s.steps[1].doc_string->find("(n0111:D {name: 'n0111'})"), std::string::npos);
  }
  EXPECT_EQ(match5.folder, "clauses/match");

  Feature graph5 = loadOne("expressions/graph/Graph5.feature");
  int ignored = 0;
  for (const auto& s : graph5.scenarios) ignored += s.hasTag("@ignore") ? 1 : 0;
  EXPECT_EQ(ignored, 1);
  EXPECT_TRUE(graph5.scenarios[1].hasTag("@ignore"));
  EXPECT_EQ(graph5.scenarios[1].name, "[2] Single-labels expression on relationships");

  Feature match1 = loadOne("clauses/match/Match1.feature");
  EXPECT_EQ(match1.scenarios[0].id,
            "clauses/match/Match1.feature: [1] Match non-existent nodes returns empty");
  EXPECT_EQ(match1.scenarios[6].id,
            "clauses/match/Match1.feature: [7] Fail when a relationship has the same variable in "
            "a preceding MATCH #0");
  // The last row of [11] substitutes {x: []} into the query.
  const Scenario& last = match1.scenarios.back();
  EXPECT_EQ(*last.example_index, 7);
  bool substituted = false;
  for (const auto& step : last.steps) {
    if (step.doc_string && step.doc_string->find("{x: []}") != std::string::npos) {
      substituted = true;
    }
  }
  EXPECT_TRUE(substituted);
}

// Every file parses, ids are unique, and every scenario the runner does not
// skip can be planned: every expected value, parameter and side-effect
// table in the TCK is readable.
TEST(GherkinParser, WholeTckParsesAndPlans) {
  const auto& features = allFeatures();
  EXPECT_EQ(features.size(), 220u);
  std::set<std::string> ids;
  size_t scenarios = 0;
  size_t skipped = 0;
  NamedGraphs graphs(kFeatures / ".." / "graphs");
  for (const auto& f : features) {
    for (const auto& s : f.scenarios) {
      ++scenarios;
      EXPECT_TRUE(ids.insert(s.id).second) << "duplicate id " << s.id;
      ScenarioPlan plan = planScenario(s, graphs);
      EXPECT_NE(plan.status, ScenarioPlan::Status::kInvalid) << s.id << ": " << plan.reason;
      if (plan.status == ScenarioPlan::Status::kSkip) ++skipped;
    }
  }
  // Counted separately with a line-based script over the same files: 1339
  // `Scenario:` lines plus 2558 rows in the Examples of 276 outlines.
  EXPECT_EQ(scenarios, 3897u);
  // 50 scenarios (with their outline rows) register test procedures, one
  // is @ignore; nothing else is skipped.
  EXPECT_EQ(skipped, 51u);
}

}  // namespace
}  // namespace maestro::tck
