// Must not compile: multiplication of a text column (* is arithmetic; + on text is concatenation).
#include <string>

#include "retort/retort.hpp"

struct Label {
  int id = 0;
  std::string text;
};
template <>
inline constexpr auto retort::mapping<Label> =
    retort::model(retort::column<&Label::id>(retort::primary_key), retort::column<&Label::text>());

int main() {
  auto e = retort::col<&Label::text> * 2;  // + on text is concatenation (||); * is arithmetic only
  (void)e;
}
