// Must not compile: a write-only collection has no size (its rows are not in memory); count with select().count().
#include "retort/retort.hpp"

struct Post;
struct User {
  int id = 0;
  retort::write_only<Post> posts{};
};
struct Post {
  int id = 0;
  int user_id = 0;
};
std::size_t n(User& u) { return u.posts.size(); }
