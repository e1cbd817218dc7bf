// The engine's public interface: a Database per dataset, Connections to
// run queries on it, and the results they return.
//
// A Database holds one dataset's graph in memory, backed by its region's
// store (engine/storage/graph_store.h). Any number of Connections, on any
// threads, query it at once: reads run concurrently under a shared lock;
// a write statement runs alone under the exclusive lock, applies its
// changes in memory, commits them to the store as the dataset's next
// version, and either both happen or neither (on any failure the in-memory
// changes are rolled back). Before each statement the Database checks the
// store's head version and replays change records other processes
// committed, so a second server or a `maestro import` is seen at once.
//
// The engine knows nothing of tenants, tokens or HTTP.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/json.h"
#include "common/value.h"
#include "engine/graph/change_set.h"
#include "engine/graph/graph.h"
#include "engine/planner/calibration.h"

namespace maestro::store {
class Store;
}

namespace maestro::engine {

using Parameters = std::unordered_map<std::string, Value>;

// A JSON value as a Cypher value: objects become maps, arrays lists,
// integral numbers INTEGER, other numbers FLOAT. Query parameters from a
// JSON object (null: none); anything else is Error::badInput naming `what`.
Value valueFromJson(const Json& json);
Parameters parametersFromJson(const Json& params, std::string_view what = "params");

enum class PlannerVersion { kV1, kV2 };

class BindHook;  // binder/bind_hook.h: rewrites a bound query (privacy)

struct QueryOptions {
  PlannerVersion planner = PlannerVersion::kV1;
  std::chrono::milliseconds timeout{0};  // 0: none
  const BindHook* bind_hook = nullptr;
  bool read_only = false;  // refuse statements that write (Error::forbidden)
  // Planner hints kept apart from the text (a persisted operation's), as
  // `USING …` clauses: each goes to the first MATCH with its variable.
  std::string hints;
};

struct NodeSnapshot {
  uint64_t id = 0;
  std::vector<std::string> labels;
  ValueMap properties;
};

struct RelSnapshot {
  uint64_t id = 0;
  std::string type;
  uint64_t src = 0;
  uint64_t dst = 0;
  ValueMap properties;
};

struct QueryResult {
  std::vector<std::string> columns;
  std::vector<std::vector<Value>> rows;
  Counters counters;
  // Every node and relationship the rows refer to (directly or inside
  // lists, maps and paths), as they were when the statement finished.
  std::unordered_map<uint64_t, NodeSnapshot> nodes;
  std::unordered_map<uint64_t, RelSnapshot> rels;
  std::string plan;  // EXPLAIN / PROFILE: the operator tree, then the planner's hints
  // What the planner chose and why (every statement; shared with the kept
  // statement, never null once run).
  std::shared_ptr<const std::vector<std::string>> plan_hints;
  const std::vector<std::string>& planHints() const;
  // EXPLAIN and PROFILE: every operator in plan order (depth-first), with
  // its estimates (-1: none) and, under PROFILE, what it really produced.
  struct OperatorProfile {
    int depth = 0;
    std::string name;
    std::string detail;  // e.g. "p:Person(id)" for a NodeIndexSeek
    double estimated_rows = -1;
    double estimated_cost = -1;  // cumulative: the operator and its inputs
    int64_t actual_rows = 0;
  };
  std::vector<OperatorProfile> profile;
  // The planner's estimate of the plan's cost (-1 when it has none: v1),
  // and, once it ran, the cost model applied to what the operators really
  // did (planner/calibration.h) — the same units, for budgets.
  double estimated_cost = -1;
  double actual_cost = 0;
  int64_t version = 0;  // the dataset version the result reflects
  double compile_ms = 0;
  double execute_ms = 0;

  // {"columns": […], "rows": [[…]…], "counters": {…}, …}: nodes as
  // {"id", "labels", "properties"}, relationships as {"id", "type", "start",
  // "end", "properties"}, paths as {"nodes": […], "relationships": […]}.
  Json toJson() const;
  // A node as `(:A:B {k: 1})`, a relationship as `[:T {k: 1}]`, a path as
  // `<(:A)-[:T]->(:B)>` — the notation of the TCK.
  std::string render(const Value& v) const;
};

struct DatabaseOptions {
  // Replay at most this many change records before reloading instead.
  int64_t max_replay = 1000;
  // Planner statistics (engine/stats): recomputed automatically, when a
  // v2 plan is wanted, once the entities changed since they were computed
  // exceed this share of the entities they saw (or there are none).
  bool auto_statistics = true;
  double stale_fraction = 0.2;
  // Written into selectivity_hist.tenant_id; empty: the dataset id.
  std::string statistics_owner;
};

namespace stats {
struct GraphStatistics;
}

class Database {
 public:
  // Opens dataset `dataset_id` in `store` (creating its empty graph if it
  // has none yet) and loads it into memory. `store` must outlive the
  // Database.
  static std::unique_ptr<Database> open(store::Store& store, std::string dataset_id,
                                        DatabaseOptions options = {});
  ~Database();

  QueryResult execute(std::string_view query, const Parameters& params = {},
                      const QueryOptions& options = {});
  // Parses, binds and plans without executing: compile-time errors surface
  // here; the plan text is returned in QueryResult::plan.
  QueryResult explain(std::string_view query, const Parameters& params = {},
                      const QueryOptions& options = {});

  // Computes the planner statistics now, stores them in the region store
  // and uses them from the next statement on.
  std::shared_ptr<const stats::GraphStatistics> refreshStatistics();
  // The statistics in use (null: none), and whether they are stale.
  std::shared_ptr<const stats::GraphStatistics> statistics() const;
  bool statisticsStale() const;

  // What a statement of `cost` (planner units) should take on this
  // dataset, calibrated on the statements it has run (planner/calibration.h).
  LatencyEstimate estimateLatency(double cost) const;

  const std::string& datasetId() const;
  int64_t version() const;
  size_t nodeCount() const;
  size_t relCount() const;
  size_t memoryUsage() const;
  // Read statements kept compiled for their next run (statement_cache.h).
  size_t cachedStatements() const;

  // Runs `fn` with exclusive access to the graph and a ChangeSet, then
  // commits like a write statement (bulk imports use the bulk path).
  // Internal to the engine and its tools.
  struct Impl;
  Impl& impl() { return *impl_; }

 private:
  explicit Database(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// A handle for one caller: carries default options. Cheap; not shared
// between threads.
class Connection {
 public:
  explicit Connection(Database& db, QueryOptions defaults = {}) : db_(db), defaults_(defaults) {}
  QueryResult query(std::string_view text, const Parameters& params = {}) {
    return db_.execute(text, params, defaults_);
  }
  QueryOptions& options() { return defaults_; }

 private:
  Database& db_;
  QueryOptions defaults_;
};

}  // namespace maestro::engine
