// Rows that refer to each other: post_update writes the cyclic key with a
// second UPDATE; without it the flush raises CircularDependencyError, nothing written.
#include "scenarios/scenario_support.hpp"

namespace {

using namespace scenario;
using retort::testing::rows;
using retort::testing::shapes;
using strings = std::vector<std::string>;

class cycles_test : public retort::testing::orm_test {};

TEST_P(cycles_test, post_update_inserts_both_rows_then_updates_the_cyclic_key) {
  auto s = session();
  auto t = s.add(Team{.name = "reds"});
  auto p = t->players.add(Player{.name = "ann"});
  t->players.add(Player{.name = "bob"});
  t->captain = p;
  auto& rec = record();
  s.commit();
  EXPECT_EQ(shapes(rec), (strings{"INSERT team", "INSERT player", "UPDATE team"}));
  EXPECT_EQ(t->captain_id, p->id);
  EXPECT_EQ(p->team_id, t->id);
  EXPECT_EQ(rows(s, "team", "captain_id = " + std::to_string(p->id)), 1);
}

TEST_P(cycles_test, post_update_on_delete_nulls_the_key_first) {
  int team = 0;
  {
    auto s = session();
    auto t = s.add(Team{.name = "reds"});
    auto p = t->players.add(Player{.name = "ann"});
    t->captain = p;
    s.commit();
    team = t->id;
  }
  auto s = session();
  auto t = s.get<Team>(team);
  auto p = t->captain.get();
  s.delete_(p);
  s.delete_(t);
  auto& rec = record();
  s.commit();
  strings writes;
  for (const auto& sh : shapes(rec))
    if (sh.rfind("SELECT", 0) != 0) writes.push_back(sh);
  EXPECT_EQ(writes, (strings{"UPDATE team", "DELETE player", "DELETE team"}));
  EXPECT_EQ(rows(s, "team"), 0);
}

TEST_P(cycles_test, rows_in_a_cycle_without_post_update_raise_and_write_nothing) {
  auto s = session();
  auto e = s.add(Egg{});
  auto h = s.add(Hen{});
  e->hen = h;
  h->egg = e;
  auto& rec = record();
  try {
    s.flush();
    FAIL() << "flushed a cycle";
  } catch (const retort::CircularDependencyError& err) {
    std::string what = err.what();
    EXPECT_NE(what.find("Egg"), std::string::npos) << what;
    EXPECT_NE(what.find("Hen"), std::string::npos) << what;
    EXPECT_NE(what.find("post_update"), std::string::npos) << what;
  }
  EXPECT_EQ(rec.count(), 0u);
  s.rollback();
  EXPECT_EQ(rows(s, "egg"), 0);
}

TEST_P(cycles_test, tables_in_a_cycle_whose_rows_are_not_are_ordered_row_by_row) {
  auto s = session();
  auto h = s.add(Hen{});
  auto e = s.add(Egg{});
  e->hen = h;  // the egg needs the hen; the hen needs no egg
  s.commit();
  EXPECT_EQ(e->hen_id, h->id);
  auto h2 = s.add(Hen{});
  h2->egg = e;
  s.commit();
  EXPECT_EQ(h2->egg_id, e->id);
}

RETORT_ORM_SUITE(cycles_test);

}  // namespace
