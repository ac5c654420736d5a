// Each loader strategy's SQL and statement count on every relationship kind,
// and the one graph every loading strategy must build.
#include <functional>

#include "loaders/loader_support.hpp"

namespace {

using namespace retort::testing::sql_rules;
using loaders::Bio;
using loaders::Story;
using loaders::Topic;
using loaders::Writer;
using retort::col;
using retort::testing::describe_graph;

class strategies_test : public retort::testing::loader_test {};
RETORT_ORM_SUITE(strategies_test);

const std::string expected_graph = "ann[bio=ann's; a1{x,y}(r1,r2) a2{y}()] bob[bio=-; b1{}(r3)] cy[bio=-;] ";

struct graph_case {
  const char* strategy;
  std::function<retort::query<Writer>(retort::query<Writer>)> apply;
  std::size_t statements;  ///< for the query, on this graph
};

std::vector<graph_case> graph_cases() {
  return {
      {"select", [](auto q) { return q; }, 1},
      {"select, unbatched", [](auto q) { return q; }, 1},
      {"joined",
       [](auto q) {
         return q.options(retort::joinedload<&Writer::stories>().joinedload<&Story::topics>(),
                          retort::joinedload<&Writer::stories>().joinedload<&Story::remarks>(),
                          retort::joinedload<&Writer::stories>().joinedload<&Story::writer>(),
                          retort::joinedload<&Writer::bio>());
       },
       1},
      // writers; then stories and bios; then topics and remarks (Story.writer: all in the identity map).
      {"selectin",
       [](auto q) {
         return q.options(retort::selectinload<&Writer::stories>().selectinload<&Story::topics>(),
                          retort::selectinload<&Writer::stories>().selectinload<&Story::remarks>(),
                          retort::selectinload<&Writer::stories>().selectinload<&Story::writer>(),
                          retort::selectinload<&Writer::bio>());
       },
       5},
      // As selectin, and the many-to-one is selected again (the subquery loader does not look in the identity map).
      {"subquery",
       [](auto q) {
         return q.options(retort::subqueryload<&Writer::stories>().subqueryload<&Story::topics>(),
                          retort::subqueryload<&Writer::stories>().subqueryload<&Story::remarks>(),
                          retort::subqueryload<&Writer::stories>().subqueryload<&Story::writer>(),
                          retort::subqueryload<&Writer::bio>());
       },
       6},
      // writers; per writer its stories and its bio (3 + 3); per story its topics and remarks (3 + 3).
      {"immediate",
       [](auto q) {
         return q.options(retort::immediateload<&Writer::stories>().immediateload<&Story::topics>(),
                          retort::immediateload<&Writer::stories>().immediateload<&Story::remarks>(),
                          retort::immediateload<&Writer::stories>().immediateload<&Story::writer>(),
                          retort::immediateload<&Writer::bio>());
       },
       13},
  };
}

// The same objects, whichever strategy loads them; the eager ones leave nothing
// to load on access.
TEST_P(strategies_test, every_strategy_builds_the_same_graph) {
  seed();
  for (const auto& c : graph_cases()) {
    SCOPED_TRACE(c.strategy);
    const std::string strategy = c.strategy;
    retort::session_options options;
    options.batch_lazy_loads = strategy != "select, unbatched";
    auto s = db().session(options);
    auto& rec = record();
    auto writers = c.apply(s.query<Writer>().order_by(col<&Writer::id>)).all();
    EXPECT_EQ(rec.entries().size(), c.statements);
    auto& walk = record();
    EXPECT_EQ(describe_graph(writers), expected_graph);
    if (strategy == "select, unbatched") {
      // As SQLAlchemy: 3 stories + 3 bios + per story its topics and remarks (Story.writer: identity map).
      EXPECT_EQ(walk.entries().size(), 12u);
    } else if (strategy == "select") {
      // Batched: the writers' bios, their stories, the stories' topics; remarks (no_batching) one per story.
      EXPECT_EQ(walk.entries().size(), 6u);
    } else {
      EXPECT_EQ(walk.entries().size(), 0u);
    }
  }
}

TEST_P(strategies_test, joined_one_to_many_is_a_left_outer_join_of_an_alias) {
  seed();
  auto s = session();
  auto& rec = record();
  auto writers = s.query<Writer>().order_by(col<&Writer::id>).options(retort::joinedload<&Writer::stories>()).all();
  EXPECT_SQL(rec, {compiled_sql("SELECT writer.id, writer.name, story_1.id, story_1.title, story_1.writer_id FROM writer "
                                "LEFT OUTER JOIN story AS story_1 ON writer.id = story_1.writer_id ORDER BY writer.id")});
  ASSERT_EQ(writers.size(), 3u);  // one per writer, not per row
  EXPECT_EQ(writers[0]->stories.size(), 2u);
  EXPECT_EQ(writers[2]->stories.size(), 0u);
  EXPECT_EQ(rec.entries().size(), 1u);
}

TEST_P(strategies_test, joined_many_to_one_with_innerjoin) {
  seed();
  auto s = session();
  auto& rec = record();
  auto stories =
      s.query<Story>().order_by(col<&Story::id>).options(retort::joinedload<&Story::writer>(retort::innerjoin)).all();
  EXPECT_SQL(rec, {compiled_sql("SELECT story.id, story.title, story.writer_id, writer_1.id, writer_1.name FROM story "
                                "JOIN writer AS writer_1 ON story.writer_id = writer_1.id ORDER BY story.id")});
  ASSERT_EQ(stories.size(), 3u);
  EXPECT_EQ(stories[2]->writer->name, "bob");
  EXPECT_EQ(rec.entries().size(), 1u);
}

TEST_P(strategies_test, joined_many_to_many_joins_the_association_table_then_the_target) {
  seed();
  auto s = session();
  auto& rec = record();
  auto stories = s.query<Story>().order_by(col<&Story::id>).options(retort::joinedload<&Story::topics>()).all();
  EXPECT_SQL(rec, {compiled_sql("SELECT story.id, story.title, story.writer_id, topic_1.id, topic_1.label FROM story "
                                "LEFT OUTER JOIN story_topics AS story_topics_1 ON story.id = story_topics_1.story_id "
                                "LEFT OUTER JOIN topic AS topic_1 ON story_topics_1.topic_id = topic_1.id "
                                "ORDER BY story.id")});
  ASSERT_EQ(stories.size(), 3u);
  EXPECT_EQ(stories[0]->topics.size(), 2u);
  EXPECT_EQ(stories[1]->topics.size(), 1u);
  EXPECT_EQ(stories[2]->topics.size(), 0u);
  EXPECT_EQ(rec.entries().size(), 1u);
}

// LIMIT counts writers, not joined rows: the writers' statement becomes a
// subquery, as SQLAlchemy wraps it.
TEST_P(strategies_test, joined_collection_with_limit_wraps_the_parents_in_a_subquery) {
  seed();
  auto s = session();
  auto& rec = record();
  auto writers =
      s.query<Writer>().order_by(col<&Writer::id>).limit(1).options(retort::joinedload<&Writer::stories>()).all();
  EXPECT_SQL(rec, {compiled_sql("SELECT anon_1.id, anon_1.name, story_1.id, story_1.title, story_1.writer_id FROM "
                                "(SELECT writer.id, writer.name FROM writer ORDER BY writer.id LIMIT ?) AS anon_1 "
                                "LEFT OUTER JOIN story AS story_1 ON anon_1.id = story_1.writer_id ORDER BY anon_1.id")
                       .params({1})});
  ASSERT_EQ(writers.size(), 1u);
  EXPECT_EQ(writers[0]->stories.size(), 2u);
  // first() is a LIMIT 1 too.
  auto s2 = session();
  auto first = s2.query<Writer>().order_by(col<&Writer::id>).options(retort::joinedload<&Writer::stories>()).first();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->stories.size(), 2u);
}

