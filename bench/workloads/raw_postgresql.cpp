// The hand-written side of the seven workloads on libpq (workloads.hpp says
// what each does): "the limit", written as an expert writes it. Prepared
// statements for whatever runs more than once, multi-row INSERTs, a pipeline
// for the per-row UPDATEs, one transaction per workload, rows copied into plain
// structs and held until the workload returns, as the ORM side holds its
// objects. Parameters and results travel as text. Any error ends the process.
#include <libpq-fe.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "raw_rows.hpp"
#include "workloads.hpp"

namespace {

struct result_deleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using result = std::unique_ptr<PGresult, result_deleter>;

long integer(const result& r, int row, int col) { return std::strtol(PQgetvalue(r.get(), row, col), nullptr, 10); }
std::string text(const result& r, int row, int col) {
  return {PQgetvalue(r.get(), row, col), static_cast<std::size_t>(PQgetlength(r.get(), row, col))};
}

using bench::raw::post_row;
using bench::raw::tag_row;
using bench::raw::title_row;
using bench::raw::user_row;

/// Row `i` of a SELECT id, title, content, user_id.
post_row read_post(const result& r, int i) { return {integer(r, i, 0), text(r, i, 1), text(r, i, 2), integer(r, i, 3)}; }
/// Row `i` of a SELECT id, username.
user_row read_user(const result& r, int i) { return {integer(r, i, 0), text(r, i, 1)}; }

class raw_postgresql final : public bench::implementation {
 public:
  explicit raw_postgresql(const std::string& conninfo) : conn_(PQconnectdb(conninfo.c_str())) {
    if (!conn_ || PQstatus(conn_) != CONNECTION_OK) {
      std::fprintf(stderr, "postgresql: %s", conn_ ? PQerrorMessage(conn_) : "out of memory\n");
      std::exit(1);
    }
    // DROP TABLE IF EXISTS says NOTICE when there was nothing to drop; not worth a line on stderr.
    PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
  }
  ~raw_postgresql() override { PQfinish(conn_); }
  raw_postgresql(const raw_postgresql&) = delete;
  raw_postgresql& operator=(const raw_postgresql&) = delete;

  void reset() override {
    command("DEALLOCATE ALL");  // prepared statements name the old tables; start afresh
    prepared_.clear();
    command("DROP TABLE IF EXISTS post_tag, post, tag, \"user\" CASCADE");
    command("CREATE TABLE \"user\" (id SERIAL NOT NULL, username VARCHAR(50) NOT NULL, PRIMARY KEY (id))");
    command("CREATE TABLE post (id SERIAL NOT NULL, title VARCHAR(100) NOT NULL, content TEXT NOT NULL, "
            "user_id INTEGER NOT NULL, PRIMARY KEY (id), FOREIGN KEY(user_id) REFERENCES \"user\" (id))");
    command("CREATE INDEX ix_post_user_id ON post (user_id)");
    command("CREATE TABLE tag (id SERIAL NOT NULL, name VARCHAR(50) NOT NULL, PRIMARY KEY (id), UNIQUE (name))");
    command("CREATE TABLE post_tag (post_id INTEGER NOT NULL, tag_id INTEGER NOT NULL, PRIMARY KEY (post_id, tag_id), "
            "FOREIGN KEY(post_id) REFERENCES post (id), FOREIGN KEY(tag_id) REFERENCES tag (id))");
  }

