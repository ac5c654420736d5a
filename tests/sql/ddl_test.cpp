// DDL: CREATE/DROP TABLE and indexes, in foreign-key order.
#include <gtest/gtest.h>

#include "retort/dialect/postgresql/postgresql.hpp"
#include "retort/dialect/sqlite/sqlite.hpp"
#include "retort/sql/compiler.hpp"

namespace {

namespace sql = retort::sql;
const retort::sqlite::dialect lite;
const retort::postgresql::dialect pg;

sql::table user_table() {
  sql::table t("user");
  t.add(sql::column{.name = "id", .sql_type = retort::Integer, .nullable = false, .primary_key = true, .autoincrement = true});
  t.add(sql::column{.name = "name", .sql_type = retort::String(50), .nullable = false, .unique = true});
  t.add(sql::column{.name = "karma", .sql_type = retort::Integer, .nullable = false, .server_default = "0"});
  t.add(sql::check_constraint{"karma >= 0", "karma_positive"});
  return t;
}

sql::table membership_table() {
  sql::table t("membership");
  t.add(sql::column{.name = "user_id", .sql_type = retort::Integer, .nullable = false, .primary_key = true});
  t.add(sql::column{.name = "group_id", .sql_type = retort::BigInteger, .nullable = false, .primary_key = true});
  t.add(sql::column{.name = "note", .sql_type = retort::Text});
  t.add(sql::foreign_key{{"user_id"}, "user", {"id"}, sql::fk_action::cascade, sql::fk_action::set_null, ""});
  t.add(sql::index{"", {"note"}, false});
  return t;
}

TEST(ddl, create_table_sqlite) {
  EXPECT_EQ(sql::create_table(user_table(), lite),
            "CREATE TABLE user (\n\tid INTEGER NOT NULL,\n\tname VARCHAR(50) NOT NULL,\n\tkarma INTEGER NOT NULL "
            "DEFAULT 0,\n\tPRIMARY KEY (id),\n\tUNIQUE (name),\n\tCONSTRAINT karma_positive CHECK (karma >= 0)\n)");
}

TEST(ddl, create_table_postgres_uses_serial_and_quotes_user) {
  auto text = sql::create_table(user_table(), pg, true);
  EXPECT_EQ(text.rfind("CREATE TABLE IF NOT EXISTS \"user\" (\n\tid SERIAL NOT NULL,", 0), 0u) << text;
  auto big = user_table();
  sql::table t("big");
  t.add(sql::column{.name = "id", .sql_type = retort::BigInteger, .nullable = false, .primary_key = true, .autoincrement = true});
  EXPECT_NE(sql::create_table(t, pg).find("id BIGSERIAL NOT NULL"), std::string::npos);
  EXPECT_NE(sql::create_table(t, lite).find("id INTEGER NOT NULL"), std::string::npos);
}

TEST(ddl, composite_keys_foreign_key_actions_and_indexes) {
  auto text = sql::create_table(membership_table(), pg);
  EXPECT_NE(text.find("PRIMARY KEY (user_id, group_id)"), std::string::npos) << text;
  EXPECT_NE(text.find("FOREIGN KEY(user_id) REFERENCES \"user\" (id) ON DELETE CASCADE ON UPDATE SET NULL"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("group_id BIGINT NOT NULL"), std::string::npos);
  EXPECT_NE(text.find("note TEXT,"), std::string::npos);
  auto t = membership_table();
  EXPECT_EQ(sql::create_index(t, t.indexes()[0], lite), "CREATE INDEX ix_membership_note ON membership (note)");
  EXPECT_EQ(sql::drop_index(t.indexes()[0], lite), "DROP INDEX ix_membership_note");
  EXPECT_EQ(sql::drop_index(sql::index{"user", {"name"}, true}, pg, true), "DROP INDEX IF EXISTS \"user\"");
  EXPECT_EQ(sql::create_index(t, sql::index{"ux_note", {"note", "group_id"}, true}, pg),
            "CREATE UNIQUE INDEX ux_note ON membership (note, group_id)");
}

TEST(ddl, create_all_orders_parents_first_and_drop_all_reverses) {
  sql::metadata m;
  m.add(membership_table());  // child added first
  m.add(user_table());
  auto create = sql::create_all(m, lite);
  ASSERT_EQ(create.size(), 3u);
  EXPECT_EQ(create[0].rfind("CREATE TABLE user", 0), 0u);
  EXPECT_EQ(create[1].rfind("CREATE TABLE membership", 0), 0u);
  EXPECT_EQ(create[2].rfind("CREATE INDEX", 0), 0u);
  auto drop = sql::drop_all(m, pg, true);
  EXPECT_EQ(drop, (std::vector<std::string>{"DROP TABLE IF EXISTS membership", "DROP TABLE IF EXISTS \"user\""}));
}

TEST(ddl, type_names_per_dialect) {
  EXPECT_EQ(pg.type_name(retort::LargeBinary), "BYTEA");
  EXPECT_EQ(lite.type_name(retort::LargeBinary), "BLOB");
  EXPECT_EQ(pg.type_name(retort::DateTime), "TIMESTAMP WITHOUT TIME ZONE");
  EXPECT_EQ(pg.type_name(retort::Numeric(10, 2)), "NUMERIC(10, 2)");
  EXPECT_EQ(pg.type_name(retort::Boolean), "BOOLEAN");
  EXPECT_EQ(pg.type_name(retort::Double), "DOUBLE PRECISION");
  EXPECT_EQ(lite.type_name(retort::String()), "VARCHAR");
}

TEST(ddl, bad_schema_is_refused) {
  sql::metadata m;
  m.add(user_table());
  EXPECT_ANY_THROW(m.add(user_table()));
  sql::table t("x");
  EXPECT_ANY_THROW(t.add(sql::foreign_key{{"missing"}, "user", {"id"}, {}, {}, ""}));
}

}  // namespace
