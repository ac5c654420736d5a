// Must not compile: arithmetic on a text column (SQL's + is not concatenation).
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
  auto e = retort::col<&Label::text> + 1;
  (void)e;
}
