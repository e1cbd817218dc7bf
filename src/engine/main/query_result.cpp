// QueryResult rendering: JSON for APIs and the TCK's text notation.
#include <cmath>

#include "common/error.h"
#include "engine/main/database.h"

namespace maestro::engine {

const std::vector<std::string>& QueryResult::planHints() const {
  static const std::vector<std::string> kNone;
  return plan_hints ? *plan_hints : kNone;
}
namespace {

Json propertiesJson(const ValueMap& props, const QueryResult& r);

Json valueJson(const Value& v, const QueryResult& r) {
  switch (v.type()) {
    case Value::Type::kNull: return nullptr;
    case Value::Type::kBool: return v.asBool();
    case Value::Type::kInt: return v.asInt();
    case Value::Type::kFloat: {
      double d = v.asFloat();
      if (std::isnan(d)) return "NaN";
      if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
      return d;
    }
    case Value::Type::kString: return v.asString();
    case Value::Type::kList: {
      Json arr = Json::array();
      for (const auto& item : v.asList()) arr.push_back(valueJson(item, r));
      return arr;
    }
    case Value::Type::kMap: return propertiesJson(v.asMap(), r);
    case Value::Type::kNode: {
      Json j = {{"id", v.nodeId()}};
      auto it = r.nodes.find(v.nodeId());
      if (it != r.nodes.end()) {
        j["labels"] = it->second.labels;
        j["properties"] = propertiesJson(it->second.properties, r);
      }
      return j;
    }
    case Value::Type::kRel: {
      Json j = {{"id", v.relId()}};
      auto it = r.rels.find(v.relId());
      if (it != r.rels.end()) {
        j["type"] = it->second.type;
        j["start"] = it->second.src;
        j["end"] = it->second.dst;
        j["properties"] = propertiesJson(it->second.properties, r);
      }
      return j;
    }
    case Value::Type::kPath: {
      Json nodes = Json::array(), rels = Json::array();
      for (NodeId n : v.asPath().nodes) nodes.push_back(valueJson(Value::node(n), r));
      for (RelId rel : v.asPath().rels) rels.push_back(valueJson(Value::rel(rel), r));
      return Json{{"nodes", nodes}, {"relationships", rels}};
    }
    case Value::Type::kDate:
    case Value::Type::kLocalTime:
    case Value::Type::kTime:
    case Value::Type::kLocalDateTime:
    case Value::Type::kDateTime:
    case Value::Type::kDuration:
      return temporalToString(v);  // ISO-8601 text, as JSON has no temporal type
  }
  return nullptr;
}

Json propertiesJson(const ValueMap& props, const QueryResult& r) {
  Json obj = Json::object();
  for (const auto& [k, v] : props) obj[k] = valueJson(v, r);
  return obj;
}

std::string renderMap(const ValueMap& props, const QueryResult& r) {
  std::string s = "{";
  bool first = true;
  for (const auto& [k, v] : props) {
    s += (first ? "" : ", ") + k + ": " + r.render(v);
    first = false;
  }
  return s + "}";
}

std::string renderNode(NodeId id, const QueryResult& r) {
  auto it = r.nodes.find(id);
  if (it == r.nodes.end()) return "(#" + std::to_string(id) + ")";
  std::string s = "(";
  for (const auto& l : it->second.labels) s += ":" + l;
  if (!it->second.properties.empty()) {
    s += (it->second.labels.empty() ? "" : " ") + renderMap(it->second.properties, r);
  }
  return s + ")";
}

std::string renderRel(RelId id, const QueryResult& r) {
  auto it = r.rels.find(id);
  if (it == r.rels.end()) return "[#" + std::to_string(id) + "]";
  std::string s = "[:" + it->second.type;
  if (!it->second.properties.empty()) s += " " + renderMap(it->second.properties, r);
  return s + "]";
}

}  // namespace

Value valueFromJson(const Json& j) {
  switch (j.type()) {
    case Json::value_t::boolean: return Value(j.get<bool>());
    case Json::value_t::number_integer: return Value(j.get<int64_t>());
    case Json::value_t::number_unsigned: {
      auto u = j.get<uint64_t>();
      if (u > static_cast<uint64_t>(INT64_MAX)) return Value(static_cast<double>(u));
      return Value(static_cast<int64_t>(u));
    }
    case Json::value_t::number_float: return Value(j.get<double>());
    case Json::value_t::string: return Value(j.get<std::string>());
    case Json::value_t::array: {
      ValueList list;
      list.reserve(j.size());
      for (const auto& item : j) list.push_back(valueFromJson(item));
      return Value(std::move(list));
    }
    case Json::value_t::object: {
      ValueMap map;
      for (const auto& [k, v] : j.items()) map.emplace(k, valueFromJson(v));
      return Value(std::move(map));
    }
    default: return Value();
  }
}

Parameters parametersFromJson(const Json& params, std::string_view what) {
  Parameters out;
  if (params.is_null()) return out;
  if (!params.is_object()) {
    throw Error::badInput(std::string(what) + ": expected an object of parameters, got " +
                              std::string(jsonTypeName(params)),
                          std::string(what));
  }
  for (const auto& [k, v] : params.items()) out[k] = valueFromJson(v);
  return out;
}

Json QueryResult::toJson() const {
  Json rows_json = Json::array();
  for (const auto& row : rows) {
    Json r = Json::array();
    for (const auto& v : row) r.push_back(valueJson(v, *this));
    rows_json.push_back(std::move(r));
  }
  Json out = {{"columns", columns}, {"rows", rows_json}, {"version", version}};
  if (counters.any()) {
    out["counters"] = {{"nodes_created", counters.nodes_created},
                       {"nodes_deleted", counters.nodes_deleted},
                       {"relationships_created", counters.relationships_created},
                       {"relationships_deleted", counters.relationships_deleted},
                       {"labels_added", counters.labels_added},
                       {"labels_removed", counters.labels_removed},
                       {"properties_set", counters.properties_set},
                       {"indexes_added", counters.indexes_added},
                       {"indexes_removed", counters.indexes_removed}};
  }
  if (!plan.empty()) out["plan"] = plan;
  return out;
}

std::string QueryResult::render(const Value& v) const {
  switch (v.type()) {
    case Value::Type::kString: {
      std::string s = "'";
      for (char c : v.asString()) {
        if (c == '\'' || c == '\\') s += '\\';
        s += c;
      }
      return s + "'";
    }
    case Value::Type::kList: {
      std::string s = "[";
      bool first = true;
      for (const auto& item : v.asList()) {
        s += (first ? "" : ", ") + render(item);
        first = false;
      }
      return s + "]";
    }
    case Value::Type::kMap: return renderMap(v.asMap(), *this);
    case Value::Type::kNode: return renderNode(v.nodeId(), *this);
    case Value::Type::kRel: return renderRel(v.relId(), *this);
    case Value::Type::kPath: {
      const PathValue& p = v.asPath();
      std::string s = "<" + renderNode(p.nodes[0], *this);
      for (size_t i = 0; i < p.rels.size(); ++i) {
        auto it = rels.find(p.rels[i]);
        bool forward = it == rels.end() || it->second.src == p.nodes[i];
        s += forward ? "-" : "<-";
        s += renderRel(p.rels[i], *this);
        s += forward ? "->" : "-";
        s += renderNode(p.nodes[i + 1], *this);
      }
      return s + ">";
    }
    default: return toDebugString(v);
  }
}

}  // namespace maestro::engine
