// Queries along relationships (docs/orm.md, "Queries along relationships"):
// join(&Writer::stories) with the ON clause derived, chained and outer joins,
// aliases, relationship comparators (any, has, contains, ==), with_parent, row
// queries with counts per parent, scalar subqueries, EXISTS, UNION, DISTINCT,
// and the no_autoflush guard. Each asserts the SQL and the objects or rows.
#include <regex>

#include "loaders/loader_support.hpp"
#include "support/relationship_models.hpp"

namespace {

using namespace retort::testing::sql_rules;
using loaders::Bio;
using loaders::Story;
using loaders::Topic;
using loaders::Writer;
using retort::col;
using retort::rel;
using scenario::Node;

class query_along_test : public retort::testing::loader_test {
 protected:
  static std::string sql_of(retort::session& s, const retort::sql::select& q) {
    return retort::testing::normalize_sql(retort::sql::compile(q, s.bound_engine().dialect()).sql);
  }
  template <class Q>
  std::vector<std::string> titles(Q q) {
    std::vector<std::string> out;
    for (auto& st : q.order_by(col<&Story::id>).all()) out.push_back(st->title);
    return out;
  }
  template <class Q>
  std::vector<std::string> names(Q q) {
    std::vector<std::string> out;
    for (auto& w : q.order_by(col<&Writer::id>).all()) out.push_back(w->name);
    return out;
  }
};
RETORT_ORM_SUITE(query_along_test);

using strings = std::vector<std::string>;

TEST_P(query_along_test, join_derives_the_on_clause_and_returns_each_parent_once) {
  seed();
  auto s = session();
  auto& rec = record();
  auto writers = s.query<Writer>().join<&Writer::stories>().order_by(col<&Writer::id>).all();
  EXPECT_SQL(rec, {compiled_sql("SELECT writer.id, writer.name FROM writer JOIN story ON writer.id = story.writer_id "
                                "ORDER BY writer.id")});
  ASSERT_EQ(writers.size(), 2u);  // ann has two stories: one object, as SQLAlchemy's legacy Query
  EXPECT_EQ(writers[0]->name, "ann");
  EXPECT_EQ(writers[1]->name, "bob");
  // count() counts rows of the statement, as SQLAlchemy's Query.count().
  EXPECT_EQ(s.query<Writer>().join<&Writer::stories>().count(), 3);
  // DISTINCT makes the database do it.
  auto q = s.query<Writer>().join<&Writer::stories>().distinct();
  EXPECT_EQ(sql_of(s, q.statement()),
            "SELECT DISTINCT writer.id, writer.name FROM writer JOIN story ON writer.id = story.writer_id");
  EXPECT_EQ(q.count(), 2);
}

TEST_P(query_along_test, joins_chain_across_hops_through_the_secondary_table) {
  seed();
  auto s = session();
  auto& rec = record();
  auto q = s.query<Writer>().join<&Writer::stories>().join<&Story::topics>().where(col<&Topic::label> == "x");
  EXPECT_EQ(names(q), strings{"ann"});
  EXPECT_SQL(rec, {compiled_sql("SELECT writer.id, writer.name FROM writer JOIN story ON writer.id = story.writer_id "
                                "JOIN story_topics AS story_topics_1 ON story.id = story_topics_1.story_id "
                                "JOIN topic ON story_topics_1.topic_id = topic.id WHERE topic.label = ? "
                                "ORDER BY writer.id")
                       .params({"x"})});
  // From the other end of the many-to-many.
  EXPECT_EQ(titles(s.query<Story>().join<&Story::topics>().where(col<&Topic::label> == "y")), (strings{"a1", "a2"}));
}

TEST_P(query_along_test, a_join_from_a_class_not_in_the_query_is_an_error) {
  auto s = session();
  try {
    s.query<Writer>().join<&Story::topics>();
    FAIL() << "joined from Story";
  } catch (const retort::InvalidRequestError& e) {
    EXPECT_NE(std::string(e.what()).find("join(Story.topics): story is not in the query"), std::string::npos)
        << e.what();
  }
}

TEST_P(query_along_test, outerjoin_and_group_by_count_every_parent_including_zero) {
  seed();
  auto s = session();
  auto& rec = record();
  auto rows = s.query(col<&Writer::name>, retort::sql::count(col<&Story::id>))
                  .outerjoin<&Writer::stories>()
                  .group_by(col<&Writer::id>)
                  .group_by(col<&Writer::name>)
                  .order_by(col<&Writer::id>)
                  .all();
  EXPECT_SQL(rec, {compiled_sql("SELECT writer.name, count(story.id) FROM writer LEFT OUTER JOIN story "
                                "ON writer.id = story.writer_id GROUP BY writer.id, writer.name ORDER BY writer.id")});
  using row = std::tuple<std::string, std::int64_t>;
  EXPECT_EQ(rows, (std::vector<row>{{"ann", 2}, {"bob", 1}, {"cy", 0}}));
  // An inner join leaves the writer without stories out.
  auto inner =
      s.query(col<&Writer::name>, retort::sql::count(col<&Story::id>)).join<&Writer::stories>().group_by(col<&Writer::name>);
  EXPECT_EQ(inner.count(), 2);
}

TEST_P(query_along_test, row_queries_return_typed_tuples_with_objects) {
  seed();
  auto s = session();
  auto& rec = record();
  // Whole objects beside values; an outer join without a row gives a null ptr.
  auto rows = s.query(retort::entity<Writer>, retort::entity<Bio>, col<&Writer::name>)
                  .outerjoin<&Writer::bio>()
                  .order_by(col<&Writer::id>)
                  .all();
  EXPECT_SQL(rec, {compiled_sql("SELECT writer.id, writer.name, bio.id, bio.text, bio.writer_id, writer.name FROM writer "
                                "LEFT OUTER JOIN bio ON writer.id = bio.writer_id ORDER BY writer.id")});
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(std::get<0>(rows[0])->name, "ann");
  ASSERT_TRUE(std::get<1>(rows[0]));
  EXPECT_EQ(std::get<1>(rows[0])->text, "ann's");
  EXPECT_FALSE(std::get<1>(rows[1]));
  EXPECT_EQ(std::get<2>(rows[2]), "cy");
  // The objects are the session's: the identity map gives the same ones.
  EXPECT_EQ(std::get<0>(rows[0]), s.get<Writer>(1));
  // first(), one(), scalar().
  auto first = s.query(col<&Story::title>).order_by(col<&Story::id>).first();
  ASSERT_TRUE(first);
  EXPECT_EQ(std::get<0>(*first), "a1");
  EXPECT_EQ(s.query(retort::sql::count(col<&Story::id>)).scalar(), std::optional<std::int64_t>(3));
  EXPECT_THROW(s.query(col<&Story::title>).one(), retort::MultipleResultsFound);
  EXPECT_THROW(s.query(col<&Story::title>).where(col<&Story::title> == "zz").one(), retort::NoResultFound);
  EXPECT_EQ(std::get<0>(s.query(col<&Story::title>).where(col<&Story::title> == "b1").one()), "b1");
}

TEST_P(query_along_test, aliases_join_one_table_twice_and_self_join) {
  seed();
  auto s = session();
  auto& rec = record();
  retort::aliased<Writer> w("w");
  auto q = s.query<Story>().join<&Story::writer>(w).where(w.col<&Writer::name>() == "ann");
  EXPECT_EQ(titles(q), (strings{"a1", "a2"}));
  EXPECT_SQL(rec, {compiled_sql("SELECT story.id, story.title, story.writer_id FROM story JOIN writer AS w "
                                "ON story.writer_id = w.id WHERE w.name = ? ORDER BY story.id")
                       .params({"ann"})});
  // Two joins to topic: stories with both x and y.
  retort::aliased<Topic> t1("t1"), t2("t2");
  auto both = s.query<Story>()
                  .join<&Story::topics>(t1)
                  .join<&Story::topics>(t2)
                  .where(t1.col<&Topic::label>() == "x")
                  .where(t2.col<&Topic::label>() == "y");
  EXPECT_EQ(sql_of(s, both.statement()),
            "SELECT story.id, story.title, story.writer_id FROM story "
            "JOIN story_topics AS story_topics_1 ON story.id = story_topics_1.story_id "
            "JOIN topic AS t1 ON story_topics_1.topic_id = t1.id "
            "JOIN story_topics AS story_topics_2 ON story.id = story_topics_2.story_id "
            "JOIN topic AS t2 ON story_topics_2.topic_id = t2.id WHERE t1.label = ? AND t2.label = ?");
  EXPECT_EQ(titles(both), strings{"a1"});
  // Self-join: the children of "root", through the parent alias; and joining on from an alias.
  auto root = s.add(Node{.name = "root"});
  root->children.add(Node{.name = "leaf"});
  root->children.add(Node{.name = "twig"});
  s.commit();
  retort::aliased<Node> parent("parent");
  auto children =
      s.query<Node>().join<&Node::parent>(parent).where(parent.col<&Node::name>() == "root").order_by(col<&Node::id>).all();
  ASSERT_EQ(children.size(), 2u);
  EXPECT_EQ(children[0]->name, "leaf");
  retort::aliased<Node> kid("kid");
  auto parents = s.query<Node>().join(rel<&Node::children>, kid).where(kid.col<&Node::name>() == "twig").all();
  ASSERT_EQ(parents.size(), 1u);
  EXPECT_EQ(parents[0]->name, "root");
}

TEST_P(query_along_test, any_and_has_are_correlated_exists) {
  seed();
  auto s = session();
  auto& rec = record();
  EXPECT_EQ(names(s.query<Writer>().where(rel<&Writer::stories>.any(col<&Story::title> == "b1"))), strings{"bob"});
  EXPECT_SQL(rec, {compiled_sql("SELECT writer.id, writer.name FROM writer WHERE EXISTS (SELECT * FROM story "
                                "WHERE writer.id = story.writer_id AND story.title = ?) ORDER BY writer.id")
                       .params({"b1"})});
  EXPECT_EQ(names(s.query<Writer>().where(!rel<&Writer::stories>.any())), strings{"cy"});
  EXPECT_EQ(titles(s.query<Story>().where(rel<&Story::writer>.has(col<&Writer::name> == "ann"))),
            (strings{"a1", "a2"}));
  // Many-to-many: through the association table.
  auto& m2m = record();
  EXPECT_EQ(titles(s.query<Story>().where(rel<&Story::topics>.any(col<&Topic::label> == "x"))), strings{"a1"});
  EXPECT_SQL(m2m, {compiled_sql("SELECT story.id, story.title, story.writer_id FROM story WHERE EXISTS (SELECT * FROM "
                                "story_topics, topic WHERE story.id = story_topics.story_id AND "
                                "story_topics.topic_id = topic.id AND topic.label = ?) ORDER BY story.id")
                       .params({"x"})});
  // A one-to-one (the key on the target's side) compared with nullptr.
  EXPECT_EQ(names(s.query<Writer>().where(rel<&Writer::bio> == nullptr)), (strings{"bob", "cy"}));
  EXPECT_EQ(names(s.query<Writer>().where(rel<&Writer::bio> != nullptr)), strings{"ann"});
}

TEST_P(query_along_test, any_on_a_self_referential_relationship_aliases_the_target) {
  auto s = session();
  auto root = s.add(Node{.name = "root"});
  root->children.add(Node{.name = "leaf"});
  s.commit();
  auto q = s.query<Node>().where(rel<&Node::children>.any(col<&Node::name> == "leaf"));
  EXPECT_EQ(sql_of(s, q.statement()), "SELECT node.id, node.name, node.parent_id FROM node WHERE EXISTS (SELECT * FROM "
                                   "node AS node_1 WHERE node.id = node_1.parent_id AND node_1.name = ?)");
  auto found = q.all();
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]->name, "root");
}

