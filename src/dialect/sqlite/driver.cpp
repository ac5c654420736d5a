// The SQLite driver on the sqlite3 C API; the only file that includes sqlite3.h.
// Every connection gets PRAGMA foreign_keys=ON (unless ?foreign_keys=off) and a busy timeout; file
// databases use WAL so readers and a writer do not block each other.
#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstring>
#include <iterator>
#include <memory>
#include <mutex>
#include <vector>

#include "retort/dialect/sqlite/sqlite.hpp"
#include "retort/engine/driver.hpp"
#include "retort/util/error.hpp"

namespace retort::sqlite {

namespace {

using engine::result;

std::string first_table_of(const std::string& sql) {
  // "INSERT INTO x", "UPDATE x", "DELETE FROM x": the table a constraint failure is about.
  for (const char* lead : {"INSERT INTO ", "UPDATE ", "DELETE FROM "}) {
    if (sql.rfind(lead, 0) == 0) {
      auto start = std::strlen(lead);
      auto end = sql.find_first_of(" (", start);
      auto name = sql.substr(start, end - start);
      if (name.size() > 1 && name.front() == '"') name = name.substr(1, name.size() - 2);
      return name;
    }
  }
  return {};
}

/// The URL's ?timeout= (seconds, as SQLAlchemy's pysqlite `timeout`) in milliseconds.
int busy_timeout_ms(const std::string& text) {
  std::size_t used = 0;
  double seconds = -1;
  try {
    seconds = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || !(seconds >= 0 && seconds <= 86400))
    throw ArgumentError("sqlite URL option timeout='" + text + "' is not a number of seconds between 0 and 86400");
  return static_cast<int>(seconds * 1000);
}

/// An option's value, lower-cased: SQLite's option values are case-insensitive.
std::string lowered(const std::string& text) {
  std::string out;
  for (char c : text) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

/// SQLite's journal modes (https://sqlite.org/pragma.html#pragma_journal_mode), lower-cased.
std::string journal_mode(const std::string& text) {
  const std::string mode = lowered(text);
  for (const char* known : {"delete", "truncate", "persist", "memory", "wal", "off"})
    if (mode == known) return mode;
  throw ArgumentError("sqlite URL option journal_mode='" + text +
                      "' is not a SQLite journal mode (delete, truncate, persist, memory, wal, off)");
}

/// sqlite3_open_v2 flags for ?mode= (SQLite's URI `mode`: ro, rw, rwc; rwc when absent).
int open_flags(const std::string& mode) {
  if (mode == "ro") return SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX;
  if (mode == "rw") return SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  if (mode == "rwc") return SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  throw ArgumentError("sqlite URL option mode='" + mode + "' is not ro, rw or rwc");
}

/// ?foreign_keys=on|off (on when absent): SQLite's enforcement of foreign keys.
bool foreign_keys(const std::string& text) {
  const std::string v = lowered(text);
  if (v == "on" || v == "true" || v == "1") return true;
  if (v == "off" || v == "false" || v == "0") return false;
  throw ArgumentError("sqlite URL option foreign_keys='" + text + "' is not on or off");
}

/// The query options this driver reads (the engine's own, `echo`, aside).
constexpr const char* sqlite_options[] = {"timeout", "journal_mode", "mode", "foreign_keys"};

/// Every option of `u` known and well-formed, or ArgumentError naming the first that is not.
void validate_options(const engine::url& u) {
  for (const auto& [key, value] : u.query()) {
    if (engine::is_engine_option(key)) continue;
    if (std::find(std::begin(sqlite_options), std::end(sqlite_options), key) == std::end(sqlite_options)) {
      std::string known = "echo";
      for (const char* k : sqlite_options) known += std::string(", ") + k;
      throw ArgumentError("unknown sqlite URL option '" + key + "' (accepted: " + known + ")");
    }
  }
  busy_timeout_ms(u.option("timeout", "5"));
  journal_mode(u.option("journal_mode", "wal"));
  open_flags(u.option("mode", "rwc"));
  foreign_keys(u.option("foreign_keys", "on"));
}

/// SQLite says only "FOREIGN KEY constraint failed", not which key. The
/// statement's table has its own foreign keys (`PRAGMA foreign_key_list`, the
/// table name bound as a parameter): for an INSERT, one of them failed — with
/// one, that is the key and its column; with several, all are candidates. An
/// UPDATE may also have changed a key other rows reference; a DELETE can only
/// have removed a referenced row.
void describe_foreign_key(sqlite3* db, database_error_info& info) {
  const std::string referenced = "a row of another table still references this one";
  if (info.statement.rfind("DELETE", 0) == 0) {
    info.constraint = "FOREIGN KEY (" + referenced + ")";
    return;
  }
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT id, \"from\", \"table\", \"to\" FROM pragma_foreign_key_list(?) ORDER BY id, seq",
                         -1, &raw, nullptr) != SQLITE_OK)
    return;
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> stmt(raw, sqlite3_finalize);
  sqlite3_bind_text(raw, 1, info.table.c_str(), -1, SQLITE_TRANSIENT);
  struct key {
    int id;
    std::string from, table, to;
  };
  std::vector<key> keys;
  auto text = [&](int i) {  // "to" is NULL for REFERENCES parent without a column list
    const auto* t = sqlite3_column_text(raw, i);
    return t ? std::string(reinterpret_cast<const char*>(t)) : std::string("its primary key");
  };
  while (sqlite3_step(raw) == SQLITE_ROW) {
    int id = sqlite3_column_int(raw, 0);
    if (!keys.empty() && keys.back().id == id) {  // the next column of a composite key
      keys.back().from += ", " + text(1);
      keys.back().to += ", " + text(3);
    } else {
      keys.push_back({id, text(1), text(2), text(3)});
    }
  }
  auto spell = [](const key& k) { return "FOREIGN KEY (" + k.from + ") REFERENCES " + k.table + " (" + k.to + ")"; };
  bool insert = info.statement.rfind("INSERT", 0) == 0;
  if (insert && keys.size() == 1) {
    info.constraint = spell(keys[0]);
    info.column = keys[0].from.substr(0, keys[0].from.find(','));
    return;
  }
  std::string candidates;
  for (const auto& k : keys) candidates += (candidates.empty() ? "" : "; ") + spell(k);
  if (!insert) candidates += (candidates.empty() ? "" : "; or ") + referenced;
  if (!candidates.empty()) info.constraint = "one of: " + candidates;
}

[[noreturn]] void raise(sqlite3* db, int rc, const std::string& sql) {
  database_error_info info;
  info.message = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  int ext = db ? sqlite3_extended_errcode(db) : rc;
  info.sqlstate = sqlite3_errstr(ext);
  info.statement = sql;
  int primary = ext & 0xff;
  if (primary == SQLITE_CONSTRAINT) {
    // The SQLSTATEs PostgreSQL gives the same violations, so code can test either database alike.
    switch (ext) {
      case SQLITE_CONSTRAINT_UNIQUE:
      case SQLITE_CONSTRAINT_PRIMARYKEY: info.sqlstate = "23505"; break;
      case SQLITE_CONSTRAINT_NOTNULL: info.sqlstate = "23502"; break;
      case SQLITE_CONSTRAINT_FOREIGNKEY: info.sqlstate = "23503"; break;
      case SQLITE_CONSTRAINT_CHECK: info.sqlstate = "23514"; break;
      default: break;
    }
    // "UNIQUE constraint failed: user.username", "NOT NULL constraint failed: post.title",
    // "FOREIGN KEY constraint failed", "CHECK constraint failed: positive_price".
    const auto& m = info.message;
    auto pos = m.find(" constraint failed");
    if (pos != std::string::npos) info.constraint = m.substr(0, pos);
    auto colon = m.find(": ");
    if (colon != std::string::npos) {
      auto target = m.substr(colon + 2);
      auto comma = target.find(',');
      if (comma != std::string::npos) target = target.substr(0, comma);  // first of a composite
      auto dot = target.find('.');
      if (dot != std::string::npos && info.constraint != "CHECK") {
        info.table = target.substr(0, dot);
        info.column = target.substr(dot + 1);
      } else {
        info.constraint += " " + target;
      }
    }
    if (info.table.empty()) info.table = first_table_of(sql);
    if (ext == SQLITE_CONSTRAINT_FOREIGNKEY && db && !info.table.empty()) describe_foreign_key(db, info);
    throw IntegrityError(std::move(info));
  }
  switch (primary) {
    case SQLITE_ERROR:
    case SQLITE_AUTH: throw ProgrammingError(std::move(info));
    case SQLITE_TOOBIG:
    case SQLITE_MISMATCH:
    case SQLITE_RANGE: throw DataError(std::move(info));
    default: throw OperationalError(std::move(info));
  }
}

class statement final : public engine::driver_statement {
 public:
  statement(sqlite3* db, const std::string& sql) : db_(db), sql_(sql) {
    int rc = sqlite3_prepare_v3(db, sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt_,
                                nullptr);
    if (rc != SQLITE_OK) raise(db, rc, sql);
    int n = sqlite3_column_count(stmt_);
    for (int i = 0; i < n; ++i) columns_.emplace_back(sqlite3_column_name(stmt_, i));
    writes_ = !sqlite3_stmt_readonly(stmt_);
    inserts_ = sql.rfind("INSERT", 0) == 0;
  }
  ~statement() override { sqlite3_finalize(stmt_); }

