// The blog over HTTP (examples/blog, docs/blog.md): every route against the
// server on a loopback port, on SQLite and PostgreSQL, with the demo data;
// bad input (404, 400 naming the field, 409, 413, a missing CSRF token) leaves
// the row counts as they were; each page's statement count is asserted.
#include <httplib.h>

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "blog.hpp"
#include "support/backend.hpp"

namespace {

using nlohmann::json;
using retort::testing::backend;

/// A response as the test reads it.
struct reply {
  int status = 0;
  std::string body;
  httplib::Headers headers;

  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
  /// The statements the request ran (the fixture's after_request hook).
  int statements() const { return std::stoi(header("X-Statements").empty() ? "-1" : header("X-Statements")); }
  json body_json() const { return json::parse(body); }
  /// How often `needle` occurs in the body.
  int count(const std::string& needle) const {
    int n = 0;
    for (auto at = body.find(needle); at != std::string::npos; at = body.find(needle, at + needle.size())) ++n;
    return n;
  }
};

/// What a failure message shows of a reply: the status and the page's main part (or the JSON).
std::string brief(const reply& r) {
  auto at = r.body.find("<main>");
  auto text = r.body.substr(at == std::string::npos ? 0 : at, 600);
  return "HTTP " + std::to_string(r.status) + ": " + text;
}

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [k, v] : fields) out += (out.empty() ? "" : "&") + retort::web::url_encode(k) + "=" + retort::web::url_encode(v);
  return out;
}

/// An HTTP client with a cookie jar (the browser of these tests).
class browser {
 public:
  explicit browser(int port) : client_("127.0.0.1", port) {
    client_.set_connection_timeout(5);
    client_.set_read_timeout(20);
    client_.set_write_timeout(20);
  }

  reply send(const std::string& method, const std::string& path, const std::string& body = {},
             const std::string& content_type = {}) {
    httplib::Request req;
    req.method = method;
    req.path = path;
    req.body = body;
    if (!content_type.empty()) req.headers.emplace("Content-Type", content_type);
    std::string cookie;
    for (const auto& [k, v] : cookies_) cookie += (cookie.empty() ? "" : "; ") + k + "=" + v;
    if (!cookie.empty()) req.headers.emplace("Cookie", cookie);
    auto res = client_.send(req);
    reply r;
    if (!res) {
      ADD_FAILURE() << method << " " << path << ": no response (" << httplib::to_string(res.error()) << ")";
      return r;
    }
    r.status = res->status;
    r.body = res->body;
    r.headers = res->headers;
    auto range = res->headers.equal_range("Set-Cookie");
    for (auto it = range.first; it != range.second; ++it) keep_cookie(it->second);
    return r;
  }
  reply get(const std::string& path) { return send("GET", path); }
  /// A form POST, with the CSRF token unless `with_csrf` is false.
  reply post_form(const std::string& path, std::vector<std::pair<std::string, std::string>> fields, bool with_csrf = true) {
    if (with_csrf) {
      if (!cookies_.count("csrf_token")) get("/login");  // any page sets the token's cookie
      fields.emplace_back("csrf_token", cookies_["csrf_token"]);
    }
    return send("POST", path, form_encode(fields), "application/x-www-form-urlencoded");
  }
  reply send_json(const std::string& method, const std::string& path, const json& body) {
    return send(method, path, body.dump(), "application/json");
  }
  /// Signs in through the login form.
  void sign_in(const std::string& username) {
    auto r = post_form("/login", {{"username", username}});
    ASSERT_EQ(r.status, 303) << brief(r);
    ASSERT_TRUE(cookies_.count("user_id"));
  }
  bool has_cookie(const std::string& name) const { return cookies_.count(name) > 0; }

 private:
  void keep_cookie(const std::string& set_cookie) {
    const auto eq = set_cookie.find('=');
    const auto end = set_cookie.find(';');
    if (eq == std::string::npos) return;
    auto name = set_cookie.substr(0, eq);
    auto value = set_cookie.substr(eq + 1, end == std::string::npos ? std::string::npos : end - eq - 1);
    if (value.empty() || set_cookie.find("Max-Age=0") != std::string::npos)
      cookies_.erase(name);
    else
      cookies_[name] = value;
  }
  httplib::Client client_;
  std::map<std::string, std::string> cookies_;
};

class blog_http_test : public ::testing::TestWithParam<backend> {
 protected:
  void SetUp() override {
    url_ = retort::testing::fresh_url(GetParam());
    RETORT_REQUIRE_URL(url_);
    db_ = std::make_unique<retort::web::sqlalchemy>(
        retort::web::db_config{.uri = url_, .models = blog::models, .record_queries = true});
    app_ = std::make_unique<retort::web::app>();
    db_->init_app(*app_);
    db_->create_all();
    blog::seed_demo_data(*db_);
    blog::register_routes(*app_, *db_, {.templates = BLOG_TEMPLATES_DIR});
    if (debug_panel()) retort::web::enable_debug_panel(*app_, *db_);
    app_->after_request([this](retort::web::request&, retort::web::response& res) {
      res.headers.emplace("X-Statements", std::to_string(db_->get_recorded_queries().size()));
    });
    port_ = app_->start("127.0.0.1", 0);
    client_ = std::make_unique<browser>(port_);
  }
  void TearDown() override {
    client_.reset();
    if (app_) app_->stop();
    app_.reset();
    db_.reset();
  }
  virtual bool debug_panel() const { return false; }

  browser& web() { return *client_; }
  browser other_browser() { return browser(port_); }

