#include "store/sqlite_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "common/error.h"
#include "store/connection_pool.h"
#include "store/sql_text.h"

namespace maestro::store::internal {
namespace {

using std::chrono::milliseconds;

// Prepared statements kept per connection. Bounded because callers may build
// SQL text dynamically (IN lists of varying length) and each entry holds
// compiled bytecode.
constexpr size_t kStatementCacheSize = 128;

// WriteGate — lets one connection of a SqliteStore write at a time.
//
// SQLite itself allows one writer per database, and a connection waiting for
// it polls through the busy handler with sleeps of up to 100 ms, which under
// contention inside one process wastes most of the time and can starve an
// unlucky thread. Writers of the same Store queue here instead and meet
// SQLite's own lock only when another process writes. Thread-safe; not tied
// to a thread, since a transaction may end on another thread than it began.
class WriteGate {
 public:
  bool acquire(milliseconds wait) {
    std::unique_lock lock(mutex_);
    if (!released_.wait_for(lock, wait, [&] { return !held_; })) return false;
    held_ = true;
    return true;
  }
  void release() noexcept {
    {
      std::lock_guard lock(mutex_);
      held_ = false;
    }
    released_.notify_one();
  }

 private:
  std::mutex mutex_;
  std::condition_variable released_;
  bool held_ = false;  // guarded by mutex_
};

// SqliteConnection — one sqlite3 handle and its prepared statements.
//
// Owns the handle and closes it on destruction (rolling back an open
// transaction). Used by one thread at a time (opened with
// SQLITE_OPEN_NOMUTEX). Borrows the Store's WriteGate and description, which
// outlive it.
//
// Transactions behave as on PostgreSQL: after a statement fails inside one,
// the transaction is aborted — further statements throw until rollback(),
// and commit() rolls back and throws — so that code tested on one backend
// behaves the same on the other.
class SqliteConnection final : public Connection {
 public:
  SqliteConnection(sqlite3* db, WriteGate& gate, const std::string& description,
                   milliseconds busy_timeout)
      : db_(db), gate_(gate), description_(description), busy_timeout_(busy_timeout) {}

  ~SqliteConnection() override {
    rollback();
    for (auto& [sql, st] : cache_) sqlite3_finalize(st.stmt);
    sqlite3_close_v2(db_);
  }

  // Sets the per-connection pragmas; throws Error::unavailable on failure.
  // Runs them directly rather than through execute(): they need no write
  // lock, and waiting for the WriteGate here would stall the pool behind a
  // long write transaction.
  void configure() {
    std::string mode;
    auto keepMode = [](void* out, int, char** values, char**) {
      *static_cast<std::string*>(out) = values[0] != nullptr ? values[0] : "";
      return 0;
    };
    // Switching a new file to WAL needs an exclusive lock, and SQLite
    // reports SQLITE_BUSY at once, without its busy handler, while another
    // connection is opening the same file: retry until the busy timeout.
    const auto deadline = std::chrono::steady_clock::now() + busy_timeout_;
    int rc;
    while ((rc = sqlite3_exec(db_, "PRAGMA journal_mode=WAL", keepMode, &mode, nullptr)) ==
               SQLITE_BUSY &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(milliseconds(1));
    }
    if (rc == SQLITE_OK) {
      rc = sqlite3_exec(db_, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON", nullptr, nullptr,
                        nullptr);
    }
    if (rc != SQLITE_OK) {
      throw Error::unavailable("store " + description_ +
                               ": cannot open database: " + sqlite3_errmsg(db_));
    }
    if (mode != "wal") {
      throw Error::unavailable("store " + description_ +
                               ": cannot open database: journal_mode is '" + mode +
                               "', WAL is not available here");
    }
  }

  Dialect dialect() const override { return Dialect::kSqlite; }

