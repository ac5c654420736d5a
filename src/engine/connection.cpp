// Connections and transactions. A connection whose driver reports it broken
// is never reused: the pool discards it on checkin.
#include "retort/engine/connection.hpp"

#include <cctype>
#include <utility>

#include "engine/engine_state.hpp"
#include "retort/util/error.hpp"

namespace retort::engine {

connection::connection(std::shared_ptr<detail::engine_state> engine, std::unique_ptr<driver_connection> conn)
    : engine_(std::move(engine)), conn_(std::move(conn)), self_(std::make_shared<connection*>(this)) {}

connection::connection(connection&& o) noexcept
    : engine_(std::move(o.engine_)), conn_(std::move(o.conn_)), in_transaction_(o.in_transaction_),
      begin_pending_(o.begin_pending_), invalid_(o.invalid_), savepoints_(o.savepoints_), self_(std::make_shared<connection*>(this)), log_(o.log_),
      log_always_(o.log_always_), lease_(std::exchange(o.lease_, std::make_shared<int>(0))) {
  o.in_transaction_ = false;
  o.begin_pending_ = false;
  o.log_ = nullptr;
}

connection& connection::operator=(connection&& o) noexcept {
  if (this != &o) {
    close();
    engine_ = std::move(o.engine_);
    conn_ = std::move(o.conn_);
    in_transaction_ = o.in_transaction_;
    begin_pending_ = std::exchange(o.begin_pending_, false);
    invalid_ = o.invalid_;
    self_ = std::make_shared<connection*>(this);  // transactions of what was here are over
    savepoints_ = o.savepoints_;
    log_ = std::exchange(o.log_, nullptr);
    log_always_ = o.log_always_;
    lease_ = std::exchange(o.lease_, std::make_shared<int>(0));
    o.in_transaction_ = false;
  }
  return *this;
}

connection::~connection() { close(); }

void connection::close() {
  if (!conn_) return;
  if (std::exchange(begin_pending_, false)) in_transaction_ = false;  // BEGIN never sent
  if (in_transaction_ && !conn_->broken()) {
    try {
      control("ROLLBACK");
    } catch (const Error&) {
      invalid_ = true;  // a transaction may still be open on it: never reuse it
    }
  }
  in_transaction_ = false;
  lease_ = std::make_shared<int>(0);  // this connection's cursors are over
  if (invalid_) conn_.reset();  // closed here; the pool only counts it back in
  engine_->pool->checkin(std::move(conn_));
}

std::size_t connection::prepare_count() const { return conn_ ? conn_->prepare_count() : 0; }

driver_connection& connection::live() {
  if (!conn_) throw InvalidRequestError("connection is closed");
  return *conn_;
}

const sql::dialect& connection::dialect() const { return engine_->backend->dialect(); }

bool connection::invalidated() const { return conn_ && (invalid_ || conn_->broken()); }

result connection::execute(const sql::compiled& c) { return execute(c.sql, c.params); }

namespace {
/// The statement counts toward the thread's innermost origin (the ORM's N+1 count reads it).
void count_statement() noexcept {
  if (auto* o = current_origin()) ++o->statements;
}
}  // namespace

bool connection::recording() const noexcept {
  return (log_ && log_always_) || engine_->recording.load(std::memory_order_relaxed);
}

// Only the statements that ran are recorded, with the innermost cause and the
// nearest known location of this thread's origins.
void connection::record(const std::string& sql, std::span<const sql::value> params, std::size_t batch,
                        query_record::clock::time_point start) const {
  query_record r;
  r.end = query_record::clock::now();
  r.start = start;
  r.duration = r.end - r.start;
  r.sql = sql;
  r.params.assign(params.begin(), params.end());
  r.batch = batch;
  const statement_origin* named = nullptr;
  for (auto* o = current_origin(); o; o = o->outer) {
    if (!named && o->shape != statement_origin::form::none) named = o;
    if (!r.where.line() && o->where) r.where = *o->where;
  }
  if (named) r.cause = named->cause();
  r.location = describe(r.where);
  if (engine_->recording.load(std::memory_order_relaxed)) engine_->record(r);
  if (log_) log_->push_back(std::move(r));
}

namespace {
/// Whether a statement only reads (SELECT): a deferred BEGIN waits past it.
bool only_reads(std::string_view sql) {
  while (!sql.empty() && (sql.front() == ' ' || sql.front() == '\n' || sql.front() == '\t' || sql.front() == '('))
    sql.remove_prefix(1);
  if (sql.size() < 6) return false;
  for (std::size_t i = 0; i < 6; ++i)
    if (std::toupper(static_cast<unsigned char>(sql[i])) != "SELECT"[i]) return false;
  return true;
}
}  // namespace

void connection::send_pending_begin() {
  if (!begin_pending_) return;
  begin_pending_ = false;
  control("BEGIN");
}

void connection::start_transaction() {
  in_transaction_ = true;
  if (dialect().defers_begin())
    begin_pending_ = true;
  else
    control("BEGIN");
}

result connection::execute(const std::string& sql, std::span<const sql::value> params) {
  auto& c = live();
  if (begin_pending_ && !only_reads(sql)) send_pending_begin();
  engine_->emit({sql, params, 1, false});
  count_statement();
  const bool rec = recording();
  const auto start = rec ? query_record::clock::now() : query_record::clock::time_point{};
  auto r = c.cached(sql).execute(params);
  if (rec) record(sql, params, 1, start);
  if (engine_->logs(logging::level::debug)) engine_->log_rows(r);
  return r;
}

cursor connection::stream(const sql::compiled& c) {
  auto& d = live();
  check_statement_text(c.sql);
  if (begin_pending_ && !only_reads(c.sql)) send_pending_begin();
  engine_->emit({c.sql, c.params, 1, false});
  count_statement();
  const bool rec = recording();
  const auto start = rec ? query_record::clock::now() : query_record::clock::time_point{};
  auto impl = d.open_cursor(c.sql, c.params);
  if (rec) record(c.sql, c.params, 1, start);
  return cursor(std::move(impl), lease_, c.sql);
}

cursor::~cursor() {
  if (impl_ && lease_.expired()) impl_->abandon();
}

result cursor::fetch(std::size_t n) {
  if (n == 0) throw ArgumentError("cursor.fetch: the batch size must be at least 1");
  if (!impl_ || lease_.expired())
    throw InvalidRequestError("this cursor's connection has been closed; read a streamed result before closing it [SQL: " +
                              sql_ + "]");
  if (done_) return result();
  auto r = impl_->fetch(n);
  if (r.size() < n) done_ = true;
  return r;
}

std::vector<result> connection::execute_many(const std::string& sql,
                                             const std::vector<std::vector<sql::value>>& rows) {
  auto& c = live();
  std::vector<result> out;
  if (rows.empty()) return out;
  send_pending_begin();
  engine_->emit({sql, rows.front(), rows.size(), false});
  count_statement();
  const bool rec = recording();
  const auto start = rec ? query_record::clock::now() : query_record::clock::time_point{};
  out = c.cached(sql).execute_many(rows);
  if (rec) record(sql, rows.front(), rows.size(), start);
  return out;
}

void connection::execute_ddl(const std::string& sql) {
  auto& c = live();
  check_statement_text(sql);
  send_pending_begin();
  engine_->emit({sql, {}, 1, false});
  count_statement();
  const bool rec = recording();
  const auto start = rec ? query_record::clock::now() : query_record::clock::time_point{};
  c.execute_direct(sql);
  if (rec) record(sql, {}, 1, start);
}

void connection::control(const std::string& sql) {
  auto& c = live();
  engine_->emit({sql, {}, 1, true});
  c.execute_direct(sql);
}

transaction connection::begin() {
  if (in_transaction_) throw InvalidRequestError("a transaction is already begun on this connection");
  // An explicit Core transaction is a real one at once, on every database.
  control("BEGIN");
  in_transaction_ = true;
  return transaction(self_, "");
}

void connection::begin_unmanaged() {
  if (in_transaction_) throw InvalidRequestError("a transaction is already begun on this connection");
  live();
  start_transaction();
}

transaction connection::begin_nested() {
  if (!in_transaction_) {
    control("BEGIN");
    in_transaction_ = true;
  }
  send_pending_begin();  // a savepoint needs the transaction it marks
  auto name = "sa_savepoint_" + std::to_string(++savepoints_);
  control("SAVEPOINT " + name);
  return transaction(self_, name);
}

void connection::commit() {
  // A transaction object outliving a move or close of its connection must not
  // report success for a COMMIT it could not send.
  if (!conn_) throw InvalidRequestError("commit on a connection that was closed or moved from");
  if (!in_transaction_) return;
  if (std::exchange(begin_pending_, false)) {  // nothing was written: there is nothing to commit
    in_transaction_ = false;
    return;
  }
  try {
    control("COMMIT");
  } catch (const Error&) {
    // The outcome is the database's: PostgreSQL has ended (rolled back) the
    // transaction; SQLite keeps it open after SQLITE_BUSY. Either way roll back
    // now, so this connection never carries a half-done transaction into the
    // pool; if even that fails it is discarded when closed.
    abandon_transaction();
    throw;
  }
  in_transaction_ = false;
}

void connection::abandon_transaction() noexcept {
  in_transaction_ = false;
  if (std::exchange(begin_pending_, false)) return;
  if (!conn_ || conn_->broken()) return;
  try {
    control("ROLLBACK");
  } catch (const Error&) {
    invalid_ = true;
  }
}

void connection::rollback() {
  if (!in_transaction_) return;
  in_transaction_ = false;
  if (std::exchange(begin_pending_, false)) return;
  if (conn_ && conn_->broken()) return;  // nothing to roll back on a dead connection; the server did it
  try {
    control("ROLLBACK");
  } catch (const Error&) {
    invalid_ = true;  // its transaction may still be open: close() discards it
    throw;
  }
}

void connection::release_savepoint(const std::string& name) { control("RELEASE SAVEPOINT " + name); }
void connection::rollback_savepoint(const std::string& name) { control("ROLLBACK TO SAVEPOINT " + name); }

transaction::transaction(transaction&& o) noexcept
    : conn_(std::move(o.conn_)), savepoint_(std::move(o.savepoint_)), active_(o.active_) {
  o.active_ = false;
}

connection* transaction::owner(const char* action) const {
  auto c = conn_.lock();
  if (!c && action)
    throw InvalidRequestError(std::string("cannot ") + action +
                              " a transaction whose connection object no longer exists (it was destroyed first)");
  return c ? *c : nullptr;
}

transaction::~transaction() {
  if (!active_) return;
  try {
    rollback();
  } catch (const Error&) {
    // Destructors do not throw; a failed rollback leaves the connection broken and discarded.
  }
}

void transaction::commit() {
  if (!active_) throw InvalidRequestError("transaction is no longer active");
  auto* c = owner("commit");
  active_ = false;
  if (savepoint_.empty())
    c->commit();
  else
    c->release_savepoint(savepoint_);
}

void transaction::rollback() {
  if (!active_) return;
  active_ = false;
  auto* c = owner(nullptr);
  if (!c) return;  // the connection went first; closing it rolled the transaction back
  if (savepoint_.empty())
    c->rollback();
  else if (!c->invalidated())
    c->rollback_savepoint(savepoint_);
}

}  // namespace retort::engine