  /// Rows of a model, read in a context of the test's own.
  template <class T>
  std::int64_t rows() {
    retort::web::sqlalchemy::app_context ctx(*db_);
    return db_->query<T>().count();
  }
  /// The follow table's rows.
  std::int64_t follows() {
    retort::web::sqlalchemy::app_context ctx(*db_);
    std::int64_t n = 0;
    for (const auto& u : db_->query<blog::User>().all()) n += static_cast<std::int64_t>(u->followed.size());
    return n;
  }
  int user_id(const std::string& username) {
    retort::web::sqlalchemy::app_context ctx(*db_);
    auto u = db_->query<blog::User>().filter_by<&blog::User::username>(username).first();
    return u ? u->id : 0;
  }
  int post_id(const std::string& title) {
    retort::web::sqlalchemy::app_context ctx(*db_);
    auto p = db_->query<blog::Post>().filter_by<&blog::Post::title>(title).first();
    return p ? p->id : 0;
  }
  int comment_id(const std::string& body) {
    retort::web::sqlalchemy::app_context ctx(*db_);
    auto c = db_->query<blog::Comment>().filter_by<&blog::Comment::body>(body).first();
    return c ? c->id : 0;
  }

  /// Every table's row count, to compare before and after a failed request.
  std::vector<std::int64_t> all_rows() {
    return {rows<blog::User>(), rows<blog::Profile>(), rows<blog::Post>(), rows<blog::Tag>(), rows<blog::Comment>(),
            follows()};
  }

  std::string url_;
  std::unique_ptr<retort::web::sqlalchemy> db_;
  std::unique_ptr<retort::web::app> app_;
  int port_ = 0;
  std::unique_ptr<browser> client_;
};

/// The JSON error body's field, or "".
std::string error_field(const reply& r) {
  auto j = json::parse(r.body, nullptr, false);
  return j.is_object() && j.contains("field") ? j["field"].get<std::string>() : std::string();
}

/// The titles of the posts a list shows, in order.
std::vector<std::string> titles(const reply& r) {
  std::vector<std::string> out;
  static const std::regex title(R"(<a class="post-title" href="/posts/\d+">([^<]*)</a>)");
  for (std::sregex_iterator it(r.body.begin(), r.body.end(), title), end; it != end; ++it) out.push_back((*it)[1]);
  return out;
}

/// The usernames of the authors a list shows, in order.
std::vector<std::string> authors(const reply& r) {
  std::vector<std::string> out;
  static const std::regex author(R"(<a class="post-author" href="/users/\d+">([^<]*)</a>)");
  for (std::sregex_iterator it(r.body.begin(), r.body.end(), author), end; it != end; ++it) out.push_back((*it)[1]);
  return out;
}

// --- HTML pages ---

TEST_P(blog_http_test, home_signed_out_shows_every_post_newest_first_ten_a_page) {
  auto r = web().get("/");
  ASSERT_EQ(r.status, 200) << brief(r);
  EXPECT_NE(r.body.find("<ol id=\"timeline\""), std::string::npos);
  EXPECT_NE(r.body.find("id=\"nav-home\""), std::string::npos);
  EXPECT_EQ(r.body.find("id=\"new-post\""), std::string::npos);  // signed out: no form
  auto t = titles(r);
  ASSERT_EQ(t.size(), 10u);
  EXPECT_EQ(t.front(), "A month of C++");  // the newest demo post
  EXPECT_EQ(r.count("class=\"post card\""), 10);
  EXPECT_EQ(r.count("class=\"tag\""), 17);  // a link per tag of the ten posts
  EXPECT_EQ(r.statements(), 3);  // the page (author joined), the tags (selectin), the count
  auto p3 = web().get("/?page=3");
  ASSERT_EQ(p3.status, 200);
  EXPECT_EQ(titles(p3).size(), 10u);
  EXPECT_EQ(titles(p3).back(), "Hello, blog");
  EXPECT_EQ(p3.statements(), 3);
  EXPECT_EQ(web().get("/?page=4").status, 404);
  EXPECT_EQ(web().get("/?page=abc").status, 404);
  EXPECT_EQ(web().get("/?page=0").status, 404);
}

TEST_P(blog_http_test, home_signed_in_is_the_timeline_of_followed_users_and_own_posts) {
  web().sign_in("alice");  // alice follows bob and carol
  auto r = web().get("/");
  ASSERT_EQ(r.status, 200) << brief(r);
  EXPECT_NE(r.body.find("<form id=\"new-post\""), std::string::npos);
  EXPECT_NE(r.body.find("name=\"csrf_token\""), std::string::npos);
  EXPECT_EQ(r.statements(), 4);  // + the signed-in user
  auto page2 = web().get("/?page=2");
  ASSERT_EQ(page2.status, 200);
  auto names = authors(r);
  auto more = authors(page2);
  names.insert(names.end(), more.begin(), more.end());
  EXPECT_EQ(names.size(), 18u);  // six posts each by alice, bob and carol
  for (const auto& n : names) EXPECT_TRUE(n == "alice" || n == "bob" || n == "carol") << n;
  EXPECT_EQ(web().get("/?page=3").status, 404);
}

TEST_P(blog_http_test, login_sets_the_cookie_and_logout_clears_it) {
  auto page = web().get("/login");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("<form id=\"login-form\""), std::string::npos);
  EXPECT_NE(page.body.find("no passwords"), std::string::npos);
  EXPECT_EQ(page.statements(), 1);  // the demo users' names
  auto in = web().post_form("/login", {{"username", "bob"}});
  EXPECT_EQ(in.status, 303);
  EXPECT_EQ(in.header("Location"), "/");
  EXPECT_TRUE(web().has_cookie("user_id"));
  auto home = web().get("/");
  EXPECT_NE(home.body.find("Signed in as <a id=\"nav-me\" href=\"/users/" + std::to_string(user_id("bob")) + "\">bob</a>"),
            std::string::npos);
  auto out = web().post_form("/logout", {});
  EXPECT_EQ(out.status, 303);
  EXPECT_FALSE(web().has_cookie("user_id"));
  EXPECT_NE(web().get("/").body.find("id=\"nav-login\""), std::string::npos);
}

