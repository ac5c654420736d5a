// Save-update cascade: related objects follow their owner into the session.
#include "support/orm_fixture.hpp"

using fixtures::Comment;
using fixtures::Post;
using fixtures::User;
using retort::testing::orm_test;

namespace {

class cascade_test : public orm_test {};
RETORT_ORM_SUITE(cascade_test);

TEST_P(cascade_test, adding_a_parent_adds_its_children) {
  auto u = retort::make(User{.username = "alice"});
  auto p = u->posts.add(Post{.title = "t", .content = "c"});
  auto c = p->comments.add(Comment{.body = "x"});
  auto s = session();
  s.add(u);
  EXPECT_TRUE(s.contains(p));
  EXPECT_TRUE(s.contains(c));
  EXPECT_EQ(s.new_count(), 3u);
  s.commit();
  auto s2 = session();
  EXPECT_EQ(s2.get<Comment>(1)->post->author->username, "alice");
}

TEST_P(cascade_test, adding_a_child_adds_its_parent) {
  auto u = retort::make(User{.username = "alice"});
  auto s = session();
  auto p = s.add(Post{.title = "t", .content = "c", .author = u});
  EXPECT_TRUE(s.contains(u));
  s.commit();
  EXPECT_EQ(p->user_id, u->id);
}

TEST_P(cascade_test, a_child_reached_through_a_backref_is_saved_at_flush) {
  auto s = session();
  auto u = s.add(User{.username = "alice"});
  auto p = retort::make(Post{.title = "t", .content = "c"});
  p->author = u;  // p is transient; u->posts now holds it
  s.commit();
  EXPECT_TRUE(s.contains(p));
  EXPECT_NE(p->id, 0);
}

TEST_P(cascade_test, appending_to_a_persistent_parent_adds_the_child) {
  auto s = session();
  auto u = s.add(User{.username = "alice"});
  s.commit();
  auto p = u->posts.add(Post{.title = "t", .content = "c"});
  EXPECT_TRUE(s.contains(p));
  s.commit();
  EXPECT_EQ(s.query<Post>().count(), 1);
}

}  // namespace
