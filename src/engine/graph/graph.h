// Graph — one dataset's property graph, in memory.
//
// Nodes and relationships have dense internal ids assigned in creation
// order and never reused (a deleted id stays a tombstone). Each node keeps
// its labels and properties; each relationship its type, endpoints and
// properties. Adjacency is kept per relationship type and direction in a
// compact CSR layout built at load time, with a per-node delta for
// relationships added since, and tombstones for deleted ones; compact()
// folds the delta back into CSR. Property indexes (one per (label, key))
// answer equality through a hash map and ranges through an ordered map.
// Every node with a label is also findable through that label's list.
//
// Thread-safety: none inside. The owner (engine/main's Dataset) guards a
// Graph with a shared mutex: any number of readers, or one writer.
// Mutations are made through ChangeSet (change_set.h), which records what
// it did so it can be undone and persisted; the mutators below are its
// building blocks and keep every structure (labels, adjacency, indexes)
// consistent.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <unordered_map>
#include <vector>

#include "common/value.h"
#include "engine/catalog/catalog.h"

namespace maestro::engine {

using NodeId = uint64_t;
using RelId = uint64_t;

// A small property map: (key, value) pairs sorted by key; values are never
// null (setting null removes the key).
class Properties {
 public:
  const Value* get(PropKeyId key) const;
  // Returns the previous value (null Value if absent). Null removes.
  Value set(PropKeyId key, Value value);
  void clear() { entries_.clear(); }
  bool empty() const { return entries_.empty(); }
  size_t size() const { return entries_.size(); }
  const std::vector<std::pair<PropKeyId, Value>>& entries() const { return entries_; }

 private:
  std::vector<std::pair<PropKeyId, Value>> entries_;
};

struct NodeRecord {
  bool alive = false;
  std::vector<LabelId> labels;  // sorted, unique
  Properties properties;
};

struct RelRecord {
  bool alive = false;
  RelTypeId type = 0;
  NodeId src = 0;
  NodeId dst = 0;
  Properties properties;
};

enum class Dir { kOut, kIn, kBoth };

// One adjacency entry as seen from a node.
struct Adjacent {
  RelId rel;
  NodeId other;  // the node at the other end (the node itself for a self-loop)
  bool outgoing; // true when the node is the relationship's start
};

// One property index: the nodes with a label whose property `key` is set,
// by value. Owned by its Graph and maintained by the Graph's mutators.
// Equality goes through a hash map under Cypher equivalence (1 ≡ 1.0);
// ranges walk an ordered set of the same buckets. Id lists are sorted.
// Thread-safety: as the Graph's.
class PropertyIndex {
 public:
  // Nodes whose value equals `v` (Cypher equality; 1 finds 1 and 1.0), in
  // id order. Null and NaN equal nothing.
  std::vector<NodeId> equal(const Value& v) const;
  // Nodes whose value lies within the bounds (comparable values of the same
  // kind as the bounds only: numbers with numbers, strings with strings),
  // in value order. No bound at all, or bounds of different kinds, or a
  // null/NaN bound: nothing.
  std::vector<NodeId> range(const std::optional<Value>& lower, bool lower_inclusive,
                            const std::optional<Value>& upper, bool upper_inclusive) const;
  size_t size() const { return count_; }
  size_t distinctValues() const { return hash_.size(); }

  void add(const Value& v, NodeId node);
  void remove(const Value& v, NodeId node);

  // Approximate heap bytes held.
  size_t memoryUsage() const;

 private:
  using Bucket = std::vector<NodeId>;  // sorted, unique
  using HashMap = std::unordered_map<Value, Bucket, ValueHash, ValueEquivalent>;
  using Entry = HashMap::value_type;
  // Orders pointers to hash entries by their key; hash-map nodes never move,
  // so the ordered side costs one pointer per distinct value, not a second
  // copy of the id lists.
  struct OrderLess {
    using is_transparent = void;
    bool operator()(const Entry* a, const Entry* b) const {
      return orderCompare(a->first, b->first) < 0;
    }
    bool operator()(const Entry* a, const Value& b) const { return orderCompare(a->first, b) < 0; }
    bool operator()(const Value& a, const Entry* b) const { return orderCompare(a, b->first) < 0; }
  };
  HashMap hash_;
  std::multiset<const Entry*, OrderLess> ordered_;
  size_t count_ = 0;
};

class Graph {
 public:
  Graph();
  ~Graph();
  Graph(const Graph&) = delete;
  Graph& operator=(const Graph&) = delete;

  Catalog& catalog() { return catalog_; }
  const Catalog& catalog() const { return catalog_; }

  // ---- reads ----
  NodeId nodeIdLimit() const { return nodes_.size(); }  // every id is below this
  RelId relIdLimit() const { return rels_.size(); }
  size_t nodeCount() const { return live_nodes_; }
  size_t relCount() const { return live_rels_; }

