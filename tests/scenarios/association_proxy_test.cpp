// Association proxies (SQLAlchemy's ext.associationproxy): the far side of an
// association object presented as a collection. Adding creates the link
// object (default-constructed with its far member set, or by a creator),
// removing removes the link from its collection (delete-orphan deletes its
// row), and reading goes through the links' own lazy loads.
#include "scenarios/scenario_support.hpp"
#include "support/join_models.hpp"

namespace {

using namespace joins;
using namespace retort::testing::sql_rules;
using retort::testing::rows;
using retort::testing::shapes;
using strings = std::vector<std::string>;

class association_proxy_test : public retort::testing::orm_test {
 protected:
  struct ids {
    int kim = 0, x = 0, y = 0;
  };
  ids seed(bool linked) {
    auto s = session();
    auto kim = s.add(Musician{.name = "kim"});
    auto x = s.add(Band{.name = "x"});
    auto y = s.add(Band{.name = "y"});
    if (linked) {
      kim->bands().add(x);
      kim->bands().add(y);
    }
    s.commit();
    return {kim->id, x->id, y->id};
  }
  template <class View>
  static strings names(const View& v) {
    strings out;
    for (const auto& b : v) out.push_back(b->name);
    return out;
  }
};

TEST_P(association_proxy_test, add_creates_the_link_object_seen_from_both_ends) {
  auto id = seed(false);
  auto s = session();
  auto kim = s.get<Musician>(id.kim);
  auto x = s.get<Band>(id.x);
  auto y = s.get<Band>(id.y);
  auto bands = kim->bands();
  EXPECT_TRUE(bands.empty());
  auto link = bands.add(x);
  bands.add(y);
  // In memory, before any flush: the link belongs to both ends.
  EXPECT_EQ(bands.size(), 2u);
  EXPECT_EQ(kim->memberships.size(), 2u);
  EXPECT_EQ(names(bands), (strings{"x", "y"}));
  EXPECT_TRUE(bands.contains(x));
  EXPECT_EQ(bands[1], y);
  EXPECT_EQ(link->musician.get(), kim);
  EXPECT_EQ(link->band.get(), x);
  EXPECT_EQ(link->role, "member");  // default-constructed, far member set
  EXPECT_EQ(bands.link_for(x), link);
  auto& rec = record();
  s.flush();
  EXPECT_EQ(shapes(rec), (strings{"INSERT band_member"}));
  // No generated key: one executemany, or one multi-row INSERT where flush batches that way.
  EXPECT_EQ(rec.entries().front().batch, caps().multirow_insert_returning ? 1u : 2u);
  EXPECT_EQ(rows(s, "band_member", "musician_id = " + std::to_string(id.kim) + " AND role = 'member'"), 2);
  EXPECT_EQ(link->musician_id, id.kim);
  EXPECT_EQ(link->band_id, id.x);
  rec.clear();
  ASSERT_EQ(x->members.size(), 1u);  // the band's side: loaded now, the same link object
  EXPECT_EQ(x->members.at(0), link);
  EXPECT_EQ(shapes(rec), (strings{"SELECT band_member"}));
}

TEST_P(association_proxy_test, a_creator_makes_the_link) {
  auto id = seed(false);
  auto s = session();
  auto kim = s.get<Musician>(id.kim);
  auto link = musician_guest_bands(kim).add(s.get<Band>(id.y));
  EXPECT_EQ(link->role, "guest");
  EXPECT_EQ(link->musician.get(), kim);
  s.commit();
  EXPECT_EQ(rows(s, "band_member", "role = 'guest' AND band_id = " + std::to_string(id.y)), 1);
}

TEST_P(association_proxy_test, reading_goes_through_the_links) {
  auto id = seed(true);
  auto s = session();
  auto kim = s.get<Musician>(id.kim);
  auto& rec = record();
  EXPECT_EQ(names(musician_bands(kim)), (strings{"x", "y"}));
  // The links, then the links' bands (not in the identity map yet): SQLAlchemy's lazy="select" loads
  // them one by one; Retort's batching loads both with one IN (docs/loading.md).
  EXPECT_EQ(shapes(rec), (strings{"SELECT band_member", "SELECT band"}));
  rec.clear();
  EXPECT_TRUE(kim->bands().contains(s.get<Band>(id.y)));
  EXPECT_EQ(kim->bands().size(), 2u);
  EXPECT_SQL(rec, {});  // all in memory now
}

TEST_P(association_proxy_test, remove_deletes_the_link_object) {
  auto id = seed(true);
  auto s = session();
  auto kim = s.get<Musician>(id.kim);
  auto x = s.get<Band>(id.x);
  auto y = s.get<Band>(id.y);  // in the identity map: reading the links' bands needs no SQL (and no autoflush)
  (void)y;
  auto bands = kim->bands();
  auto link = bands.link_for(x);
  ASSERT_TRUE(link);
  bands.remove(x);
  EXPECT_EQ(bands.size(), 1u);
  EXPECT_FALSE(bands.contains(x));
  EXPECT_EQ(names(bands), (strings{"y"}));
  EXPECT_FALSE(link->musician);  // back-populated: the link left the musician
  auto& rec = record();
  s.flush();
  // Musician.memberships is "all, delete-orphan": the orphaned link's row goes.
  EXPECT_SQL(rec, {compiled_sql("DELETE FROM band_member WHERE band_member.musician_id = ? AND band_member.band_id = ?")
                       .params({id.kim, id.x})});
  EXPECT_EQ(rows(s, "band_member"), 1);
  EXPECT_EQ(rows(s, "band"), 2);  // the band itself stays
  try {
    bands.remove(x);
    FAIL() << "removed a band that is not in the proxy";
  } catch (const retort::InvalidRequestError& e) {
    EXPECT_NE(std::string(e.what()).find("Musician.memberships"), std::string::npos) << e.what();
  }
  bands.clear();
  s.commit();
  EXPECT_EQ(rows(s, "band_member"), 0);
  EXPECT_TRUE(kim->bands().empty());
}

TEST_P(association_proxy_test, a_proxy_to_a_column_presents_its_values) {
  auto s = session();
  auto r = s.add(Recipe{.title = "dal"});
  auto tags = recipe_tags(r);
  tags.add("spicy");
  tags.add("quick");
  EXPECT_EQ(tags.size(), 2u);
  EXPECT_TRUE(tags.contains("quick"));
  EXPECT_FALSE(tags.contains("sweet"));
  EXPECT_EQ(r->tag_rows.at(1)->name, "quick");
  EXPECT_EQ(r->tag_rows.at(1)->recipe.get(), r);
  s.commit();
  EXPECT_EQ(rows(s, "recipe_tag", "recipe_id = " + std::to_string(r->id)), 2);
  auto s2 = session();
  auto loaded = s2.get<Recipe>(r->id);
  strings values;
  for (const auto& v : recipe_tags(loaded)) values.push_back(v);
  EXPECT_EQ(values, (strings{"spicy", "quick"}));
  recipe_tags(loaded).remove("spicy");
  auto& rec = record();
  s2.flush();
  EXPECT_SQL(rec, {verb_table("DELETE", "recipe_tag")});
  EXPECT_EQ(rows(s2, "recipe_tag"), 1);
}

RETORT_ORM_SUITE(association_proxy_test);

}  // namespace
