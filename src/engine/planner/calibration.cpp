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
  std::pair<double, double> point{std::log1p(cost), std::log(ms)};
  std::lock_guard lock(mutex_);
  if (points_.size() < kWindow) {
    points_.push_back(point);
  } else {
    points_[next_] = point;
  }
  next_ = (next_ + 1) % kWindow;
  ++recorded_;
}

size_t LatencyCalibration::samples() const {
  std::lock_guard lock(mutex_);
  return points_.size();
}

LatencyCalibration::Fit LatencyCalibration::fit() const {
  // Refit once the window has moved on by an eighth (or was never fitted).
  uint64_t refit_after = std::max<uint64_t>(1, std::min<uint64_t>(points_.size(), kWindow) / 8);
  if (fit_.samples > 0 && recorded_ - fitted_at_ < refit_after) return fit_;
  Fit f;
  f.samples = points_.size();
  fitted_at_ = recorded_;
  if (points_.size() < kMinSamples) return fit_ = f;
  double n = static_cast<double>(points_.size()), sx = 0, sy = 0;
  for (const auto& [x, y] : points_) sx += x, sy += y;
  double mx = sx / n, my = sy / n, sxx = 0, sxy = 0;
  for (const auto& [x, y] : points_) sxx += (x - mx) * (x - mx), sxy += (x - mx) * (y - my);
  if (sxx < 1e-9) return fit_ = f;  // one cost only: no slope to learn
  // Latency never falls as work grows: a negative slope is noise.
  f.slope = std::max(0.0, sxy / sxx);
  f.intercept = my - f.slope * mx;
  std::vector<double> residuals;
  residuals.reserve(points_.size());
  for (const auto& [x, y] : points_) residuals.push_back(y - (f.intercept + f.slope * x));
  std::vector<double> sorted = residuals;
  auto p95 = sorted.begin() + static_cast<std::ptrdiff_t>(0.95 * (n - 1));
  std::nth_element(sorted.begin(), p95, sorted.end());
  f.residual_p95 = std::max(0.0, *p95);
  size_t covered = 0;
  std::vector<double> errors;
  errors.reserve(residuals.size());
  for (double r : residuals) {
    covered += r <= f.residual_p95 + 1e-12;
    errors.push_back(std::abs(std::exp(r) - 1));
  }
  f.coverage = static_cast<double>(covered) / n;
  auto mid = errors.begin() + static_cast<std::ptrdiff_t>(errors.size() / 2);
  std::nth_element(errors.begin(), mid, errors.end());
  f.median_error = *mid;
  f.valid = true;
  return fit_ = f;
}

LatencyEstimate LatencyCalibration::estimate(double cost) const {
  cost = std::max(0.0, cost);
  std::lock_guard lock(mutex_);
  Fit f = fit();
  LatencyEstimate e;
  e.samples = f.samples;
  if (!f.valid) {
    e.p50_ms = kDefaultBaseMs + kDefaultMsPerUnit * cost;
    e.p95_ms = 2 * e.p50_ms;
    return e;
  }
  e.calibrated = true;
  e.slope = f.slope;
  e.intercept = f.intercept;
  e.coverage = f.coverage;
  e.median_error = f.median_error;
  double log_ms = f.intercept + f.slope * std::log1p(cost);
  e.p50_ms = std::exp(log_ms);
  e.p95_ms = std::exp(log_ms + f.residual_p95);
  return e;
}

}  // namespace maestro::engine
