// Physical operators: the executor's building blocks.
//
// Operators form a tree and produce rows on demand (Volcano style): the
// consumer calls next() until it returns false. Every tree bottoms out in
// an Argument, which yields the row the tree was opened with — the empty
// row for a whole statement, the outer row for a subplan (OPTIONAL MATCH,
// MERGE, pattern predicates) — so "run this once per outer row" needs no
// special machinery. A Row is one flat vector of Values indexed by the
// binder's slots.
//
// Both planners (v1 rule-based, v2 cost-based) build trees of these same
// operators; each carries its estimates for EXPLAIN and its actual rows and
// time for PROFILE. Not thread-safe: a tree is executed by one thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/expression/evaluator.h"
#include "engine/graph/change_set.h"
#include "engine/graph/graph.h"

namespace maestro::engine {

struct ExecContext {
  Graph& graph;
  const Parameters& params;
  ChangeSet* changes = nullptr;  // null for read-only statements
  EvalContext eval;
  bool profile = false;
  std::chrono::steady_clock::time_point deadline{};  // time_since_epoch 0: none
  uint64_t ticks = 0;

  ExecContext(Graph& g, const Parameters& p, ChangeSet* c, SubplanRunner* runner)
      : graph(g), params(p), changes(c), eval{g, p, runner} {}

  // Throws Error::unavailable once the statement's time limit has passed.
  // Cheap: looks at the clock every 1024 calls.
  void checkDeadline() {
    if ((++ticks & 1023) == 0 && deadline.time_since_epoch().count() != 0 &&
        std::chrono::steady_clock::now() > deadline) {
      timedOut();
    }
  }
  [[noreturn]] void timedOut();
  ChangeSet& writer();  // the change set; Error::internal if read-only
};

class Operator {
 public:
  virtual ~Operator() = default;

  // Prepares to produce the rows for `argument`. The default opens the
  // first child with the same argument.
  virtual void open(ExecContext& ctx, const Row& argument);
  // Ends a run: drops what it left behind (buffered rows, hash tables, node
  // lists) and zeroes the actual rows and time, so that a plan kept for the
  // next run of its statement holds no results. The default closes the
  // children; an operator that keeps rows or tables overrides it.
  virtual void close();
  // Produces the next row into `row`; false when there are no more.
  bool pull(ExecContext& ctx, Row& row);

  // For EXPLAIN / PROFILE. The planner may describe an operator in the
  // query's own terms (variable names) with setDescription().
  virtual std::string name() const = 0;
  std::string describe() const { return description_.empty() ? details() : description_; }
  void setDescription(std::string d) { description_ = std::move(d); }
  const std::vector<std::unique_ptr<Operator>>& children() const { return children_; }
  Operator* child(size_t i = 0) const { return children_[i].get(); }
  void addChild(std::unique_ptr<Operator> op) { children_.push_back(std::move(op)); }

 protected:
  virtual std::string details() const { return {}; }

 public:

  double estimated_rows = -1;
  double estimated_cost = -1;
  int64_t actual_rows = 0;
  int64_t actual_nanos = 0;

 protected:
  virtual bool next(ExecContext& ctx, Row& row) = 0;

 private:
  std::vector<std::unique_ptr<Operator>> children_;
  std::string description_;
};

using OperatorPtr = std::unique_ptr<Operator>;

// The operator tree as indented text, with estimates (EXPLAIN) and actual
// rows, time and q-error (PROFILE).
std::string describePlan(const Operator& root, bool profile);

}  // namespace maestro::engine
