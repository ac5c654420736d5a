// Must not compile: a join_where value of another type than the column's (a string for a bool).
#include "retort/retort.hpp"

struct Letter {
  int id = 0;
  bool read = false;
};

int main() {
  auto criterion = retort::join_where<&Letter::read>("no");
  (void)criterion;
}
