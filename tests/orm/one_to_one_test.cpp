// One-to-one: one<T> on both sides, the foreign key on one of them.
#include "support/orm_fixture.hpp"

using fixtures::Passport;
using fixtures::Person;
using retort::testing::orm_test;
using namespace retort::testing::sql_rules;

namespace {

class one_to_one_test : public orm_test {};
RETORT_ORM_SUITE(one_to_one_test);

TEST_P(one_to_one_test, both_sides_sync_and_the_key_is_written) {
  auto s = session();
  auto ann = s.add(Person{.name = "ann"});
  auto pp = retort::make(Passport{.number = "X1"});
  ann->passport = pp;  // the side without the key
  EXPECT_EQ(pp->person.get(), ann);
  s.commit();
  EXPECT_EQ(pp->person_id, ann->id);
  auto s2 = session();
  auto& rec = record();
  auto loaded = s2.get<Person>(ann->id);
  ASSERT_TRUE(loaded->passport);
  EXPECT_EQ(loaded->passport->number, "X1");
  // The person, then the passport by its foreign key (a scalar: no ORDER BY, as SQLAlchemy's uselist=False).
  auto expected = {compiled_sql("SELECT person.id, person.name FROM person WHERE person.id = ?").params({ann->id}),
                   compiled_sql("SELECT passport.id, passport.number, passport.person_id FROM passport "
                                "WHERE passport.person_id = ?")
                       .params({ann->id})};
  EXPECT_SQL(rec, expected);
  EXPECT_EQ(loaded->passport->person.get(), loaded);
  EXPECT_SQL(rec, expected);  // back to the person: identity map
}

TEST_P(one_to_one_test, reassigning_moves_the_object) {
  auto s = session();
  auto ann = s.add(Person{.name = "ann"});
  auto bob = s.add(Person{.name = "bob"});
  auto pp = s.add(Passport{.number = "X1"});
  pp->person = ann;
  EXPECT_EQ(ann->passport.get(), pp);
  bob->passport = pp;  // steals it from ann
  EXPECT_FALSE(ann->passport);
  EXPECT_EQ(pp->person.get(), bob);
  s.commit();
  auto s2 = session();
  EXPECT_FALSE(s2.get<Person>(ann->id)->passport);
  EXPECT_EQ(s2.get<Person>(bob->id)->passport->number, "X1");
}

TEST_P(one_to_one_test, clearing_the_keyless_side_nulls_the_key) {
  auto s = session();
  auto ann = s.add(Person{.name = "ann"});
  ann->passport = retort::make(Passport{.number = "X1"});
  s.commit();
  ann->passport = nullptr;
  s.commit();
  auto s2 = session();
  auto pp = s2.query<Passport>().one();
  EXPECT_EQ(pp->person_id, std::nullopt);
  EXPECT_FALSE(pp->person);
}

}  // namespace
