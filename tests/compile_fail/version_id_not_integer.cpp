// Must not compile: a version counter (retort::version_id) on a member that is not an integer.
#include <string>

#include "retort/retort.hpp"

struct Item {
  int id = 0;
  std::string version;
};
template <>
inline constexpr auto retort::mapping<Item> = retort::model(retort::column<&Item::id>(retort::primary_key),
                                                            retort::column<&Item::version>(retort::version_id));

int main() { (void)retort::orm::mapper_for<Item>(); }
