// Must not compile: using a class that has no mapping.
#include "retort/retort.hpp"

struct Unmapped {
  int id = 0;
};
int main() {
  retort::database db("sqlite://");
  auto s = db.session();
  s.add(Unmapped{});
}
