// Turning rows into objects (SQLAlchemy's loading.py): every row goes through
// the identity map, so one row is one object per session. Called by queries,
// get(), refresh and loader strategies.
#include <algorithm>

#include "orm/session_impl.hpp"
#include "retort/orm/deferred.hpp"
#include "retort/orm/relationship.hpp"
#include "retort/util/error.hpp"

namespace retort::orm {

sql::select select_columns(const mapper& m) {
  sql::select s;
  for (auto i : m.plan.selected) s.column(sql::column_ref<int>(m.table.name(), m.columns[i].column.name));
  for (const auto& c : m.computed) s.column(c.expression.label(c.attribute));  // column_property, after the columns
  s.from(m.table.name());
  return s;
}

std::vector<sql::expr<bool>> match(const mapper& m, const std::vector<std::size_t>& columns,
                                   const std::vector<sql::value>& values) {
  std::vector<sql::expr<bool>> out;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    auto col = sql::column_ref<int>(m.table.name(), m.columns[columns[i]].column.name);
    out.push_back(sql::expr<bool>(sql::detail::make_binary(col.get(), "=", sql::detail::make_bind(values[i]))));
  }
  return out;
}

std::vector<sql::value> read(const mapper& m, const void* object, const std::vector<std::size_t>& columns) {
  std::vector<sql::value> out;
  out.reserve(columns.size());
  for (auto i : columns) out.push_back(m.columns[i].get(object));
  return out;
}

namespace {

/// Sets the columns `plan` selects from the row (at `offset`, in the plan's
/// order) and takes the snapshot dirty tracking compares with; the deferred
/// columns it leaves out are unloaded (or set to raise).
void populate(const mapper& m, instance_state* s, const engine::row_view& row, std::size_t offset,
              const column_plan& plan, bool consume = false) {
  s->committed.resize(m.columns.size());
  for (std::size_t i = 0; i < m.columns.size(); ++i) {
    const auto& c = m.columns[i];
    const auto at = plan.position[i];
    if (at == column_plan::absent) {  // only deferred<T> members are ever left out
      c.deferred(s->object)->unload(plan.modes[i] == column_plan::mode::raise);
      s->committed[i] = sql::value();
      continue;
    }
    try {
      if (consume && !c.deferred) {
        // The row is the caller's and this cell is read once: the cell becomes
        // the snapshot (the result is not const; row_view only shows it so).
        auto& cell = const_cast<sql::value&>(row[offset + at]);
        c.load(s->object, cell);
        s->committed[i] = std::move(cell);
        continue;
      }
      c.set(s->object, row[offset + at]);
    } catch (const LookupError& e) {  // a stored enum name that is no enumerator: keeps its type
      throw LookupError("loading " + m.class_name + "." + c.attribute + ": " + e.what());
    } catch (const ArgumentError& e) {
      throw ArgumentError("loading " + m.class_name + "." + c.attribute + ": " + e.what());
    }
    s->committed[i] = c.get(s->object);
    if (c.deferred) c.deferred(s->object)->settle();
  }
  // Computed properties follow the columns; never written, so no snapshot.
  for (std::size_t k = 0; k < plan.computed && k < m.computed.size(); ++k) {
    const auto& c = m.computed[k];
    try {
      c.set(s->object, row[offset + plan.selected.size() + k]);
    } catch (const ArgumentError& e) {
      throw ArgumentError("loading " + m.class_name + "." + c.attribute + ": " + e.what());
    }
  }
  s->expired = false;
}

/// An object already loaded takes from the row only its deferred columns not
/// loaded yet (SQLAlchemy populates an existing object's unloaded attributes).
void fill_unloaded(const mapper& m, instance_state* s, const engine::row_view& row, std::size_t offset,
                   const column_plan& plan) {
  for (std::size_t i = 0; i < m.columns.size(); ++i) {
    const auto& c = m.columns[i];
    if (!c.deferred || plan.position[i] == column_plan::absent) continue;
    auto* d = c.deferred(s->object);
    if (d->is_loaded()) continue;
    c.set(s->object, row[offset + plan.position[i]]);
    s->committed[i] = c.get(s->object);
    d->settle();
  }
}

void unload_relationships(instance_state* s) {
  for (const auto& rel : s->owner_mapper->relationships) rel.slot(s->object)->unload();
}

}  // namespace

