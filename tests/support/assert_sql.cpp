// The SQL-assertion kit: normalising recorded SQL, resolving expected rules for
// one backend into steps, and matching the steps against the recorded
// statements in order. Used by the ORM, scenario and fault tests.
#include "support/assert_sql.hpp"

#include <cctype>
#include <cstdint>
#include <optional>
#include <sstream>
#include <stdexcept>

namespace retort::testing {

// A rule, shared by the copies the builder methods make.
struct sql_rule::impl {
  enum class kind { exact, prefix, verb_table, all_of, per_dialect, sequence };
  kind k = kind::exact;
  std::string text;   ///< exact and prefix: the neutral SQL, normalised; verb_table: the verb
  std::string table;  ///< verb_table
  std::optional<std::vector<sql::value>> params;
  std::optional<std::size_t> batch;
  std::string returning;         ///< appended where caps().insert_returning
  std::vector<sql_rule> first;   ///< all_of and sequence: the members; per_dialect: SQLite's
  std::vector<sql_rule> second;  ///< per_dialect: PostgreSQL's

  bool single() const { return k == kind::exact || k == kind::prefix || k == kind::verb_table; }
};

namespace {

using impl = sql_rule::impl;

sql_rule make(impl i) { return sql_rule(std::make_shared<const impl>(std::move(i))); }

// ---- normalising -------------------------------------------------------------

bool word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

/// Copies a '...' literal starting at `i` (a doubled quote stays inside it).
std::size_t copy_literal(std::string_view sql, std::size_t i, std::string& out) {
  std::size_t end = i + 1;
  while (end < sql.size()) {
    if (sql[end] == '\'' && (end + 1 >= sql.size() || sql[end + 1] != '\'')) break;
    end += sql[end] == '\'' ? 2 : 1;
  }
  end = std::min(end + 1, sql.size());
  out.append(sql.substr(i, end - i));
  return end;
}

/// Copies a "..." identifier starting at `i`, bare when it is a plain word.
std::size_t copy_identifier(std::string_view sql, std::size_t i, std::string& out) {
  std::string name;
  std::size_t end = i + 1;
  bool plain = true;
  while (end < sql.size()) {
    if (sql[end] == '"') {
      if (end + 1 < sql.size() && sql[end + 1] == '"') {
        plain = false;
        name += '"';
        end += 2;
        continue;
      }
      break;
    }
    plain = plain && word_char(sql[end]);
    name += sql[end++];
  }
  end = std::min(end + 1, sql.size());
  if (plain && !name.empty())
    out += name;
  else
    out.append(sql.substr(i, end - i));
  return end;
}

// ---- resolving rules for one backend -----------------------------------------

/// A single-statement matcher with its SQL as expected on one backend.
struct single {
  const impl* rule;
  std::string sql;  ///< exact and prefix: normalised, RETURNING applied
};

/// One or more statements that follow one another; any order when a group.
struct step {
  std::vector<single> members;
  bool any_order = false;
};

void resolve(const sql_rule& r, backend b, std::vector<step>& out);

void resolve_all(const std::vector<sql_rule>& rules, backend b, std::vector<step>& out) {
  for (const auto& r : rules) resolve(r, b, out);
}

void resolve(const sql_rule& r, backend b, std::vector<step>& out) {
  const impl& i = r.get();
  switch (i.k) {
    case impl::kind::exact:
    case impl::kind::prefix:
    case impl::kind::verb_table: {
      std::string text = i.text;
      if (!i.returning.empty() && caps(b).insert_returning) text += " RETURNING " + i.returning;
      out.push_back({{single{&i, normalize_sql(text)}}, false});
      return;
    }
    case impl::kind::sequence:
      resolve_all(i.first, b, out);
      return;
    case impl::kind::per_dialect:
      resolve_all(b == backend::postgres ? i.second : i.first, b, out);
      return;
    case impl::kind::all_of: {
      std::vector<step> parts;
      resolve_all(i.first, b, parts);
      step group{{}, true};
      for (auto& p : parts) group.members.insert(group.members.end(), p.members.begin(), p.members.end());
      if (!group.members.empty()) out.push_back(std::move(group));
      return;
    }
  }
}

// ---- matching one statement --------------------------------------------------

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::string token_at(std::string_view sql, std::size_t at) {
  std::size_t end = at;
  while (end < sql.size() && sql[end] != ' ' && sql[end] != '(' && sql[end] != ',' && sql[end] != ')') ++end;
  return std::string(sql.substr(at, end - at));
}

/// The position of the first " FROM " outside parentheses and literals.
std::size_t top_level_from(std::string_view sql) {
  int depth = 0;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    char c = sql[i];
    if (c == '\'') {
      std::string skipped;
      i = copy_literal(sql, i, skipped) - 1;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')') {
      --depth;
    } else if (depth == 0 && sql.substr(i).starts_with(" FROM ")) {
      return i + 6;
    }
  }
  return std::string_view::npos;
}

/// The verb (upper case) and table of a normalised statement; table "" if none.
std::pair<std::string, std::string> verb_and_table(std::string_view sql) {
  std::string verb = upper(token_at(sql, 0));
  auto after = [&](std::string_view lead) -> std::string {
    return upper(sql.substr(0, lead.size())) == lead ? token_at(sql, lead.size()) : std::string();
  };
  if (verb == "INSERT") return {verb, after("INSERT INTO ")};
  if (verb == "UPDATE") return {verb, after("UPDATE ")};
  if (verb == "DELETE") return {verb, after("DELETE FROM ")};
  if (verb == "SELECT") {
    auto at = top_level_from(sql);
    return {verb, at == std::string_view::npos ? std::string() : token_at(sql, at)};
  }
  return {verb, {}};
}

bool sql_matches(const single& s, const std::string& normalised) {
  switch (s.rule->k) {
    case impl::kind::exact:
      return normalised == s.sql;
    case impl::kind::prefix:
      return normalised.starts_with(s.sql);
    case impl::kind::verb_table: {
      auto [verb, table] = verb_and_table(normalised);
      return verb == upper(s.rule->text) && (s.rule->table.empty() || table == normalize_sql(s.rule->table));
    }
    default:
      return false;
  }
}

/// The parameters for a message; past `limit` values only their number (a
/// multi-row INSERT carries thousands).
std::string params_text(const std::vector<sql::value>& params, std::size_t limit = 24) {
  std::string out = "(";
  for (std::size_t i = 0; i < params.size() && i < limit; ++i) out += (i ? ", " : "") + params[i].repr();
  if (params.size() > limit) out += ", ... " + std::to_string(params.size() - limit) + " more";
  return out + ")";
}

/// Why `e` does not match `s`, or "" when it does.
std::string mismatch(const single& s, const statement_recorder::entry& e) {
  if (!sql_matches(s, normalize_sql(e.sql))) return "the SQL differs";
  if (s.rule->params && *s.rule->params != e.params)
    return "the parameters differ: expected " + params_text(*s.rule->params, SIZE_MAX) + ", got " +
           params_text(e.params, SIZE_MAX);
  if (s.rule->batch && *s.rule->batch != e.batch)
    return "the batch differs: expected " + std::to_string(*s.rule->batch) + " parameter rows, got " +
           std::to_string(e.batch);
  return {};
}

std::string describe(const single& s) {
  const impl& r = *s.rule;
  std::string out;
  switch (r.k) {
    case impl::kind::exact:
      out = s.sql;
      break;
    case impl::kind::prefix:
      out = "starts_with: " + s.sql;
      break;
    case impl::kind::verb_table:
      out = "verb_table: " + upper(r.text) + (r.table.empty() ? " (any table)" : " " + r.table);
      break;
    default:
      break;
  }
  if (r.params) out += "\n         params " + params_text(*r.params);
  if (r.batch) out += "\n         batch " + std::to_string(*r.batch);
  return out;
}

// ---- all_of: any order, as a bipartite matching --------------------------------

/// Kuhn's augmenting paths: members × statements, edge where they match.
bool augment(std::size_t m, const std::vector<std::vector<bool>>& edge, std::vector<bool>& seen,
             std::vector<std::optional<std::size_t>>& owner) {
  for (std::size_t s = 0; s < edge[m].size(); ++s) {
    if (!edge[m][s] || seen[s]) continue;
    seen[s] = true;
    if (!owner[s] || augment(*owner[s], edge, seen, owner)) {
      owner[s] = m;
      return true;
    }
  }
  return false;
}

/// The members of `g` no assignment to entries[from, from + size) can place; empty on success.
std::vector<std::size_t> unmatched_members(const step& g, const std::vector<statement_recorder::entry>& entries,
                                           std::size_t from) {
  std::size_t n = g.members.size();
  std::vector<std::vector<bool>> edge(n, std::vector<bool>(n));
  for (std::size_t m = 0; m < n; ++m)
    for (std::size_t s = 0; s < n; ++s) edge[m][s] = mismatch(g.members[m], entries[from + s]).empty();
  std::vector<std::optional<std::size_t>> owner(n);
  std::vector<std::size_t> left;
  for (std::size_t m = 0; m < n; ++m) {
    std::vector<bool> seen(n);
    if (!augment(m, edge, seen, owner)) left.push_back(m);
  }
  return left;
}

// ---- the report ----------------------------------------------------------------

std::string report(backend b, const std::string& reason, const std::vector<step>& steps,
                   const std::vector<statement_recorder::entry>& entries, std::size_t at) {
  std::ostringstream out;
  out << "SQL assertion failed on " << backend_name(b) << ": " << reason << "\n";
  out << "expected (" << steps.size() << " rule" << (steps.size() == 1 ? "" : "s") << ", neutral spelling):\n";
  std::size_t n = 1;
  for (const auto& st : steps) {
    if (st.any_order) out << "  all_of, in any order:\n";
    for (const auto& m : st.members) out << (st.any_order ? "    " : "  ") << n++ << ". " << describe(m) << "\n";
  }
  out << "recorded (" << entries.size() << " statement" << (entries.size() == 1 ? "" : "s") << "):\n";
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto& e = entries[i];
    auto norm = normalize_sql(e.sql);
    out << (i == at ? "> " : "  ") << i + 1 << ". " << norm << "\n";
    if (norm != e.sql) out << "         raw    " << e.sql << "\n";
    out << "         params " << params_text(e.params);
    if (e.batch != 1) out << ", batch " << e.batch;
    out << "\n";
  }
  return out.str();
}

}  // namespace

