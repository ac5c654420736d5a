// COMMIT failures of every kind the databases produce, on SQLite and
// PostgreSQL: SQLite busy at COMMIT, a deferred foreign key checked at COMMIT
// (both), PostgreSQL's serialization failure (40001) and a backend terminated
// as COMMIT goes out. After each: the session needs rollback(), nothing of the
// transaction is stored, rollback() makes the flushed objects transient again,
// the pool hands out a clean connection and the next transaction works.
// (Stopping the whole server between flush and commit is in
// postgres_faults_test, which owns the server.)
#include <chrono>
#include <thread>

#include "retort/engine/connection.hpp"
#include "support/orm_fixture.hpp"

namespace {

using fixtures::User;
using retort::testing::backend;
using retort::testing::orm_test;
namespace sql = retort::sql;

class commit_faults : public orm_test {
 protected:
  std::int64_t stored_users() {
    auto s = session();
    return s.query<User>().count();
  }

  /// What every failed COMMIT must leave: a session that refuses work until
  /// rollback(), then is usable, with `lost` transient again and nothing stored.
  void expect_recovers(retort::session& s, retort::ptr<User>& lost) {
    EXPECT_THROW(s.commit(), retort::PendingRollbackError);  // never "succeeds" for work not stored
    EXPECT_THROW(s.query<User>().count(), retort::PendingRollbackError);
    EXPECT_THROW(s.add(User{.username = "during"}), retort::PendingRollbackError);
    EXPECT_FALSE(s.in_transaction());  // the connection went back to the pool, rolled back
    s.rollback();
    EXPECT_FALSE(s.contains(lost));
    EXPECT_EQ(lost.state()->status, retort::orm::status::transient);
    EXPECT_EQ(lost->id, 0);  // the key of the rolled-back row is gone
    EXPECT_EQ(stored_users(), 0);
    // The pool's connection is clean (SQLite: no write transaction left open)
    // and the next transaction works, from this session and from a new one.
    s.add(lost);
    s.commit();
    auto other = session();
    other.add(User{.username = "next"});
    other.commit();
    EXPECT_EQ(stored_users(), 2);
  }
};
RETORT_ORM_SUITE(commit_faults);

TEST_P(commit_faults, a_deferred_foreign_key_fails_at_commit_and_nothing_is_stored) {
  {
    auto c = db().engine().connect();
    c.execute_ddl(
        "CREATE TABLE dfk_child (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES \"user\" (id) DEFERRABLE "
        "INITIALLY DEFERRED)");
  }
  auto s = session();
  auto u = s.add(User{.username = "lost"});
  s.flush();
  EXPECT_NE(u->id, 0);
  s.connection().execute(sql::insert("dfk_child").columns({"id", "user_id"}).row({1, 999}));  // checked at COMMIT
  try {
    s.commit();
    FAIL() << "expected IntegrityError at COMMIT";
  } catch (const retort::IntegrityError& e) {
    EXPECT_EQ(e.info().sqlstate, "23503") << e.what();
    EXPECT_EQ(e.info().statement, "COMMIT") << e.what();
  }
  expect_recovers(s, u);
  auto c = db().engine().connect();
  EXPECT_EQ(c.execute(sql::select({sql::count()}).from("dfk_child")).scalar().as_int(), 0);
}

TEST_P(commit_faults, sqlite_busy_at_commit_needs_rollback_and_releases_the_file) {
  if (!caps().file_locks) GTEST_SKIP() << "SQLite's file locking";
  // A rollback journal (not WAL) and no busy wait: a reader's SHARED lock makes the writer's COMMIT fail.
  // A file of its own: the fixture's is in WAL mode already.
  auto url = retort::testing::fresh_url(backend::sqlite) + "?journal_mode=delete&timeout=0";
  retort::database writer(url);
  writer.create_all();
  retort::database reader_db(url);
  auto reader = reader_db.engine().connect();
  auto rtx = reader.begin();
  reader.execute(sql::select({sql::count()}).from("user"));  // holds SHARED until rtx ends

  auto w = writer.session();
  auto item = w.add(User{.username = "w1"});
  try {
    w.commit();
    FAIL() << "expected OperationalError (database is locked)";
  } catch (const retort::OperationalError& e) {
    EXPECT_NE(std::string(e.what()).find("locked"), std::string::npos) << e.what();
  }
  EXPECT_THROW(w.commit(), retort::PendingRollbackError);  // before the fix: returned normally, w1 lost
  rtx.rollback();
  reader.close();
  w.rollback();
  EXPECT_EQ(item.state()->status, retort::orm::status::transient);
  EXPECT_EQ(item->id, 0);
  // The writer's pooled connection has no transaction left open: a new
  // session begins and commits, and another engine on the file can write.
  auto w2 = writer.session();
  w2.add(User{.username = "w2"});
  w2.commit();
  auto r2 = reader_db.session();
  r2.add(User{.username = "r2"});
  r2.commit();
  EXPECT_EQ(writer.session().query<User>().count(), 2);
}

TEST_P(commit_faults, postgres_serialization_failure_at_commit) {
  if (!caps().serializable_conflicts) GTEST_SKIP() << "PostgreSQL's SERIALIZABLE";
  auto s1 = session();
  auto s2 = session();
  for (auto* s : {&s1, &s2}) s->connection().execute_ddl("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE");
  // Write skew: each reads what the other inserts.
  EXPECT_EQ(s1.query<User>().where(retort::col<&User::username> == "b").count(), 0);
  EXPECT_EQ(s2.query<User>().where(retort::col<&User::username> == "a").count(), 0);
  s1.add(User{.username = "a"});
  s1.flush();
  auto b = s2.add(User{.username = "b"});
  s2.flush();
  s1.commit();
  try {
    s2.commit();
    FAIL() << "expected a serialization failure at COMMIT";
  } catch (const retort::OperationalError& e) {
    EXPECT_EQ(e.info().sqlstate, "40001") << e.what();
  }
  EXPECT_THROW(s2.commit(), retort::PendingRollbackError);
  s2.rollback();
  EXPECT_EQ(b->id, 0);
  EXPECT_EQ(stored_users(), 1);  // only s1's row
  s2.add(b);
  s2.commit();  // the retry works
  EXPECT_EQ(stored_users(), 2);
}

TEST_P(commit_faults, postgres_backend_terminated_as_commit_goes_out) {
  if (!caps().server_backends) GTEST_SKIP() << "PostgreSQL's backends";
  auto s = session();
  auto u = s.add(User{.username = "lost"});
  s.flush();
  auto pid = s.connection().execute("SELECT pg_backend_pid()").scalar().as_int();
  retort::engine::engine admin(url_);
  bool armed = true;
  auto id = db().engine().listen([&](const retort::engine::statement_event& ev) {
    if (!armed || !ev.control || ev.sql != "COMMIT") return;
    armed = false;
    auto c = admin.connect();
    c.execute("SELECT pg_terminate_backend(CAST($1 AS INTEGER))", std::vector<sql::value>{sql::value(pid)});
    for (int i = 0; i < 200; ++i) {  // bounded: until the backend is gone
      auto n = c.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = CAST($1 AS INTEGER)", std::vector<sql::value>{sql::value(pid)});
      if (n.scalar().as_int() == 0) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
  try {
    s.commit();
    FAIL() << "expected OperationalError";
  } catch (const retort::OperationalError& e) {
    EXPECT_EQ(e.info().sqlstate.substr(0, 2), "08") << e.what();
  }
  db().engine().unlisten(id);
  expect_recovers(s, u);
}

TEST_P(commit_faults, close_after_a_flush_leaves_no_key_of_a_rolled_back_row) {
  auto u = [&] {
    auto s = session();
    auto u = s.add(User{.username = "flushed"});
    s.flush();
    EXPECT_NE(u->id, 0);
    s.close();  // rolls the INSERT back
    return u;
  }();
  EXPECT_EQ(u.state()->status, retort::orm::status::transient);
  EXPECT_EQ(u->id, 0);
  // Another session takes the key the rolled-back row had.
  auto other = session();
  auto taker = other.add(User{.username = "taker"});
  other.commit();
  // Re-adding the object inserts it anew; before the fix it was an UPDATE of
  // "taker"'s row (SQLite) or a silent no-op (PostgreSQL).
  auto s3 = session();
  s3.add(u);
  s3.commit();
  auto check = session();
  EXPECT_EQ(check.query<User>().count(), 2);
  EXPECT_TRUE(check.query<User>().where(retort::col<&User::username> == "taker").first());
  EXPECT_NE(u->id, taker->id);
}

TEST_P(commit_faults, the_session_destructor_after_a_flush_also_forgets_the_key) {
  retort::ptr<User> u;
  {
    auto s = session();
    u = s.add(User{.username = "flushed"});
    s.flush();
  }
  EXPECT_EQ(u.state()->status, retort::orm::status::transient);
  EXPECT_EQ(u->id, 0);
  auto s = session();
  s.add(u);
  s.commit();
  EXPECT_EQ(stored_users(), 1);
}

TEST_P(commit_faults, close_after_a_flushed_delete_leaves_the_object_detached_and_the_row_stored) {
  {
    auto s = session();
    s.add(User{.username = "kept"});
    s.commit();
  }
  auto s = session();
  auto u = s.get<User>(1);
  s.delete_(u);
  s.flush();
  s.close();
  EXPECT_EQ(u.state()->status, retort::orm::status::detached);
  EXPECT_EQ(stored_users(), 1);
}

}  // namespace
