// The importer: the CSV reader's RFC 4180 edge cases, typed columns, JSON
// Lines, errors that name file:line with nothing written, and a SIGKILL in
// the middle of an import leaving all or nothing.
#include "engine/storage/importer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "common/error.h"
#include "testing/test_stores.h"

namespace maestro::engine {
namespace {

using maestro::testing::Backend;
using maestro::testing::errorFrom;
using maestro::testing::TempDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::filesystem::path writeFile(const std::filesystem::path& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  return path;
}

std::vector<std::vector<std::string>> readAll(const std::filesystem::path& path,
                                              std::vector<int64_t>* lines = nullptr) {
  CsvReader reader(path, path.filename().string());
  std::vector<CsvReader::Field> fields;
  std::vector<std::vector<std::string>> out;
  while (reader.next(fields)) {
    std::vector<std::string> row;
    for (const auto& f : fields) row.push_back(f.text);
    out.push_back(row);
    if (lines != nullptr) lines->push_back(reader.line());
  }
  return out;
}

// ---- CsvReader -------------------------------------------------------------------

TEST(storageCsv, QuotesEscapesEmbeddedCommasAndNewlines) {
  TempDir dir;
  auto path = writeFile(dir.path() / "f.csv",
                        "a,b,c\n"
                        "\"x,1\",\"say \"\"hi\"\"\",\"line1\nline2\"\r\n"
                        "\n"
                        ",\"\",z\n"
                        "last,row,\"no newline at the end\"");
  std::vector<int64_t> lines;
  auto rows = readAll(path, &lines);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_THAT(rows[0], ElementsAre("a", "b", "c"));
  EXPECT_THAT(rows[1], ElementsAre("x,1", "say \"hi\"", "line1\nline2"));
  EXPECT_THAT(rows[2], ElementsAre("", "", "z"));
  EXPECT_THAT(rows[3], ElementsAre("last", "row", "no newline at the end"));
  EXPECT_THAT(lines, ElementsAre(1, 2, 5, 6));
}

TEST(storageCsv, TellsQuotedEmptyFromUnquotedAndSkipsABom) {
  TempDir dir;
  auto path = writeFile(dir.path() / "f.csv", "\xEF\xBB\xBFh1,h2\r\n,\"\"\r\n");
  CsvReader reader(path, "f.csv");
  std::vector<CsvReader::Field> f;
  ASSERT_TRUE(reader.next(f));
  EXPECT_EQ(f[0].text, "h1");
  ASSERT_TRUE(reader.next(f));
  ASSERT_EQ(f.size(), 2u);
  EXPECT_FALSE(f[0].quoted);
  EXPECT_TRUE(f[1].quoted);
  EXPECT_EQ(f[1].text, "");
  EXPECT_FALSE(reader.next(f));
}

TEST(storageCsv, LongFieldsCrossTheReadBuffer) {
  TempDir dir;
  std::string big(3 << 20, 'x');
  std::string quoted_big = big;
  quoted_big[1000] = '\n';
  quoted_big[2000] = ',';
  std::string text = "a,b\n" + big + ",\"" + quoted_big + "\"\nend,\"q\"\"\"\n";
  auto rows = readAll(writeFile(dir.path() / "f.csv", text));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1][0], big);
  EXPECT_EQ(rows[1][1], quoted_big);
  EXPECT_THAT(rows[2], ElementsAre("end", "q\""));
}

TEST(storageCsv, MalformedQuotingNamesFileAndLine) {
  TempDir dir;
  auto unterminated = writeFile(dir.path() / "u.csv", "a,b\n1,\"open\n\n");
  Error e = errorFrom([&] { readAll(unterminated); });
  EXPECT_EQ(e.code(), Code::kBadInput);
  EXPECT_THAT(e.message(), HasSubstr("u.csv:2: unterminated quoted field"));
  auto stray = writeFile(dir.path() / "s.csv", "a,b\n1,2\n\"x\"y,3\n");
  e = errorFrom([&] { readAll(stray); });
  EXPECT_THAT(e.message(), HasSubstr("s.csv:3: unexpected character after a closing quote"));
}

// ---- the import, on both backends -------------------------------------------------

