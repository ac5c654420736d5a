// The blog's JSON API under /api (docs/blog.md): the same resources as the
// pages, with create / update / delete. Errors are the web layer's JSON errors
// ({"error", "status", "description", "field"}); a handler commits only once
// everything is checked, so a failed request leaves nothing behind.
#include <algorithm>
#include <string>
#include <vector>

#include "support.hpp"

namespace blog::detail {

namespace {

using nlohmann::json;
using retort::col;
using retort::ptr;
using retort::web::bad_request;
using retort::web::fields;
using retort::web::from_json;
using retort::web::http_error;
using retort::web::request;
using retort::web::response;
using retort::web::to_json;
using retort::web::with;

/// The request's body, which must be a JSON object (400 otherwise).
const json& json_object(const request& req) {
  const auto& body = req.json();
  if (!body.is_object()) bad_request("", "the body must be a JSON object");
  return body;
}

response created(const json& body, const std::string& location) {
  auto res = response::json(body, 201);
  res.headers.emplace("Location", location);
  return res;
}

/// 409 unless no other user has this value in `M`.
template <auto M>
void check_unique(env& e, const std::string& field, const std::string& value, int except_id = 0) {
  auto q = e.db.query<User>().filter_by<M>(value);
  if (except_id) q.where(col<&User::id> != except_id);
  if (q.count() > 0) throw http_error(409, "'" + field + "' is already taken", field);
}


json post_with_relations(const ptr<Post>& p, bool comments) {
  if (comments) return to_json(p, with<&Post::author>(), with<&Post::tags>(), with<&Post::comments>());
  return to_json(p, with<&Post::author>(), with<&Post::tags>());
}

/// The tag names of a JSON body's `tags`: an array of strings (absent: none).
std::vector<std::string> json_tags(const json& body) {
  std::vector<std::string> names;
  auto it = body.find("tags");
  if (it == body.end() || it->is_null()) return names;
  if (!it->is_array()) bad_request("tags", "must be an array of tag names");
  for (const auto& t : *it) {
    if (!t.is_string()) bad_request("tags", "must be an array of tag names");
    auto name = checked_tag("tags", t.get<std::string>());
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(std::move(name));
  }
  if (names.size() > tags_per_post_max) bad_request("tags", "at most " + std::to_string(tags_per_post_max) + " tags");
  return names;
}

/// The user a body's `user_id` names, or a 400 naming the field.
ptr<User> json_user(env& e, const json& body) {
  const int id = *json_int(body, "user_id", true);
  auto user = id > 0 ? e.db.session().get<User>(id) : ptr<User>();
  if (!user) bad_request("user_id", "no user has this id");
  return user;
}

// --- users ---

response list_users(env& e, request&) {
  auto q = e.db.query<User>();
  q.order_by(col<&User::id>);
  return response::json(to_json(e.db.paginate(q)));
}

response get_user(env& e, request& req) {
  auto q = e.db.query<User>();
  q.filter_by<&User::id>(req.arg<int>("id")).options(retort::selectinload<&User::posts>());
  auto user = e.db.one_or_404(q, "no user has this id");
  return response::json(to_json(user, with<&User::posts>()));
}

response create_user(env& e, request& req) {
  const auto& body = json_object(req);
  User u;
  from_json(body, u, fields<&User::username, &User::email>);
  u.username = checked_username(u.username);
  u.email = checked_email(u.email);
  check_unique<&User::username>(e, "username", u.username);
  check_unique<&User::email>(e, "email", u.email);
  auto& s = e.db.session();
  auto user = s.add(std::move(u));
  s.flush();
  auto out = to_json(user);
  s.commit();
  return created(out, "/api/users/" + std::to_string(out["id"].get<int>()));
}

response update_user(env& e, request& req) {
  auto user = e.db.get_or_404<User>(req.arg<int>("id"), "no user has this id");
  const auto& body = json_object(req);
  if (auto email = json_string(body, "email", false)) {
    auto checked = checked_email(*email);
    check_unique<&User::email>(e, "email", checked, user->id);
    user->email = checked;
  }
  auto& s = e.db.session();
  s.flush();
  auto out = to_json(user);
  s.commit();
  return response::json(out);
}

response delete_user(env& e, request& req) {
  const int id = req.arg<int>("id");
  auto& s = e.db.session();
  // The delete cascades to the user's posts (their comments and tag links), comments (with their
  // replies), profile and follows. Everything it walks is loaded first, one statement per
  // relationship, so the cascade finds loaded collections instead of a lazy load per comment:
  // every comment of the posts that lose comments, each with its replies (replies are on their
  // parent's post), then the user with the rest.
  std::vector<int> post_ids;
  for (auto& [pid] : s.query(col<&Post::id>).where(col<&Post::user_id> == id).all()) post_ids.push_back(pid);
  for (auto& [pid] : s.query(col<&Comment::post_id>).where(col<&Comment::user_id> == id).distinct().all())
    post_ids.push_back(pid);
  std::vector<ptr<Comment>> thread;
  if (!post_ids.empty())
    thread = e.db.query<Comment>()
                 .where(col<&Comment::post_id>.in_(post_ids))
                 .options(retort::selectinload<&Comment::replies>())
                 .all();
  auto q = e.db.query<User>();
  q.filter_by<&User::id>(id).options(retort::selectinload<&User::posts>().selectinload<&Post::comments>(),
                                     retort::selectinload<&User::posts>().selectinload<&Post::tags>(),
                                     retort::selectinload<&User::comments>(), retort::joinedload<&User::profile>(),
                                     retort::selectinload<&User::followed>(), retort::selectinload<&User::followers>());
  auto user = e.db.one_or_404(q, "no user has this id");
  s.delete_(user);
  s.commit();
  return response::no_content();
}

response follow(env& e, request& req) {
  auto user = e.db.get_or_404<User>(req.arg<int>("id"), "no user has this id");
  auto other = e.db.get_or_404<User>(req.arg<int>("other"), "no user has this id");
  if (user->id == other->id) bad_request("other", "a user cannot follow themselves");
  const bool now = e.db.query<User>().with_parent<&User::followed>(user).filter_by<&User::id>(other->id).count() > 0;
  const bool on = req.method == "POST";
  if (on && !now) user->followed.add(other);
  if (!on && now) user->followed.remove(other);
  e.db.session().commit();
  return response::no_content();
}

// --- posts ---

response list_posts(env& e, request&) {
  return response::json(to_json(e.db.paginate(newest_posts(e)), with<&Post::author>(), with<&Post::tags>()));
}

response get_post(env& e, request& req) {
  auto q = e.db.query<Post>();
  q.filter_by<&Post::id>(req.arg<int>("id"))
      .options(retort::joinedload<&Post::author>(), retort::selectinload<&Post::tags>(),
               retort::selectinload<&Post::comments>(), retort::raiseload_all());
  return response::json(post_with_relations(e.db.one_or_404(q, "no post has this id"), true));
}

response create_post(env& e, request& req) {
  const auto& body = json_object(req);
  Post p;
  from_json(body, p, fields<&Post::title, &Post::body>);
  p.title = checked_text("title", p.title, title_max);
  p.body = checked_text("body", p.body, 0);
  auto author = json_user(e, body);
  auto names = json_tags(body);
  auto& s = e.db.session();
  auto tags = tags_named(s, names);
  auto post = author->posts.add(std::move(p));
  for (const auto& t : tags) post->tags.add(t);
  s.flush();
  auto out = post_with_relations(post, false);
  s.commit();
  return created(out, "/api/posts/" + std::to_string(out["id"].get<int>()));
}

response update_post(env& e, request& req) {
  auto post = e.db.get_or_404<Post>(req.arg<int>("id"), "no post has this id");
  const auto& body = json_object(req);
  from_json(body, *post, fields<&Post::title, &Post::body>, /*partial=*/true);
  if (body.contains("title")) post->title = checked_text("title", post->title, title_max);
  if (body.contains("body")) post->body = checked_text("body", post->body, 0);
  auto& s = e.db.session();
  s.flush();
  auto out = post_with_relations(post, false);
  s.commit();
  return response::json(out);
}

response delete_post(env& e, request& req) {
  auto post = e.db.get_or_404<Post>(req.arg<int>("id"), "no post has this id");
  auto& s = e.db.session();
  s.delete_(post);  // cascades: its comments and its tag links
  s.commit();
  return response::no_content();
}

response create_comment(env& e, request& req) {
  auto post = e.db.get_or_404<Post>(req.arg<int>("id"), "no post has this id");
  const auto& body = json_object(req);
  auto text = checked_text("body", *json_string(body, "body", true), 0);
  auto author = json_user(e, body);
  ptr<Comment> parent;
  if (auto pid = json_int(body, "parent_id", false)) {
    parent = *pid > 0 ? e.db.session().get<Comment>(*pid) : ptr<Comment>();
    if (!parent || parent->post_id != post->id) bad_request("parent_id", "is not a comment of this post");
  }
  auto& s = e.db.session();
  auto comment = s.add(Comment{.body = std::move(text), .post = post, .author = author, .parent = parent});
  s.flush();
  auto out = to_json(comment);
  s.commit();
  return created(out, "/api/posts/" + std::to_string(post->id));
}

// --- tags ---

response list_tags(env& e, request&) {
  auto q = e.db.query<Tag>();
  q.order_by(col<&Tag::name>);
  return response::json(to_json(q.all()));
}

response get_tag(env& e, request& req) {
  const auto name = lower_ascii(req.arg<std::string>("name"));
  auto q = e.db.query<Tag>();
  q.filter_by<&Tag::name>(name).options(retort::selectinload<&Tag::posts>());
  return response::json(to_json(e.db.first_or_404(q, "no tag has this name"), with<&Tag::posts>()));
}

}  // namespace

void register_api(retort::web::app& app, const std::shared_ptr<env>& e) {
  auto api = [e](response (*h)(env&, request&)) { return [e, h](request& req) { return h(*e, req); }; };
  app.get("/api/users", api(list_users));
  app.post("/api/users", api(create_user));
  app.get("/api/users/<int:id>", api(get_user));
  app.patch("/api/users/<int:id>", api(update_user));
  app.delete_("/api/users/<int:id>", api(delete_user));
  app.route("/api/users/<int:id>/follow/<int:other>", {"POST", "DELETE"}, api(follow));
  app.get("/api/posts", api(list_posts));
  app.post("/api/posts", api(create_post));
  app.get("/api/posts/<int:id>", api(get_post));
  app.patch("/api/posts/<int:id>", api(update_post));
  app.delete_("/api/posts/<int:id>", api(delete_post));
  app.post("/api/posts/<int:id>/comments", api(create_comment));
  app.get("/api/tags", api(list_tags));
  app.get("/api/tags/<name>", api(get_tag));
}

}  // namespace blog::detail
