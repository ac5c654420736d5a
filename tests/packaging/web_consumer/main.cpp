// Uses the installed web headers and libretort_web.a: an app with one route on
// the db object (in-memory SQLite), answered in-process by test_request, so no
// socket is opened. Linking it also needs cpp-httplib: web::app's destructor
// stops the server (src/web/server.cpp).
#include <retort/web/web.hpp>

#include <iostream>
#include <string>

namespace web = retort::web;

struct Author {
  int id = 0;
  std::string name{};
};
template <>
inline constexpr auto retort::mapping<Author> =
    retort::model(retort::column<&Author::id>(retort::primary_key), retort::column<&Author::name>(retort::not_null));

int main() {
  web::db_config config;
  config.uri = "sqlite://";
  config.models = retort::models<Author>();
  web::sqlalchemy db(config);
  web::app app;
  db.init_app(app);
  app.get("/authors/<int:id>", [&](web::request& req) {
    return web::response::json(web::to_json(db.get_or_404<Author>(req.arg<int>("id"), "no such author")));
  });
  db.create_all();
  {
    web::sqlalchemy::app_context ctx(db);
    db.session().add(Author{.name = "Ursula"});
    db.session().commit();
  }
  auto res = app.test_request("GET", "/authors/1");
  std::cout << res.status << ' ' << res.body << '\n';
  return res.status == 200 ? 0 : 1;
}
