// Statistics — what planner v2 knows about one dataset's data.
//
// Computed from a Graph in one pass (computeStatistics) and persisted per
// dataset in the region store's `selectivity_hist` table (stats_store.h);
// loaded with the dataset. Keyed by *names* (labels, types, keys), never by
// catalog ids, so a persisted row means the same thing after a reload.
//
//  - per label: node count;
//  - per (label, key) and per (relationship type, key): non-null count,
//    null fraction, the most common values with their frequencies, an
//    equi-depth histogram over the scalar values and a HyperLogLog sketch
//    of the distinct count;
//  - per (relationship type, direction, label of the node expanded from;
//    "" for any node): the degree distribution — average, mean square
//    (hubs pull a random neighbour's degree up: E[d²]/E[d]), p50/p90/p99,
//    max, and the top hubs with their degrees — plus the labels found at
//    the other end.
//
// Immutable once built; shared between queries through shared_ptr<const>.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/json.h"
#include "common/value.h"
#include "engine/graph/graph.h"

namespace maestro::engine::stats {

// HyperLogLog with 2^12 registers (standard error ≈ 1.6%), 64-bit hashes,
// with the small-range (linear counting) correction.
class HyperLogLog {
 public:
  static constexpr int kPrecision = 12;
  static constexpr size_t kRegisters = size_t{1} << kPrecision;

  HyperLogLog() : registers_(kRegisters, 0) {}
  void addHash(uint64_t hash);
  void add(const Value& v);
  double estimate() const;
  void merge(const HyperLogLog& other);
  // Registers as hex text (persistence); fromHex throws Error::badInput.
  std::string toHex() const;
  static HyperLogLog fromHex(std::string_view hex);

 private:
  std::vector<uint8_t> registers_;
};

// Equi-depth histogram: bounds[0] is the minimum, bounds.back() the
// maximum, and each of the bounds.size() - 1 buckets holds the same share
// of the values. Values are scalars of one kind (numbers or strings).
struct Histogram {
  std::vector<Value> bounds;

  bool empty() const { return bounds.size() < 2; }
  // Share of the values below `v` (or at most `v` when inclusive), 0..1;
  // linear interpolation inside a bucket for numbers, half a bucket else.
  double fractionBelow(const Value& v, bool inclusive) const;
  static Histogram build(const std::vector<Value>& sorted, size_t buckets);
};

struct PropertyStats {
  int64_t entities = 0;  // entities of the label / type
  int64_t non_null = 0;  // of them, with the key set
  double ndv = 0;        // HyperLogLog estimate of distinct values
  std::vector<std::pair<Value, int64_t>> mcv;  // most common values, by count desc
  Histogram histogram;
  // The smallest and largest values (sorted ascending, repeats kept): a
  // range that starts or ends among them is counted exactly — rare
  // extremes (risk_score > 0.95) are where an equi-depth bucket misleads.
  std::vector<Value> low_tail, high_tail;
  int64_t histogram_values = 0;  // values the histogram and tails cover
  HyperLogLog sketch;

  double nullFraction() const {
    return entities > 0 ? 1.0 - static_cast<double>(non_null) / static_cast<double>(entities) : 1.0;
  }
  // Share of the entities whose value equals `v`.
  double equalsSelectivity(const Value& v) const;
  // Share of the entities whose value lies within the bounds (absent bound:
  // open). Values of another kind than the histogram's match nothing.
  double rangeSelectivity(const std::optional<Value>& lower, bool lower_inclusive,
                          const std::optional<Value>& upper, bool upper_inclusive) const;
};

struct DegreeStats {
  int64_t nodes = 0;  // nodes of the label (those with degree 0 included)
  int64_t rels = 0;   // sum of their degrees
  double avg = 0;
  double avg_sq = 0;  // mean of degree²
  int64_t p50 = 0, p90 = 0, p99 = 0, max = 0;
  std::vector<std::pair<NodeId, int64_t>> hubs;  // top degrees, desc
  std::map<std::string, double> other_labels;    // share of the rels whose other end has L

  // Expected degree of a node reached over a relationship (size-biased):
  // E[d²]/E[d]; the average for a node picked uniformly.
  double reachedDegree() const { return avg > 0 ? avg_sq / avg : 0; }
  std::optional<int64_t> hubDegree(NodeId node) const;
};

struct GraphStatistics {
  int64_t version = 0;  // the dataset version they were computed at
  int64_t node_count = 0;
  int64_t rel_count = 0;
  int64_t computed_at_ms = 0;  // wall clock, epoch ms
  std::map<std::string, int64_t> label_counts;
  std::map<std::pair<std::string, std::string>, PropertyStats> node_props;  // (label, key)
  std::map<std::pair<std::string, std::string>, PropertyStats> rel_props;   // (type, key)
  // (type, dir, label); dir kOut or kIn; label "" for any node.
  std::map<std::tuple<std::string, Dir, std::string>, DegreeStats> degrees;

  const PropertyStats* nodeProperty(const std::string& label, const std::string& key) const;
  const PropertyStats* relProperty(const std::string& type, const std::string& key) const;
  const DegreeStats* degree(const std::string& type, Dir dir, const std::string& label) const;
  int64_t labelCount(const std::string& label) const;

  // One JSON document per statistic ("attr" → bucket), as persisted.
  std::vector<std::pair<std::string, Json>> toRows() const;
  // The inverse; unknown attrs are ignored (a newer writer), bad ones throw
  // Error::badInput.
  static GraphStatistics fromRows(const std::vector<std::pair<std::string, Json>>& rows);
};

struct StatsOptions {
  size_t histogram_buckets = 32;
  size_t mcv_size = 16;
  size_t hubs = 10;
  // Tail length: this share of the values, within [tail_min, tail_max].
  double tail_share = 0.002;
  size_t tail_min = 64;
  size_t tail_max = 1000;
};

// One pass over `graph` (nodes, properties, adjacency); O(N log N + R).
// The caller holds at least the dataset's shared lock.
std::shared_ptr<const GraphStatistics> computeStatistics(const Graph& graph, int64_t version,
                                                         int64_t now_ms,
                                                         const StatsOptions& options = {});

// Value ↔ JSON for persisted bounds and MCVs: [kind, value] keeps INTEGER
// and FLOAT apart ("i", "f", "s", "b").
Json scalarToJson(const Value& v);
Value scalarFromJson(const Json& j);

}  // namespace maestro::engine::stats
