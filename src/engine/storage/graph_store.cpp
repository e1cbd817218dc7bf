#include "engine/storage/graph_store.h"

#include <algorithm>
#include <array>
#include <bit>
#include <chrono>
#include <map>

#include "common/error.h"
#include "common/json.h"
#include "engine/graph/value_codec.h"

namespace maestro::engine {
namespace {

// The first byte of a node or relationship row's `data` (docs/storage.md):
//   node data := 0x01, varint label count, label names (varint length +
//                UTF-8), property map (value_codec.h)
//   rel data  := 0x01, property map
constexpr char kRowFormat = 0x01;

// A change record that is not a ChangeSet encoding: the whole dataset was
// rewritten by commitBulk and readers reload rather than replay. Its first
// byte ('b') differs from ChangeSet::kRecordFormat.
constexpr std::string_view kBulkRecordPrefix = "bulk: reload";
static_assert(static_cast<uint8_t>(kBulkRecordPrefix[0]) != ChangeSet::kRecordFormat);

constexpr int kCatalogFormat = 1;
constexpr int64_t kProgressEvery = 16384;

// ---- SQL --------------------------------------------------------------------

constexpr std::string_view kSqliteSchema = R"sql(
CREATE TABLE graph_head (
  dataset_id TEXT PRIMARY KEY,
  version BIGINT NOT NULL,
  next_node_id BIGINT NOT NULL,
  next_rel_id BIGINT NOT NULL
);
CREATE TABLE graph_nodes (
  dataset_id TEXT NOT NULL,
  id BIGINT NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (dataset_id, id)
) WITHOUT ROWID;
CREATE TABLE graph_rels (
  dataset_id TEXT NOT NULL,
  id BIGINT NOT NULL,
  type TEXT NOT NULL,
  src BIGINT NOT NULL,
  dst BIGINT NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (dataset_id, id)
) WITHOUT ROWID;
CREATE TABLE graph_catalog (
  dataset_id TEXT PRIMARY KEY,
  data TEXT NOT NULL
);
CREATE TABLE graph_changes (
  dataset_id TEXT NOT NULL,
  version BIGINT NOT NULL,
  ts BIGINT NOT NULL,
  record BLOB NOT NULL,
  PRIMARY KEY (dataset_id, version)
);
)sql";

// Same tables; BYTEA for blobs, and no WITHOUT ROWID (a SQLite-only
// clustering option: there rows live in the primary-key B-tree, which keeps
// id-ordered bulk inserts and full-dataset scans sequential).
constexpr std::string_view kStatsSchema = R"sql(
CREATE TABLE selectivity_hist (
  dataset_id TEXT NOT NULL,
  tenant_id TEXT NOT NULL,
  attr TEXT NOT NULL,
  bucket TEXT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (dataset_id, attr)
);
)sql";

constexpr std::string_view kPostgresSchema = R"sql(
CREATE TABLE graph_head (
  dataset_id TEXT PRIMARY KEY,
  version BIGINT NOT NULL,
  next_node_id BIGINT NOT NULL,
  next_rel_id BIGINT NOT NULL
);
CREATE TABLE graph_nodes (
  dataset_id TEXT NOT NULL,
  id BIGINT NOT NULL,
  data BYTEA NOT NULL,
  PRIMARY KEY (dataset_id, id)
);
CREATE TABLE graph_rels (
  dataset_id TEXT NOT NULL,
  id BIGINT NOT NULL,
  type TEXT NOT NULL,
  src BIGINT NOT NULL,
  dst BIGINT NOT NULL,
  data BYTEA NOT NULL,
  PRIMARY KEY (dataset_id, id)
);
CREATE TABLE graph_catalog (
  dataset_id TEXT PRIMARY KEY,
  data TEXT NOT NULL
);
CREATE TABLE graph_changes (
  dataset_id TEXT NOT NULL,
  version BIGINT NOT NULL,
  ts BIGINT NOT NULL,
  record BYTEA NOT NULL,
  PRIMARY KEY (dataset_id, version)
);
)sql";

// Multi-row statements. Rows go in chunks whose sizes are powers of two up
// to kMaxBatch, so each kind has at most 10 distinct texts: every one is
// prepared once per connection and stays in the store's statement cache
// (which is bounded, and would churn on arbitrary lengths).
constexpr size_t kMaxBatch = 512;
constexpr size_t kBatchSizes = 10;  // 1, 2, 4, …, 512
static_assert(size_t{1} << (kBatchSizes - 1) == kMaxBatch);

