// The hand-written side of the set-based benchmark on the sqlite3 C API
// (bulk.hpp says what each workload does): "the limit". One prepared INSERT
// run per row inside one transaction, each row's values built and bound as
// the loop reaches it; one UPDATE or DELETE per workload; the read steps one
// SELECT (SQLite hands over a row per step: no batch to choose). Any error
// ends the process.
#include <sqlite3.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "bulk.hpp"

namespace {

[[noreturn]] void fail(sqlite3* db) {
  std::fprintf(stderr, "sqlite: %s\n", sqlite3_errmsg(db));
  std::exit(1);
}

/// One prepared statement, finalized when it goes out of scope.
class statement {
 public:
  statement(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &s_, nullptr) != SQLITE_OK) fail(db);
  }
  ~statement() { sqlite3_finalize(s_); }
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;

  void bind(int i, long v) {
    if (sqlite3_bind_int64(s_, i, v) != SQLITE_OK) fail(db_);
  }
  void bind(int i, double v) {
    if (sqlite3_bind_double(s_, i, v) != SQLITE_OK) fail(db_);
  }
  // SQLITE_STATIC: no copy; the caller keeps the string alive until the step.
  void bind(int i, const std::string& v) {
    if (sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC) != SQLITE_OK) fail(db_);
  }
  void bind_null(int i) {
    if (sqlite3_bind_null(s_, i) != SQLITE_OK) fail(db_);
  }
  /// true: a row is ready; false: done, and the statement is reset for reuse.
  bool step() {
    int rc = sqlite3_step(s_);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) fail(db_);
    sqlite3_reset(s_);
    return false;
  }
  /// Runs a statement that returns no rows; the rows it changed.
  long run() {
    if (step()) {
      std::fprintf(stderr, "sqlite: unexpected row from %s\n", sqlite3_sql(s_));
      std::exit(1);
    }
    return static_cast<long>(sqlite3_changes64(db_));
  }
  long integer(int col) const { return static_cast<long>(sqlite3_column_int64(s_, col)); }

 private:
  sqlite3* db_;
  sqlite3_stmt* s_ = nullptr;
};

class raw_sqlite final : public bench::implementation {
 public:
  explicit raw_sqlite(const std::string& path) {
    // The same open as src/dialect/sqlite/driver.cpp: no per-call mutex, a 5 s busy timeout, foreign keys, WAL.
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        nullptr) != SQLITE_OK) {
      std::fprintf(stderr, "sqlite: cannot open %s: %s\n", path.c_str(), db_ ? sqlite3_errmsg(db_) : "out of memory");
      std::exit(1);
    }
    sqlite3_busy_timeout(db_, 5000);
    exec("PRAGMA foreign_keys=ON");
    exec("PRAGMA journal_mode=wal");
  }
  ~raw_sqlite() override { sqlite3_close(db_); }
  raw_sqlite(const raw_sqlite&) = delete;
  raw_sqlite& operator=(const raw_sqlite&) = delete;

  void reset() override {
    exec("DROP TABLE IF EXISTS bench_item");
    exec("CREATE TABLE bench_item (id INTEGER NOT NULL, name VARCHAR(50) NOT NULL, qty INTEGER NOT NULL, "
         "price DOUBLE NOT NULL, note TEXT, PRIMARY KEY (id))");
  }

  // B1a and B1b are the same code by hand: there is no struct or value row to build.
  long b1_structs(long n) override { return insert(n); }
  long b1_values(long n) override { return insert(n); }

  long b2_all(bench::sync) override {
    exec("BEGIN");
    statement up(db_, "UPDATE bench_item SET qty = qty + ? WHERE qty >= ?");
    up.bind(1, 1L);
    up.bind(2, 0L);
    long changed = up.run();
    exec("COMMIT");
    return changed;
  }

  long b2_range(long lo, long hi, bench::sync) override {
    exec("BEGIN");
    statement up(db_, "UPDATE bench_item SET qty = qty + ?, note = ? WHERE id > ? AND id <= ?");
    std::string note = bench::touched_note;
    up.bind(1, 1L);
    up.bind(2, note);
    up.bind(3, lo);
    up.bind(4, hi);
    long changed = up.run();
    exec("COMMIT");
    return changed;
  }

  long b3_delete() override {
    exec("BEGIN");
    statement del(db_, "DELETE FROM bench_item WHERE price < ?");
    del.bind(1, bench::delete_below);
    long deleted = del.run();
    exec("COMMIT");
    return deleted;
  }

  long b4_read() override {
    long sum = 0;
    exec("BEGIN");
    {
      // The columns Retort's load selects; only qty is read (SQLite converts a column when asked for it).
      statement sel(db_, "SELECT id, name, qty, price, note FROM bench_item");
      while (sel.step()) sum += sel.integer(2);
    }
    exec("COMMIT");
    return sum;
  }

  bench::fingerprint state() override {
    bench::fingerprint f{};
    statement s(db_, bench::fingerprint_sql);
    if (!s.step()) fail(db_);
    for (std::size_t i = 0; i < f.size(); ++i) f[i] = s.integer(static_cast<int>(i));
    while (s.step()) {
    }
    return f;
  }

 private:
  long insert(long n) {
    long inserted = 0;
    exec("BEGIN");
    {
      statement ins(db_, "INSERT INTO bench_item (name, qty, price, note) VALUES (?, ?, ?, ?)");
      for (long i = 0; i < n; ++i) {
        auto name = bench::item_name(i);
        auto note = bench::item_note(i);
        ins.bind(1, name);
        ins.bind(2, static_cast<long>(bench::item_qty(i)));
        ins.bind(3, bench::item_price(i));
        if (note)
          ins.bind(4, *note);
        else
          ins.bind_null(4);
        inserted += ins.run();
      }
    }
    exec("COMMIT");
    return inserted;
  }

  void exec(const std::string& sql) {
    char* error = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
      std::fprintf(stderr, "sqlite: %s: %s\n", sql.c_str(), error ? error : "?");
      std::exit(1);
    }
  }

  sqlite3* db_ = nullptr;
};

}  // namespace

std::unique_ptr<bench::implementation> bench::make_raw_sqlite(const std::string& path) {
  return std::make_unique<raw_sqlite>(path);
}