  /// Resets the statement and binds `params`.
  void start(std::span<const sql::value> params) {
    sqlite3_reset(stmt_);  // every parameter is bound again below: no clear_bindings
    int expected = sqlite3_bind_parameter_count(stmt_);
    if (static_cast<std::size_t>(expected) != params.size())
      throw ArgumentError("statement takes " + std::to_string(expected) + " parameters, " +
                          std::to_string(params.size()) + " given [SQL: " + sql_ + "]");
    for (std::size_t i = 0; i < params.size(); ++i) bind(static_cast<int>(i) + 1, params[i]);
  }

  /// Steps up to `n` more rows of a started statement; `done` is set once SQLite says so.
  result step(std::size_t n, bool& done) {
    result out(columns_);
    const int ncols = static_cast<int>(columns_.size());
    for (std::size_t i = 0; i < n && !done; ++i) {
      int rc = sqlite3_step(stmt_);
      if (rc == SQLITE_DONE) {
        done = true;
        sqlite3_reset(stmt_);
        break;
      }
      if (rc != SQLITE_ROW) {
        done = true;
        sqlite3_reset(stmt_);
        raise(db_, rc, sql_);
      }
      for (int c = 0; c < ncols; ++c) out.push(column(c));
    }
    return out;
  }

  result execute(std::span<const sql::value> params) override {
    start(params);
    result out(columns_);
    const int ncols = static_cast<int>(columns_.size());
    for (;;) {
      int rc = sqlite3_step(stmt_);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) {
        sqlite3_reset(stmt_);
        raise(db_, rc, sql_);
      }
      for (int c = 0; c < ncols; ++c) out.push(column(c));
    }
    if (writes_) out.set_rows_affected(sqlite3_changes(db_));
    if (inserts_) out.set_last_insert_id(sqlite3_last_insert_rowid(db_));
    sqlite3_reset(stmt_);
    return out;
  }

