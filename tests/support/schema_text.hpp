// A table's schema as text, one line per column and constraint, for tests
// that compare schemas (reflection, migrations): equal text, equal schema.
#pragma once

#include <sstream>
#include <string>
#include <vector>

#include "retort/sql/types.hpp"
#include "retort/sql/schema.hpp"

namespace retort::testing {

inline const char* fk_action_text(sql::fk_action a) {
  switch (a) {
    case sql::fk_action::cascade: return "CASCADE";
    case sql::fk_action::set_null: return "SET NULL";
    case sql::fk_action::set_default: return "SET DEFAULT";
    case sql::fk_action::restrict: return "RESTRICT";
    case sql::fk_action::no_action: return "NO ACTION";
  }
  return "?";
}

inline std::string comma_list(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

/// `t` as text. With `type_details`, each column's length, precision, scale
/// and time zone too (what reflection fills in beyond the type's kind).
inline std::string schema_text(const sql::table& t, bool type_details) {
  std::ostringstream o;
  o << "table " << t.name() << "\n";
  for (const auto& c : t.columns()) {
    const auto& ty = c.sql_type;
    o << "  column " << c.name << " '" << c.type_text << "' " << sql::kind_name(ty.kind);
    if (type_details) o << "(" << ty.length << "," << ty.precision << "," << ty.scale << (ty.timezone ? ",tz" : "") << ")";
    o << (c.nullable ? " NULL" : " NOT NULL") << (c.primary_key ? " pk" : "") << (c.autoincrement ? " autoincrement" : "")
      << (c.unique ? " unique" : "") << (c.indexed ? " indexed" : "") << " default=" << c.server_default.value_or("<none>")
      << "\n";
  }
  for (const auto& fk : t.foreign_keys())
    o << "  fk '" << fk.name << "' (" << comma_list(fk.columns) << ") -> " << fk.ref_table << " ("
      << comma_list(fk.ref_columns) << ") delete " << fk_action_text(fk.on_delete) << " update "
      << fk_action_text(fk.on_update) << "\n";
  for (const auto& u : t.uniques()) o << "  unique '" << u.name << "' (" << comma_list(u.columns) << ")\n";
  for (const auto& c : t.checks()) o << "  check '" << c.name << "' " << c.sql << "\n";
  for (const auto& i : t.indexes())
    o << "  index '" << i.name << "' (" << comma_list(i.columns) << ")" << (i.unique ? " unique" : "") << "\n";
  return o.str();
}

}  // namespace retort::testing
