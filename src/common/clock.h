// Injectable wall clock. Everything that reads the time for a decision
// (token expiry, audit timestamps, drift windows) takes a Clock so tests can
// move time by hand. Durations for metrics use std::chrono::steady_clock.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace maestro {

using TimePoint = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;

  int64_t nowMillis() const;   // milliseconds since the Unix epoch
  int64_t nowSeconds() const;  // seconds since the Unix epoch
};

// The real clock. Thread-safe.
class SystemClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::system_clock::now(); }
  static const SystemClock& instance();
};

// A clock that moves only when told to. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t unix_millis = 1'700'000'000'000) : millis_(unix_millis) {}
  TimePoint now() const override;
  void setMillis(int64_t unix_millis) { millis_.store(unix_millis); }
  void advance(std::chrono::milliseconds by) { millis_.fetch_add(by.count()); }

 private:
  std::atomic<int64_t> millis_;
};

// RFC 3339 in UTC with millisecond precision: 2026-11-28T09:54:13.123Z.
std::string formatRfc3339(int64_t unix_millis);

}  // namespace maestro
