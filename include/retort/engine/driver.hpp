// The interface a database implements: a driver opens connections and knows
// its dialect; a connection prepares statements. Backends register a driver
// under their URL scheme; the engine finds it there and never names one.
#pragma once

#include <chrono>
#include <functional>
#include <list>
#include <memory>
#include <span>
#include <vector>
#include <string>
#include <string_view>
#include <unordered_map>

#include "retort/engine/result.hpp"
#include "retort/engine/url.hpp"
#include "retort/sql/dialect.hpp"

namespace retort::engine {

/// A statement prepared on one connection; executed many times with new parameters.
class driver_statement {
 public:
  virtual ~driver_statement() = default;
  /// Runs the statement. Raises a DatabaseError subclass on failure.
  virtual result execute(std::span<const sql::value> params) = 0;
  /// Runs it once per row of parameters, in order, and stops at the first
  /// failure, raised as execute raises it. The default executes row by row; a
  /// driver may send the rows together (PostgreSQL pipelines them inside a
  /// transaction, where the outcome is the same).
  virtual std::vector<result> execute_many(std::span<const std::vector<sql::value>> rows);
};

/// The rows of one statement, read in batches (stream_results, yield_per):
/// SQLite steps its statement, PostgreSQL FETCHes from a server-side cursor.
/// Closed when destroyed.
class driver_cursor {
 public:
  virtual ~driver_cursor() = default;
  /// The next at most `n` rows (n >= 1); a result without rows once they are all read.
  virtual result fetch(std::size_t n) = 0;
  /// The connection is no longer this cursor's (it went back to the pool): the
  /// destructor then frees client memory only and sends nothing.
  virtual void abandon() noexcept {}
};

/// Raises ArgumentError when `sql` holds a NUL byte: drivers read statement
/// text as a C string, so the rest would be dropped silently. Run once per
/// text, where it is prepared (the statement cache) or executed directly.
void check_statement_text(const std::string& sql);

/// One open database connection.
class driver_connection {
 public:
  virtual ~driver_connection() = default;
  virtual std::unique_ptr<driver_statement> prepare(const std::string& sql) = 0;
  /// Runs SQL without parameters (transaction control, DDL).
  virtual void execute_direct(const std::string& sql) = 0;
  /// Opens a cursor over a SELECT with `params`; the rows are read by fetch().
  virtual std::unique_ptr<driver_cursor> open_cursor(const std::string& sql, std::span<const sql::value> params) = 0;
  /// A cheap round trip; false when the connection is dead, or has not
  /// answered within `timeout` (a server that went silent counts as dead).
  virtual bool ping(std::chrono::milliseconds timeout) = 0;
  /// True once the driver has seen the connection fail; the pool then discards it.
  virtual bool broken() const = 0;
  /// True when an idle connection has something unread on its socket: a
  /// server's goodbye (a terminated backend's FATAL, a closed socket) arrives
  /// so. Costs no round trip; the pool then pings even inside its bypass window.
  virtual bool input_pending() const { return false; }

  /// The prepared statement for `sql`, prepared on first use and kept; past
  /// `cache_limit` statements the least recently used one is dropped.
  driver_statement& cached(const std::string& sql);
  std::size_t cache_size() const noexcept { return cache_.size(); }
  /// Statements prepared on this connection so far (cache misses).
  std::size_t prepare_count() const noexcept { return prepares_; }
  void clear_cache() {
    cache_.clear();
    recent_.clear();
  }
  static constexpr std::size_t cache_limit = 512;

 private:
  struct cache_entry {
    std::unique_ptr<driver_statement> statement;
    std::list<const std::string*>::iterator use;  ///< its place in recent_
  };
  std::unordered_map<std::string, cache_entry> cache_;
  std::list<const std::string*> recent_;  ///< keys of cache_, most recently used first
  std::size_t prepares_ = 0;
};

/// Pool sizing and behaviour.
struct pool_options {
  std::size_t size = 5;          ///< connections kept open when idle
  std::size_t max_overflow = 10; ///< extra connections allowed beyond `size` under load
  std::chrono::milliseconds timeout{30000};  ///< how long checkout waits for a free connection
  bool pre_ping = true;          ///< check liveness on checkout and replace dead connections
  std::chrono::milliseconds pre_ping_timeout{5000};  ///< a pre-ping not answered by then means dead
  /// A connection checked in less than this long ago is handed out unpinged
  /// unless its socket has input waiting (a server that closed it has said so):
  /// it answered its last statement just now (HikariCP's aliveBypassWindowMs,
  /// 500 ms). Zero pings every checkout, as SQLAlchemy's pool_pre_ping does.
  std::chrono::milliseconds pre_ping_skip_within{500};
};

/// URL query options the engine reads itself (`echo`); drivers accept and skip them.
bool is_engine_option(std::string_view key);

/// A database backend: its dialect and how to connect.
class driver {
 public:
  virtual ~driver() = default;
  virtual const sql::dialect& dialect() const = 0;
  /// Checks a URL when an engine is created, before anything connects: raises
  /// ArgumentError naming an unknown query option (and listing the accepted
  /// ones), an invalid option value, or parts of the URL that contradict each other.
  virtual void validate(const url& u) const = 0;
  /// Opens a connection to a URL that validate() accepted.
  virtual std::unique_ptr<driver_connection> connect(const url& u) = 0;
  /// Adjusts pool options for a URL (an in-memory SQLite database is one shared connection).
  virtual void tune_pool(const url& u, pool_options& options) const;
};

using driver_factory = std::function<std::shared_ptr<driver>()>;

/// Makes `factory` the driver for URLs whose backend is `scheme`.
void register_driver(const std::string& scheme, driver_factory factory);
/// The driver for `scheme`; raises ArgumentError listing the known schemes if none.
std::shared_ptr<driver> find_driver(const std::string& scheme);

}  // namespace retort::engine
