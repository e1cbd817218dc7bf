#include "engine/graph/graph_dump.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <sstream>
#include <tuple>
#include <vector>

namespace maestro::engine::testing {

std::string renderValue(const Value& v) {
  switch (v.type()) {
    case Value::Type::kNull:
      return "null";
    case Value::Type::kBool:
      return v.asBool() ? "true" : "false";
    case Value::Type::kInt:
      return "i:" + std::to_string(v.asInt());
    case Value::Type::kFloat: {
      char buf[64];
      std::snprintf(buf, sizeof buf, "f:%.17g", v.asFloat());
      return buf;
    }
    case Value::Type::kString:
      return "s:'" + v.asString() + "'";
    case Value::Type::kList: {
      std::string out = "[";
      for (const auto& item : v.asList()) {
        if (out.size() > 1) out += ", ";
        out += renderValue(item);
      }
      return out + "]";
    }
    case Value::Type::kMap: {
      std::string out = "{";
      for (const auto& [key, item] : v.asMap()) {
        if (out.size() > 1) out += ", ";
        out += key + ": " + renderValue(item);
      }
      return out + "}";
    }
    case Value::Type::kNode:
      return "node:" + std::to_string(v.nodeId());
    case Value::Type::kRel:
      return "rel:" + std::to_string(v.relId());
    case Value::Type::kPath:
      return "path";
    case Value::Type::kDate:
    case Value::Type::kLocalTime:
    case Value::Type::kTime:
    case Value::Type::kLocalDateTime:
    case Value::Type::kDateTime:
    case Value::Type::kDuration:
      return std::string(v.typeName()) + ":" + temporalToString(v);
  }
  return "?";
}

namespace {

std::string renderProps(const Graph& g, const Properties& props) {
  std::map<std::string, std::string> sorted;
  for (const auto& [key, value] : props.entries()) {
    sorted[g.catalog().propertyKeys().name(key)] = renderValue(value);
  }
  std::string out = "{";
  for (const auto& [k, v] : sorted) out += k + "=" + v + " ";
  return out + "}";
}

std::string renderIds(const std::vector<uint64_t>& ids) {
  std::string out = "[";
  for (uint64_t id : ids) out += std::to_string(id) + " ";
  return out + "]";
}

void dumpAdjacency(const Graph& g, NodeId n, Dir dir, std::span<const RelTypeId> types,
                   std::ostream& os) {
  std::vector<std::tuple<RelId, NodeId, bool>> adj;
  g.forEachAdjacent(n, dir, types, [&](const Adjacent& a) {
    adj.emplace_back(a.rel, a.other, a.outgoing);
    return true;
  });
  std::sort(adj.begin(), adj.end());
  for (const auto& [rel, other, out] : adj) {
    os << " " << rel << (out ? ">" : "<") << other;
  }
  os << " deg=" << g.degree(n, dir, types);
}

}  // namespace

std::string dumpGraph(const Graph& g, DumpOptions options) {
  std::ostringstream os;
  const Catalog& c = g.catalog();
  if (options.catalog_ids) {
    os << "labels:";
    for (size_t i = 0; i < c.labels().size(); ++i) os << " " << c.labels().name(i);
    os << "\ntypes:";
    for (size_t i = 0; i < c.relTypes().size(); ++i) os << " " << c.relTypes().name(i);
    os << "\nkeys:";
    for (size_t i = 0; i < c.propertyKeys().size(); ++i) os << " " << c.propertyKeys().name(i);
    os << "\n";
  }
  std::map<std::string, std::string> sens;
  for (const auto& [key, s] : c.sensitivities()) {
    sens[c.propertyKeys().name(key)] = std::string(sensitivityName(s));
  }
  os << "sensitivity:";
  for (const auto& [k, s] : sens) os << " " << k << "=" << s;
  os << "\nindexes:";
  for (const auto& def : c.indexes()) {
    os << " " << def.name << "(" << c.labels().name(def.label) << "."
       << c.propertyKeys().name(def.key) << ")";
  }
  os << "\nlimits: nodes<" << g.nodeIdLimit() << " rels<" << g.relIdLimit()
     << " live nodes=" << g.nodeCount() << " rels=" << g.relCount() << "\n";

  size_t counted_nodes = 0;
  for (NodeId n = 0; n < g.nodeIdLimit(); ++n) {
    if (!g.nodeAlive(n)) continue;
    ++counted_nodes;
    const NodeRecord& rec = g.node(n);
    std::vector<std::string> labels;
    for (LabelId l : rec.labels) labels.push_back(c.labels().name(l));
    std::sort(labels.begin(), labels.end());
    os << "node " << n << " :";
    for (const auto& l : labels) os << l << ":";
    os << " " << renderProps(g, rec.properties) << "\n";
    for (Dir dir : {Dir::kOut, Dir::kIn, Dir::kBoth}) {
      os << "  " << (dir == Dir::kOut ? "out" : dir == Dir::kIn ? "in" : "both") << ":";
      dumpAdjacency(g, n, dir, {}, os);
      // Per type, by name, so that differently numbered catalogs compare.
      std::map<std::string, RelTypeId> types;
      for (RelTypeId t = 0; t < c.relTypes().size(); ++t) types[c.relTypes().name(t)] = t;
      for (const auto& [name, t] : types) {
        os << " |" << name << ":";
        RelTypeId one[] = {t};
        dumpAdjacency(g, n, dir, one, os);
      }
      os << "\n";
    }
  }
  os << "forEachNode count=" << counted_nodes << "\n";

  for (RelId r = 0; r < g.relIdLimit(); ++r) {
    if (!g.relAlive(r)) continue;
    const RelRecord& rec = g.rel(r);
    os << "rel " << r << " " << rec.src << "-" << c.relTypes().name(rec.type) << "->" << rec.dst
       << " " << renderProps(g, rec.properties) << "\n";
  }

  std::map<std::string, LabelId> labels;
  for (LabelId l = 0; l < c.labels().size(); ++l) labels[c.labels().name(l)] = l;
  for (const auto& [name, l] : labels) {
    os << "label " << name << " count=" << g.labelCount(l) << " " << renderIds(g.nodesWithLabel(l))
       << "\n";
  }

  for (const auto& def : c.indexes()) {
    const PropertyIndex* index = g.index(def.label, def.key);
    os << "index " << def.name << " ";
    if (index == nullptr) {
      os << "MISSING\n";
      continue;
    }
    os << "size=" << index->size() << " distinct=" << index->distinctValues() << "\n";
    std::map<std::string, Value> values;
    for (NodeId n : g.nodesWithLabel(def.label)) {
      if (const Value* v = g.node(n).properties.get(def.key)) values[renderValue(*v)] = *v;
    }
    for (const auto& [text, v] : values) {
      os << "  = " << text << " " << renderIds(index->equal(v)) << "\n";
    }
    // Whole-kind ranges catch stale entries no live value leads to.
    os << "  numbers "
       << renderIds(index->range(Value(-std::numeric_limits<double>::infinity()), true,
                                 Value(std::numeric_limits<double>::infinity()), true))
       << "\n  strings " << renderIds(index->range(Value(""), true, std::nullopt, false))
       << "\n  bools " << renderIds(index->range(Value(false), true, Value(true), true)) << "\n";
  }
  return os.str();
}

}  // namespace maestro::engine::testing
