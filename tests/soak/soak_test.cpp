// The soak: 16 threads share one database, each with its own session, and run
// a long mixed workload through the ORM (inserts with relationships, updates,
// deletes, gets, queries, lazy loads, savepoints, deliberate failures, commits
// and rollbacks) on a SQLite WAL file and on PostgreSQL restarted half-way.
// It checks that every error is an expected retort::Error and, at the end,
// that every committed row is there with its last committed value and that no
// row of a failed or rolled-back transaction is. RETORT_SOAK_OPS sets the size.
#include <cxxabi.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <typeinfo>
#include <vector>

#include "retort/engine/connection.hpp"
#include "support/backend.hpp"
#include "support/models.hpp"

namespace {

using fixtures::Post;
using fixtures::User;
using retort::testing::backend;
using steady = std::chrono::steady_clock;
namespace sql = retort::sql;

constexpr int thread_count = 16;

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

std::size_t soak_ops() {
  auto text = env("RETORT_SOAK_OPS");
  if (text.empty()) return 100000;
  auto n = std::stoull(text);
  return n < 100 ? 100 : n;
}

std::string type_name(const std::exception& e) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> name(abi::__cxa_demangle(typeid(e).name(), nullptr, nullptr, &status),
                                              std::free);
  std::string full = status == 0 && name ? name.get() : typeid(e).name();
  auto colon = full.rfind("::");
  return colon == std::string::npos ? full : full.substr(colon + 2);
}

// ---- the model: what each thread believes it has committed ----

struct post_rec {
  std::int64_t id = 0;  ///< 0 until flushed
  std::string content;
  bool operator==(const post_rec&) const = default;
};

/// A user row and its posts, by title: the unit a thread owns and checks.
struct family {
  std::int64_t id = 0;
  std::string email;
  std::map<std::string, post_rec> posts;
  bool operator==(const family&) const = default;
};

using model = std::map<std::string, family>;  ///< by username

/// A family whose last commit raised from COMMIT itself: the database may hold either state.
struct unknown_family {
  std::optional<family> before, after;
};

std::string show(const std::optional<family>& f) {
  if (!f) return "(absent)";
  std::string out = "{id " + std::to_string(f->id) + ", email " + f->email + ", posts";
  for (const auto& [title, p] : f->posts) out += " " + title + "#" + std::to_string(p.id) + "=" + p.content;
  return out + "}";
}

// ---- what the threads share ----

struct shared_run {
  shared_run(backend b, std::size_t ops) : db_kind(b), total_ops(ops) {}
  backend db_kind;
  std::size_t total_ops;
  std::atomic<std::size_t> ops{0};
  std::atomic<bool> stop{false};
  std::atomic<bool> restarted{false};
  std::atomic<std::size_t> commits_after_restart{0};
  steady::time_point start = steady::now();
  /// The PostgreSQL outage, in ms since start (-1: not yet).
  std::atomic<std::int64_t> outage_begin{-1}, outage_end{-1};

  std::mutex mutex;  // guards errors and failures
  std::map<std::string, std::size_t> errors;
  std::vector<std::string> failures;

  std::int64_t now_ms() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - start).count();
  }
  void fail(const std::string& what) {
    std::lock_guard lock(mutex);
    if (failures.size() < 20) failures.push_back(what);
    stop = true;
  }
  void count(const std::string& type) {
    std::lock_guard lock(mutex);
    ++errors[type];
  }
  /// Whether `e` is an error this run may see from a healthy library: a busy
  /// SQLite database, or anything connection-shaped around the PostgreSQL restart.
  bool transient(const retort::Error& e) const {
    if (db_kind == backend::sqlite) {
      const auto* op = dynamic_cast<const retort::OperationalError*>(&e);
      return op && (op->info().sqlstate == "database is locked" || op->info().sqlstate == "database table is locked");
    }
    if (!dynamic_cast<const retort::OperationalError*>(&e) && !dynamic_cast<const retort::PendingRollbackError*>(&e) &&
        !dynamic_cast<const retort::TimeoutError*>(&e))
      return false;
    auto begin = outage_begin.load(), end = outage_end.load();
    constexpr std::int64_t grace_ms = 15000;  // a connection broken by the restart fails at its next use
    return begin >= 0 && (end < 0 || now_ms() <= end + grace_ms);
  }
};

// ---- one thread's work ----

