// Loader options of a query (SQLAlchemy's joinedload / selectinload / ...):
// `session.query<User>().options(joinedload<&User::posts>().selectinload<&Post::tags>())`.
// Each step names a relationship of the class the previous step leads to;
// a path that does not follow the queried class's relationships does not
// compile. The typed chain builds a runtime path (orm::load_option) that the
// query path (src/orm/load_plan.cpp) resolves against the mappers.
//
// Column options (SQLAlchemy's defer / undefer / load_only / undefer_group)
// end a path, or stand alone for the queried class:
// `options(defer<&Post::body>())`, `options(joinedload<&User::posts>().load_only<&Post::title>())`.
// Only a retort::deferred<T> member can be left out of a load (deferred.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "retort/orm/mapping.hpp"
#include "retort/util/names.hpp"

namespace retort {

template <class T>
class aliased;

namespace orm {
/// One step of a loader option's path: a relationship attribute (or "*", every
/// relationship not named otherwise) and the strategy for it ("" leaves the
/// relationship's own: defaultload).
struct load_step {
  std::string attribute;
  std::string strategy;
  bool innerjoin = false;
  std::string from;  ///< contains_eager: the alias of the query's join to the target (empty: its table)
};
/// A column option for the class a path leads to.
struct column_directive {
  enum class action : std::uint8_t { none, defer, undefer, load_only, undefer_group };
  action what = action::none;
  std::vector<std::string> attributes;  ///< column members; undefer_group: the group's name
  bool raiseload = false;               ///< what it defers raises on access instead of loading
};
struct load_option {
  std::vector<load_step> steps;
  column_directive columns;  ///< applies to the class `steps` lead to (none: a relationship option)
};
}  // namespace orm

struct sql_only_t {};
/// raiseload(sql_only): raise only when the load would emit SQL (lazy="raise_on_sql").
inline constexpr sql_only_t sql_only{};

struct with_raiseload_t {};
/// defer<M>(with_raiseload), load_only<M...>(with_raiseload): a deferred column
/// read while unloaded raises InvalidRequestError (SQLAlchemy's raiseload=True).
inline constexpr with_raiseload_t with_raiseload{};

/// A column option (defer, undefer, load_only, undefer_group) for a query of Root; it ends its path.
template <class Root>
class column_option {
 public:
  explicit column_option(orm::load_option o) : o_(std::move(o)) {}
  const orm::load_option& get() const noexcept { return o_; }

 private:
  orm::load_option o_;
};

namespace detail {
/// The compile-time checks of a column option's member: a column of the class
/// the path has reached; for defer / undefer, a deferred<T> member.
template <class Leaf, auto M, bool Deferring>
constexpr bool column_option_member() {
  static_assert(std::is_member_object_pointer_v<decltype(M)>, "column option: name a column member, e.g. &Post::body");
  static_assert(!relationship_member<member_of<M>>::value,
                "column option: this member is a relationship (one<>, many<>, ...); choose how it loads with a "
                "relationship loader option (lazyload, noload, raiseload, selectinload, ...)");
  static_assert(std::is_same_v<class_of<M>, Leaf>,
                "column option: the member belongs to another class than the one the path has reached (the "
                "previous step's target, or the queried class)");
  static_assert(!Deferring || is_deferred_member<member_of<M>>,
                "defer<M> / undefer<M>: M is a plain member, which cannot load on access; declare it as "
                "retort::deferred<T> to defer it");
  return true;
}
}  // namespace detail

/// A loader option whose path starts at Root's relationships and ends at Leaf.
template <class Root, class Leaf>
class loader_option {
 public:
  loader_option() = default;
  explicit loader_option(orm::load_option o) : o_(std::move(o)) {}

