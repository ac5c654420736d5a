// Hostile values through every string path: column values, filters, LIKE
// patterns, identifiers from mappings and statement text. Quotes, statement
// terminators, placeholders, NUL bytes, invalid UTF-8 and 8 MB strings are
// stored and matched whole, or refused with a typed error before anything is
// sent; the schema is never touched.
#include "support/orm_fixture.hpp"

namespace hostile {

/// Identifiers that need quoting: a reserved word, a quote, a space, a semicolon.
struct Odd {
  int id = 0;
  std::string order{};
  std::string text{};
};

}  // namespace hostile

template <>
inline constexpr auto retort::mapping<hostile::Odd> = retort::model(
    retort::table_name("odd \"table\"; DROP TABLE profiles; --"),
    retort::column<&hostile::Odd::id>(retort::primary_key),
    retort::column<&hostile::Odd::order>(retort::Text, retort::not_null),  // ORDER is reserved
    retort::column<&hostile::Odd::text>(retort::Text, retort::not_null, retort::column_name("it's \"quoted\"")));

namespace {

using fixtures::Profile;
using hostile::Odd;
using retort::testing::orm_test;

class hostile_values : public orm_test {
 protected:
  /// Tables the schema has; every test checks none went missing.
  std::int64_t profile_rows() { return session().query<Profile>().count(); }

  /// Stores a profile; returns its id.
  std::int64_t store(const std::string& bio) {
    auto s = session();
    auto p = s.add(Profile{.handle = "h", .bio = bio});
    s.commit();
    return p->id;
  }

