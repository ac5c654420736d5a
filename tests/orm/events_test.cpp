// ORM events: mapper events around each row's statement (and what their
// listeners change is written), instance events, session events in
// SQLAlchemy's order for a commit with inserts, updates and deletes, attribute
// events from relationship slots and from the flush for columns, removal of
// listeners, errors from listeners, and Flask-SQLAlchemy's track_modifications
// signals built on the session events.
#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

#include "support/orm_fixture.hpp"

using fixtures::Post;
using fixtures::User;
using retort::testing::orm_test;
using namespace retort::testing::sql_rules;

namespace {

using lines = std::vector<std::string>;

class events_test : public orm_test {
 protected:
  /// Listens to every mapper event of User and Post and to every session event
  /// (for all sessions), logging "event Class name".
  void listen_all() {
    auto mapper_event = [&](auto tag, const char* name) {
      guards_.push_back(retort::listen<User>(
          tag, [this, name](retort::session&, User& u) { log_.push_back(std::string(name) + " User " + u.username); }));
      guards_.push_back(retort::listen<Post>(
          tag, [this, name](retort::session&, Post& p) { log_.push_back(std::string(name) + " Post " + p.title); }));
    };
    mapper_event(retort::before_insert, "before_insert");
    mapper_event(retort::after_insert, "after_insert");
    mapper_event(retort::before_update, "before_update");
    mapper_event(retort::after_update, "after_update");
    mapper_event(retort::before_delete, "before_delete");
    mapper_event(retort::after_delete, "after_delete");
    auto session_event = [&](auto tag, const char* name) {
      guards_.push_back(retort::listen(tag, [this, name](retort::session&) { log_.push_back(name); }));
    };
    session_event(retort::before_flush, "before_flush");
    session_event(retort::after_flush, "after_flush");
    session_event(retort::after_flush_postexec, "after_flush_postexec");
    session_event(retort::before_commit, "before_commit");
    session_event(retort::after_commit, "after_commit");
    session_event(retort::after_rollback, "after_rollback");
    guards_.push_back(retort::listen(
        retort::after_begin, [this](retort::session&, retort::engine::connection&) { log_.push_back("after_begin"); }));
    for (auto [tag, name] : {std::pair{0, "refresh"}, std::pair{1, "expire"}}) {
      auto f = [this, name = name](retort::session&, User& u) {
        log_.push_back(std::string(name) + " User " + u.username);
      };
      guards_.push_back(tag == 0 ? retort::listen<User>(retort::refresh, f) : retort::listen<User>(retort::expire, f));
    }
  }
  void TearDown() override {
    guards_.clear();  // every listener is removed before the next test
    orm_test::TearDown();
  }
  lines log_;
  std::vector<retort::listener> guards_;
};
RETORT_ORM_SUITE(events_test);

// The order SQLAlchemy 1.4.46 (future=True) gives for the same steps, printed by
// listeners on the same events: a commit that inserts User n and Post p1,
// updates User a and deletes User d.
TEST_P(events_test, a_commit_fires_events_in_sqlalchemys_order) {
  auto s = session();
  auto a = s.add(User{.username = "a"});
  auto d = s.add(User{.username = "d"});
  s.commit();
  listen_all();
  a->username = "a2";  // a was expired by the commit: loading it begins the transaction
  auto n = s.add(User{.username = "n"});
  auto p = s.add(Post{.title = "p1", .content = "c"});
  p->author = a;
  s.delete_(d);
  s.commit();
  lines expected = {"after_begin",           "refresh User a",        "before_commit",        "before_flush",
                    "before_insert User n",  "before_update User a2", "after_insert User n",  "after_update User a2",
                    "before_insert Post p1", "after_insert Post p1",  "before_delete User d", "after_delete User d",
                    "after_flush",           "after_flush_postexec",  "after_commit"};
  ASSERT_GE(log_.size(), expected.size());
  EXPECT_EQ(lines(log_.begin(), log_.begin() + static_cast<std::ptrdiff_t>(expected.size())), expected);
  // Then expire-on-commit, for each object still in the session (in no particular order).
  lines expired(log_.begin() + static_cast<std::ptrdiff_t>(expected.size()), log_.end());
  std::sort(expired.begin(), expired.end());
  EXPECT_EQ(expired, (lines{"expire User a2", "expire User n"}));
}

TEST_P(events_test, changes_a_before_insert_or_before_update_listener_makes_are_written_in_that_statement) {
  auto bi = retort::listen<User>(retort::before_insert,
                                 [](retort::session&, User& u) { u.email = u.username + "@insert.example"; });
  auto bu = retort::listen<User>(retort::before_update,
                                 [](retort::session&, User& u) { u.email = u.username + "@update.example"; });
  auto s = session();
  auto u = s.add(User{.username = "alice"});
  auto& rec = record();
  s.flush();
  EXPECT_SQL(rec, {compiled_sql("INSERT INTO user (username, email) VALUES (?, ?)")
                       .returning("id")
                       .params({"alice", "alice@insert.example"})});
  rec.clear();
  u->username = "alicia";
  s.flush();
  EXPECT_SQL(rec, {compiled_sql("UPDATE user SET username = ?, email = ? WHERE user.id = ?")
                       .params({"alicia", "alicia@update.example", u->id})});
  EXPECT_EQ(u->email, "alicia@update.example");
}

TEST_P(events_test, what_before_flush_adds_or_changes_is_flushed_in_the_same_flush) {
  auto s = session();
  bool added = false;
  lines seen;
  auto l = s.on(retort::before_flush, [&](retort::session& ss, const retort::flush_context& f) {
    for (const auto& c : f.changes())
      seen.push_back(std::string(retort::change_name(c.kind)) + " " + c.object.class_name());
    for (const auto& o : f.inserted())
      if (auto u = o.as<User>()) u->email = u->username + "@example.com";
    if (!added) {
      added = true;
      ss.add(User{.username = "from_listener", .email = "l@example.com"});
    }
  });
  s.add(User{.username = "x"});
  auto& rec = record();
  s.flush();
  EXPECT_EQ(seen, (lines{"insert User"}));  // the candidates, before the listener added one
  // Both users in this flush, one statement of one shape (multi-row or executemany).
  ASSERT_EQ(rec.count(), 1u);
  EXPECT_EQ(rec.entries()[0].batch, caps().multirow_insert_returning ? 1u : 2u);
  auto rows = s.connection().execute("SELECT username, email FROM \"user\" ORDER BY username");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows.row(0).get<std::string>(0), "from_listener");
  EXPECT_EQ(rows.row(1).get<std::string>(1), "x@example.com");
  rec.clear();
  s.flush();  // nothing to flush: before_flush does not fire, no SQL
  EXPECT_EQ(seen.size(), 1u);
  EXPECT_EQ(rec.count(), 0u);
}