TEST_P(query_along_test, contains_and_equality_compare_keys) {
  seed();
  auto s = session();
  auto ann = s.get<Writer>(1);
  auto b1 = s.query<Story>().filter_by<&Story::title>("b1").one();
  auto y = s.query<Topic>().filter_by<&Topic::label>("y").one();
  s.add(Story{.title = "orphan"});
  s.commit();
  auto& rec = record();
  EXPECT_EQ(names(s.query<Writer>().where(rel<&Writer::stories>.contains(b1))), strings{"bob"});
  EXPECT_SQL(rec, {compiled_sql("SELECT writer.id, writer.name FROM writer WHERE writer.id = ? ORDER BY writer.id")
                       .params({2})});
  // Many-to-many: the association table joins the FROM under an alias of its own.
  auto with_y = s.query<Story>().where(rel<&Story::topics>.contains(y));
  EXPECT_TRUE(std::regex_match(sql_of(s, with_y.statement()),
                               std::regex("SELECT story.id, story.title, story.writer_id FROM story, story_topics AS "
                                          "(story_topics_[0-9]+) WHERE story.id = \\1.story_id AND \\? = \\1.topic_id")))
      << sql_of(s, with_y.statement());
  EXPECT_EQ(titles(with_y), (strings{"a1", "a2"}));
  auto& eq = record();
  EXPECT_EQ(titles(s.query<Story>().where(rel<&Story::writer> == ann)), (strings{"a1", "a2"}));
  EXPECT_SQL(eq, {compiled_sql("SELECT story.id, story.title, story.writer_id FROM story WHERE ? = story.writer_id "
                               "ORDER BY story.id")
                      .params({1})});
  EXPECT_EQ(titles(s.query<Story>().where(rel<&Story::writer> != ann)), (strings{"b1", "orphan"}));
  EXPECT_EQ(titles(s.query<Story>().where(rel<&Story::writer> == nullptr)), strings{"orphan"});
  EXPECT_EQ(titles(s.query<Story>().where(rel<&Story::writer> != nullptr)), (strings{"a1", "a2", "b1"}));
  // Inside any(): the association alias is the EXISTS's own FROM, not the enclosing query's.
  auto writes_on_y = s.query<Writer>().where(rel<&Writer::stories>.any(rel<&Story::topics>.contains(y)));
  EXPECT_TRUE(std::regex_match(sql_of(s, writes_on_y.statement()),
                               std::regex("SELECT writer.id, writer.name FROM writer WHERE EXISTS \\(SELECT \\* FROM "
                                          "story, story_topics AS (story_topics_[0-9]+) WHERE writer.id = "
                                          "story.writer_id AND story.id = \\1.story_id AND \\? = \\1.topic_id\\)")))
      << sql_of(s, writes_on_y.statement());
  EXPECT_EQ(names(writes_on_y), strings{"ann"});
  auto x = s.query<Topic>().filter_by<&Topic::label>("x").one();
  EXPECT_EQ(names(s.query<Writer>().where(rel<&Writer::stories>.any(retort::with_parent<&Topic::stories>(x)))),
            strings{"ann"});  // with_parent's association alias too
}

