// Misuse is a typed error, never undefined behaviour: empty handles, moved-from
// sessions, savepoints and transactions that outlive what they belong to, one
// session entered by two threads, keys of the wrong type, refreshing what has
// no row. Each of these was a crash or a sanitizer report before; the
// sanitizer build runs them too.
#include <future>
#include <thread>

#include "retort/engine/connection.hpp"
#include "support/orm_fixture.hpp"

using fixtures::Post;
using fixtures::User;
using retort::testing::orm_test;

namespace {

class misuse_test : public orm_test {};
RETORT_ORM_SUITE(misuse_test);

TEST_P(misuse_test, dereferencing_what_get_did_not_find_is_a_null_reference_error) {
  auto s = session();
  auto missing = s.get<User>(42);
  EXPECT_FALSE(missing);
  EXPECT_THROW((void)missing->username, retort::NullReferenceError);
  EXPECT_THROW((void)(*missing).username, retort::NullReferenceError);
  EXPECT_EQ(missing.get(), nullptr);  // get() stays the non-throwing raw accessor
  try {
    (void)s.get<User>(42)->username;
    FAIL();
  } catch (const retort::NullReferenceError& e) {
    EXPECT_NE(std::string(e.what()).find("ptr<fixtures::User>"), std::string::npos) << e.what();
  }
}

TEST_P(misuse_test, an_empty_one_is_a_null_reference_error) {
  auto s = session();
  auto p = retort::orm::make(Post{.title = "t", .content = "c"});
  EXPECT_FALSE(p->author);
  try {
    (void)p->author->username;
    FAIL();
  } catch (const retort::NullReferenceError& e) {
    EXPECT_NE(std::string(e.what()).find("one<fixtures::User>"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)(*p->author).username, retort::NullReferenceError);
}

TEST_P(misuse_test, an_empty_handle_given_to_the_session_is_an_argument_error) {
  auto s = session();
  retort::ptr<User> none;
  EXPECT_THROW(s.add(none), retort::ArgumentError);
  EXPECT_THROW(s.delete_(none), retort::ArgumentError);
  EXPECT_THROW(s.refresh(none), retort::ArgumentError);
  EXPECT_THROW(s.expire(none), retort::ArgumentError);
  EXPECT_THROW(s.expunge(none), retort::ArgumentError);
}

TEST_P(misuse_test, a_moved_from_session_is_an_invalid_request) {
  auto s = session();
  auto u = s.add(User{.username = "a"});
  auto moved = std::move(s);
  EXPECT_THROW(s.add(User{.username = "b"}), retort::InvalidRequestError);  // NOLINT(bugprone-use-after-move)
  EXPECT_THROW(s.commit(), retort::InvalidRequestError);
  EXPECT_THROW(s.get<User>(1), retort::InvalidRequestError);
  EXPECT_THROW(s.query<User>().all(), retort::InvalidRequestError);
  EXPECT_THROW((void)s.new_count(), retort::InvalidRequestError);
  moved.commit();  // the session it moved to has the work
  EXPECT_EQ(moved.query<User>().count(), 1);
}

TEST_P(misuse_test, a_savepoint_outliving_its_session) {
  std::optional<retort::nested_transaction> nt;
  {
    auto s = session();
    s.add(User{.username = "a"});
    nt.emplace(s.begin_nested());
  }  // the session is destroyed first: everything rolled back
  EXPECT_TRUE(nt->is_active());
  EXPECT_THROW(nt->commit(), retort::InvalidRequestError);
  EXPECT_FALSE(nt->is_active());
  nt->rollback();  // nothing to do
  nt.reset();
  auto s = session();
  EXPECT_EQ(s.query<User>().count(), 0);
}

TEST_P(misuse_test, a_savepoint_destroyed_after_its_session_does_nothing) {
  std::optional<retort::nested_transaction> nt;
  {
    auto s = session();
    nt.emplace(s.begin_nested());
  }
  nt.reset();  // before the fix: heap-use-after-free in the destructor's rollback
  SUCCEED();
}

TEST_P(misuse_test, an_engine_transaction_outliving_its_connection) {
  std::optional<retort::engine::transaction> tx;
  {
    auto c = db().engine().connect();
    tx.emplace(c.begin());
    c.execute(retort::sql::insert("user").columns({"username"}).row({"ghost"}));
  }  // closing the connection rolled back
  EXPECT_THROW(tx->commit(), retort::InvalidRequestError);
  tx->rollback();
  tx.reset();  // before the fix: stack-use-after-scope
  auto s = session();
  EXPECT_EQ(s.query<User>().count(), 0);
}

TEST_P(misuse_test, a_transaction_of_a_moved_connection_cannot_commit) {
  auto c = db().engine().connect();
  auto tx = c.begin();
  auto moved = std::move(c);
  EXPECT_THROW(tx.commit(), retort::InvalidRequestError);
  moved.rollback();
}

TEST_P(misuse_test, a_second_thread_entering_a_session_in_use_is_refused) {
  auto s = session();
  s.add(User{.username = "a"});
  s.commit();
  std::promise<void> inside, release;
  auto released = release.get_future().share();
  bool block = true;
  auto id = db().engine().listen([&](const retort::engine::statement_event& ev) {
    if (!block || ev.control) return;
    block = false;
    inside.set_value();
    released.wait();  // thread A stays inside the session's query
  });
  std::thread a([&] { EXPECT_EQ(s.query<User>().count(), 1); });
  inside.get_future().wait();
  try {
    s.get<User>(1);  // this thread, while A is inside
    ADD_FAILURE() << "expected InvalidRequestError";
  } catch (const retort::InvalidRequestError& e) {
    EXPECT_NE(std::string(e.what()).find("another thread"), std::string::npos) << e.what();
  }
  EXPECT_THROW(s.add(User{.username = "b"}), retort::InvalidRequestError);
  EXPECT_THROW(s.commit(), retort::InvalidRequestError);
  release.set_value();
  a.join();
  db().engine().unlisten(id);
  EXPECT_EQ(s.get<User>(1)->username, "a");  // free again once A has left
}

TEST_P(misuse_test, one_session_handed_from_thread_to_thread_is_fine) {
  auto s = session();
  std::thread([&] {
    s.add(User{.username = "a"});
    s.commit();
  }).join();
  std::thread([&] { EXPECT_EQ(s.query<User>().count(), 1); }).join();
}

TEST_P(misuse_test, a_key_of_the_wrong_type_is_an_argument_error_on_both_databases) {
  auto s = session();
  s.add(User{.username = "a"});
  s.commit();
  // get<User>("1") does not compile (tests/compile_fail/wrong_key_type.cpp); the
  // type-erased path checks at run time. Before: user 1 on SQLite, ProgrammingError on PostgreSQL.
  try {
    s.get_state(retort::orm::mapper_for<User>(), {retort::sql::value("1")});
    FAIL();
  } catch (const retort::ArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find("'id'"), std::string::npos) << e.what();
  }
  EXPECT_THROW(s.get_state(retort::orm::mapper_for<User>(), {retort::sql::value()}), retort::ArgumentError);
  EXPECT_TRUE(s.get<User>(std::int64_t{1}));  // any integer type is fine
  EXPECT_TRUE(s.get<User>(1u));
}

TEST_P(misuse_test, refreshing_a_pending_object_is_an_invalid_request_naming_it) {
  auto s = session();
  auto u = s.add(User{.username = "new"});
  try {
    s.refresh(u);
    FAIL();
  } catch (const retort::InvalidRequestError& e) {
    EXPECT_NE(std::string(e.what()).find("User"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("pending"), std::string::npos) << e.what();
  }
  s.commit();  // still usable
  s.refresh(u);
  EXPECT_EQ(u->username, "new");
}

}  // namespace
