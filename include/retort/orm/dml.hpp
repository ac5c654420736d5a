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
#include "retort/sql/expression.hpp"
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
