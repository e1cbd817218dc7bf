// Commands on a dataset's graph: query, import, and the benchmark data
// generator. They act as the local operator on the data directory.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iomanip>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "cli/config.h"
#include "common/clock.h"
#include "common/error.h"
#include "common/ids.h"
#include "common/log.h"
#include "engine/main/database.h"
#include "engine/stats/statistics.h"
#include "engine/storage/importer.h"
#include "platform/platform.h"
#include "tools/bench.h"
#include "tools/datagen.h"

namespace maestro::cli {
namespace {

std::unique_ptr<platform::Platform> openPlatform(const CommonOptions& common) {
  Config config = loadConfig(common);
  log::setLevel(log::parseLevel(config.log_level));
  return platform::Platform::open(config.platform, SystemClock::instance());
}

// "tenant/name", a dataset id, or a name with --tenant.
tenancy::Dataset resolveDataset(platform::Platform& p, const std::string& dataset,
                                const std::string& tenant) {
  if (dataset.empty()) throw Error::badInput("--dataset is required", "dataset");
  auto op = auth::Principal::localOperator();
  size_t slash = dataset.find('/');
  if (slash != std::string::npos && tenant.empty()) {
    return p.tenancy().getDataset(op, dataset.substr(slash + 1), dataset.substr(0, slash));
  }
  std::optional<std::string> t;
  if (!tenant.empty()) t = tenant;
  if (!t && !isUuid(dataset)) {
    throw Error::badInput("--dataset: give the dataset's id, TENANT/NAME, or its name with --tenant",
                          "dataset");
  }
  return p.tenancy().getDataset(op, dataset, t);
}

engine::Parameters parseParams(const std::vector<std::string>& raw) {
  engine::Parameters params;
  for (const auto& p : raw) {
    size_t eq = p.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw Error::badInput("--param: expected NAME=VALUE, got '" + p + "'", "param");
    }
    std::string name = p.substr(0, eq), text = p.substr(eq + 1);
    Value v;
    try {
      v = engine::valueFromJson(Json::parse(text));
    } catch (const Json::exception&) {
      v = Value(text);  // not JSON: a plain string
    }
    params[name] = std::move(v);
  }
  return params;
}

void printTable(const engine::QueryResult& r) {
  std::vector<std::vector<std::string>> cells;
  std::vector<size_t> width;
  for (const auto& c : r.columns) width.push_back(c.size());
  for (const auto& row : r.rows) {
    std::vector<std::string> line;
    for (size_t i = 0; i < row.size(); ++i) {
      line.push_back(r.render(row[i]));
      width[i] = std::max(width[i], line.back().size());
    }
    cells.push_back(std::move(line));
  }
  auto rule = [&] {
    std::string s = "+";
    for (size_t w : width) s += std::string(w + 2, '-') + "+";
    std::cout << s << "\n";
  };
  auto line = [&](const std::vector<std::string>& l) {
    std::cout << "|";
    for (size_t i = 0; i < l.size(); ++i) {
      std::cout << " " << std::left << std::setw(static_cast<int>(width[i])) << l[i] << " |";
    }
    std::cout << "\n";
  };
  if (!r.columns.empty()) {
    rule();
    line(r.columns);
    rule();
    for (const auto& l : cells) line(l);
    rule();
  }
}

// A progress bar on stderr when it is a terminal.
class ProgressBar {
 public:
  explicit ProgressBar(std::string label) : label_(std::move(label)), tty_(::isatty(2) == 1) {}
  ~ProgressBar() {
    if (tty_ && drawn_) std::fprintf(stderr, "\n");
  }
  void update(int64_t done, int64_t total) {
    if (!tty_) return;
    auto now = std::chrono::steady_clock::now();
    if (drawn_ && done < total && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    drawn_ = true;
    double frac = total > 0 ? std::min(1.0, static_cast<double>(done) / static_cast<double>(total))
                            : 0;
    int filled = static_cast<int>(frac * 30);
    std::fprintf(stderr, "\r%s [%s%s] %5.1f%% %lld/%lld", label_.c_str(),
                 std::string(static_cast<size_t>(filled), '#').c_str(),
                 std::string(static_cast<size_t>(30 - filled), '.').c_str(), frac * 100,
                 static_cast<long long>(done), static_cast<long long>(total));
    std::fflush(stderr);
  }

 private:
  std::string label_;
  bool tty_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace

// Statements of a file: each ends with ';' at the end of a line; lines
// starting with // are comments.
std::vector<std::string> readStatements(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error::badInput("--file: cannot read '" + path + "'", "file");
  std::vector<std::string> out;
  std::string line, current;
  while (std::getline(in, line)) {
    std::string t = line;
    t.erase(0, t.find_first_not_of(" \t"));
    if (t.rfind("//", 0) == 0) continue;
    t.erase(t.find_last_not_of(" \t\r") + 1);
    if (t.empty()) continue;
    bool end = t.back() == ';';
    if (end) t.pop_back();
    current += (current.empty() ? "" : "\n") + t;
    if (end) {
      out.push_back(current);
      current.clear();
    }
  }
  if (!current.empty()) out.push_back(current);
  return out;
}

int runQuery(const CommonOptions& common, const QueryOptions& o) {
  if (o.query.empty() && o.file.empty()) {
    throw Error::badInput("query: give a query or --file", "query");
  }
  engine::Parameters params = parseParams(o.params);
  engine::QueryOptions qopts;
  if (!o.timeout.empty()) qopts.timeout = auth::parseDuration(o.timeout, "--timeout");
  if (o.planner == "v2") qopts.planner = engine::PlannerVersion::kV2;
  auto platform = openPlatform(common);
  auto dataset = resolveDataset(*platform, o.dataset, o.tenant);
  engine::Database& db = platform->graphs().database(dataset);
  if (!o.file.empty()) {
    auto statements = readStatements(o.file);
    for (size_t i = 0; i < statements.size(); ++i) {
      try {
        auto r = db.execute(statements[i], params, qopts);
        std::cerr << "statement " << i + 1 << ": " << r.rows.size() << " row(s), version "
                  << r.version << "\n";
      } catch (const Error& e) {
        throw Error(e.code(), o.file + ": statement " + std::to_string(i + 1) + ": " +
                                  e.message());
      }
    }
    return 0;
  }
  engine::QueryResult r = db.execute(o.query, params, qopts);
  if (o.json) {
    std::cout << r.toJson().dump(2) << "\n";
    return 0;
  }
  if (!r.plan.empty()) std::cout << r.plan;
  // EXPLAIN only plans: there is no table to show.
  if (r.plan.empty() || !r.rows.empty() || r.execute_ms > 0) printTable(r);
  std::cerr << r.rows.size() << " row(s); compiled in " << std::fixed << std::setprecision(2)
            << r.compile_ms << " ms, executed in " << r.execute_ms << " ms; version "
            << r.version << "\n";
  if (r.counters.any()) {
    const auto& c = r.counters;
    std::cerr << "nodes +" << c.nodes_created << " -" << c.nodes_deleted << ", relationships +"
              << c.relationships_created << " -" << c.relationships_deleted << ", labels +"
              << c.labels_added << " -" << c.labels_removed << ", properties set "
              << c.properties_set << ", indexes +" << c.indexes_added << " -"
              << c.indexes_removed << "\n";
  }
  return 0;
}

int runImport(const CommonOptions& common, const ImportOptions& o) {
  if (o.files.empty()) throw Error::badInput("import: give at least one file", "files");
  std::vector<std::filesystem::path> files(o.files.begin(), o.files.end());
  auto platform = openPlatform(common);
  auto dataset = resolveDataset(*platform, o.dataset, o.tenant);
  store::Store& store = platform->regions().store(dataset.home_region);
  ProgressBar parse_bar("reading "), write_bar("writing ");
  auto result = engine::importFiles(store, dataset.id, files, [&](const engine::ImportProgress& p) {
    (p.phase == engine::ImportProgress::Phase::kParse ? parse_bar : write_bar)
        .update(p.done, p.total);
  });
  double secs = result.parse_seconds + result.write_seconds;
  std::cout << "imported " << result.nodes << " nodes and " << result.relationships
            << " relationships into " << dataset.name << " (version " << result.version << ") in "
            << std::fixed << std::setprecision(1) << secs << " s ("
            << std::setprecision(0)
            << (secs > 0 ? static_cast<double>(result.nodes + result.relationships) / secs : 0)
            << " rows/s; reading " << std::setprecision(1) << result.parse_seconds
            << " s, writing " << result.write_seconds << " s)\n";
  return 0;
}

namespace {

int runComparison(engine::Database& db, const std::string& name, double load_s,
                  const std::vector<tools::Operation>& workload, const Json& params,
                  const tools::BenchOptions& bo, const BenchOptions& o) {
  if (db.statisticsStale()) {
    std::cerr << "planner statistics missing or stale: computing them first\n";
    db.refreshStatistics();
  }
  auto cases = tools::runComparison(db, workload, params, bo);
  auto summary = tools::summarize(cases);
  Json out = tools::comparisonJson(cases, summary);
  out["dataset"] = name;
  out["nodes"] = db.nodeCount();
  out["relationships"] = db.relCount();
  out["runs"] = bo.runs;
  out["warmup"] = bo.warmup;
  auto write = [](const std::string& file, const Json& j, const char* flag, int indent) {
    std::filesystem::path path(file);
    if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
    std::ofstream f(path);
    if (!f) throw Error::badInput(std::string(flag) + ": cannot write '" + file + "'", flag + 2);
    f << j.dump(indent) << "\n";
  };
  if (!o.out.empty()) write(o.out, out, "--out", 2);
  if (!o.answers.empty()) write(o.answers, tools::answersJson(cases), "--answers", -1);
  if (o.json) {
    std::cout << out.dump(2) << "\n";
    return summary.different_answers == 0 ? 0 : 1;
  }
  std::cout << "dataset " << name << ": " << db.nodeCount() << " nodes, " << db.relCount()
            << " relationships; loaded in " << std::fixed << std::setprecision(2) << load_s
            << " s; v1 and v2 interleaved, at least " << bo.runs << " rounds (up to "
            << bo.max_runs << " for cheap cases) after " << bo.warmup << " warm-up runs each\n";
  std::cout << std::left << std::setw(32) << "operation" << std::setw(14) << "case" << std::right
            << std::setw(8) << "rows" << std::setw(10) << "v1 p50" << std::setw(10) << "v1 p95"
            << std::setw(10) << "v2 p50" << std::setw(10) << "v2 p95" << std::setw(8) << "ratio"
            << std::setw(7) << "max q" << "  answers\n";
  for (const auto& c : cases) {
    double maxq = c.q_errors.empty() ? 0 : *std::max_element(c.q_errors.begin(), c.q_errors.end());
    std::cout << std::left << std::setw(32) << c.op_id << std::setw(14) << c.case_name
              << std::right << std::setw(8) << c.v1.rows << std::setprecision(3) << std::setw(10)
              << c.v1.p50_ms << std::setw(10) << c.v1.p95_ms << std::setw(10) << c.v2.p50_ms
              << std::setw(10) << c.v2.p95_ms << std::setprecision(2) << std::setw(8) << c.ratio()
              << std::setprecision(1) << std::setw(7) << maxq << "  "
              << (c.same_answers ? "same" : "DIFFERENT: " + c.difference) << "\n";
  }
  std::cout << std::setprecision(3) << "geometric mean of p95(v2)/p95(v1): "
            << summary.geomean_p95_ratio << "\nworst p95 ratio: " << summary.worst_p95_ratio
            << " (" << summary.worst_case << ")\nq-error over " << summary.q_error_count
            << " operators of v2's plans: median " << summary.q_error_median << ", p95 "
            << summary.q_error_p95 << "\ncases with different answers: "
            << summary.different_answers << "\nplanPreview's estP95 against v2's measured p95: "
            << "median factor " << summary.est_p95_factor_median << ", p90 factor "
            << summary.est_p95_factor_p90 << ", " << summary.est_p95_coverage * 100
            << "% of cases at or under the estimate\n";
  return summary.different_answers == 0 ? 0 : 1;
}

}  // namespace

int runPlannerStats(const CommonOptions& common, const PlannerStatsOptions& o) {
  auto platform = openPlatform(common);
  auto dataset = resolveDataset(*platform, o.dataset, o.tenant);
  engine::Database& db = platform->graphs().database(dataset);
  auto start = std::chrono::steady_clock::now();
  auto st = db.refreshStatistics();
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (o.json) {
    Json out = Json::object();
    for (const auto& [attr, bucket] : st->toRows()) out[attr] = bucket;
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::cout << "statistics of " << dataset.name << " at version " << st->version << ": "
            << st->label_counts.size() << " labels, " << st->node_props.size()
            << " node properties, " << st->rel_props.size() << " relationship properties, "
            << st->degrees.size() << " degree distributions; computed and stored in "
            << std::fixed << std::setprecision(2) << secs << " s\n";
  for (const auto& [label, n] : st->label_counts) std::cout << "  :" << label << " " << n << "\n";
  return 0;
}

int runBench(const CommonOptions& common, const BenchOptions& o) {
  auto read = [](const std::string& path, const char* what) {
    std::ifstream in(path);
    if (!in) throw Error::badInput(std::string(what) + ": cannot read '" + path + "'", what);
    std::stringstream buf;
    buf << in.rdbuf();
    return buf.str();
  };
  if (!o.answers.empty() && o.planner != "both") {
    throw Error::badInput("--answers needs --planner both", "answers");
  }
  auto workload = tools::parseWorkload(read(o.workload, "--workload"));
  Json params = o.params.empty() ? Json::object() : parseJson(read(o.params, "--params"), "--params");
  auto platform = openPlatform(common);
  auto dataset = resolveDataset(*platform, o.dataset, o.tenant);
  auto load_start = std::chrono::steady_clock::now();
  engine::Database& db = platform->graphs().database(dataset);
  double load_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - load_start).count();
  tools::BenchOptions bo;
  bo.runs = o.runs;
  bo.warmup = o.warmup;
  bo.keep_answers = !o.answers.empty();
  if (o.planner == "both") return runComparison(db, dataset.name, load_s, workload, params, bo, o);
  if (o.planner == "v2") bo.query_options.planner = engine::PlannerVersion::kV2;
  auto cases = tools::runBenchmark(db, workload, params, bo);
  if (o.json) {
    Json out = {{"dataset", dataset.name},
                {"nodes", db.nodeCount()},
                {"relationships", db.relCount()},
                {"load_seconds", load_s},
                {"graph_bytes", db.memoryUsage()},
                {"cases", Json::array()}};
    for (const auto& c : cases) {
      out["cases"].push_back({{"op", c.op_id}, {"case", c.case_name}, {"rows", c.rows},
                              {"p50_ms", c.p50_ms}, {"p95_ms", c.p95_ms}, {"max_ms", c.max_ms}});
    }
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::cout << "dataset " << dataset.name << ": " << db.nodeCount() << " nodes, " << db.relCount()
            << " relationships; loaded in " << std::fixed << std::setprecision(2) << load_s
            << " s; graph memory " << std::setprecision(1)
            << static_cast<double>(db.memoryUsage()) / (1024 * 1024) << " MiB\n";
  std::cout << std::left << std::setw(34) << "operation" << std::setw(14) << "case"
            << std::right << std::setw(9) << "rows" << std::setw(11) << "p50 ms" << std::setw(11)
            << "p95 ms" << "\n";
  for (const auto& c : cases) {
    std::cout << std::left << std::setw(34) << c.op_id << std::setw(14) << c.case_name
              << std::right << std::setw(9) << c.rows << std::setw(11) << std::setprecision(3)
              << c.p50_ms << std::setw(11) << c.p95_ms << "\n";
  }
  return 0;
}

int runGen(const GenOptions& o) {
  if (o.out.empty()) throw Error::badInput("--out is required", "out");
  tools::GenOptions g;
  g.scale = o.scale;
  g.seed = o.seed;
  g.out = o.out;
  ProgressBar bar("generating");
  auto start = std::chrono::steady_clock::now();
  auto summary = tools::generate(g, [&](int64_t done, int64_t total) { bar.update(done, total); });
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "wrote " << summary.total_nodes << " nodes and " << summary.total_relationships
            << " relationships to " << o.out << " in " << std::fixed << std::setprecision(1)
            << secs << " s\n";
  return 0;
}

}  // namespace maestro::cli