TEST_P(blog_http_test, login_refuses_unknown_or_empty_names_and_a_missing_csrf_token) {
  auto unknown = web().post_form("/login", {{"username", "mallory"}});
  EXPECT_EQ(unknown.status, 400);
  EXPECT_NE(unknown.body.find("username: there is no user named"), std::string::npos);
  EXPECT_NE(unknown.body.find("value=\"mallory\""), std::string::npos);
  EXPECT_EQ(web().post_form("/login", {{"username", "  "}}).status, 400);
  auto missing = web().post_form("/login", {});
  EXPECT_EQ(missing.status, 400);
  EXPECT_NE(missing.body.find("username"), std::string::npos);
  auto no_csrf = web().post_form("/login", {{"username", "bob"}}, false);
  EXPECT_EQ(no_csrf.status, 400);
  EXPECT_NE(no_csrf.body.find("csrf_token"), std::string::npos);
  EXPECT_FALSE(web().has_cookie("user_id"));
  EXPECT_EQ(web().post_form("/logout", {}, false).status, 400);
}

TEST_P(blog_http_test, users_page_lists_everyone_with_post_counts) {
  auto r = web().get("/users");
  ASSERT_EQ(r.status, 200) << brief(r);
  for (const char* name : {"alice", "bob", "carol", "dave", "erin"})
    EXPECT_NE(r.body.find(">" + std::string(name) + "</a>"), std::string::npos) << name;
  EXPECT_EQ(r.count("<td class=\"num\">6</td>"), 5);
  EXPECT_NE(r.body.find("Lyon"), std::string::npos);
  EXPECT_EQ(r.statements(), 3);  // the page (profile joined), the post counts, the count
  EXPECT_EQ(web().get("/users?page=2").status, 404);
}

TEST_P(blog_http_test, user_page_shows_profile_posts_and_follow_counts) {
  const auto alice = std::to_string(user_id("alice"));
  auto r = web().get("/users/" + alice);
  ASSERT_EQ(r.status, 200) << brief(r);
  EXPECT_NE(r.body.find("<h1 id=\"profile-name\">alice</h1>"), std::string::npos);
  EXPECT_NE(r.body.find("Maintains a small ORM"), std::string::npos);
  EXPECT_NE(r.body.find("<strong id=\"follower-count\">3</strong>"), std::string::npos);  // bob, carol, dave
  EXPECT_NE(r.body.find("<strong id=\"following-count\">2</strong>"), std::string::npos);
  auto names = authors(r);
  EXPECT_EQ(names.size(), 6u);
  for (const auto& n : names) EXPECT_EQ(n, "alice");
  EXPECT_EQ(r.body.find("id=\"follow\""), std::string::npos);  // signed out: no button
  // The user, their posts and tags, the count, followers, following.
  EXPECT_EQ(r.statements(), 6);
  web().sign_in("bob");  // bob follows alice
  auto as_bob = web().get("/users/" + alice);
  EXPECT_NE(as_bob.body.find("<button class=\"secondary\" type=\"submit\" id=\"unfollow\">"), std::string::npos);
  EXPECT_EQ(as_bob.statements(), 8);  // + the signed-in user, + whether bob follows alice
  auto own = web().get("/users/" + std::to_string(user_id("bob")));
  EXPECT_NE(own.body.find("This is you."), std::string::npos);
  EXPECT_EQ(own.statements(), 7);
  EXPECT_EQ(web().get("/users/999999").status, 404);
  EXPECT_EQ(web().get("/users/abc").status, 404);
  EXPECT_EQ(web().get("/users/99999999999999999999").status, 404);
}

TEST_P(blog_http_test, follow_and_unfollow_through_the_forms) {
  web().sign_in("alice");
  const auto dave = std::to_string(user_id("dave"));
  const auto before = follows();
  auto page = web().get("/users/" + dave);
  EXPECT_NE(page.body.find("<button type=\"submit\" id=\"follow\">"), std::string::npos);
  auto f = web().post_form("/users/" + dave + "/follow", {});
  EXPECT_EQ(f.status, 303);
  EXPECT_EQ(f.header("Location"), "/users/" + dave);
  EXPECT_EQ(follows(), before + 1);
  EXPECT_EQ(web().post_form("/users/" + dave + "/follow", {}).status, 303);  // twice is once
  EXPECT_EQ(follows(), before + 1);
  auto now = web().get("/users/" + dave);
  EXPECT_NE(now.body.find("id=\"unfollow\""), std::string::npos);
  EXPECT_NE(now.body.find("<strong id=\"follower-count\">2</strong>"), std::string::npos);  // bob and alice
  // dave's posts are on alice's timeline now: 24 posts, three pages.
  EXPECT_EQ(web().get("/?page=3").status, 200);
  auto u = web().post_form("/users/" + dave + "/unfollow", {});
  EXPECT_EQ(u.status, 303);
  EXPECT_EQ(follows(), before);
  EXPECT_NE(web().get("/users/" + dave).body.find("id=\"follow\""), std::string::npos);
}

TEST_P(blog_http_test, follow_refuses_self_unknown_users_no_csrf_and_signed_out_visitors) {
  const auto before = all_rows();
  const auto alice = std::to_string(user_id("alice"));
  const auto erin = std::to_string(user_id("erin"));
  auto signed_out = web().post_form("/users/" + erin + "/follow", {});
  EXPECT_EQ(signed_out.status, 303);
  EXPECT_EQ(signed_out.header("Location"), "/login");
  web().sign_in("alice");
  auto self = web().post_form("/users/" + alice + "/follow", {});
  EXPECT_EQ(self.status, 400);
  EXPECT_NE(self.body.find("you cannot follow yourself"), std::string::npos);
  EXPECT_EQ(web().post_form("/users/999999/follow", {}).status, 404);
  EXPECT_EQ(web().post_form("/users/" + erin + "/follow", {}, false).status, 400);
  EXPECT_EQ(web().get("/users/" + erin + "/follow").status, 405);
  EXPECT_EQ(all_rows(), before);
}

