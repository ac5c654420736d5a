// Must not compile: contains() on an integer column ('%' || ? || '%' is text).
#include "retort/sql/expression.hpp"

int main() {
  auto e = retort::sql::column_ref<int>("user", "age").contains("1");
  (void)e;
}
