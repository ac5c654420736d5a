// PostgreSQL's spelling of SQL: $n placeholders, its reserved words, type names,
// SERIAL/BIGSERIAL for autoincrementing keys.
#include <algorithm>
#include <array>

#include "retort/dialect/postgresql/postgresql.hpp"

namespace retort::postgresql {

namespace {
// PostgreSQL's reserved key words (Appendix C, "reserved" and "reserved (can be function or type)"), sorted.
constexpr std::array<std::string_view, 101> reserved = {
    "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "authorization", "binary",
    "both", "case", "cast", "check", "collate", "collation", "column", "concurrently", "constraint", "create",
    "cross", "current_catalog", "current_date", "current_role", "current_schema", "current_time",
    "current_timestamp", "current_user", "default", "deferrable", "desc", "distinct", "do", "else", "end",
    "except", "false", "fetch", "for", "foreign", "freeze", "from", "full", "grant", "group", "having", "ilike",
    "in", "initially", "inner", "intersect", "into", "is", "isnull", "join", "lateral", "leading", "left", "like",
    "limit", "localtime", "localtimestamp", "natural", "not", "notnull", "null", "offset", "on", "only", "or",
    "order", "outer", "overlaps", "placing", "primary", "references", "returning", "right", "select",
    "session_user", "similar", "some", "symmetric", "system_user", "table", "tablesample", "then", "to",
    "trailing", "true", "union", "unique", "user", "using", "variadic", "verbose", "when", "where", "window",
    "with"};
}  // namespace

bool dialect::is_reserved(std::string_view word) const {
  return std::binary_search(reserved.begin(), reserved.end(), word);
}

void dialect::placeholder(std::string& out, std::size_t index) const {
  out += '$';
  out += std::to_string(index);
}

std::string dialect::type_name(const sql::type& t) const {
  using sql::type_kind;
  switch (t.kind) {
    case type_kind::integer: return "INTEGER";
    case type_kind::big_integer: return "BIGINT";
    case type_kind::string: return t.length > 0 ? "VARCHAR(" + std::to_string(t.length) + ")" : "VARCHAR";
    case type_kind::text: return "TEXT";
    case type_kind::boolean: return "BOOLEAN";
    case type_kind::float_: return "REAL";
    case type_kind::double_: return "DOUBLE PRECISION";
    case type_kind::numeric:
      return "NUMERIC(" + std::to_string(t.precision) + ", " + std::to_string(t.scale) + ")";
    case type_kind::date: return "DATE";
    case type_kind::date_time: return t.timezone ? "TIMESTAMP WITH TIME ZONE" : "TIMESTAMP WITHOUT TIME ZONE";
    case type_kind::large_binary: return "BYTEA";
    case type_kind::json: return "JSONB";
    case type_kind::uuid: return "UUID";
    case type_kind::enumeration: return t.enumeration ? quote(t.enumeration->sql_name()) : "VARCHAR";
  }
  return "BYTEA";
}

std::string dialect::create_enum(const sql::enum_info& e, bool if_not_exists) const {
  // Schema text from the mapping (the enumerators' names), never data: quotes doubled.
  std::string labels;
  for (std::size_t i = 0; i < e.count; ++i) {
    labels += i ? ", '" : "'";
    for (char c : e.label(i)) labels += c == '\'' ? std::string("''") : std::string(1, c);
    labels += "'";
  }
  std::string name = e.sql_name();
  std::string create = "CREATE TYPE " + quote(name) + " AS ENUM (" + labels + ")";
  if (!if_not_exists) return create;
  // to_regtype resolves the name as CREATE TABLE will, through the search_path.
  std::string literal;
  for (char c : quote(name)) literal += c == '\'' ? std::string("''") : std::string(1, c);
  return "DO $$ BEGIN IF to_regtype('" + literal + "') IS NULL THEN " + create + "; END IF; END $$";
}

std::string dialect::autoincrement_type(const sql::type& t) const {
  return t.kind == sql::type_kind::big_integer ? "BIGSERIAL" : "SERIAL";
}

std::string dialect::unless_constraint_exists(std::string_view table, std::string_view name,
                                          std::string statement) const {
  // Schema text from the mapping (identifiers), never data.
  return "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = '" + std::string(name) +
         "' AND conrelid = to_regclass('" + quote(table) + "')) THEN " + statement + "; END IF; END $$";
}

}  // namespace retort::postgresql
