// Uses the installed headers and libraries: the seed's one-to-many, in memory.
#include <retort/retort.hpp>

#include <iostream>

struct Book;
struct Author {
  int id = 0;
  std::string name{};
  retort::many<Book> books{};
};
struct Book {
  int id = 0;
  std::string title{};
  int author_id = 0;
  retort::one<Author> author{};
};
template <>
inline constexpr auto retort::mapping<Author> =
    retort::model(retort::column<&Author::id>(retort::primary_key), retort::column<&Author::name>(retort::not_null),
                  retort::relationship<&Author::books>(retort::back_populates<&Book::author>));
template <>
inline constexpr auto retort::mapping<Book> =
    retort::model(retort::column<&Book::id>(retort::primary_key), retort::column<&Book::title>(retort::not_null),
                  retort::column<&Book::author_id>(retort::foreign_key<&Author::id>, retort::not_null),
                  retort::relationship<&Book::author>(retort::back_populates<&Author::books>));

int main() {
  retort::database db("sqlite://");
  db.create_all();
  auto s = db.session();
  auto a = s.add(Author{.name = "Ursula"});
  a->books.add(Book{.title = "The Dispossessed"});
  s.commit();
  std::cout << s.get<Book>(1)->author->name << '\n';
  return 0;
}
