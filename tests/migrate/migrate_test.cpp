// Migrations on both databases: autogenerate finds each kind of change,
// upgrade then downgrade gives back the reflected schema it started from,
// rows survive every operation (SQLite's table rebuilds with foreign keys
// too), a failed revision leaves the database at the one before, branches
// merge, offline mode prints the SQL, and the command line drives it all.
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include <gtest/gtest.h>

#include "retort/engine/connection.hpp"
#include "retort/engine/inspector.hpp"
#include "retort/migrate/autogenerate.hpp"
#include "retort/migrate/cli.hpp"
#include "retort/migrate/migrator.hpp"
#include "retort/retort.hpp"
#include "retort/sql/compiler.hpp"
#include "retort/util/error.hpp"
#include "support/backend.hpp"

namespace mg {
struct Note {
  int id = 0;
  std::string body{};
  std::optional<int> stars{};
};
}  // namespace mg

template <>
inline constexpr auto retort::mapping<mg::Note> =
    retort::model(retort::table_name("mg_note"), retort::column<&mg::Note::id>(retort::primary_key),
                  retort::column<&mg::Note::body>(retort::String(200)), retort::column<&mg::Note::stars>());

namespace {

using retort::testing::backend;
namespace sql = retort::sql;
namespace engine = retort::engine;
namespace migrate = retort::migrate;
namespace fs = std::filesystem;

sql::column col(std::string name, sql::type t, bool nullable = true) {
  sql::column c;
  c.name = std::move(name);
  c.sql_type = t;
  c.nullable = nullable;
  return c;
}

sql::column key(std::string name) {
  auto c = col(std::move(name), retort::Integer, false);
  c.primary_key = true;
  c.autoincrement = true;
  return c;
}

sql::column with_default(sql::column c, std::string d) {
  c.server_default = std::move(d);
  return c;
}

/// Version 1 of a small schema: author and book (book.author_id -> author, ON DELETE CASCADE).
sql::metadata version_one() {
  sql::metadata m;
  sql::table author("author");
  author.add(key("id"));
  author.add(col("name", retort::String(50), false));
  author.add(col("email", retort::String(100)));
  author.add(sql::unique_constraint{{"email"}, "uq_author_email"});
  m.add(std::move(author));
  sql::table book("book");
  book.add(key("id"));
  book.add(col("author_id", retort::Integer, false));
  book.add(col("title", retort::String(80), false));
  book.add(with_default(col("pages", retort::Integer, false), "0"));
  book.add(col("isbn", retort::String(20)));
  book.add(sql::foreign_key{{"author_id"}, "author", {"id"}, sql::fk_action::cascade, sql::fk_action::no_action, "fk_book_author"});
  book.add(sql::index{"ix_book_title", {"title"}, false});
  m.add(std::move(book));
  sql::table gone("obsolete");
  gone.add(key("id"));
  m.add(std::move(gone));
  return m;
}

/// Version 2: one of every change autogenerate detects.
sql::metadata version_two() {
  sql::metadata m;
  sql::table author("author");
  author.add(key("id"));
  author.add(col("name", retort::String(120), false));  // type
  author.add(col("email", retort::String(100), false));  // nullability
  author.add(with_default(col("bio", retort::Text), "'none'"));  // new column
  // uq_author_email dropped; a unique constraint on name added
  author.add(sql::unique_constraint{{"name"}, ""});
  m.add(std::move(author));
  sql::table book("book");
  book.add(key("id"));
  book.add(col("author_id", retort::Integer, false));
  book.add(col("title", retort::String(80), false));
  book.add(with_default(col("pages", retort::Integer, false), "1"));  // default
  book.add(col("tag_id", retort::Integer));
  // isbn dropped; fk to author kept; ix_book_title dropped; ix_book_pages added; fk to tag added
  book.add(sql::foreign_key{{"author_id"}, "author", {"id"}, sql::fk_action::cascade, sql::fk_action::no_action, "fk_book_author"});
  book.add(sql::foreign_key{{"tag_id"}, "tag", {"id"}, sql::fk_action::set_null, sql::fk_action::no_action, ""});
  book.add(sql::index{"ix_book_pages", {"pages"}, false});
  m.add(std::move(book));
  sql::table tag("tag");  // new table
  tag.add(key("id"));
  tag.add(col("label", retort::String(30), false));
  m.add(std::move(tag));
  return m;
}

std::string join(const std::vector<std::string>& v, const char* sep = ",") {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

/// The reflected schema as text, one line per piece (the version table left out).
std::string render(engine::connection& c) {
  engine::inspector in(c);
  std::ostringstream o;
  for (const auto& name : in.table_names()) {
    if (name == migrate::version_table) continue;
    auto t = in.table(name);
    o << "table " << name << "\n";
    for (const auto& x : t.columns())
      o << "  " << x.name << " " << x.type_text << (x.nullable ? "" : " not null") << (x.primary_key ? " pk" : "")
        << (x.autoincrement ? " auto" : "") << " default=" << x.server_default.value_or("-") << "\n";
    for (const auto& fk : t.foreign_keys())
      o << "  fk (" << join(fk.columns) << ") -> " << fk.ref_table << " (" << join(fk.ref_columns) << ") "
        << static_cast<int>(fk.on_delete) << "\n";
    for (const auto& u : t.uniques()) o << "  unique (" << join(u.columns) << ")\n";
    for (const auto& i : t.indexes()) o << "  index " << i.name << " (" << join(i.columns) << ")\n";
    for (const auto& k : t.checks()) o << "  check " << k.name << "\n";
  }
  for (const auto& e : in.enums()) o << "enum " << e.name << " " << join(e.labels) << "\n";
  return o.str();
}

std::vector<std::string> described(const std::vector<migrate::operation_ptr>& ops) {
  std::vector<std::string> out;
  for (const auto& o : ops) out.push_back(o->describe());
  return out;
}

bool has(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

class migrate_test : public ::testing::TestWithParam<backend> {
 protected:
  void SetUp() override {
    retort::testing::register_backends();
    url_ = retort::testing::fresh_url(GetParam());
    RETORT_REQUIRE_URL(url_);
    engine_.emplace(url_);
    std::random_device rd;
    dir_ = fs::temp_directory_path() / ("retort-migrate-" + std::to_string(rd()) + std::to_string(rd()));
    migrate::script_directory::init(dir_);
  }
  void TearDown() override {
    engine_.reset();
    if (!dir_.empty()) fs::remove_all(dir_);
  }
  engine::engine& db() { return *engine_; }
  const sql::dialect& dialect() { return engine_->dialect(); }
  void create(const sql::metadata& m) {
    auto c = db().connect();
    for (const auto& s : sql::create_all(m, dialect())) c.execute_ddl(s);
  }
  long long count(const std::string& table) {
    auto c = db().connect();
    return c.execute("SELECT count(*) FROM " + table).scalar().as_int();
  }
  std::string schema_text() {
    auto c = db().connect();
    return render(c);
  }
  migrate::comparison compare(const sql::metadata& models, migrate::compare_options o = {}) {
    auto c = db().connect();
    return migrate::compare(migrate::reflect_schema(c), models, dialect(), o);
  }
  /// A revision of `diff` after the current heads.
  std::string add_revision(const std::string& message, const migrate::comparison& diff) {
    migrate::script_directory s(dir_);
    return s.create(message, s.heads(), diff.upgrade, diff.downgrade, diff.notes).id;
  }
  std::string add_revision(const std::string& message, const std::string& upgrade, const std::string& downgrade,
                           std::vector<std::string> parents = {{"<heads>"}}) {
    migrate::script_directory s(dir_);
    if (parents.size() == 1 && parents[0] == "<heads>") parents = s.heads();
    auto up = migrate::parse_operations(upgrade, "test", 1);
    auto down = migrate::parse_operations(downgrade, "test", 1);
    return s.create(message, parents, up, down).id;
  }
  std::vector<std::string> upgrade(const std::string& target = "heads") {
    migrate::script_directory s(dir_);
    return migrate::migrator(db(), s).upgrade(target);
  }
  std::vector<std::string> downgrade(const std::string& target) {
    migrate::script_directory s(dir_);
    return migrate::migrator(db(), s).downgrade(target);
  }
  std::vector<std::string> current() {
    migrate::script_directory s(dir_);
    return migrate::migrator(db(), s).current();
  }

  std::string url_;
  std::optional<engine::engine> engine_;
  fs::path dir_;
};

TEST_P(migrate_test, autogenerate_detects_each_kind_of_change) {
  create(version_one());
  auto diff = compare(version_two());
  auto ops = described(diff.upgrade);
  for (const char* expected :
       {"create table tag", "drop table obsolete", "add column author.bio", "drop column book.isbn",
        "alter column author.name (type)", "alter column author.email (not null)", "alter column book.pages (default)",
        "drop index ix_book_title on book", "create index ix_book_pages on book",
        "drop unique constraint uq_author_email on author (email)", "add unique constraint on author (name)",
        "add foreign key book (tag_id) -> tag", "add column book.tag_id"})
    EXPECT_TRUE(has(ops, expected)) << expected << " not in:\n" << join(ops, "\n");
  EXPECT_EQ(ops.size(), 13u) << join(ops, "\n");
  // What it loses is said: the dropped table, and the dropped column with the rename it might be.
  auto notes = join(diff.notes, "\n");
  EXPECT_NE(notes.find("drop table obsolete: its rows are lost"), std::string::npos) << notes;
  EXPECT_NE(notes.find("drop column book.isbn: its values are lost; if book.tag_id is isbn renamed, say so with "
                       "--rename book.isbn=tag_id"),
            std::string::npos)
      << notes;
  // Nothing changed: nothing to do, nothing to say.
  auto none = compare(version_one());
  EXPECT_TRUE(none.empty()) << join(described(none.upgrade), "\n");
  EXPECT_TRUE(none.notes.empty()) << join(none.notes, "\n");
}

TEST_P(migrate_test, upgrade_then_downgrade_returns_the_reflected_schema_and_keeps_rows) {
  create(version_one());
  {
    auto c = db().connect();
    c.execute_ddl("INSERT INTO author (name, email) VALUES ('ann', 'ann@x'), ('bob', 'bob@x')");
    c.execute_ddl("INSERT INTO book (author_id, title, pages, isbn) VALUES (1, 'a', 10, '1'), (1, 'b', 20, '2'), (2, 'c', 30, '3')");
  }
  auto before = schema_text();
  auto rev = add_revision("version two", compare(version_two()));
  EXPECT_EQ(upgrade(), std::vector<std::string>{rev});
  EXPECT_EQ(current(), std::vector<std::string>{rev});
  // At the models now: autogenerate finds nothing.
  auto after = compare(version_two());
  EXPECT_TRUE(after.empty()) << join(described(after.upgrade), "\n");
  EXPECT_EQ(count("author"), 2);
  EXPECT_EQ(count("book"), 3);
  {
    auto c = db().connect();
    EXPECT_EQ(c.execute("SELECT sum(pages) FROM book").scalar().as_int(), 60);
    EXPECT_EQ(c.execute("SELECT count(*) FROM author WHERE bio = 'none'").scalar().as_int(), 2);
  }
  EXPECT_EQ(downgrade("base"), std::vector<std::string>{rev});
  EXPECT_TRUE(current().empty());
  EXPECT_EQ(schema_text(), before);
  EXPECT_EQ(count("author"), 2);
  EXPECT_EQ(count("book"), 3);
  auto c = db().connect();
  EXPECT_EQ(c.execute("SELECT sum(pages) FROM book").scalar().as_int(), 60);
}

TEST_P(migrate_test, foreign_keys_and_checks_come_and_go) {
  sql::metadata v1 = version_one(), v2;
  // v2: book's key to author now SET NULL on a nullable column (drop and add), a named CHECK on pages.
  for (const auto& t : v1.tables()) {
    if (t->name() != "book") {
      v2.add(*t);
      continue;
    }
    sql::table book("book");
    for (auto c : t->columns()) {
      if (c.name == "author_id") c.nullable = true;
      book.add(c);
    }
    book.add(sql::foreign_key{{"author_id"}, "author", {"id"}, sql::fk_action::set_null, sql::fk_action::no_action, "fk_book_author"});
    book.add(sql::check_constraint{"pages >= 0", "ck_book_pages"});
    book.add(sql::index{"ix_book_title", {"title"}, false});
    v2.add(std::move(book));
  }
  create(v1);
  {
    auto c = db().connect();
    c.execute_ddl("INSERT INTO author (name) VALUES ('ann')");
    c.execute_ddl("INSERT INTO book (author_id, title) VALUES (1, 'a')");
  }
  auto before = schema_text();
  auto diff = compare(v2);
  EXPECT_EQ(described(diff.upgrade),
            (std::vector<std::string>{"drop foreign key book (author_id) -> author", "alter column book.author_id (nullable)",
                                      "add check ck_book_pages on book", "add foreign key book (author_id) -> author"}));
  add_revision("keys", diff);
  upgrade();
  EXPECT_TRUE(compare(v2).empty()) << join(described(compare(v2).upgrade), "\n");
  auto c = db().connect();
  EXPECT_THROW(c.execute_ddl("UPDATE book SET pages = -1"), retort::IntegrityError);  // the CHECK holds
  c.execute_ddl("DELETE FROM author");
  EXPECT_TRUE(c.execute("SELECT author_id FROM book").scalar().is_null());  // SET NULL now
  c.execute_ddl("INSERT INTO author (id, name) VALUES (1, 'ann')");
  c.execute_ddl("UPDATE book SET author_id = 1");
  c.close();
  downgrade("base");
  EXPECT_EQ(schema_text(), before);
  EXPECT_EQ(count("book"), 1);
}

TEST_P(migrate_test, a_rename_hint_keeps_the_values_and_without_one_the_loss_is_reported) {
  sql::metadata v1, v2;
  sql::table a("person");
  a.add(key("id"));
  a.add(col("name", retort::String(40)));
  v1.add(a);
  sql::table b("person");
  b.add(key("id"));
  b.add(col("full_name", retort::String(40)));
  v2.add(b);
  create(v1);
  db().connect().execute_ddl("INSERT INTO person (name) VALUES ('ann')");

  auto guessed = compare(v2);
  EXPECT_EQ(described(guessed.upgrade), (std::vector<std::string>{"add column person.full_name", "drop column person.name"}));
  ASSERT_EQ(guessed.notes.size(), 1u);

  migrate::compare_options hint;
  hint.renames.push_back({"person", "name", "full_name"});
  auto renamed = compare(v2, hint);
  EXPECT_EQ(described(renamed.upgrade), std::vector<std::string>{"alter column person.name (rename to full_name)"});
  EXPECT_EQ(described(renamed.downgrade), std::vector<std::string>{"alter column person.full_name (rename to name)"});
  EXPECT_TRUE(renamed.notes.empty());
  add_revision("rename", renamed);
  upgrade();
  EXPECT_EQ(db().connect().execute("SELECT full_name FROM person").scalar().as_string(), "ann");
  downgrade("base");
  EXPECT_EQ(db().connect().execute("SELECT name FROM person").scalar().as_string(), "ann");

  // A table rename too.
  sql::metadata v3;
  sql::table p("people");
  p.add(key("id"));
  p.add(col("name", retort::String(40)));
  v3.add(p);
  migrate::compare_options table_hint;
  table_hint.renames.push_back({"", "person", "people"});
  auto moved = compare(v3, table_hint);
  EXPECT_EQ(described(moved.upgrade), std::vector<std::string>{"rename table person to people"});
}

TEST_P(migrate_test, rebuilding_a_parent_table_keeps_its_childrens_rows) {
  // The parent is altered: on SQLite it is rebuilt (DROP TABLE author), which with
  // foreign keys enforced would CASCADE to every book.
  create(version_one());
  {
    auto c = db().connect();
    c.execute_ddl("INSERT INTO author (name, email) VALUES ('ann', 'ann@x')");
    c.execute_ddl("INSERT INTO book (author_id, title) VALUES (1, 'a'), (1, 'b')");
  }
  add_revision("widen name", "alter_column author name type String(200) not_null\nadd_column author age Integer not_null default \"0\"\n",
               "drop_column author age\nalter_column author name type String(50)\n");
  std::ostringstream progress;
  migrate::script_directory s(dir_);
  migrate::migrator(db(), s, &progress).upgrade("head");
  EXPECT_EQ(count("book"), 2);
  EXPECT_EQ(count("author"), 1);
  if (GetParam() == backend::sqlite) {
    EXPECT_NE(progress.str().find("copying 1 rows of author into its rebuilt table"), std::string::npos) << progress.str();
    EXPECT_NE(progress.str().find("rebuilt table author"), std::string::npos) << progress.str();
    // Enforcement is back on afterwards, and the copy still cascades.
    auto c = db().connect();
    EXPECT_EQ(c.execute("PRAGMA foreign_keys").scalar().as_int(), 1);
    c.execute_ddl("DELETE FROM author");
    EXPECT_EQ(c.execute("SELECT count(*) FROM book").scalar().as_int(), 0);
  }
  EXPECT_NE(schema_text().find("  age "), std::string::npos);
}

TEST_P(migrate_test, a_failed_revision_leaves_the_database_at_the_revision_before) {
  create(version_one());
  db().connect().execute_ddl("INSERT INTO author (name) VALUES ('ann')");
  auto first = add_revision("ok", "add_column author nickname String(20)\n", "drop_column author nickname\n");
  // A NOT NULL column without a default cannot be added to a table with rows.
  add_revision("bad", "create_index author ix_author_name name\nadd_column author required Integer not_null\n",
               "drop_column author required\ndrop_index author ix_author_name\n");
  try {
    upgrade();
    FAIL() << "the second revision should fail";
  } catch (const retort::MigrationError& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("(bad, "), std::string::npos) << what;
    EXPECT_NE(what.find("failed and was rolled back"), std::string::npos) << what;
    EXPECT_NE(what.find("at the statement"), std::string::npos) << what;
  }
  EXPECT_EQ(current(), std::vector<std::string>{first});
  auto text = schema_text();
  EXPECT_NE(text.find("nickname"), std::string::npos);
  EXPECT_EQ(text.find("required"), std::string::npos) << text;
  EXPECT_EQ(text.find("ix_author_name"), std::string::npos) << text;
  EXPECT_EQ(count("author"), 1);
}

TEST_P(migrate_test, constraints_named_by_the_database_are_found_by_their_columns) {
  // The drop names PostgreSQL's own name for an unnamed key (what autogenerate writes there);
  // the schema replayed in the same run knows the key only by its columns.
  add_revision("acct", "create_table acct\n    column id Integer primary_key autoincrement\n    column parent_id Integer\n"
                       "    foreign_key - (parent_id) references acct (id)\n    unique - parent_id\n",
               "drop_table acct\n");
  add_revision("loosen", "drop_foreign_key acct acct_parent_id_fkey (parent_id) references acct (id)\n"
                         "drop_unique acct acct_parent_id_key parent_id\n",
               "add_unique acct acct_parent_id_key parent_id\n"
               "add_foreign_key acct acct_parent_id_fkey (parent_id) references acct (id)\n");
  upgrade();
  auto text = schema_text();
  EXPECT_EQ(text.find("fk"), std::string::npos) << text;
  EXPECT_EQ(text.find("unique"), std::string::npos) << text;
  downgrade("base");
  // An operation that does not fit the schema names its revision, and nothing of it runs.
  add_revision("wrong", "drop_column acct nosuch\n", "add_column acct nosuch Integer\n");
  try {
    upgrade();
    FAIL() << "drop_column of a missing column should fail";
  } catch (const retort::MigrationError& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("(wrong, "), std::string::npos) << what;
    EXPECT_NE(what.find("does not fit the schema; nothing of it ran"), std::string::npos) << what;
    EXPECT_NE(what.find("drop column acct.nosuch: the table has no such column"), std::string::npos) << what;
  }
  EXPECT_EQ(current().size(), 1u);  // the two revisions before it ran
}

TEST_P(migrate_test, sqlite_checks_foreign_keys_before_committing_a_rebuild) {
  if (GetParam() != backend::sqlite) GTEST_SKIP() << "SQLite's foreign_key_check";
  create(version_one());
  {
    auto c = db().connect();
    c.execute_ddl("PRAGMA foreign_keys=OFF");
    c.execute_ddl("INSERT INTO book (author_id, title) VALUES (42, 'orphan')");  // refers to no author
    c.execute_ddl("PRAGMA foreign_keys=ON");
  }
  add_revision("rebuild book", "alter_column book title type String(200)\n", "alter_column book title type String(80)\n");
  try {
    upgrade();
    FAIL() << "foreign_key_check should refuse the orphan";
  } catch (const retort::MigrationError& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("PRAGMA foreign_key_check"), std::string::npos) << what;
    EXPECT_NE(what.find("in table book"), std::string::npos) << what;
  }
  EXPECT_TRUE(current().empty());
  EXPECT_NE(schema_text().find("title VARCHAR(80)"), std::string::npos) << schema_text();
  EXPECT_EQ(db().connect().execute("PRAGMA foreign_keys").scalar().as_int(), 1);
}

