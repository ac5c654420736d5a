// Tutorial 1: the seed. A User has many Posts; each Post has an author.
//
// This is the Flask-SQLAlchemy program Retort starts from:
//
//   class User(db.Model):
//       id = db.Column(db.Integer, primary_key=True)
//       username = db.Column(db.String(50), nullable=False)
//       posts = db.relationship('Post', backref='author', lazy=True)
//   class Post(db.Model):
//       id = db.Column(db.Integer, primary_key=True)
//       title = db.Column(db.String(100), nullable=False)
//       user_id = db.Column(db.Integer, db.ForeignKey('user.id'), nullable=False)
//
// You will see: models as plain structs, a mapping per struct, adding objects
// through a relationship, commit, and navigating both ways in a new session.
#include <retort/retort.hpp>

#include <iostream>
#include <string>

// Models are ordinary structs. Columns are ordinary members; relationships are
// retort::one<T> (a reference to one object) and retort::many<T> (a collection).
struct Post;

struct User {
  int id = 0;  // 0 means "no key yet": the database assigns one at INSERT
  std::string username;
  retort::many<Post> posts{};  // `{}` keeps g++ quiet about designated initializers that skip it
};

struct Post {
  int id = 0;
  std::string title;
  int user_id = 0;             // the foreign key column
  retort::one<User> author{};  // the member backref<> below maps
};

// The mapping says which members are columns and relationships. The table
// names default to the class name in snake_case: "user" and "post".
template <>
inline constexpr auto retort::mapping<User> = retort::model(
    retort::column<&User::id>(retort::primary_key),
    retort::column<&User::username>(retort::String(50), retort::not_null),
    // backref<&Post::author> is the seed's backref='author': it maps Post::author
    // as the other side, so mapping<Post> below does not mention it. Declaring
    // both sides with back_populates (as the other chapters do) is equivalent.
    retort::relationship<&User::posts>(retort::backref<&Post::author>));

template <>
inline constexpr auto retort::mapping<Post> = retort::model(
    retort::column<&Post::id>(retort::primary_key),
    retort::column<&Post::title>(retort::String(100), retort::not_null),
    retort::column<&Post::user_id>(retort::foreign_key<&User::id>, retort::not_null));

// How many statements a session has run so far (its query record, below).
std::size_t statements(const retort::session& s) { return s.recorded_queries().size(); }

int main() {
  try {
    // "sqlite://" is an in-memory SQLite database: nothing is left on disk.
    retort::database db("sqlite://");
    db.create_all();  // CREATE TABLE user, then post (foreign-key order)

    {
      auto session = db.session();
      // session.add moves the value into the session and returns a
      // retort::ptr<User>, a reference-counted handle.
      auto alice = session.add(User{.username = "alice"});
      // Adding to a collection sets the other side too: the post's author is alice.
      alice->posts.add(Post{.title = "Hello"});
      alice->posts.add(Post{.title = "Relationships"});

      auto bob = session.add(User{.username = "bob"});
      // The other way round: setting the author puts the post in bob->posts.
      auto post = retort::make(Post{.title = "Bob's post"});
      post->author = bob;
      std::cout << "before commit: bob has " << bob->posts.size() << " post, its author is "
                << post->author->username << '\n';

      // One flush writes everything in foreign-key order (users, then posts,
      // each post's user_id copied from its author) and commits.
      session.commit();
      std::cout << "after commit: alice is user " << alice->id << ", bob's post is post " << post->id << '\n';
    }

    // A new session starts empty, as a new request would. record_queries
    // keeps a record of its statements, so we can count them.
    auto session = db.session({.record_queries = true});
    auto user = session.get<User>(1);  // User.query.get(1): SELECT ... WHERE user.id = ?
    std::cout << "user 1 is " << user->username << " (" << statements(session) << " statement)\n";

    // The collection is loaded on first access (lazy=True): one SELECT.
    for (auto& post : user->posts) std::cout << "  post " << post.id << ": " << post.title << '\n';
    std::cout << "after user->posts: " << statements(session) << " statements\n";

    // Post 1 and its author are in the session's identity map already:
    // session.get and post->author run no SQL.
    auto post = session.get<Post>(1);
    std::cout << "post 1's author is " << post->author->username << " (" << statements(session)
              << " statements, no new one)\n";

    // A query, for comparison (User.query.filter_by(username='bob').first()).
    auto bob = session.query<User>().filter_by<&User::username>("bob").first();
    std::cout << bob->username << " wrote \"" << bob->posts[0]->title << "\"\n";
  } catch (const retort::Error& e) {
    // Every Retort error is a retort::Error (IntegrityError, ConfigurationError, ...).
    std::cerr << "01_seed: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
