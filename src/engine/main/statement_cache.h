// StatementCache — compiled read statements kept for their next run.
//
// For a point query, parsing, binding and planning cost several times the
// execution (a profile lookup: about 170k of 190k instructions). So a read
// statement, once run, is kept with its plan and found again by what its
// compilation depended on: the text, the planner, the hints kept apart from
// the text, and the schema it was bound against; for planner v2, whose
// plans depend on them, also the parameter values and the statistics (with
// what they said about themselves). The database clears it when the graph
// is reloaded or the statistics change.
//
// A kept statement is taken out while it runs — an operator tree runs one
// statement at a time — and closed (its buffered rows and tables dropped)
// before it is put back; concurrent runs of one statement compile their
// own, and up to kCopies of them are kept. At most kCapacity statements
// are kept, the least recently used leaving first. Thread-safe.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/binder/bound_query.h"
#include "engine/main/database.h"
#include "engine/parser/ast.h"
#include "engine/planner/planner.h"
#include "engine/stats/statistics.h"

namespace maestro::engine {

// A compiled statement: the syntax tree, the bound query and its plan
// (whose operators point into the bound query), and the statistics it was
// planned with, kept alive while the plan is.
struct Compiled {
  ast::Query ast;
  BoundQuery bound;
  Plan plan;
  std::shared_ptr<const std::vector<std::string>> hints;  // plan.hints, for results
  std::shared_ptr<const stats::GraphStatistics> stats;
};

// What a compiled statement depended on; views into the caller's data.
struct StatementKey {
  PlannerVersion planner = PlannerVersion::kV1;
  std::string_view text;
  std::string_view hints;
  const Parameters* params = nullptr;  // v2: the values planned for
  const stats::GraphStatistics* stats = nullptr;
  std::string_view stats_note;
  uint64_t schema = 0;  // the catalog's names and indexes

  uint64_t hash() const;
};

class StatementCache {
 public:
  static constexpr size_t kCapacity = 256;
  static constexpr size_t kCopies = 2;

  // A kept statement compiled under `key`, taken out; null if none.
  // `hash` is key.hash(), computed once for the take and the put.
  std::unique_ptr<Compiled> take(const StatementKey& key, uint64_t hash);
  // Keeps a statement that has run (and been closed) under `key`.
  void put(const StatementKey& key, uint64_t hash, std::unique_ptr<Compiled> statement);
  void clear();
  size_t size() const;

 private:
  struct Entry {
    PlannerVersion planner;
    std::string text, hints;
    Parameters params;
    bool has_params = false;
    const stats::GraphStatistics* stats = nullptr;
    std::string stats_note;
    uint64_t schema = 0;
    std::vector<std::unique_ptr<Compiled>> idle;
    std::list<uint64_t>::iterator recent;

    bool matches(const StatementKey& key) const;
  };

  mutable std::mutex mutex_;
  std::unordered_map<uint64_t, Entry> entries_;
  std::list<uint64_t> recent_;  // hashes, most recently used first
};

}  // namespace maestro::engine
