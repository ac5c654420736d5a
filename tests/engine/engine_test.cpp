// The engine on both databases: statements, typed rows, transactions,
// savepoints, events, and errors that name what went wrong.
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "retort/engine/connection.hpp"
#include "retort/sql/compiler.hpp"
#include "retort/util/error.hpp"
#include "support/backend.hpp"

namespace {

using retort::testing::backend;
namespace sql = retort::sql;

class engine_test : public ::testing::TestWithParam<backend> {
 protected:
  void SetUp() override {
    url_ = retort::testing::fresh_url(GetParam());
    RETORT_REQUIRE_URL(url_);
    engine_.emplace(url_);
    auto c = engine_->connect();
    c.execute_ddl("CREATE TABLE parent (id INTEGER PRIMARY KEY, name VARCHAR(20) NOT NULL UNIQUE)");
    c.execute_ddl(
        "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES parent (id), note TEXT)");
  }
  retort::engine::engine& engine() { return *engine_; }
  std::string url_;
  std::optional<retort::engine::engine> engine_;
};
INSTANTIATE_TEST_SUITE_P(, engine_test, ::testing::ValuesIn(retort::testing::all_backends()),
                         retort::testing::backend_param_name);

auto parent_id = sql::column_ref<int>("parent", "id");
auto parent_name = sql::column_ref<std::string>("parent", "name");

TEST_P(engine_test, insert_and_select_with_typed_rows) {
  auto c = engine().connect();
  auto ins = c.execute(sql::insert("parent").columns({"id", "name"}).row({1, "a"}).row({2, "b"}));
  EXPECT_EQ(ins.rows_affected(), 2);
  c.execute(sql::insert("child").columns({"id", "parent_id", "note"}).row({1, 1, sql::value()}));
  auto r = c.execute(sql::select({parent_id, parent_name}).from("parent").order_by(parent_id));
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r.columns(), (std::vector<std::string>{"id", "name"}));
  EXPECT_EQ(r[0].get<int>(0), 1);
  EXPECT_EQ(r[1].get<std::string>("name"), "b");
  auto n = c.execute(sql::select({sql::column_ref<std::string>("child", "note")}).from("child"));
  EXPECT_EQ(n[0].get<std::optional<std::string>>(0), std::nullopt);
  EXPECT_THROW((void)r[0][5], retort::ArgumentError);
  EXPECT_THROW((void)r[0]["nope"], retort::ArgumentError);
  auto up = c.execute(sql::update("parent").set("name", sql::value("z")).where(parent_id == 2));
  EXPECT_EQ(up.rows_affected(), 1);
  auto del = c.execute(sql::delete_("parent").where(parent_id == 99));
  EXPECT_EQ(del.rows_affected(), 0);
}

TEST_P(engine_test, transactions_commit_and_roll_back) {
  {
    auto c = engine().connect();
    auto tx = c.begin();
    c.execute(sql::insert("parent").columns({"id", "name"}).row({1, "kept"}));
    tx.commit();
    auto tx2 = c.begin();
    c.execute(sql::insert("parent").columns({"id", "name"}).row({2, "dropped"}));
    tx2.rollback();
    auto tx3 = c.begin();
    c.execute(sql::insert("parent").columns({"id", "name"}).row({3, "raii"}));
  }  // tx3 rolls back when it goes out of scope
  auto c = engine().connect();
  auto r = c.execute(sql::select({sql::count()}).from("parent"));
  EXPECT_EQ(r.scalar().as_int(), 1);
}

TEST_P(engine_test, savepoints_roll_back_partially) {
  auto c = engine().connect();
  auto tx = c.begin();
  c.execute(sql::insert("parent").columns({"id", "name"}).row({1, "outer"}));
  {
    auto sp = c.begin_nested();
    c.execute(sql::insert("parent").columns({"id", "name"}).row({2, "inner"}));
    sp.rollback();
  }
  {
    auto sp = c.begin_nested();
    c.execute(sql::insert("parent").columns({"id", "name"}).row({3, "inner kept"}));
    sp.commit();
  }
  tx.commit();
  auto r = c.execute(sql::select({parent_id}).from("parent").order_by(parent_id));
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[1].get<int>(0), 3);
}

