// SQL emission for flush (SQLAlchemy's persistence.py); called only by the
// unit of work. Rows of one shape share a statement: executemany on one
// prepared statement, or on PostgreSQL multi-row INSERT ... RETURNING batches.
#include <algorithm>

#include "orm/unit_of_work.hpp"
#include "orm/validation.hpp"
#include "retort/util/error.hpp"

namespace retort::orm {

namespace {

constexpr std::size_t max_rows_per_insert = 1000;

struct shape {
  std::vector<std::size_t> columns;
  std::vector<instance_state*> states;
};

void add_to_shape(std::vector<shape>& shapes, std::vector<std::size_t> columns, instance_state* s) {
  for (auto& sh : shapes)
    if (sh.columns == columns) {
      sh.states.push_back(s);
      return;
    }
  shapes.push_back({std::move(columns), {s}});
}

std::vector<std::string> names(const mapper& m, const std::vector<std::size_t>& columns) {
  std::vector<std::string> out;
  for (auto i : columns) out.push_back(m.columns[i].column.name);
  return out;
}

std::vector<sql::value> row_of(const mapper& m, const instance_state* s, const std::vector<std::size_t>& columns) {
  return read(m, s->object, columns);
}

/// Rows sent by executemany reach the compiler only as their first row: the
/// others are checked here (dialect::check_text), naming their column, before
/// anything is sent. The first `columns.size()` values of each row are checked.
void check_rows(const sql::dialect& d, const mapper& m, const std::vector<std::size_t>& columns,
                const std::vector<std::vector<sql::value>>& rows) {
  if (d.text_holds_nul()) return;
  for (const auto& row : rows)
    for (std::size_t i = 0; i < columns.size(); ++i) d.check_text(row[i], m.table.name(), m.columns[columns[i]].column.name);
}

void assign_key(const mapper& m, instance_state* s, std::size_t column, const sql::value& v,
                std::vector<instance_state*>& keyed) {
  m.columns[column].set(s->object, v);
  keyed.push_back(s);
}

/// What an INSERT reads back: the generated key (if the rows need one) and the
/// server defaults of the columns it leaves out (if eager_defaults fetches them).
/// Without a generated key, a multi-row statement's rows are matched to their
/// objects by primary key, so the key columns come back too.
struct read_back {
  const std::size_t* key_col = nullptr;
  std::vector<std::size_t> fetch;
  std::vector<std::size_t> key_columns;  ///< returned before `fetch` when there is no key_col

