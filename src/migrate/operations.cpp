// The operation classes: each kind of schema change in one place, with its
// effect on the in-memory schema, its statements per dialect and its text.
// SQLite cannot alter most of a table in place: those operations say so
// (needs_rebuild) and plan_statements rebuilds the table instead.
#include "retort/migrate/operations.hpp"

#include <algorithm>
#include <deque>
#include <mutex>

#include "retort/sql/compiler.hpp"
#include "retort/util/error.hpp"
#include "text_form.hpp"

namespace retort::migrate {

// ---------------------------------------------------------------- schema

schema::schema(const sql::metadata& m) {
  for (const auto& t : m.tables()) tables_.push_back(*t);
}

const sql::table* schema::find(std::string_view name) const {
  for (const auto& t : tables_)
    if (t.name() == name) return &t;
  return nullptr;
}

const sql::table& schema::at(std::string_view name, std::string_view what) const {
  if (auto* t = find(name)) return *t;
  throw MigrationError(std::string(what) + ": there is no table '" + std::string(name) + "'");
}

void schema::add(sql::table t) {
  if (find(t.name())) throw MigrationError("create table " + t.name() + ": the table exists already");
  tables_.push_back(std::move(t));
}

void schema::replace(sql::table t) {
  for (auto& o : tables_)
    if (o.name() == t.name()) {
      o = std::move(t);
      return;
    }
  throw MigrationError("there is no table '" + t.name() + "'");
}

void schema::remove(std::string_view name) {
  std::erase_if(tables_, [&](const sql::table& t) { return t.name() == name; });
}

sql::metadata schema::metadata() const {
  sql::metadata m;
  for (const auto& t : tables_) m.add(t);
  return m;
}

bool schema::uses_enum(std::string_view name) const {
  for (const auto& t : tables_)
    for (const auto& c : t.columns())
      if (enum_of(c) == name) return true;
  return false;
}

std::string enum_of(const sql::column& c) {
  if (c.sql_type.kind != sql::type_kind::enumeration) return {};
  if (c.sql_type.enumeration) return c.sql_type.enumeration->sql_name();
  std::string name = c.type_text;
  if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
  return name;
}

const sql::enum_info* runtime_enum(const std::string& name, const std::vector<std::string>& labels) {
  struct entry {
    std::string name;
    std::vector<std::string> labels;
    sql::enum_info info;
  };
  static std::mutex mutex;
  static std::deque<entry> store;  // a deque: entries never move, their info pointers stay valid
  std::lock_guard lock(mutex);
  for (const auto& e : store)
    if (e.name == name && e.labels == labels) return &e.info;
  auto& e = store.emplace_back(entry{name, labels, {}});
  e.info = sql::enum_info{nullptr, e.name.c_str(), e.labels.size(), nullptr, e.labels.data()};
  return &e.info;
}

// ---------------------------------------------------------------- table surgery

namespace {

bool contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

void rename_in(std::vector<std::string>& v, const std::string& from, const std::string& to) {
  for (auto& s : v)
    if (s == from) s = to;
}

std::string joined(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) out += sep;
    out += v[i];
  }
  return out;
}

std::string column_list(const std::vector<std::string>& cols, const sql::dialect& d) {
  std::string out;
  for (std::size_t i = 0; i < cols.size(); ++i) {
    if (i) out += ", ";
    d.append_identifier(out, cols[i]);
  }
  return out;
}

std::string alter(const sql::dialect& d, const std::string& table) { return "ALTER TABLE " + d.quote(table) + " "; }

/// A column's definition as ADD COLUMN spells it.
std::string column_definition(const sql::column& c, const sql::dialect& d) {
  std::string def = d.quote(c.name) + " " + sql::column_type(c, d);
  if (!c.nullable || c.primary_key) def += " NOT NULL";
  if (c.server_default) def += " DEFAULT " + *c.server_default;
  if (c.unique) def += " UNIQUE";
  return def;
}

/// PostgreSQL's own name for an unnamed constraint (`post_user_id_fkey`), for dropping one
/// whose name the schema does not know.
std::string default_constraint_name(const std::string& table, const std::vector<std::string>& cols,
                                    std::string_view suffix) {
  return table + "_" + joined(cols, "_") + "_" + std::string(suffix);
}

