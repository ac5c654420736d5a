// The blog's migrations (examples/blog/migrations), on both databases:
// upgrading an empty database to head gives the schema create_all gives,
// autogenerate then finds nothing to do, the ORM works on the result, and
// downgrading to base leaves only the version table. The revision files
// themselves are portable text that reads back to the same text.
#include <fstream>
#include <sstream>

#include "models.hpp"
#include "retort/database.hpp"
#include "retort/engine/connection.hpp"
#include "retort/engine/inspector.hpp"
#include "retort/migrate/autogenerate.hpp"
#include "retort/migrate/migrator.hpp"
#include "retort/migrate/revision.hpp"
#include "support/backend.hpp"
#include "support/schema_text.hpp"

#ifndef BLOG_MIGRATIONS_DIR
#error "BLOG_MIGRATIONS_DIR (the source tree's examples/blog/migrations) is set by tests/CMakeLists.txt"
#endif

namespace {

using retort::testing::backend;
namespace sql = retort::sql;
namespace engine = retort::engine;
namespace migrate = retort::migrate;

/// What reflection says of a table, one line per item: equal text, equal schema.
std::string render(const sql::table& t) { return retort::testing::schema_text(t, false); }

/// The user tables of the database at `url`, rendered, without the version table.
std::string reflected(const std::string& url) {
  engine::engine e(url);
  auto c = e.connect();
  engine::inspector in(c);
  std::string out;
  for (const auto& name : in.table_names())
    if (name != migrate::version_table) out += render(in.table(name));
  return out;
}

std::vector<std::string> table_names(const std::string& url) {
  engine::engine e(url);
  auto c = e.connect();
  return engine::inspector(c).table_names();
}

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class blog_migrations : public ::testing::TestWithParam<backend> {};
INSTANTIATE_TEST_SUITE_P(, blog_migrations, ::testing::ValuesIn(retort::testing::all_backends()),
                         retort::testing::backend_param_name);

TEST(blog_migrations_files, read_back_to_the_same_text_and_name_no_dialect) {
  migrate::script_directory scripts(BLOG_MIGRATIONS_DIR);
  ASSERT_FALSE(scripts.revisions().empty());
  EXPECT_EQ(scripts.heads().size(), 1u) << "the blog's revisions have one head";
  for (const auto& r : scripts.revisions()) {
    auto text = read(r.path);
    auto again = migrate::parse_revision(text, r.path.string());
    // No notes in a committed revision: what write_revision makes of it is the file.
    EXPECT_EQ(migrate::write_revision(again), text) << r.path;
    EXPECT_EQ(text.find("Type("), std::string::npos) << r.path << ": a database's own spelling of a type";
  }
  const auto& first = scripts.revisions().front();
  EXPECT_TRUE(first.parents.empty());
  EXPECT_EQ(first.message, "initial schema");
}

TEST_P(blog_migrations, upgrade_to_head_is_create_all_and_downgrade_to_base_is_empty) {
  auto migrated_url = retort::testing::fresh_url(GetParam());
  RETORT_REQUIRE_URL(migrated_url);
  auto created_url = retort::testing::fresh_url(GetParam());

  migrate::script_directory scripts(BLOG_MIGRATIONS_DIR);
  engine::engine migrated(migrated_url);
  migrate::migrator m(migrated, scripts);
  EXPECT_EQ(m.upgrade("head").size(), scripts.revisions().size());
  EXPECT_EQ(m.current(), scripts.heads());

  retort::database created(created_url, blog::models);
  created.create_all();

  auto schema = reflected(migrated_url);
  EXPECT_NE(schema.find("table user\n"), std::string::npos) << schema;
  EXPECT_EQ(schema, reflected(created_url));

  // Autogenerate on the migrated database (the next `revision --autogenerate`) finds nothing.
  {
    auto c = migrated.connect();
    auto diff = migrate::compare(migrate::reflect_schema(c), blog::models.metadata(), c.dialect());
    std::string found;
    for (const auto& o : diff.upgrade) found += o->describe() + "\n";
    for (const auto& n : diff.notes) found += "note: " + n + "\n";
    EXPECT_TRUE(diff.empty()) << found;
    EXPECT_TRUE(diff.downgrade.empty());
    EXPECT_TRUE(diff.notes.empty()) << found;
  }

  // The blog's ORM works on it: every table gets a row, and reads back.
  {
    retort::database db(migrated_url, blog::models);
    {
      auto s = db.session();
      auto alice = s.add(blog::User{.username = "alice", .email = "alice@example.com"});
      auto bob = s.add(blog::User{.username = "bob", .email = "bob@example.com"});
      alice->profile = retort::make(blog::Profile{.bio = "Hello", .location = "Lyon"});
      alice->followed.add(bob);
      auto post = alice->posts.add(blog::Post{.title = "Hello", .body = "First post"});
      post->tags.add(s.add(blog::Tag{.name = "intro"}));
      auto first = s.add(blog::Comment{.body = "Welcome", .post = post, .author = bob});
      s.add(blog::Comment{.body = "Thanks", .post = post, .author = alice, .parent = first});
      s.commit();
    }
    auto s = db.session();
    auto post = s.get<blog::Post>(1);
    ASSERT_TRUE(post);
    EXPECT_EQ(post->author->username, "alice");
    EXPECT_EQ(post->author->profile->location, "Lyon");
    EXPECT_EQ(post->author->followed.size(), 1u);
    EXPECT_EQ(post->tags.size(), 1u);
    EXPECT_EQ(post->comments.size(), 2u);
  }

  m.downgrade("base");
  EXPECT_TRUE(m.current().empty());
  EXPECT_EQ(table_names(migrated_url), std::vector<std::string>{std::string(migrate::version_table)});
  // And up again: the downgrades left nothing behind that the upgrades trip on.
  m.upgrade("head");
  EXPECT_EQ(reflected(migrated_url), reflected(created_url));
}

}  // namespace