  template <auto M>
  auto joinedload() const { return step<M>(loading::joined::name); }
  template <auto M>
  auto joinedload(innerjoin_t) const { return step<M>(loading::joined::name, true); }
  template <auto M>
  auto selectinload() const { return step<M>(loading::selectin::name); }
  template <auto M>
  auto subqueryload() const { return step<M>(loading::subquery::name); }
  template <auto M>
  auto immediateload() const { return step<M>(loading::immediate::name); }
  template <auto M>
  auto lazyload() const { return step<M>(loading::select::name); }
  template <auto M>
  auto noload() const { return step<M>(loading::noload::name); }
  template <auto M>
  auto raiseload() const { return step<M>(loading::raise::name); }
  /// The relationship filled from the query's own join to its target
  /// (SQLAlchemy's contains_eager): `query<User>().join<&User::posts>()
  /// .where(...).options(contains_eager<&User::posts>())`; with an alias,
  /// `contains_eager<&User::posts>(a)` for `join<&User::posts>(a)`.
  template <auto M>
  auto contains_eager() const { return step<M>("contains_eager"); }
  template <auto M, class U>
  auto contains_eager(const aliased<U>& target) const {
    static_assert(std::is_same_v<U, typename retort::detail::relationship_member<retort::detail::member_of<M>>::target>,
                  "contains_eager: the alias is of another class than the relationship's target");
    return step<M>("contains_eager", false, target.name());
  }
  template <auto M>
  auto raiseload(sql_only_t) const { return step<M>(loading::raise_on_sql::name); }
  /// Keeps the relationship's own strategy; further steps apply below it.
  template <auto M>
  auto defaultload() const { return step<M>(""); }
  /// Every relationship of Leaf not named by another option raises on access (raiseload('*')).
  loader_option raiseload_all() const { return wildcard(loading::raise::name); }
  loader_option raiseload_all(sql_only_t) const { return wildcard(loading::raise_on_sql::name); }

  /// Leaves the deferred<T> member M out of the load (SQLAlchemy's defer(Post.body)).
  template <auto M>
  column_option<Root> defer() const { return columns<true, M>(orm::column_directive::action::defer, false); }
  /// defer(Post.body, raiseload=True): reading it raises instead of loading.
  template <auto M>
  column_option<Root> defer(with_raiseload_t) const {
    return columns<true, M>(orm::column_directive::action::defer, true);
  }
  /// Loads the deferred<T> member M with the query (SQLAlchemy's undefer(Post.body)).
  template <auto M>
  column_option<Root> undefer() const { return columns<true, M>(orm::column_directive::action::undefer, false); }
  /// Loads only these of Leaf's deferred<T> members, deferring the others
  /// (SQLAlchemy's load_only(Post.title)); the primary key and plain members
  /// always load (a plain member cannot load on access).
  template <auto... M>
  column_option<Root> load_only() const {
    return columns<false, M...>(orm::column_directive::action::load_only, false);
  }
  /// load_only(..., raiseload=True): the members it defers raise on access.
  template <auto... M>
  column_option<Root> load_only(with_raiseload_t) const {
    return columns<false, M...>(orm::column_directive::action::load_only, true);
  }
  /// Loads the members of Leaf's deferred_group(name) with the query (SQLAlchemy's undefer_group("photos")).
  column_option<Root> undefer_group(const char* name) const {
    auto o = o_;
    o.columns = {orm::column_directive::action::undefer_group, {name}, false};
    return column_option<Root>(std::move(o));
  }

  const orm::load_option& get() const noexcept { return o_; }

