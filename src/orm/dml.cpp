// ORM-enabled UPDATE and DELETE with criteria (retort/orm/dml.hpp): the
// statement, and the session's synchronization with it, as SQLAlchemy 2.0's
// BulkORMUpdate / BulkORMDelete define it:
//
//   evaluate  the WHERE criteria are evaluated against each loaded object of
//             the class before the statement runs; after it, matching objects
//             take the new values (evaluated from their current ones) as
//             their loaded state, or leave the session as deleted.
//   fetch     the statement returns the matched keys (RETURNING); the objects
//             with those keys are updated or removed the same way.
//   auto      evaluate, or fetch when the criteria cannot be evaluated.
//
// Beyond SQLAlchemy: a new value that cannot be evaluated in C++ (a function,
// another table's column) or an attribute the object changed in memory is
// read back with RETURNING instead of being expired (docs/differences.md).
#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "orm/dml_target.hpp"
#include "orm/event_dispatch.hpp"
#include "orm/identity_map.hpp"
#include "orm/session_impl.hpp"
#include "orm/statement_cause.hpp"
#include "retort/orm/deferred.hpp"
#include "retort/orm/dml.hpp"
#include "retort/orm/mapping.hpp"
#include "retort/orm/session.hpp"
#include "retort/sql/statement.hpp"
#include "retort/util/error.hpp"