 private:
  void bind(int i, const sql::value& v) {
    int rc = SQLITE_OK;
    switch (v.kind()) {
      case sql::value_kind::null: rc = sqlite3_bind_null(stmt_, i); break;
      case sql::value_kind::boolean: rc = sqlite3_bind_int(stmt_, i, v.as_bool() ? 1 : 0); break;
      case sql::value_kind::integer: rc = sqlite3_bind_int64(stmt_, i, v.as_int()); break;
      case sql::value_kind::real: rc = sqlite3_bind_double(stmt_, i, v.as_double()); break;
      case sql::value_kind::text: {
        const auto& s = v.text();
        rc = sqlite3_bind_text64(stmt_, i, s.data(), s.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
        break;
      }
      case sql::value_kind::binary: {
        const auto& b = v.bytes();
        // An empty vector's data() may be null, which SQLite would bind as NULL.
        rc = b.empty() ? sqlite3_bind_zeroblob(stmt_, i, 0)
                       : sqlite3_bind_blob64(stmt_, i, b.data(), b.size(), SQLITE_TRANSIENT);
        break;
      }
      case sql::value_kind::decimal: {
        auto s = v.as_numeric().text;
        rc = sqlite3_bind_text64(stmt_, i, s.data(), s.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
        break;
      }
      case sql::value_kind::date: {
        auto s = sql::format_date(v.as_date());
        rc = sqlite3_bind_text64(stmt_, i, s.data(), s.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
        break;
      }
      case sql::value_kind::date_time: {
        auto s = sql::format_date_time(v.as_date_time());
        rc = sqlite3_bind_text64(stmt_, i, s.data(), s.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
        break;
      }
      case sql::value_kind::date_time_tz: {
        // In UTC ("...+00:00"), as PostgreSQL's timestamptz keeps the instant: text
        // that sorts and compares in time order, whatever offset each value had.
        auto s = sql::format_date_time_tz({v.as_date_time_tz().utc, std::chrono::minutes{0}});
        rc = sqlite3_bind_text64(stmt_, i, s.data(), s.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
        break;
      }
      case sql::value_kind::uuid: {  // CHAR(32) of hex digits, as SQLAlchemy's Uuid stores it without a native type
        auto s = v.as_uuid().hex();
        rc = sqlite3_bind_text64(stmt_, i, s.data(), s.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
        break;
      }
      case sql::value_kind::json:
      case sql::value_kind::enum_label: {
        const auto& s = (v.kind() == sql::value_kind::json ? v.json() : v.label());
        rc = sqlite3_bind_text64(stmt_, i, s.data(), s.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
        break;
      }
    }
    if (rc != SQLITE_OK) raise(db_, rc, sql_);
  }

  sql::value column(int c) {
    switch (sqlite3_column_type(stmt_, c)) {
      case SQLITE_INTEGER: return sql::value(static_cast<std::int64_t>(sqlite3_column_int64(stmt_, c)));
      case SQLITE_FLOAT: return sql::value(sqlite3_column_double(stmt_, c));
      case SQLITE_TEXT: {
        auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, c));
        return sql::value(std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, c))));
      }
      case SQLITE_BLOB: {
        auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, c));
        auto n = static_cast<std::size_t>(sqlite3_column_bytes(stmt_, c));
        return sql::value(blob(p, p + n));
      }
      default: return sql::value();
    }
  }

  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  std::string sql_;
  std::vector<std::string> columns_;
  bool writes_ = false;
  bool inserts_ = false;
};

