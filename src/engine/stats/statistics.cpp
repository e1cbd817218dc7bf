#include "engine/stats/statistics.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <unordered_map>

#include "common/error.h"

namespace maestro::engine::stats {
namespace {

uint64_t mix64(uint64_t z) {
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

bool isScalar(const Value& v) {
  return v.isInt() || v.isFloat() || v.isString() || v.isBool();
}

bool isNumber(const Value& v) { return v.isInt() || v.isFloat(); }

double asDouble(const Value& v) { return v.isInt() ? static_cast<double>(v.asInt()) : v.asFloat(); }

// Values the histogram can place `v` among: same kind (numbers together).
bool sameKind(const Value& a, const Value& b) {
  if (isNumber(a)) return isNumber(b);
  return a.type() == b.type();
}

std::string dirName(Dir d) { return d == Dir::kOut ? "out" : "in"; }

}  // namespace

// ---- HyperLogLog ---------------------------------------------------------------

void HyperLogLog::addHash(uint64_t hash) {
  size_t index = hash >> (64 - kPrecision);
  uint64_t rest = (hash << kPrecision) | (uint64_t{1} << (kPrecision - 1));
  auto rank = static_cast<uint8_t>(std::countl_zero(rest) + 1);
  registers_[index] = std::max(registers_[index], rank);
}

void HyperLogLog::add(const Value& v) { addHash(mix64(hashValue(v))); }

double HyperLogLog::estimate() const {
  const double m = static_cast<double>(kRegisters);
  double sum = 0;
  int zeros = 0;
  for (uint8_t r : registers_) {
    sum += std::ldexp(1.0, -r);
    zeros += r == 0;
  }
  const double alpha = 0.7213 / (1 + 1.079 / m);
  double e = alpha * m * m / sum;
  if (e <= 2.5 * m && zeros > 0) e = m * std::log(m / zeros);  // linear counting
  return e;
}

void HyperLogLog::merge(const HyperLogLog& other) {
  for (size_t i = 0; i < kRegisters; ++i) {
    registers_[i] = std::max(registers_[i], other.registers_[i]);
  }
}

std::string HyperLogLog::toHex() const {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  out.reserve(2 * kRegisters);
  for (uint8_t r : registers_) {
    out.push_back(kDigits[r >> 4]);
    out.push_back(kDigits[r & 15]);
  }
  return out;
}

HyperLogLog HyperLogLog::fromHex(std::string_view hex) {
  if (hex.size() != 2 * kRegisters) throw Error::badInput("hyperloglog: wrong register count");
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    throw Error::badInput("hyperloglog: bad hex digit");
  };
  HyperLogLog h;
  for (size_t i = 0; i < kRegisters; ++i) {
    h.registers_[i] = static_cast<uint8_t>(digit(hex[2 * i]) * 16 + digit(hex[2 * i + 1]));
  }
  return h;
}

// ---- Histogram -----------------------------------------------------------------

Histogram Histogram::build(const std::vector<Value>& sorted, size_t buckets) {
  Histogram h;
  if (sorted.empty() || buckets == 0) return h;
  buckets = std::min(buckets, sorted.size());
  h.bounds.reserve(buckets + 1);
  for (size_t i = 0; i <= buckets; ++i) {
    size_t at = std::min(sorted.size() - 1, i * (sorted.size() - 1) / buckets);
    h.bounds.push_back(sorted[at]);
  }
  return h;
}

double Histogram::fractionBelow(const Value& v, bool inclusive) const {
  if (empty() || !sameKind(v, bounds.front())) return 0;
  const size_t k = bounds.size() - 1;
  int lo = orderCompare(v, bounds.front());
  if (lo < 0 || (lo == 0 && !inclusive)) return 0;
  int hi = orderCompare(v, bounds.back());
  if (hi > 0 || (hi == 0 && inclusive)) return 1;
  // The bucket [b_i, b_{i+1}) holding v.
  size_t i = 0;
  while (i + 1 < k && orderCompare(v, bounds[i + 1]) >= 0) ++i;
  double within = 0.5;
  const Value& a = bounds[i];
  const Value& b = bounds[i + 1];
  if (isNumber(v) && isNumber(a) && isNumber(b)) {
    double span = asDouble(b) - asDouble(a);
    within = span > 0 ? std::clamp((asDouble(v) - asDouble(a)) / span, 0.0, 1.0) : 0.5;
  }
  return (static_cast<double>(i) + within) / static_cast<double>(k);
}

// ---- PropertyStats ---------------------------------------------------------------

double PropertyStats::equalsSelectivity(const Value& v) const {
  if (entities <= 0 || non_null <= 0 || v.isNull()) return 0;
  const double n = static_cast<double>(entities);
  int64_t mcv_total = 0;
  for (const auto& [value, count] : mcv) {
    if (equivalent(value, v)) return static_cast<double>(count) / n;
    mcv_total += count;
  }
  if (!histogram.empty() && sameKind(v, histogram.bounds.front()) &&
      (orderCompare(v, histogram.bounds.front()) < 0 || orderCompare(v, histogram.bounds.back()) > 0)) {
    return 0.5 / n;  // outside the values seen: assume rare, not absent
  }
  double others = std::max(1.0, ndv - static_cast<double>(mcv.size()));
  double rest = static_cast<double>(non_null - mcv_total) / n;
  // A value not among the MCVs is at most as common as the rarest MCV.
  double sel = rest / others;
  if (!mcv.empty()) sel = std::min(sel, static_cast<double>(mcv.back().second) / n);
  return std::max(sel, 0.5 / n);
}

double PropertyStats::rangeSelectivity(const std::optional<Value>& lower, bool lower_inclusive,
                                       const std::optional<Value>& upper,
                                       bool upper_inclusive) const {
  if (entities <= 0 || histogram.empty()) return 0;
  if ((lower && lower->isNull()) || (upper && upper->isNull())) return 0;
  double hi = upper ? histogram.fractionBelow(*upper, upper_inclusive) : 1.0;
  double lo = lower ? histogram.fractionBelow(*lower, !lower_inclusive) : 0.0;
  if (lower && !sameKind(*lower, histogram.bounds.front())) return 0;
  if (upper && !sameKind(*upper, histogram.bounds.front())) return 0;
  double frac = std::max(0.0, hi - lo);
  // Exact counts when the range lies within a tail.
  auto inRange = [&](const Value& v) {
    if (lower) {
      int c = orderCompare(v, *lower);
      if (c < 0 || (c == 0 && !lower_inclusive)) return false;
    }
    if (upper) {
      int c = orderCompare(v, *upper);
      if (c > 0 || (c == 0 && !upper_inclusive)) return false;
    }
    return true;
  };
  auto tailCount = [&](const std::vector<Value>& tail) {
    return static_cast<double>(std::count_if(tail.begin(), tail.end(), inRange));
  };
  const double covered = static_cast<double>(std::max<int64_t>(histogram_values, 1));
  if (!high_tail.empty() && lower && orderCompare(*lower, high_tail.front()) > 0) {
    frac = tailCount(high_tail) / covered;
  } else if (!low_tail.empty() && upper && orderCompare(*upper, low_tail.back()) < 0) {
    frac = tailCount(low_tail) / covered;
  }
  const double share = static_cast<double>(non_null) / static_cast<double>(entities);
  return std::max(frac * share, 0.5 / static_cast<double>(entities));
}

std::optional<int64_t> DegreeStats::hubDegree(NodeId node) const {
  for (const auto& [id, d] : hubs) {
    if (id == node) return d;
  }
  return std::nullopt;
}

// ---- GraphStatistics ---------------------------------------------------------------

const PropertyStats* GraphStatistics::nodeProperty(const std::string& label,
                                                   const std::string& key) const {
  auto it = node_props.find({label, key});
  return it == node_props.end() ? nullptr : &it->second;
}

const PropertyStats* GraphStatistics::relProperty(const std::string& type,
                                                  const std::string& key) const {
  auto it = rel_props.find({type, key});
  return it == rel_props.end() ? nullptr : &it->second;
}

const DegreeStats* GraphStatistics::degree(const std::string& type, Dir dir,
                                           const std::string& label) const {
  auto it = degrees.find({type, dir, label});
  return it == degrees.end() ? nullptr : &it->second;
}

int64_t GraphStatistics::labelCount(const std::string& label) const {
  auto it = label_counts.find(label);
  return it == label_counts.end() ? 0 : it->second;
}

Json scalarToJson(const Value& v) {
  if (v.isInt()) return Json::array({"i", v.asInt()});
  if (v.isFloat()) return Json::array({"f", v.asFloat()});
  if (v.isString()) return Json::array({"s", v.asString()});
  if (v.isBool()) return Json::array({"b", v.asBool()});
  return Json::array({"n", nullptr});
}

Value scalarFromJson(const Json& j) {
  if (!j.is_array() || j.size() != 2 || !j[0].is_string()) {
    throw Error::badInput("statistics: bad value");
  }
  const std::string kind = j[0].get<std::string>();
  if (kind == "i" && j[1].is_number_integer()) return Value(j[1].get<int64_t>());
  if (kind == "f" && j[1].is_number()) return Value(j[1].get<double>());
  if (kind == "s" && j[1].is_string()) return Value(j[1].get<std::string>());
  if (kind == "b" && j[1].is_boolean()) return Value(j[1].get<bool>());
  if (kind == "n") return Value();
  throw Error::badInput("statistics: bad value");
}

namespace {

Json tail(const std::vector<Value>& values) {
  Json out = Json::array();
  for (const auto& v : values) out.push_back(scalarToJson(v));
  return out;
}

Json propertyToJson(const PropertyStats& p) {
  Json mcv = Json::array();
  for (const auto& [v, c] : p.mcv) mcv.push_back({scalarToJson(v), c});
  Json bounds = Json::array();
  for (const auto& b : p.histogram.bounds) bounds.push_back(scalarToJson(b));
  return {{"entities", p.entities}, {"non_null", p.non_null},
          {"null_fraction", p.nullFraction()}, {"ndv", p.ndv},
          {"mcv", mcv}, {"histogram", bounds}, {"hll", p.sketch.toHex()},
          {"histogram_values", p.histogram_values}, {"low_tail", tail(p.low_tail)},
          {"high_tail", tail(p.high_tail)}};
}

PropertyStats propertyFromJson(const Json& j) {
  PropertyStats p;
  p.entities = j.at("entities").get<int64_t>();
  p.non_null = j.at("non_null").get<int64_t>();
  p.ndv = j.at("ndv").get<double>();
  for (const auto& m : j.at("mcv")) p.mcv.emplace_back(scalarFromJson(m.at(0)), m.at(1).get<int64_t>());
  for (const auto& b : j.at("histogram")) p.histogram.bounds.push_back(scalarFromJson(b));
  p.sketch = HyperLogLog::fromHex(j.at("hll").get<std::string>());
  p.histogram_values = j.value("histogram_values", int64_t{0});
  for (const auto& v : j.value("low_tail", Json::array())) p.low_tail.push_back(scalarFromJson(v));
  for (const auto& v : j.value("high_tail", Json::array())) p.high_tail.push_back(scalarFromJson(v));
  return p;
}

Json degreeToJson(const DegreeStats& d) {
  Json hubs = Json::array();
  for (const auto& [id, deg] : d.hubs) hubs.push_back({id, deg});
  return {{"nodes", d.nodes}, {"rels", d.rels}, {"avg", d.avg}, {"avg_sq", d.avg_sq},
          {"p50", d.p50}, {"p90", d.p90}, {"p99", d.p99}, {"max", d.max},
          {"hubs", hubs}, {"other_labels", d.other_labels}};
}

DegreeStats degreeFromJson(const Json& j) {
  DegreeStats d;
  d.nodes = j.at("nodes").get<int64_t>();
  d.rels = j.at("rels").get<int64_t>();
  d.avg = j.at("avg").get<double>();
  d.avg_sq = j.at("avg_sq").get<double>();
  d.p50 = j.at("p50").get<int64_t>();
  d.p90 = j.at("p90").get<int64_t>();
  d.p99 = j.at("p99").get<int64_t>();
  d.max = j.at("max").get<int64_t>();
  for (const auto& h : j.at("hubs")) d.hubs.emplace_back(h.at(0).get<NodeId>(), h.at(1).get<int64_t>());
  for (const auto& [k, v] : j.at("other_labels").items()) d.other_labels[k] = v.get<double>();
  return d;
}

}  // namespace

// Attrs: "meta", "node:<label>.<key>", "rel:<type>.<key>",
// "degree:<type>:<out|in>:<label>" (label empty for any node). Names may
// hold ':' or '.', so every attr's parts are also inside its JSON.
std::vector<std::pair<std::string, Json>> GraphStatistics::toRows() const {
  std::vector<std::pair<std::string, Json>> rows;
  rows.emplace_back("meta", Json{{"format", 1}, {"version", version}, {"node_count", node_count},
                                 {"rel_count", rel_count}, {"computed_at_ms", computed_at_ms},
                                 {"label_counts", label_counts}});
  for (const auto& [k, p] : node_props) {
    Json j = propertyToJson(p);
    j["label"] = k.first;
    j["key"] = k.second;
    rows.emplace_back("node:" + k.first + "." + k.second, std::move(j));
  }
  for (const auto& [k, p] : rel_props) {
    Json j = propertyToJson(p);
    j["type"] = k.first;
    j["key"] = k.second;
    rows.emplace_back("rel:" + k.first + "." + k.second, std::move(j));
  }
  for (const auto& [k, d] : degrees) {
    Json j = degreeToJson(d);
    j["type"] = std::get<0>(k);
    j["dir"] = dirName(std::get<1>(k));
    j["label"] = std::get<2>(k);
    rows.emplace_back("degree:" + std::get<0>(k) + ":" + dirName(std::get<1>(k)) + ":" +
                          std::get<2>(k),
                      std::move(j));
  }
  return rows;
}

GraphStatistics GraphStatistics::fromRows(const std::vector<std::pair<std::string, Json>>& rows) {
  GraphStatistics s;
  try {
    for (const auto& [attr, j] : rows) {
      if (attr == "meta") {
        s.version = j.at("version").get<int64_t>();
        s.node_count = j.at("node_count").get<int64_t>();
        s.rel_count = j.at("rel_count").get<int64_t>();
        s.computed_at_ms = j.at("computed_at_ms").get<int64_t>();
        for (const auto& [k, v] : j.at("label_counts").items()) s.label_counts[k] = v.get<int64_t>();
      } else if (attr.rfind("node:", 0) == 0) {
        s.node_props[{j.at("label").get<std::string>(), j.at("key").get<std::string>()}] =
            propertyFromJson(j);
      } else if (attr.rfind("rel:", 0) == 0) {
        s.rel_props[{j.at("type").get<std::string>(), j.at("key").get<std::string>()}] =
            propertyFromJson(j);
      } else if (attr.rfind("degree:", 0) == 0) {
        Dir dir = j.at("dir").get<std::string>() == "out" ? Dir::kOut : Dir::kIn;
        s.degrees[{j.at("type").get<std::string>(), dir, j.at("label").get<std::string>()}] =
            degreeFromJson(j);
      }
    }
  } catch (const Json::exception& e) {
    throw Error::badInput(std::string("statistics: malformed row: ") + e.what());
  }
  return s;
}

// ---- computation ---------------------------------------------------------------------

namespace {

PropertyStats summarize(std::vector<Value>& values, int64_t entities, const StatsOptions& o) {
  PropertyStats p;
  p.entities = entities;
  p.non_null = static_cast<int64_t>(values.size());
  std::unordered_map<Value, int64_t, ValueHash, ValueEquivalent> counts;
  for (const auto& v : values) {
    p.sketch.add(v);
    if (isScalar(v)) ++counts[v];
  }
  p.ndv = std::min(p.sketch.estimate(), static_cast<double>(values.size()));
  std::vector<std::pair<Value, int64_t>> top(counts.begin(), counts.end());
  size_t k = std::min(o.mcv_size, top.size());
  std::partial_sort(top.begin(), top.begin() + static_cast<std::ptrdiff_t>(k), top.end(),
                    [](const auto& a, const auto& b) {
                      return a.second != b.second ? a.second > b.second
                                                  : orderCompare(a.first, b.first) < 0;
                    });
  top.resize(k);
  // Few distinct values: list them all (the distribution is then exact).
  // Many: only values more common than an average one are worth listing.
  double avg = p.ndv > 0 ? static_cast<double>(p.non_null) / p.ndv : 0;
  const bool complete = counts.size() <= o.mcv_size;
  for (auto& [v, c] : top) {
    if (c > 1 && (complete || static_cast<double>(c) >= avg)) p.mcv.emplace_back(std::move(v), c);
  }
  // The histogram covers the dominant kind (numbers, or strings).
  size_t numbers = 0, strings = 0;
  for (const auto& v : values) {
    numbers += isNumber(v);
    strings += v.isString();
  }
  std::vector<Value> sorted;
  sorted.reserve(std::max(numbers, strings));
  for (const auto& v : values) {
    if (numbers >= strings ? isNumber(v) : v.isString()) sorted.push_back(v);
  }
  if (!sorted.empty()) {
    std::sort(sorted.begin(), sorted.end(),
              [](const Value& a, const Value& b) { return orderCompare(a, b) < 0; });
    p.histogram = Histogram::build(sorted, o.histogram_buckets);
    p.histogram_values = static_cast<int64_t>(sorted.size());
    size_t t = static_cast<size_t>(o.tail_share * static_cast<double>(sorted.size()));
    t = std::min(std::clamp(t, o.tail_min, o.tail_max), sorted.size());
    p.low_tail.assign(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(t));
    p.high_tail.assign(sorted.end() - static_cast<std::ptrdiff_t>(t), sorted.end());
  }
  return p;
}

DegreeStats summarizeDegrees(std::vector<std::pair<int64_t, NodeId>>& degs, const StatsOptions& o) {
  DegreeStats d;
  d.nodes = static_cast<int64_t>(degs.size());
  if (degs.empty()) return d;
  double sum = 0, sq = 0;
  for (const auto& [deg, id] : degs) {
    sum += static_cast<double>(deg);
    sq += static_cast<double>(deg) * static_cast<double>(deg);
  }
  d.rels = static_cast<int64_t>(sum);
  d.avg = sum / static_cast<double>(degs.size());
  d.avg_sq = sq / static_cast<double>(degs.size());
  std::sort(degs.begin(), degs.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  auto at = [&](double q) {
    size_t i = static_cast<size_t>((1.0 - q) * static_cast<double>(degs.size() - 1));
    return degs[i].first;
  };
  d.p50 = at(0.50);
  d.p90 = at(0.90);
  d.p99 = at(0.99);
  d.max = degs.front().first;
  for (size_t i = 0; i < std::min(o.hubs, degs.size()) && degs[i].first > 0; ++i) {
    d.hubs.emplace_back(degs[i].second, degs[i].first);
  }
  return d;
}

}  // namespace

std::shared_ptr<const GraphStatistics> computeStatistics(const Graph& graph, int64_t version,
                                                         int64_t now_ms, const StatsOptions& o) {
  auto s = std::make_shared<GraphStatistics>();
  s->version = version;
  s->node_count = static_cast<int64_t>(graph.nodeCount());
  s->rel_count = static_cast<int64_t>(graph.relCount());
  s->computed_at_ms = now_ms;
  const Catalog& cat = graph.catalog();
  const size_t num_labels = cat.labels().size();
  const size_t num_types = cat.relTypes().size();

  // Node properties per (label, key).
  std::map<std::pair<LabelId, PropKeyId>, std::vector<Value>> node_values;
  std::vector<int64_t> label_counts(num_labels, 0);
  graph.forEachNode([&](NodeId id) {
    const NodeRecord& n = graph.node(id);
    for (LabelId l : n.labels) {
      ++label_counts[l];
      for (const auto& [k, v] : n.properties.entries()) node_values[{l, k}].push_back(v);
    }
    return true;
  });
  for (size_t l = 0; l < num_labels; ++l) {
    if (label_counts[l] > 0) s->label_counts[cat.labels().name(static_cast<LabelId>(l))] = label_counts[l];
  }
  for (auto& [k, values] : node_values) {
    s->node_props[{cat.labels().name(k.first), cat.propertyKeys().name(k.second)}] =
        summarize(values, label_counts[k.first], o);
    std::vector<Value>().swap(values);
  }

  // Relationship properties per (type, key), and the labels at either end.
  std::map<std::pair<RelTypeId, PropKeyId>, std::vector<Value>> rel_values;
  std::vector<int64_t> type_counts(num_types, 0);
  // [type][dir 0 out / 1 in][label] → rels whose other end has the label.
  std::vector<std::array<std::vector<int64_t>, 2>> ends(num_types);
  for (auto& e : ends) {
    e[0].assign(num_labels, 0);
    e[1].assign(num_labels, 0);
  }
  graph.forEachRel([&](RelId id) {
    const RelRecord& r = graph.rel(id);
    ++type_counts[r.type];
    for (const auto& [k, v] : r.properties.entries()) rel_values[{r.type, k}].push_back(v);
    for (LabelId l : graph.node(r.dst).labels) ++ends[r.type][0][l];
    for (LabelId l : graph.node(r.src).labels) ++ends[r.type][1][l];
    return true;
  });
  for (auto& [k, values] : rel_values) {
    s->rel_props[{cat.relTypes().name(k.first), cat.propertyKeys().name(k.second)}] =
        summarize(values, type_counts[k.first], o);
    std::vector<Value>().swap(values);
  }

  // Degrees per (type, dir, label) and for any node.
  for (size_t t = 0; t < num_types; ++t) {
    if (type_counts[t] == 0) continue;
    const std::string& type_name = cat.relTypes().name(static_cast<RelTypeId>(t));
    const RelTypeId type_id = static_cast<RelTypeId>(t);
    for (Dir dir : {Dir::kOut, Dir::kIn}) {
      std::vector<std::vector<std::pair<int64_t, NodeId>>> per_label(num_labels);
      std::vector<std::pair<int64_t, NodeId>> any;
      graph.forEachNode([&](NodeId id) {
        auto deg = static_cast<int64_t>(graph.degree(id, dir, std::span<const RelTypeId>(&type_id, 1)));
        any.emplace_back(deg, id);
        for (LabelId l : graph.node(id).labels) per_label[l].emplace_back(deg, id);
        return true;
      });
      std::map<std::string, double> other;
      const auto& counts = ends[t][dir == Dir::kOut ? 0 : 1];
      for (size_t l = 0; l < num_labels; ++l) {
        if (counts[l] > 0) {
          other[cat.labels().name(static_cast<LabelId>(l))] =
              static_cast<double>(counts[l]) / static_cast<double>(type_counts[t]);
        }
      }
      DegreeStats all = summarizeDegrees(any, o);
      all.other_labels = other;
      s->degrees[{type_name, dir, ""}] = std::move(all);
      for (size_t l = 0; l < num_labels; ++l) {
        auto& v = per_label[l];
        if (v.empty()) continue;
        bool some = std::any_of(v.begin(), v.end(), [](const auto& p) { return p.first > 0; });
        if (!some) continue;
        DegreeStats d = summarizeDegrees(v, o);
        d.other_labels = other;
        s->degrees[{type_name, dir, cat.labels().name(static_cast<LabelId>(l))}] = std::move(d);
      }
    }
  }
  return s;
}

}  // namespace maestro::engine::stats