struct tally {
  std::size_t commits = 0, rollbacks = 0, closes = 0, error_rollbacks = 0, unknown_outcomes = 0, retries = 0,
              given_up = 0, expected_integrity = 0, savepoints = 0, failed_commits = 0;
  tally& operator+=(const tally& o) {
    commits += o.commits;
    rollbacks += o.rollbacks;
    closes += o.closes;
    error_rollbacks += o.error_rollbacks;
    unknown_outcomes += o.unknown_outcomes;
    retries += o.retries;
    given_up += o.given_up;
    expected_integrity += o.expected_integrity;
    savepoints += o.savepoints;
    failed_commits += o.failed_commits;
    return *this;
  }
};

class worker {
 public:
  worker(shared_run& run, retort::database& db, int index)
      : run_(run), db_(db), index_(index), rng_(0x50a4ULL * (index + 1)), s_(db.session()) {}

  void run();

  model committed;
  std::map<std::string, unknown_family> unknown;
  tally n;

 private:
  enum class outcome { done, retry };
  struct ended {};  ///< thrown by a step that ended the transaction on purpose

  outcome attempt(std::uint64_t seed);
  void step(std::mt19937_64& r, model& ov);
  void insert_user(std::mt19937_64& r, model& ov);
  void update_email(std::mt19937_64& r, model& ov);
  void add_post(std::mt19937_64& r, model& ov);
  void update_post(std::mt19937_64& r, model& ov);
  void delete_post(std::mt19937_64& r, model& ov);
  void delete_user(std::mt19937_64& r, model& ov);
  void read_check(std::mt19937_64& r, const model& ov);
  void author_check(std::mt19937_64& r, const model& ov);
  void count_check(std::mt19937_64& r, const model& ov);
  void savepoint(std::mt19937_64& r, model& ov);
  void duplicate(std::mt19937_64& r, model& ov);

  retort::ptr<User> load(std::mt19937_64& r, const std::string& name, family& f);
  const std::string* pick(std::mt19937_64& r, const model& ov, bool with_posts = false) const;
  std::string fresh(const char* what) { return "t" + std::to_string(index_) + "_" + what + std::to_string(seq_++); }
  void op() { run_.ops.fetch_add(1, std::memory_order_relaxed); }
  void fill_ids(model& ov);
  void quarantine(const model& ov);
  outcome after_error(const retort::Error& e, const char* where);
  void rollback_quietly();
  void check(bool ok, const std::string& what) {
    if (!ok) run_.fail("thread " + std::to_string(index_) + ": " + what);
  }

  shared_run& run_;
  retort::database& db_;
  int index_;
  std::mt19937_64 rng_;
  retort::session s_;
  std::uint64_t seq_ = 0;
  std::vector<std::string> deleted_now_;  ///< families this transaction deleted
  std::vector<std::pair<std::string, retort::ptr<User>>> new_users_;
  std::vector<std::tuple<std::string, std::string, retort::ptr<Post>>> new_posts_;
};

void worker::run() {
  const bool sqlite = run_.db_kind == backend::sqlite;
  const int max_attempts = sqlite ? 50 : 1000;
  while (!run_.stop && run_.ops.load(std::memory_order_relaxed) < run_.total_ops) {
    auto seed = rng_();
    for (int tries = 1;; ++tries) {
      if (attempt(seed) == outcome::done || run_.stop) break;
      if (tries == max_attempts) {
        ++n.given_up;
        break;
      }
      ++n.retries;
      // Busy SQLite: a short random pause; PostgreSQL down: wait for it.
      auto pause = sqlite ? std::chrono::microseconds(rng_() % (500 * tries)) : std::chrono::microseconds(20000);
      std::this_thread::sleep_for(pause);
    }
  }
  rollback_quietly();
}

