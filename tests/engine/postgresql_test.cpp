// The libpq driver against a real server: every value kind both ways, typed
// parameters prepared once per signature, SQLSTATEs mapped to the error family
// with table, column and constraint, quoting, RETURNING, savepoints, and lost
// connections. Backends are killed with pg_terminate_backend, never by stopping
// the server: this suite runs beside others (tests/faults stops the server).
#include <chrono>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "retort/engine/connection.hpp"
#include "retort/util/error.hpp"
#include "support/backend.hpp"

namespace {

using retort::testing::backend;
using namespace std::chrono_literals;
namespace sql = retort::sql;

class postgresql_driver : public ::testing::TestWithParam<backend> {
 protected:
  void SetUp() override {
    url_ = retort::testing::fresh_url(GetParam());
    RETORT_REQUIRE_URL(url_);
    engine_.emplace(url_);
  }
  retort::engine::engine& engine() { return *engine_; }
  void parent_and_child(retort::engine::connection& c) {
    c.execute_ddl("CREATE TABLE parent (id INTEGER PRIMARY KEY, name VARCHAR(20) NOT NULL UNIQUE)");
    c.execute_ddl("CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent (id))");
  }
  /// Server-side prepared statements of this session whose text is `sql`.
  static std::int64_t prepared(retort::engine::connection& c, const std::string& text) {
    std::vector<sql::value> p{sql::value(text)};
    return c.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement = $1", p).scalar().as_int();
  }
  static std::int64_t backend_pid(retort::engine::connection& c) {
    return c.execute("SELECT pg_backend_pid()").scalar().as_int();
  }
  /// Ends the server process behind a connection, from another one, and waits until it is gone.
  void terminate(std::int64_t pid) {
    retort::engine::engine admin(url_);
    std::vector<sql::value> p{sql::value(pid)};
    auto done = admin.connect().execute("SELECT pg_terminate_backend($1::int4, 10000)", p).scalar();
    ASSERT_TRUE(done.as_bool()) << "backend " << pid << " still alive after 10 s";
  }

  std::string url_;
  std::optional<retort::engine::engine> engine_;
};
INSTANTIATE_TEST_SUITE_P(, postgresql_driver, ::testing::Values(backend::postgres),
                         retort::testing::backend_param_name);

constexpr const char* all_kinds_table =
    "CREATE TABLE vals (i INTEGER, b BIGINT, v VARCHAR(10), t TEXT, f BOOLEAN, d DOUBLE PRECISION, "
    "n NUMERIC(10,2), dt DATE, ts TIMESTAMP, bin BYTEA)";
constexpr const char* insert_all_kinds =
    "INSERT INTO vals (i, b, v, t, f, d, n, dt, ts, bin) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
constexpr const char* select_all_kinds = "SELECT i, b, v, t, f, d, n, dt, ts, bin FROM vals ORDER BY i NULLS LAST";

retort::blob every_byte() {
  retort::blob b;
  for (int i = 0; i < 256; ++i) b.push_back(static_cast<std::uint8_t>(i));
  return b;
}

std::vector<sql::value> sample_row() {
  using std::chrono::sys_days;
  return {42,
          std::int64_t{9007199254740993},  // not representable as a double
          "héllo wörl",                    // ten characters, twelve bytes
          "it's \"quoted\"\n\ttab, ünïcødé 😀",
          true,
          1.0 / 3.0,
          retort::numeric{"12.50"},
          retort::date{std::chrono::year{2024}, std::chrono::February, std::chrono::day{29}},
          retort::date_time{sys_days{std::chrono::year{2024} / 2 / 29} + 13h + 14min + 15s + 123456us},
          every_byte()};
}

TEST_P(postgresql_driver, every_value_kind_round_trips) {
  auto c = engine().connect();
  c.execute_ddl(all_kinds_table);
  auto row = sample_row();
  EXPECT_EQ(c.execute(insert_all_kinds, row).rows_affected(), 1);
  auto r = c.execute(select_all_kinds);
  EXPECT_EQ(r.columns(), (std::vector<std::string>{"i", "b", "v", "t", "f", "d", "n", "dt", "ts", "bin"}));
  ASSERT_EQ(r.size(), 1u);
  for (std::size_t i = 0; i < row.size(); ++i) {
    EXPECT_EQ(r[0][i].kind(), row[i].kind()) << "column " << r.columns()[i];
    EXPECT_EQ(r[0][i], row[i]) << "column " << r.columns()[i] << ": " << r[0][i].repr() << " != " << row[i].repr();
  }
}

TEST_P(postgresql_driver, extremes_round_trip) {
  auto c = engine().connect();
  c.execute_ddl(all_kinds_table);
  auto lo = std::numeric_limits<std::int64_t>::min(), hi = std::numeric_limits<std::int64_t>::max();
  std::vector<sql::value> row{-2147483647 - 1, lo, "", "", false, -0.0, retort::numeric{"-99999999.99"},
                              retort::date{std::chrono::year{1}, std::chrono::January, std::chrono::day{1}},
                              retort::date_time{std::chrono::sys_days{std::chrono::year{1970} / 1 / 1}},
                              retort::blob{}};
  c.execute(insert_all_kinds, row);
  row[0] = 2147483647;
  row[1] = hi;
  row[5] = 1e308;
  c.execute(insert_all_kinds, row);
  auto r = c.execute(select_all_kinds);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0][1].as_int(), lo);
  EXPECT_EQ(r[1][1].as_int(), hi);
  EXPECT_EQ(r[0][2], sql::value(""));  // empty, not NULL
  EXPECT_EQ(r[0][6].as_numeric().text, "-99999999.99");
  EXPECT_EQ(r[0][7], row[7]);
  EXPECT_EQ(r[0][8], row[8]);
  EXPECT_EQ(r[0][9], sql::value(retort::blob{}));
  EXPECT_EQ(r[1][5].as_double(), 1e308);
}

