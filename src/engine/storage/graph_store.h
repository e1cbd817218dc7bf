// GraphStore — a dataset's graph in its region's store.
//
// Layout (one set of tables per region store, keyed by dataset id):
//   graph_head(dataset_id, version, next_node_id, next_rel_id)
//   graph_nodes(dataset_id, id, data)        data: labels + properties, binary
//   graph_rels(dataset_id, id, type, src, dst, data)
//   graph_catalog(dataset_id, data)           names, indexes, sensitivities (JSON)
//   graph_changes(dataset_id, version, ts, record)   ChangeSet::encode()
// The tables always hold the state at `version`; graph_changes holds every
// committed change record so another process can catch up incrementally
// (and a relocation can replay them). See docs/storage.md.
//
// A commit is one store transaction: it advances graph_head from the base
// version the writer started from (optimistic: if another writer committed
// first, it fails with Error::conflict and writes nothing), writes the dirty
// rows, the catalog if changed (the database compares the text), and the
// change record. Stateless apart from the store reference; thread-safe.
// The caller migrates the store first (migrate()).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "engine/graph/change_set.h"
#include "engine/graph/graph.h"
#include "store/store.h"

namespace maestro::engine {

class GraphStore {
 public:
  explicit GraphStore(store::Store& store);

  static std::span<const store::Migration> migrations();
  // Applies migrations() to `store` as component "graph". Idempotent; safe
  // when several processes start at once (Store::migrate).
  static void migrate(store::Store& store);

  // Creates the dataset's head row (version 0) if missing. Idempotent.
  void ensureDataset(const std::string& dataset_id);
  // Removes every row of the dataset.
  void dropDataset(const std::string& dataset_id);

  // The committed version, or nullopt when the dataset does not exist.
  std::optional<int64_t> headVersion(const std::string& dataset_id);

  // Loads the whole dataset into `graph` (which must be empty) from one
  // consistent snapshot; returns the version it reflects. `progress` (may be
  // empty) is called with rows loaded so far. Error::notFound when the
  // dataset does not exist; on any failure `graph` is partly filled and
  // must be discarded.
  int64_t load(const std::string& dataset_id, Graph& graph,
               const std::function<void(int64_t rows)>& progress = {});

  struct ChangeRecord {
    int64_t version;
    std::string record;
  };
  // Change records with version in (after, up_to], in order; at most
  // `limit` of them. An empty result when `after` is current.
  std::vector<ChangeRecord> changesSince(const std::string& dataset_id, int64_t after,
                                         int64_t limit);

  // Commits `changes` (already applied to `graph`) as version
  // base_version + 1. Throws Error::conflict if the head is no longer at
  // base_version. Returns the new version.
  int64_t commit(const std::string& dataset_id, int64_t base_version, const Graph& graph,
                 const ChangeSet& changes);

  // Bulk path for imports: writes all nodes with id >= first_node and all
  // relationships with id >= first_rel of `graph` in batches inside one
  // transaction, records a change record that says "reload", and advances
  // the head. All or nothing. `progress` is called with rows written.
  int64_t commitBulk(const std::string& dataset_id, int64_t base_version, const Graph& graph,
                     NodeId first_node, RelId first_rel,
                     const std::function<void(int64_t rows)>& progress = {});

  // True for a change record written by commitBulk (the reader reloads).
  static bool isBulkRecord(std::string_view record);

 private:
  store::Store& store_;
};

}  // namespace maestro::engine
