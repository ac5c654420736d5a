// The compile-time benchmark's twenty-model translation unit (docs/performance.md,
// "Compile time"): the seed's program (examples/seed_blog/main.cpp) on an
// application of twenty related models. All twenty are declared, mapped and
// created; the program then does what the seed's does with its User and Post,
// so that the seed's TU and this one differ in the number of models only.
#include <cstdlib>
#include <iostream>
#include <string>

#include "twenty_models.hpp"  // brings namespace m20 into scope

int main(int argc, char** argv) {
  std::string url = argc > 1 ? argv[1] : "sqlite://";
  try {
    retort::database db(url, {.echo = std::getenv("RETORT_ECHO") != nullptr});
    db.create_all(retort::models<User, Profile, Post, Tag, Comment, Musician, Band, BandMember, Mailbox, Message,
                                 Library, Shelf, Book, Author, Article, Feed, Entry, Category, Product, Order, OrderLine,
                                 Invoice, Account>());
    {
      auto session = db.session();
      auto alice = session.add(User{.username = "alice"});
      alice->posts.add(Post{.title = "Hello", .body = "My first post."});
      alice->posts.add(Post{.title = "Relationships", .body = "User has many posts."});
      auto bob = session.add(User{.username = "bob"});
      auto post = retort::make(Post{.title = "Bob's post", .body = "Written by bob."});
      post->author = bob;
      session.commit();
    }
    auto session = db.session();
    auto user = session.query<User>().get(1);
    std::string titles;
    for (auto& post : user->posts) titles += (titles.empty() ? "" : ", ") + post.title;
    auto post = session.get<Post>(1);
    std::cout << "user 1 posts: " << titles << '\n';
    std::cout << "post 1 author: " << post->author->username << '\n';
  } catch (const retort::Error& e) {
    std::cerr << "twenty_models: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