TEST_P(postgresql_driver, nulls_of_every_kind) {
  auto c = engine().connect();
  c.execute_ddl(all_kinds_table);
  c.execute(insert_all_kinds, sample_row());
  std::vector<sql::value> nulls(10);
  c.execute(insert_all_kinds, nulls);  // same SQL, other parameter types: a second server-side statement
  auto r = c.execute(select_all_kinds);
  ASSERT_EQ(r.size(), 2u);
  for (std::size_t i = 0; i < 10; ++i) EXPECT_TRUE(r[1][i].is_null()) << "column " << r.columns()[i];
  EXPECT_EQ(r[1].get<std::optional<std::int64_t>>(1), std::nullopt);
  EXPECT_EQ(prepared(c, insert_all_kinds), 2);
}

TEST_P(postgresql_driver, the_same_sql_is_prepared_once_per_parameter_signature) {
  auto c = engine().connect();
  c.execute_ddl("CREATE TABLE t (x BIGINT)");
  const std::string ins = "INSERT INTO t (x) VALUES ($1)";
  for (int i = 0; i < 3; ++i) c.execute(ins, std::vector<sql::value>{i});
  EXPECT_EQ(prepared(c, ins), 1);
  c.execute(ins, std::vector<sql::value>{sql::value()});
  c.execute(ins, std::vector<sql::value>{7});
  EXPECT_EQ(prepared(c, ins), 2);
  EXPECT_EQ(c.execute("SELECT count(*) FROM t").scalar().as_int(), 5);
}

TEST_P(postgresql_driver, timestamptz_comes_back_in_utc_whatever_the_session_zone) {
  auto c = engine().connect();
  const auto expected = retort::date_time{std::chrono::sys_days{std::chrono::year{2024} / 1 / 1} + 21h + 34min + 5s};
  for (const char* zone : {"UTC", "Asia/Kolkata", "America/St_Johns", "-08"}) {
    c.execute_ddl(std::string("SET TIME ZONE '") + zone + "'");
    auto v = c.execute("SELECT TIMESTAMPTZ '2024-01-02 03:04:05+05:30'").scalar();
    EXPECT_EQ(v, sql::value(expected)) << zone << ": " << v.repr();
  }
}

TEST_P(postgresql_driver, other_types_come_back_as_text) {
  auto c = engine().connect();
  auto r = c.execute("SELECT '{\"a\": 1}'::jsonb, 'infinity'::date, INTERVAL '1 day', 5::int2, 1.5::real");
  EXPECT_EQ(r[0][0], sql::value(sql::json_text{"{\"a\": 1}"}));  // json and jsonb: a JSON document's text
  EXPECT_EQ(r[0][1], sql::value("infinity"));
  EXPECT_EQ(r[0][2], sql::value("1 day"));
  EXPECT_EQ(r[0][3], sql::value(5));
  EXPECT_EQ(r[0][4], sql::value(1.5));
}

