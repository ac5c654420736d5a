// The blog's HTML pages and forms (docs/blog.md lists each with its statements):
// every list is one query with its relationships eager loaded (joinedload for
// the author, selectinload for the tags and comments) plus its count, so a
// page runs the same few statements whatever the data.
#include <algorithm>
#include <charconv>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "support.hpp"

namespace blog::detail {

namespace {

using nlohmann::json;
using retort::col;
using retort::ptr;
using retort::rel;
using retort::web::bad_request;
using retort::web::request;
using retort::web::response;

/// Replies nest this deep on the post page; deeper ones are shown at this depth.
constexpr int max_comment_depth = 6;
/// Characters of a post's body shown in a list.
constexpr std::size_t excerpt_chars = 280;

std::string user_url(int id) { return "/users/" + std::to_string(id); }
std::string post_url(int id) { return "/posts/" + std::to_string(id); }
std::string tag_url(const std::string& name) { return "/tags/" + retort::web::url_encode(name); }

/// The first `n` code points of valid UTF-8 text, with an ellipsis when cut.
std::string excerpt(const std::string& text, std::size_t n) {
  std::size_t i = 0, count = 0;
  while (i < text.size() && count < n) {
    ++i;
    while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) ++i;
    ++count;
  }
  if (i >= text.size()) return text;
  return trim(text.substr(0, i)) + "\u2026";
}

/// The body's paragraphs (separated by blank lines), each rendered escaped.
json paragraphs(const std::string& body) {
  auto out = json::array();
  std::size_t start = 0;
  std::string text;
  for (char c : body)
    if (c != '\r') text += c;
  while (start <= text.size()) {
    auto blank = text.find("\n\n", start);
    auto part = trim(std::string_view(text).substr(start, blank == std::string::npos ? std::string::npos : blank - start));
    if (!part.empty()) out.push_back({{"text", part}});
    if (blank == std::string::npos) break;
    start = blank + 2;
  }
  return out;
}

json user_ref(const ptr<User>& u) { return {{"id", u->id}, {"username", u->username}, {"url", user_url(u->id)}}; }

json tag_refs(const ptr<Post>& p) {
  auto out = json::array();
  for (auto& t : p->tags) out.push_back({{"name", t.name}, {"url", tag_url(t.name)}});
  return out;
}

/// A post as a list shows it: title, author, time, tags, the start of the body.
json post_summary(const ptr<Post>& p) {
  return {{"id", p->id},
          {"title", p->title},
          {"url", post_url(p->id)},
          {"excerpt", excerpt(p->body, excerpt_chars)},
          {"created", display_time(p->created_at)},
          {"created_iso", iso_time(p->created_at)},
          {"author", user_ref(p->author.get())},
          {"tags", tag_refs(p)}};
}

/// The pagination widget: previous / next and the page numbers with gaps.
template <class T>
json pager(const retort::pagination<T>& page, const std::string& base) {
  const auto sep = base.find('?') == std::string::npos ? "?" : "&";
  auto url = [&](std::int64_t n) { return base + sep + "page=" + std::to_string(n); };
  auto numbers = json::array();
  for (auto n : page.iter_pages()) {
    if (n)
      numbers.push_back({{"number", *n}, {"url", url(*n)}, {"current", *n == page.page}});
    else
      numbers.push_back({{"gap", true}});
  }
  json out{{"show", page.pages() > 1}, {"numbers", numbers}, {"page", page.page}, {"pages", page.pages()}};
  out["prev_url"] = page.prev_num() ? json(url(*page.prev_num())) : json(nullptr);
  out["next_url"] = page.next_num() ? json(url(*page.next_num())) : json(nullptr);
  return out;
}

/// What every page's layout needs: the title, the CSRF token for its forms, the signed-in user.
json page_context(env& e, const request& req, const std::string& title) {
  auto me = current_user(e, req);
  json ctx{{"page_title", title}, {"csrf_token", retort::web::csrf_token()}};
  ctx["me"] = me ? user_ref(me) : json(nullptr);
  return ctx;
}

response render(env& e, std::string_view name, const json& ctx, int status = 200) {
  return response::html(e.views.render(name, ctx), status);
}

/// A redirect to the login page for a form that needs a signed-in user.
response to_login() { return response::redirect("/login", 303); }

/// A form field that must be present (a 400 naming it otherwise).
std::string form_field(const request& req, std::string_view name) {
  auto v = req.form_value(name);
  if (!v) bad_request(std::string(name), "is required");
  return *v;
}


json post_list(const retort::pagination<Post>& page) {
  auto items = json::array();
  for (const auto& p : page.items) items.push_back(post_summary(p));
  return items;
}

/// Whether `follower` follows `followed` (one SELECT count(*)).
bool is_following(env& e, const ptr<User>& follower, const ptr<User>& followed) {
  return e.db.query<User>().with_parent<&User::followed>(follower).filter_by<&User::id>(followed->id).count() > 0;
}

/// The comment thread from the post's comments (loaded in one statement):
/// each comment with its replies, nested up to max_comment_depth; below that
/// the rest of a subtree is listed flat, oldest first, so that neither this
/// nor the template recurses as deep as the data does.
class comment_thread {
 public:
  explicit comment_thread(const std::vector<ptr<Comment>>& comments) : comments_(comments) {
    std::set<int> ids;
    for (const auto& c : comments) ids.insert(c->id);
    for (std::size_t i = 0; i < comments.size(); ++i) {
      const auto& p = comments[i]->parent_id;
      children_[p && ids.count(*p) && *p != comments[i]->id ? *p : 0].push_back(i);
    }
  }

