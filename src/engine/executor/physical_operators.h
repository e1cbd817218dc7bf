// The physical operators. Each reads its input from child(0) (an Argument
// at the leaves) unless noted. Expressions and patterns are borrowed from
// the BoundQuery / Plan that owns them and must outlive the operators.
// Label, type and key names are resolved against the catalog at open(), so
// a name created by an earlier clause of the same statement is found.
#pragma once

#include <deque>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "engine/binder/bound_query.h"
#include "engine/executor/operator.h"

namespace maestro::engine {

// Empties a container and gives its memory back (close()).
template <class C>
void releaseMemory(C& c) {
  C().swap(c);
}

// Yields the row the tree was opened with, once.
class ArgumentOp final : public Operator {
 public:
  void open(ExecContext& ctx, const Row& argument) override;
  std::string name() const override { return "Argument"; }

 protected:
  bool next(ExecContext& ctx, Row& row) override;

 private:
  Row argument_;
  bool done_ = true;
};

// For each input row, every live node (optionally with one label) into `slot`.
class NodeScanOp final : public Operator {
 public:
  NodeScanOp(int slot, std::string label) : slot_(slot), label_(std::move(label)) {}
  void open(ExecContext& ctx, const Row& argument) override;
  void close() override;
  std::string name() const override { return label_.empty() ? "AllNodesScan" : "NodeByLabelScan"; }
  std::string details() const override;

 protected:
  bool next(ExecContext& ctx, Row& row) override;

 private:
  int slot_;
  std::string label_;
  std::optional<LabelId> label_id_;
  bool label_missing_ = false;
  Row input_;
  bool have_input_ = false;
  std::vector<NodeId> nodes_;
  size_t pos_ = 0;
  NodeId next_id_ = 0;
};

// For each input row, the nodes with `label` whose `key` equals `value`
// (through the property index; a scan if the index has gone).
class IndexSeekOp final : public Operator {
 public:
  IndexSeekOp(int slot, std::string label, std::string key, const BoundExpr* value)
      : slot_(slot), label_(std::move(label)), key_(std::move(key)), value_(value) {}
  void open(ExecContext& ctx, const Row& argument) override;
  void close() override;
  std::string name() const override { return "NodeIndexSeek"; }
  std::string details() const override;

 protected:
  bool next(ExecContext& ctx, Row& row) override;

 private:
  int slot_;
  std::string label_, key_;
  const BoundExpr* value_;
  Row input_;
  std::vector<NodeId> nodes_;
  size_t pos_ = 0;
  bool have_input_ = false;
};

// Expands from the node in `from` along relationships of `types` in `dir`
// into `rel` and `to`. With `into`, `to` is already bound and only
// relationships reaching it qualify. Relationships already bound in
// `unique_slots` (single relationships or lists) are skipped: a pattern
// never uses one relationship twice.
class ExpandOp final : public Operator {
 public:
  ExpandOp(int from, int rel, int to, std::vector<std::string> types, Dir dir, bool into,
           std::vector<int> unique_slots)
      : from_(from), rel_(rel), to_(to), types_(std::move(types)), dir_(dir), into_(into),
        unique_slots_(std::move(unique_slots)) {}
  void open(ExecContext& ctx, const Row& argument) override;
  void close() override;
  std::string name() const override { return into_ ? "ExpandInto" : "Expand"; }
  std::string details() const override;
  // The relationship is already bound (by an earlier clause) in `rel`: only
  // it qualifies.
  void setBoundRel() { bound_rel_ = true; }
  // ExpandInto only: per row, walk the adjacency of whichever end has the
  // smaller degree (a hub on one side then costs nothing). Planner v2.
  void setIntoFromSmallerSide() { smaller_side_ = true; }

 protected:
  bool next(ExecContext& ctx, Row& row) override;

