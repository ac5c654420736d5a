// Pool bookkeeping. Connections are made and pinged outside the lock so a slow
// server never blocks other threads' checkins.
#include "retort/engine/pool.hpp"

#include "retort/util/error.hpp"

namespace retort::engine {

pool::pool(factory make, pool_options options, std::string description)
    : make_(std::move(make)), options_(options), description_(std::move(description)) {}

pool::~pool() = default;

std::unique_ptr<driver_connection> pool::checkout() {
  std::unique_ptr<driver_connection> conn;
  std::chrono::steady_clock::time_point returned{};
  {
    std::unique_lock lock(mutex_);
    auto limit = options_.size + options_.max_overflow;
    auto can_go = [&] { return !idle_.empty() || out_ < limit; };
    if (!returned_.wait_for(lock, options_.timeout, can_go))
      throw TimeoutError("pool for " + description_ + " exhausted: " + std::to_string(out_) +
                         " connections checked out (size " + std::to_string(options_.size) + ", overflow " +
                         std::to_string(options_.max_overflow) + "), waited " +
                         std::to_string(options_.timeout.count()) + " ms");
    ++out_;
    if (!idle_.empty()) {
      conn = std::move(idle_.front().conn);
      returned = idle_.front().returned;
      idle_.pop_front();
    }
  }
  try {
    bool ping = options_.pre_ping && conn &&
                (std::chrono::steady_clock::now() - returned >= options_.pre_ping_skip_within || conn->input_pending());
    if (conn && (conn->broken() || (ping && !conn->ping(options_.pre_ping_timeout)))) conn.reset();  // dead: replace it
    if (!conn) conn = make_();
  } catch (...) {
    std::lock_guard lock(mutex_);
    --out_;
    returned_.notify_one();
    throw;
  }
  return conn;
}

void pool::checkin(std::unique_ptr<driver_connection> conn) {
  std::unique_ptr<driver_connection> discard;
  {
    std::lock_guard lock(mutex_);
    --out_;
    if (conn && !conn->broken() && idle_.size() < options_.size)
      idle_.push_back({std::move(conn), std::chrono::steady_clock::now()});
    else
      discard = std::move(conn);
  }
  returned_.notify_one();
}

void pool::dispose() {
  std::deque<idle_connection> closing;
  {
    std::lock_guard lock(mutex_);
    closing.swap(idle_);
  }
}

std::size_t pool::checked_out() const {
  std::lock_guard lock(mutex_);
  return out_;
}

std::size_t pool::idle() const {
  std::lock_guard lock(mutex_);
  return idle_.size();
}

}  // namespace retort::engine