TEST_P(events_test, after_flush_lists_the_rows_written) {
  auto s = session();
  auto keep = s.add(User{.username = "keep"});
  auto gone = s.add(User{.username = "gone"});
  s.flush();
  std::vector<std::tuple<std::string, std::string, bool>> written;
  std::size_t postexec = 0;
  auto l = s.on(retort::after_flush, [&](retort::session&, const retort::flush_context& f) {
    for (const auto& c : f.changes())
      written.emplace_back(std::string(retort::change_name(c.kind)), c.object.class_name(),
                           c.object.as<User>() == keep);
  });
  auto m = s.on(retort::after_flush_postexec,
                [&](retort::session&, const retort::flush_context& f) { postexec = f.changes().size(); });
  keep->email = "k@example.com";
  s.delete_(gone);
  auto p = s.add(Post{.title = "t", .content = "c"});
  p->author = keep;
  s.flush();
  std::sort(written.begin(), written.end());
  EXPECT_EQ(written, (std::vector<std::tuple<std::string, std::string, bool>>{
                         {"delete", "User", false}, {"insert", "Post", false}, {"update", "User", true}}));
  EXPECT_EQ(postexec, 3u);
}

TEST_P(events_test, instance_events_load_refresh_and_expire) {
  {
    auto s = session();
    s.add(User{.username = "u"});
    s.commit();
  }
  lines got;
  auto on = [&](const char* name) {
    return [&got, name](retort::session&, User& u) { got.push_back(std::string(name) + " " + u.username); };
  };
  auto a = retort::listen<User>(retort::load, on("load"));
  auto b = retort::listen<User>(retort::refresh, on("refresh"));
  auto c = retort::listen<User>(retort::expire, on("expire"));
  auto s = session();
  auto u = s.query<User>().one();
  EXPECT_EQ(got, (lines{"load u"}));
  s.get<User>(u->id);  // from the identity map: no load
  s.expire(u);
  EXPECT_EQ(u->username, "u");  // reloads
  s.refresh(u);
  s.commit();
  EXPECT_EQ(got, (lines{"load u", "expire u", "refresh u", "refresh u", "expire u"}));
}

