// ChangeSet — the writes of one transaction on a Graph.
//
// Each method applies its change to the graph at once (so the writing
// statement reads its own writes) and records both how to undo it and how
// to redo it elsewhere. On failure the owner calls rollback(), which undoes
// everything in reverse order and leaves the graph exactly as before. On
// success the owner persists encode() as the dataset's next change record
// (engine/storage) and asks dirtyNodes()/dirtyRels() which rows to write.
//
// The encoded form names labels, types and keys by name (not by the
// in-memory ids, which may differ between processes) and is versioned:
//
//   record  := format-byte (kRecordFormat) names ops
//   names   := varint count, length-prefixed UTF-8 strings (each name once)
//   ops     := varint count, op*   — op := tag byte, fields (change_set.cpp)
//
// Names are referred to by their index in `names`; node and relationship
// ids are the dataset's global ids (the writer allocated them); values use
// value_codec.h. rollback() also clears the change set (counters, dirty
// sets), which can then be reused.
// Not thread-safe: used by the single writer holding the dataset's
// exclusive lock.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "engine/graph/graph.h"

namespace maestro::engine {

// Neo4j-style update counters, reported with every write.
struct Counters {
  int64_t nodes_created = 0;
  int64_t nodes_deleted = 0;
  int64_t relationships_created = 0;
  int64_t relationships_deleted = 0;
  int64_t labels_added = 0;
  int64_t labels_removed = 0;
  int64_t properties_set = 0;
  int64_t indexes_added = 0;
  int64_t indexes_removed = 0;
  bool any() const;
};

class ChangeSet {
 public:
  explicit ChangeSet(Graph& graph);
  ~ChangeSet();
  ChangeSet(const ChangeSet&) = delete;
  ChangeSet& operator=(const ChangeSet&) = delete;

  NodeId createNode(std::vector<LabelId> labels, Properties props);
  RelId createRel(RelTypeId type, NodeId src, NodeId dst, Properties props);
  // Throws constraintFailed("DeleteConnectedNode", …) when the node still
  // has relationships; no-op if already deleted in this change set.
  void deleteNode(NodeId id);
  // Deletes the node's relationships first.
  void detachDeleteNode(NodeId id);
  void deleteRel(RelId id);  // no-op if already deleted
  // A null value removes the property.
  void setNodeProperty(NodeId id, PropKeyId key, Value value);
  void setRelProperty(RelId id, PropKeyId key, Value value);
  void addLabel(NodeId id, LabelId label);
  void removeLabel(NodeId id, LabelId label);
  // Interning a new name is a change too (undone on rollback).
  LabelId internLabel(std::string_view name);
  RelTypeId internRelType(std::string_view name);
  PropKeyId internPropertyKey(std::string_view name);
  // Throws Error::conflict if an index with that name or on that
  // (label, key) exists.
  void createIndex(IndexDef def);
  void dropIndex(std::string_view name);  // Error::notFound if absent
  void setSensitivity(PropKeyId key, Sensitivity s);

  bool empty() const;
  const Counters& counters() const { return counters_; }
  void rollback();

  // Rows that must be (re)written or deleted in the store.
  const std::set<NodeId>& dirtyNodes() const { return dirty_nodes_; }
  const std::set<RelId>& dirtyRels() const { return dirty_rels_; }
  bool catalogChanged() const { return catalog_changed_; }

  // The first byte of every record encode() writes (format 1). Other record
  // kinds sharing the change log must start with a different byte.
  static constexpr uint8_t kRecordFormat = 0xC1;

  // The change record: a versioned binary encoding of the redo operations.
  std::string encode() const;
  // Applies a change record written by encode() (by this or another
  // process) to `graph`. Throws Error::internal on a corrupt record.
  static void apply(Graph& graph, std::string_view encoded);

 private:
  struct Op;
  NodeId createNodeAt(NodeId id, std::vector<LabelId> labels, Properties props);
  RelId createRelAt(RelId id, RelTypeId type, NodeId src, NodeId dst, Properties props);
  void checkNode(NodeId id) const;
  void checkRel(RelId id) const;
  void checkProperties(const Properties& props) const;
  void undo(Op& op);
  void reserveOp();
  Graph& graph_;
  std::vector<Op> ops_;
  Counters counters_;
  std::set<NodeId> dirty_nodes_;
  std::set<RelId> dirty_rels_;
  bool catalog_changed_ = false;
};

}  // namespace maestro::engine