  void execScript(std::string_view sql) override {
    checkUsable();
    // PostgreSQL runs a multi-statement script as one transaction; do the
    // same here unless the caller already has one.
    bool own_tx = false;
    try {
      const char* p = sql.data();
      const char* end = sql.data() + sql.size();
      while (p < end) {
        sqlite3_stmt* raw = nullptr;
        const char* tail = nullptr;
        int rc = sqlite3_prepare_v2(db_, p, static_cast<int>(end - p), &raw, &tail);
        if (rc != SQLITE_OK) fail(rc, std::string_view(p, end - p));
        if (raw == nullptr) break;  // only whitespace or comments left
        std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> stmt(raw, &sqlite3_finalize);
        std::string_view text(p, tail - p);
        p = tail;
        if (!in_tx_ && !own_tx && hasStatement(std::string_view(tail, end - tail))) {
          begin(TxMode::kWrite);
          own_tx = true;
        }
        checkWritable(stmt.get(), text);
        GateHold hold(*this, !in_tx_ && !sqlite3_stmt_readonly(stmt.get()));
        while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
        }
        if (rc != SQLITE_DONE) fail(rc, text);
      }
      if (own_tx) commit();
    } catch (...) {
      if (own_tx) rollback();
      throw;
    }
  }

  int64_t execute(std::string_view sql, const Params& params) override {
    return run(sql, params, nullptr);
  }

  void query(std::string_view sql, const Params& params, const RowCallback& on_row) override {
    run(sql, params, &on_row);
  }

  void begin(TxMode mode) override {
    checkNotStreaming();
    if (in_tx_) {
      throw Error::internal("store " + description_ +
                            ": a transaction is already open on this connection "
                            "(transactions do not nest)");
    }
    if (mode == TxMode::kWrite) {
      if (!gate_.acquire(busy_timeout_)) {
        throw Error::unavailable("store " + description_ + ": write lock not obtained within " +
                                 std::to_string(busy_timeout_.count()) + " ms");
      }
      holds_gate_ = true;
    }
    // A read transaction pins its snapshot now, with a read, rather than at
    // its first statement, so "a snapshot as of begin()" holds on both
    // backends.
    const char* sql =
        mode == TxMode::kWrite ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED; PRAGMA schema_version";
    int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) {
      Error error = mapError(rc, sql);
      if (!sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      releaseGate();
      throw error;
    }
    in_tx_ = true;
    tx_mode_ = mode;
    tx_failed_ = false;
  }

  void commit() override {
    checkNotStreaming();
    if (!in_tx_) throw Error::internal("store " + description_ + ": no transaction is open");
    if (tx_failed_) {
      rollback();
      throw Error::internal("store " + description_ +
                            ": transaction was aborted by an earlier error and has been rolled "
                            "back");
    }
    int rc = sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) {
      Error error = mapError(rc, "COMMIT");
      rollback();
      throw error;
    }
    endTransaction();
  }

