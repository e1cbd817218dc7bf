#include "engine/planner/calibration.h"

#include <algorithm>
#include <cmath>
#include <string_view>

#include "engine/executor/operator.h"
#include "engine/planner/cost_model.h"

namespace maestro::engine {

double actualCost(const Operator& op) {
  const std::string name = op.name();
  const auto rows = static_cast<double>(op.actual_rows);
  double cost = rows * CostModel::kRow;
  auto starts = [&](std::string_view prefix) { return name.rfind(prefix, 0) == 0; };
  if (name == "NodeByLabelScan" || name == "AllNodesScan") {
    cost += rows * CostModel::kScanRow;
  } else if (starts("Expand") || starts("VarLengthExpand") || starts("ShortestPath") ||
             starts("AllShortestPaths") || name == "FollowRelationshipList") {
    cost += rows * CostModel::kAdjacency;
  } else if (name == "Filter" && !op.children().empty()) {
    cost += static_cast<double>(op.child()->actual_rows) * CostModel::kFilterRow;
  }
  for (const auto& c : op.children()) cost += actualCost(*c);
  return cost;
}

double estimatedCost(const Operator& root) {
  if (root.estimated_cost >= 0) return root.estimated_cost;
  double best = -1;
  for (const auto& c : root.children()) best = std::max(best, estimatedCost(*c));
  return best;
}

void LatencyCalibration::record(double cost, double ms) {
  if (!(cost >= 0) || !(ms > 0) || !std::isfinite(cost) || !std::isfinite(ms)) return;
  auto band = static_cast<size_t>(std::log2(1 + cost));
  std::lock_guard lock(mutex_);
  if (band >= bands_.size()) bands_.resize(band + 1);
  Band& b = bands_[band];
  if (b.points.size() < kPerBand) {
    b.points.emplace_back(cost, ms);
    ++size_;
  } else {
    b.points[b.next] = {cost, ms};
  }
  b.next = (b.next + 1) % kPerBand;
  ++recorded_;
}

size_t LatencyCalibration::samples() const {
  std::lock_guard lock(mutex_);
  return size_;
}

const LatencyCalibration::Fit& LatencyCalibration::fit() const {
  // Refit once an eighth as many observations as are kept came in (or
  // when never fitted).
  uint64_t refit_after = std::max<uint64_t>(1, size_ / 8);
  if (fit_.samples > 0 && recorded_ - fitted_at_ < refit_after) return fit_;
  Fit f;
  f.samples = size_;
  fitted_at_ = recorded_;
  if (size_ < kMinSamples) return fit_ = f;
  std::vector<std::pair<double, double>> points;
  points.reserve(size_);
  for (const auto& b : bands_) points.insert(points.end(), b.points.begin(), b.points.end());
  // Weighted least squares of ms = base + per_unit · cost, weights 1/ms².
  double s0 = 0, s1 = 0, s2 = 0, t0 = 0, t1 = 0;
  double lo = points.front().first, hi = lo;
  for (const auto& [c, m] : points) {
    double w = 1 / (m * m);
    s0 += w, s1 += w * c, s2 += w * c * c, t0 += w * m, t1 += w * c * m;
    lo = std::min(lo, c), hi = std::max(hi, c);
  }
  if (hi - lo < 1e-9) return fit_ = f;  // one cost only: no line to learn
  double det = s0 * s2 - s1 * s1;
  f.base = (t0 * s2 - t1 * s1) / det;
  f.per_unit = (s0 * t1 - s1 * t0) / det;
  // Neither part of the line may be negative: refit the other alone.
  if (f.per_unit < 0) f.per_unit = 0, f.base = t0 / s0;
  if (f.base < 0) f.base = 0, f.per_unit = t1 / s2;
  if (!(f.base + f.per_unit * lo > 0)) return fit_ = f;
  f.ratios.reserve(points.size());
  for (const auto& [c, m] : points) f.ratios.emplace_back(std::log1p(c), m / (f.base + f.per_unit * c));
  std::sort(f.ratios.begin(), f.ratios.end());
  f.valid = true;
  // The fit's error, on the observations it was fitted to.
  size_t covered = 0;
  std::vector<double> errors;
  errors.reserve(points.size());
  for (const auto& [c, m] : points) {
    auto [p50, p95] = localRatios(f, std::log1p(c));
    double line = f.base + f.per_unit * c;
    covered += m <= line * p95;
    errors.push_back(std::abs(m / (line * p50) - 1));
  }
  f.coverage = static_cast<double>(covered) / static_cast<double>(points.size());
  auto mid = errors.begin() + static_cast<std::ptrdiff_t>(errors.size() / 2);
  std::nth_element(errors.begin(), mid, errors.end());
  f.median_error = *mid;
  return fit_ = std::move(f);
}

std::pair<double, double> LatencyCalibration::localRatios(const Fit& f, double log_cost) {
  // The kNeighbours observations nearest in log cost: a window around the
  // insertion point, slid towards the nearer side.
  const auto& r = f.ratios;
  size_t k = std::min(kNeighbours, r.size());
  auto at = std::lower_bound(r.begin(), r.end(), std::make_pair(log_cost, 0.0));
  size_t lo = static_cast<size_t>(at - r.begin()), hi = lo;
  while (hi - lo < k) {
    if (lo == 0) {
      ++hi;
    } else if (hi == r.size() || log_cost - r[lo - 1].first <= r[hi].first - log_cost) {
      --lo;
    } else {
      ++hi;
    }
  }
  std::vector<double> window;
  window.reserve(k);
  for (size_t i = lo; i < hi; ++i) window.push_back(r[i].second);
  std::sort(window.begin(), window.end());
  auto q = [&](double p) { return window[static_cast<size_t>(p * static_cast<double>(k - 1))]; };
  return {q(0.50), q(0.95)};
}

LatencyEstimate LatencyCalibration::estimate(double cost) const {
  cost = std::max(0.0, cost);
  std::lock_guard lock(mutex_);
  const Fit& f = fit();
  LatencyEstimate e;
  e.samples = f.samples;
  if (!f.valid) {
    e.base_ms = kDefaultBaseMs;
    e.ms_per_unit = kDefaultMsPerUnit;
    e.p50_ms = kDefaultBaseMs + kDefaultMsPerUnit * cost;
    e.p95_ms = 2 * e.p50_ms;
    return e;
  }
  e.calibrated = true;
  e.base_ms = f.base;
  e.ms_per_unit = f.per_unit;
  e.coverage = f.coverage;
  e.median_error = f.median_error;
  double line = f.base + f.per_unit * cost;
  auto [p50, p95] = localRatios(f, std::log1p(cost));
  e.p50_ms = line * p50;
  e.p95_ms = line * p95;
  return e;
}

}  // namespace maestro::engine
