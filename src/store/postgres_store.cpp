#include "store/postgres_store.h"

#include <libpq-fe.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>

#include "common/error.h"
#include "store/connection_pool.h"
#include "store/sql_text.h"

namespace maestro::store::internal {
namespace {

// Type OIDs from pg_type.h (a server header, not shipped with libpq).
constexpr Oid kBoolOid = 16;
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kOidOid = 26;
constexpr Oid kFloat4Oid = 700;
constexpr Oid kFloat8Oid = 701;
constexpr Oid kNumericOid = 1700;

// Server-side prepared statements kept per connection (see the SQLite
// cache for why it is bounded).
constexpr size_t kStatementCacheSize = 256;

// pg_advisory_xact_lock key that serialises migrations across processes:
// "maestro!" in ASCII. Database-wide, so stores in different schemas of one
// database also take turns, which is harmless.
constexpr int64_t kMigrationLockKey = 0x6d61657374726f21;

// How long a migration waits for another process's migration to finish.
// Longer than the busy timeout because a migration may rebuild a big table.
constexpr int kMigrationLockWaitMs = 60'000;

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

bool fitsInt4(int64_t v) {
  return v >= std::numeric_limits<int32_t>::min() && v <= std::numeric_limits<int32_t>::max();
}

// The letter for each parameter's type: part of the statement cache key,
// since the server-side statement is prepared with those types.
char typeLetter(const Param::Value& v) {
  switch (v.index()) {
    case 0:
      return 'n';
    case 1:
      return fitsInt4(std::get<int64_t>(v)) ? 'i' : 'I';
    case 2:
      return 'd';
    case 3:
      return 't';
    default:
      return 'b';
  }
}

// Integers, reals and blobs are sent typed so that `SELECT $1` gives back
// what was bound, as on SQLite. An integer is int4 when it fits and int8
// otherwise (as psycopg does): the server widens int4 where int8 is wanted
// but never narrows, so functions taking int4 (substr, date + n, jsonb -> n)
// accept ordinary values. Reals are float8, blobs bytea. Text and NULL go
// untyped, so the server reads them as whatever the context wants (a
// timestamp, a jsonb, a boolean column…).
Oid typeOid(const Param::Value& v) {
  switch (v.index()) {
    case 1:
      return fitsInt4(std::get<int64_t>(v)) ? kInt4Oid : kInt8Oid;
    case 2:
      return kFloat8Oid;
    case 4:
      return kByteaOid;
    default:
      return 0;
  }
}

// Parameter values laid out as PQsendQueryPrepared takes them. Points into
// the Params it was built from, which must outlive it.
class PgParams {
 public:
  explicit PgParams(const Params& params) {
    const size_t n = params.size();
    numbers_.reserve(n);  // never reallocates: values_ points into it
    values_.resize(n, nullptr);
    lengths_.resize(n, 0);
    formats_.resize(n, 0);
    static const char kEmpty = 0;  // binary format: non-null even when empty
    for (size_t i = 0; i < n; ++i) {
      const Param::Value& v = params[i].value();
      if (auto* x = std::get_if<int64_t>(&v)) {
        values_[i] = numbers_.emplace_back(std::to_string(*x)).c_str();
      } else if (auto* d = std::get_if<double>(&v)) {
        values_[i] = numbers_.emplace_back(formatDouble(*d)).c_str();
      } else if (auto* s = std::get_if<std::string>(&v)) {
        values_[i] = s->c_str();
      } else if (auto* b = std::get_if<Bytes>(&v)) {
        values_[i] = b->empty() ? &kEmpty : reinterpret_cast<const char*>(b->data());
        lengths_[i] = static_cast<int>(b->size());
        formats_[i] = 1;
      }
    }
  }

  int size() const { return static_cast<int>(values_.size()); }
  const char* const* values() const { return values_.data(); }
  const int* lengths() const { return lengths_.data(); }
  const int* formats() const { return formats_.data(); }

 private:
  static std::string formatDouble(double d) {
    if (std::isnan(d)) return "NaN";
    if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
    char buf[32];
    // Shortest text that reads back as the same double.
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
    return std::string(buf, end);
  }

