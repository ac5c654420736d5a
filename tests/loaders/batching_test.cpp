// Automatic N+1 batching (beyond SQLAlchemy; docs/loading.md): the first lazy
// load of a relationship on an object of a multi-row result loads it for the
// whole result with one IN query; switched off, SQLAlchemy's counts.
#include "loaders/loader_support.hpp"

namespace {

using namespace retort::testing::sql_rules;
using loaders::Story;
using loaders::Writer;
using retort::col;

class batching_test : public retort::testing::loader_test {
 protected:
  retort::session unbatched() {
    retort::session_options o;
    o.batch_lazy_loads = false;
    return db().session(o);
  }
};
RETORT_ORM_SUITE(batching_test);

// The yardstick: 1,000 writers, each touched: 2 statements, not 1,001.
TEST_P(batching_test, looping_over_a_thousand_parents_costs_two_statements) {
  {
    auto s = session();
    for (int i = 0; i < 1000; ++i) {
      auto w = s.add(Writer{.name = "w" + std::to_string(i)});
      if (i % 2 == 0) w->stories.add(Story{.title = "s" + std::to_string(i)});
    }
    s.commit();
  }
  auto s = session();
  auto& rec = record();
  std::size_t stories = 0;
  for (auto& w : s.query<Writer>().all()) stories += w->stories.size();
  EXPECT_EQ(stories, 500u);
  ASSERT_EQ(rec.entries().size(), 2u);
  EXPECT_EQ(rec.entries()[1].params.size(), 1000u);

  auto u = unbatched();
  auto& plain = record();
  stories = 0;
  for (auto& w : u.query<Writer>().all()) stories += w->stories.size();
  EXPECT_EQ(stories, 500u);
  EXPECT_EQ(plain.entries().size(), 1001u);
}

TEST_P(batching_test, a_many_to_one_batches_only_what_the_identity_map_lacks) {
  seed();
  auto s = session();
  auto bob = s.get<Writer>(2);
  auto& rec = record();
  auto stories = s.query<Story>().order_by(col<&Story::id>).all();
  EXPECT_EQ(stories[2]->writer.get(), bob);  // in the identity map: no SQL
  EXPECT_EQ(rec.entries().size(), 1u);
  EXPECT_EQ(stories[0]->writer->name, "ann");  // one IN for the writers not known
  EXPECT_EQ(stories[1]->writer->name, "ann");
  EXPECT_SQL(rec, {starts_with("SELECT story.id"),
                   compiled_sql("SELECT writer.id, writer.name FROM writer WHERE writer.id IN (?)").params({1})});
}

// A lazily loaded collection is a result too: its stories' topics come in one statement.
TEST_P(batching_test, the_objects_of_a_lazy_load_batch_together) {
  seed();
  auto s = session();
  auto ann = s.get<Writer>(1);
  auto& rec = record();
  std::size_t topics = 0;
  for (auto& st : ann->stories) topics += st.topics.size();
  EXPECT_EQ(topics, 3u);
  EXPECT_SQL(rec, {starts_with("SELECT story.id"),
                   compiled_sql("SELECT story_topics.story_id, topic.id, topic.label FROM topic JOIN story_topics ON "
                                "story_topics.topic_id = topic.id WHERE story_topics.story_id IN (?, ?) "
                                "ORDER BY topic.id")
                       .params({1, 2})});
}

// Objects already loaded, marked by an option, or no longer in the session are left alone.
TEST_P(batching_test, only_objects_still_unloaded_in_the_session_join_the_batch) {
  seed();
  auto s = session();
  auto writers = s.query<Writer>().order_by(col<&Writer::id>).all();
  EXPECT_EQ(writers[1]->stories.size(), 1u);  // batch: all three writers' stories
  s.expire(writers[0]);
  s.expunge(writers[2]);
  auto& rec = record();
  EXPECT_TRUE(writers[1]->bio == nullptr);  // writer 1 expired, writer 3 gone: bob's bio alone, one SELECT
  ASSERT_EQ(rec.entries().size(), 1u);
  EXPECT_EQ(rec.entries()[0].params, (std::vector<retort::sql::value>{2}));
}

TEST_P(batching_test, a_relationship_with_no_batching_loads_one_parent_at_a_time) {
  seed();
  auto s = session();
  auto stories = s.query<Story>().all();
  auto& rec = record();
  for (auto& st : stories) (void)st->remarks.size();
  EXPECT_EQ(rec.entries().size(), 3u);
}

TEST_P(batching_test, switched_off_per_session_the_counts_are_sqlalchemys) {
  seed();
  auto s = unbatched();
  auto& rec = record();
  auto writers = s.query<Writer>().order_by(col<&Writer::id>).all();
  for (auto& w : writers) (void)w->stories.size();
  EXPECT_EQ(rec.entries().size(), 4u);
}

}  // namespace
