// Autogenerate: the difference between two schemas as operations. The
// downgrade is the same comparison run the other way, so both directions
// carry whole definitions (a dropped column comes back as it was).
#include "retort/migrate/autogenerate.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "retort/engine/connection.hpp"
#include "retort/engine/inspector.hpp"
#include "retort/util/error.hpp"

namespace retort::migrate {

// ---------------------------------------------------------------- normalising

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

}  // namespace

std::string normalize_type(std::string_view spelled) {
  std::string s;
  for (char c : lower(spelled)) {
    if (c == '"') continue;
    if (c == ' ' || c == '\t' || c == '\n') {
      if (!s.empty() && s.back() != ' ') s += ' ';
      continue;
    }
    if ((c == '(' || c == ')' || c == ',') && !s.empty() && s.back() == ' ') s.pop_back();
    s += c;
  }
  while (!s.empty() && s.back() == ' ') s.pop_back();
  std::string t;
  for (std::size_t i = 0; i < s.size(); ++i)
    if (!(s[i] == ' ' && i > 0 && (s[i - 1] == ',' || s[i - 1] == '('))) t += s[i];
  static const std::pair<std::string_view, std::string_view> aliases[] = {
      {"character varying", "varchar"}, {"character", "char"}, {"int4", "integer"}, {"int8", "bigint"},
      {"int", "integer"}, {"float8", "double precision"}, {"double", "double precision"}, {"float4", "real"},
      {"float", "real"}, {"bool", "boolean"}, {"decimal", "numeric"}, {"timestamptz", "timestamp with time zone"},
      {"datetime", "timestamp without time zone"}, {"blob", "bytea"}};
  for (const auto& [from, to] : aliases) {
    if (starts_with(t, from) && (t.size() == from.size() || t[from.size()] == '(' || t[from.size()] == ' ')) {
      if (from == "double" && starts_with(t, "double precision")) break;
      if (from == "int" && starts_with(t, "integer")) break;
      if (from == "character" && starts_with(t, "character varying")) continue;
      t = std::string(to) + t.substr(from.size());
      break;
    }
  }
  if (t == "timestamp") t = "timestamp without time zone";
  return t;
}

std::string normalize_default(std::string_view sql) {
  // Casts and white space off (outside quotes), keywords lower-cased, outer parentheses off.
  std::string s;
  bool quoted = false;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    char c = sql[i];
    if (c == '\'') quoted = !quoted;
    if (!quoted && c == ':' && i + 1 < sql.size() && sql[i + 1] == ':') {
      i += 2;
      while (i < sql.size() && (std::isalnum(static_cast<unsigned char>(sql[i])) || sql[i] == ' ' || sql[i] == '_' ||
                                sql[i] == '"' || sql[i] == '(' || sql[i] == ')' || sql[i] == ',')) {
        if (sql[i] == ')' && std::count(s.begin(), s.end(), '(') > std::count(s.begin(), s.end(), ')')) break;
        ++i;
      }
      --i;
      continue;
    }
    if (!quoted && (c == ' ' || c == '\t' || c == '\n')) continue;  // "'a' || 'b'" is "('a'::text || 'b'::text)"
    s += quoted || c == '\'' ? c : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  auto trim = [](std::string& x) {
    while (!x.empty() && x.front() == ' ') x.erase(x.begin());
    while (!x.empty() && x.back() == ' ') x.pop_back();
  };
  trim(s);
  while (s.size() >= 2 && s.front() == '(' && s.back() == ')') {
    int depth = 0;
    bool outer = true;
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '(') ++depth;
      if (s[i] == ')') --depth;
      if (depth == 0 && i + 1 < s.size()) outer = false;
    }
    if (!outer) break;
    s = s.substr(1, s.size() - 2);
    trim(s);
  }
  // PostgreSQL keeps a negative number as a quoted literal ('-1'::integer): a quoted number is the number.
  if (s.size() > 2 && s.front() == '\'' && s.back() == '\'' && s.find_first_not_of("0123456789.-+", 1) == s.size() - 1)
    s = s.substr(1, s.size() - 2);
  return s;
}

// ---------------------------------------------------------------- reflection

schema reflect_schema(engine::connection& c) {
  engine::inspector in(c);
  schema s(in.reflect());
  for (auto& e : in.enums()) s.enums[e.name] = e.labels;
  return s;
}

// ---------------------------------------------------------------- comparing

