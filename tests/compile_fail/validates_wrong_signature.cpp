// Must not compile: a column validator that does not take the member's type.
#include <string>

#include "retort/retort.hpp"

struct Item {
  int id = 0;
  std::string name;
};
template <>
inline constexpr auto retort::mapping<Item> = retort::model(
    retort::column<&Item::id>(retort::primary_key),
    retort::column<&Item::name>(retort::validates([](const Item&, int n) { return n > 0; })));

int main() { (void)retort::orm::mapper_for<Item>(); }
