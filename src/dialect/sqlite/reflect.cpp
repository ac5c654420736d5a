// SQLite's catalog: sqlite_schema for the tables and their CREATE TABLE text,
// the table-valued PRAGMA functions for columns, keys and indexes. SQLite keeps
// no names for foreign keys and UNIQUE constraints and no CHECK constraints at
// all outside the CREATE TABLE text, so that text is scanned for them.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "retort/dialect/sqlite/sqlite.hpp"
#include "retort/engine/connection.hpp"
#include "retort/engine/inspector.hpp"
#include "retort/util/error.hpp"

namespace retort::sqlite {

namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

std::string_view trim(std::string_view s) {
  auto space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

// --- The CREATE TABLE scanner -------------------------------------------------

/// One token of SQL text. Quotes and comments are consumed whole, so a '(' or
/// ',' inside a string, a quoted name or a comment never counts as structure.
struct token {
  enum class kind : std::uint8_t { word, quoted, string, punct };
  kind k;
  std::size_t begin;  ///< offsets into the text
  std::size_t end;
  std::string text;  ///< a word as written, a name or string unquoted, the punctuation character
};

std::vector<token> tokenize(std::string_view sql) {
  std::vector<token> out;
  std::size_t i = 0, n = sql.size();
  auto word_char = [](char c) {
    auto u = static_cast<unsigned char>(c);
    return std::isalnum(u) || c == '_' || c == '$' || u >= 0x80;
  };
  while (i < n) {
    char c = sql[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '-' && i + 1 < n && sql[i + 1] == '-') {
      while (i < n && sql[i] != '\n') ++i;
    } else if (c == '/' && i + 1 < n && sql[i + 1] == '*') {
      auto close = sql.find("*/", i + 2);
      i = close == std::string_view::npos ? n : close + 2;
    } else if (c == '\'' || c == '"' || c == '`' || c == '[') {
      // '...', "...", `...` double their closing quote to escape it; [...] cannot hold ']'.
      char close = c == '[' ? ']' : c;
      std::size_t start = i++;
      std::string text;
      while (i < n) {
        if (sql[i] == close) {
          if (close != ']' && i + 1 < n && sql[i + 1] == close) {
            text += close;
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        text += sql[i++];
      }
      out.push_back({c == '\'' ? token::kind::string : token::kind::quoted, start, i, std::move(text)});
    } else if (word_char(c)) {
      std::size_t start = i;
      while (i < n && word_char(sql[i])) ++i;
      out.push_back({token::kind::word, start, i, std::string(sql.substr(start, i - start))});
    } else {
      out.push_back({token::kind::punct, i, i + 1, std::string(1, c)});
      ++i;
    }
  }
  return out;
}

/// What the CREATE TABLE text says about constraints the PRAGMAs leave unnamed or out.
struct declared_constraints {
  struct key {
    std::string name;
    std::vector<std::string> columns;
    std::string ref_table;
  };
  std::vector<key> foreign_keys;
  std::vector<sql::unique_constraint> uniques;
  std::vector<sql::check_constraint> checks;
};

class create_table_parser {
 public:
  explicit create_table_parser(std::string_view sql) : sql_(sql), t_(tokenize(sql)) {}

  declared_constraints parse() {
    declared_constraints out;
    std::size_t open = 0;
    while (open < t_.size() && !punct(open, '(')) ++open;
    if (open == t_.size()) return out;  // CREATE TABLE ... AS SELECT: no constraints
    std::size_t close = match(open);
    std::size_t b = open + 1;
    for (std::size_t i = b; i <= close && i < t_.size(); ++i) {
      if (i == close || punct(i, ',')) {
        if (i > b) item(b, i, out);
        b = i + 1;
      } else if (punct(i, '(')) {
        i = match(i) - 1;  // the loop's ++i lands on the ')'
      }
    }
    return out;
  }

 private:
  bool punct(std::size_t i, char c) const {
    return i < t_.size() && t_[i].k == token::kind::punct && t_[i].text[0] == c;
  }
  bool keyword(std::size_t i, std::string_view w) const {
    return i < t_.size() && t_[i].k == token::kind::word && iequals(t_[i].text, w);
  }
  std::string name(std::size_t i) const { return i < t_.size() ? t_[i].text : std::string(); }

  /// The ')' closing the '(' at `i`; past the end when unbalanced.
  std::size_t match(std::size_t i) const {
    int depth = 0;
    for (std::size_t j = i; j < t_.size(); ++j) {
      if (punct(j, '(')) ++depth;
      if (punct(j, ')') && --depth == 0) return j;
    }
    return t_.size();
  }

  /// The text between the '(' at `i` and its ')', as written.
  std::string body(std::size_t i) const {
    std::size_t close = match(i);
    std::size_t end = close < t_.size() ? t_[close].begin : sql_.size();
    return std::string(trim(sql_.substr(t_[i].end, end - t_[i].end)));
  }

  /// The column names of "(a, b COLLATE NOCASE DESC)" at `i`: each part's first token.
  std::vector<std::string> column_names(std::size_t i) const {
    std::vector<std::string> out;
    std::size_t close = match(i);
    bool expect = true;
    for (std::size_t j = i + 1; j < close && j < t_.size(); ++j) {
      if (punct(j, '(')) {
        j = match(j);
      } else if (punct(j, ',')) {
        expect = true;
      } else if (expect) {
        out.push_back(t_[j].text);
        expect = false;
      }
    }
    return out;
  }

  void item(std::size_t b, std::size_t e, declared_constraints& out) const {
    bool table_constraint = keyword(b, "constraint") || keyword(b, "primary") || keyword(b, "unique") ||
                            keyword(b, "check") || keyword(b, "foreign");
    if (table_constraint) {
      std::size_t i = b;
      std::string n;
      if (keyword(i, "constraint")) {
        n = name(i + 1);
        i += 2;
      }
      if (keyword(i, "check") && punct(i + 1, '(')) {
        out.checks.push_back({body(i + 1), n});
      } else if (keyword(i, "unique") && punct(i + 1, '(')) {
        out.uniques.push_back({column_names(i + 1), n});
      } else if (keyword(i, "foreign") && keyword(i + 1, "key") && punct(i + 2, '(')) {
        auto cols = column_names(i + 2);
        std::size_t r = match(i + 2) + 1;
        if (keyword(r, "references")) out.foreign_keys.push_back({n, std::move(cols), name(r + 1)});
      }
      return;
    }
    // A column definition: its name, its type, then column constraints, each
    // of which a preceding CONSTRAINT name applies to.
    std::string column = name(b), pending;
    for (std::size_t i = b + 1; i < e;) {
      if (punct(i, '(')) {
        i = match(i) + 1;
      } else if (keyword(i, "constraint")) {
        pending = name(i + 1);
        i += 2;
      } else if (keyword(i, "check") && punct(i + 1, '(')) {
        out.checks.push_back({body(i + 1), std::exchange(pending, {})});
        i = match(i + 1) + 1;
      } else if (keyword(i, "unique")) {
        out.uniques.push_back({{column}, std::exchange(pending, {})});
        ++i;
      } else if (keyword(i, "references")) {
        out.foreign_keys.push_back({std::exchange(pending, {}), {column}, name(i + 1)});
        i += 2;
      } else {
        if (keyword(i, "primary") || keyword(i, "not") || keyword(i, "null") || keyword(i, "default") ||
            keyword(i, "collate") || keyword(i, "generated") || keyword(i, "as"))
          pending.clear();
        ++i;
      }
    }
  }

  std::string_view sql_;
  std::vector<token> t_;
};

bool same_columns(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const auto& x, const auto& y) { return iequals(x, y); });
}

// --- Types and defaults -------------------------------------------------------

/// The retort type closest to a declared column type.
sql::type map_type(std::string_view declared) {
  using sql::type_kind;
  std::string u = upper(trim(declared));
  std::vector<int> args;
  std::string base;
  if (auto open = u.find('('); open != std::string::npos) {
    base = std::string(trim(std::string_view(u).substr(0, open)));
    auto close = u.find(')', open);
    std::string inner = u.substr(open + 1, close == std::string::npos ? std::string::npos : close - open - 1);
    std::size_t p = 0;
    while (p < inner.size()) {
      auto comma = inner.find(',', p);
      auto part = trim(std::string_view(inner).substr(p, comma == std::string::npos ? std::string::npos : comma - p));
      args.push_back(std::atoi(std::string(part).c_str()));
      if (comma == std::string::npos) break;
      p = comma + 1;
    }
  } else {
    base = u;
  }
  // One space between words ("DOUBLE  PRECISION").
  std::string words;
  for (char c : base)
    if (!std::isspace(static_cast<unsigned char>(c))) words += c;
    else if (!words.empty() && words.back() != ' ') words += ' ';
  auto arg = [&](std::size_t i) { return i < args.size() ? args[i] : 0; };
  if (words == "INTEGER" || words == "INT" || words == "SMALLINT" || words == "TINYINT" || words == "MEDIUMINT")
    return {type_kind::integer};
  if (words == "BIGINT") return {type_kind::big_integer};
  if (words == "VARCHAR" || words == "CHAR" || words == "CHARACTER" || words == "CHARACTER VARYING" ||
      words == "NVARCHAR" || words == "NCHAR")
    return {type_kind::string, arg(0)};
  if (words == "TEXT" || words == "CLOB") return {type_kind::text};
  if (words == "BOOLEAN" || words == "BOOL") return {type_kind::boolean};
  if (words == "REAL" || words == "FLOAT") return {type_kind::float_};
  if (words == "DOUBLE" || words == "DOUBLE PRECISION") return {type_kind::double_};
  if (words == "NUMERIC" || words == "DECIMAL") return {type_kind::numeric, 0, arg(0), arg(1)};
  if (words == "DATE") return {type_kind::date};
  if (words == "DATETIME" || words == "TIMESTAMP") return {type_kind::date_time};
  if (words == "BLOB") return {type_kind::large_binary};
  return {type_kind::text};  // type_text keeps the real spelling
}

/// SQLite reports DEFAULT (expr) without its parentheses ("1 + 2"), which a
/// CREATE TABLE does not take back: an expression gets them again, a literal
/// or keyword stays as written.
std::string default_clause(std::string_view dflt) {
  std::string_view s = trim(dflt);
  std::string_view digits = s;
  if (!digits.empty() && (digits.front() == '+' || digits.front() == '-')) digits.remove_prefix(1);
  bool number = !digits.empty() && (std::isdigit(static_cast<unsigned char>(digits.front())) || digits.front() == '.');
  for (std::size_t i = 0; number && i < digits.size(); ++i) {
    char c = digits[i];
    bool exponent_sign = (c == '+' || c == '-') && i > 0 && (digits[i - 1] == 'e' || digits[i - 1] == 'E');
    number = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || exponent_sign;
  }
  if (number) return std::string(s);
  auto t = tokenize(s);
  bool single = t.size() == 1 && t[0].k != token::kind::punct;
  bool blob = t.size() == 2 && t[0].k == token::kind::word && iequals(t[0].text, "x") && t[1].k == token::kind::string;
  if (single || blob) return std::string(s);
  return "(" + std::string(s) + ")";
}

sql::fk_action action(std::string_view a) {
  if (iequals(a, "CASCADE")) return sql::fk_action::cascade;
  if (iequals(a, "SET NULL")) return sql::fk_action::set_null;
  if (iequals(a, "SET DEFAULT")) return sql::fk_action::set_default;
  if (iequals(a, "RESTRICT")) return sql::fk_action::restrict;
  return sql::fk_action::no_action;
}

std::string text_or_empty(const sql::value& v) { return v.is_null() ? std::string() : v.as_string(); }

// --- The reflector ------------------------------------------------------------

class sqlite_reflector final : public engine::reflector {
 public:
  std::vector<std::string> table_names(engine::connection& c) const override {
    auto r = c.execute(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'");
    std::vector<std::string> out;
    for (auto row : r) out.push_back(row[0].as_string());
    std::sort(out.begin(), out.end());
    return out;
  }

  bool has_table(engine::connection& c, std::string_view name) const override {
    return create_sql(c, name).has_value();
  }

  sql::table table(engine::connection& c, std::string_view name) const override {
    auto ddl = create_sql(c, name);
    if (!ddl) throw NoSuchTableError("no table named '" + std::string(name) + "' in the SQLite database");
    std::vector<sql::value> arg{sql::value(std::string(name))};
    auto declared = create_table_parser(*ddl).parse();

    // Indexes first: a primary key backed by an index ('pk') is no rowid alias.
    struct found_index {
      std::string name;
      bool unique = false;
      std::string origin;
      std::vector<std::string> columns;
      bool expression = false;  ///< on an expression or the rowid: not a column list
    };
    std::vector<found_index> indexes;
    auto ix = c.execute(
        "SELECT il.name, il.\"unique\", il.origin, ii.cid, ii.name FROM pragma_index_list(?, 'main') AS il, "
        "pragma_index_info(il.name, 'main') AS ii ORDER BY il.seq, ii.seqno",
        arg);
    for (auto row : ix) {
      auto index_name = row[0].as_string();
      if (indexes.empty() || indexes.back().name != index_name)
        indexes.push_back({index_name, row[1].as_int() != 0, row[2].as_string(), {}, false});
      if (row[3].as_int() < 0 || row[4].is_null()) indexes.back().expression = true;
      else indexes.back().columns.push_back(row[4].as_string());
    }
    bool pk_index = std::any_of(indexes.begin(), indexes.end(), [](const auto& i) { return i.origin == "pk"; });

    sql::table t{std::string(name)};
    auto cols = c.execute(
        "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_xinfo(?, 'main') WHERE hidden <> 1 "
        "ORDER BY cid",
        arg);
    int pk_count = 0;
    for (auto row : cols) pk_count += row[4].as_int() > 0 ? 1 : 0;
    for (auto row : cols) {
      sql::column col;
      col.name = row[0].as_string();
      col.type_text = text_or_empty(row[1]);
      col.sql_type = map_type(col.type_text);
      col.primary_key = row[4].as_int() > 0;
      // Retort declares every key column NOT NULL; SQLite's own INTEGER PRIMARY KEY is never NULL.
      col.nullable = row[2].as_int() == 0 && !col.primary_key;
      col.autoincrement = col.primary_key && pk_count == 1 && !pk_index && iequals(trim(col.type_text), "INTEGER");
      if (!row[3].is_null()) col.server_default = default_clause(row[3].as_string());
      t.add(std::move(col));
    }

    add_foreign_keys(c, t, arg, declared);

    // UNIQUE constraints' indexes are numbered in declaration order (sqlite_autoindex_<table>_<n>).
    std::vector<std::pair<long, const found_index*>> uniques;
    std::string prefix = "sqlite_autoindex_" + std::string(name) + "_";
    for (const auto& i : indexes) {
      if (i.origin != "u" || i.expression) continue;
      long n = i.name.rfind(prefix, 0) == 0 ? std::atol(i.name.c_str() + prefix.size()) : 0;
      uniques.emplace_back(n, &i);
    }
    std::stable_sort(uniques.begin(), uniques.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<bool> used(declared.uniques.size(), false);
    for (const auto& [n, i] : uniques) {
      std::string constraint_name;
      for (std::size_t d = 0; d < declared.uniques.size(); ++d)
        if (!used[d] && same_columns(declared.uniques[d].columns, i->columns)) {
          used[d] = true;
          constraint_name = declared.uniques[d].name;
          break;
        }
      t.add(sql::unique_constraint{i->columns, constraint_name});
    }

    for (auto& ck : declared.checks) t.add(std::move(ck));

    std::vector<const found_index*> created;
    for (const auto& i : indexes)
      if (i.origin == "c" && !i.expression) created.push_back(&i);
    std::sort(created.begin(), created.end(), [](const auto* a, const auto* b) { return a->name < b->name; });
    for (const auto* i : created) t.add(sql::index{i->name, i->columns, i->unique});
    return t;
  }

 private:
  /// The CREATE TABLE text of `name`, or nullopt when there is no such user table.
  static std::optional<std::string> create_sql(engine::connection& c, std::string_view name) {
    std::vector<sql::value> arg{sql::value(std::string(name))};
    auto r = c.execute(
        "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ? AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
        arg);
    if (r.empty()) return std::nullopt;
    return text_or_empty(r[0][0]);
  }

  static void add_foreign_keys(engine::connection& c, sql::table& t, const std::vector<sql::value>& arg,
                               const declared_constraints& declared) {
    struct found_key {
      long id;
      sql::foreign_key fk;
      bool implicit_ref = false;  ///< REFERENCES t without columns: t's primary key
    };
    std::vector<found_key> keys;
    auto r = c.execute(
        "SELECT id, \"table\", \"from\", \"to\", on_update, on_delete FROM pragma_foreign_key_list(?, 'main') "
        "ORDER BY id, seq",
        arg);
    for (auto row : r) {
      long id = static_cast<long>(row[0].as_int());
      if (keys.empty() || keys.back().id != id) {
        found_key k{id, {}, false};
        k.fk.ref_table = row[1].as_string();
        k.fk.on_update = action(row[4].as_string());
        k.fk.on_delete = action(row[5].as_string());
        keys.push_back(std::move(k));
      }
      keys.back().fk.columns.push_back(row[2].as_string());
      if (row[3].is_null()) keys.back().implicit_ref = true;
      else keys.back().fk.ref_columns.push_back(row[3].as_string());
    }
    // The pragma numbers keys from the last declared: reversed, they are in declaration order.
    std::reverse(keys.begin(), keys.end());
    std::vector<bool> used(declared.foreign_keys.size(), false);
    for (auto& k : keys) {
      if (k.implicit_ref) {
        k.fk.ref_columns.clear();
        std::vector<sql::value> ref{sql::value(k.fk.ref_table)};
        auto pk = c.execute("SELECT name FROM pragma_table_info(?, 'main') WHERE pk > 0 ORDER BY pk", ref);
        for (auto row : pk) k.fk.ref_columns.push_back(row[0].as_string());
      }
      for (std::size_t d = 0; d < declared.foreign_keys.size(); ++d) {
        const auto& dk = declared.foreign_keys[d];
        if (!used[d] && same_columns(dk.columns, k.fk.columns) && iequals(dk.ref_table, k.fk.ref_table)) {
          used[d] = true;
          k.fk.name = dk.name;
          break;
        }
      }
      t.add(std::move(k.fk));
    }
  }
};

}  // namespace

void register_reflector_once() { engine::register_reflector("sqlite", std::make_shared<sqlite_reflector>()); }

}  // namespace retort::sqlite
