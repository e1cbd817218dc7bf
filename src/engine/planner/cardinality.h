// CardinalityEstimator — row counts and selectivities for planner v2.
//
// Reads the dataset's statistics (engine/stats) and the query's parameter
// values, which are known at plan time: an equality with a common value
// gets its MCV frequency, a range its histogram share, a known start node
// its real degree (stats hubs, or the graph when an index finds the node).
// Without statistics (missing, or a label/key they do not cover) it falls
// back to uniform defaults — live label counts, the average degree, fixed
// selectivities — and records what it defaulted in `fallbacks()`, which
// the planner prints among the plan's hints. Never throws on missing data.
// Borrowed references; one estimator per planned statement; not
// thread-safe.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/binder/bound_query.h"
#include "engine/expression/evaluator.h"
#include "engine/graph/graph.h"
#include "engine/stats/statistics.h"

namespace maestro::engine {

// Fixed selectivities for what statistics cannot answer (and for
// everything when there are none), the classic System R values.
struct DefaultSelectivity {
  static constexpr double kEquality = 0.1;
  static constexpr double kRange = 1.0 / 3.0;
  static constexpr double kOther = 0.3;
  static constexpr double kExists = 0.1;  // a pattern predicate holds
};

// What a slot holds, as far as the estimator cares.
struct SlotEntity {
  bool is_node = true;
  std::vector<std::string> names;  // labels (node) or types (relationship)
};

class CardinalityEstimator {
 public:
  CardinalityEstimator(const Graph& graph, const stats::GraphStatistics* stats,
                       const Parameters& params);

  bool hasStats() const { return stats_ != nullptr; }
  // The value of a literal or parameter expression, else nullopt.
  std::optional<Value> constant(const BoundExpr& e) const;

  // Nodes with all of `labels` (all nodes when empty).
  double nodeCount(const std::vector<std::string>& labels);
  // Share of the nodes having `label` (1 when unknown).
  double labelShare(const std::string& label);

  // Combined selectivity of conjuncts, each reading slots described by
  // `entities`. Range conjuncts on the same property are combined into one
  // range (t.ts >= $a AND t.ts < $b is one window, not two guesses).
  double selectivity(const std::vector<const BoundExpr*>& conjuncts,
                     const std::map<int, SlotEntity>& entities);

  // Average number of relationships of `types` in `dir` at a node with
  // `labels`; `reached_over` true when the node was itself reached over one
  // of these relationships (size-biased: E[d²]/E[d] − 1).
  double fanout(const std::vector<std::string>& labels, const std::vector<std::string>& types,
                Dir dir, bool reached_over);
  // Exact degree of known nodes (a plan-time probe).
  double degreeOf(const std::vector<NodeId>& nodes, const std::vector<std::string>& types,
                  Dir dir) const;
  // Share of relationships of `types` in `dir` whose other end has `label`.
  double endLabelShare(const std::vector<std::string>& types, Dir dir, const std::string& label);

  const std::set<std::string>& fallbacks() const { return fallbacks_; }

 private:
  double propertyEq(const SlotEntity& e, const std::string& key, const Value& v);
  double propertyRange(const SlotEntity& e, const std::string& key, const std::optional<Value>& lo,
                       bool lo_inc, const std::optional<Value>& hi, bool hi_inc);
  double propertyNullFraction(const SlotEntity& e, const std::string& key);
  const stats::PropertyStats* propertyStats(const SlotEntity& e, const std::string& key);
  double one(const BoundExpr& e, const std::map<int, SlotEntity>& entities);
  std::vector<std::string> allTypes() const;

  const Graph& graph_;
  const stats::GraphStatistics* stats_;
  const Parameters& params_;
  std::set<std::string> fallbacks_;
};

}  // namespace maestro::engine
