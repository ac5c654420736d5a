// Must not compile: a write-only collection is never loaded with its parents, so no loader option names it.
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
auto option = retort::selectinload<&User::posts>();