TEST_P(blog_http_test, post_page_shows_the_comment_thread_nested) {
  const auto id = std::to_string(post_id("Hello, blog"));
  auto r = web().get("/posts/" + id);
  ASSERT_EQ(r.status, 200) << brief(r);
  EXPECT_NE(r.body.find("<h1 id=\"post-title\">Hello, blog</h1>"), std::string::npos);
  EXPECT_NE(r.body.find("<h2>4 comments</h2>"), std::string::npos);
  // "Welcome!" <- "Thanks, Bob." <- "Four?": each reply inside its parent's <li>.
  const auto welcome = r.body.find("Welcome! Looking forward to the SQL counts.");
  const auto thanks = r.body.find("Thanks, Bob.");
  const auto four = r.body.find("Four? I will hold you to that.");
  const auto fast = r.body.find("Nice and fast.");
  ASSERT_TRUE(welcome != std::string::npos && thanks != std::string::npos && four != std::string::npos &&
              fast != std::string::npos);
  EXPECT_LT(welcome, thanks);
  EXPECT_LT(thanks, four);
  EXPECT_LT(four, fast);
  // Between the first comment's <li> and the fourth's, two lists of replies open and close.
  const auto thread = r.body.substr(welcome, fast - welcome);
  const reply inside{0, thread, {}};
  EXPECT_EQ(inside.count("<ol class=\"comments\">"), 2);
  EXPECT_EQ(r.body.find("id=\"comment-form\""), std::string::npos);  // signed out
  EXPECT_EQ(r.statements(), 3);  // the post (author joined), its tags, its comments (authors joined)
  web().sign_in("carol");
  auto signed_in = web().get("/posts/" + id);
  EXPECT_NE(signed_in.body.find("<form id=\"comment-form\""), std::string::npos);
  EXPECT_EQ(signed_in.count("<input type=\"hidden\" name=\"parent_id\""), 5);  // the form and a reply form per comment
  EXPECT_EQ(signed_in.statements(), 4);
  EXPECT_EQ(web().get("/posts/999999").status, 404);
}

TEST_P(blog_http_test, create_a_post_through_the_form) {
  web().sign_in("erin");
  const auto posts = rows<blog::Post>();
  const auto tags = rows<blog::Tag>();
  auto r = web().post_form("/posts", {{"title", "Fresh <post>"}, {"body", "First line.\n\nSecond paragraph."},
                                      {"tags", "cpp, New-Tag, cpp"}});
  ASSERT_EQ(r.status, 303) << brief(r);
  const auto id = post_id("Fresh <post>");
  ASSERT_GT(id, 0);
  EXPECT_EQ(r.header("Location"), "/posts/" + std::to_string(id));
  EXPECT_EQ(rows<blog::Post>(), posts + 1);
  EXPECT_EQ(rows<blog::Tag>(), tags + 1);  // new-tag; cpp existed
  auto page = web().get(r.header("Location"));
  EXPECT_NE(page.body.find("<h1 id=\"post-title\">Fresh &lt;post&gt;</h1>"), std::string::npos);
  EXPECT_NE(page.body.find("<p>Second paragraph.</p>"), std::string::npos);
  EXPECT_NE(page.body.find("href=\"/tags/new-tag\">new-tag</a>"), std::string::npos);
  EXPECT_EQ(titles(web().get("/")).front(), "Fresh &lt;post&gt;");
  EXPECT_EQ(web().get("/tags/new-tag").statements(), 5);
}

TEST_P(blog_http_test, a_bad_post_form_is_a_400_naming_the_field_and_stores_nothing) {
  web().sign_in("erin");
  const auto before = all_rows();
  auto expect_400 = [&](std::vector<std::pair<std::string, std::string>> fields, const std::string& field) {
    auto r = web().post_form("/posts", std::move(fields));
    EXPECT_EQ(r.status, 400) << field;
    EXPECT_NE(r.body.find("<strong class=\"error-field\">" + field + "</strong>"), std::string::npos) << brief(r);
  };
  expect_400({{"title", ""}, {"body", "text"}}, "title");
  expect_400({{"title", "   "}, {"body", "text"}}, "title");
  expect_400({{"body", "text"}}, "title");
  expect_400({{"title", "Title"}, {"body", ""}}, "body");
  expect_400({{"title", "Title"}}, "body");
  expect_400({{"title", std::string(101, 'x')}, {"body", "text"}}, "title");
  expect_400({{"title", "Title"}, {"body", "text"}, {"tags", "good, not good"}}, "tags");
  expect_400({{"title", "Title"}, {"body", "text"}, {"tags", std::string(51, 't')}}, "tags");
  expect_400({{"title", "Bad \xff UTF-8"}, {"body", "text"}}, "title");
  auto no_csrf = web().post_form("/posts", {{"title", "Title"}, {"body", "text"}}, false);
  EXPECT_EQ(no_csrf.status, 400);
  EXPECT_NE(no_csrf.body.find("csrf_token"), std::string::npos);
  browser stranger = other_browser();
  auto signed_out = stranger.post_form("/posts", {{"title", "Title"}, {"body", "text"}});
  EXPECT_EQ(signed_out.status, 303);
  EXPECT_EQ(signed_out.header("Location"), "/login");
  EXPECT_EQ(all_rows(), before);
}

TEST_P(blog_http_test, comment_and_reply_through_the_form) {
  web().sign_in("dave");
  const auto id = std::to_string(post_id("Hello, blog"));
  const auto comments = rows<blog::Comment>();
  auto top = web().post_form("/posts/" + id + "/comments", {{"body", "A new thought"}, {"parent_id", ""}});
  ASSERT_EQ(top.status, 303) << brief(top);
  const auto cid = comment_id("A new thought");
  EXPECT_EQ(top.header("Location"), "/posts/" + id + "#comment-" + std::to_string(cid));
  auto reply_to = web().post_form("/posts/" + id + "/comments", {{"body", "A reply"}, {"parent_id", std::to_string(cid)}});
  ASSERT_EQ(reply_to.status, 303) << brief(reply_to);
  EXPECT_EQ(rows<blog::Comment>(), comments + 2);
  auto page = web().get("/posts/" + id);
  const auto at = page.body.find("id=\"comment-" + std::to_string(cid) + "\"");
  const auto inner = page.body.find("A reply");
  ASSERT_NE(at, std::string::npos);
  EXPECT_LT(at, inner);
  EXPECT_NE(page.body.find("<h2>6 comments</h2>"), std::string::npos);
}