// ---- the public functions --------------------------------------------------------

const capabilities& caps(backend b) {
  static const capabilities sqlite{
      .insert_returning = false,
      .multirow_insert_returning = false,
      .returning = true,
      .ilike = false,
      .offset_requires_limit = true,
      .text_holds_nul = true,
      .max_parameters = 32766,
      .savepoints = true,
      .text_validates_utf8 = false,
      .like_backslash_escape = false,
      .named_unique_constraints = false,
      .file_locks = true,
      .serializable_conflicts = false,
      .server_backends = false,
  };
  static const capabilities postgres{
      .insert_returning = true,
      .multirow_insert_returning = true,
      .returning = true,
      .ilike = true,
      .offset_requires_limit = false,
      .text_holds_nul = false,
      .max_parameters = 65535,
      .savepoints = true,
      .text_validates_utf8 = true,
      .like_backslash_escape = true,
      .named_unique_constraints = true,
      .file_locks = false,
      .serializable_conflicts = true,
      .server_backends = true,
  };
  return b == backend::postgres ? postgres : sqlite;
}

std::string normalize_sql(std::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  std::size_t i = 0;
  while (i < sql.size()) {
    char c = sql[i];
    if (c == '\'') {
      i = copy_literal(sql, i, out);
    } else if (c == '"') {
      i = copy_identifier(sql, i, out);
    } else if (c == '$' && i + 1 < sql.size() && std::isdigit(static_cast<unsigned char>(sql[i + 1])) &&
               (out.empty() || !word_char(out.back()))) {
      out += '?';
      for (++i; i < sql.size() && std::isdigit(static_cast<unsigned char>(sql[i]));) ++i;
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      while (i < sql.size() && std::isspace(static_cast<unsigned char>(sql[i]))) ++i;
      if (!out.empty() && i < sql.size()) out += ' ';
    } else {
      out += c;
      ++i;
    }
  }
  return out;
}

