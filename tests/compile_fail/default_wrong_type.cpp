// Must not compile: a default_ whose value does not convert to the member's type.
#include <string>

#include "retort/retort.hpp"

struct Item {
  int id = 0;
  int count = 0;
};
template <>
inline constexpr auto retort::mapping<Item> = retort::model(retort::column<&Item::id>(retort::primary_key),
                                                            retort::column<&Item::count>(retort::default_("many")));

int main() { (void)retort::orm::mapper_for<Item>(); }