class ImporterTest : public ::testing::TestWithParam<Backend> {
 protected:
  ImporterTest() : db_(GetParam()), store_(db_.open()) {}

  std::filesystem::path file(const std::string& name, std::string_view text) {
    return writeFile(dir_.path() / name, text);
  }

  ImportResult import(const std::vector<std::filesystem::path>& files) {
    return importFiles(*store_, "ds", files);
  }

  std::unique_ptr<Graph> load() {
    GraphStore gs(*store_);
    auto g = std::make_unique<Graph>();
    gs.load("ds", *g);
    return g;
  }

  std::optional<int64_t> head() { return GraphStore(*store_).headVersion("ds"); }

  // The value of property `key` on the node whose `id` is `id`.
  static NodeId byId(const Graph& g, const std::string& id) {
    PropKeyId key = *g.catalog().propertyKeys().find("id");
    for (NodeId n = 0; n < g.nodeIdLimit(); ++n) {
      if (!g.nodeAlive(n)) continue;
      const Value* v = g.node(n).properties.get(key);
      if (v != nullptr && v->isString() && v->asString() == id) return n;
    }
    ADD_FAILURE() << "no node with id " << id;
    return 0;
  }
  static Value prop(const Graph& g, NodeId n, const std::string& key) {
    auto k = g.catalog().propertyKeys().find(key);
    if (!k) return Value();
    const Value* v = g.node(n).properties.get(*k);
    return v != nullptr ? *v : Value();
  }
  static std::vector<std::string> labels(const Graph& g, NodeId n) {
    std::vector<std::string> out;
    for (LabelId l : g.node(n).labels) out.push_back(g.catalog().labels().name(l));
    std::sort(out.begin(), out.end());
    return out;
  }

  // Asserts that a failed import left no trace.
  void expectNothingWritten() {
    EXPECT_EQ(head(), 0);
    auto g = load();
    EXPECT_EQ(g->nodeCount(), 0u);
    EXPECT_EQ(g->relCount(), 0u);
  }

  TempDir dir_;
  maestro::testing::TestDatabase db_;
  std::unique_ptr<store::Store> store_;
};

