// DriftScheduler — runs Blueprints::runCycle every `interval` on its own
// thread, from start() until stop() (or destruction). A failed cycle is
// logged and the next one runs on time. stop() wakes the thread and joins
// it; a cycle in progress finishes first. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace maestro::blueprint {

class Blueprints;

class DriftScheduler {
 public:
  DriftScheduler(Blueprints& blueprints, std::chrono::milliseconds interval);
  ~DriftScheduler();
  DriftScheduler(const DriftScheduler&) = delete;
  DriftScheduler& operator=(const DriftScheduler&) = delete;

  void start();
  void stop();
  // Cycles completed so far (for tests and /metrics).
  int64_t cycles() const;

 private:
  void run();

  Blueprints& blueprints_;
  std::chrono::milliseconds interval_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  int64_t cycles_ = 0;
  std::thread thread_;
};

}  // namespace maestro::blueprint
