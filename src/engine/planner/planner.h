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
#include <string>
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

// v2 plans from `stats` (may be null: defaults are used and said so in the
// hints) and the parameter values. `stats_note` (may be empty) is added to
// the hints — e.g. that the statistics are stale. Throws Error::badInput
// for a hint it cannot honour.
Plan planQueryV2(const BoundQuery& query, const Graph& graph, const Parameters& params,
                 const stats::GraphStatistics* stats, const std::string& stats_note);

}  // namespace maestro::engine
