// A pooled connection with transactions and savepoints. Every statement goes
// through here, so every statement is seen by the engine's listeners and runs
// on a cached prepared statement.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "retort/engine/engine.hpp"
#include "retort/sql/compiler.hpp"
#include "retort/sql/text.hpp"

namespace retort::engine {

class connection;

/// A transaction or savepoint; rolled back on destruction unless committed.
/// It may outlive its connection object: commit() then raises
/// InvalidRequestError and rollback() does nothing (closing the connection
/// already rolled back).
class transaction {
 public:
  transaction(transaction&& o) noexcept;
  transaction& operator=(transaction&&) = delete;
  ~transaction();
  void commit();
  void rollback();
  bool is_active() const noexcept { return active_; }
  bool is_nested() const noexcept { return !savepoint_.empty(); }
  /// Forgets the transaction without SQL (its connection has already ended it).
  void dismiss() noexcept { active_ = false; }

 private:
  friend class connection;
  transaction(std::weak_ptr<connection*> c, std::string savepoint)
      : conn_(std::move(c)), savepoint_(std::move(savepoint)) {}
  /// The connection object, or null when it is gone (then, with `action`, InvalidRequestError).
  connection* owner(const char* action) const;
  std::weak_ptr<connection*> conn_;
  std::string savepoint_;
  bool active_ = true;
};

/// The rows of one SELECT read in batches (SQLAlchemy's `stream_results`):
/// from connection::stream. Memory holds one batch at a time. It must be read
/// before its connection is closed; fetch() after that raises InvalidRequestError.
class cursor {
 public:
  cursor(cursor&&) noexcept = default;
  cursor& operator=(cursor&&) noexcept = default;
  ~cursor();
  /// The next at most `n` rows (n >= 1); a result without rows once they are all read.
  result fetch(std::size_t n);
  /// Whether every row has been read.
  bool exhausted() const noexcept { return done_; }

 private:
  friend class connection;
  cursor(std::unique_ptr<driver_cursor> c, std::weak_ptr<int> lease, std::string sql)
      : impl_(std::move(c)), lease_(std::move(lease)), sql_(std::move(sql)) {}
  std::unique_ptr<driver_cursor> impl_;
  std::weak_ptr<int> lease_;  ///< expires when the connection goes back to the pool
  std::string sql_;
  bool done_ = false;
};

class connection {
 public:
  connection(std::shared_ptr<detail::engine_state> engine, std::unique_ptr<driver_connection> conn);
  connection(connection&& o) noexcept;
  connection& operator=(connection&& o) noexcept;
  ~connection();

  result execute(const sql::compiled& c);
  result execute(const std::string& sql, std::span<const sql::value> params = {});
  result execute(const sql::select& s) { return execute(sql::compile(s, dialect())); }
  result execute(const sql::insert& s) { return execute(sql::compile(s, dialect())); }
  result execute(const sql::update& s) { return execute(sql::compile(s, dialect())); }
  result execute(const sql::delete_& s) { return execute(sql::compile(s, dialect())); }
  /// A text() with its named values (SQLAlchemy's `conn.execute(text(...), {...})`).
  result execute(const sql::text& t) { return execute(t.compile(dialect())); }
  /// The rows of a SELECT in batches (`execution_options(stream_results=True)`, `yield_per`):
  /// recorded and echoed once, as one statement. SQLite steps the statement;
  /// PostgreSQL reads a server-side cursor (DECLARE / FETCH), so other
  /// statements may run on this connection between batches.
  cursor stream(const sql::compiled& c);
  cursor stream(const sql::select& s) { return stream(sql::compile(s, dialect())); }
  cursor stream(const sql::text& t) { return stream(t.compile(dialect())); }
  /// One prepared statement run once per parameter row (DB-API's executemany); one event.
  std::vector<result> execute_many(const std::string& sql, const std::vector<std::vector<sql::value>>& rows);
  /// DDL and other parameterless SQL.
  void execute_ddl(const std::string& sql);

  /// BEGIN; the transaction rolls back when destroyed uncommitted.
  transaction begin();
  /// SAVEPOINT inside the current transaction (starting one if needed).
  transaction begin_nested();
  bool in_transaction() const noexcept { return in_transaction_; }
  /// BEGIN without a transaction object; end it with commit() or rollback() (the ORM session does).
  /// Where the dialect defers BEGIN (SQLite, as pysqlite does), it is sent before the first
  /// statement that is not a SELECT; a transaction that only read sends neither BEGIN nor COMMIT.
  void begin_unmanaged();
  /// Ends the current transaction without a transaction object (used by the ORM session).
  /// A COMMIT the database refuses (busy, serialization failure, deferred
  /// constraint, lost server) is rolled back before the error propagates: the
  /// connection is out of its transaction either way, and one that cannot be
  /// rolled back is discarded at close().
  void commit();
  void rollback();

  const sql::dialect& dialect() const;
  /// The driver saw the connection fail: nothing more can run on it.
  bool invalidated() const;
  /// Rolls back any open transaction and returns the connection to its pool.
  void close();
  bool closed() const noexcept { return conn_ == nullptr; }
  /// Statements this connection has prepared so far; a statement run again
  /// with other parameters comes from its cache and adds nothing.
  std::size_t prepare_count() const;
  /// Also appends a query_record of each statement to `log` (null: no longer)
  /// while the engine records, or always with `always`: a session's own record.
  /// `log` must outlive the connection or be reset first.
  void record_into(std::vector<query_record>* log, bool always) noexcept {
    log_ = log;
    log_always_ = always;
  }

 private:
  friend class transaction;
  void control(const std::string& sql);
  /// BEGIN now, or (dialect::defers_begin) before the first statement that is not a SELECT.
  void start_transaction();
  void send_pending_begin();
  driver_connection& live();
  void release_savepoint(const std::string& name);
  void abandon_transaction() noexcept;
  void rollback_savepoint(const std::string& name);
  /// Whether this statement is recorded (the engine records, or this connection's log always does).
  bool recording() const noexcept;
  void record(const std::string& sql, std::span<const sql::value> params, std::size_t batch,
              query_record::clock::time_point start) const;

  std::shared_ptr<detail::engine_state> engine_;
  std::unique_ptr<driver_connection> conn_;
  bool in_transaction_ = false;
  /// Begun, BEGIN not sent yet (dialect::defers_begin): sent before the first statement that is not a SELECT.
  bool begin_pending_ = false;
  bool invalid_ = false;  ///< a failed ROLLBACK: close() discards instead of pooling
  std::size_t savepoints_ = 0;
  /// Where this object lives, for its transactions; a moved-to object gets its own.
  std::shared_ptr<connection*> self_;
  std::vector<query_record>* log_ = nullptr;
  bool log_always_ = false;
  /// Alive while this object holds its driver connection: cursors check it.
  std::shared_ptr<int> lease_ = std::make_shared<int>(0);
};

}  // namespace retort::engine
