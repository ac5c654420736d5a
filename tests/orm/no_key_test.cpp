// "No key yet" in a plain integer foreign-key member: 0 is NULL to the
// database, as it is for a generated primary key. A post without an author
// and a parent deleted under its NOT NULL children fail at the database with
// NOT NULL, as in SQLAlchemy; nothing is written and the session needs rollback().
#include <optional>

#include "support/orm_fixture.hpp"

using fixtures::Post;
using fixtures::User;
using retort::testing::orm_test;

namespace no_key {

struct Shelf;

/// A plain int foreign key that may be NULL: 0 in C++.
struct Book {
  int id = 0;
  std::string title{};
  int shelf_id = 0;
  retort::one<Shelf> shelf{};
};

struct Shelf {
  int id = 0;
  std::string label{};
  retort::many<Book> books{};
};

/// A foreign key to a column that is not generated: 0 is a value like any other.
struct Code {
  int id = 0;
  int number = 0;
};
struct Coded {
  int id = 0;
  int code_number = 0;
};

}  // namespace no_key

template <>
inline constexpr auto retort::mapping<no_key::Shelf> =
    retort::model(retort::table_name("nk_shelf"), retort::column<&no_key::Shelf::id>(retort::primary_key),
                  retort::column<&no_key::Shelf::label>(),
                  retort::relationship<&no_key::Shelf::books>(retort::back_populates<&no_key::Book::shelf>));
template <>
inline constexpr auto retort::mapping<no_key::Book> =
    retort::model(retort::table_name("nk_book"), retort::column<&no_key::Book::id>(retort::primary_key),
                  retort::column<&no_key::Book::title>(),
                  retort::column<&no_key::Book::shelf_id>(retort::foreign_key<&no_key::Shelf::id>, retort::nullable),
                  retort::relationship<&no_key::Book::shelf>(retort::back_populates<&no_key::Shelf::books>));
template <>
inline constexpr auto retort::mapping<no_key::Code> =
    retort::model(retort::table_name("nk_code"), retort::column<&no_key::Code::id>(retort::primary_key),
                  retort::column<&no_key::Code::number>(retort::unique));
template <>
inline constexpr auto retort::mapping<no_key::Coded> =
    retort::model(retort::table_name("nk_coded"), retort::column<&no_key::Coded::id>(retort::primary_key),
                  retort::column<&no_key::Coded::code_number>(retort::foreign_key<&no_key::Code::number>));