TEST_P(engine_test, listeners_see_statements_and_parameters) {
  retort::testing::statement_recorder plain(engine());
  retort::testing::statement_recorder all(engine(), true);
  auto c = engine().connect();
  auto tx = c.begin();
  c.execute(sql::select({parent_id}).from("parent").where(parent_name == "x"));
  tx.commit();
  ASSERT_EQ(plain.count(), 1u);
  EXPECT_EQ(plain.entries()[0].params.at(0).text(), "x");
  EXPECT_EQ(all.sql(), (std::vector<std::string>{"BEGIN", plain.sql()[0], "COMMIT"}));
}

TEST_P(engine_test, executemany_is_one_event_and_reuses_the_prepared_statement) {
  retort::testing::statement_recorder rec(engine());
  auto c = engine().connect();
  auto text = sql::compile(sql::insert("parent").columns({"id", "name"}).row({0, ""}), c.dialect()).sql;
  auto results = c.execute_many(text, {{1, "a"}, {2, "b"}, {3, "c"}});
  EXPECT_EQ(results.size(), 3u);
  ASSERT_EQ(rec.count(), 1u);
  EXPECT_EQ(rec.entries()[0].batch, 3u);
  auto prepared = c.prepare_count();
  c.execute_many(text, {{4, "d"}});
  auto by_id = sql::select({parent_name}).from("parent").where(parent_id == 0);
  for (int id : {1, 2, 3}) {
    auto q = sql::compile(by_id, c.dialect());
    q.params = {id};
    c.execute(q);
  }
  EXPECT_EQ(c.prepare_count(), prepared + 1);  // the INSERT came from the cache; the SELECT was prepared once
}

// Many rows of one statement (PostgreSQL pipelines them inside a transaction,
// a thousand per round trip): every row runs, in order, each with its own row
// count; a failing row raises its own typed error, the rows before it ran
// (a savepoint rolled back keeps the transaction usable), the rows after it
// did not; outside a transaction the rows before the failure stay committed.
TEST_P(engine_test, executemany_runs_every_row_in_order_and_stops_at_the_first_failure) {
  auto c = engine().connect();
  const auto insert = sql::compile(sql::insert("parent").columns({"id", "name"}).row({0, ""}), c.dialect()).sql;
  const auto rename =
      sql::compile(sql::update("parent").set("name", sql::value(std::string())).where(parent_id == 0), c.dialect()).sql;
  auto count = [&c] { return c.execute("SELECT COUNT(*) FROM parent").scalar().as_int(); };
  std::vector<std::vector<sql::value>> rows;
  for (int i = 1; i <= 2500; ++i) rows.push_back({i, "p" + std::to_string(i)});
  {
    auto tx = c.begin();
    auto results = c.execute_many(insert, rows);
    ASSERT_EQ(results.size(), 2500u);
    for (const auto& r : results) EXPECT_EQ(r.rows_affected(), 1);
    // An UPDATE per row: the counts say which rows matched, in order (id 9999 matches nothing).
    auto updated = c.execute_many(rename, {{std::string("x1"), 1}, {std::string("none"), 9999}, {std::string("x3"), 3}});
    ASSERT_EQ(updated.size(), 3u);
    EXPECT_EQ(updated[0].rows_affected(), 1);
    EXPECT_EQ(updated[1].rows_affected(), 0);
    EXPECT_EQ(updated[2].rows_affected(), 1);
    {
      auto sp = c.begin_nested();
      std::vector<std::vector<sql::value>> more;
      for (int i = 3001; i <= 4500; ++i) more.push_back({i, "q" + std::to_string(i)});
      more[1200] = {4201, std::string("p7")};  // the 1,201st row repeats a unique name: in the second thousand
      EXPECT_THROW(c.execute_many(insert, more), retort::IntegrityError);
      sp.rollback();
    }
    EXPECT_EQ(count(), 2500);  // usable after the savepoint's rollback
    tx.commit();
  }
  EXPECT_EQ(c.execute("SELECT name FROM parent WHERE id = 3").scalar().text(), "x3");
  // Outside a transaction (autocommit), each row commits on its own.
  std::vector<std::vector<sql::value>> autocommit = {{5001, "a1"}, {5002, "a2"}, {5003, "p5"}, {5004, "a4"}};
  EXPECT_THROW(c.execute_many(insert, autocommit), retort::IntegrityError);
  EXPECT_EQ(count(), 2502);
  // Inside a transaction the failure is raised; after the rollback nothing of it remains.
  {
    auto tx = c.begin();
    std::vector<std::vector<sql::value>> failing = {{6001, "b1"}, {6002, "p2"}, {6003, "b3"}};
    EXPECT_THROW(c.execute_many(insert, failing), retort::IntegrityError);
    tx.rollback();
  }
  EXPECT_EQ(count(), 2502);
}