TEST_P(migrate_test, branches_merge_and_targets) {
  auto a = add_revision("a", "create_table t\n    column id Integer primary_key autoincrement\n", "drop_table t\n");
  auto b = add_revision("b", "add_column t x Integer\n", "drop_column t x\n", {a});
  auto c = add_revision("c", "add_column t y Integer\n", "drop_column t y\n", {a});
  migrate::script_directory s(dir_);
  EXPECT_EQ(s.heads().size(), 2u);
  EXPECT_THROW(upgrade("head"), retort::MigrationError);
  EXPECT_EQ(upgrade("+1"), std::vector<std::string>{a});
  EXPECT_THROW(upgrade("+1"), retort::MigrationError);  // a branch point: name the revision
  EXPECT_EQ(upgrade(b.substr(0, 6)), std::vector<std::string>{b});  // a prefix names a revision
  EXPECT_EQ(upgrade("heads"), std::vector<std::string>{c});
  auto at = current();
  EXPECT_EQ(std::set<std::string>(at.begin(), at.end()), (std::set<std::string>{b, c}));
  auto m = migrate::script_directory(dir_).create("merge", {b, c}, {}, {}).id;
  EXPECT_EQ(upgrade("head"), std::vector<std::string>{m});
  EXPECT_EQ(current(), std::vector<std::string>{m});
  // Down to b: what follows b (the merge) goes; the other branch stays, as Alembic leaves it.
  EXPECT_EQ(downgrade(b), std::vector<std::string>{m});
  at = current();
  EXPECT_EQ(std::set<std::string>(at.begin(), at.end()), (std::set<std::string>{b, c}));
  EXPECT_THROW(downgrade("-1"), retort::MigrationError);  // two heads: relative is ambiguous
  auto both = downgrade(a);
  EXPECT_EQ(std::set<std::string>(both.begin(), both.end()), (std::set<std::string>{b, c}));
  EXPECT_EQ(current(), std::vector<std::string>{a});
  EXPECT_EQ(schema_text().find(" x "), std::string::npos);
  EXPECT_EQ(downgrade("base"), std::vector<std::string>{a});
  EXPECT_EQ(schema_text(), "");
  // stamp writes the version table only.
  migrate::script_directory s2(dir_);
  migrate::migrator(db(), s2).stamp("heads");
  EXPECT_EQ(current(), std::vector<std::string>{m});
  migrate::migrator(db(), s2).stamp("base");
  EXPECT_TRUE(current().empty());
}

