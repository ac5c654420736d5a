// The db object on both databases: a session per request removed at the end
// (rolled back unless the handler committed, also on an exception),
// commit_on_success, get_or_404 and friends, paginate from the query string,
// binds, models_committed, the per-request query record, the debug panel, JSON
// of models and JSON input, and concurrent requests on the real server.
#include <gtest/gtest.h>
#include <httplib.h>

#include <thread>

#include "support/backend.hpp"
#include "retort/web/web.hpp"

namespace web = retort::web;
using retort::testing::backend;

struct WebArticle;

struct WebAuthor {
  int id = 0;
  std::string name;
  std::optional<std::string> bio{};
  retort::many<WebArticle> articles{};
};

struct WebArticle {
  int id = 0;
  std::string title;
  int author_id = 0;
  retort::one<WebAuthor> author{};
};

struct WebAudit {  // lives on the "audit" bind
  int id = 0;
  std::string what;
};

template <>
inline constexpr auto retort::mapping<WebAuthor> = retort::model(
    retort::column<&WebAuthor::id>(retort::primary_key),
    retort::column<&WebAuthor::name>(retort::String(20), retort::not_null, retort::unique),
    retort::column<&WebAuthor::bio>(retort::Text, retort::validates([](const WebAuthor&, const std::optional<std::string>& b) {
      if (b && b->find('<') != std::string::npos) throw retort::invalid("must not contain markup");
    })),
    retort::relationship<&WebAuthor::articles>(retort::back_populates<&WebArticle::author>, retort::cascades("all, delete-orphan")));

template <>
inline constexpr auto retort::mapping<WebArticle> = retort::model(
    retort::column<&WebArticle::id>(retort::primary_key),
    retort::column<&WebArticle::title>(retort::String(100), retort::not_null),
    retort::column<&WebArticle::author_id>(retort::foreign_key<&WebAuthor::id>, retort::not_null),
    retort::relationship<&WebArticle::author>(retort::back_populates<&WebAuthor::articles>));

template <>
inline constexpr auto retort::mapping<WebAudit> = retort::model(retort::column<&WebAudit::id>(retort::primary_key),
                                                                retort::column<&WebAudit::what>(retort::Text));