TEST_P(engine_test, constraint_violations_name_table_and_constraint) {
  auto c = engine().connect();
  c.execute(sql::insert("parent").columns({"id", "name"}).row({1, "a"}));
  try {
    c.execute(sql::insert("parent").columns({"id", "name"}).row({2, "a"}));
    FAIL() << "expected IntegrityError";
  } catch (const retort::IntegrityError& e) {
    EXPECT_EQ(e.table(), "parent") << e.what();
    EXPECT_FALSE(e.constraint().empty()) << e.what();
    EXPECT_NE(std::string(e.what()).find("INSERT INTO parent"), std::string::npos);
  }
  try {
    c.execute(sql::insert("parent").columns({"id", "name"}).row({3, sql::value()}));
    FAIL() << "expected IntegrityError";
  } catch (const retort::IntegrityError& e) {
    EXPECT_EQ(e.column(), "name") << e.what();
  }
  try {
    c.execute(sql::insert("child").columns({"id", "parent_id"}).row({1, 42}));
    FAIL() << "expected IntegrityError";
  } catch (const retort::IntegrityError& e) {
    EXPECT_EQ(e.table(), "child") << e.what();
  }
}

TEST_P(engine_test, too_long_string_is_a_data_error_where_enforced) {
  auto c = engine().connect();
  auto ins = sql::insert("parent").columns({"id", "name"}).row({1, std::string(30, 'x')});
  if (GetParam() == backend::postgres) {
    try {
      c.execute(ins);
      FAIL() << "expected DataError";
    } catch (const retort::DataError& e) {
      EXPECT_EQ(e.info().sqlstate, "22001") << e.what();
    }
  } else {
    EXPECT_EQ(c.execute(ins).rows_affected(), 1);  // SQLite does not enforce VARCHAR lengths
  }
}

TEST_P(engine_test, generated_keys_come_back) {
  auto c = engine().connect();
  c.execute_ddl(GetParam() == backend::postgres ? "CREATE TABLE gen (id SERIAL PRIMARY KEY, v TEXT)"
                                                : "CREATE TABLE gen (id INTEGER PRIMARY KEY, v TEXT)");
  auto r = c.execute(sql::insert("gen").columns({"v"}).row({"a"}).returning({"id"}));
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].get<int>(0), 1);
  auto again = c.execute(sql::insert("gen").columns({"v"}).row({"b"}));
  if (GetParam() == backend::sqlite) {
    EXPECT_EQ(again.last_insert_id(), 2);
  }
}

TEST_P(engine_test, the_prepared_statement_cache_is_bounded_on_the_server_too) {
  if (GetParam() != backend::postgres) GTEST_SKIP() << "server-side prepared statements are PostgreSQL's";
  auto c = engine().connect();
  for (int i = 0; i < 600; ++i) c.execute("SELECT " + std::to_string(i));
  auto n = c.execute("SELECT count(*) FROM pg_prepared_statements").scalar().as_int();
  EXPECT_LE(n, 513);
  EXPECT_GT(n, 0);
}