TEST_P(query_along_test, with_parent_is_the_lazy_loads_criterion) {
  seed();
  auto s = session();
  auto ann = s.get<Writer>(1);
  auto a1 = s.query<Story>().filter_by<&Story::title>("a1").one();
  auto b1 = s.query<Story>().filter_by<&Story::title>("b1").one();
  auto& rec = record();
  EXPECT_EQ(titles(s.query<Story>().where(retort::with_parent<&Writer::stories>(ann))), (strings{"a1", "a2"}));
  EXPECT_SQL(rec, {compiled_sql("SELECT story.id, story.title, story.writer_id FROM story WHERE ? = story.writer_id "
                                "ORDER BY story.id")
                       .params({1})});
  // Many-to-many and many-to-one.
  std::vector<std::string> labels;
  for (auto& t : s.query<Topic>().where(retort::with_parent<&Story::topics>(a1)).order_by(col<&Topic::id>).all())
    labels.push_back(t->label);
  EXPECT_EQ(labels, (strings{"x", "y"}));
  EXPECT_EQ(names(s.query<Writer>().where(retort::with_parent<&Story::writer>(b1))), strings{"bob"});
  // With a joined eager load: the join hangs off the entity, before the association table
  // (FROM story, story_topics LEFT OUTER JOIN ... would not name story on PostgreSQL).
  auto x = s.query<Topic>().filter_by<&Topic::label>("x").one();
  auto on_x = s.query<Story>().where(retort::with_parent<&Topic::stories>(x)).options(retort::joinedload<&Story::writer>());
  EXPECT_TRUE(std::regex_search(sql_of(s, on_x.statement()),
                                std::regex("FROM story LEFT OUTER JOIN writer AS writer_1 ON story.writer_id = "
                                           "writer_1.id, story_topics AS story_topics_[0-9]+ WHERE")))
      << sql_of(s, on_x.statement());
  EXPECT_EQ(titles(on_x), strings{"a1"});
  // A pending parent has no key yet.
  auto fresh = s.add(Writer{.name = "dee"});
  EXPECT_THROW(retort::with_parent<&Writer::stories>(fresh), retort::InvalidRequestError);
}

