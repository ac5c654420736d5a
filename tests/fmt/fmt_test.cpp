// The fmt formatters (retort/fmt.hpp): values, compiled statements, errors,
// URLs with their password masked, log levels, and mapped objects with
// Flask-SQLAlchemy's forms, on both databases.
#include <cstdint>
#include <string>

#include <fmt/format.h>

#include "retort/fmt.hpp"
#include "support/orm_fixture.hpp"

// This file alone formats Person.
template <>
struct retort::repr<fixtures::Person> {
  std::string operator()(const retort::ptr<fixtures::Person>& p) const { return "Person(" + p->name + ")"; }
};

namespace {

using fixtures::Person;
using fixtures::Post;
using fixtures::User;
namespace sql = retort::sql;

class fmt_test : public retort::testing::orm_test {};
RETORT_ORM_SUITE(fmt_test);

TEST(fmt, values_format_as_their_repr) {
  EXPECT_EQ(fmt::format("{}", sql::value("it's")), "'it's'");
  EXPECT_EQ(fmt::format("{}", sql::value(42)), "42");
  EXPECT_EQ(fmt::format("{}", sql::value()), "NULL");
  EXPECT_EQ(fmt::format("{}", sql::value(retort::blob{1, 2, 3})), "<3 bytes>");
  EXPECT_EQ(fmt::format("[{:>6}]", sql::value(7)), "[     7]");  // a string's format specs
}

TEST(fmt, compiled_statements_show_their_parameters) {
  sql::compiled c{"SELECT user.id FROM user WHERE user.name = ?", {sql::value("bob")}};
  EXPECT_EQ(fmt::format("{}", c), "SELECT user.id FROM user WHERE user.name = ?  ('bob')");
  auto name = sql::column_ref<std::string>("user", "name");
  retort::testing::register_backends();
  retort::engine::engine e("sqlite://");
  auto compiled = sql::compile(sql::select({name}).from("user").where(name == "x"), e.dialect());
  EXPECT_EQ(fmt::format("{}", compiled), compiled.sql + "  ('x')");
}

TEST(fmt, errors_format_as_class_and_message) {
  EXPECT_EQ(fmt::format("{}", retort::NoResultFound("no row")), "NoResultFound: no row");
  retort::database_error_info info;
  info.message = "UNIQUE constraint failed: user.username";
  info.table = "user";
  retort::IntegrityError e(info);
  EXPECT_EQ(fmt::format("{}", e), "IntegrityError: UNIQUE constraint failed: user.username [table: user]");
  const retort::Error& base = e;  // the dynamic class, through a base reference
  EXPECT_EQ(fmt::format("{}", base), "IntegrityError: UNIQUE constraint failed: user.username [table: user]");
}

TEST(fmt, urls_never_show_their_password) {
  auto u = retort::engine::url::parse("postgresql://scott:tiger@db.example:5432/app?password=tiger");
  auto text = fmt::format("{}", u);
  EXPECT_EQ(text.find("tiger"), std::string::npos) << text;
  EXPECT_EQ(text.rfind("postgresql://scott:***@db.example:5432/app", 0), 0u) << text;
  EXPECT_EQ(fmt::format("{}", retort::logging::level::debug), "debug");
}

TEST_P(fmt_test, mapped_objects_format_as_flask_sqlalchemy_prints_them) {
  auto s = session();
  auto u = retort::make(User{.username = "alice"});
  auto id = std::to_string(reinterpret_cast<std::uintptr_t>(u.state()->object));
  EXPECT_EQ(fmt::format("{}", u), "<User (transient " + id + ")>");
  s.add(u);
  EXPECT_EQ(fmt::format("{}", u), "<User (pending " + id + ")>");
  u->posts.add(Post{.title = "t", .content = "c"});
  s.commit();
  EXPECT_EQ(fmt::format("{}", u), "<User 1>");
  EXPECT_EQ(fmt::format("{:>10}|", u), "  <User 1>|");
  auto post = s.get<Post>(1);
  EXPECT_EQ(fmt::format("{} by {}", post, post->author), "<Post 1> by <User 1>");
  EXPECT_EQ(fmt::format("{}", u->posts), "[<Post 1>]");
  EXPECT_EQ(fmt::format("{}", retort::ptr<User>()), "None");
}

TEST_P(fmt_test, a_specialised_repr_is_used_by_fmt_too) {
  auto s = session();
  auto p = s.add(Person{.name = "Ada"});
  EXPECT_EQ(fmt::format("{}", p), "Person(Ada)");
}

}  // namespace
