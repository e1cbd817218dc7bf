// What the store tests share: where the throwaway PostgreSQL server is,
// fresh names and directories, and a helper to catch a maestro::Error.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "common/error.h"
#include "store/store.h"

namespace maestro::store::testing {

// A lowercase name, unique enough for a schema or a directory.
inline std::string randomName(const std::string& prefix) {
  std::random_device rd;
  std::uniform_int_distribution<uint64_t> dist;
  uint64_t bits = dist(rd);
  static const char kHex[] = "0123456789abcdef";
  std::string name = prefix;
  for (int i = 0; i < 12; ++i) name.push_back(kHex[(bits >> (4 * i)) & 0xf]);
  return name;
}

// The throwaway server's URI, from the file $MAESTRO_TEST_PG_URI_FILE names
// (written by scripts/pg-test-server.sh as the CTest fixture `postgres`).
// Returns an empty string and sets `why` if there is none: the PostgreSQL
// tests then fail rather than skip, so a broken setup cannot pass unseen.
inline std::string postgresUri(std::string* why) {
  const char* file = std::getenv("MAESTRO_TEST_PG_URI_FILE");
  if (file == nullptr || *file == '\0') {
    *why =
        "MAESTRO_TEST_PG_URI_FILE is not set: run the PostgreSQL tests through ctest, which "
        "starts the server (fixture `postgres`), or start one with scripts/pg-test-server.sh "
        "start DIR and set MAESTRO_TEST_PG_URI_FILE=DIR/uri";
    return "";
  }
  std::ifstream in(file);
  std::string uri;
  if (!in || !std::getline(in, uri) || uri.empty()) {
    *why = std::string("cannot read a PostgreSQL URI from ") + file +
           " (MAESTRO_TEST_PG_URI_FILE): did the `postgres_start` fixture run and succeed?";
    return "";
  }
  return uri;
}

// Drops a test schema; best effort, as the server is thrown away anyway.
inline void dropSchema(const std::string& uri, const std::string& schema) {
  try {
    auto store = Store::open(uri);
    store->acquire()->execScript("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE");
  } catch (const Error&) {
  }
}

// A fresh directory under the system temp directory, removed with all its
// contents on destruction.
class TempDir {
 public:
  TempDir() : path_(std::filesystem::temp_directory_path() / randomName("maestro-store-test-")) {
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

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

}  // namespace maestro::store::testing
