// Must not compile: a backref onto a keyed<K, T> member without the attribute it is keyed by.
#include "retort/retort.hpp"

struct Sheet;
struct Atlas {
  int id = 0;
  retort::keyed<std::string, Sheet> sheets{};
};
struct Sheet {
  int id = 0;
  std::string region{};
  int atlas_id = 0;
  retort::one<Atlas> atlas{};
};
template <>
inline constexpr auto retort::mapping<Atlas> = retort::model(retort::column<&Atlas::id>(retort::primary_key));
template <>
inline constexpr auto retort::mapping<Sheet> =
    retort::model(retort::column<&Sheet::id>(retort::primary_key), retort::column<&Sheet::region>(),
                  retort::column<&Sheet::atlas_id>(retort::foreign_key<&Atlas::id>),
                  retort::relationship<&Sheet::atlas>(retort::backref<&Atlas::sheets>));
const auto& m = retort::orm::mapper_for<Sheet>();
