// 2.0-style statements and results: `retort::select<User>().where(...)` built
// without a session and run by `session.execute(stmt)`, which returns a
// `retort::result` — `scalars()`, `scalar_one()`, `all()`, `first()`,
// `partitions(n)` — as SQLAlchemy 2.0's `session.execute(select(User))`.
// `retort::select(col<&User::username>, sql::count(...))` selects items and
// gives tuples. Rows are not made unique (SQLAlchemy 2.0's Result, unlike the
// legacy Query): a join gives an object once per row, and a joined eager
// collection needs `result.unique()` (InvalidRequestError otherwise, as in
// SQLAlchemy). The rows are fetched whole when the statement runs.
#pragma once

#include <algorithm>
#include <cstddef>
#include <optional>
#include <tuple>
#include <utility>
#include <vector>

#include "retort/orm/row_query.hpp"

namespace retort {

template <class... Ts>
class select_statement;

/// SELECT of one entity (SQLAlchemy 2.0's `select(User)`).
template <class T>
select_statement<ptr<T>> select() {
  return select_statement<ptr<T>>(orm::query_base(&orm::mapper_for<T>()));
}
/// SELECT of items: columns, expressions, entity<T>, aliased<T> (`select(User.username, func.count(Post.id))`).
template <class... I>
  requires(sizeof...(I) > 0)
select_statement<typename detail::row_item<I>::type...> select(const I&... items) {
  orm::query_base b(static_cast<const orm::mapper*>(nullptr));
  (detail::row_item<I>::add(b, items), ...);
  return select_statement<typename detail::row_item<I>::type...>(std::move(b));
}

/// A 2.0-style SELECT, not bound to a session until session.execute runs it.
template <class... Ts>
class select_statement : public orm::query_clauses<select_statement<Ts...>> {
 public:
  explicit select_statement(orm::query_base base) : base_(std::move(base)) {}

  /// Loader options, on a select of one entity (paths checked as query<T>'s).
  template <class... O>
  select_statement& options(const O&... o) {
    static_assert(sizeof...(Ts) == 1 && detail::is_ptr<std::tuple_element_t<0, std::tuple<Ts...>>>,
                  "select(...).options: loader options apply to a select of one entity, select<T>()");
    (orm::add_option<typename std::tuple_element_t<0, std::tuple<Ts...>>::element_type>(base_, o), ...);
    return *this;
  }
  select_statement& populate_existing() {
    base_.populate_existing();
    return *this;
  }
  /// The statement's state, for session.execute.
  const orm::query_base& core() const noexcept { return base_; }

 private:
  friend class orm::query_clauses<select_statement<Ts...>>;
  orm::query_base base_;
};

template <class T>
class scalar_result;

/// What session.execute returns: the rows, buffered (SQLAlchemy's Result).
template <class... Ts>
class result {
 public:
  using row = std::tuple<Ts...>;
  using first_type = std::tuple_element_t<0, row>;

  result(std::vector<row> rows, bool needs_unique) : rows_(std::move(rows)), needs_unique_(needs_unique) {}

  /// Each distinct row once, in order (SQLAlchemy's Result.unique()); required
  /// when a joined eager loader of a collection repeats the parents.
  result& unique() {
    needs_unique_ = false;
    std::vector<row> out;
    out.reserve(rows_.size());
    for (auto& r : rows_)
      if (std::find(out.begin(), out.end(), r) == out.end()) out.push_back(std::move(r));
    rows_ = std::move(out);
    return *this;
  }
  std::vector<row> all() const& {
    check();
    return rows_;
  }
  std::vector<row> all() && {
    check();
    return std::move(rows_);
  }
  /// The first row, or none; the rest are discarded.
  std::optional<row> first() const {
    check();
    return rows_.empty() ? std::nullopt : std::optional<row>(rows_.front());
  }
  std::optional<row> one_or_none() const {
    check();
    if (rows_.size() > 1) throw MultipleResultsFound("multiple rows were found when one or none was required");
    return rows_.empty() ? std::nullopt : std::optional<row>(rows_.front());
  }
  row one() const {
    auto r = one_or_none();
    if (!r) throw NoResultFound("no row was found when one was required");
    return *r;
  }
  /// The first column of the first row, or none.
  std::optional<first_type> scalar() const {
    auto r = first();
    return r ? std::optional<first_type>(std::get<0>(*r)) : std::nullopt;
  }
  first_type scalar_one() const { return std::get<0>(one()); }
  std::optional<first_type> scalar_one_or_none() const {
    auto r = one_or_none();
    return r ? std::optional<first_type>(std::get<0>(*r)) : std::nullopt;
  }
  /// The first column of every row (SQLAlchemy's Result.scalars()).
  scalar_result<first_type> scalars() const {
    std::vector<first_type> out;
    out.reserve(rows_.size());
    for (const auto& r : rows_) out.push_back(std::get<0>(r));
    return scalar_result<first_type>(std::move(out), needs_unique_);
  }
  /// The rows in lists of at most `n` (SQLAlchemy's partitions(n)).
  std::vector<std::vector<row>> partitions(std::size_t n) const {
    if (n == 0) throw ArgumentError("partitions: the size must be at least 1");
    check();
    std::vector<std::vector<row>> out;
    for (std::size_t i = 0; i < rows_.size(); i += n)
      out.emplace_back(rows_.begin() + static_cast<std::ptrdiff_t>(i),
                       rows_.begin() + static_cast<std::ptrdiff_t>(std::min(rows_.size(), i + n)));
    return out;
  }
  std::size_t size() const {
    check();
    return rows_.size();
  }
  auto begin() const {
    check();
    return rows_.begin();
  }
  auto end() const { return rows_.end(); }

