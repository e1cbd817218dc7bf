// Planner activation per persisted operation (ADR-063 in the seed): each
// operation runs with planner v1, in shadow, or with v2, and a global
// rollback flag sends everything back to v1 at once.
//
// In shadow the active planner (v1) answers; on a sampled fraction of
// read-only runs the other planner executes too and the two results are
// compared by an order-insensitive fingerprint. In v2 the roles swap (v1
// is the shadow). Per operation and planner the service keeps the recent
// latencies (p50/p95) and counts shadow runs and mismatches. A mismatch
// raises an alert, blocks activation, and sends an operation running on
// v2 back to shadow; so does v2's p95 exceeding v1's by more than 5% (an
// alert, and activation refused). Every change is audited; metrics carry
// adoption, p95 per planner and the p95 delta per operation.
//
// Modes, counters and the flag live in the control store, so every server
// follows them (a server notices another's change within a second);
// latency windows are per process. Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "engine/main/database.h"
#include "features/planner/shadow.h"
#include "store/store.h"

namespace maestro::platform {
class Platform;
}
namespace maestro::auth {
struct Principal;
}

namespace maestro::planner {

enum class Mode { kV1, kShadow, kV2 };
// "v1", "shadow", "v2"; parseMode throws Error::badInput naming `mode`.
std::string_view modeName(Mode mode);
Mode parseMode(std::string_view text);

struct PlannerStats {
  size_t samples = 0;
  std::optional<double> p50_ms;
  std::optional<double> p95_ms;
};

struct OperationPlanner {
  std::string tenant_id;
  std::string op_id;
  Mode mode = Mode::kV1;
  double sample_rate = 0;
  int64_t shadow_runs = 0;
  int64_t mismatches = 0;
  PlannerStats v1, v2;
  // v2's p95 over v1's, minus one (0.07 = 7% slower); absent without both.
  std::optional<double> p95_delta;
  // Why activation (mode v2) would be refused now; absent when it would not.
  std::optional<std::string> activation_blocked;
};

struct PlannerControlOptions {
  double default_sample_rate = 0.1;
  double max_regression = 0.05;   // v2 p95 may exceed v1's by this fraction
  size_t min_samples = 20;        // per planner, before p95s are compared
  int64_t min_shadow_runs = 20;   // comparisons before activation
  size_t window = 1000;           // latencies kept per operation and planner
};

class PlannerControl {
 public:
  explicit PlannerControl(platform::Platform& platform, PlannerControlOptions options = {});

  static std::span<const store::Migration> migrations();

  // Which planner answers a run of the operation, and which (if any) runs
  // beside it as the shadow. Writes never get a shadow (they cannot run
  // twice).
  struct Decision {
    engine::PlannerVersion answer = engine::PlannerVersion::kV1;
    std::optional<engine::PlannerVersion> shadow;
  };
  Decision decide(const std::string& tenant_id, const std::string& op_id, bool read_only);
  // A run's latency under a planner (the answering run and shadow runs).
  void recordLatency(const std::string& tenant_id, const std::string& op_id,
                     engine::PlannerVersion planner, double ms);
  // The outcome of a shadow comparison.
  void recordComparison(const std::string& tenant_id, const std::string& op_id, bool match,
                        const std::string& detail);

  // Needs admin.write on the tenant (and the operation must exist). Moving
  // to v2 is refused with Error::conflict while activation is blocked or
  // the rollback flag is set; entering shadow starts a fresh trial
  // (counters reset). `sample_rate` in [0, 1].
  OperationPlanner setMode(const auth::Principal& who, const std::string& tenant_id,
                           const std::string& op_id, Mode mode,
                           std::optional<double> sample_rate);
  OperationPlanner status(const auth::Principal& who, const std::string& tenant_id,
                          const std::string& op_id);
  std::vector<OperationPlanner> list(const auth::Principal& who, const std::string& tenant_id);

  // The global rollback flag: platform principals with admin.write.
  void setRollback(const auth::Principal& who, bool enabled);
  bool rollback();

 private:
  struct Row {
    Mode mode = Mode::kV1;
    double sample_rate = 0;
    int64_t shadow_runs = 0;
    int64_t mismatches = 0;
  };
  struct Cached {
    Row row;
    int64_t fetched_ms = 0;
  };
  Row load(store::Connection& conn, const std::string& tenant_id, const std::string& op_id);
  Row cachedRow(const std::string& tenant_id, const std::string& op_id);
  OperationPlanner view(const std::string& tenant_id, const std::string& op_id, const Row& row);
  std::optional<std::string> blocked(const OperationPlanner& state) const;
  void alert(const std::string& tenant_id, const std::string& op_id, const std::string& kind,
             const Json& details);
  void publishAdoption();
  void forget(const std::string& tenant_id, const std::string& op_id);

  platform::Platform& platform_;
  PlannerControlOptions options_;
  std::mutex mutex_;
  std::map<std::string, Cached> rows_;  // key: tenant \n op
  std::map<std::string, LatencyWindow> windows_;  // key: tenant \n op \n planner
  std::map<std::string, bool> regression_alerted_;
  std::optional<std::pair<bool, int64_t>> rollback_;  // value, fetched at (ms)
  std::mt19937_64 rng_;
};

}  // namespace maestro::planner
