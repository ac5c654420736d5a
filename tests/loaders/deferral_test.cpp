// Column deferral (SQLAlchemy's deferred / defer / undefer / load_only /
// undefer_group / raiseload=True): what each load selects, the SELECT a
// deferred<T> member runs when first read, and what the flush writes.
#include <gtest/gtest.h>

#include "support/deferral_models.hpp"
#include "support/orm_fixture.hpp"

namespace {

using namespace retort::testing::sql_rules;
using deferral::Article;
using deferral::Author;
using retort::col;

class deferral_test : public retort::testing::orm_test {
 protected:
  /// ann (bio "ann's") with articles 1 "a1" and 2 "a2"; bob (bio "bob's") with article 3 "b1". Committed.
  void seed() {
    auto s = session();
    auto ann = s.add(Author{.name = "ann", .bio = "ann's"});
    ann->articles.add(Article{.title = "a1",
                              .body = "body a1",
                              .summary = "sum a1",
                              .photo1 = "p1 a1",
                              .photo2 = "p2 a1",
                              .secret = "s a1",
                              .views = 10});
    ann->articles.add(Article{.title = "a2", .body = "body a2", .views = 20});
    auto bob = s.add(Author{.name = "bob", .bio = "bob's"});
    bob->articles.add(Article{.title = "b1", .body = "body b1", .views = 30});
    s.commit();
  }
};
RETORT_ORM_SUITE(deferral_test);

template <class F>
std::string message_of(F&& f) {
  try {
    f();
  } catch (const retort::Error& e) {
    return e.what();
  }
  return "(no exception)";
}

const char* const default_columns = "article.id, article.title, article.author_id, article.views";

TEST_P(deferral_test, deferred_members_are_left_out_and_load_on_first_read) {
  seed();
  auto s = session();
  auto& rec = record();
  auto a = s.query<Article>().where(col<&Article::title> == "a1").one();
  EXPECT_SQL(rec, {compiled_sql(std::string("SELECT ") + default_columns + " FROM article WHERE article.title = ?")});
  EXPECT_FALSE(a->body.is_loaded());
  EXPECT_EQ(*a->views, 10);  // not_deferred: loaded with the object
  rec.clear();
  EXPECT_EQ(*a->body, "body a1");  // one SELECT of the column alone (ungrouped)
  EXPECT_SQL(rec, {compiled_sql("SELECT article.body FROM article WHERE article.id = ?").params({1})});
  EXPECT_EQ(a->body.get(), "body a1");
  EXPECT_EQ(a->body->size(), 7u);
  const std::string& text = a->body;
  EXPECT_EQ(text, "body a1");
  EXPECT_EQ(rec.count(), 1u);  // loaded once
  EXPECT_FALSE(a->summary.is_loaded());
}

TEST_P(deferral_test, a_grouped_member_loads_its_group) {
  seed();
  auto s = session();
  auto a = s.get<Article>(1);
  auto& rec = record();
  EXPECT_EQ(**a->photo1, "p1 a1");
  EXPECT_SQL(rec,
             {compiled_sql("SELECT article.photo1, article.photo2 FROM article WHERE article.id = ?").params({1})});
  EXPECT_EQ(**a->photo2, "p2 a1");
  EXPECT_EQ(rec.count(), 1u);
  EXPECT_FALSE(a->body.is_loaded());  // another group (none) is not loaded with it
}

TEST_P(deferral_test, get_and_lazy_loads_leave_deferred_members_out) {
  seed();
  auto s = session();
  auto& rec = record();
  auto ann = s.get<Author>(1);
  EXPECT_SQL(rec, {compiled_sql("SELECT author.id, author.name FROM author WHERE author.id = ?").params({1})});
  rec.clear();
  ASSERT_EQ(ann->articles.size(), 2u);
  EXPECT_SQL(rec, {compiled_sql(std::string("SELECT ") + default_columns +
                                " FROM article WHERE article.author_id = ? ORDER BY article.id")
                       .params({1})});
  EXPECT_FALSE(ann->articles.begin()->body.is_loaded());
  rec.clear();
  EXPECT_EQ(*ann->bio, "ann's");
  EXPECT_SQL(rec, {compiled_sql("SELECT author.bio FROM author WHERE author.id = ?").params({1})});
}

TEST_P(deferral_test, raiseload_members_raise_naming_the_attribute) {
  seed();
  auto s = session();
  auto a = s.get<Article>(1);
  auto& rec = record();
  EXPECT_EQ(message_of([&] { (void)*a->secret; }),
            "'Article.secret' is not available due to raiseload=True (load it with the query: "
            "undefer<&Article::secret>())");
  EXPECT_THROW((void)*a->secret, retort::InvalidRequestError);
  EXPECT_EQ(rec.count(), 0u);
  // undefer loads it with the query; nothing raises then.
  auto b = s.query<Article>().options(retort::undefer<&Article::secret>()).where(col<&Article::id> == 1).one();
  EXPECT_EQ(*b->secret, "s a1");
}

TEST_P(deferral_test, defer_and_defer_with_raiseload) {
  seed();
  auto s = session();
  auto& rec = record();
  auto a = s.query<Article>().options(retort::defer<&Article::views>()).where(col<&Article::id> == 1).one();
  EXPECT_SQL(rec,
             {compiled_sql("SELECT article.id, article.title, article.author_id FROM article WHERE article.id = ?")});
  rec.clear();
  EXPECT_EQ(*a->views, 10);
  EXPECT_SQL(rec, {compiled_sql("SELECT article.views FROM article WHERE article.id = ?").params({1})});

  auto s2 = session();
  auto b = s2.query<Article>()
               .options(retort::defer<&Article::views>(retort::with_raiseload))
               .where(col<&Article::id> == 2)
               .one();
  auto& access = record();
  EXPECT_EQ(message_of([&] { (void)*b->views; }),
            "'Article.views' is not available due to raiseload=True (load it with the query: "
            "undefer<&Article::views>())");
  EXPECT_EQ(access.count(), 0u);
  b->views = 21;  // assigning is allowed, and written
  s2.flush();
  EXPECT_SQL(access, {compiled_sql("UPDATE article SET views = ? WHERE article.id = ?").params({21, 2})});
}

TEST_P(deferral_test, undefer_and_undefer_group_load_with_the_query) {
  seed();
  auto s = session();
  auto& rec = record();
  auto a = s.query<Article>()
               .options(retort::undefer<&Article::body>(), retort::undefer_group<Article>("photos"))
               .where(col<&Article::id> == 1)
               .one();
  EXPECT_SQL(rec, {compiled_sql("SELECT article.id, article.title, article.author_id, article.body, article.photo1, "
                                "article.photo2, article.views FROM article WHERE article.id = ?")});
  EXPECT_EQ(*a->body, "body a1");
  EXPECT_EQ(**a->photo2, "p2 a1");
  EXPECT_EQ(rec.count(), 1u);
  EXPECT_THROW(s.query<Article>().options(retort::undefer_group<Article>("nope")).all(), retort::ArgumentError);
}

TEST_P(deferral_test, load_only_defers_the_deferred_members_not_named) {
  seed();
  auto s = session();
  auto& rec = record();
  // Plain members not named stay loaded (they cannot load on access); views, a deferred<T>, is deferred.
  auto a = s.query<Article>().options(retort::load_only<&Article::title>()).where(col<&Article::id> == 1).one();
  EXPECT_SQL(rec,
             {compiled_sql("SELECT article.id, article.title, article.author_id FROM article WHERE article.id = ?")});
  EXPECT_FALSE(a->views.is_loaded());
  auto s2 = session();
  rec.clear();
  auto b = s2.query<Article>()
               .options(retort::load_only<&Article::title, &Article::body>(retort::with_raiseload))
               .where(col<&Article::id> == 1)
               .one();
  EXPECT_SQL(rec, {compiled_sql("SELECT article.id, article.title, article.author_id, article.body FROM article "
                                "WHERE article.id = ?")});
  EXPECT_EQ(*b->body, "body a1");
  EXPECT_THROW((void)*b->views, retort::InvalidRequestError);
}

TEST_P(deferral_test, column_options_along_relationship_paths) {
  seed();
  {
    auto s = session();
    auto& rec = record();
    auto authors = s.query<Author>()
                       .order_by(col<&Author::id>)
                       .options(retort::joinedload<&Author::articles>().load_only<&Article::title>())
                       .all();
    EXPECT_SQL(rec, {compiled_sql("SELECT author.id, author.name, article_1.id, article_1.title, article_1.author_id "
                                  "FROM author LEFT OUTER JOIN article AS article_1 ON author.id = article_1.author_id "
                                  "ORDER BY author.id")});
    ASSERT_EQ(authors[0]->articles.size(), 2u);
    EXPECT_FALSE(authors[0]->articles.begin()->views.is_loaded());
    EXPECT_EQ(authors[1]->articles.begin()->title, "b1");
  }
  {
    auto s = session();
    auto& rec = record();
    auto authors = s.query<Author>()
                       .order_by(col<&Author::id>)
                       .options(retort::selectinload<&Author::articles>().undefer<&Article::body>())
                       .all();
    EXPECT_SQL(rec, {compiled_sql("SELECT author.id, author.name FROM author ORDER BY author.id"),
                     compiled_sql("SELECT article.id, article.title, article.author_id, article.body, article.views "
                                  "FROM article WHERE article.author_id IN (?, ?) ORDER BY article.id")});
    rec.clear();
    EXPECT_EQ(*authors[0]->articles.begin()->body, "body a1");
    EXPECT_EQ(rec.count(), 0u);
  }
  {
    auto s = session();
    auto& rec = record();
    auto authors = s.query<Author>()
                       .order_by(col<&Author::id>)
                       .options(retort::subqueryload<&Author::articles>().defer<&Article::views>())
                       .all();
    ASSERT_EQ(rec.count(), 2u);
    EXPECT_EQ(rec.entries()[1].sql.find("views"), std::string::npos) << rec.entries()[1].sql;
    EXPECT_NE(rec.entries()[1].sql.find("article.title"), std::string::npos) << rec.entries()[1].sql;
    rec.clear();
    EXPECT_EQ(*authors[1]->articles.begin()->views, 30);
    EXPECT_SQL(rec, {compiled_sql("SELECT article.views FROM article WHERE article.id = ?").params({3})});
  }
  {
    auto s = session();
    auto& rec = record();
    auto articles = s.query<Article>()
                        .order_by(col<&Article::id>)
                        .options(retort::immediateload<&Article::author>().undefer<&Author::bio>())
                        .all();
    // The articles, then the authors (two distinct, loaded with their bio).
    ASSERT_EQ(rec.count(), 3u);
    EXPECT_SQL(rec,
               {compiled_sql(std::string("SELECT ") + default_columns + " FROM article ORDER BY article.id"),
                compiled_sql("SELECT author.id, author.name, author.bio FROM author WHERE author.id = ?").params({1}),
                compiled_sql("SELECT author.id, author.name, author.bio FROM author WHERE author.id = ?").params({2})});
    rec.clear();
    EXPECT_EQ(*articles[2]->author->bio, "bob's");
    EXPECT_EQ(rec.count(), 0u);
  }
}

TEST_P(deferral_test, a_column_option_along_a_lazy_relationship_is_an_error) {
  seed();
  auto s = session();
  EXPECT_EQ(
      message_of(
          [&] { s.query<Author>().options(retort::defaultload<&Author::articles>().defer<&Article::views>()).all(); }),
      "column option along Author.articles: the relationship does not load with this query (lazy='select'), and a "
      "load on access does not take a query's column options; load it with selectinload, joinedload, "
      "subqueryload or immediateload");
  EXPECT_THROW(s.query<Author>().options(retort::lazyload<&Author::articles>().defer<&Article::views>()).all(),
               retort::ArgumentError);
}

TEST_P(deferral_test, a_limited_query_with_a_joined_collection_selects_the_plan_in_its_subquery) {
  seed();
  auto s = session();
  auto& rec = record();
  auto authors = s.query<Author>()
                     .order_by(col<&Author::id>)
                     .limit(1)
                     .options(retort::joinedload<&Author::articles>().load_only<&Article::title>())
                     .all();
  ASSERT_EQ(authors.size(), 1u);
  EXPECT_EQ(authors[0]->articles.size(), 2u);
  ASSERT_EQ(rec.count(), 1u);
  const auto& sql = rec.entries()[0].sql;
  EXPECT_EQ(sql.find("bio"), std::string::npos) << sql;
  EXPECT_EQ(sql.find("views"), std::string::npos) << sql;
  rec.clear();
  EXPECT_EQ(*authors[0]->bio, "ann's");
  EXPECT_EQ(rec.count(), 1u);
}

TEST_P(deferral_test, the_flush_never_writes_an_unloaded_member) {
  seed();
  {
    auto s = session();
    auto a = s.get<Article>(1);
    auto& rec = record();
    a->title = "a1 renamed";
    s.commit();
    EXPECT_SQL(rec, {compiled_sql("UPDATE article SET title = ? WHERE article.id = ?").params({"a1 renamed", 1})});
  }
  auto s = session();
  auto a = s.get<Article>(1);
  EXPECT_EQ(*a->body, "body a1");
  EXPECT_EQ(*a->summary, "sum a1");
  EXPECT_EQ(**a->photo1, "p1 a1");
}

TEST_P(deferral_test, assigning_an_unloaded_member_writes_it_without_loading) {
  seed();
  {
    auto s = session();
    auto a = s.get<Article>(1);
    auto& rec = record();
    a->body = "new body";
    a->photo1 = std::nullopt;  // NULL, as a value not loaded compares with nothing: written
    s.flush();
    EXPECT_SQL(rec, {compiled_sql("UPDATE article SET body = ?, photo1 = ? WHERE article.id = ?")
                         .params({"new body", retort::sql::value(), 1})});
    rec.clear();
    s.flush();  // written once
    EXPECT_EQ(rec.count(), 0u);
    s.commit();
  }
  auto s = session();
  auto a = s.get<Article>(1);
  EXPECT_EQ(*a->body, "new body");
  EXPECT_FALSE(a->photo1->has_value());
  EXPECT_EQ(**a->photo2, "p2 a1");
}

TEST_P(deferral_test, a_changed_loaded_member_is_written) {
  seed();
  auto s = session();
  auto a = s.get<Article>(2);
  EXPECT_EQ(*a->body, "body a2");
  auto& rec = record();
  a->body = "body a2";  // the same value: nothing to write
  s.flush();
  EXPECT_EQ(rec.count(), 0u);
  a->body = "edited";
  s.flush();
  EXPECT_SQL(rec, {compiled_sql("UPDATE article SET body = ? WHERE article.id = ?").params({"edited", 2})});
}

TEST_P(deferral_test, a_new_object_inserts_its_deferred_members) {
  auto s = session();
  auto& rec = record();
  auto a = s.add(Article{.title = "t", .body = "b", .views = 1});
  EXPECT_TRUE(a->body.is_loaded());
  s.commit();
  ASSERT_GE(rec.count(), 1u);
  EXPECT_NE(rec.entries()[0].sql.find("body"), std::string::npos) << rec.entries()[0].sql;
  auto s2 = session();
  auto b = s2.query<Article>().where(col<&Article::body> == "b").one();
  EXPECT_EQ(b->title, "t");
}

TEST_P(deferral_test, reading_an_unloaded_member_of_a_detached_object_raises) {
  seed();
  auto s = session();
  auto a = s.get<Article>(1);
  EXPECT_EQ(*a->summary, "sum a1");  // loaded: stays readable when detached
  s.expunge(a);
  EXPECT_EQ(*a->summary, "sum a1");
  EXPECT_EQ(message_of([&] { (void)*a->body; }),
            "Parent instance <Article 1> is not bound to a Session; deferred load operation of attribute "
            "'body' cannot proceed");
  EXPECT_THROW((void)*a->body, retort::DetachedInstanceError);
}

TEST_P(deferral_test, expire_and_refresh_load_what_the_mapping_loads) {
  seed();
  auto s = session();
  auto a = s.query<Article>().options(retort::undefer<&Article::body>()).where(col<&Article::id> == 1).one();
  ASSERT_TRUE(a->body.is_loaded());
  s.expire(a);
  auto& rec = record();
  EXPECT_EQ(a->title, "a1");  // the refresh: the mapping's columns, not the query's undefer
  EXPECT_SQL(
      rec, {compiled_sql(std::string("SELECT ") + default_columns + " FROM article WHERE article.id = ?").params({1})});
  EXPECT_FALSE(a->body.is_loaded());
  rec.clear();
  EXPECT_EQ(*a->body, "body a1");
  EXPECT_EQ(rec.count(), 1u);
  rec.clear();
  s.refresh(a);
  EXPECT_FALSE(a->body.is_loaded());
  EXPECT_EQ(rec.count(), 1u);
  // Expired, then read through the deferred member first: refreshed, then the column loaded.
  s.expire(a);
  rec.clear();
  EXPECT_EQ(*a->body, "body a1");
  EXPECT_EQ(rec.count(), 2u);
}

TEST_P(deferral_test, populate_existing_unloads_and_an_existing_object_takes_unloaded_columns) {
  seed();
  auto s = session();
  auto a = s.get<Article>(1);
  ASSERT_FALSE(a->body.is_loaded());
  // Not populate_existing: the object keeps its values, and takes the deferred columns it had not loaded.
  auto again = s.query<Article>().options(retort::undefer<&Article::body>()).where(col<&Article::id> == 1).one();
  ASSERT_EQ(again, a);
  auto& rec = record();
  EXPECT_TRUE(a->body.is_loaded());
  EXPECT_EQ(*a->body, "body a1");
  EXPECT_EQ(rec.count(), 0u);
  // populate_existing: overwritten as the query loads it, body unloaded again.
  (void)s.query<Article>().populate_existing().where(col<&Article::id> == 1).one();
  EXPECT_FALSE(a->body.is_loaded());
  rec.clear();
  EXPECT_EQ(*a->body, "body a1");
  EXPECT_EQ(rec.count(), 1u);
}

TEST_P(deferral_test, merge_copies_only_loaded_members) {
  seed();
  retort::ptr<Article> detached;
  {
    auto s = session();
    detached = s.get<Article>(1);
    EXPECT_EQ(*detached->summary, "sum a1");
    s.expunge(detached);
  }
  detached->summary = "merged summary";
  auto s = session();
  auto merged = s.merge(detached);
  auto& rec = record();
  s.flush();
  EXPECT_SQL(rec, {compiled_sql("UPDATE article SET summary = ? WHERE article.id = ?").params({"merged summary", 1})});
  s.commit();
  auto s2 = session();
  auto a = s2.get<Article>(1);
  EXPECT_EQ(*a->summary, "merged summary");
  EXPECT_EQ(*a->body, "body a1");  // never loaded in the source: not copied, not written
}

TEST_P(deferral_test, the_deferred_load_autoflushes_first) {
  seed();
  auto s = session();
  auto a = s.get<Article>(1);
  auto& rec = record();
  a->summary = "changed";  // assigned while unloaded
  EXPECT_EQ(*a->body, "body a1");
  EXPECT_SQL(rec, {compiled_sql("UPDATE article SET summary = ? WHERE article.id = ?").params({"changed", 1}),
                   compiled_sql("SELECT article.body FROM article WHERE article.id = ?").params({1})});
}

TEST_P(deferral_test, the_query_record_names_the_deferred_load) {
  seed();
  retort::session_options options;
  options.record_queries = true;
  auto s = db().session(options);
  auto a = s.get<Article>(3);
  s.clear_recorded_queries();
  EXPECT_EQ(*a->body, "body b1");
  auto records = retort::recorded_queries(s);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].cause, "Article.body (deferred load)");
}

}  // namespace

