#include "store/connection_pool.h"

#include <cstdio>
#include <cstdlib>

#include "common/error.h"

namespace maestro::store::internal {

ConnectionPool::ConnectionPool(int max_size, std::chrono::milliseconds wait,
                               std::string description)
    : max_size_(max_size), wait_(wait), description_(std::move(description)) {
  // Reserved up front so that put() never allocates and can be noexcept.
  idle_.reserve(static_cast<size_t>(max_size_));
}

ConnectionPool::~ConnectionPool() {
  if (open_ != static_cast<int>(idle_.size())) {
    // A programming error that would otherwise corrupt memory later, far
    // from its cause: stop here and say what happened.
    std::fprintf(stderr,
                 "maestro: store %s destroyed while %d connection(s) are still leased; every "
                 "Lease must end before its Store\n",
                 description_.c_str(), open_ - static_cast<int>(idle_.size()));
    std::abort();
  }
}

std::unique_ptr<Connection> ConnectionPool::take(const Opener& open) {
  {
    std::unique_lock lock(mutex_);
    const auto deadline = std::chrono::steady_clock::now() + wait_;
    for (;;) {
      if (!idle_.empty()) {
        // Most recently used first: its caches are warm.
        auto conn = std::move(idle_.back());
        idle_.pop_back();
        return conn;
      }
      if (open_ < max_size_) {
        ++open_;  // reserve the slot, then connect without holding the lock
        break;
      }
      if (freed_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
          open_ >= max_size_) {
        throw Error::unavailable("store " + description_ + ": no free connection within " +
                                 std::to_string(wait_.count()) + " ms (pool of " +
                                 std::to_string(max_size_) + ")");
      }
    }
  }
  try {
    return open();
  } catch (...) {
    {
      std::lock_guard lock(mutex_);
      --open_;
    }
    freed_.notify_one();
    throw;
  }
}

void ConnectionPool::put(std::unique_ptr<Connection> conn, bool reusable) noexcept {
  if (!conn) return;
  if (!reusable) {
    conn.reset();  // close outside the lock: it may talk to the server
    std::lock_guard lock(mutex_);
    --open_;
  } else {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(conn));  // capacity reserved: cannot throw
  }
  freed_.notify_one();
}

}  // namespace maestro::store::internal
