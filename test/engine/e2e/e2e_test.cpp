// Runs the end-to-end query files in this directory (see README.md).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/error.h"
#include "engine/main/database.h"
#include "engine/storage/graph_store.h"
#include "testing/test_stores.h"

namespace maestro::engine {
namespace {

struct Block {
  int line = 0;
  enum class Kind { kOk, kQuery, kError } kind = Kind::kOk;
  bool rowsort = false;
  std::string expected_error;
  std::string text;
  std::vector<std::string> expected;  // header then rows
};

std::string trim(std::string s) {
  auto notSpace = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), notSpace));
  s.erase(std::find_if(s.rbegin(), s.rend(), notSpace).base(), s.end());
  return s;
}

std::vector<Block> parseFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::vector<Block> blocks;
  std::string line;
  int lineno = 0;
  Block current;
  bool active = false;
  bool in_expected = false;
  auto flush = [&] {
    if (active) blocks.push_back(std::move(current));
    current = Block();
    active = false;
    in_expected = false;
  };
  while (std::getline(in, line)) {
    ++lineno;
    std::string t = trim(line);
    if (!active) {
      if (t.empty() || t[0] == '#') continue;
      Block b;
      b.line = lineno;
      if (t == "statement ok") {
        b.kind = Block::Kind::kOk;
      } else if (t == "query" || t == "query rowsort") {
        b.kind = Block::Kind::kQuery;
        b.rowsort = t == "query rowsort";
      } else if (t.rfind("statement error ", 0) == 0) {
        b.kind = Block::Kind::kError;
        b.expected_error = trim(t.substr(16));
      } else {
        ADD_FAILURE() << path.filename() << ":" << lineno << ": unknown directive '" << t << "'";
        continue;
      }
      current = std::move(b);
      active = true;
      continue;
    }
    if (t.empty()) {
      flush();
      continue;
    }
    if (current.kind == Block::Kind::kQuery && t == "----") {
      in_expected = true;
      continue;
    }
    if (in_expected) {
      current.expected.push_back(t);
    } else {
      current.text += (current.text.empty() ? "" : "\n") + line;
    }
  }
  flush();
  return blocks;
}

class E2E : public ::testing::TestWithParam<std::string> {};
// The same files with planner v2: the same answers (rows compared in any
// order unless the query sorts, since another plan may produce them in
// another order).
class E2EV2 : public ::testing::TestWithParam<std::string> {};

void runFile(const std::string& file, PlannerVersion planner) {
  std::filesystem::path path = std::filesystem::path(MAESTRO_E2E_DIR) / file;
  testing::TestDatabase tdb(testing::Backend::kSqlite);
  auto store = tdb.open();
  store->migrate("graph", GraphStore::migrations());
  auto db = Database::open(*store, "e2e");
  QueryOptions options;
  options.planner = planner;
  for (const Block& b : parseFile(path)) {
    std::string where = file + ":" + std::to_string(b.line);
    if (b.kind == Block::Kind::kError) {
      try {
        db->execute(b.text, {}, options);
        ADD_FAILURE() << where << ": expected error " << b.expected_error << ", got success";
      } catch (const Error& e) {
        if (b.expected_error.size() > 1 && b.expected_error.front() == '"') {
          std::string want = b.expected_error.substr(1, b.expected_error.size() - 2);
          EXPECT_NE(e.message().find(want), std::string::npos)
              << where << ": message '" << e.message() << "' lacks '" << want << "'";
        } else {
          EXPECT_EQ(e.detail(), b.expected_error) << where << ": " << e.message();
        }
      }
      continue;
    }
    QueryResult r;
    try {
      r = db->execute(b.text, {}, options);
    } catch (const Error& e) {
      ADD_FAILURE() << where << ": " << e.detail() << ": " << e.message();
      continue;
    }
    if (b.kind != Block::Kind::kQuery) continue;
    std::vector<std::string> actual;
    std::string header;
    for (const auto& c : r.columns) header += (header.empty() ? "" : " | ") + c;
    std::vector<std::string> rows;
    for (const auto& row : r.rows) {
      std::string line;
      for (size_t i = 0; i < row.size(); ++i) line += (i ? " | " : "") + r.render(row[i]);
      rows.push_back(line);
    }
    std::vector<std::string> expected_rows(b.expected.begin() + (b.expected.empty() ? 0 : 1),
                                           b.expected.end());
    bool sorted = b.text.find("ORDER BY") != std::string::npos;
    if (b.rowsort || (planner == PlannerVersion::kV2 && !sorted)) {
      std::sort(rows.begin(), rows.end());
      std::sort(expected_rows.begin(), expected_rows.end());
    }
    EXPECT_EQ(header, b.expected.empty() ? "" : b.expected.front()) << where;
    EXPECT_EQ(rows, expected_rows) << where << "\n" << b.text;
  }
}

TEST_P(E2E, Run) { runFile(GetParam(), PlannerVersion::kV1); }
TEST_P(E2EV2, Run) { runFile(GetParam(), PlannerVersion::kV2); }

std::vector<std::string> testFiles() {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(MAESTRO_E2E_DIR)) {
    if (e.path().extension() == ".test") files.push_back(e.path().filename().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string testName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param.substr(0, info.param.size() - 5);
  for (auto& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Files, E2E, ::testing::ValuesIn(testFiles()), testName);
INSTANTIATE_TEST_SUITE_P(Files, E2EV2, ::testing::ValuesIn(testFiles()), testName);

}  // namespace
}  // namespace maestro::engine
