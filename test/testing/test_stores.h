// Fresh databases for tests, on either backend.
//
// SQLite: a new file in a new temporary directory. PostgreSQL: a new schema
// in the test server that CTest's `postgres` fixture started; its URI is in
// the file named by MAESTRO_TEST_PG_URI_FILE. A missing server is a test
// failure, never a silent skip.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "common/error.h"
#include "store/store.h"

namespace maestro::testing {

// A lower-case name, unique enough for a schema or a directory.
std::string randomName(const std::string& prefix);

// Runs `f` and returns the maestro::Error it throws; records a failure (and
// returns an error with a code no test expects) if it throws none.
template <typename F>
Error errorFrom(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "expected a maestro::Error, none was thrown";
  return Error(Code::kNotImplemented, "<no error thrown>");
}

// Drops a PostgreSQL schema; best effort, the server is thrown away anyway.
void dropSchema(const std::string& uri, const std::string& schema);

enum class Backend { kSqlite, kPostgres };

std::string backendName(Backend backend);

// The test PostgreSQL server's URI; throws std::runtime_error if unknown.
std::string postgresUri();

// A unique temporary directory, removed on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

class TestDatabase {
 public:
  explicit TestDatabase(Backend backend);
  ~TestDatabase();  // drops the PostgreSQL schema
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;
  Backend backend() const { return backend_; }
  const std::string& uri() const { return uri_; }
  const std::string& schema() const { return schema_; }
  const std::filesystem::path& dir() const { return dir_.path(); }
  // A new Store (its own pool) on this database, like another process.
  std::unique_ptr<store::Store> open(store::OpenOptions options = {}) const;

 private:
  Backend backend_;
  TempDir dir_;
  std::string uri_;
  std::string schema_;
};

}  // namespace maestro::testing
