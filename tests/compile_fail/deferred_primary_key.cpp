// Must not compile: a deferred primary key (the deferred load selects by the key).
#include "retort/retort.hpp"

struct Post {
  retort::deferred<int> id{};
};
constexpr auto id = retort::column<&Post::id>(retort::primary_key);