instance_state* session_impl::load_row(const mapper& m, const engine::row_view& row, std::size_t offset,
                                       bool overwrite, bool* created, const column_plan* columns, bool consume) {
  if (created) *created = false;
  const column_plan& plan = columns ? *columns : m.plan;
  identity_key k{&m, 0, {}};
  if (m.primary_key.size() == 1 && row[offset + plan.position[m.primary_key[0]]].kind() == sql::value_kind::integer) {
    k.id = row[offset + plan.position[m.primary_key[0]]].as_int();
  } else {
    for (auto i : m.primary_key) k.values.push_back(row[offset + plan.position[i]]);
    k = identity_key::of(&m, k.values);
  }
  if (auto* existing = lookup(k)) {
    if (overwrite) unload_relationships(existing);
    if (existing->expired || overwrite) {
      populate(m, existing, row, offset, plan, consume);
      fire_object(*this, event_kind::refresh, existing);
    } else if (m.has_deferred) {
      fill_unloaded(m, existing, row, offset, plan);
    }
    return existing;
  }
  if (created) *created = true;
  state_ref fresh(m.create());
  bind_slots(fresh.get());
  populate(m, fresh.get(), row, offset, plan, consume);
  unload_relationships(fresh.get());
  fresh->status = status::persistent;
  fresh->session = this;
  fresh->key = m.key_of(fresh->object);
  fresh->order = order_++;
  put_identity(fresh.get());
  fire_object(*this, event_kind::load, fresh.get());
  return fresh.get();
}

std::vector<state_ref> session_impl::load_textual(const mapper& m, const sql::compiled& c, bool overwrite) {
  in_use guard(*this);
  auto rows = connection().execute(c);
  const auto& names = rows.columns();
  // Where each column a load selects sits in the statement's rows.
  std::vector<std::size_t> at;
  std::vector<std::string> ordered;
  for (auto i : m.plan.selected) {
    const auto& name = m.columns[i].column.name;
    auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end())
      throw InvalidRequestError("from_statement: the statement returns no column '" + name + "' for " + m.class_name +
                                "." + m.columns[i].attribute + " (a plain member loads with its object: select it, or "
                                "declare it retort::deferred<T>)");
    at.push_back(static_cast<std::size_t>(it - names.begin()));
    ordered.push_back(name);
  }
  engine::result by_plan(std::move(ordered));
  by_plan.reserve_cells(rows.size() * at.size());
  for (std::size_t r = 0; r < rows.size(); ++r) {
    auto row = rows.row(r);
    for (auto k : at) by_plan.push(row[k]);
  }
  std::vector<state_ref> out;
  out.reserve(rows.size());
  column_plan columns_only = m.plan;  // the statement's columns; computed properties are not among them
  columns_only.computed = 0;
  for (std::size_t r = 0; r < by_plan.size(); ++r)
    out.emplace_back(load_row(m, by_plan.row(r), 0, overwrite, nullptr, &columns_only, true));
  note_cohort(out);
  return out;
}

std::vector<state_ref> session_impl::load_all(const mapper& m, const sql::select& s) {
  in_use guard(*this);
  auto& conn = connection();
  auto rows = conn.execute(s);
  std::vector<state_ref> out;
  out.reserve(rows.size());
  for (std::size_t r = 0; r < rows.size(); ++r) out.emplace_back(load_row(m, rows.row(r), 0, false, nullptr, nullptr, true));
  return out;
}

const std::string& session_impl::select_where_sql(const mapper& m, const std::vector<std::size_t>& columns,
                                                 bool order_by_key) {
  // `columns` is a mapper's or relationship's own vector: its address names the
  // shape. Compiled once per engine, for every session on it.
  return engine_.cached_text({&m, &columns, order_by_key ? 1 : 0}, [&] {
    auto q = select_columns(m);
    for (auto& w : match(m, columns, std::vector<sql::value>(columns.size()))) q.where(w);
    if (order_by_key)
      for (auto i : m.primary_key) q.order_by(sql::column_ref<int>(m.table.name(), m.columns[i].column.name));
    return sql::compile(q, engine_.dialect()).sql;
  });
}

/// The parameters a cached `SELECT <m's columns> ... WHERE ...` takes before
/// its WHERE's: those of m's computed properties, which come first in the text.
std::vector<sql::value> session_impl::with_select_params(const mapper& m, const std::vector<sql::value>& where) {
  if (m.computed.empty()) return where;
  auto it = select_params_.find(&m);
  if (it == select_params_.end())
    it = select_params_.emplace(&m, sql::compile(select_columns(m), engine_.dialect()).params).first;
  std::vector<sql::value> out = it->second;
  out.insert(out.end(), where.begin(), where.end());
  return out;
}

