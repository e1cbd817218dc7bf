#include "platform/graphs/graphs.h"

namespace maestro::platform {

engine::Database& Graphs::database(const tenancy::Dataset& dataset) {
  std::shared_ptr<Entry> entry;
  {
    std::lock_guard lock(mutex_);
    auto& slot = entries_[dataset.id];
    if (!slot) slot = std::make_shared<Entry>();
    entry = slot;
  }
  // Loading happens outside the map's lock; a failed load leaves the flag
  // unset, so the next request tries again.
  std::call_once(entry->once, [&] {
    // The engine keys statistics by dataset; the tenant is recorded beside
    // them (selectivity_hist.tenant_id), as the seed's table has it.
    engine::DatabaseOptions options;
    options.statistics_owner = dataset.tenant_id;
    entry->db = engine::Database::open(regions_.store(dataset.home_region), dataset.id, options);
  });
  return *entry->db;
}

void Graphs::evict(const std::string& dataset_id) {
  std::lock_guard lock(mutex_);
  entries_.erase(dataset_id);
}

}  // namespace maestro::platform
