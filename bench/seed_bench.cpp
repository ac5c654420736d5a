// The seed workload, Retort versus hand-written sqlite3 C API code:
//   write: N users with M posts each, added through the relationship, one commit;
//   read:  every user in a fresh session, then each user's posts (the seed's
//          access pattern: lazy; Retort batches it into one IN per 5,000 users,
//          the hand-written code runs one SELECT per user). "read, unbatched"
//          reads the same file again with batching off: one SELECT per user on
//          both sides.
// Both sides run in one process, interleaved, and must agree on counts and
// sums; the best of R runs of each is reported as a ratio. Both open the file
// the same way (no per-call mutex, WAL, foreign keys) and neither times the
// final close, which checkpoints the WAL.
#include <sqlite3.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "../examples/seed_blog/models.hpp"

namespace {

using clock_type = std::chrono::steady_clock;

struct totals {
  long users = 0, posts = 0, id_sum = 0, title_chars = 0;
  bool operator==(const totals&) const = default;
};

struct timing {
  double write_ms = 0, read_ms = 0;
};

double ms_since(clock_type::time_point t) {
  return std::chrono::duration<double, std::milli>(clock_type::now() - t).count();
}

std::string title_of(long u, long p) { return "post " + std::to_string(p) + " of user " + std::to_string(u); }

/// Every user in a fresh session, then each user's posts (lazy; batched unless `batched` is false).
void read_users(retort::database& db, bool batched, totals& out) {
  retort::session_options o;
  o.batch_lazy_loads = batched;
  auto session = db.session(o);
  for (auto& user : session.query<User>().all()) {
    ++out.users;
    for (auto& post : user->posts) {
      ++out.posts;
      out.id_sum += post.id;
      out.title_chars += static_cast<long>(post.title.size());
    }
  }
}

// noinline: keeps each side a function of its own in profiles, e.g.
// valgrind --tool=callgrind --toggle-collect='*run_retort*' bench_seed --users 1000 --repeat 1
[[gnu::noinline]] timing run_retort(const std::string& path, long n, long m, totals& out) {
  timing t;
  retort::database db("sqlite:///" + path);
  db.create_all();
  db.engine().connect().execute_ddl("CREATE INDEX ix_post_user_id ON post (user_id)");
  auto start = clock_type::now();
  {
    auto session = db.session();
    for (long u = 0; u < n; ++u) {
      auto user = session.add(User{.username = "user" + std::to_string(u)});
      for (long p = 0; p < m; ++p) user->posts.add(Post{.title = title_of(u, p), .content = "content"});
    }
    session.commit();
  }
  t.write_ms = ms_since(start);
  start = clock_type::now();
  read_users(db, true, out);
  t.read_ms = ms_since(start);
  return t;
}

/// The read phase alone, on the file run_retort wrote, with batching `batched`.
[[gnu::noinline]] double read_retort(const std::string& path, bool batched, totals& out) {
  retort::database db("sqlite:///" + path);
  auto start = clock_type::now();
  read_users(db, batched, out);
  return ms_since(start);
}

void exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::fprintf(stderr, "sqlite: %s\n", err);
    std::exit(1);
  }
}

sqlite3_stmt* prepare(sqlite3* db, const char* sql) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &s, nullptr) != SQLITE_OK) {
    std::fprintf(stderr, "sqlite: %s\n", sqlite3_errmsg(db));
    std::exit(1);
  }
  return s;
}

// Runs an INSERT to completion and resets it; any error ends the benchmark.
void step_done(sqlite3* db, sqlite3_stmt* s) {
  if (sqlite3_step(s) != SQLITE_DONE) {
    std::fprintf(stderr, "sqlite: %s\n", sqlite3_errmsg(db));
    std::exit(1);
  }
  sqlite3_reset(s);
}

struct raw_post {
  long id;
  std::string title, content;
  long user_id;
};