  std::vector<std::string> numbers_;
  std::vector<const char*> values_;
  std::vector<int> lengths_;
  std::vector<int> formats_;
};

int64_t parseInteger(const char* text, int length) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text, text + length, value);
  if (ec != std::errc())
    throw Error::internal(std::string("store: bad integer from server: ") + text);
  return value;
}

double parseReal(const char* text, int length) {
  double value = 0;
  auto [end, ec] = std::from_chars(text, text + length, value);
  if (ec == std::errc()) return value;
  return std::strtod(text, nullptr);  // out of range: strtod gives ±HUGE_VAL or 0
}

Row readRow(const PGresult* result, int row) {
  const int n = PQnfields(result);
  std::vector<Row::Cell> cells;
  cells.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    if (PQgetisnull(result, row, i)) {
      cells.emplace_back(std::monostate{});
      continue;
    }
    const char* text = PQgetvalue(result, row, i);
    const int length = PQgetlength(result, row, i);
    switch (PQftype(result, i)) {
      case kInt2Oid:
      case kInt4Oid:
      case kInt8Oid:
      case kOidOid:
        cells.emplace_back(parseInteger(text, length));
        break;
      case kFloat4Oid:
      case kFloat8Oid:
      case kNumericOid:
        cells.emplace_back(parseReal(text, length));
        break;
      case kBoolOid:
        cells.emplace_back(int64_t{text[0] == 't' ? 1 : 0});
        break;
      case kByteaOid: {
        size_t size = 0;
        unsigned char* bytes = PQunescapeBytea(reinterpret_cast<const unsigned char*>(text), &size);
        if (bytes == nullptr) throw Error::internal("store: cannot decode bytea from server");
        cells.emplace_back(Bytes(bytes, bytes + size));
        PQfreemem(bytes);
        break;
      }
      default:
        cells.emplace_back(std::string(text, static_cast<size_t>(length)));
        break;
    }
  }
  return Row(std::move(cells));
}

// Rows changed by the statement that produced `result`; 0 for queries.
int64_t changedRows(const PGresult* result) {
  std::string_view status = PQcmdStatus(const_cast<PGresult*>(result));
  if (!status.starts_with("INSERT") && !status.starts_with("UPDATE") &&
      !status.starts_with("DELETE") && !status.starts_with("MERGE")) {
    return 0;
  }
  const char* tuples = PQcmdTuples(const_cast<PGresult*>(result));
  return *tuples != '\0' ? std::strtoll(tuples, nullptr, 10) : 0;
}

void ignoreNotice(void*, const char*) {
  // Notices such as "relation already exists, skipping" would otherwise go
  // to stderr; nothing in them needs a reader.
}

// PgConnection — one libpq connection and its prepared statements.
//
// Owns the PGconn and closes it on destruction. Used by one thread at a time.
// Borrows the store's description, which outlives it. A connection that
// lost its server is marked broken and closed when given back instead of
// being pooled.
class PgConnection final : public Connection {
 public:
  PgConnection(PGconn* conn, const std::string& description)
      : conn_(conn), description_(description) {
    PQsetNoticeProcessor(conn_, &ignoreNotice, nullptr);
  }

  ~PgConnection() override { PQfinish(conn_); }

  // Per-connection settings: lock timeout, and the store's schema (created
  // if missing) first on the search path.
  void configure(int lock_timeout_ms, const std::string& schema) {
    execScript("SET lock_timeout = " + std::to_string(lock_timeout_ms));
    if (schema.empty()) return;
    char* quoted = PQescapeIdentifier(conn_, schema.data(), schema.size());
    if (quoted == nullptr) raise(nullptr, "PQescapeIdentifier");
    const std::string ident = quoted;
    PQfreemem(quoted);
    // Look first: CREATE SCHEMA IF NOT EXISTS checks the CREATE privilege
    // even when the schema exists, which a restricted role may lack.
    if (!queryOne("SELECT 1 FROM pg_namespace WHERE nspname = $1", {schema})) {
      try {
        execScript("CREATE SCHEMA IF NOT EXISTS " + ident);
      } catch (const Error& e) {
        // Two connections creating it at once: one loses on the catalog's
        // unique index (23505), which means it exists now.
        if (e.code() != Code::kConflict) throw;
      }
    }
    execScript("SET search_path TO " + ident);
  }

  Dialect dialect() const override { return Dialect::kPostgres; }

