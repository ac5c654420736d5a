// The web layer without a database: routing and converters, request parsing,
// hooks, error responses (JSON and HTML, never internals), CSRF, templates'
// escaping, and the real server on a loopback port (413, timeouts, many
// keep-alive connections at once).
#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "retort/web/app.hpp"
#include "retort/web/templates.hpp"

namespace web = retort::web;

namespace {

web::headers form_headers(const std::string& cookie = {}) {
  web::headers h{{"Content-Type", "application/x-www-form-urlencoded"}};
  if (!cookie.empty()) h.emplace("Cookie", cookie);
  return h;
}

nlohmann::json body_json(const web::response& r) { return nlohmann::json::parse(r.body); }

TEST(web_routing, converters_and_view_args) {
  web::app app;
  app.get("/users/<int:id>", [](web::request& r) { return web::response::text("user " + std::to_string(r.arg<std::int64_t>("id"))); });
  app.get("/users/new", [](web::request&) { return web::response::text("new form"); });
  app.get("/tags/<name>", [](web::request& r) { return web::response::text("tag " + r.arg("name")); });
  app.get("/files/<path:rest>", [](web::request& r) { return web::response::text("file " + r.arg("rest")); });

  EXPECT_EQ(app.test_request("GET", "/users/42").body, "user 42");
  // A static rule beats a converter (werkzeug's ordering), whichever was added first.
  EXPECT_EQ(app.test_request("GET", "/users/new").body, "new form");
  EXPECT_EQ(app.test_request("GET", "/users/abc").status, 404);
  EXPECT_EQ(app.test_request("GET", "/users/-1").status, 404);
  EXPECT_EQ(app.test_request("GET", "/users/99999999999999999999").status, 404);  // does not fit int64
  EXPECT_EQ(app.test_request("GET", "/tags/c%2B%2B").body, "tag c++");
  EXPECT_EQ(app.test_request("GET", "/files/a/b/c.txt").body, "file a/b/c.txt");
  EXPECT_EQ(app.test_request("GET", "/files/").status, 404);
  EXPECT_EQ(app.test_request("GET", "/nowhere").status, 404);
  EXPECT_EQ(app.test_request("GET", "/users/42/extra").status, 404);
}

TEST(web_routing, methods_405_and_head) {
  web::app app;
  app.route("/posts", {"GET", "POST"}, [](web::request& r) { return web::response::text(r.method); });
  auto put = app.test_request("PUT", "/posts");
  EXPECT_EQ(put.status, 405);
  EXPECT_EQ(put.headers.find("Allow")->second, "GET, POST");
  auto head = app.test_request("HEAD", "/posts");
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(app.test_request("POST", "/posts", "", {{"Content-Type", "text/plain"}}).body, "POST");
}

TEST(web_routing, malformed_rules_and_duplicates_are_errors) {
  web::app app;
  EXPECT_THROW(app.get("users", [](web::request&) { return web::response::text(""); }), retort::ArgumentError);
  EXPECT_THROW(app.get("/a/<float:x>", [](web::request&) { return web::response::text(""); }), retort::ArgumentError);
  EXPECT_THROW(app.get("/a/<path:x>/b", [](web::request&) { return web::response::text(""); }), retort::ArgumentError);
  EXPECT_THROW(app.get("/a/<x", [](web::request&) { return web::response::text(""); }), retort::ArgumentError);
  app.get("/a", [](web::request&) { return web::response::text(""); });
  EXPECT_THROW(app.get("/a", [](web::request&) { return web::response::text(""); }), retort::ArgumentError);
}

TEST(web_request, query_form_cookies_and_json) {
  web::app app(web::app_config{.csrf = false});
  app.post("/echo", [](web::request& r) {
    nlohmann::json j;
    j["page"] = r.query_int("page", 1);
    j["q"] = r.query("q").value_or("-");
    j["title"] = r.form_value("title").value_or("-");
    j["cookie"] = r.cookies.count("k") ? r.cookies.at("k") : "-";
    return web::response::json(j);
  });
  auto res = app.test_request("POST", "/echo?page=x&q=a+b%21", "title=Hello+World%3F&x=1",
                              {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}, {"Cookie", "k=v; other=2"}});
  ASSERT_EQ(res.status, 200);
  auto j = body_json(res);
  EXPECT_EQ(j["page"], 1);  // malformed: the default, as request.args.get(type=int)
  EXPECT_EQ(j["q"], "a b!");
  EXPECT_EQ(j["title"], "Hello World?");
  EXPECT_EQ(j["cookie"], "v");