[[gnu::noinline]] timing run_raw(const std::string& path, long n, long m, totals& out) {
  timing t;
  sqlite3* db = nullptr;
  // The same open as src/dialect/sqlite/driver.cpp: no per-call mutex (one
  // connection, one thread), a 5 s busy timeout, foreign keys, WAL.
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr) !=
      SQLITE_OK) {
    std::fprintf(stderr, "sqlite: cannot open %s\n", path.c_str());
    std::exit(1);
  }
  sqlite3_busy_timeout(db, 5000);
  exec(db, "PRAGMA foreign_keys=ON");
  exec(db, "PRAGMA journal_mode=wal");
  exec(db, "CREATE TABLE user (id INTEGER NOT NULL, username VARCHAR(50) NOT NULL, PRIMARY KEY (id))");
  exec(db,
       "CREATE TABLE post (id INTEGER NOT NULL, title VARCHAR(100) NOT NULL, content TEXT NOT NULL, user_id INTEGER "
       "NOT NULL, PRIMARY KEY (id), FOREIGN KEY(user_id) REFERENCES user (id))");
  exec(db, "CREATE INDEX ix_post_user_id ON post (user_id)");
  auto start = clock_type::now();
  exec(db, "BEGIN");
  auto* iu = prepare(db, "INSERT INTO user (username) VALUES (?)");
  auto* ip = prepare(db, "INSERT INTO post (title, content, user_id) VALUES (?, ?, ?)");
  for (long u = 0; u < n; ++u) {
    auto name = "user" + std::to_string(u);
    sqlite3_bind_text(iu, 1, name.c_str(), static_cast<int>(name.size()), SQLITE_TRANSIENT);
    step_done(db, iu);
    auto uid = sqlite3_last_insert_rowid(db);
    for (long p = 0; p < m; ++p) {
      auto title = title_of(u, p);
      sqlite3_bind_text(ip, 1, title.c_str(), static_cast<int>(title.size()), SQLITE_TRANSIENT);
      sqlite3_bind_text(ip, 2, "content", 7, SQLITE_STATIC);
      sqlite3_bind_int64(ip, 3, uid);
      step_done(db, ip);
    }
  }
  exec(db, "COMMIT");
  sqlite3_finalize(iu);
  sqlite3_finalize(ip);
  t.write_ms = ms_since(start);
  start = clock_type::now();
  exec(db, "BEGIN");
  auto* su = prepare(db, "SELECT user.id, user.username FROM user");
  auto* sp = prepare(db, "SELECT id, title, content, user_id FROM post WHERE user_id = ? ORDER BY id");
  std::vector<std::pair<long, std::string>> users;
  while (sqlite3_step(su) == SQLITE_ROW)
    users.emplace_back(sqlite3_column_int64(su, 0), reinterpret_cast<const char*>(sqlite3_column_text(su, 1)));
  for (const auto& user : users) {
    ++out.users;
    std::vector<raw_post> posts;
    sqlite3_bind_int64(sp, 1, user.first);
    while (sqlite3_step(sp) == SQLITE_ROW)
      posts.push_back({sqlite3_column_int64(sp, 0), reinterpret_cast<const char*>(sqlite3_column_text(sp, 1)),
                       reinterpret_cast<const char*>(sqlite3_column_text(sp, 2)), sqlite3_column_int64(sp, 3)});
    sqlite3_reset(sp);
    for (const auto& p : posts) {
      ++out.posts;
      out.id_sum += p.id;
      out.title_chars += static_cast<long>(p.title.size());
    }
  }
  exec(db, "COMMIT");
  sqlite3_finalize(su);
  sqlite3_finalize(sp);
  t.read_ms = ms_since(start);
  sqlite3_close(db);  // untimed, like the Retort side's engine: closing checkpoints the WAL
  return t;
}

long arg(int argc, char** argv, const char* name, long fallback) {
  for (int i = 1; i + 1 < argc; ++i)
    if (std::string(argv[i]) == name) return std::atol(argv[i + 1]);
  return fallback;
}

long peak_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

