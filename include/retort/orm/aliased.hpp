// Queries along relationships, the typed edge: `aliased<User>` (a second name
// for a mapped class in one statement), `rel<&User::posts>` (the relationship
// as a query expression: any / has / contains / == object), `with_parent`,
// and `entity<User>` (a whole object as an item of a row query). The SQL is
// written by compiled code (src/orm/comparators.cpp) from the relationship's
// join condition, so every relationship kind, the secondary table included,
// gets the same treatment.
#pragma once

#include <string>
#include <string_view>

#include "retort/orm/columns.hpp"
#include "retort/orm/mapper_builder.hpp"
#include "retort/orm/ptr.hpp"
#include "retort/sql/expression.hpp"
#include "retort/util/names.hpp"
#include "retort/util/error.hpp"

namespace retort::orm {

/// One relationship as a query names it: the parent's mapper, the attribute,
/// and the name the parent's table goes by in the statement (empty: its own).
struct relationship_path {
  const mapper* parent = nullptr;
  std::string_view attribute;
  std::string parent_as;
};

/// "user_1", "user_2", ...: a process-wide fresh name for an alias of `table`.
std::string anonymous_alias(const std::string& table);
/// any() / has(): EXISTS (SELECT * FROM target [, secondary] WHERE join [AND criterion]).
sql::expr<bool> relationship_exists(const relationship_path& r, const sql::expr<bool>* criterion);
/// contains(child) on a collection: the parent's key equals what links `child` to it.
sql::expr<bool> relationship_contains(const relationship_path& r, const instance_state& child);
/// `rel == target` on a many-to-one (`target` null: the foreign key IS NULL); `negated` for !=.
sql::expr<bool> relationship_equals(const relationship_path& r, const instance_state* target, bool negated);
/// The target rows of `parent`'s relationship (the lazy load's criterion), the target named `target_as`.
sql::expr<bool> with_parent(const instance_state& parent, const relationship_path& r, const std::string& target_as);

}  // namespace retort::orm

namespace retort {

template <auto M>
class relationship_attr;

/// A mapped class under another name in one statement (SQLAlchemy's
/// `aliased(User)`): self-joins, or two joins to one table. Its columns are
/// `a.col<&User::username>()`, its relationships `a.rel<&User::posts>()`.
/// Without a name it gets a fresh one ("user_1", "user_2", ... per process).
template <class T>
class aliased {
 public:
  aliased() : name_(orm::anonymous_alias(orm::table_name_of<T>())) {}
  explicit aliased(std::string name) : name_(std::move(name)) {}

  const std::string& name() const noexcept { return name_; }
  /// The alias's column for member M of T.
  template <auto M>
  sql::expr<detail::member_of<M>> col() const {
    static_assert(std::is_same_v<detail::class_of<M>, T>, "aliased<T>::col: the member belongs to another class");
    return sql::expr<detail::member_of<M>>(
        sql::detail::make_aliased_column(name_, orm::table_name_of<T>(), orm::column_name_of<M>()));
  }
  /// The alias's relationship M (for join, any, has, ...).
  template <auto M>
  relationship_attr<M> rel() const {
    static_assert(std::is_same_v<detail::class_of<M>, T>, "aliased<T>::rel: the relationship belongs to another class");
    return relationship_attr<M>(name_);
  }

 private:
  std::string name_;
};

/// A relationship as a query expression (SQLAlchemy's `User.posts` in a
/// filter): `rel<&User::posts>.any(col<&Post::title> == "x")`,
/// `rel<&Post::author>.has(...)`, `rel<&User::posts>.contains(post)`,
/// `rel<&Post::author> == user`, `rel<&Post::author> != nullptr`.
template <auto M>
class relationship_attr {
  using member = detail::member_of<M>;
  static_assert(detail::relationship_member<member>::value,
                "rel<M>: M must name a relationship member (one<>, many<>, set_of<>, keyed<>); use col<M> for columns");
  static constexpr bool collection = detail::relationship_member<member>::collection;

 public:
  using parent_type = detail::class_of<M>;
  using target_type = typename detail::relationship_member<member>::target;

