// Fuzz target: the SQL compiler (src/sql/compiler.cpp) on random statements
// built from the input, for the SQLite and the PostgreSQL dialect. Each
// statement is built twice from the same bytes, once with its real values and
// once with every value NULL; for each dialect the checks are:
//   - only retort::Error escapes compile();
//   - the text is the same whatever the values (values only become placeholders),
//     and no text value appears outside identifiers unless an identifier or the
//     values-free text has it too;
//   - placeholders: '?' (SQLite) or $1, $2, ... in order (PostgreSQL), as many as params;
//   - outside quoted identifiers only keywords, operators, numbers and bare
//     identifiers that are plain lower-case words, not reserved, and were used;
//     every quoted identifier is one that was used, its quotes doubled;
//     parentheses balance; no NUL byte anywhere;
//   - INSERT: one parameter per value, DEFAULT VALUES only for at most one row.
#include <fuzzer/FuzzedDataProvider.h>

#include <array>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "retort/dialect/postgresql/postgresql.hpp"
#include "retort/dialect/sqlite/sqlite.hpp"
#include "retort/sql/compiler.hpp"
#include "retort/util/error.hpp"

namespace {

using namespace retort;
using sql::node_ptr;

[[noreturn]] void finding(const std::string& what, const sql::dialect& d, const std::string& text) {
  std::fprintf(stderr, "fuzz_compiler (%s): %s\n  SQL: ", std::string(d.name()).c_str(), what.c_str());
  std::fwrite(text.data(), 1, text.size(), stderr);
  std::fputc('\n', stderr);
  std::abort();
}

/// Builds statements from the input. With `blank`, the same bytes are consumed
/// but every value (literals, LIMIT, OFFSET) comes out NULL or 0.
class generator {
 public:
  generator(const std::uint8_t* data, std::size_t size, bool blank) : in_(data, size), blank_(blank) {}

  std::set<std::string> identifiers;  ///< every identifier handed to a statement
  std::size_t insert_rows = 0, insert_values = 0;

  std::string identifier() {
    static const std::array<std::string_view, 40> pool = {
        "id", "user", "order", "select", "group", "table", "limit", "offset", "true", "from", "where", "abort",
        "analyse", "returning", "values", "Name", "CamelCase", "a b", "\"", "a\"b", "\"\"", "9lives", "_x",
        "user_id", "p0", "sen", "imp_sen", "count", "?", "$1", "a?b", "x$2", "--", "a;b", "it's", "caf\xc3\xa9",
        "", "t.c", "(", "x)"};
    std::string s;
    switch (in_.ConsumeIntegralInRange(0, 3)) {
      case 0:
      case 1: s = pool[in_.ConsumeIntegralInRange<std::size_t>(0, pool.size() - 1)]; break;
      case 2: s = std::string("a\0b", 3); break;
      default: s = in_.ConsumeRandomLengthString(12); break;
    }
    identifiers.insert(s);
    return s;
  }

  sql::value value() {
    sql::value v = real_value();
    return blank_ ? sql::value() : v;
  }

  std::int64_t integer() {
    auto i = in_.ConsumeIntegral<std::int64_t>();
    return blank_ ? 0 : i;
  }