TEST_P(migrate_test, offline_mode_prints_the_sql_without_a_database) {
  add_revision("one", "create_table t\n    column id Integer primary_key autoincrement\n    column name String(10)\n",
               "drop_table t\n");
  auto two = add_revision("two", "alter_column t name type String(40)\n", "alter_column t name type String(10)\n");
  // An engine on a database that does not exist: offline mode never connects.
  std::string nowhere = GetParam() == backend::sqlite ? "sqlite:////nonexistent/dir/x.db" : "postgresql://nobody@127.0.0.1:1/none";
  engine::engine e(nowhere);
  migrate::script_directory s(dir_);
  migrate::migrator m(e, s);
  auto script = m.upgrade_sql("head");
  EXPECT_NE(script.find("CREATE TABLE IF NOT EXISTS retort_version"), std::string::npos) << script;
  EXPECT_NE(script.find("CREATE TABLE t ("), std::string::npos) << script;
  EXPECT_NE(script.find("INSERT INTO retort_version (version_num) VALUES ('" + two + "');"), std::string::npos) << script;
  if (GetParam() == backend::sqlite) {
    EXPECT_NE(script.find("PRAGMA foreign_keys=OFF;\nBEGIN;\nCREATE TABLE _retort_tmp_t"), std::string::npos) << script;
    EXPECT_NE(script.find("PRAGMA foreign_key_check;\nCOMMIT;\nPRAGMA foreign_keys=ON;"), std::string::npos) << script;
  } else {
    EXPECT_NE(script.find("ALTER TABLE t ALTER COLUMN name TYPE VARCHAR(40) USING name::VARCHAR(40);"), std::string::npos) << script;
  }
  auto down = m.downgrade_sql("base", "heads");
  EXPECT_NE(down.find("DROP TABLE t;"), std::string::npos) << down;
  EXPECT_NE(down.find("DELETE FROM retort_version WHERE version_num = '" + two + "'"), std::string::npos) << down;
  // The script runs: applied to the real database, it leaves it at head.
  auto c = db().connect();
  std::size_t start = 0;
  while (start < script.size()) {
    auto end = script.find(";\n", start);
    if (end == std::string::npos) break;
    auto stmt = script.substr(start, end - start);
    start = end + 2;
    while (!stmt.empty() && (stmt.front() == '\n')) stmt.erase(0, 1);
    while (stmt.rfind("--", 0) == 0) stmt.erase(0, stmt.find('\n') + 1);
    if (stmt == "BEGIN" || stmt == "COMMIT" || stmt.empty()) continue;
    if (stmt.rfind("PRAGMA foreign_key_check", 0) == 0) continue;
    c.execute_ddl(stmt);
  }
  EXPECT_EQ(current(), std::vector<std::string>{two});
}

