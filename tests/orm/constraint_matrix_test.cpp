// The constraint matrix: NOT NULL, UNIQUE, FOREIGN KEY and CHECK, violated by
// one row in the middle of a 200-row INSERT, UPDATE or DELETE flush, on both
// databases. Each must raise IntegrityError with PostgreSQL's SQLSTATE and the
// table and column or constraint named, write nothing, leave the session
// usable after rollback, and leave objects as SQLAlchemy does after a
// rollback: pending ones transient again, persistent ones expired (reloaded).
#include "support/orm_fixture.hpp"

namespace matrix {

struct Category {
  int id = 0;
  std::string name{};
};

struct Product {
  int id = 0;
  std::optional<std::string> sku{};  // NOT NULL in the schema; optional in C++ to violate it
  int price = 0;
  int category_id = 0;
};

}  // namespace matrix

template <>
inline constexpr auto retort::mapping<matrix::Category> = retort::model(
    retort::column<&matrix::Category::id>(retort::primary_key),
    retort::column<&matrix::Category::name>(retort::String(40), retort::not_null, retort::unique));

template <>
inline constexpr auto retort::mapping<matrix::Product> = retort::model(
    retort::column<&matrix::Product::id>(retort::primary_key),
    retort::column<&matrix::Product::sku>(retort::String(40), retort::not_null, retort::unique),
    retort::column<&matrix::Product::price>(),
    retort::column<&matrix::Product::category_id>(retort::foreign_key<&matrix::Category::id>, retort::not_null),
    retort::check("price >= 0", "price_not_negative"));

namespace {

using matrix::Category;
using matrix::Product;
using retort::testing::orm_test;

constexpr int rows = 200;
constexpr int bad_row = 137;

enum class violation { not_null, unique, foreign_key, check };

struct expected {
  const char* sqlstate;
  const char* table;
  const char* named;  ///< the column or constraint the error must name
};

expected expectation(violation v) {
  switch (v) {
    case violation::not_null: return {"23502", "product", "sku"};
    case violation::unique: return {"23505", "product", "sku"};
    case violation::foreign_key: return {"23503", "product", "category_id"};
    case violation::check: return {"23514", "product", "price_not_negative"};
  }
  return {};
}

/// Makes row `i` violate `v`.
void spoil(Product& p, violation v) {
  switch (v) {
    case violation::not_null: p.sku.reset(); break;
    case violation::unique: p.sku = "sku-0"; break;
    case violation::foreign_key: p.category_id = 999; break;
    case violation::check: p.price = -1; break;
  }
}

class matrix_test : public orm_test {
 protected:
  void SetUp() override {
    orm_test::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    auto s = session();
    s.add(Category{.name = "tools"});
    s.commit();
  }

  std::int64_t count_products() { return session().query<Product>().count(); }

  void seed_products() {
    auto s = session();
    for (int i = 0; i < rows; ++i)
      s.add(Product{.sku = "sku-" + std::to_string(i), .price = i, .category_id = 1});
    s.commit();
  }

  static void check_error(const retort::IntegrityError& e, violation v) {
    auto x = expectation(v);
    EXPECT_EQ(e.info().sqlstate, x.sqlstate) << e.what();
    EXPECT_EQ(e.table(), x.table) << e.what();
    std::string where = e.column() + " " + e.constraint();
    EXPECT_NE(where.find(x.named), std::string::npos) << e.what();
  }

  void run_insert(violation v) {
    auto s = session();
    std::vector<retort::ptr<Product>> added;
    for (int i = 0; i < rows; ++i) {
      Product p{.sku = "sku-" + std::to_string(i), .price = i, .category_id = 1};
      if (i == bad_row) spoil(p, v);
      added.push_back(s.add(std::move(p)));
    }
    try {
      s.flush();
      FAIL() << "expected IntegrityError";
    } catch (const retort::IntegrityError& e) {
      check_error(e, v);
    }
    EXPECT_THROW(s.query<Product>().count(), retort::PendingRollbackError);
    s.rollback();
    for (auto& p : added) {  // pending before the flush: transient again, no key of a rolled-back row
      EXPECT_EQ(p.state()->status, retort::orm::status::transient);
      EXPECT_EQ(p->id, 0);
    }
    EXPECT_EQ(s.query<Product>().count(), 0);  // usable, and nothing was written
    EXPECT_EQ(count_products(), 0);
  }

