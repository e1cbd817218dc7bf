#include "platform/metrics/metrics.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <algorithm>
#include <mutex>
#include <shared_mutex>
#include <stdexcept>
#include <variant>

#include "common/error.h"

namespace maestro::metrics {
namespace {

// One metric family plus a cache of its children by label set. The cache
// matters because prometheus::Family::Add constructs a fresh metric (for a
// histogram: its bucket vectors) on every call, even when the label set
// already exists; the hot path (two metrics per HTTP request) should only
// look up.
template <typename T>
struct FamilyEntry {
  prometheus::Family<T>* family = nullptr;
  std::map<Labels, T*> children;
};

struct HistogramEntry : FamilyEntry<prometheus::Histogram> {
  std::vector<double> buckets;  // fixed by the first observe()
};

using Entry =
    std::variant<FamilyEntry<prometheus::Counter>, FamilyEntry<prometheus::Gauge>, HistogramEntry>;

template <typename E>
constexpr std::string_view kindName() {
  if constexpr (std::is_same_v<E, FamilyEntry<prometheus::Counter>>) {
    return "counter";
  } else if constexpr (std::is_same_v<E, FamilyEntry<prometheus::Gauge>>) {
    return "gauge";
  } else {
    return "histogram";
  }
}

std::string_view kindOf(const Entry& entry) {
  return std::visit([](const auto& e) { return kindName<std::decay_t<decltype(e)>>(); }, entry);
}

}  // namespace

struct Registry::Impl {
  prometheus::Registry registry;
  // Guards `families` and every entry's `children`. Shared for the common
  // case (family and label set already exist), exclusive to create.
  mutable std::shared_mutex mutex;
  std::map<std::string, Entry, std::less<>> families;

  // Finds the child metric for (name, labels), creating the family and the
  // child as needed. `create_family` builds the family entry on first use.
  // prometheus-cpp reports bad names and label names with
  // std::invalid_argument; those are programming errors, reported as
  // Error::internal naming the metric.
  template <typename E, typename CreateFamily, typename CreateChild>
  auto* child(std::string_view name, const Labels& labels, CreateFamily create_family,
              CreateChild create_child) {
    {
      std::shared_lock lock(mutex);
      auto it = families.find(name);
      if (it != families.end()) {
        auto& entry = entryAs<E>(name, it->second);
        auto child = entry.children.find(labels);
        if (child != entry.children.end()) return child->second;
      }
    }
    std::unique_lock lock(mutex);
    try {
      auto it = families.find(name);
      if (it == families.end()) {
        it = families.emplace(std::string(name), create_family()).first;
      }
      auto& entry = entryAs<E>(name, it->second);
      auto found = entry.children.find(labels);
      if (found != entry.children.end()) return found->second;
      auto* metric = &create_child(entry);
      entry.children.emplace(labels, metric);
      return metric;
    } catch (const std::invalid_argument& e) {
      throw Error::internal("metric " + std::string(name) + ": " + e.what());
    }
  }

  template <typename E>
  static E& entryAs(std::string_view name, Entry& entry) {
    if (auto* e = std::get_if<E>(&entry)) return *e;
    throw Error::internal("metric " + std::string(name) + " is a " + std::string(kindOf(entry)) +
                          ", not a " + std::string(kindName<E>()));
  }
};

Registry::Registry() : impl_(std::make_unique<Impl>()) {}
Registry::~Registry() = default;

void Registry::increment(std::string_view name, std::string_view help, const Labels& labels,
                         double by) {
  using E = FamilyEntry<prometheus::Counter>;
  auto* counter = impl_->child<E>(
      name, labels,
      [&] {
        return Entry(E{&prometheus::BuildCounter()
                            .Name(std::string(name))
                            .Help(std::string(help))
                            .Register(impl_->registry),
                       {}});
      },
      [&](E& entry) -> prometheus::Counter& { return entry.family->Add(labels); });
  counter->Increment(by);
}

void Registry::setGauge(std::string_view name, std::string_view help, const Labels& labels,
                        double value) {
  using E = FamilyEntry<prometheus::Gauge>;
  auto* gauge = impl_->child<E>(
      name, labels,
      [&] {
        return Entry(E{&prometheus::BuildGauge()
                            .Name(std::string(name))
                            .Help(std::string(help))
                            .Register(impl_->registry),
                       {}});
      },
      [&](E& entry) -> prometheus::Gauge& { return entry.family->Add(labels); });
  gauge->Set(value);
}

void Registry::observe(std::string_view name, std::string_view help, const Labels& labels,
                       double value, const std::vector<double>& buckets) {
  auto* histogram = impl_->child<HistogramEntry>(
      name, labels,
      [&] {
        // Checked here, before the family exists, so that a bad first call
        // does not leave a family behind that every later call would hit.
        for (size_t i = 1; i < buckets.size(); ++i) {
          if (!(buckets[i - 1] < buckets[i])) {
            throw Error::internal("metric " + std::string(name) +
                                  ": buckets must be strictly ascending");
          }
        }
        HistogramEntry entry;
        entry.family = &prometheus::BuildHistogram()
                            .Name(std::string(name))
                            .Help(std::string(help))
                            .Register(impl_->registry);
        entry.buckets = buckets;
        return Entry(std::move(entry));
      },
      [&](HistogramEntry& entry) -> prometheus::Histogram& {
        return entry.family->Add(labels, entry.buckets);
      });
  histogram->Observe(value);
}

std::string Registry::serialize() const {
  auto families = impl_->registry.Collect();
  // prometheus-cpp keeps a family's children in a hash map; sorting by label
  // set makes the output stable, so that it diffs and tests cleanly.
  for (auto& family : families) {
    std::sort(family.metric.begin(), family.metric.end(),
              [](const auto& a, const auto& b) { return a.label < b.label; });
  }
  return prometheus::TextSerializer().Serialize(families);
}

const std::vector<double>& Registry::latencyBuckets() {
  static const std::vector<double> buckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                              0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  return buckets;
}

}  // namespace maestro::metrics