  void execScript(std::string_view sql) override {
    checkNotStreaming();
    Result r(PQexec(conn_, std::string(sql).c_str()));
    checkOk(std::move(r), sql);
  }

  int64_t execute(std::string_view sql, const Params& params) override {
    return run(sql, params, nullptr);
  }

  void query(std::string_view sql, const Params& params, const RowCallback& on_row) override {
    run(sql, params, &on_row);
  }

  void begin(TxMode mode) override {
    checkNotStreaming();
    if (inTransaction()) {
      throw Error::internal("store " + description_ +
                            ": a transaction is already open on this connection "
                            "(transactions do not nest)");
    }
    // A read transaction takes its snapshot now (the SELECT), not at its
    // first statement, so "a snapshot as of begin()" holds on both backends.
    execScript(mode == TxMode::kWrite
                   ? "BEGIN"
                   : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SELECT 1");
  }

  void commit() override {
    checkNotStreaming();
    switch (PQtransactionStatus(conn_)) {
      case PQTRANS_INTRANS:
        break;
      case PQTRANS_INERROR:
        rollback();
        throw Error::internal("store " + description_ +
                              ": transaction was aborted by an earlier error and has been rolled "
                              "back");
      case PQTRANS_IDLE:
        throw Error::internal("store " + description_ + ": no transaction is open");
      default:
        broken_ = true;
        throw Error::unavailable("store " + description_ +
                                 ": connection lost; the transaction's outcome is unknown");
    }
    Result r(PQexec(conn_, "COMMIT"));
    if (r && PQresultStatus(r.get()) == PGRES_COMMAND_OK &&
        std::string_view(PQcmdStatus(r.get())) != "COMMIT") {
      // The server turns COMMIT into ROLLBACK when the transaction had failed.
      throw Error::internal("store " + description_ + ": transaction was rolled back");
    }
    checkOk(std::move(r), "COMMIT");
  }

  void rollback() noexcept override {
    switch (PQtransactionStatus(conn_)) {
      case PQTRANS_INTRANS:
      case PQTRANS_INERROR: {
        Result r(PQexec(conn_, "ROLLBACK"));
        if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK) broken_ = true;
        break;
      }
      case PQTRANS_IDLE:
        break;
      default:
        broken_ = true;
        break;
    }
  }

  bool inTransaction() const override {
    auto status = PQtransactionStatus(conn_);
    return status == PQTRANS_INTRANS || status == PQTRANS_INERROR;
  }

  // Rolls back what a lease left open. False if the connection must be
  // closed rather than reused.
  bool resetForReuse() noexcept {
    if (in_query_) return false;
    rollback();
    return !broken_ && PQstatus(conn_) == CONNECTION_OK &&
           PQtransactionStatus(conn_) == PQTRANS_IDLE;
  }

 private:
  struct Statement {
    std::string name;
    uint64_t last_use = 0;
  };

  // Runs a prepared statement, streaming rows to `on_row` when given.
  int64_t run(std::string_view sql, const Params& params, const RowCallback* on_row) {
    checkNotStreaming();
    checkTextParams(params, description_);
    std::string key;
    key.reserve(params.size() + 1 + sql.size());
    for (const Param& p : params) key.push_back(typeLetter(p.value()));
    key.push_back('\n');
    key.append(sql);

    for (int attempt = 0;; ++attempt) {
      const Statement& st = prepare(key, sql, params);
      PgParams values(params);
      if (!PQsendQueryPrepared(conn_, st.name.c_str(), values.size(), values.values(),
                               values.lengths(), values.formats(), 0)) {
        raise(nullptr, sql);
      }
      if (on_row != nullptr) PQsetSingleRowMode(conn_);

      // Read every result, even after the callback stopped or threw: the
      // connection is usable again only once the server has sent them all.
      // (Cancelling instead would race with the next statement, and would
      // abort an enclosing transaction.)
      Result error;
      std::exception_ptr callback_error;
      bool stopped = false;
      bool delivered = false;
      int64_t changes = 0;
      in_query_ = true;
      while (PGresult* raw = PQgetResult(conn_)) {
        Result r(raw);
        switch (PQresultStatus(raw)) {
          case PGRES_SINGLE_TUPLE:
          case PGRES_TUPLES_OK:
            changes = changedRows(raw);
            for (int i = 0; on_row != nullptr && !stopped && i < PQntuples(raw); ++i) {
              delivered = true;
              try {
                stopped = !(*on_row)(readRow(raw, i));
              } catch (...) {
                callback_error = std::current_exception();
                stopped = true;
              }
            }
            break;
          case PGRES_COMMAND_OK:
            changes = changedRows(raw);
            break;
          default:
            if (!error) error = std::move(r);
            break;
        }
      }
      in_query_ = false;
      if (error) {
        // A schema change that alters a statement's result columns makes the
        // server refuse the old prepared statement; prepare it afresh and, if
        // no transaction was hurt and no row was seen, run it again.
        if (isStalePlan(error.get())) {
          forget(key);
          if (attempt == 0 && !delivered && PQtransactionStatus(conn_) == PQTRANS_IDLE) continue;
        }
        raise(error.release(), sql);
      }
      if (callback_error) std::rethrow_exception(callback_error);
      return changes;
    }
  }