  // Parents before children, each table in multi-row INSERTs; the ids come back
  // from RETURNING in VALUES order.
  bench::checksum w1_create(long n) override {
    bench::checksum out;
    command("BEGIN");
    std::vector<long> tag_ids, user_ids, post_ids;
    insert_rows("tag", "INSERT INTO tag (name)", 1, " RETURNING id", bench::tag_count, &tag_ids,
                [](long t, std::vector<std::string>& v) { v.push_back(bench::tag_name(t)); });
    out.a = insert_rows("user", "INSERT INTO \"user\" (username)", 1, " RETURNING id", n, &user_ids,
                        [](long u, std::vector<std::string>& v) { v.push_back(bench::username(u)); });
    out.b = insert_rows("post", "INSERT INTO post (title, content, user_id)", 3, " RETURNING id",
                        n * bench::posts_per_user, &post_ids, [&user_ids](long g, std::vector<std::string>& v) {
                          long u = g / bench::posts_per_user, p = g % bench::posts_per_user;
                          v.push_back(bench::title(u, p));
                          v.push_back(bench::content(u, p));
                          v.push_back(std::to_string(user_ids[static_cast<std::size_t>(u)]));
                        });
    out.c = insert_rows("post_tag", "INSERT INTO post_tag (post_id, tag_id)", 2, "",
                        n * bench::posts_per_user * bench::tags_per_post, nullptr,
                        [&](long r, std::vector<std::string>& v) {
                          long g = r / bench::tags_per_post, k = r % bench::tags_per_post;
                          v.push_back(std::to_string(post_ids[static_cast<std::size_t>(g)]));
                          v.push_back(std::to_string(tag_ids[static_cast<std::size_t>(bench::tag_of(g, k))]));
                        });
    command("COMMIT");
    return out;
  }

  bench::checksum w2_users_with_posts() override {
    bench::checksum out;
    command("BEGIN");
    std::vector<user_row> users;
    std::unordered_map<long, std::size_t> by_id;  // user id -> index in users
    {
      auto ru = select("SELECT id, username FROM \"user\"");
      int rows = PQntuples(ru.get());
      users.reserve(static_cast<std::size_t>(rows));
      by_id.reserve(static_cast<std::size_t>(rows));
      for (int i = 0; i < rows; ++i) {
        users.push_back(read_user(ru, i));
        by_id.emplace(users.back().id, users.size() - 1);
      }
      auto rp = select("SELECT id, title, content, user_id FROM post");
      for (int i = 0, end = PQntuples(rp.get()); i < end; ++i) {
        auto post = read_post(rp, i);
        users[by_id.at(post.user_id)].posts.push_back(std::move(post));
      }
    }
    command("COMMIT");
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
    command("BEGIN");
    std::vector<user_row> users;
    {
      auto ru = select("SELECT id, username FROM \"user\" WHERE id <= 1000 ORDER BY id");
      for (int i = 0, end = PQntuples(ru.get()); i < end; ++i) users.push_back(read_user(ru, i));
    }
    prepare("w3_posts", "SELECT id, title, content, user_id FROM post WHERE user_id = $1 ORDER BY id", 1);
    for (auto& user : users) {
      ++out.a;
      auto id = std::to_string(user.id);
      const char* values[] = {id.c_str()};
      auto rp = run("w3_posts", 1, values, PGRES_TUPLES_OK);
      for (int i = 0, end = PQntuples(rp.get()); i < end; ++i) user.posts.push_back(read_post(rp, i));
      for (const auto& post : user.posts) {
        ++out.b;
        out.c += post.id;
      }
    }
    command("COMMIT");
    return out;
  }