  json build(int parent = 0, int depth = 1) const {
    auto list = json::array();
    auto it = children_.find(parent);
    if (it == children_.end()) return list;
    for (auto i : it->second) {
      const auto& c = comments_[i];
      if (depth < max_comment_depth) {
        list.push_back(node(c, depth, build(c->id, depth + 1)));
      } else {
        list.push_back(node(c, depth, json::array()));
        flatten_into(list, c->id, depth);
      }
    }
    return list;
  }

 private:
  static json node(const ptr<Comment>& c, int depth, json replies) {
    const bool has_replies = !replies.empty();
    return {{"comment_id", c->id},
            {"anchor", "comment-" + std::to_string(c->id)},
            {"author", user_ref(c->author.get())},
            {"created", display_time(c->created_at)},
            {"created_iso", iso_time(c->created_at)},
            {"paragraphs", paragraphs(c->body)},
            {"depth", depth},
            {"has_replies", has_replies},
            {"replies", std::move(replies)}};
  }
  /// Appends every descendant of `id` at `depth`, depth first (each reply after its parent).
  void flatten_into(json& list, int id, int depth) const {
    std::vector<std::size_t> stack;
    auto push_children = [&](int of) {
      if (auto it = children_.find(of); it != children_.end()) stack.insert(stack.end(), it->second.rbegin(), it->second.rend());
    };
    std::set<int> seen{id};
    push_children(id);
    while (!stack.empty()) {
      const auto& c = comments_[stack.back()];
      stack.pop_back();
      if (!seen.insert(c->id).second) continue;
      list.push_back(node(c, depth, json::array()));
      push_children(c->id);
    }
  }

