// The facade (src/database.cpp): which backends this build has, and what a URL
// for a missing one says. Built with and without PostgreSQL; the SQLite-only
// half also runs in packaging.add_subdirectory (a build without libpq).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "retort/retort.hpp"

namespace {

struct Note {
  int id = 0;
  std::string text{};
};

}  // namespace

template <>
inline constexpr auto retort::mapping<Note> =
    retort::model(retort::column<&Note::id>(retort::primary_key), retort::column<&Note::text>(retort::not_null));

namespace {

TEST(database, available_backends_are_those_built_in) {
  std::vector<std::string> expected{"sqlite"};
  if (RETORT_TEST_WITH_POSTGRESQL) expected.push_back("postgresql");
  EXPECT_EQ(retort::available_backends(), expected);
}

TEST(database, sqlite_works_in_every_build) {
  retort::database db("sqlite://");
  db.create_all();
  auto s = db.session();
  s.add(Note{.text = "kept"});
  s.commit();
  auto notes = s.query<Note>().all();
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0]->text, "kept");
}

TEST(database, a_postgresql_url_without_the_backend_names_what_there_is) {
  if (RETORT_TEST_WITH_POSTGRESQL) GTEST_SKIP() << "this build has PostgreSQL";
  for (const char* url : {"postgresql://u@localhost/db", "postgresql+psycopg2://u@localhost/db"}) {
    try {
      retort::database db(url);
      ADD_FAILURE() << url << " opened";
    } catch (const retort::ArgumentError& e) {
      std::string what = e.what();
      EXPECT_NE(what.find("no PostgreSQL backend"), std::string::npos) << what;
      EXPECT_NE(what.find("RETORT_WITH_POSTGRESQL=OFF"), std::string::npos) << what;
      EXPECT_NE(what.find("backends available: sqlite"), std::string::npos) << what;
    }
  }
}

TEST(database, an_unknown_scheme_still_lists_the_registered_backends) {
  try {
    retort::database db("mysql://x/y");
    FAIL();
  } catch (const retort::ArgumentError& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("unknown database scheme 'mysql'"), std::string::npos) << what;
    EXPECT_NE(what.find("sqlite"), std::string::npos) << what;
    EXPECT_EQ(what.find("postgresql") != std::string::npos, RETORT_TEST_WITH_POSTGRESQL) << what;
  }
}

}  // namespace
