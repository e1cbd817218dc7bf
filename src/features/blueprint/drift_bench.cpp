#include "features/blueprint/drift_bench.h"

#include <chrono>

#include "common/clock.h"
#include "common/error.h"
#include "features/blueprint/blueprints.h"
#include "platform/auth/principal.h"
#include "platform/platform.h"

namespace maestro::blueprint {
namespace {

double msSince(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

// One drift per kind, in turn: scalar change, added key, removed key, list
// change, nested object change, type change.
void drift(Json& config, int64_t i) {
  switch (i % 6) {
    case 0:
      config["privacy"]["k"] = 3;
      break;
    case 1:
      config["budgets"]["coffee_usd_day"] = 5;
      break;
    case 2:
      config["slo"].erase("write_p95_ms");
      break;
    case 3:
      config["alerts"].push_back("quota95");
      break;
    case 4:
      config["policies"]["token_ttls"]["access"] = "8h";
      break;
    default:
      config["policies"]["persisted_operations_only"] = "no";
      break;
  }
}

}  // namespace

Json runDriftBench(platform::Platform& platform, Blueprints& blueprints,
                   const DriftBenchOptions& o) {
  if (o.tenants < 1 || o.tenants > 1'000'000) {
    throw Error::badInput("--tenants: must be between 1 and 1000000", "tenants");
  }
  if (o.drifted_pct < 0 || o.drifted_pct > 100) {
    throw Error::badInput("--drifted-pct: must be between 0 and 100", "drifted-pct");
  }
  auto op = auth::Principal::localOperator();
  std::string prefix =
      "bench-" + std::to_string(platform.clock().nowMillis() % 1'000'000'000) + "-";
  auto t0 = std::chrono::steady_clock::now();
  std::vector<tenancy::Tenant> created;
  for (int64_t start = 0; start < o.tenants; start += o.seed_batch) {
    std::vector<NewBlueprintTenant> batch;
    for (int64_t i = start; i < std::min(o.tenants, start + o.seed_batch); ++i) {
      batch.push_back(
          {prefix + std::to_string(i), "default-secure", Json::object(), std::nullopt, false});
    }
    auto part = blueprints.createTenants(op, batch);
    created.insert(created.end(), part.begin(), part.end());
  }
  int64_t every = o.drifted_pct == 0 ? 0 : std::max<int64_t>(1, 100 / o.drifted_pct);
  int64_t drifted = 0;
  {
    auto lease = platform.control().acquire();
    store::Transaction tx(*lease, store::TxMode::kWrite);
    for (size_t i = 0; every != 0 && i < created.size(); i += every) {
      Json config = created[i].config;
      drift(config, drifted);
      platform.tenancy().updateConfig(*lease, op, created[i].id, config, created[i].config_version);
      ++drifted;
    }
    tx.commit();
  }
  double seed_ms = msSince(t0);

  CycleStats first = blueprints.runCycle();
  CycleStats steady = blueprints.runCycle();
  auto t1 = std::chrono::steady_clock::now();
  blueprints.detect(op, created.front().id);
  double on_demand_ms = msSince(t1);

  return {{"tenants_created", created.size()},
          {"tenants_checked", steady.tenants},
          {"drifted", drifted},
          {"seed_ms", seed_ms},
          {"first_cycle_ms", first.elapsed_ms},
          {"first_cycle_opened", first.opened},
          {"steady_cycle_ms", steady.elapsed_ms},
          {"steady_cycle_drifted", steady.drifted},
          {"on_demand_detect_ms", on_demand_ms}};
}

}  // namespace maestro::blueprint