/// CREATE TYPE for the native enums `t`'s columns use that `before` lacks.
void create_enums(const sql::table& t, const sql::dialect& d, const schema& before, std::vector<std::string>& out) {
  if (!d.native_enum()) return;
  std::vector<std::string> made;
  for (const auto& c : t.columns()) {
    const sql::enum_info* e = c.sql_type.kind == sql::type_kind::enumeration ? c.sql_type.enumeration : nullptr;
    if (!e || before.enums.count(e->sql_name()) || contains(made, e->sql_name())) continue;
    made.push_back(e->sql_name());
    out.push_back(d.create_enum(*e, false));
  }
}

/// DROP TYPE for the enums the columns `gone` used that nothing in `after` uses.
void drop_unused_enums(const std::vector<sql::column>& gone, const sql::dialect& d, const schema& after,
                       std::vector<std::string>& out) {
  if (!d.native_enum()) return;
  std::vector<std::string> dropped;
  for (const auto& c : gone) {
    auto name = enum_of(c);
    if (name.empty() || after.uses_enum(name) || contains(dropped, name)) continue;
    dropped.push_back(name);
    out.push_back("DROP TYPE " + d.quote(name));
  }
}

void add_enums_of(const sql::column& c, schema& s) {
  const sql::enum_info* e = c.sql_type.kind == sql::type_kind::enumeration ? c.sql_type.enumeration : nullptr;
  if (!e || s.enums.count(e->sql_name())) return;
  auto& labels = s.enums[e->sql_name()];
  for (std::size_t i = 0; i < e->count; ++i) labels.emplace_back(e->label(i));
}

void drop_enums_unused(const std::vector<sql::column>& gone, schema& s) {
  for (const auto& c : gone) {
    auto name = enum_of(c);
    if (!name.empty() && !s.uses_enum(name)) s.enums.erase(name);
  }
}

std::vector<std::string> index_statements(const sql::table& t, const sql::dialect& d) {
  std::vector<std::string> out;
  for (const auto& c : t.columns())
    if (c.indexed) out.push_back(sql::create_index(t, sql::index{"ix_" + t.name() + "_" + c.name, {c.name}, false}, d));
  for (const auto& i : t.indexes()) out.push_back(sql::create_index(t, i, d));
  return out;
}

bool is_sqlite(const sql::dialect& d) { return d.name() == "sqlite"; }

// ---------------------------------------------------------------- the operations

class create_table_op final : public operation {
 public:
  explicit create_table_op(sql::table t) : table_(std::move(t)), name_(table_.name()) {}
  const std::string& table() const override { return name_; }
  void apply(schema& s) const override {
    for (const auto& c : table_.columns()) add_enums_of(c, s);
    s.add(table_);
  }
  std::vector<std::string> statements(const sql::dialect& d, const schema& before) const override {
    std::vector<std::string> out;
    create_enums(table_, d, before, out);
    out.push_back(sql::create_table(table_, d));
    for (auto& i : index_statements(table_, d)) out.push_back(std::move(i));
    return out;
  }
  void write(std::string& out, std::string_view indent) const override {
    out += std::string(indent) + "create_table " + text::word(name_) + "\n";
    std::string inner = std::string(indent) + "    ";
    for (const auto& c : table_.columns()) out += inner + "column " + write_column(c) + "\n";
    for (const auto& fk : table_.foreign_keys()) out += inner + "foreign_key " + text::foreign_key(fk) + "\n";
    for (const auto& u : table_.uniques())
      out += inner + "unique " + text::name_or_dash(u.name) + " " + text::words(u.columns) + "\n";
    for (const auto& c : table_.checks())
      out += inner + "check " + text::name_or_dash(c.name) + " " + text::quoted(c.sql) + "\n";
    for (const auto& i : table_.indexes())
      out += inner + "index " + text::word(i.name) + (i.unique ? " unique " : " ") + text::words(i.columns) + "\n";
  }
  std::string describe() const override { return "create table " + name_; }

 private:
  sql::table table_;
  std::string name_;
};

class drop_table_op final : public operation {
 public:
  explicit drop_table_op(std::string t) : name_(std::move(t)) {}
  const std::string& table() const override { return name_; }
  void apply(schema& s) const override {
    auto gone = s.at(name_, describe()).columns();
    s.remove(name_);
    drop_enums_unused(gone, s);
  }
  std::vector<std::string> statements(const sql::dialect& d, const schema& before) const override {
    const auto& t = before.at(name_, describe());
    std::vector<std::string> out{"DROP TABLE " + d.quote(name_)};
    schema after = before;
    after.remove(name_);
    drop_unused_enums(t.columns(), d, after, out);
    return out;
  }
  void write(std::string& out, std::string_view indent) const override {
    out += std::string(indent) + "drop_table " + text::word(name_) + "\n";
  }
  std::string describe() const override { return "drop table " + name_; }
  bool destructive() const override { return true; }

