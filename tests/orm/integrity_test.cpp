// Bad input: constraint violations raise IntegrityError naming the
// constraint; a failed flush writes nothing; after rollback the session is
// usable and consistent with the database.
#include "support/orm_fixture.hpp"

using fixtures::Post;
using fixtures::User;
using retort::testing::orm_test;

namespace {

class integrity_test : public orm_test {};
RETORT_ORM_SUITE(integrity_test);

// A post without an author (user_id 0, no key) is a NOT NULL error: no_key_test.cpp.

TEST_P(integrity_test, unique_violation_names_the_constraint_and_writes_nothing) {
  auto s = session();
  s.add(User{.username = "alice"});
  s.commit();
  auto a = s.add(User{.username = "zed"});
  auto b = s.add(User{.username = "alice"});  // duplicate
  try {
    s.commit();
    FAIL() << "expected IntegrityError";
  } catch (const retort::IntegrityError& e) {
    std::string what = e.what();
    if (caps().named_unique_constraints)
      EXPECT_EQ(e.constraint(), "user_username_key") << what;
    else
      EXPECT_EQ(e.constraint(), "UNIQUE") << what;
    EXPECT_EQ(e.table(), "user") << what;
    EXPECT_EQ(e.info().sqlstate, "23505") << what;  // unique_violation, on both
  }
  EXPECT_THROW(s.query<User>().count(), retort::PendingRollbackError);
  s.rollback();
  // Nothing partial: "zed" was in the same flush and is not there.
  EXPECT_EQ(s.query<User>().count(), 1);
  EXPECT_FALSE(s.contains(a));
  EXPECT_FALSE(s.contains(b));
  EXPECT_EQ(a->id, 0);
  // The session is usable again.
  s.add(User{.username = "bob"});
  s.commit();
  EXPECT_EQ(s.query<User>().count(), 2);
}

TEST_P(integrity_test, not_null_column_names_the_column) {
  auto s = session();
  auto u = s.add(User{.username = "alice"});
  s.commit();
  auto& conn = s.connection();
  try {
    conn.execute(retort::sql::insert("post").columns({"title", "content", "user_id"}).row({"t", retort::sql::value(), 1}));
    FAIL() << "expected IntegrityError";
  } catch (const retort::IntegrityError& e) {
    EXPECT_EQ(e.column(), "content") << e.what();
    EXPECT_EQ(e.table(), "post") << e.what();
  }
  s.rollback();
  (void)u;
}

TEST_P(integrity_test, failed_flush_of_an_update_leaves_persistent_objects_consistent) {
  auto s = session();
  s.add(User{.username = "alice"});
  s.add(User{.username = "bob"});
  s.commit();
  auto bob = s.get<User>(2);
  bob->username = "alice";
  EXPECT_THROW(s.flush(), retort::IntegrityError);
  s.rollback();
  EXPECT_EQ(bob->username, "bob");  // expired by rollback, reloaded from the database
}

TEST_P(integrity_test, foreign_key_violation_names_table_column_and_constraint) {
  auto s = session();
  s.add(Post{.title = "t", .content = "c", .user_id = 99});
  try {
    s.commit();
    FAIL() << "expected IntegrityError";
  } catch (const retort::IntegrityError& e) {
    EXPECT_EQ(e.table(), "post") << e.what();
    EXPECT_EQ(e.column(), "user_id") << e.what();
    EXPECT_EQ(e.info().sqlstate, "23503") << e.what();  // foreign_key_violation, on both
    // SQLite: FOREIGN KEY (user_id) REFERENCES user (id); PostgreSQL: post_user_id_fkey.
    EXPECT_NE(e.constraint().find("user_id"), std::string::npos) << e.what();
  }
  s.rollback();
  EXPECT_EQ(s.query<Post>().count(), 0);
}

TEST_P(integrity_test, a_table_with_two_foreign_keys_names_the_candidates) {
  auto s = session();
  auto ann = s.add(fixtures::Account{.name = "ann"});
  s.commit();
  s.add(fixtures::Transfer{.amount = 1, .source_id = 99, .target_id = ann->id});
  try {
    s.flush();
    FAIL() << "expected IntegrityError";
  } catch (const retort::IntegrityError& e) {
    EXPECT_EQ(e.table(), "transfer") << e.what();
    // PostgreSQL names the key (transfer_source_id_fkey); SQLite cannot, and lists both.
    EXPECT_NE(e.constraint().find("source_id"), std::string::npos) << e.what();
  }
  s.rollback();
}

}  // namespace
