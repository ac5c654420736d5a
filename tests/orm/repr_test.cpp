// The default text form of mapped objects (operator<< and retort::to_string),
// Flask-SQLAlchemy 3.0.3's Model.__repr__, on both databases. What it printed
// for the same steps (docs/logging.md): <User (transient 1403...)>,
// <User (pending 1403...)>, <User 1> (flushed, expired, deleted, detached),
// <PostTag 3, c++>, and a rolled-back pending object transient again.
#include <cstdint>
#include <sstream>
#include <string>

#include "retort/orm/mapper.hpp"
#include "retort/orm/repr.hpp"
#include "support/orm_fixture.hpp"

// A model's own form (Python's __repr__ override); this file alone formats Passport.
template <>
struct retort::repr<fixtures::Passport> {
  std::string operator()(const retort::ptr<fixtures::Passport>& p) const { return "<Passport " + p->number + ">"; }
};

namespace {

using fixtures::Membership;
using fixtures::Passport;
using fixtures::Post;
using fixtures::User;

class repr_test : public retort::testing::orm_test {};
RETORT_ORM_SUITE(repr_test);

template <class X>
std::string streamed(const X& x) {
  std::ostringstream out;
  out << x;
  return out.str();
}

/// Python's id(self): the object's address, in decimal.
template <class T>
std::string address(const retort::ptr<T>& p) {
  return std::to_string(reinterpret_cast<std::uintptr_t>(p.state()->object));
}

TEST_P(repr_test, transient_pending_and_persistent_as_flask_sqlalchemy_prints_them) {
  auto s = session();
  auto u = retort::make(User{.username = "alice"});
  EXPECT_EQ(streamed(u), "<User (transient " + address(u) + ")>");
  s.add(u);
  EXPECT_EQ(streamed(u), "<User (pending " + address(u) + ")>");
  s.flush();
  EXPECT_EQ(streamed(u), "<User 1>");
  EXPECT_EQ(retort::to_string(u), "<User 1>");
}

TEST_P(repr_test, a_primary_key_set_by_hand_is_no_identity_until_flushed) {
  auto s = session();
  auto u = retort::make(User{.id = 7, .username = "dan"});
  EXPECT_EQ(streamed(u), "<User (transient " + address(u) + ")>");
  s.add(u);
  EXPECT_EQ(streamed(u), "<User (pending " + address(u) + ")>");
  s.flush();
  EXPECT_EQ(streamed(u), "<User 7>");
}

TEST_P(repr_test, an_expired_object_prints_its_identity_without_sql) {
  auto s = session();
  auto u = s.add(User{.username = "alice"});
  s.commit();  // expires u
  auto& rec = record();
  EXPECT_EQ(streamed(u), "<User 1>");
  EXPECT_EQ(rec.count(), 0u) << "printing an expired object must not reload it";
}

TEST_P(repr_test, a_composite_key_joins_its_values_with_a_comma) {
  auto s = session();
  auto m = s.add(Membership{.user_id = 3, .group_id = 7, .role = "admin"});
  s.commit();
  EXPECT_EQ(streamed(m), "<Membership 3, 7>");
}

TEST_P(repr_test, deleted_and_detached_objects_keep_their_identity) {
  auto s = session();
  auto a = s.add(User{.username = "a"});
  auto b = s.add(User{.username = "b"});
  auto c = s.add(User{.username = "c"});
  s.commit();
  s.delete_(a);
  EXPECT_EQ(streamed(a), "<User 1>");  // marked for deletion
  s.flush();
  EXPECT_EQ(streamed(a), "<User 1>");  // deleted
  s.commit();
  EXPECT_EQ(streamed(a), "<User 1>");  // detached
  s.expunge(b);
  EXPECT_EQ(streamed(b), "<User 2>");
  s.close();
  EXPECT_EQ(streamed(c), "<User 3>");
}

TEST_P(repr_test, a_rolled_back_pending_object_is_transient_again) {
  auto s = session();
  auto u = s.add(User{.username = "eve"});
  s.flush();
  EXPECT_EQ(streamed(u), "<User 1>");
  s.rollback();
  EXPECT_EQ(streamed(u), "<User (transient " + address(u) + ")>");
}

TEST_P(repr_test, relationships_print_their_objects_and_empty_handles_print_none) {
  auto s = session();
  auto u = s.add(User{.username = "alice"});
  u->posts.add(Post{.title = "a", .content = "x"});
  u->posts.add(Post{.title = "b", .content = "y"});
  s.commit();
  auto post = s.get<Post>(2);
  EXPECT_EQ(streamed(post->author), "<User 1>");
  EXPECT_EQ(streamed(u->posts), "[<Post 1>, <Post 2>]");  // Python's list repr
  auto orphan = retort::make(Post{.title = "c", .content = "z"});
  EXPECT_EQ(streamed(orphan->author), "None");
  EXPECT_EQ(streamed(retort::ptr<User>()), "None");
  EXPECT_EQ(streamed(s.get<User>(99)), "None");
  EXPECT_EQ(streamed(s.get<User>(1)->posts.at(0)), "<Post 1>");
}

TEST_P(repr_test, a_specialised_repr_replaces_the_default) {
  auto s = session();
  auto p = s.add(Passport{.number = "X-1"});
  EXPECT_EQ(streamed(p), "<Passport X-1>");
  EXPECT_EQ(streamed(retort::ptr<Passport>()), "None");  // never called for an empty handle
}

// Key values print as Python's str(): text without quotes, True/False, dates ISO.
TEST(repr, key_values_print_as_python_str) {
  retort::orm::mapper m;
  m.class_name = "PostTag";
  retort::orm::instance_state s;
  s.owner_mapper = &m;
  s.status = retort::orm::status::persistent;
  s.key = {retort::sql::value(3), retort::sql::value("c++")};
  EXPECT_EQ(retort::orm::default_repr(&s), "<PostTag 3, c++>");
  s.key = {retort::sql::value(true), retort::sql::value(1.0), retort::sql::value(2.5),
           retort::sql::value(retort::date{std::chrono::year{2024}, std::chrono::March, std::chrono::day{9}})};
  EXPECT_EQ(retort::orm::default_repr(&s), "<PostTag True, 1.0, 2.5, 2024-03-09>");
  s.status = retort::orm::status::detached;
  s.key.clear();  // never had an identity
  EXPECT_EQ(retort::orm::default_repr(&s), "<PostTag (transient 0)>");
  EXPECT_EQ(retort::orm::default_repr(nullptr), "None");
}

}  // namespace