TEST_P(strategies_test, the_statement_shows_the_eager_joins) {
  auto s = session();
  auto q = s.query<Writer>().options(retort::joinedload<&Writer::bio>());
  EXPECT_EQ(retort::testing::normalize_sql(retort::sql::compile(q.statement(), s.bound_engine().dialect()).sql),
            "SELECT writer.id, writer.name, bio_1.id, bio_1.text, bio_1.writer_id FROM writer "
            "LEFT OUTER JOIN bio AS bio_1 ON writer.id = bio_1.writer_id");
  // count() counts parents.
  seed();
  EXPECT_EQ(s.query<Writer>().options(retort::joinedload<&Writer::stories>()).count(), 3);
}

TEST_P(strategies_test, selectin_one_to_many_is_one_in_query_for_all_parents) {
  seed();
  auto s = session();
  auto& rec = record();
  auto writers = s.query<Writer>().order_by(col<&Writer::id>).options(retort::selectinload<&Writer::stories>()).all();
  EXPECT_SQL(rec, {compiled_sql("SELECT writer.id, writer.name FROM writer ORDER BY writer.id"),
                   compiled_sql("SELECT story.id, story.title, story.writer_id FROM story "
                                "WHERE story.writer_id IN (?, ?, ?) ORDER BY story.id")
                       .params({1, 2, 3})});
  EXPECT_EQ(writers[0]->stories.size(), 2u);
  EXPECT_EQ(writers[1]->stories.size(), 1u);
  EXPECT_EQ(writers[2]->stories.size(), 0u);
  EXPECT_EQ(rec.entries().size(), 2u);
}

