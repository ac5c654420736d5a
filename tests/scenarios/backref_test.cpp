// The seed's backref: one declaration configures both sides
// (`db.relationship('Post', backref='author')`).
#include "scenarios/scenario_support.hpp"

namespace {

using namespace scenario;
using retort::testing::rows;
using retort::testing::shapes;
using strings = std::vector<std::string>;

class backref_test : public retort::testing::orm_test {};

TEST_P(backref_test, one_declaration_configures_the_other_side) {
  const auto& entry = retort::orm::mapper_for<Entry>();
  const auto* rel = entry.find_relationship("blogger");
  ASSERT_NE(rel, nullptr);
  EXPECT_EQ(rel->dir(), retort::orm::direction::many_to_one);
  EXPECT_EQ(rel->reverse, retort::orm::mapper_for<Blogger>().find_relationship("entries"));
}

TEST_P(backref_test, both_sides_follow_in_memory_and_in_the_database) {
  auto s = session();
  auto b = s.add(Blogger{.name = "ann"});
  auto e1 = b->entries.add(Entry{.title = "first"});
  auto e2 = retort::make(Entry{.title = "second"});
  e2->blogger = b;  // from the backref side
  EXPECT_EQ(b->entries.size(), 2u);
  EXPECT_EQ(e1->blogger.get(), b);
  auto& rec = record();
  s.commit();
  EXPECT_EQ(shapes(rec), (strings{"INSERT blogger", "INSERT entry"}));
  auto s2 = session();
  auto loaded = s2.get<Blogger>(b->id);
  ASSERT_EQ(loaded->entries.size(), 2u);
  EXPECT_EQ(loaded->entries[0]->title, "first");
  EXPECT_EQ(loaded->entries[1]->blogger.get(), loaded);
}

// Children attached before add(parent) join, and are inserted, in the order they were attached.
TEST_P(backref_test, children_attached_before_add_are_inserted_in_order) {
  auto s = session();
  auto b = retort::make(Blogger{.name = "ann"});
  auto e1 = b->entries.add(Entry{.title = "one"});
  auto e2 = b->entries.add(Entry{.title = "two"});
  auto e3 = b->entries.add(Entry{.title = "three"});
  s.add(b);
  s.commit();
  EXPECT_LT(e1->id, e2->id);
  EXPECT_LT(e2->id, e3->id);
}

RETORT_ORM_SUITE(backref_test);

}  // namespace
