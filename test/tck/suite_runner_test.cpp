#include "tck/suite_runner.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <thread>

namespace maestro::tck {
namespace {

// An engine whose behaviour is chosen by the query text: "HANG" sleeps far
// past any timeout, "DIE" kills its own process (as a crash would, without
// a core file), "EXIT" exits, "NOISY" prints to stderr first, anything
// else returns one row | x | 1 |.
class ScriptGraph : public TckGraph {
 public:
  ResultTable execute(std::string_view query, const TckParams&) override {
    if (query == "HANG") std::this_thread::sleep_for(std::chrono::seconds(60));
    if (query == "DIE") ::kill(::getpid(), SIGKILL);
    if (query == "EXIT") _exit(7);
    if (query == "NOISY") {
      std::fprintf(stderr, "engine says hello\n");
      std::fflush(stderr);
      ::kill(::getpid(), SIGKILL);
    }
    return parseExpectedTable({{"x"}, {"1"}});
  }
  void compile(std::string_view, const TckParams&) override {}
  GraphState observe() override { return {}; }
};

class ScriptBackend : public TckBackend {
 public:
  std::unique_ptr<TckGraph> newGraph() override { return std::make_unique<ScriptGraph>(); }
};

BackendFactory scriptFactory() {
  return [] { return std::make_unique<ScriptBackend>(); };
}

NamedGraphs& graphs() {
  static NamedGraphs g(std::filesystem::path(TCK_FEATURES_DIR) / ".." / "graphs");
  return g;
}

std::string scenarioText(const std::string& name, const std::string& query) {
  return "  Scenario: " + name + "\n    When executing query:\n      \"\"\"\n      " + query +
         "\n      \"\"\"\n    Then the result should be, in any order:\n      | x |\n"
         "      | 1 |\n";
}

Feature feature(const std::string& path,
                const std::vector<std::pair<std::string, std::string>>& scenarios) {
  std::string text = "Feature: F\n";
  for (const auto& [name, query] : scenarios) text += scenarioText(name, query);
  return parseFeature(text, path);
}

std::vector<ScenarioRecord> runSuite(
    const std::vector<Feature>& features, bool isolate = true,
    std::chrono::milliseconds timeout = std::chrono::milliseconds(500)) {
  SuiteOptions options;
  options.timeout = timeout;
  options.isolate = isolate;
  return SuiteRunner(scriptFactory(), graphs(), options).run(features);
}

using Status = ScenarioRecord::Status;

TEST(SuiteRunner, RunsEveryScenarioInAWorker) {
  auto records = runSuite({feature("a/A.feature", {{"[1] one", "OK"}, {"[2] two", "OK"}})});
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].id, "a/A.feature: [1] one");
  EXPECT_EQ(records[0].status, Status::kPassed) << records[0].message;
  EXPECT_EQ(records[1].status, Status::kPassed) << records[1].message;
  EXPECT_EQ(records[0].folder, "a");
}

TEST(SuiteRunner, AHangIsATimeoutAndTheRunGoesOn) {
  auto start = std::chrono::steady_clock::now();
  auto records = runSuite(
      {feature("A.feature", {{"[1] before", "OK"}, {"[2] hangs", "HANG"}, {"[3] after", "OK"}})});
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].status, Status::kPassed);
  EXPECT_EQ(records[1].status, Status::kFailed);
  EXPECT_NE(records[1].message.find("timed out after 500 ms"), std::string::npos)
      << records[1].message;
  EXPECT_EQ(records[2].status, Status::kPassed) << records[2].message;
  EXPECT_LT(took, std::chrono::seconds(20));
}

TEST(SuiteRunner, ACrashFailsOnlyItsScenario) {
  auto records = runSuite({feature("A.feature", {{"[1] dies", "DIE"},
                                                 {"[2] fine", "OK"},
                                                 {"[3] exits", "EXIT"},
                                                 {"[4] noisy", "NOISY"},
                                                 {"[5] fine", "OK"}})});
  ASSERT_EQ(records.size(), 5u);
  EXPECT_EQ(records[0].status, Status::kFailed);
  EXPECT_NE(records[0].message.find("killed by signal 9"), std::string::npos) << records[0].message;
  EXPECT_EQ(records[1].status, Status::kPassed);
  EXPECT_EQ(records[2].status, Status::kFailed);
  EXPECT_NE(records[2].message.find("exited with status 7"), std::string::npos)
      << records[2].message;
  EXPECT_EQ(records[3].status, Status::kFailed);
  // The worker's own output explains the crash.
  EXPECT_NE(records[3].message.find("engine says hello"), std::string::npos) << records[3].message;
  EXPECT_EQ(records[4].status, Status::kPassed);
}