 private:
  bool bound_rel_ = false;
  bool smaller_side_ = false;
  int from_, rel_, to_;
  std::vector<std::string> types_;
  std::vector<RelTypeId> type_ids_;
  bool no_type_matches_ = false;
  Dir dir_;
  bool into_;
  std::vector<int> unique_slots_;
  Row input_;
  std::vector<Adjacent> adjacent_;
  size_t pos_ = 0;
  bool have_input_ = false;
  // ExpandInto from the smaller side: the last walking end and its degree.
  static constexpr NodeId kNoWalk = ~NodeId{0};
  NodeId last_walk_ = kNoWalk;
  size_t last_walk_degree_ = 0;
};

// Variable-length expansion: every path of min..max relationships (each
// relationship at most once per path, each matching `rel_props`) from
// `from`, binding the list of relationships into `rel` and the end into `to`.
class VarExpandOp final : public Operator {
 public:
  VarExpandOp(int from, int rel, int to, std::vector<std::string> types, Dir dir, int64_t min_hops,
              int64_t max_hops, bool into, std::vector<int> unique_slots,
              std::vector<std::pair<std::string, const BoundExpr*>> rel_props)
      : from_(from), rel_(rel), to_(to), types_(std::move(types)), dir_(dir), min_(min_hops),
        max_(max_hops), into_(into), unique_slots_(std::move(unique_slots)),
        rel_props_(std::move(rel_props)) {}
  void open(ExecContext& ctx, const Row& argument) override;
  void close() override;
  std::string name() const override {
    return distinct_ends_ ? "VarLengthExpand(Pruning)" : "VarLengthExpand";
  }
  std::string details() const override;
  // Each end node once per input row, found breadth-first, instead of one
  // row per path; the relationship list is left null. Only for a planner
  // that knows the rows feed a DISTINCT and the list is never read, with
  // min_hops ≤ 1, a bounded max_hops and `into` off (planner v2). Exact
  // under relationship uniqueness: a node at BFS distance d ≥ 1 is the end
  // of a shortest path, which repeats no relationship; the start node
  // itself (distance 0) is an end only through a closed trail, which is
  // searched for separately.
  void setDistinctEnds() { distinct_ends_ = true; }

 protected:
  bool next(ExecContext& ctx, Row& row) override;

 private:
  bool relMatches(ExecContext& ctx, RelId rel, Row& row);
  void reachable(ExecContext& ctx);
  bool closedTrail(ExecContext& ctx, NodeId start);
  bool distinct_ends_ = false;
  std::vector<NodeId> ends_;
  size_t end_pos_ = 0;
  int from_, rel_, to_;
  std::vector<std::string> types_;
  std::vector<RelTypeId> type_ids_;
  bool no_type_matches_ = false;
  Dir dir_;
  int64_t min_, max_;
  bool into_;
  std::vector<int> unique_slots_;
  std::vector<std::pair<std::string, const BoundExpr*>> rel_props_;
  Row input_;
  bool have_input_ = false;
  // Depth-first search state: one frame per relationship on the path.
  struct Frame {
    std::vector<Adjacent> candidates;
    size_t next = 0;
  };
  std::vector<Frame> stack_;
  std::vector<RelId> path_rels_;
  std::vector<NodeId> path_nodes_;
  bool emitted_zero_ = false;
};

// A variable-length pattern whose relationship list is already bound (by an
// earlier clause): from `from`, follow exactly the relationships in `list`,
// in order, each of one of `types` and in direction `dir`, reaching `to`.
class FollowRelListOp final : public Operator {
 public:
  FollowRelListOp(int from, int list, int to, std::vector<std::string> types, Dir dir, bool into)
      : from_(from), list_(list), to_(to), types_(std::move(types)), dir_(dir), into_(into) {}
  void open(ExecContext& ctx, const Row& argument) override;
  std::string name() const override { return "FollowRelationshipList"; }

 protected:
  bool next(ExecContext& ctx, Row& row) override;

 private:
  int from_, list_, to_;
  std::vector<std::string> types_;
  std::vector<RelTypeId> type_ids_;
  bool no_type_matches_ = false;
  Dir dir_;
  bool into_;
};

// shortestPath / allShortestPaths between the bound nodes `from` and `to`,
// binding the relationship list into `rel`: breadth-first from `from`.
class ShortestPathOp final : public Operator {
 public:
  ShortestPathOp(int from, int rel, int to, std::vector<std::string> types, Dir dir,
                 int64_t min_hops, int64_t max_hops, bool all)
      : from_(from), rel_(rel), to_(to), types_(std::move(types)), dir_(dir), min_(min_hops),
        max_(max_hops), all_(all) {}
  void open(ExecContext& ctx, const Row& argument) override;
  void close() override;
  std::string name() const override { return all_ ? "AllShortestPaths" : "ShortestPath"; }
  std::string details() const override;
  // Search from both ends, always expanding the side whose frontier has
  // fewer relationships to walk: the side to start from (and to go on
  // from) is chosen per row, at run time, from the real degrees. Planner v2.
  void setBidirectional() { bidirectional_ = true; }