 private:
  std::string name_;
};

class rename_table_op final : public operation {
 public:
  rename_table_op(std::string t, std::string n) : name_(std::move(t)), new_name_(std::move(n)) {}
  const std::string& table() const override { return name_; }
  void apply(schema& s) const override {
    table_parts p(s.at(name_, describe()));
    if (s.find(new_name_)) throw MigrationError(describe() + ": a table '" + new_name_ + "' exists already");
    s.remove(name_);
    p.name = new_name_;
    // Indexes keep their names, as the database keeps them; references to the table follow it.
    s.add(p.build());
    for (const auto& t : std::vector<sql::table>(s.tables())) {
      table_parts q(t);
      bool changed = false;
      for (auto& fk : q.foreign_keys)
        if (fk.ref_table == name_) fk.ref_table = new_name_, changed = true;
      if (changed) s.replace(q.build());
    }
  }
  std::vector<std::string> statements(const sql::dialect& d, const schema&) const override {
    return {alter(d, name_) + "RENAME TO " + d.quote(new_name_)};
  }
  void write(std::string& out, std::string_view indent) const override {
    out += std::string(indent) + "rename_table " + text::word(name_) + " " + text::word(new_name_) + "\n";
  }
  std::string describe() const override { return "rename table " + name_ + " to " + new_name_; }

 private:
  std::string name_, new_name_;
};

class add_column_op final : public operation {
 public:
  add_column_op(std::string t, sql::column c) : table_(std::move(t)), column_(std::move(c)) {}
  const std::string& table() const override { return table_; }
  void apply(schema& s) const override {
    table_parts p(s.at(table_, describe()));
    for (const auto& c : p.columns)
      if (c.name == column_.name) throw MigrationError(describe() + ": the column exists already");
    p.columns.push_back(column_);
    add_enums_of(column_, s);
    s.replace(p.build());
  }
  bool needs_rebuild(const sql::dialect& d) const override {
    // SQLite's ADD COLUMN takes no key, no UNIQUE, and no NOT NULL without a default.
    return is_sqlite(d) && (column_.primary_key || column_.unique || (!column_.nullable && !column_.server_default));
  }
  std::vector<std::string> statements(const sql::dialect& d, const schema& before) const override {
    std::vector<std::string> out;
    sql::table holder("_");
    holder.add(column_);
    create_enums(holder, d, before, out);
    out.push_back(alter(d, table_) + "ADD COLUMN " + column_definition(column_, d));
    if (column_.indexed) {
      sql::table t(table_);
      t.add(column_);
      out.push_back(sql::create_index(t, sql::index{"ix_" + table_ + "_" + column_.name, {column_.name}, false}, d));
    }
    return out;
  }
  void write(std::string& out, std::string_view indent) const override {
    out += std::string(indent) + "add_column " + text::word(table_) + " " + write_column(column_) + "\n";
  }
  std::string describe() const override { return "add column " + table_ + "." + column_.name; }

 private:
  std::string table_;
  sql::column column_;
};

class drop_column_op final : public operation {
 public:
  drop_column_op(std::string t, std::string c) : table_(std::move(t)), column_(std::move(c)) {}
  const std::string& table() const override { return table_; }
  void apply(schema& s) const override {
    table_parts p(s.at(table_, describe()));
    auto it = std::find_if(p.columns.begin(), p.columns.end(), [&](const sql::column& c) { return c.name == column_; });
    if (it == p.columns.end()) throw MigrationError(describe() + ": the table has no such column");
    std::vector<sql::column> gone{*it};
    p.columns.erase(it);
    // What the column was part of goes with it, as the database drops it.
    std::erase_if(p.indexes, [&](const sql::index& i) { return contains(i.columns, column_); });
    std::erase_if(p.uniques, [&](const sql::unique_constraint& u) { return contains(u.columns, column_); });
    std::erase_if(p.foreign_keys, [&](const sql::foreign_key& fk) { return contains(fk.columns, column_); });
    s.replace(p.build());
    drop_enums_unused(gone, s);
  }
  bool needs_rebuild(const sql::dialect& d) const override { return is_sqlite(d); }
  std::vector<std::string> statements(const sql::dialect& d, const schema& before) const override {
    std::vector<std::string> out{alter(d, table_) + "DROP COLUMN " + d.quote(column_)};
    schema after = before;
    apply(after);
    const auto* c = before.at(table_, describe()).find(column_);
    if (c) drop_unused_enums({*c}, d, after, out);
    return out;
  }
  void write(std::string& out, std::string_view indent) const override {
    out += std::string(indent) + "drop_column " + text::word(table_) + " " + text::word(column_) + "\n";
  }
  std::string describe() const override { return "drop column " + table_ + "." + column_; }
  bool destructive() const override { return true; }

