// Must not compile: an integer column compared with text.
#include "retort/retort.hpp"

struct Gadget {
  int id = 0;
};
template <>
inline constexpr auto retort::mapping<Gadget> = retort::model(retort::column<&Gadget::id>(retort::primary_key));

int main() {
  auto e = retort::col<&Gadget::id> == "seven";
  (void)e;
}
