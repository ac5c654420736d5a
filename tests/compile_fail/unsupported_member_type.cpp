// Must not compile: a column whose C++ type has no SQL mapping.
#include <vector>

#include "retort/retort.hpp"

struct Thing {
  int id = 0;
  std::vector<int> numbers;
};
template <>
inline constexpr auto retort::mapping<Thing> =
    retort::model(retort::column<&Thing::id>(retort::primary_key), retort::column<&Thing::numbers>());
