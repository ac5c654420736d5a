// The layering rule as a test: a file of one layer includes only its own
// layer and the layers below it (util < sql < engine < {dialect/<db>, orm} <
// the facade, include/retort/*.hpp and src/*.cpp < {web, migrate}), and only the two
// drivers include their database's C header. The dialects and orm are
// siblings: neither includes the other, and one dialect never includes another.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <string>
#include <utility>
#include <vector>

namespace fs = std::filesystem;

namespace {

const std::map<std::string, int> rank = {{"util", 0},  {"sql", 1},    {"engine", 2}, {"dialect", 3},
                                          {"orm", 3},   {"facade", 4}, {"web", 5}, {"migrate", 5}};

/// "include/retort/orm/x.hpp", "src/orm/x.cpp" or "retort/orm/x.hpp" -> "orm";
/// dialect folders -> "dialect/<db>"; a file directly in include/retort or src
/// (database.hpp, retort.hpp, database.cpp) -> "facade".
std::string layer_of(const fs::path& rel) {
  auto it = rel.begin();
  if (*it == "include") ++it;
  if (*it == "retort") ++it;
  if (*it == "src") ++it;
  if (std::next(it) == rel.end()) return "facade";
  std::string layer = it->string();
  if (layer == "dialect") layer += "/" + (++it)->string();
  return layer;
}

int rank_of(const std::string& layer) { return rank.at(layer.substr(0, layer.find('/'))); }

std::vector<fs::path> sources() {
  std::vector<fs::path> out;
  for (const char* dir : {"include/retort", "src"})
    for (const auto& e : fs::recursive_directory_iterator(fs::path(RETORT_SOURCE_DIR) / dir))
      if (e.is_regular_file() && (e.path().extension() == ".hpp" || e.path().extension() == ".cpp"))
        out.push_back(fs::relative(e.path(), RETORT_SOURCE_DIR));
  return out;
}

/// The layers `rel` includes, one per Retort include, as (layer, included path).
std::vector<std::pair<std::string, std::string>> included_layers(const fs::path& rel) {
  // "retort/<layer>/...", a private "<layer>/..." of src/, or a facade header "retort/x.hpp".
  static const std::regex inc(R"re(#include\s+"((?:retort/)?(?:util|sql|engine|dialect|orm|web|migrate)/[\w/]+\.hpp|retort/\w+\.hpp)")re");
  std::vector<std::pair<std::string, std::string>> out;
  std::ifstream in(fs::path(RETORT_SOURCE_DIR) / rel);
  std::string line;
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_search(line, m, inc)) out.emplace_back(layer_of(fs::path(m[1].str())), m[1]);
  }
  return out;
}

TEST(layering, no_file_includes_a_layer_above_its_own) {
  std::size_t checked = 0;
  for (const auto& rel : sources()) {
    auto layer = layer_of(rel);
    for (const auto& [target, path] : included_layers(rel)) {
      ++checked;
      // Below, or the same layer: a sibling (orm and a dialect, two dialects) is neither.
      EXPECT_TRUE(rank_of(target) < rank_of(layer) || target == layer)
          << rel << " (" << layer << ") includes " << path << " (" << target << ")";
    }
  }
  EXPECT_GT(checked, 50u);
}

// The rule's own cases, so that a regex or rank change cannot quietly pass everything.
TEST(layering, layers_are_read_from_paths) {
  EXPECT_EQ(layer_of("src/orm/session.cpp"), "orm");
  EXPECT_EQ(layer_of("orm/session_impl.hpp"), "orm");
  EXPECT_EQ(layer_of("include/retort/dialect/sqlite/sqlite.hpp"), "dialect/sqlite");
  EXPECT_EQ(layer_of("retort/dialect/postgresql/postgresql.hpp"), "dialect/postgresql");
  EXPECT_EQ(layer_of("src/database.cpp"), "facade");
  EXPECT_EQ(layer_of("include/retort/retort.hpp"), "facade");
  EXPECT_EQ(layer_of("retort/database.hpp"), "facade");
  EXPECT_EQ(rank_of("dialect/sqlite"), rank_of("orm"));
}

// orm reaches a database only through engine: the facade (src/database.cpp)
// is what names the dialects, so retort_orm links only retort_engine.
TEST(layering, orm_includes_no_dialect_and_only_the_facade_does) {
  std::size_t facade_dialect_includes = 0;
  for (const auto& rel : sources()) {
    auto layer = layer_of(rel);
    for (const auto& [target, path] : included_layers(rel)) {
      if (!target.starts_with("dialect/")) continue;
      EXPECT_NE(layer, "orm") << rel << " includes " << path;
      if (layer == "facade") ++facade_dialect_includes;
    }
  }
  EXPECT_GE(facade_dialect_includes, 1u) << "src/database.cpp registers the built-in backends";
}

TEST(layering, only_the_drivers_include_the_database_headers) {
  for (const auto& rel : sources()) {
    std::ifstream in(fs::path(RETORT_SOURCE_DIR) / rel);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (text.find("<sqlite3.h>") != std::string::npos) {
      EXPECT_EQ(rel, "src/dialect/sqlite/driver.cpp");
    }
    if (text.find("<libpq-fe.h>") != std::string::npos) {
      EXPECT_EQ(rel, "src/dialect/postgresql/driver.cpp");
    }
  }
}

}  // namespace
