// DDL compilation: CREATE/DROP TABLE and CREATE INDEX, in foreign-key order, and
// the native enum types the tables use.
// Emits schema text only; server defaults and CHECK bodies are developer-written SQL.
#include <algorithm>

#include "retort/sql/compiler.hpp"

namespace retort::sql {

namespace {

const char* action(fk_action a) {
  switch (a) {
    case fk_action::cascade: return "CASCADE";
    case fk_action::set_null: return "SET NULL";
    case fk_action::set_default: return "SET DEFAULT";
    case fk_action::restrict: return "RESTRICT";
    case fk_action::no_action: return nullptr;
  }
  return nullptr;
}

std::string column_list(const std::vector<std::string>& cols, const dialect& d) {
  std::string out;
  for (std::size_t i = 0; i < cols.size(); ++i) {
    if (i) out += ", ";
    d.append_identifier(out, cols[i]);
  }
  return out;
}

}  // namespace

std::string column_type(const column& c, const dialect& d) {
  if (c.autoincrement) return d.autoincrement_type(c.sql_type);
  return c.type_text.empty() ? d.type_name(c.sql_type) : c.type_text;
}

std::string foreign_key_clause(const foreign_key& fk, const dialect& d) {
  std::string s = "FOREIGN KEY(" + column_list(fk.columns, d) + ") REFERENCES " + d.quote(fk.ref_table) + " (" +
                  column_list(fk.ref_columns, d) + ")";
  if (auto* a = action(fk.on_delete)) s += std::string(" ON DELETE ") + a;
  if (auto* a = action(fk.on_update)) s += std::string(" ON UPDATE ") + a;
  return s;
}

namespace {

std::string deferred_name(const table& t, const foreign_key& fk) {
  if (!fk.name.empty()) return fk.name;
  std::string n = "fk_" + t.name();
  for (const auto& c : fk.columns) n += "_" + c;
  return n;
}

/// Foreign keys referring to a table created after theirs (tables that refer to
/// each other), where the dialect adds them after: (table, key) pairs.
std::vector<std::pair<const table*, const foreign_key*>> deferred_keys(const std::vector<const table*>& sorted,
                                                                       const dialect& d) {
  std::vector<std::pair<const table*, const foreign_key*>> out;
  if (!d.alters_foreign_keys()) return out;
  for (std::size_t i = 0; i < sorted.size(); ++i)
    for (const auto& fk : sorted[i]->foreign_keys())
      for (std::size_t j = i + 1; j < sorted.size(); ++j)
        if (sorted[j]->name() == fk.ref_table) out.emplace_back(sorted[i], &fk);
  return out;
}

std::string create_table_without(const table& t, const dialect& d, bool if_not_exists,
                                 const std::vector<std::pair<const table*, const foreign_key*>>& deferred);

}  // namespace

std::string create_table(const table& t, const dialect& d, bool if_not_exists) {
  return create_table_without(t, d, if_not_exists, {});
}

namespace {

std::string create_table_without(const table& t, const dialect& d, bool if_not_exists,
                                 const std::vector<std::pair<const table*, const foreign_key*>>& deferred) {
  std::string out = if_not_exists ? "CREATE TABLE IF NOT EXISTS " : "CREATE TABLE ";
  d.append_identifier(out, t.name());
  out += " (\n";
  bool first = true;
  auto line = [&](const std::string& s) {
    out += first ? "\t" : ",\n\t";
    out += s;
    first = false;
  };
  for (const auto& c : t.columns()) {
    std::string def = d.quote(c.name) + " ";
    def += column_type(c, d);
    if (!c.nullable || c.primary_key) def += " NOT NULL";
    if (c.server_default) def += " DEFAULT " + *c.server_default;
    line(def);
  }
  auto pk = t.primary_key();
  if (!pk.empty()) line("PRIMARY KEY (" + column_list(pk, d) + ")");
  for (const auto& c : t.columns())
    if (c.unique) line("UNIQUE (" + d.quote(c.name) + ")");
  for (const auto& u : t.uniques()) {
    std::string s = u.name.empty() ? "" : "CONSTRAINT " + d.quote(u.name) + " ";
    line(s + "UNIQUE (" + column_list(u.columns, d) + ")");
  }
  for (const auto& c : t.checks()) {
    std::string s = c.name.empty() ? "" : "CONSTRAINT " + d.quote(c.name) + " ";
    line(s + "CHECK (" + c.sql + ")");
  }
  for (const auto& fk : t.foreign_keys()) {
    bool later = false;
    for (const auto& [dt, dfk] : deferred) later = later || dfk == &fk;
    if (later) continue;
    std::string s = fk.name.empty() ? "" : "CONSTRAINT " + d.quote(fk.name) + " ";
    line(s + foreign_key_clause(fk, d));
  }
  out += "\n)";
  return out;
}

}  // namespace

std::string drop_table(const table& t, const dialect& d, bool if_exists) {
  return (if_exists ? "DROP TABLE IF EXISTS " : "DROP TABLE ") + d.quote(t.name());
}

std::string create_index(const table& t, const index& i, const dialect& d, bool if_not_exists) {
  std::string out = i.unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ";
  if (if_not_exists) out += "IF NOT EXISTS ";
  return out + d.quote(i.name) + " ON " + d.quote(t.name()) + " (" + column_list(i.columns, d) + ")";
}

std::string drop_index(const index& i, const dialect& d, bool if_exists) {
  return (if_exists ? "DROP INDEX IF EXISTS " : "DROP INDEX ") + d.quote(i.name);
}

namespace {

/// The native enum types the tables use, each once (by SQL name), in column order.
std::vector<const enum_info*> enum_types(const std::vector<const table*>& tables, const dialect& d) {
  std::vector<const enum_info*> out;
  if (!d.native_enum()) return out;
  for (const auto* t : tables)
    for (const auto& c : t->columns()) {
      const enum_info* e = c.sql_type.kind == type_kind::enumeration ? c.sql_type.enumeration : nullptr;
      if (!e) continue;
      bool seen = false;
      for (const auto* o : out) seen = seen || o->sql_name() == e->sql_name();
      if (!seen) out.push_back(e);
    }
  return out;
}

}  // namespace

std::vector<std::string> create_all(const metadata& m, const dialect& d, bool if_not_exists) {
  std::vector<std::string> out;
  auto sorted = m.sorted_tables();
  auto deferred = deferred_keys(sorted, d);
  // Enum types first: the tables' columns name them.
  for (const auto* e : enum_types(sorted, d)) out.push_back(d.create_enum(*e, if_not_exists));
  for (const auto* t : sorted) {
    out.push_back(create_table_without(*t, d, if_not_exists, deferred));
    for (const auto& c : t->columns())
      if (c.indexed) out.push_back(create_index(*t, index{"ix_" + t->name() + "_" + c.name, {c.name}, false}, d, if_not_exists));
    for (const auto& i : t->indexes()) out.push_back(create_index(*t, i, d, if_not_exists));
  }
  // Tables that refer to each other: the keys to tables created later, added now.
  for (const auto& [t, fk] : deferred) {
    auto name = deferred_name(*t, *fk);
    auto alter = "ALTER TABLE " + d.quote(t->name()) + " ADD CONSTRAINT " + d.quote(name) + " " +
                 foreign_key_clause(*fk, d);
    out.push_back(if_not_exists ? d.unless_constraint_exists(t->name(), name, std::move(alter)) : alter);
  }
  return out;
}

std::vector<std::string> drop_all(const metadata& m, const dialect& d, bool if_exists) {
  auto sorted = m.sorted_tables();
  std::vector<std::string> out;
  for (const auto& [t, fk] : deferred_keys(sorted, d))  // first the keys that tie tables in a cycle
    out.push_back(std::string("ALTER TABLE ") + (if_exists ? "IF EXISTS " : "") + d.quote(t->name()) +
                  " DROP CONSTRAINT " + (if_exists ? "IF EXISTS " : "") + d.quote(deferred_name(*t, *fk)));
  std::reverse(sorted.begin(), sorted.end());
  for (const auto* t : sorted) out.push_back(drop_table(*t, d, if_exists));
  for (const auto* e : enum_types(sorted, d))  // after the tables that use them, as SQLAlchemy's drop_all
    out.push_back((if_exists ? "DROP TYPE IF EXISTS " : "DROP TYPE ") + d.quote(e->sql_name()));
  return out;
}

}  // namespace retort::sql