  bool empty() const { return !key_col && fetch.empty(); }
  std::vector<std::string> names(const mapper& m) const {
    std::vector<std::string> out;
    if (key_col) out.push_back(m.columns[*key_col].column.name);
    for (auto i : key_columns) out.push_back(m.columns[i].column.name);
    for (auto i : fetch) out.push_back(m.columns[i].column.name);
    return out;
  }
  /// Sets a row's fetched values on its object; `row` as `names` lists them.
  void store(const mapper& m, instance_state* s, const engine::row_view& row) const {
    std::size_t at = (key_col ? 1 : 0) + key_columns.size();
    for (auto i : fetch) m.columns[i].set(s->object, row[at++]);
  }
};

/// SQLite and friends: one prepared INSERT, run per row; the driver reports each
/// new rowid, or RETURNING gives it with the server defaults.
void insert_each(engine::connection& conn, const mapper& m, const shape& sh, const read_back& rb,
                 std::vector<instance_state*>& keyed) {
  std::vector<std::vector<sql::value>> rows;
  rows.reserve(sh.states.size());
  for (auto* s : sh.states) rows.push_back(row_of(m, s, sh.columns));
  check_rows(conn.dialect(), m, sh.columns, rows);
  sql::insert ins(m.table.name());
  ins.columns(names(m, sh.columns)).row(rows.front());
  const bool returning = !rb.fetch.empty();
  if (returning) ins.returning(rb.names(m));
  auto text = sql::compile(ins, conn.dialect()).sql;
  auto results = conn.execute_many(text, rows);
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (returning) {
      if (results[i].size() != 1)
        throw InvalidRequestError("INSERT into " + m.table.name() + " returned " + std::to_string(results[i].size()) +
                                  " rows for one");
      auto row = results[i].row(0);
      if (rb.key_col) assign_key(m, sh.states[i], *rb.key_col, row[0], keyed);
      rb.store(m, sh.states[i], row);
      continue;
    }
    if (!rb.key_col) continue;
    auto id = results[i].last_insert_id();
    if (!id) throw InvalidRequestError("the driver reported no generated key for an INSERT into " + m.table.name());
    assign_key(m, sh.states[i], *rb.key_col, sql::value(*id), keyed);
  }
}

/// Gives each returned row of a multi-row INSERT to its object: by ascending
/// generated key (rows are inserted in order), else by primary key.
void match_returned(const mapper& m, const std::vector<instance_state*>& states, const engine::result& r,
                    const read_back& rb, std::vector<instance_state*>& keyed) {
  if (r.size() != states.size())
    throw InvalidRequestError("INSERT into " + m.table.name() + " returned " + std::to_string(r.size()) +
                              " rows for " + std::to_string(states.size()) + " rows");
  if (rb.key_col) {
    std::vector<std::size_t> order(r.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return r.row(a)[0].as_int() < r.row(b)[0].as_int(); });
    for (std::size_t i = 0; i < states.size(); ++i) {
      auto row = r.row(order[i]);
      assign_key(m, states[i], *rb.key_col, sql::value(row[0].as_int()), keyed);
      rb.store(m, states[i], row);
    }
    return;
  }
  for (std::size_t i = 0; i < r.size(); ++i) {
    auto row = r.row(i);
    std::vector<sql::value> key;
    for (std::size_t k = 0; k < rb.key_columns.size(); ++k) key.push_back(row[k]);
    for (auto* s : states)
      if (m.key_of(s->object) == key) {
        rb.store(m, s, row);
        break;
      }
  }
}

/// PostgreSQL: multi-row INSERT ... RETURNING key (and fetched defaults) per batch.
/// Rows are inserted in order (sentinel ORDER BY), so ascending keys match rows in order.
void insert_batched(engine::connection& conn, const mapper& m, const shape& sh, const read_back& rb,
                    std::vector<instance_state*>& keyed) {
  const auto& d = conn.dialect();
  std::size_t per_row = std::max<std::size_t>(1, sh.columns.size());
  std::size_t batch = std::max<std::size_t>(1, std::min(max_rows_per_insert, d.max_parameters() / per_row));
  std::vector<sql::type> types;
  for (auto i : sh.columns) types.push_back(m.columns[i].column.sql_type);
  for (std::size_t start = 0; start < sh.states.size(); start += batch) {
    std::size_t end = std::min(sh.states.size(), start + batch);
    sql::insert ins(m.table.name());
    ins.columns(names(m, sh.columns)).types(types);
    for (std::size_t i = start; i < end; ++i) ins.row(row_of(m, sh.states[i], sh.columns));  // checked by the compiler
    if (!rb.empty()) ins.returning(rb.names(m));
    if (rb.key_col && end - start > 1 && !sh.columns.empty()) ins.sentinel_ordered();
    if (sh.columns.empty() && end - start > 1) {  // DEFAULT VALUES cannot be multi-row
      for (std::size_t i = start; i < end; ++i) insert_batched(conn, m, shape{{}, {sh.states[i]}}, rb, keyed);
      continue;
    }
    auto r = conn.execute(sql::compile(ins, d));
    if (rb.empty()) continue;
    match_returned(m, std::vector<instance_state*>(sh.states.begin() + static_cast<std::ptrdiff_t>(start),
                                                   sh.states.begin() + static_cast<std::ptrdiff_t>(end)),
                   r, rb, keyed);
  }
}