namespace {

/// A table with its column-level UNIQUE and index flags made constraints and
/// indexes, so that a mapped table and a reflected one compare piece by piece.
sql::table canonical(const sql::table& t) {
  sql::table out(t.name());
  std::vector<sql::unique_constraint> uniques;
  std::vector<sql::index> indexes;
  for (auto c : t.columns()) {
    if (c.unique) uniques.push_back(sql::unique_constraint{{c.name}, {}});
    if (c.indexed) indexes.push_back(sql::index{"ix_" + t.name() + "_" + c.name, {c.name}, false});
    c.unique = false;
    c.indexed = false;
    out.add(std::move(c));
  }
  for (const auto& fk : t.foreign_keys()) out.add(fk);
  for (const auto& u : t.uniques()) uniques.push_back(u);
  for (auto& u : uniques) {
    bool dup = false;
    for (const auto& o : out.uniques()) dup = dup || o.columns == u.columns;
    if (!dup) out.add(u);
  }
  for (const auto& c : t.checks()) out.add(c);
  for (const auto& i : t.indexes()) indexes.push_back(i);
  for (auto& i : indexes) out.add(i);
  return out;
}

/// A reflected column made portable where the dialect's spelling of its
/// type is the catalog's (so a revision file says `String(50)`, not
/// `Type("character varying(50)")`), and a reflected enum given its labels.
sql::column portable(sql::column c, const sql::dialect& d, const schema& s) {
  if (c.type_text.empty()) return c;
  if (c.sql_type.kind == sql::type_kind::enumeration && !c.sql_type.enumeration) {
    auto name = enum_of(c);
    auto it = s.enums.find(name);
    if (it != s.enums.end()) {
      c.sql_type.enumeration = runtime_enum(name, it->second);
      for (const auto& l : it->second) c.sql_type.length = std::max(c.sql_type.length, static_cast<int>(l.size()));
    }
  }
  if (normalize_type(d.type_name(c.sql_type)) == normalize_type(c.type_text)) c.type_text.clear();
  return c;
}

std::string spelled(const sql::column& c, const sql::dialect& d) {
  return normalize_type(c.type_text.empty() ? d.type_name(c.sql_type) : c.type_text);
}

bool not_null(const sql::column& c) { return !c.nullable || c.primary_key; }

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : "_") + s;
  return out;
}

bool same_key(const sql::foreign_key& a, const sql::foreign_key& b) {
  return a.columns == b.columns && a.ref_table == b.ref_table && a.ref_columns == b.ref_columns &&
         a.on_delete == b.on_delete && a.on_update == b.on_update;
}

/// One direction of the comparison: the operations that change `from` into `to`.
struct differ {
  const sql::dialect& d;
  const compare_options& options;
  std::vector<std::string>* notes;  ///< null for the downgrade direction: the upgrade's notes say it
  bool reversed;                    ///< the hints read backwards

  struct hint {
    std::string from, to;
  };
  std::vector<hint> table_renames() const {
    std::vector<hint> out;
    for (const auto& h : options.renames)
      if (h.table.empty()) out.push_back(reversed ? hint{h.to, h.from} : hint{h.from, h.to});
    return out;
  }
  /// Column renames of the table named `table` on the `to` side.
  std::vector<hint> column_renames(const std::string& table) const {
    std::vector<hint> out;
    std::string renamed_from = table;
    for (const auto& h : table_renames())
      if (h.to == table) renamed_from = h.from;
    for (const auto& h : options.renames) {
      if (h.table.empty()) continue;
      // A hint names the table as the models do (after a rename of the table, the new name).
      bool ours = h.table == table || h.table == renamed_from;
      if (ours) out.push_back(reversed ? hint{h.to, h.from} : hint{h.from, h.to});
    }
    return out;
  }
  void note(std::string s) const {
    if (notes) notes->push_back(std::move(s));
  }
  bool ignored(const std::string& t) const {
    return std::find(options.ignore_tables.begin(), options.ignore_tables.end(), t) != options.ignore_tables.end();
  }