TEST_P(query_along_test, scalar_subqueries_and_exists_correlate_to_the_enclosing_query) {
  seed();
  auto s = session();
  auto& rec = record();
  auto n = s.query(retort::sql::count(col<&Story::id>))
               .where(col<&Story::writer_id> == col<&Writer::id>)
               .scalar_subquery()
               .label("n");
  auto rows = s.query(col<&Writer::name>, n).order_by(col<&Writer::id>).all();
  EXPECT_SQL(rec, {compiled_sql("SELECT writer.name, (SELECT count(story.id) FROM story WHERE story.writer_id = "
                                "writer.id) AS n FROM writer ORDER BY writer.id")});
  using row = std::tuple<std::string, std::int64_t>;
  EXPECT_EQ(rows, (std::vector<row>{{"ann", 2}, {"bob", 1}, {"cy", 0}}));
  auto has_stories = s.query<Story>().where(col<&Story::writer_id> == col<&Writer::id>).exists();
  auto& ex = record();
  EXPECT_EQ(names(s.query<Writer>().where(has_stories)), (strings{"ann", "bob"}));
  EXPECT_SQL(ex, {compiled_sql("SELECT writer.id, writer.name FROM writer WHERE EXISTS (SELECT story.id, story.title, "
                               "story.writer_id FROM story WHERE story.writer_id = writer.id) ORDER BY writer.id")});
}

