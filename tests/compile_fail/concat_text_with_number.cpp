// Must not compile: text + a number (+ on text is concatenation, ||, of text only).
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
  auto e = retort::col<&Label::text> + 1;  // concatenation takes text, not a number
  (void)e;
}