TEST_P(ImporterTest, TypedCsvColumnsBecomeProperties) {
  // The relationships file comes first: node files are read first anyway.
  auto rels = file("rels.csv",
                   ":START_ID,:END_ID,:TYPE,since:int,weight:float\n"
                   "p1,p2,KNOWS,2001,0.5\n"
                   "p2,o1,WORKS_AT,,\n");
  auto nodes = file("nodes.csv",
                    ":ID,:LABEL,name,age:int,risk:float,flag:bool,tags:string[],scores:int[],"
                    "ssn@high,email:string@medium,:IGNORE\n"
                    "p1,Person;Employee,\"Smith, Ann\",42,0.5,true,a;b,1;-2,111,a@x,junk\n"
                    "p2,Person,\"Line1\nLine2\",+7,1e3,FALSE,,\"\",222,,\n"
                    "o1,Org,Acme,,,,\"\",,,\"\",\n");
  std::vector<ImportProgress> seen;
  ImportResult r = importFiles(*store_, "ds", {rels, nodes},
                               [&](const ImportProgress& p) { seen.push_back(p); });
  EXPECT_EQ(r.nodes, 3);
  EXPECT_EQ(r.relationships, 2);
  EXPECT_EQ(r.version, 1);
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.back().phase, ImportProgress::Phase::kWrite);
  EXPECT_EQ(seen.back().done, 5);
  EXPECT_EQ(seen.back().total, 5);

  auto g = load();
  NodeId p1 = byId(*g, "p1"), p2 = byId(*g, "p2"), o1 = byId(*g, "o1");
  EXPECT_THAT(labels(*g, p1), ElementsAre("Employee", "Person"));
  EXPECT_EQ(toDebugString(prop(*g, p1, "name")), "'Smith, Ann'");
  EXPECT_EQ(toDebugString(prop(*g, p1, "age")), "42");
  EXPECT_EQ(toDebugString(prop(*g, p1, "risk")), "0.5");
  EXPECT_EQ(toDebugString(prop(*g, p1, "flag")), "true");
  EXPECT_EQ(toDebugString(prop(*g, p1, "tags")), "['a', 'b']");
  EXPECT_EQ(toDebugString(prop(*g, p1, "scores")), "[1, -2]");
  EXPECT_EQ(toDebugString(prop(*g, p1, "ssn")), "'111'");
  EXPECT_TRUE(prop(*g, p1, ":IGNORE").isNull());
  EXPECT_EQ(g->node(p1).properties.size(), 9u);  // id + 8 columns
  EXPECT_EQ(prop(*g, p2, "name").asString(), "Line1\nLine2");
  EXPECT_EQ(toDebugString(prop(*g, p2, "age")), "7");
  EXPECT_EQ(toDebugString(prop(*g, p2, "risk")), "1000.0");
  EXPECT_EQ(toDebugString(prop(*g, p2, "flag")), "false");
  EXPECT_TRUE(prop(*g, p2, "tags").isNull());              // unquoted empty: not set
  EXPECT_EQ(toDebugString(prop(*g, p2, "scores")), "[]");  // "" in an array column
  EXPECT_TRUE(prop(*g, p2, "email").isNull());
  EXPECT_EQ(toDebugString(prop(*g, o1, "tags")), "[]");
  EXPECT_EQ(toDebugString(prop(*g, o1, "email")), "''");  // "" in a string column
  EXPECT_TRUE(prop(*g, o1, "age").isNull());

  const Catalog& c = g->catalog();
  EXPECT_EQ(c.sensitivity(*c.propertyKeys().find("ssn")), Sensitivity::kHigh);
  EXPECT_EQ(c.sensitivity(*c.propertyKeys().find("email")), Sensitivity::kMedium);
  EXPECT_EQ(c.sensitivity(*c.propertyKeys().find("name")), Sensitivity::kLow);

  ASSERT_EQ(g->relCount(), 2u);
  int found = 0;
  g->forEachRel([&](RelId id) {
    const RelRecord& rel = g->rel(id);
    const std::string& type = c.relTypes().name(rel.type);
    if (type == "KNOWS") {
      EXPECT_EQ(rel.src, p1);
      EXPECT_EQ(rel.dst, p2);
      EXPECT_EQ(rel.properties.size(), 2u);
      ++found;
    } else if (type == "WORKS_AT") {
      EXPECT_EQ(rel.src, p2);
      EXPECT_EQ(rel.dst, o1);
      EXPECT_TRUE(rel.properties.empty());
      ++found;
    }
    return true;
  });
  EXPECT_EQ(found, 2);
}

TEST_P(ImporterTest, BadValueNamesFileLineAndColumnAndWritesNothing) {
  auto nodes = file("nodes.csv",
                    ":ID,age:int\n"
                    "p1,1\n"
                    "p2,forty\n");
  Error e = errorFrom([&] { import({nodes}); });
  EXPECT_EQ(e.code(), Code::kBadInput);
  EXPECT_THAT(e.message(), HasSubstr("nodes.csv:3: column 'age:int': 'forty' is not a valid int"));
  expectNothingWritten();

  for (const auto& [header, value] :
       std::vector<std::pair<std::string, std::string>>{{"x:float", "1.5.2"},
                                                        {"x:bool", "yes"},
                                                        {"x:int", "99999999999999999999"},
                                                        {"x:int[]", "1;;2"}}) {
    auto f = file("bad.csv", ":ID," + header + "\nq1," + value + "\n");
    Error e2 = errorFrom([&] { import({f}); });
    EXPECT_THAT(e2.message(), HasSubstr("bad.csv:2: column '" + header + "'")) << header;
  }
  expectNothingWritten();
}

TEST_P(ImporterTest, UnknownEndsNameFileAndLineAndWriteNothing) {
  auto nodes = file("nodes.csv", ":ID,:LABEL\np1,Person\np2,Person\n");
  auto rels = file("rels.csv",
                   ":START_ID,:END_ID,:TYPE\n"
                   "p1,p2,KNOWS\n"
                   "p99,p2,KNOWS\n");
  Error e = errorFrom([&] { import({nodes, rels}); });
  EXPECT_EQ(e.code(), Code::kBadInput);
  EXPECT_THAT(e.message(), HasSubstr("rels.csv:3: unknown start id 'p99'"));
  expectNothingWritten();

  auto rels2 = file("rels2.csv", ":START_ID,:END_ID,:TYPE\np1,nobody,KNOWS\n");
  e = errorFrom([&] { import({nodes, rels2}); });
  EXPECT_THAT(e.message(), HasSubstr("rels2.csv:2: unknown end id 'nobody'"));
  expectNothingWritten();
}

