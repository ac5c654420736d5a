// session.query<T>(): where, filter_by, order_by, limit, offset, all, first,
// one, one_or_none, count, get.
#include "support/orm_fixture.hpp"

using fixtures::Post;
using fixtures::User;
using retort::col;
using retort::testing::orm_test;
using namespace retort::testing::sql_rules;

namespace {

class query_test : public orm_test {
 protected:
  void SetUp() override {
    orm_test::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    auto s = session();
    for (const char* n : {"carol", "alice", "bob", "dave"}) s.add(User{.username = n});
    s.commit();
  }
};
RETORT_ORM_SUITE(query_test);

TEST_P(query_test, all_in_order) {
  auto s = session();
  auto users = s.query<User>().order_by(col<&User::username>.asc()).all();
  ASSERT_EQ(users.size(), 4u);
  EXPECT_EQ(users[0]->username, "alice");
  EXPECT_EQ(users[3]->username, "dave");
}

TEST_P(query_test, where_and_filter_by) {
  auto s = session();
  EXPECT_EQ(s.query<User>().where(col<&User::username> == "bob").one()->id, 3);
  EXPECT_EQ(s.query<User>().filter_by<&User::username>("carol").one()->id, 1);
  EXPECT_EQ(s.query<User>().where(col<&User::id> > 1 && col<&User::username>.like("%a%")).count(), 2);
  EXPECT_EQ(s.query<User>().where(col<&User::username>.in_({"alice", "dave", "zed"})).count(), 2);
  EXPECT_EQ(s.query<User>().where(col<&User::username>.in_(std::vector<std::string>{})).count(), 0);
  EXPECT_EQ(s.query<User>().where(col<&User::email>.is_null()).count(), 4);
}

TEST_P(query_test, limit_offset_and_first) {
  auto s = session();
  auto page = s.query<User>().order_by(col<&User::id>).limit(2).offset(1).all();
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0]->id, 2);
  EXPECT_EQ(page[1]->id, 3);
  EXPECT_EQ(s.query<User>().order_by(col<&User::id>.desc()).first()->id, 4);
  EXPECT_FALSE(s.query<User>().where(col<&User::id> > 100).first());
  EXPECT_EQ(s.query<User>().order_by(col<&User::id>).offset(3).all().size(), 1u);
  EXPECT_EQ(s.query<User>().limit(3).count(), 3);
}

TEST_P(query_test, one_and_one_or_none_raise) {
  auto s = session();
  EXPECT_THROW(s.query<User>().where(col<&User::id> > 100).one(), retort::NoResultFound);
  EXPECT_THROW(s.query<User>().one(), retort::MultipleResultsFound);
  EXPECT_THROW(s.query<User>().one_or_none(), retort::MultipleResultsFound);
  EXPECT_FALSE(s.query<User>().where(col<&User::id> > 100).one_or_none());
}

TEST_P(query_test, get_through_the_query_like_flask) {
  auto s = session();
  auto& rec = record();
  auto u = s.query<User>().get(2);  // User.query.get(2)
  ASSERT_TRUE(u);
  EXPECT_EQ(u->username, "alice");
  EXPECT_EQ(s.query<User>().get(2), u);
  EXPECT_SQL(rec, {compiled_sql("SELECT user.id, user.username, user.email FROM user WHERE user.id = ?").params({2})});
}

TEST_P(query_test, values_travel_as_parameters) {
  auto s = session();
  auto& rec = record();
  std::string hostile = "x'; DROP TABLE post; --";
  EXPECT_EQ(s.query<User>().where(col<&User::username> == hostile).count(), 0);
  EXPECT_SQL(rec, {compiled_sql("SELECT count(*) FROM user WHERE user.username = ?").params({hostile})});
}

TEST_P(query_test, query_statement_is_inspectable) {
  auto s = session();
  auto q = s.query<Post>().where(col<&Post::user_id> == 1);
  auto text = retort::sql::compile(q.statement(), db().engine().dialect()).sql;
  EXPECT_EQ(retort::testing::normalize_sql(text),
            "SELECT post.id, post.title, post.content, post.user_id FROM post WHERE post.user_id = ?");
}

}  // namespace