  node_ptr expression(int depth) {
    if (depth <= 0 || budget_ <= 0) return leaf();
    --budget_;
    switch (in_.ConsumeIntegralInRange(0, 15)) {
      case 0: return leaf();
      case 1: {
        static const std::array<const char*, 15> ops = {"=",   "!=",  "<", "<=", ">",  ">=",   "+",       "-",
                                                        "*",   "/",   "%", "||", "OR", "LIKE", "NOT LIKE"};
        auto op = ops[in_.ConsumeIntegralInRange<std::size_t>(0, ops.size() - 1)];
        auto lhs = expression(depth - 1);
        return sql::detail::make_binary(lhs, op, expression(depth - 1));
      }
      case 2: {
        auto lhs = expression(depth - 1);
        return sql::detail::make_binary(lhs, in_.ConsumeBool() ? "AND" : "OR", expression(depth - 1));
      }
      case 3: {
        static const std::array<const char*, 3> ops = {"NOT", "-", "DISTINCT"};
        auto op = ops[in_.ConsumeIntegralInRange<std::size_t>(0, ops.size() - 1)];
        return sql::detail::make_prefix(op, expression(depth - 1));
      }
      case 4: return sql::detail::make_postfix(expression(depth - 1), in_.ConsumeBool() ? "IS NULL" : "IS NOT NULL");
      case 5: {
        static const std::array<const char*, 5> names = {"count", "sum", "min", "max", "avg"};
        auto name = names[in_.ConsumeIntegralInRange<std::size_t>(0, names.size() - 1)];
        std::vector<node_ptr> args;
        for (int n = in_.ConsumeIntegralInRange(0, 3); n > 0; --n) args.push_back(expression(depth - 1));
        return sql::detail::make_function(name, std::move(args));
      }
      case 6: {
        auto e = sql::expression(expression(depth - 1));
        return e.label(identifier()).get();
      }
      case 7: {
        auto operand = expression(depth - 1);
        std::vector<node_ptr> items;
        for (int n = in_.ConsumeIntegralInRange(0, 4); n > 0; --n) items.push_back(expression(depth - 1));
        return sql::detail::make_in(operand, std::move(items), in_.ConsumeBool());
      }
      case 8: {
        auto operand = expression(depth - 1);
        return sql::detail::make_in_subquery(operand, subquery(depth - 1), in_.ConsumeBool());
      }
      case 9: {
        auto operand = expression(depth - 1);
        auto lo = expression(depth - 1);
        return sql::detail::make_between(operand, lo, expression(depth - 1), in_.ConsumeBool());
      }
      case 10: {
        auto e = sql::expression(expression(depth - 1));
        return (in_.ConsumeBool() ? e.asc() : e.desc()).get();
      }
      case 11: return sql::detail::make_subquery(subquery(depth - 1));
      case 12: {
        auto q = subquery(depth - 1);
        return sql::detail::make_exists(q, in_.ConsumeBool());
      }
      case 13: {
        auto terms = conditions(depth - 1);
        return (in_.ConsumeBool() ? sql::and_(std::move(terms)) : sql::or_(std::move(terms))).get();
      }
      default: {
        auto lhs = expression(depth - 1);
        return sql::detail::make_binary(lhs, "=", expression(depth - 1));
      }
    }
  }

  sql::select select(int depth) {
    sql::select s;
    for (int n = in_.ConsumeIntegralInRange(0, 3); n > 0; --n) s.column(sql::expression(expression(depth)));
    for (int n = in_.ConsumeIntegralInRange(0, 2); n > 0; --n) s.from(from(depth));
    for (int n = in_.ConsumeIntegralInRange(0, 2); n > 0; --n) {
      auto target = from(depth);
      auto on = sql::expression(expression(depth));
      if (in_.ConsumeBool())
        s.join(std::move(target), std::move(on));
      else
        s.outer_join(std::move(target), std::move(on));
    }
    for (auto& c : conditions(depth)) s.where(c);
    for (int n = in_.ConsumeIntegralInRange(0, 2); n > 0; --n) s.group_by(sql::expression(expression(depth)));
    if (in_.ConsumeBool())
      for (auto& c : conditions(depth)) s.having(c);
    for (int n = in_.ConsumeIntegralInRange(0, 2); n > 0; --n) s.order_by(sql::expression(expression(depth)));
    if (in_.ConsumeBool()) s.limit(integer());
    if (in_.ConsumeBool()) s.offset(integer());
    s.distinct(in_.ConsumeBool());
    return s;
  }

  sql::insert insert() {
    sql::insert s(identifier());
    std::vector<std::string> cols;
    for (int n = in_.ConsumeIntegralInRange(0, 4); n > 0; --n) cols.push_back(identifier());
    bool ragged = in_.ConsumeProbability<float>() < 0.1f;  // rows of other widths: must be refused
    int nrows = in_.ConsumeIntegralInRange(0, 4);
    for (int r = 0; r < nrows; ++r) {
      std::vector<sql::value> row;
      std::size_t width = ragged ? in_.ConsumeIntegralInRange<std::size_t>(0, 5) : cols.size();
      for (std::size_t c = 0; c < width; ++c) row.push_back(value());
      insert_values += row.size();
      s.row(std::move(row));
    }
    insert_rows = static_cast<std::size_t>(nrows);
    s.columns(std::move(cols));
    if (in_.ConsumeBool()) {
      std::vector<std::string> ret;
      for (int n = in_.ConsumeIntegralInRange(1, 2); n > 0; --n) ret.push_back(identifier());
      s.returning(std::move(ret));
    }
    if (in_.ConsumeBool()) {
      std::vector<sql::type> types;
      for (int n = in_.ConsumeIntegralInRange(0, 4); n > 0; --n) types.push_back(type());
      s.types(std::move(types)).sentinel_ordered();
    }
    return s;
  }