 protected:
  bool next(ExecContext& ctx, Row& row) override;

 private:
  void search(ExecContext& ctx, const Row& row);
  void searchFromLeft(ExecContext& ctx, NodeId source, NodeId target);
  bool bidirectional_ = false;
  int from_, rel_, to_;
  std::vector<std::string> types_;
  std::vector<RelTypeId> type_ids_;
  bool no_type_matches_ = false;
  Dir dir_;
  int64_t min_, max_;
  bool all_;
  Row input_;
  std::vector<std::vector<RelId>> results_;
  size_t pos_ = 0;
  bool have_input_ = false;
};

// Node hash join: the rows of child(1) (the build side) are materialised,
// keyed by the nodes in `join_slots`, the first time a row is asked for;
// each row of child(0) (the probe side) then yields one row per build row
// with the same nodes, with the build side's `build_slots` copied in. Both
// children are opened with the join's argument, so the build side may read
// the argument's slots but nothing the probe side binds. A pattern uses a
// relationship once: a pair whose `probe_rels` and `build_rels` slots
// (single relationships or lists) share one is dropped. Rows whose join
// slots do not all hold nodes never match. Planner v2.
class HashJoinOp final : public Operator {
 public:
  HashJoinOp(std::vector<int> join_slots, std::vector<int> build_slots, std::vector<int> probe_rels,
             std::vector<int> build_rels)
      : join_slots_(std::move(join_slots)), build_slots_(std::move(build_slots)),
        probe_rels_(std::move(probe_rels)), build_rels_(std::move(build_rels)) {}
  void open(ExecContext& ctx, const Row& argument) override;
  void close() override;
  std::string name() const override { return "NodeHashJoin"; }
  std::string details() const override;
  size_t buildRows() const { return build_count_; }

 protected:
  bool next(ExecContext& ctx, Row& row) override;

 private:
  bool key(const Row& row, std::vector<NodeId>& out) const;
  void build(ExecContext& ctx);
  bool overlaps(const Row& probe, size_t build_row) const;
  std::vector<int> join_slots_, build_slots_, probe_rels_, build_rels_;
  Row argument_;
  bool built_ = false;
  // Build rows, flat: key (join_slots_.size() ids) and values (build_slots_.size()).
  std::vector<NodeId> build_keys_;
  std::vector<Value> build_values_;
  size_t build_count_ = 0;
  std::unordered_map<uint64_t, std::vector<uint32_t>> table_;  // key hash → build rows
  Row probe_;
  std::vector<NodeId> probe_key_;
  const std::vector<uint32_t>* matches_ = nullptr;
  size_t match_pos_ = 0;
};

// Builds the path value of `p = …` from its node and relationship slots.
class BuildPathOp final : public Operator {
 public:
  struct Step {
    int slot;
    bool rel_list;  // a variable-length relationship list
  };
  BuildPathOp(int slot, int first_node, std::vector<Step> rels) :
      slot_(slot), first_node_(first_node), rels_(std::move(rels)) {}
  std::string name() const override { return "BuildPath"; }

 protected:
  bool next(ExecContext& ctx, Row& row) override;

 private:
  int slot_;
  int first_node_;
  std::vector<Step> rels_;
};

class FilterOp final : public Operator {
 public:
  explicit FilterOp(std::vector<const BoundExpr*> predicates) : predicates_(std::move(predicates)) {}
  std::string name() const override { return "Filter"; }
  std::string details() const override;

 protected:
  bool next(ExecContext& ctx, Row& row) override;

 private:
  std::vector<const BoundExpr*> predicates_;
};

class ProjectOp final : public Operator {
 public:
  explicit ProjectOp(std::vector<std::pair<int, const BoundExpr*>> items) : items_(std::move(items)) {}
  std::string name() const override { return "Projection"; }
  std::string details() const override;

 protected:
  bool next(ExecContext& ctx, Row& row) override;