TEST_P(engine_test, a_full_statement_cache_drops_the_least_recently_used) {
  retort::engine::engine fresh(url_);  // a new connection: an empty cache
  auto c = fresh.connect();
  constexpr auto limit = retort::engine::driver_connection::cache_limit;
  auto stmt = [](std::size_t i) { return "SELECT " + std::to_string(i); };
  auto start = c.prepare_count();
  for (std::size_t i = 0; i < limit; ++i) c.execute(stmt(i));
  EXPECT_EQ(c.prepare_count(), start + limit);
  c.execute(stmt(0));              // a hit: now the most recent
  c.execute(stmt(limit));          // full: drops SELECT 1, the least recently used
  EXPECT_EQ(c.prepare_count(), start + limit + 1);
  c.execute(stmt(0));              // still cached
  EXPECT_EQ(c.prepare_count(), start + limit + 1);
  c.execute(stmt(1));              // was dropped: prepared again
  EXPECT_EQ(c.prepare_count(), start + limit + 2);
}

TEST_P(engine_test, bad_sql_is_a_programming_error) {
  auto c = engine().connect();
  EXPECT_THROW(c.execute("SELECT * FROM no_such_table"), retort::ProgrammingError);
  EXPECT_THROW(c.execute_ddl("CREATE TABLEX"), retort::ProgrammingError);
}

TEST_P(engine_test, a_referenced_row_names_no_column_of_the_wrong_table) {
  auto c = engine().connect();
  c.execute(sql::insert("parent").columns({"id", "name"}).row({1, "a"}));
  c.execute(sql::insert("child").columns({"id", "parent_id", "note"}).row({1, 1, sql::value()}));
  for (const auto& statement : {sql::compile(sql::delete_("parent").where(parent_id == 1), c.dialect()),
                                sql::compile(sql::update("parent").set("id", 2).where(parent_id == 1), c.dialect())}) {
    try {
      c.execute(statement);
      FAIL() << "expected IntegrityError: " << statement.sql;
    } catch (const retort::IntegrityError& e) {
      EXPECT_EQ(e.info().sqlstate, "23503") << e.what();
      EXPECT_EQ(e.column(), "") << e.what();  // the parent's key is not a column of the child
      EXPECT_FALSE(e.constraint().empty()) << e.what();
    }
  }
}

TEST_P(engine_test, a_foreign_key_without_a_column_list_is_described) {
  auto c = engine().connect();
  c.execute_ddl("CREATE TABLE loose (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent)");
  try {
    c.execute(sql::insert("loose").columns({"id", "parent_id"}).row({1, 99}));
    FAIL() << "expected IntegrityError";
  } catch (const retort::IntegrityError& e) {
    EXPECT_EQ(e.table(), "loose") << e.what();
    EXPECT_EQ(e.column(), "parent_id") << e.what();
    EXPECT_NE(e.constraint().find("parent"), std::string::npos) << e.what();
  }
}

TEST_P(engine_test, a_transaction_cannot_commit_through_a_moved_connection) {
  auto c = engine().connect();
  auto tx = c.begin();
  c.execute(sql::insert("parent").columns({"id", "name"}).row({1, "a"}));
  auto moved = std::move(c);
  EXPECT_THROW(tx.commit(), retort::InvalidRequestError);  // not a silent no-op
  moved.close();  // rolls back
  EXPECT_EQ(engine().connect().execute(sql::select({sql::count()}).from("parent")).scalar().as_int(), 0);
}

