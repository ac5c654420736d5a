// Must not compile: a write_only<T> member's strategy is its type; a lazy<...> on it is a contradiction.
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
template <>
inline constexpr auto retort::mapping<User> = retort::model(
    retort::column<&User::id>(retort::primary_key), retort::relationship<&User::posts>(retort::lazy<retort::joined>));
auto& m = retort::orm::mapper_for<User>();
