// StatsStore — planner statistics in the region store's `selectivity_hist`.
//
// One row per statistic: (dataset_id, tenant_id, attr, bucket, updated_at)
// with primary key (dataset_id, attr); `bucket` is the statistic as JSON
// text (GraphStatistics::toRows), `updated_at` epoch milliseconds. The
// seed's table is keyed (tenant_id, attr); the engine knows datasets, not
// tenants, so dataset_id joins the key and tenant_id is filled by whoever
// opens the dataset (the platform passes the dataset's tenant; the engine
// alone passes the dataset id). A save replaces every row of the dataset in
// one transaction, so a reader sees the old set or the new one.
// Stateless apart from the store reference; thread-safe.
#pragma once

#include <memory>
#include <string>

#include "engine/stats/statistics.h"
#include "store/store.h"

namespace maestro::engine::stats {

class StatsStore {
 public:
  explicit StatsStore(store::Store& store) : store_(store) {}

  void save(const std::string& dataset_id, const std::string& tenant_id,
            const GraphStatistics& stats);
  // nullptr when the dataset has none. Malformed rows: Error::badInput.
  std::shared_ptr<const GraphStatistics> load(const std::string& dataset_id);
  void clear(const std::string& dataset_id);

 private:
  store::Store& store_;
};

}  // namespace maestro::engine::stats
