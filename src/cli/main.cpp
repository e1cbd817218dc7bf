// maestro — the one binary: the server and the operator commands.
// Wiring only: flags are parsed here and handed to cli/commands.h.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/commands.h"

using namespace maestro::cli;

namespace {

void addCommon(CLI::App& cmd, CommonOptions& common) {
  cmd.add_option("--data-dir", common.data_dir, "Data directory (default ./data)");
  cmd.add_option("--config", common.config_file, "Configuration file (YAML or JSON)");
  cmd.add_option("--store", common.store,
                 "Control-plane store URI (postgresql://… or sqlite:PATH)");
  cmd.add_option("--log-level", common.log_level, "debug, info, warn or error");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"IntelGraph Maestro Conductor: a multi-tenant intelligence-graph platform",
               "maestro"};
  app.require_subcommand(1);
  CommonOptions common;
  std::function<int()> action;

  auto* serve = app.add_subcommand("serve", "Serve the GraphQL API, health and metrics over HTTP");
  ServeOptions serve_options;
  addCommon(*serve, common);
  serve->add_option("--listen", serve_options.listen, "HOST:PORT (default 127.0.0.1:8080)");
  serve->add_flag("--demo", serve_options.demo,
                  "Ensure a demo tenant exists and print an admin token");
  serve->callback([&] { action = [&] { return runServe(common, serve_options); }; });

  auto* token = app.add_subcommand("token", "Bearer tokens")->require_subcommand(1);
  auto* issue = token->add_subcommand("issue", "Sign a token and print it (only it) on stdout");
  TokenIssueOptions token_options;
  addCommon(*issue, common);
  auto* tenant_opt = issue->add_option("--tenant", token_options.tenant, "Tenant name or id");
  auto* platform_opt =
      issue->add_flag("--platform", token_options.platform, "An operator's token across tenants");
  tenant_opt->excludes(platform_opt);
  issue->add_option("--scopes", token_options.scopes, "Comma-separated scopes")->required();
  issue->add_option("--clearance", token_options.clearance, "low, medium or high");
  issue->add_option("--purpose", token_options.purpose, "Purpose the token is bound to");
  issue->add_option("--ttl", token_options.ttl, "Lifetime, e.g. 30m, 1h, 7d (default 1h)");
  issue->add_option("--subject", token_options.subject, "Subject (default: cli:<user>)");
  issue->callback([&] { action = [&] { return runTokenIssue(common, token_options); }; });

  auto* tenant = app.add_subcommand("tenant", "Tenants")->require_subcommand(1);
  TenantOptions tenant_options;
  auto* tenant_create = tenant->add_subcommand("create", "Create a tenant; prints its id");
  addCommon(*tenant_create, common);
  tenant_create->add_option("name", tenant_options.name, "Tenant name")->required();
  tenant_create->add_option("--file", tenant_options.tenant_config_file,
                            "Tenant configuration document (YAML or JSON)");
  tenant_create->add_flag("--json", tenant_options.json, "Print JSON");
  tenant_create->callback(
      [&] { action = [&] { return runTenantCreate(common, tenant_options); }; });
  auto* tenant_list = tenant->add_subcommand("list", "List tenants");
  addCommon(*tenant_list, common);
  tenant_list->add_flag("--json", tenant_options.json, "Print JSON");
  tenant_list->callback([&] { action = [&] { return runTenantList(common, tenant_options); }; });

  auto* dataset = app.add_subcommand("dataset", "Datasets")->require_subcommand(1);
  DatasetOptions dataset_options;
  auto* dataset_create = dataset->add_subcommand("create", "Create a dataset; prints its id");
  addCommon(*dataset_create, common);
  dataset_create->add_option("name", dataset_options.name, "Dataset name")->required();
  dataset_create->add_option("--tenant", dataset_options.tenant, "Tenant name or id")->required();
  dataset_create->add_option("--region", dataset_options.region,
                             "Home region (default: the first configured)");
  dataset_create->add_flag("--json", dataset_options.json, "Print JSON");
  dataset_create->callback(
      [&] { action = [&] { return runDatasetCreate(common, dataset_options); }; });
  auto* dataset_list = dataset->add_subcommand("list", "List datasets");
  addCommon(*dataset_list, common);
  dataset_list->add_option("--tenant", dataset_options.tenant, "Only this tenant's");
  dataset_list->add_flag("--json", dataset_options.json, "Print JSON");
  dataset_list->callback(
      [&] { action = [&] { return runDatasetList(common, dataset_options); }; });

  auto* audit = app.add_subcommand("audit", "The audit log")->require_subcommand(1);
  auto* verify = audit->add_subcommand(
      "verify-log", "Check the hash chain and signed checkpoints; exit 1 at the first bad entry");
  addCommon(*verify, common);
  verify->callback([&] { action = [&] { return runAuditVerifyLog(common); }; });