TEST_P(strategies_test, selectin_many_to_one_skips_keys_already_in_the_identity_map) {
  seed();
  auto s = session();
  auto bob = s.get<Writer>(2);
  ASSERT_TRUE(bob);
  auto& rec = record();
  auto stories = s.query<Story>().order_by(col<&Story::id>).options(retort::selectinload<&Story::writer>()).all();
  EXPECT_SQL(rec, {compiled_sql("SELECT story.id, story.title, story.writer_id FROM story ORDER BY story.id"),
                   compiled_sql("SELECT writer.id, writer.name FROM writer WHERE writer.id IN (?)").params({1})});
  EXPECT_EQ(stories[0]->writer->name, "ann");
  EXPECT_EQ(stories[2]->writer.get(), bob);
  EXPECT_EQ(rec.entries().size(), 2u);
  // Every writer known now: the next selectin load of them costs no statement.
  auto& again = record();
  s.query<Story>().options(retort::selectinload<&Story::writer>()).all();
  EXPECT_EQ(again.entries().size(), 1u);
}

TEST_P(strategies_test, selectin_many_to_many_selects_the_parent_key_through_the_association_table) {
  seed();
  auto s = session();
  auto& rec = record();
  auto stories = s.query<Story>().order_by(col<&Story::id>).options(retort::selectinload<&Story::topics>()).all();
  EXPECT_SQL(rec, {compiled_sql("SELECT story.id, story.title, story.writer_id FROM story ORDER BY story.id"),
                   compiled_sql("SELECT story_topics.story_id, topic.id, topic.label FROM topic JOIN story_topics ON "
                                "story_topics.topic_id = topic.id WHERE story_topics.story_id IN (?, ?, ?) "
                                "ORDER BY topic.id")
                       .params({1, 2, 3})});
  EXPECT_EQ(stories[0]->topics.size(), 2u);
  EXPECT_EQ(stories[1]->topics.size(), 1u);
  EXPECT_EQ(&*stories[1]->topics.begin(), &*std::next(stories[0]->topics.begin()));  // topic y, one object
  EXPECT_EQ(rec.entries().size(), 2u);
}

// 501 parents: two IN statements, of 500 keys and of 1.
TEST_P(strategies_test, selectin_batches_500_keys_per_statement) {
  {
    auto s = session();
    for (int i = 0; i < 501; ++i) s.add(Writer{.name = "w" + std::to_string(i)});
    s.commit();
  }
  auto s = session();
  auto& rec = record();
  auto writers = s.query<Writer>().options(retort::selectinload<&Writer::stories>()).all();
  ASSERT_EQ(writers.size(), 501u);
  ASSERT_EQ(rec.entries().size(), 3u);
  EXPECT_EQ(rec.entries()[1].params.size(), 500u);
  EXPECT_EQ(rec.entries()[2].params.size(), 1u);
  auto& walk = record();
  for (auto& w : writers) EXPECT_EQ(w->stories.size(), 0u);
  EXPECT_EQ(walk.entries().size(), 0u);
}

