// 2.0-style execution (docs/orm.md, "2.0-style select and execute"):
// session.execute(select<Writer>()...) with scalars(), scalar_one(), all(),
// first(), partitions(); rows not made unique unless asked, and the joined
// eager collection that requires unique(), as SQLAlchemy 2.0's Result.
#include "loaders/loader_support.hpp"

namespace {

using namespace retort::testing::sql_rules;
using loaders::Story;
using loaders::Writer;
using retort::col;

class execute_test : public retort::testing::loader_test {};
RETORT_ORM_SUITE(execute_test);

TEST_P(execute_test, select_of_an_entity_gives_scalars) {
  seed();
  auto s = session();
  auto& rec = record();
  auto ann = s.execute(retort::select<Writer>().where(col<&Writer::name> == "ann")).scalar_one();
  EXPECT_SQL(rec, {compiled_sql("SELECT writer.id, writer.name FROM writer WHERE writer.name = ?").params({"ann"})});
  EXPECT_EQ(ann->name, "ann");
  EXPECT_EQ(ann, s.get<Writer>(1));  // the identity map's object
  auto writers = s.scalars(retort::select<Writer>().order_by(col<&Writer::id>)).all();
  ASSERT_EQ(writers.size(), 3u);
  EXPECT_EQ(writers[2]->name, "cy");
  // Rows: a tuple of one object each.
  auto rows = s.execute(retort::select<Writer>().order_by(col<&Writer::id>)).all();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(std::get<0>(rows[1])->name, "bob");
  EXPECT_FALSE(s.execute(retort::select<Writer>().where(col<&Writer::name> == "zz")).scalar_one_or_none());
  EXPECT_THROW(s.execute(retort::select<Writer>().where(col<&Writer::name> == "zz")).scalar_one(),
               retort::NoResultFound);
  EXPECT_THROW(s.execute(retort::select<Writer>()).scalar_one(), retort::MultipleResultsFound);
  auto first = s.execute(retort::select<Writer>().order_by(col<&Writer::id>)).first();
  ASSERT_TRUE(first);
  EXPECT_EQ(std::get<0>(*first)->name, "ann");
}

TEST_P(execute_test, rows_of_a_join_are_not_made_unique_unless_asked) {
  seed();
  auto s = session();
  auto stmt = retort::select<Writer>().join<&Writer::stories>().order_by(col<&Writer::id>);
  EXPECT_EQ(s.scalars(stmt).all().size(), 3u);  // ann twice, as SQLAlchemy 2.0
  EXPECT_EQ(s.scalars(stmt).unique().all().size(), 2u);
  // A joined eager collection repeats the parents: unique() is required.
  auto eager = retort::select<Writer>().options(retort::joinedload<&Writer::stories>()).order_by(col<&Writer::id>);
  EXPECT_THROW(s.execute(eager).scalars().all(), retort::InvalidRequestError);
  auto& rec = record();
  auto writers = s.execute(eager).unique().scalars().all();
  ASSERT_EQ(writers.size(), 3u);
  EXPECT_EQ(writers[0]->stories.size(), 2u);
  EXPECT_EQ(rec.entries().size(), 1u);
}

TEST_P(execute_test, selects_of_items_give_tuples_and_partitions) {
  seed();
  auto s = session();
  auto& rec = record();
  auto counts = s.execute(retort::select(col<&Writer::name>, retort::sql::count(col<&Story::id>))
                              .outerjoin<&Writer::stories>()
                              .group_by(col<&Writer::id>)
                              .group_by(col<&Writer::name>)
                              .order_by(col<&Writer::id>))
                    .all();
  EXPECT_SQL(rec, {compiled_sql("SELECT writer.name, count(story.id) FROM writer LEFT OUTER JOIN story "
                                "ON writer.id = story.writer_id GROUP BY writer.id, writer.name ORDER BY writer.id")});
  using row = std::tuple<std::string, std::int64_t>;
  EXPECT_EQ(counts, (std::vector<row>{{"ann", 2}, {"bob", 1}, {"cy", 0}}));
  EXPECT_EQ(s.scalar(retort::select(retort::sql::count(col<&Story::id>))), std::optional<std::int64_t>(3));
  auto pairs = s.execute(retort::select(retort::entity<Writer>, col<&Story::title>)
                             .join<&Writer::stories>()
                             .order_by(col<&Story::id>));
  auto parts = pairs.partitions(2);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].size(), 2u);
  EXPECT_EQ(parts[1].size(), 1u);
  EXPECT_EQ(std::get<0>(parts[0][1])->name, "ann");
  EXPECT_EQ(std::get<1>(parts[1][0]), "b1");
  EXPECT_THROW(pairs.partitions(0), retort::ArgumentError);
}

TEST_P(execute_test, a_statement_needs_a_session_to_run) {
  auto stmt = retort::select<Writer>();
  EXPECT_THROW(stmt.statement(), retort::InvalidRequestError);
}

}  // namespace
