// The hand-written side of the seven workloads on the sqlite3 C API
// (workloads.hpp says what each does): "the limit", written as an expert
// writes it. Prepared statements, one transaction per workload, rows copied
// into plain structs and held until the workload returns, as the ORM side
// holds its objects. Any error ends the process.
#include <sqlite3.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <unordered_map>
#include <vector>

#include "raw_rows.hpp"
#include "workloads.hpp"

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
  // SQLITE_STATIC: no copy; every caller keeps the string alive until the
  // step that uses it, and rebinds before the next one.
  void bind(int i, const std::string& v) {
    if (sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC) != SQLITE_OK) fail(db_);
  }
  /// true: a row is ready; false: done, and the statement is reset for reuse.
  bool step() {
    int rc = sqlite3_step(s_);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) fail(db_);
    sqlite3_reset(s_);
    return false;
  }
  /// Runs a statement that returns no rows.
  void run() {
    if (step()) {
      std::fprintf(stderr, "sqlite: unexpected row from %s\n", sqlite3_sql(s_));
      std::exit(1);
    }
  }
  long integer(int col) const { return static_cast<long>(sqlite3_column_int64(s_, col)); }
  std::string text(int col) const {
    // column_text before column_bytes: the documented order for text.
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s_, col));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(s_, col))) : std::string();
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* s_ = nullptr;
};

using bench::raw::post_row;
using bench::raw::tag_row;
using bench::raw::title_row;
using bench::raw::user_row;

post_row read_post(const statement& s) { return {s.integer(0), s.text(1), s.text(2), s.integer(3)}; }
user_row read_user(const statement& s) { return {s.integer(0), s.text(1)}; }

class raw_sqlite final : public bench::implementation {
 public:
  explicit raw_sqlite(const std::string& path) {
    // The same open as src/dialect/sqlite/driver.cpp: no per-call mutex (one
    // connection, one thread), a 5 s busy timeout, foreign keys, WAL.
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
    for (const char* table : {"post_tag", "post", "tag", "user"}) exec(std::string("DROP TABLE IF EXISTS ") + table);
    exec("CREATE TABLE user (id INTEGER NOT NULL, username VARCHAR(50) NOT NULL, PRIMARY KEY (id))");
    exec("CREATE TABLE post (id INTEGER NOT NULL, title VARCHAR(100) NOT NULL, content TEXT NOT NULL, "
         "user_id INTEGER NOT NULL, PRIMARY KEY (id), FOREIGN KEY(user_id) REFERENCES user (id))");
    exec("CREATE INDEX ix_post_user_id ON post (user_id)");
    exec("CREATE TABLE tag (id INTEGER NOT NULL, name VARCHAR(50) NOT NULL, PRIMARY KEY (id), UNIQUE (name))");
    exec("CREATE TABLE post_tag (post_id INTEGER NOT NULL, tag_id INTEGER NOT NULL, PRIMARY KEY (post_id, tag_id), "
         "FOREIGN KEY(post_id) REFERENCES post (id), FOREIGN KEY(tag_id) REFERENCES tag (id))");
  }

  bench::checksum w1_create(long n) override {
    bench::checksum out;
    exec("BEGIN");
    {
      statement tag(db_, "INSERT INTO tag (name) VALUES (?)");
      statement user(db_, "INSERT INTO user (username) VALUES (?)");
      statement post(db_, "INSERT INTO post (title, content, user_id) VALUES (?, ?, ?)");
      statement link(db_, "INSERT INTO post_tag (post_id, tag_id) VALUES (?, ?)");
      std::vector<long> tag_ids;  // tag index -> id
      tag_ids.reserve(bench::tag_count);
      for (long t = 0; t < bench::tag_count; ++t) {
        auto name = bench::tag_name(t);
        tag.bind(1, name);
        tag.run();
        tag_ids.push_back(static_cast<long>(sqlite3_last_insert_rowid(db_)));
      }
      for (long u = 0; u < n; ++u) {
        auto name = bench::username(u);
        user.bind(1, name);
        user.run();
        long user_id = static_cast<long>(sqlite3_last_insert_rowid(db_));
        ++out.a;
        for (long p = 0; p < bench::posts_per_user; ++p) {
          auto title = bench::title(u, p);
          auto content = bench::content(u, p);
          post.bind(1, title);
          post.bind(2, content);
          post.bind(3, user_id);
          post.run();
          long post_id = static_cast<long>(sqlite3_last_insert_rowid(db_));
          ++out.b;
          long g = u * bench::posts_per_user + p;
          for (long k = 0; k < bench::tags_per_post; ++k) {
            link.bind(1, post_id);
            link.bind(2, tag_ids[static_cast<std::size_t>(bench::tag_of(g, k))]);
            link.run();
            ++out.c;
          }
        }
      }
    }
    exec("COMMIT");
    return out;
  }

  bench::checksum w2_users_with_posts() override {
    bench::checksum out;
    exec("BEGIN");
    std::vector<user_row> users;
    std::unordered_map<long, std::size_t> by_id;  // user id -> index in users
    {
      statement su(db_, "SELECT id, username FROM user");
      while (su.step()) {
        users.push_back(read_user(su));
        by_id.emplace(users.back().id, users.size() - 1);
      }
      statement sp(db_, "SELECT id, title, content, user_id FROM post");
      while (sp.step()) {
        auto post = read_post(sp);
        users[by_id.at(post.user_id)].posts.push_back(std::move(post));
      }
    }
    exec("COMMIT");
    for (const auto& user : users) {
      ++out.a;
      for (const auto& post : user.posts) {
        ++out.b;
        out.c += static_cast<long>(post.title.size());
      }
    }
    return out;
  }