TEST_P(events_test, relationship_attribute_events_fire_on_both_sides) {
  lines got;
  auto ap = retort::listen<&User::posts>(retort::on_append, [&](User& u, retort::ptr<Post> p) {
    got.push_back("append " + u.username + " " + p->title + " size=" + std::to_string(u.posts.size()));
  });
  auto rm = retort::listen<&User::posts>(
      retort::on_remove, [&](User& u, retort::ptr<Post> p) { got.push_back("remove " + u.username + " " + p->title); });
  auto st = retort::listen<&Post::author>(retort::on_set, [&](Post& p, retort::ptr<User> v, retort::ptr<User> old) {
    got.push_back("set " + p.title + " " + (v ? v->username : "None") + " old=" + (old ? old->username : "None"));
  });
  auto s = session();
  auto u = s.add(User{.username = "u"});
  auto v = s.add(User{.username = "v"});
  auto p = s.add(Post{.title = "p", .content = "c"});
  p->author = u;  // set on Post.author, and the back-population appends to u.posts
  EXPECT_EQ(got, (lines{"set p u old=None", "append u p size=0"}));  // before the change, as SQLAlchemy's
  got.clear();
  v->posts.add(p);  // moves it: append to v.posts, Post.author set from u to v, which removes it from u.posts
  EXPECT_EQ(got, (lines{"append v p size=0", "set p v old=u", "remove u p"}));
  got.clear();
  v->posts.remove(p);
  EXPECT_EQ(got, (lines{"remove v p", "set p None old=v"}));
}

TEST_P(events_test, column_set_events_fire_at_flush_with_the_loaded_value) {
  lines got;
  auto l = retort::listen<&User::email>(
      retort::on_set, [&](User& u, const std::optional<std::string>& value, const std::optional<std::string>& old) {
        got.push_back(u.username + " " + value.value_or("None") + " old=" + old.value_or("None"));
      });
  auto s = session();
  auto u = s.add(User{.username = "u", .email = "a@x"});
  s.add(User{.username = "w"});  // email left unset: no event
  EXPECT_TRUE(got.empty());      // Retort sees a plain member change only at flush
  s.flush();
  EXPECT_EQ(got, (lines{"u a@x old=None"}));
  u->email = "b@x";
  u->email = "c@x";
  s.flush();
  EXPECT_EQ(got, (lines{"u a@x old=None", "u c@x old=a@x"}));
  s.flush();
  EXPECT_EQ(got.size(), 2u);
}

TEST_P(events_test, a_listener_is_removed_with_its_handle) {
  int calls = 0;
  auto s = session();
  {
    auto l = retort::listen<User>(retort::before_insert, [&](retort::session&, User&) { ++calls; });
    s.add(User{.username = "a"});
    s.flush();
  }
  s.add(User{.username = "b"});
  s.flush();
  EXPECT_EQ(calls, 1);
  auto l = retort::listen<User>(retort::before_insert, [&](retort::session&, User&) { ++calls; });
  l.remove();
  EXPECT_FALSE(l.active());
  s.add(User{.username = "c"});
  s.flush();
  EXPECT_EQ(calls, 1);
  // A session's own listener hears only that session, and may outlive it.
  s.commit();  // one writer at a time on SQLite
  retort::listener mine;
  {
    auto other = session();
    mine = other.on(retort::after_flush, [&](retort::session&) { ++calls; });
    EXPECT_TRUE(mine.active());
    other.add(User{.username = "d"});
    other.commit();
    s.add(User{.username = "e"});
    s.flush();
    EXPECT_EQ(calls, 2);
  }
  EXPECT_FALSE(mine.active());
  mine.remove();  // its session is gone: nothing to do
  // A listener for every session, and retort::listen(session, ...) as session.on.
  auto all = retort::listen(retort::after_commit, [&](retort::session&) { calls += 10; });
  auto one = retort::listen(s, retort::after_commit, [&](retort::session&) { calls += 100; });
  s.commit();
  EXPECT_EQ(calls, 112);
}