  std::vector<operation_ptr> run(const schema& from_in, const schema& to) const {
    std::vector<operation_ptr> renames, drop_keys, drop_pieces, creates, columns, drop_columns, add_pieces, add_keys,
        drops;
    schema from = from_in;
    for (const auto& h : table_renames()) {
      if (from.find(h.from) && !from.find(h.to) && to.find(h.to) && !to.find(h.from)) {
        auto o = op::rename_table(h.from, h.to);
        o->apply(from);
        renames.push_back(o);
      } else if (notes && !from.find(h.from) && !from.find(h.to)) {
        note("the rename hint " + h.from + " -> " + h.to + " names no table of the database");
      }
    }
    // Tables to create, in foreign-key order; tables to drop, children first.
    // (Named: sorted_tables() points into the metadata, which must outlive the loops.)
    const auto to_tables = to.metadata(), from_tables = from.metadata();
    for (const auto* t : to_tables.sorted_tables())
      if (!ignored(t->name()) && !from.find(t->name())) creates.push_back(op::create_table(*t));
    auto from_sorted = from_tables.sorted_tables();
    std::reverse(from_sorted.begin(), from_sorted.end());
    for (const auto* t : from_sorted)
      if (!ignored(t->name()) && !to.find(t->name())) {
        drops.push_back(op::drop_table(t->name()));
        note("drop table " + t->name() + ": its rows are lost");
      }

    for (const auto& target : to.tables()) {
      if (ignored(target.name())) continue;
      const sql::table* current = from.find(target.name());
      if (!current) continue;
      sql::table a = canonical(*current), b = canonical(target);
      const std::string& name = b.name();

      // Columns: renames by hint, then added, dropped and changed.
      std::set<std::string> matched_a, matched_b;
      for (const auto& h : column_renames(name)) {
        const auto* ca = a.find(h.from);
        const auto* cb = b.find(h.to);
        if (ca && cb && !b.find(h.from) && !a.find(h.to)) {
          column_change ch;
          ch.new_name = h.to;
          alter(*ca, *cb, ch);
          columns.push_back(op::alter_column(name, h.from, std::move(ch)));
          matched_a.insert(ca->name);
          matched_b.insert(cb->name);
        } else if (notes && !ca && !b.find(h.from)) {
          note("the rename hint " + name + "." + h.from + " -> " + h.to + " names no column of the database");
        }
      }
      std::vector<std::string> added, dropped;
      for (const auto& cb : b.columns()) {
        if (matched_b.count(cb.name)) continue;
        const auto* ca = a.find(cb.name);
        if (!ca) {
          columns.push_back(op::add_column(name, cb));
          added.push_back(cb.name);
          continue;
        }
        column_change ch;
        alter(*ca, cb, ch);
        if (ch.type || ch.nullable || ch.server_default) columns.push_back(op::alter_column(name, cb.name, std::move(ch)));
        if (ca->primary_key != cb.primary_key)
          note("the primary key of " + name + " changed (column " + cb.name + "): autogenerate does not change primary keys; write it by hand");
      }
      for (const auto& ca : a.columns())
        if (!matched_a.count(ca.name) && !b.find(ca.name)) {
          drop_columns.push_back(op::drop_column(name, ca.name));
          dropped.push_back(ca.name);
        }
      if (notes)
        for (const auto& c : dropped) {
          std::string msg = "drop column " + name + "." + c + ": its values are lost";
          if (!added.empty())
            msg += "; if " + name + "." + added.front() + " is " + c + " renamed, say so with --rename " + name + "." + c +
                   "=" + added.front() + " and the values are kept";
          note(msg);
        }

      // Indexes by name; a changed one is dropped and made again.
      for (const auto& ia : a.indexes()) {
        const sql::index* ib = nullptr;
        for (const auto& i : b.indexes()) ib = i.name == ia.name ? &i : ib;
        if (!ib || ib->columns != ia.columns || ib->unique != ia.unique) drop_pieces.push_back(op::drop_index(name, ia.name));
      }
      for (const auto& ib : b.indexes()) {
        const sql::index* ia = nullptr;
        for (const auto& i : a.indexes()) ia = i.name == ib.name ? &i : ia;
        if (!ia || ia->columns != ib.columns || ia->unique != ib.unique) add_pieces.push_back(op::create_index(name, ib));
      }
      // Unique constraints by their columns.
      for (const auto& ua : a.uniques())
        if (std::none_of(b.uniques().begin(), b.uniques().end(), [&](const auto& u) { return u.columns == ua.columns; }))
          drop_pieces.push_back(op::drop_unique(name, ua));
      for (auto ub : b.uniques())
        if (std::none_of(a.uniques().begin(), a.uniques().end(), [&](const auto& u) { return u.columns == ub.columns; })) {
          if (ub.name.empty()) ub.name = "uq_" + name + "_" + joined(ub.columns);  // named, so that a downgrade can drop it
          add_pieces.push_back(op::add_unique(name, std::move(ub)));
        }
      // Foreign keys by columns, target and actions.
      for (const auto& ka : a.foreign_keys())
        if (std::none_of(b.foreign_keys().begin(), b.foreign_keys().end(), [&](const auto& k) { return same_key(k, ka); }))
          drop_keys.push_back(op::drop_foreign_key(name, ka));
      for (auto kb : b.foreign_keys())
        if (std::none_of(a.foreign_keys().begin(), a.foreign_keys().end(), [&](const auto& k) { return same_key(k, kb); })) {
          if (kb.name.empty()) kb.name = "fk_" + name + "_" + joined(kb.columns) + "_" + kb.ref_table;
          add_keys.push_back(op::add_foreign_key(name, std::move(kb)));
        }
      // CHECK constraints by name: the database rewrites their text, so the bodies do not compare.
      for (const auto& ca : a.checks())
        if (!ca.name.empty() &&
            std::none_of(b.checks().begin(), b.checks().end(), [&](const auto& c) { return c.name == ca.name; }))
          drop_pieces.push_back(op::drop_check(name, ca.name));
      for (const auto& cb : b.checks())
        if (!cb.name.empty() &&
            std::none_of(a.checks().begin(), a.checks().end(), [&](const auto& c) { return c.name == cb.name; }))
          add_pieces.push_back(op::add_check(name, cb));
    }
    if (notes)
      for (const auto& [n, labels] : to.enums) {
        auto it = from.enums.find(n);
        if (it != from.enums.end() && it->second != labels)
          note("the labels of enum type " + n + " changed: autogenerate does not alter enum types; write it by hand");
      }

    std::vector<operation_ptr> out;
    for (auto* group : {&renames, &drop_keys, &drop_pieces, &creates, &columns, &drop_columns, &add_pieces, &add_keys, &drops})
      for (auto& o : *group) out.push_back(std::move(o));
    return out;
  }

