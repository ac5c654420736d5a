// The session (SQLAlchemy's Session): identity map, unit of work, and the
// transaction it runs in. Typed members are thin forwards to compiled code in
// src/orm/session.cpp. Not thread-safe: one session per thread or request (a
// second thread entering a session another thread is using gets
// InvalidRequestError). A moved-from session raises InvalidRequestError.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "retort/engine/connection.hpp"
#include "retort/orm/dml.hpp"
#include "retort/orm/events.hpp"
#include "retort/orm/mapper_builder.hpp"
#include "retort/orm/primary_key.hpp"
#include "retort/orm/query.hpp"
#include "retort/orm/row_query.hpp"
#include "retort/orm/select.hpp"
#include "retort/util/source_location.hpp"

namespace retort {

namespace orm {
class session_impl;
}
namespace detail {
/// ArgumentError: text().columns<...>() names another number of columns than the statement returns.
[[noreturn]] void text_columns_mismatch(std::size_t returned, std::size_t typed);
}

/// A SAVEPOINT scope from session.begin_nested(): commit() releases it,
/// rollback() undoes the work since it began (ending the savepoints begun
/// inside it) and keeps what came before. Destroyed while active, it rolls back.
/// It may outlive its session: commit() then raises InvalidRequestError and
/// rollback() does nothing (destroying the session rolled everything back).
class nested_transaction {
 public:
  nested_transaction(nested_transaction&& o) noexcept;
  nested_transaction& operator=(nested_transaction&&) = delete;
  ~nested_transaction();
  void commit();
  void rollback();
  bool is_active() const noexcept { return active_; }

 private:
  friend class session;
  nested_transaction(orm::session_impl* s, std::uint64_t id);
  orm::session_impl* session_;
  std::weak_ptr<void> alive_;  ///< expired once the session is destroyed
  std::uint64_t id_;
  bool active_ = true;
};

/// What the N+1 warning reports: one lazy relationship loaded one parent at a
/// time, with a statement each, for more distinct parents than
/// session_options::n_plus_one_threshold since the last commit or rollback.
struct n_plus_one_report {
  std::string relationship;  ///< "Writer.stories"
  std::string parent_class;  ///< "Writer"
  std::string attribute;     ///< "stories"
  std::size_t parents = 0;   ///< distinct parents lazily loaded so far (threshold + 1 when reported)
  std::size_t threshold = 0;
  std::string message;       ///< the sentence the default hook logs, with the advice
};

struct session_options {
  bool autoflush = true;         ///< flush before queries and lazy loads
  bool expire_on_commit = true;  ///< expire every object at commit; reload on next access
  /// Automatic N+1 batching (beyond SQLAlchemy; docs/loading.md): the first lazy
  /// load of a relationship on an object that came from a multi-row result loads
  /// it for every object of that result still in the session, with one IN query.
  /// Off: every lazy load is its own SELECT, as in SQLAlchemy.
  bool batch_lazy_loads = true;
  /// Keep this session's query record (recorded_queries(session)) even when its
  /// engine does not record; with the engine recording, the session records anyway.
  bool record_queries = false;
  /// The N+1 warning fires when one relationship has been lazily loaded (with
  /// SQL) for more than this many distinct parents since the last commit or
  /// rollback; once per relationship per session. 0: never.
  std::size_t n_plus_one_threshold = 10;
  /// Receives the N+1 warning; null logs report.message at level warning
  /// through the engine's logging sink (engine_options::sink; echo need not be on).
  std::function<void(const n_plus_one_report&)> on_n_plus_one{};
};

class session {
 public:
  explicit session(engine::engine e, session_options options = {});
  session(session&&) noexcept;
  session& operator=(session&&) noexcept;
  ~session();