TEST_P(ImporterTest, DuplicateIdsAreRejectedAcrossFiles) {
  auto a = file("a.csv", ":ID,:LABEL\np1,Person\np2,Person\n");
  auto b = file("b.csv", ":ID,:LABEL\nx,Org\np1,Org\n");
  Error e = errorFrom([&] { import({a, b}); });
  EXPECT_THAT(e.message(), HasSubstr("b.csv:3: duplicate node id 'p1' (first at "));
  EXPECT_THAT(e.message(), HasSubstr("a.csv:2)"));
  expectNothingWritten();
}

TEST_P(ImporterTest, MalformedFilesAreRejected) {
  struct Case {
    std::string name, text, message;
  };
  const std::vector<Case> cases = {
      {"w.csv", ":ID,name\np1,a,b\n", "w.csv:2: expected 2 fields, found 3"},
      {"t.csv", ":START_ID,:END_ID\n", "t.csv:1: a relationships file needs"},
      {"u.csv", ":ID,:FOO\n", "u.csv:1: unknown column ':FOO'"},
      {"i.csv", ":ID,id\n", "i.csv:1: column 'id' clashes with :ID"},
      {"y.csv", ":ID,x:date\n", "y.csv:1: column 'x:date': unknown type 'date'"},
      {"s.csv", ":ID,x@secret\n", "s.csv:1: column 'x@secret': unknown sensitivity"},
      {"d.csv", ":ID,x,x:int\n", "d.csv:1: property column 'x' appears twice"},
      {"m.csv", ":ID,:START_ID,:END_ID,:TYPE\n", "m.csv:1: column :ID belongs in a nodes file"},
      {"e.csv", ":ID\n\"\"\n", "e.csv:2: empty :ID"},
      {"data.txt", "x", "data.txt: unknown file type"},
      {"j.jsonl", "{\"kind\":\"node\",\"id\":\"a\"}\n{\"kind\":\"node\",\n", "j.jsonl:2:"},
      {"k.jsonl", "{\"kind\":\"vertex\"}\n", "k.jsonl:1: unknown kind 'vertex'"},
      {"l.jsonl", "{\"kind\":\"node\",\"properties\":{\"m\":{\"a\":1}}}\n",
       "l.jsonl:1: property 'm': cannot be a property value (got object)"},
      {"n.jsonl", "{\"kind\":\"node\",\"properties\":{\"m\":[1,2.5]}}\n",
       "n.jsonl:1: property 'm': list items must all be of one type"},
      {"o.jsonl", "{\"kind\":\"node\",\"id\":\"a\",\"properties\":{\"id\":1}}\n",
       "o.jsonl:1: property 'id' clashes"},
      {"p.jsonl", "{\"kind\":\"node\",\"colour\":1}\n", "p.jsonl:1: unknown field 'colour'"},
  };
  for (const auto& c : cases) {
    Error e = errorFrom([&] { import({file(c.name, c.text)}); });
    EXPECT_EQ(e.code(), Code::kBadInput) << c.name;
    EXPECT_THAT(e.message(), HasSubstr(c.message)) << c.name;
  }
  Error missing = errorFrom([&] { import({dir_.path() / "absent.csv"}); });
  EXPECT_THAT(missing.message(), HasSubstr("absent.csv: no such file"));
  expectNothingWritten();
}

