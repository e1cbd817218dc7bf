// Random sequences of change-set operations, half of them rolled back,
// checked against a deliberately simple reference model after every round.
// Committed rounds are also encoded and replayed onto a replica.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <set>
#include <string>

#include "common/error.h"
#include "engine/graph/change_set.h"
#include "engine/graph/graph_dump.h"

namespace maestro::engine {
namespace {

using testing::dumpGraph;
using testing::renderValue;

struct ModelNode {
  std::set<std::string> labels;
  std::map<std::string, Value> props;
};
struct ModelRel {
  std::string type;
  NodeId src;
  NodeId dst;
  std::map<std::string, Value> props;
};
struct Model {
  std::map<NodeId, ModelNode> nodes;
  std::map<RelId, ModelRel> rels;
  std::set<std::pair<std::string, std::string>> indexes;  // (label, key)
  NodeId node_limit = 0;
  RelId rel_limit = 0;
};

const char* kLabels[] = {"A", "B", "C"};
const char* kTypes[] = {"T", "U", "V"};
const char* kKeys[] = {"k1", "k2", "k3"};

class RandomOps {
 public:
  explicit RandomOps(uint32_t seed) : rng_(seed) {}

  void run(int rounds) {
    for (int round = 0; round < rounds; ++round) {
      Model working = model_;
      ChangeSet cs(graph_);
      int ops = 1 + pick(40);
      for (int i = 0; i < ops; ++i) {
        step(cs, working);
        // Compacting in the middle of a change set leaves CSR entries that
        // the rollback must hide again.
        if (pick(15) == 0) graph_.compact();
      }
      if (pick(2) == 0) {
        cs.rollback();
      } else {
        model_ = std::move(working);
        ChangeSet::apply(replica_, cs.encode());
        ++committed_;
      }
      if (pick(10) == 0) graph_.compact();
      SCOPED_TRACE("round " + std::to_string(round));
      check();
      if (::testing::Test::HasFatalFailure()) return;
      ASSERT_EQ(dumpGraph(replica_, {.catalog_ids = false}),
                dumpGraph(graph_, {.catalog_ids = false}));
    }
    EXPECT_GT(committed_, rounds / 4);
  }

 private:
  int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }

  Value randomValue() {
    switch (pick(9)) {
      case 0:
        return Value(pick(4));
      case 1:
        return Value(static_cast<double>(pick(4)));  // sometimes equal to an int
      case 2:
        return Value(pick(4) + 0.5);
      case 3:
        return Value(std::string(1, static_cast<char>('a' + pick(3))));
      case 4:
        return Value(pick(2) == 0);
      case 5:
        return Value(ValueList{Value(pick(3)), Value(pick(3))});
      case 6:
        return Value(std::nan(""));
      case 7:
        return Value();  // removes
      default:
        return Value(pick(100));
    }
  }

  std::optional<NodeId> randomNode(const Model& m) {
    if (m.nodes.empty()) return std::nullopt;
    auto it = m.nodes.begin();
    std::advance(it, pick(static_cast<int>(m.nodes.size())));
    return it->first;
  }
  std::optional<RelId> randomRel(const Model& m) {
    if (m.rels.empty()) return std::nullopt;
    auto it = m.rels.begin();
    std::advance(it, pick(static_cast<int>(m.rels.size())));
    return it->first;
  }

