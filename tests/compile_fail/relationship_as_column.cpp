// Must not compile: a relationship member mapped as a column.
#include "retort/retort.hpp"

struct Post;
struct User {
  int id = 0;
  retort::many<Post> posts{};
};
struct Post {
  int id = 0;
};
template <>
inline constexpr auto retort::mapping<User> =
    retort::model(retort::column<&User::id>(retort::primary_key), retort::column<&User::posts>());
