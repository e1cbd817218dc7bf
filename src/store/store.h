// Durable SQL persistence behind one small interface, with a SQLite and a
// PostgreSQL implementation that pass the same conformance suite.
//
// SQL is written once, in the subset both engines accept. Parameters are
// `$1`, `$2`, … in the text and bound by position; values are never spliced
// into SQL. Where the dialects really differ (DDL types, row locks), callers
// ask `dialect()` or give a migration both spellings.
//
// A Store is a pool of connections to one database (one file or one
// PostgreSQL database + schema). It is thread-safe; a Connection is used by
// one thread at a time and goes back to the pool when its lease ends.
//
// Errors: a unique/primary-key violation throws Error::conflict; a database
// that cannot be reached, or a lock not obtained within the busy timeout,
// throws Error::unavailable; anything else Error::internal. Messages never
// contain passwords.
//
// What holds on both backends (the conformance suite checks it):
// - A statement that fails inside a transaction aborts the transaction:
//   later statements throw Error::internal until rollback(), and commit()
//   rolls back and throws. Use `INSERT … ON CONFLICT` rather than catching
//   a conflict and carrying on in the same transaction.
// - kRead sees one snapshot, taken at begin(), and refuses writes. kWrite
//   is serialised with every other writer on SQLite but is READ COMMITTED
//   on PostgreSQL: each statement sees the latest commits, so write
//   read-modify-write as one statement (`SET n = n + 1`) or lock the row.
// - A multi-statement execScript() is atomic; do not put BEGIN/COMMIT in
//   it. A connection may not be used from inside its own query() callback.
// - Text may not contain NUL (Error::badInput). On PostgreSQL, integers are
//   sent as int4 when they fit and int8 otherwise, reals as float8, blobs
//   as bytea, text and NULL untyped (the server infers them from context);
//   a Param(bool) is an integer, so flags belong in INTEGER columns. Reading
//   back, booleans are integers 0/1 and NUMERIC is a double. SQLite stores a
//   NaN double as NULL.
// - Stopping a query() early reads and discards the remaining rows on
//   PostgreSQL (to keep the connection usable); add LIMIT to big queries,
//   queryOne() included.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/encoding.h"

namespace maestro::store {

enum class Dialect { kSqlite, kPostgres };

// A bound parameter. Integers are 64-bit; booleans bind as 0/1 integers.
class Param {
 public:
  Param(std::nullptr_t) : value_(std::monostate{}) {}
  Param(int64_t v) : value_(v) {}
  Param(int v) : value_(static_cast<int64_t>(v)) {}
  Param(uint32_t v) : value_(static_cast<int64_t>(v)) {}
  Param(bool v) : value_(static_cast<int64_t>(v ? 1 : 0)) {}
  Param(double v) : value_(v) {}
  Param(std::string v) : value_(std::move(v)) {}
  Param(std::string_view v) : value_(std::string(v)) {}
  Param(const char* v) : value_(std::string(v)) {}
  Param(Bytes v) : value_(std::move(v)) {}
  template <typename T>
  Param(const std::optional<T>& v) : Param(v ? Param(*v) : Param(nullptr)) {}

  using Value = std::variant<std::monostate, int64_t, double, std::string, Bytes>;
  const Value& value() const { return value_; }

 private:
  Value value_;
};
using Params = std::vector<Param>;

// One result row. Cells are typed as the database reported them; accessors
// convert where lossless (an integer read as real, a text as blob) and throw
// Error::internal on a type mismatch or an index out of range.
class Row {
 public:
  using Cell = std::variant<std::monostate, int64_t, double, std::string, Bytes>;
  explicit Row(std::vector<Cell> cells) : cells_(std::move(cells)) {}

  size_t size() const { return cells_.size(); }
  bool isNull(size_t i) const;
  int64_t integer(size_t i) const;
  double real(size_t i) const;
  const std::string& text(size_t i) const;
  Bytes blob(size_t i) const;
  std::optional<int64_t> optInteger(size_t i) const;
  std::optional<double> optReal(size_t i) const;
  std::optional<std::string> optText(size_t i) const;
  std::optional<Bytes> optBlob(size_t i) const;
  const Cell& cell(size_t i) const;

