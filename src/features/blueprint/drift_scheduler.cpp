#include "features/blueprint/drift_scheduler.h"

#include "common/error.h"
#include "common/log.h"
#include "features/blueprint/blueprints.h"

namespace maestro::blueprint {

DriftScheduler::DriftScheduler(Blueprints& blueprints, std::chrono::milliseconds interval)
    : blueprints_(blueprints), interval_(interval) {}

DriftScheduler::~DriftScheduler() { stop(); }

void DriftScheduler::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void DriftScheduler::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

int64_t DriftScheduler::cycles() const {
  std::lock_guard lock(mutex_);
  return cycles_;
}

void DriftScheduler::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    try {
      CycleStats s = blueprints_.runCycle();
      log::info("blueprint.drift.cycle", {{"tenants", s.tenants},
                                          {"drifted", s.drifted},
                                          {"opened", s.opened},
                                          {"resolved", s.resolved},
                                          {"fixed", s.fixed},
                                          {"elapsed_ms", s.elapsed_ms}});
    } catch (const std::exception& e) {
      log::error("blueprint.drift.cycle_failed", {{"problem", e.what()}});
    }
    lock.lock();
    ++cycles_;
    wake_.wait_for(lock, interval_, [this] { return stopping_; });
  }
}

}  // namespace maestro::blueprint