// One transaction, decided by `seed` so that a retry repeats it. The overlay
// `ov` is what the thread's rows will be if it commits.
worker::outcome worker::attempt(std::uint64_t seed) {
  std::mt19937_64 r(seed);
  model ov = committed;
  deleted_now_.clear();
  new_users_.clear();
  new_posts_.clear();
  bool deferred_violation = false;
  try {
    for (int steps = 1 + static_cast<int>(r() % 6), i = 0; i < steps && !run_.stop; ++i) {
      step(r, ov);
      op();
    }
    auto end = r() % 100;
    if (end < 7) {
      s_.rollback();
      ++n.rollbacks;
      op();
      return outcome::done;
    }
    if (end < 9) {
      s_.close();
      ++n.closes;
      op();
      return outcome::done;
    }
    if (end < 10) {
      // A foreign key checked at COMMIT: the COMMIT itself fails.
      s_.connection().execute(sql::insert("soak_deferred").columns({"user_id"}).row({-1 - index_}));
      deferred_violation = true;
    }
    s_.flush();
  } catch (const ended&) {
    op();
    return outcome::done;
  } catch (const retort::Error& e) {
    return after_error(e, "work");
  } catch (const std::exception& e) {
    run_.fail("thread " + std::to_string(index_) + ": a " + type_name(e) + " escaped: " + e.what());
    return outcome::done;
  }
  try {
    fill_ids(ov);
  } catch (const retort::Error& e) {
    return after_error(e, "reading the flushed keys");
  }
  op();
  try {
    s_.commit();
  } catch (const retort::IntegrityError& e) {
    run_.count(type_name(e));
    check(deferred_violation && e.info().sqlstate == "23503", std::string("COMMIT raised ") + e.what());
    ++n.expected_integrity;
    ++n.failed_commits;
    rollback_quietly();
    return outcome::done;
  } catch (const retort::Error& e) {
    run_.count(type_name(e));
    check(run_.transient(e), "COMMIT raised " + type_name(e) + ": " + e.what());
    // The COMMIT was sent and failed: it may or may not have taken effect.
    quarantine(ov);
    ++n.unknown_outcomes;
    rollback_quietly();
    return outcome::done;
  } catch (const std::exception& e) {
    run_.fail("thread " + std::to_string(index_) + ": a " + type_name(e) + " escaped commit: " + e.what());
    return outcome::done;
  }
  check(!deferred_violation, "a COMMIT with a violated deferred foreign key succeeded");
  committed = std::move(ov);
  ++n.commits;
  if (run_.restarted) ++run_.commits_after_restart;
  return outcome::done;
}

worker::outcome worker::after_error(const retort::Error& e, const char* where) {
  run_.count(type_name(e));
  std::string hint;
  if (std::string(e.what()).find("cannot start a transaction within a transaction") != std::string::npos)
    hint = " (the pool handed out a connection still inside a transaction: one whose COMMIT failed?)";
  check(run_.transient(e), std::string("unexpected ") + type_name(e) + " during " + where + ": " + e.what() + hint);
  rollback_quietly();
  ++n.error_rollbacks;
  return outcome::retry;
}

void worker::rollback_quietly() {
  try {
    s_.rollback();
    return;
  } catch (const retort::Error& e) {
    run_.count(type_name(e));
    check(run_.transient(e), "rollback raised " + type_name(e) + ": " + e.what());
  } catch (const std::exception& e) {
    run_.fail("thread " + std::to_string(index_) + ": a " + type_name(e) + " escaped rollback: " + e.what());
  }
  s_ = db_.session();  // start over with a new session
}

// Families whose commit outcome is unknown leave the model; the thread never touches them again.
void worker::quarantine(const model& ov) {
  std::map<std::string, int> names;
  for (const auto& [n, _] : committed) names[n];
  for (const auto& [n, _] : ov) names[n];
  for (const auto& [n, _] : names) {
    auto b = committed.find(n);
    auto a = ov.find(n);
    std::optional<family> before, after;
    if (b != committed.end()) before = b->second;
    if (a != ov.end()) after = a->second;
    if (before == after) continue;
    unknown[n] = {before, after};
    committed.erase(n);
  }
}

// After the last flush the new rows have keys; note them before COMMIT expires the objects.
void worker::fill_ids(model& ov) {
  for (auto& [name, u] : new_users_)
    if (auto it = ov.find(name); it != ov.end()) it->second.id = u->id;
  for (auto& [name, title, p] : new_posts_)
    if (auto it = ov.find(name); it != ov.end())
      if (auto pt = it->second.posts.find(title); pt != it->second.posts.end()) pt->second.id = p->id;
}

const std::string* worker::pick(std::mt19937_64& r, const model& ov, bool with_posts) const {
  std::vector<const std::string*> names;
  for (const auto& [n, f] : ov)
    if (!with_posts || !f.posts.empty()) names.push_back(&n);
  return names.empty() ? nullptr : names[r() % names.size()];
}

