// Unit of work: statement order by foreign-key dependency, batching of
// statements of one shape, failed flushes writing nothing.
#include <map>

#include "support/orm_fixture.hpp"

using fixtures::Comment;
using fixtures::Post;
using fixtures::User;
using retort::testing::orm_test;

namespace {

class flush_test : public orm_test {};
RETORT_ORM_SUITE(flush_test);

TEST_P(flush_test, parents_are_inserted_before_children_with_the_key_synced) {
  auto s = session();
  // Add the child first: the flush still orders user before post.
  auto p = s.add(Post{.title = "t", .content = "c"});
  auto u = s.add(User{.username = "alice"});
  p->author = u;
  auto& rec = record();
  s.flush();
  ASSERT_EQ(rec.count(), 2u);
  EXPECT_EQ(rec.count_starting("INSERT INTO " + std::string(postgres() ? "\"user\"" : "user")), 1u);
  EXPECT_EQ(rec.sql()[0].rfind("INSERT INTO", 0), 0u);
  EXPECT_NE(rec.sql()[0].find("user"), std::string::npos);
  EXPECT_NE(rec.sql()[1].find("INSERT INTO post"), std::string::npos);
  EXPECT_EQ(p->user_id, u->id);
  EXPECT_NE(u->id, 0);
}

TEST_P(flush_test, inserts_of_one_shape_are_one_batched_statement) {
  auto s = session();
  auto u = s.add(User{.username = "alice"});
  for (int i = 0; i < 50; ++i) u->posts.add(Post{.title = "t" + std::to_string(i), .content = "c"});
  auto& rec = record();
  s.commit();
  ASSERT_EQ(rec.count(), 2u);  // one INSERT for the user, one batch for 50 posts
  EXPECT_EQ(rec.count_starting("INSERT"), 2u);
  if (postgres()) {
    // One multi-row INSERT ... RETURNING: keys come back for every row.
    EXPECT_NE(rec.sql()[1].find("RETURNING id"), std::string::npos);
    EXPECT_EQ(rec.entries()[1].batch, 1u);
  } else {
    EXPECT_EQ(rec.entries()[1].batch, 50u);  // executemany on one prepared statement
  }
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
  if (postgres()) {
    EXPECT_EQ(rec.count(), 4u);  // the user, then 1000-row batches: 1000 + 1000 + 500
  }
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
  ASSERT_EQ(rec.count_starting("DELETE"), 1u);
  for (const auto& e : rec.entries()) {
    if (e.sql.rfind("DELETE", 0) == 0) {
      EXPECT_EQ(e.batch, 3u) << e.sql;
    }
  }
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
  ASSERT_EQ(rec.count(), 2u);
  EXPECT_EQ(rec.entries()[0].batch, 2u);
  EXPECT_EQ(rec.entries()[1].batch, 1u);
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
  auto sql = rec.sql();
  EXPECT_EQ(rec.count_starting("SELECT"), 2u);
  ASSERT_EQ(rec.count_starting("DELETE"), 2u);
  EXPECT_NE(sql[sql.size() - 2].find("DELETE FROM post"), std::string::npos);
  EXPECT_NE(sql.back().find("user"), std::string::npos);
  EXPECT_EQ(sql.back().rfind("DELETE FROM", 0), 0u);
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
  EXPECT_EQ(rec.count(), 0u);
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
