// Must not compile: on_append listens on a one<> (a scalar has on_set, collections on_append / on_remove).
#include "retort/retort.hpp"

struct Owner;
struct Pet {
  int id = 0;
  int owner_id = 0;
  retort::one<Owner> owner{};
};
struct Owner {
  int id = 0;
};
template <>
inline constexpr auto retort::mapping<Owner> = retort::model(retort::column<&Owner::id>(retort::primary_key));
template <>
inline constexpr auto retort::mapping<Pet> =
    retort::model(retort::column<&Pet::id>(retort::primary_key),
                  retort::column<&Pet::owner_id>(retort::foreign_key<&Owner::id>), retort::relationship<&Pet::owner>());

int main() {
  auto l = retort::listen<&Pet::owner>(retort::on_append, [](Pet&, retort::ptr<Owner>) {});
  l.detach();
}