  const Statement& prepare(const std::string& key, std::string_view sql, const Params& params) {
    if (auto it = cache_.find(key); it != cache_.end()) {
      it->second.last_use = ++use_counter_;
      return it->second;
    }
    // The server would report a count mismatch as a protocol error, or not
    // at all when the extra parameters are typed: check here, the same way
    // as SQLite.
    checkParamNumbers(scanParamNumbers(sql), params.size(), description_, sql);
    evictOldest();
    std::vector<Oid> types;
    for (const Param& p : params) types.push_back(typeOid(p.value()));
    Statement st{"maestro_" + std::to_string(++statement_counter_), ++use_counter_};
    Result r(PQprepare(conn_, st.name.c_str(), std::string(sql).c_str(),
                       static_cast<int>(types.size()), types.data()));
    checkOk(std::move(r), sql);
    return cache_.emplace(key, std::move(st)).first->second;
  }

  void evictOldest() {
    // DEALLOCATE would fail in an aborted transaction; let the cache run
    // over by one until it ends.
    if (cache_.size() < kStatementCacheSize || PQtransactionStatus(conn_) == PQTRANS_INERROR) {
      return;
    }
    auto oldest = cache_.begin();
    for (auto it = cache_.begin(); it != cache_.end(); ++it) {
      if (it->second.last_use < oldest->second.last_use) oldest = it;
    }
    const std::string name = oldest->second.name;
    cache_.erase(oldest);
    execScript("DEALLOCATE " + name);
  }

  void forget(const std::string& key) {
    auto it = cache_.find(key);
    if (it == cache_.end()) return;
    const std::string name = it->second.name;
    cache_.erase(it);
    if (PQtransactionStatus(conn_) != PQTRANS_INERROR) {
      Result r(PQexec(conn_, ("DEALLOCATE " + name).c_str()));
    }
  }

  static bool isStalePlan(const PGresult* r) {
    const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    const char* message = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
    return state != nullptr && std::string_view(state) == "0A000" && message != nullptr &&
           std::string_view(message).find("cached plan") != std::string_view::npos;
  }

  // Throws unless `r` reports success.
  void checkOk(Result r, std::string_view sql) {
    if (r) {
      auto status = PQresultStatus(r.get());
      if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return;
    }
    raise(r.release(), sql);
  }

  // Throws the Error for the failed `result` (owned; may be null, then the
  // connection's error message is used).
  [[noreturn]] void raise(PGresult* result, std::string_view sql) {
    Result r(result);
    const char* state = r ? PQresultErrorField(r.get(), PG_DIAG_SQLSTATE) : nullptr;
    const char* primary = r ? PQresultErrorField(r.get(), PG_DIAG_MESSAGE_PRIMARY) : nullptr;
    const std::string message = primary != nullptr ? primary : trimmed(PQerrorMessage(conn_));
    const std::string where = "store " + description_ + ": ";
    if (PQstatus(conn_) != CONNECTION_OK) {
      broken_ = true;
      throw Error::unavailable(where + "connection lost: " + message);
    }
    const std::string_view code = state != nullptr ? state : "";
    if (code.starts_with("23")) throw Error::conflict(where + message);
    if (code == "40001" || code == "40P01") {
      throw Error::conflict(where + message + ": concurrent transaction, retry");
    }
    if (code.starts_with("08") || code == "57P01" || code == "57P02" || code == "57P03") {
      broken_ = true;
      throw Error::unavailable(where + message);
    }
    if (code == "55P03") throw Error::unavailable(where + message);
    throw Error::internal(where + message + " (SQLSTATE " +
                          std::string(code.empty() ? "none" : code) + ", in: " + sqlPreview(sql) +
                          ")");
  }