 private:
  std::string table_, column_;
};

class alter_column_op final : public operation {
 public:
  alter_column_op(std::string t, std::string c, column_change ch)
      : table_(std::move(t)), column_(std::move(c)), change_(std::move(ch)) {}
  const std::string& table() const override { return table_; }
  void apply(schema& s) const override {
    table_parts p(s.at(table_, describe()));
    auto it = std::find_if(p.columns.begin(), p.columns.end(), [&](const sql::column& c) { return c.name == column_; });
    if (it == p.columns.end()) throw MigrationError(describe() + ": the table has no such column");
    std::vector<sql::column> old{*it};
    if (change_.new_name) {
      for (const auto& c : p.columns)
        if (c.name == *change_.new_name) throw MigrationError(describe() + ": a column of the new name exists already");
      it->name = *change_.new_name;
      for (auto& i : p.indexes) rename_in(i.columns, column_, *change_.new_name);
      for (auto& u : p.uniques) rename_in(u.columns, column_, *change_.new_name);
      for (auto& fk : p.foreign_keys) rename_in(fk.columns, column_, *change_.new_name);
    }
    if (change_.type) {
      it->sql_type = *change_.type;
      it->type_text = change_.type_text.value_or("");
      add_enums_of(*it, s);
    }
    if (change_.nullable) it->nullable = *change_.nullable;
    if (change_.server_default) it->server_default = *change_.server_default;
    s.replace(p.build());
    if (change_.type) drop_enums_unused(old, s);
    if (change_.new_name) {  // other tables' keys referring to the column follow it
      for (const auto& t : std::vector<sql::table>(s.tables())) {
        table_parts q(t);
        bool changed = false;
        for (auto& fk : q.foreign_keys)
          if (fk.ref_table == table_)
            for (auto& rc : fk.ref_columns)
              if (rc == column_) rc = *change_.new_name, changed = true;
        if (changed) s.replace(q.build());
      }
    }
  }
  bool needs_rebuild(const sql::dialect& d) const override {
    // SQLite renames a column in place; any other change rebuilds the table.
    return is_sqlite(d) && (change_.type || change_.nullable || change_.server_default);
  }
  std::vector<std::string> statements(const sql::dialect& d, const schema& before) const override {
    std::vector<std::string> out;
    std::string name = column_;
    if (change_.new_name) {
      out.push_back(alter(d, table_) + "RENAME COLUMN " + d.quote(column_) + " TO " + d.quote(*change_.new_name));
      name = *change_.new_name;
    }
    if (change_.type) {
      sql::column c;
      c.name = name;
      c.sql_type = *change_.type;
      c.type_text = change_.type_text.value_or("");
      sql::table holder("_");
      holder.add(c);
      create_enums(holder, d, before, out);
      auto spelled = sql::column_type(c, d);
      out.push_back(alter(d, table_) + "ALTER COLUMN " + d.quote(name) + " TYPE " + spelled + " USING " +
                    d.quote(name) + "::" + spelled);
    }
    if (change_.nullable)
      out.push_back(alter(d, table_) + "ALTER COLUMN " + d.quote(name) + (*change_.nullable ? " DROP NOT NULL" : " SET NOT NULL"));
    if (change_.server_default)
      out.push_back(alter(d, table_) + "ALTER COLUMN " + d.quote(name) +
                    (*change_.server_default ? " SET DEFAULT " + **change_.server_default : std::string(" DROP DEFAULT")));
    if (change_.type) {
      schema after = before;
      apply(after);
      if (const auto* old = before.at(table_, describe()).find(column_)) drop_unused_enums({*old}, d, after, out);
    }
    return out;
  }
  void write(std::string& out, std::string_view indent) const override {
    out += std::string(indent) + "alter_column " + text::word(table_) + " " + text::word(column_);
    if (change_.new_name) out += " rename " + text::word(*change_.new_name);
    if (change_.type) out += " type " + write_type(*change_.type, change_.type_text.value_or(""));
    if (change_.nullable) out += *change_.nullable ? " null" : " not_null";
    if (change_.server_default)
      out += *change_.server_default ? " default " + text::quoted(**change_.server_default) : std::string(" no_default");
    out += "\n";
  }
  std::string describe() const override {
    std::string what;
    auto part = [&](const std::string& s) { what += (what.empty() ? " (" : ", ") + s; };
    if (change_.new_name) part("rename to " + *change_.new_name);
    if (change_.type) part("type");
    if (change_.nullable) part(*change_.nullable ? "nullable" : "not null");
    if (change_.server_default) part("default");
    return "alter column " + table_ + "." + column_ + what + (what.empty() ? "" : ")");
  }
  std::optional<std::pair<std::string, std::string>> renamed_column() const override {
    if (!change_.new_name) return std::nullopt;
    return std::pair{column_, *change_.new_name};
  }

