// Both sides of a relationship stay in sync in memory, before any flush.
#include "support/orm_fixture.hpp"

using fixtures::Post;
using fixtures::User;
using retort::testing::orm_test;
using namespace retort::testing::sql_rules;

namespace {

class back_populates_test : public orm_test {};
RETORT_ORM_SUITE(back_populates_test);

TEST_P(back_populates_test, setting_the_reference_appends_to_the_collection) {
  auto s = session();
  auto u = s.add(User{.username = "alice"});
  auto p = s.add(Post{.title = "t", .content = "c"});
  p->author = u;
  EXPECT_TRUE(u->posts.contains(p));
  EXPECT_EQ(u->posts.size(), 1u);
}

TEST_P(back_populates_test, adding_to_the_collection_sets_the_reference) {
  auto s = session();
  auto u = s.add(User{.username = "alice"});
  auto p = u->posts.add(Post{.title = "t", .content = "c"});
  EXPECT_EQ(p->author.get(), u);
}

TEST_P(back_populates_test, removing_from_the_collection_clears_the_reference) {
  auto s = session();
  auto u = s.add(User{.username = "alice"});
  auto p = u->posts.add(Post{.title = "t", .content = "c"});
  u->posts.remove(p);
  EXPECT_FALSE(p->author);
  EXPECT_TRUE(u->posts.empty());
}

TEST_P(back_populates_test, moving_a_child_removes_it_from_the_old_parent) {
  auto s = session();
  auto a = s.add(User{.username = "a"});
  auto b = s.add(User{.username = "b"});
  auto p = a->posts.add(Post{.title = "t", .content = "c"});
  p->author = b;
  EXPECT_FALSE(a->posts.contains(p));
  EXPECT_TRUE(b->posts.contains(p));
  a->posts.add(p);  // and back, through the collection
  EXPECT_TRUE(a->posts.contains(p));
  EXPECT_FALSE(b->posts.contains(p));
  EXPECT_EQ(p->author.get(), a);
}

TEST_P(back_populates_test, moving_a_persistent_child_is_flushed_as_one_update) {
  auto s = session();
  auto a = s.add(User{.username = "a"});
  auto b = s.add(User{.username = "b"});
  a->posts.add(Post{.title = "t", .content = "c"});
  s.commit();
  auto p = a->posts[0];
  (void)b->posts.size();  // load b's collection
  p->author = b;
  EXPECT_TRUE(a->posts.empty());
  EXPECT_EQ(b->posts.size(), 1u);
  auto& rec = record();
  s.commit();
  EXPECT_SQL(rec, {compiled_sql("UPDATE post SET user_id = ? WHERE post.id = ?").params({2, 1})});
  auto s2 = session();
  EXPECT_EQ(s2.get<Post>(1)->user_id, 2);
}

TEST_P(back_populates_test, moving_through_the_new_parents_collection_keeps_it_there) {
  auto s = session();
  auto a = s.add(User{.username = "a"});
  auto b = s.add(User{.username = "b"});
  auto p = a->posts.add(Post{.title = "t", .content = "c"});
  s.commit();
  b->posts.add(p);
  s.commit();
  auto s2 = session();
  EXPECT_EQ(s2.get<Post>(1)->author->username, "b");
  EXPECT_TRUE(s2.get<User>(1)->posts.empty());
}

TEST_P(back_populates_test, setting_the_reference_before_the_parents_collection_loads) {
  auto s = session();
  s.add(User{.username = "a"});
  s.commit();
  auto s2 = session();
  auto u = s2.get<User>(1);
  auto p = s2.add(Post{.title = "late", .content = "c"});
  p->author = u;  // u->posts is not loaded: the change is merged when it is
  EXPECT_EQ(u->posts.size(), 1u);
  EXPECT_TRUE(u->posts.contains(p));
}

TEST_P(back_populates_test, wrong_type_in_a_relationship_is_an_error) {
  auto s = session();
  auto u = s.add(User{.username = "a"});
  auto other = s.add(User{.username = "b"});
  auto& slot = static_cast<retort::orm::detail::collection_slot&>(u->posts);
  EXPECT_THROW(slot.append(other.state()), retort::ArgumentError);
}

}  // namespace

namespace {

// A long collection keeps a hash index for membership (state_list): appends,
// re-appends, removals and moves must agree with the sequence on both sides
// of the threshold, and the flush must see each change once.
TEST_P(back_populates_test, a_long_collection_keeps_membership_exact) {
  auto s = session();
  auto a = s.add(User{.username = "a"});
  auto b = s.add(User{.username = "b"});
  std::vector<retort::ptr<Post>> posts;
  for (int i = 0; i < 40; ++i) {
    posts.push_back(a->posts.add(Post{.title = "t" + std::to_string(i), .content = "c"}));
    a->posts.add(posts.back());  // a second add of a member is no change
  }
  ASSERT_EQ(a->posts.size(), 40u);
  for (int i = 0; i < 40; i += 2) posts[static_cast<std::size_t>(i)]->author = b;  // moves half through the reference
  EXPECT_EQ(a->posts.size(), 20u);
  EXPECT_EQ(b->posts.size(), 20u);
  for (int i = 0; i < 40; ++i) {
    auto& p = posts[static_cast<std::size_t>(i)];
    EXPECT_EQ(a->posts.contains(p), i % 2 == 1) << i;
    EXPECT_EQ(b->posts.contains(p), i % 2 == 0) << i;
  }
  a->posts.remove(posts[1]);
  EXPECT_FALSE(a->posts.contains(posts[1]));
  EXPECT_THROW(a->posts.remove(posts[1]), retort::InvalidRequestError);
  a->posts.add(posts[1]);
  EXPECT_TRUE(a->posts.contains(posts[1]));
  EXPECT_EQ(a->posts.size(), 20u);
  EXPECT_EQ(a->posts[19].get(), posts[1].get());  // re-added at the end
  posts[1]->author = nullptr;  // orphaned: out of a's collection, not in b's
  EXPECT_FALSE(a->posts.contains(posts[1]));
  a->posts.add(posts[1]);
  s.commit();
  EXPECT_EQ(s.query<Post>().where(retort::col<&Post::user_id> == a->id).count(), 20);
  EXPECT_EQ(s.query<Post>().where(retort::col<&Post::user_id> == b->id).count(), 20);
}

}  // namespace
