// SuiteRunner — runs the TCK's scenarios and keeps score.
//
// Scenarios run one after another on a fresh graph each. So that a hang or
// a crash in the engine costs one scenario and not the run, each feature
// file's scenarios run in a forked worker process: the worker reports
// "started i" and "finished i: outcome" over a pipe; the parent gives each
// scenario `timeout` from its start, kills the worker (SIGKILL) when it is
// exceeded or notices when it died, records that scenario as failed (with
// the tail of the worker's stdout/stderr), and starts a new worker at the
// next scenario. The BackendFactory runs inside the worker, so the parent
// never holds engine state across fork(). With `isolate` off everything
// runs in-process (for a debugger) and there is no timeout.
//
// Every scenario of the selected features gets exactly one record: passed,
// failed, or skipped (with the reason) — nothing is dropped silently.
// Not thread-safe; run from the main thread of a single-threaded process
// (fork() is only safe there).
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "tck/gherkin_parser.h"
#include "tck/scenario_runner.h"
#include "tck/tck_engine.h"

namespace maestro::tck {

struct ScenarioRecord {
  enum class Status { kPassed, kFailed, kSkipped };
  std::string id;
  std::string folder;
  Status status = Status::kFailed;
  std::string message;  // failure or skip reason
};

struct SuiteOptions {
  std::chrono::milliseconds timeout{10'000};
  bool isolate = true;
  PlanOptions plan;
  // Only scenarios whose "folder/FeatureFileStem/Scenario name" or id
  // matches (regex_search) are run and counted.
  std::optional<std::regex> filter;
  // Called as each scenario's record is final (progress, --verbose).
  std::function<void(const ScenarioRecord&)> on_record;
};

class SuiteRunner {
 public:
  SuiteRunner(BackendFactory factory, NamedGraphs& graphs, SuiteOptions options);

  // One record per selected scenario, in file and scenario order.
  std::vector<ScenarioRecord> run(const std::vector<Feature>& features);

 private:
  BackendFactory factory_;
  NamedGraphs& graphs_;
  SuiteOptions options_;
};

// Runs each plan on a fresh graph from one backend per worker; one outcome
// per plan, in order. Exposed for tests of the isolation itself.
std::vector<ScenarioOutcome> runPlans(const std::vector<const ScenarioPlan*>& plans,
                                      const BackendFactory& factory,
                                      std::chrono::milliseconds timeout, bool isolate);

bool matchesFilter(const Feature& feature, const Scenario& scenario, const std::regex& filter);

// One "folder: P passed, F failed, S skipped" line per folder (sorted),
// then "tck: P passed, F failed, S skipped".
std::string summarize(const std::vector<ScenarioRecord>& records);

// Ids of passing scenarios, in record order.
std::vector<std::string> passingIds(const std::vector<ScenarioRecord>& records);

// Lines of a passing-list file: blank lines and lines starting with '#'
// are ignored; trailing whitespace is dropped.
std::vector<std::string> parseIdList(const std::string& text);

// Each floor id that did not pass, with why ("failed: …", "skipped: …",
// "no such scenario"). Ids of scenarios that exist in `all_ids` but were not
// selected by the filter are not checked.
std::vector<std::string> floorRegressions(const std::vector<ScenarioRecord>& records,
                                          const std::vector<std::string>& floor,
                                          const std::set<std::string>& all_ids);

}  // namespace maestro::tck
