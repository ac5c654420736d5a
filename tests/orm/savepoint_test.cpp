// session.begin_nested(): SAVEPOINT with partial rollback.
#include "support/orm_fixture.hpp"

using fixtures::User;
using retort::testing::orm_test;

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
  s.add(User{.username = "alice"});
  auto sp = s.begin_nested();
  s.add(User{.username = "alice"});
  EXPECT_THROW(s.flush(), retort::IntegrityError);
  s.rollback();  // after a failed flush the whole transaction is rolled back, as SQLAlchemy does
  EXPECT_EQ(s.query<User>().count(), 0);
}

TEST_P(savepoint_test, savepoint_sql_is_emitted) {
  auto s = session();
  retort::testing::statement_recorder rec(db().engine(), true);
  auto sp = s.begin_nested();
  s.add(User{.username = "x"});
  sp.rollback();
  auto sql = rec.sql();
  ASSERT_GE(sql.size(), 3u);
  EXPECT_EQ(sql[0], "BEGIN");
  EXPECT_EQ(sql[1].rfind("SAVEPOINT", 0), 0u);
  EXPECT_EQ(sql.back().rfind("ROLLBACK TO SAVEPOINT", 0), 0u);
}

}  // namespace
