// A parent project's program on Retort built with add_subdirectory: a SQLite
// round trip, the backends this build has, and what a PostgreSQL URL says.
#include <retort/retort.hpp>

#include <iostream>

struct Item {
  int id = 0;
  std::string name{};
};
template <>
inline constexpr auto retort::mapping<Item> =
    retort::model(retort::column<&Item::id>(retort::primary_key), retort::column<&Item::name>(retort::not_null));

int main() {
  retort::database db("sqlite://");
  db.create_all();
  auto s = db.session();
  s.add(Item{.name = "widget"});
  s.commit();
  std::cout << s.get<Item>(1)->name << '\n';
  std::cout << "backends:";
  for (const auto& b : retort::available_backends()) std::cout << ' ' << b;
  std::cout << '\n';
  try {
    retort::database pg("postgresql://u@localhost/db");
    std::cout << "postgresql opened\n";
  } catch (const retort::ArgumentError& e) {
    std::cout << "postgresql: " << e.what() << '\n';
  }
  return 0;
}