TEST_P(postgresql_driver, reserved_table_names_are_quoted) {
  auto c = engine().connect();
  sql::table user("user");
  user.add(sql::column{.name = "id", .sql_type = {sql::type_kind::integer}, .nullable = false, .primary_key = true,
                       .autoincrement = true});
  user.add(sql::column{.name = "name", .sql_type = {sql::type_kind::string, 50}});
  auto ddl = sql::create_table(user, c.dialect());
  EXPECT_NE(ddl.find("\"user\""), std::string::npos) << ddl;
  c.execute_ddl(ddl);
  auto ins = sql::insert("user").columns({"name"}).row({"alice"}).returning({"id"});
  EXPECT_NE(sql::compile(ins, c.dialect()).sql.find("INSERT INTO \"user\""), std::string::npos);
  EXPECT_EQ(c.execute(ins).scalar().as_int(), 1);
  auto name = sql::column_ref<std::string>("user", "name");
  EXPECT_EQ(c.execute(sql::select({name}).from("user")).scalar(), sql::value("alice"));
  EXPECT_THROW(c.execute("SELECT name FROM user"), retort::ProgrammingError);  // unquoted: a syntax error
}

TEST_P(postgresql_driver, unique_violation_names_table_and_constraint) {
  auto c = engine().connect();
  parent_and_child(c);
  c.execute(sql::insert("parent").columns({"id", "name"}).row({1, "a"}));
  try {
    c.execute(sql::insert("parent").columns({"id", "name"}).row({2, "a"}));
    FAIL() << "expected IntegrityError";
  } catch (const retort::IntegrityError& e) {
    EXPECT_EQ(e.info().sqlstate, "23505");
    EXPECT_EQ(e.table(), "parent");
    EXPECT_EQ(e.constraint(), "parent_name_key");
    EXPECT_NE(std::string(e.what()).find("parent_name_key"), std::string::npos) << e.what();
    EXPECT_NE(e.info().message.find("Key (name)=(a) already exists"), std::string::npos) << e.info().message;
    EXPECT_NE(e.info().statement.find("INSERT INTO parent"), std::string::npos);
  }
}

TEST_P(postgresql_driver, not_null_violation_names_table_and_column) {
  auto c = engine().connect();
  parent_and_child(c);
  try {
    c.execute(sql::insert("parent").columns({"id", "name"}).row({1, sql::value()}));
    FAIL() << "expected IntegrityError";
  } catch (const retort::IntegrityError& e) {
    EXPECT_EQ(e.info().sqlstate, "23502");
    EXPECT_EQ(e.table(), "parent");
    EXPECT_EQ(e.column(), "name");
  }
}

TEST_P(postgresql_driver, foreign_key_violation_names_table_and_constraint) {
  auto c = engine().connect();
  parent_and_child(c);
  try {
    c.execute(sql::insert("child").columns({"id", "parent_id"}).row({1, 42}));
    FAIL() << "expected IntegrityError";
  } catch (const retort::IntegrityError& e) {
    EXPECT_EQ(e.info().sqlstate, "23503");
    EXPECT_EQ(e.table(), "child");
    EXPECT_EQ(e.constraint(), "child_parent_id_fkey");
  }
}

TEST_P(postgresql_driver, unknown_table_is_a_programming_error) {
  auto c = engine().connect();
  try {
    c.execute("SELECT * FROM no_such_table WHERE x = $1", std::vector<sql::value>{1});
    FAIL() << "expected ProgrammingError";
  } catch (const retort::ProgrammingError& e) {
    EXPECT_EQ(e.info().sqlstate, "42P01");
    EXPECT_NE(std::string(e.what()).find("no_such_table"), std::string::npos) << e.what();
  }
  EXPECT_THROW(c.execute_ddl("CREATE TABLEX"), retort::ProgrammingError);
  EXPECT_EQ(c.execute("SELECT 1").scalar().as_int(), 1);  // a failed PREPARE leaves the connection usable
}

TEST_P(postgresql_driver, values_that_do_not_fit_are_data_errors) {
  auto c = engine().connect();
  parent_and_child(c);
  try {
    c.execute(sql::insert("parent").columns({"id", "name"}).row({1, std::string(21, 'x')}));
    FAIL() << "expected DataError";
  } catch (const retort::DataError& e) {
    EXPECT_EQ(e.info().sqlstate, "22001");
  }
  EXPECT_THROW(c.execute(sql::insert("parent").columns({"id", "name"}).row({std::int64_t{1} << 40, "big"})),
               retort::DataError);  // int8 parameter out of range for the INTEGER column
  EXPECT_THROW(c.execute("SELECT 1 / 0"), retort::DataError);
}

