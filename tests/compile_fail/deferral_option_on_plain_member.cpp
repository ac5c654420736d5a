// Must not compile: a deferral option in the mapping of a plain member.
#include <string>

#include "retort/retort.hpp"

struct Post {
  int id = 0;
  std::string title{};
};
constexpr auto title = retort::column<&Post::title>(retort::deferred_group("text"));
