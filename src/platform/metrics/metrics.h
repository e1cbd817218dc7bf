// Process metrics in the Prometheus text exposition format (0.0.4).
//
// A thin facade over prometheus-cpp so that its headers stay inside
// metrics.cpp. Families are created on first use and live as long as the
// Registry; all methods are thread-safe. Label sets should be bounded
// (route names, status codes), never user input.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace maestro::metrics {

using Labels = std::map<std::string, std::string>;

class Registry {
 public:
  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  void increment(std::string_view name, std::string_view help, const Labels& labels,
                 double by = 1.0);
  void setGauge(std::string_view name, std::string_view help, const Labels& labels, double value);
  // `buckets` are upper bounds in ascending order; they are fixed by the
  // first call for a name.
  void observe(std::string_view name, std::string_view help, const Labels& labels, double value,
               const std::vector<double>& buckets);

  std::string serialize() const;

  // Latency buckets in seconds, 0.5 ms … 10 s.
  static const std::vector<double>& latencyBuckets();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace maestro::metrics