TEST_P(migrate_test, native_enums_come_and_go_with_their_tables) {
  static const std::vector<std::string> labels{"draft", "published"};
  sql::metadata m;
  sql::table post("post");
  post.add(key("id"));
  sql::type status{sql::type_kind::enumeration, 9};
  status.enumeration = migrate::runtime_enum("poststatus", labels);
  post.add(col("status", status, false));
  m.add(std::move(post));
  auto diff = compare(m);
  auto rev = add_revision("enum", diff);
  upgrade();
  auto text = schema_text();
  if (GetParam() == backend::postgres) {
    EXPECT_NE(text.find("enum poststatus draft,published"), std::string::npos) << text;
  }
  db().connect().execute_ddl("INSERT INTO post (status) VALUES ('published')");
  EXPECT_TRUE(compare(m).empty()) << join(described(compare(m).upgrade), "\n");
  // The revision file reads back with the enum's labels.
  migrate::script_directory s(dir_);
  std::ifstream in(s.get(rev).path);
  std::stringstream file;
  file << in.rdbuf();
  EXPECT_NE(file.str().find("column status Enum(poststatus, \"draft\", \"published\") not_null"), std::string::npos) << file.str();
  downgrade("base");
  EXPECT_EQ(schema_text(), "");
}

TEST_P(migrate_test, the_command_line_runs_each_command) {
  auto run = [&](std::vector<std::string> args, std::string* output = nullptr) {
    std::vector<const char*> argv{"retort-migrate", "--url", url_.c_str(), "-d", dir_.c_str()};
    for (const auto& a : args) argv.push_back(a.c_str());
    std::ostringstream out, err;
    migrate::cli_config config;
    config.out = &out;
    config.err = &err;
    if (args.size() > 1 && args[1] == "--autogenerate") config.models = std::nullopt;
    int rc = migrate::main(static_cast<int>(argv.size()), argv.data(), config);
    if (output) *output = out.str() + err.str();
    return rc;
  };
  std::string out;
  EXPECT_EQ(run({"revision", "-m", "first table"}, &out), 0) << out;
  EXPECT_NE(out.find("created revision "), std::string::npos);
  migrate::script_directory s(dir_);
  auto id = s.heads().at(0);
  {  // fill it by hand, as a reviewer edits a revision
    auto path = s.get(id).path;
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    auto body = text.str();
    body.replace(body.find("upgrade:\n") + 9, 0, "    create_table note\n        column id Integer primary_key autoincrement\n");
    body.replace(body.find("downgrade:\n") + 11, 0, "    drop_table note\n");
    std::ofstream(path) << body;
  }
  EXPECT_EQ(run({"upgrade"}, &out), 0) << out;
  EXPECT_NE(out.find("upgrade  -> " + id + ", first table"), std::string::npos) << out;
  EXPECT_EQ(run({"current"}, &out), 0);
  EXPECT_EQ(out, "<base> -> " + id + " (head), first table\n");
  EXPECT_EQ(run({"history"}, &out), 0);
  EXPECT_EQ(out, "<base> -> " + id + " (head), first table\n");
  EXPECT_EQ(run({"heads"}, &out), 0);
  EXPECT_EQ(out, "<base> -> " + id + " (head), first table\n");
  EXPECT_EQ(run({"upgrade", "--sql", "base:head"}, &out), 0);
  EXPECT_NE(out.find("CREATE TABLE note"), std::string::npos) << out;
  EXPECT_EQ(run({"downgrade", "base"}, &out), 0) << out;
  EXPECT_EQ(run({"current"}, &out), 0);
  EXPECT_EQ(out, "base (no revision applied)\n");
  EXPECT_EQ(run({"stamp", "head"}, &out), 0) << out;
  EXPECT_EQ(run({"stamp", "base"}, &out), 0) << out;
  // Errors: typed, one line, exit status 1; a malformed command line is 2.
  EXPECT_EQ(run({"revision", "--autogenerate", "-m", "x"}, &out), 1);
  EXPECT_NE(out.find("--autogenerate needs the application's models"), std::string::npos) << out;
  EXPECT_EQ(run({"upgrade", "nosuchrev"}, &out), 1);
  EXPECT_NE(out.find("no revision 'nosuchrev'"), std::string::npos) << out;
  EXPECT_EQ(run({"frobnicate"}, &out), 2);
}

