// Which columns are NOT NULL: SQLAlchemy 2.0's typed declarative rule. A
// plain member (Mapped[str]) is NOT NULL, a std::optional member
// (Mapped[Optional[str]]) is nullable, and retort::nullable / not_null
// override either way. Checked in the DDL and in each database's catalog.
#include <optional>

#include "support/orm_fixture.hpp"

using retort::testing::orm_test;

namespace nl {

struct Entry {
  int id = 0;
  std::string title{};                    // Mapped[str]
  std::optional<std::string> subtitle{};  // Mapped[Optional[str]]
  int rank = 0;                           // Mapped[int]
  std::optional<int> votes{};             // Mapped[Optional[int]]
  std::string note{};                     // Mapped[str] = mapped_column(nullable=True)
  std::optional<std::string> code{};      // Mapped[Optional[str]] = mapped_column(nullable=False)
};

}  // namespace nl

template <>
inline constexpr auto retort::mapping<nl::Entry> = retort::model(
    retort::table_name("nl_entry"), retort::column<&nl::Entry::id>(retort::primary_key),
    retort::column<&nl::Entry::title>(), retort::column<&nl::Entry::subtitle>(), retort::column<&nl::Entry::rank>(),
    retort::column<&nl::Entry::votes>(), retort::column<&nl::Entry::note>(retort::nullable),
    retort::column<&nl::Entry::code>(retort::not_null));

namespace {

class nullability_test : public orm_test {
 protected:
  /// The column's definition in CREATE TABLE: from its name to the next comma or the end.
  std::string column_ddl(const std::string& ddl, const std::string& column) {
    auto start = ddl.find(column + " ");
    if (start == std::string::npos) return "<no column " + column + " in " + ddl + ">";
    auto end = ddl.find_first_of(",)", ddl.find_first_of(" ", start));
    // Skip a type's own parentheses, as in VARCHAR(50).
    if (end != std::string::npos && ddl[end] == ')' && ddl.rfind('(', end) > start)
      end = ddl.find_first_of(",)", end + 1);
    return ddl.substr(start, end - start);
  }
  /// Whether the database's catalog says the column may hold NULL.
  bool catalog_nullable(const std::string& table, const std::string& column) {
    auto conn = db().engine().connect();
    std::vector<retort::sql::value> params{retort::sql::value(table), retort::sql::value(column)};
    auto sql = postgres() ? std::string(
                                "SELECT CASE WHEN is_nullable = 'YES' THEN 1 ELSE 0 END "
                                "FROM information_schema.columns WHERE table_schema = current_schema() "
                                "AND table_name = $1 AND column_name = $2")
                          : std::string("SELECT 1 - \"notnull\" FROM pragma_table_info(?) WHERE name = ?");
    return conn.execute(sql, params).scalar().as_int() == 1;
  }
};
RETORT_ORM_SUITE(nullability_test);

TEST_P(nullability_test, plain_members_are_not_null_and_optional_members_nullable_in_the_ddl) {
  auto conn = db().engine().connect();
  auto ddl = retort::sql::create_table(retort::orm::mapper_for<nl::Entry>().table, conn.dialect());
  for (const char* c : {"title", "rank", "code"})
    EXPECT_NE(column_ddl(ddl, c).find("NOT NULL"), std::string::npos) << c << " in " << ddl;
  for (const char* c : {"subtitle", "votes", "note"})
    EXPECT_EQ(column_ddl(ddl, c).find("NOT NULL"), std::string::npos) << c << " in " << ddl;
}

TEST_P(nullability_test, the_database_creates_them_so) {
  for (const char* c : {"title", "rank", "code"}) EXPECT_FALSE(catalog_nullable("nl_entry", c)) << c;
  for (const char* c : {"subtitle", "votes", "note"}) EXPECT_TRUE(catalog_nullable("nl_entry", c)) << c;
}

TEST_P(nullability_test, a_null_in_a_plain_member_column_is_refused_by_the_database) {
  auto conn = db().engine().connect();
  using retort::sql::value;
  conn.execute(retort::sql::insert("nl_entry")
                   .columns({"title", "subtitle", "rank", "votes", "note", "code"})
                   .row({"t", value(), 1, value(), value(), "c"}));
  try {
    conn.execute(retort::sql::insert("nl_entry").columns({"title", "rank", "code"}).row({value(), 1, "c"}));
    FAIL() << "expected IntegrityError";
  } catch (const retort::IntegrityError& e) {
    EXPECT_EQ(e.info().sqlstate, "23502") << e.what();
    EXPECT_EQ(e.column(), "title") << e.what();
  }
}

}  // namespace