 private:
  void check() const {
    if (needs_unique_)
      throw InvalidRequestError(
          "The unique() method must be invoked on this result, as it contains results that include joined eager "
          "loads against collections");
  }
  std::vector<row> rows_;
  bool needs_unique_;
};

/// One value per row (Result.scalars()): objects for a select of an entity.
template <class T>
class scalar_result {
 public:
  scalar_result(std::vector<T> values, bool needs_unique) : values_(std::move(values)), needs_unique_(needs_unique) {}

  scalar_result& unique() {
    needs_unique_ = false;
    std::vector<T> out;
    out.reserve(values_.size());
    for (auto& v : values_)
      if (std::find(out.begin(), out.end(), v) == out.end()) out.push_back(std::move(v));
    values_ = std::move(out);
    return *this;
  }
  std::vector<T> all() const& {
    check();
    return values_;
  }
  std::vector<T> all() && {
    check();
    return std::move(values_);
  }
  std::optional<T> first() const {
    check();
    return values_.empty() ? std::nullopt : std::optional<T>(values_.front());
  }
  std::optional<T> one_or_none() const {
    check();
    if (values_.size() > 1) throw MultipleResultsFound("multiple rows were found when one or none was required");
    return values_.empty() ? std::nullopt : std::optional<T>(values_.front());
  }
  T one() const {
    auto v = one_or_none();
    if (!v) throw NoResultFound("no row was found when one was required");
    return *v;
  }
  std::vector<std::vector<T>> partitions(std::size_t n) const {
    if (n == 0) throw ArgumentError("partitions: the size must be at least 1");
    check();
    std::vector<std::vector<T>> out;
    for (std::size_t i = 0; i < values_.size(); i += n)
      out.emplace_back(values_.begin() + static_cast<std::ptrdiff_t>(i),
                       values_.begin() + static_cast<std::ptrdiff_t>(std::min(values_.size(), i + n)));
    return out;
  }
  std::size_t size() const {
    check();
    return values_.size();
  }
  auto begin() const {
    check();
    return values_.begin();
  }
  auto end() const { return values_.end(); }

 private:
  void check() const {
    if (needs_unique_)
      throw InvalidRequestError(
          "The unique() method must be invoked on this result, as it contains results that include joined eager "
          "loads against collections");
  }
  std::vector<T> values_;
  bool needs_unique_;
};

namespace orm {

/// session.execute's work, typed: the entity path for select<T>(), the row path otherwise.
template <class... Ts>
result<Ts...> execute(retort::session& s, const select_statement<Ts...>& stmt, const retort::source_location& where) {
  auto base = stmt.core().bound(s);
  using row = std::tuple<Ts...>;
  std::vector<row> rows;
  bool needs_unique = false;
  if constexpr (sizeof...(Ts) == 1 && retort::detail::is_ptr<std::tuple_element_t<0, row>>) {
    if (base.of_entity()) {
      auto states = base.entity_rows(where, needs_unique);
      rows.reserve(states.size());
      for (auto& st : states) rows.emplace_back(std::tuple_element_t<0, row>(std::move(st)));
      return result<Ts...>(std::move(rows), needs_unique);
    }
  }
  return result<Ts...>(row_query<Ts...>(std::move(base)).all(where), false);
}

}  // namespace orm

}  // namespace retort
