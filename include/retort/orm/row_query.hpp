// Row queries: `session.query(col<&User::username>, sql::count(col<&Post::id>))`
// selects columns, expressions and whole objects (`entity<User>`, an
// `aliased<User>`) and returns typed tuples, std::tuple<std::string,
// std::int64_t> here (SQLAlchemy's `session.query(User.username,
// func.count(Post.id))`). FROM comes from what the items name, as in
// SQLAlchemy; joins, where, group_by and the rest are query<T>'s.
#pragma once

#include <array>
#include <optional>
#include <tuple>
#include <utility>
#include <vector>

#include "retort/orm/query.hpp"
#include "retort/util/error.hpp"

namespace retort {

namespace detail {

/// What an item of session.query(...) adds to the statement and yields per row.
template <class I>
struct row_item;
template <class V>
struct row_item<sql::expr<V>> {
  using type = V;
  static void add(orm::query_base& b, const sql::expr<V>& e) { b.add_column(e); }
};
template <class E>
struct row_item<entity_t<E>> {
  using type = ptr<E>;
  static void add(orm::query_base& b, const entity_t<E>&) { b.add_entity(orm::mapper_for<E>(), {}); }
};
template <class E>
struct row_item<aliased<E>> {
  using type = ptr<E>;
  static void add(orm::query_base& b, const aliased<E>& a) { b.add_entity(orm::mapper_for<E>(), a.name()); }
};

template <class T>
inline constexpr bool is_ptr = false;
template <class E>
inline constexpr bool is_ptr<ptr<E>> = true;

}  // namespace detail

/// A query of typed rows (see the file comment). The tuple's element types are
/// the items' value types (expr<V> gives V; an entity gives ptr<E>, null when
/// an outer join found no row); decoding a NULL into a non-optional type
/// raises, so select nullable values as expr<std::optional<V>>.
template <class... Ts>
class row_query : public orm::query_clauses<row_query<Ts...>> {
  static_assert(sizeof...(Ts) > 0, "row_query: select at least one item");

 public:
  using row = std::tuple<Ts...>;

  explicit row_query(orm::query_base base) : base_(std::move(base)) {}

  std::vector<row> all(retort::source_location where = retort::source_location::current()) {
    auto rows = base_.rows(where, "all");
    std::vector<row> out;
    out.reserve(rows.size());
    for (auto& r : rows) out.push_back(decode(r, std::index_sequence_for<Ts...>{}));
    return out;
  }
  /// The first row, or none (LIMIT 1).
  std::optional<row> first(retort::source_location where = retort::source_location::current()) {
    auto rows = base_.rows(where, "first", true);
    if (rows.empty()) return std::nullopt;
    return decode(rows.front(), std::index_sequence_for<Ts...>{});
  }
  /// One row or none; MultipleResultsFound for more.
  std::optional<row> one_or_none(retort::source_location where = retort::source_location::current()) {
    auto rows = base_.rows(where, "one_or_none");
    if (rows.size() > 1) throw MultipleResultsFound("multiple rows were found when one or none was required");
    if (rows.empty()) return std::nullopt;
    return decode(rows.front(), std::index_sequence_for<Ts...>{});
  }
  /// Exactly one row; NoResultFound / MultipleResultsFound otherwise.
  row one(retort::source_location where = retort::source_location::current()) {
    auto r = one_or_none(where);
    if (!r) throw NoResultFound("no row was found when one was required");
    return std::move(*r);
  }
  /// The first item of the one row, or none (SQLAlchemy's Query.scalar()).
  auto scalar(retort::source_location where = retort::source_location::current()) {
    auto r = one_or_none(where);
    using first_t = std::tuple_element_t<0, row>;
    return r ? std::optional<first_t>(std::get<0>(std::move(*r))) : std::optional<first_t>();
  }
  /// SELECT count(*) FROM (this query) AS anon_1.
  std::int64_t count(retort::source_location where = retort::source_location::current()) { return base_.count(where); }

  /// This query as a scalar subquery, correlated to the enclosing statement:
  /// `session.query(sql::count(col<&Post::id>)).where(col<&Post::user_id> == col<&User::id>).scalar_subquery()`.
  auto scalar_subquery() const {
    static_assert(sizeof...(Ts) == 1, "scalar_subquery: the query must select exactly one item");
    using first_t = std::tuple_element_t<0, row>;
    static_assert(!detail::is_ptr<first_t>, "scalar_subquery: the item is an entity, not a value");
    return sql::scalar<first_t>(base_.subquery());
  }
  /// This query as a subquery, for `in_(...)` or a FROM item.
  sql::select subquery() const { return base_.subquery(); }

 private:
  friend class orm::query_clauses<row_query<Ts...>>;
  static constexpr std::array<bool, sizeof...(Ts)> entities{detail::is_ptr<Ts>...};
  /// Where item I's value sits among the row's values (or objects).
  template <std::size_t I>
  static constexpr std::size_t position() {
    std::size_t n = 0;
    for (std::size_t j = 0; j < I; ++j)
      if (entities[j] == entities[I]) ++n;
    return n;
  }
  template <std::size_t I>
  static auto item(orm::row_items& r) {
    using T = std::tuple_element_t<I, row>;
    if constexpr (detail::is_ptr<T>)
      return T(std::move(r.entities[position<I>()]));
    else
      return sql::value_traits<T>::from(r.values[position<I>()]);
  }
  template <std::size_t... I>
  static row decode(orm::row_items& r, std::index_sequence<I...>) {
    return row(item<I>(r)...);
  }
  orm::query_base base_;
};

}  // namespace retort