TEST_P(blog_http_test, a_bad_comment_form_is_refused_and_stores_nothing) {
  web().sign_in("dave");
  const auto before = all_rows();
  const auto id = std::to_string(post_id("Hello, blog"));
  const auto other_post_comment = std::to_string(comment_id("Nice and fast.") + 100000);
  const auto foreign = std::to_string(comment_id("Welcome to the club!"));  // on another post
  auto field_of = [](const reply& r) {
    static const std::regex f(R"(<strong class="error-field">([^<]*)</strong>)");
    std::smatch m;
    return std::regex_search(r.body, m, f) ? std::string(m[1]) : std::string();
  };
  auto empty = web().post_form("/posts/" + id + "/comments", {{"body", " "}});
  EXPECT_EQ(empty.status, 400);
  EXPECT_EQ(field_of(empty), "body");
  auto wrong_parent = web().post_form("/posts/" + id + "/comments", {{"body", "x"}, {"parent_id", foreign}});
  EXPECT_EQ(wrong_parent.status, 400);
  EXPECT_EQ(field_of(wrong_parent), "parent_id");
  auto missing_parent = web().post_form("/posts/" + id + "/comments", {{"body", "x"}, {"parent_id", other_post_comment}});
  EXPECT_EQ(field_of(missing_parent), "parent_id");
  auto malformed = web().post_form("/posts/" + id + "/comments", {{"body", "x"}, {"parent_id", "first"}});
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(field_of(malformed), "parent_id");
  EXPECT_EQ(web().post_form("/posts/999999/comments", {{"body", "x"}}).status, 404);
  EXPECT_EQ(web().post_form("/posts/" + id + "/comments", {{"body", "x"}}, false).status, 400);
  EXPECT_EQ(all_rows(), before);
}

TEST_P(blog_http_test, tag_pages) {
  auto all = web().get("/tags");
  ASSERT_EQ(all.status, 200) << brief(all);
  for (const char* t : {"cpp", "databases", "sqlalchemy", "web", "performance"})
    EXPECT_NE(all.body.find("href=\"/tags/" + std::string(t) + "\">" + t + "</a>"), std::string::npos) << t;
  EXPECT_EQ(all.statements(), 1);
  auto cpp = web().get("/tags/cpp");
  ASSERT_EQ(cpp.status, 200) << brief(cpp);
  EXPECT_NE(cpp.body.find("<p class=\"meta\">6 posts</p>"), std::string::npos);
  EXPECT_EQ(titles(cpp).size(), 6u);
  EXPECT_EQ(cpp.statements(), 4);  // the tag, the page, its tags, the count
  EXPECT_EQ(web().get("/tags/CPP").status, 200);
  EXPECT_EQ(web().get("/tags/nope").status, 404);
  EXPECT_EQ(web().get("/tags/cpp?page=2").status, 404);
}

TEST_P(blog_http_test, user_data_is_escaped_on_every_page) {
  const auto alice = user_id("alice");
  auto created = web().send_json("POST", "/api/posts",
                                 {{"title", "<script>alert(1)</script>"},
                                  {"body", "<img src=x onerror=alert(2)> & \"quotes\""},
                                  {"user_id", alice}});
  ASSERT_EQ(created.status, 201) << brief(created);
  const auto id = created.body_json()["id"].get<int>();
  for (const auto& path : {std::string("/"), "/posts/" + std::to_string(id), "/users/" + std::to_string(alice)}) {
    auto r = web().get(path);
    EXPECT_EQ(r.body.find("<script>alert"), std::string::npos) << path;
    EXPECT_EQ(r.body.find("<img src=x"), std::string::npos) << path;
    EXPECT_NE(r.body.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos) << path;
  }
}

TEST_P(blog_http_test, unknown_paths_and_methods) {
  auto r = web().get("/nowhere");
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find("<h1>404 Not Found</h1>"), std::string::npos);
  EXPECT_EQ(web().send("DELETE", "/").status, 405);
  auto api = web().get("/api/nowhere");
  EXPECT_EQ(api.status, 404);
  EXPECT_EQ(api.body_json()["error"], "Not Found");
  EXPECT_EQ(api.body_json()["status"], 404);
}

TEST_P(blog_http_test, statements_per_page_as_docs_blog_md_lists_them) {
  const auto alice = std::to_string(user_id("alice"));
  const auto bob = std::to_string(user_id("bob"));
  const auto post = std::to_string(post_id("Hello, blog"));
  // Signed out, then signed in as bob: the signed-in user is one more statement on every page.
  const std::vector<std::pair<std::string, int>> pages{
      {"/", 3},        {"/?page=2", 3}, {"/login", 1},          {"/users", 3},         {"/users/" + alice, 6},
      {"/posts/" + post, 3}, {"/tags", 1}, {"/tags/databases", 4}, {"/tags/databases?page=2", 4}};
  for (const auto& [path, n] : pages) {
    auto r = web().get(path);
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_EQ(r.statements(), n) << path;
  }
  web().sign_in("bob");
  for (const auto& [path, n] : pages) {
    // On another user's page, whether bob follows them is one more.
    const int extra = path == "/users/" + alice ? 2 : 1;
    auto r = web().get(path);
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_EQ(r.statements(), n + extra) << path << " signed in";
  }
  EXPECT_EQ(web().get("/users/" + bob).statements(), 7);
  const std::vector<std::pair<std::string, int>> api{{"/api/users", 2},
                                                     {"/api/users/" + alice, 2},
                                                     {"/api/posts", 3},
                                                     {"/api/posts?page=2&per_page=5", 3},
                                                     {"/api/posts/" + post, 3},
                                                     {"/api/tags", 1},
                                                     {"/api/tags/web", 2}};
  for (const auto& [path, n] : api) {
    auto r = web().get(path);
    EXPECT_EQ(r.status, 200) << path;
    EXPECT_EQ(r.statements(), n) << path;
  }
}

// --- the JSON API ---