TEST_P(migrate_test, autogenerate_from_the_applications_models) {
  auto run = [&](std::vector<std::string> args, std::string& output) {
    std::vector<const char*> argv{"app migrate", "--url", url_.c_str(), "-d", dir_.c_str()};
    for (const auto& a : args) argv.push_back(a.c_str());
    std::ostringstream out, err;
    migrate::cli_config config;
    config.models = retort::models<mg::Note>();
    config.out = &out;
    config.err = &err;
    int rc = migrate::main(static_cast<int>(argv.size()), argv.data(), config);
    output = out.str() + err.str();
    return rc;
  };
  std::string out;
  ASSERT_EQ(run({"revision", "--autogenerate", "-m", "initial"}, out), 0) << out;
  EXPECT_NE(out.find("  create table mg_note\n"), std::string::npos) << out;
  ASSERT_EQ(run({"upgrade"}, out), 0) << out;
  // The first revision is create_all: the database matches the models.
  auto c = db().connect();
  auto cmp = migrate::compare(migrate::reflect_schema(c), retort::models<mg::Note>().metadata(), dialect());
  EXPECT_TRUE(cmp.empty()) << join(described(cmp.upgrade), "\n");
  ASSERT_EQ(run({"revision", "--autogenerate", "-m", "again"}, out), 0) << out;
  EXPECT_NE(out.find("no changes detected"), std::string::npos) << out;
  // The new empty revision is not applied: autogenerate refuses a database behind its head.
  EXPECT_EQ(run({"revision", "--autogenerate", "-m", "third"}, out), 1);
  EXPECT_NE(out.find("the database is not up to date"), std::string::npos) << out;
  EXPECT_EQ(run({"revision", "--autogenerate", "--rename", "nonsense", "-m", "x"}, out), 1);
  EXPECT_NE(out.find("expected table.old=new"), std::string::npos) << out;
}

