// The seed blog post's scenario, as a test on both databases: the statements
// it emits and what the navigations return.
#include "../../examples/seed_blog/models.hpp"
#include "support/backend.hpp"

namespace {

using retort::testing::backend;

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
  EXPECT_EQ(rec.count(), 2u);  // INSERT user; INSERT post x2 in one batch
  rec.clear();
  auto session = db.session();
  auto user = session.query<User>().get(1);  // User.query.get(1)
  std::vector<std::string> titles;
  for (auto& post : user->posts) titles.push_back(post.title);  // user.posts
  EXPECT_EQ(titles, (std::vector<std::string>{"First", "Second"}));
  auto post = session.get<Post>(2);
  EXPECT_EQ(post->author->username, "john");  // post.author
  EXPECT_EQ(rec.count(), 2u);                 // get(1), then the posts; post.author is in the identity map
}

}  // namespace