namespace {

const retort::model_set blog_models = retort::models<WebAuthor, WebArticle>();
const retort::model_set audit_models = retort::models<WebAudit>();

nlohmann::json body_json(const web::response& r) { return nlohmann::json::parse(r.body); }
web::headers json_headers() { return {{"Content-Type", "application/json"}}; }

class web_db : public ::testing::TestWithParam<backend> {
 protected:
  web::db_config config(std::string url) {
    web::db_config c;
    c.uri = std::move(url);
    c.models = blog_models;
    return c;
  }
  /// Rows in the table, counted on a session of its own (what the database holds).
  std::int64_t count_authors(web::sqlalchemy& db) {
    auto s = db.database().session();
    return s.query<WebAuthor>().count();
  }
  /// A db on the given configuration, its tables created, serving a new app.
  struct served {
    web::sqlalchemy db;
    web::app app;
    explicit served(web::db_config c) : db(std::move(c)) {
      db.create_all();
      db.init_app(app);
    }
  };
  void seed(web::sqlalchemy& db, int authors, int articles_each = 0) {
    web::sqlalchemy::app_context ctx(db);
    for (int i = 1; i <= authors; ++i) {
      auto a = db.session().add(WebAuthor{.name = "author" + std::to_string(i)});
      for (int j = 1; j <= articles_each; ++j) a->articles.add(WebArticle{.title = "t" + std::to_string(i) + "." + std::to_string(j)});
    }
    db.session().commit();
  }
};
INSTANTIATE_TEST_SUITE_P(, web_db, ::testing::ValuesIn(retort::testing::all_backends()),
                         retort::testing::backend_param_name);

TEST_P(web_db, one_session_per_request_rolled_back_unless_committed) {
  auto url = retort::testing::fresh_url(GetParam());
  RETORT_REQUIRE_URL(url);
  served server(config(url));
  auto& db = server.db;
  auto& app = server.app;
  retort::session* seen = nullptr;
  app.post("/api/authors", [&](web::request& r) {
    auto& s = db.session();
    EXPECT_EQ(&s, &db.session());  // one per request
    seen = &s;
    auto a = s.add(WebAuthor{.name = r.json()["name"].get<std::string>()});
    if (r.json().value("commit", false)) s.commit();
    if (r.json().value("fail", false)) throw std::runtime_error("after the add");
    return web::response::json(web::to_json(a), 201);
  });
  EXPECT_EQ(app.test_request("POST", "/api/authors", R"({"name": "kept", "commit": true})", json_headers()).status, 201);
  auto* first = seen;
  EXPECT_EQ(app.test_request("POST", "/api/authors", R"({"name": "dropped"})", json_headers()).status, 201);
  EXPECT_EQ(app.test_request("POST", "/api/authors", R"({"name": "failed", "fail": true})", json_headers()).status, 500);
  (void)first;
  EXPECT_EQ(count_authors(db), 1);  // only the committed one
  EXPECT_THROW(db.session(), retort::InvalidRequestError);  // outside any request
}

TEST_P(web_db, commit_on_success_commits_before_the_response_and_a_failed_commit_is_the_response) {
  auto url = retort::testing::fresh_url(GetParam());
  RETORT_REQUIRE_URL(url);
  auto c = config(url);
  c.commit_on_success = true;
  served server(c);
  auto& db = server.db;
  auto& app = server.app;
  app.post("/api/authors", [&](web::request& r) {
    auto a = db.session().add(WebAuthor{.name = r.json()["name"].get<std::string>()});
    if (r.json().value("reject", false)) web::abort(422, "rejected");
    return web::response::json({{"ok", true}}, 201);
  });
  EXPECT_EQ(app.test_request("POST", "/api/authors", R"({"name": "alice"})", json_headers()).status, 201);
  EXPECT_EQ(app.test_request("POST", "/api/authors", R"({"name": "bob", "reject": true})", json_headers()).status, 422);
  auto dup = app.test_request("POST", "/api/authors", R"({"name": "alice"})", json_headers());
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(body_json(dup)["field"], "name");
  EXPECT_EQ(dup.body.find("INSERT"), std::string::npos);
  EXPECT_EQ(count_authors(db), 1);
}

TEST_P(web_db, get_first_one_or_404) {
  auto url = retort::testing::fresh_url(GetParam());
  RETORT_REQUIRE_URL(url);
  served server(config(url));
  seed(server.db, 2);
  auto& db = server.db;
  auto& app = server.app;
  app.get("/api/authors/<int:id>", [&](web::request& r) {
    return web::response::json(web::to_json(db.get_or_404<WebAuthor>(r.arg<int>("id"), "no such author")));
  });
  app.get("/api/first/<name>", [&](web::request& r) {
    auto q = db.query<WebAuthor>().where(retort::col<&WebAuthor::name> == r.arg("name"));
    return web::response::json(web::to_json(db.first_or_404(q)));
  });
  app.get("/api/one/<name>", [&](web::request& r) {
    auto q = db.query<WebAuthor>().where(retort::col<&WebAuthor::name>.like(r.arg("name")));
    return web::response::json(web::to_json(db.one_or_404(q, "not exactly one")));
  });
  auto found = app.test_request("GET", "/api/authors/2");
  ASSERT_EQ(found.status, 200);
  EXPECT_EQ(body_json(found), (nlohmann::json{{"id", 2}, {"name", "author2"}, {"bio", nullptr}}));
  auto missing = app.test_request("GET", "/api/authors/9");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(body_json(missing)["description"], "no such author");
  EXPECT_EQ(app.test_request("GET", "/api/first/author1").status, 200);
  EXPECT_EQ(app.test_request("GET", "/api/first/nobody").status, 404);
  EXPECT_EQ(app.test_request("GET", "/api/one/author1").status, 200);
  auto many = app.test_request("GET", "/api/one/author%25");  // LIKE 'author%': two rows
  EXPECT_EQ(many.status, 404);
  EXPECT_EQ(body_json(many)["description"], "not exactly one");
}

TEST_P(web_db, paginate_reads_the_query_string_with_flask_sqlalchemys_rules) {
  auto url = retort::testing::fresh_url(GetParam());
  RETORT_REQUIRE_URL(url);
  served server(config(url));
  seed(server.db, 45);
  auto& db = server.db;
  auto& app = server.app;
  app.get("/api/authors", [&](web::request&) {
    auto q = db.query<WebAuthor>().order_by(retort::col<&WebAuthor::id>);
    return web::response::json(web::to_json(db.paginate(q, {.max_per_page = 30})));
  });
  app.get("/api/lenient", [&](web::request&) {
    auto q = db.query<WebAuthor>().order_by(retort::col<&WebAuthor::id>);
    auto page = db.paginate(q, {.error_out = false, .count = false});
    return web::response::json(web::to_json(page));
  });
  auto p2 = body_json(app.test_request("GET", "/api/authors?page=2&per_page=10"));
  EXPECT_EQ(p2["page"], 2);
  EXPECT_EQ(p2["per_page"], 10);
  EXPECT_EQ(p2["total"], 45);
  EXPECT_EQ(p2["pages"], 5);
  EXPECT_EQ(p2["has_prev"], true);
  EXPECT_EQ(p2["has_next"], true);
  EXPECT_EQ(p2["prev_num"], 1);
  EXPECT_EQ(p2["next_num"], 3);
  ASSERT_EQ(p2["items"].size(), 10u);
  EXPECT_EQ(p2["items"][0]["id"], 11);
  auto last = body_json(app.test_request("GET", "/api/authors?page=3"));  // per_page 20 by default
  EXPECT_EQ(last["items"].size(), 5u);
  EXPECT_EQ(last["next_num"], nullptr);
  EXPECT_EQ(body_json(app.test_request("GET", "/api/authors?per_page=100"))["per_page"], 30);  // max_per_page
  for (const char* bad : {"page=0", "page=-1", "page=abc", "page=", "per_page=0", "per_page=x", "page=4"})
    EXPECT_EQ(app.test_request("GET", std::string("/api/authors?") + bad).status, 404) << bad;
  // error_out=False: clamped instead (and past the end an empty page).
  auto lenient = body_json(app.test_request("GET", "/api/lenient?page=abc&per_page=-3"));
  EXPECT_EQ(lenient["page"], 1);
  EXPECT_EQ(lenient["per_page"], 20);
  EXPECT_EQ(lenient["total"], nullptr);
  EXPECT_EQ(body_json(app.test_request("GET", "/api/lenient?page=9"))["items"].size(), 0u);
}

TEST_P(web_db, binds_keep_each_model_set_on_its_own_database) {
  auto url = retort::testing::fresh_url(GetParam());
  auto audit_url = retort::testing::fresh_url(GetParam());
  RETORT_REQUIRE_URL(url);
  auto c = config(url);
  c.binds.emplace("audit", web::bind_config{audit_url, audit_models});
  web::sqlalchemy db(c);
  db.create_all();
  EXPECT_EQ(db.bind_keys(), (std::vector<std::string>{"", "audit"}));
  web::app app;
  db.init_app(app);
  app.post("/api/authors", [&](web::request&) {
    db.session().add(WebAuthor{.name = "a"});
    db.session_for<WebAudit>().add(WebAudit{.what = "created a"});
    EXPECT_NE(&db.session(), &db.session("audit"));
    EXPECT_EQ(&db.session_for<WebAudit>(), &db.session("audit"));
    db.session().commit();
    db.session("audit").commit();
    return web::response::no_content();
  });
  EXPECT_EQ(app.test_request("POST", "/api/authors", "{}", json_headers()).status, 204);
  // Each table exists only in its database.
  auto main_s = db.database().session();
  auto audit_s = db.database("audit").session();
  EXPECT_EQ(main_s.query<WebAuthor>().count(), 1);
  EXPECT_EQ(audit_s.query<WebAudit>().count(), 1);
  EXPECT_THROW(audit_s.query<WebAuthor>().count(), retort::DatabaseError);
  audit_s.rollback();
  EXPECT_THROW(db.database("nope"), retort::ArgumentError);
  db.drop_all("audit");
  auto after = db.database("audit").session();
  EXPECT_THROW(after.query<WebAudit>().count(), retort::DatabaseError);
}

TEST_P(web_db, models_committed_signals_report_the_changes_of_the_transaction) {
  auto url = retort::testing::fresh_url(GetParam());
  RETORT_REQUIRE_URL(url);
  auto c = config(url);
  c.track_modifications = true;
  served server(c);
  seed(server.db, 2);
  auto& db = server.db;
  auto& app = server.app;
  std::vector<std::string> before, after;
  auto describe = [](const web::model_changes& changes) {
    std::vector<std::string> out;
    for (const auto& ch : changes) out.push_back(ch.object.class_name() + " " + std::string(retort::change_name(ch.kind)));
    std::sort(out.begin(), out.end());
    return out;
  };
  std::vector<std::string> seen_before, seen_after;
  db.on_before_models_committed([&](const web::model_changes& ch) { seen_before = describe(ch); });
  db.on_models_committed([&](const web::model_changes& ch) { seen_after = describe(ch); });
  app.post("/api/change", [&](web::request& r) {
    auto& s = db.session();
    s.add(WebAuthor{.name = "new"});
    s.get<WebAuthor>(1)->bio = "changed";
    s.delete_(s.get<WebAuthor>(2));
    if (r.json().value("rollback", false)) {
      s.flush();
      s.rollback();
      return web::response::no_content();
    }
    s.commit();
    return web::response::no_content();
  });
  EXPECT_EQ(app.test_request("POST", "/api/change", R"({"rollback": true})", json_headers()).status, 204);
  EXPECT_TRUE(seen_before.empty());
  EXPECT_TRUE(seen_after.empty());
  EXPECT_EQ(app.test_request("POST", "/api/change", "{}", json_headers()).status, 204);
  const std::vector<std::string> expected{"WebAuthor delete", "WebAuthor insert", "WebAuthor update"};
  EXPECT_EQ(seen_before, expected);
  EXPECT_EQ(seen_after, expected);
}

TEST_P(web_db, recorded_queries_and_statement_counts_per_request) {
  auto url = retort::testing::fresh_url(GetParam());
  RETORT_REQUIRE_URL(url);
  auto c = config(url);
  c.record_queries = true;
  served server(c);
  seed(server.db, 3, 4);
  auto& db = server.db;
  auto& app = server.app;
  std::vector<retort::engine::query_record> seen;
  app.get("/api/authors/<int:id>", [&](web::request& r) {
    auto a = db.query<WebAuthor>()
                 .options(retort::selectinload<&WebAuthor::articles>())
                 .where(retort::col<&WebAuthor::id> == r.arg<int>("id"))
                 .one();
    auto j = web::to_json(a, web::with<&WebAuthor::articles>());
    seen = db.get_recorded_queries();
    return web::response::json(j);
  });
  auto res = app.test_request("GET", "/api/authors/2");
  ASSERT_EQ(res.status, 200);
  auto j = body_json(res);
  ASSERT_EQ(j["articles"].size(), 4u);
  EXPECT_EQ(j["articles"][0]["title"], "t2.1");
  ASSERT_EQ(seen.size(), 2u);  // the author, then the articles: no N+1
  EXPECT_NE(seen[0].sql.find("FROM web_author"), std::string::npos);
  EXPECT_NE(seen[1].sql.find("FROM web_article"), std::string::npos);
  EXPECT_EQ(seen[1].cause, "WebAuthor.articles (selectin)");
  EXPECT_NE(seen[0].location.find("sqlalchemy_test.cpp"), std::string::npos);
  // A new request starts a new record.
  app.test_request("GET", "/api/authors/1");
  EXPECT_EQ(seen.size(), 2u);
}

TEST_P(web_db, debug_panel_shows_the_statements_and_n_plus_one_of_an_html_page) {
  auto url = retort::testing::fresh_url(GetParam());
  RETORT_REQUIRE_URL(url);
  auto c = config(url);
  c.session_options.batch_lazy_loads = false;  // the N+1 as the seed's lazy=True gives it
  c.session_options.n_plus_one_threshold = 2;
  c.session_options.on_n_plus_one = [](const retort::n_plus_one_report&) {};
  served server(c);
  seed(server.db, 4, 1);
  auto& db = server.db;
  auto& app = server.app;
  web::enable_debug_panel(app, db);
  app.get("/authors", [&](web::request&) {
    std::string html = "<html><body><ul>";
    for (auto& a : db.query<WebAuthor>().all())
      html += "<li>" + web::html_escape(a->name) + " (" + std::to_string(a->articles.size()) + ")</li>";
    return web::response::html(html + "</ul></body></html>");
  });
  app.get("/api/authors", [&](web::request&) { return web::response::json(web::to_json(db.query<WebAuthor>().all())); });
  auto page = app.test_request("GET", "/authors");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("<div id=\"debug-panel\">"), std::string::npos);
  EXPECT_NE(page.body.find("SQL: 5 statements"), std::string::npos) << page.body;  // 1 + 4 lazy loads
  EXPECT_NE(page.body.find("N+1 queries: WebAuthor.articles"), std::string::npos);
  EXPECT_LT(page.body.find("debug-panel"), page.body.rfind("</body>"));
  auto api = app.test_request("GET", "/api/authors");
  EXPECT_EQ(api.body.find("debug-panel"), std::string::npos);
}