enum class Stmt { kInsertNodes, kUpsertNodes, kInsertRels, kUpsertRels, kDeleteNodes, kDeleteRels };
constexpr size_t kStmtKinds = 6;

size_t columnsPerRow(Stmt s) {
  switch (s) {
    case Stmt::kInsertNodes:
    case Stmt::kUpsertNodes:
      return 2;  // id, data
    case Stmt::kInsertRels:
    case Stmt::kUpsertRels:
      return 5;  // id, type, src, dst, data
    default:
      return 1;  // id
  }
}

std::string buildSql(Stmt s, size_t rows) {
  const size_t cols = columnsPerRow(s);
  std::string sql;
  auto param = [&](size_t n) {
    sql += '$';
    sql += std::to_string(n);
  };
  if (s == Stmt::kDeleteNodes || s == Stmt::kDeleteRels) {
    sql = s == Stmt::kDeleteNodes ? "DELETE FROM graph_nodes" : "DELETE FROM graph_rels";
    sql += " WHERE dataset_id = $1 AND id IN (";
    for (size_t r = 0; r < rows; ++r) {
      if (r > 0) sql += ", ";
      param(2 + r);
    }
    sql += ")";
    return sql;
  }
  const bool nodes = s == Stmt::kInsertNodes || s == Stmt::kUpsertNodes;
  sql = nodes ? "INSERT INTO graph_nodes (dataset_id, id, data) VALUES "
              : "INSERT INTO graph_rels (dataset_id, id, type, src, dst, data) VALUES ";
  for (size_t r = 0; r < rows; ++r) {
    sql += r > 0 ? ", ($1" : "($1";
    for (size_t c = 0; c < cols; ++c) {
      sql += ", ";
      param(2 + r * cols + c);
    }
    sql += ')';
  }
  if (s == Stmt::kUpsertNodes) {
    sql += " ON CONFLICT (dataset_id, id) DO UPDATE SET data = excluded.data";
  } else if (s == Stmt::kUpsertRels) {
    sql +=
        " ON CONFLICT (dataset_id, id) DO UPDATE SET type = excluded.type, src = excluded.src, "
        "dst = excluded.dst, data = excluded.data";
  }
  return sql;
}

const std::string& sqlFor(Stmt s, size_t rows_pow2_index) {
  static const auto kTexts = [] {
    std::array<std::array<std::string, kBatchSizes>, kStmtKinds> texts;
    for (size_t k = 0; k < kStmtKinds; ++k) {
      for (size_t i = 0; i < kBatchSizes; ++i)
        texts[k][i] = buildSql(static_cast<Stmt>(k), size_t{1} << i);
    }
    return texts;
  }();
  return kTexts[static_cast<size_t>(s)][rows_pow2_index];
}

// ---- row encodings ----------------------------------------------------------

Bytes toBytes(const std::string& s) { return Bytes(s.begin(), s.end()); }

std::string_view blobView(const store::Row& row, size_t i) {
  const store::Row::Cell& cell = row.cell(i);
  if (const auto* b = std::get_if<Bytes>(&cell)) {
    return {reinterpret_cast<const char*>(b->data()), b->size()};
  }
  if (const auto* s = std::get_if<std::string>(&cell)) return *s;
  throw Error::internal("graph store: column " + std::to_string(i) + " is not a blob");
}

void encodeNodeRow(const NodeRecord& node, const Catalog& catalog, std::string& out) {
  out.push_back(kRowFormat);
  putVarint(out, node.labels.size());
  for (LabelId label : node.labels) putString(out, catalog.labels().name(label));
  encodeProperties(node.properties, catalog, out);
}

void encodeRelRow(const RelRecord& rel, const Catalog& catalog, std::string& out) {
  out.push_back(kRowFormat);
  encodeProperties(rel.properties, catalog, out);
}

Json nameList(const NameTable& table) {
  Json names = Json::array();
  for (uint32_t i = 0; i < table.size(); ++i) names.push_back(table.name(i));
  return names;
}