TEST_P(query_along_test, union_selects_from_the_compound) {
  seed();
  auto s = session();
  auto& rec = record();
  auto q = s.query<Writer>()
               .where(col<&Writer::name> == "ann")
               .union_(s.query<Writer>().where(col<&Writer::name> == "cy"))
               .order_by(col<&Writer::name>);
  auto writers = q.all();
  EXPECT_SQL(rec, {compiled_sql("SELECT anon_1.id, anon_1.name FROM (SELECT writer.id, writer.name FROM writer WHERE "
                                "writer.name = ? UNION SELECT writer.id, writer.name FROM writer WHERE writer.name = ?) "
                                "AS anon_1 ORDER BY anon_1.name")
                       .params({"ann", "cy"})});
  ASSERT_EQ(writers.size(), 2u);
  EXPECT_EQ(writers[0]->name, "ann");
  EXPECT_EQ(writers[1]->name, "cy");
  // A where added after the union applies to it; UNION ALL keeps the duplicate rows, the query each object once.
  auto all = s.query<Writer>().union_all(s.query<Writer>()).where(col<&Writer::name> != "bob");
  EXPECT_EQ(all.count(), 4);
  EXPECT_EQ(all.all().size(), 2u);
  EXPECT_THROW(s.query<Writer>().order_by(col<&Writer::id>).union_(s.query<Writer>()), retort::ArgumentError);
}

