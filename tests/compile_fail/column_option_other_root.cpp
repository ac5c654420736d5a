// Must not compile: a column option on another class than the query's.
#include <string>

#include "retort/retort.hpp"

struct Story;
struct Writer {
  int id = 0;
  retort::many<Story> stories{};
};
struct Story {
  int id = 0;
  int writer_id = 0;
  retort::deferred<std::string> body{};
};
void f(retort::query<Writer>& q) { q.options(retort::defer<&Story::body>()); }