  bool nodeAlive(NodeId id) const { return id < nodes_.size() && nodes_[id].alive; }
  bool relAlive(RelId id) const { return id < rels_.size() && rels_[id].alive; }
  // Precondition: alive.
  const NodeRecord& node(NodeId id) const { return nodes_[id]; }
  const RelRecord& rel(RelId id) const { return rels_[id]; }
  bool hasLabel(NodeId id, LabelId label) const;

  // Live nodes carrying `label`, in id order.
  std::vector<NodeId> nodesWithLabel(LabelId label) const;
  size_t labelCount(LabelId label) const;
  // Calls `fn` for every live node in id order; stops when it returns false.
  void forEachNode(const std::function<bool(NodeId)>& fn) const;
  void forEachRel(const std::function<bool(RelId)>& fn) const;

  // Calls `fn` for each live relationship at `node` in direction `dir`
  // whose type is in `types` (empty: any type); stops when it returns false.
  // With kBoth a self-loop is reported once.
  void forEachAdjacent(NodeId node, Dir dir, std::span<const RelTypeId> types,
                       const std::function<bool(const Adjacent&)>& fn) const;
  size_t degree(NodeId node, Dir dir, std::span<const RelTypeId> types) const;

  const PropertyIndex* index(LabelId label, PropKeyId key) const;

  // ---- mutations (ChangeSet's building blocks; see the class comment) ----
  NodeId addNode(std::vector<LabelId> labels, Properties props);
  // Re-creates a node with a known id (replay and load); ids above the
  // current limit leave tombstones in between.
  void putNode(NodeId id, std::vector<LabelId> labels, Properties props);
  RelId addRel(RelTypeId type, NodeId src, NodeId dst, Properties props);
  void putRel(RelId id, RelTypeId type, NodeId src, NodeId dst, Properties props);
  // Precondition: no live relationships (the caller checks and reports).
  void removeNode(NodeId id);
  void removeRel(RelId id);
  // Returns the previous value (null if absent). A null value removes.
  Value setNodeProperty(NodeId id, PropKeyId key, Value value);
  Value setRelProperty(RelId id, PropKeyId key, Value value);
  // Return whether anything changed.
  bool addLabel(NodeId id, LabelId label);
  bool removeLabel(NodeId id, LabelId label);
  // Registers `def` in the catalog (unless that very index is already
  // there; Error::conflict if another one clashes) and builds the index
  // from the current nodes.
  void createIndex(const IndexDef& def);
  void dropIndex(std::string_view name);  // from the catalog too; no-op if absent

  // The undo of creations (ChangeSet::rollback, apply): lowers
  // nodeIdLimit()/relIdLimit() so the ids can be handed out again. Every id
  // at or above the new limits must be dead.
  void shrinkIdLimits(NodeId node_limit, RelId rel_limit);
  // The opposite, for loaders: raises the limits to at least the given
  // values, leaving tombstones (e.g. when the highest ids were deleted).
  void raiseIdLimits(NodeId node_limit, RelId rel_limit);

  // Folds the adjacency delta into the CSR arrays. Called after bulk loads
  // and when the delta grows large; O(nodes + relationships).
  void compact();
  // Automatic compaction (when the delta or the deleted entries exceed a
  // quarter of the CSR) is on by default; a bulk loader may turn it off and
  // call compact() once at the end.
  void setAutoCompact(bool on);
  // Capacity hint for loaders that know the final counts.
  void reserve(size_t nodes, size_t rels);

  // Approximate heap bytes held (for memory figures).
  size_t memoryUsage() const;

 private:
  struct Adjacency;  // CSR + delta, per direction (entries grouped by type); graph.cpp
  // The nodes carrying one label. Ids are appended in any order: a sorted
  // prefix plus an unsorted tail, folded together when the tail grows.
  // Entries go stale when the label is removed or the node deleted; they
  // are filtered on read and dropped when they exceed half the list.
  struct LabelList {
    std::vector<NodeId> ids;
    size_t sorted = 0;  // ids[0, sorted) ascending
    size_t live = 0;    // nodes that really carry the label
  };

  void insertNode(NodeId id, std::vector<LabelId> labels, Properties props);
  void insertRel(RelId id, RelTypeId type, NodeId src, NodeId dst, Properties props);
  void labelListAdd(LabelId label, NodeId id);
  void labelListRemove(LabelId label);
  void normalizeLabelList(LabelId label);
  template <class Fn>
  void forEachIndexOfLabel(LabelId label, Fn&& fn) const;
  void maybeCompact();

  Catalog catalog_;
  std::vector<NodeRecord> nodes_;
  std::vector<RelRecord> rels_;
  size_t live_nodes_ = 0;
  size_t live_rels_ = 0;
  std::unique_ptr<Adjacency> adjacency_;
  std::vector<LabelList> label_nodes_;  // by label id
  std::map<std::pair<LabelId, PropKeyId>, std::unique_ptr<PropertyIndex>> indexes_;
};

}  // namespace maestro::engine
