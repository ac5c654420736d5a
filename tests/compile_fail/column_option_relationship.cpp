// Must not compile: load_only naming a relationship (a relationship's loading
// is chosen with a relationship loader option).
#include "retort/retort.hpp"

struct Story;
struct Writer {
  int id = 0;
  retort::many<Story> stories{};
};
struct Story {
  int id = 0;
  int writer_id = 0;
};
auto option = retort::load_only<&Writer::stories>();
