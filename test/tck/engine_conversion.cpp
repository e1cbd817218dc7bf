#include "tck/engine_conversion.h"

#include <stdexcept>
#include <string>

namespace maestro::tck {

namespace {

TckValue::Entries toEntries(const ValueMap& map, const engine::QueryResult& result) {
  TckValue::Entries entries;
  for (const auto& [key, value] : map) entries.emplace_back(key, toTckValue(value, result));
  return entries;
}

const engine::NodeSnapshot& nodeSnapshot(uint64_t id, const engine::QueryResult& result) {
  auto it = result.nodes.find(id);
  if (it == result.nodes.end()) {
    throw std::runtime_error("node #" + std::to_string(id) + " is not in the result's snapshots");
  }
  return it->second;
}

const engine::RelSnapshot& relSnapshot(uint64_t id, const engine::QueryResult& result) {
  auto it = result.rels.find(id);
  if (it == result.rels.end()) {
    throw std::runtime_error("relationship #" + std::to_string(id) +
                             " is not in the result's snapshots");
  }
  return it->second;
}

TckValue node(uint64_t id, const engine::QueryResult& result) {
  const auto& snap = nodeSnapshot(id, result);
  return TckValue::ofNode(snap.labels, toEntries(snap.properties, result));
}

TckValue rel(uint64_t id, const engine::QueryResult& result) {
  const auto& snap = relSnapshot(id, result);
  return TckValue::ofRel(snap.type, toEntries(snap.properties, result));
}

TckValue path(const PathValue& p, const engine::QueryResult& result) {
  if (p.nodes.size() != p.rels.size() + 1) {
    throw std::runtime_error("path with " + std::to_string(p.nodes.size()) + " nodes and " +
                             std::to_string(p.rels.size()) + " relationships");
  }
  std::vector<TckHop> hops;
  for (size_t i = 0; i < p.rels.size(); ++i) {
    const auto& r = relSnapshot(p.rels[i], result);
    uint64_t from = p.nodes[i];
    uint64_t to = p.nodes[i + 1];
    bool forward;
    if (r.src == from && r.dst == to) {
      forward = true;  // a self-loop reads as forward too
    } else if (r.src == to && r.dst == from) {
      forward = false;
    } else {
      throw std::runtime_error("path relationship #" + std::to_string(p.rels[i]) +
                               " does not connect nodes #" + std::to_string(from) + " and #" +
                               std::to_string(to));
    }
    hops.push_back({forward, rel(p.rels[i], result), node(to, result)});
  }
  return TckValue::ofPath(node(p.nodes.at(0), result), std::move(hops));
}

}  // namespace

TckValue toTckValue(const Value& v, const engine::QueryResult& result) {
  switch (v.type()) {
    case Value::Type::kNull:
      return TckValue::null();
    case Value::Type::kBool:
      return TckValue::ofBool(v.asBool());
    case Value::Type::kInt:
      return TckValue::ofInt(v.asInt());
    case Value::Type::kFloat:
      return TckValue::ofFloat(v.asFloat());
    case Value::Type::kString:
      return TckValue::ofString(v.asString());
    case Value::Type::kList: {
      std::vector<TckValue> elements;
      for (const auto& e : v.asList()) elements.push_back(toTckValue(e, result));
      return TckValue::ofList(std::move(elements));
    }
    case Value::Type::kMap:
      return TckValue::ofMap(toEntries(v.asMap(), result));
    case Value::Type::kNode:
      return node(v.nodeId(), result);
    case Value::Type::kRel:
      return rel(v.relId(), result);
    case Value::Type::kPath:
      return path(v.asPath(), result);
    case Value::Type::kDate:
    case Value::Type::kLocalTime:
    case Value::Type::kTime:
    case Value::Type::kLocalDateTime:
    case Value::Type::kDateTime:
    case Value::Type::kDuration:
      // The TCK writes temporal values as their ISO-8601 strings and the
      // reference runner compares them so (tck/README.adoc, "Temporal values").
      return TckValue::ofString(temporalToString(v));
  }
  throw std::runtime_error("unknown value type");
}

ResultTable toResultTable(const engine::QueryResult& result) {
  ResultTable table;
  table.columns = result.columns;
  for (const auto& row : result.rows) {
    if (row.size() != result.columns.size()) {
      throw std::runtime_error("a row has " + std::to_string(row.size()) + " values for " +
                               std::to_string(result.columns.size()) + " columns");
    }
    std::vector<TckValue> cells;
    for (const auto& v : row) cells.push_back(toTckValue(v, result));
    table.rows.push_back(std::move(cells));
  }
  return table;
}

Value toEngineValue(const TckValue& v) {
  using Kind = TckValue::Kind;
  switch (v.kind) {
    case Kind::kNull:
      return Value();
    case Kind::kBool:
      return Value(v.boolean);
    case Kind::kInt:
      return Value(v.integer);
    case Kind::kFloat:
      return Value(v.real);
    case Kind::kString:
      return Value(v.text);
    case Kind::kList: {
      ValueList list;
      for (const auto& e : v.elements) list.push_back(toEngineValue(e));
      return Value(std::move(list));
    }
    case Kind::kMap: {
      ValueMap map;
      for (const auto& [key, value] : v.entries) map.emplace(key, toEngineValue(value));
      return Value(std::move(map));
    }
    case Kind::kNode:
    case Kind::kRel:
    case Kind::kPath:
      break;
  }
  throw std::invalid_argument("a graph element cannot be a parameter: " + v.toString());
}

engine::Parameters toEngineParams(const TckParams& params) {
  engine::Parameters out;
  for (const auto& [name, value] : params) out[name] = toEngineValue(value);
  return out;
}

GraphState graphStateFrom(const engine::QueryResult& nodes, const engine::QueryResult& rels) {
  GraphState state;
  for (const auto& row : nodes.rows) {
    if (row.size() != 1 || !row[0].isNode()) {
      throw std::runtime_error("MATCH (n) RETURN n returned something other than one node");
    }
    uint64_t id = row[0].nodeId();
    const auto& snap = nodeSnapshot(id, nodes);
    state.nodes.insert(id);
    state.labels.insert(snap.labels.begin(), snap.labels.end());
    for (const auto& [key, value] : snap.properties) {
      state.addNodeProperty(id, key, toTckValue(value, nodes));
    }
  }
  for (const auto& row : rels.rows) {
    if (row.size() != 1 || !row[0].isRel()) {
      throw std::runtime_error(
          "MATCH ()-[r]->() RETURN r returned something other than one relationship");
    }
    uint64_t id = row[0].relId();
    const auto& snap = relSnapshot(id, rels);
    state.rels.insert(id);
    for (const auto& [key, value] : snap.properties) {
      state.addRelProperty(id, key, toTckValue(value, rels));
    }
  }
  return state;
}

}  // namespace maestro::tck
