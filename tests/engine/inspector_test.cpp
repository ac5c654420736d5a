// Reflection on both databases: a schema made by Retort's own DDL reads back
// column by column and constraint by constraint, and a table rebuilt from its
// reflection reflects the same again. SQLite's CREATE TABLE scanner gets
// hostile text of its own; a dialect with no reflector is refused.

#include "retort/engine/connection.hpp"
#include "retort/engine/inspector.hpp"
#include "retort/sql/compiler.hpp"
#include "retort/util/error.hpp"
#include "support/backend.hpp"
#include "support/schema_text.hpp"

namespace {

using retort::testing::backend;
namespace sql = retort::sql;
namespace engine = retort::engine;

// PostgreSQL's native enum for the "kinds" table, as a runtime enum.
const std::string mood_labels[] = {"happy", "sad"};
const sql::enum_info mood{nullptr, "mood", 2, nullptr, mood_labels};

/// Everything reflection fills in, one line per item: equal text, equal reflection.
std::string render(const sql::table& t) { return retort::testing::schema_text(t, true); }

std::string render(const sql::metadata& m) {
  std::string out;
  for (const auto& t : m.tables()) out += render(*t);
  return out;
}

/// Every column type, with and without NOT NULL and DEFAULT.
sql::table kinds_table(bool native_enum) {
  sql::table t("kinds");
  t.add(sql::column{.name = "id", .sql_type = retort::Integer, .nullable = false, .primary_key = true, .autoincrement = true});
  t.add(sql::column{.name = "i", .sql_type = retort::Integer, .nullable = false, .server_default = "0"});
  t.add(sql::column{.name = "bi", .sql_type = retort::BigInteger});
  t.add(sql::column{.name = "s", .sql_type = retort::String(50), .nullable = false, .server_default = "'x'"});
  t.add(sql::column{.name = "t", .sql_type = retort::Text});
  t.add(sql::column{.name = "b", .sql_type = retort::Boolean, .server_default = "false"});
  t.add(sql::column{.name = "f", .sql_type = retort::Float});
  t.add(sql::column{.name = "d", .sql_type = retort::Double});
  t.add(sql::column{.name = "n", .sql_type = retort::Numeric(10, 2)});
  t.add(sql::column{.name = "day", .sql_type = retort::Date});
  t.add(sql::column{.name = "ts", .sql_type = retort::DateTime, .server_default = "CURRENT_TIMESTAMP"});
  t.add(sql::column{.name = "tz", .sql_type = retort::DateTimeTZ});
  t.add(sql::column{.name = "bin", .sql_type = retort::LargeBinary});
  t.add(sql::column{.name = "j", .sql_type = retort::JSON});
  t.add(sql::column{.name = "u", .sql_type = retort::Uuid});
  if (native_enum) t.add(sql::column{.name = "m", .sql_type = sql::type{sql::type_kind::enumeration, 0, 0, 0, false, &mood}});
  return t;
}

/// Keys: a composite primary key, foreign keys with actions, uniques, a CHECK, indexes.
sql::metadata keyed_schema(bool native_enum) {
  sql::metadata m;
  m.add(kinds_table(native_enum));
  sql::table p("parents");
  p.add(sql::column{.name = "a", .sql_type = retort::Integer, .nullable = false, .primary_key = true});
  p.add(sql::column{.name = "b", .sql_type = retort::String(20), .nullable = false, .primary_key = true});
  p.add(sql::column{.name = "c", .sql_type = retort::Integer, .unique = true});
  p.add(sql::column{.name = "e", .sql_type = retort::Integer});
  p.add(sql::column{.name = "f", .sql_type = retort::Integer});
  p.add(sql::unique_constraint{{"f", "e"}, "uq_parents_fe"});
  p.add(sql::check_constraint{"a > 0", "ck_parents_a"});
  m.add(std::move(p));
  sql::table c("children");
  c.add(sql::column{.name = "id", .sql_type = retort::Integer, .nullable = false, .primary_key = true, .autoincrement = true});
  c.add(sql::column{.name = "pa", .sql_type = retort::Integer});
  c.add(sql::column{.name = "pb", .sql_type = retort::String(20)});
  c.add(sql::column{.name = "pc", .sql_type = retort::Integer});
  c.add(sql::foreign_key{{"pa", "pb"}, "parents", {"a", "b"}, sql::fk_action::cascade, sql::fk_action::cascade, "fk_children_parent"});
  c.add(sql::foreign_key{{"pc"}, "parents", {"c"}, sql::fk_action::set_null, sql::fk_action::no_action, ""});
  c.add(sql::index{"ix_children_pb", {"pb"}, false});
  c.add(sql::index{"uix_children_pc_pa", {"pc", "pa"}, true});
  m.add(std::move(c));
  return m;
}

class inspector_test : public ::testing::TestWithParam<backend> {
 protected:
  void SetUp() override {
    url_ = retort::testing::fresh_url(GetParam());
    RETORT_REQUIRE_URL(url_);
    engine_.emplace(url_);
  }
  bool pg() const { return GetParam() == backend::postgres; }
  /// Runs Retort's create_all for `m` on this test's database.
  void create(const sql::metadata& m) {
    auto c = engine_->connect();
    for (const auto& s : sql::create_all(m, c.dialect())) c.execute_ddl(s);
  }
  void ddl(const std::string& s) { engine_->connect().execute_ddl(s); }
  std::string url_;
  std::optional<engine::engine> engine_;
};
INSTANTIATE_TEST_SUITE_P(, inspector_test, ::testing::ValuesIn(retort::testing::all_backends()),
                         retort::testing::backend_param_name);

TEST_P(inspector_test, reflects_every_column_type) {
  create(keyed_schema(pg()));
  auto c = engine_->connect();
  auto t = engine::inspector(c).table("kinds");
  struct expected {
    const char* name;
    const char* sqlite_text;
    const char* pg_text;
    sql::type sqlite_type;  ///< where SQLite's storage differs from the declared type
    sql::type pg_type;
  };
  const std::vector<expected> want = {
      {"id", "INTEGER", "integer", retort::Integer, retort::Integer},
      {"i", "INTEGER", "integer", retort::Integer, retort::Integer},
      {"bi", "BIGINT", "bigint", retort::BigInteger, retort::BigInteger},
      {"s", "VARCHAR(50)", "character varying(50)", retort::String(50), retort::String(50)},
      {"t", "TEXT", "text", retort::Text, retort::Text},
      {"b", "BOOLEAN", "boolean", retort::Boolean, retort::Boolean},
      {"f", "FLOAT", "real", retort::Float, retort::Float},
      {"d", "DOUBLE", "double precision", retort::Double, retort::Double},
      {"n", "NUMERIC(10, 2)", "numeric(10,2)", retort::Numeric(10, 2), retort::Numeric(10, 2)},
      {"day", "DATE", "date", retort::Date, retort::Date},
      {"ts", "DATETIME", "timestamp without time zone", retort::DateTime, retort::DateTime},
      {"tz", "DATETIME", "timestamp with time zone", retort::DateTime, retort::DateTimeTZ},
      {"bin", "BLOB", "bytea", retort::LargeBinary, retort::LargeBinary},
      {"j", "TEXT", "jsonb", retort::Text, retort::JSON},
      {"u", "CHAR(32)", "uuid", retort::String(32), retort::Uuid},
  };
  ASSERT_EQ(t.columns().size(), want.size() + (pg() ? 1 : 0)) << render(t);
  for (std::size_t i = 0; i < want.size(); ++i) {
    const auto& col = t.columns()[i];
    SCOPED_TRACE(want[i].name);
    EXPECT_EQ(col.name, want[i].name);
    EXPECT_EQ(col.type_text, pg() ? want[i].pg_text : want[i].sqlite_text);
    EXPECT_TRUE(col.sql_type == (pg() ? want[i].pg_type : want[i].sqlite_type)) << sql::kind_name(col.sql_type.kind);
    EXPECT_EQ(col.primary_key, i == 0);
    EXPECT_EQ(col.autoincrement, i == 0);
    EXPECT_FALSE(col.unique);
    EXPECT_FALSE(col.indexed);
  }
  EXPECT_FALSE(t.at("id").nullable);
  EXPECT_FALSE(t.at("i").nullable);
  EXPECT_FALSE(t.at("s").nullable);
  EXPECT_TRUE(t.at("bi").nullable);
  EXPECT_TRUE(t.at("u").nullable);
  // A serial's nextval() is the autoincrement, not a default.
  EXPECT_EQ(t.at("id").server_default, std::nullopt);
  EXPECT_EQ(t.at("i").server_default, "0");
  EXPECT_EQ(t.at("s").server_default, pg() ? "'x'::character varying" : "'x'");
  EXPECT_EQ(t.at("b").server_default, "false");
  EXPECT_EQ(t.at("ts").server_default, "CURRENT_TIMESTAMP");
  EXPECT_EQ(t.at("t").server_default, std::nullopt);
  if (pg()) {
    const auto& m = t.at("m");
    EXPECT_EQ(m.type_text, "mood");
    EXPECT_EQ(m.sql_type.kind, sql::type_kind::enumeration);
    EXPECT_EQ(m.sql_type.enumeration, nullptr);
  }
  EXPECT_EQ(t.primary_key(), std::vector<std::string>{"id"});
  EXPECT_TRUE(t.foreign_keys().empty());
  EXPECT_TRUE(t.uniques().empty());
  EXPECT_TRUE(t.checks().empty());
  EXPECT_TRUE(t.indexes().empty());
}

TEST_P(inspector_test, reflects_keys_uniques_checks_and_indexes) {
  create(keyed_schema(pg()));
  auto c = engine_->connect();
  engine::inspector insp(c);

  auto p = insp.table("parents");
  EXPECT_EQ(p.primary_key(), (std::vector<std::string>{"a", "b"})) << render(p);
  EXPECT_FALSE(p.at("a").autoincrement);  // a composite key is no rowid / serial
  EXPECT_FALSE(p.at("b").nullable);
  ASSERT_EQ(p.uniques().size(), 2u) << render(p);
  EXPECT_EQ(p.uniques()[0].columns, std::vector<std::string>{"c"});
  // An unnamed UNIQUE: SQLite keeps no name, PostgreSQL names it itself.
  EXPECT_EQ(p.uniques()[0].name, pg() ? "parents_c_key" : "");
  EXPECT_EQ(p.uniques()[1].columns, (std::vector<std::string>{"f", "e"}));  // constraint order, not table order
  EXPECT_EQ(p.uniques()[1].name, "uq_parents_fe");
  ASSERT_EQ(p.checks().size(), 1u) << render(p);
  EXPECT_EQ(p.checks()[0].name, "ck_parents_a");
  EXPECT_EQ(p.checks()[0].sql, pg() ? "(a > 0)" : "a > 0");  // PostgreSQL's own rendering of the expression
  EXPECT_TRUE(p.indexes().empty()) << "indexes behind constraints are not indexes: " << render(p);

  auto ch = insp.table("children");
  EXPECT_TRUE(ch.at("id").autoincrement);
  EXPECT_TRUE(ch.at("pa").nullable);
  ASSERT_EQ(ch.foreign_keys().size(), 2u) << render(ch);
  const auto& named = ch.foreign_keys()[0];
  EXPECT_EQ(named.name, "fk_children_parent");
  EXPECT_EQ(named.columns, (std::vector<std::string>{"pa", "pb"}));
  EXPECT_EQ(named.ref_table, "parents");
  EXPECT_EQ(named.ref_columns, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(named.on_delete, sql::fk_action::cascade);
  EXPECT_EQ(named.on_update, sql::fk_action::cascade);
  const auto& unnamed = ch.foreign_keys()[1];
  EXPECT_EQ(unnamed.name, pg() ? "children_pc_fkey" : "");
  EXPECT_EQ(unnamed.columns, std::vector<std::string>{"pc"});
  EXPECT_EQ(unnamed.ref_columns, std::vector<std::string>{"c"});
  EXPECT_EQ(unnamed.on_delete, sql::fk_action::set_null);
  EXPECT_EQ(unnamed.on_update, sql::fk_action::no_action);
  EXPECT_TRUE(ch.uniques().empty()) << render(ch);
  ASSERT_EQ(ch.indexes().size(), 2u) << render(ch);
  EXPECT_EQ(ch.indexes()[0].name, "ix_children_pb");
  EXPECT_EQ(ch.indexes()[0].columns, std::vector<std::string>{"pb"});
  EXPECT_FALSE(ch.indexes()[0].unique);
  EXPECT_EQ(ch.indexes()[1].name, "uix_children_pc_pa");
  EXPECT_EQ(ch.indexes()[1].columns, (std::vector<std::string>{"pc", "pa"}));
  EXPECT_TRUE(ch.indexes()[1].unique);

  // reflect() is every table, in name order.
  auto all = insp.reflect();
  ASSERT_EQ(all.tables().size(), 3u);
  EXPECT_EQ(all.tables()[0]->name(), "children");
  EXPECT_EQ(render(*all.find("parents")), render(p));
  auto some = insp.reflect({"parents"});
  ASSERT_EQ(some.tables().size(), 1u);
  EXPECT_EQ(some.tables()[0]->name(), "parents");
}

TEST_P(inspector_test, a_table_rebuilt_from_its_reflection_reflects_the_same) {
  create(keyed_schema(pg()));
  std::string first;
  sql::metadata reflected;
  std::vector<engine::reflected_enum> enums;
  {
    auto c = engine_->connect();
    engine::inspector insp(c);
    reflected = insp.reflect();
    enums = insp.enums();
    first = render(reflected);
  }
  auto url2 = retort::testing::fresh_url(GetParam());
  engine::engine second(url2);
  auto c2 = second.connect();
  // Native enum types first, from their reflection: the tables name them.
  for (const auto& e : enums) {
    sql::enum_info info{nullptr, e.name.c_str(), e.labels.size(), nullptr, e.labels.data()};
    c2.execute_ddl(c2.dialect().create_enum(info, false));
  }
  for (const auto* t : reflected.sorted_tables()) {
    c2.execute_ddl(sql::create_table(*t, c2.dialect()));
    for (const auto& i : t->indexes()) c2.execute_ddl(sql::create_index(*t, i, c2.dialect()));
  }
  engine::inspector again(c2);
  EXPECT_EQ(render(again.reflect()), first);
  EXPECT_EQ(again.enums().size(), enums.size());
}

TEST_P(inspector_test, table_names_are_sorted_user_tables_only) {
  ddl("CREATE TABLE zeta (id INTEGER PRIMARY KEY)");
  ddl("CREATE TABLE \"Alpha\" (id INTEGER PRIMARY KEY)");
  ddl("CREATE TABLE beta (id INTEGER PRIMARY KEY)");
  ddl("CREATE VIEW a_view AS SELECT id FROM beta");
  ddl("CREATE INDEX ix_beta ON beta (id)");
  if (!pg()) {
    // AUTOINCREMENT makes SQLite's own sqlite_sequence table.
    ddl("CREATE TABLE counted (id INTEGER PRIMARY KEY AUTOINCREMENT)");
    ddl("INSERT INTO counted DEFAULT VALUES");
  } else {
    ddl("CREATE TABLE counted (id SERIAL PRIMARY KEY)");
  }
  auto c = engine_->connect();
  engine::inspector insp(c);
  EXPECT_EQ(insp.table_names(), (std::vector<std::string>{"Alpha", "beta", "counted", "zeta"}));
  EXPECT_TRUE(insp.has_table("Alpha"));
  EXPECT_TRUE(insp.has_table("zeta"));
  EXPECT_FALSE(insp.has_table("a_view"));
  EXPECT_FALSE(insp.has_table("ix_beta"));
  EXPECT_FALSE(insp.has_table("nope"));
  EXPECT_FALSE(insp.has_table("sqlite_sequence"));
  EXPECT_FALSE(insp.has_table("pg_class"));
}

TEST_P(inspector_test, a_missing_table_raises_no_such_table_error_naming_it) {
  ddl("CREATE TABLE present (id INTEGER PRIMARY KEY)");
  ddl("CREATE VIEW a_view AS SELECT id FROM present");
  auto c = engine_->connect();
  engine::inspector insp(c);
  try {
    (void)insp.table("absent_table");
    FAIL() << "no NoSuchTableError";
  } catch (const retort::NoSuchTableError& e) {
    EXPECT_NE(std::string(e.what()).find("'absent_table'"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)insp.reflect({"present", "absent_table"}), retort::NoSuchTableError);
  EXPECT_THROW((void)insp.table("a_view"), retort::NoSuchTableError);  // a view is no table
  EXPECT_NO_THROW((void)insp.table("present"));
}

TEST_P(inspector_test, reflects_inside_an_open_transaction) {
  auto c = engine_->connect();
  auto tx = c.begin();
  c.execute_ddl("CREATE TABLE uncommitted (id INTEGER PRIMARY KEY, note TEXT)");
  engine::inspector insp(c);
  EXPECT_TRUE(insp.has_table("uncommitted"));
  EXPECT_EQ(insp.table("uncommitted").columns().size(), 2u);
  tx.rollback();
  EXPECT_FALSE(insp.has_table("uncommitted"));
}

TEST_P(inspector_test, native_enums_with_labels_in_order) {
  auto c = engine_->connect();
  engine::inspector insp(c);
  if (!pg()) {
    EXPECT_TRUE(insp.enums().empty());
    return;
  }
  c.execute_ddl("CREATE TYPE \"Weather\" AS ENUM ('sun', 'rain')");
  c.execute_ddl("ALTER TYPE \"Weather\" ADD VALUE 'fog' BEFORE 'sun'");  // sort order, not creation order
  c.execute_ddl("CREATE TYPE mood AS ENUM ('happy', 'sad')");
  c.execute_ddl("CREATE TABLE days (id INTEGER PRIMARY KEY, w \"Weather\", m mood, ws \"Weather\"[])");
  auto enums = insp.enums();
  ASSERT_EQ(enums.size(), 2u);
  EXPECT_EQ(enums[0].name, "Weather");
  EXPECT_EQ(enums[0].labels, (std::vector<std::string>{"fog", "sun", "rain"}));
  EXPECT_EQ(enums[1].name, "mood");
  EXPECT_EQ(enums[1].labels, (std::vector<std::string>{"happy", "sad"}));
  auto t = insp.table("days");
  EXPECT_EQ(t.at("w").type_text, "\"Weather\"");  // quoted as the dialect quotes it
  EXPECT_EQ(t.at("w").sql_type.kind, sql::type_kind::enumeration);
  EXPECT_EQ(t.at("ws").type_text, "\"Weather\"[]");  // an array: its spelling only
  EXPECT_EQ(t.at("ws").sql_type.kind, sql::type_kind::text);
}

// --- SQLite only: what the PRAGMAs leave out comes from the CREATE TABLE text. ---

TEST_P(inspector_test, sqlite_scanner_reads_names_and_checks_through_quotes_and_comments) {
  if (pg()) GTEST_SKIP() << "SQLite's CREATE TABLE text";
  ddl(R"sql(CREATE TABLE "odd ""name"" (x)" (
      "col, one" INTEGER PRIMARY KEY CONSTRAINT "ck, one" CHECK ("col, one" > 0 AND 'a)b' <> 'CONSTRAINT z CHECK (') -- a ) and a , here
      , b TEXT /* CHECK (not one) , */ DEFAULT 'it''s' CONSTRAINT uq_b UNIQUE,
      c INTEGER CONSTRAINT fk_c REFERENCES "odd ""name"" (x)" ("col, one") ON DELETE SET DEFAULT ON UPDATE RESTRICT,
      d INT DEFAULT (1 + 2) NOT NULL,
      [e] VARCHAR(10) CHECK (length([e]) < 5),
      `f` MONEY(4) DEFAULT -1.5e+3,
      g TEXT REFERENCES plain,
      CONSTRAINT `ck two` CHECK (b IN ('(', ')')),
      CONSTRAINT uq_de UNIQUE (d, [e]),
      UNIQUE (f)
    ))sql");
  ddl("CREATE TABLE plain (k TEXT NOT NULL, l TEXT, PRIMARY KEY (k))");
  ddl("CREATE INDEX ix_expr ON plain (lower(l))");  // on an expression: not reflected
  auto c = engine_->connect();
  engine::inspector insp(c);
  auto t = insp.table("odd \"name\" (x)");
  ASSERT_EQ(t.checks().size(), 3u) << render(t);
  EXPECT_EQ(t.checks()[0].name, "ck, one");
  EXPECT_EQ(t.checks()[0].sql, R"("col, one" > 0 AND 'a)b' <> 'CONSTRAINT z CHECK (')");
  EXPECT_EQ(t.checks()[1].name, "");
  EXPECT_EQ(t.checks()[1].sql, "length([e]) < 5");
  EXPECT_EQ(t.checks()[2].name, "ck two");
  EXPECT_EQ(t.checks()[2].sql, "b IN ('(', ')')");
  ASSERT_EQ(t.uniques().size(), 3u) << render(t);
  EXPECT_EQ(t.uniques()[0].name, "uq_b");
  EXPECT_EQ(t.uniques()[0].columns, std::vector<std::string>{"b"});
  EXPECT_EQ(t.uniques()[1].name, "uq_de");
  EXPECT_EQ(t.uniques()[1].columns, (std::vector<std::string>{"d", "e"}));
  EXPECT_EQ(t.uniques()[2].name, "");
  EXPECT_EQ(t.uniques()[2].columns, std::vector<std::string>{"f"});
  ASSERT_EQ(t.foreign_keys().size(), 2u) << render(t);
  EXPECT_EQ(t.foreign_keys()[0].name, "fk_c");
  EXPECT_EQ(t.foreign_keys()[0].ref_table, "odd \"name\" (x)");
  EXPECT_EQ(t.foreign_keys()[0].ref_columns, std::vector<std::string>{"col, one"});
  EXPECT_EQ(t.foreign_keys()[0].on_delete, sql::fk_action::set_default);
  EXPECT_EQ(t.foreign_keys()[0].on_update, sql::fk_action::restrict);
  // REFERENCES without columns: the referenced table's primary key.
  EXPECT_EQ(t.foreign_keys()[1].name, "");
  EXPECT_EQ(t.foreign_keys()[1].columns, std::vector<std::string>{"g"});
  EXPECT_EQ(t.foreign_keys()[1].ref_columns, std::vector<std::string>{"k"});
  EXPECT_EQ(t.at("b").server_default, "'it''s'");
  EXPECT_EQ(t.at("d").server_default, "(1 + 2)");  // SQLite drops the parentheses; DDL needs them back
  EXPECT_FALSE(t.at("d").nullable);
  EXPECT_EQ(t.at("f").server_default, "-1.5e+3");
  EXPECT_EQ(t.at("f").type_text, "MONEY(4)");  // unknown: its spelling, kind text
  EXPECT_EQ(t.at("f").sql_type.kind, sql::type_kind::text);
  EXPECT_TRUE(t.at("col, one").autoincrement);
  EXPECT_TRUE(insp.table("plain").indexes().empty());

  // And the reflection compiles back to a table that reflects the same.
  std::string first = render(t);
  std::string plain = render(insp.table("plain"));
  engine::engine second(retort::testing::fresh_url(backend::sqlite));
  auto c2 = second.connect();
  c2.execute_ddl(sql::create_table(t, c2.dialect()));
  c2.execute_ddl(sql::create_table(insp.table("plain"), c2.dialect()));
  engine::inspector again(c2);
  EXPECT_EQ(render(again.table("odd \"name\" (x)")), first);
  EXPECT_EQ(render(again.table("plain")), plain);
}

TEST_P(inspector_test, sqlite_autoincrement_is_the_rowid_alias_only) {
  if (pg()) GTEST_SKIP() << "SQLite's rowid";
  ddl("CREATE TABLE alias (id integer PRIMARY KEY, x TEXT)");
  ddl("CREATE TABLE alias_by_constraint (id INTEGER, PRIMARY KEY (id))");
  ddl("CREATE TABLE descending (id INTEGER PRIMARY KEY DESC)");  // SQLite's quirk: a key, no alias
  ddl("CREATE TABLE big (id BIGINT PRIMARY KEY)");
  ddl("CREATE TABLE textual (code TEXT PRIMARY KEY)");
  ddl("CREATE TABLE composite (a INTEGER, b INTEGER, PRIMARY KEY (b, a))");
  ddl("CREATE TABLE no_rowid (id INTEGER PRIMARY KEY) WITHOUT ROWID");
  auto c = engine_->connect();
  engine::inspector insp(c);
  auto alias = insp.table("alias");
  EXPECT_TRUE(alias.at("id").autoincrement);
  EXPECT_EQ(alias.at("id").type_text, "INTEGER");  // SQLite spells the rowid alias so, however it was declared
  EXPECT_FALSE(alias.at("id").nullable);
  EXPECT_TRUE(insp.table("alias_by_constraint").at("id").autoincrement);
  EXPECT_FALSE(insp.table("descending").at("id").autoincrement);
  EXPECT_FALSE(insp.table("big").at("id").autoincrement);
  EXPECT_FALSE(insp.table("textual").at("code").autoincrement);
  EXPECT_FALSE(insp.table("textual").at("code").nullable);
  auto composite = insp.table("composite");
  EXPECT_FALSE(composite.at("a").autoincrement);
  EXPECT_EQ(composite.primary_key(), (std::vector<std::string>{"a", "b"}));
  EXPECT_FALSE(insp.table("no_rowid").at("id").autoincrement);
}

// --- PostgreSQL only ---

TEST_P(inspector_test, postgres_identity_generated_and_expression_indexes) {
  if (!pg()) GTEST_SKIP() << "PostgreSQL's catalog";
  ddl("CREATE TABLE ident (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, label TEXT DEFAULT 'x', "
      "twice INTEGER GENERATED ALWAYS AS (length(label) * 2) STORED, at TIMESTAMP(3) WITH TIME ZONE, "
      "code CHARACTER(4), tags INTEGER[], addr INET, sm SMALLINT DEFAULT 1, dropped INTEGER)");
  ddl("ALTER TABLE ident DROP COLUMN dropped");
  ddl("CREATE INDEX ix_ident_lower ON ident (lower(label))");
  ddl("CREATE INDEX ix_ident_label ON ident (label) INCLUDE (code)");
  auto c = engine_->connect();
  auto t = engine::inspector(c).table("ident");
  ASSERT_EQ(t.columns().size(), 8u) << render(t);
  EXPECT_TRUE(t.at("id").autoincrement);
  EXPECT_EQ(t.at("id").server_default, std::nullopt);
  EXPECT_TRUE(t.at("id").sql_type == retort::BigInteger);
  EXPECT_EQ(t.at("label").server_default, "'x'::text");
  EXPECT_EQ(t.at("twice").server_default, std::nullopt);  // a generation expression is no default
  EXPECT_TRUE(t.at("at").sql_type == retort::DateTimeTZ);
  EXPECT_EQ(t.at("at").type_text, "timestamp(3) with time zone");
  EXPECT_TRUE(t.at("code").sql_type == retort::String(4));
  EXPECT_EQ(t.at("tags").type_text, "integer[]");
  EXPECT_EQ(t.at("addr").type_text, "inet");
  EXPECT_EQ(t.at("addr").sql_type.kind, sql::type_kind::text);
  EXPECT_TRUE(t.at("sm").sql_type == retort::Integer);
  EXPECT_EQ(t.at("sm").server_default, "1");
  ASSERT_EQ(t.indexes().size(), 1u) << render(t);
  EXPECT_EQ(t.indexes()[0].name, "ix_ident_label");
  EXPECT_EQ(t.indexes()[0].columns, std::vector<std::string>{"label"});  // not the INCLUDE column
}

TEST_P(inspector_test, postgres_reads_the_current_schema_only) {
  if (!pg()) GTEST_SKIP() << "PostgreSQL's schemas";
  ddl("CREATE TABLE mine (id INTEGER PRIMARY KEY)");
  ddl("CREATE TYPE my_enum AS ENUM ('a')");
  // Another schema on the same database (fresh_url's search_path) with a table and enum of its own.
  engine::engine other(retort::testing::fresh_url(backend::postgres));
  other.connect().execute_ddl("CREATE TABLE theirs (id INTEGER PRIMARY KEY, mine_id INTEGER)");
  other.connect().execute_ddl("CREATE TABLE mine (other_column TEXT)");
  other.connect().execute_ddl("CREATE TYPE their_enum AS ENUM ('b')");
  auto c = engine_->connect();
  engine::inspector insp(c);
  EXPECT_EQ(insp.table_names(), std::vector<std::string>{"mine"});
  EXPECT_FALSE(insp.has_table("theirs"));
  EXPECT_THROW((void)insp.table("theirs"), retort::NoSuchTableError);
  auto mine = insp.table("mine");
  ASSERT_EQ(mine.columns().size(), 1u) << render(mine);
  EXPECT_EQ(mine.columns()[0].name, "id");
  ASSERT_EQ(insp.enums().size(), 1u);
  EXPECT_EQ(insp.enums()[0].name, "my_enum");
}

// --- A dialect nobody wrote a reflector for. ---

class unreflected_dialect final : public sql::dialect {
 public:
  std::string_view name() const override { return "unreflected"; }
  bool is_reserved(std::string_view) const override { return false; }
  void placeholder(std::string& out, std::size_t) const override { out += '?'; }
  std::string type_name(const sql::type&) const override { return "TEXT"; }
  std::string autoincrement_type(const sql::type&) const override { return "INTEGER"; }
  bool supports_returning() const override { return false; }
  bool prefers_multirow_insert() const override { return false; }
  std::size_t max_parameters() const override { return 999; }
  bool offset_requires_limit() const override { return true; }
  bool has_ilike() const override { return false; }
};

/// SQLite's driver under another dialect's name.
class unreflected_driver final : public engine::driver {
 public:
  explicit unreflected_driver(std::shared_ptr<engine::driver> inner) : inner_(std::move(inner)) {}
  const sql::dialect& dialect() const override { return dialect_; }
  void validate(const engine::url& u) const override { inner_->validate(u); }
  std::unique_ptr<engine::driver_connection> connect(const engine::url& u) override { return inner_->connect(u); }
  void tune_pool(const engine::url& u, engine::pool_options& o) const override { inner_->tune_pool(u, o); }

 private:
  std::shared_ptr<engine::driver> inner_;
  unreflected_dialect dialect_;
};

TEST(inspector_registry_test, a_dialect_without_a_reflector_raises_argument_error) {
  retort::testing::register_backends();
  auto d = std::make_shared<unreflected_driver>(engine::find_driver("sqlite"));
  engine::register_driver("unreflected", [d] { return d; });
  engine::engine e("unreflected://");
  auto c = e.connect();
  try {
    engine::inspector insp(c);
    FAIL() << "no ArgumentError";
  } catch (const retort::ArgumentError& err) {
    std::string what = err.what();
    EXPECT_NE(what.find("'unreflected'"), std::string::npos) << what;
    EXPECT_NE(what.find("sqlite"), std::string::npos) << what;  // the known ones are listed
  }
  EXPECT_THROW(engine::register_reflector("unreflected", nullptr), retort::ArgumentError);
}

}  // namespace