 private:
  std::string table_, column_;
  column_change change_;
};

class create_index_op final : public operation {
 public:
  create_index_op(std::string t, sql::index i) : table_(std::move(t)), index_(std::move(i)) {}
  const std::string& table() const override { return table_; }
  void apply(schema& s) const override {
    table_parts p(s.at(table_, describe()));
    for (const auto& i : p.indexes)
      if (i.name == index_.name) throw MigrationError(describe() + ": the table has an index of that name already");
    p.indexes.push_back(index_);
    s.replace(p.build());
  }
  std::vector<std::string> statements(const sql::dialect& d, const schema& before) const override {
    return {sql::create_index(before.at(table_, describe()), index_, d)};
  }
  void write(std::string& out, std::string_view indent) const override {
    out += std::string(indent) + "create_index " + text::word(table_) + " " + text::word(index_.name) +
           (index_.unique ? " unique " : " ") + text::words(index_.columns) + "\n";
  }
  std::string describe() const override { return "create index " + index_.name + " on " + table_; }

 private:
  std::string table_;
  sql::index index_;
};

class drop_index_op final : public operation {
 public:
  drop_index_op(std::string t, std::string n) : table_(std::move(t)), name_(std::move(n)) {}
  const std::string& table() const override { return table_; }
  void apply(schema& s) const override {
    table_parts p(s.at(table_, describe()));
    auto n = p.indexes.size();
    std::erase_if(p.indexes, [&](const sql::index& i) { return i.name == name_; });
    if (n == p.indexes.size()) {
      // An index made from a column's `indexed` flag has the flag's name.
      bool found = false;
      for (auto& c : p.columns)
        if (c.indexed && "ix_" + table_ + "_" + c.name == name_) c.indexed = false, found = true;
      if (!found) throw MigrationError(describe() + ": the table has no such index");
    }
    s.replace(p.build());
  }
  std::vector<std::string> statements(const sql::dialect& d, const schema&) const override {
    return {sql::drop_index(sql::index{name_, {}, false}, d)};
  }
  void write(std::string& out, std::string_view indent) const override {
    out += std::string(indent) + "drop_index " + text::word(table_) + " " + text::word(name_) + "\n";
  }
  std::string describe() const override { return "drop index " + name_ + " on " + table_; }

 private:
  std::string table_, name_;
};

/// Finds a unique constraint or foreign key by name, or (unnamed) by its columns;
/// a column-level UNIQUE counts as a one-column unique constraint.
/// By name first; a name the schema does not know (a constraint the database
/// named itself, as PostgreSQL does unnamed ones) falls back to the columns.
template <class Constraint, class Same>
std::size_t find_constraint(const std::vector<Constraint>& v, const Constraint& c, Same same) {
  if (!c.name.empty())
    for (std::size_t i = 0; i < v.size(); ++i)
      if (v[i].name == c.name) return i;
  for (std::size_t i = 0; i < v.size(); ++i)
    if ((c.name.empty() || v[i].name.empty()) && same(v[i], c)) return i;
  return v.size();
}

class add_unique_op final : public operation {
 public:
  add_unique_op(std::string t, sql::unique_constraint u) : table_(std::move(t)), unique_(std::move(u)) {}
  const std::string& table() const override { return table_; }
  void apply(schema& s) const override {
    table_parts p(s.at(table_, describe()));
    for (const auto& c : unique_.columns)
      if (!std::any_of(p.columns.begin(), p.columns.end(), [&](const sql::column& x) { return x.name == c; }))
        throw MigrationError(describe() + ": the table has no column '" + c + "'");
    p.uniques.push_back(unique_);
    s.replace(p.build());
  }
  bool needs_rebuild(const sql::dialect& d) const override { return is_sqlite(d); }
  std::vector<std::string> statements(const sql::dialect& d, const schema&) const override {
    std::string named = unique_.name.empty() ? "" : "CONSTRAINT " + d.quote(unique_.name) + " ";
    return {alter(d, table_) + "ADD " + named + "UNIQUE (" + column_list(unique_.columns, d) + ")"};
  }
  void write(std::string& out, std::string_view indent) const override {
    out += std::string(indent) + "add_unique " + text::word(table_) + " " + text::name_or_dash(unique_.name) + " " +
           text::words(unique_.columns) + "\n";
  }
  std::string describe() const override { return "add unique constraint on " + table_ + " (" + joined(unique_.columns, ", ") + ")"; }