  /// Adds a new object (pending until flushed); returns its handle.
  template <class T>
    requires(!std::is_lvalue_reference_v<T>)
  ptr<T> add(T&& value) {
    auto p = orm::make(std::move(value));
    add_state(p.state());
    return p;
  }
  /// Adds an existing transient or detached object.
  template <class T>
  ptr<T> add(const ptr<T>& p) {
    add_state(p.state());
    return p;
  }
  template <class T>
  void add_all(const std::vector<ptr<T>>& objects) {
    for (const auto& p : objects) add_state(p.state());
  }
  /// Marks a persistent object for deletion at the next flush (SQLAlchemy's session.delete).
  template <class T>
  void delete_(const ptr<T>& p) {
    delete_state(p.state());
  }
  /// The object with this primary key: from the identity map without SQL, else one
  /// SELECT; null when there is no such row. A key of the wrong type or count
  /// for T's primary key does not compile.
  ///
  /// A key of one, two or three columns also records the caller's location
  /// (the query record's `location`); longer keys record none.
  template <class T, class K1>
  ptr<T> get(const K1& k1, retort::source_location where = retort::source_location::current()) {
    detail::check_key_types<T, K1>();
    if constexpr (std::is_integral_v<K1> && !std::is_same_v<K1, bool>)
      return ptr<T>(get_state_by_id(orm::mapper_for<T>(), static_cast<std::int64_t>(k1), where));
    else
      return ptr<T>(get_state(orm::mapper_for<T>(), {sql::to_value(k1)}, where));
  }
  template <class T, class K1, class K2>
  ptr<T> get(const K1& k1, const K2& k2, retort::source_location where = retort::source_location::current()) {
    detail::check_key_types<T, K1, K2>();
    return ptr<T>(get_state(orm::mapper_for<T>(), {sql::to_value(k1), sql::to_value(k2)}, where));
  }
  template <class T, class K1, class K2, class K3>
  ptr<T> get(const K1& k1, const K2& k2, const K3& k3, retort::source_location where = retort::source_location::current()) {
    detail::check_key_types<T, K1, K2, K3>();
    return ptr<T>(get_state(orm::mapper_for<T>(), {sql::to_value(k1), sql::to_value(k2), sql::to_value(k3)}, where));
  }
  template <class T, class... K>
    requires(sizeof...(K) > 3 || sizeof...(K) == 0)
  ptr<T> get(const K&... key) {
    detail::check_key_types<T, K...>();
    return ptr<T>(get_state(orm::mapper_for<T>(), {sql::to_value(key)...}, {}));
  }
  template <class T>
  retort::query<T> query() {
    return retort::query<T>(orm::query_base(*this, orm::mapper_for<T>()));
  }
  /// A query of typed rows: columns, expressions and whole objects
  /// (`entity<User>`, an aliased<User>), as SQLAlchemy's
  /// `session.query(User.username, func.count(Post.id))`; see row_query.
  template <class... I>
    requires(sizeof...(I) > 0)
  row_query<typename detail::row_item<I>::type...> query(const I&... items) {
    orm::query_base b(*this);
    (detail::row_item<I>::add(b, items), ...);
    return row_query<typename detail::row_item<I>::type...>(std::move(b));
  }
  /// Runs a 2.0-style statement (SQLAlchemy's `session.execute(select(User))`):
  /// autoflush, then the rows as a retort::result (scalars(), all(), ...).
  template <class... Ts>
  result<Ts...> execute(const select_statement<Ts...>& stmt,
                        retort::source_location where = retort::source_location::current()) {
    return orm::execute(*this, stmt, where);
  }
  /// Runs an ORM UPDATE with criteria (SQLAlchemy 2.0's `session.execute(update(User).where(...).values(...))`):
  /// autoflush, one UPDATE, then the session's objects synchronized (dml.hpp); the rows matched.
  template <class T>
  dml_result execute(const update_statement<T>& stmt, retort::source_location where = retort::source_location::current()) {
    return {orm::execute_dml(*this, stmt.spec(), where)};
  }
  /// Runs an ORM DELETE with criteria (`session.execute(delete(User).where(...))`); matched objects
  /// leave the session as deleted. No relationship cascade runs (use ON DELETE CASCADE).
  template <class T>
  dml_result execute(const delete_statement<T>& stmt, retort::source_location where = retort::source_location::current()) {
    return {orm::execute_dml(*this, stmt.spec(), where)};
  }
  /// Runs an ORM INSERT of many rows (SQLAlchemy 2.0's `session.execute(insert(User), [...])`):
  /// from objects' column values (no object joins the session) or from value rows,
  /// batched per dialect; with returning(), the rows come back as objects of this session.
  template <class T>
  insert_result<T> execute(const insert_statement<T>& stmt, const std::vector<T>& rows,
                           retort::source_location where = retort::source_location::current()) {
    std::vector<orm::state_ref> objects;
    auto n = orm::execute_insert(
        *this, stmt.spec(), [&](std::size_t i) -> const void* { return &rows[i]; }, rows.size(),
        stmt.spec().returning ? &objects : nullptr, where);
    return insert_result<T>(n, std::move(objects));
  }
  template <class T>
  insert_result<T> execute(const insert_statement<T>& stmt, const std::vector<value_row>& rows,
                           retort::source_location where = retort::source_location::current()) {
    std::vector<orm::state_ref> objects;
    auto n = orm::execute_insert(*this, stmt.spec(), rows, stmt.spec().returning ? &objects : nullptr, where);
    return insert_result<T>(n, std::move(objects));
  }
  /// A textual statement on the session's transaction (SQLAlchemy's
  /// `session.execute(text("..."), {...})`): autoflush, then its rows, untyped.
  engine::result execute(const sql::text& t, retort::source_location where = retort::source_location::current());
  /// A text() with typed columns (`text(...).columns<int, std::string>()`): a
  /// retort::result of tuples; ArgumentError when the statement returns another
  /// number of columns.
  template <class... Ts>
  result<Ts...> execute(const sql::typed_text<Ts...>& t, retort::source_location where = retort::source_location::current()) {
    auto rows = execute(t.statement(), where);
    if (rows.columns().size() != sizeof...(Ts)) detail::text_columns_mismatch(rows.columns().size(), sizeof...(Ts));
    std::vector<std::tuple<Ts...>> out;
    out.reserve(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) out.push_back(decode_text_row<Ts...>(rows.row(i), std::index_sequence_for<Ts...>{}));
    return result<Ts...>(std::move(out), false);
  }
  template <class... Ts>
  auto scalars(const sql::typed_text<Ts...>& t, retort::source_location where = retort::source_location::current()) {
    return execute(t, where).scalars();
  }
  template <class... Ts>
  auto scalar(const sql::typed_text<Ts...>& t, retort::source_location where = retort::source_location::current()) {
    return execute(t, where).scalar();
  }
  /// A select read in batches (`session.scalars(select(User).execution_options(yield_per=1000))`).
  template <class T>
  streamed<T> scalars(const yield_per_statement<T>& stmt, retort::source_location where = retort::source_location::current()) {
    auto base = stmt.core().bound(*this);
    return streamed<T>(base.stream(stmt.batch(), where));
  }
  template <class T>
  streamed<T> execute(const yield_per_statement<T>& stmt, retort::source_location where = retort::source_location::current()) {
    return scalars(stmt, where);
  }
  /// `session.scalars(stmt)`: execute(stmt).scalars().
  template <class... Ts>
  auto scalars(const select_statement<Ts...>& stmt, retort::source_location where = retort::source_location::current()) {
    return execute(stmt, where).scalars();
  }
  /// `session.scalar(stmt)`: the first column of the first row, or none.
  template <class... Ts>
  auto scalar(const select_statement<Ts...>& stmt, retort::source_location where = retort::source_location::current()) {
    return execute(stmt, where).scalar();
  }
  /// Marks an object's columns and relationships stale; the next access reloads them.
  /// Follows relationships with the refresh-expire cascade to the objects loaded
  /// in them (a pending one reached so leaves the session, as SQLAlchemy's).
  template <class T>
  void expire(const ptr<T>& p) {
    expire_state(p.state());
  }
  /// Reloads an object's columns now (one SELECT); its relationships load on next
  /// access, and what its refresh-expire cascade reaches is expired.
  template <class T>
  void refresh(const ptr<T>& p) {
    refresh_state(p.state());
  }
  /// Removes an object from the session (it becomes detached, or transient if
  /// pending), and with it the objects loaded in its relationships whose cascade
  /// includes expunge (`cascades("all")`), recursively.
  template <class T>
  void expunge(const ptr<T>& p) {
    expunge_state(p.state());
  }
  /// SQLAlchemy's session.merge: the object of this session with `p`'s primary
  /// key - from the identity map (no SQL), else SELECTed, else a new pending one
  /// (also when `p` has no key yet) - with `p`'s column values copied onto it,
  /// and its loaded relationships merged along the merge cascade (on by
  /// default), each object once. `p` itself is left as it was (detached or
  /// transient); an object of this session is returned as it is.
  ///
  ///   auto u = session.merge(detached_user);        // persistent: UPDATE at flush if changed
  ///   auto v = session.merge(User{.id = 7, .username = "x"});
  template <class T>
  ptr<T> merge(const ptr<T>& p) {
    return ptr<T>(merge_state(p.state()));
  }
  template <class T>
    requires(!std::is_lvalue_reference_v<T> && mapped<T>)
  ptr<T> merge(T&& value) {
    return merge(ptr<T>(orm::make(std::move(value))));
  }
  template <class T>
  bool contains(const ptr<T>& p) const {
    return contains_state(p.state());
  }

