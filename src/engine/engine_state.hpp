// Private: what an engine handle shares with its connections.
#pragma once

#include <atomic>
#include <mutex>
#include <vector>

#include "retort/engine/engine.hpp"

namespace retort::engine::detail {

struct engine_state {
  retort::engine::url location;
  std::shared_ptr<driver> backend;
  std::unique_ptr<retort::engine::pool> pool;
  bool echo = false;

  std::mutex listeners_mutex;
  std::vector<std::pair<std::uint64_t, statement_listener>> listeners;
  std::uint64_t next_listener = 1;
  std::atomic<bool> has_listeners{false};  ///< lets emit() skip the lock when nobody listens

  void emit(const statement_event& e);
};

}  // namespace retort::engine::detail