TEST_P(events_test, a_listener_that_throws_fails_the_flush_and_writes_nothing) {
  lines got;
  auto boom = retort::listen<Post>(retort::before_insert, [](retort::session&, Post& p) {
    if (p.title == "bad") throw std::runtime_error("listener refused " + p.title);
  });
  auto rb = retort::listen(retort::after_rollback, [&](retort::session&) { got.push_back("after_rollback"); });
  auto s = session();
  auto u = s.add(User{.username = "u"});
  u->posts.add(Post{.title = "bad", .content = "c"});
  EXPECT_THROW(
      {
        try {
          s.flush();
        } catch (const std::runtime_error& e) {
          EXPECT_STREQ(e.what(), "listener refused bad");
          throw;
        }
      },
      std::runtime_error);
  EXPECT_EQ(got, (lines{"after_rollback"}));  // the flush's transaction was rolled back
  EXPECT_THROW(s.add(User{.username = "x"}), retort::PendingRollbackError);
  s.rollback();
  EXPECT_EQ(s.query<User>().count(), 0);  // the user's INSERT, before the post's, is gone too
  s.add(User{.username = "again"});
  s.commit();
  EXPECT_EQ(s.query<User>().count(), 1);
}

// Flask-SQLAlchemy 3.0.3's track_modifications on these events: ops recorded in
// before_flush and before_commit from session.new / dirty / deleted, keyed by
// identity; before_models_committed in before_commit, models_committed in
// after_commit; after_rollback forgets them.
TEST_P(events_test, session_events_carry_what_flask_sqlalchemy_models_committed_needs) {
  using change = std::pair<std::string, std::string>;  // (username, operation)
  std::vector<std::pair<retort::any_ptr, std::string>> changes;
  std::vector<change> before_committed, committed;
  auto record_ops = [&](retort::session& s) {
    auto note = [&](const std::vector<retort::any_ptr>& targets, const char* op) {
      for (const auto& t : targets) {
        auto it = std::find_if(changes.begin(), changes.end(), [&](const auto& c) { return c.first == t; });
        if (it == changes.end())
          changes.emplace_back(t, op);
        else
          it->second = op;
      }
    };
    note(s.new_objects(), "insert");
    note(s.dirty_objects(), "update");
    note(s.deleted_objects(), "delete");
  };
  auto as_names = [&] {
    std::vector<change> out;
    for (auto& [o, op] : changes) out.emplace_back(o.as<User>()->username, op);
    std::sort(out.begin(), out.end());
    return out;
  };
  auto l1 = retort::listen(retort::before_flush, record_ops);
  auto l2 = retort::listen(retort::before_commit, [&](retort::session& s) {
    record_ops(s);
    before_committed = as_names();
  });
  retort::testing::statement_recorder* rec = nullptr;
  std::size_t statements_in_after_commit = 0;
  auto l3 = retort::listen(retort::after_commit, [&](retort::session&) {
    auto before = rec ? rec->count() : 0;
    committed = as_names();  // the objects are not expired yet: reading them runs no SQL
    statements_in_after_commit += rec ? rec->count() - before : 0;
    changes.clear();
  });
  auto l4 = retort::listen(retort::after_rollback, [&](retort::session&) { changes.clear(); });
  auto s = session();
  auto a = s.add(User{.username = "a"});
  auto b = s.add(User{.username = "b"});
  s.flush();
  s.commit();
  EXPECT_EQ(committed, (std::vector<change>{{"a", "insert"}, {"b", "insert"}}));
  a->email = "a@x";
  s.delete_(b);
  s.add(User{.username = "c"});
  rec = &record();
  s.commit();
  EXPECT_EQ(before_committed, (std::vector<change>{{"a", "update"}, {"b", "delete"}, {"c", "insert"}}));
  EXPECT_EQ(committed, before_committed);
  EXPECT_EQ(statements_in_after_commit, 0u);
  EXPECT_GT(rec->count(), 0u);
  s.add(User{.username = "r"});
  s.flush();
  s.rollback();
  EXPECT_TRUE(changes.empty());
}

}  // namespace
