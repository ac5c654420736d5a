// Must not compile: a loader option whose path starts at another class than the query's.
#include "retort/retort.hpp"

struct Story;
struct Writer {
  int id = 0;
  retort::many<Story> stories{};
};
struct Story {
  int id = 0;
  int writer_id = 0;
  retort::one<Writer> writer{};
};
void f(retort::query<Writer>& q) { q.options(retort::joinedload<&Story::writer>()); }