// The catalog row: name tables in id order (so a load hands out the same
// ids as the writer, and names nothing uses any more survive), indexes and
// sensitivities by name.
std::string catalogText(const Catalog& catalog) {
  Json indexes = Json::array();
  for (const IndexDef& def : catalog.indexes()) {
    indexes.push_back({{"name", def.name},
                       {"label", catalog.labels().name(def.label)},
                       {"key", catalog.propertyKeys().name(def.key)}});
  }
  // By key name, so the text is the same whatever the ids are.
  std::map<std::string, std::string> tiers;
  for (const auto& [key, tier] : catalog.sensitivities()) {
    tiers[catalog.propertyKeys().name(key)] = std::string(sensitivityName(tier));
  }
  Json doc = {{"format", kCatalogFormat},
              {"labels", nameList(catalog.labels())},
              {"types", nameList(catalog.relTypes())},
              {"keys", nameList(catalog.propertyKeys())},
              {"indexes", indexes},
              {"sensitivities", tiers}};
  return doc.dump();
}

Json parseCatalog(const std::string& dataset_id, const std::string& text) {
  try {
    Json doc = parseJson(text, "catalog");
    if (!doc.is_object() || doc.value("format", 0) != kCatalogFormat) {
      throw Error::internal("unknown catalog format");
    }
    return doc;
  } catch (const Error& e) {
    throw Error::internal("graph store: corrupt catalog of dataset '" + dataset_id +
                          "': " + e.message());
  }
}

// Interns the catalog's names in their stored order, before any row is
// read, so the ids come out as the writer had them.
void restoreNames(const std::string& dataset_id, const Json& doc, Catalog& catalog) {
  try {
    for (const Json& name : doc.at("labels")) catalog.labels().intern(name.get<std::string>());
    for (const Json& name : doc.at("types")) catalog.relTypes().intern(name.get<std::string>());
    for (const Json& name : doc.at("keys")) catalog.propertyKeys().intern(name.get<std::string>());
  } catch (const Json::exception& e) {
    throw Error::internal("graph store: corrupt catalog of dataset '" + dataset_id +
                          "': " + e.what());
  }
}

// Restores indexes (built from the nodes now in `graph`) and sensitivities.
void restoreCatalog(const std::string& dataset_id, const Json& doc, Graph& graph) {
  try {
    Catalog& catalog = graph.catalog();
    for (const Json& ix : doc.at("indexes")) {
      IndexDef def{ix.at("name").get<std::string>(),
                   catalog.labels().intern(ix.at("label").get<std::string>()),
                   catalog.propertyKeys().intern(ix.at("key").get<std::string>())};
      graph.createIndex(def);
    }
    for (const auto& [key, tier] : doc.at("sensitivities").items()) {
      catalog.setSensitivity(catalog.propertyKeys().intern(key),
                             parseSensitivity(tier.get<std::string>()));
    }
  } catch (const Json::exception& e) {
    throw Error::internal("graph store: corrupt catalog of dataset '" + dataset_id +
                          "': " + e.what());
  } catch (const Error& e) {
    throw Error::internal("graph store: corrupt catalog of dataset '" + dataset_id +
                          "': " + e.message());
  }
}

int64_t nowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// ---- writing ----------------------------------------------------------------

// Writes `ids` in multi-row statements; `addRow(id, params)` appends one
// row's columns (after the shared $1 = dataset id). `after_statement(rows)`
// runs after each statement with the rows written so far.
template <typename AddRow>
void writeRows(store::Connection& conn, Stmt stmt, const std::string& dataset_id,
               const std::vector<uint64_t>& ids, AddRow&& addRow,
               const std::function<void(int64_t)>& after_statement = {}) {
  store::Params params;
  params.reserve(1 + kMaxBatch * columnsPerRow(stmt));
  size_t done = 0;
  while (done < ids.size()) {
    const size_t left = std::min(ids.size() - done, kMaxBatch);
    const size_t log2 = static_cast<size_t>(std::bit_width(left) - 1);
    const size_t rows = size_t{1} << log2;
    params.clear();
    params.emplace_back(dataset_id);
    for (size_t r = 0; r < rows; ++r) addRow(ids[done + r], params);
    conn.execute(sqlFor(stmt, log2), params);
    done += rows;
    if (after_statement) after_statement(static_cast<int64_t>(done));
  }
}

