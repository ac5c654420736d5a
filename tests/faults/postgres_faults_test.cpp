// PostgreSQL faults against the real throwaway server, which these tests stop
// and start (scripts/test exports RETORT_TEST_PG_CTL for that): unreachable
// server, restart while the pool holds connections, connection lost in the
// middle of a transaction. Registered RUN_SERIAL: nothing else may use the
// server meanwhile.
#include <cstdlib>
#include <thread>

#include "retort/engine/connection.hpp"
#include "support/orm_fixture.hpp"

namespace {

using fixtures::User;
using retort::testing::backend;
namespace sql = retort::sql;

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

class postgres_faults : public ::testing::TestWithParam<backend> {
 protected:
  void SetUp() override {
    ctl_ = env("RETORT_TEST_PG_CTL");
    if (ctl_.empty()) {
      // A server of the user's (RETORT_TEST_POSTGRES_URL without the script's
      // cluster) is not ours to stop; without any server, CI fails below.
      if (retort::testing::under_ci() && env("RETORT_TEST_POSTGRES_URL").empty())
        FAIL() << "no PostgreSQL under CI: scripts/test starts one";
      GTEST_SKIP() << "[retort-skip: no server of ours] RETORT_TEST_PG_CTL is not set: the fault tests need a "
                      "server they may stop and start";
    }
    url_ = retort::testing::fresh_url(GetParam());
    RETORT_REQUIRE_URL(url_);
  }
  void TearDown() override {
    if (stopped_) start();
  }
  /// fast: clients are cut off, but commits reach disk (the test server runs with synchronous_commit=off);
  /// immediate: a crash, recovered from the WAL at the next start.
  void stop(const std::string& mode = "fast") {
    ASSERT_EQ(retort::testing::run_without_inherited_fds(ctl_ + " -m " + mode + " -w -t 30 stop >/dev/null"), 0);
    stopped_ = true;
  }
  void start() {
    auto cmd = ctl_ + " -w -t 60 -l " + env("RETORT_TEST_PG_LOG") + " -o \"" + env("RETORT_TEST_PG_START_OPTS") +
               "\" start >/dev/null";
    ASSERT_EQ(retort::testing::run_without_inherited_fds(cmd), 0);  // the server must not inherit a lock fd
    stopped_ = false;
  }
  std::string ctl_, url_;
  bool stopped_ = false;
};
INSTANTIATE_TEST_SUITE_P(, postgres_faults, ::testing::Values(backend::postgres), retort::testing::backend_param_name);

/// host:port of the test server, from its URL.
std::string host_and_port(const std::string& url) {
  auto at = url.find('@') + 1;
  return url.substr(at, url.find('/', at) - at);
}

TEST_P(postgres_faults, unreachable_server_names_host_and_port) {
  retort::engine::engine e(url_);
  { e.connect().execute(sql::select({sql::count()})); }  // reachable now
  e.pool().dispose();
  stop();
  auto begin = std::chrono::steady_clock::now();
  try {
    auto c = e.connect();
    FAIL() << "connected to a stopped server?";
  } catch (const retort::OperationalError& err) {
    EXPECT_NE(std::string(err.what()).find("at " + host_and_port(url_) + ":"), std::string::npos) << err.what();
    EXPECT_EQ(err.info().sqlstate, "08001");
  }
  EXPECT_LT(std::chrono::steady_clock::now() - begin, std::chrono::seconds(10));  // refused, not hung
  start();
  EXPECT_EQ(e.connect().execute(sql::select({sql::count()})).scalar().as_int(), 1);  // and back
}

TEST_P(postgres_faults, an_unreachable_socket_directory_is_named) {
  retort::engine::engine e("postgresql://postgres@/none?host=/nonexistent-dir&port=5999");
  try {
    auto c = e.connect();
    FAIL() << "connected?";
  } catch (const retort::OperationalError& err) {
    EXPECT_NE(std::string(err.what()).find("/nonexistent-dir/.s.PGSQL.5999"), std::string::npos) << err.what();
  }
}

TEST_P(postgres_faults, restart_while_the_pool_holds_connections) {
  retort::engine::engine e(url_);
  auto backend_pid = [](retort::engine::connection& c) {
    return c.execute("SELECT pg_backend_pid()").scalar().as_int();
  };
  std::int64_t before_a = 0, before_b = 0;
  {
    auto a = e.connect();
    auto b = e.connect();
    a.execute_ddl("CREATE TABLE t (x INTEGER)");
    before_a = backend_pid(a);
    before_b = backend_pid(b);
  }
  ASSERT_EQ(e.pool().idle(), 2u);
  stop();
  start();
  // Both idle connections are dead; pre-ping notices at checkout and reconnects.
  auto a = e.connect();
  auto b = e.connect();
  auto after_a = backend_pid(a), after_b = backend_pid(b);
  EXPECT_NE(after_a, before_a);
  EXPECT_NE(after_a, before_b);
  EXPECT_NE(after_b, before_a);
  EXPECT_NE(after_b, before_b);
  a.execute(sql::insert("t").columns({"x"}).row({1}));
  EXPECT_EQ(b.execute(sql::select({sql::count()}).from("t")).scalar().as_int(), 1);
}

TEST_P(postgres_faults, connection_lost_mid_transaction_commits_nothing) {
  retort::database db(url_);
  db.create_all();
  auto s = db.session();
  s.add(User{.username = "before"});
  s.commit();
  auto lost = s.add(User{.username = "lost"});
  s.flush();  // the INSERT ran inside the open transaction
  stop();
  EXPECT_THROW(s.commit(), retort::OperationalError);
  start();
  EXPECT_THROW(s.commit(), retort::PendingRollbackError);  // never a success for work not stored
  s.rollback();  // usable again
  EXPECT_EQ(lost.state()->status, retort::orm::status::transient);
  EXPECT_EQ(lost->id, 0);
  EXPECT_EQ(s.query<User>().count(), 1);  // nothing partial was committed
  s.add(User{.username = "after"});
  s.commit();
  auto s2 = db.session();
  EXPECT_EQ(s2.query<User>().count(), 2);
}

// The server goes down as the COMMIT goes out (a fast stop: the test server
// runs with synchronous_commit=off, so a crash would also lose the schema):
// nothing was committed, and the session must say so.
TEST_P(postgres_faults, server_stopped_as_commit_goes_out) {
  retort::database db(url_);
  db.create_all();
  auto s = db.session();
  auto lost = s.add(User{.username = "lost"});
  s.flush();
  bool armed = true;
  auto id = db.engine().listen([&](const retort::engine::statement_event& ev) {
    if (armed && ev.control && ev.sql == "COMMIT") {
      armed = false;
      stop();
    }
  });
  EXPECT_THROW(s.commit(), retort::OperationalError);
  db.engine().unlisten(id);
  start();
  EXPECT_THROW(s.query<User>().count(), retort::PendingRollbackError);
  s.rollback();
  EXPECT_EQ(lost->id, 0);
  EXPECT_EQ(s.query<User>().count(), 0);
  s.add(lost);
  s.commit();  // the pool replaced the dead connection
  EXPECT_EQ(db.session().query<User>().count(), 1);
}

TEST_P(postgres_faults, a_query_on_a_dead_connection_is_an_operational_error) {
  retort::engine::engine e(url_);
  auto c = e.connect();
  auto tx = c.begin();
  stop();
  EXPECT_THROW(c.execute(sql::select({sql::count()})), retort::OperationalError);
  EXPECT_TRUE(c.invalidated());
  start();
  tx.rollback();  // nothing to send on a dead connection; no error
  c.close();      // discarded by the pool, not reused
  EXPECT_EQ(e.pool().idle(), 0u);
  EXPECT_EQ(e.connect().execute(sql::select({sql::count()})).scalar().as_int(), 1);
}

TEST_P(postgres_faults, a_crash_mid_transaction_invalidates_the_connection_and_keeps_nothing) {
  retort::engine::engine e(url_);
  auto c = e.connect();
  // The server runs with synchronous_commit=off, and a crash loses the last commits; this one must survive.
  c.execute_ddl("SET synchronous_commit TO on");
  c.execute_ddl("CREATE TABLE t (x INTEGER)");
  auto tx = c.begin();
  c.execute(sql::insert("t").columns({"x"}).row({1}));
  stop("immediate");
  start();
  try {
    c.execute(sql::insert("t").columns({"x"}).row({2}));
    FAIL() << "expected OperationalError";
  } catch (const retort::OperationalError& err) {
    EXPECT_EQ(err.info().sqlstate.substr(0, 2), "08") << err.what();
  }
  EXPECT_TRUE(c.invalidated());
  tx.rollback();
  c.close();
  EXPECT_EQ(e.connect().execute(sql::select({sql::count()}).from("t")).scalar().as_int(), 0);
}

}  // namespace