sql_rule sql_rule::params(std::vector<sql::value> values) const {
  if (!impl_->single()) throw std::invalid_argument("params() applies to a single statement rule");
  impl copy = *impl_;
  copy.params = std::move(values);
  return make(std::move(copy));
}

sql_rule sql_rule::batch(std::size_t rows) const {
  if (!impl_->single()) throw std::invalid_argument("batch() applies to a single statement rule");
  impl copy = *impl_;
  copy.batch = rows;
  return make(std::move(copy));
}

sql_rule sql_rule::returning(std::string columns) const {
  if (impl_->k != impl::kind::exact) throw std::invalid_argument("returning() applies to compiled_sql()");
  impl copy = *impl_;
  copy.returning = std::move(columns);
  return make(std::move(copy));
}

inline namespace sql_rules {

sql_rule compiled_sql(std::string neutral_sql) {
  impl i;
  i.text = normalize_sql(neutral_sql);
  return make(std::move(i));
}

sql_rule starts_with(std::string prefix) {
  impl i;
  i.k = impl::kind::prefix;
  i.text = normalize_sql(prefix);
  return make(std::move(i));
}

sql_rule verb_table(std::string verb, std::string table) {
  impl i;
  i.k = impl::kind::verb_table;
  i.text = std::move(verb);
  i.table = std::move(table);
  return make(std::move(i));
}

sql_rule all_of(std::vector<sql_rule> rules) {
  impl i;
  i.k = impl::kind::all_of;
  i.first = std::move(rules);
  return make(std::move(i));
}

sql_rule dialect_sql(per_dialect rules) {
  impl i;
  i.k = impl::kind::per_dialect;
  i.first = std::move(rules.sqlite);
  i.second = std::move(rules.postgres);
  return make(std::move(i));
}

sql_rule conditional(bool condition, std::vector<sql_rule> then, std::vector<sql_rule> otherwise) {
  impl i;
  i.k = impl::kind::sequence;
  i.first = condition ? std::move(then) : std::move(otherwise);
  return make(std::move(i));
}

std::string repeat_rows(std::size_t n, std::string_view row) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    if (i) out += ", ";
    std::string_view rest = row;
    for (auto at = rest.find("{}"); at != std::string_view::npos; at = rest.find("{}")) {
      out.append(rest.substr(0, at));
      out += std::to_string(i);
      rest.remove_prefix(at + 2);
    }
    out.append(rest);
  }
  return out;
}

}  // namespace sql_rules

