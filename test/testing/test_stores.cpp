#include "testing/test_stores.h"

#include <cstdlib>
#include <fstream>
#include <random>
#include <stdexcept>

namespace maestro::testing {
std::string randomName(const std::string& prefix) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  static const char kChars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string s = prefix;
  for (int i = 0; i < 12; ++i) s += kChars[rng() % (sizeof kChars - 1)];
  return s;
}

void dropSchema(const std::string& uri, const std::string& schema) {
  try {
    auto store = store::Store::open(uri);
    store->acquire()->execScript("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE");
  } catch (const Error&) {
  }
}

std::string backendName(Backend backend) {
  return backend == Backend::kSqlite ? "sqlite" : "postgres";
}

std::string postgresUri() {
  const char* file = std::getenv("MAESTRO_TEST_PG_URI_FILE");
  if (file == nullptr || *file == '\0') {
    throw std::runtime_error(
        "MAESTRO_TEST_PG_URI_FILE is not set: run the PostgreSQL tests through ctest, which "
        "starts the server (fixture `postgres`), or start one with scripts/pg-test-server.sh "
        "start DIR and set MAESTRO_TEST_PG_URI_FILE=DIR/uri");
  }
  std::ifstream in(file);
  std::string uri;
  if (!in || !std::getline(in, uri) || uri.empty()) {
    throw std::runtime_error(std::string("no PostgreSQL test server: cannot read ") + file +
                             " (the ctest fixture 'postgres' starts one)");
  }
  return uri;
}

TempDir::TempDir() {
  path_ = std::filesystem::temp_directory_path() / randomName("maestro-test-");
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

TestDatabase::TestDatabase(Backend backend) : backend_(backend) {
  if (backend == Backend::kSqlite) {
    uri_ = "sqlite:" + (dir_.path() / "test.db").string();
  } else {
    uri_ = postgresUri();
    schema_ = randomName("test_");
  }
}

TestDatabase::~TestDatabase() {
  if (!schema_.empty()) dropSchema(uri_, schema_);
}

std::unique_ptr<store::Store> TestDatabase::open(store::OpenOptions options) const {
  options.schema = schema_;
  return store::Store::open(uri_, options);
}

}  // namespace maestro::testing
