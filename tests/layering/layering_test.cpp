// The layering rule as a test: a file of one layer includes only its own
// layer and the layers below it (util < sql < engine < dialect < orm), and
// only the two drivers include their database's C header.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <string>

namespace fs = std::filesystem;

namespace {

const std::map<std::string, int> rank = {{"util", 0}, {"sql", 1}, {"engine", 2}, {"dialect", 3}, {"orm", 4}, {"web", 5}};

/// "include/retort/orm/x.hpp" or "src/orm/x.cpp" -> "orm"; dialect folders -> "dialect/<db>".
std::string layer_of(const fs::path& rel) {
  auto it = rel.begin();
  if (*it == "include") ++it;
  if (*it == "retort") ++it;
  if (*it == "src") ++it;
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

TEST(layering, no_file_includes_a_layer_above_its_own) {
  std::regex inc(R"re(#include\s+"(?:retort/)?(util|sql|engine|dialect/\w+|orm|web)/)re");
  std::size_t checked = 0;
  for (const auto& rel : sources()) {
    if (rel.filename() == "retort.hpp") continue;  // the umbrella for applications
    auto layer = layer_of(rel);
    std::ifstream in(fs::path(RETORT_SOURCE_DIR) / rel);
    std::string line;
    while (std::getline(in, line)) {
      std::smatch m;
      if (!std::regex_search(line, m, inc)) continue;
      std::string target = m[1];
      ++checked;
      EXPECT_LE(rank_of(target), rank_of(layer)) << rel << " (" << layer << ") includes " << target;
      if (target.starts_with("dialect/") && layer.starts_with("dialect/")) {
        EXPECT_EQ(target, layer) << rel << ": one dialect includes another";
      }
    }
  }
  EXPECT_GT(checked, 50u);
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