TEST_P(postgresql_driver, returning_gives_the_serial_key) {
  auto c = engine().connect();
  c.execute_ddl("CREATE TABLE gen (id SERIAL PRIMARY KEY, v TEXT)");
  for (int expected = 1; expected <= 2; ++expected) {
    auto r = c.execute(sql::insert("gen").columns({"v"}).row({"x"}).returning({"id"}));
    EXPECT_EQ(r.rows_affected(), 1);
    EXPECT_EQ(r.columns(), std::vector<std::string>{"id"});
    EXPECT_EQ(r.scalar(), sql::value(expected));
  }
  auto multi = c.execute(sql::insert("gen").columns({"v"}).row({"y"}).row({"z"}).returning({"id"}));
  EXPECT_EQ(multi.size(), 2u);
  EXPECT_EQ(multi.rows_affected(), 2);
}

TEST_P(postgresql_driver, savepoint_rollback_keeps_outer_work_even_after_an_error) {
  auto c = engine().connect();
  parent_and_child(c);
  auto tx = c.begin();
  c.execute(sql::insert("parent").columns({"id", "name"}).row({1, "outer"}));
  {
    auto sp = c.begin_nested();
    EXPECT_THROW(c.execute(sql::insert("parent").columns({"id", "name"}).row({2, "outer"})), retort::IntegrityError);
    sp.rollback();  // ends PostgreSQL's "current transaction is aborted" state
  }
  c.execute(sql::insert("parent").columns({"id", "name"}).row({3, "after"}));
  tx.commit();
  EXPECT_EQ(c.execute("SELECT count(*) FROM parent").scalar().as_int(), 2);
}

TEST_P(postgresql_driver, an_aborted_transaction_refuses_statements_until_rolled_back) {
  auto c = engine().connect();
  parent_and_child(c);
  auto tx = c.begin();
  EXPECT_THROW(c.execute("SELECT * FROM nowhere"), retort::ProgrammingError);
  try {
    c.execute("SELECT 1");
    FAIL() << "expected the aborted transaction to refuse";
  } catch (const retort::ProgrammingError& e) {
    EXPECT_EQ(e.info().sqlstate, "25P02");
  }
  EXPECT_FALSE(c.invalidated());
  tx.rollback();
  EXPECT_EQ(c.execute("SELECT 1").scalar().as_int(), 1);
}

TEST_P(postgresql_driver, url_options_reach_libpq_and_engine_options_do_not) {
  retort::engine::engine e(url_ + "&application_name=retort_pg_test&connect_timeout=5&echo=false");
  auto c = e.connect();
  EXPECT_EQ(c.execute("SELECT current_setting('application_name')").scalar(), sql::value("retort_pg_test"));
  EXPECT_EQ(c.execute("SELECT current_setting('DateStyle')").scalar(), sql::value("ISO, MDY"));
  EXPECT_EQ(c.execute("SELECT current_setting('client_encoding')").scalar(), sql::value("UTF8"));
}

/// The ArgumentError constructing an engine for `url` raises ("" if none).
std::string creation_error(const std::string& url) {
  retort::testing::register_backends();
  try {
    retort::engine::engine e(url);
  } catch (const retort::ArgumentError& err) {
    return err.what();
  }
  return "";
}

TEST(postgresql_url, an_unknown_option_is_refused_when_the_engine_is_created) {
  auto what = creation_error("postgresql://u@h/db?no_such_option=1");
  EXPECT_NE(what.find("unknown option 'no_such_option'"), std::string::npos) << what;
  EXPECT_NE(what.find("(accepted: echo, "), std::string::npos) << what;
  EXPECT_NE(what.find("connect_timeout"), std::string::npos) << what;  // libpq's keywords are listed
  EXPECT_EQ(creation_error("postgresql://u@h/db?sslmode=disable&application_name=x&echo=true"), "");
}

TEST(postgresql_url, integer_options_are_checked_when_the_engine_is_created) {
  for (const char* bad : {"connect_timeout=abc", "connect_timeout=-1", "keepalives_idle=1.5", "tcp_user_timeout=",
                          "port=0", "keepalives_count=99999999999"}) {
    auto what = creation_error(std::string("postgresql://u@h/db?") + bad);
    auto key = std::string(bad).substr(0, std::string(bad).find('='));
    EXPECT_NE(what.find("option " + key + "="), std::string::npos) << bad << ": " << what;
    EXPECT_NE(what.find("is not an integer"), std::string::npos) << bad << ": " << what;
  }
}