 private:
  std::vector<Cell> cells_;
};

// Row callback for streaming queries; return false to stop early.
using RowCallback = std::function<bool(const Row&)>;

enum class TxMode {
  kRead,   // a consistent snapshot for reads
  kWrite,  // takes the write lock up front (SQLite: BEGIN IMMEDIATE)
};

class Connection {
 public:
  virtual ~Connection() = default;
  virtual Dialect dialect() const = 0;

  // Runs one or more statements without parameters (DDL, migrations).
  virtual void execScript(std::string_view sql) = 0;
  // Runs one statement; returns the number of rows it changed.
  virtual int64_t execute(std::string_view sql, const Params& params = {}) = 0;
  // Runs one statement, calling `on_row` for each result row as it arrives.
  virtual void query(std::string_view sql, const Params& params, const RowCallback& on_row) = 0;

  std::vector<Row> queryAll(std::string_view sql, const Params& params = {});
  std::optional<Row> queryOne(std::string_view sql, const Params& params = {});

  virtual void begin(TxMode mode) = 0;
  virtual void commit() = 0;
  virtual void rollback() = 0;  // never throws
  virtual bool inTransaction() const = 0;
};

// Commits on commit(); rolls back if destroyed without it. Not nestable.
class Transaction {
 public:
  Transaction(Connection& conn, TxMode mode);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  Connection& conn() { return conn_; }
  Connection* operator->() { return &conn_; }
  void commit();

 private:
  Connection& conn_;
  bool done_ = false;
};

// A versioned schema change. `postgres_sql`, when set, replaces `sql` on
// PostgreSQL.
struct Migration {
  int version;
  std::string name;
  std::string sql;
  std::string postgres_sql = {};
};

struct OpenOptions {
  int pool_size = 8;
  int busy_timeout_ms = 5000;  // lock waits and pool waits
  // PostgreSQL only: the schema this store lives in (created if missing and
  // put first on search_path), so that several stores share one database.
  std::string schema = {};
};

class Store;

// A connection leased from a Store; returns to the pool when destroyed.
// Every Lease must end before its Store is destroyed.
class Lease {
 public:
  Lease(Store* store, std::unique_ptr<Connection> conn);
  Lease(Lease&&) noexcept;
  Lease& operator=(Lease&&) noexcept;
  ~Lease();
  Connection& operator*() { return *conn_; }
  Connection* operator->() { return conn_.get(); }
  Connection& get() { return *conn_; }

 private:
  Store* store_;
  std::unique_ptr<Connection> conn_;
};

class Store {
 public:
  // `sqlite:PATH` (or `sqlite://PATH`), or a libpq URI `postgresql://…` /
  // `postgres://…`. Throws Error::badInput naming the URI (password
  // removed) when it is malformed, Error::unavailable when unreachable.
  static std::unique_ptr<Store> open(std::string_view uri, const OpenOptions& options = {});

  virtual ~Store() = default;
  virtual Dialect dialect() const = 0;
  // The URI with any password removed, for logs and messages.
  virtual const std::string& description() const = 0;

  // Waits up to the busy timeout for a free connection, then throws
  // Error::unavailable.
  Lease acquire();
  // Throws Error::unavailable unless the database answers `SELECT 1`.
  void ping();

  // Applies the pending migrations of `component` in version order, each in
  // its own transaction, recording them in `schema_migrations`. Safe when
  // several processes start at once. Throws Error::unavailable if the
  // database holds a version of `component` this binary does not know.
  void migrate(std::string_view component, std::span<const Migration> migrations);

 protected:
  friend class Lease;
  virtual std::unique_ptr<Connection> take() = 0;
  virtual void giveBack(std::unique_ptr<Connection> conn) = 0;
  // Serialises migrations across processes for the duration of `tx`.
  virtual void lockForMigration(Connection& conn) = 0;
};

// Removes the password from a store URI (for messages and logs).
std::string redactUri(std::string_view uri);

}  // namespace maestro::store