// Advances the head from `base_version`, or throws (nothing written yet;
// the caller's transaction rolls back).
void advanceHead(store::Connection& conn, const std::string& dataset_id, int64_t base_version,
                 const Graph& graph) {
  const int64_t changed = conn.execute(
      "UPDATE graph_head SET version = version + 1, next_node_id = $3, next_rel_id = $4 "
      "WHERE dataset_id = $1 AND version = $2",
      {dataset_id, base_version, static_cast<int64_t>(graph.nodeIdLimit()),
       static_cast<int64_t>(graph.relIdLimit())});
  if (changed == 1) return;
  auto row = conn.queryOne("SELECT version FROM graph_head WHERE dataset_id = $1", {dataset_id});
  if (!row) throw Error::notFound("dataset '" + dataset_id + "' has no graph");
  throw Error::conflict("dataset '" + dataset_id + "' changed concurrently (version " +
                        std::to_string(row->integer(0)) + ", this write started from version " +
                        std::to_string(base_version) + ")");
}

// Upserts the catalog row unless it already holds the same text. Called on
// every commit: a ChangeSet does not report that it interned a new name,
// and comparing in the database costs one small statement, no write.
void writeCatalog(store::Connection& conn, const std::string& dataset_id, const Graph& graph) {
  conn.execute(
      "INSERT INTO graph_catalog (dataset_id, data) VALUES ($1, $2) "
      "ON CONFLICT (dataset_id) DO UPDATE SET data = excluded.data "
      "WHERE graph_catalog.data <> excluded.data",
      {dataset_id, catalogText(graph.catalog())});
}

void insertChange(store::Connection& conn, const std::string& dataset_id, int64_t version,
                  const std::string& record) {
  conn.execute(
      "INSERT INTO graph_changes (dataset_id, version, ts, record) VALUES ($1, $2, $3, $4)",
      {dataset_id, version, nowMillis(), toBytes(record)});
}

}  // namespace

GraphStore::GraphStore(store::Store& store) : store_(store) {}

std::span<const store::Migration> GraphStore::migrations() {
  static const store::Migration kMigrations[] = {
      {1, "graph tables", std::string(kSqliteSchema), std::string(kPostgresSchema)},
      // Planner statistics (engine/stats/stats_store.h): the seed's table,
      // keyed by dataset as well, since the engine knows datasets, not
      // tenants; tenant_id is whatever the opener passes (the platform: the
      // dataset's tenant).
      {2, "planner statistics", std::string(kStatsSchema), std::string(kStatsSchema)},
  };
  return kMigrations;
}

void GraphStore::migrate(store::Store& store) { store.migrate("graph", migrations()); }

void GraphStore::ensureDataset(const std::string& dataset_id) {
  auto lease = store_.acquire();
  lease->execute(
      "INSERT INTO graph_head (dataset_id, version, next_node_id, next_rel_id) "
      "VALUES ($1, 0, 0, 0) ON CONFLICT (dataset_id) DO NOTHING",
      {dataset_id});
}

void GraphStore::dropDataset(const std::string& dataset_id) {
  auto lease = store_.acquire();
  store::Transaction tx(*lease, store::TxMode::kWrite);
  for (const char* table :
       {"graph_rels", "graph_nodes", "graph_catalog", "graph_changes", "selectivity_hist",
        "graph_head"}) {
    tx->execute(std::string("DELETE FROM ") + table + " WHERE dataset_id = $1", {dataset_id});
  }
  tx.commit();
}

std::optional<int64_t> GraphStore::headVersion(const std::string& dataset_id) {
  auto lease = store_.acquire();
  auto row = lease->queryOne("SELECT version FROM graph_head WHERE dataset_id = $1", {dataset_id});
  if (!row) return std::nullopt;
  return row->integer(0);
}

