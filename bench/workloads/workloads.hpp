// The seven-workload benchmark (issue 12; docs/performance.md): one interface,
// implemented by Retort (retort_side.cpp) and by hand-written code on the raw
// drivers (raw_sqlite.cpp, raw_postgresql.cpp); SQLAlchemy's side is
// sqlalchemy_side.py. main.cpp times each call, alternating implementations.
//
// Data, deterministic, identical on every side (ids follow insertion order):
//   tags 0..49 ("tag<t>", ids 1..50), inserted first;
//   users u = 0..N-1 ("user<u>", ids 1..N);
//   posts p = 0..9 of each user (ids 10u+p+1), title "post <p> of user <u>",
//   content: the title, a space, then 'x' up to 200 bytes;
//   post g = 10u+p (0-based) has tags g%50, (g+17)%50, (g+34)%50 (distinct).
#pragma once

#include <array>
#include <memory>
#include <string>

namespace bench {

inline constexpr long posts_per_user = 10;
inline constexpr long tag_count = 50;
inline constexpr long tags_per_post = 3;

inline std::string tag_name(long t) { return "tag" + std::to_string(t); }
inline std::string username(long u) { return "user" + std::to_string(u); }
inline std::string title(long u, long p) { return "post " + std::to_string(p) + " of user " + std::to_string(u); }
inline std::string content(long u, long p) {
  auto s = title(u, p) + " ";
  s.resize(200, 'x');
  return s;
}
/// The k-th tag (0-based, k < 3) of the post with 0-based global index g.
inline long tag_of(long g, long k) { return (g + 17 * k) % tag_count; }

/// Three numbers per workload, compared across implementations (see each workload).
struct checksum {
  long a = 0, b = 0, c = 0;
  bool operator==(const checksum&) const = default;
};

/// The database's end state, read by each side's own driver after W1 and after W7:
///   users, posts, links, SUM(LENGTH(post.title)), SUM(post.user_id), SUM(post_tag.post_id * post_tag.tag_id).
using fingerprint = std::array<long, 6>;
inline constexpr const char* fingerprint_sql =
    "SELECT (SELECT COUNT(*) FROM \"user\"), (SELECT COUNT(*) FROM post), (SELECT COUNT(*) FROM post_tag), "
    "(SELECT COALESCE(SUM(LENGTH(title)), 0) FROM post), (SELECT COALESCE(SUM(user_id), 0) FROM post), "
    "(SELECT COALESCE(SUM(post_id * tag_id), 0) FROM post_tag)";

/// One implementation, one database. main.cpp calls, per round, on a fresh
/// object: reset, w1 .. w7 in order, fingerprint after w1 and after w7.
class implementation {
 public:
  virtual ~implementation() = default;
  /// Untimed: drop the four tables if they exist and create them empty (the
  /// same DDL on every side, with the index on post.user_id).
  virtual void reset() = 0;
  /// W1: create the 50 tags (first), N users, their posts and the links; one commit.
  ///   a = users, b = posts, c = links created.
  virtual checksum w1_create(long n) = 0;
  /// W2: all users with their posts (selectin; by hand: one SELECT of users,
  /// one of all posts attached to their users in memory), touching each post's title.
  ///   a = users, b = posts, c = SUM(title length).
  virtual checksum w2_users_with_posts() = 0;
  /// W3: the users with id <= 1000 ordered by id, then each one's posts in id
  /// order; `batched` selects Retort's automatic batching (the hand-written side
  /// always runs the N+1 loop: one SELECT per user).
  ///   a = users, b = posts, c = SUM(post.id).
  virtual checksum w3_lazy_posts(bool batched) = 0;
  /// W4: all posts with their tags (selectin), building a histogram tag name -> posts.
  ///   a = posts, b = links seen, c = SUM over tags of count^2.
  virtual checksum w4_tag_histogram() = 0;
  /// W5a (hits): every user loaded with one query, then 100,000 gets by primary
  /// key in the same session, id = (i * 7919) % N + 1 (the hand-written side
  /// keeps rows in a hash map keyed by id). W5b (misses): 10,000 gets, each in a
  /// fresh session (by hand: one prepared SELECT each), same ids for i < 10,000.
  ///   a = gets, b = SUM(id), c = SUM(username length).
  virtual checksum w5_gets(bool fresh_sessions, long n) = 0;
  /// W6: the posts with id <= N (10%), title = "edited " + title, one commit.
  ///   a = posts changed, b = SUM(new title length), c = SUM(post.id).
  virtual checksum w6_edit_titles(long n) = 0;
  /// W7: delete the users with id <= 1000 with their posts and those posts'
  /// links (the ORM through the delete cascade and the secondary; by hand, three
  /// set-based DELETEs), one commit.
  ///   a = users, b = posts, c = links deleted.
  virtual checksum w7_delete_cascade() = 0;
  /// Untimed: the database's fingerprint (fingerprint_sql), through this side's driver.
  virtual fingerprint state() = 0;
};

/// target: a SQLite file path or a PostgreSQL conninfo (a postgresql:// URI or keyword/value string).
std::unique_ptr<implementation> make_retort(bool postgresql, const std::string& target);
std::unique_ptr<implementation> make_raw_sqlite(const std::string& path);
std::unique_ptr<implementation> make_raw_postgresql(const std::string& conninfo);

}  // namespace bench
