// Kahn's algorithm with a stable choice among ready nodes.
#include "retort/util/topological.hpp"

#include <set>

namespace retort::util {

std::vector<std::size_t> topological_sort(std::size_t n,
                                          const std::vector<std::pair<std::size_t, std::size_t>>& edges,
                                          std::vector<std::size_t>* cyclic) {
  std::vector<std::vector<std::size_t>> out(n);
  std::vector<std::size_t> indegree(n, 0);
  for (auto [a, b] : edges) {
    if (a == b) continue;  // self-reference: ordered row by row elsewhere
    out[a].push_back(b);
    ++indegree[b];
  }
  std::set<std::size_t> ready;
  for (std::size_t i = 0; i < n; ++i)
    if (indegree[i] == 0) ready.insert(i);
  std::vector<std::size_t> order;
  order.reserve(n);
  while (!ready.empty()) {
    auto node = *ready.begin();
    ready.erase(ready.begin());
    order.push_back(node);
    for (auto next : out[node])
      if (--indegree[next] == 0) ready.insert(next);
  }
  if (order.size() < n) {
    std::vector<bool> placed(n, false);
    for (auto i : order) placed[i] = true;
    for (std::size_t i = 0; i < n; ++i) {
      if (placed[i]) continue;
      order.push_back(i);
      if (cyclic) cyclic->push_back(i);
    }
  }
  return order;
}

}  // namespace retort::util
