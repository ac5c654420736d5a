// Scenario helpers: statements reduced to "VERB table" (placeholders and
// quoting differ per dialect; verb and table do not), and row counts.
#pragma once

#include <string>
#include <vector>

#include "support/orm_fixture.hpp"
#include "support/relationship_models.hpp"

namespace retort::testing {

/// "INSERT article", "UPDATE node", "DELETE article_keywords", "SELECT keyword" for each statement.
inline std::vector<std::string> shapes(const statement_recorder& rec) {
  std::vector<std::string> out;
  for (const auto& e : rec.entries()) {
    auto word = [&](std::size_t& at) {
      while (at < e.sql.size() && e.sql[at] == ' ') ++at;
      auto start = at;
      while (at < e.sql.size() && e.sql[at] != ' ' && e.sql[at] != '(') ++at;
      std::string w = e.sql.substr(start, at - start);
      std::erase(w, '"');
      std::erase(w, ',');
      return w;
    };
    std::size_t at = 0;
    auto verb = word(at);
    std::string table;
    if (verb == "SELECT") {
      auto from = e.sql.find(" FROM ");
      at = from == std::string::npos ? e.sql.size() : from + 6;
      table = word(at);
    } else {
      auto next = word(at);
      table = next == "INTO" || next == "FROM" ? word(at) : next;
    }
    out.push_back(verb + " " + table);
  }
  return out;
}

inline std::int64_t rows(retort::session& s, const std::string& table, const std::string& where = "") {
  return s.connection()
      .execute("SELECT COUNT(*) FROM " + table + (where.empty() ? "" : " WHERE " + where))
      .row(0)
      .get<std::int64_t>(0);
}

}  // namespace retort::testing
