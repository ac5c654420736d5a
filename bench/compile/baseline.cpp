// The compile-time benchmark's floor (docs/performance.md, "Compile time"):
// the seed's program written by hand on the sqlite3 C API, with the standard
// headers such a program includes. Retort's TUs are reported beside it.
#include <sqlite3.h>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

struct Post {
  int id = 0;
  std::string title;
  std::string content;
  int user_id = 0;
};
struct User {
  int id = 0;
  std::string username;
  std::vector<Post> posts;
};

struct db {
  sqlite3* h = nullptr;
  explicit db(const std::string& path) {
    if (sqlite3_open(path.c_str(), &h) != SQLITE_OK) throw std::runtime_error(sqlite3_errmsg(h));
  }
  ~db() { sqlite3_close(h); }
  void exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(h, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::string what = err ? err : "error";
      sqlite3_free(err);
      throw std::runtime_error(what);
    }
  }
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> prepare(const char* sql) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(h, sql, -1, &st, nullptr) != SQLITE_OK) throw std::runtime_error(sqlite3_errmsg(h));
    return {st, &sqlite3_finalize};
  }
};

int insert_user(db& d, const std::string& name) {
  auto st = d.prepare("INSERT INTO user (username) VALUES (?)");
  sqlite3_bind_text(st.get(), 1, name.c_str(), static_cast<int>(name.size()), SQLITE_TRANSIENT);
  if (sqlite3_step(st.get()) != SQLITE_DONE) throw std::runtime_error(sqlite3_errmsg(d.h));
  return static_cast<int>(sqlite3_last_insert_rowid(d.h));
}

void insert_post(db& d, const Post& p) {
  auto st = d.prepare("INSERT INTO post (title, content, user_id) VALUES (?, ?, ?)");
  sqlite3_bind_text(st.get(), 1, p.title.c_str(), static_cast<int>(p.title.size()), SQLITE_TRANSIENT);
  sqlite3_bind_text(st.get(), 2, p.content.c_str(), static_cast<int>(p.content.size()), SQLITE_TRANSIENT);
  sqlite3_bind_int(st.get(), 3, p.user_id);
  if (sqlite3_step(st.get()) != SQLITE_DONE) throw std::runtime_error(sqlite3_errmsg(d.h));
}

std::optional<User> get_user(db& d, int id) {
  auto st = d.prepare("SELECT id, username FROM user WHERE id = ?");
  sqlite3_bind_int(st.get(), 1, id);
  if (sqlite3_step(st.get()) != SQLITE_ROW) return std::nullopt;
  User u{sqlite3_column_int(st.get(), 0), reinterpret_cast<const char*>(sqlite3_column_text(st.get(), 1)), {}};
  auto ps = d.prepare("SELECT id, title, content, user_id FROM post WHERE user_id = ? ORDER BY id");
  sqlite3_bind_int(ps.get(), 1, id);
  while (sqlite3_step(ps.get()) == SQLITE_ROW)
    u.posts.push_back({sqlite3_column_int(ps.get(), 0), reinterpret_cast<const char*>(sqlite3_column_text(ps.get(), 1)),
                       reinterpret_cast<const char*>(sqlite3_column_text(ps.get(), 2)), sqlite3_column_int(ps.get(), 3)});
  return u;
}

}  // namespace

int main() {
  try {
    db d(":memory:");
    d.exec("CREATE TABLE user (id INTEGER PRIMARY KEY, username VARCHAR(50) NOT NULL)");
    d.exec("CREATE TABLE post (id INTEGER PRIMARY KEY, title VARCHAR(100) NOT NULL, content TEXT NOT NULL, "
           "user_id INTEGER NOT NULL REFERENCES user (id))");
    d.exec("BEGIN");
    int alice = insert_user(d, "alice");
    insert_post(d, {0, "Hello", "My first post.", alice});
    insert_post(d, {0, "Relationships", "User has many posts.", alice});
    int bob = insert_user(d, "bob");
    insert_post(d, {0, "Bob's post", "Written by bob.", bob});
    d.exec("COMMIT");
    auto user = get_user(d, 1);
    std::string titles;
    for (const auto& p : user->posts) titles += (titles.empty() ? "" : ", ") + p.title;
    std::cout << "user 1 posts: " << titles << '\n';
  } catch (const std::exception& e) {
    std::cerr << "baseline: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
