// URL parsing in SQLAlchemy's syntax.
#include <gtest/gtest.h>

#include "retort/engine/url.hpp"
#include "retort/util/error.hpp"

namespace {

using retort::engine::url;

TEST(url, sqlite_forms) {
  EXPECT_EQ(url::parse("sqlite://").database(), "");
  EXPECT_EQ(url::parse("sqlite://").backend(), "sqlite");
  EXPECT_EQ(url::parse("sqlite:///relative.db").database(), "relative.db");
  EXPECT_EQ(url::parse("sqlite:////absolute/path.db").database(), "/absolute/path.db");
  EXPECT_EQ(url::parse("sqlite:///:memory:").database(), ":memory:");
  EXPECT_EQ(url::parse("sqlite:///x.db?timeout=2").option("timeout"), "2");
}

TEST(url, postgresql_with_everything) {
  auto u = url::parse("postgresql+psycopg2://scott:p%40ss@db.example:5433/blog?connect_timeout=5&application_name=x");
  EXPECT_EQ(u.backend(), "postgresql");
  EXPECT_EQ(u.driver(), "psycopg2");
  EXPECT_EQ(u.username(), "scott");
  EXPECT_EQ(u.password(), "p@ss");
  EXPECT_EQ(u.host(), "db.example");
  EXPECT_EQ(u.port(), 5433);
  EXPECT_EQ(u.database(), "blog");
  EXPECT_EQ(u.option("connect_timeout"), "5");
  EXPECT_EQ(u.option("application_name"), "x");
  EXPECT_EQ(u.option("missing", "dflt"), "dflt");
}

TEST(url, ipv6_and_defaults) {
  auto u = url::parse("postgresql://[::1]:5432/db");
  EXPECT_EQ(u.host(), "::1");
  EXPECT_EQ(u.port(), 5432);
  auto v = url::parse("postgresql://localhost/db");
  EXPECT_EQ(v.port(), std::nullopt);
  EXPECT_EQ(v.username(), "");
}

TEST(url, malformed_urls_say_what_is_wrong) {
  auto message = [](const char* text) {
    try {
      url::parse(text);
    } catch (const retort::ArgumentError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(message("localhost/db").find("expected 'scheme://...'"), std::string::npos);
  EXPECT_NE(message("postgresql://h:port/db").find("port 'port' is not a number"), std::string::npos);
  EXPECT_NE(message("postgresql://h:70000/db").find("out of range"), std::string::npos);
  EXPECT_NE(message("postgresql://h/db?novalue").find("needs key=value"), std::string::npos);
  EXPECT_NE(message("postgresql://[::1/db").find("unclosed"), std::string::npos);
  EXPECT_NE(message("bad scheme://x").find("invalid characters"), std::string::npos);
}

TEST(url, render_hides_the_password) {
  auto u = url::parse("postgresql://scott:tiger@h:1/db?sslmode=disable");
  EXPECT_EQ(u.render(), "postgresql://scott:***@h:1/db?sslmode=disable");
  EXPECT_EQ(u.render(false), "postgresql://scott:tiger@h:1/db?sslmode=disable");
}

// Regressions: the first found by tests/fuzz/fuzz_url, the second read while
// writing its round-trip check (inputs named in each).

TEST(url, a_scheme_without_a_backend_is_refused) {
  // Input: "+:///:" parsed with an empty backend and rendered as ":///:", which does not parse.
  EXPECT_THROW(url::parse("+:///:"), retort::ArgumentError);
  EXPECT_THROW(url::parse("+psycopg2://h/db"), retort::ArgumentError);
}

TEST(url, render_parses_back_to_the_same_parts) {
  // Each rendered to a different URL: the password without a user was dropped,
  // the socket directory became the database, '?' in a file name began a query.
  for (const char* text : {"postgresql://:secret@host/db", "postgresql://u@%2Fvar%2Frun%2Fpostgresql/db",
                           "sqlite:///a%3Fb.db", "sqlite:////abs/path.db", "postgresql://u:p%40ss@[::1]:5432/db",
                           "postgresql://h/db%20name?options=-c%20x%3Dy", "sqlite:///:memory:",
                           "postgresql://%5Bx%5D/d"}) {
    auto u = url::parse(text);
    auto back = url::parse(u.render(false));
    EXPECT_EQ(back.username(), u.username()) << text;
    EXPECT_EQ(back.password(), u.password()) << text;
    EXPECT_EQ(back.host(), u.host()) << text;
    EXPECT_EQ(back.port(), u.port()) << text;
    EXPECT_EQ(back.database(), u.database()) << text;
    EXPECT_EQ(back.query(), u.query()) << text;
  }
  EXPECT_EQ(url::parse("postgresql://:secret@h/db").render(), "postgresql://:***@h/db");
  EXPECT_EQ(url::parse("postgresql://u@[::1]:5432/db").render(), "postgresql://u@[::1]:5432/db");
}

}  // namespace