/// A statement of its own (not the cache's: a cached one may run again while
/// this one is being read), stepped a batch at a time.
class cursor final : public engine::driver_cursor {
 public:
  cursor(sqlite3* db, const std::string& sql, std::span<const sql::value> params) : stmt_(db, sql) { stmt_.start(params); }
  result fetch(std::size_t n) override { return stmt_.step(n, done_); }

 private:
  statement stmt_;
  bool done_ = false;
};

class connection final : public engine::driver_connection {
 public:
  explicit connection(const engine::url& u) {
    const auto& database = u.database();
    bool memory = database.empty() || database == ":memory:";
    std::string path = memory ? ":memory:" : database;
    int flags = open_flags(u.option("mode", "rwc"));
    int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) {
      database_error_info info;
      info.message = "unable to open SQLite database file '" + path + "': " +
                     (db_ ? std::string(sqlite3_errmsg(db_)) : std::string(sqlite3_errstr(rc)));
      info.sqlstate = sqlite3_errstr(rc);
      sqlite3_close(db_);
      db_ = nullptr;
      throw OperationalError(std::move(info));
    }
    try {
      configure(u, memory || flags == (SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX));
    } catch (...) {
      sqlite3_close_v2(db_);  // the destructor does not run for a constructor that throws
      db_ = nullptr;
      throw;
    }
  }

  void configure(const engine::url& u, bool keep_journal) {
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_busy_timeout(db_, busy_timeout_ms(u.option("timeout", "5")));
    execute_direct(foreign_keys(u.option("foreign_keys", "on")) ? "PRAGMA foreign_keys=ON" : "PRAGMA foreign_keys=OFF");
    if (!keep_journal) execute_direct("PRAGMA journal_mode=" + journal_mode(u.option("journal_mode", "wal")));
  }
  ~connection() override {
    clear_cache();  // statements must be finalized before the database closes
    sqlite3_close_v2(db_);
  }

  std::unique_ptr<engine::driver_statement> prepare(const std::string& sql) override {
    return std::make_unique<statement>(db_, sql);
  }

  void execute_direct(const std::string& sql) override {
    char* err = nullptr;
    int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
    sqlite3_free(err);
    if (rc != SQLITE_OK) raise(db_, rc, sql);
  }

  std::unique_ptr<engine::driver_cursor> open_cursor(const std::string& sql,
                                                     std::span<const sql::value> params) override {
    return std::make_unique<cursor>(db_, sql, params);
  }

  bool ping(std::chrono::milliseconds) override { return db_ != nullptr; }  // in-process: nothing to wait for
  bool broken() const override { return db_ == nullptr; }

 private:
  sqlite3* db_ = nullptr;
};

class driver final : public engine::driver {
 public:
  const sql::dialect& dialect() const override { return dialect_; }
  void validate(const engine::url& u) const override { validate_options(u); }
  std::unique_ptr<engine::driver_connection> connect(const engine::url& u) override {
    return std::make_unique<connection>(u);
  }
  void tune_pool(const engine::url& u, engine::pool_options& options) const override {
    // An in-memory database lives in its connection: every checkout must get that one.
    if (u.database().empty() || u.database() == ":memory:") {
      options.size = 1;
      options.max_overflow = 0;
    }
  }

 private:
  sqlite::dialect dialect_;
};

}  // namespace

// Defined in reflect.cpp: registers the reflector (retort/engine/inspector.hpp) for this dialect.
void register_reflector_once();

void register_backend() {
  static std::once_flag once;
  std::call_once(once, [] {
    auto shared = std::make_shared<driver>();
    register_reflector_once();
    engine::register_driver("sqlite", [shared] { return shared; });
  });
}

}  // namespace retort::sqlite