TEST_P(ImporterTest, JsonLines) {
  auto data = file("data.jsonl",
                   "{\"kind\":\"rel\",\"type\":\"KNOWS\",\"start\":\"a\",\"end\":\"b\","
                   "\"properties\":{\"since\":2020,\"w\":0.25}}\n"
                   "\n"
                   "{\"kind\":\"node\",\"id\":\"a\",\"labels\":[\"Person\",\"Person\"],"
                   "\"properties\":{\"name\":\"Ann\",\"tags\":[\"x\",\"y\"],\"n\":[1,2],"
                   "\"f\":[1.5],\"ok\":false,\"gone\":null}}\r\n"
                   "{\"kind\":\"node\",\"id\":7,\"labels\":[\"Org\"]}\n"
                   "{\"kind\":\"sensitivity\",\"key\":\"name\",\"tier\":\"medium\"}\n"
                   "{\"kind\":\"node\",\"id\":\"b\"}\n"
                   "{\"kind\":\"node\"}\n"
                   "{\"kind\":\"rel\",\"type\":\"OWNS\",\"start\":\"a\",\"end\":7}\n");
  ImportResult r = import({data});
  EXPECT_EQ(r.nodes, 4);
  EXPECT_EQ(r.relationships, 2);
  auto g = load();
  NodeId a = byId(*g, "a"), seven = byId(*g, "7"), b = byId(*g, "b");
  EXPECT_THAT(labels(*g, a), ElementsAre("Person"));
  EXPECT_EQ(toDebugString(prop(*g, a, "tags")), "['x', 'y']");
  EXPECT_EQ(toDebugString(prop(*g, a, "n")), "[1, 2]");
  EXPECT_EQ(toDebugString(prop(*g, a, "f")), "[1.5]");
  EXPECT_EQ(toDebugString(prop(*g, a, "ok")), "false");
  EXPECT_TRUE(prop(*g, a, "gone").isNull());
  EXPECT_THAT(labels(*g, seven), ElementsAre("Org"));
  EXPECT_TRUE(labels(*g, b).empty());
  const Catalog& c = g->catalog();
  EXPECT_EQ(c.sensitivity(*c.propertyKeys().find("name")), Sensitivity::kMedium);
  size_t knows = 0;
  g->forEachRel([&](RelId id) {
    if (c.relTypes().name(g->rel(id).type) == "KNOWS") {
      ++knows;
      EXPECT_EQ(g->rel(id).src, a);
      EXPECT_EQ(g->rel(id).dst, b);
    }
    return true;
  });
  EXPECT_EQ(knows, 1u);

  auto bad = file("bad.jsonl",
                  "{\"kind\":\"node\",\"id\":\"z\"}\n"
                  "{\"kind\":\"rel\",\"type\":\"T\",\"start\":\"z\",\"end\":\"q\"}\n");
  Error e = errorFrom([&] { import({bad}); });
  EXPECT_THAT(e.message(), HasSubstr("bad.jsonl:2: unknown end id 'q'"));
  EXPECT_EQ(head(), 1);
}

TEST_P(ImporterTest, EmptyFilesImportNothing) {
  auto empty_csv = file("empty.csv", "");
  auto header_only = file("nodes.csv", ":ID,:LABEL,name\n");
  auto empty_jsonl = file("empty.jsonl", "\n\n");
  ImportResult r = import({empty_csv, header_only, empty_jsonl});
  EXPECT_EQ(r.nodes, 0);
  EXPECT_EQ(r.relationships, 0);
  EXPECT_EQ(r.version, 0);
  expectNothingWritten();
}

TEST_P(ImporterTest, ASecondImportAppends) {
  EXPECT_EQ(import({file("a.csv", ":ID,:LABEL,n:int\na1,A,1\na2,A,2\n")}).version, 1);
  auto b = file("b.jsonl",
                "{\"kind\":\"node\",\"id\":\"b1\",\"labels\":[\"B\"],\"properties\":{\"n\":3}}\n"
                "{\"kind\":\"rel\",\"type\":\"T\",\"start\":\"b1\",\"end\":\"b1\"}\n");
  ImportResult r = import({b});
  EXPECT_EQ(r.version, 2);
  auto g = load();
  EXPECT_EQ(g->nodeCount(), 3u);
  EXPECT_EQ(g->relCount(), 1u);
  EXPECT_EQ(toDebugString(prop(*g, byId(*g, "b1"), "n")), "3");
  // Ends resolve within one import only: a1 is not known to this one.
  Error e = errorFrom([&] { import({file("c.csv", ":START_ID,:END_ID,:TYPE\na1,a2,T\n")}); });
  EXPECT_THAT(e.message(), HasSubstr("c.csv:2: unknown start id 'a1'"));
  EXPECT_EQ(head(), 2);
}

