// Planner — BoundQuery → a tree of physical operators.
//
// v1 (this file's planQueryV1) is rule-based and deliberately simple, so it
// stays an honest baseline: a MATCH starts from an index seek when some
// pattern node has an indexed equality, else from the first node of the
// pattern (by label if it has one), and expands the pattern left to right;
// each predicate is applied as soon as the variables it reads are bound.
// The cost-based v2 (planner_v2.cpp) builds the same operators from other
// choices: cardinality.h estimates, cost_model.h prices, and it enumerates
// start nodes and expansion orders.
//
// The Plan owns the expressions the planner synthesises (inline property
// predicates, label checks); the rest are borrowed from the BoundQuery,
// which must outlive the Plan. Updating queries get an Eager between
// clauses, so every clause sees the whole effect of the one before.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/binder/bound_query.h"
#include "engine/executor/operator.h"
#include "engine/graph/graph.h"

namespace maestro::engine {

struct Plan {
  OperatorPtr root;
  std::vector<BoundExprPtr> owned;
  std::vector<int> output_slots;
  std::vector<std::string> columns;
  int num_slots = 0;  // including slots the planner added
  std::vector<std::string> hints;  // what the planner chose and why (EXPLAIN, planPreview)
};

namespace stats {
struct GraphStatistics;
}

// v1 plans without looking at data or parameters.
Plan planQueryV1(const BoundQuery& query, const Graph& graph);

// PlanChoiceCache — planner v2's choices (access paths, start nodes,
// expansion order and side, estimates) per key: the caller's key names the
// statement text, the parameter values and the statistics the choices were
// made from. A repeated statement then skips the enumeration; its operators
// are still built fresh (they hold execution state). Thread-safe; bounded
// (forgets everything when full).
class PlanChoiceCache {
 public:
  struct Entry;  // planner_v2.cpp
  std::shared_ptr<const Entry> find(const std::string& key) const;
  void put(const std::string& key, std::shared_ptr<const Entry> entry);
  void clear();

 private:
  static constexpr size_t kCapacity = 2048;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<const Entry>> entries_;
};

// v2 plans from `stats` (may be null: defaults are used and said so in the
// hints) and the parameter values. `stats_note` (may be empty) is added to
// the hints — e.g. that the statistics are stale. With a `cache`, choices
// are looked up and remembered under `cache_key`. Throws Error::badInput
// for a hint it cannot honour.
Plan planQueryV2(const BoundQuery& query, const Graph& graph, const Parameters& params,
                 const stats::GraphStatistics* stats, const std::string& stats_note,
                 PlanChoiceCache* cache = nullptr, const std::string& cache_key = {});

}  // namespace maestro::engine
