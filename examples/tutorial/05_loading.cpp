// Tutorial 5: loading strategies, and the N+1 problem.
//
// Listing every author with their books touches `author->books` once per
// author. Loaded lazily, one at a time, that is 1 SELECT for the authors plus
// N for their books: the "N+1". This program runs the same loop under each
// strategy and prints the statements it ran, from the session's query record
// (Flask-SQLAlchemy's get_recorded_queries()), so you can watch the N go away.
//
//   SQLAlchemy                                  Retort
//   lazy="select" (the default)                 retort::lazy<retort::loading::select> (the default)
//   options(selectinload(Author.books))         options(retort::selectinload<&Author::books>())
//   options(joinedload(Author.books))           options(retort::joinedload<&Author::books>())
//   options(raiseload("*"))                     options(retort::raiseload_all())
#include <retort/retort.hpp>

#include <iostream>
#include <string>

struct Book;

struct Author {
  int id = 0;
  std::string name;
  retort::many<Book> books{};
};

struct Book {
  int id = 0;
  std::string title;
  int author_id = 0;
  retort::one<Author> author{};
};

template <>
inline constexpr auto retort::mapping<Author> = retort::model(
    retort::column<&Author::id>(retort::primary_key),
    retort::column<&Author::name>(retort::String(40)),
    // A default strategy for every query would go here, e.g. retort::lazy<retort::selectin>.
    retort::relationship<&Author::books>(retort::back_populates<&Book::author>));

template <>
inline constexpr auto retort::mapping<Book> = retort::model(
    retort::column<&Book::id>(retort::primary_key),
    retort::column<&Book::title>(retort::String(80)),
    retort::column<&Book::author_id>(retort::foreign_key<&Author::id>),
    retort::relationship<&Book::author>(retort::back_populates<&Author::books>));

// The loop the strategies compete on: every author, every book.
std::size_t count_books(const std::vector<retort::ptr<Author>>& authors) {
  std::size_t n = 0;
  for (const auto& author : authors) n += author->books.size();
  return n;
}

// Runs `load` (a query) and the loop in a new session, then prints what ran.
template <class Load>
void show(retort::database& db, const std::string& title, retort::session_options options, Load load) {
  options.record_queries = true;  // keep this session's query record
  auto session = db.session(options);
  const auto books = count_books(load(session));
  const auto record = session.recorded_queries();
  std::cout << "== " << title << ": " << books << " books, " << record.size()
            << (record.size() == 1 ? " statement\n" : " statements\n");
  // Each statement with what caused it (the query, a lazy load, an eager loader) and its parameters.
  for (const auto& q : record) {
    std::cout << "  [" << q.cause << "] " << q.sql;
    if (!q.params.empty()) std::cout << "  " << retort::sql::describe_params(q.params);
    std::cout << '\n';
  }
}

int main() {
  try {
    retort::database db("sqlite://");
    db.create_all();
    {
      auto session = db.session();
      for (std::string name : {"Le Guin", "Lem", "Tolkien", "Butler"}) {
        auto author = session.add(Author{.name = name});
        author->books.add(Book{.title = name + " I"});
        author->books.add(Book{.title = name + " II"});
      }
      session.commit();
    }
    auto all_authors = [](retort::session& s) { return s.query<Author>().order_by(retort::col<&Author::id>).all(); };

    // 1. Lazy, one SELECT per author: what SQLAlchemy does. 1 + 4 statements.
    //    (batch_lazy_loads = false switches off Retort's batching, shown next.)
    show(db, "lazy, one at a time (SQLAlchemy's lazy=\"select\")", {.batch_lazy_loads = false}, all_authors);

    // 2. Lazy with automatic batching, Retort's default: the first author's
    //    books are loaded together with those of every author of the same
    //    result, in one IN query. 2 statements, whatever the number of authors.
    show(db, "lazy, batched (Retort's default)", {}, all_authors);

    // 3. selectinload: the query itself loads the books with one IN query
    //    right after the authors. 2 statements; the loop runs no SQL.
    show(db, "selectinload", {}, [](retort::session& s) {
      return s.query<Author>().options(retort::selectinload<&Author::books>()).order_by(retort::col<&Author::id>).all();
    });

    // 4. joinedload: one statement with a LEFT OUTER JOIN. Best for a
    //    many-to-one, or a collection of few parents (rows multiply).
    show(db, "joinedload", {}, [](retort::session& s) {
      return s.query<Author>().options(retort::joinedload<&Author::books>()).order_by(retort::col<&Author::id>).all();
    });

    // 5. raiseload: code that must not lazy load (a web page's template) says
    //    so, and an N+1 becomes an error naming the relationship.
    try {
      show(db, "raiseload", {}, [](retort::session& s) {
        return s.query<Author>().options(retort::raiseload_all()).all();
      });
    } catch (const retort::InvalidRequestError& e) {
      std::cout << "== raiseload: " << e.what() << '\n';
    }
  } catch (const retort::Error& e) {
    std::cerr << "05_loading: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
