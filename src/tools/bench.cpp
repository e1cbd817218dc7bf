#include "tools/bench.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <functional>
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

namespace {

// The (case name, parameters) pairs of one operation in a params.json
// ({"queries": {opId: [{"case", "params"}…]}} or the inner object alone);
// one "default" case without parameters when it names none.
std::vector<std::pair<std::string, Json>> parameterCases(const Json& params_file,
                                                         const std::string& op_id) {
  const Json& queries = params_file.contains("queries") ? params_file["queries"] : params_file;
  std::vector<std::pair<std::string, Json>> cases;
  if (queries.contains(op_id)) {
    for (const auto& c : queries[op_id]) {
      cases.emplace_back(c.value("case", "default"), c.value("params", Json::object()));
    }
  }
  if (cases.empty()) cases.emplace_back("default", Json::object());
  return cases;
}

}  // namespace

std::vector<BenchCase> runBenchmark(engine::Database& db, const std::vector<Operation>& workload,
                                    const Json& params_file, const BenchOptions& options) {
  std::vector<BenchCase> out;
  for (const auto& op : workload) {
    for (const auto& [name, p] : parameterCases(params_file, op.op_id)) {
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

double qError(double estimated, double actual) {
  double e = std::max(estimated, 1.0), a = std::max(actual, 1.0);
  return std::max(e / a, a / e);
}

namespace {

std::vector<std::string> renderRows(const engine::QueryResult& r) {
  std::vector<std::string> out;
  out.reserve(r.rows.size());
  for (const auto& row : r.rows) {
    std::string line;
    for (const auto& v : row) line += toDebugString(v) + " | ";
    out.push_back(std::move(line));
  }
  return out;
}

bool hasOrderBy(const std::string& query) {
  std::string upper = query;
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return upper.find("ORDER BY") != std::string::npos;
}

}  // namespace

std::string compareAnswers(const engine::QueryResult& a, const engine::QueryResult& b,
                           bool ordered) {
  auto ra = renderRows(a), rb = renderRows(b);
  if (ra.size() != rb.size()) {
    return "row counts differ: " + std::to_string(ra.size()) + " vs " + std::to_string(rb.size());
  }
  if (ordered && ra == rb) return {};
  std::vector<std::string> sa = ra, sb = rb;
  std::sort(sa.begin(), sa.end());
  std::sort(sb.begin(), sb.end());
  if (sa == sb) {
    if (!ordered) return {};
    return "same rows in another order";
  }
  // collect() gathers in the order rows arrive, which a plan may change:
  // compare once more with every list's elements sorted.
  auto canonical = [](const engine::QueryResult& r) {
    std::function<Value(const Value&)> canon = [&](const Value& v) -> Value {
      if (!v.isList()) return v;
      ValueList items;
      for (const auto& x : v.asList()) items.push_back(canon(x));
      std::sort(items.begin(), items.end(),
                [](const Value& x, const Value& y) { return orderCompare(x, y) < 0; });
      return Value(std::move(items));
    };
    std::vector<std::string> out;
    for (const auto& row : r.rows) {
      std::string line;
      for (const auto& v : row) line += toDebugString(canon(v)) + " | ";
      out.push_back(std::move(line));
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  if (canonical(a) == canonical(b)) return {};
  for (size_t i = 0; i < sa.size(); ++i) {
    if (sa[i] != sb[i]) return "rows differ, e.g. " + sa[i] + " vs " + sb[i];
  }
  return "rows differ";
}

std::vector<ComparisonCase> runComparison(engine::Database& db,
                                          const std::vector<Operation>& workload,
                                          const Json& params_file, const BenchOptions& options) {
  std::vector<ComparisonCase> out;
  engine::QueryOptions o1 = options.query_options, o2 = options.query_options;
  o1.planner = engine::PlannerVersion::kV1;
  o2.planner = engine::PlannerVersion::kV2;
  for (const auto& op : workload) {
    for (const auto& [name, p] : parameterCases(params_file, op.op_id)) {
      engine::Parameters params = engine::parametersFromJson(p);
      ComparisonCase cc;
      cc.op_id = op.op_id;
      cc.case_name = name;
      engine::QueryResult r1, r2;
      for (int i = 0; i < std::max(1, options.warmup); ++i) {
        r1 = db.execute(op.query, params, o1);
        r2 = db.execute(op.query, params, o2);
      }
      cc.v1.rows = static_cast<int64_t>(r1.rows.size());
      cc.v2.rows = static_cast<int64_t>(r2.rows.size());
      cc.difference = compareAnswers(r1, r2, hasOrderBy(op.query));
      cc.same_answers = cc.difference.empty();
      if (options.keep_answers) {
        cc.answers = {{"columns", r1.columns},
                      {"v1", r1.toJson()["rows"]},
                      {"v2", r2.toJson()["rows"]}};
      }
      std::vector<double> t1, t2;
      auto timed = [&](const engine::QueryOptions& o) {
        auto start = std::chrono::steady_clock::now();
        db.execute(op.query, params, o);
        return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
            .count();
      };
      // A p95 of 10 runs is their maximum: one hiccup of the machine. Cases
      // get more rounds — as many as fit in about round_budget_ms of each
      // planner, up to max_runs — so their p95 is a percentile, not an
      // outlier.
      double first = std::max(timed(o1), timed(o2));
      int rounds = options.runs;
      if (first > 0) {
        rounds = std::max(
            rounds, std::min(options.max_runs, static_cast<int>(options.round_budget_ms / first)));
      }
      cc.rounds = rounds;
      for (int i = 0; i < rounds; ++i) {
        if (i % 2 == 0) {
          t1.push_back(timed(o1));
          t2.push_back(timed(o2));
        } else {
          t2.push_back(timed(o2));
          t1.push_back(timed(o1));
        }
      }
      cc.v1.p50_ms = percentile(t1, 0.50);
      cc.v1.p95_ms = percentile(t1, 0.95);
      cc.v1.max_ms = percentile(t1, 1.0);
      cc.v2.p50_ms = percentile(t2, 0.50);
      cc.v2.p95_ms = percentile(t2, 0.95);
      cc.v2.max_ms = percentile(t2, 1.0);
      auto prof = db.execute("PROFILE " + op.query, params, o2);
      for (const auto& opp : prof.profile) {
        if (opp.estimated_rows >= 0) {
          cc.q_errors.push_back(qError(opp.estimated_rows, static_cast<double>(opp.actual_rows)));
        }
      }
      cc.v2_plan = prof.plan;
      cc.v2_cost = prof.estimated_cost;
      out.push_back(std::move(cc));
    }
  }
  for (auto& cc : out) cc.est_p95_ms = db.estimateLatency(cc.v2_cost).p95_ms;
  return out;
}

ComparisonSummary summarize(const std::vector<ComparisonCase>& cases) {
  ComparisonSummary s;
  double log_sum = 0;
  std::vector<double> qs;
  for (const auto& c : cases) {
    double r = std::max(c.ratio(), 1e-9);
    log_sum += std::log(r);
    if (s.worst_case.empty() || r > s.worst_p95_ratio) {
      s.worst_p95_ratio = r;
      s.worst_case = c.op_id + "/" + c.case_name;
    }
    qs.insert(qs.end(), c.q_errors.begin(), c.q_errors.end());
    s.different_answers += !c.same_answers;
  }
  if (!cases.empty()) s.geomean_p95_ratio = std::exp(log_sum / static_cast<double>(cases.size()));
  std::vector<double> factors;
  size_t covered = 0;
  for (const auto& c : cases) {
    if (c.est_p95_ms <= 0 || c.v2.p95_ms <= 0) continue;
    factors.push_back(std::max(c.est_p95_ms / c.v2.p95_ms, c.v2.p95_ms / c.est_p95_ms));
    covered += c.v2.p95_ms <= c.est_p95_ms;
  }
  if (!factors.empty()) {
    s.est_p95_factor_median = percentile(factors, 0.50);
    s.est_p95_factor_p90 = percentile(factors, 0.90);
    s.est_p95_coverage = static_cast<double>(covered) / static_cast<double>(factors.size());
  }
  s.q_error_count = qs.size();
  if (!qs.empty()) {
    s.q_error_median = percentile(qs, 0.50);
    s.q_error_p95 = percentile(qs, 0.95);
  }
  return s;
}

Json comparisonJson(const std::vector<ComparisonCase>& cases, const ComparisonSummary& summary) {
  Json out = {{"summary",
               {{"geomean_p95_ratio", summary.geomean_p95_ratio},
                {"worst_p95_ratio", summary.worst_p95_ratio},
                {"worst_case", summary.worst_case},
                {"q_error_median", summary.q_error_median},
                {"q_error_p95", summary.q_error_p95},
                {"q_error_operators", summary.q_error_count},
                {"different_answers", summary.different_answers},
                {"est_p95_factor_median", summary.est_p95_factor_median},
                {"est_p95_factor_p90", summary.est_p95_factor_p90},
                {"est_p95_coverage", summary.est_p95_coverage}}},
              {"cases", Json::array()}};
  for (const auto& c : cases) {
    auto times = [](const PlannerTimes& t) {
      return Json{{"p50_ms", t.p50_ms}, {"p95_ms", t.p95_ms}, {"max_ms", t.max_ms}, {"rows", t.rows}};
    };
    out["cases"].push_back({{"opId", c.op_id},
                            {"case", c.case_name},
                            {"rows", c.v1.rows},
                            {"v1", times(c.v1)},
                            {"v2", times(c.v2)},
                            {"p95_ratio", c.ratio()},
                            {"rounds", c.rounds},
                            {"same_answers", c.same_answers},
                            {"difference", c.difference},
                            {"q_errors", c.q_errors},
                            {"v2_cost", c.v2_cost},
                            {"est_p95_ms", c.est_p95_ms}});
  }
  return out;
}

Json answersJson(const std::vector<ComparisonCase>& cases) {
  Json out = {{"cases", Json::array()}};
  for (const auto& c : cases) {
    Json entry = {{"opId", c.op_id}, {"case", c.case_name}};
    if (c.answers.is_object()) entry.update(c.answers);
    out["cases"].push_back(std::move(entry));
  }
  return out;
}

}  // namespace maestro::tools
