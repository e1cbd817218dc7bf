#include "tck/scenario_runner.h"

#include <gtest/gtest.h>

#include <functional>
#include <map>

namespace maestro::tck {
namespace {

// A scripted engine: each query text has a canned response; the graph is
// a GraphState the responses edit.
struct Response {
  Table rows;                 // header + TCK values; empty: no columns
  std::string compile_error;  // detail thrown by compile() and execute()
  std::string runtime_error;  // detail thrown by execute() only
  std::function<void(GraphState&)> effect;
};

class FakeGraph : public TckGraph {
 public:
  std::map<std::string, Response> responses;
  GraphState state;
  std::vector<std::string> log;
  TckParams last_params;

  ResultTable execute(std::string_view query, const TckParams& params) override {
    log.push_back("execute " + std::string(query));
    last_params = params;
    const Response& r = find(query);
    if (!r.compile_error.empty()) throw QueryFailure(r.compile_error, "fails to compile");
    if (!r.runtime_error.empty()) throw QueryFailure(r.runtime_error, "fails at runtime");
    if (r.effect) r.effect(state);
    return r.rows.empty() ? ResultTable{} : parseExpectedTable(r.rows);
  }
  void compile(std::string_view query, const TckParams&) override {
    log.push_back("compile " + std::string(query));
    const Response& r = find(query);
    if (!r.compile_error.empty()) throw QueryFailure(r.compile_error, "fails to compile");
  }
  GraphState observe() override {
    log.push_back("observe");
    return state;
  }