  std::string load(std::int64_t id) {
    auto s = session();
    return s.get<Profile>(id)->bio;
  }
};
RETORT_ORM_SUITE(hostile_values);

const std::vector<std::string>& nasty_strings() {
  static const std::vector<std::string> v = {
      "'", "''", "\"", "'; DROP TABLE profiles; --", "\"; DROP TABLE profiles; --", "\\", "\\'", "$1", "?", ":name",
      "%s", "%", "_", "/* comment", "-- comment", ");", "\n\r\t", "\xc3\xa9t\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
      "E'\\x00'", std::string(1000, '\''),
  };
  return v;
}

TEST_P(hostile_values, quotes_terminators_and_placeholders_are_stored_and_matched_whole) {
  auto s = session();
  std::vector<retort::ptr<Profile>> stored;
  for (const auto& v : nasty_strings()) stored.push_back(s.add(Profile{.handle = "h", .bio = v}));
  s.commit();
  auto check = session();
  for (std::size_t i = 0; i < stored.size(); ++i) {
    const auto& v = nasty_strings()[i];
    EXPECT_EQ(check.get<Profile>(stored[i]->id)->bio, v);
    auto found = check.query<Profile>().where(retort::col<&Profile::bio> == v).all();
    ASSERT_EQ(found.size(), 1u) << v;
    EXPECT_EQ(found[0]->id, stored[i]->id);
  }
  EXPECT_EQ(profile_rows(), static_cast<std::int64_t>(nasty_strings().size()));  // the table is still there
}

TEST_P(hostile_values, an_update_with_hostile_values_changes_only_its_row) {
  auto a = store("a");
  auto b = store("b");
  auto s = session();
  auto p = s.get<Profile>(a);
  p->bio = "x' WHERE 1=1; UPDATE profiles SET bio='pwned";
  s.commit();
  EXPECT_EQ(load(b), "b");
  EXPECT_EQ(load(a), "x' WHERE 1=1; UPDATE profiles SET bio='pwned");
}

TEST_P(hostile_values, an_eight_megabyte_string_is_stored_whole) {
  std::string big(8 * 1024 * 1024, 'x');
  for (std::size_t i = 0; i < big.size(); i += 4099) big[i] = static_cast<char>('a' + i % 26);
  auto back = load(store(big));
  EXPECT_EQ(back.size(), big.size());
  EXPECT_TRUE(back == big);
}

TEST_P(hostile_values, a_nul_byte_in_text_is_kept_whole_on_sqlite_and_refused_on_postgres) {
  const std::string with_nul("abc\0def", 7);
  auto s = session();
  s.add(Profile{.handle = "h", .bio = with_nul});
  if (caps().text_holds_nul) {
    s.commit();
    EXPECT_EQ(load(1), with_nul);  // all seven bytes
    return;
  }
  try {
    s.flush();
    FAIL() << "expected DataError";
  } catch (const retort::DataError& e) {  // before: stored as "abc"
    EXPECT_EQ(e.column(), "bio") << e.what();
    EXPECT_EQ(e.table(), "profiles") << e.what();
    EXPECT_EQ(e.info().sqlstate, "22021") << e.what();
  }
  s.rollback();
  EXPECT_EQ(profile_rows(), 0);
}

TEST_P(hostile_values, a_nul_byte_in_an_update_is_refused_on_postgres_naming_the_column) {
  if (caps().text_holds_nul) GTEST_SKIP() << "this database stores it whole (above)";
  auto id = store("clean");
  auto s = session();
  auto q = s.get<Profile>(id);
  q->nickname = std::string("ni\0ck", 5);
  try {
    s.commit();
    FAIL() << "expected DataError";
  } catch (const retort::DataError& e) {
    EXPECT_EQ(e.column(), "nick") << e.what();
  }
  s.rollback();
  EXPECT_EQ(load(id), "clean");
}

TEST_P(hostile_values, a_nul_byte_in_a_filter_never_matches_a_prefix) {
  store("admin");
  auto s = session();
  auto q = s.query<Profile>().where(retort::col<&Profile::bio> == std::string("admin\0x", 7));
  if (caps().text_holds_nul) {
    EXPECT_EQ(q.count(), 0);  // compared whole
    return;
  }
  try {
    q.count();  // before: matched "admin"
    FAIL() << "expected DataError";
  } catch (const retort::DataError& e) {
    EXPECT_EQ(e.column(), "bio") << e.what();
  }
}

TEST_P(hostile_values, a_nul_byte_through_the_engine_is_refused_by_the_driver) {
  if (caps().text_holds_nul) GTEST_SKIP() << "this database binds text with its length";
  auto c = db().engine().connect();
  std::vector<retort::sql::value> params{retort::sql::value(std::string("a\0b", 3))};
  EXPECT_THROW(c.execute("SELECT $1::text", params), retort::DataError);
}

TEST_P(hostile_values, blobs_keep_nul_bytes_whole_on_both) {
  retort::blob bytes{0, 1, 0, 255, 0, 'x', 0};
  auto s = session();
  auto p = s.add(Profile{.handle = "h", .bio = "b", .avatar = bytes});
  s.commit();
  auto check = session();
  EXPECT_EQ(check.get<Profile>(p->id)->avatar, bytes);
}

TEST_P(hostile_values, invalid_utf8_is_stored_whole_on_sqlite_and_refused_on_postgres) {
  const std::string bad = "ok\xff\xfe\xc3";
  auto s = session();
  s.add(Profile{.handle = "h", .bio = bad});
  if (!caps().text_validates_utf8) {
    s.commit();
    EXPECT_EQ(load(1), bad);
    return;
  }
  EXPECT_THROW(s.commit(), retort::DataError);  // the server refuses the encoding: 22021
  s.rollback();
  EXPECT_EQ(profile_rows(), 0);
}

TEST_P(hostile_values, like_patterns_from_user_input_travel_as_parameters) {
  store("100% sure");
  store("100 percent");
  for (const auto& v : nasty_strings()) {
    auto s = session();
    try {
      s.query<Profile>().where(retort::col<&Profile::bio>.like(v)).count();
    } catch (const retort::DataError& e) {
      // PostgreSQL's LIKE escapes with a backslash by default: a trailing one is malformed (22025).
      EXPECT_TRUE(caps().like_backslash_escape && v.ends_with('\\')) << v << ": " << e.what();
      EXPECT_EQ(e.info().sqlstate, "22025");
    }
  }
  auto s = session();
  EXPECT_EQ(s.query<Profile>().where(retort::col<&Profile::bio>.like("100%")).count(), 2);  // % is a wildcard here
  // User input matched literally: autoescape escapes %, _ and the escape character.
  EXPECT_EQ(s.query<Profile>().where(retort::col<&Profile::bio>.contains("0% s", true)).count(), 1);
  EXPECT_EQ(s.query<Profile>().where(retort::col<&Profile::bio>.startswith("100%", true)).count(), 1);
  EXPECT_EQ(s.query<Profile>().where(retort::col<&Profile::bio>.endswith("_", true)).count(), 0);
  EXPECT_EQ(profile_rows(), 2);
}

TEST_P(hostile_values, identifiers_from_mappings_are_quoted_whole) {
  auto s = session();
  auto o = s.add(Odd{.order = "o'1", .text = "t\"1"});
  s.commit();
  auto check = session();
  auto back = check.get<Odd>(o->id);
  EXPECT_EQ(back->order, "o'1");
  EXPECT_EQ(back->text, "t\"1");
  EXPECT_EQ(check.query<Odd>().where(retort::col<&Odd::text> == "t\"1").count(), 1);
  EXPECT_EQ(profile_rows(), 0);  // "DROP TABLE profiles" in the table name stayed a name
}

TEST_P(hostile_values, a_nul_byte_in_statement_text_or_an_identifier_is_an_argument_error) {
  auto c = db().engine().connect();
  EXPECT_THROW(c.execute(std::string("SELECT 1\0; DROP TABLE profiles", 30)), retort::ArgumentError);
  EXPECT_THROW(c.execute_ddl(std::string("DROP TABLE profiles\0", 20)), retort::ArgumentError);
  retort::sql::select q({retort::sql::column_ref<int>("profiles", std::string("id\0x", 4))});
  q.from("profiles");
  EXPECT_THROW(c.execute(q), retort::ArgumentError);
  EXPECT_EQ(profile_rows(), 0);
}

}  // namespace