TEST_P(strategies_test, selectin_with_a_composite_key_uses_a_tuple_in) {
  {
    auto s = session();
    auto a = s.add(loaders::Shelf{.region = 1, .code = 7, .name = "a"});
    auto b = s.add(loaders::Shelf{.region = 2, .code = 7, .name = "b"});
    a->volumes.add(loaders::Volume{.title = "v1"});
    a->volumes.add(loaders::Volume{.title = "v2"});
    b->volumes.add(loaders::Volume{.title = "v3"});
    s.commit();
  }
  auto s = session();
  auto& rec = record();
  auto shelves = s.query<loaders::Shelf>()
                     .order_by(col<&loaders::Shelf::region>)
                     .options(retort::selectinload<&loaders::Shelf::volumes>())
                     .all();
  EXPECT_SQL(rec, {starts_with("SELECT shelf.region"),
                   compiled_sql("SELECT volume.id, volume.title, volume.shelf_region, volume.shelf_code FROM volume "
                                "WHERE (volume.shelf_region, volume.shelf_code) IN ((?, ?), (?, ?)) ORDER BY volume.id")
                       .params({1, 7, 2, 7})});
  ASSERT_EQ(shelves.size(), 2u);
  EXPECT_EQ(shelves[0]->volumes.size(), 2u);
  EXPECT_EQ(shelves[1]->volumes.size(), 1u);
  EXPECT_EQ(rec.entries().size(), 2u);
}

TEST_P(strategies_test, subquery_reruns_the_parents_statement_as_a_subquery) {
  seed();
  auto s = session();
  auto& rec = record();
  auto writers = s.query<Writer>()
                     .where(col<&Writer::name> != "cy")
                     .order_by(col<&Writer::id>)
                     .options(retort::subqueryload<&Writer::stories>())
                     .all();
  EXPECT_SQL(rec, {compiled_sql("SELECT writer.id, writer.name FROM writer WHERE writer.name != ? ORDER BY writer.id")
                       .params({"cy"}),
                   compiled_sql("SELECT anon_1.id, story.id, story.title, story.writer_id FROM (SELECT DISTINCT "
                                "writer.id FROM writer WHERE writer.name != ?) AS anon_1 JOIN story ON "
                                "story.writer_id = anon_1.id ORDER BY anon_1.id, story.id")
                       .params({"cy"})});
  ASSERT_EQ(writers.size(), 2u);
  EXPECT_EQ(writers[0]->stories.size(), 2u);
  EXPECT_EQ(writers[1]->stories.size(), 1u);
  EXPECT_EQ(rec.entries().size(), 2u);
}

TEST_P(strategies_test, subquery_keeps_the_limit_of_the_parents) {
  seed();
  auto s = session();
  auto& rec = record();
  auto writers = s.query<Writer>()
                     .order_by(col<&Writer::id>)
                     .limit(1)
                     .offset(1)
                     .options(retort::subqueryload<&Writer::stories>())
                     .all();
  ASSERT_EQ(writers.size(), 1u);
  EXPECT_EQ(writers[0]->name, "bob");
  EXPECT_EQ(writers[0]->stories.size(), 1u);
  ASSERT_EQ(rec.entries().size(), 2u);
  EXPECT_NE(rec.entries()[1].sql.find("(SELECT writer.id FROM writer ORDER BY writer.id LIMIT"), std::string::npos)
      << rec.entries()[1].sql;
}

TEST_P(strategies_test, immediate_loads_each_parent_with_a_lazy_load) {
  seed();
  auto s = session();
  auto& rec = record();
  auto writers = s.query<Writer>().order_by(col<&Writer::id>).options(retort::immediateload<&Writer::stories>()).all();
  EXPECT_EQ(rec.entries().size(), 4u);  // writers, then one per writer
  auto& walk = record();
  EXPECT_EQ(writers[0]->stories.size(), 2u);
  EXPECT_EQ(walk.entries().size(), 0u);
}

TEST_P(strategies_test, noload_leaves_collections_empty_and_references_null) {
  seed();
  auto s = session();
  auto& rec = record();
  auto writers = s.query<Writer>()
                     .order_by(col<&Writer::id>)
                     .options(retort::noload<&Writer::stories>(), retort::noload<&Writer::bio>())
                     .all();
  EXPECT_EQ(writers[0]->stories.size(), 0u);
  EXPECT_FALSE(writers[0]->bio);
  EXPECT_EQ(rec.entries().size(), 1u);
}