  const std::vector<ptr<Comment>>& comments_;
  std::map<int, std::vector<std::size_t>> children_;  ///< parent id (0: none) -> replies, oldest first
};

response home(env& e, request& req) {
  auto me = current_user(e, req);
  auto q = newest_posts(e);
  // The timeline: the user's own posts and those of the users they follow
  // (Post.user_id == me.id | Post.author.has(User.followers.contains(me))).
  if (me) q.where(col<&Post::user_id> == me->id || rel<&Post::author>.has(rel<&User::followers>.contains(me)));
  auto page = e.db.paginate(q, {.per_page = e.opts.per_page});
  auto ctx = page_context(e, req, me ? "Your timeline" : "All posts");
  ctx["heading"] = me ? "Your timeline" : "All posts";
  ctx["posts"] = post_list(page);
  ctx["pager"] = pager(page, "/");
  ctx["empty_text"] = me ? "Nothing here yet: follow someone, or write the first post." : "No posts yet.";
  return render(e, "home", ctx);
}

response login_page(env& e, request& req, const std::string& error, int status) {
  current_user(e, req);  // first, so that it is always its own statement
  auto ctx = page_context(e, req, "Sign in");
  auto names = json::array();
  for (const auto& u : e.db.query<User>().order_by(col<&User::id>).limit(10).all())
    names.push_back({{"username", u->username}});
  ctx["demo_users"] = names;
  ctx["error"] = error.empty() ? json(nullptr) : json(error);
  ctx["username"] = trim(req.form_value("username").value_or(""));
  return render(e, "login", ctx, status);
}

response login(env& e, request& req) {
  const auto username = trim(form_field(req, "username"));
  if (username.empty()) return login_page(e, req, "username: enter the name of a user.", 400);
  auto user = e.db.query<User>().filter_by<&User::username>(username).first();
  if (!user) return login_page(e, req, "username: there is no user named \u201c" + username + "\u201d.", 400);
  auto res = response::redirect("/", 303);
  res.set_cookie("user_id", std::to_string(user->id));
  return res;
}

response logout(env&, request&) {
  auto res = response::redirect("/", 303);
  res.headers.emplace("Set-Cookie", "user_id=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax");
  return res;
}

response users(env& e, request& req) {
  current_user(e, req);  // first, so that it is always its own statement
  auto q = e.db.query<User>();
  q.order_by(col<&User::username>).options(retort::joinedload<&User::profile>(), retort::raiseload_all());
  auto page = e.db.paginate(q, {.per_page = 20});
  std::vector<int> ids;
  for (const auto& u : page.items) ids.push_back(u->id);
  std::map<int, std::int64_t> post_counts;
  if (!ids.empty())
    for (auto& [uid, n] : e.db.session()
                              .query(col<&Post::user_id>, retort::sql::count(col<&Post::id>))
                              .where(col<&Post::user_id>.in_(ids))
                              .group_by(col<&Post::user_id>)
                              .all())
      post_counts[uid] = n;
  auto items = json::array();
  for (const auto& u : page.items) {
    auto item = user_ref(u);
    auto profile = u->profile.get();
    item["location"] = profile && profile->location ? json(*profile->location) : json(nullptr);
    item["bio"] = profile && profile->bio ? json(excerpt(*profile->bio, 120)) : json(nullptr);
    item["post_count"] = post_counts[u->id];
    items.push_back(item);
  }
  auto ctx = page_context(e, req, "Users");
  ctx["users"] = items;
  ctx["pager"] = pager(page, "/users");
  return render(e, "users", ctx);
}

response user_page(env& e, request& req) {
  const int id = req.arg<int>("id");
  auto me = current_user(e, req);
  auto user = e.db.one_or_404(
      e.db.query<User>().filter_by<&User::id>(id).options(retort::joinedload<&User::profile>(), retort::raiseload_all()),
      "There is no user with this id.");
  auto q = newest_posts(e);
  q.where(col<&Post::user_id> == user->id);
  auto page = e.db.paginate(q, {.per_page = e.opts.per_page});
  const auto followers = e.db.query<User>().with_parent<&User::followers>(user).count();
  const auto following = e.db.query<User>().with_parent<&User::followed>(user).count();

  auto ctx = page_context(e, req, user->username);
  auto u = user_ref(user);
  auto profile = user->profile.get();
  u["bio"] = profile && profile->bio ? paragraphs(*profile->bio) : json::array();
  u["has_bio"] = !u["bio"].empty();
  u["location"] = profile && profile->location && !profile->location->empty() ? json(*profile->location) : json(nullptr);
  u["joined"] = display_time(user->created_at);
  u["followers"] = followers;
  u["following"] = following;
  ctx["user"] = u;
  ctx["is_me"] = me && me->id == user->id;
  ctx["can_follow"] = me && me->id != user->id;
  ctx["following_them"] = me && me->id != user->id && is_following(e, me, user);
  ctx["posts"] = post_list(page);
  ctx["pager"] = pager(page, user_url(user->id));
  ctx["empty_text"] = "No posts yet.";
  return render(e, "user", ctx);
}

response post_page(env& e, request& req) {
  const int id = req.arg<int>("id");
  current_user(e, req);  // first, so that it is always its own statement
  auto post = e.db.one_or_404(
      e.db.query<Post>()
          .filter_by<&Post::id>(id)
          .options(retort::joinedload<&Post::author>(), retort::selectinload<&Post::tags>(),
                   retort::selectinload<&Post::comments>().joinedload<&Comment::author>(), retort::raiseload_all()),
      "There is no post with this id.");
  std::vector<ptr<Comment>> comments;
  for (auto it = post->comments.begin(); it != post->comments.end(); ++it) comments.push_back(it.handle());
  auto ctx = page_context(e, req, post->title);
  ctx["post"] = {{"id", post->id},
                 {"title", post->title},
                 {"url", post_url(post->id)},
                 {"created", display_time(post->created_at)},
                 {"created_iso", iso_time(post->created_at)},
                 {"author", user_ref(post->author.get())},
                 {"tags", tag_refs(post)},
                 {"paragraphs", paragraphs(post->body)},
                 {"comment_count", comments.size()},
                 {"comments_url", post_url(post->id) + "/comments"}};
  ctx["comments"] = comment_thread(comments).build();
  return render(e, "post", ctx);
}

response tags_page(env& e, request& req) {
  current_user(e, req);  // first, so that it is always its own statement
  auto counts = e.db.session()
                    .query(col<&Tag::name>, retort::sql::count(col<&Post::id>))
                    .select_from<Tag>()
                    .outerjoin<&Tag::posts>()
                    .group_by(col<&Tag::id>)
                    .group_by(col<&Tag::name>)
                    .order_by(col<&Tag::name>)
                    .all();
  auto items = json::array();
  for (auto& [name, n] : counts) items.push_back({{"name", name}, {"url", tag_url(name)}, {"post_count", n}});
  auto ctx = page_context(e, req, "Tags");
  ctx["tags"] = items;
  return render(e, "tags", ctx);
}

response tag_page(env& e, request& req) {
  current_user(e, req);  // first, so that it is always its own statement
  const auto name = lower_ascii(req.arg<std::string>("name"));
  auto tag = e.db.first_or_404(e.db.query<Tag>().filter_by<&Tag::name>(name), "There is no such tag.");
  auto q = newest_posts(e);
  // with_parent(tag, Tag.posts): the lazy load's criterion, through post_tag.
  q.where(retort::with_parent<&Tag::posts>(tag));
  auto page = e.db.paginate(q, {.per_page = e.opts.per_page});
  auto ctx = page_context(e, req, "Tagged " + tag->name);
  ctx["tag"] = {{"name", tag->name}, {"url", tag_url(tag->name)}, {"total", page.total.value_or(0)}};
  ctx["posts"] = post_list(page);
  ctx["pager"] = pager(page, tag_url(tag->name));
  ctx["empty_text"] = "No posts with this tag.";
  return render(e, "tag", ctx);
}

response create_post(env& e, request& req) {
  auto me = current_user(e, req);
  if (!me) return to_login();
  auto title = checked_text("title", form_field(req, "title"), title_max);
  auto body = checked_text("body", form_field(req, "body"), 0);
  auto names = tag_names_from_text("tags", req.form_value("tags").value_or(""));
  auto& s = e.db.session();
  auto tags = tags_named(s, names);
  auto post = me->posts.add(Post{.title = std::move(title), .body = std::move(body)});
  for (const auto& t : tags) post->tags.add(t);
  s.flush();
  const int id = post->id;
  s.commit();
  return response::redirect(post_url(id), 303);
}

response create_comment(env& e, request& req) {
  const int post_id = req.arg<int>("id");
  auto me = current_user(e, req);
  if (!me) return to_login();
  auto post = e.db.get_or_404<Post>(post_id, "There is no post with this id.");
  auto body = checked_text("body", form_field(req, "body"), 0);
  ptr<Comment> parent;
  if (auto raw = trim(req.form_value("parent_id").value_or("")); !raw.empty()) {
    int pid = 0;
    auto [end, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), pid);
    if (ec != std::errc{} || end != raw.data() + raw.size() || pid <= 0) bad_request("parent_id", "must be a comment's id");
    parent = e.db.session().get<Comment>(pid);
    if (!parent || parent->post_id != post->id) bad_request("parent_id", "is not a comment of this post");
  }
  auto& s = e.db.session();
  auto comment = s.add(Comment{.body = std::move(body), .post = post, .author = me, .parent = parent});
  s.flush();
  const int id = comment->id;
  s.commit();
  return response::redirect(post_url(post_id) + "#comment-" + std::to_string(id), 303);
}

