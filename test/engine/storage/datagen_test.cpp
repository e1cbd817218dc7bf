// The benchmark data generator: deterministic for a seed, the counts and
// the skew of shared/bench at a tiny scale, and output the importer takes.
#include "tools/datagen.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <unordered_map>

#include "common/json.h"
#include "engine/storage/importer.h"
#include "testing/test_stores.h"

namespace maestro::tools {
namespace {

using maestro::testing::Backend;
using maestro::testing::TempDir;
using ::testing::HasSubstr;

constexpr double kTinyScale = 0.01;

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream os;
  os << in.rdbuf();
  return os.str();
}

std::vector<std::filesystem::path> dataFiles(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".csv") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// One CSV file as rows of column name → text.
std::vector<std::map<std::string, std::string>> readCsv(const std::filesystem::path& path) {
  engine::CsvReader reader(path, path.filename().string());
  std::vector<engine::CsvReader::Field> fields;
  std::vector<std::string> header;
  std::vector<std::map<std::string, std::string>> rows;
  while (reader.next(fields)) {
    if (header.empty()) {
      for (const auto& f : fields) header.push_back(f.text);
      continue;
    }
    std::map<std::string, std::string> row;
    for (size_t i = 0; i < fields.size() && i < header.size(); ++i) row[header[i]] = fields[i].text;
    rows.push_back(std::move(row));
  }
  return rows;
}

TEST(storageDatagen, SameSeedGivesIdenticalFilesAndAnotherSeedDiffers) {
  TempDir a, b, c;
  generate({kTinyScale, 7, a.path()});
  generate({kTinyScale, 7, b.path()});
  generate({kTinyScale, 8, c.path()});
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(a.path())) {
    names.push_back(e.path().filename().string());
  }
  EXPECT_EQ(names.size(), 15u);  // 13 CSV files, schema.cypher, params.json
  size_t differing = 0;
  for (const auto& name : names) {
    const std::string text = slurp(a.path() / name);
    EXPECT_EQ(text, slurp(b.path() / name)) << name;
    if (text != slurp(c.path() / name)) ++differing;
  }
  EXPECT_GE(differing, 12u);  // all but schema.cypher
}

TEST(storageDatagen, CountsAndSkewHoldAtATinyScale) {
  TempDir dir;
  int64_t last_done = 0, last_total = 0;
  GenSummary s = generate({kTinyScale, 42, dir.path()}, [&](int64_t done, int64_t total) {
    EXPECT_GE(done, last_done);
    last_done = done;
    last_total = total;
  });
  EXPECT_EQ(last_done, last_total);
  EXPECT_EQ(last_done, s.total_nodes + s.total_relationships);
  EXPECT_EQ(s.nodes.at("Person"), 1000);
  EXPECT_GT(s.total_relationships, 9000);
  EXPECT_LT(s.total_relationships, 11000);
  // Hubs: far above the average in-degree (≈3 transfers, ≈2 mentions).
  EXPECT_GE(s.max_transfer_in_degree, 150);
  EXPECT_GE(s.max_mentions_in_degree, 100);
  EXPECT_GT(s.knows_duplicate_pairs, 0);
  EXPECT_LT(s.knows_duplicate_pairs, s.relationships.at("KNOWS") / 20);

  // Every node has an id unique within its label, and a tenant; t1 holds
  // about 80%.
  int64_t nodes = 0, t1 = 0;
  std::map<std::string, std::vector<std::map<std::string, std::string>>> by_label;
  for (const char* label : {"person", "organization", "location", "event", "document", "account"}) {
    auto rows = readCsv(dir.path() / (std::string("nodes_") + label + ".csv"));
    std::set<std::string> ids;
    for (const auto& row : rows) {
      EXPECT_FALSE(row.at(":ID").empty());
      EXPECT_TRUE(ids.insert(row.at(":ID")).second) << row.at(":ID");
      EXPECT_FALSE(row.at("tenant").empty());
      ++nodes;
      if (row.at("tenant") == "t1") ++t1;
    }
    by_label[label] = std::move(rows);
  }
  EXPECT_EQ(nodes, s.total_nodes);
  EXPECT_NEAR(static_cast<double>(t1) / static_cast<double>(nodes), 0.8, 0.03);

  // One nationality covers ~60% of people; the rare flags are rare.
  const auto& people = by_label["person"];
  int64_t us = 0, risky = 0;
  for (const auto& p : people) {
    if (p.at("nationality") == "US") ++us;
    if (std::stod(p.at("risk_score:float")) > 0.95) ++risky;
  }
  EXPECT_NEAR(static_cast<double>(us) / static_cast<double>(people.size()), 0.6, 0.05);
  auto rare = [](int64_t n) { return std::max<int64_t>(1, n / 1000); };
  EXPECT_GE(risky, 1);
  EXPECT_LE(risky, rare(static_cast<int64_t>(people.size())));
  int64_t flagged = 0, sanctioned = 0;
  for (const auto& a : by_label["account"]) flagged += a.at("flagged:bool") == "true";
  for (const auto& o : by_label["organization"]) sanctioned += o.at("sanctioned:bool") == "true";
  EXPECT_GE(flagged, 1);
  EXPECT_LE(flagged, rare(static_cast<int64_t>(by_label["account"].size())));
  EXPECT_GE(sanctioned, 1);
  EXPECT_LE(sanctioned, rare(static_cast<int64_t>(by_label["organization"].size())));

  // The TRANSFERRED_TO hub the summary reports is in the file.
  std::unordered_map<std::string, int64_t> in_degree;
  for (const auto& t : readCsv(dir.path() / "rels_transferred_to.csv"))
    ++in_degree[t.at(":END_ID")];
  int64_t max_in = 0;
  for (const auto& [_, d] : in_degree) max_in = std::max(max_in, d);
  EXPECT_EQ(max_in, s.max_transfer_in_degree);

  // params.json: every top-20 query, each with cases from both ends.
  Json params = parseJson(slurp(dir.path() / "params.json"), "params.json");
  const std::vector<std::string> op_ids = {"q01_person_by_id",
                                           "q02_person_by_name",
                                           "q03_contacts",
                                           "q04_friend_suggestions",
                                           "q05_org_event_attendees",
                                           "q06_nationality_bank_contacts",
                                           "q07_large_transfers_in_window",
                                           "q08_layering_into_flagged",
                                           "q09_fan_in",
                                           "q10_co_mentions",
                                           "q11_documents_linking",
                                           "q12_shortest_path",
                                           "q13_colleague_pairs",
                                           "q14_people_by_place",
                                           "q15_event_attendance",
                                           "q16_profile_card",
                                           "q17_risky_reach",
                                           "q18_sanctioned_flows",
                                           "q19_secret_mentions_in_city",
                                           "q20_top_senders"};
  ASSERT_TRUE(params.contains("queries"));
  EXPECT_EQ(params["queries"].size(), op_ids.size());
  for (const auto& op : op_ids) {
    ASSERT_TRUE(params["queries"].contains(op)) << op;
    const Json& cases = params["queries"][op];
    EXPECT_GE(cases.size(), 2u) << op;
    for (const Json& c : cases) {
      EXPECT_TRUE(c.contains("case") && c.contains("params")) << op;
    }
  }
  const std::string hub = params["queries"]["q09_fan_in"][0]["params"]["hub"];
  const std::string leaf = params["queries"]["q09_fan_in"][1]["params"]["hub"];
  EXPECT_EQ(in_degree[hub], s.max_transfer_in_degree);
  EXPECT_EQ(in_degree[leaf], 1);
  EXPECT_EQ(params["queries"]["q06_nationality_bank_contacts"][0]["params"]["nat"], "US");

  const std::string schema = slurp(dir.path() / "schema.cypher");
  EXPECT_THAT(schema, HasSubstr("CREATE INDEX person_id IF NOT EXISTS FOR (n:Person) ON (n.id);"));
  EXPECT_THAT(schema, HasSubstr("FOR (n:Account) ON (n.id);"));
}