TEST_P(strategies_test, raiseload_names_the_attribute_and_the_strategy) {
  seed();
  auto s = session();
  auto writers = s.query<Writer>().order_by(col<&Writer::id>).options(retort::raiseload<&Writer::stories>()).all();
  try {
    (void)writers[0]->stories.size();
    FAIL() << "no error";
  } catch (const retort::InvalidRequestError& e) {
    EXPECT_NE(std::string(e.what()).find("'Writer.stories' is not available due to lazy='raise'"),
              std::string::npos)
        << e.what();
  }
  // The option governs only the objects that query loaded: bio is lazy still.
  auto& rec = record();
  EXPECT_TRUE(writers[0]->bio);
  EXPECT_EQ(rec.entries().size(), 1u);
}

TEST_P(strategies_test, raiseload_all_raises_for_every_relationship_not_named) {
  seed();
  auto s = session();
  auto writers = s.query<Writer>()
                     .order_by(col<&Writer::id>)
                     .options(retort::selectinload<&Writer::stories>(), retort::raiseload_all())
                     .all();
  EXPECT_EQ(writers[0]->stories.size(), 2u);
  EXPECT_THROW((void)static_cast<bool>(writers[0]->bio), retort::InvalidRequestError);
  // The wildcard is for the writers' relationships; the stories' stay lazy.
  EXPECT_EQ(writers[0]->stories.begin()->topics.size(), 2u);
}

TEST_P(strategies_test, raise_on_sql_allows_what_the_identity_map_answers) {
  seed();
  auto s = session();
  auto ann = s.get<Writer>(1);
  auto stories =
      s.query<Story>().order_by(col<&Story::id>).options(retort::raiseload<&Story::writer>(retort::sql_only)).all();
  auto& rec = record();
  EXPECT_EQ(stories[0]->writer.get(), ann);  // in the identity map: no SQL, no error
  EXPECT_EQ(rec.entries().size(), 0u);
  try {
    (void)stories[2]->writer.get();  // bob is not loaded
    FAIL() << "no error";
  } catch (const retort::InvalidRequestError& e) {
    EXPECT_NE(std::string(e.what()).find("lazy='raise_on_sql'"), std::string::npos) << e.what();
  }
  EXPECT_EQ(rec.entries().size(), 0u);
}

// An object already in the session keeps its loaded attributes and its values
// unless the query says populate_existing.
TEST_P(strategies_test, existing_objects_keep_their_state_unless_populate_existing) {
  seed();
  auto s = session();
  auto ann = s.get<Writer>(1);
  ann->name = "changed";
  EXPECT_EQ(ann->stories.size(), 2u);
  s.connection().execute("INSERT INTO story (title, writer_id) VALUES ('a3', 1)");
  auto& rec = record();
  s.query<Writer>().options(retort::joinedload<&Writer::stories>()).all();  // the lazy load above flushed the name
  EXPECT_EQ(ann->stories.size(), 2u);
  EXPECT_EQ(rec.entries().size(), 1u);
  s.query<Writer>().populate_existing().options(retort::joinedload<&Writer::stories>()).all();
  EXPECT_EQ(ann->stories.size(), 3u);
  EXPECT_EQ(ann->name, "changed");
}

TEST_P(strategies_test, populate_existing_overwrites_unflushed_values) {
  seed();
  retort::session_options o;
  o.autoflush = false;
  retort::session s(db().engine(), o);
  auto ann = s.get<Writer>(1);
  ann->name = "changed";
  s.query<Writer>().all();
  EXPECT_EQ(ann->name, "changed");
  s.query<Writer>().populate_existing().all();
  EXPECT_EQ(ann->name, "ann");
}