[[noreturn]] void stale(const char* verb, const mapper& m, std::size_t expected, std::int64_t matched,
                        const instance_state* s = nullptr) {
  std::string what = std::string(verb) + " statement on table '" + m.table.name() + "' expected to " +
                     (verb[0] == 'U' ? "update " : "delete ") + std::to_string(expected) + " row(s); " +
                     std::to_string(matched) + " were matched";
  if (s && m.version_column) {
    std::string key;
    for (const auto& v : s->key) key += (key.empty() ? "" : ", ") + v.repr();
    what += " (" + m.class_name + " (" + key + ") at version " + version_counter::loaded(m, s).repr() +
            ": changed or deleted by another transaction since it was loaded)";
  }
  throw StaleDataError(what);
}

}  // namespace

// The version counter (SQLAlchemy's version_id_col): the one place that knows it.
sql::value version_counter::loaded(const mapper& m, const instance_state* s) {
  const auto i = *m.version_column;
  if (s->committed.size() == m.columns.size()) return s->committed[i];
  return m.columns[i].get(s->object);
}

void version_counter::stamp_insert(const mapper& m, instance_state* s) {
  if (!m.version_column) return;
  // Always the first version, over a value the application set: SQLAlchemy's
  // INSERT takes version_id_generator(None) whatever the attribute holds.
  const auto& c = m.columns[*m.version_column];
  c.set(s->object, c.version_generator ? c.version_generator(sql::value()) : sql::value(std::int64_t{1}));
}

void version_counter::bump(const mapper& m, instance_state* s, std::vector<std::size_t>& columns) {
  if (!m.version_column) return;
  const auto i = *m.version_column;
  if (std::find(columns.begin(), columns.end(), i) != columns.end()) return;  // set by the application
  const auto old = loaded(m, s);
  const auto& c = m.columns[i];
  if (c.version_generator)
    c.set(s->object, c.version_generator(old));
  else
    c.set(s->object, sql::value(old.is_null() ? std::int64_t{1} : old.as_int() + 1));
  columns.insert(std::upper_bound(columns.begin(), columns.end(), i), i);
}

void version_counter::match(const mapper& m, sql::update& up, const sql::value& v) {
  if (m.version_column) up.where(version_match(m, v));
}

void version_counter::match(const mapper& m, sql::delete_& del, const sql::value& v) {
  if (m.version_column) del.where(version_match(m, v));
}

void version_counter::append_loaded(const mapper& m, const instance_state* s, std::vector<sql::value>& row) {
  if (m.version_column) row.push_back(loaded(m, s));
}

sql::expr<bool> version_counter::version_match(const mapper& m, const sql::value& v) {
  return orm::match(m, {*m.version_column}, {v}).front();
}

bool has_key(const instance_state* s) {
  return s->status != status::pending || !needs_generated_key(*s->owner_mapper, s->object);
}

void emit_column_updates(engine::connection& conn, const mapper& m, const std::vector<std::size_t>& fk_columns,
                         const std::vector<instance_state*>& states) {
  // A versioned row's foreign-key UPDATE bumps and checks its version too, as any UPDATE of it.
  auto columns = fk_columns;
  for (auto* s : states) version_counter::bump(m, s, columns);
  std::vector<std::vector<sql::value>> rows;
  for (auto* s : states) {
    auto r = row_of(m, s, columns);
    auto key = s->key.empty() ? m.key_of(s->object) : s->key;
    r.insert(r.end(), key.begin(), key.end());
    version_counter::append_loaded(m, s, r);
    rows.push_back(std::move(r));
  }
  sql::update up(m.table.name());
  for (std::size_t i = 0; i < columns.size(); ++i) up.set(m.columns[columns[i]].column.name, rows[0][i]);
  const auto key_at = rows[0].begin() + static_cast<std::ptrdiff_t>(columns.size());
  for (auto& w : match(m, m.primary_key, std::vector<sql::value>(key_at, key_at + static_cast<std::ptrdiff_t>(m.primary_key.size()))))
    up.where(w);
  if (m.version_column) version_counter::match(m, up, rows[0].back());
  auto results = conn.execute_many(sql::compile(up, conn.dialect()).sql, rows);
  for (std::size_t k = 0; k < results.size(); ++k)
    if (results[k].rows_affected() != 1) stale("UPDATE", m, 1, results[k].rows_affected(), states[k]);
  // The row's own snapshot now holds these values: a later UPDATE of the row does not repeat them.
  for (auto* s : states)
    if (s->committed.size() == m.columns.size())
      for (auto i : columns) s->committed[i] = m.columns[i].get(s->object);
}

