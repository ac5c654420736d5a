// The revision files' operation lines: writing and reading them. The form is
// line-oriented so that a reviewer reads a revision as a list of changes and
// a diff of two revisions is a diff of lines.
#include "text_form.hpp"

#include <charconv>
#include <memory>

#include "retort/migrate/operations.hpp"
#include "retort/util/error.hpp"

namespace retort::migrate {

namespace text {

namespace {
bool plain(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
         c == '$';
}
}  // namespace

std::string word(std::string_view s) {
  bool bare = !s.empty();
  for (char c : s) bare = bare && plain(c);
  return bare ? std::string(s) : quoted(s);
}

std::string words(const std::vector<std::string>& v) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? " " : "") + word(v[i]);
  return out;
}

std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\', out += c;
    else if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else out += c;
  }
  return out + "\"";
}

std::string name_or_dash(const std::string& name) { return name.empty() ? "-" : word(name); }

namespace {
const char* action_word(sql::fk_action a) {
  switch (a) {
    case sql::fk_action::cascade: return "cascade";
    case sql::fk_action::set_null: return "set_null";
    case sql::fk_action::set_default: return "set_default";
    case sql::fk_action::restrict: return "restrict";
    case sql::fk_action::no_action: return nullptr;
  }
  return nullptr;
}

std::string paren_list(const std::vector<std::string>& v) {
  std::string out = "(";
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + word(v[i]);
  return out + ")";
}
}  // namespace

std::string foreign_key(const sql::foreign_key& fk) {
  std::string out = name_or_dash(fk.name) + " " + paren_list(fk.columns) + " references " + word(fk.ref_table) + " " +
                    paren_list(fk.ref_columns);
  if (auto* a = action_word(fk.on_delete)) out += std::string(" on_delete ") + a;
  if (auto* a = action_word(fk.on_update)) out += std::string(" on_update ") + a;
  return out;
}

std::vector<token> tokenize(std::string_view line, const std::string& where) {
  std::vector<token> out;
  std::size_t i = 0;
  while (i < line.size()) {
    char c = line[i];
    if (c == ' ' || c == '\t' || c == '\r') {
      ++i;
    } else if (c == '(' || c == ')' || c == ',') {
      out.push_back({token::punct, std::string(1, c)});
      ++i;
    } else if (c == '"') {
      std::string s;
      ++i;
      bool closed = false;
      while (i < line.size()) {
        char x = line[i++];
        if (x == '"') {
          closed = true;
          break;
        }
        if (x == '\\' && i < line.size()) {
          char e = line[i++];
          s += e == 'n' ? '\n' : e == 't' ? '\t' : e;
        } else {
          s += x;
        }
      }
      if (!closed) throw MigrationError(where + ": a quoted string is not closed");
      out.push_back({token::string, std::move(s)});
    } else {
      std::size_t j = i;
      while (j < line.size() && line[j] != ' ' && line[j] != '\t' && line[j] != '(' && line[j] != ')' &&
             line[j] != ',' && line[j] != '"' && line[j] != '\r')
        ++j;
      out.push_back({token::word, std::string(line.substr(i, j - i))});
      i = j;
    }
  }
  return out;
}

}  // namespace text

// ---------------------------------------------------------------- types and columns