TEST(storageDatagen, RejectsBadOptions) {
  TempDir dir;
  EXPECT_THROW(generate({0, 1, dir.path()}), Error);
  EXPECT_THROW(generate({-1, 1, dir.path()}), Error);
  EXPECT_THROW(generate({1, 1, ""}), Error);
}

class DatagenImportTest : public ::testing::TestWithParam<Backend> {};

TEST_P(DatagenImportTest, OutputImportsCleanly) {
  TempDir dir;
  GenSummary s = generate({kTinyScale, 42, dir.path()});
  maestro::testing::TestDatabase db(GetParam());
  auto store = db.open();
  engine::ImportResult r = engine::importFiles(*store, "bench", dataFiles(dir.path()));
  EXPECT_EQ(r.nodes, s.total_nodes);
  EXPECT_EQ(r.relationships, s.total_relationships);
  EXPECT_EQ(r.version, 1);

  engine::GraphStore gs(*store);
  engine::Graph g;
  EXPECT_EQ(gs.load("bench", g), 1);
  EXPECT_EQ(static_cast<int64_t>(g.nodeCount()), s.total_nodes);
  EXPECT_EQ(static_cast<int64_t>(g.relCount()), s.total_relationships);
  const engine::Catalog& c = g.catalog();
  for (const char* key : {"ssn", "iban"}) {
    EXPECT_EQ(c.sensitivity(*c.propertyKeys().find(key)), engine::Sensitivity::kHigh) << key;
  }
  EXPECT_EQ(c.sensitivity(*c.propertyKeys().find("email")), engine::Sensitivity::kMedium);
  EXPECT_EQ(g.labelCount(*c.labels().find("Person")), 1000u);
  // Typed columns arrived typed.
  engine::NodeId p = g.nodesWithLabel(*c.labels().find("Person")).front();
  EXPECT_TRUE(g.node(p).properties.get(*c.propertyKeys().find("age"))->isInt());
  EXPECT_TRUE(g.node(p).properties.get(*c.propertyKeys().find("risk_score"))->isFloat());
}

INSTANTIATE_TEST_SUITE_P(storage, DatagenImportTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const ::testing::TestParamInfo<Backend>& info) {
                           return maestro::testing::backendName(info.param);
                         });

}  // namespace
}  // namespace maestro::tools
