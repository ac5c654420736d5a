// Must not compile: retort::hybrid<M> for a member function with no hybrid_expression<M>.
#include <string>

#include "retort/retort.hpp"

struct Item {
  int id = 0;
  std::string name;
  std::string upper() const { return name; }
};
template <>
inline constexpr auto retort::mapping<Item> =
    retort::model(retort::column<&Item::id>(retort::primary_key), retort::column<&Item::name>());

int main() { (void)(retort::hybrid<&Item::upper> == "X"); }