TEST_P(web_db, json_input_is_checked_and_names_the_field) {
  auto url = retort::testing::fresh_url(GetParam());
  RETORT_REQUIRE_URL(url);
  served server(config(url));
  auto& db = server.db;
  auto& app = server.app;
  app.post("/api/authors", [&](web::request& r) {
    WebAuthor a;
    web::from_json(r.json(), a, web::fields<&WebAuthor::name, &WebAuthor::bio>);
    auto p = db.session().add(std::move(a));
    db.session().commit();
    return web::response::json(web::to_json(p), 201);
  });
  app.patch("/api/authors/<int:id>", [&](web::request& r) {
    auto a = db.get_or_404<WebAuthor>(r.arg<int>("id"));
    web::from_json(r.json(), *a, web::fields<&WebAuthor::name, &WebAuthor::bio>, true);
    db.session().commit();
    return web::response::json(web::to_json(a));
  });
  auto post = [&](const std::string& body) { return app.test_request("POST", "/api/authors", body, json_headers()); };
  struct bad_case {
    std::string body;
    std::string field;
  };
  for (const auto& b : {bad_case{R"({"bio": "x"})", "name"}, bad_case{R"({"name": 7, "bio": null})", "name"},
                        bad_case{R"({"name": "this name is far too long", "bio": null})", "name"},
                        bad_case{R"({"name": null, "bio": null})", "name"}, bad_case{R"({"name": "ok", "bio": 3})", "bio"},
                        bad_case{R"({"name": "ok", "bio": "<b>hi</b>"})", "bio"},  // its validator refuses it
                        bad_case{R"([1, 2])", ""}}) {
    auto res = post(b.body);
    EXPECT_EQ(res.status, 400) << b.body;
    EXPECT_EQ(body_json(res).value("field", ""), b.field) << b.body;
  }
  EXPECT_EQ(count_authors(db), 0);  // nothing persisted from a failed request
  auto ok = post(R"({"name": "ünï", "bio": null, "extra": 1})");
  ASSERT_EQ(ok.status, 201);
  EXPECT_EQ(body_json(ok)["name"], "ünï");
  auto patched = app.test_request("PATCH", "/api/authors/1", R"({"bio": "hello"})", json_headers());
  EXPECT_EQ(body_json(patched), (nlohmann::json{{"id", 1}, {"name", "ünï"}, {"bio", "hello"}}));
}

