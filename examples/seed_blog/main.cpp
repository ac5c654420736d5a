// The seed blog post's example, end to end: create the tables, add users and
// posts through the relationships, then navigate in a fresh session
// (User.query.get(1), user.posts, post.author).
#include <cstdlib>
#include <iostream>
#include <string>

#include "models.hpp"

int main(int argc, char** argv) {
  std::string url = argc > 1 ? argv[1] : "sqlite://";
  try {
    retort::database db(url, {.echo = std::getenv("RETORT_ECHO") != nullptr});
    db.create_all();
    {
      auto session = db.session();
      auto alice = session.add(User{.username = "alice"});
      alice->posts.add(Post{.title = "Hello", .content = "My first post."});
      alice->posts.add(Post{.title = "Relationships", .content = "User has many posts."});
      auto bob = session.add(User{.username = "bob"});
      auto post = retort::make(Post{.title = "Bob's post", .content = "Written by bob."});
      post->author = bob;  // post.author = bob puts the post in bob.posts too
      session.commit();    // INSERT user x2, then INSERT post x3 with user_id set
    }
    auto session = db.session();
    auto user = session.query<User>().get(1);  // User.query.get(1)
    std::string titles;
    for (auto& post : user->posts) titles += (titles.empty() ? "" : ", ") + post.title;  // lazy SELECT
    auto post = session.get<Post>(1);
    std::cout << "user 1 posts: " << titles << '\n';
    std::cout << "post 1 author: " << post->author->username << '\n';  // post.author
  } catch (const retort::Error& e) {
    std::cerr << "seed_blog: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