  sql::update update(int depth) {
    sql::update s(identifier());
    for (int n = in_.ConsumeIntegralInRange(0, 3); n > 0; --n) {
      auto col = identifier();
      if (in_.ConsumeBool())
        s.set(std::move(col), value());
      else
        s.set(std::move(col), sql::expression(expression(depth)));
    }
    for (auto& c : conditions(depth)) s.where(c);
    return s;
  }

  sql::delete_ delete_(int depth) {
    sql::delete_ s(identifier());
    for (auto& c : conditions(depth)) s.where(c);
    return s;
  }

  int pick(int lo, int hi) { return in_.ConsumeIntegralInRange(lo, hi); }

 private:
  sql::value real_value() {
    switch (in_.ConsumeIntegralInRange(0, 9)) {
      case 0: return sql::value();
      case 1: return sql::value(in_.ConsumeBool());
      case 2: return sql::value(in_.ConsumeIntegral<std::int64_t>());
      case 3: return sql::value(in_.ConsumeFloatingPoint<double>());
      case 4:
      case 5: return sql::value(in_.ConsumeRandomLengthString(24));
      case 6: {
        auto bytes = in_.ConsumeBytes<std::uint8_t>(in_.ConsumeIntegralInRange(0, 16));
        return sql::value(blob(bytes.begin(), bytes.end()));
      }
      case 7: return sql::value(numeric{in_.ConsumeRandomLengthString(20)});
      case 8: {
        auto y = in_.ConsumeIntegral<std::int16_t>();
        auto m = in_.ConsumeIntegral<std::uint8_t>();
        auto d = in_.ConsumeIntegral<std::uint8_t>();
        return sql::value(retort::date{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}});
      }
      default: return sql::value(retort::date_time{std::chrono::microseconds{in_.ConsumeIntegral<std::int64_t>()}});
    }
  }

  sql::type type() {
    sql::type t;
    t.kind = static_cast<sql::type_kind>(in_.ConsumeIntegralInRange(0, 10));
    t.length = in_.ConsumeIntegral<int>();
    t.precision = in_.ConsumeIntegral<int>();
    t.scale = in_.ConsumeIntegral<int>();
    return t;
  }

  node_ptr leaf() {
    switch (in_.ConsumeIntegralInRange(0, 7)) {
      case 0:
      case 1:
      case 2: {
        auto table = in_.ConsumeBool() ? identifier() : std::string();
        return sql::detail::make_column(std::move(table), identifier());
      }
      case 3:
      case 4:
      case 5: return sql::detail::make_bind(value());
      case 6: return sql::detail::make_star();
      default: return in_.ConsumeProbability<float>() < 0.05f ? nullptr : sql::count().get();
    }
  }

  std::shared_ptr<const sql::select> subquery(int depth) {
    if (in_.ConsumeProbability<float>() < 0.03f) return nullptr;  // detail::make_* accept it: must be refused
    return std::make_shared<const sql::select>(select(depth));
  }

  sql::from_item from(int depth) {
    if (depth > 0 && in_.ConsumeProbability<float>() < 0.2f) {
      auto q = select(depth - 1);
      return sql::from_item(q, identifier());
    }
    auto table = identifier();
    if (in_.ConsumeBool()) return sql::from_item(std::move(table), identifier());
    return sql::from_item(std::move(table));
  }

  std::vector<sql::expr<bool>> conditions(int depth) {
    std::vector<sql::expr<bool>> out;
    for (int n = in_.ConsumeIntegralInRange(0, 3); n > 0; --n) out.emplace_back(expression(depth));
    return out;
  }

  FuzzedDataProvider in_;
  bool blank_;
  int budget_ = 48;
};