 private:
  std::string table_;
  sql::unique_constraint unique_;
};

class drop_unique_op final : public operation {
 public:
  drop_unique_op(std::string t, sql::unique_constraint u) : table_(std::move(t)), unique_(std::move(u)) {}
  const std::string& table() const override { return table_; }
  void apply(schema& s) const override {
    table_parts p(s.at(table_, describe()));
    auto i = find_constraint(p.uniques, unique_, [](const auto& a, const auto& b) { return a.columns == b.columns; });
    if (i < p.uniques.size()) {
      p.uniques.erase(p.uniques.begin() + static_cast<std::ptrdiff_t>(i));
    } else {
      bool found = false;  // a column's own UNIQUE
      if (unique_.columns.size() == 1)
        for (auto& c : p.columns)
          if (c.unique && c.name == unique_.columns[0]) c.unique = false, found = true;
      if (!found) throw MigrationError(describe() + ": the table has no such unique constraint");
    }
    s.replace(p.build());
  }
  bool needs_rebuild(const sql::dialect& d) const override { return is_sqlite(d); }
  std::vector<std::string> statements(const sql::dialect& d, const schema& before) const override {
    std::string name = unique_.name;
    if (name.empty()) {
      const auto& t = before.at(table_, describe());
      auto i = find_constraint(t.uniques(), unique_, [](const auto& a, const auto& b) { return a.columns == b.columns; });
      name = i < t.uniques().size() && !t.uniques()[i].name.empty() ? t.uniques()[i].name
                                                                   : default_constraint_name(table_, unique_.columns, "key");
    }
    return {alter(d, table_) + "DROP CONSTRAINT " + d.quote(name)};
  }
  void write(std::string& out, std::string_view indent) const override {
    out += std::string(indent) + "drop_unique " + text::word(table_) + " " + text::name_or_dash(unique_.name) + " " +
           text::words(unique_.columns) + "\n";
  }
  std::string describe() const override {
    return "drop unique constraint " + (unique_.name.empty() ? "" : unique_.name + " ") + "on " + table_ + " (" +
           joined(unique_.columns, ", ") + ")";
  }

 private:
  std::string table_;
  sql::unique_constraint unique_;
};

bool same_key(const sql::foreign_key& a, const sql::foreign_key& b) {
  return a.columns == b.columns && a.ref_table == b.ref_table;
}

class add_foreign_key_op final : public operation {
 public:
  add_foreign_key_op(std::string t, sql::foreign_key fk) : table_(std::move(t)), key_(std::move(fk)) {}
  const std::string& table() const override { return table_; }
  void apply(schema& s) const override {
    table_parts p(s.at(table_, describe()));
    p.foreign_keys.push_back(key_);
    try {
      s.replace(p.build());
    } catch (const ArgumentError& e) {
      throw MigrationError(describe() + ": " + e.what());
    }
  }
  bool needs_rebuild(const sql::dialect& d) const override { return is_sqlite(d); }
  std::vector<std::string> statements(const sql::dialect& d, const schema&) const override {
    std::string named = key_.name.empty() ? "" : "CONSTRAINT " + d.quote(key_.name) + " ";
    return {alter(d, table_) + "ADD " + named + sql::foreign_key_clause(key_, d)};
  }
  void write(std::string& out, std::string_view indent) const override {
    out += std::string(indent) + "add_foreign_key " + text::word(table_) + " " + text::foreign_key(key_) + "\n";
  }
  std::string describe() const override {
    return "add foreign key " + table_ + " (" + joined(key_.columns, ", ") + ") -> " + key_.ref_table;
  }

 private:
  std::string table_;
  sql::foreign_key key_;
};

