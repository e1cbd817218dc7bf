// The maestro subcommands. main.cpp parses flags into these option structs
// and calls one function; each returns the process exit status (0 success,
// 1 failure, 2 bad flags/config/input) and reports errors on stderr.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace maestro::cli {

// Flags every command accepts.
struct CommonOptions {
  std::string data_dir;  // empty: from the config, else ./data
  std::string config_file;
  std::string store;
  std::string log_level;
};

struct ServeOptions {
  std::string listen;  // empty: from the config, else 127.0.0.1:8080
  bool demo = false;   // ensure the demo tenant and print an admin token
};

struct TokenIssueOptions {
  std::string tenant;  // name or id
  bool platform = false;
  std::string scopes;  // comma-separated
  std::string clearance;
  std::string purpose;
  std::string ttl = "1h";
  std::string subject;
};

struct TenantOptions {
  std::string name;
  std::string tenant_config_file;  // JSON or YAML document
  bool json = false;
};

struct DatasetOptions {
  std::string name;
  std::string tenant;
  std::string region;
  bool json = false;
};

struct QueryOptions {
  std::string dataset;  // id, "tenant/name", or name with --tenant
  std::string tenant;
  std::string query;
  std::string file;  // statements separated by ';' at the end of a line
  std::vector<std::string> params;  // k=v; v is JSON when it parses, else a string
  bool json = false;
  std::string timeout;  // e.g. 30s
  std::string planner = "v1";  // v1 | v2
};

struct ImportOptions {
  std::string dataset;
  std::string tenant;
  std::vector<std::string> files;
};

struct BenchOptions {
  std::string dataset;
  std::string tenant;
  std::string workload;  // e.g. ../shared/bench/top20.cypher
  std::string params;    // params.json from `maestro gen`
  int runs = 20;
  int warmup = 3;
  bool json = false;
  std::string planner = "v1";  // v1 | v2 | both (v1 against v2, interleaved)
  std::string out;             // results JSON (both): e.g. bench/results/latest.json
  std::string answers;         // both: each case's rows of v1 and v2, as JSON
};

struct PlannerStatsOptions {
  std::string dataset;
  std::string tenant;
  bool json = false;
};

struct GenOptions {
  double scale = 1.0;
  uint64_t seed = 42;
  std::string out;
};

struct BlueprintCliOptions {
  std::string name;          // template ref (show/create's --template) or tenant name
  std::string tenant;        // tenant name or id
  std::string template_ref;  // "name" or "name@version"
  std::string overrides_file;        // YAML/JSON document of nested overrides
  std::vector<std::string> set;      // dotted.path=VALUE (VALUE as JSON, else a string)
  std::string region;
  bool auto_fix = false;
  std::string file;          // register: the template document
  std::string path;          // ignore: JSON Pointer
  std::string reason;
  std::string expires = "7d";  // ignore: duration from now
  int64_t config_version = 0;  // fix: 0 = the version drift is detected on now
  int64_t to_version = 0;      // upgrade: 0 = latest
  int64_t tenants = 10'000;    // bench-drift
  int64_t drifted_pct = 10;
  bool json = false;
};

int runBlueprintList(const CommonOptions& common, const BlueprintCliOptions& options);
int runBlueprintShow(const CommonOptions& common, const BlueprintCliOptions& options);
int runBlueprintRegister(const CommonOptions& common, const BlueprintCliOptions& options);
int runBlueprintCreate(const CommonOptions& common, const BlueprintCliOptions& options);
int runBlueprintDrift(const CommonOptions& common, const BlueprintCliOptions& options);
int runBlueprintFix(const CommonOptions& common, const BlueprintCliOptions& options);
int runBlueprintIgnore(const CommonOptions& common, const BlueprintCliOptions& options);
int runBlueprintUpgradePreview(const CommonOptions& common, const BlueprintCliOptions& options);
int runBlueprintUpgrade(const CommonOptions& common, const BlueprintCliOptions& options);
int runBlueprintBenchDrift(const CommonOptions& common, const BlueprintCliOptions& options);

int runServe(const CommonOptions& common, const ServeOptions& options);
int runTokenIssue(const CommonOptions& common, const TokenIssueOptions& options);
int runTenantCreate(const CommonOptions& common, const TenantOptions& options);
int runTenantList(const CommonOptions& common, const TenantOptions& options);
int runDatasetCreate(const CommonOptions& common, const DatasetOptions& options);
int runDatasetList(const CommonOptions& common, const DatasetOptions& options);
int runAuditVerifyLog(const CommonOptions& common);
int runQuery(const CommonOptions& common, const QueryOptions& options);
int runImport(const CommonOptions& common, const ImportOptions& options);
int runGen(const GenOptions& options);
int runBench(const CommonOptions& common, const BenchOptions& options);
int runPlannerStats(const CommonOptions& common, const PlannerStatsOptions& options);

// Runs `body`, turning maestro::Error into a message on stderr and an exit
// status (2 for bad input, 1 otherwise).
int guarded(const std::function<int()>& body);

}  // namespace maestro::cli
