// Lazy ("select") loading: many<T> loads on first access with one SELECT;
// one<T> consults the identity map first; autoflush runs before a lazy load.
#include "support/orm_fixture.hpp"

using fixtures::Post;
using fixtures::User;
using retort::testing::orm_test;
using namespace retort::testing::sql_rules;

namespace {

class lazy_loading_test : public orm_test {
 protected:
  void seed() {
    auto s = session();
    auto u = s.add(User{.username = "alice"});
    u->posts.add(Post{.title = "a", .content = "1"});
    u->posts.add(Post{.title = "b", .content = "2"});
    auto v = s.add(User{.username = "bob"});
    v->posts.add(Post{.title = "c", .content = "3"});
    s.commit();
  }
  static retort::testing::sql_rule posts_of(int user_id) {
    return compiled_sql(
               "SELECT post.id, post.title, post.content, post.user_id FROM post WHERE post.user_id = ? ORDER BY "
               "post.id")
        .params({user_id});
  }
  static retort::testing::sql_rule user_by_key(int id) {
    return compiled_sql("SELECT user.id, user.username, user.email FROM user WHERE user.id = ?").params({id});
  }
};
RETORT_ORM_SUITE(lazy_loading_test);

TEST_P(lazy_loading_test, collection_loads_once_on_first_access) {
  seed();
  auto s = session();
  auto u = s.get<User>(1);
  auto& rec = record();
  EXPECT_EQ(u->posts.size(), 2u);
  EXPECT_SQL(rec, {posts_of(1)});
  std::string titles;
  for (auto& p : u->posts) titles += p.title;
  EXPECT_EQ(titles, "ab");
  EXPECT_SQL(rec, {posts_of(1)});
}

TEST_P(lazy_loading_test, many_to_one_uses_the_identity_map_without_sql) {
  seed();
  auto s = session();
  auto u = s.get<User>(1);
  (void)u->posts.size();  // loads posts
  auto& rec = record();
  for (auto& p : u->posts) EXPECT_EQ(p.author->username, "alice");
  EXPECT_EQ(rec.count(), 0u);
}

TEST_P(lazy_loading_test, many_to_one_selects_by_key_when_not_loaded) {
  seed();
  auto s = session();
  auto p = s.get<Post>(3);
  auto& rec = record();
  EXPECT_EQ(p->author->username, "bob");
  EXPECT_SQL(rec, {user_by_key(2)});
  EXPECT_EQ(p->author->username, "bob");
  EXPECT_SQL(rec, {user_by_key(2)});
}

// With batching off, exactly SQLAlchemy's lazy="select": one SELECT per parent.
TEST_P(lazy_loading_test, n_plus_one_is_visible_as_one_select_per_parent) {
  seed();
  retort::session_options unbatched;
  unbatched.batch_lazy_loads = false;
  auto s = db().session(unbatched);
  auto& rec = record();
  auto users = s.query<User>().all();
  std::size_t posts = 0;
  for (auto& u : users) posts += u->posts.size();
  EXPECT_EQ(posts, 3u);
  EXPECT_SQL(rec, {compiled_sql("SELECT user.id, user.username, user.email FROM user"), posts_of(1), posts_of(2)});
}

// By default the first lazy load loads the relationship for every user of the result.
TEST_P(lazy_loading_test, the_first_lazy_load_of_a_result_loads_all_of_it) {
  seed();
  auto s = session();
  auto& rec = record();
  auto users = s.query<User>().all();
  std::size_t posts = 0;
  for (auto& u : users) posts += u->posts.size();
  EXPECT_EQ(posts, 3u);
  ASSERT_EQ(rec.entries().size(), 2u);
  EXPECT_EQ(rec.entries()[1].params.size(), users.size());
}

TEST_P(lazy_loading_test, autoflush_runs_before_a_lazy_load) {
  seed();
  auto s = session();
  auto bob = s.get<User>(2);
  auto p = s.get<Post>(1);
  p->user_id = 2;  // moved by the foreign key alone, not through the relationship
  auto& rec = record();
  EXPECT_EQ(bob->posts.size(), 2u);
  EXPECT_SQL(rec, {compiled_sql("UPDATE post SET user_id = ? WHERE post.id = ?").params({2, 1}), posts_of(2)});
}

TEST_P(lazy_loading_test, autoflush_runs_before_a_query) {
  auto s = session();
  s.add(User{.username = "carol"});
  auto& rec = record();
  EXPECT_EQ(s.query<User>().count(), 1);
  EXPECT_SQL(
      rec,
      {compiled_sql("INSERT INTO user (username, email) VALUES (?, ?)").returning("id").params({"carol", std::nullopt}),
       verb_table("SELECT")});
}

TEST_P(lazy_loading_test, autoflush_can_be_turned_off) {
  auto s = db().session({.autoflush = false});
  s.add(User{.username = "carol"});
  EXPECT_EQ(s.query<User>().count(), 0);
  s.flush();
  EXPECT_EQ(s.query<User>().count(), 1);
}

TEST_P(lazy_loading_test, empty_collection_and_null_reference) {
  auto s = session();
  auto u = s.add(User{.username = "solo"});
  s.commit();
  EXPECT_TRUE(u->posts.empty());
  auto p = retort::make(Post{.title = "orphan", .content = "x"});
  EXPECT_FALSE(p->author);
}

}  // namespace