std::string write_type(const sql::type& t, const std::string& type_text) {
  using sql::type_kind;
  if (!type_text.empty()) return "Type(" + text::quoted(type_text) + ")";
  switch (t.kind) {
    case type_kind::integer: return "Integer";
    case type_kind::big_integer: return "BigInteger";
    case type_kind::string: return t.length > 0 ? "String(" + std::to_string(t.length) + ")" : "String";
    case type_kind::text: return "Text";
    case type_kind::boolean: return "Boolean";
    case type_kind::float_: return "Float";
    case type_kind::double_: return "Double";
    case type_kind::numeric: return "Numeric(" + std::to_string(t.precision) + ", " + std::to_string(t.scale) + ")";
    case type_kind::date: return "Date";
    case type_kind::date_time: return t.timezone ? "DateTimeTZ" : "DateTime";
    case type_kind::large_binary: return "LargeBinary";
    case type_kind::json: return "JSON";
    case type_kind::uuid: return "Uuid";
    case type_kind::enumeration: {
      // Labels unknown (a reflected column outside its schema): the SQLite spelling.
      if (!t.enumeration) return t.length > 0 ? "String(" + std::to_string(t.length) + ")" : "String";
      std::string out = "Enum(" + text::word(t.enumeration->sql_name());
      for (std::size_t i = 0; i < t.enumeration->count; ++i) out += ", " + text::quoted(t.enumeration->label(i));
      return out + ")";
    }
  }
  return "Text";
}

std::string write_column(const sql::column& c) {
  std::string out = text::word(c.name) + " " + write_type(c.sql_type, c.type_text);
  if (!c.nullable && !c.primary_key) out += " not_null";
  if (c.primary_key) out += " primary_key";
  if (c.autoincrement) out += " autoincrement";
  if (c.unique) out += " unique";
  if (c.indexed) out += " index";
  if (c.server_default) out += " default " + text::quoted(*c.server_default);
  return out;
}

// ---------------------------------------------------------------- parsing

namespace {

/// Reads the tokens of one line, with errors naming file and line.
class reader {
 public:
  reader(std::vector<text::token> tokens, std::string where) : tokens_(std::move(tokens)), where_(std::move(where)) {}

  bool done() const { return pos_ >= tokens_.size(); }
  [[noreturn]] void fail(const std::string& what) const { throw MigrationError(where_ + ": " + what); }
  const text::token* peek() const { return done() ? nullptr : &tokens_[pos_]; }
  bool peek_word(std::string_view w) const {
    return !done() && tokens_[pos_].kind == text::token::word && tokens_[pos_].text == w;
  }
  bool peek_punct(char c) const {
    return !done() && tokens_[pos_].kind == text::token::punct && tokens_[pos_].text[0] == c;
  }
  /// A name: a bare word or a quoted string.
  std::string name(std::string_view what) {
    if (done()) fail("expected " + std::string(what) + " at the end of the line");
    const auto& t = tokens_[pos_];
    if (t.kind == text::token::punct) fail("expected " + std::string(what) + ", found '" + t.text + "'");
    ++pos_;
    return t.text;
  }
  /// A name, or `-` for none.
  std::string optional_name(std::string_view what) {
    if (peek_word("-")) {
      ++pos_;
      return {};
    }
    return name(what);
  }
  std::string string(std::string_view what) {
    if (done() || tokens_[pos_].kind != text::token::string) fail("expected " + std::string(what) + " as a quoted string");
    return tokens_[pos_++].text;
  }
  void punct(char c) {
    if (!peek_punct(c)) fail(std::string("expected '") + c + "'" + (done() ? " at the end of the line" : ", found '" + tokens_[pos_].text + "'"));
    ++pos_;
  }
  int number(std::string_view what) {
    auto w = name(what);
    int v = 0;
    auto [p, ec] = std::from_chars(w.data(), w.data() + w.size(), v);
    if (ec != std::errc() || p != w.data() + w.size() || v < 0) fail("expected " + std::string(what) + " as a number, found '" + w + "'");
    return v;
  }
  /// `(a, b)`.
  std::vector<std::string> paren_names(std::string_view what) {
    punct('(');
    std::vector<std::string> out{name(what)};
    while (peek_punct(',')) {
      ++pos_;
      out.push_back(name(what));
    }
    punct(')');
    return out;
  }
  /// Names up to the end of the line.
  std::vector<std::string> rest_names(std::string_view what) {
    std::vector<std::string> out;
    while (!done()) out.push_back(name(what));
    if (out.empty()) fail("expected at least one " + std::string(what));
    return out;
  }
  void end() {
    if (!done()) fail("unexpected '" + tokens_[pos_].text + "' at the end of the line");
  }