 private:
  const Response& find(std::string_view query) {
    static const Response kNone;
    auto it = responses.find(std::string(query));
    return it == responses.end() ? kNone : it->second;
  }
};

Scenario scenario(const std::string& steps, const std::string& tags = "") {
  Feature f = parseFeature("Feature: F\n" + tags + "\n  Scenario: S\n" + steps, "F.feature");
  return f.scenarios.at(0);
}

NamedGraphs& graphs() {
  static NamedGraphs g(std::filesystem::path(TCK_FEATURES_DIR) / ".." / "graphs");
  return g;
}

ScenarioOutcome run(const std::string& steps, FakeGraph& graph) {
  ScenarioPlan plan = planScenario(scenario(steps), graphs());
  EXPECT_EQ(plan.status, ScenarioPlan::Status::kRunnable) << plan.reason;
  return runScenario(plan, graph);
}

std::string query(const std::string& text) {
  return "    When executing query:\n      \"\"\"\n      " + text + "\n      \"\"\"\n";
}

const std::string kReturnOne = query("RETURN 1 AS x");

TEST(ScenarioRunner, PassesWhenRowsMatch) {
  FakeGraph g;
  g.responses["RETURN 1 AS x"].rows = {{"x"}, {"1"}};
  auto ok = run("    Given any graph\n" + kReturnOne +
                    "    Then the result should be, in any order:\n      | x |\n      | 1 |\n"
                    "    And no side effects\n",
                g);
  EXPECT_TRUE(ok.passed) << ok.message;
  // No error is expected, so the query is only executed, never compiled.
  EXPECT_EQ(g.log, (std::vector<std::string>{"observe", "execute RETURN 1 AS x", "observe"}));
}

TEST(ScenarioRunner, FailsWhenRowsDiffer) {
  FakeGraph g;
  g.responses["RETURN 1 AS x"].rows = {{"x"}, {"1.0"}};
  auto r = run(
      kReturnOne + "    Then the result should be, in any order:\n      | x |\n      | 1 |\n", g);
  EXPECT_FALSE(r.passed);
  EXPECT_NE(r.message.find("missing"), std::string::npos) << r.message;
}

TEST(ScenarioRunner, EmptyResultMeansNoRows) {
  FakeGraph g;
  g.responses["CREATE ()"].effect = [](GraphState& s) { s.nodes.insert(1); };
  auto ok = run(query("CREATE ()") +
                    "    Then the result should be empty\n    And the side effects should be:\n"
                    "      | +nodes | 1 |\n",
                g);
  EXPECT_TRUE(ok.passed) << ok.message;
  g.responses["CREATE ()"].rows = {{"n"}, {"()"}};
  EXPECT_FALSE(run(query("CREATE ()") + "    Then the result should be empty\n", g).passed);
}

TEST(ScenarioRunner, ChecksSideEffectsAgainstTheStateBeforeTheQuery) {
  FakeGraph g;
  // The setup's node is not a side effect of the query under test.
  g.responses["SETUP"].effect = [](GraphState& s) { s.nodes.insert(7); };
  g.responses["Q"].effect = [](GraphState& s) {
    s.labels.insert("L");
    s.addNodeProperty(7, "k", TckValue::ofInt(1));
  };
  std::string setup =
      "    Given an empty graph\n    And having executed:\n      \"\"\"\n"
      "      SETUP\n      \"\"\"\n";
  auto ok = run(setup + query("Q") +
                    "    Then the result should be empty\n    And the side effects should be:\n"
                    "      | +labels     | 1 |\n      | +properties | 1 |\n",
                g);
  EXPECT_TRUE(ok.passed) << ok.message;

  g.state = {};
  auto bad = run(setup + query("Q") +
                     "    Then the result should be empty\n"
                     "    And no side effects\n",
                 g);
  EXPECT_FALSE(bad.passed);
  EXPECT_NE(bad.message.find("expected none, got +labels 1, +properties 1"), std::string::npos)
      << bad.message;
}

TEST(ScenarioRunner, ControlQueriesAreNotObservedBefore) {
  FakeGraph g;
  g.responses["W"].effect = [](GraphState& s) { s.nodes.insert(1); };
  g.responses["C"].rows = {{"c"}, {"1"}};
  auto ok = run(query("W") +
                    "    Then the result should be empty\n"
                    "    And the side effects should be:\n      | +nodes | 1 |\n"
                    "    When executing control query:\n      \"\"\"\n      C\n      \"\"\"\n"
                    "    Then the result should be, in any order:\n      | c |\n      | 1 |\n",
                g);
  EXPECT_TRUE(ok.passed) << ok.message;
  EXPECT_EQ(g.log, (std::vector<std::string>{"observe", "execute W", "observe", "execute C"}));
}

TEST(ScenarioRunner, CompileTimeErrorsMustSurfaceWhenCompiling) {
  std::string expect =
      "    Then a SyntaxError should be raised at compile time: UndefinedVariable\n";
  FakeGraph g;
  g.responses["Q"].compile_error = "SyntaxError.UndefinedVariable";
  auto ok = run(query("Q") + expect, g);
  EXPECT_TRUE(ok.passed) << ok.message;
  // Compiled, failed, never executed; then the implied "no side effects".
  EXPECT_EQ(g.log, (std::vector<std::string>{"observe", "compile Q", "observe"}));

  FakeGraph late;
  late.responses["Q"].runtime_error = "SyntaxError.UndefinedVariable";
  auto wrong_phase = run(query("Q") + expect, late);
  EXPECT_FALSE(wrong_phase.passed);
  EXPECT_NE(wrong_phase.message.find("got SyntaxError.UndefinedVariable at runtime"),
            std::string::npos)
      << wrong_phase.message;
}

TEST(ScenarioRunner, RuntimeErrorsMustCompileFirst) {
  std::string expect = "    Then a TypeError should be raised at runtime: InvalidArgumentValue\n";
  FakeGraph g;
  g.responses["Q"].runtime_error = "TypeError.InvalidArgumentValue";
  EXPECT_TRUE(run(query("Q") + expect, g).passed);
  EXPECT_EQ(g.log, (std::vector<std::string>{"observe", "compile Q", "execute Q", "observe"}));

  FakeGraph early;
  early.responses["Q"].compile_error = "TypeError.InvalidArgumentValue";
  EXPECT_FALSE(run(query("Q") + expect, early).passed);

  // "any time" takes either.
  std::string any = "    Then a TypeError should be raised at any time: InvalidArgumentValue\n";
  EXPECT_TRUE(run(query("Q") + any, g).passed);
  EXPECT_TRUE(run(query("Q") + any, early).passed);
}

TEST(ScenarioRunner, ErrorTypeAndDetailMustMatchUnlessWildcards) {
  FakeGraph g;
  g.responses["Q"].runtime_error = "ArgumentError.NumberOutOfRange";
  auto expect = [&](const std::string& then) {
    return run(query("Q") + "    Then " + then + "\n", g).passed;
  };
  EXPECT_TRUE(expect("an ArgumentError should be raised at runtime: NumberOutOfRange"));
  EXPECT_TRUE(expect("a ArgumentError should be raised at runtime: *"));
  EXPECT_TRUE(expect("an Error should be raised at runtime: NumberOutOfRange"));
  EXPECT_FALSE(expect("a TypeError should be raised at runtime: NumberOutOfRange"));
  EXPECT_FALSE(expect("an ArgumentError should be raised at runtime: InvalidArgumentValue"));

  FakeGraph bare;  // an error without openCypher detail matches nothing specific
  bare.responses["Q"].runtime_error = "";
  bare.responses["Q"].effect = [](GraphState&) { throw QueryFailure("", "internal"); };
  EXPECT_FALSE(
      run(query("Q") + "    Then a TypeError should be raised at runtime: *\n", bare).passed);

  FakeGraph none;  // rows where an error was expected
  none.responses["Q"].rows = {{"x"}, {"1"}};
  auto r = run(query("Q") + "    Then a TypeError should be raised at runtime: *\n", none);
  EXPECT_FALSE(r.passed);
  EXPECT_NE(r.message.find("but the query returned"), std::string::npos);
}

TEST(ScenarioRunner, AnExpectedErrorImpliesNoSideEffects) {
  FakeGraph g;
  g.responses["Q"].runtime_error = "TypeError.X";
  // The engine failed but left a node behind: the implied check catches it.
  class Leaky : public FakeGraph {
   public:
    ResultTable execute(std::string_view q, const TckParams& p) override {
      state.nodes.insert(99);
      return FakeGraph::execute(q, p);
    }
  } leaky;
  leaky.responses = g.responses;
  auto r = run(query("Q") + "    Then a TypeError should be raised at runtime: X\n", leaky);
  EXPECT_FALSE(r.passed);
  EXPECT_NE(r.message.find("+nodes 1"), std::string::npos) << r.message;
  EXPECT_TRUE(run(query("Q") + "    Then a TypeError should be raised at runtime: X\n", g).passed);
}

TEST(ScenarioRunner, ParametersReachEveryQuery) {
  FakeGraph g;
  g.responses["RETURN $p AS x"].rows = {{"x"}, {"[1, 'a']"}};
  auto ok =
      run("    Given any graph\n    And parameters are:\n      | p | [1, 'a'] |\n"
          "      | q | {k: 1.5} |\n" +
              query("RETURN $p AS x") +
              "    Then the result should be, in any order:\n      | x |\n"
              "      | [1, 'a'] |\n",
          g);
  EXPECT_TRUE(ok.passed) << ok.message;
  ASSERT_EQ(g.last_params.size(), 2u);
  EXPECT_EQ(g.last_params[0].first, "p");
  EXPECT_TRUE(tckEquals(g.last_params[1].second, parseTckValue("{k: 1.5}"), ListOrder::kOrdered));
}

TEST(ScenarioRunner, SetupFailuresFailTheScenario) {
  FakeGraph g;
  g.responses["BAD"].runtime_error = "SyntaxError.UnexpectedSyntax";
  auto r =
      run("    Given an empty graph\n    And having executed:\n      \"\"\"\n      BAD\n"
          "      \"\"\"\n" +
              kReturnOne + "    Then the result should be empty\n",
          g);
  EXPECT_FALSE(r.passed);
  EXPECT_NE(r.message.find("setup query failed"), std::string::npos) << r.message;
}

TEST(ScenarioRunner, EngineBugsFailInsteadOfThrowing) {
  FakeGraph g;
  g.responses["Q"].effect = [](GraphState&) { throw std::logic_error("boom"); };
  auto r = run(query("Q") + "    Then the result should be empty\n", g);
  EXPECT_FALSE(r.passed);
  EXPECT_NE(r.message.find("boom"), std::string::npos);
}

TEST(ScenarioRunner, NamedGraphsAreSetUpFromTheirScript) {
  FakeGraph g;
  auto ok = run(
      "    Given the binary-tree-1 graph\n" + kReturnOne + "    Then the result should be empty\n",
      g);
  EXPECT_TRUE(ok.passed) << ok.message;
  ASSERT_FALSE(g.log.empty());
  EXPECT_EQ(g.log[0].rfind("execute CREATE (a:A {name: 'a'}),", 0), 0u);
  EXPECT_EQ(g.log[0].back(), ')');  // the script's trailing ';' is dropped
}

TEST(ScenarioRunner, PlansSkipWhatTheRunnerCannotDo) {
  auto plan = [](const std::string& steps, const std::string& tags = "") {
    return planScenario(scenario(steps, tags), graphs());
  };
  auto ignored = plan(kReturnOne, "  @ignore");
  EXPECT_EQ(ignored.status, ScenarioPlan::Status::kSkip);
  EXPECT_EQ(ignored.reason, "tagged @ignore");
  auto proc = plan(
      "    Given an empty graph\n"
      "    And there exists a procedure test.doNothing() :: ():\n      | |\n" +
      kReturnOne);
  EXPECT_EQ(proc.status, ScenarioPlan::Status::kSkip);
  EXPECT_EQ(plan("    Given the no-such graph\n" + kReturnOne).status, ScenarioPlan::Status::kSkip);
  EXPECT_EQ(plan("    Given a graph with wings\n").status, ScenarioPlan::Status::kSkip);
  // Understood but unreadable: invalid, which counts as a failure.
  auto unreadable = plan(kReturnOne +
                         "    Then the result should be, in any order:\n"
                         "      | x |\n      | (:A |\n");
  EXPECT_EQ(unreadable.status, ScenarioPlan::Status::kInvalid);
  EXPECT_EQ(plan("    Then the result should be empty\n").status, ScenarioPlan::Status::kInvalid);
  EXPECT_EQ(plan(kReturnOne + "    Then a TypeError should be raised at bedtime: X\n").status,
            ScenarioPlan::Status::kInvalid);
}

TEST(ScenarioRunner, AnyGraphCanBeANamedGraph) {
  PlanOptions options;
  options.any_graph = "binary-tree-2";
  auto plan = planScenario(scenario("    Given any graph\n" + kReturnOne), graphs(), options);
  ASSERT_EQ(plan.status, ScenarioPlan::Status::kRunnable);
  ASSERT_EQ(plan.actions.size(), 2u);
  EXPECT_EQ(plan.actions[0].kind, Action::Kind::kSetup);
  EXPECT_NE(plan.actions[0].query.find("(c12:Y {name: 'c12'})"), std::string::npos);
}

}  // namespace
}  // namespace maestro::tck