  void step(ChangeSet& cs, Model& m) {
    Catalog& c = graph_.catalog();
    switch (pick(12)) {
      case 0:
      case 1: {  // create node
        std::vector<LabelId> labels;
        std::set<std::string> names;
        for (int i = pick(3); i > 0; --i) {
          const char* l = kLabels[pick(3)];
          labels.push_back(cs.internLabel(l));
          names.insert(l);
        }
        Properties p;
        std::map<std::string, Value> props;
        for (int i = pick(3); i > 0; --i) {
          const char* k = kKeys[pick(3)];
          Value v = randomValue();
          p.set(cs.internPropertyKey(k), v);
          if (v.isNull()) {
            props.erase(k);
          } else {
            props[k] = v;
          }
        }
        NodeId id = cs.createNode(labels, p);
        ASSERT_EQ(id, m.node_limit);
        m.node_limit = id + 1;
        m.nodes[id] = {names, props};
        break;
      }
      case 2:
      case 3: {  // create relationship
        auto s = randomNode(m);
        auto d = randomNode(m);
        if (!s) return;
        const char* t = kTypes[pick(3)];
        Properties p;
        std::map<std::string, Value> props;
        if (pick(2) == 0) {
          Value v(pick(5));
          p.set(cs.internPropertyKey("w"), v);
          props["w"] = v;
        }
        RelId id = cs.createRel(cs.internRelType(t), *s, *d, p);
        ASSERT_EQ(id, m.rel_limit);
        m.rel_limit = id + 1;
        m.rels[id] = {t, *s, *d, props};
        break;
      }
      case 4: {  // delete relationship
        auto r = randomRel(m);
        if (!r) return;
        cs.deleteRel(*r);
        m.rels.erase(*r);
        cs.deleteRel(*r);  // twice: no-op
        break;
      }
      case 5: {  // delete node (fails when connected)
        auto n = randomNode(m);
        if (!n) return;
        bool connected = std::any_of(m.rels.begin(), m.rels.end(), [&](const auto& r) {
          return r.second.src == *n || r.second.dst == *n;
        });
        try {
          cs.deleteNode(*n);
          ASSERT_FALSE(connected);
          m.nodes.erase(*n);
        } catch (const Error& e) {
          ASSERT_TRUE(connected);
          ASSERT_EQ(e.detail(), "ConstraintVerificationFailed.DeleteConnectedNode");
        }
        break;
      }
      case 6: {  // detach delete
        auto n = randomNode(m);
        if (!n) return;
        cs.detachDeleteNode(*n);
        std::erase_if(m.rels,
                      [&](const auto& r) { return r.second.src == *n || r.second.dst == *n; });
        m.nodes.erase(*n);
        break;
      }
      case 7: {  // node property
        auto n = randomNode(m);
        if (!n) return;
        const char* k = kKeys[pick(3)];
        Value v = randomValue();
        cs.setNodeProperty(*n, cs.internPropertyKey(k), v);
        if (v.isNull()) {
          m.nodes[*n].props.erase(k);
        } else {
          m.nodes[*n].props[k] = v;
        }
        break;
      }
      case 8: {  // relationship property
        auto r = randomRel(m);
        if (!r) return;
        Value v = pick(3) == 0 ? Value() : Value(pick(5));
        cs.setRelProperty(*r, cs.internPropertyKey("w"), v);
        if (v.isNull()) {
          m.rels[*r].props.erase("w");
        } else {
          m.rels[*r].props["w"] = v;
        }
        break;
      }
      case 9: {  // add label
        auto n = randomNode(m);
        if (!n) return;
        const char* l = kLabels[pick(3)];
        cs.addLabel(*n, cs.internLabel(l));
        m.nodes[*n].labels.insert(l);
        break;
      }
      case 10: {  // remove label
        auto n = randomNode(m);
        if (!n) return;
        const char* l = kLabels[pick(3)];
        if (auto id = c.labels().find(l)) cs.removeLabel(*n, *id);
        m.nodes[*n].labels.erase(l);
        break;
      }
      case 11: {  // create or drop an index
        std::string l = kLabels[pick(3)];
        std::string k = kKeys[pick(3)];
        std::string name = "i_" + l + "_" + k;
        if (m.indexes.count({l, k})) {
          cs.dropIndex(name);
          m.indexes.erase({l, k});
        } else {
          cs.createIndex({name, cs.internLabel(l), cs.internPropertyKey(k)});
          m.indexes.insert({l, k});
        }
        break;
      }
    }
  }

  static std::map<std::string, Value> propsOf(const Catalog& c, const Properties& p) {
    std::map<std::string, Value> out;
    for (const auto& [k, v] : p.entries()) out[c.propertyKeys().name(k)] = v;
    return out;
  }

  static std::string render(const std::map<std::string, Value>& props) {
    std::string out;
    for (const auto& [k, v] : props) out += k + "=" + renderValue(v) + ";";
    return out;
  }