retort::ptr<User> worker::load(std::mt19937_64& r, const std::string& name, family& f) {
  retort::ptr<User> u = f.id != 0 && r() % 2 ? s_.get<User>(f.id)
                                              : s_.query<User>().filter_by<&User::username>(name).one();
  check(static_cast<bool>(u), "get<User>(" + std::to_string(f.id) + ") of " + name + " found nothing");
  if (!u) throw ended{};
  check(u->username == name && (f.id == 0 || u->id == f.id), "loaded " + u->username + " for " + name);
  f.id = u->id;
  return u;
}

void worker::step(std::mt19937_64& r, model& ov) {
  auto k = r() % 100;
  if (ov.size() > 60 && k < 50) k = 50 + k % 8;  // keep each thread's rows few: delete more
  if (k < 18) return insert_user(r, ov);
  if (k < 32) return update_email(r, ov);
  if (k < 42) return add_post(r, ov);
  if (k < 50) return update_post(r, ov);
  if (k < 54) return delete_post(r, ov);
  if (k < 58) return delete_user(r, ov);
  if (k < 72) return read_check(r, ov);
  if (k < 78) return author_check(r, ov);
  if (k < 83) return count_check(r, ov);
  if (k < 86) {
    s_.flush();  // expiring discards unflushed changes, as SQLAlchemy's does
    s_.expire_all();
    return;
  }
  if (k < 97) return savepoint(r, ov);
  return duplicate(r, ov);
}

void worker::insert_user(std::mt19937_64& r, model& ov) {
  auto name = fresh("u");
  family f{0, fresh("e"), {}};
  auto u = s_.add(User{.username = name, .email = f.email});
  new_users_.emplace_back(name, u);
  for (int i = 0, posts = static_cast<int>(r() % 3); i < posts; ++i) {
    auto title = fresh("p");
    auto content = fresh("c");
    new_posts_.emplace_back(name, title, u->posts.add(Post{.title = title, .content = content}));
    f.posts[title] = {0, content};
  }
  if (r() % 4 == 0) s_.flush();
  ov[name] = std::move(f);
}

void worker::update_email(std::mt19937_64& r, model& ov) {
  const auto* name = pick(r, ov);
  if (!name) return insert_user(r, ov);
  auto& f = ov[*name];
  auto u = load(r, *name, f);
  f.email = fresh("v");
  u->email = f.email;
}

void worker::add_post(std::mt19937_64& r, model& ov) {
  const auto* name = pick(r, ov);
  if (!name) return insert_user(r, ov);
  auto& f = ov[*name];
  auto u = load(r, *name, f);
  auto title = fresh("p");
  auto content = fresh("c");
  new_posts_.emplace_back(*name, title, u->posts.add(Post{.title = title, .content = content}));
  f.posts[title] = {0, content};
}

void worker::update_post(std::mt19937_64& r, model& ov) {
  const auto* name = pick(r, ov, true);
  if (!name) return add_post(r, ov);
  auto& f = ov[*name];
  auto u = load(r, *name, f);
  auto target = std::next(f.posts.begin(), static_cast<long>(r() % f.posts.size()));
  bool found = false;
  for (auto& p : u->posts) {  // a lazy load, unless the collection is loaded
    if (p.title != target->first) continue;
    found = true;
    target->second.content = fresh("c");
    p.content = target->second.content;
  }
  check(found, *name + "'s posts lack " + target->first);
}

// session.delete() leaves the object in collections already loaded (as in
// SQLAlchemy): either take it out of its user's posts too, or flush and expire the user.
void worker::delete_post(std::mt19937_64& r, model& ov) {
  const auto* name = pick(r, ov, true);
  if (!name) return add_post(r, ov);
  auto& f = ov[*name];
  s_.flush();  // delete() refuses a pending object (as SQLAlchemy's does): one added since the last flush
  auto target = std::next(f.posts.begin(), static_cast<long>(r() % f.posts.size()));
  if (target->second.id != 0 && r() % 2) {
    auto p = s_.get<Post>(target->second.id);
    check(p && p->title == target->first, "get<Post>(" + std::to_string(target->second.id) + ") is not " +
                                             target->first);
    if (!p) throw ended{};
    auto author = p->author.get();
    s_.delete_(p);
    s_.flush();
    s_.expire(author);
  } else {
    auto u = load(r, *name, f);
    retort::ptr<Post> p;
    for (auto& q : u->posts)
      if (q.title == target->first) p = retort::handle(q);
    check(static_cast<bool>(p), "post " + target->first + " of " + *name + " not found");
    if (!p) throw ended{};
    u->posts.remove(p);
    s_.delete_(p);
  }
  f.posts.erase(target);
}

