// ORM INSERT of many rows (retort/orm/dml.hpp: session.execute(insert<T>(), rows)),
// SQLAlchemy 2.0's "ORM bulk INSERT": the rows go to the database without
// becoming objects of the session, unless insert(...).returning() asks for
// them, and upserts (ON CONFLICT ... DO NOTHING / DO UPDATE). A row's columns
// follow the flush's rule for what is "unset" (docs/models.md): an unset
// column with a default_ takes it (called once per row), one with a server
// default or a generated key is left to the database. Consecutive rows that
// give the same columns share statements: multi-row VALUES in batches where
// the dialect prefers them (PostgreSQL), one prepared statement run per row
// otherwise (SQLite's executemany), as the flush batches INSERTs.
#include <algorithm>
#include <string>
#include <vector>

#include "orm/dml_target.hpp"
#include "orm/session_impl.hpp"
#include "orm/statement_cause.hpp"
#include "orm/unit_of_work.hpp"
#include "retort/orm/dml.hpp"
#include "retort/orm/mapping.hpp"
#include "retort/orm/session.hpp"
#include "retort/sql/compiler.hpp"
#include "retort/sql/statement.hpp"
#include "retort/util/error.hpp"

namespace retort::orm {

namespace {

constexpr std::size_t max_rows_per_statement = 1000;

/// The rows of one statement shape: which columns they give, and their values.
struct row_group {
  std::vector<std::size_t> columns;
  std::vector<std::vector<sql::value>> rows;
};

/// Adds a row to the last group if it gives the same columns, else starts a group.
void add_row(std::vector<row_group>& groups, std::vector<std::size_t> columns, std::vector<sql::value> values) {
  if (groups.empty() || groups.back().columns != columns) groups.push_back({std::move(columns), {}});
  groups.back().rows.push_back(std::move(values));
}

bool generated_key(const mapper& m, std::size_t i) {
  auto k = m.autoincrement_column();
  return k && *k == i;
}

std::string name_of(const insert_spec& spec) { return "insert(" + spec.m->class_name + ")"; }

/// Fills the unset columns of `scratch` that have a default_, then reads the row back.
/// `given` says which columns the row set.
void apply_defaults(const mapper& m, instance_state* scratch, const std::vector<bool>& given,
                    std::vector<std::size_t>& columns, std::vector<sql::value>& values) {
  default_context ctx(m, scratch->object, true);
  for (std::size_t i = 0; i < m.columns.size(); ++i) {
    const auto& c = m.columns[i];
    if (given[i] || !c.insert_default) continue;
    c.insert_default(scratch->object, ctx);
  }
  columns.clear();
  values.clear();
  for (std::size_t i = 0; i < m.columns.size(); ++i)
    if (given[i] || m.columns[i].insert_default) {
      columns.push_back(i);
      values.push_back(m.columns[i].get(scratch->object));
    }
}

sql::insert::conflict resolve_conflict(const insert_spec& spec) {
  const mapper& m = *spec.m;
  const auto& c = *spec.on_conflict;
  sql::insert::conflict out;
  for (const auto& t : c.target) out.target.push_back(m.find_column(t)->column.name);
  for (const auto& a : c.sets) {
    const auto* col = assignment_target(m, a.attribute);
    if (!col)
      throw ArgumentError(name_of(spec) + ".on_conflict_do_update: " + m.class_name + " has no column attribute '" +
                          a.attribute + "'");
    out.sets.emplace_back(col->column.name, a.value);
  }
  out.where = c.where;
  return out;
}

std::int64_t run(retort::session& sess, const insert_spec& spec, std::vector<row_group> groups,
                 std::vector<state_ref>* objects) {
  const mapper& m = *spec.m;
  auto& impl = sess.impl();
  impl.autoflush();
  auto& conn = impl.connection();
  const auto& d = conn.dialect();
  std::optional<sql::insert::conflict> conflict;
  if (spec.on_conflict) conflict = resolve_conflict(spec);
  std::vector<std::string> returned;
  if (spec.returning) {
    if (!d.supports_returning()) throw InvalidRequestError(name_of(spec) + ".returning(): " + std::string(d.name()) +
                                                           " has no RETURNING");
    for (auto i : m.plan.selected) returned.push_back(m.columns[i].column.name);
  }
  std::int64_t count = 0;
  column_plan returned_plan = m.plan;  // RETURNING names columns; computed properties stay unloaded
  returned_plan.computed = 0;
  auto take = [&](const engine::result& r) {
    if (spec.returning) {
      count += static_cast<std::int64_t>(r.size());
      for (std::size_t i = 0; i < r.size(); ++i)
        objects->emplace_back(impl.load_row(m, r.row(i), 0, spec.populate_existing, nullptr, &returned_plan));
    } else {
      count += r.rows_affected();
    }
  };
  for (auto& g : groups) {
    std::vector<std::string> names;
    for (auto i : g.columns) names.push_back(m.columns[i].column.name);
    auto statement = [&](std::size_t from, std::size_t to, bool take_rows) {
      sql::insert ins(m.table.name());
      ins.columns(names);
      for (std::size_t r = from; r < to; ++r) ins.row(take_rows ? std::move(g.rows[r]) : g.rows[r]);
      if (conflict) ins.on_conflict(*conflict);
      if (!returned.empty()) ins.returning(returned);
      return ins;
    };
    if (g.columns.empty() || !d.prefers_multirow_insert()) {
      // One prepared statement, run once per row (DEFAULT VALUES cannot be multi-row).
      auto compiled = sql::compile(statement(0, 1, false), d);
      if (g.columns.empty()) {
        for (std::size_t r = 0; r < g.rows.size(); ++r) take(conn.execute(compiled));
      } else {
        // The parameters after the row's own (an upsert's SET values) are the same for every row.
        if (compiled.params.size() > g.columns.size())
          for (auto& row : g.rows)
            row.insert(row.end(), compiled.params.begin() + static_cast<std::ptrdiff_t>(g.columns.size()),
                       compiled.params.end());
        for (auto& res : conn.execute_many(compiled.sql, g.rows)) take(res);
      }
      continue;
    }
    const std::size_t batch =
        std::max<std::size_t>(1, std::min(max_rows_per_statement, d.max_parameters() / g.columns.size()));
    // Every full batch has the same text: compiled once, its parameters the
    // rows' values then the statement's own (an upsert's SET values).
    std::optional<sql::compiled> full;
    for (std::size_t from = 0; from < g.rows.size(); from += batch) {
      const std::size_t to = std::min(g.rows.size(), from + batch);
      if (to - from < batch || !full) {
        auto c = sql::compile(statement(from, to, to - from < batch), d);
        if (to - from < batch) {
          take(conn.execute(c));
          continue;
        }
        full = std::move(c);
        take(conn.execute(*full));
        continue;
      }
      std::vector<sql::value> params;
      params.reserve(full->params.size());
      for (std::size_t r = from; r < to; ++r)
        for (std::size_t k = 0; k < g.rows[r].size(); ++k) {
          d.check_text(g.rows[r][k], m.table.name(), names[k]);  // what the compiler checks of every value
          params.push_back(std::move(g.rows[r][k]));
        }
      params.insert(params.end(), full->params.begin() + static_cast<std::ptrdiff_t>(batch * g.columns.size()),
                    full->params.end());
      take(conn.execute(full->sql, params));
    }
  }
  return count;
}

void check_spec(const insert_spec& spec) {
  if (!spec.on_conflict) return;
  const mapper& m = *spec.m;
  for (const auto& t : spec.on_conflict->target)
    if (!m.find_column(t))
      throw ArgumentError(name_of(spec) + ".on_conflict: " + m.class_name + "." + t + " is not a column");
}

/// What both overloads do first: the query record's cause, the session's
/// one-thread guard, the failed-flush check and the upsert's target columns.
class insert_call {
 public:
  insert_call(session_impl& impl, const insert_spec& spec, const retort::source_location& where)
      : cause_(impl, "insert", spec.m->class_name, "execute", where), guard_(impl) {
    impl.check_active();
    check_spec(spec);
  }

