// Private: what an engine handle shares with its connections.
#pragma once

#include <atomic>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "retort/engine/engine.hpp"
#include "retort/engine/result.hpp"

namespace retort::engine::detail {

struct engine_state {
  retort::engine::url location;
  std::shared_ptr<driver> backend;
  std::unique_ptr<retort::engine::pool> pool;
  logging::echo_mode echo{};
  std::shared_ptr<logging::sink> sink;  ///< never null
  bool hide_parameters = false;

  std::mutex listeners_mutex;
  std::vector<std::pair<std::uint64_t, statement_listener>> listeners;
  std::uint64_t next_listener = 1;
  std::atomic<bool> has_listeners{false};  ///< lets emit() skip the lock when nobody listens

  struct shape_hash {
    std::size_t operator()(const engine::statement_shape& s) const noexcept {
      auto h = std::hash<const void*>()(s.a) * 31 + std::hash<const void*>()(s.b);
      return h * 31 + static_cast<std::size_t>(s.variant);
    }
  };
  std::mutex texts_mutex;
  std::unordered_map<engine::statement_shape, std::string, shape_hash> texts;  ///< engine::cached_text

  std::atomic<bool> recording{false};  ///< engine_options::record_queries, engine::record_queries()
  mutable std::mutex records_mutex;
  std::vector<query_record> records;

  void emit(const statement_event& e);
  void record(const query_record& r) {
    std::lock_guard lock(records_mutex);
    records.push_back(r);
  }

  /// Whether echo logs at `l` and the sink keeps it: callers build a message only then.
  bool logs(logging::level l) const noexcept { return echo.logs(l) && sink->enabled(l); }
  void log(logging::level l, std::string_view message) const noexcept { sink->write(l, message); }
  /// At debug: a result's columns and rows, as SQLAlchemy's echo="debug" ("Col (...)", "Row (...)").
  void log_rows(const result& r) const;
};

}  // namespace retort::engine::detail
