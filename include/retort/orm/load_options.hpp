// Loader options of a query (SQLAlchemy's joinedload / selectinload / ...):
// `session.query<User>().options(joinedload<&User::posts>().selectinload<&Post::tags>())`.
// Each step names a relationship of the class the previous step leads to;
// a path that does not follow the queried class's relationships does not
// compile. The typed chain builds a runtime path (orm::load_option) that the
// query path (src/orm/load_plan.cpp) resolves against the mappers.
#pragma once

#include <string>
#include <type_traits>
#include <vector>

#include "retort/orm/mapping.hpp"
#include "retort/util/names.hpp"

namespace retort {

namespace orm {
/// One step of a loader option's path: a relationship attribute (or "*", every
/// relationship not named otherwise) and the strategy for it ("" leaves the
/// relationship's own: defaultload).
struct load_step {
  std::string attribute;
  std::string strategy;
  bool innerjoin = false;
};
struct load_option {
  std::vector<load_step> steps;
};
}  // namespace orm

struct sql_only_t {};
/// raiseload(sql_only): raise only when the load would emit SQL (lazy="raise_on_sql").
inline constexpr sql_only_t sql_only{};

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
  template <auto M>
  auto raiseload(sql_only_t) const { return step<M>(loading::raise_on_sql::name); }
  /// Keeps the relationship's own strategy; further steps apply below it.
  template <auto M>
  auto defaultload() const { return step<M>(""); }
  /// Every relationship of Leaf not named by another option raises on access (raiseload('*')).
  loader_option raiseload_all() const { return wildcard(loading::raise::name); }
  loader_option raiseload_all(sql_only_t) const { return wildcard(loading::raise_on_sql::name); }

  const orm::load_option& get() const noexcept { return o_; }

 private:
  template <auto M>
  auto step(const char* strategy, bool innerjoin = false) const {
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
    o.steps.push_back({std::string(util::member_name<M>()), strategy, innerjoin});
    return loader_option<Root, target>(std::move(o));
  }
  loader_option wildcard(const char* strategy) const {
    auto o = o_;
    o.steps.push_back({"*", strategy, false});
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

/// raiseload('*') on the queried class: every relationship no other option names raises on access.
struct wildcard_option {
  orm::load_option o;
};
inline wildcard_option raiseload_all() { return {orm::load_option{{{"*", loading::raise::name, false}}}}; }
inline wildcard_option raiseload_all(sql_only_t) {
  return {orm::load_option{{{"*", loading::raise_on_sql::name, false}}}};
}

}  // namespace retort
