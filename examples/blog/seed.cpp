// The demo data the blog seeds on first start: five users with profiles, five
// tags, thirty posts spread over the last month, follows and comment threads,
// all through the relationships (one commit).
#include <array>
#include <chrono>
#include <string>
#include <vector>

#include "blog.hpp"

namespace blog {

namespace {

using retort::ptr;

struct demo_user {
  const char* username;
  const char* bio;
  const char* location;
};

constexpr std::array<demo_user, 5> demo_users{{
    {"alice", "Writes C++ for a living and SQL for fun. Maintains a small ORM on weekends.", "Lyon"},
    {"bob", "Database person. Thinks every schema deserves a foreign key.", "Leeds"},
    {"carol", "Backend developer; Flask by day, C++ by night.\n\nAsk me about connection pools.", "Oslo"},
    {"dave", "Performance engineer. Measures first, optimises second.", "Porto"},
    {"erin", "Web developer learning C++ one template error at a time.", "Graz"},
}};

struct demo_post {
  int author;  // index into demo_users
  const char* title;
  const char* body;
  std::array<const char*, 3> tags;
};

// Oldest first; post i is written i * 23 hours after the first.
constexpr std::array<demo_post, 30> demo_posts{{
    {0, "Hello, blog", "This blog runs on Retort, a C++ ORM modelled on SQLAlchemy.\n\nEvery page you see is a handful of SQL statements; switch on the debug panel to count them.", {"cpp", "web", nullptr}},
    {1, "Why foreign keys matter", "A foreign key is a promise the database keeps for you.\n\nWithout one, every delete is a small act of faith.", {"databases", nullptr, nullptr}},
    {2, "Flask-SQLAlchemy in one page", "db.session, Model.query, paginate, get_or_404: four things that carry most Flask applications.", {"sqlalchemy", "web", nullptr}},
    {3, "Measure before you optimise", "Profile the request, not the function. The slow part is rarely where you expect it.", {"performance", nullptr, nullptr}},
    {4, "My first template error", "It was four hundred lines long and the fix was a missing const.\n\nConcepts make this better; static_assert with a message makes it bearable.", {"cpp", nullptr, nullptr}},
    {0, "The identity map", "Load the same row twice and you get the same object twice. That is what makes relationships sane.", {"sqlalchemy", "databases", nullptr}},
    {1, "Indexes are not free", "Every index speeds up a read and slows down every write. Choose the ones your queries use.", {"databases", "performance", nullptr}},
    {2, "Sessions per request", "One session per request, removed when the request ends, rolled back if it fails. Simple rules that prevent whole classes of bugs.", {"web", "sqlalchemy", nullptr}},
    {3, "N+1, explained", "A page that loads 20 posts and then each post's author runs 21 queries. Eager loading turns that into two.", {"performance", "sqlalchemy", nullptr}},
    {4, "Mustache templates", "Logic-less templates keep the view honest: the handler builds the context, the template only shows it.", {"web", nullptr, nullptr}},
    {0, "selectinload versus joinedload", "joinedload adds a JOIN to the same statement; selectinload runs one more statement with an IN list.\n\nFor collections, selectin is usually the better default.", {"sqlalchemy", "performance", nullptr}},
    {1, "SQLite is a real database", "It is transactional, it is everywhere, and it is probably faster than you think for a blog.", {"databases", nullptr, nullptr}},
    {2, "PostgreSQL for the rest", "When there are many writers, PostgreSQL's MVCC earns its keep.", {"databases", nullptr, nullptr}},
    {3, "Keep-alive and worker pools", "A keep-alive connection holds a worker. Size the pool for connections, not for requests per second.", {"web", "performance", nullptr}},
    {4, "RAII for web developers", "Destructors run when scope ends, even when an exception flies. That is the request teardown, for free.", {"cpp", nullptr, nullptr}},
    {0, "Unit of work", "The session collects your changes and flushes them in foreign-key order: parents first, children after.", {"sqlalchemy", "databases", "cpp"}},
    {1, "Threaded comments as an adjacency list", "A comment with a parent_id is a tree. Load all comments of a post in one query and build the tree in memory.", {"databases", "web", nullptr}},
    {2, "CSRF tokens, briefly", "A hidden field and a cookie that must agree: a cross-site form cannot read the cookie, so it cannot forge the field.", {"web", nullptr, nullptr}},
    {3, "p99 is the number", "The average hides the unlucky requests. Report p50 and p99 side by side.", {"performance", nullptr, nullptr}},
    {4, "constexpr all the things", "Mappings as constexpr data: the compiler checks the model before the program runs.", {"cpp", nullptr, nullptr}},
    {0, "Self-referential many-to-many", "Followers are users following users: one association table, two foreign keys to the same table.", {"sqlalchemy", "databases", nullptr}},
    {1, "Migrations without fear", "Add the column nullable, backfill, then add the constraint. Never all at once on a big table.", {"databases", nullptr, nullptr}},
    {2, "JSON APIs beside HTML pages", "The same models, the same queries, two representations. Keep the handlers thin.", {"web", "sqlalchemy", nullptr}},
    {3, "Prepared statements", "Parse once, execute many times. Bound parameters are also what keeps SQL injection out.", {"performance", "databases", nullptr}},
    {4, "Reading SQLAlchemy's source", "The ORM's core is a handful of ideas done carefully: identity map, unit of work, loader strategies.", {"sqlalchemy", nullptr, nullptr}},
    {0, "Pagination done right", "LIMIT and OFFSET for the page, a count for the total, and a 404 when the page is past the end.", {"web", "databases", nullptr}},
    {1, "Transactions and autoflush", "A query flushes pending changes first, so it sees them. Usually that is what you want.", {"sqlalchemy", "databases", nullptr}},
    {2, "Autoescaping is not optional", "Every {{value}} in a template is escaped. User data never becomes markup.", {"web", nullptr, nullptr}},
    {3, "Benchmarking with wrk", "Sixteen connections, thirty seconds, and the latency distribution: enough to compare two servers honestly.", {"performance", "web", nullptr}},
    {4, "A month of C++", "Templates, RAII, constexpr and a little SQL. I am staying.", {"cpp", "performance", nullptr}},
}};

constexpr std::array<const char*, 5> demo_tags{"cpp", "databases", "sqlalchemy", "web", "performance"};

struct demo_follow {
  int follower, followed;
};
constexpr std::array<demo_follow, 9> demo_follows{{
    {0, 1}, {0, 2}, {1, 0}, {1, 3}, {2, 0}, {3, 0}, {3, 4}, {4, 1}, {4, 2},
}};

/// A comment: on demo post `post`, by demo user `author`, replying to the
/// comment `parent` of this list (-1: none).
struct demo_comment {
  int post, author, parent;
  const char* body;
};
constexpr std::array<demo_comment, 16> demo_comments{{
    {0, 1, -1, "Welcome! Looking forward to the SQL counts."},
    {0, 0, 0, "Thanks, Bob. The home page runs four statements when you are signed in."},
    {0, 3, 1, "Four? I will hold you to that."},
    {0, 4, -1, "Nice and fast."},
    {8, 0, -1, "The automatic batching helps too, but explicit eager loading is clearer."},
    {8, 2, 4, "Agreed: say what the page needs in the query."},
    {8, 1, 5, "And raiseload the rest, so a forgotten relationship fails loudly."},
    {8, 3, 6, "That is exactly what the blog's handlers do."},
    {10, 4, -1, "When would you still pick joinedload?"},
    {10, 0, 8, "For a many-to-one such as a post's author: no extra statement at all."},
    {16, 2, -1, "Depth limits for the display are a good idea, or a troll will nest a thousand replies."},
    {16, 1, 10, "The post page stops nesting after six levels."},
    {17, 4, -1, "Does the JSON API need the token too?"},
    {17, 2, 12, "Only form posts: a JSON body cannot be sent cross-site without CORS."},
    {20, 3, -1, "Followers are the best example of secondary_columns."},
    {29, 0, -1, "Welcome to the club!"},
}};

}  // namespace

void seed_demo_data(retort::web::sqlalchemy& db) {
  retort::web::sqlalchemy::app_context ctx(db);
  auto& s = db.session();
  const auto start = std::chrono::time_point_cast<std::chrono::microseconds>(
      std::chrono::floor<std::chrono::minutes>(retort::utc_now() - std::chrono::hours(24 * 30)));

  std::vector<ptr<User>> users;
  for (std::size_t i = 0; i < demo_users.size(); ++i) {
    const auto& d = demo_users[i];
    auto u = s.add(User{.username = d.username,
                        .email = std::string(d.username) + "@example.com",
                        .created_at = start - std::chrono::hours(24 * static_cast<int>(5 - i))});
    u->profile = retort::make(Profile{.bio = d.bio, .location = d.location});
    users.push_back(u);
  }
  std::vector<ptr<Tag>> tags;
  for (const char* name : demo_tags) tags.push_back(s.add(Tag{.name = name}));
  auto tag = [&](const char* name) {
    for (const auto& t : tags)
      if (t->name == name) return t;
    return ptr<Tag>();
  };

  std::vector<ptr<Post>> posts;
  for (std::size_t i = 0; i < demo_posts.size(); ++i) {
    const auto& d = demo_posts[i];
    auto p = users[static_cast<std::size_t>(d.author)]->posts.add(
        Post{.title = d.title, .body = d.body, .created_at = start + std::chrono::hours(23 * static_cast<int>(i))});
    for (const char* name : d.tags)
      if (name) p->tags.add(tag(name));
    posts.push_back(p);
  }
  for (const auto& f : demo_follows)
    users[static_cast<std::size_t>(f.follower)]->followed.add(users[static_cast<std::size_t>(f.followed)]);

  std::vector<ptr<Comment>> comments;
  for (std::size_t i = 0; i < demo_comments.size(); ++i) {
    const auto& d = demo_comments[i];
    const auto& post = posts[static_cast<std::size_t>(d.post)];
    auto c = s.add(Comment{.body = d.body,
                           .created_at = post->created_at + std::chrono::minutes(37 * static_cast<int>(i + 1)),
                           .post = post,
                           .author = users[static_cast<std::size_t>(d.author)],
                           .parent = d.parent >= 0 ? comments[static_cast<std::size_t>(d.parent)] : ptr<Comment>()});
    comments.push_back(c);
  }
  s.commit();
}

}  // namespace blog
