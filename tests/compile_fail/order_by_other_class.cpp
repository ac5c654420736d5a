// Must not compile: order_by naming a column of a class other than the target.
#include "retort/retort.hpp"

struct Post;
struct User {
  int id = 0;
  std::string name{};
  retort::many<Post> posts{};
};
struct Post {
  int id = 0;
  int user_id = 0;
};
template <>
inline constexpr auto retort::mapping<User> =
    retort::model(retort::column<&User::id>(retort::primary_key), retort::column<&User::name>(),
                  retort::relationship<&User::posts>(retort::order_by<retort::desc<&User::name>>));
template <>
inline constexpr auto retort::mapping<Post> = retort::model(retort::column<&Post::id>(retort::primary_key),
                                                            retort::column<&Post::user_id>(retort::foreign_key<&User::id>));
const auto& m = retort::orm::mapper_for<User>();