TEST_P(engine_test, autoescaped_matches_take_percent_and_underscore_literally) {
  auto c = engine().connect();
  auto ins = sql::insert("parent").columns({"id", "name"});
  int n = 0;
  for (const char* v : {"50% off", "50 off", "a_b", "axb", "c/d", "CaSe", "it's"}) ins.row({++n, v});
  c.execute(ins);
  auto names = [&](const sql::expr<bool>& where) {
    std::vector<std::string> out;
    for (auto row : c.execute(sql::select({parent_name}).from("parent").where(where).order_by(parent_id)))
      out.push_back(row.get<std::string>(0));
    return out;
  };
  using v = std::vector<std::string>;
  EXPECT_EQ(names(parent_name.contains("50%", true)), v{"50% off"});
  EXPECT_EQ(names(parent_name.contains("50%")), (v{"50% off", "50 off"}));  // without autoescape, % is a wildcard
  EXPECT_EQ(names(parent_name.startswith("a_", true)), v{"a_b"});
  EXPECT_EQ(names(parent_name.startswith("a_")), (v{"a_b", "axb"}));
  EXPECT_EQ(names(parent_name.endswith("/d", true)), v{"c/d"});
  EXPECT_EQ(names(parent_name.contains("'", true)), v{"it's"});
  EXPECT_EQ(names(parent_name.like("a/_b", '/')), v{"a_b"});
  EXPECT_EQ(names(parent_name.like("c//d", '/')), v{"c/d"});
  EXPECT_EQ(names(parent_name.like("50!% %", '!')), v{"50% off"});
  EXPECT_EQ(names(parent_name.not_like("%/_%", '/')), (v{"50% off", "50 off", "axb", "c/d", "CaSe", "it's"}));
  EXPECT_EQ(names(parent_name.ilike("case")), v{"CaSe"});
  EXPECT_EQ(names(parent_name.ilike("CA/SE", '/')), v{"CaSe"});
  EXPECT_EQ(names(parent_name.not_ilike("%s%")), (v{"50% off", "50 off", "a_b", "axb", "c/d"}));
}

TEST_P(engine_test, echo_logs_without_changing_results) {
  retort::engine::engine e(url_, {.echo = true});
  auto c = e.connect();
  std::ostringstream log;
  auto* old = std::clog.rdbuf(log.rdbuf());
  auto n = c.execute(sql::select({parent_name}).from("parent").where(parent_name == "x'; --")).size();
  std::clog.rdbuf(old);
  EXPECT_EQ(n, 0u);
  auto text = log.str();
  EXPECT_EQ(text.rfind("[retort] SELECT parent.name FROM parent WHERE parent.name = ", 0), 0u) << text;
  EXPECT_NE(text.find("  ('x'; --')"), std::string::npos) << text;  // the value, shown as a parameter
}

TEST(engine, unknown_scheme_lists_the_known_ones) {
  retort::testing::register_backends();
  try {
    retort::engine::engine e("mysql://x/y");
    FAIL();
  } catch (const retort::ArgumentError& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("unknown database scheme 'mysql'"), std::string::npos) << what;
    EXPECT_NE(what.find("sqlite"), std::string::npos) << what;
    EXPECT_NE(what.find("postgresql"), std::string::npos) << what;
  }
}