TEST_P(migrate_test, a_password_in_the_url_never_reaches_the_output) {
  if (GetParam() != backend::postgres) GTEST_SKIP() << "a server URL";
  std::vector<const char*> argv{"retort-migrate", "--url", "postgresql://user:s3cr3t-pw@127.0.0.1:1/db", "-d",
                                dir_.c_str(), "current"};
  std::ostringstream out, err;
  migrate::cli_config config;
  config.out = &out;
  config.err = &err;
  EXPECT_EQ(migrate::main(static_cast<int>(argv.size()), argv.data(), config), 1);
  EXPECT_EQ((out.str() + err.str()).find("s3cr3t-pw"), std::string::npos) << err.str();
  EXPECT_FALSE(err.str().empty());
}

INSTANTIATE_TEST_SUITE_P(, migrate_test, ::testing::ValuesIn(retort::testing::all_backends()),
                         retort::testing::backend_param_name);

// ---------------------------------------------------------------- no database

TEST(migrate_text, every_operation_reads_back_as_it_was_written) {
  const std::string text =
      "create_table post\n"
      "    column id Integer primary_key autoincrement\n"
      "    column title String(80) not_null unique\n"
      "    column body Text default \"'it''s \\\"quoted\\\"'\"\n"
      "    column price Numeric(10, 2) index\n"
      "    column at DateTimeTZ\n"
      "    column kind Enum(kind, \"a b\", \"c\") not_null\n"
      "    column addr Type(\"inet\")\n"
      "    column author_id BigInteger\n"
      "    foreign_key fk_post_author (author_id) references author (id) on_delete cascade on_update set_null\n"
      "    unique - title body\n"
      "    check ck_price \"price >= 0\"\n"
      "    index ix_post_at unique at\n"
      "drop_table old\n"
      "rename_table a b\n"
      "add_column post flag Boolean not_null default \"false\"\n"
      "drop_column post flag\n"
      "alter_column post title rename headline type String(200) null default \"'x'\"\n"
      "alter_column post body not_null no_default\n"
      "create_index post ix_post_title title body\n"
      "drop_index post ix_post_title\n"
      "add_unique post uq_post_title title\n"
      "drop_unique post - title\n"
      "add_foreign_key post - (author_id) references author (id)\n"
      "drop_foreign_key post fk_x (author_id) references author (id)\n"
      "add_check post ck_x \"length(title) > 0\"\n"
      "drop_check post ck_x\n"
      "execute \"UPDATE post SET title = 'a\\nb'\"\n";
  auto ops = migrate::parse_operations(text, "test.migration", 1);
  ASSERT_EQ(ops.size(), 16u);
  std::string written;
  for (const auto& o : ops) o->write(written, "");
  EXPECT_EQ(written, text);
}