 private:
  std::vector<text::token> tokens_;
  std::string where_;
  std::size_t pos_ = 0;
};

sql::type parse_type(reader& r, std::string& type_text) {
  auto n = r.name("a column type");
  auto simple = [](sql::type t) { return t; };
  if (n == "Integer") return simple(sql::type{sql::type_kind::integer});
  if (n == "BigInteger") return simple(sql::type{sql::type_kind::big_integer});
  if (n == "Text") return simple(sql::type{sql::type_kind::text});
  if (n == "Boolean") return simple(sql::type{sql::type_kind::boolean});
  if (n == "Float") return simple(sql::type{sql::type_kind::float_});
  if (n == "Double") return simple(sql::type{sql::type_kind::double_});
  if (n == "Date") return simple(sql::type{sql::type_kind::date});
  if (n == "DateTime") return simple(sql::type{sql::type_kind::date_time});
  if (n == "DateTimeTZ") return simple(sql::type{sql::type_kind::date_time, 0, 0, 0, true});
  if (n == "LargeBinary") return simple(sql::type{sql::type_kind::large_binary});
  if (n == "JSON") return simple(sql::type{sql::type_kind::json});
  if (n == "Uuid") return simple(sql::type{sql::type_kind::uuid});
  if (n == "String") {
    sql::type t{sql::type_kind::string};
    if (r.peek_punct('(')) {
      r.punct('(');
      t.length = r.number("a length");
      r.punct(')');
    }
    return t;
  }
  if (n == "Numeric") {
    r.punct('(');
    sql::type t{sql::type_kind::numeric};
    t.precision = r.number("a precision");
    r.punct(',');
    t.scale = r.number("a scale");
    r.punct(')');
    return t;
  }
  if (n == "Enum") {
    r.punct('(');
    auto name = r.name("the enum type's name");
    std::vector<std::string> labels;
    while (r.peek_punct(',')) {
      r.punct(',');
      labels.push_back(r.string("a label"));
    }
    r.punct(')');
    if (labels.empty()) r.fail("Enum(" + name + ") lists no labels");
    sql::type t{sql::type_kind::enumeration};
    for (const auto& l : labels) t.length = std::max(t.length, static_cast<int>(l.size()));
    t.enumeration = runtime_enum(name, labels);
    return t;
  }
  if (n == "Type") {
    r.punct('(');
    type_text = r.string("the database's spelling of the type");
    r.punct(')');
    return sql::type{sql::type_kind::text};
  }
  r.fail("unknown column type '" + n +
         "' (Integer, BigInteger, String(n), Text, Boolean, Float, Double, Numeric(p, s), Date, DateTime, DateTimeTZ, "
         "LargeBinary, JSON, Uuid, Enum(name, \"label\", ...), Type(\"spelling\"))");
}

sql::column parse_column(reader& r) {
  sql::column c;
  c.name = r.name("a column name");
  c.sql_type = parse_type(r, c.type_text);
  while (!r.done()) {
    auto flag = r.name("a column option");
    if (flag == "not_null") c.nullable = false;
    else if (flag == "null") c.nullable = true;
    else if (flag == "primary_key") c.primary_key = true, c.nullable = false;
    else if (flag == "autoincrement") c.autoincrement = true;
    else if (flag == "unique") c.unique = true;
    else if (flag == "index") c.indexed = true;
    else if (flag == "default") c.server_default = r.string("the default's SQL");
    else r.fail("unknown column option '" + flag + "' (not_null, null, primary_key, autoincrement, unique, index, default \"sql\")");
  }
  return c;
}

sql::fk_action parse_action(reader& r) {
  auto a = r.name("a foreign key action");
  if (a == "cascade") return sql::fk_action::cascade;
  if (a == "set_null") return sql::fk_action::set_null;
  if (a == "set_default") return sql::fk_action::set_default;
  if (a == "restrict") return sql::fk_action::restrict;
  if (a == "no_action") return sql::fk_action::no_action;
  r.fail("unknown foreign key action '" + a + "' (cascade, set_null, set_default, restrict, no_action)");
}

sql::foreign_key parse_foreign_key(reader& r) {
  sql::foreign_key fk;
  fk.name = r.optional_name("the key's name or -");
  fk.columns = r.paren_names("a column");
  if (r.name("references") != "references") r.fail("expected 'references'");
  fk.ref_table = r.name("the referenced table");
  fk.ref_columns = r.paren_names("a referenced column");
  if (fk.columns.size() != fk.ref_columns.size()) r.fail("the key has " + std::to_string(fk.columns.size()) + " columns but references " + std::to_string(fk.ref_columns.size()));
  while (!r.done()) {
    auto w = r.name("on_delete or on_update");
    if (w == "on_delete") fk.on_delete = parse_action(r);
    else if (w == "on_update") fk.on_update = parse_action(r);
    else r.fail("expected on_delete or on_update, found '" + w + "'");
  }
  return fk;
}

sql::index parse_index(reader& r, bool with_name) {
  sql::index i;
  if (with_name) i.name = r.name("the index's name");
  if (r.peek_word("unique")) {
    r.name("unique");
    i.unique = true;
  }
  i.columns = r.rest_names("indexed column");
  return i;
}

/// A create_table block being read: the table's parts until the next operation.
struct table_block {
  table_parts parts;
  std::string where;