  bench::checksum w4_tag_histogram() override {
    bench::checksum out;
    command("BEGIN");
    std::unordered_map<long, tag_row> tags;
    std::vector<post_row> posts;
    std::unordered_map<long, std::size_t> post_index;  // post id -> index in posts
    {
      auto rt = select("SELECT id, name FROM tag");
      for (int i = 0, end = PQntuples(rt.get()); i < end; ++i) {
        long id = integer(rt, i, 0);
        tags.emplace(id, tag_row{id, text(rt, i, 1)});
      }
      auto rp = select("SELECT id, title, content, user_id FROM post");
      int rows = PQntuples(rp.get());
      posts.reserve(static_cast<std::size_t>(rows));
      post_index.reserve(static_cast<std::size_t>(rows));
      for (int i = 0; i < rows; ++i) {
        posts.push_back(read_post(rp, i));
        post_index.emplace(posts.back().id, posts.size() - 1);
      }
      auto rl = select("SELECT post_id, tag_id FROM post_tag");
      for (int i = 0, end = PQntuples(rl.get()); i < end; ++i)
        posts[post_index.at(integer(rl, i, 0))].tags.push_back(&tags.at(integer(rl, i, 1)));
    }
    command("COMMIT");
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
    auto prepare_get = [this] { prepare("w5_get", "SELECT id, username FROM \"user\" WHERE id = $1", 1); };
    auto get = [this](long id) {
      auto text_id = std::to_string(id);
      const char* values[] = {text_id.c_str()};
      return run("w5_get", 1, values, PGRES_TUPLES_OK);
    };
    if (fresh_sessions) {
      // Autocommit: each get is a statement of its own, as each fresh session's is.
      prepare_get();
      for (long i = 0; i < 10'000; ++i) {
        auto r = get((i * 7919) % n + 1);
        if (PQntuples(r.get()) == 1) touch(read_user(r, 0));
      }
      return out;
    }
    command("BEGIN");
    std::unordered_map<long, user_row> users;
    {
      auto r = select("SELECT id, username FROM \"user\"");
      int rows = PQntuples(r.get());
      users.reserve(static_cast<std::size_t>(rows));
      for (int i = 0; i < rows; ++i) {
        auto user = read_user(r, i);
        long id = user.id;
        users.emplace(id, std::move(user));
      }
    }
    for (long i = 0; i < 100'000; ++i) {
      long id = (i * 7919) % n + 1;
      auto it = users.find(id);
      if (it == users.end()) {  // a miss goes to the database, as the identity map's would
        prepare_get();
        auto r = get(id);
        if (PQntuples(r.get()) != 1) continue;
        it = users.emplace(id, read_user(r, 0)).first;
      }
      touch(it->second);
    }
    command("COMMIT");
    return out;
  }

  bench::checksum w6_edit_titles(long n) override {
    bench::checksum out;
    command("BEGIN");
    std::vector<title_row> posts;
    {
      auto limit = std::to_string(n);
      auto r = select("SELECT id, title FROM post WHERE id <= $1", {limit});
      int rows = PQntuples(r.get());
      posts.reserve(static_cast<std::size_t>(rows));
      for (int i = 0; i < rows; ++i) posts.push_back({integer(r, i, 0), text(r, i, 1)});
    }
    prepare("w6_update", "UPDATE post SET title = $1 WHERE id = $2", 2);
    // One pipeline: every UPDATE is sent before any result is read, so the rows
    // share one round trip. (In blocking mode libpq reads incoming results
    // whenever the socket will not take more, so a long pipeline cannot deadlock.)
    if (PQenterPipelineMode(conn_) != 1) fail("PQenterPipelineMode");
    for (auto& post : posts) {
      post.title = "edited " + post.title;
      auto id = std::to_string(post.id);
      const char* values[] = {post.title.c_str(), id.c_str()};
      if (PQsendQueryPrepared(conn_, "w6_update", 2, values, nullptr, nullptr, 0) != 1) fail("PQsendQueryPrepared");
      out.b += static_cast<long>(post.title.size());
      out.c += post.id;
    }
    if (PQpipelineSync(conn_) != 1) fail("PQpipelineSync");
    for (std::size_t i = 0; i < posts.size(); ++i) {
      auto r = check(PQgetResult(conn_), PGRES_COMMAND_OK);
      out.a += std::strtol(PQcmdTuples(r.get()), nullptr, 10);
      if (PQgetResult(conn_) != nullptr) fail("pipeline: more than one result for an UPDATE");
    }
    check(PQgetResult(conn_), PGRES_PIPELINE_SYNC);
    if (PQexitPipelineMode(conn_) != 1) fail("PQexitPipelineMode");
    command("COMMIT");
    return out;
  }

  bench::checksum w7_delete_cascade() override {
    bench::checksum out;
    command("BEGIN");
    out.c = affected("DELETE FROM post_tag WHERE post_id IN (SELECT id FROM post WHERE user_id <= 1000)");
    out.b = affected("DELETE FROM post WHERE user_id <= 1000");
    out.a = affected("DELETE FROM \"user\" WHERE id <= 1000");
    command("COMMIT");
    return out;
  }

  bench::fingerprint state() override {
    bench::fingerprint f{};
    auto r = select(bench::fingerprint_sql);
    if (PQntuples(r.get()) != 1) fail("fingerprint: no row");
    for (std::size_t i = 0; i < f.size(); ++i) f[i] = integer(r, 0, static_cast<int>(i));
    return f;
  }