::testing::AssertionResult assert_sql(const statement_recorder& rec, const std::vector<sql_rule>& expected) {
  backend b = rec.database();
  std::vector<step> steps;
  resolve_all(expected, b, steps);
  const auto& entries = rec.entries();
  auto fail = [&](const std::string& reason, std::size_t at) {
    return ::testing::AssertionFailure() << report(b, reason, steps, entries, at);
  };
  std::size_t at = 0;
  std::size_t wanted = 1;  // the number of the next expected statement, for messages
  for (const auto& st : steps) {
    std::size_t k = st.members.size();
    if (at + k > entries.size())
      return fail("statement " + std::to_string(wanted) + " was expected, but only " + std::to_string(entries.size()) +
                      " were recorded",
                  entries.size());
    if (!st.any_order) {
      auto why = mismatch(st.members[0], entries[at]);
      if (!why.empty())
        return fail("statement " + std::to_string(at + 1) + ": " + why + "\n  expected  " + describe(st.members[0]) +
                        "\n  actual    " + normalize_sql(entries[at].sql),
                    at);
    } else if (auto left = unmatched_members(st, entries, at); !left.empty()) {
      std::string names;
      for (auto m : left) names += (names.empty() ? "" : ", ") + std::to_string(wanted + m);
      return fail("all_of over statements " + std::to_string(at + 1) + ".." + std::to_string(at + k) +
                      ": no order of them matches expected " + names,
                  at);
    }
    at += k;
    wanted += k;
  }
  if (at < entries.size())
    return fail(std::to_string(entries.size() - at) + " statement(s) more than expected, from statement " +
                    std::to_string(at + 1),
                at);
  return ::testing::AssertionSuccess();
}

std::size_t count_matching(const statement_recorder& rec, const sql_rule& rule) {
  std::vector<step> steps;
  resolve(rule, rec.database(), steps);
  if (steps.size() != 1 || steps[0].any_order)
    throw std::invalid_argument("count_matching() takes a single statement rule");
  std::size_t n = 0;
  for (const auto& e : rec.entries()) n += mismatch(steps[0].members[0], e).empty();
  return n;
}

}  // namespace retort::testing