  void checkNotStreaming() const {
    if (in_query_) {
      throw Error::internal("store " + description_ +
                            ": connection used inside its own query callback; use queryAll() "
                            "or another connection");
    }
  }

  PGconn* const conn_;
  const std::string& description_;
  std::map<std::string, Statement> cache_;  // key: parameter type letters, '\n', SQL
  uint64_t use_counter_ = 0;
  uint64_t statement_counter_ = 0;
  bool in_query_ = false;  // results of a statement are being read
  bool broken_ = false;    // the server is gone or the state is unknown
};

// PgStore — a pool of libpq connections to one database (and schema).
//
// Owns its connections (through the pool). Thread-safe. The pool is declared
// last so that it is destroyed before the strings its connections borrow.
class PgStore final : public Store {
 public:
  PgStore(std::string uri, const OpenOptions& options)
      : uri_(std::move(uri)),
        options_(options),
        description_(redactUri(uri_) + (options.schema.empty() ? "" : "#" + options.schema)),
        pool_(options.pool_size, std::chrono::milliseconds(options.busy_timeout_ms), description_) {
  }

  Dialect dialect() const override { return Dialect::kPostgres; }
  const std::string& description() const override { return description_; }

 protected:
  std::unique_ptr<Connection> take() override {
    return pool_.take([this] { return openConnection(); });
  }

  void giveBack(std::unique_ptr<Connection> conn) override {
    const bool reusable = static_cast<PgConnection&>(*conn).resetForReuse();
    pool_.put(std::move(conn), reusable);
  }

  void lockForMigration(Connection& conn) override {
    // Wait longer than usual for another process's migration, then restore
    // the normal lock timeout for the migration's own statements.
    conn.execScript("SET LOCAL lock_timeout = " +
                    std::to_string(std::max(kMigrationLockWaitMs, options_.busy_timeout_ms)) +
                    "; SELECT pg_advisory_xact_lock(" + std::to_string(kMigrationLockKey) +
                    "); SET LOCAL lock_timeout = " + std::to_string(options_.busy_timeout_ms));
  }

 private:
  std::unique_ptr<Connection> openConnection() {
    // connect_timeout comes before dbname so that one given in the URI wins.
    const std::string timeout =
        std::to_string(std::max(2, (options_.busy_timeout_ms + 999) / 1000));
    const char* keywords[] = {"connect_timeout", "fallback_application_name", "dbname", nullptr};
    const char* values[] = {timeout.c_str(), "maestro", uri_.c_str(), nullptr};
    PGconn* raw = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
    if (raw == nullptr) {
      throw Error::unavailable("store: cannot connect to " + redactUri(uri_) + ": out of memory");
    }
    if (PQstatus(raw) != CONNECTION_OK) {
      std::string message = scrubSecrets(trimmed(PQerrorMessage(raw)), uri_);
      PQfinish(raw);
      throw Error::unavailable("store: cannot connect to " + redactUri(uri_) + ": " + message);
    }
    auto conn = std::make_unique<PgConnection>(raw, description_);
    conn->configure(options_.busy_timeout_ms, options_.schema);
    return conn;
  }

  const std::string uri_;
  const OpenOptions options_;
  const std::string description_;
  ConnectionPool pool_;
};

}  // namespace

std::unique_ptr<Store> openPostgresStore(std::string_view uri, const OpenOptions& options) {
  std::string text(uri);
  char* error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(text.c_str(), &error);
  if (parsed == nullptr) {
    std::string message = error != nullptr ? trimmed(error) : "out of memory";
    PQfreemem(error);
    throw Error::badInput("invalid store URI '" + redactUri(uri) +
                          "': " + scrubSecrets(message, uri));
  }
  PQconninfoFree(parsed);
  auto store = std::make_unique<PgStore>(std::move(text), options);
  store->ping();  // opens the first connection: an unreachable server fails here
  return store;
}

}  // namespace maestro::store::internal
