// One-to-one (uselist=False) with delete-orphan and a UNIQUE key, and the
// fixtures' Person/Passport without it: replace, set to null, move.
#include "scenarios/scenario_support.hpp"

namespace {

using namespace scenario;
using fixtures::Passport;
using fixtures::Person;
using retort::testing::rows;
using retort::testing::shapes;
using strings = std::vector<std::string>;

class one_to_one_scenario_test : public retort::testing::orm_test {};

// SQLAlchemy inserts the new motor before deleting the orphan: the UNIQUE key
// refuses it, and nothing of the flush is written.
TEST_P(one_to_one_scenario_test, replace_with_delete_orphan_and_unique_key_fails_as_sqlalchemy) {
  int car = 0;
  {
    auto s = session();
    auto c = s.add(Car{.model = "T"});
    c->motor = retort::make(Motor{.serial = "m1"});
    s.commit();
    car = c->id;
  }
  auto s = session();
  auto c = s.get<Car>(car);
  c->motor = retort::make(Motor{.serial = "m2"});
  auto& rec = record();
  EXPECT_THROW(s.flush(), retort::IntegrityError);
  strings got = shapes(rec);
  ASSERT_GE(got.size(), 1u);
  EXPECT_EQ(got.back(), "INSERT motor");
  EXPECT_THROW(s.flush(), retort::PendingRollbackError);
  s.rollback();
  EXPECT_EQ(rows(s, "motor"), 1);
  EXPECT_EQ(rows(s, "motor", "serial = 'm1'"), 1);
}

TEST_P(one_to_one_scenario_test, set_to_null_with_delete_orphan_deletes_the_old_row) {
  auto s = session();
  auto c = s.add(Car{.model = "T"});
  c->motor = retort::make(Motor{.serial = "m1"});
  s.commit();
  c->motor = nullptr;
  auto& rec = record();
  s.commit();
  strings writes;
  for (const auto& sh : shapes(rec))
    if (sh.rfind("SELECT", 0) != 0) writes.push_back(sh);
  EXPECT_EQ(writes, (strings{"DELETE motor"}));
  EXPECT_EQ(rows(s, "motor"), 0);
}

// Without delete-orphan the old passport's key is nulled first (UPDATE before
// INSERT), so the replace succeeds despite the UNIQUE key.
TEST_P(one_to_one_scenario_test, replace_without_delete_orphan_nulls_the_old_key_first) {
  int person = 0;
  {
    auto s = session();
    auto p = s.add(Person{.name = "ann"});
    p->passport = retort::make(Passport{.number = "A1"});
    s.commit();
    person = p->id;
  }
  auto s = session();
  auto p = s.get<Person>(person);
  p->passport = retort::make(Passport{.number = "B2"});
  auto& rec = record();
  s.commit();
  strings writes;
  for (const auto& sh : shapes(rec))
    if (sh.rfind("SELECT", 0) != 0) writes.push_back(sh);
  EXPECT_EQ(writes, (strings{"UPDATE passport", "INSERT passport"}));
  EXPECT_EQ(rows(s, "passport", "person_id IS NULL"), 1);
  EXPECT_EQ(rows(s, "passport", "number = 'B2' AND person_id = " + std::to_string(person)), 1);
}

TEST_P(one_to_one_scenario_test, moving_to_another_parent_leaves_the_first_without) {
  auto s = session();
  auto a = s.add(Person{.name = "ann"});
  auto b = s.add(Person{.name = "bob"});
  auto pp = retort::make(Passport{.number = "X"});
  a->passport = pp;
  s.commit();
  b->passport = pp;
  EXPECT_FALSE(a->passport);
  EXPECT_EQ(pp->person.get(), b);
  s.commit();
  EXPECT_EQ(rows(s, "passport", "person_id = " + std::to_string(b->id)), 1);
}

RETORT_ORM_SUITE(one_to_one_scenario_test);

}  // namespace