TEST(postgresql_url, an_option_may_not_override_a_part_of_the_url) {
  const std::pair<const char*, const char*> cases[] = {
      {"postgresql://u@h/db?dbname=other", "dbname"},     {"postgresql://u@h/db?user=other", "user"},
      {"postgresql://u@h/db?host=other", "host"},         {"postgresql://u@h:5/db?port=6", "port"},
      {"postgresql://u:s3cr3t@h/db?password=other", "password"},
  };
  for (auto [url, key] : cases) {
    auto what = creation_error(url);
    EXPECT_NE(what.find(std::string("the ") + key + " is given both in the URL and as ?" + key + "="), std::string::npos)
        << url << ": " << what;
    EXPECT_EQ(what.find("s3cr3t"), std::string::npos) << what;
  }
  // An empty part may come from an option: a socket directory, or everything.
  EXPECT_EQ(creation_error("postgresql:///db?host=/run/postgresql"), "");
  EXPECT_EQ(creation_error("postgresql://?host=h&port=5&user=u&password=p&dbname=db"), "");
}

TEST_P(postgresql_driver, parts_given_as_options_connect) {
  auto base = retort::engine::url::parse(std::getenv("RETORT_TEST_POSTGRES_URL"));
  if (!base.password().empty() || !base.query().empty()) GTEST_SKIP() << "the server's URL has a password or options";
  std::string url = "postgresql:///?host=" + base.host() + "&port=" + std::to_string(base.port().value_or(5432)) +
                    "&dbname=" + base.database() + "&user=" + base.username();
  retort::engine::engine e(url);
  EXPECT_EQ(e.connect().execute("SELECT current_database()").scalar(), sql::value(base.database()));
}

TEST_P(postgresql_driver, an_unreachable_server_is_an_operational_error_naming_host_and_port) {
  retort::engine::engine e("postgresql://postgres@127.0.0.1:1/x?connect_timeout=2");
  auto begin = std::chrono::steady_clock::now();
  try {
    auto c = e.connect();
    FAIL() << "connected to port 1?";
  } catch (const retort::OperationalError& err) {
    std::string what = err.what();
    EXPECT_NE(what.find("could not connect to PostgreSQL at 127.0.0.1:1"), std::string::npos) << what;
    EXPECT_EQ(err.info().sqlstate, "08001");
  }
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 10s);
  EXPECT_EQ(e.pool().checked_out(), 0u);
}

TEST_P(postgresql_driver, a_pooled_connection_whose_backend_died_is_replaced_at_checkout) {
  std::int64_t pid = 0;
  {
    auto c = engine().connect();
    pid = backend_pid(c);
  }
  ASSERT_EQ(engine().pool().idle(), 1u);
  terminate(pid);
  // Checked in a moment ago (inside pre_ping_skip_within), but the server's
  // goodbye waits on its socket: pinged, found dead, replaced.
  auto c = engine().connect();
  EXPECT_FALSE(c.invalidated());
  EXPECT_NE(backend_pid(c), pid);
}

TEST_P(postgresql_driver, a_connection_lost_mid_transaction_is_invalidated_and_commits_nothing) {
  {
    auto c = engine().connect();
    c.execute_ddl("CREATE TABLE t (x INTEGER)");
    auto tx = c.begin();
    c.execute("INSERT INTO t (x) VALUES ($1)", std::vector<sql::value>{1});
    terminate(backend_pid(c));
    try {
      c.execute("INSERT INTO t (x) VALUES ($1)", std::vector<sql::value>{2});
      FAIL() << "expected OperationalError";
    } catch (const retort::OperationalError& e) {
      EXPECT_NE(std::string(e.what()).find("terminating connection"), std::string::npos) << e.what();
      EXPECT_EQ(e.info().sqlstate.substr(0, 2), "08") << e.what();
    }
    EXPECT_TRUE(c.invalidated());
    tx.rollback();  // nothing to send; no error
  }
  EXPECT_EQ(engine().pool().idle(), 0u);  // the dead connection was discarded, not pooled
  auto c = engine().connect();
  EXPECT_EQ(c.execute("SELECT count(*) FROM t").scalar().as_int(), 0);
}

}  // namespace
