// Computed attributes (issue 10 item 4): column_property, a SQL expression
// (here a correlated count and a concatenation) selected with its object
// wherever the object's columns are - get, queries, lazy and eager loads,
// aliases, a LIMIT-wrapped statement - never written and not a column of the
// table; and hybrid properties, a member function on objects and an expression
// in queries.
#include <cstdint>
#include <string>

#include "support/orm_fixture.hpp"

using retort::testing::orm_test;
using namespace retort::testing::sql_rules;

namespace cp {
struct Essay;
struct Writer {
  int id = 0;
  std::string first{};
  std::string last{};
  std::int64_t essay_count = 0;  // column_property: correlated count of essays
  std::string display{};           // column_property: first || ' ' || last
  retort::many<Essay> essays{};
  std::string full_name() const { return first + " " + last; }  // hybrid: the object side
};
struct Essay {
  int id = 0;
  std::string title{};
  int writer_id = 0;
  retort::one<Writer> writer{};
};
}  // namespace cp

template <>
inline constexpr auto retort::mapping<cp::Writer> = retort::model(
    retort::column<&cp::Writer::id>(retort::primary_key), retort::column<&cp::Writer::first>(retort::String(30)),
    retort::column<&cp::Writer::last>(retort::String(30)),
    retort::column_property<&cp::Writer::essay_count>([] {
      return retort::sql::scalar<std::int64_t>(retort::sql::select({retort::sql::count()})
                                                    .from("essay")
                                                    .where(retort::col<&cp::Essay::writer_id> == retort::col<&cp::Writer::id>));
    }),
    retort::column_property<&cp::Writer::display>(
        [] { return retort::col<&cp::Writer::first> + " " + retort::col<&cp::Writer::last>; }),
    retort::relationship<&cp::Writer::essays>(retort::back_populates<&cp::Essay::writer>));

template <>
inline constexpr auto retort::mapping<cp::Essay> = retort::model(
    retort::column<&cp::Essay::id>(retort::primary_key), retort::column<&cp::Essay::title>(retort::String(40)),
    retort::column<&cp::Essay::writer_id>(retort::foreign_key<&cp::Writer::id>, retort::not_null),
    retort::relationship<&cp::Essay::writer>(retort::back_populates<&cp::Writer::essays>));

/// The hybrid's SQL side (SQLAlchemy's @full_name.expression).
template <>
inline constexpr auto retort::hybrid_expression<&cp::Writer::full_name> =
    [] { return retort::col<&cp::Writer::first> + " " + retort::col<&cp::Writer::last>; };