double arg_ms(int argc, char** argv, const char* name) {
  for (int i = 1; i + 1 < argc; ++i)
    if (std::string(argv[i]) == name) return std::atof(argv[i + 1]);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  long n = arg(argc, argv, "--users", 10000);
  long m = arg(argc, argv, "--posts-per-user", 10);
  long repeat = arg(argc, argv, "--repeat", 3);
  auto dir = std::filesystem::temp_directory_path() / ("retort-bench-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  timing best_raw{1e18, 1e18}, best_orm{1e18, 1e18};
  double best_unbatched = 1e18;
  totals expected;
  long raw_peak_kib = 0;
  for (long r = 0; r < repeat; ++r) {
    totals raw_totals, orm_totals;
    auto raw = run_raw((dir / ("raw" + std::to_string(r) + ".db")).string(), n, m, raw_totals);
    if (r == 0) raw_peak_kib = peak_rss_kib();  // the hand-written side runs first: its peak alone
    auto orm_path = (dir / ("orm" + std::to_string(r) + ".db")).string();
    auto orm = run_retort(orm_path, n, m, orm_totals);
    totals unbatched_totals;
    best_unbatched = std::min(best_unbatched, read_retort(orm_path, false, unbatched_totals));
    if (!(raw_totals == orm_totals) || !(unbatched_totals == raw_totals) || raw_totals.posts != n * m) {
      std::fprintf(
          stderr, "mismatch: raw users=%ld posts=%ld ids=%ld chars=%ld; retort users=%ld posts=%ld ids=%ld chars=%ld\n",
          raw_totals.users, raw_totals.posts, raw_totals.id_sum, raw_totals.title_chars, orm_totals.users,
          orm_totals.posts, orm_totals.id_sum, orm_totals.title_chars);
      return 1;
    }
    expected = raw_totals;
    best_raw = {std::min(best_raw.write_ms, raw.write_ms), std::min(best_raw.read_ms, raw.read_ms)};
    best_orm = {std::min(best_orm.write_ms, orm.write_ms), std::min(best_orm.read_ms, orm.read_ms)};
  }
  std::filesystem::remove_all(dir);
  std::printf("seed workload: %ld users x %ld posts, best of %ld (checked: %ld posts, id sum %ld)\n", n, m, repeat,
              expected.posts, expected.id_sum);
  std::printf("%-8s %12s %12s %8s\n", "phase", "retort ms", "sqlite3 ms", "ratio");
  auto line = [](const char* phase, double orm, double raw) {
    std::printf("%-8s %12.1f %12.1f %7.2fx\n", phase, orm, raw, orm / raw);
  };
  line("write", best_orm.write_ms, best_raw.write_ms);
  line("read", best_orm.read_ms, best_raw.read_ms);
  std::printf("%-8s %12.1f %12.1f %7.2fx  (read, batching off: one SELECT per user on both sides)\n", "read-1",
              best_unbatched, best_raw.read_ms, best_unbatched / best_raw.read_ms);
  line("total", best_orm.write_ms + best_orm.read_ms, best_raw.write_ms + best_raw.read_ms);
  std::printf("peak RSS: %ld MiB (%ld MiB after the first hand-written run alone)\n", peak_rss_kib() / 1024,
              raw_peak_kib / 1024);
  // SQLAlchemy's times for the same workload, measured by scripts/bench just before.
  double sa_write = arg_ms(argc, argv, "--sqlalchemy-write"), sa_read = arg_ms(argc, argv, "--sqlalchemy-read");
  if (sa_write > 0 && sa_read > 0) {
    std::printf("\n%-8s %12s %14s %10s\n", "phase", "retort ms", "SQLAlchemy ms", "speed-up");
    auto versus = [](const char* phase, double orm, double sa) {
      std::printf("%-8s %12.1f %14.1f %9.1fx\n", phase, orm, sa, sa / orm);
    };
    versus("write", best_orm.write_ms, sa_write);
    versus("read", best_orm.read_ms, sa_read);
    versus("total", best_orm.write_ms + best_orm.read_ms, sa_write + sa_read);
  }
  return 0;
}
