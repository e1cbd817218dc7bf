#include "platform/tenancy/regions.h"

#include "common/error.h"

namespace maestro::tenancy {

bool isValidName(const std::string& name) {
  if (name.empty() || name.size() > 63) return false;
  if (name.front() == '-') return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

Regions::Regions(std::vector<RegionConfig> regions) {
  if (regions.empty()) throw Error::badInput("regions: at least one region is required", "regions");
  for (auto& r : regions) {
    if (!isValidName(r.name)) {
      throw Error::badInput("regions." + r.name +
                                ": a region name is 1-63 characters of a-z, 0-9 and '-'",
                            "regions");
    }
    if (configs_.count(r.name)) {
      throw Error::badInput("regions." + r.name + ": defined twice", "regions");
    }
    order_.push_back(r.name);
    configs_.emplace(r.name, std::move(r));
  }
}

std::vector<std::string> Regions::names() const { return order_; }

const RegionConfig& Regions::config(const std::string& name) const {
  auto it = configs_.find(name);
  if (it == configs_.end()) throw Error::notFound("unknown region '" + name + "'");
  return it->second;
}

store::Store& Regions::store(const std::string& name) {
  const RegionConfig& cfg = config(name);
  std::lock_guard lock(mutex_);
  auto it = stores_.find(name);
  if (it != stores_.end()) return *it->second;
  store::OpenOptions options;
  options.schema = cfg.schema;
  auto opened = store::Store::open(cfg.store_uri, options);
  if (on_open_) on_open_(*opened);
  return *stores_.emplace(name, std::move(opened)).first->second;
}

void Regions::pingAll() {
  for (const auto& name : order_) {
    try {
      store(name).ping();
    } catch (const Error& e) {
      throw Error::unavailable("region " + name + ": " + e.message());
    }
  }
}

}  // namespace maestro::tenancy