namespace {

std::vector<sql::expr<bool>> match_columns(const sql::table& t, const std::vector<std::string>& columns) {
  std::vector<sql::expr<bool>> out;
  for (const auto& c : columns)
    out.push_back(sql::expr<bool>(sql::detail::make_binary(sql::column_ref<int>(t.name(), c).get(), "=",
                                                           sql::detail::make_bind(sql::value()))));
  return out;
}

}  // namespace

void emit_secondary_inserts(engine::connection& conn, const sql::table& t, const std::vector<std::string>& columns,
                            const std::vector<std::vector<sql::value>>& rows) {
  sql::insert ins(t.name());
  ins.columns(columns).row(rows.front());
  conn.execute_many(sql::compile(ins, conn.dialect()).sql, rows);
}

void emit_secondary_deletes(engine::connection& conn, const sql::table& t, const std::vector<std::string>& columns,
                            const std::vector<std::vector<sql::value>>& rows) {
  sql::delete_ del(t.name());
  for (auto& w : match_columns(t, columns)) del.where(w);
  auto results = conn.execute_many(sql::compile(del, conn.dialect()).sql, rows);
  std::int64_t matched = 0;
  for (auto& r : results) matched += r.rows_affected();
  if (matched != static_cast<std::int64_t>(rows.size()))
    throw StaleDataError("DELETE statement on table '" + t.name() + "' expected to delete " +
                         std::to_string(rows.size()) + " row(s); only " + std::to_string(matched) + " were matched");
}

bool needs_generated_key(const mapper& m, const void* object) {
  auto col = m.autoincrement_column();
  if (!col) return false;
  auto v = m.columns[*col].get(object);
  return v.is_null() || (v.kind() == sql::value_kind::integer && v.as_int() == 0);
}

void emit_inserts(engine::connection& conn, const mapper& m, const std::vector<instance_state*>& states,
                  emit_log& log) {
  std::vector<shape> shapes;
  for (auto* s : states) {
    validate_row(m, s, true);  // what the code assigned, before a default fills what it did not
    apply_insert_defaults(m, s, log);
    version_counter::stamp_insert(m, s);
    std::vector<std::size_t> cols;
    bool gen = needs_generated_key(m, s->object);
    for (std::size_t i = 0; i < m.columns.size(); ++i) {
      if (gen && m.autoincrement_column() == i) continue;
      if (m.columns[i].column.server_default && is_unset(m.columns[i], s->object)) continue;  // the database's
      cols.push_back(i);
    }
    add_to_shape(shapes, std::move(cols), s);
  }
  const bool fetch = fetches_server_values(m, conn.dialect(), false);
  for (const auto& sh : shapes) {
    read_back rb;
    // The key column to read back, or null when every row of this shape brings its own key.
    auto key_col = m.autoincrement_column();
    std::size_t key_index = key_col.value_or(0);
    bool wants_key = key_col && std::find(sh.columns.begin(), sh.columns.end(), key_index) == sh.columns.end();
    rb.key_col = wants_key ? &key_index : nullptr;
    std::vector<std::size_t> generated;  // server defaults this shape leaves to the database
    for (std::size_t i = 0; i < m.columns.size(); ++i)
      if (m.columns[i].column.server_default && std::find(sh.columns.begin(), sh.columns.end(), i) == sh.columns.end())
        generated.push_back(i);
    if (fetch) {
      rb.fetch = generated;
      if (!rb.fetch.empty() && !rb.key_col) rb.key_columns = m.primary_key;
    } else if (!generated.empty()) {
      log.expire.insert(log.expire.end(), sh.states.begin(), sh.states.end());
    }
    if (conn.dialect().prefers_multirow_insert())
      insert_batched(conn, m, sh, rb, log.keyed);
    else
      insert_each(conn, m, sh, rb, log.keyed);
  }
}

