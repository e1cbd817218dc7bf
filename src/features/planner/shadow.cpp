#include "features/planner/shadow.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "common/crypto.h"
#include "common/encoding.h"

namespace maestro::planner {

std::string resultFingerprint(const Json& result) {
  std::vector<std::string> rows;
  if (auto it = result.find("rows"); it != result.end() && it->is_array()) {
    rows.reserve(it->size());
    for (const auto& row : *it) rows.push_back(hexEncode(crypto::sha256(row.dump())));
  }
  std::sort(rows.begin(), rows.end());
  std::string text = result.value("columns", Json::array()).dump();
  for (const auto& r : rows) text += "\n" + r;
  return hexEncode(crypto::sha256(text));
}

void LatencyWindow::add(double ms) {
  samples_.push_back(ms);
  if (samples_.size() > capacity_) samples_.pop_front();
}

std::optional<double> LatencyWindow::percentile(double p) const {
  if (samples_.empty()) return std::nullopt;
  std::vector<double> sorted(samples_.begin(), samples_.end());
  std::sort(sorted.begin(), sorted.end());
  size_t rank = static_cast<size_t>(std::ceil(p * static_cast<double>(sorted.size())));
  return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

}  // namespace maestro::planner
