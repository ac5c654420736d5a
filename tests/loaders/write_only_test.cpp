// Collections never loaded into memory (write_only<T>, SQLAlchemy's
// lazy="write_only"; dynamic<T>, lazy="dynamic"), with_parent, and
// query<T>::paginate (Flask-SQLAlchemy's Pagination). The SQL and statement
// counts are SQLAlchemy 1.4.46's (future=True) for the dynamic loader and
// with_parent, which 2.0's write-only select() is built on, and
// Flask-SQLAlchemy 3.0.3's for paginate; Retort's spelling of the criteria
// (`article.author_id = ?`, SQLAlchemy `? = article.author_id`) is its lazy load's.
#include <optional>
#include <string>
#include <vector>

#include "support/orm_fixture.hpp"

namespace wo {
struct Article;
struct Label;
struct Entry;
struct Keyword;

struct Author {
  int id = 0;
  std::string name{};
  retort::write_only<Article> articles{};
};
struct Article {
  int id = 0;
  std::string title{};
  std::optional<int> author_id{};
  retort::one<Author> author{};
  retort::write_only<Label> labels{};
};
struct Label {
  int id = 0;
  std::string name{};
  retort::many<Article> articles{};
};

struct Blog {
  int id = 0;
  std::string name{};
  retort::dynamic<Entry> entries{};
};
struct Entry {
  int id = 0;
  std::string title{};
  std::optional<int> blog_id{};
  retort::one<Blog> blog{};
  retort::dynamic<Keyword> keywords{};
};
struct Keyword {
  int id = 0;
  std::string word{};
};

inline constexpr auto article_labels = retort::association_table(
    "article_labels", retort::link<&Article::id>("article_id"), retort::link<&Label::id>("label_id"));
inline constexpr auto entry_keywords = retort::association_table(
    "entry_keywords", retort::link<&Entry::id>("entry_id"), retort::link<&Keyword::id>("keyword_id"));
}  // namespace wo

template <>
inline constexpr auto retort::mapping<wo::Author> = retort::model(
    retort::column<&wo::Author::id>(retort::primary_key), retort::column<&wo::Author::name>(retort::String(40)),
    retort::relationship<&wo::Author::articles>(retort::back_populates<&wo::Article::author>));
template <>
inline constexpr auto retort::mapping<wo::Article> = retort::model(
    retort::column<&wo::Article::id>(retort::primary_key), retort::column<&wo::Article::title>(retort::String(40)),
    retort::column<&wo::Article::author_id>(retort::foreign_key<&wo::Author::id>),
    retort::relationship<&wo::Article::author>(retort::back_populates<&wo::Author::articles>),
    retort::relationship<&wo::Article::labels>(retort::secondary<wo::article_labels>,
                                               retort::back_populates<&wo::Label::articles>));
template <>
inline constexpr auto retort::mapping<wo::Label> = retort::model(
    retort::column<&wo::Label::id>(retort::primary_key), retort::column<&wo::Label::name>(retort::String(40)),
    retort::relationship<&wo::Label::articles>(retort::secondary<wo::article_labels>,
                                               retort::back_populates<&wo::Article::labels>));
template <>
inline constexpr auto retort::mapping<wo::Blog> = retort::model(
    retort::column<&wo::Blog::id>(retort::primary_key), retort::column<&wo::Blog::name>(retort::String(40)),
    retort::relationship<&wo::Blog::entries>(retort::back_populates<&wo::Entry::blog>,
                                             retort::order_by<&wo::Entry::title>));
template <>
inline constexpr auto retort::mapping<wo::Entry> = retort::model(
    retort::column<&wo::Entry::id>(retort::primary_key), retort::column<&wo::Entry::title>(retort::String(40)),
    retort::column<&wo::Entry::blog_id>(retort::foreign_key<&wo::Blog::id>),
    retort::relationship<&wo::Entry::blog>(retort::back_populates<&wo::Blog::entries>),
    retort::relationship<&wo::Entry::keywords>(retort::secondary<wo::entry_keywords>));
template <>
inline constexpr auto retort::mapping<wo::Keyword> = retort::model(
    retort::column<&wo::Keyword::id>(retort::primary_key), retort::column<&wo::Keyword::word>(retort::String(40)));

