// LatencyCalibration — turns planner cost into milliseconds for one
// dataset, from the latencies its statements really took.
//
// Every executed statement records (cost, ms): the cost the cost model
// gives the rows its operators really produced (actualCost), and its
// compile + execute time. The model is ms = base + per_unit · cost — a
// fixed overhead per statement plus work — fitted by least squares on the
// relative error (weights 1/ms², so a 0.05 ms lookup counts as much as a
// 5 s scan). The cost model prices some work better than other, so the
// spread around the line is read locally: the median and 95th percentile
// of observed/predicted among the kNeighbours observations nearest in
// log cost give the p50 and p95. Until a dataset has kMinSamples
// observations spanning more than one cost, a default model
// (kDefaultBaseMs + kDefaultMsPerUnit · cost) answers and says so.
//
// The fit's error is reported as it would be checked: the share of
// observations at or below their p95 estimate (ideally 0.95) and the
// median relative error of the median prediction. Thread-safe. Keeps the
// last kPerBand observations of each band of cost (a power of two), so a
// flood of cheap statements does not push out what the expensive ones
// taught it.
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
  double base_ms = 0, ms_per_unit = 0;  // the line: ms = base_ms + ms_per_unit · cost
  double coverage = 0;              // share of observations at or below their p95 estimate
  double median_error = 0;          // median |observed / predicted median − 1|
};

class LatencyCalibration {
 public:
  static constexpr size_t kPerBand = 128;
  static constexpr size_t kMinSamples = 30;
  static constexpr size_t kNeighbours = 64;
  // The default line, fitted on `make bench` at scale 1 (README).
  static constexpr double kDefaultMsPerUnit = 0.001;
  static constexpr double kDefaultBaseMs = 0.05;

  void record(double cost, double ms);
  LatencyEstimate estimate(double cost) const;
  size_t samples() const;

 private:
  struct Fit {
    bool valid = false;
    double base = 0, per_unit = 0, coverage = 0, median_error = 0;
    std::vector<std::pair<double, double>> ratios;  // (log(1 + cost), observed/line), by cost
    size_t samples = 0;
  };
  const Fit& fit() const;  // under mutex_
  // (p50, p95) of observed/line among the observations nearest in cost.
  static std::pair<double, double> localRatios(const Fit& f, double log_cost);

  struct Band {
    std::vector<std::pair<double, double>> points;  // (cost, ms), a ring
    size_t next = 0;
  };

  mutable std::mutex mutex_;
  std::vector<Band> bands_;  // by floor(log2(1 + cost))
  size_t size_ = 0;          // observations kept, over all bands
  uint64_t recorded_ = 0;
  mutable Fit fit_;
  mutable uint64_t fitted_at_ = 0;  // recorded_ when fit_ was made
};

}  // namespace maestro::engine