TEST(engine, unopenable_sqlite_file_names_the_path) {
  retort::testing::register_backends();
  retort::engine::engine e("sqlite:////nonexistent-dir/x.db");
  try {
    auto c = e.connect();
    FAIL();
  } catch (const retort::OperationalError& err) {
    EXPECT_NE(std::string(err.what()).find("/nonexistent-dir/x.db"), std::string::npos) << err.what();
  }
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

TEST(engine, a_bad_sqlite_timeout_is_an_argument_error_when_the_engine_is_created) {
  for (const char* bad : {"soon", "5s", "-1", "abc", "86401"}) {
    auto what = creation_error(std::string("sqlite://?timeout=") + bad);
    EXPECT_NE(what.find(std::string("timeout='") + bad + "'"), std::string::npos) << bad << ": " << what;
  }
  EXPECT_EQ(creation_error("sqlite://?timeout=0.5"), "");
}

TEST(engine, unknown_sqlite_options_are_refused_listing_the_accepted_ones) {
  for (const char* bad : {"timout=30", "check_same_thread=false", "uri=true", "foreign_key=off"}) {
    auto what = creation_error(std::string("sqlite:///x.db?") + bad);
    auto key = std::string(bad).substr(0, std::string(bad).find('='));
    EXPECT_NE(what.find("unknown sqlite URL option '" + key + "'"), std::string::npos) << what;
    EXPECT_NE(what.find("(accepted: echo, timeout, journal_mode, mode, foreign_keys)"), std::string::npos) << what;
  }
}

TEST(engine, invalid_sqlite_option_values_are_refused_when_the_engine_is_created) {
  EXPECT_NE(creation_error("sqlite:///x.db?journal_mode=bogus").find("journal_mode='bogus' is not a SQLite journal mode"),
            std::string::npos);
  EXPECT_NE(creation_error("sqlite:///x.db?journal_mode=wal;drop").find("journal_mode='wal;drop'"), std::string::npos);
  EXPECT_NE(creation_error("sqlite:///x.db?mode=rwx").find("mode='rwx' is not ro, rw or rwc"), std::string::npos);
  EXPECT_NE(creation_error("sqlite:///x.db?foreign_keys=maybe").find("foreign_keys='maybe' is not on or off"),
            std::string::npos);
  EXPECT_NE(creation_error("sqlite://?echo=yes").find("echo='yes' is not true, false, 1, 0, info or debug"), std::string::npos);
  EXPECT_NE(creation_error("postgresql://h/db?echo=on").find("echo='on'"), std::string::npos);
}

TEST(engine, sqlite_journal_mode_and_mode_options_take_effect) {
  retort::testing::register_backends();
  auto url = retort::testing::fresh_url(backend::sqlite);
  {
    retort::engine::engine e(url + "?journal_mode=DELETE&echo=0");
    auto c = e.connect();
    EXPECT_EQ(c.execute("PRAGMA journal_mode").scalar(), sql::value("delete"));
    c.execute_ddl("CREATE TABLE t (x INTEGER)");
  }
  retort::engine::engine ro(url + "?mode=ro");
  EXPECT_THROW(ro.connect().execute_ddl("CREATE TABLE u (x INTEGER)"), retort::OperationalError);  // read only
  retort::engine::engine rw(url + "x?mode=rw");  // rw does not create the file
  EXPECT_THROW(rw.connect(), retort::OperationalError);
}

// Foreign keys are enforced unless the URL says ?foreign_keys=off (SQLite's
// own default is off; Retort's is on, as docs/databases.md says).
TEST(engine, sqlite_foreign_key_enforcement_is_on_unless_the_url_turns_it_off) {
  retort::testing::register_backends();
  auto url = retort::testing::fresh_url(backend::sqlite);
  auto orphan = [](retort::engine::engine& e) {
    auto c = e.connect();
    c.execute_ddl("CREATE TABLE IF NOT EXISTS p (id INTEGER PRIMARY KEY)");
    c.execute_ddl("CREATE TABLE IF NOT EXISTS k (id INTEGER PRIMARY KEY, p_id INTEGER REFERENCES p (id))");
    EXPECT_EQ(c.execute("PRAGMA foreign_keys").scalar().as_int(), e.url().option("foreign_keys", "on") == "off" ? 0 : 1);
    c.execute("INSERT INTO k (p_id) VALUES (42)");
  };
  retort::engine::engine enforcing(url + "?foreign_keys=on");
  EXPECT_THROW(orphan(enforcing), retort::IntegrityError);
  retort::engine::engine by_default(url);
  EXPECT_THROW(orphan(by_default), retort::IntegrityError);
  retort::engine::engine lax(url + "?foreign_keys=off");
  EXPECT_NO_THROW(orphan(lax));
}

TEST(engine, a_locked_sqlite_database_waits_for_the_busy_timeout_then_fails) {
  retort::testing::register_backends();
  auto url = retort::testing::fresh_url(backend::sqlite);
  retort::engine::engine holder(url);
  retort::engine::engine waiter(url + "?timeout=0.3");
  auto a = holder.connect();
  a.execute_ddl("CREATE TABLE t (x INTEGER)");
  auto tx = a.begin();
  a.execute(sql::insert("t").columns({"x"}).row({1}));  // holds the write lock
  auto b = waiter.connect();
  auto start = std::chrono::steady_clock::now();
  try {
    b.execute(sql::insert("t").columns({"x"}).row({2}));
    FAIL() << "wrote while another connection held the lock";
  } catch (const retort::OperationalError& err) {
    EXPECT_NE(std::string(err.what()).find("locked"), std::string::npos) << err.what();
  }
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(250));  // it waited
  tx.commit();
  b.execute(sql::insert("t").columns({"x"}).row({2}));  // free again
  EXPECT_EQ(b.execute(sql::select({sql::count()}).from("t")).scalar().as_int(), 2);
}

