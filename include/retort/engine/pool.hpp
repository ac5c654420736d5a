// The connection pool (SQLAlchemy's QueuePool): keeps `size` idle connections,
// allows `max_overflow` more under load, waits up to `timeout` for one to be
// returned, and replaces dead connections found by a liveness check. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>

#include "retort/engine/driver.hpp"

namespace retort::engine {

class pool {
 public:
  using factory = std::function<std::unique_ptr<driver_connection>()>;

  pool(factory make, pool_options options, std::string description);
  ~pool();
  pool(const pool&) = delete;
  pool& operator=(const pool&) = delete;

  /// A live connection; raises TimeoutError after `timeout` when all are busy.
  std::unique_ptr<driver_connection> checkout();
  /// Returns a connection; broken ones, and ones beyond `size`, are closed.
  void checkin(std::unique_ptr<driver_connection> conn);
  /// Closes every idle connection (connections in use are closed on return).
  void dispose();

  std::size_t checked_out() const;
  std::size_t idle() const;
  const pool_options& options() const noexcept { return options_; }

 private:
  factory make_;
  pool_options options_;
  std::string description_;
  mutable std::mutex mutex_;
  std::condition_variable returned_;
  struct idle_connection {
    std::unique_ptr<driver_connection> conn;
    std::chrono::steady_clock::time_point returned;  ///< when it was checked in (it answered its last statement)
  };
  std::deque<idle_connection> idle_;
  std::size_t out_ = 0;
};

}  // namespace retort::engine