TEST(SuiteRunner, AnEngineThatCannotStartFailsEveryScenarioOnce) {
  std::vector<const ScenarioPlan*> plans;
  ScenarioPlan plan;
  plans.assign(3, &plan);
  int calls_in_parent = 0;
  BackendFactory broken = [&calls_in_parent]() -> std::unique_ptr<TckBackend> {
    ++calls_in_parent;  // only ever incremented in the workers' copies
    throw std::runtime_error("no store");
  };
  auto outcomes = runPlans(plans, broken, std::chrono::milliseconds(500), true);
  ASSERT_EQ(outcomes.size(), 3u);
  for (const auto& o : outcomes) {
    EXPECT_FALSE(o.passed);
    EXPECT_NE(o.message.find("could not start the engine: no store"), std::string::npos)
        << o.message;
  }
  EXPECT_EQ(calls_in_parent, 0);  // the factory ran in the worker, not here
}

TEST(SuiteRunner, RunsInProcessWithoutIsolation) {
  auto records = runSuite({feature("A.feature", {{"[1] one", "OK"}})}, false);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].status, Status::kPassed);
}

TEST(SuiteRunner, CountsSkipsAndUnreadableScenarios) {
  Feature f = parseFeature(
      "Feature: F\n" + scenarioText("[1] runs", "OK") + "  @ignore\n" +
          scenarioText("[2] ignored", "OK") +
          "  Scenario: [3] procedure\n    Given an empty graph\n"
          "    And there exists a procedure test.doNothing() :: ():\n      | |\n"
          "  Scenario: [4] unreadable\n    When executing query:\n      \"\"\"\n      OK\n"
          "      \"\"\"\n    Then the result should be, in any order:\n      | x |\n"
          "      | 'open |\n",
      "dir/F.feature");
  auto records = runSuite({f});
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records[0].status, Status::kPassed);
  EXPECT_EQ(records[1].status, Status::kSkipped);
  EXPECT_EQ(records[1].message, "tagged @ignore");
  EXPECT_EQ(records[2].status, Status::kSkipped);
  EXPECT_EQ(records[3].status, Status::kFailed);
  EXPECT_NE(records[3].message.find("cannot read"), std::string::npos);
  EXPECT_EQ(summarize(records),
            "dir: 1 passed, 1 failed, 2 skipped\ntck: 1 passed, 1 failed, 2 skipped\n");
}

TEST(SuiteRunner, FiltersOnFolderFeatureAndScenario) {
  Feature a = feature("clauses/match/Match1.feature", {{"[1] Match nodes", "OK"}});
  Feature b = feature("clauses/create/Create1.feature", {{"[1] Create nodes", "OK"}});
  EXPECT_TRUE(matchesFilter(a, a.scenarios[0], std::regex("clauses/match/Match1/\\[1\\]")));
  EXPECT_TRUE(matchesFilter(a, a.scenarios[0], std::regex("^clauses/match/Match1\\.feature: ")));
  EXPECT_FALSE(matchesFilter(b, b.scenarios[0], std::regex("match/")));
  SuiteOptions options;
  options.filter.emplace("Create");
  auto records = SuiteRunner(scriptFactory(), graphs(), options).run({a, b});
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].folder, "clauses/create");
}

TEST(SuiteRunner, SummarizesPerFolderAndInTotal) {
  std::vector<ScenarioRecord> records = {
      {"x", "clauses/match", Status::kPassed, ""},
      {"y", "clauses/match", Status::kFailed, "why"},
      {"z", "clauses/create", Status::kSkipped, "because"},
      {"w", "clauses/match", Status::kPassed, ""},
  };
  EXPECT_EQ(summarize(records),
            "clauses/create: 0 passed, 0 failed, 1 skipped\n"
            "clauses/match: 2 passed, 1 failed, 0 skipped\n"
            "tck: 2 passed, 1 failed, 1 skipped\n");
  EXPECT_EQ(passingIds(records), (std::vector<std::string>{"x", "w"}));
}

TEST(SuiteRunner, FloorListsEveryRegression) {
  std::vector<ScenarioRecord> records = {
      {"a.feature: [1] passes", "", Status::kPassed, ""},
      {"a.feature: [2] fails", "", Status::kFailed, "line 9: rows differ\n  details"},
      {"a.feature: [3] skipped", "", Status::kSkipped, "tagged @ignore"},
  };
  std::set<std::string> all = {"a.feature: [1] passes", "a.feature: [2] fails",
                               "a.feature: [3] skipped", "a.feature: [4] filtered out"};
  auto floor = parseIdList(
      "# passing scenarios\n\na.feature: [1] passes\r\na.feature: [2] fails  \n"
      "a.feature: [3] skipped\na.feature: [4] filtered out\na.feature: [5] renamed\n");
  ASSERT_EQ(floor.size(), 5u);
  EXPECT_EQ(floor[1], "a.feature: [2] fails");
  auto regressions = floorRegressions(records, floor, all);
  EXPECT_EQ(regressions, (std::vector<std::string>{
                             "a.feature: [2] fails: failed: line 9: rows differ",
                             "a.feature: [3] skipped: skipped: tagged @ignore",
                             "a.feature: [5] renamed: no such scenario",
                         }));
  EXPECT_TRUE(floorRegressions(records, {"a.feature: [1] passes"}, all).empty());
  EXPECT_TRUE(floorRegressions(records, parseIdList(""), all).empty());
}

}  // namespace
}  // namespace maestro::tck