 private:
  std::vector<std::pair<int, const BoundExpr*>> items_;
  std::vector<Value> scratch_;
};

class UnwindOp final : public Operator {
 public:
  UnwindOp(const BoundExpr* list, int slot) : list_(list), slot_(slot) {}
  void open(ExecContext& ctx, const Row& argument) override;
  void close() override;
  std::string name() const override { return "Unwind"; }
  std::string details() const override;

 protected:
  bool next(ExecContext& ctx, Row& row) override;

 private:
  const BoundExpr* list_;
  int slot_;
  Row input_;
  Value items_;
  size_t pos_ = 0;
  bool have_input_ = false;
};

// Groups by the key expressions and computes the aggregates per group.
// Output rows hold the key slots and aggregate slots (other slots null).
class AggregateOp final : public Operator {
 public:
  AggregateOp(std::vector<std::pair<int, const BoundExpr*>> keys,
              const std::vector<BoundAggregate>* aggregates, int num_slots)
      : keys_(std::move(keys)), aggregates_(aggregates), num_slots_(num_slots) {}
  void open(ExecContext& ctx, const Row& argument) override;
  void close() override;
  std::string name() const override { return keys_.empty() ? "Aggregate" : "GroupAggregate"; }
  std::string details() const override;
  const std::vector<std::pair<int, const BoundExpr*>>& keys() const { return keys_; }

 protected:
  bool next(ExecContext& ctx, Row& row) override;

 private:
  void consume(ExecContext& ctx);
  std::vector<std::pair<int, const BoundExpr*>> keys_;
  const std::vector<BoundAggregate>* aggregates_;
  int num_slots_;
  std::vector<Row> output_;
  size_t pos_ = 0;
  bool consumed_ = false;
};

class DistinctOp final : public Operator {
 public:
  explicit DistinctOp(std::vector<int> slots) : slots_(std::move(slots)) {}
  void open(ExecContext& ctx, const Row& argument) override;
  void close() override;
  std::string name() const override { return "Distinct"; }

 protected:
  bool next(ExecContext& ctx, Row& row) override;

 private:
  struct KeyHash {
    size_t operator()(const std::vector<Value>& k) const;
  };
  struct KeyEq {
    bool operator()(const std::vector<Value>& a, const std::vector<Value>& b) const;
  };
  std::vector<int> slots_;
  std::unordered_set<std::vector<Value>, KeyHash, KeyEq> seen_;
};

// Sorts all input rows (stable); with `limit` keeps only the first rows
// (top-k) — `limit` and `skip` are evaluated at open().
class SortOp final : public Operator {
 public:
  SortOp(std::vector<std::pair<const BoundExpr*, bool>> keys, const BoundExpr* skip,
         const BoundExpr* limit)
      : keys_(std::move(keys)), skip_(skip), limit_(limit) {}
  void open(ExecContext& ctx, const Row& argument) override;
  void close() override;
  std::string name() const override { return limit_ ? "Top" : "Sort"; }
  std::string details() const override;
  const BoundExpr* skipExpr() const { return skip_; }
  const BoundExpr* limitExpr() const { return limit_; }

 protected:
  bool next(ExecContext& ctx, Row& row) override;

 private:
  std::vector<std::pair<const BoundExpr*, bool>> keys_;
  const BoundExpr* skip_;
  const BoundExpr* limit_;
  std::vector<Row> rows_;
  size_t pos_ = 0;
  bool sorted_ = false;
};

// SKIP and LIMIT (either may be absent); evaluated at open().
class SkipLimitOp final : public Operator {
 public:
  SkipLimitOp(const BoundExpr* skip, const BoundExpr* limit) : skip_(skip), limit_(limit) {}
  void open(ExecContext& ctx, const Row& argument) override;
  std::string name() const override { return limit_ ? "Limit" : "Skip"; }
  std::string details() const override;
  const BoundExpr* skipExpr() const { return skip_; }
  const BoundExpr* limitExpr() const { return limit_; }

 protected:
  bool next(ExecContext& ctx, Row& row) override;

 private:
  const BoundExpr* skip_;
  const BoundExpr* limit_;
  int64_t to_skip_ = 0;
  int64_t remaining_ = -1;
};

// For each row of child(0), the rows of child(1) opened with it; if child(1)
// yields none, the row itself with `null_slots` set to null (OPTIONAL MATCH).
// Without `optional`, rows of child(0) without matches are dropped (Apply).
class ApplyOp final : public Operator {
 public:
  ApplyOp(bool optional, std::vector<int> null_slots)
      : optional_(optional), null_slots_(std::move(null_slots)) {}
  void open(ExecContext& ctx, const Row& argument) override;
  std::string name() const override { return optional_ ? "Optional" : "Apply"; }