  auto* bp = app.add_subcommand("blueprint", "Blueprinted tenants: templates, drift, fixes")
                 ->require_subcommand(1);
  BlueprintCliOptions bp_options;
  auto* bp_list = bp->add_subcommand("list", "List templates (every version)");
  addCommon(*bp_list, common);
  bp_list->add_flag("--json", bp_options.json, "Print JSON");
  bp_list->callback([&] { action = [&] { return runBlueprintList(common, bp_options); }; });
  auto* bp_show = bp->add_subcommand("show", "Print a template");
  addCommon(*bp_show, common);
  bp_show->add_option("template", bp_options.name, "NAME or NAME@VERSION")->required();
  bp_show->add_flag("--json", bp_options.json, "Print JSON");
  bp_show->callback([&] { action = [&] { return runBlueprintShow(common, bp_options); }; });
  auto* bp_register = bp->add_subcommand("register", "Validate and store an operator template");
  addCommon(*bp_register, common);
  bp_register->add_option("file", bp_options.file, "Template document (YAML or JSON)")->required();
  bp_register->callback(
      [&] { action = [&] { return runBlueprintRegister(common, bp_options); }; });
  auto* bp_create = bp->add_subcommand("create", "Create a tenant from a template; prints its id");
  addCommon(*bp_create, common);
  bp_create->add_option("name", bp_options.name, "Tenant name")->required();
  bp_create->add_option("--template", bp_options.template_ref, "NAME or NAME@VERSION")->required();
  bp_create->add_option("--overrides", bp_options.overrides_file,
                        "Overrides document (YAML or JSON, nested)");
  bp_create->add_option("--set", bp_options.set, "PATH=VALUE override, e.g. slo.read_p95_ms=500");
  bp_create->add_option("--region", bp_options.region, "Home region");
  bp_create->add_flag("--auto-fix", bp_options.auto_fix, "Fix drift without approval");
  bp_create->add_flag("--json", bp_options.json, "Print JSON");
  bp_create->callback([&] { action = [&] { return runBlueprintCreate(common, bp_options); }; });
  auto* bp_drift = bp->add_subcommand(
      "drift", "Detect drift now (exit 3 when there is some); without --tenant, every tenant");
  addCommon(*bp_drift, common);
  bp_drift->add_option("--tenant", bp_options.tenant, "Tenant name or id");
  bp_drift->add_flag("--json", bp_options.json, "Print JSON");
  bp_drift->callback([&] { action = [&] { return runBlueprintDrift(common, bp_options); }; });
  auto* bp_fix = bp->add_subcommand("fix", "Approve and apply the proposed fix of a tenant's drift");
  addCommon(*bp_fix, common);
  bp_fix->add_option("--tenant", bp_options.tenant, "Tenant name or id")->required();
  bp_fix->add_option("--config-version", bp_options.config_version,
                     "Config version the approved report was computed on (default: now)");
  bp_fix->add_flag("--json", bp_options.json, "Print JSON");
  bp_fix->callback([&] { action = [&] { return runBlueprintFix(common, bp_options); }; });
  auto* bp_ignore = bp->add_subcommand("ignore", "Mark drift at or below a path as intended");
  addCommon(*bp_ignore, common);
  bp_ignore->add_option("--tenant", bp_options.tenant, "Tenant name or id")->required();
  bp_ignore->add_option("--path", bp_options.path, "JSON Pointer, e.g. /budgets")->required();
  bp_ignore->add_option("--reason", bp_options.reason, "Why the drift is intended")->required();
  bp_ignore->add_option("--expires", bp_options.expires, "Lifetime, e.g. 7d (default), 12h");
  bp_ignore->callback([&] { action = [&] { return runBlueprintIgnore(common, bp_options); }; });
  auto* bp_preview = bp->add_subcommand("upgrade-preview",
                                        "Show the change to a newer version of the template");
  addCommon(*bp_preview, common);
  bp_preview->add_option("--tenant", bp_options.tenant, "Tenant name or id")->required();
  bp_preview->add_option("--to-version", bp_options.to_version, "Version (default: latest)");
  bp_preview->add_flag("--json", bp_options.json, "Print JSON");
  bp_preview->callback(
      [&] { action = [&] { return runBlueprintUpgradePreview(common, bp_options); }; });
  auto* bp_upgrade = bp->add_subcommand("upgrade", "Apply the previewed upgrade");
  addCommon(*bp_upgrade, common);
  bp_upgrade->add_option("--tenant", bp_options.tenant, "Tenant name or id")->required();
  bp_upgrade->add_option("--to-version", bp_options.to_version, "Version (default: latest)");
  bp_upgrade->add_option("--config-version", bp_options.config_version,
                         "Config version the approved preview was computed on (default: now)");
  bp_upgrade->callback([&] { action = [&] { return runBlueprintUpgrade(common, bp_options); }; });
  auto* bp_bench = bp->add_subcommand(
      "bench-drift", "Seed tenants in a throwaway data directory and time drift-detection cycles");
  addCommon(*bp_bench, common);
  bp_bench->add_option("--tenants", bp_options.tenants, "Tenants to create (default 10000)");
  bp_bench->add_option("--drifted-pct", bp_options.drifted_pct,
                       "Percent of them to drift (default 10)");
  bp_bench->callback(
      [&] { action = [&] { return runBlueprintBenchDrift(common, bp_options); }; });