TEST(engine, a_relative_sqlite_path_is_relative_to_the_working_directory) {
  retort::testing::register_backends();
  auto dir = std::filesystem::temp_directory_path() / ("retort-relative-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto old = std::filesystem::current_path();
  std::filesystem::current_path(dir);
  {
    retort::engine::engine e("sqlite:///relative.db");
    e.connect().execute_ddl("CREATE TABLE t (x INTEGER)");
  }
  std::filesystem::current_path(old);
  EXPECT_TRUE(std::filesystem::exists(dir / "relative.db"));
  std::filesystem::remove_all(dir);
}

/// A parent and three children whose foreign keys act on delete and update:
/// the server, not Retort, does the work.
sql::metadata actions_schema() {
  sql::metadata md;
  sql::table owner("owner");
  owner.add(sql::column{.name = "id", .sql_type = retort::Integer, .nullable = false, .primary_key = true});
  owner.add(sql::column{.name = "code", .sql_type = retort::String(10), .nullable = false, .unique = true});
  md.add(std::move(owner));
  sql::table pet("pet");  // created after owner whatever the insertion order: foreign-key order
  pet.add(sql::column{.name = "id", .sql_type = retort::Integer, .nullable = false, .primary_key = true});
  pet.add(sql::column{.name = "owner_id", .sql_type = retort::Integer});
  pet.add(sql::column{.name = "keeper_id", .sql_type = retort::Integer});
  pet.add(sql::column{.name = "owner_code", .sql_type = retort::String(10)});
  pet.add(sql::foreign_key{{"owner_id"}, "owner", {"id"}, sql::fk_action::cascade, sql::fk_action::no_action, ""});
  pet.add(sql::foreign_key{{"keeper_id"}, "owner", {"id"}, sql::fk_action::set_null, sql::fk_action::no_action, ""});
  pet.add(sql::foreign_key{{"owner_code"}, "owner", {"code"}, sql::fk_action::no_action, sql::fk_action::cascade, ""});
  pet.add(sql::index{"ix_pet_owner", {"owner_id"}, false});
  sql::metadata ordered;
  ordered.add(std::move(pet));
  for (const auto& t : md.tables()) ordered.add(*t);
  return ordered;
}

TEST_P(engine_test, foreign_key_actions_run_on_the_server) {
  auto c = engine().connect();
  auto md = actions_schema();
  for (const auto& ddl : sql::create_all(md, c.dialect())) c.execute_ddl(ddl);
  c.execute(sql::insert("owner").columns({"id", "code"}).row({1, "a"}).row({2, "b"}));
  c.execute(sql::insert("pet")
                .columns({"id", "owner_id", "keeper_id", "owner_code"})
                .row({1, 1, 2, "b"})
                .row({2, 2, 1, "b"}));
  auto pet_id = sql::column_ref<int>("pet", "id");
  c.execute(sql::update("owner").set("code", "z").where(sql::column_ref<std::string>("owner", "code") == "b"));
  auto code = c.execute(sql::select({sql::column_ref<std::string>("pet", "owner_code")}).from("pet").where(pet_id == 1));
  EXPECT_EQ(code.scalar().as_string(), "z");  // ON UPDATE CASCADE
  c.execute(sql::delete_("owner").where(sql::column_ref<int>("owner", "id") == 1));
  auto left = c.execute(sql::select({pet_id, sql::column_ref<std::optional<int>>("pet", "keeper_id")}).from("pet"));
  ASSERT_EQ(left.size(), 1u);  // ON DELETE CASCADE removed pet 1
  EXPECT_EQ(left[0].get<int>(0), 2);
  EXPECT_EQ(left[0].get<std::optional<int>>(1), std::nullopt);  // ON DELETE SET NULL
  // The index exists until dropped (creating it again fails), then it is gone.
  const auto& pet = *md.find("pet");
  EXPECT_THROW(c.execute_ddl(sql::create_index(pet, pet.indexes()[0], c.dialect())), retort::ProgrammingError);
  c.execute_ddl(sql::drop_index(pet.indexes()[0], c.dialect()));
  c.execute_ddl(sql::create_index(pet, pet.indexes()[0], c.dialect()));
  for (const auto& ddl : sql::drop_all(md, c.dialect())) c.execute_ddl(ddl);
  EXPECT_THROW(c.execute(sql::select({sql::count()}).from("pet")), retort::ProgrammingError);
  EXPECT_THROW(c.execute(sql::select({sql::count()}).from("owner")), retort::ProgrammingError);
}

}  // namespace