namespace {

using cp::Essay;
using cp::Writer;
using retort::col;

const char* const writer_columns =
    "writer.id, writer.first, writer.last, (SELECT count(*) FROM essay WHERE essay.writer_id = writer.id) AS "
    "essay_count, writer.first || ? || writer.last AS display";

class computed_test : public orm_test {
 protected:
  /// Ada with 2 essays, Alan with 1, Grace with none (ids 1, 2, 3).
  void seed() {
    auto s = session();
    auto ada = s.add(Writer{.first = "Ada", .last = "Lovelace"});
    ada->essays.add(Essay{.title = "Notes"});
    ada->essays.add(Essay{.title = "Engine"});
    auto alan = s.add(Writer{.first = "Alan", .last = "Turing"});
    alan->essays.add(Essay{.title = "Computing"});
    s.add(Writer{.first = "Grace", .last = "Hopper"});
    s.commit();
  }
};
RETORT_ORM_SUITE(computed_test);

TEST_P(computed_test, the_expressions_load_with_the_row_and_are_never_written) {
  auto s = session();
  auto& rec = record();
  auto w = s.add(Writer{.first = "Ada", .last = "Lovelace", .essay_count = 99, .display = "ignored"});
  s.flush();
  EXPECT_SQL(rec, {compiled_sql("INSERT INTO writer (first, last) VALUES (?, ?)").params({"Ada", "Lovelace"}).returning("id")});
  const int id = w->id;
  w->essays.add(Essay{.title = "Notes"});
  s.commit();
  rec.clear();
  auto fresh = session();
  auto got = fresh.get<Writer>(id);
  ASSERT_TRUE(got);
  EXPECT_SQL(rec, {compiled_sql(std::string("SELECT ") + writer_columns + " FROM writer WHERE writer.id = ?")
                       .params({" ", id})});
  EXPECT_EQ(got->essay_count, 1);
  EXPECT_EQ(got->display, "Ada Lovelace");
  rec.clear();
  got->first = "Augusta";  // a column changes; the computed ones are not written, and not refreshed by the flush
  fresh.flush();
  EXPECT_SQL(rec, {compiled_sql("UPDATE writer SET first = ? WHERE writer.id = ?").params({"Augusta", id})});
  EXPECT_EQ(got->display, "Ada Lovelace");
  fresh.refresh(got);  // refresh (or expiry) loads them again
  EXPECT_EQ(got->display, "Augusta Lovelace");
  // The table has only its columns.
  auto conn = db().engine().connect();
  auto ddl = retort::sql::create_all(retort::models<Writer, Essay>().metadata(), conn.dialect(), false);
  for (const auto& d : ddl) EXPECT_EQ(d.find("essay_count"), std::string::npos) << d;
}

TEST_P(computed_test, queries_filter_and_order_by_a_column_property) {
  seed();
  auto s = session();
  auto& rec = record();
  auto busy = s.query<Writer>()
                  .where(retort::computed<&Writer::essay_count>() > 0)
                  .order_by(retort::computed<&Writer::essay_count>().desc())
                  .all();
  ASSERT_EQ(busy.size(), 2u);
  EXPECT_EQ(busy[0]->first, "Ada");
  EXPECT_EQ(busy[0]->essay_count, 2);
  EXPECT_EQ(busy[1]->essay_count, 1);
  EXPECT_SQL(rec, {compiled_sql(std::string("SELECT ") + writer_columns +
                                " FROM writer WHERE (SELECT count(*) FROM essay WHERE essay.writer_id = writer.id) > ? "
                                "ORDER BY (SELECT count(*) FROM essay WHERE essay.writer_id = writer.id) DESC")
                       .params({" ", 0})});
}

TEST_P(computed_test, lazy_and_eager_loads_select_them_under_the_alias) {
  seed();
  {
    auto s = session();
    auto article = s.query<Essay>().where(col<&Essay::title> == "Computing").one();
    EXPECT_EQ(article->writer->essay_count, 1);  // lazy many-to-one: get's statement
  }
  auto s = session();
  auto& rec = record();
  auto essays = s.query<Essay>().options(retort::joinedload<&Essay::writer>()).order_by(col<&Essay::id>).all();
  ASSERT_EQ(essays.size(), 3u);
  EXPECT_EQ(rec.count(), 1u);
  EXPECT_NE(rec.entries()[0].sql.find("(SELECT count(*) FROM essay WHERE essay.writer_id = writer_1.id) AS "
                                      "essay_count"),
            std::string::npos)
      << rec.entries()[0].sql;
  EXPECT_EQ(essays[0]->writer->essay_count, 2);
  EXPECT_EQ(essays[0]->writer->display, "Ada Lovelace");
  EXPECT_EQ(essays[2]->writer->essay_count, 1);
  EXPECT_EQ(rec.count(), 1u);  // the writers came with the join
  // A LIMIT over a joined collection wraps the writers in a subquery: read there by label.
  auto s2 = session();
  auto first = s2.query<Writer>().options(retort::joinedload<&Writer::essays>()).order_by(col<&Writer::id>).limit(1).all();
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0]->essay_count, 2);
  EXPECT_EQ(first[0]->essays.size(), 2u);
  EXPECT_EQ(first[0]->display, "Ada Lovelace");
  // selectin loading of the writers' essays, and back to the writers: the same values.
  auto s3 = session();
  auto all = s3.query<Writer>().options(retort::selectinload<&Writer::essays>()).order_by(col<&Writer::id>).all();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[2]->essay_count, 0);
  EXPECT_EQ(all[2]->display, "Grace Hopper");
}

TEST_P(computed_test, a_hybrid_is_a_method_on_objects_and_an_expression_in_queries) {
  seed();
  auto s = session();
  auto& rec = record();
  auto found = s.query<Writer>().where(retort::hybrid<&Writer::full_name> == "Alan Turing").all();
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]->full_name(), "Alan Turing");
  EXPECT_SQL(rec, {compiled_sql(std::string("SELECT ") + writer_columns +
                                " FROM writer WHERE writer.first || ? || writer.last = ?")
                       .params({" ", " ", "Alan Turing"})});
  auto ordered = s.query<Writer>().order_by(retort::hybrid<&Writer::full_name>).all();
  ASSERT_EQ(ordered.size(), 3u);
  EXPECT_EQ(ordered[0]->full_name(), "Ada Lovelace");
  EXPECT_EQ(ordered[2]->full_name(), "Grace Hopper");
  EXPECT_EQ(s.query<Writer>().where(retort::hybrid<&Writer::full_name>().like("A%")).count(), 2u);
}

}  // namespace
