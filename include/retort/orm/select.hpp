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
template <class T>
class yield_per_statement;

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
  /// `select(User).from_statement(text(...))`: the objects of a textual SELECT.
  select_statement& from_statement(sql::text t) {
    static_assert(sizeof...(Ts) == 1 && detail::is_ptr<std::tuple_element_t<0, std::tuple<Ts...>>>,
                  "select(...).from_statement: the objects of a textual statement need a select of one entity, select<T>()");
    base_.from_statement(std::move(t));
    return *this;
  }
  /// Read in batches of `n` (SQLAlchemy 2.0's `execution_options(yield_per=n)`): session.scalars(stmt)
  /// gives a retort::streamed<T>.
  auto yield_per(std::size_t n) const {
    static_assert(sizeof...(Ts) == 1 && detail::is_ptr<std::tuple_element_t<0, std::tuple<Ts...>>>,
                  "select(...).yield_per: streaming objects needs a select of one entity, select<T>()");
    using P = std::tuple_element_t<0, std::tuple<Ts...>>;
    return yield_per_statement<typename P::element_type>(base_, n);
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

/// `select(User).execution_options(yield_per=n)`: run by session.scalars / session.execute
/// as a retort::streamed<T> (the rows read n at a time; see query<T>::yield_per).
template <class T>
class yield_per_statement {
 public:
  yield_per_statement(orm::query_base base, std::size_t n) : base_(std::move(base)), n_(n) {}
  const orm::query_base& core() const noexcept { return base_; }
  std::size_t batch() const noexcept { return n_; }

 private:
  orm::query_base base_;
  std::size_t n_;
};

namespace detail {

/// What result and scalar_result share: buffered items (rows or values), the
/// unique() requirement of joined eager collections, and the fetch methods.
template <class D, class R>
class buffered_result {
 public:
  /// Each distinct item once, in order (SQLAlchemy's Result.unique()); required
  /// when a joined eager loader of a collection repeats the parents.
  D& unique() {
    needs_unique_ = false;
    std::vector<R> out;
    out.reserve(items_.size());
    for (auto& r : items_)
      if (std::find(out.begin(), out.end(), r) == out.end()) out.push_back(std::move(r));
    items_ = std::move(out);
    return static_cast<D&>(*this);
  }
  std::vector<R> all() const& {
    check();
    return items_;
  }
  std::vector<R> all() && {
    check();
    return std::move(items_);
  }
  /// The first item, or none; the rest are discarded.
  std::optional<R> first() const {
    check();
    return items_.empty() ? std::nullopt : std::optional<R>(items_.front());
  }
  std::optional<R> one_or_none() const {
    check();
    if (items_.size() > 1) throw MultipleResultsFound("multiple rows were found when one or none was required");
    return items_.empty() ? std::nullopt : std::optional<R>(items_.front());
  }
  R one() const {
    auto r = one_or_none();
    if (!r) throw NoResultFound("no row was found when one was required");
    return *r;
  }
  /// The items in lists of at most `n` (SQLAlchemy's partitions(n)).
  std::vector<std::vector<R>> partitions(std::size_t n) const {
    if (n == 0) throw ArgumentError("partitions: the size must be at least 1");
    check();
    std::vector<std::vector<R>> out;
    for (std::size_t i = 0; i < items_.size(); i += n)
      out.emplace_back(items_.begin() + static_cast<std::ptrdiff_t>(i),
                       items_.begin() + static_cast<std::ptrdiff_t>(std::min(items_.size(), i + n)));
    return out;
  }
  std::size_t size() const {
    check();
    return items_.size();
  }
  auto begin() const {
    check();
    return items_.begin();
  }
  auto end() const { return items_.end(); }

 protected:
  buffered_result(std::vector<R> items, bool needs_unique) : items_(std::move(items)), needs_unique_(needs_unique) {}
  void check() const {
    if (needs_unique_)
      throw InvalidRequestError(
          "The unique() method must be invoked on this result, as it contains results that include joined eager "
          "loads against collections");
  }
  std::vector<R> items_;
  bool needs_unique_;
};

}  // namespace detail

/// What session.execute returns: the rows, buffered (SQLAlchemy's Result).
template <class... Ts>
class result : public detail::buffered_result<result<Ts...>, std::tuple<Ts...>> {
  using base = detail::buffered_result<result<Ts...>, std::tuple<Ts...>>;

 public:
  using row = std::tuple<Ts...>;
  using first_type = std::tuple_element_t<0, row>;

  result(std::vector<row> rows, bool needs_unique) : base(std::move(rows), needs_unique) {}

  /// The first column of the first row, or none.
  std::optional<first_type> scalar() const {
    auto r = this->first();
    return r ? std::optional<first_type>(std::get<0>(*r)) : std::nullopt;
  }
  first_type scalar_one() const { return std::get<0>(this->one()); }
  std::optional<first_type> scalar_one_or_none() const {
    auto r = this->one_or_none();
    return r ? std::optional<first_type>(std::get<0>(*r)) : std::nullopt;
  }
  /// The first column of every row (SQLAlchemy's Result.scalars()).
  scalar_result<first_type> scalars() const {
    std::vector<first_type> out;
    out.reserve(this->items_.size());
    for (const auto& r : this->items_) out.push_back(std::get<0>(r));
    return scalar_result<first_type>(std::move(out), this->needs_unique_);
  }
};

/// One value per row (Result.scalars()): objects for a select of an entity.
template <class T>
class scalar_result : public detail::buffered_result<scalar_result<T>, T> {
 public:
  scalar_result(std::vector<T> values, bool needs_unique)
      : detail::buffered_result<scalar_result<T>, T>(std::move(values), needs_unique) {}
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
