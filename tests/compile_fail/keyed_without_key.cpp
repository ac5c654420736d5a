// Must not compile: a keyed<K, T> collection mapped without attribute_keyed_dict.
#include "retort/retort.hpp"

struct Note;
struct Item {
  int id = 0;
  retort::keyed<std::string, Note> notes{};
};
struct Note {
  int id = 0;
  std::string keyword{};
  int item_id = 0;
};
template <>
inline constexpr auto retort::mapping<Item> =
    retort::model(retort::column<&Item::id>(retort::primary_key), retort::relationship<&Item::notes>());
template <>
inline constexpr auto retort::mapping<Note> =
    retort::model(retort::column<&Note::id>(retort::primary_key), retort::column<&Note::keyword>(),
                  retort::column<&Note::item_id>(retort::foreign_key<&Item::id>));
const auto& m = retort::orm::mapper_for<Item>();