namespace {

using namespace retort::testing::sql_rules;
using retort::col;
using wo::Article;
using wo::Author;
using wo::Blog;
using wo::Entry;
using wo::Keyword;
using wo::Label;

const char* const select_articles =
    "SELECT article.id, article.title, article.author_id FROM article WHERE article.author_id = ?";
const char* const select_labels =
    "SELECT label.id, label.name FROM label, article_labels WHERE article_labels.article_id = ? AND "
    "label.id = article_labels.label_id";
const char* const select_entries =
    "SELECT entry.id, entry.title, entry.blog_id FROM entry WHERE entry.blog_id = ? ORDER BY entry.title";

class write_only_test : public retort::testing::orm_test {
 protected:
  /// ann (id 1) with articles a (1) and b (2); bob (2) with c (3); a labelled x (1).
  void seed() {
    auto s = session();
    auto ann = s.add(Author{.name = "ann"});
    auto a = ann->articles.add(Article{.title = "a"});
    ann->articles.add(Article{.title = "b"});
    s.add(Author{.name = "bob"})->articles.add(Article{.title = "c"});
    a->labels.add(retort::make(Label{.name = "x"}));
    s.commit();
  }
  static std::vector<std::string> titles(const std::vector<retort::ptr<Article>>& articles) {
    std::vector<std::string> out;
    for (const auto& a : articles) out.push_back(a->title);
    return out;
  }
};
RETORT_ORM_SUITE(write_only_test);

// ---- write_only<T>, one-to-many ----

TEST_P(write_only_test, a_new_owner_writes_its_additions_at_the_first_flush) {
  auto s = session();
  auto ann = s.add(Author{.name = "ann"});
  auto& rec = record();
  ann->articles.add(Article{.title = "a"});
  EXPECT_EQ(rec.count(), 0u);
  s.flush();
  EXPECT_SQL(rec, {compiled_sql("INSERT INTO author (name) VALUES (?)").returning("id").params({"ann"}),
                   compiled_sql("INSERT INTO article (title, author_id) VALUES (?, ?)").returning("id").params({"a", 1})});
}

TEST_P(write_only_test, select_is_the_relationships_criteria_and_runs_every_time) {
  seed();
  auto s = session();
  auto ann = s.get<Author>(1);
  auto& rec = record();
  EXPECT_EQ(titles(ann->articles.select().order_by(col<&Article::id>).all()), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(ann->articles.select().all().size(), 2u);
  EXPECT_SQL(rec, {compiled_sql(std::string(select_articles) + " ORDER BY article.id").params({1}),
                   compiled_sql(select_articles).params({1})});
}

TEST_P(write_only_test, select_takes_the_query_clauses_and_counts) {
  seed();
  auto s = session();
  auto ann = s.get<Author>(1);
  auto& rec = record();
  EXPECT_EQ(ann->articles.select().count(), 2);
  auto q = ann->articles.select().where(col<&Article::title> != "zzz").order_by(col<&Article::id>.desc()).limit(1).offset(1);
  EXPECT_EQ(titles(q.all()), std::vector<std::string>{"a"});
  EXPECT_EQ(ann->articles.select().first()->title, "a");
  EXPECT_SQL(rec, {compiled_sql("SELECT count(*) FROM article WHERE article.author_id = ?").params({1}),
                   compiled_sql(std::string(select_articles) + " AND article.title != ? ORDER BY article.id DESC LIMIT ? OFFSET ?")
                       .params({1, "zzz", 1, 1}),
                   compiled_sql(std::string(select_articles) + " LIMIT ?").params({1, 1})});
}

TEST_P(write_only_test, add_and_remove_of_a_persistent_owner_emit_nothing_until_the_flush) {
  seed();
  auto s = session();
  auto ann = s.get<Author>(1);
  auto c = s.get<Article>(3);
  auto a = s.get<Article>(1);
  auto& rec = record();
  ann->articles.add(c);  // moves c from bob
  ann->articles.remove(a);
  EXPECT_EQ(rec.count(), 0u);
  s.flush();
  // One UPDATE of two rows, (1, 3) then (NULL, 1); SQLAlchemy: the same two UPDATEs.
  EXPECT_SQL(rec, {compiled_sql("UPDATE article SET author_id = ? WHERE article.id = ?").batch(2).params({1, 3})});
  EXPECT_EQ(c->author_id, 1);
  EXPECT_EQ(a->author_id, std::nullopt);
  rec.clear();
  EXPECT_EQ(titles(ann->articles.select().order_by(col<&Article::id>).all()), (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(rec.count(), 1u);
}

TEST_P(write_only_test, the_other_side_records_into_the_collection_without_loading_it) {
  seed();
  auto s = session();
  auto bob = s.get<Author>(2);
  auto a = s.get<Article>(1);
  auto& rec = record();
  a->author = bob;                                  // leaves ann's articles, joins bob's: no SELECT of either
  auto d = s.add(Article{.title = "d"});
  d->author = bob;
  EXPECT_EQ(rec.count(), 0u);
  EXPECT_TRUE(bob->articles.has_history());
  s.flush();
  EXPECT_SQL(rec, {compiled_sql("UPDATE article SET author_id = ? WHERE article.id = ?").params({2, 1}),
                   compiled_sql("INSERT INTO article (title, author_id) VALUES (?, ?)").returning("id").params({"d", 2})});
  rec.clear();
  EXPECT_EQ(bob->articles.select().count(), 3);
}

TEST_P(write_only_test, a_pending_owner_is_flushed_by_the_select) {
  auto s = session();
  auto ann = s.add(Author{.name = "ann"});
  ann->articles.add(Article{.title = "a"});
  auto& rec = record();
  auto articles = ann->articles.select().all();  // SQLAlchemy: autoflush, then the SELECT with the new key
  ASSERT_EQ(articles.size(), 1u);
  EXPECT_SQL(rec, {verb_table("INSERT", "author"), verb_table("INSERT", "article"),
                   compiled_sql(select_articles).params({ann->id})});
}

TEST_P(write_only_test, a_pending_owner_without_autoflush_cannot_be_queried) {
  retort::session_options o;
  o.autoflush = false;
  auto s = db().session(o);
  auto ann = s.add(Author{.name = "ann"});
  auto& rec = record();
  // SQLAlchemy: "Can't resolve value for column user.id on object <User>; no value has been set for this column".
  EXPECT_THROW(
      {
        try {
          ann->articles.select().all();
        } catch (const retort::InvalidRequestError& e) {
          EXPECT_NE(std::string(e.what()).find("can't resolve value for column author.id"), std::string::npos) << e.what();
          EXPECT_NE(std::string(e.what()).find("Author.articles"), std::string::npos) << e.what();
          throw;
        }
      },
      retort::InvalidRequestError);
  EXPECT_EQ(rec.count(), 0u);
}

TEST_P(write_only_test, an_owner_in_no_session_has_no_query) {
  auto ann = retort::make(Author{.name = "ann"});
  ann->articles.add(Article{.title = "a"});
  EXPECT_THROW(ann->articles.select(), retort::InvalidRequestError);
  // Its additions are written when it joins a session.
  auto s = session();
  s.add(ann);
  s.commit();
  auto s2 = session();
  EXPECT_EQ(s2.get<Author>(ann->id)->articles.select().count(), 1);
}

TEST_P(write_only_test, rollback_forgets_what_was_added_and_removed) {
  seed();
  auto s = session();
  auto ann = s.get<Author>(1);
  ann->articles.add(Article{.title = "new"});
  ann->articles.remove(s.get<Article>(1));
  s.flush();
  s.rollback();
  auto& rec = record();
  EXPECT_EQ(titles(ann->articles.select().order_by(col<&Article::id>).all()), (std::vector<std::string>{"a", "b"}));
  EXPECT_FALSE(ann->articles.has_history());
  s.commit();
  EXPECT_EQ(s.query<Article>().count(), 3);
  EXPECT_EQ(rec.count(), 3u);  // author refreshed, its articles, the count
}

TEST_P(write_only_test, deleting_the_owner_needs_passive_deletes) {
  seed();
  auto s = session();
  s.delete_(s.get<Author>(1));
  // SQLAlchemy 2.0: "... can't load the existing state from the database for this operation; full iteration is not permitted".
  try {
    s.flush();
    ADD_FAILURE() << "the flush should refuse";
  } catch (const retort::InvalidRequestError& e) {
    EXPECT_NE(std::string(e.what()).find("'Author.articles' is a write-only collection"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("passive_deletes"), std::string::npos) << e.what();
  }
  s.rollback();
  EXPECT_EQ(s.query<Author>().count(), 2);
}

// ---- write_only<T>, many-to-many ----

TEST_P(write_only_test, many_to_many_select_goes_through_the_association_table) {
  seed();
  auto s = session();
  auto a = s.get<Article>(1);
  auto& rec = record();
  auto labels = a->labels.select().all();
  ASSERT_EQ(labels.size(), 1u);
  EXPECT_EQ(labels[0]->name, "x");
  EXPECT_EQ(a->labels.select().count(), 1);
  EXPECT_SQL(rec, {compiled_sql(select_labels).params({1}),
                   compiled_sql("SELECT count(*) FROM label, article_labels WHERE article_labels.article_id = ? AND "
                                "label.id = article_labels.label_id")
                       .params({1})});
}

TEST_P(write_only_test, many_to_many_add_and_remove_write_link_rows) {
  seed();
  auto s = session();
  auto a = s.get<Article>(1);
  auto b = s.get<Article>(2);
  auto x = s.get<Label>(1);
  auto& rec = record();
  auto y = a->labels.add(retort::make(Label{.name = "y"}));  // cascades into the session
  a->labels.remove(x);
  x->articles.add(b);  // from the other side: recorded in b's write-only labels, no load of them
  EXPECT_EQ(rec.count(), 0u);
  s.flush();
  // The pair's links are written once, by the side configured first (Label.articles): its column order.
  EXPECT_SQL(rec, {compiled_sql("INSERT INTO label (name) VALUES (?)").returning("id").params({"y"}),
                   compiled_sql("DELETE FROM article_labels WHERE article_labels.label_id = ? AND "
                                "article_labels.article_id = ?")
                       .params({1, 1}),
                   compiled_sql("INSERT INTO article_labels (label_id, article_id) VALUES (?, ?)").batch(2).params({1, 2})});
  rec.clear();
  EXPECT_EQ(a->labels.select().count(), 1);
  EXPECT_EQ(b->labels.select().first()->name, "x");
}

// ---- dynamic<T> ----

TEST_P(write_only_test, dynamic_queries_on_every_iteration_in_its_order) {
  auto s = session();
  auto blog = s.add(Blog{.name = "b"});
  blog->entries.add(Entry{.title = "z"});
  blog->entries.add(Entry{.title = "m"});
  auto& rec = record();
  std::string seen;
  for (auto& e : blog->entries) seen += e.title;  // autoflush, then the SELECT
  EXPECT_EQ(seen, "mz");
  EXPECT_SQL(rec, {verb_table("INSERT", "blog"), verb_table("INSERT", "entry"), compiled_sql(select_entries).params({1})});
  rec.clear();
  for (auto& e : blog->entries) seen += e.title;
  EXPECT_SQL(rec, {compiled_sql(select_entries).params({1})});
}

TEST_P(write_only_test, dynamic_count_where_first_and_limit) {
  auto s = session();
  auto blog = s.add(Blog{.name = "b"});
  for (const char* t : {"c", "a", "b"}) blog->entries.add(Entry{.title = t});
  s.commit();
  auto& rec = record();
  EXPECT_EQ(blog->entries.count(), 3);
  EXPECT_EQ(blog->entries.where(col<&Entry::title> != "a").all().size(), 2u);
  EXPECT_EQ(blog->entries.first()->title, "a");
  EXPECT_EQ(blog->entries.offset(1).limit(1).all().at(0)->title, "b");
  EXPECT_SQL(rec, {compiled_sql("SELECT blog.id, blog.name FROM blog WHERE blog.id = ?").params({1}),  // expired by the commit
                   compiled_sql("SELECT count(*) FROM entry WHERE entry.blog_id = ?").params({1}),
                   compiled_sql("SELECT entry.id, entry.title, entry.blog_id FROM entry WHERE entry.blog_id = ? AND "
                                "entry.title != ? ORDER BY entry.title")
                       .params({1, "a"}),
                   compiled_sql(std::string(select_entries) + " LIMIT ?").params({1, 1}),
                   compiled_sql(std::string(select_entries) + " LIMIT ? OFFSET ?").params({1, 1, 1})});
}

TEST_P(write_only_test, dynamic_of_an_owner_without_a_row_yields_its_additions) {
  retort::session_options o;
  o.autoflush = false;
  auto s = db().session(o);
  auto blog = s.add(Blog{.name = "b"});
  auto e1 = blog->entries.add(Entry{.title = "z"});
  blog->entries.add(Entry{.title = "m"});
  auto& rec = record();
  EXPECT_EQ(blog->entries.count(), 2);  // SQLAlchemy: the pending history, no SQL
  EXPECT_EQ(blog->entries.all().size(), 2u);
  EXPECT_EQ(blog->entries.first(), e1);
  EXPECT_EQ(rec.count(), 0u);
  s.flush();
  rec.clear();
  EXPECT_EQ(blog->entries.count(), 2);
  EXPECT_EQ(rec.count(), 1u);
}

TEST_P(write_only_test, dynamic_remove_and_the_other_side) {
  auto s = session();
  auto blog = s.add(Blog{.name = "b"});
  auto e = blog->entries.add(Entry{.title = "a"});
  auto other = s.add(Blog{.name = "o"});
  s.commit();
  auto& rec = record();
  e->blog = other;  // SQLAlchemy: recorded in both dynamic collections, nothing loaded
  EXPECT_SQL(rec, {verb_table("SELECT", "entry")});  // e's columns, expired by the commit; no entries loaded
  rec.clear();
  EXPECT_EQ(blog->entries.count(), 0);  // blog's key (expired), then autoflush: the UPDATE, then the count
  EXPECT_SQL(rec, {compiled_sql("SELECT blog.id, blog.name FROM blog WHERE blog.id = ?").params({1}),
                   compiled_sql("UPDATE entry SET blog_id = ? WHERE entry.id = ?").params({2, 1}),
                   compiled_sql("SELECT count(*) FROM entry WHERE entry.blog_id = ?").params({1})});
  rec.clear();
  other->entries.remove(e);
  s.flush();
  EXPECT_SQL(rec, {verb_table("SELECT", "blog"),
                   compiled_sql("UPDATE entry SET blog_id = ? WHERE entry.id = ?").params({std::nullopt, 1})});
}

TEST_P(write_only_test, deleting_a_dynamic_owner_selects_its_rows_to_clear_their_keys) {
  auto s = session();
  auto blog = s.add(Blog{.name = "b"});
  blog->entries.add(Entry{.title = "a"});
  s.commit();
  s.delete_(blog);
  auto& rec = record();
  s.flush();  // SQLAlchemy 1.4.46: SELECT post ... WHERE ? = post.user_id; UPDATE post SET user_id=NULL; DELETE FROM user
  EXPECT_SQL(rec, {compiled_sql(select_entries).params({1}),
                   compiled_sql("UPDATE entry SET blog_id = ? WHERE entry.id = ?").params({std::nullopt, 1}),
                   compiled_sql("DELETE FROM blog WHERE blog.id = ?").params({1})});
}

TEST_P(write_only_test, dynamic_many_to_many) {
  auto s = session();
  auto blog = s.add(Blog{.name = "b"});
  auto e = blog->entries.add(Entry{.title = "a"});
  e->keywords.add(Keyword{.word = "k"});
  s.flush();
  auto& rec = record();
  auto words = e->keywords.all();
  ASSERT_EQ(words.size(), 1u);
  EXPECT_EQ(e->keywords.count(), 1);
  e->keywords.remove(words[0]);
  s.flush();
  EXPECT_SQL(rec, {compiled_sql("SELECT keyword.id, keyword.word FROM keyword, entry_keywords WHERE "
                                "entry_keywords.entry_id = ? AND keyword.id = entry_keywords.keyword_id")
                       .params({1}),
                   compiled_sql("SELECT count(*) FROM keyword, entry_keywords WHERE entry_keywords.entry_id = ? AND "
                                "keyword.id = entry_keywords.keyword_id")
                       .params({1}),
                   compiled_sql("DELETE FROM entry_keywords WHERE entry_keywords.entry_id = ? AND "
                                "entry_keywords.keyword_id = ?")
                       .params({1, 1})});
}

// ---- with_parent ----

TEST_P(write_only_test, with_parent_filters_any_query_on_a_relationship) {
  seed();
  auto s = session();
  auto bob = s.get<Author>(2);
  auto& rec = record();
  auto articles = s.query<Article>().with_parent<&Author::articles>(bob).all();
  EXPECT_EQ(titles(articles), std::vector<std::string>{"c"});
  EXPECT_SQL(rec, {compiled_sql(select_articles).params({2})});
}

// ---- paginate ----

class paginate_test : public retort::testing::orm_test {
 protected:
  /// Labels 1..23.
  void seed(int n = 23) {
    auto s = session();
    for (int i = 1; i <= n; ++i) s.add(Label{.name = "l" + std::to_string(i)});
    s.commit();
  }
  static std::vector<int> ids(const retort::pagination<Label>& p) {
    std::vector<int> out;
    for (const auto& l : p) out.push_back(l->id);
    return out;
  }
};
RETORT_ORM_SUITE(paginate_test);

// Flask-SQLAlchemy 3.0.3, 23 rows, paginate(page=2, per_page=10):
// [11..20] 2 10 23 3 True True 1 3 11 20; SQL: the page (LIMIT ? OFFSET ?), then the count.
TEST_P(paginate_test, a_page_and_its_numbers) {
  seed();
  auto s = session();
  auto& rec = record();
  auto p = s.query<Label>().order_by(col<&Label::id>).paginate(2, 10);
  EXPECT_SQL(rec, {compiled_sql("SELECT label.id, label.name FROM label ORDER BY label.id LIMIT ? OFFSET ?").params({10, 10}),
                   compiled_sql("SELECT count(*) FROM label")});
  EXPECT_EQ(ids(p), (std::vector<int>{11, 12, 13, 14, 15, 16, 17, 18, 19, 20}));
  EXPECT_EQ(p.page, 2);
  EXPECT_EQ(p.per_page, 10);
  EXPECT_EQ(p.total, 23);
  EXPECT_EQ(p.pages(), 3);
  EXPECT_TRUE(p.has_prev());
  EXPECT_TRUE(p.has_next());
  EXPECT_EQ(p.prev_num(), 1);
  EXPECT_EQ(p.next_num(), 3);
  EXPECT_EQ(p.first(), 11);
  EXPECT_EQ(p.last(), 20);
  EXPECT_EQ(p.iter_pages(), (std::vector<std::optional<std::int64_t>>{1, 2, 3}));

  rec.clear();
  auto n = p.next();  // Flask: page 3 [21, 22, 23], total carried over, no count
  EXPECT_EQ(rec.count(), 1u);
  EXPECT_EQ(n.page, 3);
  EXPECT_EQ(ids(n), (std::vector<int>{21, 22, 23}));
  EXPECT_EQ(n.total, 23);
  EXPECT_FALSE(n.has_next());
  EXPECT_EQ(n.next_num(), std::nullopt);
  EXPECT_EQ(n.last(), 23);
  EXPECT_EQ(p.prev().page, 1);
}

// Flask-SQLAlchemy with error_out=False: page=0, per_page=0 -> 1, 20; max_per_page caps;
// page 9 of 3: no items, first 0, last 0, has_prev, prev_num 8; count=False: total None, pages 0.
TEST_P(paginate_test, out_of_range_arguments_are_clamped_as_flask_sqlalchemy_without_error_out) {
  seed();
  auto s = session();
  auto clamped = s.query<Label>().paginate(0, 0);
  EXPECT_EQ(clamped.page, 1);
  EXPECT_EQ(clamped.per_page, 20);
  EXPECT_EQ(clamped.items.size(), 20u);
  EXPECT_EQ(s.query<Label>().paginate(1, 500).per_page, 500);  // Query.paginate: no max_per_page unless given
  retort::paginate_args capped;
  capped.per_page = 500;
  capped.max_per_page = 7;
  EXPECT_EQ(s.query<Label>().paginate(capped).per_page, 7);

  auto beyond = s.query<Label>().paginate(9, 10);
  EXPECT_TRUE(beyond.items.empty());
  EXPECT_EQ(beyond.first(), 0);
  EXPECT_EQ(beyond.last(), 0);
  EXPECT_EQ(beyond.pages(), 3);
  EXPECT_FALSE(beyond.has_next());
  EXPECT_EQ(beyond.next_num(), std::nullopt);
  EXPECT_TRUE(beyond.has_prev());
  EXPECT_EQ(beyond.prev_num(), 8);

  auto& rec = record();
  auto uncounted = s.query<Label>().paginate(2, 10, false);
  EXPECT_EQ(rec.count(), 1u);
  EXPECT_EQ(uncounted.total, std::nullopt);
  EXPECT_EQ(uncounted.pages(), 0);
  EXPECT_FALSE(uncounted.has_next());
  EXPECT_EQ(uncounted.next_num(), std::nullopt);
  EXPECT_EQ(uncounted.first(), 11);
  EXPECT_EQ(uncounted.last(), 20);

  auto empty = s.query<Label>().where(col<&Label::id> > 100).paginate(1, 10);
  EXPECT_EQ(empty.total, 0);
  EXPECT_EQ(empty.pages(), 0);
  EXPECT_EQ(empty.first(), 0);
  EXPECT_EQ(empty.last(), 0);
  EXPECT_TRUE(empty.iter_pages().empty());
  EXPECT_EQ(empty.next().page, 2);  // Flask's next() of an empty page: page 2 (error_out=False)
}

TEST_P(paginate_test, a_write_only_collection_pages_through_its_select) {
  auto s = session();
  auto ann = s.add(Author{.name = "ann"});
  for (int i = 0; i < 5; ++i) ann->articles.add(Article{.title = "t" + std::to_string(i)});
  s.add(Author{.name = "bob"})->articles.add(Article{.title = "other"});
  s.commit();
  auto& rec = record();
  auto p = ann->articles.select().order_by(col<&Article::id>).paginate(2, 2);
  EXPECT_SQL(rec, {compiled_sql("SELECT author.id, author.name FROM author WHERE author.id = ?").params({1}),
                   compiled_sql(std::string(select_articles) + " ORDER BY article.id LIMIT ? OFFSET ?").params({1, 2, 2}),
                   compiled_sql("SELECT count(*) FROM article WHERE article.author_id = ?").params({1})});
  EXPECT_EQ(p.total, 5);
  EXPECT_EQ(p.pages(), 3);
  ASSERT_EQ(p.items.size(), 2u);
  EXPECT_EQ(p.items[0]->title, "t2");
}

// iter_pages, case by case against Flask-SQLAlchemy 3.0.3's Pagination.iter_pages
// (computed in Python with the same page, per_page, total and arguments).
TEST(pagination_numbers, iter_pages_matches_flask_sqlalchemy) {
  constexpr std::int64_t gap = -1;
  struct flask_case {
    std::int64_t page, per_page, total;
    retort::iter_pages_args args;
    std::vector<std::int64_t> expected;  // gap: None
  };
  const retort::iter_pages_args d{2, 2, 4, 2};
  const std::vector<flask_case> cases = {
      {7, 1, 20, d, {1, 2, gap, 5, 6, 7, 8, 9, 10, 11, gap, 19, 20}},
      {1, 1, 20, d, {1, 2, 3, 4, 5, gap, 19, 20}},
      {20, 1, 20, d, {1, 2, gap, 18, 19, 20}},
      {1, 10, 0, d, {}},
      {1, 10, 5, d, {1}},
      {3, 1, 5, d, {1, 2, 3, 4, 5}},
      {10, 1, 20, d, {1, 2, gap, 8, 9, 10, 11, 12, 13, 14, gap, 19, 20}},
      {15, 1, 20, d, {1, 2, gap, 13, 14, 15, 16, 17, 18, 19, 20}},
      {5, 1, 10, d, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}},
      {6, 1, 10, d, {1, 2, gap, 4, 5, 6, 7, 8, 9, 10}},
      {5, 1, 10, {0, 0, 0, 0}, {gap, 5, gap}},
      {5, 1, 10, {1, 1, 1, 1}, {1, gap, 4, 5, 6, gap, 10}},
      {25, 1, 20, d, {1, 2, gap}},
      {4, 1, 11, d, {1, 2, 3, 4, 5, 6, 7, 8, gap, 10, 11}},
      {2, 10, 23, d, {1, 2, 3}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE("page " + std::to_string(c.page) + " of total " + std::to_string(c.total));
    std::vector<std::optional<std::int64_t>> expected;
    for (auto v : c.expected) expected.push_back(v == gap ? std::nullopt : std::optional<std::int64_t>(v));
    EXPECT_EQ(retort::orm::page_numbers(c.page, c.per_page, c.total, 0).iter_pages(c.args), expected);
  }
  EXPECT_EQ(retort::orm::page_numbers(1, 10, std::nullopt, 3).iter_pages(), (std::vector<std::optional<std::int64_t>>{}));
}

}  // namespace