  void run_update(violation v) {
    seed_products();
    auto s = session();
    auto all = s.query<Product>().order_by(retort::col<&Product::id>).all();
    ASSERT_EQ(all.size(), static_cast<std::size_t>(rows));
    for (int i = 0; i < rows; ++i) {
      all[i]->price += 1000;
      if (i == bad_row) spoil(*all[i], v);
    }
    try {
      s.flush();
      FAIL() << "expected IntegrityError";
    } catch (const retort::IntegrityError& e) {
      check_error(e, v);
    }
    s.rollback();
    // Persistent objects are expired and reload what the database kept.
    EXPECT_TRUE(all[bad_row].state()->expired);
    EXPECT_EQ(all[bad_row]->price, bad_row);
    EXPECT_EQ(all[bad_row]->sku, "sku-" + std::to_string(bad_row));
    EXPECT_EQ(all[0]->price, 0);
    auto check = session();
    EXPECT_EQ(check.query<Product>().where(retort::col<&Product::price> >= 1000).count(), 0);
    // The session goes on.
    all[1]->price = 5;
    s.commit();
    EXPECT_EQ(session().get<Product>(all[1]->id)->price, 5);
  }
};
RETORT_ORM_SUITE(matrix_test);

TEST_P(matrix_test, insert_not_null) { run_insert(violation::not_null); }
TEST_P(matrix_test, insert_unique) { run_insert(violation::unique); }
TEST_P(matrix_test, insert_foreign_key) { run_insert(violation::foreign_key); }
TEST_P(matrix_test, insert_check) { run_insert(violation::check); }
TEST_P(matrix_test, update_not_null) { run_update(violation::not_null); }
TEST_P(matrix_test, update_unique) { run_update(violation::unique); }
TEST_P(matrix_test, update_foreign_key) { run_update(violation::foreign_key); }
TEST_P(matrix_test, update_check) { run_update(violation::check); }

// DELETE can only break a foreign key: a category still referenced.
TEST_P(matrix_test, delete_foreign_key) {
  {
    auto s = session();
    for (int i = 0; i < rows; ++i) s.add(Category{.name = "c" + std::to_string(i)});
    s.commit();
  }
  {
    auto s = session();
    s.add(Product{.sku = "held", .price = 1, .category_id = bad_row + 1});
    s.commit();
  }
  auto s = session();
  auto cats = s.query<Category>().order_by(retort::col<&Category::id>).all();
  ASSERT_EQ(cats.size(), static_cast<std::size_t>(rows + 1));
  for (auto& c : cats) s.delete_(c);  // the one in the middle is still referenced
  try {
    s.flush();
    FAIL() << "expected IntegrityError";
  } catch (const retort::IntegrityError& e) {
    EXPECT_EQ(e.info().sqlstate, "23503") << e.what();
    // PostgreSQL names the referencing table, SQLite the one the DELETE ran on.
    EXPECT_TRUE(e.table() == "product" || e.table() == "category") << e.what();
    EXPECT_FALSE(e.constraint().empty()) << e.what();
  }
  s.rollback();
  for (auto& c : cats) EXPECT_EQ(c.state()->status, retort::orm::status::persistent);
  EXPECT_EQ(s.query<Category>().count(), rows + 1);  // nothing deleted
  EXPECT_EQ(cats[5]->name, "c4");                    // and reloadable
}

TEST_P(matrix_test, the_check_constraint_is_in_the_schema) {
  auto& t = retort::orm::mapper_for<Product>().table;
  ASSERT_EQ(t.checks().size(), 1u);
  EXPECT_EQ(t.checks()[0].sql, "price >= 0");
  EXPECT_EQ(t.checks()[0].name, "price_not_negative");
  auto s = session();
  s.add(Product{.sku = "ok", .price = 0, .category_id = 1});
  s.commit();
  EXPECT_EQ(count_products(), 1);
}

}  // namespace