  void flush(retort::source_location where = retort::source_location::current());
  void commit(retort::source_location where = retort::source_location::current());
  void rollback();
  /// Releases the connection and detaches every object.
  void close();
  void expire_all();
  /// SAVEPOINT; flushes first.
  nested_transaction begin_nested();
  bool in_transaction() const;
  /// Objects added and not yet flushed / changed since load / marked for deletion.
  std::size_t new_count() const;
  std::size_t dirty_count() const;
  std::size_t deleted_count() const;
  /// Objects in the identity map (SQLAlchemy's `len(session.identity_map)`).
  std::size_t identity_count() const;
  /// SQLAlchemy's session.new, session.dirty and session.deleted: pending objects,
  /// persistent objects whose columns or relationships changed since the last
  /// flush, objects marked for deletion.
  std::vector<any_ptr> new_objects() const;
  std::vector<any_ptr> dirty_objects() const;
  std::vector<any_ptr> deleted_objects() const;

  /// A session event of this session only (SQLAlchemy's event.listen(session, ...)):
  /// `auto l = session.on(retort::before_flush, [](retort::session& s, const retort::flush_context&) { ... });`
  /// Listeners for every session (retort::listen(event, f)) run first.
  template <orm::event_kind K, class F>
    requires(orm::is_session_event(K))
  listener on(event_tag<K>, F f) {
    auto& s = live();
    return listener::of_session(s, orm::add_session_listener(s, K, detail::wrap_session_listener<K>(std::move(f))));
  }

