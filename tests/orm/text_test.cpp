// text() with named parameters (SQLAlchemy's `text("... :name")`): compiled to
// each dialect's placeholders with the values bound, typed result columns
// through session.execute, and objects loaded from it with from_statement.
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "retort/dialect/postgresql/postgresql.hpp"
#include "retort/dialect/sqlite/sqlite.hpp"
#include "support/orm_fixture.hpp"

using fixtures::User;
using retort::testing::orm_test;
using namespace retort::testing::sql_rules;
namespace sql = retort::sql;

namespace {

TEST(text_parse, named_parameters_become_each_dialects_placeholders) {
  sql::text t("SELECT * FROM t WHERE a = :a AND b > :b_2 OR a = :a");
  EXPECT_EQ(t.parameter_names(), (std::vector<std::string>{"a", "b_2"}));
  t.bind("a", 1).bind("b_2", "x");
  auto lite = t.compile(retort::sqlite::dialect());
  EXPECT_EQ(lite.sql, "SELECT * FROM t WHERE a = ? AND b > ? OR a = ?");
  EXPECT_EQ(lite.params, (std::vector<sql::value>{1, "x", 1}));
  auto pg = t.compile(retort::postgresql::dialect());
  EXPECT_EQ(pg.sql, "SELECT * FROM t WHERE a = $1 AND b > $2 OR a = $3");
}

TEST(text_parse, casts_escaped_colons_times_and_quoted_text_are_not_parameters) {
  sql::text t("SELECT x::int, '12:30 :not', \"col:name\", 'it''s :no', 10:20, \\:lit FROM t WHERE y = :y");
  EXPECT_EQ(t.parameter_names(), (std::vector<std::string>{"y"}));
  t.bind("y", 5);
  EXPECT_EQ(t.compile(retort::sqlite::dialect()).sql,
            "SELECT x::int, '12:30 :not', \"col:name\", 'it''s :no', 10:20, :lit FROM t WHERE y = ?");
}

TEST(text_parse, a_missing_or_unknown_parameter_is_an_argument_error) {
  sql::text t("SELECT * FROM t WHERE a = :a AND b = :b");
  t.bind("a", 1);
  try {
    (void)t.compile(retort::sqlite::dialect());
    FAIL();
  } catch (const retort::ArgumentError& e) {
    EXPECT_STREQ(e.what(), "text(): a value is required for bound parameter 'b'");
  }
  try {
    t.bind("c", 1);
    FAIL();
  } catch (const retort::ArgumentError& e) {
    EXPECT_STREQ(e.what(), "text(): this statement has no bound parameter named 'c'");
  }
  EXPECT_THROW(sql::text("SELECT 'open"), retort::ArgumentError);
  EXPECT_THROW(sql::text(std::string("SELECT 1\0", 9)), retort::ArgumentError);
}

class text_test : public orm_test {
 protected:
  void seed(retort::session& s) {
    s.add(User{.username = "alice", .email = "a@x"});
    s.add(User{.username = "bob"});
    s.commit();
  }
};
RETORT_ORM_SUITE(text_test);

TEST_P(text_test, core_and_session_execute_bind_the_values) {
  auto s = session();
  seed(s);
  auto& rec = record();
  auto rows = s.execute(retort::text("SELECT username FROM \"user\" WHERE id > :min ORDER BY id").bind("min", 0));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0][0].as_string(), "alice");
  EXPECT_SQL(rec, {compiled_sql("SELECT username FROM user WHERE id > ? ORDER BY id").params({0})});
  auto conn = db().engine().connect();
  auto r = conn.execute(sql::text("SELECT count(*) FROM \"user\" WHERE username = :u").bind({{"u", "bob"}}));
  EXPECT_EQ(r.scalar().as_int(), 1);
  // A hostile value stays a value.
  auto none = s.execute(retort::text("SELECT id FROM \"user\" WHERE username = :u").bind("u", "x' OR '1'='1"));
  EXPECT_EQ(none.size(), 0u);
}

TEST_P(text_test, typed_columns_give_tuples_and_scalars) {
  auto s = session();
  seed(s);
  auto rows = s.execute(retort::text("SELECT id, username, email FROM \"user\" ORDER BY id")
                            .columns<int, std::string, std::optional<std::string>>())
                  .all();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], std::make_tuple(1, std::string("alice"), std::optional<std::string>("a@x")));
  EXPECT_EQ(std::get<2>(rows[1]), std::nullopt);
  auto names = s.scalars(retort::text("SELECT username FROM \"user\" ORDER BY username DESC").columns<std::string>()).all();
  EXPECT_EQ(names, (std::vector<std::string>{"bob", "alice"}));
  EXPECT_EQ(s.scalar(retort::text("SELECT count(*) FROM \"user\"").columns<std::int64_t>()), 2);
  EXPECT_THROW(s.execute(retort::text("SELECT id, username FROM \"user\"").columns<int>()), retort::ArgumentError);
}

TEST_P(text_test, pending_changes_are_flushed_before_the_text_runs) {
  auto s = session();
  seed(s);
  s.add(User{.username = "carol"});
  EXPECT_EQ(s.scalar(retort::text("SELECT count(*) FROM \"user\"").columns<std::int64_t>()), 3);
}

TEST_P(text_test, from_statement_loads_objects_through_the_identity_map) {
  auto s = session();
  seed(s);
  auto alice = s.get<User>(1);
  auto& rec = record();
  // Columns in another order than the table's, matched by name.
  auto users = s.query<User>()
                   .from_statement(retort::text("SELECT email, username, id FROM \"user\" WHERE username LIKE :p ORDER BY id")
                                       .bind("p", "%"))
                   .all();
  ASSERT_EQ(users.size(), 2u);
  EXPECT_EQ(users[0], alice);
  EXPECT_EQ(users[1]->username, "bob");
  EXPECT_SQL(rec, {compiled_sql("SELECT email, username, id FROM user WHERE username LIKE ? ORDER BY id").params({"%"})});
  auto bob = s.execute(retort::select<User>().from_statement(retort::text("SELECT * FROM \"user\" WHERE id = :id").bind("id", 2)))
                 .scalar_one();
  EXPECT_EQ(bob, users[1]);
  EXPECT_EQ(s.query<User>().from_statement(retort::text("SELECT * FROM \"user\" ORDER BY id DESC")).first()->username, "bob");
}

TEST_P(text_test, from_statement_needs_every_loaded_column_and_no_clauses_of_its_own) {
  auto s = session();
  seed(s);
  try {
    s.query<User>().from_statement(retort::text("SELECT id, username FROM \"user\"")).all();
    FAIL();
  } catch (const retort::InvalidRequestError& e) {
    EXPECT_NE(std::string(e.what()).find("returns no column 'email' for User.email"), std::string::npos) << e.what();
  }
  EXPECT_THROW(s.query<User>()
                   .where(retort::col<&User::id> == 1)
                   .from_statement(retort::text("SELECT * FROM \"user\""))
                   .all(),
               retort::InvalidRequestError);
  EXPECT_THROW(s.query<User>().from_statement(retort::text("SELECT * FROM \"user\"")).count(), retort::InvalidRequestError);
}

}  // namespace