void worker::delete_user(std::mt19937_64& r, model& ov) {
  const auto* name = pick(r, ov);
  if (!name) return insert_user(r, ov);
  auto& f = ov[*name];
  s_.flush();  // delete() refuses pending objects: posts added since the last flush
  auto u = load(r, *name, f);
  std::vector<retort::ptr<Post>> posts;
  for (auto& p : u->posts) posts.push_back(retort::handle(p));
  check(posts.size() == f.posts.size(), *name + " has " + std::to_string(posts.size()) + " posts, expected " +
                                            std::to_string(f.posts.size()));
  for (const auto& p : posts) s_.delete_(p);
  s_.delete_(u);
  deleted_now_.push_back(*name);
  ov.erase(*name);
}

void worker::read_check(std::mt19937_64& r, const model& ov) {
  if (r() % 5 == 0 && !deleted_now_.empty()) {
    const auto& gone = deleted_now_[r() % deleted_now_.size()];
    auto u = s_.query<User>().filter_by<&User::username>(gone).one_or_none();
    check(!u, gone + " was deleted in this transaction, and a query still finds it");
    return;
  }
  const auto* name = pick(r, ov);
  if (!name) return;
  const auto& f = ov.at(*name);
  auto u = s_.query<User>().filter_by<&User::username>(*name).one_or_none();
  check(static_cast<bool>(u), "query by username finds no " + *name);
  if (!u) return;
  family seen{u->id, u->email.value_or("<null>"), {}};
  for (auto& p : u->posts) seen.posts[p.title] = {p.id, p.content};
  family expected = f;  // keys not yet flushed are unknown to the model
  if (expected.id == 0) expected.id = seen.id;
  for (auto& [title, p] : expected.posts)
    if (p.id == 0)
      if (auto it = seen.posts.find(title); it != seen.posts.end()) p.id = it->second.id;
  check(seen == expected, "read " + show(seen) + ", expected " + show(expected));
}

void worker::author_check(std::mt19937_64& r, const model& ov) {
  const auto* name = pick(r, ov, true);
  if (!name) return;
  const auto& f = ov.at(*name);
  auto target = std::next(f.posts.begin(), static_cast<long>(r() % f.posts.size()));
  if (target->second.id == 0) return;
  auto p = s_.get<Post>(target->second.id);
  check(p && p->title == target->first && p->content == target->second.content,
        "get<Post>(" + std::to_string(target->second.id) + ") is not " + target->first);
  if (!p) return;
  auto author = p->author.get();  // many-to-one: the identity map, or a SELECT by key
  check(author && author->username == *name, "post " + target->first + "'s author is not " + *name);
}

void worker::count_check(std::mt19937_64& r, const model& ov) {
  const auto* name = pick(r, ov);
  if (!name || ov.at(*name).id == 0) return;
  const auto& f = ov.at(*name);
  auto n = s_.query<Post>().filter_by<&Post::user_id>(static_cast<int>(f.id)).count();
  check(n == static_cast<std::int64_t>(f.posts.size()),
        "count of " + *name + "'s posts is " + std::to_string(n) + ", expected " + std::to_string(f.posts.size()));
}

// SAVEPOINT: released, rolled back, or failed by a duplicate username and
// rolled back; the work before it stays in every case.
void worker::savepoint(std::mt19937_64& r, model& ov) {
  ++n.savepoints;
  model sub = ov;
  auto users_mark = new_users_.size();
  auto posts_mark = new_posts_.size();
  auto sp = s_.begin_nested();
  auto kind = r() % 3;
  insert_user(r, sub);
  if (r() % 2) update_email(r, sub);
  if (kind == 0) {
    sp.commit();
    ov = std::move(sub);
    return;
  }
  if (kind == 2) {
    const auto* name = pick(r, sub);
    s_.add(User{.username = *name, .email = "duplicate"});
    try {
      sp.commit();
      check(false, "a duplicate username " + *name + " was flushed inside a savepoint");
    } catch (const retort::IntegrityError& e) {
      run_.count(type_name(e));
      ++n.expected_integrity;
    }
    if (r() % 4 == 0) {
      try {
        s_.query<User>().count();
        check(false, "a session whose savepoint failed ran a query before the savepoint was rolled back");
      } catch (const retort::PendingRollbackError& e) {
        run_.count(type_name(e));
      }
    }
  }
  sp.rollback();
  new_users_.resize(users_mark);
  new_posts_.resize(posts_mark);
}