int64_t GraphStore::load(const std::string& dataset_id, Graph& graph,
                         const std::function<void(int64_t rows)>& progress) {
  if (graph.nodeIdLimit() != 0 || graph.relIdLimit() != 0) {
    throw Error::internal("graph store: load() needs an empty graph");
  }
  auto lease = store_.acquire();
  store::Transaction tx(*lease, store::TxMode::kRead);
  auto head = tx->queryOne(
      "SELECT version, next_node_id, next_rel_id FROM graph_head WHERE dataset_id = $1",
      {dataset_id});
  if (!head) throw Error::notFound("dataset '" + dataset_id + "' has no graph");
  const int64_t version = head->integer(0);
  const auto next_node = static_cast<NodeId>(head->integer(1));
  const auto next_rel = static_cast<RelId>(head->integer(2));
  std::optional<Json> catalog_doc;
  if (auto row =
          tx->queryOne("SELECT data FROM graph_catalog WHERE dataset_id = $1", {dataset_id})) {
    catalog_doc = parseCatalog(dataset_id, row->text(0));
  }

  Catalog& catalog = graph.catalog();
  if (catalog_doc) restoreNames(dataset_id, *catalog_doc, catalog);
  int64_t rows = 0;
  auto tick = [&] {
    if (progress && ++rows % kProgressEvery == 0) progress(rows);
  };
  // One compaction at the end instead of one whenever the delta grows.
  graph.setAutoCompact(false);
  std::vector<LabelId> labels;
  tx->query("SELECT id, data FROM graph_nodes WHERE dataset_id = $1 ORDER BY id", {dataset_id},
            [&](const store::Row& row) {
              ByteReader in(blobView(row, 1), "node row");
              if (in.byte() != static_cast<uint8_t>(kRowFormat)) in.fail("unknown row format");
              labels.resize(in.count());
              for (auto& label : labels) label = catalog.labels().intern(in.string());
              Properties props = decodeProperties(in, catalog);
              in.expectEnd();
              graph.putNode(static_cast<NodeId>(row.integer(0)), labels, std::move(props));
              tick();
              return true;
            });
  // The type column repeats a handful of names: remember the last one.
  std::string last_type;
  RelTypeId last_type_id = 0;
  bool have_type = false;
  tx->query("SELECT id, type, src, dst, data FROM graph_rels WHERE dataset_id = $1 ORDER BY id",
            {dataset_id}, [&](const store::Row& row) {
              const std::string& type = row.text(1);
              if (!have_type || type != last_type) {
                have_type = true;
                last_type = type;
                last_type_id = catalog.relTypes().intern(type);
              }
              ByteReader in(blobView(row, 4), "relationship row");
              if (in.byte() != static_cast<uint8_t>(kRowFormat)) in.fail("unknown row format");
              Properties props = decodeProperties(in, catalog);
              in.expectEnd();
              graph.putRel(static_cast<RelId>(row.integer(0)), last_type_id,
                           static_cast<NodeId>(row.integer(2)), static_cast<NodeId>(row.integer(3)),
                           std::move(props));
              tick();
              return true;
            });
  tx.commit();

  // Ids are not reused: when the highest ids were deleted, a tombstone at
  // the top restores the id limits the head records.
  if (graph.nodeIdLimit() < next_node) {
    graph.putNode(next_node - 1, {}, {});
    graph.removeNode(next_node - 1);
  }
  if (graph.relIdLimit() < next_rel) {
    // A relationship needs live endpoints: borrow (or make) a node.
    NodeId anchor = 0;
    bool temporary = graph.nodeCount() == 0;
    if (temporary) {
      anchor = graph.nodeIdLimit() == 0 ? 0 : graph.nodeIdLimit() - 1;
      graph.putNode(anchor, {}, {});
    } else {
      while (!graph.nodeAlive(anchor)) ++anchor;
    }
    graph.putRel(next_rel - 1, 0, anchor, anchor, {});
    graph.removeRel(next_rel - 1);
    if (temporary) graph.removeNode(anchor);
  }
  graph.compact();
  graph.setAutoCompact(true);
  if (catalog_doc) restoreCatalog(dataset_id, *catalog_doc, graph);
  if (progress) progress(rows);
  return version;
}

std::vector<GraphStore::ChangeRecord> GraphStore::changesSince(const std::string& dataset_id,
                                                               int64_t after, int64_t limit) {
  std::vector<ChangeRecord> out;
  if (limit <= 0) return out;
  auto lease = store_.acquire();
  lease->query(
      "SELECT version, record FROM graph_changes WHERE dataset_id = $1 AND version > $2 "
      "ORDER BY version LIMIT $3",
      {dataset_id, after, limit}, [&](const store::Row& row) {
        out.push_back({row.integer(0), std::string(blobView(row, 1))});
        return true;
      });
  return out;
}

