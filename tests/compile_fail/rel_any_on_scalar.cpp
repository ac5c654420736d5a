// Must not compile: any() on a many-to-one (one<>) relationship; has() is its spelling.
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
auto criterion = retort::rel<&Story::writer>.any();
