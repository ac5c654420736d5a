// The SQL-assertion kit itself: normalising, the capability table against the
// dialects, and that every kind of mismatch is reported, not only that
// matching statements pass.
#include "support/assert_sql.hpp"

#include "retort/dialect/postgresql/postgresql.hpp"
#include "retort/dialect/sqlite/sqlite.hpp"
#include "support/orm_fixture.hpp"

using fixtures::Post;
using fixtures::User;
using retort::testing::assert_sql;
using retort::testing::backend;
using retort::testing::normalize_sql;
using retort::testing::orm_test;
using namespace retort::testing::sql_rules;

namespace {

TEST(normalize_sql, placeholders_and_quoted_identifiers_become_neutral) {
  EXPECT_EQ(normalize_sql("UPDATE \"user\" SET username = $1 WHERE \"user\".id = $2"),
            "UPDATE user SET username = ? WHERE user.id = ?");
  EXPECT_EQ(normalize_sql("SELECT a FROM t LIMIT $10 OFFSET $11"), "SELECT a FROM t LIMIT ? OFFSET ?");
  EXPECT_EQ(normalize_sql("UPDATE user SET username = ? WHERE user.id = ?"),
            "UPDATE user SET username = ? WHERE user.id = ?");
}

TEST(normalize_sql, literals_and_identifiers_that_need_quotes_are_kept) {
  EXPECT_EQ(normalize_sql("SELECT 'it''s \"user\" $1' FROM \"user\""), "SELECT 'it''s \"user\" $1' FROM user");
  EXPECT_EQ(normalize_sql("SELECT \"two words\", \"a\"\"b\" FROM t"), "SELECT \"two words\", \"a\"\"b\" FROM t");
  EXPECT_EQ(normalize_sql("SELECT price$1 FROM t"), "SELECT price$1 FROM t");  // part of a name, not a parameter
}

TEST(normalize_sql, white_space_runs_are_one_space) {
  EXPECT_EQ(normalize_sql("  SELECT a,\n       b\tFROM t  "), "SELECT a, b FROM t");
}

TEST(repeat_rows, joins_numbered_rows) {
  EXPECT_EQ(retort::testing::repeat_rows(3, "(?, {})"), "(?, 0), (?, 1), (?, 2)");
  EXPECT_EQ(retort::testing::repeat_rows(0, "(?)"), "");
}

// The dialect rows of the table say what the dialects say, so a dialect that
// changes its batching makes this fail rather than the tests quietly follow.
void expect_caps_match(const retort::sql::dialect& d, backend b) {
  const auto& c = retort::testing::caps(b);
  SCOPED_TRACE(std::string(d.name()));
  EXPECT_EQ(c.multirow_insert_returning, d.prefers_multirow_insert());
  EXPECT_EQ(c.insert_returning, d.prefers_multirow_insert() && d.supports_returning());  // see persistence.cpp
  EXPECT_EQ(c.returning, d.supports_returning());
  EXPECT_EQ(c.ilike, d.has_ilike());
  EXPECT_EQ(c.offset_requires_limit, d.offset_requires_limit());
  EXPECT_EQ(c.text_holds_nul, d.text_holds_nul());
  EXPECT_EQ(c.max_parameters, d.max_parameters());
}

TEST(capabilities, dialect_rows_agree_with_the_dialects) {
  expect_caps_match(retort::sqlite::dialect{}, backend::sqlite);
  expect_caps_match(retort::postgresql::dialect{}, backend::postgres);
}

class assert_sql_test : public orm_test {
 protected:
  /// Flushes one new user and records what that emits.
  retort::testing::statement_recorder& insert_alice() {
    auto s = session();
    s.add(User{.username = "alice"});
    auto& rec = record();
    s.commit();
    return rec;
  }
  /// The expected statement of insert_alice().
  static retort::testing::sql_rule alice() {
    return compiled_sql("INSERT INTO user (username, email) VALUES (?, ?)")
        .returning("id")
        .params({"alice", std::nullopt});
  }
  /// Expects `result` to be a failure whose message contains each of `parts`.
  static void expect_failure(const ::testing::AssertionResult& result, std::initializer_list<std::string> parts) {
    ASSERT_FALSE(result) << "the assertion passed, but should have failed";
    std::string message = result.message();
    for (const auto& p : parts)
      EXPECT_NE(message.find(p), std::string::npos) << "missing \"" << p << "\" in:\n" << message;
  }
};
RETORT_ORM_SUITE(assert_sql_test);

TEST_P(assert_sql_test, one_expectation_matches_on_both_databases) {
  auto& rec = insert_alice();
  EXPECT_SQL(rec, {alice()});
  EXPECT_SQL(rec, {verb_table("INSERT", "user")});
  EXPECT_SQL(rec, {starts_with("INSERT INTO user (")});
  EXPECT_EQ(retort::testing::count_matching(rec, verb_table("insert")), 1u);
  EXPECT_EQ(retort::testing::count_matching(rec, verb_table("INSERT", "post")), 0u);
}

TEST_P(assert_sql_test, a_different_statement_fails_showing_both_spellings) {
  auto& rec = insert_alice();
  auto result = assert_sql(rec, {compiled_sql("INSERT INTO user (username) VALUES (?)")});
  expect_failure(
      result, {"statement 1: the SQL differs", "expected", "INSERT INTO user (username) VALUES (?)",
               "recorded (1 statement)", "INSERT INTO user (username, email) VALUES (?, ?)", "params ('alice', NULL)"});
  if (postgres())
    expect_failure(result, {"raw    INSERT INTO \"user\" (username, email) VALUES ($1, $2) RETURNING id"});
}

TEST_P(assert_sql_test, parameters_and_batch_are_compared) {
  auto& rec = insert_alice();
  auto sql = compiled_sql("INSERT INTO user (username, email) VALUES (?, ?)").returning("id");
  expect_failure(assert_sql(rec, {sql.params({"bob", std::nullopt})}),
                 {"the parameters differ: expected ('bob', NULL), got ('alice', NULL)"});
  expect_failure(assert_sql(rec, {sql.batch(2)}), {"the batch differs: expected 2 parameter rows, got 1"});
  EXPECT_SQL(rec, {sql.batch(1)});
}

TEST_P(assert_sql_test, missing_and_extra_statements_fail) {
  auto& rec = insert_alice();
  expect_failure(assert_sql(rec, {alice(), verb_table("SELECT", "post")}),
                 {"statement 2 was expected, but only 1 were recorded", "verb_table: SELECT post"});
  expect_failure(assert_sql(rec, {}), {"1 statement(s) more than expected, from statement 1"});
}

TEST_P(assert_sql_test, verb_table_reads_the_table_of_each_verb) {
  auto s = session();
  auto u = s.add(User{.username = "alice"});
  u->posts.add(Post{.title = "t", .content = "c"});
  s.commit();
  auto p = u->posts[0];
  (void)p->title;  // loaded: the statements below are the flushes' and the query's
  auto& rec = record();
  u->username = "alicia";
  s.flush();
  (void)s.query<Post>().all();
  s.delete_(p);
  s.flush();
  EXPECT_SQL(rec, {verb_table("UPDATE", "user"), verb_table("SELECT", "post"), verb_table("SELECT", "comment"),
                   verb_table("DELETE", "post")});
  expect_failure(assert_sql(rec, {verb_table("UPDATE", "post"), verb_table("SELECT", "post"),
                                  verb_table("SELECT", "comment"), verb_table("DELETE", "post")}),
                 {"statement 1: the SQL differs", "verb_table: UPDATE post"});
}

TEST_P(assert_sql_test, all_of_takes_any_order_but_not_other_statements) {
  auto s = session();
  s.add(User{.username = "a"});
  s.add(User{.username = "b"});
  s.commit();
  auto s2 = session();
  auto& rec = record();
  (void)s2.get<User>(2);
  (void)s2.get<User>(1);
  auto get = [](int id) {
    return compiled_sql("SELECT user.id, user.username, user.email FROM user WHERE user.id = ?").params({id});
  };
  EXPECT_SQL(rec, {all_of({get(1), get(2)})});
  EXPECT_SQL(rec, {get(2), get(1)});
  expect_failure(assert_sql(rec, {get(1), get(2)}), {"statement 1: the parameters differ"});
  expect_failure(assert_sql(rec, {all_of({get(1), get(3)})}),
                 {"all_of over statements 1..2: no order of them matches expected 2", "all_of, in any order:"});
  // A general member must not take the statement a specific one needs.
  EXPECT_SQL(rec, {all_of({verb_table("SELECT", "user"), get(2)})});
}

TEST_P(assert_sql_test, dialect_sql_and_conditional_pick_the_backends_statements) {
  auto& rec = insert_alice();
  EXPECT_SQL(
      rec,
      {dialect_sql({.sqlite = {compiled_sql("INSERT INTO user (username, email) VALUES (?, ?)")},
                    .postgres = {compiled_sql("INSERT INTO user (username, email) VALUES (?, ?) RETURNING id")}})});
  EXPECT_SQL(rec, {conditional(caps().insert_returning,
                               {compiled_sql("INSERT INTO user (username, email) VALUES (?, ?) RETURNING id")},
                               {compiled_sql("INSERT INTO user (username, email) VALUES (?, ?)")})});
  // The other backend's statement fails here.
  expect_failure(assert_sql(rec, {conditional(!caps().insert_returning,
                                              {compiled_sql("INSERT INTO user (username, email) VALUES (?, ?) "
                                                            "RETURNING id")},
                                              {compiled_sql("INSERT INTO user (username, email) VALUES (?, ?)")})}),
                 {"statement 1: the SQL differs"});
}

TEST_P(assert_sql_test, the_recorder_knows_its_database) {
  auto& rec = record();
  EXPECT_EQ(rec.database(), GetParam());
}

}  // namespace