 protected:
  bool next(ExecContext& ctx, Row& row) override;

 private:
  bool optional_;
  std::vector<int> null_slots_;
  Row outer_;
  bool have_outer_ = false;
  bool inner_matched_ = false;
};

// UNION ALL: rows of child(0), then rows of child(1) with its output slots
// copied into child(0)'s. (UNION adds a Distinct on top.)
class UnionOp final : public Operator {
 public:
  UnionOp(std::vector<int> left_slots, std::vector<int> right_slots)
      : left_slots_(std::move(left_slots)), right_slots_(std::move(right_slots)) {}
  void open(ExecContext& ctx, const Row& argument) override;
  std::string name() const override { return "Union"; }

 protected:
  bool next(ExecContext& ctx, Row& row) override;

 private:
  std::vector<int> left_slots_, right_slots_;
  bool left_done_ = false;
  Row argument_;
  Row scratch_;
};

// Materialises all input rows when opened, so that an updating clause runs
// completely (and never sees its own effects on the clause before it) before
// anything after it reads.
class EagerOp final : public Operator {
 public:
  void open(ExecContext& ctx, const Row& argument) override;
  void close() override;
  std::string name() const override { return "Eager"; }

 protected:
  bool next(ExecContext& ctx, Row& row) override;

 private:
  std::deque<Row> rows_;
};

// ---- updating operators ------------------------------------------------------

class CreateOp final : public Operator {
 public:
  explicit CreateOp(const QueryGraph* graph) : graph_(graph) {}
  std::string name() const override { return "Create"; }

 protected:
  bool next(ExecContext& ctx, Row& row) override;

 private:
  const QueryGraph* graph_;
};

// MERGE: child(1) matches the pattern given the input row (an Argument
// leaf); if nothing matches, the pattern is created.
class MergeOp final : public Operator {
 public:
  explicit MergeOp(const BoundMerge* merge) : merge_(merge) {}
  void open(ExecContext& ctx, const Row& argument) override;
  std::string name() const override { return "Merge"; }

 protected:
  bool next(ExecContext& ctx, Row& row) override;

 private:
  const BoundMerge* merge_;
  std::deque<Row> pending_;
};

class SetOp final : public Operator {
 public:
  explicit SetOp(const std::vector<BoundSetItem>* items) : items_(items) {}
  std::string name() const override { return "SetProperties"; }

 protected:
  bool next(ExecContext& ctx, Row& row) override;

 private:
  const std::vector<BoundSetItem>* items_;
};

class RemoveOp final : public Operator {
 public:
  explicit RemoveOp(const BoundRemove* remove) : remove_(remove) {}
  std::string name() const override { return "Remove"; }

 protected:
  bool next(ExecContext& ctx, Row& row) override;

 private:
  const BoundRemove* remove_;
};

// Deletes relationships as rows arrive and nodes once all rows are in, so
// `DELETE n, r` works whatever the order.
class DeleteOp final : public Operator {
 public:
  explicit DeleteOp(const BoundDelete* del) : del_(del) {}
  void open(ExecContext& ctx, const Row& argument) override;
  std::string name() const override { return del_->detach ? "DetachDelete" : "Delete"; }

 protected:
  bool next(ExecContext& ctx, Row& row) override;

 private:
  const BoundDelete* del_;
  std::deque<Row> rows_;
  bool done_ = false;
};

class SchemaOp final : public Operator {
 public:
  explicit SchemaOp(const BoundClause* clause) : clause_(clause) {}
  std::string name() const override;

 protected:
  bool next(ExecContext& ctx, Row& row) override;

 private:
  const BoundClause* clause_;
};

// Applies one SET item to a row (shared by SET and MERGE's ON CREATE/MATCH).
void applySetItem(ExecContext& ctx, const BoundSetItem& item, Row& row);
// Creates the unbound parts of `graph` for one row (CREATE and MERGE).
void createPattern(ExecContext& ctx, const QueryGraph& graph, Row& row);

}  // namespace maestro::engine