// A duplicate username outside any savepoint: the flush fails, the transaction is lost.
void worker::duplicate(std::mt19937_64& r, model& ov) {
  const auto* name = pick(r, ov);
  if (!name) return insert_user(r, ov);
  s_.add(User{.username = *name, .email = "duplicate"});
  try {
    s_.flush();
    check(false, "a duplicate username " + *name + " was flushed");
  } catch (const retort::IntegrityError& e) {
    run_.count(type_name(e));
    ++n.expected_integrity;
  }
  s_.rollback();
  ++n.rollbacks;
  throw ended{};
}

// ---- the run ----

struct figures {
  std::size_t users = 0, posts = 0;
};

/// Reads every row with a fresh session and compares with what the threads committed.
figures verify(shared_run& run, retort::database& db, std::vector<std::unique_ptr<worker>>& workers) {
  auto s = db.session();
  model found;
  std::map<std::int64_t, std::string> name_of;
  figures out;
  for (auto& u : s.query<User>().all()) {
    found[u->username] = {u->id, u->email.value_or("<null>"), {}};
    name_of[u->id] = u->username;
    ++out.users;
  }
  for (auto& p : s.query<Post>().all()) {
    ++out.posts;
    auto owner = name_of.find(p->user_id);
    if (owner == name_of.end()) {
      run.fail("post " + p->title + " belongs to no user");
      continue;
    }
    found[owner->second].posts[p->title] = {p->id, p->content};
  }
  auto deferred = s.connection().execute(sql::select({sql::count()}).from("soak_deferred")).scalar().as_int();
  if (deferred != 0) run.fail(std::to_string(deferred) + " rows of failed COMMITs are in soak_deferred");
  for (auto& w : workers) {
    for (const auto& [name, f] : w->committed) {
      auto it = found.find(name);
      std::optional<family> seen;
      if (it != found.end()) seen = it->second;
      if (seen != f) run.fail("committed " + name + " " + show(f) + " reads back as " + show(seen));
      if (it != found.end()) found.erase(it);
    }
    for (const auto& [name, u] : w->unknown) {
      auto it = found.find(name);
      std::optional<family> seen;
      if (it != found.end()) seen = it->second;
      if (seen != u.before && seen != u.after)
        run.fail("unknown-outcome " + name + " reads back as " + show(seen) + ", neither " + show(u.before) +
                 " nor " + show(u.after));
      if (it != found.end()) found.erase(it);
    }
  }
  for (const auto& [name, f] : found) run.fail("row of a failed or rolled-back transaction: " + name + " " + show(f));
  return out;
}

class soak : public ::testing::TestWithParam<backend> {
 protected:
  void SetUp() override {
    if (GetParam() == backend::postgres) {
      ctl_ = env("RETORT_TEST_PG_CTL");
      if (ctl_.empty()) {
        if (retort::testing::under_ci()) FAIL() << "no PostgreSQL of ours under CI: scripts/test starts one";
        GTEST_SKIP() << "[retort-skip: no server of ours] RETORT_TEST_PG_CTL is not set: the soak restarts the "
                        "server";
      }
      url_ = retort::testing::fresh_url(GetParam());
      RETORT_REQUIRE_URL(url_);
    } else {
      url_ = retort::testing::fresh_url(GetParam()) + "?journal_mode=wal";
    }
  }
  void TearDown() override {
    if (stopped_) start();
  }
  bool stop() {
    stopped_ = true;
    return retort::testing::run_without_inherited_fds(ctl_ + " -m fast -w -t 30 stop >/dev/null") == 0;
  }
  bool start() {
    auto cmd = ctl_ + " -w -t 60 -l " + env("RETORT_TEST_PG_LOG") + " -o \"" + env("RETORT_TEST_PG_START_OPTS") +
               "\" start >/dev/null";
    bool ok = retort::testing::run_without_inherited_fds(cmd) == 0;
    if (ok) stopped_ = false;
    return ok;
  }
  std::string ctl_, url_;
  bool stopped_ = false;
};
INSTANTIATE_TEST_SUITE_P(, soak, ::testing::ValuesIn(retort::testing::all_backends()),
                         retort::testing::backend_param_name);

