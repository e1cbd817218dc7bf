// Micro-benchmark of the in-memory graph: build 100k nodes / 1M
// relationships (the benchmark's scale factor 1), memory per node and per
// relationship, expansion throughput, index lookups and change-set cost.
// Prints figures; not a test. Deterministic (fixed seed).
//
//   graph_bench [nodes] [relationships]
#include <malloc.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "engine/graph/change_set.h"
#include "engine/graph/graph.h"
#include "engine/graph/value_codec.h"

using namespace maestro;
using namespace maestro::engine;

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Resident set size after returning freed memory to the system, so that
// transient build buffers do not count.
size_t residentBytes() {
  malloc_trim(0);
  std::ifstream statm("/proc/self/statm");
  size_t pages = 0;
  size_t resident = 0;
  statm >> pages >> resident;
  return resident * 4096;
}

// Skewed endpoint choice: a few hubs take a large share, as in the
// benchmark's data (TRANSFERRED_TO and MENTIONS hubs).
struct Endpoints {
  std::mt19937_64 rng{42};
  size_t nodes;
  NodeId next() {
    uint64_t r = rng();
    if (r % 10 == 0) return (r >> 8) % 100;  // 10% of endpoints: 100 hubs
    return (r >> 8) % nodes;
  }
};

}  // namespace