namespace {

class no_key_test : public orm_test {
 protected:
  /// The value stored in table.column of row `id`, read with Core (no ORM conversion).
  retort::sql::value stored(const std::string& table, const std::string& column, int id) {
    using retort::sql::column_ref;
    auto conn = db().engine().connect();
    auto r = conn.execute(
        retort::sql::select({column_ref<int>(table, column)}).from(table).where(column_ref<int>(table, "id") == id));
    return r.scalar();
  }
};
RETORT_ORM_SUITE(no_key_test);

TEST_P(no_key_test, a_post_without_author_is_a_not_null_error_at_insert) {
  auto s = session();
  auto u = s.add(User{.username = "alice"});
  auto p = s.add(Post{.title = "t", .content = "c"});  // user_id 0: no key
  auto& rec = record();
  try {
    s.flush();
    FAIL() << "expected IntegrityError";
  } catch (const retort::IntegrityError& e) {
    EXPECT_EQ(e.info().sqlstate, "23502") << e.what();  // not_null_violation, not the foreign key
    EXPECT_EQ(e.table(), "post") << e.what();
    EXPECT_EQ(e.column(), "user_id") << e.what();
  }
  // The INSERT sent NULL for user_id (SQLAlchemy: INSERT INTO post ... (..., None)).
  ASSERT_EQ(retort::testing::count_matching(rec, retort::testing::verb_table("INSERT", "post")), 1u);
  const auto& insert = rec.entries().back();
  ASSERT_EQ(insert.params.size(), 3u) << insert.sql;
  EXPECT_TRUE(insert.params[2].is_null()) << insert.sql;
  EXPECT_EQ(p->user_id, 0);
  EXPECT_THROW(s.query<User>().count(), retort::PendingRollbackError);
  s.rollback();
  EXPECT_EQ(s.query<User>().count(), 0);  // nothing written: alice's INSERT was rolled back too
  EXPECT_EQ(s.query<Post>().count(), 0);
  (void)u;
}

TEST_P(no_key_test, deleting_a_parent_sets_not_null_children_to_null_and_fails) {
  auto s = session();
  auto u = s.add(User{.username = "alice"});
  u->posts.add(Post{.title = "a", .content = "c"});
  u->posts.add(Post{.title = "b", .content = "c"});
  s.commit();
  s.delete_(u);
  auto& rec = record();
  try {
    s.flush();
    FAIL() << "expected IntegrityError";
  } catch (const retort::IntegrityError& e) {
    EXPECT_EQ(e.info().sqlstate, "23502") << e.what();
    EXPECT_EQ(e.column(), "user_id") << e.what();
  }
  // SQLAlchemy: SELECT the collection, UPDATE post SET user_id=NULL per child, which fails.
  ASSERT_GE(retort::testing::count_matching(rec, retort::testing::verb_table("UPDATE", "post")), 1u) << ::testing::PrintToString(rec.sql());
  EXPECT_EQ(retort::testing::count_matching(rec, retort::testing::verb_table("DELETE")), 0u);
  for (const auto& e : rec.entries())
    if (e.sql.starts_with("UPDATE post")) {
      EXPECT_TRUE(e.params.at(0).is_null()) << e.sql;
    }
  EXPECT_THROW(s.get<Post>(1), retort::PendingRollbackError);
  s.rollback();
  EXPECT_EQ(s.query<User>().count(), 1);
  EXPECT_EQ(s.query<Post>().count(), 2);
  EXPECT_EQ(s.get<Post>(1)->user_id, u->id);
  EXPECT_EQ(stored("post", "user_id", 2), retort::sql::value(std::int64_t{u->id}));
}

TEST_P(no_key_test, a_nullable_plain_foreign_key_stores_null_and_loads_as_zero) {
  auto s = session();
  auto shelf = s.add(no_key::Shelf{.label = "top"});
  auto loose = s.add(no_key::Book{.title = "loose"});
  auto kept = s.add(no_key::Book{.title = "kept", .shelf = shelf});
  s.commit();
  EXPECT_TRUE(stored("nk_book", "shelf_id", loose->id).is_null());
  EXPECT_EQ(stored("nk_book", "shelf_id", kept->id), retort::sql::value(std::int64_t{shelf->id}));

  auto s2 = session();
  auto& rec = record();
  auto b = s2.get<no_key::Book>(1);
  EXPECT_EQ(b->shelf_id, 0);           // NULL loads as 0
  EXPECT_EQ(b->shelf.get(), nullptr);  // and loads no shelf: no SELECT ... WHERE id = 0
  EXPECT_EQ(rec.count(), 1u) << ::testing::PrintToString(rec.sql());
  rec.clear();
  b->title = b->title;  // touched, unchanged: the snapshot (NULL) and the member (0) agree
  s2.flush();
  EXPECT_EQ(rec.count(), 0u) << ::testing::PrintToString(rec.sql());
}

TEST_P(no_key_test, removing_a_child_stores_null_in_a_nullable_plain_key) {
  auto s = session();
  auto shelf = s.add(no_key::Shelf{.label = "top"});
  auto b = shelf->books.add(no_key::Book{.title = "t"});
  s.commit();
  shelf->books.remove(b);
  s.commit();
  EXPECT_EQ(b->shelf_id, 0);
  EXPECT_TRUE(stored("nk_book", "shelf_id", b->id).is_null());
  // Deleting a parent nulls its children the same way, instead of failing before any SQL.
  b->shelf = shelf;
  s.commit();
  s.delete_(shelf);
  s.commit();
  EXPECT_TRUE(stored("nk_book", "shelf_id", b->id).is_null());
  EXPECT_EQ(b->shelf_id, 0);
}

TEST_P(no_key_test, assigning_a_key_and_back_to_zero_is_tracked) {
  auto s = session();
  auto shelf = s.add(no_key::Shelf{.label = "top"});
  auto b = s.add(no_key::Book{.title = "t"});
  s.commit();
  b->shelf_id = shelf->id;
  s.commit();
  EXPECT_EQ(stored("nk_book", "shelf_id", b->id), retort::sql::value(std::int64_t{shelf->id}));
  b->shelf_id = 0;
  s.commit();
  EXPECT_TRUE(stored("nk_book", "shelf_id", b->id).is_null());
}

TEST_P(no_key_test, a_reference_to_a_column_that_is_not_generated_keeps_zero) {
  auto s = session();
  s.add(no_key::Code{.number = 0});
  s.flush();
  auto c = s.add(no_key::Coded{.code_number = 0});
  s.commit();
  EXPECT_EQ(stored("nk_coded", "code_number", c->id), retort::sql::value(std::int64_t{0}));
}

}  // namespace
