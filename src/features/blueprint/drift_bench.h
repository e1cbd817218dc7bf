// The drift benchmark: seeds `tenants` tenants from default-secure, drifts
// `drifted_pct` percent of them (one field each, cycling through the kinds
// of drift), and times detection cycles: the first (which opens the drift
// records) and a steady one (nothing changed since). Used by
// `maestro blueprint bench-drift`; meant for a throwaway data directory.
#pragma once

#include <cstdint>

#include "common/json.h"

namespace maestro::platform {
class Platform;
}

namespace maestro::blueprint {

class Blueprints;

struct DriftBenchOptions {
  int64_t tenants = 10'000;
  int64_t drifted_pct = 10;
  int64_t seed_batch = 1000;  // tenants created per transaction
};

// Returns {tenants, drifted, seed_ms, first_cycle_ms, steady_cycle_ms,
// on_demand_ms, opened, …}.
Json runDriftBench(platform::Platform& platform, Blueprints& blueprints,
                   const DriftBenchOptions& options);

}  // namespace maestro::blueprint