namespace {

// Row queries, unions and 2.0 selects of a class with deferred columns select
// and decode through the same column plan.
class deferral_queries_test : public retort::testing::orm_test {};
RETORT_ORM_SUITE(deferral_queries_test);

TEST_P(deferral_queries_test, row_queries_and_unions_leave_deferred_columns_out) {
  using deferral::Article;
  using deferral::Author;
  using retort::col;
  {
    auto s = session();
    auto a = s.add(Author{.name = "ann"});
    a->articles.add(Article{.title = "t1", .body = std::string("b1")});
    a->articles.add(Article{.title = "t2", .body = std::string("b2")});
    s.commit();
  }
  auto s = session();
  auto rows = s.query(retort::entity<Author>, retort::entity<Article>, col<&Article::title>)
                  .join<&Author::articles>()
                  .order_by(col<&Article::id>)
                  .all();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(std::get<0>(rows[0])->name, "ann");
  EXPECT_EQ(std::get<1>(rows[1])->title, "t2");
  EXPECT_EQ(std::get<2>(rows[1]), "t2");
  EXPECT_EQ(*std::get<1>(rows[0])->body, "b1");  // loads on access
  auto u = session();
  auto both = u.query<Article>()
                  .where(col<&Article::title> == "t1")
                  .union_(u.query<Article>().where(col<&Article::title> == "t2"))
                  .order_by(col<&Article::title>)
                  .all();
  ASSERT_EQ(both.size(), 2u);
  EXPECT_EQ(both[1]->title, "t2");
  EXPECT_EQ(*both[1]->body, "b2");
  auto one = u.execute(retort::select<Article>().where(col<&Article::title> == "t1")).scalar_one();
  EXPECT_EQ(one, both[0]);
}

}  // namespace
