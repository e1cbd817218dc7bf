// ConnectionPool — the bounded set of connections behind one Store.
//
// At most `max_size` connections exist at once, idle or leased. take() hands
// out an idle connection, or opens a new one while under the limit, or waits
// up to `wait` for one to come back and then throws Error::unavailable.
// Connections are opened outside the lock, since connecting can take a
// network round trip.
//
// Ownership: the pool owns its idle connections; a taken connection belongs
// to the caller until it is put back. Every taken connection must be put
// back (reusable or not) before the pool is destroyed. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/store.h"

namespace maestro::store::internal {

class ConnectionPool {
 public:
  using Opener = std::function<std::unique_ptr<Connection>()>;

  // `description` names the store in error messages (no password).
  ConnectionPool(int max_size, std::chrono::milliseconds wait, std::string description);
  // Aborts if a connection is still leased: its Lease would later give it
  // back to freed memory.
  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // An idle connection, or a new one from `open` (whose exceptions pass
  // through), or Error::unavailable after waiting `wait` for a free slot.
  std::unique_ptr<Connection> take(const Opener& open);

  // Returns `conn` to the idle set, or closes it and frees its slot when
  // `reusable` is false (broken connection, unknown state).
  void put(std::unique_ptr<Connection> conn, bool reusable) noexcept;

 private:
  const int max_size_;
  const std::chrono::milliseconds wait_;
  const std::string description_;
  std::mutex mutex_;
  std::condition_variable freed_;                  // a connection or a slot came free
  std::vector<std::unique_ptr<Connection>> idle_;  // guarded by mutex_
  int open_ = 0;                                   // idle + leased; guarded by mutex_
};

}  // namespace maestro::store::internal
