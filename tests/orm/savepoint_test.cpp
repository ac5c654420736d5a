// session.begin_nested(): SAVEPOINT with partial rollback.
#include "support/orm_fixture.hpp"

using fixtures::User;
using retort::testing::orm_test;
using namespace retort::testing::sql_rules;

namespace {

class savepoint_test : public orm_test {};
RETORT_ORM_SUITE(savepoint_test);

TEST_P(savepoint_test, rollback_of_a_savepoint_keeps_the_outer_work) {
  auto s = session();
  auto outer = s.add(User{.username = "outer"});
  {
    auto sp = s.begin_nested();  // flushes "outer" first
    auto inner = s.add(User{.username = "inner"});
    s.flush();
    EXPECT_EQ(s.query<User>().count(), 2);
    sp.rollback();
    EXPECT_FALSE(s.contains(inner));
  }
  EXPECT_TRUE(s.contains(outer));
  s.commit();
  auto s2 = session();
  EXPECT_EQ(s2.query<User>().count(), 1);
  EXPECT_EQ(s2.query<User>().one()->username, "outer");
}

TEST_P(savepoint_test, committed_savepoint_is_kept) {
  auto s = session();
  {
    auto sp = s.begin_nested();
    s.add(User{.username = "inner"});
    sp.commit();
  }
  s.commit();
  auto s2 = session();
  EXPECT_EQ(s2.query<User>().count(), 1);
}

TEST_P(savepoint_test, integrity_error_inside_a_savepoint_rolls_back_only_the_savepoint) {
  auto s = session();
  auto alice = s.add(User{.username = "alice"});
  auto sp = s.begin_nested();  // flushes alice
  auto dup = s.add(User{.username = "alice"});
  retort::testing::statement_recorder rec(db().engine(), true);
  EXPECT_THROW(s.flush(), retort::IntegrityError);
  // The failed INSERT, then a ROLLBACK TO the savepoint, not a ROLLBACK of everything.
  EXPECT_SQL(
      rec,
      {compiled_sql("INSERT INTO user (username, email) VALUES (?, ?)").returning("id").params({"alice", std::nullopt}),
       compiled_sql("ROLLBACK TO SAVEPOINT sa_savepoint_1")});
  // Until the savepoint is rolled back, the session refuses work, naming the way out.
  try {
    s.query<User>().count();
    ADD_FAILURE() << "expected PendingRollbackError";
  } catch (const retort::PendingRollbackError& e) {
    EXPECT_NE(std::string(e.what()).find("nested transaction"), std::string::npos) << e.what();
  }
  sp.rollback();
  EXPECT_FALSE(s.contains(dup));
  EXPECT_TRUE(s.contains(alice));
  EXPECT_TRUE(s.in_transaction());
  EXPECT_EQ(s.query<User>().count(), 1);  // the outer transaction's work is still there
  s.add(User{.username = "bob"});
  s.commit();
  auto s2 = session();
  EXPECT_EQ(s2.query<User>().count(), 2);
}

TEST_P(savepoint_test, a_savepoint_per_record_skips_the_ones_that_fail) {
  // SQLAlchemy's documented pattern: `with session.begin_nested(): session.add(record)`
  // inside a loop, skipping records that raise IntegrityError.
  auto s = session();
  int skipped = 0;
  for (const char* name : {"a", "b", "a", "c", "b"}) {
    auto sp = s.begin_nested();
    s.add(User{.username = name});
    try {
      sp.commit();  // flushes, then RELEASE SAVEPOINT
    } catch (const retort::IntegrityError&) {
      sp.rollback();
      ++skipped;
    }
  }
  s.commit();
  EXPECT_EQ(skipped, 2);
  auto s2 = session();
  auto users = s2.query<User>().order_by(retort::col<&User::username>.asc()).all();
  ASSERT_EQ(users.size(), 3u);
  EXPECT_EQ(users[0]->username, "a");
  EXPECT_EQ(users[2]->username, "c");
}

TEST_P(savepoint_test, the_savepoint_of_a_failed_flush_cannot_be_committed) {
  auto s = session();
  s.add(User{.username = "alice"});
  {
    auto sp = s.begin_nested();
    s.add(User{.username = "alice"});
    EXPECT_THROW(sp.commit(), retort::IntegrityError);
    EXPECT_THROW(sp.commit(), retort::PendingRollbackError);
    EXPECT_TRUE(sp.is_active());
  }  // the destructor rolls it back
  s.commit();
  auto s2 = session();
  EXPECT_EQ(s2.query<User>().count(), 1);
}

TEST_P(savepoint_test, session_rollback_after_a_failed_savepoint_ends_everything) {
  auto s = session();
  s.add(User{.username = "alice"});
  auto sp = s.begin_nested();
  s.add(User{.username = "alice"});
  EXPECT_THROW(s.flush(), retort::IntegrityError);
  s.rollback();
  sp.rollback();  // already ended with the transaction: no error
  EXPECT_EQ(s.query<User>().count(), 0);
}

TEST_P(savepoint_test, rolling_back_an_outer_savepoint_ends_the_failed_inner_one) {
  auto s = session();
  s.add(User{.username = "alice"});
  auto outer = s.begin_nested();  // alice flushed before it
  s.add(User{.username = "bob"});
  auto inner = s.begin_nested();  // bob flushed inside outer
  s.add(User{.username = "alice"});
  EXPECT_THROW(s.flush(), retort::IntegrityError);
  outer.rollback();  // takes bob and the failed inner savepoint with it
  EXPECT_EQ(s.query<User>().count(), 1);
  inner.rollback();  // already ended: no error, no effect
  EXPECT_THROW(inner.commit(), retort::InvalidRequestError);
  s.commit();
  auto s2 = session();
  EXPECT_EQ(s2.query<User>().count(), 1);
}

TEST_P(savepoint_test, a_savepoint_of_an_ended_transaction_leaves_newer_ones_alone) {
  auto s = session();
  auto old = s.begin_nested();
  s.rollback();  // ends the transaction and `old` with it
  auto fresh = s.begin_nested();  // the same depth in a new transaction
  s.add(User{.username = "kept"});
  old.rollback();  // must not roll back `fresh`
  EXPECT_TRUE(fresh.is_active());
  fresh.commit();
  s.commit();
  auto s2 = session();
  EXPECT_EQ(s2.query<User>().count(), 1);
}

TEST_P(savepoint_test, savepoint_sql_is_emitted) {
  auto s = session();
  retort::testing::statement_recorder rec(db().engine(), true);
  auto sp = s.begin_nested();
  s.add(User{.username = "x"});
  sp.rollback();
  // The pending user was never flushed: nothing between the two.
  EXPECT_SQL(rec, {compiled_sql("BEGIN"), compiled_sql("SAVEPOINT sa_savepoint_1"),
                   compiled_sql("ROLLBACK TO SAVEPOINT sa_savepoint_1")});
}

}  // namespace