TEST_P(blog_http_test, api_lists_users_as_a_pagination_object) {
  auto r = web().get("/api/users?page=2&per_page=2");
  ASSERT_EQ(r.status, 200) << brief(r);
  auto j = r.body_json();
  EXPECT_EQ(j["items"].size(), 2u);
  EXPECT_EQ(j["items"][0]["username"], "carol");
  EXPECT_EQ(j["page"], 2);
  EXPECT_EQ(j["per_page"], 2);
  EXPECT_EQ(j["total"], 5);
  EXPECT_EQ(j["pages"], 3);
  EXPECT_EQ(j["has_prev"], true);
  EXPECT_EQ(j["has_next"], true);
  EXPECT_EQ(j["prev_num"], 1);
  EXPECT_EQ(j["next_num"], 3);
  EXPECT_EQ(r.statements(), 2);
  EXPECT_EQ(web().get("/api/users").body_json()["items"].size(), 5u);
  EXPECT_EQ(web().get("/api/users?page=9").status, 404);
  EXPECT_EQ(web().get("/api/users?per_page=x").status, 404);
}

TEST_P(blog_http_test, api_gets_a_user_with_posts_in_two_statements) {
  const auto bob = user_id("bob");
  auto r = web().get("/api/users/" + std::to_string(bob));
  ASSERT_EQ(r.status, 200) << brief(r);
  auto j = r.body_json();
  EXPECT_EQ(j["id"], bob);
  EXPECT_EQ(j["username"], "bob");
  EXPECT_EQ(j["email"], "bob@example.com");
  ASSERT_EQ(j["posts"].size(), 6u);
  EXPECT_EQ(j["posts"][0]["title"], "Why foreign keys matter");
  EXPECT_EQ(j["posts"][0]["user_id"], bob);
  EXPECT_EQ(r.statements(), 2);
  auto missing = web().get("/api/users/999999");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.body_json()["error"], "Not Found");
}

TEST_P(blog_http_test, api_creates_users_and_refuses_duplicates_with_409) {
  const auto before = rows<blog::User>();
  auto r = web().send_json("POST", "/api/users", {{"username", "frank"}, {"email", "frank@example.com"}});
  ASSERT_EQ(r.status, 201) << brief(r);
  auto j = r.body_json();
  EXPECT_EQ(j["username"], "frank");
  EXPECT_GT(j["id"].get<int>(), 0);
  EXPECT_TRUE(j["created_at"].is_string());
  EXPECT_EQ(r.header("Location"), "/api/users/" + std::to_string(j["id"].get<int>()));
  EXPECT_EQ(rows<blog::User>(), before + 1);

  const auto after = all_rows();
  auto dup = web().send_json("POST", "/api/users", {{"username", "frank"}, {"email", "other@example.com"}});
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(error_field(dup), "username");
  EXPECT_EQ(dup.body_json()["error"], "Conflict");
  auto dup_mail = web().send_json("POST", "/api/users", {{"username", "frank2"}, {"email", "frank@example.com"}});
  EXPECT_EQ(dup_mail.status, 409);
  EXPECT_EQ(error_field(dup_mail), "email");
  auto expect_400 = [&](const json& body, const std::string& field) {
    auto bad = web().send_json("POST", "/api/users", body);
    EXPECT_EQ(bad.status, 400) << body.dump();
    EXPECT_EQ(error_field(bad), field) << brief(bad);
  };
  expect_400({{"username", "gina"}}, "email");
  expect_400({{"email", "gina@example.com"}}, "username");
  expect_400({{"username", ""}, {"email", "gina@example.com"}}, "username");
  expect_400({{"username", "gina lee"}, {"email", "gina@example.com"}}, "username");
  expect_400({{"username", std::string(51, 'g')}, {"email", "gina@example.com"}}, "username");
  expect_400({{"username", 7}, {"email", "gina@example.com"}}, "username");
  expect_400({{"username", "gina"}, {"email", "not-an-address"}}, "email");
  auto malformed = web().send("POST", "/api/users", "{\"username\": ", "application/json");
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(malformed.body_json()["status"], 400);
  EXPECT_EQ(web().send("POST", "/api/users", "[1, 2]", "application/json").status, 400);
  EXPECT_EQ(all_rows(), after);
}

TEST_P(blog_http_test, api_updates_and_deletes_users) {
  const auto carol = std::to_string(user_id("carol"));
  auto r = web().send_json("PATCH", "/api/users/" + carol, {{"email", "carol@new.example"}});
  ASSERT_EQ(r.status, 200) << brief(r);
  EXPECT_EQ(r.body_json()["email"], "carol@new.example");
  EXPECT_EQ(web().get("/api/users/" + carol).body_json()["email"], "carol@new.example");
  const auto before = all_rows();
  auto dup = web().send_json("PATCH", "/api/users/" + carol, {{"email", "bob@example.com"}});
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(error_field(dup), "email");
  EXPECT_EQ(error_field(web().send_json("PATCH", "/api/users/" + carol, {{"email", 5}})), "email");
  EXPECT_EQ(web().send_json("PATCH", "/api/users/999999", {{"email", "x@y.z"}}).status, 404);
  EXPECT_EQ(all_rows(), before);

  // alice: 6 posts (7 comments on them), comments elsewhere (with their replies), a profile, 5 follows.
  const auto alice = std::to_string(user_id("alice"));
  const auto users = rows<blog::User>();
  const auto profiles = rows<blog::Profile>();
  const auto posts = rows<blog::Post>();
  const auto follow_rows = follows();
  auto del = web().send("DELETE", "/api/users/" + alice);
  ASSERT_EQ(del.status, 204) << brief(del);
  EXPECT_TRUE(del.body.empty());
  EXPECT_EQ(rows<blog::User>(), users - 1);
  EXPECT_EQ(rows<blog::Profile>(), profiles - 1);
  EXPECT_EQ(rows<blog::Post>(), posts - 6);
  EXPECT_EQ(follows(), follow_rows - 5);
  {
    retort::web::sqlalchemy::app_context ctx(*db_);
    for (const auto& c : db_->query<blog::Comment>().all()) {
      EXPECT_NE(c->author->username, "alice");
      EXPECT_NE(c->post->author->username, "alice");
    }
  }
  EXPECT_EQ(web().get("/api/users/" + alice).status, 404);
  EXPECT_EQ(web().send("DELETE", "/api/users/" + alice).status, 404);
  EXPECT_EQ(web().get("/users/" + alice).status, 404);
  EXPECT_EQ(web().get("/").status, 200);
}

