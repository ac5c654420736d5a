// Private: the pieces of the revision files' text form - words, quoted
// strings, column and key specifications - shared by the operations that
// write them and the parser that reads them back.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "retort/sql/schema.hpp"

namespace retort::migrate::text {

/// `s` as one token: bare when it is a plain word, else quoted.
std::string word(std::string_view s);
/// Words separated by spaces.
std::string words(const std::vector<std::string>& v);
/// `"..."` with backslash escapes for `"`, `\`, newline and tab.
std::string quoted(std::string_view s);
/// A constraint's name, or `-` for none.
std::string name_or_dash(const std::string& name);
/// `<name|-> (a, b) references t (c, d) [on_delete cascade] [on_update set_null]`.
std::string foreign_key(const sql::foreign_key& fk);

struct token {
  enum kind_t { word, string, punct } kind;
  std::string text;
};

/// Splits one line into tokens; `(`, `)` and `,` are tokens of their own.
/// Raises MigrationError (naming `where`) for an unterminated string.
std::vector<token> tokenize(std::string_view line, const std::string& where);

}  // namespace retort::migrate::text

namespace retort::migrate {

/// A table taken apart, to change one piece and put it back together.
struct table_parts {
  std::string name;
  std::vector<sql::column> columns;
  std::vector<sql::foreign_key> foreign_keys;
  std::vector<sql::unique_constraint> uniques;
  std::vector<sql::check_constraint> checks;
  std::vector<sql::index> indexes;

  table_parts() = default;
  explicit table_parts(const sql::table& t)
      : name(t.name()),
        columns(t.columns()),
        foreign_keys(t.foreign_keys()),
        uniques(t.uniques()),
        checks(t.checks()),
        indexes(t.indexes()) {}

  sql::table build() const {
    sql::table t(name);
    for (const auto& c : columns) t.add(c);
    for (const auto& fk : foreign_keys) t.add(fk);
    for (const auto& u : uniques) t.add(u);
    for (const auto& c : checks) t.add(c);
    for (const auto& i : indexes) t.add(i);
    return t;
  }
};

}  // namespace retort::migrate
