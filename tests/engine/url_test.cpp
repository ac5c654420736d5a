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
  auto q = url::parse("postgresql://scott@h/db?password=tiger&sslmode=disable");
  EXPECT_EQ(q.render(), "postgresql://scott@h/db?password=***&sslmode=disable");
}

std::string error_of(const std::string& text) {
  try {
    url::parse(text);
  } catch (const retort::ArgumentError& e) {
    return e.what();
  }
  return "(parsed)";
}

TEST(url, errors_never_show_the_password) {
  // The password is s3cr3t, written plainly, percent-encoded (%63 is 'c'), with
  // characters that trip the parser, or as an option; each URL is malformed.
  for (const char* text : {
           "postgresql://scott:s3cr3t@h:port/db",
           "postgresql://scott:s3cr3t@h:70000/db",
           "postgresql://scott:s3cr3t@h/db?novalue",
           "postgresql://scott:s3cr3t@[::1/db",
           "postgresql://scott:s3cr3t@[::1]x/db",
           "postgresql://scott:s3cr3t%zz@h/db",
           "postgresql://scott:s3cr3t%00@h/db",
           "postgresql://scott:s3%63r3t@h:x/db",
           "postgresql://scott:%73%33%63%72%33%74@h:x/db",
           "postgresql://scott:s3/cr3t@h:x/db",
           "postgresql://scott:s3:cr3t@h:x/db",
           "postgresql://scott:s3?cr3t@h/db",
           "postgresql://scott@h/db?password=s3cr3t&novalue",
           "postgresql://scott@h:x/db?password=s3cr3t",
           "postgresql://scott@h/db?password=s3cr3t%zz",
       }) {
    auto what = error_of(text);
    EXPECT_EQ(what.find("invalid database URL"), 0u) << text << " -> " << what;
    EXPECT_NE(what.find("***"), std::string::npos) << text << " -> " << what;
    for (const char* piece : {"s3cr3t", "cr3t", "s3%63", "%73%33", "s3/", "s3?", "s3:"})
      EXPECT_EQ(what.find(piece), std::string::npos) << text << " -> " << what;
  }
}

TEST(url, a_password_may_hold_an_unencoded_slash_or_colon) {  // as SQLAlchemy's URL pattern allows
  auto u = url::parse("postgresql://scott:s3/cr:3t@h:5/db");
  EXPECT_EQ(u.username(), "scott");
  EXPECT_EQ(u.password(), "s3/cr:3t");
  EXPECT_EQ(u.host(), "h");
  EXPECT_EQ(u.port(), 5);
  EXPECT_EQ(u.database(), "db");
  EXPECT_EQ(url::parse("sqlite:////srv/@scope/x.db").database(), "/srv/@scope/x.db");  // no credentials there
  EXPECT_EQ(url::parse("postgresql://h/db?application_name=a@b").host(), "h");
}

TEST(url, a_nul_byte_in_any_part_is_refused) {
  const std::pair<const char*, const char*> cases[] = {
      {"sqlite:///a%00b.db", "the database"},
      {"postgresql://h/db%00x", "the database"},
      {"postgresql://u%00x@h/db", "the user name"},
      {"postgresql://u:p%00@h/db", "the password"},
      {"postgresql://h%00x/db", "the host"},
      {"postgresql://h/db?k%00=v", "the query option name"},
      {"postgresql://h/db?k=v%00", "the value of query option k"},
  };
  for (auto [text, part] : cases) {
    auto what = error_of(text);
    EXPECT_NE(what.find(std::string(part) + " contains a NUL byte (%00)"), std::string::npos) << text << " -> " << what;
  }
  EXPECT_EQ(url::parse("sqlite:///a%01b.db").database(), "a\x01" "b.db");  // other control bytes are the user's business
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