TEST_P(blog_http_test, api_lists_posts_with_author_and_tags_in_three_statements) {
  auto r = web().get("/api/posts");
  ASSERT_EQ(r.status, 200) << brief(r);
  auto j = r.body_json();
  EXPECT_EQ(j["per_page"], 20);
  EXPECT_EQ(j["total"], 30);
  ASSERT_EQ(j["items"].size(), 20u);
  EXPECT_EQ(j["items"][0]["title"], "A month of C++");
  EXPECT_EQ(j["items"][0]["author"]["username"], "erin");
  ASSERT_EQ(j["items"][0]["tags"].size(), 2u);
  EXPECT_EQ(j["items"][0]["tags"][0]["name"], "cpp");
  EXPECT_EQ(r.statements(), 3);
  auto p2 = web().get("/api/posts?page=2");
  EXPECT_EQ(p2.body_json()["items"].size(), 10u);
  EXPECT_EQ(p2.statements(), 3);
  EXPECT_EQ(web().get("/api/posts?page=3").status, 404);
}

TEST_P(blog_http_test, api_gets_a_post_with_author_tags_and_comments) {
  const auto id = post_id("N+1, explained");
  auto r = web().get("/api/posts/" + std::to_string(id));
  ASSERT_EQ(r.status, 200) << brief(r);
  auto j = r.body_json();
  EXPECT_EQ(j["author"]["username"], "dave");
  EXPECT_EQ(j["tags"].size(), 2u);
  ASSERT_EQ(j["comments"].size(), 4u);
  EXPECT_TRUE(j["comments"][0]["parent_id"].is_null());
  EXPECT_EQ(j["comments"][1]["parent_id"], j["comments"][0]["id"]);
  EXPECT_EQ(r.statements(), 3);
  EXPECT_EQ(web().get("/api/posts/999999").status, 404);
}

TEST_P(blog_http_test, api_creates_updates_and_deletes_posts) {
  const auto bob = user_id("bob");
  const auto tags = rows<blog::Tag>();
  auto r = web().send_json("POST", "/api/posts",
                           {{"title", "From the API"}, {"body", "Body"}, {"user_id", bob}, {"tags", json::array({"web", "json"})}});
  ASSERT_EQ(r.status, 201) << brief(r);
  auto j = r.body_json();
  EXPECT_EQ(j["author"]["username"], "bob");
  EXPECT_EQ(j["tags"].size(), 2u);
  EXPECT_EQ(rows<blog::Tag>(), tags + 1);
  const auto id = std::to_string(j["id"].get<int>());
  EXPECT_EQ(r.header("Location"), "/api/posts/" + id);

  auto patched = web().send_json("PATCH", "/api/posts/" + id, {{"title", "Renamed"}});
  ASSERT_EQ(patched.status, 200) << brief(patched);
  EXPECT_EQ(patched.body_json()["title"], "Renamed");
  EXPECT_EQ(patched.body_json()["body"], "Body");
  const auto before = all_rows();
  EXPECT_EQ(error_field(web().send_json("PATCH", "/api/posts/" + id, {{"title", ""}})), "title");
  EXPECT_EQ(error_field(web().send_json("PATCH", "/api/posts/" + id, {{"body", nullptr}})), "body");
  EXPECT_EQ(error_field(web().send_json("PATCH", "/api/posts/" + id, {{"title", std::string(101, 'x')}})), "title");
  EXPECT_EQ(web().send_json("PATCH", "/api/posts/999999", {{"title", "x"}}).status, 404);
  EXPECT_EQ(web().get("/api/posts/" + id).body_json()["title"], "Renamed");
  EXPECT_EQ(all_rows(), before);

  const auto comments = rows<blog::Comment>();
  const auto with_comments = std::to_string(post_id("N+1, explained"));
  EXPECT_EQ(web().send("DELETE", "/api/posts/" + with_comments).status, 204);
  EXPECT_EQ(rows<blog::Comment>(), comments - 4);
  EXPECT_EQ(rows<blog::Post>(), before[2] - 1);
  EXPECT_EQ(web().send("DELETE", "/api/posts/" + with_comments).status, 404);
}

TEST_P(blog_http_test, api_post_creation_errors_name_the_field_and_store_nothing) {
  const auto before = all_rows();
  const auto bob = user_id("bob");
  auto expect_400 = [&](const json& body, const std::string& field) {
    auto r = web().send_json("POST", "/api/posts", body);
    EXPECT_EQ(r.status, 400) << body.dump() << " " << brief(r);
    EXPECT_EQ(error_field(r), field) << body.dump() << " " << brief(r);
  };
  expect_400({{"title", "t"}, {"body", "b"}, {"user_id", 999999}}, "user_id");
  expect_400({{"title", "t"}, {"body", "b"}, {"user_id", "1"}}, "user_id");
  expect_400({{"title", "t"}, {"body", "b"}}, "user_id");
  expect_400({{"body", "b"}, {"user_id", bob}}, "title");
  expect_400({{"title", "t"}, {"user_id", bob}}, "body");
  expect_400({{"title", " "}, {"body", "b"}, {"user_id", bob}}, "title");
  expect_400({{"title", "t"}, {"body", "b"}, {"user_id", bob}, {"tags", "web"}}, "tags");
  expect_400({{"title", "t"}, {"body", "b"}, {"user_id", bob}, {"tags", json::array({"web", 3})}}, "tags");
  expect_400({{"title", "t"}, {"body", "b"}, {"user_id", bob}, {"tags", json::array({"new one", "fine"})}}, "tags");
  auto malformed = web().send("POST", "/api/posts", "{\"title\": \"t\",", "application/json");
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(all_rows(), before);
}

