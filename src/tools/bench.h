// The query benchmark: runs a workload of persisted operations (a file in
// the format of shared/bench/top20.cypher) with the parameter sets of a
// params.json (written by `maestro gen`) against a dataset, and reports
// latency percentiles per operation and parameter case.
//
// Each (operation, case) is run `warmup` times unmeasured, then `runs`
// times; p50/p95 come from those runs (nearest-rank). Thread-safety: none
// needed; runs on the calling thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "common/json.h"
#include "engine/main/database.h"

namespace maestro::tools {

struct Operation {
  std::string op_id;
  std::string query;
};

// Parses `// opId: NAME` blocks. Throws Error::badInput naming the line.
std::vector<Operation> parseWorkload(const std::string& text);

struct BenchCase {
  std::string op_id;
  std::string case_name;
  int64_t rows = 0;
  double p50_ms = 0;
  double p95_ms = 0;
  double max_ms = 0;
};

struct BenchOptions {
  int runs = 20;
  int warmup = 3;
  // runComparison: a case gets as many rounds as fit in about
  // `round_budget_ms` of each planner, up to `max_runs` (at least `runs`).
  int max_runs = 3000;
  double round_budget_ms = 6000;
  // runComparison: keep each case's answers (ComparisonCase::answers), for
  // comparing them with another engine's outside this process.
  bool keep_answers = false;
  engine::QueryOptions query_options;
};

// Runs each operation of `workload` with every parameter case of
// `params_file` for `options.runs` timed runs.
std::vector<BenchCase> runBenchmark(engine::Database& db, const std::vector<Operation>& workload,
                                    const Json& params_file, const BenchOptions& options);

// ---- planner comparison (v1 against v2 in the same run) ----------------------

struct PlannerTimes {
  double p50_ms = 0;
  double p95_ms = 0;
  double max_ms = 0;
  int64_t rows = 0;
};

struct ComparisonCase {
  std::string op_id;
  std::string case_name;
  PlannerTimes v1, v2;
  int rounds = 0;  // measured rounds of each
  bool same_answers = true;
  std::string difference;        // when not the same: how they differ
  std::vector<double> q_errors;  // v2's operators with an estimate (PROFILE)
  std::string v2_plan;           // PROFILE text of v2's plan
  double v2_cost = -1;           // v2's estimated cost
  double est_p95_ms = 0;         // the dataset's calibration at v2_cost (planPreview's estP95)
  // With BenchOptions::keep_answers: {"columns": […], "v1": rows, "v2": rows},
  // rows as QueryResult::toJson writes them (nodes with their properties).
  Json answers;
  double ratio() const { return v1.p95_ms > 0 ? v2.p95_ms / v1.p95_ms : 1.0; }
};

struct ComparisonSummary {
  double geomean_p95_ratio = 1;
  double worst_p95_ratio = 1;
  std::string worst_case;
  double q_error_median = 1;
  double q_error_p95 = 1;
  size_t q_error_count = 0;
  size_t different_answers = 0;
  // planPreview's p95 estimate against v2's measured p95, per case:
  // max(est/measured, measured/est), and the share of cases at or under it.
  double est_p95_factor_median = 1;
  double est_p95_factor_p90 = 1;
  double est_p95_coverage = 0;
};

// Each (operation, case): `warmup` unmeasured runs of each planner, then
// at least `runs` measured rounds (more for cheaper cases, see max_runs),
// each running v1 and v2 back to back (which goes first alternates), so
// both see the same machine noise. Answers are
// compared once (in order when the query has ORDER BY, else as multisets).
// An ORDER BY … LIMIT whose answers differ only in rows tied at the cut is
// reported as different here; make bench's three-way check
// (bench/kuzu/compare.js), which reads the sort keys, counts it the same. q-errors come from one PROFILE of v2's plan. Last, each
// case's estimated p95 is read from the calibration the runs built.
std::vector<ComparisonCase> runComparison(engine::Database& db,
                                          const std::vector<Operation>& workload,
                                          const Json& params_file, const BenchOptions& options);
ComparisonSummary summarize(const std::vector<ComparisonCase>& cases);
Json comparisonJson(const std::vector<ComparisonCase>& cases, const ComparisonSummary& summary);
// {"cases": [{"opId", "case", "columns", "v1", "v2"}…]}: the kept answers.
Json answersJson(const std::vector<ComparisonCase>& cases);

// q-error of one estimate: max(est/actual, actual/est), both at least 1.
double qError(double estimated, double actual);
// Compares two results; `ordered` when the query sorts. Empty: the same.
std::string compareAnswers(const engine::QueryResult& a, const engine::QueryResult& b,
                           bool ordered);

}  // namespace maestro::tools