bool plain_word(std::string_view s) {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

/// What a correct dialect makes of an identifier.
std::string expected_quote(const sql::dialect& d, std::string_view id) {
  if (plain_word(id) && !d.is_reserved(id)) return std::string(id);
  std::string out = "\"";
  for (char c : id) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + '"';
}

bool keyword(std::string_view w) {
  static const std::set<std::string_view> words = {
      "SELECT", "DISTINCT", "FROM",    "JOIN",    "LEFT",     "OUTER",     "ON",      "WHERE",    "GROUP",
      "BY",     "HAVING",   "ORDER",   "LIMIT",   "OFFSET",   "AS",        "AND",     "OR",       "NOT",
      "IN",     "BETWEEN",  "IS",      "NULL",    "LIKE",     "ASC",       "DESC",    "EXISTS",   "INSERT",
      "INTO",   "VALUES",   "DEFAULT", "UPDATE",  "SET",      "DELETE",    "RETURNING", "CAST",   "INTEGER",
      "BIGINT", "VARCHAR",  "TEXT",    "BOOLEAN", "FLOAT",    "DOUBLE",    "NUMERIC", "DATE",     "DATETIME",
      "BLOB",   "REAL",     "PRECISION", "TIMESTAMP", "WITHOUT", "TIME",   "ZONE",    "BYTEA"};
  return words.contains(w);
}

bool generated_word(std::string_view w) {
  // Function names, and the sentinel INSERT's own names (p0, p1, ..., imp_sen, sen).
  for (std::string_view f : {"count", "sum", "min", "max", "avg", "imp_sen", "sen"})
    if (w == f) return true;
  if (w.size() > 1 && w[0] == 'p' && w.find_first_not_of("0123456789", 1) == std::string_view::npos) return true;
  return false;
}

/// Splits the text into quoted identifiers (unescaped) and the rest, checking as it goes.
struct scanned {
  std::vector<std::string> quoted;
  std::string outside;  ///< the text with each quoted identifier replaced by a space
};

scanned scan(const sql::dialect& d, const std::string& text) {
  scanned out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '"') {
      out.outside += text[i];
      continue;
    }
    std::string id;
    for (++i;; ++i) {
      if (i >= text.size()) finding("unterminated quoted identifier", d, text);
      if (text[i] == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          id += '"';
          ++i;
          continue;
        }
        break;
      }
      id += text[i];
    }
    out.quoted.push_back(std::move(id));
    out.outside += ' ';
  }
  return out;
}

void check_text(const sql::dialect& d, const sql::compiled& c, const generator& g) {
  const auto& text = c.sql;
  if (text.find('\0') != std::string::npos) finding("NUL byte in the SQL text", d, text);
  auto s = scan(d, text);
  for (const auto& id : s.quoted)
    if (!g.identifiers.contains(id)) finding("quoted identifier \"" + id + "\" was never used", d, text);
  for (const auto& id : g.identifiers) {
    if (id.find('\0') != std::string::npos) continue;  // refused by quote(); this statement did not use it
    if (d.quote(id) != expected_quote(d, id)) finding("identifier quoted wrongly: " + d.quote(id), d, text);
  }

  const bool dollar = d.name() == "postgresql";
  std::size_t placeholders = 0;
  int depth = 0;
  const std::string_view rest = s.outside;
  for (std::size_t i = 0; i < rest.size();) {
    char ch = rest[i];
    auto is_word = [](char x) { return (x >= 'a' && x <= 'z') || (x >= 'A' && x <= 'Z') || x == '_'; };
    auto is_digit = [](char x) { return x >= '0' && x <= '9'; };
    if (is_word(ch)) {
      std::size_t j = i;
      while (j < rest.size() && (is_word(rest[j]) || is_digit(rest[j]))) ++j;
      auto w = rest.substr(i, j - i);
      bool upper = w.find_first_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string_view::npos;
      if (upper ? !keyword(w) : !(generated_word(w) || (g.identifiers.contains(std::string(w)) && !d.is_reserved(w))))
        finding("bare word '" + std::string(w) + "' is neither a keyword nor a plain, used identifier", d, text);
      i = j;
    } else if (is_digit(ch)) {
      while (i < rest.size() && is_digit(rest[i])) ++i;
    } else if (ch == '$' && dollar) {
      std::size_t j = i + 1, n = 0;
      while (j < rest.size() && is_digit(rest[j])) n = n * 10 + static_cast<std::size_t>(rest[j++] - '0');
      if (j == i + 1 || n != ++placeholders) finding("placeholder $" + std::to_string(n) + " out of order", d, text);
      i = j;
    } else if (ch == '?' && !dollar) {
      ++placeholders;
      ++i;
    } else {
      if (ch == '(') ++depth;
      if (ch == ')' && --depth < 0) finding("unbalanced ')'", d, text);
      if (std::string_view(" ,.()*=!<>+-/%|").find(ch) == std::string_view::npos)
        finding(std::string("unexpected character 0x") + "0123456789abcdef"[(ch >> 4) & 15] +
                    "0123456789abcdef"[ch & 15] + " outside identifiers",
                d, text);
      ++i;
    }
  }
  if (depth != 0) finding("unbalanced '('", d, text);
  if (placeholders != c.params.size())
    finding(std::to_string(placeholders) + " placeholders for " + std::to_string(c.params.size()) + " parameters", d,
            text);
}