  operation_ptr finish() const {
    if (parts.columns.empty()) throw MigrationError(where + ": create_table " + parts.name + " has no columns");
    try {
      return op::create_table(parts.build());
    } catch (const ArgumentError& e) {
      throw MigrationError(where + ": " + e.what());
    }
  }
};

}  // namespace

std::vector<operation_ptr> parse_operations(std::string_view body, std::string_view where, int first_line) {
  std::vector<operation_ptr> out;
  // A unique_ptr, not an optional: g++ 12 reports the optional's strings as maybe-uninitialized.
  std::unique_ptr<table_block> block;
  auto flush_block = [&] {
    if (block) out.push_back(block->finish());
    block.reset();
  };
  int line_no = first_line;
  std::size_t start = 0;
  while (start <= body.size()) {
    auto end = body.find('\n', start);
    if (end == std::string_view::npos) end = body.size();
    auto line = body.substr(start, end - start);
    std::string at = std::string(where) + ":" + std::to_string(line_no);
    start = end + 1;
    ++line_no;
    auto first = line.find_first_not_of(" \t\r");
    if (first == std::string_view::npos || line[first] == '#') {
      if (end == body.size()) break;
      continue;
    }
    reader r(text::tokenize(line, at), at);
    auto kw = r.name("an operation");
    static constexpr std::string_view body_words[] = {"column", "foreign_key", "unique", "check", "index"};
    bool body_line = false;
    for (auto w : body_words) body_line = body_line || kw == w;
    if (body_line) {
      if (!block) r.fail("'" + kw + "' belongs inside a create_table block");
      if (kw == "column") block->parts.columns.push_back(parse_column(r));
      else if (kw == "foreign_key") block->parts.foreign_keys.push_back(parse_foreign_key(r));
      else if (kw == "unique") {
        sql::unique_constraint u;
        u.name = r.optional_name("the constraint's name or -");
        u.columns = r.rest_names("column");
        block->parts.uniques.push_back(std::move(u));
      } else if (kw == "check") {
        sql::check_constraint c;
        c.name = r.optional_name("the constraint's name or -");
        c.sql = r.string("the check's SQL");
        r.end();
        block->parts.checks.push_back(std::move(c));
      } else {
        block->parts.indexes.push_back(parse_index(r, true));
      }
      if (end == body.size()) break;
      continue;
    }
    flush_block();
    if (kw == "create_table") {
      block = std::make_unique<table_block>();
      block->parts.name = r.name("the table's name");
      block->where = at;
      r.end();
    } else if (kw == "drop_table") {
      auto t = r.name("the table's name");
      r.end();
      out.push_back(op::drop_table(t));
    } else if (kw == "rename_table") {
      auto t = r.name("the table's name");
      auto n = r.name("the new name");
      r.end();
      out.push_back(op::rename_table(t, n));
    } else if (kw == "add_column") {
      auto t = r.name("the table's name");
      out.push_back(op::add_column(t, parse_column(r)));
    } else if (kw == "drop_column") {
      auto t = r.name("the table's name");
      auto c = r.name("the column's name");
      r.end();
      out.push_back(op::drop_column(t, c));
    } else if (kw == "alter_column") {
      auto t = r.name("the table's name");
      auto c = r.name("the column's name");
      column_change ch;
      while (!r.done()) {
        auto w = r.name("a change");
        if (w == "rename") ch.new_name = r.name("the new name");
        else if (w == "type") {
          std::string spelled;
          ch.type = parse_type(r, spelled);
          if (!spelled.empty()) ch.type_text = spelled;
        } else if (w == "null") ch.nullable = true;
        else if (w == "not_null") ch.nullable = false;
        else if (w == "default") ch.server_default = std::optional<std::string>(r.string("the default's SQL"));
        else if (w == "no_default") ch.server_default = std::optional<std::string>();
        else r.fail("unknown change '" + w + "' (rename, type, null, not_null, default \"sql\", no_default)");
      }
      if (!ch.new_name && !ch.type && !ch.nullable && !ch.server_default) r.fail("alter_column changes nothing");
      out.push_back(op::alter_column(t, c, std::move(ch)));
    } else if (kw == "create_index") {
      auto t = r.name("the table's name");
      out.push_back(op::create_index(t, parse_index(r, true)));
    } else if (kw == "drop_index") {
      auto t = r.name("the table's name");
      auto n = r.name("the index's name");
      r.end();
      out.push_back(op::drop_index(t, n));
    } else if (kw == "add_unique" || kw == "drop_unique") {
      auto t = r.name("the table's name");
      sql::unique_constraint u;
      u.name = r.optional_name("the constraint's name or -");
      u.columns = r.rest_names("column");
      out.push_back(kw == "add_unique" ? op::add_unique(t, std::move(u)) : op::drop_unique(t, std::move(u)));
    } else if (kw == "add_foreign_key" || kw == "drop_foreign_key") {
      auto t = r.name("the table's name");
      auto fk = parse_foreign_key(r);
      out.push_back(kw == "add_foreign_key" ? op::add_foreign_key(t, std::move(fk)) : op::drop_foreign_key(t, std::move(fk)));
    } else if (kw == "add_check") {
      auto t = r.name("the table's name");
      sql::check_constraint c;
      c.name = r.name("the constraint's name");
      c.sql = r.string("the check's SQL");
      r.end();
      out.push_back(op::add_check(t, std::move(c)));
    } else if (kw == "drop_check") {
      auto t = r.name("the table's name");
      auto n = r.name("the constraint's name");
      r.end();
      out.push_back(op::drop_check(t, n));
    } else if (kw == "execute") {
      auto s = r.string("the SQL to run");
      r.end();
      out.push_back(op::execute(std::move(s)));
    } else {
      r.fail("unknown operation '" + kw +
             "' (create_table, drop_table, rename_table, add_column, drop_column, alter_column, create_index, "
             "drop_index, add_unique, drop_unique, add_foreign_key, drop_foreign_key, add_check, drop_check, execute)");
    }
    if (end == body.size()) break;
  }
  flush_block();
  return out;
}

}  // namespace retort::migrate