int main(int argc, char** argv) {
  const size_t kNodes = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 100'000;
  const size_t kRels = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1'000'000;
  const char* kLabels[] = {"Person", "Organization", "Location", "Event", "Document", "Account"};
  const char* kTypes[] = {"KNOWS",    "WORKS_AT", "LOCATED_IN",    "ATTENDED",
                          "MENTIONS", "HOLDS",    "TRANSFERRED_TO"};

  std::printf("graph_bench: %zu nodes, %zu relationships, 7 types, 6 labels\n", kNodes, kRels);
  Graph g;
  Catalog& c = g.catalog();
  std::vector<LabelId> labels;
  for (const char* l : kLabels) labels.push_back(c.labels().intern(l));
  std::vector<RelTypeId> types;
  for (const char* t : kTypes) types.push_back(c.relTypes().intern(t));
  PropKeyId id_key = c.propertyKeys().intern("id");
  PropKeyId name_key = c.propertyKeys().intern("name");
  PropKeyId since_key = c.propertyKeys().intern("since");

  // ---- build ----
  size_t rss0 = residentBytes();
  size_t mem0 = g.memoryUsage();
  auto t0 = Clock::now();
  g.setAutoCompact(false);  // the loader's path: one compact() at the end
  g.reserve(kNodes, 0);
  for (size_t i = 0; i < kNodes; ++i) {
    Properties p;
    p.set(id_key, Value(static_cast<int64_t>(i)));
    p.set(name_key, Value("name-" + std::to_string(i)));  // 10-11 chars: inline string
    g.addNode({labels[i % labels.size()]}, std::move(p));
  }
  double node_secs = secondsSince(t0);
  size_t mem_nodes = g.memoryUsage();
  size_t rss_nodes = residentBytes();

  Endpoints ends{.nodes = kNodes};
  auto t1 = Clock::now();
  g.reserve(kNodes, kRels);
  for (size_t i = 0; i < kRels; ++i) {
    Properties p;
    if (i % 10 == 0) p.set(since_key, Value(static_cast<int64_t>(2000 + i % 25)));
    g.addRel(types[i % types.size()], ends.next(), ends.next(), std::move(p));
  }
  double rel_secs = secondsSince(t1);
  auto t2 = Clock::now();
  g.compact();
  double compact_secs = secondsSince(t2);
  g.setAutoCompact(true);
  size_t mem_all = g.memoryUsage();
  size_t rss_all = residentBytes();

  std::printf("\n-- build (Graph::addNode/addRel, then compact) --\n");
  std::printf("nodes: %.3f s (%.2f M/s)   relationships: %.3f s (%.2f M/s)   compact: %.3f s\n",
              node_secs, kNodes / node_secs / 1e6, rel_secs, kRels / rel_secs / 1e6, compact_secs);
  std::printf("\n-- memory (memoryUsage(); RSS delta in brackets) --\n");
  std::printf("per node:         %6.1f B  [RSS %6.1f B]  (1 label; id int + name string)\n",
              double(mem_nodes - mem0) / kNodes, double(rss_nodes - rss0) / kNodes);
  std::printf("per relationship: %6.1f B  [RSS %6.1f B]  (10%% carry one int property)\n",
              double(mem_all - mem_nodes) / kRels, double(rss_all - rss_nodes) / kRels);
  std::printf("total:            %6.1f MB [RSS %6.1f MB]\n", mem_all / 1e6, (rss_all - rss0) / 1e6);
  std::printf("record sizes: NodeRecord %zu B, RelRecord %zu B\n", sizeof(NodeRecord),
              sizeof(RelRecord));

  // ---- expansion ----
  std::printf("\n-- expansion (compacted) --\n");
  auto expandAll = [&](Dir dir, std::span<const RelTypeId> filter, const char* what) {
    auto t = Clock::now();
    uint64_t visited = 0;
    uint64_t checksum = 0;
    for (NodeId n = 0; n < kNodes; ++n) {
      g.forEachAdjacent(n, dir, filter, [&](const Adjacent& a) {
        ++visited;
        checksum += a.other;
        return true;
      });
    }
    double s = secondsSince(t);
    std::printf("%-34s %9.1f M entries/s  (%llu entries, %.0f ns/node call, checksum %llu)\n", what,
                visited / s / 1e6, static_cast<unsigned long long>(visited), s / kNodes * 1e9,
                static_cast<unsigned long long>(checksum % 1000));
  };
  expandAll(Dir::kOut, {}, "out, any type:");
  expandAll(Dir::kBoth, {}, "both, any type:");
  RelTypeId one[] = {types[4]};
  expandAll(Dir::kIn, one, "in, MENTIONS:");
  RelTypeId two[] = {types[0], types[1]};
  expandAll(Dir::kBoth, two, "both, KNOWS|WORKS_AT:");

  {
    auto t = Clock::now();
    uint64_t sum = 0;
    for (int rep = 0; rep < 5; ++rep) {
      for (NodeId n = 0; n < kNodes; ++n) sum += g.degree(n, Dir::kBoth, one);
    }
    double s = secondsSince(t);
    std::printf("%-34s %9.1f M calls/s  (sum %llu)\n",
                "degree(both, MENTIONS):", 5.0 * kNodes / s / 1e6,
                static_cast<unsigned long long>(sum));
  }
  {
    // Two hops of KNOWS from 2000 start nodes (what q04/q17 do).
    std::mt19937_64 rng(7);
    auto t = Clock::now();
    uint64_t visited = 0;
    RelTypeId knows[] = {types[0]};
    for (int i = 0; i < 2000; ++i) {
      NodeId start = rng() % kNodes;
      g.forEachAdjacent(start, Dir::kBoth, knows, [&](const Adjacent& a) {
        g.forEachAdjacent(a.other, Dir::kBoth, knows, [&](const Adjacent&) {
          ++visited;
          return true;
        });
        return true;
      });
    }
    double s = secondsSince(t);
    std::printf("%-34s %9.1f M entries/s  (%llu entries)\n",
                "2-hop KNOWS from 2000 nodes:", visited / s / 1e6,
                static_cast<unsigned long long>(visited));
  }

  // ---- with a delta and tombstones ----
  {
    std::printf("\n-- expansion with 20%% of relationships in the delta, 5%% deleted --\n");
    g.setAutoCompact(false);
    for (size_t i = 0; i < kRels / 5; ++i)
      g.addRel(types[i % types.size()], ends.next(), ends.next(), {});
    for (RelId r = 0; r < kRels; r += 20) g.removeRel(r);
    expandAll(Dir::kOut, {}, "out, any type:");
    expandAll(Dir::kBoth, {}, "both, any type:");
    expandAll(Dir::kIn, one, "in, MENTIONS:");
    auto t = Clock::now();
    g.compact();
    std::printf("compact(): %.3f s\n", secondsSince(t));
    g.setAutoCompact(true);
  }

  // ---- indexes ----
  {
    std::printf("\n-- property index on :Person(id) and :Person(name) --\n");
    size_t before = g.memoryUsage();
    auto t = Clock::now();
    g.createIndex({"person_id", labels[0], id_key});
    double build = secondsSince(t);
    size_t entries = g.index(labels[0], id_key)->size();
    std::printf("build: %.3f s for %zu entries, %.1f B per entry\n", build, entries,
                double(g.memoryUsage() - before) / entries);
    before = g.memoryUsage();
    g.createIndex({"person_name", labels[0], name_key});
    std::printf("string index: %.1f B per entry\n",
                double(g.memoryUsage() - before) / g.index(labels[0], name_key)->size());
    const PropertyIndex* idx = g.index(labels[0], id_key);
    std::mt19937_64 rng(9);
    t = Clock::now();
    size_t found = 0;
    const int kLookups = 1'000'000;
    for (int i = 0; i < kLookups; ++i)
      found += idx->equal(Value(static_cast<int64_t>(rng() % kNodes))).size();
    double s = secondsSince(t);
    std::printf("equality lookups: %.2f M/s (%zu found)\n", kLookups / s / 1e6, found);
    t = Clock::now();
    size_t in_range = 0;
    for (int i = 0; i < 10000; ++i) {
      int64_t lo = static_cast<int64_t>(rng() % kNodes);
      in_range += idx->range(Value(lo), true, Value(lo + 600), false).size();
    }
    s = secondsSince(t);
    std::printf("range lookups (600 ids wide): %.1f k/s (%zu found)\n", 10000 / s / 1e3, in_range);
  }

  // ---- change sets ----
  {
    std::printf("\n-- the same write path through a ChangeSet (10k nodes, 100k rels) --\n");
    Graph w;
    ChangeSet cs(w);
    LabelId person = cs.internLabel("Person");
    RelTypeId knows = cs.internRelType("KNOWS");
    PropKeyId idk = cs.internPropertyKey("id");
    auto t = Clock::now();
    for (int i = 0; i < 10000; ++i) {
      Properties p;
      p.set(idk, Value(static_cast<int64_t>(i)));
      cs.createNode({person}, std::move(p));
    }
    std::mt19937_64 rng(3);
    for (int i = 0; i < 100000; ++i) cs.createRel(knows, rng() % 10000, rng() % 10000, {});
    double s = secondsSince(t);
    std::printf("apply: %.3f s (%.2f M ops/s)\n", s, 110000 / s / 1e6);
    t = Clock::now();
    std::string record = cs.encode();
    double enc = secondsSince(t);
    Graph replica;
    t = Clock::now();
    ChangeSet::apply(replica, record);
    double app = secondsSince(t);
    std::printf("encode: %.3f s, %zu bytes (%.1f B/op); replay on a fresh graph: %.3f s\n", enc,
                record.size(), double(record.size()) / 110000, app);
    t = Clock::now();
    cs.rollback();
    std::printf("rollback: %.3f s (graph now %zu nodes, %zu rels)\n", secondsSince(t),
                w.nodeCount(), w.relCount());
  }
  return 0;
}