int64_t GraphStore::commit(const std::string& dataset_id, int64_t base_version, const Graph& graph,
                           const ChangeSet& changes) {
  std::vector<uint64_t> live_nodes, dead_nodes, live_rels, dead_rels;
  for (NodeId id : changes.dirtyNodes())
    (graph.nodeAlive(id) ? live_nodes : dead_nodes).push_back(id);
  for (RelId id : changes.dirtyRels()) (graph.relAlive(id) ? live_rels : dead_rels).push_back(id);
  const std::string record = changes.encode();
  const Catalog& catalog = graph.catalog();
  std::string buf;

  auto lease = store_.acquire();
  store::Transaction tx(*lease, store::TxMode::kWrite);
  advanceHead(tx.conn(), dataset_id, base_version, graph);
  const int64_t version = base_version + 1;
  // Relationships go first when deleted and last when written, though
  // without foreign keys the order only matters to a reader of the SQL.
  writeRows(tx.conn(), Stmt::kDeleteRels, dataset_id, dead_rels,
            [](uint64_t id, store::Params& p) { p.emplace_back(static_cast<int64_t>(id)); });
  writeRows(tx.conn(), Stmt::kDeleteNodes, dataset_id, dead_nodes,
            [](uint64_t id, store::Params& p) { p.emplace_back(static_cast<int64_t>(id)); });
  writeRows(tx.conn(), Stmt::kUpsertNodes, dataset_id, live_nodes,
            [&](uint64_t id, store::Params& p) {
              buf.clear();
              encodeNodeRow(graph.node(id), catalog, buf);
              p.emplace_back(static_cast<int64_t>(id));
              p.emplace_back(toBytes(buf));
            });
  writeRows(tx.conn(), Stmt::kUpsertRels, dataset_id, live_rels,
            [&](uint64_t id, store::Params& p) {
              const RelRecord& r = graph.rel(id);
              buf.clear();
              encodeRelRow(r, catalog, buf);
              p.emplace_back(static_cast<int64_t>(id));
              p.emplace_back(catalog.relTypes().name(r.type));
              p.emplace_back(static_cast<int64_t>(r.src));
              p.emplace_back(static_cast<int64_t>(r.dst));
              p.emplace_back(toBytes(buf));
            });
  writeCatalog(tx.conn(), dataset_id, graph);
  insertChange(tx.conn(), dataset_id, version, record);
  tx.commit();
  return version;
}

int64_t GraphStore::commitBulk(const std::string& dataset_id, int64_t base_version,
                               const Graph& graph, NodeId first_node, RelId first_rel,
                               const std::function<void(int64_t rows)>& progress) {
  std::vector<uint64_t> nodes, rels;
  for (NodeId id = first_node; id < graph.nodeIdLimit(); ++id) {
    if (graph.nodeAlive(id)) nodes.push_back(id);
  }
  for (RelId id = first_rel; id < graph.relIdLimit(); ++id) {
    if (graph.relAlive(id)) rels.push_back(id);
  }
  const Catalog& catalog = graph.catalog();
  std::string buf;
  std::function<void(int64_t)> node_progress, rel_progress;
  if (progress) {
    node_progress = [&](int64_t n) { progress(n); };
    rel_progress = [&](int64_t n) { progress(static_cast<int64_t>(nodes.size()) + n); };
  }

  auto lease = store_.acquire();
  store::Transaction tx(*lease, store::TxMode::kWrite);
  advanceHead(tx.conn(), dataset_id, base_version, graph);
  const int64_t version = base_version + 1;
  // Plain INSERTs: the ids are new, and a row already there is a bug that
  // must fail the whole import rather than overwrite.
  writeRows(
      tx.conn(), Stmt::kInsertNodes, dataset_id, nodes,
      [&](uint64_t id, store::Params& p) {
        buf.clear();
        encodeNodeRow(graph.node(id), catalog, buf);
        p.emplace_back(static_cast<int64_t>(id));
        p.emplace_back(toBytes(buf));
      },
      node_progress);
  writeRows(
      tx.conn(), Stmt::kInsertRels, dataset_id, rels,
      [&](uint64_t id, store::Params& p) {
        const RelRecord& r = graph.rel(id);
        buf.clear();
        encodeRelRow(r, catalog, buf);
        p.emplace_back(static_cast<int64_t>(id));
        p.emplace_back(catalog.relTypes().name(r.type));
        p.emplace_back(static_cast<int64_t>(r.src));
        p.emplace_back(static_cast<int64_t>(r.dst));
        p.emplace_back(toBytes(buf));
      },
      rel_progress);
  writeCatalog(tx.conn(), dataset_id, graph);
  insertChange(tx.conn(), dataset_id, version,
               std::string(kBulkRecordPrefix) + ": " + std::to_string(nodes.size()) + " nodes, " +
                   std::to_string(rels.size()) + " relationships");
  tx.commit();
  return version;
}

bool GraphStore::isBulkRecord(std::string_view record) {
  return record.starts_with(kBulkRecordPrefix);
}

}  // namespace maestro::engine