class drop_foreign_key_op final : public operation {
 public:
  drop_foreign_key_op(std::string t, sql::foreign_key fk) : table_(std::move(t)), key_(std::move(fk)) {}
  const std::string& table() const override { return table_; }
  void apply(schema& s) const override {
    table_parts p(s.at(table_, describe()));
    auto i = find_constraint(p.foreign_keys, key_, same_key);
    if (i == p.foreign_keys.size()) throw MigrationError(describe() + ": the table has no such foreign key");
    p.foreign_keys.erase(p.foreign_keys.begin() + static_cast<std::ptrdiff_t>(i));
    s.replace(p.build());
  }
  bool needs_rebuild(const sql::dialect& d) const override { return is_sqlite(d); }
  std::vector<std::string> statements(const sql::dialect& d, const schema& before) const override {
    std::string name = key_.name;
    if (name.empty()) {
      const auto& t = before.at(table_, describe());
      auto i = find_constraint(t.foreign_keys(), key_, same_key);
      name = i < t.foreign_keys().size() && !t.foreign_keys()[i].name.empty()
                 ? t.foreign_keys()[i].name
                 : default_constraint_name(table_, key_.columns, "fkey");
    }
    return {alter(d, table_) + "DROP CONSTRAINT " + d.quote(name)};
  }
  void write(std::string& out, std::string_view indent) const override {
    out += std::string(indent) + "drop_foreign_key " + text::word(table_) + " " + text::foreign_key(key_) + "\n";
  }
  std::string describe() const override {
    return "drop foreign key " + table_ + " (" + joined(key_.columns, ", ") + ") -> " + key_.ref_table;
  }

 private:
  std::string table_;
  sql::foreign_key key_;
};

class add_check_op final : public operation {
 public:
  add_check_op(std::string t, sql::check_constraint c) : table_(std::move(t)), check_(std::move(c)) {}
  const std::string& table() const override { return table_; }
  void apply(schema& s) const override {
    table_parts p(s.at(table_, describe()));
    p.checks.push_back(check_);
    s.replace(p.build());
  }
  bool needs_rebuild(const sql::dialect& d) const override { return is_sqlite(d); }
  std::vector<std::string> statements(const sql::dialect& d, const schema&) const override {
    return {alter(d, table_) + "ADD CONSTRAINT " + d.quote(check_.name) + " CHECK (" + check_.sql + ")"};
  }
  void write(std::string& out, std::string_view indent) const override {
    out += std::string(indent) + "add_check " + text::word(table_) + " " + text::word(check_.name) + " " +
           text::quoted(check_.sql) + "\n";
  }
  std::string describe() const override { return "add check " + check_.name + " on " + table_; }

 private:
  std::string table_;
  sql::check_constraint check_;
};

class drop_check_op final : public operation {
 public:
  drop_check_op(std::string t, std::string n) : table_(std::move(t)), name_(std::move(n)) {}
  const std::string& table() const override { return table_; }
  void apply(schema& s) const override {
    table_parts p(s.at(table_, describe()));
    auto n = p.checks.size();
    std::erase_if(p.checks, [&](const sql::check_constraint& c) { return c.name == name_; });
    if (n == p.checks.size()) throw MigrationError(describe() + ": the table has no such check constraint");
    s.replace(p.build());
  }
  bool needs_rebuild(const sql::dialect& d) const override { return is_sqlite(d); }
  std::vector<std::string> statements(const sql::dialect& d, const schema&) const override {
    return {alter(d, table_) + "DROP CONSTRAINT " + d.quote(name_)};
  }
  void write(std::string& out, std::string_view indent) const override {
    out += std::string(indent) + "drop_check " + text::word(table_) + " " + text::word(name_) + "\n";
  }
  std::string describe() const override { return "drop check " + name_ + " on " + table_; }

 private:
  std::string table_, name_;
};

class execute_op final : public operation {
 public:
  explicit execute_op(std::string sql) : sql_(std::move(sql)) {}
  const std::string& table() const override { return none_; }
  void apply(schema&) const override {}
  std::vector<std::string> statements(const sql::dialect&, const schema&) const override { return {sql_}; }
  void write(std::string& out, std::string_view indent) const override {
    out += std::string(indent) + "execute " + text::quoted(sql_) + "\n";
  }
  std::string describe() const override {
    auto first = sql_.substr(0, sql_.find('\n'));
    return "execute " + (first.size() > 60 ? first.substr(0, 57) + "..." : first);
  }

 private:
  std::string sql_;
  std::string none_{};
};

}  // namespace

// ---------------------------------------------------------------- factories

