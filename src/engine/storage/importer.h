// Importer — bulk-loads nodes and relationships from CSV and JSON Lines
// files into a dataset (`maestro import --dataset D FILES…`).
//
// Files (docs/storage.md has the full reference and examples):
//
// * CSV (`*.csv`): RFC 4180 — comma-separated, a header row, fields quoted
//   with `"` when they hold commas, quotes (doubled: `""`) or line breaks;
//   CRLF or LF line ends; a UTF-8 byte-order mark is skipped. Whether a
//   file holds nodes or relationships is told by its header: a header with
//   `:START_ID` is a relationships file, any other a nodes file.
//     nodes:          :ID, :LABEL, then property columns
//     relationships:  :START_ID, :END_ID, :TYPE, then property columns
//   `:ID` is the node's external id (optional column; a node without one
//   cannot be the end of a relationship). `:LABEL` holds labels separated
//   by `;`. `:TYPE` is required and non-empty. `:IGNORE` columns are
//   skipped. A property column is `name[:type][@sensitivity]`:
//     type: string (default), int (long, integer), float (double),
//           bool (boolean; true/false, any case), and arrays of those as
//           `string[]`, `int[]` …, elements separated by `;`.
//     @low / @medium / @high sets the property key's sensitivity tier in
//           the dataset's catalog (e.g. `ssn@high`).
//   An empty unquoted field sets no property; a quoted empty field (`""`)
//   in a string column is the empty string.
// * JSON Lines (`*.jsonl`, `*.ndjson`): one object per line; blank lines
//   are skipped.
//     {"kind":"node","id":"p1","labels":["Person"],"properties":{…}}
//     {"kind":"rel","type":"KNOWS","start":"p1","end":"p2","properties":{…}}
//     {"kind":"sensitivity","key":"ssn","tier":"high"}
//   Property values: strings, integers, floats, booleans, or arrays of one
//   of those kinds (no nesting, no mixing); null means "not set". `id` and
//   `properties` are optional.
//
// Ids: external ids are strings, in one id space per import — unique
// across all node files of the import (the generator's ids carry a label
// prefix: 'p1', 'o1'). A node's external id is also stored as its string
// property `id` (so `MATCH (p:Person {id: $id})` finds it); a nodes file
// may therefore not also have an `id` property column. Relationship ends
// are resolved against the nodes of the same import only, whatever the
// file order (all node rows are read before any CSV relationship file).
//
// All or nothing: every file is parsed and every row validated first; the
// first bad row throws Error::badInput naming the file and line, e.g.
// "rels.csv:1042: unknown start id 'p99'", and nothing is written. Then the
// rows are added to the in-memory graph and written by
// GraphStore::commitBulk in one store transaction, as the dataset's next
// version (a "bulk: reload" change record, so other processes reload).
//
// Thread-safety: the functions share no state; the caller owns the Graph
// and must hold its dataset's exclusive lock while importing into it.
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "engine/graph/graph.h"
#include "engine/storage/graph_store.h"
#include "store/store.h"

namespace maestro::engine {

struct ImportProgress {
  enum class Phase { kParse, kWrite };
  Phase phase = Phase::kParse;
  // kParse: bytes read of all files; kWrite: rows written to the store.
  int64_t done = 0;
  int64_t total = 0;
  int64_t rows_parsed = 0;  // nodes + relationships read so far
};
using ImportProgressFn = std::function<void(const ImportProgress&)>;

struct ImportResult {
  int64_t nodes = 0;
  int64_t relationships = 0;
  int64_t version = 0;  // the dataset version the import committed
  double parse_seconds = 0;
  double write_seconds = 0;  // adding to the graph and committing
};

// Imports `files` into dataset `dataset_id` of `store`: migrates the graph
// tables, creates the dataset if missing, loads its current graph, adds
// the files' rows and commits them. Throws Error::badInput for a bad file
// or row, Error::conflict if another writer committed meanwhile (nothing
// is written either way).
ImportResult importFiles(store::Store& store, const std::string& dataset_id,
                         const std::vector<std::filesystem::path>& files,
                         const ImportProgressFn& progress = {});

// The same into a graph the caller already holds at `base_version` (the
// engine's Database does this so its in-memory graph stays current). On
// success `graph` holds the new rows; on failure after parsing (a store
// error, a conflict) `graph` may hold them too and must be reloaded.
ImportResult importIntoGraph(GraphStore& graph_store, const std::string& dataset_id,
                             int64_t base_version, Graph& graph,
                             const std::vector<std::filesystem::path>& files,
                             const ImportProgressFn& progress = {});

// ---- building blocks, exposed for tests ----------------------------------

// CsvReader — streams RFC 4180 records from a file. Owns the file handle.
// Not thread-safe.
class CsvReader {
 public:
  struct Field {
    std::string text;
    bool quoted = false;
  };
  // Throws Error::badInput ("<name>: cannot open …") if unreadable.
  CsvReader(const std::filesystem::path& path, std::string display_name);
  ~CsvReader();
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  // Reads the next record into `fields` (reusing its strings); false at
  // the end of the file. A line holding nothing at all is skipped. Throws
  // Error::badInput naming file:line on an unterminated quote or a stray
  // character after a closing quote.
  bool next(std::vector<Field>& fields);
  // The line the last record started on (1-based).
  int64_t line() const { return record_line_; }
  int64_t bytesRead() const { return consumed_; }

 private:
  bool fill();
  int peek();
  std::string name_;
  std::FILE* file_ = nullptr;
  std::vector<char> buf_;
  size_t pos_ = 0;
  size_t end_ = 0;
  bool eof_ = false;
  int64_t line_ = 1;
  int64_t record_line_ = 0;
  int64_t consumed_ = 0;
};

}  // namespace maestro::engine
