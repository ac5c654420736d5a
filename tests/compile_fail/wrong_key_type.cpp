// Must not compile: a text key for an integer primary key (PostgreSQL would
// refuse `integer = text` at run time; SQLite would coerce it silently).
#include "retort/retort.hpp"

struct Item {
  int id = 0;
  std::string name;
};
template <>
inline constexpr auto retort::mapping<Item> =
    retort::model(retort::column<&Item::id>(retort::primary_key), retort::column<&Item::name>());

int main() {
  retort::database db("sqlite://");
  auto s = db.session();
  auto item = s.get<Item>("1");
}
