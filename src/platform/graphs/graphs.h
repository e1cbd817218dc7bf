// Graphs — the engine Database of each dataset, opened on demand.
//
// A dataset's graph lives in its home region's store; the first request for
// it loads it into memory (engine::Database::open), later requests reuse
// it. Opening one dataset does not block requests for datasets already
// open. Thread-safe.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "engine/main/database.h"
#include "platform/tenancy/regions.h"
#include "platform/tenancy/tenancy.h"

namespace maestro::platform {

class Graphs {
 public:
  explicit Graphs(tenancy::Regions& regions) : regions_(regions) {}

  engine::Database& database(const tenancy::Dataset& dataset);
  // Forgets a loaded dataset (the next request loads it again).
  void evict(const std::string& dataset_id);

 private:
  struct Entry {
    std::once_flag once;
    std::unique_ptr<engine::Database> db;
  };
  tenancy::Regions& regions_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Entry>> entries_;
};

}  // namespace maestro::platform