  app.post("/json", [](web::request& r) { return web::response::json({{"got", r.json()["x"]}}); });
  auto ok = app.test_request("POST", "/json", R"({"x": [1, 2]})", {{"Content-Type", "application/json"}});
  EXPECT_EQ(body_json(ok)["got"], nlohmann::json::array({1, 2}));
  auto bad = app.test_request("POST", "/json", R"({"x": )", {{"Content-Type", "application/json"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(body_json(bad)["description"].get<std::string>().find("malformed JSON"), std::string::npos);
  auto huge = app.test_request("POST", "/json", R"({"x": 1e999})", {{"Content-Type", "application/json"}});
  EXPECT_EQ(huge.status, 400);  // nlohmann's out_of_range, not only parse_error (found by fuzz_web_request)
  auto not_json = app.test_request("POST", "/json", "x=1", {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(not_json.status, 415);
}

TEST(web_request, required_form_field_is_a_400_naming_it) {
  web::app app(web::app_config{.csrf = false});
  app.post("/posts", [](web::request& r) { return web::response::text(r.required_form("title")); });
  auto missing = app.test_request("POST", "/posts", "body=x", form_headers());
  EXPECT_EQ(missing.status, 400);
  EXPECT_NE(missing.body.find("&#39;title&#39; is required"), std::string::npos) << missing.body;
  auto blank_html = app.test_request("POST", "/posts", "title=+", form_headers());
  EXPECT_NE(blank_html.body.find("&#39;title&#39; must not be empty"), std::string::npos) << blank_html.body;
  auto blank = app.test_request("POST", "/api/posts", "title=+++", form_headers());
  EXPECT_EQ(blank.status, 404);  // no such route: /api/posts
  app.post("/api/posts", [](web::request& r) { return web::response::text(r.required_form("title")); });
  auto blank_api = app.test_request("POST", "/api/posts", "title=+++", form_headers());
  EXPECT_EQ(blank_api.status, 400);
  EXPECT_EQ(body_json(blank_api)["field"], "title");
}

TEST(web_errors, json_or_html_and_never_internals) {
  web::app app;
  app.get("/boom", [](web::request&) -> web::response { throw std::runtime_error("SELECT secret FROM x; password=hunter2"); });
  app.get("/api/boom", [](web::request&) -> web::response { throw std::runtime_error("SELECT secret FROM x"); });
  app.get("/gone", [](web::request&) -> web::response { web::abort(404, "no such <post>"); });
  app.get("/dup", [](web::request&) -> web::response {
    retort::database_error_info info;
    info.message = "duplicate key value violates unique constraint \"user_username_key\"";
    info.table = "user";
    info.column = "username";
    info.sqlstate = "23505";
    info.statement = "INSERT INTO \"user\" ...";
    throw retort::IntegrityError(info);
  });
  auto html = app.test_request("GET", "/boom");
  EXPECT_EQ(html.status, 500);
  EXPECT_EQ(html.body.find("secret"), std::string::npos);
  EXPECT_EQ(html.body.find("hunter2"), std::string::npos);
  EXPECT_NE(html.content_type.find("text/html"), std::string::npos);
  auto api = app.test_request("GET", "/api/boom");
  EXPECT_EQ(api.status, 500);
  EXPECT_EQ(api.content_type, "application/json");
  EXPECT_EQ(body_json(api)["error"], "Internal Server Error");
  EXPECT_EQ(api.body.find("secret"), std::string::npos);
  auto gone = app.test_request("GET", "/gone");
  EXPECT_NE(gone.body.find("no such &lt;post&gt;"), std::string::npos);  // descriptions are escaped
  auto dup = app.test_request("GET", "/dup", "", {{"Accept", "application/json"}});
  EXPECT_EQ(dup.status, 409);
  auto j = body_json(dup);
  EXPECT_EQ(j["field"], "username");
  EXPECT_EQ(dup.body.find("INSERT"), std::string::npos);
  EXPECT_EQ(dup.body.find("user_username_key"), std::string::npos);

  app.errorhandler(404, [](web::request&, const web::http_error& e) {
    return web::response::html("<p>custom: " + web::html_escape(e.description()) + "</p>", 404);
  });
  EXPECT_EQ(app.test_request("GET", "/gone").body, "<p>custom: no such &lt;post&gt;</p>");
}

TEST(web_hooks, order_and_teardown_sees_the_exception) {
  web::app app;
  std::vector<std::string> log;
  app.before_request([&](web::request& r) -> std::optional<web::response> {
    log.push_back("before " + r.path);
    if (r.path == "/blocked") return web::response::text("blocked", 403);
    return std::nullopt;
  });
  app.after_request([&](web::request&, web::response& res) { log.push_back("after " + std::to_string(res.status)); });
  app.teardown_request([&](web::request&, std::exception_ptr e) { log.push_back(e ? "teardown error" : "teardown ok"); });
  app.get("/ok", [&](web::request&) {
    log.push_back("handler");
    return web::response::text("ok");
  });
  app.get("/fail", [](web::request&) -> web::response { throw std::runtime_error("x"); });
  app.get("/blocked", [&](web::request&) {
    log.push_back("handler ran");
    return web::response::text("");
  });
  app.test_request("GET", "/ok");
  app.test_request("GET", "/fail");
  EXPECT_EQ(app.test_request("GET", "/blocked").status, 403);
  EXPECT_EQ(log, (std::vector<std::string>{"before /ok", "handler", "after 200", "teardown ok", "before /fail", "after 500",
                                           "teardown error", "before /blocked", "after 403", "teardown ok"}));
}

TEST(web_csrf, form_posts_need_the_token_of_the_cookie) {
  web::app app;
  std::string token;
  app.get("/form", [&](web::request&) {
    token = web::csrf_token();
    EXPECT_EQ(web::csrf_token(), token);  // one per request
    return web::response::html("<form><input name=csrf_token value=" + token + "></form>");
  });
  app.post("/submit", [](web::request&) { return web::response::text("done"); });
  auto page = app.test_request("GET", "/form");
  auto cookie = page.headers.find("Set-Cookie");
  ASSERT_NE(cookie, page.headers.end());
  EXPECT_NE(cookie->second.find("csrf_token=" + token), std::string::npos);
  EXPECT_NE(cookie->second.find("HttpOnly"), std::string::npos);

  EXPECT_EQ(app.test_request("POST", "/submit", "x=1", form_headers()).status, 400);
  EXPECT_EQ(app.test_request("POST", "/submit", "csrf_token=" + token, form_headers()).status, 400);  // no cookie
  EXPECT_EQ(app.test_request("POST", "/submit", "csrf_token=wrong", form_headers("csrf_token=" + token)).status, 400);
  auto ok = app.test_request("POST", "/submit", "csrf_token=" + token, form_headers("csrf_token=" + token));
  EXPECT_EQ(ok.status, 200);
  // JSON bodies are not forms: a cross-site page cannot send one without CORS.
  EXPECT_EQ(app.test_request("POST", "/submit", "{}", {{"Content-Type", "application/json"}}).status, 200);
}

TEST(web_context, current_request_outside_a_request_is_an_error) {
  EXPECT_THROW(web::current_request(), retort::InvalidRequestError);
  EXPECT_THROW(web::csrf_token(), retort::InvalidRequestError);
  web::app app;
  app.get("/p", [](web::request&) { return web::response::text(web::current_request().path); });
  EXPECT_EQ(app.test_request("GET", "/p").body, "/p");
}

TEST(web_templates, escaping_partials_sections_and_errors) {
  const auto dir = std::filesystem::temp_directory_path() / ("retort-templates-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "layout.mustache") << "<h1>{{title}}</h1>{{> item_list}}";
  std::ofstream(dir / "item_list.mustache") << "{{#items}}<li>{{name}}{{#admin}}*{{/admin}}</li>{{/items}}{{^items}}none{{/items}}";
  std::ofstream(dir / "broken.mustache") << "{{#open}}never closed";
  web::templates t(dir);
  nlohmann::json ctx{{"title", "<script>alert(1)</script>"},
                     {"items", {{{"name", "a&b"}, {"admin", true}}, {{"name", "\"c\""}, {"admin", nullptr}}}}};
  EXPECT_EQ(t.render("layout", ctx),
            "<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1><li>a&amp;b*</li><li>&quot;c&quot;</li>");
  EXPECT_EQ(t.render("layout", {{"title", "x"}, {"items", nlohmann::json::array()}}), "<h1>x</h1>none");
  EXPECT_EQ(web::templates::render_string("{{{raw}}} {{n}}", {{"raw", "<b>"}, {"n", 3}}), "<b> 3");
  EXPECT_THROW(t.render("broken", {}), retort::ConfigurationError);
  EXPECT_THROW(t.render("missing", {}), retort::ConfigurationError);
  EXPECT_THROW(web::templates(dir / "nope"), retort::ConfigurationError);
  std::filesystem::remove_all(dir);
}

TEST(web_parsing, urlencoded_cookies_and_escapes) {
  auto p = web::parse_urlencoded("a=1&b=x+y&&c&d=%zz&e=%41");
  EXPECT_EQ(p.find("a")->second, "1");
  EXPECT_EQ(p.find("b")->second, "x y");
  EXPECT_EQ(p.find("c")->second, "");
  EXPECT_EQ(p.find("d")->second, "%zz");  // a malformed escape is kept
  EXPECT_EQ(p.find("e")->second, "A");
  auto c = web::parse_cookies("a=1; b=\"two\"; =bad; c");
  EXPECT_EQ(c.size(), 2u);
  EXPECT_EQ(c["b"], "two");
  EXPECT_EQ(web::url_decode(web::url_encode("a b/ü&="), false), "a b/ü&=");
  EXPECT_EQ(web::html_escape("<a href='x'>&\"</a>"), "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;");
}

// The real server, over loopback.

TEST(web_server, serves_and_stops_and_reports_a_busy_port) {
  web::app app;
  app.get("/hello/<name>", [](web::request& r) { return web::response::json({{"hello", r.arg("name")}}); });
  const int port = app.start("127.0.0.1", 0);
  ASSERT_GT(port, 0);
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(5, 0);
  auto res = client.Get("/hello/world");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(nlohmann::json::parse(res->body)["hello"], "world");
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");

  web::app other;
  EXPECT_THROW(other.start("127.0.0.1", port), retort::Error);
  app.stop();
  EXPECT_FALSE(client.Get("/hello/again"));
}

TEST(web_server, oversized_body_is_413_before_the_handler) {
  web::app app(web::app_config{.max_content_length = 1024, .csrf = false});
  std::atomic<int> calls{0};
  app.post("/api/upload", [&](web::request&) {
    ++calls;
    return web::response::no_content();
  });
  const int port = app.start();
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(5, 0);
  auto big = client.Post("/api/upload", std::string(4096, 'x'), "application/json");
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413);
  EXPECT_EQ(nlohmann::json::parse(big->body)["status"], 413);
  auto small = client.Post("/api/upload", std::string(100, ' ') + "{}", "application/json");
  ASSERT_TRUE(small);
  EXPECT_EQ(small->status, 204);
  EXPECT_EQ(calls.load(), 1);
  // The same limit in test_request (no socket).
  EXPECT_EQ(app.test_request("POST", "/api/upload", std::string(2000, 'x'), {{"Content-Type", "application/json"}}).status, 413);
}

TEST(web_server, a_slow_client_is_dropped_after_the_read_timeout) {
  web::app app(web::app_config{.read_timeout = std::chrono::milliseconds(300)});
  app.get("/", [](web::request&) { return web::response::text("ok"); });
  const int port = app.start();
  // A raw socket that sends half a request line and then nothing.
  httplib::Client probe("127.0.0.1", port);
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_GT(::send(fd, "GET / HT", 8, 0), 0);
  const auto start = std::chrono::steady_clock::now();
  char buf[256];
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  const auto n = ::recv(fd, buf, sizeof buf, 0);  // the server closes: 0 (or an error reply)
  const auto waited = std::chrono::steady_clock::now() - start;
  ::close(fd);
  EXPECT_LE(n, static_cast<ssize_t>(sizeof buf));
  EXPECT_LT(waited, std::chrono::seconds(4)) << "the server kept a silent client";
  EXPECT_TRUE(probe.Get("/"));  // and still serves others
}

TEST(web_server, more_keep_alive_connections_than_httplibs_8_workers) {
  web::app app;
  app.get("/n", [](web::request&) { return web::response::text("n"); });
  const int port = app.start();
  // 12 clients each hold a keep-alive connection open; all must be served.
  std::vector<std::unique_ptr<httplib::Client>> clients;
  for (int i = 0; i < 12; ++i) {
    clients.push_back(std::make_unique<httplib::Client>("127.0.0.1", port));
    clients.back()->set_keep_alive(true);
    clients.back()->set_read_timeout(3, 0);
    auto r = clients.back()->Get("/n");
    ASSERT_TRUE(r) << "client " << i << " was not served";
  }
  for (auto& c : clients) {
    auto r = c->Get("/n");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
  }
}

}  // namespace