  /// The statements this session has run while it or its engine recorded
  /// (session_options::record_queries, engine_options::record_queries), oldest
  /// first: Flask-SQLAlchemy's get_recorded_queries() for one session. Kept
  /// for the session's life, until clear_recorded_queries().
  std::vector<engine::query_record> recorded_queries() const;
  void clear_recorded_queries();

  /// The connection of the current transaction (begun if needed), for Core statements.
  engine::connection& connection();
  engine::engine& bound_engine();
  /// The compiled core; InvalidRequestError on a moved-from session.
  orm::session_impl& impl();

  // Type-erased core, used by the templates above.
  void add_state(orm::instance_state* s);
  void delete_state(orm::instance_state* s);
  orm::instance_state* get_state(const orm::mapper& m, std::vector<sql::value> key, retort::source_location where = {});
  /// get() of a single integer key: an identity-map hit without building a key.
  orm::instance_state* get_state_by_id(const orm::mapper& m, std::int64_t id, retort::source_location where);
  void expire_state(orm::instance_state* s);
  void refresh_state(orm::instance_state* s);
  void expunge_state(orm::instance_state* s);
  orm::state_ref merge_state(orm::instance_state* s);
  bool contains_state(orm::instance_state* s) const;

 private:
  template <class... Ts, std::size_t... I>
  static std::tuple<Ts...> decode_text_row(const engine::row_view& r, std::index_sequence<I...>) {
    return std::tuple<Ts...>(sql::value_traits<Ts>::from(r[I])...);
  }
  orm::session_impl& live() const;
  std::unique_ptr<orm::session_impl> impl_;
};

/// Autoflush off for a scope (SQLAlchemy's `with session.no_autoflush:`):
/// queries and lazy loads inside it do not flush pending changes first.
/// Guards nest; the session-wide switch is session_options::autoflush. A guard
/// that outlives its session is harmless.
class no_autoflush {
 public:
  explicit no_autoflush(session& s);
  ~no_autoflush();
  no_autoflush(const no_autoflush&) = delete;
  no_autoflush& operator=(const no_autoflush&) = delete;

 private:
  std::shared_ptr<int> blocks_;
};

template <class T>
template <class K1>
ptr<T> query<T>::get(const K1& key, retort::source_location where) {
  return base_.owner().template get<T>(key, where);
}
template <class T>
template <class... K>
  requires(sizeof...(K) != 1)
ptr<T> query<T>::get(const K&... key) {
  return base_.owner().template get<T>(key...);
}

/// A session event of `s` only: the same as s.on(event, f).
template <orm::event_kind K, class F>
  requires(orm::is_session_event(K))
listener listen(session& s, event_tag<K> e, F f) {
  return s.on(e, std::move(f));
}

/// Flask-SQLAlchemy's get_recorded_queries(): what `s` has recorded (see session::recorded_queries).
inline std::vector<engine::query_record> recorded_queries(const session& s) { return s.recorded_queries(); }

}  // namespace retort
