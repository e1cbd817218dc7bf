// Regions: named places where datasets live, each with its own store.
//
// The set of regions comes from configuration (name → store URI) and does
// not change while the process runs. Stores are opened on first use and
// migrated by whoever registered migrations for regions. Thread-safe.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/store.h"

namespace maestro::tenancy {

struct RegionConfig {
  std::string name;
  std::string store_uri;
  std::string schema;  // PostgreSQL schema when several regions share a server
};

class Regions {
 public:
  // Throws Error::badInput on a bad region name or a duplicate.
  explicit Regions(std::vector<RegionConfig> regions);

  // Region names in order.
  std::vector<std::string> names() const;
  bool contains(const std::string& name) const { return configs_.count(name) > 0; }
  const RegionConfig& config(const std::string& name) const;
  // The region's store, opened (and migrated by `on_open`) on first use.
  // Throws Error::notFound for an unknown region.
  store::Store& store(const std::string& name);
  // Runs when a region's store is first opened (migrations).
  void onOpen(std::function<void(store::Store&)> hook) { on_open_ = std::move(hook); }
  // Pings every region's store; throws Error::unavailable naming the first
  // region that does not answer.
  void pingAll();

 private:
  std::map<std::string, RegionConfig> configs_;
  std::vector<std::string> order_;
  std::mutex mutex_;
  std::map<std::string, std::unique_ptr<store::Store>> stores_;
  std::function<void(store::Store&)> on_open_;
};

// Region and object names: 1–63 of [a-z0-9-], starting with a letter or digit.
bool isValidName(const std::string& name);

}  // namespace maestro::tenancy