  void check() {
    const Catalog& c = graph_.catalog();
    ASSERT_EQ(graph_.nodeCount(), model_.nodes.size());
    ASSERT_EQ(graph_.relCount(), model_.rels.size());
    ASSERT_EQ(graph_.nodeIdLimit(), model_.node_limit);
    ASSERT_EQ(graph_.relIdLimit(), model_.rel_limit);
    for (NodeId n = 0; n < graph_.nodeIdLimit(); ++n) {
      auto it = model_.nodes.find(n);
      ASSERT_EQ(graph_.nodeAlive(n), it != model_.nodes.end()) << n;
      if (it == model_.nodes.end()) continue;
      std::set<std::string> labels;
      for (LabelId l : graph_.node(n).labels) labels.insert(c.labels().name(l));
      ASSERT_EQ(labels, it->second.labels) << n;
      ASSERT_EQ(render(propsOf(c, graph_.node(n).properties)), render(it->second.props)) << n;

      // Adjacency in every direction, unfiltered and per type.
      for (Dir dir : {Dir::kOut, Dir::kIn, Dir::kBoth}) {
        for (int t = -1; t < 3; ++t) {
          std::vector<RelTypeId> types;
          if (t >= 0) {
            auto id = c.relTypes().find(kTypes[t]);
            if (!id) continue;
            types.push_back(*id);
          }
          std::multiset<std::pair<RelId, NodeId>> want;
          for (const auto& [r, rel] : model_.rels) {
            if (t >= 0 && rel.type != kTypes[t]) continue;
            bool out = rel.src == n && dir != Dir::kIn;
            bool in = rel.dst == n && dir != Dir::kOut;
            if (out) want.insert({r, rel.dst});
            if (in && !(out && dir == Dir::kBoth)) want.insert({r, rel.src});
          }
          std::multiset<std::pair<RelId, NodeId>> got;
          graph_.forEachAdjacent(n, dir, types, [&](const Adjacent& a) {
            got.insert({a.rel, a.other});
            return true;
          });
          ASSERT_EQ(got, want) << "node " << n << " dir " << static_cast<int>(dir) << " type " << t;
          ASSERT_EQ(graph_.degree(n, dir, types), want.size());
        }
      }
    }
    for (const auto& [r, rel] : model_.rels) {
      ASSERT_TRUE(graph_.relAlive(r));
      const RelRecord& rec = graph_.rel(r);
      ASSERT_EQ(c.relTypes().name(rec.type), rel.type);
      ASSERT_EQ(rec.src, rel.src);
      ASSERT_EQ(rec.dst, rel.dst);
      ASSERT_EQ(render(propsOf(c, rec.properties)), render(rel.props));
    }
    // Label lists.
    for (const char* l : kLabels) {
      std::vector<NodeId> want;
      for (const auto& [n, node] : model_.nodes) {
        if (node.labels.count(l)) want.push_back(n);
      }
      auto id = c.labels().find(l);
      std::vector<NodeId> got = id ? graph_.nodesWithLabel(*id) : std::vector<NodeId>{};
      ASSERT_EQ(got, want) << l;
      ASSERT_EQ(id ? graph_.labelCount(*id) : 0, want.size());
    }
    // Indexes against brute force.
    ASSERT_EQ(c.indexes().size(), model_.indexes.size());
    const Value probes[] = {
        Value(0),           Value(1),   Value(1.0),  Value(2.5),
        Value("a"),         Value("b"), Value(true), Value(ValueList{Value(1), Value(2)}),
        Value(std::nan(""))};
    for (const auto& [l, k] : model_.indexes) {
      const PropertyIndex* index = graph_.index(*c.labels().find(l), *c.propertyKeys().find(k));
      ASSERT_NE(index, nullptr);
      size_t entries = 0;
      for (const auto& [n, node] : model_.nodes) {
        if (node.labels.count(l) && node.props.count(k)) ++entries;
      }
      ASSERT_EQ(index->size(), entries);
      for (const Value& probe : probes) {
        std::vector<NodeId> want_eq;
        std::vector<NodeId> want_ge;
        for (const auto& [n, node] : model_.nodes) {
          if (!node.labels.count(l)) continue;
          auto it = node.props.find(k);
          if (it == node.props.end()) continue;
          if (cypherEquals(it->second, probe) == true) want_eq.push_back(n);
          bool same_kind =
              (it->second.isNumber() && probe.isNumber()) || it->second.type() == probe.type();
          auto cmp = cypherCompare(it->second, probe);
          if (same_kind && cmp && *cmp >= 0) want_ge.push_back(n);
        }
        ASSERT_EQ(index->equal(probe), want_eq) << renderValue(probe);
        std::vector<NodeId> got_ge = index->range(probe, true, std::nullopt, false);
        std::sort(got_ge.begin(), got_ge.end());
        ASSERT_EQ(got_ge, want_ge) << renderValue(probe);
      }
    }
  }

  std::mt19937 rng_;
  Graph graph_;
  Graph replica_;
  Model model_;
  int committed_ = 0;
};

TEST(RandomOpsTest, MatchesAReferenceModel) {
  for (uint32_t seed : {1u, 2u, 3u, 4u}) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    RandomOps(seed).run(150);
    if (::testing::Test::HasFatalFailure()) return;
  }
}

}  // namespace
}  // namespace maestro::engine
