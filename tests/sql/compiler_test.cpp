// The SQL compiler: exact text and parameters for both dialects.
#include <gtest/gtest.h>

#include "retort/dialect/postgresql/postgresql.hpp"
#include "retort/dialect/sqlite/sqlite.hpp"
#include "retort/sql/compiler.hpp"
#include "retort/util/error.hpp"

namespace {

namespace sql = retort::sql;
using sql::column_ref;

const retort::sqlite::dialect lite;
const retort::postgresql::dialect pg;

auto id = column_ref<int>("user", "id");
auto name = column_ref<std::string>("user", "name");
auto age = column_ref<int>("user", "age");

std::string text(const sql::expression& e, const sql::dialect& d = lite) { return sql::compile(e, d).sql; }

TEST(compiler, comparisons_bind_their_values) {
  auto c = sql::compile(id == 5, lite);
  EXPECT_EQ(c.sql, "user.id = ?");
  ASSERT_EQ(c.params.size(), 1u);
  EXPECT_EQ(c.params[0].as_int(), 5);
  EXPECT_EQ(text(name != "x"), "user.name != ?");
  EXPECT_EQ(text(age >= 18), "user.age >= ?");
  EXPECT_EQ(text(18 < age), "? < user.age");
  EXPECT_EQ(text(id == age), "user.id = user.age");
}

TEST(compiler, postgres_numbers_placeholders_and_quotes_reserved_words) {
  auto c = sql::compile(id == 1 && name == "a", pg);
  EXPECT_EQ(c.sql, "\"user\".id = $1 AND \"user\".name = $2");
  EXPECT_EQ(c.params.size(), 2u);
}

TEST(compiler, precedence_adds_only_needed_parentheses) {
  EXPECT_EQ(text(age - (id - 1) == 3), "user.age - (user.id - ?) = ?");
  EXPECT_EQ(text(age * (id + 1) > 2), "user.age * (user.id + ?) > ?");
  EXPECT_EQ(text((id == 1 || id == 2) && name == "a"), "(user.id = ? OR user.id = ?) AND user.name = ?");
  EXPECT_EQ(text(id == 1 || (id == 2 && name == "a")), "user.id = ? OR user.id = ? AND user.name = ?");
  EXPECT_EQ(text(!(id == 1)), "NOT user.id = ?");
  EXPECT_EQ(text(-age), "-user.age");
}

TEST(compiler, and_or_not_helpers) {
  EXPECT_EQ(text(sql::and_({id == 1, name == "a", age > 3})), "user.id = ? AND user.name = ? AND user.age > ?");
  EXPECT_EQ(text(sql::or_({id == 1, id == 2})), "user.id = ? OR user.id = ?");
  EXPECT_EQ(text(sql::not_(id == 1)), "NOT user.id = ?");
  EXPECT_EQ(text(sql::and_({})), "? = ?");
}

TEST(compiler, like_in_null_between) {
  EXPECT_EQ(text(name.like("a%")), "user.name LIKE ?");
  EXPECT_EQ(text(name.not_like("a%")), "user.name NOT LIKE ?");
  auto in = sql::compile(id.in_({1, 2, 3}), lite);
  EXPECT_EQ(in.sql, "user.id IN (?, ?, ?)");
  EXPECT_EQ(in.params.size(), 3u);
  EXPECT_EQ(text(id.not_in(std::vector<int>{4})), "user.id NOT IN (?)");
  EXPECT_EQ(text(name.is_null()), "user.name IS NULL");
  EXPECT_EQ(text(name.is_not_null()), "user.name IS NOT NULL");
  EXPECT_EQ(text(age.between(1, 9)), "user.age BETWEEN ? AND ?");
}

TEST(compiler, like_with_escape_and_ilike) {  // as SQLAlchemy 2.0 renders them
  auto c = sql::compile(name.like("a/%%", '/'), lite);
  EXPECT_EQ(c.sql, "user.name LIKE ? ESCAPE '/'");
  ASSERT_EQ(c.params.size(), 1u);
  EXPECT_EQ(c.params[0], sql::value("a/%%"));
  EXPECT_EQ(text(name.not_like("a^_", '^'), pg), "\"user\".name NOT LIKE $1 ESCAPE '^'");
  EXPECT_EQ(text(name.like("it''s", '\'')), "user.name LIKE ? ESCAPE ''''");  // the quote doubled
  EXPECT_EQ(text(name.ilike("a%")), "lower(user.name) LIKE lower(?)");
  EXPECT_EQ(text(name.ilike("a%"), pg), "\"user\".name ILIKE $1");
  EXPECT_EQ(text(name.ilike("a/%", '/')), "lower(user.name) LIKE lower(?) ESCAPE '/'");
  EXPECT_EQ(text(name.not_ilike("a%"), pg), "\"user\".name NOT ILIKE $1");
  EXPECT_EQ(text(name.not_ilike("a%", '/')), "lower(user.name) NOT LIKE lower(?) ESCAPE '/'");
  EXPECT_EQ(text(name.like("a%", '/') && id == 1), "user.name LIKE ? ESCAPE '/' AND user.id = ?");
  EXPECT_EQ(text(!name.like("a%", '/')), "NOT user.name LIKE ? ESCAPE '/'");
  for (char bad : {'\0', '%', '_', '\n', static_cast<char>(0xc3)})
    EXPECT_THROW((void)name.like("x", bad), retort::ArgumentError) << static_cast<int>(bad);
}

TEST(compiler, contains_startswith_endswith_bind_the_value_and_autoescape_it) {
  auto c = sql::compile(name.contains("50%_off/now", true), lite);
  EXPECT_EQ(c.sql, "user.name LIKE '%' || ? || '%' ESCAPE '/'");
  ASSERT_EQ(c.params.size(), 1u);
  EXPECT_EQ(c.params[0], sql::value("50/%/_off//now"));
  auto s = sql::compile(name.startswith("a_", true), pg);
  EXPECT_EQ(s.sql, "\"user\".name LIKE $1 || '%' ESCAPE '/'");
  EXPECT_EQ(s.params[0], sql::value("a/_"));
  EXPECT_EQ(text(name.endswith("x", true)), "user.name LIKE '%' || ? ESCAPE '/'");
  auto raw = sql::compile(name.contains("50%"), lite);  // no autoescape: % stays a wildcard
  EXPECT_EQ(raw.sql, "user.name LIKE '%' || ? || '%'");
  EXPECT_EQ(raw.params[0], sql::value("50%"));
  EXPECT_EQ(text(name.startswith("a")), "user.name LIKE ? || '%'");
  EXPECT_EQ(text(name.endswith("a")), "user.name LIKE '%' || ?");
  auto hostile = sql::compile(name.contains("x' OR '1'='1", true), pg);  // never spliced into the text
  EXPECT_EQ(hostile.sql, "\"user\".name LIKE '%' || $1 || '%' ESCAPE '/'");
  EXPECT_EQ(hostile.params[0], sql::value("x' OR '1'='1"));
  EXPECT_EQ(sql::detail::escape_like("%_/a^", '^'), "^%^_/a^^");
}

TEST(compiler, empty_in_is_a_false_predicate) {
  EXPECT_EQ(text(id.in_(std::vector<int>{})), "1 != 1");
  EXPECT_EQ(text(id.not_in(std::vector<int>{})), "1 = 1");
  EXPECT_EQ(text(id.in_(std::vector<int>{}), pg), "1 != 1");
  EXPECT_EQ(text(id.in_({})), "1 != 1");  // braces: the list, not an empty subquery
  EXPECT_EQ(text(id.not_in({})), "1 = 1");
  EXPECT_EQ(text(id.not_in({5, 6})), "user.id NOT IN (?, ?)");
}

TEST(compiler, select_with_everything) {
  auto posts = column_ref<int>("post", "user_id");
  auto s = sql::select({name, sql::count().label("n")})
               .from("user")
               .join("post", id == posts)
               .where(age > 18)
               .where(name.like("a%"))
               .group_by(name)
               .having(sql::count() > 2)
               .order_by(name.desc())
               .limit(10)
               .offset(20);
  auto c = sql::compile(s, lite);
  EXPECT_EQ(c.sql,
            "SELECT user.name, count(*) AS n FROM user JOIN post ON user.id = post.user_id WHERE user.age > ? AND "
            "user.name LIKE ? GROUP BY user.name HAVING count(*) > ? ORDER BY user.name DESC LIMIT ? OFFSET ?");
  ASSERT_EQ(c.params.size(), 5u);
  EXPECT_EQ(c.params[3].as_int(), 10);
  EXPECT_EQ(c.params[4].as_int(), 20);
  auto p = sql::compile(s, pg);
  EXPECT_NE(p.sql.find("FROM \"user\" JOIN post"), std::string::npos);
  EXPECT_NE(p.sql.find("LIMIT $4 OFFSET $5"), std::string::npos);
}

TEST(compiler, where_terms_with_or_are_parenthesized) {
  auto s = sql::select({id}).from("user").where(id == 1 || id == 2).where(age > 3);
  EXPECT_EQ(sql::compile(s, lite).sql, "SELECT user.id FROM user WHERE (user.id = ? OR user.id = ?) AND user.age > ?");
}

TEST(compiler, offset_without_limit) {
  auto s = sql::select({id}).from("user").offset(5);
  auto c = sql::compile(s, lite);
  EXPECT_EQ(c.sql, "SELECT user.id FROM user LIMIT ? OFFSET ?");
  EXPECT_EQ(c.params[0].as_int(), -1);
  EXPECT_EQ(sql::compile(s, pg).sql, "SELECT \"user\".id FROM \"user\" OFFSET $1");
}

TEST(compiler, outer_join_subqueries_exists_and_aggregates) {
  auto posts = column_ref<int>("post", "user_id");
  auto s = sql::select({id, sql::max(age), sql::min(age), sql::sum(age), sql::count(id)})
               .from("user")
               .outer_join("post", id == posts);
  EXPECT_EQ(sql::compile(s, lite).sql,
            "SELECT user.id, max(user.age), min(user.age), sum(user.age), count(user.id) FROM user LEFT OUTER JOIN "
            "post ON user.id = post.user_id");
  auto sub = sql::select({posts}).from("post").where(column_ref<int>("post", "id") > 3);
  EXPECT_EQ(text(id.in_(sub)), "user.id IN (SELECT post.user_id FROM post WHERE post.id > ?)");
  EXPECT_EQ(text(id.not_in(sub)), "user.id NOT IN (SELECT post.user_id FROM post WHERE post.id > ?)");
  EXPECT_EQ(text(sql::exists(sub)), "EXISTS (SELECT post.user_id FROM post WHERE post.id > ?)");
  EXPECT_EQ(text(age > sql::scalar<int>(sql::select({sql::max(age)}).from("user"))),
            "user.age > (SELECT max(user.age) FROM user)");
  auto from_sub = sql::select({column_ref<int>("anon", "user_id")}).from(sql::from_item(sub, "anon"));
  EXPECT_EQ(sql::compile(from_sub, lite).sql,
            "SELECT anon.user_id FROM (SELECT post.user_id FROM post WHERE post.id > ?) AS anon");
  EXPECT_EQ(sql::compile(sql::select({id}).from("user").distinct(), lite).sql, "SELECT DISTINCT user.id FROM user");
}

TEST(compiler, insert_update_delete) {
  auto ins = sql::insert("user").columns({"name", "age"}).row({"a", 1}).row({"b", 2});
  auto c = sql::compile(ins, lite);
  EXPECT_EQ(c.sql, "INSERT INTO user (name, age) VALUES (?, ?), (?, ?)");
  EXPECT_EQ(c.params.size(), 4u);
  auto r = sql::compile(sql::insert("user").columns({"name"}).row({"a"}).returning({"id"}), pg);
  EXPECT_EQ(r.sql, "INSERT INTO \"user\" (name) VALUES ($1) RETURNING id");
  EXPECT_EQ(sql::compile(sql::insert("user"), lite).sql, "INSERT INTO user DEFAULT VALUES");
  auto up = sql::update("user").set("age", age + 1).set("name", sql::value("z")).where(id == 7);
  EXPECT_EQ(sql::compile(up, lite).sql, "UPDATE user SET age = user.age + ?, name = ? WHERE user.id = ?");
  up.returning({"updated_at", "rev"});
  EXPECT_EQ(sql::compile(up, pg).sql,
            "UPDATE \"user\" SET age = \"user\".age + $1, name = $2 WHERE \"user\".id = $3 RETURNING updated_at, rev");
  EXPECT_EQ(sql::compile(sql::delete_("user").where(id == 7), pg).sql, "DELETE FROM \"user\" WHERE \"user\".id = $1");
  EXPECT_THROW(sql::compile(sql::update("user"), lite), retort::ArgumentError);
  EXPECT_THROW(sql::compile(sql::insert("user").columns({"a", "b"}).row({1}), lite), retort::ArgumentError);
}

TEST(compiler, sentinel_ordered_insert_keeps_row_order) {
  auto ins = sql::insert("post")
                 .columns({"title", "user_id"})
                 .types({retort::String(100), retort::Integer})
                 .row({"a", 1})
                 .row({"b", 1})
                 .returning({"id"})
                 .sentinel_ordered();
  EXPECT_EQ(sql::compile(ins, pg).sql,
            "INSERT INTO post (title, user_id) SELECT p0, p1 FROM (VALUES (CAST($1 AS VARCHAR(100)), CAST($2 AS "
            "INTEGER), 0), (CAST($3 AS VARCHAR(100)), CAST($4 AS INTEGER), 1)) AS imp_sen (p0, p1, sen) ORDER BY "
            "sen RETURNING id");
}

TEST(compiler, identifiers_are_quoted_only_where_needed) {
  EXPECT_EQ(lite.quote("user"), "user");
  EXPECT_EQ(pg.quote("user"), "\"user\"");
  EXPECT_EQ(lite.quote("order"), "\"order\"");
  EXPECT_EQ(pg.quote("Mixed"), "\"Mixed\"");
  EXPECT_EQ(lite.quote("with space"), "\"with space\"");
  EXPECT_EQ(lite.quote("we\"ird"), "\"we\"\"ird\"");
  EXPECT_EQ(pg.quote("post_tag"), "post_tag");
}

TEST(compiler, values_never_reach_the_sql_text) {
  std::string hostile = "O'Brien; DROP TABLE x";
  auto c = sql::compile(sql::select({id}).from("user").where(name == hostile), pg);
  EXPECT_EQ(c.sql.find("Brien"), std::string::npos);
  EXPECT_EQ(c.params.at(0).text(), hostile);
  auto i = sql::compile(sql::insert("user").columns({"name"}).row({hostile}), lite);
  EXPECT_EQ(i.sql.find("Brien"), std::string::npos);
}

// Regressions found by tests/fuzz/fuzz_compiler (inputs named in each).

TEST(compiler, an_identifier_with_a_nul_byte_is_refused) {
  // Input: delete_("a\0b") compiled to DELETE FROM "a<NUL>b", which both databases read as DELETE FROM "a.
  for (const sql::dialect* d : {static_cast<const sql::dialect*>(&lite), static_cast<const sql::dialect*>(&pg)}) {
    EXPECT_THROW(sql::compile(sql::delete_(std::string("a\0b", 3)), *d), retort::ArgumentError);
    EXPECT_THROW(text(column_ref<int>("t", std::string("x\0", 2)), *d), retort::ArgumentError);
  }
}

TEST(compiler, default_values_for_several_rows_is_refused) {
  // Input: insert("order").row({}).row({}).row({}) compiled to one INSERT ... DEFAULT VALUES: one row, not three.
  EXPECT_THROW(sql::compile(sql::insert("order").row({}).row({}).row({}), lite), retort::ArgumentError);
  EXPECT_THROW(sql::compile(sql::insert("t").row({}).row({1}), pg), retort::ArgumentError);
  EXPECT_EQ(sql::compile(sql::insert("order").row({}), lite).sql, "INSERT INTO \"order\" DEFAULT VALUES");
}

TEST(compiler, a_subquery_node_without_a_select_is_refused) {
  // Input: detail::make_subquery(nullptr) / make_exists(nullptr) (UBSan: reference binding to null pointer).
  EXPECT_THROW(text(sql::expression(sql::detail::make_subquery(nullptr))), retort::ArgumentError);
  EXPECT_THROW(text(sql::expression(sql::detail::make_exists(nullptr, true))), retort::ArgumentError);
}

}  // namespace