TEST_P(query_along_test, contains_eager_fills_a_relationship_from_the_querys_own_join) {
  seed();
  auto s = session();
  auto& rec = record();
  // A filtered join: the collection holds what the join kept (SQLAlchemy's contains_eager).
  auto writers = s.query<Writer>()
                     .join<&Writer::stories>()
                     .where(col<&Story::title> == "a1")
                     .options(retort::contains_eager<&Writer::stories>())
                     .all();
  EXPECT_SQL(rec, {compiled_sql("SELECT writer.id, writer.name, story.id, story.title, story.writer_id FROM writer "
                                "JOIN story ON writer.id = story.writer_id WHERE story.title = ?")
                       .params({"a1"})});
  ASSERT_EQ(writers.size(), 1u);
  ASSERT_EQ(writers[0]->stories.size(), 1u);
  EXPECT_EQ(writers[0]->stories.begin()->title, "a1");
  EXPECT_EQ(rec.entries().size(), 1u);  // nothing loaded on access

  // Aliased and outer, and chained to the next hop.
  auto t = session();
  auto& rec2 = record();
  retort::aliased<Story> st("st");
  auto all = t.query<Writer>()
                 .outerjoin<&Writer::stories>(st)
                 .outerjoin(st.rel<&Story::topics>())
                 .order_by(col<&Writer::id>)
                 .options(retort::contains_eager<&Writer::stories>(st).contains_eager<&Story::topics>())
                 .all();
  EXPECT_SQL(rec2, {compiled_sql("SELECT writer.id, writer.name, st.id, st.title, st.writer_id, topic.id, topic.label "
                                 "FROM writer LEFT OUTER JOIN story AS st ON writer.id = st.writer_id "
                                 "LEFT OUTER JOIN story_topics AS story_topics_1 ON st.id = story_topics_1.story_id "
                                 "LEFT OUTER JOIN topic ON story_topics_1.topic_id = topic.id ORDER BY writer.id")});
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0]->stories.size(), 2u);
  EXPECT_EQ(all[0]->stories.begin()->topics.size(), 2u);
  EXPECT_EQ(all[2]->stories.size(), 0u);
  EXPECT_EQ(rec2.entries().size(), 1u);

  // Without the join there is nothing to fill it from.
  EXPECT_THROW(t.query<Writer>().options(retort::contains_eager<&Writer::stories>()).all(), retort::InvalidRequestError);
}

TEST_P(query_along_test, no_autoflush_keeps_pending_changes_out_of_queries) {
  seed();
  auto s = session();
  s.add(Writer{.name = "dee"});
  auto& rec = record();
  {
    retort::no_autoflush guard(s);
    EXPECT_EQ(s.query<Writer>().count(), 3);  // dee not flushed
    {
      retort::no_autoflush nested(s);
    }
    EXPECT_EQ(s.query<Writer>().count(), 3);
  }
  EXPECT_EQ(rec.entries().size(), 2u);
  EXPECT_EQ(s.query<Writer>().count(), 4);  // the guard is gone: autoflush
  EXPECT_EQ(rec.entries().size(), 4u);      // INSERT, SELECT count
}

}  // namespace