namespace {

/// `n` parents, ids 1..n, in one transaction.
void fill_parents(retort::engine::connection& c, int n) {
  auto tx = c.begin();
  std::vector<std::vector<sql::value>> rows;
  for (int i = 1; i <= n; ++i) rows.push_back({i, "p" + std::to_string(i)});
  c.execute_many("INSERT INTO parent (id, name) VALUES (" + std::string(c.dialect().name() == "postgresql" ? "$1, $2" : "?, ?") + ")", rows);
  tx.commit();
}

TEST_P(engine_test, a_stream_reads_its_rows_in_batches_and_other_statements_run_between_them) {
  auto c = engine().connect();
  fill_parents(c, 2500);
  for (bool in_transaction : {false, true}) {
    std::optional<retort::engine::transaction> tx;
    if (in_transaction) tx.emplace(c.begin());
    auto cur = c.stream(sql::text("SELECT id, name FROM parent WHERE id > :min ORDER BY id").bind("min", 0));
    std::vector<std::size_t> sizes;
    std::int64_t sum = 0;
    for (;;) {
      auto batch = cur.fetch(1000);
      sizes.push_back(batch.size());
      if (batch.empty()) break;
      EXPECT_EQ(batch.columns(), (std::vector<std::string>{"id", "name"}));
      for (auto row : batch) sum += row[0].as_int();
      // Another statement on the same connection, between batches.
      EXPECT_EQ(c.execute(sql::text("SELECT count(*) FROM parent")).scalar().as_int(), 2500);
    }
    EXPECT_EQ(sizes, (std::vector<std::size_t>{1000, 1000, 500, 0}));
    EXPECT_EQ(sum, 2500 * 2501 / 2);
    EXPECT_TRUE(cur.exhausted());
    if (tx) tx->commit();
  }
}

TEST_P(engine_test, a_stream_is_one_recorded_statement_and_dies_with_its_connection) {
  auto c = engine().connect();
  fill_parents(c, 10);
  int events = 0;
  auto l = engine().listen([&](const retort::engine::statement_event&) { ++events; });
  struct unlisten {
    retort::engine::engine& e;
    std::uint64_t id;
    ~unlisten() { e.unlisten(id); }
  } guard{engine(), l};
  auto cur = c.stream(sql::select({parent_id}).from("parent").order_by(parent_id));
  EXPECT_EQ(cur.fetch(3).size(), 3u);
  EXPECT_EQ(events, 1);
  c.close();
  EXPECT_THROW(cur.fetch(3), retort::InvalidRequestError);
  EXPECT_THROW(engine().connect().stream(sql::text("SELECT * FROM nowhere")), retort::ProgrammingError);
}

}  // namespace