 private:
  template <bool Deferring, auto... M>
  column_option<Root> columns(orm::column_directive::action what, bool raiseload) const {
    static_assert(sizeof...(M) > 0, "load_only<M...>: name at least one column member");
    static_assert((retort::detail::column_option_member<Leaf, M, Deferring>() && ...));
    auto o = o_;
    o.columns = {what, {std::string(util::member_name<M>())...}, raiseload};
    return column_option<Root>(std::move(o));
  }
  template <auto M>
  auto step(const char* strategy, bool innerjoin = false, std::string from = {}) const {
    using member = retort::detail::member_of<M>;
    static_assert(retort::detail::relationship_member<member>::value,
                  "loader option: each step must name a relationship member (one<>, many<>, set_of<>, keyed<>)");
    static_assert(!retort::detail::is_never_loaded<member>,
                  "loader option: a retort::write_only<T> / retort::dynamic<T> member is never loaded with its "
                  "parents; query it with its select()");
    static_assert(std::is_same_v<retort::detail::class_of<M>, Leaf>,
                  "loader option: this step's relationship belongs to another class than the one the path has "
                  "reached (the previous step's target, or the queried class)");
    using target = typename retort::detail::relationship_member<member>::target;
    auto o = o_;
    o.steps.push_back({std::string(util::member_name<M>()), strategy, innerjoin, std::move(from)});
    return loader_option<Root, target>(std::move(o));
  }
  loader_option wildcard(const char* strategy) const {
    auto o = o_;
    o.steps.push_back({"*", strategy, false, {}});
    return loader_option(std::move(o));
  }
  orm::load_option o_;
};

namespace detail {
template <auto M>
using option_root = loader_option<class_of<M>, class_of<M>>;
}

template <auto M>
auto joinedload() { return detail::option_root<M>().template joinedload<M>(); }
template <auto M>
auto joinedload(innerjoin_t) { return detail::option_root<M>().template joinedload<M>(innerjoin); }
template <auto M>
auto selectinload() { return detail::option_root<M>().template selectinload<M>(); }
template <auto M>
auto subqueryload() { return detail::option_root<M>().template subqueryload<M>(); }
template <auto M>
auto immediateload() { return detail::option_root<M>().template immediateload<M>(); }
template <auto M>
auto lazyload() { return detail::option_root<M>().template lazyload<M>(); }
template <auto M>
auto noload() { return detail::option_root<M>().template noload<M>(); }
template <auto M>
auto raiseload() { return detail::option_root<M>().template raiseload<M>(); }
template <auto M>
auto raiseload(sql_only_t) { return detail::option_root<M>().template raiseload<M>(sql_only); }
template <auto M>
auto defaultload() { return detail::option_root<M>().template defaultload<M>(); }
template <auto M>
auto contains_eager() { return detail::option_root<M>().template contains_eager<M>(); }
template <auto M, class U>
auto contains_eager(const aliased<U>& target) { return detail::option_root<M>().template contains_eager<M>(target); }

/// Column options on the queried class: `query<Post>().options(defer<&Post::body>())`.
template <auto M>
column_option<detail::class_of<M>> defer() {
  return detail::option_root<M>().template defer<M>();
}
template <auto M>
column_option<detail::class_of<M>> defer(with_raiseload_t) {
  return detail::option_root<M>().template defer<M>(with_raiseload);
}
template <auto M>
column_option<detail::class_of<M>> undefer() {
  return detail::option_root<M>().template undefer<M>();
}
template <auto M, auto... More>
column_option<detail::class_of<M>> load_only() {
  return detail::option_root<M>().template load_only<M, More...>();
}
template <auto M, auto... More>
column_option<detail::class_of<M>> load_only(with_raiseload_t) {
  return detail::option_root<M>().template load_only<M, More...>(with_raiseload);
}
/// undefer_group("photos") on the queried class T.
template <class T>
column_option<T> undefer_group(const char* name) {
  return loader_option<T, T>().undefer_group(name);
}

/// raiseload('*') on the queried class: every relationship no other option names raises on access.
struct wildcard_option {
  orm::load_option o;
};
inline wildcard_option raiseload_all() { return {orm::load_option{{{"*", loading::raise::name, false, {}}}, {}}}; }
inline wildcard_option raiseload_all(sql_only_t) {
  return {orm::load_option{{{"*", loading::raise_on_sql::name, false, {}}}, {}}};
}

}  // namespace retort