// Eager defaults: Menu.dishes and Dish.menu are lazy="joined", Dish.sides lazy="selectin".
TEST_P(strategies_test, eager_defaults_apply_to_queries_gets_and_lazy_loads_without_recursing) {
  {
    auto s = session();
    auto m = s.add(loaders::Menu{.name = "lunch"});
    auto soup = m->dishes.add(loaders::Dish{.name = "soup"});
    soup->sides.add(loaders::Side{.name = "bread"});
    m->dishes.add(loaders::Dish{.name = "stew"});
    s.commit();
  }
  auto s = session();
  auto& rec = record();
  auto menus = s.query<loaders::Menu>().all();
  // The menu joins its dishes; Dish.menu is not joined again (Menu is on the path); the sides come by selectin.
  EXPECT_SQL(rec, {compiled_sql("SELECT menu.id, menu.name, dish_1.id, dish_1.name, dish_1.menu_id FROM menu "
                                "LEFT OUTER JOIN dish AS dish_1 ON menu.id = dish_1.menu_id"),
                   compiled_sql("SELECT side.id, side.name, side.dish_id FROM side WHERE side.dish_id IN (?, ?) "
                                "ORDER BY side.id")
                       .params({1, 2})});
  ASSERT_EQ(menus.size(), 1u);
  auto& walk = record();
  EXPECT_EQ(menus[0]->dishes.size(), 2u);
  EXPECT_EQ(menus[0]->dishes.begin()->menu.get(), menus[0]);
  EXPECT_EQ(menus[0]->dishes.begin()->sides.size(), 1u);
  EXPECT_EQ(walk.entries().size(), 0u);

  auto s2 = session();
  auto& get = record();
  auto dish = s2.get<loaders::Dish>(2);
  ASSERT_TRUE(dish);
  EXPECT_EQ(get.entries().size(), 2u);  // the dish joined with its menu, then its sides
  EXPECT_EQ(dish->menu->name, "lunch");
  EXPECT_EQ(get.entries().size(), 2u);

  // A lazy load (lazyload option) of a menu's dishes brings their eager defaults with it.
  auto s3 = session();
  auto lazy_menus = s3.query<loaders::Menu>().options(retort::lazyload<&loaders::Menu::dishes>()).all();
  auto& access = record();
  EXPECT_EQ(lazy_menus[0]->dishes.size(), 2u);
  EXPECT_EQ(access.entries().size(), 2u);  // the dishes (menus on the path: not joined), then their sides
}

}  // namespace

namespace {

// An option's steps below a lazy relationship apply when it loads later, on
// access, as SQLAlchemy carries lazyload(A.b).joinedload(B.c) into the lazy load.
TEST_P(strategies_test, options_below_a_lazy_relationship_are_carried_into_its_later_load) {
  seed();
  retort::session_options unbatched;
  unbatched.batch_lazy_loads = false;
  auto s = db().session(unbatched);
  auto writers = s.query<Writer>()
                     .order_by(col<&Writer::id>)
                     .options(retort::defaultload<&Writer::stories>().joinedload<&Story::topics>())
                     .all();
  auto& rec = record();
  ASSERT_EQ(writers[0]->stories.size(), 2u);
  EXPECT_SQL(rec, {compiled_sql("SELECT story.id, story.title, story.writer_id, topic_1.id, topic_1.label FROM story "
                                "LEFT OUTER JOIN story_topics AS story_topics_1 ON story.id = story_topics_1.story_id "
                                "LEFT OUTER JOIN topic AS topic_1 ON story_topics_1.topic_id = topic_1.id "
                                "WHERE story.writer_id = ? ORDER BY story.id")
                       .params({1})});
  EXPECT_EQ(writers[0]->stories.begin()->topics.size(), 2u);  // loaded with the stories
  EXPECT_EQ(rec.entries().size(), 1u);

  // Batched (the default): the carried steps go with the batch's IN query.
  auto t = session();
  auto all = t.query<Writer>()
                 .order_by(col<&Writer::id>)
                 .options(retort::lazyload<&Writer::stories>().selectinload<&Story::topics>())
                 .all();
  auto& rec2 = record();
  std::size_t topics = 0;
  for (auto& w : all)
    for (auto& st : w->stories) topics += st.topics.size();
  EXPECT_EQ(topics, 3u);
  EXPECT_EQ(rec2.entries().size(), 2u);  // the stories of all writers; their topics
  // Objects the query did not create keep their own loading.
  auto u = session();
  auto ann = u.get<Writer>(1);
  auto again = u.query<Writer>().options(retort::defaultload<&Writer::stories>().joinedload<&Story::topics>()).all();
  auto& rec3 = record();
  ASSERT_EQ(ann->stories.size(), 2u);
  EXPECT_EQ(ann->stories.begin()->topics.size(), 2u);
  EXPECT_GT(rec3.entries().size(), 1u);
}

}  // namespace