TEST(migrate_text, malformed_lines_name_the_file_and_line) {
  auto error = [](const std::string& text) {
    try {
      migrate::parse_operations(text, "v/abc.migration", 10);
    } catch (const retort::MigrationError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(error("add_column t x Strin(5)\n").substr(0, 50), "v/abc.migration:10: unknown column type 'Strin' (I");
  EXPECT_EQ(error("\n# comment\nfrob t\n").substr(0, 44), "v/abc.migration:12: unknown operation 'frob'");
  EXPECT_EQ(error("    column id Integer\n"), "v/abc.migration:10: 'column' belongs inside a create_table block");
  EXPECT_EQ(error("execute \"unterminated\n"), "v/abc.migration:10: a quoted string is not closed");
  EXPECT_EQ(error("alter_column t c\n"), "v/abc.migration:10: alter_column changes nothing");
  EXPECT_EQ(error("add_column t x String(-1)\n"), "v/abc.migration:10: expected a length as a number, found '-1'");
  EXPECT_EQ(error("add_foreign_key t - (a, b) references u (id)\n"),
            "v/abc.migration:10: the key has 2 columns but references 1");
  EXPECT_EQ(error("create_table t\n"), "v/abc.migration:10: create_table t has no columns");
}

TEST(migrate_text, revision_files_are_checked_as_a_whole) {
  auto error = [](const std::string& text) {
    try {
      migrate::parse_revision(text, "r.migration");
    } catch (const retort::MigrationError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(error("down_revision:\nupgrade:\ndowngrade:\n"), "r.migration: no 'revision:' line");
  EXPECT_EQ(error("revision: a-b\nupgrade:\ndowngrade:\n"), "r.migration: revision id 'a-b' is not 1-32 letters, digits or _");
  EXPECT_EQ(error("revision: ab\nupgrade:\n"), "r.migration: no 'downgrade:' section");
  EXPECT_EQ(error("revision: ab\nauthor: me\n"), "r.migration:2: unknown header 'author' (revision, down_revision, message, created)");
  EXPECT_EQ(error("revision: ab\nupgrade:\ndrop_table t\ndowngrade:\n"),
            "r.migration:3: an operation line is indented under 'upgrade:' or 'downgrade:'");
  auto r = migrate::parse_revision("revision: ab\ndown_revision: c1 d2\nmessage: hi\nupgrade:\n    drop_table t\ndowngrade:\n", "r");
  EXPECT_EQ(r.parents, (std::vector<std::string>{"c1", "d2"}));
  ASSERT_EQ(r.upgrade.size(), 1u);
  EXPECT_TRUE(r.downgrade.empty());
  // The written form reads back to the same.
  EXPECT_EQ(migrate::write_revision(migrate::parse_revision(migrate::write_revision(r), "w")), migrate::write_revision(r));
}

TEST(migrate_text, a_directory_refuses_unknown_parents_duplicates_and_cycles) {
  auto dir = fs::temp_directory_path() / ("retort-migrate-graph-" + std::to_string(std::random_device{}()));
  migrate::script_directory::init(dir);
  auto put = [&](const std::string& file, const std::string& id, const std::string& parents) {
    std::ofstream(dir / "versions" / file) << "revision: " << id << "\ndown_revision: " << parents << "\nupgrade:\ndowngrade:\n";
  };
  auto error = [&] {
    try {
      migrate::script_directory s(dir);
    } catch (const retort::MigrationError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  put("a.migration", "a", "");
  put("b.migration", "b", "zz");
  EXPECT_NE(error().find("down_revision zz is no revision"), std::string::npos) << error();
  put("b.migration", "a", "");
  EXPECT_NE(error().find("revision a is also"), std::string::npos) << error();
  put("a.migration", "a", "b");
  put("b.migration", "b", "a");
  EXPECT_NE(error().find("form a cycle"), std::string::npos) << error();
  EXPECT_THROW(migrate::script_directory::init(dir), retort::MigrationError);  // not empty
  fs::remove_all(dir);
}

}  // namespace