  /// What `ch` must change so that column `a` becomes `b` (besides a rename).
  void alter(const sql::column& a, const sql::column& b, column_change& ch) const {
    if (spelled(a, d) != spelled(b, d) && !(a.autoincrement && b.autoincrement)) {
      ch.type = b.sql_type;
      if (!b.type_text.empty()) ch.type_text = b.type_text;
    }
    if (not_null(a) != not_null(b)) ch.nullable = !not_null(b);
    if (options.compare_server_default && !a.autoincrement && !b.autoincrement) {
      auto na = a.server_default ? normalize_default(*a.server_default) : std::string();
      auto nb = b.server_default ? normalize_default(*b.server_default) : std::string();
      if (na != nb) ch.server_default = b.server_default;
    }
  }
};

/// Each side as the comparison sees it: reflected columns made portable.
schema prepared(const schema& s, const sql::dialect& d) {
  schema out;
  out.enums = s.enums;
  for (const auto& t : s.tables()) {
    sql::table c(t.name());
    for (const auto& col : t.columns()) c.add(portable(col, d, s));
    for (const auto& fk : t.foreign_keys()) c.add(fk);
    for (const auto& u : t.uniques()) c.add(u);
    for (const auto& ck : t.checks()) c.add(ck);
    for (const auto& i : t.indexes()) c.add(i);
    out.add(std::move(c));
  }
  return out;
}

}  // namespace

comparison compare(const schema& database, const schema& target, const sql::dialect& d, const compare_options& options) {
  comparison out;
  auto db = prepared(database, d);
  auto models = prepared(target, d);
  out.upgrade = differ{d, options, &out.notes, false}.run(db, models);
  out.downgrade = differ{d, options, nullptr, true}.run(models, db);
  return out;
}

comparison compare(const schema& database, const sql::metadata& models, const sql::dialect& d,
                   const compare_options& options) {
  schema target(models);
  // The models' enum types, as a database would list them.
  for (const auto& t : target.tables())
    for (const auto& c : t.columns())
      if (c.sql_type.kind == sql::type_kind::enumeration && c.sql_type.enumeration && d.native_enum()) {
        auto& labels = target.enums[c.sql_type.enumeration->sql_name()];
        if (labels.empty())
          for (std::size_t i = 0; i < c.sql_type.enumeration->count; ++i) labels.emplace_back(c.sql_type.enumeration->label(i));
      }
  return compare(database, target, d, options);
}

}  // namespace retort::migrate
