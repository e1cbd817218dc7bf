#include "testing/test_stores.h"

#include <cstdlib>
#include <fstream>
#include <random>
#include <stdexcept>

namespace maestro::testing {
namespace {

std::string randomSuffix() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  static const char kChars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string s;
  for (int i = 0; i < 12; ++i) s += kChars[rng() % (sizeof kChars - 1)];
  return s;
}

}  // namespace

std::string backendName(Backend backend) {
  return backend == Backend::kSqlite ? "sqlite" : "postgres";
}

std::string postgresUri() {
  const char* file = std::getenv("MAESTRO_TEST_PG_URI_FILE");
  if (file == nullptr) {
    throw std::runtime_error("MAESTRO_TEST_PG_URI_FILE is not set: run this test through ctest");
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
  path_ = std::filesystem::temp_directory_path() / ("maestro-test-" + randomSuffix());
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
    schema_ = "test_" + randomSuffix();
  }
}

std::unique_ptr<store::Store> TestDatabase::open(int pool_size) const {
  store::OpenOptions options;
  options.pool_size = pool_size;
  options.schema = schema_;
  return store::Store::open(uri_, options);
}

}  // namespace maestro::testing
