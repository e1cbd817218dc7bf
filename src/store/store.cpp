#include "store/store.h"

#include <algorithm>
#include <chrono>
#include <set>
#include <utility>

#include "common/error.h"
#include "store/postgres_store.h"
#include "store/sql_text.h"
#include "store/sqlite_store.h"

namespace maestro::store {
namespace {

const char* cellTypeName(const Row::Cell& cell) {
  switch (cell.index()) {
    case 0:
      return "null";
    case 1:
      return "integer";
    case 2:
      return "real";
    case 3:
      return "text";
    default:
      return "blob";
  }
}

[[noreturn]] void typeMismatch(size_t i, const Row::Cell& cell, const char* wanted) {
  throw Error::internal("store: column " + std::to_string(i) + " is " + cellTypeName(cell) +
                        ", not " + wanted);
}

int64_t unixMillisNow() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

constexpr std::string_view kCreateMigrationsTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " component TEXT NOT NULL,"
    " version INTEGER NOT NULL,"
    " name TEXT NOT NULL,"
    " applied_at BIGINT NOT NULL,"
    " PRIMARY KEY (component, version))";

// The versions of `component` recorded as applied; creates the table first.
// Runs inside the migration transaction, under the migration lock.
std::set<int64_t> appliedVersions(Connection& conn, std::string_view component) {
  conn.execScript(kCreateMigrationsTable);
  std::set<int64_t> applied;
  conn.query("SELECT version FROM schema_migrations WHERE component = $1", {component},
             [&](const Row& row) {
               applied.insert(row.integer(0));
               return true;
             });
  return applied;
}

}  // namespace

// --- Row ---------------------------------------------------------------------

const Row::Cell& Row::cell(size_t i) const {
  if (i >= cells_.size()) {
    throw Error::internal("store: column " + std::to_string(i) + " out of range (row has " +
                          std::to_string(cells_.size()) + " columns)");
  }
  return cells_[i];
}

bool Row::isNull(size_t i) const { return std::holds_alternative<std::monostate>(cell(i)); }

int64_t Row::integer(size_t i) const {
  const Cell& c = cell(i);
  if (auto* v = std::get_if<int64_t>(&c)) return *v;
  typeMismatch(i, c, "integer");
}

double Row::real(size_t i) const {
  const Cell& c = cell(i);
  if (auto* v = std::get_if<double>(&c)) return *v;
  if (auto* v = std::get_if<int64_t>(&c)) return static_cast<double>(*v);
  typeMismatch(i, c, "real");
}

const std::string& Row::text(size_t i) const {
  const Cell& c = cell(i);
  if (auto* v = std::get_if<std::string>(&c)) return *v;
  typeMismatch(i, c, "text");
}

Bytes Row::blob(size_t i) const {
  const Cell& c = cell(i);
  if (auto* v = std::get_if<Bytes>(&c)) return *v;
  if (auto* v = std::get_if<std::string>(&c)) return Bytes(v->begin(), v->end());
  typeMismatch(i, c, "blob");
}

std::optional<int64_t> Row::optInteger(size_t i) const {
  if (isNull(i)) return std::nullopt;
  return integer(i);
}

std::optional<double> Row::optReal(size_t i) const {
  if (isNull(i)) return std::nullopt;
  return real(i);
}

std::optional<std::string> Row::optText(size_t i) const {
  if (isNull(i)) return std::nullopt;
  return text(i);
}

std::optional<Bytes> Row::optBlob(size_t i) const {
  if (isNull(i)) return std::nullopt;
  return blob(i);
}

// --- Connection --------------------------------------------------------------

std::vector<Row> Connection::queryAll(std::string_view sql, const Params& params) {
  std::vector<Row> rows;
  query(sql, params, [&](const Row& row) {
    rows.push_back(row);
    return true;
  });
  return rows;
}

std::optional<Row> Connection::queryOne(std::string_view sql, const Params& params) {
  std::optional<Row> first;
  query(sql, params, [&](const Row& row) {
    first.emplace(row);
    return false;
  });
  return first;
}

// --- Transaction -------------------------------------------------------------

Transaction::Transaction(Connection& conn, TxMode mode) : conn_(conn) { conn_.begin(mode); }

Transaction::~Transaction() {
  if (!done_) conn_.rollback();  // rollback() never throws
}

void Transaction::commit() {
  if (done_) throw Error::internal("store: transaction already committed");
  conn_.commit();
  done_ = true;
}

// --- Lease -------------------------------------------------------------------

Lease::Lease(Store* store, std::unique_ptr<Connection> conn)
    : store_(store), conn_(std::move(conn)) {}

Lease::Lease(Lease&& other) noexcept
    : store_(std::exchange(other.store_, nullptr)), conn_(std::move(other.conn_)) {}

Lease& Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    if (store_ && conn_) store_->giveBack(std::move(conn_));
    store_ = std::exchange(other.store_, nullptr);
    conn_ = std::move(other.conn_);
  }
  return *this;
}

Lease::~Lease() {
  if (store_ && conn_) store_->giveBack(std::move(conn_));
}