std::vector<state_ref> session_impl::load_where(const mapper& m, const std::vector<std::size_t>& columns,
                                                const std::vector<sql::value>& values, bool order_by_key) {
  in_use guard(*this);
  const auto& text = select_where_sql(m, columns, order_by_key);
  auto rows = m.computed.empty() ? connection().execute(text, values)
                                 : connection().execute(text, with_select_params(m, values));
  std::vector<state_ref> out;
  out.reserve(rows.size());
  for (std::size_t r = 0; r < rows.size(); ++r) out.emplace_back(load_row(m, rows.row(r), 0, false, nullptr, nullptr, true));
  return out;
}

std::vector<state_ref> session_impl::load_related(const relationship_property& rel, const std::vector<sql::value>& key) {
  in_use guard(*this);
  const auto& text = engine_.cached_text({&rel, nullptr, 2}, [&] {
    auto q = rel.join.lazy_select(*rel.parent, *rel.target, rel.kind == slot_kind::collection, rel.order_by_columns);
    return sql::compile(q, engine_.dialect()).sql;
  });
  auto rows = rel.target->computed.empty() ? connection().execute(text, key)
                                            : connection().execute(text, with_select_params(*rel.target, key));
  std::vector<state_ref> out;
  out.reserve(rows.size());
  for (std::size_t r = 0; r < rows.size(); ++r) out.emplace_back(load_row(*rel.target, rows.row(r), 0, false, nullptr, nullptr, true));
  note_cohort(out);
  return out;
}

void session_impl::refresh(instance_state* s) {
  in_use guard(*this);
  check_active();
  const mapper& m = *s->owner_mapper;
  if (s->status != status::persistent || s->key.empty())
    throw InvalidRequestError("refresh: the instance of " + m.class_name + " is " +
                              (s->status == status::pending ? "pending (added, not yet flushed)" : "not persistent") +
                              "; it has no row in this session to refresh from (SQLAlchemy: 'is not persistent "
                              "within this Session')");
  auto rows = connection().execute(select_where_sql(m, m.primary_key, false), with_select_params(m, s->key));
  if (rows.empty())
    throw ObjectDeletedError("instance of " + m.class_name + " has been deleted, or its row is otherwise not present");
  populate(m, s, rows.row(0), 0, m.plan, true);
  fire_object(*this, event_kind::refresh, s);
}

void session_impl::load_columns(instance_state* s, const std::vector<std::size_t>& columns) {
  in_use guard(*this);
  check_active();
  autoflush();  // as SQLAlchemy's deferred load (the column itself, not loaded, is never written)
  const mapper& m = *s->owner_mapper;
  // "Article.body (deferred load)" in the query record.
  engine::statement_origin origin{engine::statement_origin::form::relationship, "deferred load", m.class_name,
                                  m.columns[columns.front()].attribute, nullptr};
  engine::origin_scope scope(origin, recording());
  auto key = std::make_pair(&m, columns);
  auto it = deferred_sql_.find(key);
  if (it == deferred_sql_.end()) {
    sql::select q;
    for (auto i : columns) q.column(sql::column_ref<int>(m.table.name(), m.columns[i].column.name));
    q.from(m.table.name());
    for (auto& w : match(m, m.primary_key, std::vector<sql::value>(m.primary_key.size()))) q.where(w);
    it = deferred_sql_.emplace(std::move(key), sql::compile(q, engine_.dialect()).sql).first;
  }
  auto rows = connection().execute(it->second, s->key);
  if (rows.empty())
    throw ObjectDeletedError("instance of " + m.class_name + " has been deleted, or its row is otherwise not present");
  auto row = rows.row(0);
  for (std::size_t j = 0; j < columns.size(); ++j) {
    const auto& c = m.columns[columns[j]];
    try {
      c.set(s->object, row[j]);
    } catch (const LookupError& e) {
      throw LookupError("loading " + m.class_name + "." + c.attribute + ": " + e.what());
    } catch (const ArgumentError& e) {
      throw ArgumentError("loading " + m.class_name + "." + c.attribute + ": " + e.what());
    }
    s->committed[columns[j]] = c.get(s->object);
    c.deferred(s->object)->settle();
  }
}

}  // namespace retort::orm