TEST_P(soak, threads_sessions_and_faults_lose_no_committed_row) {
  const bool postgres = GetParam() == backend::postgres;
  retort::database db(url_);
  db.create_all();
  {
    auto c = db.engine().connect();
    c.execute_ddl("CREATE TABLE soak_deferred (user_id INTEGER REFERENCES \"user\" (id) DEFERRABLE INITIALLY DEFERRED)");
  }
  shared_run run(GetParam(), soak_ops());
  std::vector<std::unique_ptr<worker>> workers;
  std::vector<std::thread> threads;
  std::atomic<int> running{thread_count};
  for (int i = 0; i < thread_count; ++i) workers.push_back(std::make_unique<worker>(run, db, i));
  for (int i = 0; i < thread_count; ++i)
    threads.emplace_back([&, i] {
      try {
        workers[i]->run();
      } catch (const std::exception& e) {
        run.fail("thread " + std::to_string(i) + ": " + type_name(e) + " escaped: " + e.what());
      } catch (...) {
        run.fail("thread " + std::to_string(i) + ": a non-std exception escaped");
      }
      --running;
    });

  const auto deadline = steady::now() + std::chrono::minutes(10);
  auto wait_until = [&](auto done) {
    while (!done() && running > 0 && steady::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  };
  std::int64_t outage_ms = 0;
  if (postgres) {
    // The restart in the middle: a fast stop (clients cut off), then a start, while the threads keep going.
    wait_until([&] { return run.ops >= run.total_ops / 2 || run.stop; });
    if (!run.stop && running > 0) {
      run.outage_begin = run.now_ms();
      if (!stop()) run.fail("pg_ctl stop failed");
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      if (!start()) run.fail("pg_ctl start failed");
      run.outage_end = run.now_ms();
      run.restarted = true;
      outage_ms = run.outage_end - run.outage_begin;
    }
  }
  wait_until([] { return false; });
  if (running > 0) run.fail("the soak did not finish within 10 minutes");
  run.stop = true;
  for (auto& t : threads) t.join();
  auto seconds = std::chrono::duration<double>(steady::now() - run.start).count();

  figures rows;
  if (run.failures.empty()) rows = verify(run, db, workers);

  tally total;
  for (auto& w : workers) total += w->n;
  std::printf("soak %s: %zu ops in %.1f s (%.0f ops/s), %d threads, one session each\n",
              postgres ? "postgresql (restarted half-way)" : "sqlite (WAL file)", run.ops.load(), seconds,
              static_cast<double>(run.ops.load()) / seconds, thread_count);
  std::printf("  commits %zu (failed by a deferred key: %zu, unknown outcome: %zu), rollbacks %zu deliberate + %zu "
              "after errors, closes %zu, savepoints %zu\n",
              total.commits, total.failed_commits, total.unknown_outcomes, total.rollbacks, total.error_rollbacks,
              total.closes, total.savepoints);
  std::printf("  transactions retried %zu, given up %zu; expected IntegrityErrors %zu\n", total.retries,
              total.given_up, total.expected_integrity);
  if (postgres) std::printf("  outage %lld ms; commits after the restart %zu\n", static_cast<long long>(outage_ms),
                            run.commits_after_restart.load());
  std::printf("  errors by type:");
  for (const auto& [type, n] : run.errors) std::printf(" %s %zu", type.c_str(), n);
  std::printf("\n  rows at the end: %zu users, %zu posts\n", rows.users, rows.posts);
  std::fflush(stdout);

  for (const auto& f : run.failures) ADD_FAILURE() << f;
  EXPECT_GE(run.ops.load(), run.total_ops);
  EXPECT_GT(total.commits, 0u);
  EXPECT_GT(total.expected_integrity, 0u);
  if (postgres) {
    EXPECT_TRUE(run.restarted.load()) << "the server was not restarted";
    EXPECT_GT(run.commits_after_restart.load(), 0u) << "nothing was committed after the restart";
  }
}

}  // namespace
