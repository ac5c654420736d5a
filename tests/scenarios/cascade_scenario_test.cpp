// Cascades (SQLAlchemy's "Cascades" chapter): delete, delete-orphan, passive
// deletes relying on ON DELETE CASCADE, and the default that nulls children's keys.
#include "scenarios/scenario_support.hpp"

namespace {

using namespace scenario;
using retort::testing::rows;
using retort::testing::shapes;
using strings = std::vector<std::string>;

class cascade_scenario_test : public retort::testing::orm_test {};

TEST_P(cascade_scenario_test, delete_cascade_deletes_loaded_and_unloaded_children) {
  int g = 0;
  {
    auto s = session();
    auto gal = s.add(Gallery{.name = "g"});
    gal->photos.add(Photo{.caption = "a"});
    gal->photos.add(Photo{.caption = "b"});
    s.commit();
    g = gal->id;
  }
  auto s = session();
  s.delete_(s.get<Gallery>(g));
  auto& rec = record();
  s.commit();
  EXPECT_EQ(shapes(rec), (strings{"SELECT photo", "DELETE photo", "DELETE gallery"}));
  EXPECT_EQ(rec.entries()[1].batch, 2u);
  EXPECT_EQ(rows(s, "photo"), 0);
}

TEST_P(cascade_scenario_test, delete_orphan_deletes_a_removed_child) {
  auto s = session();
  auto gal = s.add(Gallery{.name = "g"});
  auto a = gal->photos.add(Photo{.caption = "a"});
  gal->photos.add(Photo{.caption = "b"});
  s.commit();
  gal->photos.remove(a);
  EXPECT_FALSE(a->gallery);
  s.commit();
  EXPECT_EQ(rows(s, "photo"), 1);
}

TEST_P(cascade_scenario_test, a_child_moved_to_another_parent_is_not_an_orphan) {
  auto s = session();
  auto g1 = s.add(Gallery{.name = "g1"});
  auto g2 = s.add(Gallery{.name = "g2"});
  auto a = g1->photos.add(Photo{.caption = "a"});
  s.commit();
  g2->photos.add(a);
  EXPECT_TRUE(g1->photos.empty());
  s.commit();
  EXPECT_EQ(rows(s, "photo", "gallery_id = " + std::to_string(g2->id)), 1);
}

TEST_P(cascade_scenario_test, passive_deletes_leave_unloaded_children_to_the_database) {
  int f = 0;
  {
    auto s = session();
    auto folder = s.add(Folder{.name = "f"});
    folder->files.add(File{.name = "x"});
    folder->files.add(File{.name = "y"});
    s.commit();
    f = folder->id;
  }
  auto s = session();
  s.delete_(s.get<Folder>(f));
  auto& rec = record();
  s.commit();
  EXPECT_EQ(shapes(rec), (strings{"DELETE folder"}));  // no SELECT of the files
  EXPECT_EQ(rows(s, "file"), 0);                        // ON DELETE CASCADE took them
}

TEST_P(cascade_scenario_test, default_cascade_nulls_children_keys_on_parent_delete) {
  auto s = session();
  auto b = s.add(Blogger{.name = "ann"});
  b->entries.add(Entry{.title = "e"});
  s.commit();
  s.delete_(b);
  auto& rec = record();
  s.commit();
  strings writes;
  for (const auto& sh : shapes(rec))
    if (sh.rfind("SELECT", 0) != 0) writes.push_back(sh);
  EXPECT_EQ(writes, (strings{"UPDATE entry", "DELETE blogger"}));
  EXPECT_EQ(rows(s, "entry", "blogger_id IS NULL"), 1);
}

TEST_P(cascade_scenario_test, association_object_navigates_from_both_ends) {
  auto s = session();
  auto ann = s.add(Student{.name = "ann"});
  auto math = s.add(Course{.title = "math"});
  auto art = s.add(Course{.title = "art"});
  auto e1 = retort::make(Enrollment{.grade = "A"});
  e1->course = math;
  ann->enrollments.add(e1);
  auto e2 = retort::make(Enrollment{});
  e2->course = art;
  ann->enrollments.add(e2);
  EXPECT_EQ(math->enrollments.size(), 1u);
  s.commit();
  EXPECT_EQ(rows(s, "enrollment"), 2);
  auto s2 = session();
  auto a = s2.get<Student>(ann->id);
  ASSERT_EQ(a->enrollments.size(), 2u);
  EXPECT_EQ(*a->enrollments[0]->grade, "A");
  EXPECT_EQ(a->enrollments[0]->course->title, "math");
  EXPECT_EQ(s2.get<Course>(art->id)->enrollments[0]->student.get(), a);
  s2.delete_(a);  // all, delete-orphan: the enrollments go with the student
  s2.commit();
  EXPECT_EQ(rows(s2, "enrollment"), 0);
  EXPECT_EQ(rows(s2, "course"), 2);
}

RETORT_ORM_SUITE(cascade_scenario_test);

}  // namespace