TEST_P(web_db, app_context_gives_a_session_outside_requests) {
  auto url = retort::testing::fresh_url(GetParam());
  RETORT_REQUIRE_URL(url);
  web::sqlalchemy db(config(url));
  db.create_all();
  {
    web::sqlalchemy::app_context ctx(db);
    db.session().add(WebAuthor{.name = "uncommitted"});
    db.session().flush();
  }  // removed: rolled back
  EXPECT_EQ(count_authors(db), 0);
  EXPECT_THROW(db.session(), retort::InvalidRequestError);
}

TEST_P(web_db, concurrent_requests_on_the_server_each_have_their_own_session) {
  auto url = retort::testing::fresh_url(GetParam());
  RETORT_REQUIRE_URL(url);
  served server(config(url));
  seed(server.db, 1);
  auto& db = server.db;
  auto& app = server.app;
  app.post("/api/authors/<int:id>/articles", [&](web::request& r) {
    auto a = db.get_or_404<WebAuthor>(r.arg<int>("id"));
    auto art = a->articles.add(WebArticle{.title = r.json()["title"].get<std::string>()});
    db.session().commit();
    return web::response::json({{"id", art->id}}, 201);
  });
  app.get("/api/authors/<int:id>", [&](web::request& r) {
    auto a = db.get_or_404<WebAuthor>(r.arg<int>("id"));
    return web::response::json(web::to_json(a, web::with<&WebAuthor::articles>()));
  });
  const int port = app.start();
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      httplib::Client client("127.0.0.1", port);
      client.set_read_timeout(10, 0);
      for (int i = 0; i < 10; ++i) {
        nlohmann::json body{{"title", "t" + std::to_string(t) + "-" + std::to_string(i)}};
        auto res = client.Post("/api/authors/1/articles", body.dump(), "application/json");
        if (!res || res->status != 201) ++failures;
        auto get = client.Get("/api/authors/1");
        if (!get || get->status != 200) ++failures;
      }
    });
  for (auto& t : threads) t.join();
  app.stop();
  EXPECT_EQ(failures.load(), 0);
  web::sqlalchemy::app_context ctx(db);
  EXPECT_EQ(db.get_or_404<WebAuthor>(1)->articles.size(), 40u);
}

}  // namespace
