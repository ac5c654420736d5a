// A generic topological sort, used by DDL (tables in foreign-key order) and by
// the unit of work (mappers in dependency order). Knows nothing of either.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace retort::util {

/// Orders nodes 0..n-1 so every edge (before, after) has `before` first.
/// Ties keep the input order (stable), so output is deterministic.
/// Nodes on a cycle are appended in input order; `cyclic` (if given) receives them.
std::vector<std::size_t> topological_sort(std::size_t n,
                                          const std::vector<std::pair<std::size_t, std::size_t>>& edges,
                                          std::vector<std::size_t>* cyclic = nullptr);

}  // namespace retort::util
