// Turning a parsed Scenario into actions, and running them on a TckGraph.
//
// planScenario() reads the steps once and decides whether the runner can
// run the scenario at all: @ignore and steps it has no way to carry out
// (registering procedures, CSV files, unknown steps or graphs) make it a
// skip, with the reason; a step it understands but whose table or value it
// cannot read makes it invalid (a runner or TCK bug, reported as a
// failure). It also applies the TCK's implicit rules (tools/tck-api
// CypherTCK): an expected error with no side-effects step after it implies
// "no side effects"; the graph is observed just before `executing query`
// (not before control queries) when a side-effects step follows.
//
// runScenario() executes the actions in order, like the TCK's Scenario:
// setup queries must succeed; each query's outcome (rows or error, and the
// phase of the error) is checked by the expectations after it. For a query
// whose outcome is expected to be an error, the query is compiled first
// (TckGraph::compile, i.e. Database::explain): failing there is an error
// "at compile time"; compiling and then failing in execute() is "at
// runtime". Other queries are only executed.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tck/gherkin_parser.h"
#include "tck/result_matcher.h"
#include "tck/side_effects.h"
#include "tck/tck_engine.h"

namespace maestro::tck {

// The TCK's named graphs: <dir>/<name>/<name>.cypher, read in place on
// first use and cached. A trailing ';' is dropped (it ends the script, it
// is not part of the statement).
class NamedGraphs {
 public:
  explicit NamedGraphs(std::filesystem::path dir) : dir_(std::move(dir)) {}
  // nullopt when there is no such graph.
  const std::optional<std::string>& script(const std::string& name);

 private:
  std::filesystem::path dir_;
  std::map<std::string, std::optional<std::string>> cache_;
};

enum class ErrorPhase { kCompileTime, kRuntime, kAnyTime };

struct ExpectedError {
  std::string type;  // "TypeError"; "Error" matches any type
  ErrorPhase phase = ErrorPhase::kAnyTime;
  std::string detail;  // "InvalidArgumentType"; "*" matches any detail
  std::string toString() const;
};

struct Action {
  enum class Kind {
    kSetup,         // Given the X graph / having executed: must succeed
    kParameters,    // parameters are:
    kQuery,         // executing query:
    kControlQuery,  // executing control query:
    kExpectResult,
    kExpectEmpty,
    kExpectError,
    kExpectSideEffects,
  };
  Kind kind = Kind::kSetup;
  int line = 0;
  std::string query;
  TckParams params;
  bool observe_before = false;  // kQuery: a side-effects check follows
  bool compile_first = false;   // kQuery / kControlQuery: an error is expected
  ResultTable expected;
  RowOrder rows = RowOrder::kAnyOrder;
  ListOrder lists = ListOrder::kOrdered;
  ExpectedError error;
  SideEffects side_effects;
};

struct ScenarioPlan {
  enum class Status { kRunnable, kSkip, kInvalid };
  Status status = Status::kRunnable;
  std::string reason;  // kSkip / kInvalid: why
  std::vector<Action> actions;
};

struct PlanOptions {
  // Which named graph `Given any graph` sets up; empty: the empty graph
  // (the TCK lets any graph do, and the empty one is the fastest).
  std::string any_graph;
};

ScenarioPlan planScenario(const Scenario& scenario, NamedGraphs& graphs,
                          const PlanOptions& options = {});

struct ScenarioOutcome {
  bool passed = false;
  std::string message;  // why it failed
};

// Runs a kRunnable plan on a fresh graph. Never throws: engine exceptions
// become failures.
ScenarioOutcome runScenario(const ScenarioPlan& plan, TckGraph& graph);

}  // namespace maestro::tck