response follow(env& e, request& req, bool on) {
  const int id = req.arg<int>("id");
  auto me = current_user(e, req);
  if (!me) return to_login();
  auto other = e.db.get_or_404<User>(id, "There is no user with this id.");
  if (other->id == me->id) bad_request("id", "you cannot follow yourself");
  const bool now = is_following(e, me, other);
  if (on && !now) me->followed.add(other);
  if (!on && now) me->followed.remove(other);
  e.db.session().commit();
  return response::redirect(user_url(id), 303);
}

}  // namespace

void register_pages(retort::web::app& app, const std::shared_ptr<env>& e) {
  auto page = [e](response (*h)(env&, request&)) { return [e, h](request& req) { return h(*e, req); }; };
  app.get("/", page(home));
  app.get("/login", [e](request& req) { return login_page(*e, req, "", 200); });
  app.post("/login", page(login));
  app.post("/logout", page(logout));
  app.get("/users", page(users));
  app.get("/users/<int:id>", page(user_page));
  app.post("/users/<int:id>/follow", [e](request& req) { return follow(*e, req, true); });
  app.post("/users/<int:id>/unfollow", [e](request& req) { return follow(*e, req, false); });
  app.get("/posts/<int:id>", page(post_page));
  app.post("/posts", page(create_post));
  app.post("/posts/<int:id>/comments", page(create_comment));
  app.get("/tags", page(tags_page));
  app.get("/tags/<name>", page(tag_page));
}

}  // namespace blog::detail