TEST_P(blog_http_test, api_comments_and_follows) {
  const auto post = std::to_string(post_id("Hello, blog"));
  const auto erin = user_id("erin");
  const auto parent = comment_id("Nice and fast.");
  auto c = web().send_json("POST", "/api/posts/" + post + "/comments",
                           {{"body", "Replying by API"}, {"user_id", erin}, {"parent_id", parent}});
  ASSERT_EQ(c.status, 201) << brief(c);
  EXPECT_EQ(c.body_json()["parent_id"], parent);
  EXPECT_EQ(c.body_json()["user_id"], erin);
  const auto before = all_rows();
  EXPECT_EQ(error_field(web().send_json("POST", "/api/posts/" + post + "/comments", {{"user_id", erin}})), "body");
  EXPECT_EQ(error_field(web().send_json("POST", "/api/posts/" + post + "/comments", {{"body", "x"}, {"user_id", 999999}})),
            "user_id");
  EXPECT_EQ(error_field(web().send_json("POST", "/api/posts/" + post + "/comments",
                                        {{"body", "x"}, {"user_id", erin}, {"parent_id", comment_id("Welcome to the club!")}})),
            "parent_id");
  EXPECT_EQ(web().send_json("POST", "/api/posts/999999/comments", {{"body", "x"}, {"user_id", erin}}).status, 404);
  EXPECT_EQ(all_rows(), before);

  const auto dave = std::to_string(user_id("dave"));
  const auto e = std::to_string(erin);
  const auto f = follows();
  EXPECT_EQ(web().send("POST", "/api/users/" + e + "/follow/" + dave).status, 204);
  EXPECT_EQ(follows(), f + 1);
  EXPECT_EQ(web().send("POST", "/api/users/" + e + "/follow/" + dave).status, 204);
  EXPECT_EQ(follows(), f + 1);
  EXPECT_EQ(web().send("DELETE", "/api/users/" + e + "/follow/" + dave).status, 204);
  EXPECT_EQ(follows(), f);
  EXPECT_EQ(error_field(web().send("POST", "/api/users/" + e + "/follow/" + e)), "other");
  EXPECT_EQ(web().send("POST", "/api/users/" + e + "/follow/999999").status, 404);
  EXPECT_EQ(web().send("POST", "/api/users/999999/follow/" + dave).status, 404);
  EXPECT_EQ(follows(), f);
}

TEST_P(blog_http_test, api_tags) {
  auto all = web().get("/api/tags");
  ASSERT_EQ(all.status, 200) << brief(all);
  ASSERT_EQ(all.body_json().size(), 5u);
  EXPECT_EQ(all.body_json()[0]["name"], "cpp");
  EXPECT_EQ(all.statements(), 1);
  auto web_tag = web().get("/api/tags/web");
  ASSERT_EQ(web_tag.status, 200);
  EXPECT_EQ(web_tag.body_json()["name"], "web");
  EXPECT_EQ(web_tag.body_json()["posts"].size(), 11u);
  EXPECT_EQ(web_tag.statements(), 2);
  EXPECT_EQ(web().get("/api/tags/nope").status, 404);
}

TEST_P(blog_http_test, an_oversized_body_is_a_413_and_stores_nothing) {
  const auto before = all_rows();
  const std::string big(std::size_t{1} << 20 | 1024, 'x');
  auto api = web().send_json("POST", "/api/posts", {{"title", "t"}, {"body", big}, {"user_id", user_id("bob")}});
  EXPECT_EQ(api.status, 413);
  web().sign_in("bob");
  auto form = web().post_form("/posts", {{"title", "t"}, {"body", big}});
  EXPECT_EQ(form.status, 413);
  EXPECT_EQ(all_rows(), before);
  // Just under the limit is fine.
  auto ok = web().send_json("POST", "/api/posts",
                            {{"title", "t"}, {"body", std::string((std::size_t{1} << 20) - 200, 'y')}, {"user_id", user_id("bob")}});
  EXPECT_EQ(ok.status, 201);
}

TEST_P(blog_http_test, a_deep_reply_chain_renders_flat_below_six_levels) {
  const auto post = std::to_string(post_id("Indexes are not free"));
  const auto bob = user_id("bob");
  std::optional<int> parent;
  for (int i = 0; i < 40; ++i) {
    json body{{"body", "level " + std::to_string(i)}, {"user_id", bob}};
    if (parent) body["parent_id"] = *parent;
    auto r = web().send_json("POST", "/api/posts/" + post + "/comments", body);
    ASSERT_EQ(r.status, 201) << brief(r);
    parent = r.body_json()["id"].get<int>();
  }
  auto page = web().get("/posts/" + post);
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.count("<ol class=\"comments\">"), 5);  // the thread's lists below the top one
  EXPECT_EQ(page.count("class=\"comment\""), 40);
  EXPECT_LT(page.body.find("level 38"), page.body.find("level 39"));
  EXPECT_EQ(page.statements(), 3);
}

INSTANTIATE_TEST_SUITE_P(both, blog_http_test, ::testing::ValuesIn(retort::testing::all_backends()),
                         retort::testing::backend_param_name);

/// The same app with the debug panel on (`blog --debug`).
class blog_debug_panel_test : public blog_http_test {
 protected:
  bool debug_panel() const override { return true; }
};

TEST_P(blog_debug_panel_test, every_html_page_shows_its_statements) {
  auto r = web().get("/");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("id=\"debug-panel\""), std::string::npos);
  EXPECT_NE(r.body.find("id=\"debug-panel-details\""), std::string::npos);
  EXPECT_NE(r.body.find("SQL: 3 statements"), std::string::npos);
  auto api = web().get("/api/posts");
  EXPECT_EQ(api.body.find("debug-panel"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(both, blog_debug_panel_test, ::testing::ValuesIn(retort::testing::all_backends()),
                         retort::testing::backend_param_name);

}  // namespace