void emit_updates(engine::connection& conn, const mapper& m, const std::vector<instance_state*>& states,
                  emit_log& log) {
  std::vector<shape> shapes;
  for (auto* s : states) {
    validate_row(m, s, false);  // the changed columns; a normalised value may equal the loaded one
    std::vector<std::size_t> changed;
    for (std::size_t i = 0; i < m.columns.size(); ++i)
      if (!m.columns[i].same(s->object, s->committed[i])) changed.push_back(i);
    if (changed.empty()) continue;
    apply_update_defaults(m, s, changed, log);
    version_counter::bump(m, s, changed);
    add_to_shape(shapes, std::move(changed), s);
  }
  const bool fetch = fetches_server_values(m, conn.dialect(), true);
  for (const auto& sh : shapes) {
    std::vector<std::size_t> generated;  // server_onupdate columns this UPDATE does not set
    for (std::size_t i = 0; i < m.columns.size(); ++i)
      if (m.columns[i].server_onupdate && std::find(sh.columns.begin(), sh.columns.end(), i) == sh.columns.end())
        generated.push_back(i);
    std::vector<std::vector<sql::value>> rows;
    for (auto* s : sh.states) {
      auto r = row_of(m, s, sh.columns);
      r.insert(r.end(), s->key.begin(), s->key.end());
      version_counter::append_loaded(m, s, r);
      rows.push_back(std::move(r));
    }
    check_rows(conn.dialect(), m, sh.columns, rows);
    sql::update up(m.table.name());
    for (std::size_t i = 0; i < sh.columns.size(); ++i) up.set(m.columns[sh.columns[i]].column.name, rows[0][i]);
    for (auto& w : match(m, m.primary_key, sh.states[0]->key)) up.where(w);
    if (m.version_column) version_counter::match(m, up, rows[0].back());
    const bool returning = fetch && !generated.empty();
    if (returning) up.returning(names(m, generated));
    else if (!generated.empty()) log.expire.insert(log.expire.end(), sh.states.begin(), sh.states.end());
    auto results = conn.execute_many(sql::compile(up, conn.dialect()).sql, rows);
    for (std::size_t i = 0; i < results.size(); ++i) {
      auto& r = results[i];
      if (returning) {
        if (r.size() != 1) stale("UPDATE", m, 1, static_cast<std::int64_t>(r.size()), sh.states[i]);
        auto row = r.row(0);
        for (std::size_t k = 0; k < generated.size(); ++k) m.columns[generated[k]].set(sh.states[i]->object, row[k]);
      } else if (r.rows_affected() != 1) {
        stale("UPDATE", m, 1, r.rows_affected(), sh.states[i]);
      }
    }
    // The row is at its new version now: a post_update of it later in this
    // flush matches that one, not the one it was loaded with.
    if (m.version_column)
      for (auto* st : sh.states)
        if (st->committed.size() == m.columns.size())
          st->committed[*m.version_column] = m.columns[*m.version_column].get(st->object);
  }
}

void emit_deletes(engine::connection& conn, const mapper& m, const std::vector<instance_state*>& states) {
  std::vector<std::vector<sql::value>> rows;
  for (auto* s : states) {
    rows.push_back(s->key);
    version_counter::append_loaded(m, s, rows.back());
  }
  sql::delete_ del(m.table.name());
  for (auto& w : match(m, m.primary_key, rows.front())) del.where(w);
  if (m.version_column) version_counter::match(m, del, rows.front().back());
  auto results = conn.execute_many(sql::compile(del, conn.dialect()).sql, rows);
  for (std::size_t k = 0; k < results.size(); ++k)
    if (results[k].rows_affected() != 1) stale("DELETE", m, 1, results[k].rows_affected(), states[k]);
}

}  // namespace retort::orm
