// Must not compile: joining a relationship onto an alias of another class than its target.
#include "retort/retort.hpp"

struct Writer;
struct Story {
  int id = 0;
  int writer_id = 0;
  retort::one<Writer> writer{};
};
struct Writer {
  int id = 0;
};
void f(retort::session& s) {
  retort::aliased<Story> a("a");
  s.query<Story>().join<&Story::writer>(a);
}