namespace retort::orm {

void session_impl::bulk_deleted(instance_state* s) {
  state_ref keep(s);
  if (s->marked_deleted) {  // deleted with session.delete_ and not yet flushed: nothing left to DELETE
    s->marked_deleted = false;
    deleted_.erase(std::remove(deleted_.begin(), deleted_.end(), keep), deleted_.end());
  }
  drop_identity(s);
  s->status = status::deleted;
  s->touched = false;
  record_deleted(s);
}

namespace {

/// A criterion or value Retort cannot evaluate in C++ (SQLAlchemy's UnevaluatableError, before wording).
struct unevaluatable {
  std::string what;
};

/// A value as the evaluator sees it: a SQL value, or "the object has not loaded
/// a column this needs" (SQLAlchemy's _EXPIRED_OBJECT).
struct eval_value {
  sql::value v;
  bool expired = false;
};

/// An expression compiled against one mapper: columns resolved to indexes.
struct eval_node {
  enum class kind : std::uint8_t { column, constant, compare, logic_and, logic_or, logic_not, arith, negate, is_null, in_list };
  kind k = kind::constant;
  std::size_t column = 0;
  sql::value constant;
  std::string op;
  bool negated = false;
  std::vector<eval_node> args;
};

eval_node compile_eval(const sql::node_ptr& n, const mapper& m) {
  eval_node out;
  switch (n->kind) {
    case sql::node_kind::column: {
      const bool own_table = n->source.empty() && (n->table.empty() || n->table == m.table.name());
      if (own_table)
        for (std::size_t i = 0; i < m.columns.size(); ++i)
          if (m.columns[i].column.name == n->text) {
            out.k = eval_node::kind::column;
            out.column = i;
            return out;
          }
      throw unevaluatable{"cannot evaluate column " + (n->table.empty() ? "" : n->table + ".") + n->text +
                          " on " + m.class_name};
    }
    case sql::node_kind::bind:
      out.constant = n->bound;
      return out;
    case sql::node_kind::binary: {
      const auto& op = n->text;
      if (op == "=" || op == "!=" || op == "<" || op == "<=" || op == ">" || op == ">=")
        out.k = eval_node::kind::compare;
      else if (op == "AND")
        out.k = eval_node::kind::logic_and;
      else if (op == "OR")
        out.k = eval_node::kind::logic_or;
      else if (op == "+" || op == "-" || op == "*" || op == "/" || op == "%")
        out.k = eval_node::kind::arith;
      else
        throw unevaluatable{"cannot evaluate the operator " + op};
      out.op = op;
      for (const auto& a : n->args) out.args.push_back(compile_eval(a, m));
      return out;
    }
    case sql::node_kind::prefix:
      if (n->text == "NOT")
        out.k = eval_node::kind::logic_not;
      else if (n->text == "-")
        out.k = eval_node::kind::negate;
      else
        throw unevaluatable{"cannot evaluate the operator " + n->text};
      out.args.push_back(compile_eval(n->args.at(0), m));
      return out;
    case sql::node_kind::postfix:
      if (n->text != "IS NULL" && n->text != "IS NOT NULL") throw unevaluatable{"cannot evaluate " + n->text};
      out.k = eval_node::kind::is_null;
      out.negated = n->text == "IS NOT NULL";
      out.args.push_back(compile_eval(n->args.at(0), m));
      return out;
    case sql::node_kind::in_list:
      out.k = eval_node::kind::in_list;
      out.negated = n->negated;
      for (const auto& a : n->args) out.args.push_back(compile_eval(a, m));
      return out;
    case sql::node_kind::like:
      throw unevaluatable{"cannot evaluate LIKE"};
    case sql::node_kind::between:
      throw unevaluatable{"cannot evaluate BETWEEN"};
    case sql::node_kind::function:
      throw unevaluatable{"cannot evaluate the function " + n->text + "()"};
    case sql::node_kind::subquery:
    case sql::node_kind::exists:
      throw unevaluatable{"cannot evaluate a subquery"};
    default:
      throw unevaluatable{"cannot evaluate this expression"};
  }
}

bool numeric_kind(sql::value_kind k) {
  return k == sql::value_kind::boolean || k == sql::value_kind::integer || k == sql::value_kind::real;
}
bool integral_kind(sql::value_kind k) { return k == sql::value_kind::boolean || k == sql::value_kind::integer; }

/// -1, 0, 1 as SQL compares two non-NULL values.
int compare_values(const sql::value& a, const sql::value& b) {
  if (numeric_kind(a.kind()) && numeric_kind(b.kind())) {
    if (integral_kind(a.kind()) && integral_kind(b.kind())) {
      auto x = a.as_int(), y = b.as_int();
      return x < y ? -1 : (x > y ? 1 : 0);
    }
    auto x = a.as_double(), y = b.as_double();
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  if (a.kind() != b.kind() || a.kind() == sql::value_kind::decimal)
    throw unevaluatable{"cannot compare " + a.repr() + " with " + b.repr()};
  auto order = [](const auto& x, const auto& y) { return x < y ? -1 : (y < x ? 1 : 0); };
  switch (a.kind()) {
    case sql::value_kind::text: return order(a.text(), b.text());
    case sql::value_kind::binary: return order(a.bytes(), b.bytes());
    case sql::value_kind::date: return order(a.as_date(), b.as_date());
    case sql::value_kind::date_time: return order(a.as_date_time(), b.as_date_time());
    case sql::value_kind::date_time_tz: return order(a.as_date_time_tz().utc, b.as_date_time_tz().utc);
    case sql::value_kind::uuid: return order(a.as_uuid(), b.as_uuid());
    default: throw unevaluatable{"cannot compare " + a.repr() + " with " + b.repr()};
  }
}

sql::value arith(const std::string& op, const sql::value& a, const sql::value& b) {
  if (!numeric_kind(a.kind()) || !numeric_kind(b.kind()))
    throw unevaluatable{"cannot evaluate " + a.repr() + " " + op + " " + b.repr()};
  if (integral_kind(a.kind()) && integral_kind(b.kind())) {
    std::int64_t x = a.as_int(), y = b.as_int(), r = 0;
    bool overflow = false;
    switch (op[0]) {
      case '+': overflow = __builtin_add_overflow(x, y, &r); break;
      case '-': overflow = __builtin_sub_overflow(x, y, &r); break;
      case '*': overflow = __builtin_mul_overflow(x, y, &r); break;
      default:  // integer division and remainder truncate toward zero, in SQL as in C++
        if (y == 0) return sql::value();  // SQLite's NULL; PostgreSQL refuses the statement anyway
        if (x == std::numeric_limits<std::int64_t>::min() && y == -1) throw unevaluatable{"integer overflow"};
        r = op[0] == '/' ? x / y : x % y;
    }
    if (overflow) throw unevaluatable{"integer overflow"};
    return sql::value(r);
  }
  if (op[0] == '%') throw unevaluatable{"cannot evaluate % of real numbers"};
  double x = a.as_double(), y = b.as_double();
  switch (op[0]) {
    case '+': return sql::value(x + y);
    case '-': return sql::value(x - y);
    case '*': return sql::value(x * y);
    default:
      if (y == 0) return sql::value();
      return sql::value(x / y);
  }
}

/// SQL's three-valued logic: true, false or NULL (an empty value).
sql::value truth(std::optional<bool> b) { return b ? sql::value(*b) : sql::value(); }
std::optional<bool> as_truth(const sql::value& v) {
  if (v.is_null()) return std::nullopt;
  return v.as_bool();
}

eval_value evaluate(const eval_node& e, const mapper& m, const instance_state* s) {
  switch (e.k) {
    case eval_node::kind::column: {
      const auto& c = m.columns[e.column];
      if (c.deferred) {
        auto* d = c.deferred(s->object);
        if (d && !d->is_loaded()) return {{}, true};
      }
      return {c.get(s->object), false};
    }
    case eval_node::kind::constant:
      return {e.constant, false};
    default:
      break;
  }
  std::vector<eval_value> args;
  args.reserve(e.args.size());
  for (const auto& a : e.args) {
    args.push_back(evaluate(a, m, s));
    if (args.back().expired) return {{}, true};
  }
  switch (e.k) {
    case eval_node::kind::compare: {
      const auto& a = args[0].v;
      const auto& b = args[1].v;
      if (a.is_null() || b.is_null()) return {};
      // Labels and documents have an equality but no order the session knows
      // (a native ENUM orders by declaration, SQLite's text by spelling).
      bool unordered = a.kind() == sql::value_kind::enum_label || a.kind() == sql::value_kind::json;
      if (unordered && a.kind() == b.kind() && (e.op == "=" || e.op == "!="))
        return {sql::value((a == b) == (e.op == "=")), false};
      int c = compare_values(a, b);
      bool r = e.op == "=" ? c == 0 : e.op == "!=" ? c != 0 : e.op == "<" ? c < 0 : e.op == "<=" ? c <= 0
                                                           : e.op == ">" ? c > 0 : c >= 0;
      return {sql::value(r), false};
    }
    case eval_node::kind::logic_and: {
      auto a = as_truth(args[0].v), b = as_truth(args[1].v);
      if ((a && !*a) || (b && !*b)) return {sql::value(false), false};
      if (!a || !b) return {};
      return {sql::value(true), false};
    }
    case eval_node::kind::logic_or: {
      auto a = as_truth(args[0].v), b = as_truth(args[1].v);
      if ((a && *a) || (b && *b)) return {sql::value(true), false};
      if (!a || !b) return {};
      return {sql::value(false), false};
    }
    case eval_node::kind::logic_not: {
      auto a = as_truth(args[0].v);
      return {a ? sql::value(!*a) : sql::value(), false};
    }
    case eval_node::kind::arith:
      if (args[0].v.is_null() || args[1].v.is_null()) return {};
      return {arith(e.op, args[0].v, args[1].v), false};
    case eval_node::kind::negate: {
      const auto& a = args[0].v;
      if (a.is_null()) return {};
      if (a.kind() == sql::value_kind::integer) {
        if (a.as_int() == std::numeric_limits<std::int64_t>::min()) throw unevaluatable{"integer overflow"};
        return {sql::value(-a.as_int()), false};
      }
      if (a.kind() == sql::value_kind::real) return {sql::value(-a.as_double()), false};
      throw unevaluatable{"cannot negate " + a.repr()};
    }
    case eval_node::kind::is_null:
      return {sql::value(args[0].v.is_null() != e.negated), false};
    case eval_node::kind::in_list: {  // args: the operand, then the items
      const auto& x = args[0].v;
      std::optional<bool> found = false;
      if (args.size() > 1 && x.is_null()) {
        found = std::nullopt;
      } else {
        bool saw_null = false;
        for (std::size_t i = 1; i < args.size() && !*found; ++i) {
          if (args[i].v.is_null())
            saw_null = true;
          else if (compare_values(x, args[i].v) == 0)
            found = true;
        }
        if (!*found && saw_null) found = std::nullopt;
      }
      if (found && e.negated) found = !*found;
      return {truth(found), false};
    }
    default:
      throw unevaluatable{"cannot evaluate this expression"};
  }
}

/// One SET of the statement, resolved.
struct set_item {
  std::size_t column = 0;
  sql::expression value;
  std::optional<eval_node> eval;  ///< null: read back with RETURNING
};

std::string statement_name(const dml_spec& spec) {
  return std::string(spec.is_delete ? "delete(" : "update(") + spec.m->class_name + ")";
}

bool loaded(const column_property& c, const instance_state* s) {
  if (!c.deferred) return true;
  auto* d = c.deferred(s->object);
  return !d || d->is_loaded();
}

bool modified(const column_property& c, std::size_t i, const instance_state* s) {
  return loaded(c, s) && i < s->committed.size() && !c.same(s->object, s->committed[i]);
}

/// The key of a RETURNING row as the identity map holds keys: each value
/// through the member's setter and getter (the driver's integer for a bool, ...).
std::vector<sql::value> normalized_key(const mapper& m, instance_state* scratch, const engine::row_view& row) {
  std::vector<sql::value> key;
  key.reserve(m.primary_key.size());
  for (std::size_t k = 0; k < m.primary_key.size(); ++k) {
    const auto& c = m.columns[m.primary_key[k]];
    c.set(scratch->object, row[k]);
    key.push_back(c.get(scratch->object));
  }
  return key;
}

}  // namespace

std::int64_t execute_dml(retort::session& sess, const dml_spec& spec, const retort::source_location& where) {
  const mapper& m = *spec.m;
  auto& impl = sess.impl();
  const std::string name = statement_name(spec);
  call_cause cause(impl, spec.is_delete ? "delete" : "update", m.class_name, "execute", where);
  session_impl::in_use guard(impl);
  impl.check_active();

  // The SETs, resolved before anything runs: an unknown or repeated attribute is the caller's mistake.
  std::vector<set_item> sets;
  if (!spec.is_delete) {
    if (spec.values.empty()) throw ArgumentError(name + ".values(): the UPDATE sets no columns");
    for (const auto& a : spec.values) {
      const auto* c = assignment_target(m, a.attribute);
      if (!c)
        throw ArgumentError(name + ".values(): " + m.class_name + " has no column attribute '" + a.attribute + "'");
      std::size_t i = static_cast<std::size_t>(c - m.columns.data());
      if (std::any_of(sets.begin(), sets.end(), [&](const set_item& s) { return s.column == i; }))
        throw ArgumentError(name + ".values(): " + m.class_name + "." + c->attribute + " is set twice");
      if (!a.value) throw ArgumentError(name + ".values(): " + m.class_name + "." + c->attribute + " has no value");
      sets.push_back({i, a.value, std::nullopt});
    }
  }
  if (spec.sync != synchronize_session::none)
    for (auto& s : sets) {
      try {
        s.eval = compile_eval(s.value.get(), m);
      } catch (const unevaluatable&) {
        s.eval.reset();  // read back instead
      }
    }

  // onupdate(...) of the columns the statement does not set: called once per
  // statement, as SQLAlchemy's Core UPDATE calls a column's onupdate, with the
  // statement's literal values as its context's parameters.
  std::vector<std::size_t> server_updated;
  if (!spec.is_delete) {
    std::map<std::string, sql::value> literal;
    for (const auto& s : sets)
      if (s.value.get()->kind == sql::node_kind::bind) literal.emplace(m.columns[s.column].column.name, s.value.get()->bound);
    const std::size_t given = sets.size();
    state_ref scratch;
    for (std::size_t i = 0; i < m.columns.size(); ++i) {
      const auto& c = m.columns[i];
      bool set = std::any_of(sets.begin(), sets.begin() + static_cast<std::ptrdiff_t>(given),
                             [&](const set_item& s) { return s.column == i; });
      if (set) continue;
      if (c.update_default) {
        if (c.update_default_reads_object)
          throw ArgumentError(name + ": " + m.class_name + "." + c.attribute +
                              "'s onupdate reads the object, and an UPDATE of many rows has none; set " +
                              c.attribute + " in values(), or give onupdate a callable of default_context");
        if (!scratch) scratch = state_ref(m.create());
        c.update_default(scratch->object, default_context(m, &literal));
        auto v = c.get(scratch->object);
        set_item item{i, sql::expression(sql::detail::make_bind(v)), std::nullopt};
        if (spec.sync != synchronize_session::none) item.eval = eval_node{eval_node::kind::constant, 0, v, {}, false, {}};
        sets.push_back(std::move(item));
      } else if (c.server_onupdate) {
        server_updated.push_back(i);
      }
    }
  }

  impl.autoflush();

  // Pre-synchronization: which loaded objects the criteria match (evaluate).
  auto sync = spec.sync;
  struct match {
    state_ref state;
    bool partly_expired;
  };
  std::vector<match> matched;
  if (sync == synchronize_session::auto_ || sync == synchronize_session::evaluate) {
    try {
      std::vector<eval_node> criteria;
      for (const auto& w : spec.where) criteria.push_back(compile_eval(w.get(), m));
      std::vector<instance_state*> candidates;
      impl.for_each_identity([&](instance_state* s) {
        if (s->owner_mapper == &m && s->status == status::persistent && !s->expired) candidates.push_back(s);
      });
      for (auto* s : candidates) {
        bool yes = true, expired = false;
        for (const auto& c : criteria) {
          auto r = evaluate(c, m, s);
          if (r.expired) {
            expired = true;
            continue;
          }
          if (r.v.is_null() || !r.v.as_bool()) {
            yes = false;
            break;
          }
        }
        if (yes) matched.push_back({state_ref(s), expired});
      }
      sync = synchronize_session::evaluate;
    } catch (const unevaluatable& e) {
      if (sync == synchronize_session::evaluate)
        throw UnevaluatableError(name + ": could not evaluate the current criteria in C++ (" + e.what +
                                 "); use execution_options(retort::synchronize_session::fetch) or "
                                 "synchronize_session::none");
      matched.clear();
      sync = synchronize_session::fetch;
    }
  }

  // What the statement reads back: the matched keys (fetch), and the new values
  // the session cannot compute itself.
  std::vector<std::size_t> read_back;
  if (!spec.is_delete && sync != synchronize_session::none) {
    for (const auto& s : sets) {
      bool back = !s.eval;
      if (!back) {  // an object that changed the attribute in memory takes the database's value
        const auto& c = m.columns[s.column];
        if (sync == synchronize_session::evaluate) {
          back = std::any_of(matched.begin(), matched.end(),
                             [&](const match& x) { return modified(c, s.column, x.state.get()); });
        } else {
          impl.for_each_identity([&](instance_state* st) {
            if (!back && st->owner_mapper == &m && !st->expired && modified(c, s.column, st)) back = true;
          });
        }
      }
      if (back) read_back.push_back(s.column);
    }
    read_back.insert(read_back.end(), server_updated.begin(), server_updated.end());
  }
  const bool returning = sync == synchronize_session::fetch || !read_back.empty();
  if (returning && !impl.bound_engine().dialect().supports_returning())
    throw InvalidRequestError(name + ": synchronize_session needs RETURNING, which " +
                              std::string(impl.bound_engine().dialect().name()) +
                              " does not have; use synchronize_session::evaluate or none");
  std::vector<std::string> returned;
  if (returning) {
    for (auto k : m.primary_key) returned.push_back(m.columns[k].column.name);
    for (auto i : read_back) returned.push_back(m.columns[i].column.name);
  }

  engine::result res;
  if (spec.is_delete) {
    sql::delete_ d(m.table.name());
    for (const auto& w : spec.where) d.where(w);
    if (returning) d.returning(returned);
    res = impl.connection().execute(d);
  } else {
    sql::update u(m.table.name());
    for (const auto& s : sets) u.set(m.columns[s.column].column.name, s.value);
    for (const auto& w : spec.where) u.where(w);
    if (returning) u.returning(returned);
    res = impl.connection().execute(u);
  }
  const auto count = returning ? static_cast<std::int64_t>(res.size()) : res.rows_affected();
  if (sync == synchronize_session::none) return count;

  // Post-synchronization.
  state_ref scratch(m.create());
  std::unordered_map<identity_key, std::size_t, identity_hash> rows;  // key -> RETURNING row
  if (returning)
    for (std::size_t r = 0; r < res.size(); ++r) {
      auto key = normalized_key(m, scratch.get(), res[r]);
      if (sync == synchronize_session::fetch)
        if (auto* s = impl.lookup(m, key); s && s->status == status::persistent) matched.push_back({state_ref(s), false});
      rows.emplace(identity_key::of(&m, key), r);
    }
  if (sync == synchronize_session::fetch) {
    std::sort(matched.begin(), matched.end(),
              [](const match& a, const match& b) { return a.state->order < b.state->order; });
  }

  if (spec.is_delete) {
    for (auto& x : matched) impl.bulk_deleted(x.state.get());
    return count;
  }

  for (auto& x : matched) {
    auto* s = x.state.get();
    if (s->expired) continue;  // loads the new row on next access
    if (x.partly_expired) {
      impl.conditional_expire(s);
      continue;
    }
    // Every new value is computed from the object's values before the statement, as SQL's SET does.
    const engine::row_view* row = nullptr;
    std::optional<engine::row_view> row_storage;
    if (returning) {
      auto it = rows.find(identity_key::of(&m, s->key));
      if (it != rows.end()) row = &row_storage.emplace(res[it->second]);
    }
    std::vector<std::pair<std::size_t, sql::value>> values;
    bool ok = true;
    auto returned_value = [&](std::size_t column) -> std::optional<sql::value> {
      if (!row) return std::nullopt;
      auto pos = std::find(read_back.begin(), read_back.end(), column);
      return (*row)[m.primary_key.size() + static_cast<std::size_t>(pos - read_back.begin())];
    };
    for (const auto& st : sets) {
      const auto& c = m.columns[st.column];
      if (!loaded(c, s)) continue;  // a deferred column not loaded: it loads the new value
      std::optional<sql::value> v;
      if (std::find(read_back.begin(), read_back.end(), st.column) != read_back.end()) {
        v = returned_value(st.column);
      } else {
        try {
          auto r = evaluate(*st.eval, m, s);
          if (!r.expired) v = std::move(r.v);
        } catch (const unevaluatable&) {
        }
      }
      if (!v) {
        ok = false;
        break;
      }
      values.emplace_back(st.column, std::move(*v));
    }
    for (auto i : server_updated) {
      if (!loaded(m.columns[i], s)) continue;
      auto v = returned_value(i);
      if (!v) {
        ok = false;
        break;
      }
      values.emplace_back(i, std::move(*v));
    }
    if (!ok) {
      impl.conditional_expire(s);
      continue;
    }
    bool key_changed = false;
    for (auto& [i, v] : values) {
      const auto& c = m.columns[i];
      c.set(s->object, v);
      if (i < s->committed.size()) s->committed[i] = c.get(s->object);
      if (c.deferred)
        if (auto* d = c.deferred(s->object)) d->settle();
      if (std::find(m.primary_key.begin(), m.primary_key.end(), i) != m.primary_key.end()) key_changed = true;
    }
    if (key_changed) {
      auto key = m.key_of(s->object);
      if (key != s->key) {
        impl.drop_identity(s);
        s->key = std::move(key);
        impl.put_identity(s);
      }
    }
    fire_object(impl, event_kind::refresh, s);
  }
  return count;
}

}  // namespace retort::orm
