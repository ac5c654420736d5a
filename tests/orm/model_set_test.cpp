// Model sets (Flask-SQLAlchemy's db.Model, SQLAlchemy's registry + MetaData):
// retort::models<...>() names the classes a database has, and create_all /
// drop_all of a set touch exactly its tables, in foreign-key order, even for
// a class no other code names. Several sets live in one program.
#include <algorithm>

#include "support/orm_fixture.hpp"

using retort::testing::backend;

// Classes named only in this file's models<...>() lists and the statements
// below: nothing else would register them.
namespace ms {

struct Picture;

struct Gallery {
  int id = 0;
  std::string name{};
  retort::many<Picture> pictures{};
};

struct Picture {
  int id = 0;
  std::string caption{};
  int gallery_id = 0;
  retort::one<Gallery> gallery{};
};

/// Named by nothing but a models<...>() list.
struct Unnamed {
  int id = 0;
  std::string note{};
};

/// The second, independent set's class.
struct Counter {
  int id = 0;
  std::int64_t hits = 0;
};

/// Refers to Gallery through a relationship only (its foreign key is on Picture).
struct Curator {
  int id = 0;
  int gallery_id = 0;
};

}  // namespace ms

template <>
inline constexpr auto retort::mapping<ms::Gallery> =
    retort::model(retort::table_name("ms_gallery"), retort::column<&ms::Gallery::id>(retort::primary_key),
                  retort::column<&ms::Gallery::name>(),
                  retort::relationship<&ms::Gallery::pictures>(retort::back_populates<&ms::Picture::gallery>));
template <>
inline constexpr auto retort::mapping<ms::Picture> =
    retort::model(retort::table_name("ms_picture"), retort::column<&ms::Picture::id>(retort::primary_key),
                  retort::column<&ms::Picture::caption>(),
                  retort::column<&ms::Picture::gallery_id>(retort::foreign_key<&ms::Gallery::id>),
                  retort::relationship<&ms::Picture::gallery>(retort::back_populates<&ms::Gallery::pictures>));
template <>
inline constexpr auto retort::mapping<ms::Unnamed> =
    retort::model(retort::table_name("ms_unnamed"), retort::column<&ms::Unnamed::id>(retort::primary_key),
                  retort::column<&ms::Unnamed::note>());
template <>
inline constexpr auto retort::mapping<ms::Counter> =
    retort::model(retort::table_name("ms_counter"), retort::column<&ms::Counter::id>(retort::primary_key),
                  retort::column<&ms::Counter::hits>());
template <>
inline constexpr auto retort::mapping<ms::Curator> =
    retort::model(retort::table_name("ms_curator"), retort::column<&ms::Curator::id>(retort::primary_key),
                  retort::column<&ms::Curator::gallery_id>(retort::foreign_key<&ms::Gallery::id>));