 private:
  [[noreturn]] void fail(const char* what) {
    std::fprintf(stderr, "postgresql: %s: %s", what, PQerrorMessage(conn_));
    std::exit(1);
  }

  /// The result, if its status is `want`; otherwise the server's message and exit.
  result check(PGresult* raw, ExecStatusType want) {
    result r(raw);
    if (!r) fail("no result");
    if (PQresultStatus(r.get()) != want) {
      std::fprintf(stderr, "postgresql: %s", PQresultErrorMessage(r.get()));
      std::exit(1);
    }
    return r;
  }

  void command(const char* sql) { check(PQexec(conn_, sql), PGRES_COMMAND_OK); }

  /// A statement run once: the unnamed statement, one round trip.
  result select(const char* sql, const std::vector<std::string>& params = {}) {
    std::vector<const char*> values;
    for (const auto& p : params) values.push_back(p.c_str());
    return check(PQexecParams(conn_, sql, static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0),
                 PGRES_TUPLES_OK);
  }

  long affected(const char* sql) {
    auto r = check(PQexecParams(conn_, sql, 0, nullptr, nullptr, nullptr, nullptr, 0), PGRES_COMMAND_OK);
    return std::strtol(PQcmdTuples(r.get()), nullptr, 10);
  }

  /// Prepares `sql` as `name` the first time this connection needs it.
  void prepare(const std::string& name, const std::string& sql, int params) {
    if (prepared_.insert(name).second) check(PQprepare(conn_, name.c_str(), sql.c_str(), params, nullptr), PGRES_COMMAND_OK);
  }

  result run(const std::string& name, int count, const char* const* values, ExecStatusType want) {
    return check(PQexecPrepared(conn_, name.c_str(), count, values, nullptr, nullptr, 0), want);
  }

  /// `head` VALUES (...), (...) `tail` for `rows` rows of `width` values each,
  /// in batches of up to 1,000 rows, one prepared statement per batch size;
  /// fill(row, values) appends a row's values. With `ids`, the statement's
  /// RETURNING id values are appended in order. Returns the rows inserted.
  template <class Fill>
  long insert_rows(const char* key, const char* head, int width, const char* tail, long rows, std::vector<long>* ids,
                   Fill fill) {
    constexpr long batch = 1000;
    std::vector<std::string> values;
    std::vector<const char*> pointers;
    values.reserve(static_cast<std::size_t>(batch * width));
    pointers.reserve(static_cast<std::size_t>(batch * width));
    long inserted = 0;
    for (long first = 0; first < rows; first += batch) {
      long count = std::min(batch, rows - first);
      values.clear();
      for (long row = first; row < first + count; ++row) fill(row, values);
      pointers.clear();  // after the fill: short strings live inside the vector's elements
      for (const auto& v : values) pointers.push_back(v.c_str());
      auto name = std::string("insert_") + key + "_" + std::to_string(count);
      if (!prepared_.count(name)) {
        std::string sql = std::string(head) + " VALUES ";
        for (long row = 0, param = 1; row < count; ++row) {
          sql += row ? ", (" : "(";
          for (int c = 0; c < width; ++c, ++param) sql += (c ? ", $" : "$") + std::to_string(param);
          sql += ')';
        }
        prepare(name, sql + tail, static_cast<int>(count * width));
      }
      auto r = run(name, static_cast<int>(pointers.size()), pointers.data(), ids ? PGRES_TUPLES_OK : PGRES_COMMAND_OK);
      if (ids) {
        for (int i = 0, end = PQntuples(r.get()); i < end; ++i) ids->push_back(integer(r, i, 0));
        inserted += PQntuples(r.get());
      } else {
        inserted += std::strtol(PQcmdTuples(r.get()), nullptr, 10);
      }
    }
    return inserted;
  }

  PGconn* conn_;
  std::unordered_set<std::string> prepared_;  // names prepared on this connection
};

}  // namespace

std::unique_ptr<bench::implementation> bench::make_raw_postgresql(const std::string& conninfo) {
  return std::make_unique<raw_postgresql>(conninfo);
}
