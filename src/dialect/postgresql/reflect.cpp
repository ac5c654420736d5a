// PostgreSQL's catalog: pg_class, pg_attribute, pg_constraint and pg_index of
// the connection's current schema only (the one unqualified names resolve to),
// so schemas of other applications, and each test's own schema, stay apart.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "retort/dialect/postgresql/postgresql.hpp"
#include "retort/engine/connection.hpp"
#include "retort/engine/inspector.hpp"
#include "retort/util/error.hpp"

namespace retort::postgresql {

namespace {

// The current schema's oid; current_schema() is NULL (and nothing matches) when
// the search_path names no existing schema.
constexpr const char* current_namespace = "(SELECT oid FROM pg_namespace WHERE nspname = current_schema())";

/// A catalog query: `before`, the current schema's oid, `after`.
std::string in_current_schema(const char* before, const char* after = "") {
  return std::string(before) + current_namespace + after;
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

/// The retort type closest to format_type()'s spelling ("character varying(50)", "numeric(10,2)").
sql::type map_type(std::string_view t) {
  using sql::type_kind;
  if (!t.empty() && t.back() == ']') return {type_kind::text};  // an array: type_text only
  if (starts_with(t, "timestamp")) {
    // "timestamp(3) with time zone" too: the precision sits before the zone.
    sql::type out{type_kind::date_time};
    out.timezone = t.find("with time zone") != std::string_view::npos && t.find("without") == std::string_view::npos;
    return out;
  }
  std::string_view base = t;
  std::vector<int> args;
  if (auto open = t.find('('); open != std::string_view::npos) {
    base = t.substr(0, open);
    auto inner = t.substr(open + 1);
    while (!inner.empty() && inner.front() != ')') {
      args.push_back(std::atoi(std::string(inner).c_str()));
      auto next = inner.find_first_of(",)");
      if (next == std::string_view::npos || inner[next] == ')') break;
      inner.remove_prefix(next + 1);
    }
  }
  auto arg = [&](std::size_t i) { return i < args.size() ? args[i] : 0; };
  if (base == "integer" || base == "smallint") return {type_kind::integer};
  if (base == "bigint") return {type_kind::big_integer};
  if (base == "character varying" || base == "character") return {type_kind::string, arg(0)};
  if (base == "text") return {type_kind::text};
  if (base == "boolean") return {type_kind::boolean};
  if (base == "real") return {type_kind::float_};
  if (base == "double precision") return {type_kind::double_};
  if (base == "numeric") return {type_kind::numeric, 0, arg(0), arg(1)};
  if (base == "date") return {type_kind::date};
  if (base == "bytea") return {type_kind::large_binary};
  if (base == "json" || base == "jsonb") return {type_kind::json};
  if (base == "uuid") return {type_kind::uuid};
  return {type_kind::text};  // type_text keeps the real spelling
}

/// confupdtype / confdeltype: a, r, c, n, d.
sql::fk_action action(std::string_view code) {
  if (code == "c") return sql::fk_action::cascade;
  if (code == "n") return sql::fk_action::set_null;
  if (code == "d") return sql::fk_action::set_default;
  if (code == "r") return sql::fk_action::restrict;
  return sql::fk_action::no_action;
}

/// A serial column's default: nextval('<sequence>'::regclass).
bool is_sequence_default(std::string_view d) {
  return starts_with(d, "nextval(") && d.size() >= 11 && d.substr(d.size() - 11) == "::regclass)";
}

/// The body of pg_get_constraintdef's "CHECK (<body>)" (and any " NOT VALID" after it).
std::string check_body(std::string_view def) {
  if (!starts_with(def, "CHECK (")) return std::string(def);
  auto close = def.rfind(')');
  if (close == std::string_view::npos || close < 7) return std::string(def);
  return std::string(def.substr(7, close - 7));
}

class postgresql_reflector final : public engine::reflector {
 public:
  std::vector<std::string> table_names(engine::connection& c) const override {
    auto r = c.execute(in_current_schema("SELECT c.relname::text FROM pg_class c WHERE c.relkind IN ('r', 'p') AND c.relnamespace = "));
    std::vector<std::string> out;
    for (auto row : r) out.push_back(row[0].as_string());
    std::sort(out.begin(), out.end());  // byte order, whatever the database's collation
    return out;
  }

  bool has_table(engine::connection& c, std::string_view name) const override {
    std::vector<sql::value> arg{sql::value(std::string(name))};
    auto r = c.execute(in_current_schema("SELECT 1 FROM pg_class c WHERE c.relname = $1::name AND c.relkind IN ('r', 'p') AND "
                       "c.relnamespace = "),
                       arg);
    return !r.empty();
  }

  sql::table table(engine::connection& c, std::string_view name) const override {
    if (!has_table(c, name)) {
      auto schema = c.execute("SELECT current_schema()::text").scalar();
      throw NoSuchTableError("no table named '" + std::string(name) + "' in schema '" +
                             (schema.is_null() ? std::string("(none)") : schema.as_string()) + "'");
    }
    std::vector<sql::value> arg{sql::value(std::string(name))};
    sql::table t{std::string(name)};
    add_columns(c, t, arg);
    add_foreign_keys(c, t, arg);
    add_uniques_and_checks(c, t, arg);
    add_indexes(c, t, arg);
    return t;
  }

  std::vector<engine::reflected_enum> enums(engine::connection& c) const override {
    auto r = c.execute(in_current_schema(
        "SELECT t.typname::text, e.enumlabel::text FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid "
        "WHERE t.typnamespace = ", " ORDER BY t.typname, e.enumsortorder"));
    std::vector<engine::reflected_enum> out;
    for (auto row : r) {
      auto type_name = row[0].as_string();
      if (out.empty() || out.back().name != type_name) out.push_back({type_name, {}});
      out.back().labels.push_back(row[1].as_string());
    }
    return out;
  }

 private:
  static void add_columns(engine::connection& c, sql::table& t, const std::vector<sql::value>& arg) {
    auto cols = c.execute(in_current_schema(
        "SELECT a.attname::text, format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, d.adrelid), "
        "a.attidentity::text, a.attgenerated::text, ty.typtype::text, ty.typname::text, pg_type_is_visible(ty.oid), "
        "EXISTS (SELECT 1 FROM pg_constraint p WHERE p.conrelid = cl.oid AND p.contype = 'p' AND a.attnum = ANY (p.conkey)) "
        "FROM pg_attribute a JOIN pg_class cl ON cl.oid = a.attrelid JOIN pg_type ty ON ty.oid = a.atttypid "
        "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
        "WHERE cl.relname = $1::name AND cl.relnamespace = ",
        " AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum"),
        arg);
    for (auto row : cols) {
      sql::column col;
      col.name = row[0].as_string();
      col.type_text = row[1].as_string();
      if (row[6].as_string() == "e") {
        // A native enum: its labels come from enums(); the name is spelled as the dialect quotes it.
        col.sql_type = sql::type{sql::type_kind::enumeration};
        if (row[8].as_bool()) col.type_text = c.dialect().quote(row[7].as_string());
      } else {
        col.sql_type = map_type(col.type_text);
      }
      col.nullable = !row[2].as_bool();
      col.primary_key = row[9].as_bool();
      bool integral = col.sql_type.kind == sql::type_kind::integer || col.sql_type.kind == sql::type_kind::big_integer;
      std::string identity = row[4].is_null() ? "" : row[4].as_string();
      bool generated = !row[5].is_null() && !row[5].as_string().empty();
      if (!row[3].is_null() && !generated) {
        auto def = row[3].as_string();
        if (integral && is_sequence_default(def)) col.autoincrement = true;  // serial: the sequence is implied
        else col.server_default = std::move(def);
      }
      if (!identity.empty()) col.autoincrement = true;
      t.add(std::move(col));
    }
  }

  static void add_foreign_keys(engine::connection& c, sql::table& t, const std::vector<sql::value>& arg) {
    // unnest over both arrays pairs each column with the one it references, in key order.
    auto r = c.execute(in_current_schema(
        "SELECT con.oid::int8, con.conname::text, ref.relname::text, con.confupdtype::text, con.confdeltype::text, "
        "a.attname::text, ra.attname::text "
        "FROM pg_constraint con JOIN pg_class cl ON cl.oid = con.conrelid JOIN pg_class ref ON ref.oid = con.confrelid "
        "CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(attnum, refnum, ord) "
        "JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum "
        "JOIN pg_attribute ra ON ra.attrelid = con.confrelid AND ra.attnum = k.refnum "
        "WHERE con.contype = 'f' AND cl.relname = $1::name AND cl.relnamespace = ",
        " ORDER BY con.oid, k.ord"),
        arg);
    std::vector<std::pair<std::int64_t, sql::foreign_key>> keys;
    for (auto row : r) {
      auto id = row[0].as_int();
      if (keys.empty() || keys.back().first != id) {
        sql::foreign_key fk;
        fk.name = row[1].as_string();
        fk.ref_table = row[2].as_string();
        fk.on_update = action(row[3].as_string());
        fk.on_delete = action(row[4].as_string());
        keys.emplace_back(id, std::move(fk));
      }
      keys.back().second.columns.push_back(row[5].as_string());
      keys.back().second.ref_columns.push_back(row[6].as_string());
    }
    for (auto& [id, fk] : keys) t.add(std::move(fk));
  }

  static void add_uniques_and_checks(engine::connection& c, sql::table& t, const std::vector<sql::value>& arg) {
    auto u = c.execute(in_current_schema(
        "SELECT con.oid::int8, con.conname::text, a.attname::text "
        "FROM pg_constraint con JOIN pg_class cl ON cl.oid = con.conrelid "
        "CROSS JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord) "
        "JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum "
        "WHERE con.contype = 'u' AND cl.relname = $1::name AND cl.relnamespace = ",
        " ORDER BY con.oid, k.ord"),
        arg);
    std::vector<std::pair<std::int64_t, sql::unique_constraint>> uniques;
    for (auto row : u) {
      auto id = row[0].as_int();
      if (uniques.empty() || uniques.back().first != id) uniques.emplace_back(id, sql::unique_constraint{{}, row[1].as_string()});
      uniques.back().second.columns.push_back(row[2].as_string());
    }
    for (auto& [id, uc] : uniques) t.add(std::move(uc));

    auto ck = c.execute(in_current_schema(
        "SELECT con.conname::text, pg_get_constraintdef(con.oid) FROM pg_constraint con "
        "JOIN pg_class cl ON cl.oid = con.conrelid "
        "WHERE con.contype = 'c' AND cl.relname = $1::name AND cl.relnamespace = ",
        " ORDER BY con.oid"),
        arg);
    for (auto row : ck) t.add(sql::check_constraint{check_body(row[1].as_string()), row[0].as_string()});
  }

  static void add_indexes(engine::connection& c, sql::table& t, const std::vector<sql::value>& arg) {
    // Not the indexes behind a PRIMARY KEY or UNIQUE constraint (those are constraints);
    // key columns only (not INCLUDE); attnum 0 is an expression, which a column list cannot say.
    auto r = c.execute(in_current_schema(
        "SELECT ic.relname::text, i.indisunique, k.attnum::int8, a.attname::text "
        "FROM pg_index i JOIN pg_class cl ON cl.oid = i.indrelid JOIN pg_class ic ON ic.oid = i.indexrelid "
        "CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) "
        "LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
        "WHERE cl.relname = $1::name AND cl.relnamespace = ",
        " AND k.ord <= i.indnkeyatts "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid AND con.conrelid = i.indrelid) "
        "ORDER BY ic.relname, k.ord"),
        arg);
    std::vector<std::pair<bool, sql::index>> indexes;  // (on an expression, index)
    for (auto row : r) {
      auto index_name = row[0].as_string();
      if (indexes.empty() || indexes.back().second.name != index_name)
        indexes.emplace_back(false, sql::index{index_name, {}, row[1].as_bool()});
      if (row[2].as_int() == 0 || row[3].is_null()) indexes.back().first = true;
      else indexes.back().second.columns.push_back(row[3].as_string());
    }
    std::sort(indexes.begin(), indexes.end(), [](const auto& a, const auto& b) { return a.second.name < b.second.name; });
    for (auto& [expression, i] : indexes)
      if (!expression) t.add(std::move(i));
  }
};

}  // namespace

void register_reflector_once() {
  engine::register_reflector("postgresql", std::make_shared<postgresql_reflector>());
}

}  // namespace retort::postgresql
