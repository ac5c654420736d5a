// yield_per (SQLAlchemy's Query.yield_per / execution_options(yield_per=n)):
// the rows come n at a time from one statement, objects of earlier batches
// that nothing holds leave the session, so the identity map stays bounded by
// the batch size however many rows are read; objects held, or changed, stay.
#include <string>
#include <vector>

#include "support/orm_fixture.hpp"

using fixtures::Post;
using fixtures::User;
using retort::col;
using retort::testing::count_matching;
using retort::testing::orm_test;
using namespace retort::testing::sql_rules;

namespace {

class stream_test : public orm_test {
 protected:
  /// `n` users (user1..), each with two posts.
  void seed(int n) {
    auto s = session();
    std::vector<retort::value_row> users, posts;
    for (int i = 1; i <= n; ++i) {
      users.push_back({{"username", "user" + std::to_string(i)}});  // ids 1..n, generated in order
      posts.push_back({{"title", "a" + std::to_string(i)}, {"content", "x"}, {"user_id", i}});
      posts.push_back({{"title", "b" + std::to_string(i)}, {"content", "x"}, {"user_id", i}});
    }
    s.execute(retort::insert<User>(), users);
    s.execute(retort::insert<Post>(), posts);
    s.commit();
  }
};
RETORT_ORM_SUITE(stream_test);

TEST_P(stream_test, objects_come_in_batches_from_one_statement_and_earlier_batches_are_freed) {
  seed(2500);
  auto s = session();
  auto& rec = record();
  std::size_t seen = 0, most = 0;
  long sum = 0;
  for (const auto& u : s.query<User>().order_by(col<&User::id>).yield_per(100)) {
    ++seen;
    sum += u->id;
    most = std::max(most, s.identity_count());
  }
  EXPECT_EQ(seen, 2500u);
  EXPECT_EQ(sum, 2500L * 2501 / 2);
  // The map never held more than the batch being read and the one before it.
  EXPECT_LE(most, 200u);
  EXPECT_SQL(rec, {compiled_sql("SELECT user.id, user.username, user.email FROM user ORDER BY user.id")});
}

TEST_P(stream_test, partitions_are_the_batches_and_held_or_changed_objects_stay) {
  seed(250);
  auto s = session();
  auto stream = s.query<User>().order_by(col<&User::id>).yield_per(100);
  std::vector<std::size_t> sizes;
  retort::ptr<User> kept;
  for (auto& batch : stream.partitions()) {
    sizes.push_back(batch.size());
    if (!kept) kept = batch[5];
    if (sizes.size() == 1) batch[7]->email = "changed@x";  // a pending change keeps it in the session
  }
  EXPECT_EQ(sizes, (std::vector<std::size_t>{100, 100, 50}));
  EXPECT_TRUE(s.contains(kept));
  EXPECT_EQ(kept->username, "user6");
  EXPECT_EQ(s.dirty_count(), 1u);
  auto& rec = record();
  s.commit();
  EXPECT_SQL(rec, {compiled_sql("UPDATE user SET email = ? WHERE user.id = ?").params({"changed@x", 8})});
}

TEST_P(stream_test, selectin_loads_each_batchs_collections_and_joined_collections_are_refused) {
  seed(250);
  auto s = session();
  auto& rec = record();
  std::size_t posts = 0;
  for (const auto& u : s.query<User>().options(retort::selectinload<&User::posts>()).order_by(col<&User::id>).yield_per(100))
    posts += u->posts.size();
  EXPECT_EQ(posts, 500u);
  EXPECT_EQ(count_matching(rec, starts_with("SELECT post.")), 3u);  // one IN per batch
  EXPECT_EQ(rec.count(), 4u);
  try {
    s.query<User>().options(retort::joinedload<&User::posts>()).yield_per(10);
    FAIL();
  } catch (const retort::InvalidRequestError& e) {
    EXPECT_NE(std::string(e.what()).find("yield_per is not compatible with joined eager loading of User.posts"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(s.query<User>().yield_per(0), retort::ArgumentError);
}

TEST_P(stream_test, the_2_0_spelling_streams_a_select) {
  seed(120);
  auto s = session();
  auto stream = s.scalars(retort::select<User>().where(col<&User::id> > 20).order_by(col<&User::id>).yield_per(50));
  std::vector<std::size_t> sizes;
  for (auto& batch : stream.partitions()) sizes.push_back(batch.size());
  EXPECT_EQ(sizes, (std::vector<std::size_t>{50, 50}));
}

TEST_P(stream_test, autoflush_runs_first_and_the_stream_ends_with_the_transaction) {
  seed(30);
  auto s = session();
  s.add(User{.username = "pending"});
  auto stream = s.query<User>().yield_per(10);
  auto first = stream.next_partition();
  EXPECT_EQ(first.size(), 10u);
  s.commit();
  EXPECT_THROW(stream.next_partition(), retort::InvalidRequestError);
  std::size_t n = 0;
  for (const auto& u : s.query<User>().yield_per(7)) n += u ? 1 : 0;
  EXPECT_EQ(n, 31u);
}

}  // namespace