  // The N+1 loop whatever `batched` says: the baseline Retort's batching must beat.
  bench::checksum w3_lazy_posts(bool /*batched*/) override {
    bench::checksum out;
    exec("BEGIN");
    std::vector<user_row> users;
    {
      statement su(db_, "SELECT id, username FROM user WHERE id <= 1000 ORDER BY id");
      while (su.step()) users.push_back(read_user(su));
      statement sp(db_, "SELECT id, title, content, user_id FROM post WHERE user_id = ? ORDER BY id");
      for (auto& user : users) {
        ++out.a;
        sp.bind(1, user.id);
        while (sp.step()) user.posts.push_back(read_post(sp));
        for (const auto& post : user.posts) {
          ++out.b;
          out.c += post.id;
        }
      }
    }
    exec("COMMIT");
    return out;
  }

  bench::checksum w4_tag_histogram() override {
    bench::checksum out;
    exec("BEGIN");
    std::unordered_map<long, tag_row> tags;
    std::vector<post_row> posts;
    std::unordered_map<long, std::size_t> post_index;  // post id -> index in posts
    {
      statement st(db_, "SELECT id, name FROM tag");
      while (st.step()) {
        long id = st.integer(0);
        tags.emplace(id, tag_row{id, st.text(1)});
      }
      statement sp(db_, "SELECT id, title, content, user_id FROM post");
      while (sp.step()) {
        posts.push_back(read_post(sp));
        post_index.emplace(posts.back().id, posts.size() - 1);
      }
      statement sl(db_, "SELECT post_id, tag_id FROM post_tag");
      while (sl.step()) posts[post_index.at(sl.integer(0))].tags.push_back(&tags.at(sl.integer(1)));
    }
    exec("COMMIT");
    std::unordered_map<std::string, long> histogram;
    for (const auto& post : posts) {
      ++out.a;
      for (const auto* tag : post.tags) {
        ++out.b;
        ++histogram[tag->name];
      }
    }
    for (const auto& [name, count] : histogram) out.c += count * count;
    return out;
  }

  bench::checksum w5_gets(bool fresh_sessions, long n) override {
    bench::checksum out;
    auto touch = [&out](const user_row& user) {
      ++out.a;
      out.b += user.id;
      out.c += static_cast<long>(user.username.size());
    };
    statement by_id(db_, "SELECT id, username FROM user WHERE id = ?");
    if (fresh_sessions) {
      // Autocommit: each get is a statement of its own, as each fresh session's is.
      for (long i = 0; i < 10'000; ++i) {
        by_id.bind(1, (i * 7919) % n + 1);
        if (by_id.step()) {
          auto user = read_user(by_id);
          by_id.step();  // the end of the result: resets the statement
          touch(user);
        }
      }
      return out;
    }
    exec("BEGIN");
    std::unordered_map<long, user_row> users;
    {
      statement all(db_, "SELECT id, username FROM user");
      while (all.step()) {
        auto user = read_user(all);
        long id = user.id;
        users.emplace(id, std::move(user));
      }
    }
    for (long i = 0; i < 100'000; ++i) {
      long id = (i * 7919) % n + 1;
      auto it = users.find(id);
      if (it == users.end()) {  // a miss goes to the database, as the identity map's would
        by_id.bind(1, id);
        if (!by_id.step()) continue;
        it = users.emplace(id, read_user(by_id)).first;
        by_id.step();
      }
      touch(it->second);
    }
    exec("COMMIT");
    return out;
  }

  bench::checksum w6_edit_titles(long n) override {
    bench::checksum out;
    exec("BEGIN");
    std::vector<title_row> posts;
    {
      statement sp(db_, "SELECT id, title FROM post WHERE id <= ?");
      sp.bind(1, n);
      while (sp.step()) posts.push_back({sp.integer(0), sp.text(1)});
      statement up(db_, "UPDATE post SET title = ? WHERE id = ?");
      for (auto& post : posts) {
        post.title = "edited " + post.title;
        up.bind(1, post.title);
        up.bind(2, post.id);
        up.run();
        ++out.a;
        out.b += static_cast<long>(post.title.size());
        out.c += post.id;
      }
    }
    exec("COMMIT");
    return out;
  }

  bench::checksum w7_delete_cascade() override {
    bench::checksum out;
    exec("BEGIN");
    {
      statement links(db_, "DELETE FROM post_tag WHERE post_id IN (SELECT id FROM post WHERE user_id <= 1000)");
      statement posts(db_, "DELETE FROM post WHERE user_id <= 1000");
      statement users(db_, "DELETE FROM user WHERE id <= 1000");
      links.run();
      out.c = sqlite3_changes(db_);
      posts.run();
      out.b = sqlite3_changes(db_);
      users.run();
      out.a = sqlite3_changes(db_);
    }
    exec("COMMIT");
    return out;
  }

  bench::fingerprint state() override {
    bench::fingerprint f{};
    statement s(db_, bench::fingerprint_sql);
    if (!s.step()) fail(db_);
    for (std::size_t i = 0; i < f.size(); ++i) f[i] = s.integer(static_cast<int>(i));
    s.step();
    return f;
  }

 private:
  void exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::fprintf(stderr, "sqlite: %s: %s\n", sql.c_str(), err ? err : sqlite3_errmsg(db_));
      std::exit(1);
    }
  }

  sqlite3* db_ = nullptr;
};

}  // namespace

std::unique_ptr<bench::implementation> bench::make_raw_sqlite(const std::string& path) {
  return std::make_unique<raw_sqlite>(path);
}