// --- Store -------------------------------------------------------------------

std::unique_ptr<Store> Store::open(std::string_view uri, const OpenOptions& options) {
  const std::string redacted = redactUri(uri);
  if (options.pool_size < 1) {
    throw Error::badInput("store " + redacted + ": pool_size must be at least 1", "pool_size");
  }
  if (options.busy_timeout_ms < 0) {
    throw Error::badInput("store " + redacted + ": busy_timeout_ms must not be negative",
                          "busy_timeout_ms");
  }
  if (uri.starts_with("sqlite:")) {
    std::string_view path = uri.substr(7);
    // sqlite://PATH is the same as sqlite:PATH, so sqlite:///abs is absolute.
    if (path.starts_with("//")) path.remove_prefix(2);
    if (path.empty()) {
      throw Error::badInput("store URI '" + redacted + "' names no file: expected sqlite:PATH");
    }
    if (path == ":memory:" || path.starts_with("file:")) {
      // Each pooled connection would see its own private database.
      throw Error::badInput("store URI '" + redacted +
                            "': in-memory and URI-style SQLite names are not supported; "
                            "give a file path");
    }
    return internal::openSqliteStore(std::string(path), redacted, options);
  }
  if (uri.starts_with("postgresql://") || uri.starts_with("postgres://")) {
    return internal::openPostgresStore(uri, options);
  }
  throw Error::badInput("unsupported store URI '" + redacted +
                        "': expected sqlite:PATH or postgresql://…");
}

Lease Store::acquire() { return Lease(this, take()); }

void Store::ping() {
  try {
    Lease lease = acquire();
    lease->queryOne("SELECT 1");
  } catch (const Error& e) {
    if (e.code() == Code::kUnavailable) throw;
    throw Error::unavailable("store " + description() + ": ping failed: " + e.message());
  }
}

void Store::migrate(std::string_view component, std::span<const Migration> migrations) {
  const std::string where = "store " + description() + ": ";
  if (component.empty()) throw Error::internal(where + "migrations need a component name");
  std::vector<const Migration*> sorted;
  for (const Migration& m : migrations) sorted.push_back(&m);
  std::sort(sorted.begin(), sorted.end(),
            [](const Migration* a, const Migration* b) { return a->version < b->version; });
  for (size_t i = 0; i < sorted.size(); ++i) {
    if (sorted[i]->version < 1 || (i > 0 && sorted[i]->version == sorted[i - 1]->version)) {
      throw Error::internal(where + "migrations of '" + std::string(component) +
                            "' must have distinct versions >= 1 (got " +
                            std::to_string(sorted[i]->version) + ")");
    }
  }
  const int64_t newest_known = sorted.empty() ? 0 : sorted.back()->version;
  auto checkNotNewer = [&](const std::set<int64_t>& applied) {
    if (!applied.empty() && *applied.rbegin() > newest_known) {
      throw Error::unavailable(where + "schema of '" + std::string(component) + "' is at version " +
                               std::to_string(*applied.rbegin()) + ", newer than this binary's " +
                               std::to_string(newest_known));
    }
  };

  Lease lease = acquire();
  Connection& conn = *lease;
  std::set<int64_t> applied;
  {
    // Creating the table races between processes on PostgreSQL (two
    // CREATE TABLE IF NOT EXISTS can both try to insert the catalog row), so
    // it happens under the migration lock too.
    Transaction tx(conn, TxMode::kWrite);
    lockForMigration(conn);
    applied = appliedVersions(conn, component);
    tx.commit();
  }
  checkNotNewer(applied);

  for (const Migration* m : sorted) {
    if (applied.contains(m->version)) continue;
    Transaction tx(conn, TxMode::kWrite);
    lockForMigration(conn);
    // Another process may have applied it (or a newer binary moved on)
    // between our read and taking the lock.
    applied = appliedVersions(conn, component);
    checkNotNewer(applied);
    if (applied.contains(m->version)) continue;  // tx rolls back: nothing to do
    const std::string& sql =
        dialect() == Dialect::kPostgres && !m->postgres_sql.empty() ? m->postgres_sql : m->sql;
    try {
      if (!sql.empty()) conn.execScript(sql);
      conn.execute(
          "INSERT INTO schema_migrations (component, version, name, applied_at) "
          "VALUES ($1, $2, $3, $4)",
          {component, m->version, m->name, unixMillisNow()});
      tx.commit();
    } catch (const Error& e) {
      throw Error(e.code(), where + "migration " + std::string(component) + " " +
                                std::to_string(m->version) + " (" + m->name +
                                ") failed: " + e.message());
    }
    applied.insert(m->version);
  }
}

// --- redactUri ---------------------------------------------------------------

std::string redactUri(std::string_view uri) {
  std::string out(uri);
  auto ranges = internal::secretRanges(uri);
  // Back to front, so earlier offsets stay valid.
  for (auto it = ranges.rbegin(); it != ranges.rend(); ++it) {
    out.replace(it->first, it->second, "***");
  }
  return out;
}

}  // namespace maestro::store