namespace op {
operation_ptr create_table(sql::table t) { return std::make_shared<create_table_op>(std::move(t)); }
operation_ptr drop_table(std::string t) { return std::make_shared<drop_table_op>(std::move(t)); }
operation_ptr rename_table(std::string t, std::string n) { return std::make_shared<rename_table_op>(std::move(t), std::move(n)); }
operation_ptr add_column(std::string t, sql::column c) { return std::make_shared<add_column_op>(std::move(t), std::move(c)); }
operation_ptr drop_column(std::string t, std::string c) { return std::make_shared<drop_column_op>(std::move(t), std::move(c)); }
operation_ptr alter_column(std::string t, std::string c, column_change ch) {
  return std::make_shared<alter_column_op>(std::move(t), std::move(c), std::move(ch));
}
operation_ptr create_index(std::string t, sql::index i) { return std::make_shared<create_index_op>(std::move(t), std::move(i)); }
operation_ptr drop_index(std::string t, std::string n) { return std::make_shared<drop_index_op>(std::move(t), std::move(n)); }
operation_ptr add_unique(std::string t, sql::unique_constraint u) { return std::make_shared<add_unique_op>(std::move(t), std::move(u)); }
operation_ptr drop_unique(std::string t, sql::unique_constraint u) { return std::make_shared<drop_unique_op>(std::move(t), std::move(u)); }
operation_ptr add_foreign_key(std::string t, sql::foreign_key fk) {
  return std::make_shared<add_foreign_key_op>(std::move(t), std::move(fk));
}
operation_ptr drop_foreign_key(std::string t, sql::foreign_key fk) {
  return std::make_shared<drop_foreign_key_op>(std::move(t), std::move(fk));
}
operation_ptr add_check(std::string t, sql::check_constraint c) { return std::make_shared<add_check_op>(std::move(t), std::move(c)); }
operation_ptr drop_check(std::string t, std::string n) { return std::make_shared<drop_check_op>(std::move(t), std::move(n)); }
operation_ptr execute(std::string sql) { return std::make_shared<execute_op>(std::move(sql)); }
}  // namespace op

// ---------------------------------------------------------------- planning

std::vector<std::string> rebuild_table(const sql::table& before, const sql::table& after,
                                       const std::map<std::string, std::string>& renamed, const sql::dialect& d) {
  const std::string temp = "_retort_tmp_" + after.name();
  table_parts p(after);
  p.name = temp;
  // The indexes are made after the rename, under their own names, on the real table.
  for (auto& c : p.columns) c.indexed = false;
  p.indexes.clear();
  std::vector<std::string> out{sql::create_table(p.build(), d)};
  std::vector<std::string> into, from;
  for (const auto& c : after.columns()) {
    std::string source = c.name;
    for (const auto& [old_name, new_name] : renamed)
      if (new_name == c.name) source = old_name;
    if (!before.find(source)) continue;  // a new column: its default, or NULL
    into.push_back(c.name);
    from.push_back(source);
  }
  if (!into.empty())
    out.push_back("INSERT INTO " + d.quote(temp) + " (" + column_list(into, d) + ") SELECT " + column_list(from, d) +
                  " FROM " + d.quote(before.name()));
  out.push_back("DROP TABLE " + d.quote(before.name()));
  out.push_back(alter(d, temp) + "RENAME TO " + d.quote(after.name()));
  for (auto& s : index_statements(after, d)) out.push_back(std::move(s));
  return out;
}

std::vector<std::string> plan_statements(const std::vector<operation_ptr>& ops, const sql::dialect& d, schema& s,
                                         std::vector<std::string>* rebuilt) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < ops.size();) {
    if (!ops[i]->needs_rebuild(d)) {
      for (auto& st : ops[i]->statements(d, s)) out.push_back(std::move(st));
      ops[i]->apply(s);
      ++i;
      continue;
    }
    const std::string& name = ops[i]->table();
    sql::table before = s.at(name, ops[i]->describe());
    std::map<std::string, std::string> renamed;  // original name -> current name
    std::size_t j = i;
    for (; j < ops.size() && ops[j]->table() == name && (ops[j]->needs_rebuild(d) || ops[j]->renamed_column()); ++j) {
      if (auto r = ops[j]->renamed_column()) {
        bool chained = false;
        for (auto& [orig, now] : renamed)
          if (now == r->first) now = r->second, chained = true;
        if (!chained) renamed[r->first] = r->second;
      }
      ops[j]->apply(s);
    }
    for (auto& st : rebuild_table(before, s.at(name, "rebuild"), renamed, d)) out.push_back(std::move(st));
    if (rebuilt && std::find(rebuilt->begin(), rebuilt->end(), name) == rebuilt->end()) rebuilt->push_back(name);
    i = j;
  }
  return out;
}

}  // namespace retort::migrate
