// ORM-enabled UPDATE and DELETE with criteria (SQLAlchemy 2.0's
// `session.execute(update(User).where(...).values(...))`): one statement for
// every matching row, then the session's objects brought in line with it as
// synchronize_session says. The statements are typed shells over dml_spec;
// the work is compiled once in src/orm/dml.cpp. Relationship cascades,
// version counters and mapper events do not run (as in SQLAlchemy): the rows
// change in the database only. docs/bulk.md has the rules.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "retort/orm/columns.hpp"
#include "retort/orm/mapper_builder.hpp"
#include "retort/orm/ptr.hpp"
#include "retort/sql/expression.hpp"
#include "retort/util/error.hpp"
#include "retort/util/function_ref.hpp"
#include "retort/util/names.hpp"
#include "retort/util/source_location.hpp"

namespace retort {

class session;

/// How an ORM UPDATE / DELETE updates the objects already in the session
/// (SQLAlchemy 2.0's synchronize_session execution option).
enum class synchronize_session : std::uint8_t {
  /// "auto", the default: evaluate, or fetch when the criteria cannot be evaluated in C++.
  auto_,
  /// "evaluate": the WHERE criteria are evaluated against each object in the
  /// identity map; matching objects get the new values (UPDATE) or leave the
  /// session as deleted (DELETE). UnevaluatableError when a criterion cannot be.
  evaluate,
  /// "fetch": the statement returns the matched keys (RETURNING); the objects
  /// with those keys are updated or removed.
  fetch,
  /// False: the session's objects are left as they are (stale until expired).
  none,
};

/// One SET of an ORM UPDATE: an attribute (member name, or column name) and its new value or expression.
struct assignment {
  std::string attribute;
  sql::expression value;

  assignment(std::string a, sql::value v) : attribute(std::move(a)), value(sql::detail::make_bind(std::move(v))) {}
  assignment(std::string a, const char* v) : assignment(std::move(a), sql::value(v)) {}
  assignment(std::string a, sql::expression e) : attribute(std::move(a)), value(std::move(e)) {}
};

/// A typed SET: `retort::assign<&User::fullname>("Name")`,
/// `retort::assign<&User::visits>(col<&User::visits> + 1)`, `assign<&User::bio>(std::nullopt)`.
/// A value of the wrong kind for the member does not compile.
template <auto M, class V>
assignment assign(const V& v) {
  using C = detail::column_type<detail::member_of<M>>;
  if constexpr (std::is_same_v<V, std::nullopt_t>)
    return assignment(std::string(util::member_name<M>()), sql::value());
  else
    return assignment(std::string(util::member_name<M>()), sql::expression(sql::expr<C>::operand(v)));
}

/// What an ORM UPDATE / DELETE returns (SQLAlchemy's CursorResult.rowcount).
struct dml_result {
  std::int64_t matched = 0;
  /// Rows the statement matched.
  std::int64_t rowcount() const noexcept { return matched; }
};

namespace orm {

/// An ORM UPDATE or DELETE, type-erased.
struct dml_spec {
  const mapper* m = nullptr;
  bool is_delete = false;
  std::vector<assignment> values;
  std::vector<sql::expr<bool>> where;
  synchronize_session sync = synchronize_session::auto_;
};

/// Runs it in `s` (autoflush first); the number of rows matched.
std::int64_t execute_dml(retort::session& s, const dml_spec& spec, const retort::source_location& where);

/// What update_statement and delete_statement share.
template <class D>
class dml_clauses {
 public:
  /// A WHERE term; several are ANDed. Columns of other classes make the criteria unevaluatable.
  D& where(const sql::expr<bool>& cond) {
    spec_.where.push_back(cond);
    return self();
  }
  D& filter(const sql::expr<bool>& cond) { return where(cond); }
  /// `execution_options(synchronize_session="fetch")`.
  D& execution_options(synchronize_session sync) {
    spec_.sync = sync;
    return self();
  }
  const dml_spec& spec() const noexcept { return spec_; }

 protected:
  explicit dml_clauses(dml_spec spec) : spec_(std::move(spec)) {}
  dml_spec spec_;

