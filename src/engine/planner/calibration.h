// LatencyCalibration — turns planner cost into milliseconds for one
// dataset, from the latencies its statements really took.
//
// Every executed statement records (cost, ms): the cost the cost model
// gives the rows its operators really produced (actualCost), and its
// compile + execute time. The model is a least-squares line through
// (log cost, log ms) — latency grows with work, but not linearly across
// six orders of magnitude of cost — and the 95th percentile of the
// residuals turns its median prediction into a p95. Until a dataset has
// kMinSamples observations spanning more than one cost, a default model
// (kDefaultMsPerUnit) answers and says so.
//
// The fit's error is reported as it would be checked: the share of
// observations at or below their p95 estimate (ideally 0.95) and the
// median relative error of the median prediction. Thread-safe; keeps the
// last kWindow observations.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace maestro::engine {

class Operator;

// The cost model (cost_model.h) applied to what a finished tree really
// did: every row an operator produced, every node a scan touched, every
// relationship an expansion followed, every row a filter tested.
double actualCost(const Operator& root);
// The planner's estimate for a tree (-1 when it has none, as under v1).
double estimatedCost(const Operator& root);

struct LatencyEstimate {
  double p50_ms = 0;
  double p95_ms = 0;
  bool calibrated = false;  // false: the default model (too few observations)
  size_t samples = 0;
  double slope = 0, intercept = 0;  // log(ms) = intercept + slope · log(1 + cost)
  double coverage = 0;              // share of observations at or below their p95 estimate
  double median_error = 0;          // median |observed / predicted median − 1|
};

class LatencyCalibration {
 public:
  static constexpr size_t kWindow = 4096;
  static constexpr size_t kMinSamples = 30;
  static constexpr double kDefaultMsPerUnit = 0.0002;  // 0.2 µs per unit, measured at scale 1
  static constexpr double kDefaultBaseMs = 0.02;

  void record(double cost, double ms);
  LatencyEstimate estimate(double cost) const;
  size_t samples() const;

 private:
  struct Fit {
    bool valid = false;
    double slope = 0, intercept = 0, residual_p95 = 0, coverage = 0, median_error = 0;
    size_t samples = 0;
  };
  Fit fit() const;  // under mutex_

  mutable std::mutex mutex_;
  std::vector<std::pair<double, double>> points_;  // (log(1 + cost), log(ms)), a ring
  size_t next_ = 0;
  uint64_t recorded_ = 0;
  mutable Fit fit_;
  mutable uint64_t fitted_at_ = 0;  // recorded_ when fit_ was made
};

}  // namespace maestro::engine