  relationship_attr() = default;
  explicit relationship_attr(std::string parent_as) : parent_as_(std::move(parent_as)) {}

  /// `EXISTS (SELECT * FROM post WHERE user.id = post.user_id [AND criterion])` (a collection).
  sql::expr<bool> any() const {
    static_assert(collection, "rel<M>.any(): M is a scalar (one<>) relationship; use has()");
    return orm::relationship_exists(path(), nullptr);
  }
  sql::expr<bool> any(const sql::expr<bool>& criterion) const {
    static_assert(collection, "rel<M>.any(): M is a scalar (one<>) relationship; use has()");
    return orm::relationship_exists(path(), &criterion);
  }
  /// `EXISTS (SELECT * FROM user WHERE user.id = post.user_id [AND criterion])` (a scalar).
  sql::expr<bool> has() const {
    static_assert(!collection, "rel<M>.has(): M is a collection; use any()");
    return orm::relationship_exists(path(), nullptr);
  }
  sql::expr<bool> has(const sql::expr<bool>& criterion) const {
    static_assert(!collection, "rel<M>.has(): M is a collection; use any()");
    return orm::relationship_exists(path(), &criterion);
  }
  /// Rows whose collection holds `child`.
  sql::expr<bool> contains(const ptr<target_type>& child) const {
    static_assert(collection, "rel<M>.contains(): M is a scalar (one<>) relationship; compare with ==");
    if (!child) throw ArgumentError("rel<M>.contains(): the object is null");
    return orm::relationship_contains(path(), *child.state());
  }
  /// Rows whose many-to-one names `target` (or none: `== nullptr`).
  friend sql::expr<bool> operator==(const relationship_attr& r, const ptr<target_type>& target) {
    static_assert(!collection, "rel<M> == object: M is a collection; use contains()");
    return orm::relationship_equals(r.path(), target.state(), false);
  }
  friend sql::expr<bool> operator!=(const relationship_attr& r, const ptr<target_type>& target) {
    static_assert(!collection, "rel<M> != object: M is a collection; use !contains() or any()");
    return orm::relationship_equals(r.path(), target.state(), true);
  }
  friend sql::expr<bool> operator==(const relationship_attr& r, std::nullptr_t) {
    static_assert(!collection, "rel<M> == nullptr: M is a collection; use !any()");
    return orm::relationship_equals(r.path(), nullptr, false);
  }
  friend sql::expr<bool> operator!=(const relationship_attr& r, std::nullptr_t) {
    static_assert(!collection, "rel<M> != nullptr: M is a collection; use any()");
    return orm::relationship_equals(r.path(), nullptr, true);
  }

  orm::relationship_path path() const { return {&orm::mapper_for<parent_type>(), util::member_name<M>(), parent_as_}; }
  const std::string& parent_as() const noexcept { return parent_as_; }

 private:
  std::string parent_as_;
};

/// The relationship M as a query expression (see relationship_attr).
template <auto M>
inline const relationship_attr<M> rel{};

/// The rows of `parent`'s relationship M, as a criterion on M's target
/// (SQLAlchemy's `with_parent(user, User.posts)`): `? = post.user_id`, through
/// the secondary table for a many-to-many. The parent's key is read now: a
/// pending parent without one is an InvalidRequestError (flush first).
template <auto M>
sql::expr<bool> with_parent(const ptr<detail::class_of<M>>& parent) {
  if (!parent) throw ArgumentError("with_parent: the parent is null");
  return orm::with_parent(*parent.state(), rel<M>.path(), {});
}
/// with_parent onto an alias of the target.
template <auto M, class U>
sql::expr<bool> with_parent(const ptr<detail::class_of<M>>& parent, const aliased<U>& target) {
  static_assert(std::is_same_v<U, typename relationship_attr<M>::target_type>,
                "with_parent: the alias is of another class than the relationship's target");
  if (!parent) throw ArgumentError("with_parent: the parent is null");
  return orm::with_parent(*parent.state(), rel<M>.path(), target.name());
}

/// A whole object as an item of a row query: `session.query(entity<User>, count(...))`.
template <class T>
struct entity_t {};
template <class T>
inline constexpr entity_t<T> entity{};

}  // namespace retort
