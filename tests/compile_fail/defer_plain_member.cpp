// Must not compile: defer<M> of a plain member, which cannot notice being read
// and so cannot load on access; only a retort::deferred<T> member can be deferred.
#include <string>

#include "retort/retort.hpp"

struct Post {
  int id = 0;
  std::string title{};
  retort::deferred<std::string> body{};
};
auto option = retort::defer<&Post::title>();
