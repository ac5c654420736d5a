// The stable topological sort used by DDL and the unit of work.
#include <gtest/gtest.h>

#include "retort/util/topological.hpp"

namespace {

using retort::util::topological_sort;
using order = std::vector<std::size_t>;

TEST(topological_sort, edges_put_before_first) {
  EXPECT_EQ(topological_sort(3, {{2, 0}, {0, 1}}), (order{2, 0, 1}));
}

TEST(topological_sort, ties_keep_input_order) {
  EXPECT_EQ(topological_sort(4, {}), (order{0, 1, 2, 3}));
  EXPECT_EQ(topological_sort(4, {{3, 1}}), (order{0, 2, 3, 1}));
}

TEST(topological_sort, self_edges_are_ignored) {
  EXPECT_EQ(topological_sort(2, {{1, 1}, {1, 0}}), (order{1, 0}));
}

TEST(topological_sort, cycles_are_reported_and_appended) {
  order cyclic;
  auto out = topological_sort(4, {{1, 2}, {2, 1}, {0, 3}}, &cyclic);
  EXPECT_EQ(out, (order{0, 3, 1, 2}));
  EXPECT_EQ(cyclic, (order{1, 2}));
}

}  // namespace
