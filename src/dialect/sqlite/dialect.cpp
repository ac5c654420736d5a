// SQLite's spelling of SQL: '?' placeholders, SQLite's keyword list, type names.
#include <algorithm>
#include <array>

#include "retort/dialect/sqlite/sqlite.hpp"

namespace retort::sqlite {

namespace {
// SQLite's keywords (https://sqlite.org/lang_keywords.html), sorted.
constexpr std::array<std::string_view, 147> keywords = {
    "abort", "action", "add", "after", "all", "alter", "always", "analyze", "and", "as", "asc", "attach",
    "autoincrement", "before", "begin", "between", "by", "cascade", "case", "cast", "check", "collate", "column",
    "commit", "conflict", "constraint", "create", "cross", "current", "current_date", "current_time",
    "current_timestamp", "database", "default", "deferrable", "deferred", "delete", "desc", "detach", "distinct",
    "do", "drop", "each", "else", "end", "escape", "except", "exclude", "exclusive", "exists", "explain", "fail",
    "filter", "first", "following", "for", "foreign", "from", "full", "generated", "glob", "group", "groups",
    "having", "if", "ignore", "immediate", "in", "index", "indexed", "initially", "inner", "insert", "instead",
    "intersect", "into", "is", "isnull", "join", "key", "last", "left", "like", "limit", "match", "materialized",
    "natural", "no", "not", "nothing", "notnull", "null", "nulls", "of", "offset", "on", "or", "order", "others",
    "outer", "over", "partition", "plan", "pragma", "preceding", "primary", "query", "raise", "range",
    "recursive", "references", "regexp", "reindex", "release", "rename", "replace", "restrict", "returning",
    "right", "rollback", "row", "rows", "savepoint", "select", "set", "table", "temp", "temporary", "then", "ties",
    "to", "transaction", "trigger", "unbounded", "union", "unique", "update", "using", "vacuum", "values", "view",
    "virtual", "when", "where", "window", "with", "without"};
}  // namespace

bool dialect::is_reserved(std::string_view word) const {
  return std::binary_search(keywords.begin(), keywords.end(), word);
}

void dialect::placeholder(std::string& out, std::size_t) const { out += '?'; }

std::string dialect::type_name(const sql::type& t) const {
  using sql::type_kind;
  switch (t.kind) {
    case type_kind::integer: return "INTEGER";
    case type_kind::big_integer: return "BIGINT";
    case type_kind::string: return t.length > 0 ? "VARCHAR(" + std::to_string(t.length) + ")" : "VARCHAR";
    case type_kind::text: return "TEXT";
    case type_kind::boolean: return "BOOLEAN";
    case type_kind::float_: return "FLOAT";
    case type_kind::double_: return "DOUBLE";
    case type_kind::numeric:
      return "NUMERIC(" + std::to_string(t.precision) + ", " + std::to_string(t.scale) + ")";
    case type_kind::date: return "DATE";
    case type_kind::date_time: return "DATETIME";
    case type_kind::large_binary: return "BLOB";
    case type_kind::json: return "TEXT";       // a JSON document's text
    case type_kind::uuid: return "CHAR(32)";   // 32 hex digits, as SQLAlchemy's Uuid without a native type
    case type_kind::enumeration:               // the longest name fits, as SQLAlchemy's Enum sizes it
      return t.length > 0 ? "VARCHAR(" + std::to_string(t.length) + ")" : "VARCHAR";
  }
  return "BLOB";
}

// Only a column declared exactly INTEGER PRIMARY KEY aliases the rowid.
std::string dialect::autoincrement_type(const sql::type&) const { return "INTEGER"; }

}  // namespace retort::sqlite
