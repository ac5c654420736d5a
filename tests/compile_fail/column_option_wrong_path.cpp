// Must not compile: a column option naming a member of another class than the
// one the path has reached (Writer::bio after Writer::stories, which leads to Story).
#include <string>

#include "retort/retort.hpp"

struct Story;
struct Writer {
  int id = 0;
  retort::deferred<std::string> bio{};
  retort::many<Story> stories{};
};
struct Story {
  int id = 0;
  int writer_id = 0;
};
auto option = retort::joinedload<&Writer::stories>().defer<&Writer::bio>();
