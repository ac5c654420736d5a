// Tutorial 6: the web layer. retort::web is Flask plus Flask-SQLAlchemy 3:
// an app with routes, a `db` object that gives each request its own session,
// get_or_404, and JSON. This program serves two routes on 127.0.0.1 (a free
// port), asks one of them over HTTP with cpp-httplib's client, prints the
// answer and stops the server.
//
//   app = Flask(__name__)
//   app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
//   db = SQLAlchemy(app)
//
//   @app.route("/api/users/<int:id>")
//   def user(id):
//       user = db.get_or_404(User, id, description="no such user")
//       return jsonify(id=user.id, username=user.username, posts=[...])
#include <httplib.h>  // only for the client; the server is retort::web's

#include <retort/retort.hpp>
#include <retort/web/web.hpp>

#include <iostream>
#include <string>

namespace web = retort::web;

struct Post;

struct User {
  int id = 0;
  std::string username;
  retort::many<Post> posts{};
};

struct Post {
  int id = 0;
  std::string title;
  int user_id = 0;
  retort::one<User> author{};
};

template <>
inline constexpr auto retort::mapping<User> = retort::model(
    retort::column<&User::id>(retort::primary_key),
    retort::column<&User::username>(retort::String(50)),
    retort::relationship<&User::posts>(retort::back_populates<&Post::author>));

template <>
inline constexpr auto retort::mapping<Post> = retort::model(
    retort::column<&Post::id>(retort::primary_key),
    retort::column<&Post::title>(retort::String(100)),
    retort::column<&Post::user_id>(retort::foreign_key<&User::id>),
    retort::relationship<&Post::author>(retort::back_populates<&User::posts>));

int main() {
  try {
    // The db object (SQLAlchemy(app)). An in-memory SQLite database lives in
    // its one connection, so the server's requests take turns with it; a web
    // application would use a file ("sqlite:///app.db") or PostgreSQL.
    web::db_config config;
    config.uri = "sqlite://";
    config.models = retort::models<User, Post>();  // db.Model: the tables create_all makes
    web::sqlalchemy db(config);

    web::app app;
    db.init_app(app);  // each request's session is rolled back and closed when it ends

    // GET /api/users/1: the user and its posts as JSON. selectinload loads the
    // posts with the user's query (2 statements), so to_json runs no SQL.
    app.get("/api/users/<int:id>", [&](web::request& req) {
      auto user = db.query<User>()
                      .options(retort::selectinload<&User::posts>())
                      .where(retort::col<&User::id> == req.arg<int>("id"))
                      .first();
      if (!user) web::abort(404, "no such user");  // a JSON 404 under /api
      return web::response::json(web::to_json(user, web::with<&User::posts>()));
    });
    // POST /api/users/<id>/posts {"title": "..."}: a new post; the handler commits.
    app.post("/api/users/<int:id>/posts", [&](web::request& req) {
      auto user = db.get_or_404<User>(req.arg<int>("id"), "no such user");
      auto post = user->posts.add(Post{.title = req.json().at("title").get<std::string>()});
      db.session().commit();
      return web::response::json(web::to_json(post), 201);
    });

    // Outside a request, an app_context gives db.session() (scripts, seeding, tests).
    db.create_all();
    {
      web::sqlalchemy::app_context ctx(db);
      auto alice = db.session().add(User{.username = "alice"});
      alice->posts.add(Post{.title = "Hello"});
      db.session().commit();
    }  // the context's session is closed here, so requests can have the connection

    // Serve in a background thread on a free port (app.run would serve in
    // this thread until Ctrl-C). start() returns once the server listens.
    const int port = app.start("127.0.0.1", 0);

    httplib::Client client("127.0.0.1", port);
    client.set_connection_timeout(5, 0);  // bounded: a broken server fails the program, never hangs it
    client.set_read_timeout(5, 0);
    auto created = client.Post("/api/users/1/posts", R"({"title": "Served"})", "application/json");
    auto res = client.Get("/api/users/1");
    app.stop();  // stops serving and joins the server's thread
    if (!created || !res) {
      std::cerr << "06_web: no answer from the server\n";
      return 1;
    }
    std::cout << "POST /api/users/1/posts -> " << created->status << ' ' << created->body << '\n';
    std::cout << "GET /api/users/1 -> " << res->status << ' ' << res->get_header_value("Content-Type") << '\n'
              << res->body << '\n';

    // The same app answers without a socket too (Flask's test_client).
    auto missing = app.test_request("GET", "/api/users/7");
    std::cout << "GET /api/users/7 -> " << missing.status << ' ' << missing.body << '\n';
  } catch (const std::exception& e) {
    std::cerr << "06_web: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