void check_values_not_spliced(const sql::dialect& d, const sql::compiled& c, const sql::compiled& blank,
                              const generator& g) {
  if (c.sql != blank.sql) finding("the text depends on the values; without them: " + blank.sql, d, c.sql);
  if (c.params.size() != blank.params.size()) finding("the number of parameters depends on the values", d, c.sql);
  // Outside identifiers (each replaced by a space), a value with a letter or
  // digit in it may appear only where the values-free text has it as well.
  auto outside = scan(d, c.sql).outside, blank_outside = scan(d, blank.sql).outside;
  for (const auto& p : c.params) {
    const std::string* t = p.get_if<std::string>();
    if (!t) {
      if (auto* n = p.get_if<numeric>()) t = &n->text;
    }
    if (!t || t->size() < 2 || outside.find(*t) == std::string::npos) continue;
    bool word = false;
    for (unsigned char ch : *t) word = word || std::isalnum(ch);
    bool in_identifier = false;
    for (const auto& id : g.identifiers) in_identifier = in_identifier || id.find(*t) != std::string::npos;
    if (word && !in_identifier && blank_outside.find(*t) == std::string::npos)
      finding("bound text '" + *t + "' is spliced into the SQL", d, c.sql);
  }
}

template <class Build>
void run(const std::uint8_t* data, std::size_t size, Build build) {
  static const sqlite::dialect lite;
  static const postgresql::dialect pg;
  for (const sql::dialect* d : {static_cast<const sql::dialect*>(&lite), static_cast<const sql::dialect*>(&pg)}) {
    generator real(data, size, false), blank(data, size, true);
    sql::compiled c, b;
    try {
      c = build(real, *d);
    } catch (const retort::DataError& e) {
      // Refused for a value itself: PostgreSQL text cannot hold a NUL byte
      // (dialect::check_text). Nothing else may raise DataError here.
      if (d->text_holds_nul() || std::string_view(e.what()).find("NUL byte") == std::string_view::npos)
        finding(std::string("unexpected DataError: ") + e.what(), *d, "");
      continue;
    } catch (const retort::Error&) {
      // Refused. The values-free twin must be refused too, except where refusal
      // is about values themselves (the NUL byte above).
      try {
        b = build(blank, *d);
      } catch (const retort::Error&) {
        continue;
      }
      finding("refused with values, compiled without them", *d, b.sql);
    }
    b = build(blank, *d);
    check_text(*d, c, real);
    check_values_not_spliced(*d, c, b, real);
    if (c.sql.starts_with("INSERT")) {
      if (c.sql.find(" DEFAULT VALUES") != std::string::npos && real.insert_rows > 1)
        finding("DEFAULT VALUES for " + std::to_string(real.insert_rows) + " rows", *d, c.sql);
      if (c.params.size() != real.insert_values)
        finding(std::to_string(c.params.size()) + " parameters for " + std::to_string(real.insert_values) +
                    " values",
                *d, c.sql);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const int kind = data[0] % 5;
  ++data, --size;
  run(data, size, [kind](generator& g, const sql::dialect& d) -> sql::compiled {
    switch (kind) {
      case 0: return sql::compile(g.select(g.pick(0, 4)), d);
      case 1: return sql::compile(g.insert(), d);
      case 2: return sql::compile(g.update(g.pick(0, 3)), d);
      case 3: return sql::compile(g.delete_(g.pick(0, 3)), d);
      default: return sql::compile(sql::expression(g.expression(g.pick(0, 5))), d);
    }
  });
  return 0;
}
