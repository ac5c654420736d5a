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
      if (std::getenv("CI")) FAIL() << "RETORT_TEST_PG_CTL is not set under CI";
      GTEST_SKIP() << "RETORT_TEST_PG_CTL is not set: the fault tests need a server they may restart";
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
    ASSERT_EQ(std::system((ctl_ + " -m " + mode + " -w -t 30 stop >/dev/null").c_str()), 0);
    stopped_ = true;
  }
  void start() {
    auto cmd = ctl_ + " -w -t 60 -l " + env("RETORT_TEST_PG_LOG") + " -o \"" + env("RETORT_TEST_PG_START_OPTS") +
               "\" start >/dev/null";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    stopped_ = false;
  }
  std::string ctl_, url_;
  bool stopped_ = false;
};
INSTANTIATE_TEST_SUITE_P(, postgres_faults, ::testing::Values(backend::postgres), retort::testing::backend_param_name);

TEST_P(postgres_faults, unreachable_server_names_host_and_port) {
  retort::engine::engine e("postgresql://postgres@127.0.0.1:1/none?connect_timeout=2");
  auto begin = std::chrono::steady_clock::now();
  try {
    auto c = e.connect();
    FAIL() << "connected to port 1?";
  } catch (const retort::OperationalError& err) {
    EXPECT_NE(std::string(err.what()).find("127.0.0.1:1"), std::string::npos) << err.what();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - begin, std::chrono::seconds(10));
}

TEST_P(postgres_faults, restart_while_the_pool_holds_connections) {
  retort::engine::engine e(url_);
  { e.connect().execute_ddl("CREATE TABLE t (x INTEGER)"); }
  ASSERT_EQ(e.pool().idle(), 1u);
  stop();
  start();
  // The idle connection is dead; pre-ping notices at checkout and reconnects.
  auto c = e.connect();
  c.execute(sql::insert("t").columns({"x"}).row({1}));
  EXPECT_EQ(c.execute(sql::select({sql::count()}).from("t")).scalar().as_int(), 1);
}

TEST_P(postgres_faults, connection_lost_mid_transaction_commits_nothing) {
  retort::database db(url_);
  db.create_all();
  auto s = db.session();
  s.add(User{.username = "before"});
  s.commit();
  s.add(User{.username = "lost"});
  s.flush();  // the INSERT ran inside the open transaction
  stop();
  EXPECT_THROW(s.commit(), retort::OperationalError);
  start();
  s.rollback();  // usable again
  EXPECT_EQ(s.query<User>().count(), 1);  // nothing partial was committed
  s.add(User{.username = "after"});
  s.commit();
  auto s2 = db.session();
  EXPECT_EQ(s2.query<User>().count(), 2);
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
