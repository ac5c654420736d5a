// Must not compile: a loader option step naming a relationship of another
// class than the one the path has reached (Topic::stories after Writer::stories).
#include "retort/retort.hpp"

struct Story;
struct Topic;
struct Writer {
  int id = 0;
  retort::many<Story> stories{};
};
struct Story {
  int id = 0;
  int writer_id = 0;
};
struct Topic {
  int id = 0;
  retort::many<Story> stories{};
};
auto option = retort::joinedload<&Writer::stories>().selectinload<&Topic::stories>();