 private:
  D& self() { return static_cast<D&>(*this); }
};

}  // namespace orm

/// `update(User)`: built without a session, run by session.execute.
template <class T>
class update_statement : public orm::dml_clauses<update_statement<T>> {
 public:
  explicit update_statement(orm::dml_spec spec) : orm::dml_clauses<update_statement<T>>(std::move(spec)) {}
  /// `.values(assign<&User::a>(1), assign<&User::b>("x"))`, or by name: `.values({{"fullname", "x"}})`.
  template <class... A>
    requires(sizeof...(A) > 0 && (std::is_convertible_v<A, assignment> && ...))
  update_statement& values(A&&... a) {
    (this->spec_.values.push_back(std::forward<A>(a)), ...);
    return *this;
  }
  update_statement& values(std::vector<assignment> a) {
    for (auto& x : a) this->spec_.values.push_back(std::move(x));
    return *this;
  }
};

/// `delete(User)`.
template <class T>
class delete_statement : public orm::dml_clauses<delete_statement<T>> {
 public:
  explicit delete_statement(orm::dml_spec spec) : orm::dml_clauses<delete_statement<T>>(std::move(spec)) {}
};

/// The row an upsert proposed (SQLAlchemy's `stmt.excluded.name`), for on_conflict_do_update's values:
/// `assign<&User::name>(retort::excluded<&User::name>)`.
template <auto M>
inline const sql::expr<detail::column_type<detail::member_of<M>>> excluded =
    sql::column_ref<detail::column_type<detail::member_of<M>>>("excluded", orm::column_name_of<M>());

namespace orm {

/// An ORM INSERT of many rows, type-erased (insert_statement<T>).
struct insert_spec {
  const mapper* m = nullptr;
  bool returning = false;          ///< objects come back (RETURNING every loaded column)
  bool populate_existing = false;  ///< returned rows overwrite objects already in the session
  struct conflict {
    std::vector<std::string> target;  ///< member names (index_elements)
    std::vector<assignment> sets;     ///< empty: DO NOTHING
    std::vector<sql::expr<bool>> where;
  };
  std::optional<conflict> on_conflict;
};

/// One row given as column/value pairs (SQLAlchemy's list of dicts).
using value_row = std::vector<assignment>;

/// Runs it in `s`: rows from objects (`object_at(i)`, i < n) or from value rows;
/// the objects loaded from RETURNING go to `objects` when spec.returning.
std::int64_t execute_insert(retort::session& s, const insert_spec& spec,
                            util::function_ref<const void*(std::size_t)> object_at, std::size_t n,
                            std::vector<state_ref>* objects, const retort::source_location& where);
std::int64_t execute_insert(retort::session& s, const insert_spec& spec, const std::vector<value_row>& rows,
                            std::vector<state_ref>* objects, const retort::source_location& where);

}  // namespace orm

/// `insert(User)`, run with rows by session.execute(stmt, rows).
template <class T>
class insert_statement {
 public:
  explicit insert_statement(orm::insert_spec spec) : spec_(std::move(spec)) {}
  /// `insert(User).returning(User)`: the inserted rows come back as objects of
  /// the session (through the identity map; result.objects()).
  insert_statement& returning() {
    spec_.returning = true;
    return *this;
  }
  /// Returned rows overwrite the objects already in the session (an upsert's updated rows).
  insert_statement& populate_existing() {
    spec_.populate_existing = true;
    return *this;
  }
  /// `ON CONFLICT [(K...)] DO NOTHING` (SQLAlchemy's on_conflict_do_nothing(index_elements=[...])).
  template <auto... K>
  insert_statement& on_conflict_do_nothing() {
    check_members<K...>();
    spec_.on_conflict = orm::insert_spec::conflict{{std::string(util::member_name<K>())...}, {}, {}};
    return *this;
  }
  /// `ON CONFLICT (K...) DO UPDATE SET ...` (on_conflict_do_update(index_elements=[...], set_={...})):
  /// `on_conflict_do_update<&User::email>(assign<&User::name>(excluded<&User::name>))`.
  template <auto K1, auto... K, class... A>
    requires(sizeof...(A) > 0 && (std::is_convertible_v<A, assignment> && ...))
  insert_statement& on_conflict_do_update(A&&... sets) {
    check_members<K1, K...>();
    spec_.on_conflict = orm::insert_spec::conflict{
        {std::string(util::member_name<K1>()), std::string(util::member_name<K>())...}, {assignment(std::forward<A>(sets))...}, {}};
    return *this;
  }
  /// The WHERE of DO UPDATE (`on_conflict_do_update(..., where=...)`): rows it rejects are left as they are.
  insert_statement& on_conflict_where(const sql::expr<bool>& cond) {
    if (!spec_.on_conflict || spec_.on_conflict->sets.empty())
      throw ArgumentError("insert(" + std::string(util::type_name<T>()) +
                          ").on_conflict_where: call on_conflict_do_update first");
    spec_.on_conflict->where.push_back(cond);
    return *this;
  }
  const orm::insert_spec& spec() const noexcept { return spec_; }

 private:
  template <auto... K>
  static constexpr void check_members() {
    static_assert((std::is_same_v<detail::class_of<K>, T> && ...),
                  "on_conflict: the index elements must be members of the inserted class");
  }
  orm::insert_spec spec_;
};

/// What session.execute(insert<T>(), rows) returns.
template <class T>
class insert_result {
 public:
  insert_result(std::int64_t n, std::vector<orm::state_ref> objects) : n_(n), objects_(std::move(objects)) {}
  /// Rows inserted (or, in an upsert, inserted or updated).
  std::int64_t rowcount() const noexcept { return n_; }
  /// The objects of insert(...).returning(), in the order the database returned them.
  std::vector<ptr<T>> objects() const {
    std::vector<ptr<T>> out;
    out.reserve(objects_.size());
    for (const auto& s : objects_) out.emplace_back(s);
    return out;
  }

 private:
  std::int64_t n_;
  std::vector<orm::state_ref> objects_;
};

/// SQLAlchemy 2.0's `insert(User)`: `session.execute(retort::insert<User>(), rows)` with a
/// std::vector<User> or a std::vector<retort::value_row>.
template <class T>
insert_statement<T> insert() {
  orm::insert_spec s;
  s.m = &orm::mapper_for<T>();
  return insert_statement<T>(std::move(s));
}
using orm::value_row;

/// SQLAlchemy 2.0's `update(User)`: `session.execute(retort::update<User>().where(...).values(...))`.
template <class T>
update_statement<T> update() {
  orm::dml_spec s;
  s.m = &orm::mapper_for<T>();
  return update_statement<T>(std::move(s));
}
/// SQLAlchemy 2.0's `delete(User)`.
template <class T>
delete_statement<T> delete_() {
  orm::dml_spec s;
  s.m = &orm::mapper_for<T>();
  s.is_delete = true;
  return delete_statement<T>(std::move(s));
}

}  // namespace retort