namespace {

/// The child first: the set's order is not the creation order.
const retort::model_set gallery_models = retort::models<ms::Picture, ms::Gallery>();

class model_set_test : public ::testing::TestWithParam<backend> {
 protected:
  /// An empty database on the parameter's backend (nothing created).
  std::string empty_url() {
    auto url = retort::testing::fresh_url(GetParam());
    return url;
  }
  bool has_table(retort::database& db, const std::string& name) {
    auto conn = db.engine().connect();
    std::vector<retort::sql::value> params{retort::sql::value(name)};
    auto sql = GetParam() == backend::sqlite
                   ? std::string("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?")
                   : std::string(
                         "SELECT count(*) FROM information_schema.tables "
                         "WHERE table_schema = current_schema() AND table_name = $1");
    return conn.execute(sql, params).scalar().as_int() == 1;
  }
  static std::vector<std::string> created(const retort::testing::statement_recorder& rec) {
    std::vector<std::string> out;
    for (const auto& e : rec.entries())
      if (e.sql.starts_with("CREATE TABLE")) out.push_back(e.sql);
    return out;
  }
};
RETORT_ORM_SUITE(model_set_test);

TEST_P(model_set_test, create_all_of_a_set_creates_exactly_its_tables_parents_first) {
  auto url = empty_url();
  RETORT_REQUIRE_URL(url);
  retort::database db(url, gallery_models);
  retort::testing::statement_recorder rec(db.engine());
  db.create_all();
  auto ddl = created(rec);
  ASSERT_EQ(ddl.size(), 2u) << ::testing::PrintToString(ddl);
  EXPECT_NE(ddl[0].find("ms_gallery"), std::string::npos) << ddl[0];
  EXPECT_NE(ddl[1].find("ms_picture"), std::string::npos) << ddl[1];
  EXPECT_TRUE(has_table(db, "ms_gallery"));
  EXPECT_TRUE(has_table(db, "ms_picture"));
  EXPECT_FALSE(has_table(db, "user"));  // a mapped class of the program, not of this set
  EXPECT_FALSE(has_table(db, "ms_unnamed"));
  ASSERT_NE(db.models(), nullptr);
  EXPECT_EQ(db.metadata().tables().size(), 2u);

  // The tables work with the ORM.
  auto s = db.session();
  auto g = s.add(ms::Gallery{.name = "north"});
  g->pictures.add(ms::Picture{.caption = "fjord"});
  s.commit();
  EXPECT_EQ(s.query<ms::Picture>().one()->gallery_id, g->id);
}

TEST_P(model_set_test, a_class_named_only_in_a_set_gets_its_table) {
  auto url = empty_url();
  RETORT_REQUIRE_URL(url);
  retort::database db(url, retort::models<ms::Unnamed>());
  db.create_all();
  EXPECT_TRUE(has_table(db, "ms_unnamed"));
}

TEST_P(model_set_test, two_sets_in_one_program_each_create_their_own_tables) {
  auto url_a = empty_url();
  RETORT_REQUIRE_URL(url_a);
  auto url_b = empty_url();
  retort::database a(url_a, gallery_models);
  retort::database b(url_b, retort::models<ms::Counter>());
  a.create_all();
  b.create_all();
  EXPECT_TRUE(has_table(a, "ms_gallery"));
  EXPECT_FALSE(has_table(a, "ms_counter"));
  EXPECT_TRUE(has_table(b, "ms_counter"));
  EXPECT_FALSE(has_table(b, "ms_gallery"));
  auto s = b.session();
  s.add(ms::Counter{.hits = 3});
  s.commit();
  EXPECT_EQ(s.query<ms::Counter>().count(), 1);
}

TEST_P(model_set_test, create_all_and_drop_all_of_a_set_on_a_database_without_one) {
  auto url = empty_url();
  RETORT_REQUIRE_URL(url);
  retort::database db(url);
  EXPECT_EQ(db.models(), nullptr);
  db.create_all(retort::models<ms::Counter>());
  EXPECT_TRUE(has_table(db, "ms_counter"));
  EXPECT_FALSE(has_table(db, "user"));
  db.create_all(gallery_models);
  retort::testing::statement_recorder rec(db.engine());
  db.drop_all(gallery_models);
  std::vector<std::string> drops;
  for (const auto& e : rec.entries())
    if (e.sql.starts_with("DROP TABLE")) drops.push_back(e.sql);
  ASSERT_EQ(drops.size(), 2u) << ::testing::PrintToString(drops);
  EXPECT_NE(drops[0].find("ms_picture"), std::string::npos) << drops[0];  // children first
  EXPECT_NE(drops[1].find("ms_gallery"), std::string::npos) << drops[1];
  EXPECT_FALSE(has_table(db, "ms_gallery"));
  EXPECT_TRUE(has_table(db, "ms_counter"));
}

TEST_P(model_set_test, the_default_create_all_creates_every_registered_class) {
  auto url = empty_url();
  RETORT_REQUIRE_URL(url);
  retort::database db(url);
  db.create_all();
  EXPECT_TRUE(has_table(db, "user"));
  EXPECT_TRUE(has_table(db, "post"));
  EXPECT_TRUE(has_table(db, "ms_unnamed"));  // registered by the models<...>() that names it
}

TEST_P(model_set_test, a_reference_to_a_class_outside_the_set_is_a_configuration_error) {
  auto url = empty_url();
  RETORT_REQUIRE_URL(url);
  retort::database db(url);
  try {
    db.create_all(retort::models<ms::Picture>());
    FAIL() << "expected ConfigurationError";
  } catch (const retort::ConfigurationError& e) {
    EXPECT_STREQ(e.what(),
                 "model set: Picture.gallery_id references Gallery, which is not in the set; "
                 "add Gallery to retort::models<...>()");
  }
  try {
    db.create_all(retort::models<ms::Gallery, ms::Curator>());
    FAIL() << "expected ConfigurationError";
  } catch (const retort::ConfigurationError& e) {
    EXPECT_STREQ(e.what(),
                 "model set: Gallery.pictures relates to Picture, which is not in the set; "
                 "add Picture to retort::models<...>()");
  }
  EXPECT_FALSE(has_table(db, "ms_picture"));
  EXPECT_FALSE(has_table(db, "ms_gallery"));
}

}  // namespace