  void rollback() noexcept override {
    if (!sqlite3_get_autocommit(db_) &&
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr) != SQLITE_OK) {
      broken_ = true;  // state unknown: do not pool it
    }
    endTransaction();
  }

  bool inTransaction() const override { return in_tx_; }

  // Rolls back what a lease left open. False if the connection must be
  // closed rather than reused.
  bool resetForReuse() noexcept {
    if (in_query_) return false;
    rollback();
    return !broken_ && sqlite3_get_autocommit(db_);
  }

 private:
  struct Statement {
    sqlite3_stmt* stmt = nullptr;
    std::vector<int> numbers;  // SQLite's parameter index - 1 -> the N of `$N`
    std::vector<int> used;     // the N used, sorted, unique
    bool readonly = false;
    uint64_t last_use = 0;
  };

  // Holds the WriteGate for one autocommit write.
  class GateHold {
   public:
    GateHold(SqliteConnection& conn, bool needed) : conn_(conn) {
      if (!needed) return;
      if (!conn_.gate_.acquire(conn_.busy_timeout_)) {
        throw Error::unavailable("store " + conn_.description_ +
                                 ": write lock not obtained within " +
                                 std::to_string(conn_.busy_timeout_.count()) + " ms");
      }
      held_ = true;
    }
    ~GateHold() {
      if (held_) conn_.gate_.release();
    }

   private:
    SqliteConnection& conn_;
    bool held_ = false;
  };

  int64_t run(std::string_view sql, const Params& params, const RowCallback* on_row) {
    checkUsable();
    checkTextParams(params, description_);
    Statement& st = prepare(sql);
    checkParamNumbers(st.used, params.size(), description_, sql);
    checkWritable(st.stmt, sql);
    GateHold hold(*this, !in_tx_ && !st.readonly);
    // Reset and unbind however we leave: the text and blob bindings point
    // into `params`.
    struct Cleanup {
      SqliteConnection& conn;
      sqlite3_stmt* stmt;
      ~Cleanup() {
        sqlite3_reset(stmt);
        sqlite3_clear_bindings(stmt);
        conn.in_query_ = false;
      }
    } cleanup{*this, st.stmt};
    bind(st, params);
    in_query_ = true;
    const int64_t changes_before = sqlite3_total_changes64(db_);
    int rc;
    while ((rc = sqlite3_step(st.stmt)) == SQLITE_ROW) {
      if (on_row != nullptr && !(*on_row)(readRow(st.stmt))) return 0;
    }
    if (rc != SQLITE_DONE) fail(rc, sql);
    // sqlite3_changes64 keeps the count of the last INSERT/UPDATE/DELETE, so
    // only trust it if this statement changed something.
    return sqlite3_total_changes64(db_) != changes_before ? sqlite3_changes64(db_) : 0;
  }

  Statement& prepare(std::string_view sql) {
    if (auto it = cache_.find(sql); it != cache_.end()) {
      it->second.last_use = ++use_counter_;
      return it->second;
    }
    sqlite3_stmt* raw = nullptr;
    const char* tail = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &raw, &tail);
    if (rc != SQLITE_OK) fail(rc, sql);
    std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> stmt(raw, &sqlite3_finalize);
    if (!stmt) throw Error::internal("store " + description_ + ": SQL holds no statement");
    if (hasStatement(std::string_view(tail, sql.data() + sql.size() - tail))) {
      throw Error::internal("store " + description_ +
                            ": execute() and query() take one statement; use execScript() for "
                            "several (in: " +
                            sqlPreview(sql) + ")");
    }
    Statement st;
    const int count = sqlite3_bind_parameter_count(stmt.get());
    for (int j = 1; j <= count; ++j) {
      const char* name = sqlite3_bind_parameter_name(stmt.get(), j);
      int n = name != nullptr ? parseParamName(name) : 0;
      if (n == 0) {
        throw Error::internal("store " + description_ + ": SQL parameter '" +
                              (name != nullptr ? name : "?") +
                              "' is not of the form $1, $2, … (in: " + sqlPreview(sql) + ")");
      }
      st.numbers.push_back(n);
    }
    st.used = st.numbers;
    std::sort(st.used.begin(), st.used.end());
    st.used.erase(std::unique(st.used.begin(), st.used.end()), st.used.end());
    st.readonly = sqlite3_stmt_readonly(stmt.get()) != 0;
    st.last_use = ++use_counter_;
    if (cache_.size() >= kStatementCacheSize) {
      auto oldest = cache_.begin();
      for (auto it = cache_.begin(); it != cache_.end(); ++it) {
        if (it->second.last_use < oldest->second.last_use) oldest = it;
      }
      sqlite3_finalize(oldest->second.stmt);
      cache_.erase(oldest);
    }
    st.stmt = stmt.release();
    return cache_.emplace(std::string(sql), std::move(st)).first->second;
  }

  void bind(const Statement& st, const Params& params) {
    static const uint8_t kEmpty = 0;  // a non-null pointer for empty blobs
    for (size_t j = 0; j < st.numbers.size(); ++j) {
      const int index = static_cast<int>(j + 1);
      const Param::Value& value = params[st.numbers[j] - 1].value();
      int rc = SQLITE_OK;
      if (std::holds_alternative<std::monostate>(value)) {
        rc = sqlite3_bind_null(st.stmt, index);
      } else if (auto* i = std::get_if<int64_t>(&value)) {
        rc = sqlite3_bind_int64(st.stmt, index, *i);
      } else if (auto* d = std::get_if<double>(&value)) {
        rc = sqlite3_bind_double(st.stmt, index, *d);
      } else if (auto* s = std::get_if<std::string>(&value)) {
        rc = sqlite3_bind_text64(st.stmt, index, s->data(), s->size(), SQLITE_STATIC, SQLITE_UTF8);
      } else if (auto* b = std::get_if<Bytes>(&value)) {
        rc = sqlite3_bind_blob64(st.stmt, index, b->empty() ? &kEmpty : b->data(), b->size(),
                                 SQLITE_STATIC);
      }
      if (rc != SQLITE_OK) fail(rc, sqlite3_sql(st.stmt));
    }
  }

  static Row readRow(sqlite3_stmt* stmt) {
    const int n = sqlite3_column_count(stmt);
    std::vector<Row::Cell> cells;
    cells.reserve(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
      switch (sqlite3_column_type(stmt, i)) {
        case SQLITE_INTEGER:
          cells.emplace_back(int64_t{sqlite3_column_int64(stmt, i)});
          break;
        case SQLITE_FLOAT:
          cells.emplace_back(sqlite3_column_double(stmt, i));
          break;
        case SQLITE_TEXT: {
          auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
          cells.emplace_back(std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt, i))));
          break;
        }
        case SQLITE_BLOB: {
          auto* p = static_cast<const uint8_t*>(sqlite3_column_blob(stmt, i));
          auto size = static_cast<size_t>(sqlite3_column_bytes(stmt, i));
          cells.emplace_back(p != nullptr ? Bytes(p, p + size) : Bytes());
          break;
        }
        default:
          cells.emplace_back(std::monostate{});
          break;
      }
    }
    return Row(std::move(cells));
  }

  // True if `sql` holds a statement (not just whitespace, `;` or comments).
  bool hasStatement(std::string_view sql) const {
    size_t i = sql.find_first_not_of(" \t\r\n;");
    if (i == std::string_view::npos) return false;
    sqlite3_stmt* stmt = nullptr;
    int rc =
        sqlite3_prepare_v2(db_, sql.data() + i, static_cast<int>(sql.size() - i), &stmt, nullptr);
    sqlite3_finalize(stmt);
    // A statement that does not compile yet (say, it uses a table an earlier
    // one creates) is still a statement.
    return rc != SQLITE_OK || stmt != nullptr;
  }

  void checkNotStreaming() const {
    if (in_query_) {
      throw Error::internal("store " + description_ +
                            ": connection used inside its own query callback; use queryAll() "
                            "or another connection");
    }
  }

  void checkUsable() const {
    checkNotStreaming();
    if (tx_failed_) {
      throw Error::internal("store " + description_ +
                            ": current transaction is aborted after an earlier error; roll back "
                            "first");
    }
  }

  // A read transaction is read-only, as PostgreSQL's READ ONLY makes it.
  void checkWritable(sqlite3_stmt* stmt, std::string_view sql) {
    if (in_tx_ && tx_mode_ == TxMode::kRead && !sqlite3_stmt_readonly(stmt)) {
      tx_failed_ = true;
      throw Error::internal("store " + description_ +
                            ": cannot write in a read transaction (in: " + sqlPreview(sql) + ")");
    }
  }

  Error mapError(int rc, std::string_view sql) const {
    const std::string message = sqlite3_errmsg(db_);
    switch (rc & 0xff) {
      case SQLITE_CONSTRAINT:
        return Error::conflict("store " + description_ + ": " + message);
      case SQLITE_BUSY:
      case SQLITE_LOCKED:
        return Error::unavailable("store " + description_ + ": " + message + " (waited " +
                                  std::to_string(busy_timeout_.count()) + " ms)");
      default:
        return Error::internal("store " + description_ + ": " + message +
                               " (in: " + sqlPreview(sql) + ")");
    }
  }

  // A failed statement aborts the transaction it ran in (see class comment).
  [[noreturn]] void fail(int rc, std::string_view sql) {
    if (in_tx_) tx_failed_ = true;
    throw mapError(rc, sql);
  }

  void endTransaction() noexcept {
    in_tx_ = false;
    tx_failed_ = false;
    releaseGate();
  }

  void releaseGate() noexcept {
    if (holds_gate_) gate_.release();
    holds_gate_ = false;
  }

  sqlite3* const db_;
  WriteGate& gate_;
  const std::string& description_;
  const milliseconds busy_timeout_;
  std::map<std::string, Statement, std::less<>> cache_;
  uint64_t use_counter_ = 0;
  bool in_tx_ = false;  // begin() succeeded and neither commit() nor rollback() ran
  TxMode tx_mode_ = TxMode::kRead;
  bool tx_failed_ = false;   // a statement failed inside the open transaction
  bool holds_gate_ = false;  // the open transaction is a write transaction
  bool in_query_ = false;    // a statement is being stepped
  bool broken_ = false;      // ROLLBACK failed: close instead of pooling
};

