// tck_runner — runs the openCypher TCK against the maestro engine.
//
//   tck_runner [--features DIR] [--graphs DIR] [--filter REGEX] [-v]
//              [--timeout SECONDS] [--no-fork] [--any-graph NAME]
//              [--list-passing FILE] [--floor FILE]
//
// Prints one "folder: P passed, F failed, S skipped" line per folder of
// feature files, then the "tck: …" total. Exit status: 0; 1 when --floor
// names a scenario that no longer passes; 2 on bad arguments or feature
// files that cannot be read. See test/tck/README.md.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include "store/store.h"
#include "tck/gherkin_parser.h"
#include "tck/maestro_tck_engine.h"
#include "tck/suite_runner.h"
#include "testing/test_stores.h"

#ifndef TCK_FEATURES_DIR
#error "TCK_FEATURES_DIR must be defined by the build"
#endif

namespace {

using maestro::tck::ScenarioRecord;

std::string indent(const std::string& text) {
  std::string out = "    ";
  for (char c : text) {
    out += c;
    if (c == '\n') out += "    ";
  }
  return out;
}

bool readFile(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buf;
  buf << in.rdbuf();
  out = buf.str();
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  namespace tck = maestro::tck;
  std::string features_dir = TCK_FEATURES_DIR;
  std::string graphs_dir;
  std::string filter;
  std::string list_passing;
  std::string floor_file;
  std::string any_graph;
  double timeout_s = 10;
  bool verbose = false;
  bool no_fork = false;

  CLI::App app{"Runs the openCypher TCK feature files against the maestro engine"};
  app.add_option("--features", features_dir, "directory of .feature files")->capture_default_str();
  app.add_option("--graphs", graphs_dir,
                 "directory of named graphs (default: <features>/../graphs)");
  app.add_option("--filter", filter,
                 "run only scenarios whose folder/Feature/Scenario or id matches");
  app.add_flag("-v,--verbose", verbose, "print each failing and skipped scenario with the reason");
  app.add_option("--list-passing", list_passing, "write the ids of passing scenarios to FILE");
  app.add_option("--floor", floor_file, "fail unless every scenario listed in FILE passes");
  app.add_option("--timeout", timeout_s, "seconds per scenario")->capture_default_str();
  app.add_flag("--no-fork", no_fork, "run in this process (no isolation, no timeout)");
  std::string planner = "v1";
  app.add_option("--planner", planner, "v1 (default) or v2: the planner every query uses")
      ->check(CLI::IsMember({"v1", "v2"}));
  app.add_option("--any-graph", any_graph, "named graph for `Given any graph` (default: empty)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (graphs_dir.empty()) graphs_dir = features_dir + "/../graphs";

  std::vector<tck::Feature> features;
  try {
    features = tck::loadFeatures(features_dir);
  } catch (const tck::GherkinError& e) {
    std::cerr << "tck_runner: " << e.what() << "\n";
    return 2;
  }
  std::set<std::string> all_ids;
  for (const auto& f : features) {
    for (const auto& s : f.scenarios) {
      if (!all_ids.insert(s.id).second) std::cerr << "tck_runner: duplicate id: " << s.id << "\n";
    }
  }

  tck::SuiteOptions options;
  options.timeout = std::chrono::milliseconds(static_cast<int64_t>(timeout_s * 1000));
  options.isolate = !no_fork;
  options.plan.any_graph = any_graph;
  if (!filter.empty()) {
    try {
      options.filter.emplace(filter, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      std::cerr << "tck_runner: bad --filter: " << e.what() << "\n";
      return 2;
    }
  }
  if (verbose) {
    options.on_record = [](const ScenarioRecord& r) {
      if (r.status == ScenarioRecord::Status::kFailed) {
        std::cout << "FAIL " << r.id << "\n" << indent(r.message) << "\n";
      } else if (r.status == ScenarioRecord::Status::kSkipped) {
        std::cout << "SKIP " << r.id << ": " << r.message << "\n";
      }
      std::cout.flush();
    };
  }

  std::vector<std::string> floor;
  if (!floor_file.empty()) {
    std::string text;
    if (!readFile(floor_file, text)) {
      std::cerr << "tck_runner: cannot read " << floor_file << "\n";
      return 2;
    }
    floor = tck::parseIdList(text);
  }

  // One SQLite file for the run, in a temporary directory the parent owns
  // and removes; each worker opens its own Store on it.
  maestro::testing::TestDatabase db(maestro::testing::Backend::kSqlite);
  auto timeout = options.timeout;
  auto version = planner == "v2" ? maestro::engine::PlannerVersion::kV2
                                  : maestro::engine::PlannerVersion::kV1;
  tck::BackendFactory factory = [&db, timeout, version]() -> std::unique_ptr<tck::TckBackend> {
    return std::make_unique<tck::MaestroBackend>(db.open(), timeout, version);
  };
  tck::NamedGraphs graphs(graphs_dir);
  tck::SuiteRunner runner(factory, graphs, options);
  std::vector<ScenarioRecord> records = runner.run(features);

  if (!list_passing.empty()) {
    std::ofstream out(list_passing, std::ios::binary | std::ios::trunc);
    for (const auto& id : tck::passingIds(records)) out << id << "\n";
    if (!out) {
      std::cerr << "tck_runner: cannot write " << list_passing << "\n";
      return 2;
    }
  }

  int status = 0;
  if (!floor_file.empty()) {
    auto regressions = tck::floorRegressions(records, floor, all_ids);
    if (!regressions.empty()) {
      std::cout << "floor: " << regressions.size() << " of " << floor.size()
                << " scenarios listed in " << floor_file << " do not pass:\n";
      for (const auto& r : regressions) std::cout << "  " << r << "\n";
      status = 1;
    }
  }
  std::cout << tck::summarize(records);
  return status;
}
