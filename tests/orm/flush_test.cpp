// Unit of work: statement order by foreign-key dependency, batching of
// statements of one shape, failed flushes writing nothing.
#include <map>

#include "support/orm_fixture.hpp"

using fixtures::Comment;
using fixtures::Post;
using fixtures::User;
using retort::testing::orm_test;
using namespace retort::testing::sql_rules;

namespace {

class flush_test : public orm_test {
 protected:
  static retort::testing::sql_rule insert_user(const char* name) {
    return compiled_sql("INSERT INTO user (username, email) VALUES (?, ?)")
        .returning("id")
        .params({name, std::nullopt});
  }
  static constexpr const char* insert_post = "INSERT INTO post (title, content, user_id) VALUES (?, ?, ?)";
};
RETORT_ORM_SUITE(flush_test);

TEST_P(flush_test, parents_are_inserted_before_children_with_the_key_synced) {
  auto s = session();
  // Add the child first: the flush still orders user before post.
  auto p = s.add(Post{.title = "t", .content = "c"});
  auto u = s.add(User{.username = "alice"});
  p->author = u;
  auto& rec = record();
  s.flush();
  EXPECT_NE(u->id, 0);
  // The post's INSERT carries the user's new key.
  EXPECT_SQL(rec, {insert_user("alice"), compiled_sql(insert_post).returning("id").params({"t", "c", u->id})});
  EXPECT_EQ(p->user_id, u->id);
}

TEST_P(flush_test, inserts_of_one_shape_are_one_batched_statement) {
  auto s = session();
  auto u = s.add(User{.username = "alice"});
  for (int i = 0; i < 50; ++i) u->posts.add(Post{.title = "t" + std::to_string(i), .content = "c"});
  auto& rec = record();
  s.commit();
  // One INSERT for the user, one batch for 50 posts: a multi-row INSERT ...
  // RETURNING whose keys come back for every row (in order, by the sentinel),
  // or an executemany on one prepared statement.
  EXPECT_SQL(rec,
             {insert_user("alice"),
              conditional(caps().multirow_insert_returning,
                          {compiled_sql("INSERT INTO post (title, content, user_id) SELECT p0, p1, p2 FROM (VALUES " +
                                        retort::testing::repeat_rows(50,
                                                                     "(CAST(? AS VARCHAR(100)), CAST(? AS TEXT), "
                                                                     "CAST(? AS INTEGER), {})") +
                                        ") AS imp_sen (p0, p1, p2, sen) ORDER BY sen RETURNING id")
                               .batch(1)},
                          {compiled_sql(insert_post).batch(50).params({"t0", "c", 1})})});  // u is expired: 1, its key
  auto s2 = session();
  auto posts = s2.query<Post>().order_by(retort::col<&Post::id>).all();
  ASSERT_EQ(posts.size(), 50u);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(posts[static_cast<std::size_t>(i)]->title, "t" + std::to_string(i));
}

TEST_P(flush_test, generated_keys_match_their_rows_in_large_batches) {
  auto s = session();
  auto u = s.add(User{.username = "alice"});
  std::vector<retort::ptr<Post>> posts;
  for (int i = 0; i < 2500; ++i) posts.push_back(u->posts.add(Post{.title = std::to_string(i), .content = "c"}));
  auto& rec = record();
  s.flush();
  // The user, then 1000-row batches (1000 + 1000 + 500), or one executemany.
  auto post_batch = verb_table("INSERT", "post").batch(1);
  EXPECT_SQL(rec,
             {insert_user("alice"), conditional(caps().multirow_insert_returning, {post_batch, post_batch, post_batch},
                                                {compiled_sql(insert_post).batch(2500)})});
  // Every object's key names the row holding its own title.
  std::map<std::int64_t, std::string> titles;
  for (const auto& row : s.connection().execute("SELECT id, title FROM post"))
    titles[row.get<std::int64_t>(0)] = row.get<std::string>(1);
  ASSERT_EQ(titles.size(), posts.size());
  std::size_t mismatched = 0;
  for (const auto& p : posts) mismatched += titles[p->id] != p->title;
  EXPECT_EQ(mismatched, 0u);
}

TEST_P(flush_test, deletes_of_one_table_are_one_batch) {
  auto s = session();
  std::vector<retort::ptr<User>> users;
  for (int i = 0; i < 3; ++i) users.push_back(s.add(User{.username = "u" + std::to_string(i)}));
  s.add(User{.username = "kept"});
  s.commit();
  for (auto& u : users) s.delete_(u);
  auto& rec = record();
  s.flush();
  // Each user's posts load first (surviving children would get their key nulled).
  auto posts_of = [](int id) {
    return compiled_sql(
               "SELECT post.id, post.title, post.content, post.user_id FROM post WHERE post.user_id = ? "
               "ORDER BY post.id")
        .params({id});
  };
  EXPECT_SQL(rec, {posts_of(1), posts_of(2), posts_of(3),
                   compiled_sql("DELETE FROM user WHERE user.id = ?").batch(3).params({1})});
  EXPECT_EQ(s.query<User>().count(), 1);
}

TEST_P(flush_test, updates_are_grouped_by_changed_columns) {
  auto s = session();
  for (int i = 0; i < 4; ++i) s.add(User{.username = "u" + std::to_string(i)});
  s.commit();
  auto users = s.query<User>().order_by(retort::col<&User::id>).all();
  users[0]->email = "a";
  users[1]->email = "b";
  users[2]->username = "renamed";
  auto& rec = record();
  s.flush();
  EXPECT_SQL(rec, {compiled_sql("UPDATE user SET email = ? WHERE user.id = ?").batch(2).params({"a", 1}),
                   compiled_sql("UPDATE user SET username = ? WHERE user.id = ?").batch(1).params({"renamed", 3})});
}

TEST_P(flush_test, children_are_deleted_before_parents) {
  auto s = session();
  auto u = s.add(User{.username = "alice"});
  auto p = u->posts.add(Post{.title = "t", .content = "c"});
  s.commit();
  s.delete_(u);
  s.delete_(p);
  auto& rec = record();
  s.commit();
  // Collections of deleted parents load first (to null out surviving children), then
  // the DELETEs run children first.
  EXPECT_SQL(rec, {all_of({verb_table("SELECT", "post").params({1}), verb_table("SELECT", "comment").params({1})}),
                   compiled_sql("DELETE FROM post WHERE post.id = ?").params({1}),
                   compiled_sql("DELETE FROM user WHERE user.id = ?").params({1})});
}

TEST_P(flush_test, deleting_a_parent_nulls_the_foreign_key_of_its_children) {
  auto s = session();
  auto u = s.add(User{.username = "alice"});
  auto p = u->posts.add(Post{.title = "t", .content = "c"});
  auto c = p->comments.add(Comment{.body = "nice"});
  s.commit();
  s.delete_(p);
  s.commit();
  auto s2 = session();
  auto comment = s2.get<Comment>(1);
  ASSERT_TRUE(comment);
  EXPECT_EQ(comment->post_id, std::nullopt);
}

TEST_P(flush_test, nothing_to_do_emits_nothing_not_even_begin) {
  auto s = session();
  retort::testing::statement_recorder rec(db().engine(), true);
  s.flush();
  s.commit();
  EXPECT_SQL(rec, {});
}

TEST_P(flush_test, flush_then_rollback_discards_inserts) {
  auto s = session();
  auto u = s.add(User{.username = "alice"});
  s.flush();
  EXPECT_NE(u->id, 0);
  s.rollback();
  EXPECT_FALSE(s.contains(u));
  EXPECT_EQ(u->id, 0);  // the generated key is gone with the row
  EXPECT_EQ(s.query<User>().count(), 0);
}

}  // namespace
