// The seed blog post's scenario, as a test on both databases: the statements
// it emits and what the navigations return.
#include "../../examples/seed_blog/models.hpp"
#include "support/assert_sql.hpp"
#include "support/backend.hpp"

namespace {

using retort::testing::backend;
using namespace retort::testing::sql_rules;

class seed_blog : public ::testing::TestWithParam<backend> {};
INSTANTIATE_TEST_SUITE_P(, seed_blog, ::testing::ValuesIn(retort::testing::all_backends()),
                         retort::testing::backend_param_name);

TEST_P(seed_blog, one_to_many_as_the_blog_post_shows_it) {
  auto url = retort::testing::fresh_url(GetParam());
  RETORT_REQUIRE_URL(url);
  retort::database db(url);
  db.create_all();
  retort::testing::statement_recorder rec(db.engine());
  {
    auto session = db.session();
    auto user = session.add(User{.username = "john"});
    user->posts.add(Post{.title = "First", .content = "Hello"});
    user->posts.add(Post{.title = "Second", .content = "Again"});
    session.commit();
  }
  // INSERT user; INSERT post x2 in one batch (multi-row, or one executemany).
  const auto& caps = retort::testing::caps(GetParam());
  EXPECT_SQL(rec,
             {compiled_sql("INSERT INTO user (username) VALUES (?)").returning("id").params({"john"}),
              conditional(caps.multirow_insert_returning,
                          {compiled_sql("INSERT INTO post (title, content, user_id) SELECT p0, p1, p2 FROM (VALUES " +
                                        retort::testing::repeat_rows(2,
                                                                     "(CAST(? AS VARCHAR(100)), CAST(? AS TEXT), "
                                                                     "CAST(? AS INTEGER), {})") +
                                        ") AS imp_sen (p0, p1, p2, sen) ORDER BY sen RETURNING id")
                               .params({"First", "Hello", 1, "Second", "Again", 1})},
                          {compiled_sql("INSERT INTO post (title, content, user_id) VALUES (?, ?, ?)")
                               .batch(2)
                               .params({"First", "Hello", 1})})});
  rec.clear();
  auto session = db.session();
  auto user = session.query<User>().get(1);  // User.query.get(1)
  std::vector<std::string> titles;
  for (auto& post : user->posts) titles.push_back(post.title);  // user.posts
  EXPECT_EQ(titles, (std::vector<std::string>{"First", "Second"}));
  auto post = session.get<Post>(2);
  EXPECT_EQ(post->author->username, "john");  // post.author
  // get(1), then the posts; post.author is in the identity map.
  EXPECT_SQL(rec, {compiled_sql("SELECT user.id, user.username FROM user WHERE user.id = ?").params({1}),
                   compiled_sql("SELECT post.id, post.title, post.content, post.user_id FROM post "
                                "WHERE post.user_id = ? ORDER BY post.id")
                       .params({1})});
}

}  // namespace
