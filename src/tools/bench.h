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
  engine::QueryOptions query_options;
};

// Runs each operation of `workload` with every parameter case of
// `params_file` for `options.runs` timed runs.
std::vector<BenchCase> runBenchmark(engine::Database& db, const std::vector<Operation>& workload,
                                    const Json& params_file, const BenchOptions& options);

}  // namespace maestro::tools
