// The engine: a URL's driver and dialect, a connection pool, and statement
// events (echo logging, statement recorders in tests). SQLAlchemy's
// create_engine(); cheap to copy (a shared handle).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "retort/engine/driver.hpp"
#include "retort/engine/log.hpp"
#include "retort/engine/pool.hpp"
#include "retort/engine/query_record.hpp"
#include "retort/engine/url.hpp"
#include "retort/util/function_ref.hpp"

namespace retort::engine {

class connection;

/// What a listener sees before each statement runs.
struct statement_event {
  std::string_view sql;
  std::span<const sql::value> params;  ///< first parameter row when `batch` > 1
  std::size_t batch = 1;               ///< parameter rows of an executemany
  bool control = false;                ///< transaction control (BEGIN, COMMIT, SAVEPOINT, ...)
};

using statement_listener = std::function<void(const statement_event&)>;

struct engine_options {
  /// SQLAlchemy's `echo`: `true` logs every statement with its parameters
  /// (level info), `"debug"` also each result's columns and rows. The URL's
  /// `?echo=true|debug` turns it on too.
  logging::echo_mode echo{};
  std::optional<pool_options> pool{};  ///< defaults per driver (see driver::tune_pool)
  /// Where echo goes; null is logging::stderr_sink() ("[retort] ..." lines on std::clog).
  std::shared_ptr<logging::sink> sink{};
  /// SQLAlchemy's `hide_parameters`: logs show statements without their values.
  bool hide_parameters = false;
  /// Flask-SQLAlchemy's SQLALCHEMY_RECORD_QUERIES: keep a query_record of every
  /// statement (recorded_queries(engine)); engine::record_queries() switches it later.
  bool record_queries = false;
};

namespace detail {
struct engine_state;
}

class engine {
 public:
  /// Opens nothing yet: connections are made on first checkout. Raises
  /// ArgumentError for a malformed URL or an unknown scheme.
  explicit engine(std::string_view url, engine_options options = {});

  /// A pooled connection; returned to the pool when the connection object dies.
  connection connect();
  const sql::dialect& dialect() const;
  const retort::engine::url& url() const;
  retort::engine::pool& pool();

  /// Calls `l` before every statement on every connection of this engine.
  std::uint64_t listen(statement_listener l);
  void unlisten(std::uint64_t id);
  /// Closes idle pooled connections.
  void dispose();

  /// Starts or stops keeping a query_record of every statement on this engine's
  /// connections (and in the record of every session on it).
  void record_queries(bool on) noexcept;
  bool records_queries() const noexcept;
  /// The records kept so far, oldest first (a copy). They accumulate until
  /// clear_recorded_queries(): a long-running program recording queries clears them.
  std::vector<query_record> recorded_queries() const;
  void clear_recorded_queries();

  /// What this engine logs, and where.
  logging::echo_mode echo() const noexcept;
  const std::shared_ptr<logging::sink>& sink() const noexcept;

  const std::shared_ptr<detail::engine_state>& state() const noexcept { return state_; }

  /// SQL text the ORM compiles once per engine and reuses in every session on
  /// it (a get's or a lazy load's SELECT): the text stored under `shape` (the
  /// addresses of the mapper and column set it is made from, and a variant
  /// number), built by `compile` the first time. Thread-safe; the reference
  /// stays valid while the engine lives.
  struct statement_shape {
    const void* a = nullptr;
    const void* b = nullptr;
    int variant = 0;
    bool operator==(const statement_shape&) const = default;
  };
  const std::string& cached_text(const statement_shape& shape, util::function_ref<std::string()> compile);

 private:
  std::shared_ptr<detail::engine_state> state_;
};

}  // namespace retort::engine

namespace retort {
/// Flask-SQLAlchemy's get_recorded_queries(): the statements `e` has recorded
/// (with engine_options::record_queries or engine::record_queries(true)).
inline std::vector<engine::query_record> recorded_queries(const engine::engine& e) { return e.recorded_queries(); }
}  // namespace retort