// SqliteStore — a pool of connections to one database file.
//
// Owns its connections (through the pool). Thread-safe. Declared member
// order matters: the pool is destroyed first, while the gate and the
// description its connections borrow still exist.
class SqliteStore final : public Store {
 public:
  SqliteStore(std::string path, std::string description, const OpenOptions& options)
      : path_(std::move(path)),
        description_(std::move(description)),
        busy_timeout_(options.busy_timeout_ms),
        pool_(options.pool_size, busy_timeout_, description_) {}

  Dialect dialect() const override { return Dialect::kSqlite; }
  const std::string& description() const override { return description_; }

 protected:
  std::unique_ptr<Connection> take() override {
    return pool_.take([this] { return openConnection(); });
  }

  void giveBack(std::unique_ptr<Connection> conn) override {
    const bool reusable = static_cast<SqliteConnection&>(*conn).resetForReuse();
    pool_.put(std::move(conn), reusable);
  }

  // BEGIN IMMEDIATE, which every write transaction starts with, already
  // holds the database's single write lock until commit.
  void lockForMigration(Connection&) override {}

 private:
  std::unique_ptr<Connection> openConnection() {
    sqlite3* db = nullptr;
    int rc =
        sqlite3_open_v2(path_.c_str(), &db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
      std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
      sqlite3_close_v2(db);
      throw Error::unavailable("store " + description_ + ": cannot open database: " + message);
    }
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, static_cast<int>(busy_timeout_.count()));
    auto conn = std::make_unique<SqliteConnection>(db, gate_, description_, busy_timeout_);
    conn->configure();
    return conn;
  }

  const std::string path_;
  const std::string description_;
  const milliseconds busy_timeout_;
  WriteGate gate_;
  ConnectionPool pool_;
};

}  // namespace

std::unique_ptr<Store> openSqliteStore(std::string path, std::string description,
                                       const OpenOptions& options) {
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
    if (ec) {
      throw Error::unavailable("store " + description + ": cannot create directory '" +
                               parent.string() + "': " + ec.message());
    }
  }
  auto store = std::make_unique<SqliteStore>(std::move(path), std::move(description), options);
  store->ping();  // opens the first connection: a bad path fails here
  return store;
}

}  // namespace maestro::store::internal
