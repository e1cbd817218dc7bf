#include "engine/stats/stats_store.h"

namespace maestro::engine::stats {

void StatsStore::save(const std::string& dataset_id, const std::string& tenant_id,
                      const GraphStatistics& stats) {
  auto lease = store_.acquire();
  store::Transaction tx(*lease, store::TxMode::kWrite);
  tx->execute("DELETE FROM selectivity_hist WHERE dataset_id = $1", {dataset_id});
  for (const auto& [attr, bucket] : stats.toRows()) {
    tx->execute(
        "INSERT INTO selectivity_hist (dataset_id, tenant_id, attr, bucket, updated_at) "
        "VALUES ($1, $2, $3, $4, $5)",
        {dataset_id, tenant_id, attr, bucket.dump(), stats.computed_at_ms});
  }
  tx.commit();
}

std::shared_ptr<const GraphStatistics> StatsStore::load(const std::string& dataset_id) {
  auto lease = store_.acquire();
  std::vector<std::pair<std::string, Json>> rows;
  for (const auto& row : lease->queryAll(
           "SELECT attr, bucket FROM selectivity_hist WHERE dataset_id = $1", {dataset_id})) {
    rows.emplace_back(row.text(0), parseJson(row.text(1), "selectivity_hist.bucket"));
  }
  bool has_meta = false;
  for (const auto& r : rows) has_meta = has_meta || r.first == "meta";
  if (!has_meta) return nullptr;
  return std::make_shared<const GraphStatistics>(GraphStatistics::fromRows(rows));
}

void StatsStore::clear(const std::string& dataset_id) {
  auto lease = store_.acquire();
  lease->execute("DELETE FROM selectivity_hist WHERE dataset_id = $1", {dataset_id});
}

}  // namespace maestro::engine::stats