 private:
  call_cause cause_;
  session_impl::in_use guard_;
};

}  // namespace

std::int64_t execute_insert(retort::session& sess, const insert_spec& spec,
                            util::function_ref<const void*(std::size_t)> object_at, std::size_t n,
                            std::vector<state_ref>* objects, const retort::source_location& where) {
  const mapper& m = *spec.m;
  insert_call call(sess.impl(), spec, where);
  if (n == 0) return 0;
  const bool any_default = std::any_of(m.columns.begin(), m.columns.end(), [](const column_property& c) {
    return static_cast<bool>(c.insert_default);
  });
  state_ref scratch;
  if (any_default) scratch = state_ref(m.create());
  std::vector<row_group> groups;
  std::vector<bool> given(m.columns.size());
  std::vector<std::size_t> columns;
  std::vector<sql::value> values;
  for (std::size_t r = 0; r < n; ++r) {
    const void* object = object_at(r);
    columns.clear();
    values.clear();
    values.reserve(m.columns.size());
    bool defaults = false;
    for (std::size_t i = 0; i < m.columns.size(); ++i) {
      const auto& c = m.columns[i];
      const bool unset = is_unset(c, object);
      given[i] = !unset || !(c.insert_default || c.column.server_default || generated_key(m, i));
      defaults = defaults || (unset && c.insert_default);
      if (given[i]) {
        columns.push_back(i);
        values.push_back(c.get(object));
      }
    }
    if (defaults) {
      for (std::size_t i = 0; i < m.columns.size(); ++i) m.columns[i].set(scratch->object, m.columns[i].get(object));
      apply_defaults(m, scratch.get(), given, columns, values);
    }
    add_row(groups, std::move(columns), std::move(values));
  }
  return run(sess, spec, std::move(groups), objects);
}

std::int64_t execute_insert(retort::session& sess, const insert_spec& spec, const std::vector<value_row>& rows,
                            std::vector<state_ref>* objects, const retort::source_location& where) {
  const mapper& m = *spec.m;
  insert_call call(sess.impl(), spec, where);
  if (rows.empty()) return 0;
  std::vector<row_group> groups;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    std::vector<bool> given(m.columns.size());
    std::vector<sql::value> by_column(m.columns.size());
    for (const auto& a : rows[r]) {
      const auto* c = assignment_target(m, a.attribute);
      if (!c)
        throw ArgumentError(name_of(spec) + ": row " + std::to_string(r) + ": " + m.class_name +
                            " has no column attribute '" + a.attribute + "'");
      const auto i = static_cast<std::size_t>(c - m.columns.data());
      if (given[i])
        throw ArgumentError(name_of(spec) + ": row " + std::to_string(r) + " gives " + m.class_name + "." +
                            c->attribute + " twice");
      if (!a.value || a.value.get()->kind != sql::node_kind::bind)
        throw ArgumentError(name_of(spec) + ": row " + std::to_string(r) + ": " + m.class_name + "." + c->attribute +
                            " must be a value, not a SQL expression");
      given[i] = true;
      by_column[i] = a.value.get()->bound;
    }
    std::vector<std::size_t> columns;
    std::vector<sql::value> values;
    bool defaults = false;
    for (std::size_t i = 0; i < m.columns.size(); ++i) {
      if (given[i]) {
        columns.push_back(i);
        values.push_back(by_column[i]);
      } else if (m.columns[i].insert_default) {
        defaults = true;
      }
    }
    if (defaults) {  // a fresh object: the columns the row does not give hold their initial values
      state_ref scratch(m.create());
      for (std::size_t i = 0; i < m.columns.size(); ++i)
        if (given[i]) m.columns[i].set(scratch->object, by_column[i]);
      apply_defaults(m, scratch.get(), given, columns, values);
    }
    add_row(groups, std::move(columns), std::move(values));
  }
  return run(sess, spec, std::move(groups), objects);
}

}  // namespace retort::orm
