// Many-to-many through an association table without a class (SQLAlchemy's
// secondary=): both sides agree before any flush, link rows are written in
// batches after both ends, and deleting an end deletes only its links.
#include "scenarios/scenario_support.hpp"

namespace {

using namespace scenario;
using retort::testing::rows;
using retort::testing::shapes;
using strings = std::vector<std::string>;

class many_to_many_test : public retort::testing::orm_test {};

TEST_P(many_to_many_test, both_sides_agree_before_any_flush) {
  auto s = session();
  auto a = s.add(Article{.title = "On trees"});
  auto k = retort::make(Keyword{.word = "graphs"});
  a->keywords.add(k);
  ASSERT_EQ(k->articles.size(), 1u);
  EXPECT_EQ(k->articles[0], a);
  k->articles.remove(a);
  EXPECT_TRUE(a->keywords.empty());
  k->articles.add(a);
  EXPECT_EQ(a->keywords.size(), 1u);
}

TEST_P(many_to_many_test, link_rows_are_inserted_after_both_ends_in_one_batch) {
  auto s = session();
  auto a = s.add(Article{.title = "A"});
  a->keywords.add(Keyword{.word = "x"});
  a->keywords.add(Keyword{.word = "y"});
  auto& rec = record();
  s.flush();
  EXPECT_EQ(shapes(rec), (strings{"INSERT article", "INSERT keyword", "INSERT article_keywords"}));
  EXPECT_EQ(rec.entries().back().batch, 2u);  // both links, one executemany
  EXPECT_EQ(rows(s, "article_keywords", "article_id = " + std::to_string(a->id)), 2);
  s.commit();
  auto s2 = session();
  auto loaded = s2.get<Article>(a->id);
  auto& rec2 = record();
  ASSERT_EQ(loaded->keywords.size(), 2u);
  EXPECT_EQ(shapes(rec2), (strings{"SELECT keyword"}));
  EXPECT_NE(rec2.sql()[0].find("article_keywords"), std::string::npos) << rec2.sql()[0];
  EXPECT_EQ(loaded->keywords[0]->word, "x");
  EXPECT_EQ(loaded->keywords[1]->word, "y");
  EXPECT_EQ(loaded->keywords[0]->articles.size(), 1u);
}

TEST_P(many_to_many_test, remove_clear_and_replace_from_either_side) {
  int article = 0;
  {
    auto s = session();
    auto a = s.add(Article{.title = "A"});
    for (auto w : {"p", "q", "r"}) a->keywords.add(Keyword{.word = w});
    s.commit();
    article = a->id;
  }
  auto s = session();
  auto a = s.get<Article>(article);
  auto q = a->keywords[1];
  q->articles.remove(a);  // from the other side
  EXPECT_EQ(a->keywords.size(), 2u);
  auto& rec = record();
  s.flush();
  EXPECT_EQ(shapes(rec), (strings{"DELETE article_keywords"}));
  EXPECT_EQ(rows(s, "article_keywords"), 2);
  rec.clear();
  auto z = s.add(Keyword{.word = "z"});
  a->keywords = {a->keywords[0], z};  // replace: r leaves, z joins
  s.flush();
  EXPECT_EQ(shapes(rec), (strings{"INSERT keyword", "DELETE article_keywords", "INSERT article_keywords"}));
  EXPECT_EQ(rows(s, "article_keywords"), 2);
  a->keywords.clear();
  s.commit();
  EXPECT_EQ(rows(s, "article_keywords"), 0);
  EXPECT_EQ(rows(s, "keyword"), 4);  // the keywords stay
}

TEST_P(many_to_many_test, deleting_an_end_deletes_only_its_links) {
  int a_id = 0, b_id = 0, k_id = 0;
  {
    auto s = session();
    auto a = s.add(Article{.title = "A"});
    auto b = s.add(Article{.title = "B"});
    auto k = s.add(Keyword{.word = "shared"});
    a->keywords.add(k);
    b->keywords.add(k);
    s.commit();
    a_id = a->id;
    b_id = b->id;
    k_id = k->id;
  }
  auto s = session();
  auto a = s.get<Article>(a_id);
  auto& rec = record();
  s.delete_(a);
  s.flush();
  // The collection is loaded to know its links, the links go, then the row.
  EXPECT_EQ(shapes(rec), (strings{"SELECT keyword", "DELETE article_keywords", "DELETE article"}));
  EXPECT_EQ(rows(s, "article_keywords"), 1);
  EXPECT_EQ(rows(s, "article_keywords", "article_id = " + std::to_string(b_id)), 1);
  EXPECT_EQ(rows(s, "keyword", "id = " + std::to_string(k_id)), 1);
  s.commit();
  auto k = s.get<Keyword>(k_id);
  EXPECT_EQ(k->articles.size(), 1u);
  s.delete_(k);
  s.commit();
  EXPECT_EQ(rows(s, "article_keywords"), 0);
  EXPECT_EQ(rows(s, "article"), 1);
}

TEST_P(many_to_many_test, a_link_added_twice_is_kept_once) {
  auto s = session();
  auto a = s.add(Article{.title = "A"});
  auto k = a->keywords.add(Keyword{.word = "k"});
  a->keywords.add(k);
  k->articles.add(a);
  EXPECT_EQ(a->keywords.size(), 1u);
  EXPECT_EQ(k->articles.size(), 1u);
  s.commit();
  EXPECT_EQ(rows(s, "article_keywords"), 1);
}

TEST_P(many_to_many_test, an_object_of_the_wrong_class_is_refused_at_the_call) {
  auto s = session();
  auto a = s.add(Article{.title = "A"});
  auto other = s.add(Article{.title = "B"});
  auto& slot = static_cast<retort::orm::detail::collection_slot&>(a->keywords);
  try {
    slot.append(other.state());
    FAIL() << "appended an Article to Article.keywords";
  } catch (const retort::ArgumentError& e) {
    EXPECT_NE(std::string(e.what()).find("Article.keywords holds Keyword objects, not Article"), std::string::npos)
        << e.what();
  }
}

TEST_P(many_to_many_test, create_all_creates_the_association_table_with_its_keys) {
  auto s = session();
  s.connection().execute("INSERT INTO article (id, title) VALUES (1, 'a')");
  s.connection().execute("INSERT INTO keyword (id, word) VALUES (1, 'k')");
  s.connection().execute("INSERT INTO article_keywords (article_id, keyword_id) VALUES (1, 1)");
  EXPECT_THROW(s.connection().execute("INSERT INTO article_keywords (article_id, keyword_id) VALUES (1, 1)"),
               retort::IntegrityError);
}

TEST_P(many_to_many_test, self_referential_followers) {
  auto s = session();
  auto ann = s.add(Member{.handle = "ann"});
  auto bob = s.add(Member{.handle = "bob"});
  auto cid = s.add(Member{.handle = "cid"});
  ann->followed.add(bob);
  ann->followed.add(cid);
  cid->followed.add(bob);
  EXPECT_EQ(bob->followers.size(), 2u);
  s.commit();
  EXPECT_EQ(rows(s, "follows"), 3);
  EXPECT_EQ(rows(s, "follows", "follower_id = " + std::to_string(ann->id)), 2);
  auto s2 = session();
  auto b = s2.get<Member>(bob->id);
  ASSERT_EQ(b->followers.size(), 2u);
  EXPECT_EQ(b->followers[0]->handle, "ann");
  EXPECT_EQ(b->followers[1]->handle, "cid");
  EXPECT_TRUE(b->followed.empty());
  b->followers.remove(b->followers[0]);
  s2.commit();
  EXPECT_EQ(rows(s2, "follows"), 2);
  EXPECT_EQ(rows(s2, "follows", "follower_id = " + std::to_string(ann->id)), 1);
}

// Flask-SQLAlchemy's spelling: secondary= with backref=, declared on one side only.
TEST_P(many_to_many_test, a_backref_declares_both_sides_of_a_many_to_many) {
  int label = 0;
  {
    auto s = session();  // the label is used first: its mapper is configured with the page's backref
    auto l = s.add(Label{.text = "news"});
    auto p = s.add(Page{.slug = "home"});
    l->pages.add(p);
    EXPECT_EQ(p->labels.size(), 1u);
    s.commit();
    label = l->id;
  }
  auto check = session();
  EXPECT_EQ(rows(check, "page_labels"), 1);
  auto s = session();
  auto l = s.get<Label>(label);
  ASSERT_EQ(l->pages.size(), 1u);
  EXPECT_EQ(l->pages[0]->slug, "home");
  EXPECT_EQ(l->pages[0]->labels[0], l);
}

RETORT_ORM_SUITE(many_to_many_test);

}  // namespace