  auto* query = app.add_subcommand("query", "Run an openCypher query on a dataset");
  QueryOptions query_options;
  addCommon(*query, common);
  query->add_option("--dataset", query_options.dataset, "Dataset id, TENANT/NAME, or NAME with --tenant")
      ->required();
  query->add_option("--tenant", query_options.tenant, "Tenant name or id");
  auto* query_text = query->add_option("query", query_options.query, "The query");
  auto* query_file = query->add_option("--file", query_options.file,
                                       "Run the statements of FILE (each ending with ';')");
  query_text->excludes(query_file);
  query->add_option("--param", query_options.params, "NAME=VALUE (VALUE as JSON, else a string)");
  query->add_flag("--json", query_options.json, "Print the result as JSON");
  query->add_option("--timeout", query_options.timeout, "Time limit, e.g. 30s");
  query->add_option("--planner", query_options.planner, "v1 (rule-based, default) or v2 (cost-based)")
      ->check(CLI::IsMember({"v1", "v2"}));
  query->callback([&] { action = [&] { return runQuery(common, query_options); }; });

  auto* import = app.add_subcommand("import", "Bulk-load CSV / JSON Lines files into a dataset");
  ImportOptions import_options;
  addCommon(*import, common);
  import->add_option("--dataset", import_options.dataset,
                     "Dataset id, TENANT/NAME, or NAME with --tenant")
      ->required();
  import->add_option("--tenant", import_options.tenant, "Tenant name or id");
  import->add_option("files", import_options.files, "Files to import")->required();
  import->callback([&] { action = [&] { return runImport(common, import_options); }; });

  auto* bench = app.add_subcommand("bench", "Measure query latency percentiles on a dataset");
  BenchOptions bench_options;
  addCommon(*bench, common);
  bench->add_option("--dataset", bench_options.dataset,
                    "Dataset id, TENANT/NAME, or NAME with --tenant")
      ->required();
  bench->add_option("--tenant", bench_options.tenant, "Tenant name or id");
  bench->add_option("--workload", bench_options.workload, "Operations file (// opId: NAME blocks)")
      ->required();
  bench->add_option("--params", bench_options.params, "params.json written by `maestro gen`");
  bench->add_option("--runs", bench_options.runs, "Measured runs per case (default 20)");
  bench->add_option("--warmup", bench_options.warmup, "Unmeasured runs per case (default 3)");
  bench->add_flag("--json", bench_options.json, "Print JSON");
  bench->add_option("--planner", bench_options.planner,
                    "v1, v2, or both: v1 against v2 interleaved, answers compared (default v1)")
      ->check(CLI::IsMember({"v1", "v2", "both"}));
  bench->add_option("--out", bench_options.out, "With --planner both: write the results JSON here");
  bench->add_option("--answers", bench_options.answers,
                    "With --planner both: write every case's rows of v1 and v2 (JSON) here");

  auto* planner = app.add_subcommand("planner", "Query planner tools");
  planner->require_subcommand(1);
  auto* planner_stats = planner->add_subcommand(
      "stats", "Compute a dataset's planner statistics and store them in its region");
  PlannerStatsOptions planner_stats_options;
  addCommon(*planner_stats, common);
  planner_stats->add_option("--dataset", planner_stats_options.dataset,
                            "Dataset id, TENANT/NAME, or NAME with --tenant")
      ->required();
  planner_stats->add_option("--tenant", planner_stats_options.tenant, "Tenant name or id");
  planner_stats->add_flag("--json", planner_stats_options.json, "Print every statistic as JSON");
  planner_stats->callback(
      [&] { action = [&] { return runPlannerStats(common, planner_stats_options); }; });
  bench->callback([&] { action = [&] { return runBench(common, bench_options); }; });

  auto* gen = app.add_subcommand("gen", "Write the benchmark data set (CSV) to a directory");
  GenOptions gen_options;
  gen->add_option("--scale", gen_options.scale, "Scale factor (1: ~100k people, ~1M relationships)");
  gen->add_option("--seed", gen_options.seed, "Random seed (same seed, same files)");
  gen->add_option("--out", gen_options.out, "Output directory")->required();
  gen->callback([&] { action = [&] { return runGen(gen_options); }; });

  app.add_subcommand("version", "Print the version")->callback([&] {
    action = [] {
      std::cout << "maestro " << MAESTRO_VERSION << "\n";
      return 0;
    };
  });

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "maestro: " << e.what() << "\n"
              << "Run 'maestro --help' (or 'maestro <command> --help') for usage.\n";
    return 2;
  }
  return guarded(action);
}
