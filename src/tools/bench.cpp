#include "tools/bench.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <sstream>

#include "common/error.h"

namespace maestro::tools {
namespace {

double percentile(std::vector<double> xs, double p) {
  if (xs.empty()) return 0;
  std::sort(xs.begin(), xs.end());
  size_t rank = static_cast<size_t>(std::ceil(p * static_cast<double>(xs.size())));
  return xs[std::clamp<size_t>(rank, 1, xs.size()) - 1];
}

}  // namespace

std::vector<Operation> parseWorkload(const std::string& text) {
  std::vector<Operation> ops;
  std::istringstream in(text);
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    size_t first = line.find_first_not_of(" \t");
    if (first != std::string::npos && line.compare(first, 8, "// opId:") == 0) {
      std::string id = line.substr(first + 8);
      id.erase(0, id.find_first_not_of(" \t"));
      id.erase(id.find_last_not_of(" \t\r") + 1);
      if (id.empty()) throw Error::badInput("workload line " + std::to_string(lineno) + ": empty opId");
      ops.push_back({id, ""});
      continue;
    }
    if (line.rfind("//", 0) == 0) continue;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    if (ops.empty()) {
      throw Error::badInput("workload line " + std::to_string(lineno) +
                            ": a query before any '// opId:' line");
    }
    ops.back().query += (ops.back().query.empty() ? "" : "\n") + line;
  }
  for (const auto& op : ops) {
    if (op.query.empty()) throw Error::badInput("workload: operation " + op.op_id + " has no query");
  }
  return ops;
}

std::vector<BenchCase> runBenchmark(engine::Database& db, const std::vector<Operation>& workload,
                                    const Json& params_file, const BenchOptions& options) {
  std::vector<BenchCase> out;
  const Json& queries = params_file.contains("queries") ? params_file["queries"] : params_file;
  for (const auto& op : workload) {
    std::vector<std::pair<std::string, Json>> cases;
    if (queries.contains(op.op_id)) {
      for (const auto& c : queries[op.op_id]) {
        cases.emplace_back(c.value("case", "default"), c.value("params", Json::object()));
      }
    }
    if (cases.empty()) cases.emplace_back("default", Json::object());
    for (const auto& [name, p] : cases) {
      engine::Parameters params = engine::parametersFromJson(p);
      BenchCase bc;
      bc.op_id = op.op_id;
      bc.case_name = name;
      for (int i = 0; i < options.warmup; ++i) db.execute(op.query, params, options.query_options);
      std::vector<double> times;
      for (int i = 0; i < options.runs; ++i) {
        auto start = std::chrono::steady_clock::now();
        auto r = db.execute(op.query, params, options.query_options);
        times.push_back(std::chrono::duration<double, std::milli>(
                            std::chrono::steady_clock::now() - start)
                            .count());
        bc.rows = static_cast<int64_t>(r.rows.size());
      }
      bc.p50_ms = percentile(times, 0.50);
      bc.p95_ms = percentile(times, 0.95);
      bc.max_ms = percentile(times, 1.0);
      out.push_back(std::move(bc));
    }
  }
  return out;
}

}  // namespace maestro::tools
