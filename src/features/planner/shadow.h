// Pure pieces of shadow planning: an order-insensitive fingerprint of a
// query result, and a window of recent latencies with percentiles.
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <string>

#include "common/json.h"

namespace maestro::planner {

// SHA-256 (hex) over the columns and the multiset of rows: two results with
// the same rows in any order have the same fingerprint. `result` is
// engine::QueryResult::toJson() ({"columns": […], "rows": [[…]…]}).
std::string resultFingerprint(const Json& result);

// The last `capacity` latencies of one operation under one planner.
class LatencyWindow {
 public:
  explicit LatencyWindow(size_t capacity = 1000) : capacity_(capacity) {}

  void add(double ms);
  size_t size() const { return samples_.size(); }
  // Nearest-rank percentile (p in (0, 1]); nullopt when empty.
  std::optional<double> percentile(double p) const;

 private:
  size_t capacity_;
  std::deque<double> samples_;
};

}  // namespace maestro::planner