INSTANTIATE_TEST_SUITE_P(storage, ImporterTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const ::testing::TestParamInfo<Backend>& info) {
                           return maestro::testing::backendName(info.param);
                         });

// ---- crash consistency --------------------------------------------------------------

// Writes `nodes` nodes and `rels` relationships as CSV.
void writeLargeImport(const std::filesystem::path& dir, int nodes, int rels) {
  std::ofstream n(dir / "nodes.csv", std::ios::binary);
  n << ":ID,:LABEL,name,v:int\n";
  for (int i = 0; i < nodes; ++i) n << 'n' << i << ",Item,\"item " << i << "\"," << i << '\n';
  std::ofstream r(dir / "rels.csv", std::ios::binary);
  r << ":START_ID,:END_ID,:TYPE,w:float\n";
  for (int i = 0; i < rels; ++i) {
    r << 'n' << (i % nodes) << ",n" << ((i * 7919) % nodes) << ",LINK," << (i % 100) / 4.0 << '\n';
  }
}

// A child process imports and is SIGKILLed once it has written `kill_after`
// rows (inside the store transaction); the parent then sees all or nothing.
void killMidImport(int64_t kill_after) {
  TempDir dir;
  const int kNodes = 60000, kRels = 240000;
  writeLargeImport(dir.path(), kNodes, kRels);
  maestro::testing::TestDatabase db(Backend::kSqlite);
  {
    auto store = db.open();
    GraphStore::migrate(*store);
    GraphStore(*store).ensureDataset("ds");
  }
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    close(pipe_fds[0]);
    int status = 0;
    try {
      auto store = db.open();
      bool told = false;
      importFiles(*store, "ds", {dir.path() / "nodes.csv", dir.path() / "rels.csv"},
                  [&](const ImportProgress& p) {
                    if (!told && p.phase == ImportProgress::Phase::kWrite && p.done >= kill_after) {
                      told = true;
                      char c = 'w';
                      if (write(pipe_fds[1], &c, 1) != 1) _exit(3);
                      // Give the parent time to kill us mid-transaction.
                      usleep(200 * 1000);
                    }
                  });
    } catch (...) {
      status = 2;
    }
    _exit(status);
  }
  close(pipe_fds[1]);
  char c = 0;
  const bool mid_write = read(pipe_fds[0], &c, 1) == 1;
  close(pipe_fds[0]);
  kill(pid, SIGKILL);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(mid_write) << "the child never reached the write phase";
  ASSERT_TRUE(WIFSIGNALED(status)) << "the child finished before it was killed";

  auto store = db.open();
  GraphStore gs(*store);
  EXPECT_EQ(gs.headVersion("ds"), 0);
  Graph g;
  EXPECT_EQ(gs.load("ds", g), 0);
  EXPECT_EQ(g.nodeCount(), 0u);
  EXPECT_EQ(g.relCount(), 0u);
  auto lease = store->acquire();
  EXPECT_EQ(lease->queryOne("SELECT COUNT(*) FROM graph_nodes")->integer(0), 0);
  EXPECT_EQ(lease->queryOne("SELECT COUNT(*) FROM graph_rels")->integer(0), 0);

  // The database is usable afterwards: the same import now succeeds whole.
  ImportResult r = importFiles(*store, "ds", {dir.path() / "nodes.csv", dir.path() / "rels.csv"});
  EXPECT_EQ(r.version, 1);
  Graph full;
  gs.load("ds", full);
  EXPECT_EQ(full.nodeCount(), static_cast<size_t>(kNodes));
  EXPECT_EQ(full.relCount(), static_cast<size_t>(kRels));
}

TEST(storageCrash, SigkillWhileWritingNodesLeavesNothing) { killMidImport(1); }

TEST(storageCrash, SigkillWhileWritingRelationshipsLeavesNothing) { killMidImport(200000); }

}  // namespace
}  // namespace maestro::engine
